//! `cairn wrap`: an `outer` STARK proof → a Groth16 proof for the on-chain verifier; and the
//! verification of wrapped proofs for `cairn verify`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use cairn_groth16::{from_snarkjs_vk_json, to_snarkjs_vk_json, vk_hash, Groth16VerifyingKey, INSECURE_DEV_SETUP_WARNING};
use cairn_sdk::{CairnProof, Groth16Setup, KeyCache, ProverClient, SnarkProof, SnarkSystem, WrapOptions};
use cairn_stark::{read_file, read_header, FileKind};
use clap::Args;

use crate::stark::{check_insecure, load_vk};

/// Arguments of `cairn wrap`.
#[derive(Debug, Args)]
pub(crate) struct WrapArgs {
    /// The STARK proof to wrap (from `cairn prove --config outer`).
    proof: PathBuf,
    /// Wrap with Groth16 (BN254, arkworks).
    #[arg(long, required = true)]
    groth16: bool,
    /// The program's verifying key file (from `cairn prove --vk-out`).
    #[arg(long, conflicts_with = "elf")]
    vk: Option<PathBuf>,
    /// The guest ELF (the verifying key is derived from it).
    #[arg(long)]
    elf: Option<PathBuf>,
    /// Groth16 keys from a snarkjs phase-2 ceremony over this circuit (see --export-r1cs).
    /// Without it, an INSECURE deterministic development setup is used.
    #[arg(long)]
    zkey: Option<PathBuf>,
    /// Write the circuit as a circom `.r1cs` file (for a snarkjs ceremony) and stop.
    #[arg(long, value_name = "FILE")]
    export_r1cs: Option<PathBuf>,
    /// Allow wrapping proofs made with the insecure `test` profile.
    #[arg(long)]
    insecure_test_params: bool,
    /// Where to write the wrapped proof.
    #[arg(short, long, default_value = "proof.groth16")]
    output: PathBuf,
    /// Where to write the Groth16 verifying key (snarkjs JSON); default: `groth16_vk.json`
    /// beside the output.
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
            println!("{}", serde_json::json!({ "r1cs": out, "constraints": info.num_constraints, "domain_size": info.domain_size }));
        } else {
            println!("wrote {} ({} constraints, domain 2^{})", out.display(), info.num_constraints, info.domain_size.trailing_zeros());
        }
        return Ok(());
    }

    let setup = match &args.zkey {
        Some(zkey) => Groth16Setup::Zkey(zkey.clone()),
        None => {
            eprintln!("{INSECURE_DEV_SETUP_WARNING} (no --zkey given: using the development setup)");
            Groth16Setup::default()
        }
    };
    let options = WrapOptions { setup, allow_insecure_profile: args.insecure_test_params };
    let cache = cache(args.cache_dir.as_deref())?;
    let start = Instant::now();
    let wrapped = client.wrap_groth16(&proof, &prepared, &options, &cache)?;
    let total = start.elapsed();
    wrapped.proof.save(&header.profile, &args.output)?;
    let vk_out = args.snark_vk_out.clone().unwrap_or_else(|| args.output.with_file_name("groth16_vk.json"));
    std::fs::write(&vk_out, to_snarkjs_vk_json(&wrapped.vk))
        .with_context(|| format!("cannot write {}", vk_out.display()))?;

    let t = wrapped.timings;
    if json {
        let summary = serde_json::json!({
            "proof": args.output, "verifying_key": vk_out,
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
        println!("wrapped {} -> {} ({:.1?})", args.output.display(), vk_out.display(), total);
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
    if proof.system != SnarkSystem::Groth16 {
        bail!("{}: {} proofs cannot be verified by this build yet", path.display(), proof.system);
    }
    let vk: Groth16VerifyingKey = match snark_vk {
        Some(file) => {
            let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
            from_snarkjs_vk_json(&text).with_context(|| format!("{}", file.display()))?
        }
        None => cache(None)?.find_vk(&proof.verifier_hash)?.with_context(|| {
            format!(
                "no Groth16 verifying key with hash {} in the key cache: pass --snark-vk FILE",
                hex0x(&proof.verifier_hash)
            )
        })?,
    };
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
    ProverClient::new().verify_groth16(&proof, &vk).context("verification failed")?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    if proof.insecure_setup {
        eprintln!("{INSECURE_DEV_SETUP_WARNING}");
    }
    let (vkey, public_values, hash) =
        (hex0x(&proof.program_vkey), hex0x(&proof.public_values), hex0x(&vk_hash(&vk)));
    if json {
        let summary = serde_json::json!({ "valid": true, "system": "groth16", "program_vkey": vkey,
            "public_values": public_values, "verifier_hash": hash, "insecure_setup": proof.insecure_setup, "verify_ms": ms });
        println!("{summary}");
    } else {
        println!("Groth16 proof is valid ({ms:.1} ms)");
        println!("program vkey:  {vkey}");
        println!("public values: {public_values}");
        println!("verifier hash: {hash}");
    }
    Ok(())
}
