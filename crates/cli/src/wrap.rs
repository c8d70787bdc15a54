//! `cairn wrap`: an `outer` STARK proof → a Groth16 or PLONK proof for the on-chain verifier;
//! and the verification of wrapped proofs for `cairn verify`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use cairn_groth16::{to_snarkjs_vk_json, vk_hash, INSECURE_DEV_SETUP_WARNING};
use cairn_deploy::{read_snark_key, SnarkKey};
use cairn_sdk::{
    CairnProof, Groth16Setup, KeyCache, PlonkSetup, PlonkWrapOptions, ProverClient, SnarkProof, SnarkSystem, WrapOptions,
};
use cairn_stark::{read_file, read_header, FileKind};
use clap::{ArgGroup, Args};

use crate::stark::{check_insecure, load_vk};

/// The development KZG parameters' warning.
const INSECURE_DEV_SRS_WARNING: &str =
    "WARNING: INSECURE development KZG parameters (tau derived from a public seed): anyone can forge PLONK proofs for this key";

/// Arguments of `cairn wrap`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("system").required(true).args(["groth16", "plonk"])))]
pub(crate) struct WrapArgs {
    /// The STARK proof to wrap (from `cairn prove --config outer`).
    proof: PathBuf,
    /// Wrap with Groth16 (BN254, arkworks).
    #[arg(long)]
    groth16: bool,
    /// Wrap with PLONK (halo2, KZG over BN254).
    #[arg(long)]
    plonk: bool,
    /// The program's verifying key file (from `cairn prove --vk-out`).
    #[arg(long, conflicts_with = "elf")]
    vk: Option<PathBuf>,
    /// The guest ELF (the verifying key is derived from it).
    #[arg(long)]
    elf: Option<PathBuf>,
    /// Groth16 keys from a snarkjs phase-2 ceremony over this circuit (see --export-r1cs).
    /// Without it, an INSECURE deterministic development setup is used.
    #[arg(long, conflicts_with = "plonk")]
    zkey: Option<PathBuf>,
    /// PLONK: KZG parameters in halo2's raw format (e.g. derived from a public powers-of-tau
    /// ceremony). Without it, INSECURE development parameters are used.
    #[arg(long, value_name = "FILE", conflicts_with = "groth16")]
    kzg_params: Option<PathBuf>,
    /// Write the circuit as a circom `.r1cs` file (for a snarkjs ceremony) and stop.
    #[arg(long, value_name = "FILE", conflicts_with = "plonk")]
    export_r1cs: Option<PathBuf>,
    /// Allow wrapping proofs made with the insecure `test` profile.
    #[arg(long)]
    insecure_test_params: bool,
    /// Where to write the wrapped proof (default: `proof.groth16` or `proof.plonk`).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Where to write the verifying key; default: `groth16_vk.json` (snarkjs JSON) or
    /// `plonk_vk.json` beside the output.
    #[arg(long, value_name = "FILE")]
    snark_vk_out: Option<PathBuf>,
    /// Key cache directory (default: $CAIRN_CACHE_DIR, $XDG_CACHE_HOME/cairn or ~/.cache/cairn).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

fn cache(dir: Option<&Path>) -> Result<KeyCache> {
    match dir {
        Some(dir) => Ok(KeyCache::new(dir)),
        None => Ok(KeyCache::default_location()?),
    }
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

pub(crate) fn wrap(args: &WrapArgs, json: bool) -> Result<()> {
    let path = &args.proof;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read proof {}", path.display()))?;
    let (header, _) = read_header(&bytes).with_context(|| format!("{}", path.display()))?;
    let (_, proof): (_, CairnProof) =
        read_file(&bytes, FileKind::StarkProof).with_context(|| format!("{}", path.display()))?;
    if header.profile.is_insecure() && !args.insecure_test_params {
        bail!(
            "{} was made with the insecure `{}` profile; wrapping it would give an insecure proof. \
             Pass --insecure-test-params to wrap it anyway (tests only)",
            path.display(),
            header.profile.name
        );
    }
    let vk = load_vk(args.vk.as_deref(), args.elf.as_deref(), header.config, &header.profile)?;
    let prepared = vk.prepare().context("preparing the verifying key")?;
    let client = ProverClient::new().with_config(header.config).with_profile(header.profile);

    if let Some(out) = &args.export_r1cs {
        let circuit = client.wrap_circuit(&proof, &prepared, args.insecure_test_params)?;
        let blank = cairn_wrapper::circuit::StarkVerifierCircuit::new(circuit.shape().clone(), None);
        let file = std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
        let info = cairn_groth16::export_r1cs(blank, file)?;
        if json {
            println!("{}", serde_json::json!({ "r1cs": crate::shown(&out), "constraints": info.num_constraints, "domain_size": info.domain_size }));
        } else {
            println!("wrote {} ({} constraints, domain 2^{})", out.display(), info.num_constraints, info.domain_size.trailing_zeros());
        }
        return Ok(());
    }

    let output = args.output.clone().unwrap_or_else(|| PathBuf::from(if args.plonk { "proof.plonk" } else { "proof.groth16" }));
    let cache = cache(args.cache_dir.as_deref())?;
    if args.plonk {
        return wrap_plonk(args, &client, (&proof, &prepared), &header.profile, &output, &cache, json);
    }
    let setup = match &args.zkey {
        Some(zkey) => Groth16Setup::Zkey(zkey.clone()),
        None => {
            eprintln!("{INSECURE_DEV_SETUP_WARNING} (no --zkey given: using the development setup)");
            Groth16Setup::default()
        }
    };
    let options = WrapOptions { setup, allow_insecure_profile: args.insecure_test_params };
    let start = Instant::now();
    let wrapped = client.wrap_groth16(&proof, &prepared, &options, &cache)?;
    let total = start.elapsed();
    wrapped.proof.save(&header.profile, &output)?;
    let vk_out = args.snark_vk_out.clone().unwrap_or_else(|| output.with_file_name("groth16_vk.json"));
    std::fs::write(&vk_out, to_snarkjs_vk_json(&wrapped.vk))
        .with_context(|| format!("cannot write {}", vk_out.display()))?;

    let t = wrapped.timings;
    if json {
        let summary = serde_json::json!({
            "system": "groth16", "proof": crate::shown(&output), "verifying_key": crate::shown(&vk_out),
            "verifier_hash": hex0x(&wrapped.proof.verifier_hash),
            "program_vkey": hex0x(&wrapped.proof.program_vkey),
            "public_values": hex0x(&wrapped.proof.public_values),
            "proof_bytes": hex0x(&wrapped.proof.proof_bytes),
            "constraints": wrapped.constraints, "circuit": hex0x(&wrapped.circuit_digest),
            "insecure_setup": wrapped.proof.insecure_setup, "setup_performed": t.setup_performed,
            "seconds": { "total": total.as_secs_f64(), "witness": t.witness.as_secs_f64(), "digest": t.digest.as_secs_f64(),
                         "keys": t.keys.as_secs_f64(), "prove": t.prove.as_secs_f64() },
        });
        println!("{summary}");
    } else {
        println!("wrapped {} -> {} ({:.1?})", output.display(), vk_out.display(), total);
        println!("  circuit:        {} constraints ({})", wrapped.constraints, hex0x(&wrapped.circuit_digest[..8]));
        println!(
            "  steps:          witness {:.1?}, circuit digest {:.1?}, keys {:.1?}{}, prove {:.1?}",
            t.witness,
            t.digest,
            t.keys,
            if t.setup_performed { " (setup)" } else { " (cached)" },
            t.prove
        );
        println!("  verifier hash:  {}", hex0x(&wrapped.proof.verifier_hash));
        println!("  program vkey:   {}", hex0x(&wrapped.proof.program_vkey));
        println!("  public values:  {}", hex0x(&wrapped.proof.public_values));
    }
    Ok(())
}

/// `cairn wrap --plonk`.
fn wrap_plonk(
    args: &WrapArgs,
    client: &ProverClient,
    (proof, prepared): (&CairnProof, &cairn_sdk::PreparedVerifyingKey),
    profile: &cairn_sdk::Profile,
    output: &Path,
    cache: &KeyCache,
    json: bool,
) -> Result<()> {
    let setup = match &args.kzg_params {
        Some(file) => PlonkSetup::Params(file.clone()),
        None => {
            eprintln!("{INSECURE_DEV_SRS_WARNING} (no --kzg-params given)");
            PlonkSetup::default()
        }
    };
    let options = PlonkWrapOptions { setup, allow_insecure_profile: args.insecure_test_params };
    let start = Instant::now();
    let wrapped = client.wrap_plonk(proof, prepared, &options, cache)?;
    let total = start.elapsed();
    wrapped.proof.save(profile, output)?;
    let vk_out = args.snark_vk_out.clone().unwrap_or_else(|| output.with_file_name("plonk_vk.json"));
    std::fs::write(&vk_out, wrapped.vk.to_json()).with_context(|| format!("cannot write {}", vk_out.display()))?;
    let t = wrapped.timings;
    if json {
        let summary = serde_json::json!({
            "system": "plonk", "proof": crate::shown(&output), "verifying_key": crate::shown(&vk_out),
            "verifier_hash": hex0x(&wrapped.proof.verifier_hash),
            "program_vkey": hex0x(&wrapped.proof.program_vkey),
            "public_values": hex0x(&wrapped.proof.public_values),
            "proof_bytes": hex0x(&wrapped.proof.proof_bytes),
            "rows": wrapped.rows, "k": wrapped.k, "circuit": hex0x(&wrapped.circuit_digest),
            "insecure_setup": wrapped.proof.insecure_setup, "setup_performed": t.setup_performed,
            "seconds": { "total": total.as_secs_f64(), "witness": t.witness.as_secs_f64(), "digest": t.digest.as_secs_f64(),
                         "keys": t.keys.as_secs_f64(), "prove": t.prove.as_secs_f64() },
        });
        println!("{summary}");
    } else {
        println!("wrapped {} -> {} ({:.1?})", output.display(), vk_out.display(), total);
        println!("  circuit:        {} rows, k = {} ({})", wrapped.rows, wrapped.k, hex0x(&wrapped.circuit_digest[..8]));
        let keys = if t.setup_performed { "generated" } else { "cached" };
        println!(
            "  steps:          witness {:.1?}, digest {:.1?}, parameters and keys {:.1?} ({keys}), prove {:.1?}",
            t.witness, t.digest, t.keys, t.prove
        );
        println!("  proof:          {} bytes", wrapped.proof.proof_bytes.len());
        println!("  verifier hash:  {}", hex0x(&wrapped.proof.verifier_hash));
        println!("  program vkey:   {}", hex0x(&wrapped.proof.program_vkey));
        println!("  public values:  {}", hex0x(&wrapped.proof.public_values));
    }
    Ok(())
}

/// The key from `--snark-vk` (either system's file, as `deploy-verifier` reads it), else from
/// the cache by the proof's VERIFIER_HASH; a key of the other system is refused by name.
fn snark_key(proof: &SnarkProof, snark_vk: Option<&Path>) -> Result<SnarkKey> {
    let key = match snark_vk {
        Some(file) => read_snark_key(file)?,
        None => {
            let cache = cache(None)?;
            let found = match proof.system {
                SnarkSystem::Groth16 => cache.find_vk(&proof.verifier_hash)?.map(|vk| SnarkKey::Groth16(Box::new(vk))),
                SnarkSystem::Plonk => cache.find_plonk_vk(&proof.verifier_hash)?.map(|vk| SnarkKey::Plonk(Box::new(vk))),
            };
            found.with_context(|| {
                format!(
                    "no {} verifying key with hash {} in the key cache: pass --snark-vk FILE",
                    proof.system,
                    hex0x(&proof.verifier_hash)
                )
            })?
        }
    };
    if key.system() != proof.system.name() {
        bail!("the proof is a {} proof, the verifying key a {} key", proof.system, key.system());
    }
    Ok(key)
}

/// `cairn verify` of a wrapped proof: the key from `--snark-vk`, else from the cache by the
/// proof's VERIFIER_HASH; with `--vk`/`--elf`, also checks the program.
pub(crate) fn verify(
    bytes: &[u8],
    path: &Path,
    snark_vk: Option<&Path>,
    program: (Option<&Path>, Option<&Path>),
    insecure_test_params: bool,
    json: bool,
) -> Result<()> {
    let (header, proof) = SnarkProof::from_file_bytes(bytes).with_context(|| format!("{}", path.display()))?;
    check_insecure(&header.profile, insecure_test_params)?;
    let key = snark_key(&proof, snark_vk)?;
    if program.0.is_some() || program.1.is_some() {
        let vk = load_vk(program.0, program.1, header.config, &header.profile)?;
        let expected = vk.program_vkey()?;
        if expected != proof.program_vkey {
            bail!(
                "the proof is for program {}, not {}",
                hex0x(&proof.program_vkey),
                hex0x(&expected)
            );
        }
    }
    let start = Instant::now();
    let client = ProverClient::new();
    let hash = match &key {
        SnarkKey::Groth16(vk) => {
            client.verify_groth16(&proof, vk).context("verification failed")?;
            vk_hash(vk)
        }
        SnarkKey::Plonk(vk) => {
            client.verify_plonk(&proof, vk).context("verification failed")?;
            vk.hash()?
        }
    };
    let ms = start.elapsed().as_secs_f64() * 1e3;
    // The file's flag, or the key itself: a development key is one whatever the file says.
    let insecure_setup = proof.insecure_setup || key.is_development()?;
    if insecure_setup {
        eprintln!("{}", if proof.system == SnarkSystem::Plonk { INSECURE_DEV_SRS_WARNING } else { INSECURE_DEV_SETUP_WARNING });
    }
    let (vkey, public_values, hash) = (hex0x(&proof.program_vkey), hex0x(&proof.public_values), hex0x(&hash));
    let system = proof.system;
    if json {
        let summary = serde_json::json!({ "valid": true, "system": system.name(), "program_vkey": vkey,
            "public_values": public_values, "verifier_hash": hash, "insecure_setup": insecure_setup, "verify_ms": ms });
        println!("{summary}");
    } else {
        println!("{} proof is valid ({ms:.1} ms)", if system == SnarkSystem::Plonk { "PLONK" } else { "Groth16" });
        println!("program vkey:  {vkey}");
        println!("public values: {public_values}");
        println!("verifier hash: {hash}");
    }
    Ok(())
}
