//! `cairn prove`, `cairn verify` and `cairn vkey`: STARK proofs of guest runs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use cairn_sdk::phases::{Phase, PhaseTimer};
use cairn_sdk::{CairnProof, ConfigId, Profile, ProverClient, VerifyingKey};
use cairn_stark::{read_file, read_header, write_file, FileKind};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::input::{self, InputArg};

/// Configuration and profile, shared by the commands that make or check proofs.
#[derive(Debug, Args)]
pub(crate) struct ProofOptions {
    /// STARK configuration: `inner` (Poseidon2 over BabyBear, fast) or `outer` (Poseidon2 over
    /// BN254, what the SNARK wrapper verifies).
    #[arg(long, default_value = "inner")]
    config: String,
    /// Security profile: `production` (≥ 100 bits conjectured, blowup 4), `production-fast` (≥ 100 bits, blowup 2: faster proving, larger proofs), `production-wrap` (≥ 100 bits, blowup 32: fewer queries, so a smaller SNARK wrap circuit) or `test` (fast, insecure). Default: `production-wrap` with `--config outer`, `production` otherwise.
    #[arg(long)]
    profile: Option<String>,
    /// Allow the insecure `test` profile.
    #[arg(long)]
    insecure_test_params: bool,
}

impl ProofOptions {
    fn resolve(&self) -> Result<(ConfigId, Profile)> {
        let config = ConfigId::by_name(&self.config).with_context(|| format!("--config {}", self.config))?;
        let profile = profile_or_default(self.profile.as_deref(), config)?;
        check_insecure(&profile, self.insecure_test_params)?;
        Ok((config, profile))
    }
}

/// `--profile`, or the default for the configuration: `production-wrap` for `outer` (the
/// proofs that are wrapped), `production` otherwise.
fn profile_or_default(name: Option<&str>, config: ConfigId) -> Result<Profile> {
    let name = match (name, config) {
        (Some(name), _) => name,
        (None, ConfigId::Outer) => Profile::PRODUCTION_WRAP.name,
        (None, _) => Profile::PRODUCTION.name,
    };
    Profile::by_name(name).with_context(|| format!("--profile {name}"))
}

pub(crate) fn check_insecure(profile: &Profile, allowed: bool) -> Result<()> {
    if profile.is_insecure() && !allowed {
        bail!(
            "the `{}` profile is insecure (for tests only); pass --insecure-test-params to use it",
            profile.name
        );
    }
    Ok(())
}

/// Arguments of `cairn prove`.
#[derive(Debug, Args)]
pub(crate) struct ProveArgs {
    /// The guest ELF.
    elf: PathBuf,
    /// An input item, in order: FILE, hex:HEX, u32:N, u64:N, i64:N or str:TEXT.
    #[arg(long = "input", short = 'i', value_name = "ITEM")]
    inputs: Vec<InputArg>,
    #[command(flatten)]
    options: ProofOptions,
    /// Where to write the proof.
    #[arg(short, long, default_value = "proof.bin")]
    output: PathBuf,
    /// Also write the verifying key here.
    #[arg(long)]
    vk_out: Option<PathBuf>,
}

#[derive(Serialize)]
struct ProveSummary<'a> {
    #[serde(serialize_with = "crate::serialize_path")]
    proof: &'a Path,
    program_vkey: String,
    config: &'static str,
    profile: &'static str,
    public_values: String,
    proof_bytes: usize,
    seconds: f64,
    phases: Vec<(&'static str, f64)>,
}

fn progress_bar(json: bool) -> ProgressBar {
    if json || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(Phase::ALL.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:20} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Whether two paths name the same file (the same text, or, once it exists, the same file).
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

pub(crate) fn prove(args: &ProveArgs, json: bool, timer: &PhaseTimer, bar: &ProgressBar) -> Result<()> {
    if same_file(&args.output, &args.elf) {
        bail!("-o {} is the guest ELF: it would be overwritten by the proof", args.output.display());
    }
    if let Some(vk_out) = args.vk_out.as_deref().filter(|vk_out| same_file(vk_out, &args.output)) {
        bail!("--vk-out {} and -o name the same file: the key would overwrite the proof", vk_out.display());
    }
    let (config, profile) = args.options.resolve()?;
    let elf = std::fs::read(&args.elf).with_context(|| format!("cannot read ELF {}", args.elf.display()))?;
    let inputs = input::collect(&args.inputs)?;
    let client = ProverClient::new().with_config(config).with_profile(profile);
    let start = Instant::now();
    let (pk, vk) = client.setup(&elf).with_context(|| format!("setting up {}", args.elf.display()))?;
    timer.finish();
    let proof = client.prove(&pk, &inputs).with_context(|| format!("proving {}", args.elf.display()))?;
    let phases = timer.finish();
    let seconds = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let bytes = write_file(FileKind::StarkProof, config, &profile, &proof)?;
    std::fs::write(&args.output, &bytes).with_context(|| format!("cannot write {}", args.output.display()))?;
    if let Some(path) = &args.vk_out {
        let vk_bytes = write_file(FileKind::VerifyingKey, config, &profile, &vk)?;
        std::fs::write(path, vk_bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let summary = ProveSummary {
        proof: &args.output,
        program_vkey: format!("0x{}", hex::encode(proof.program_vkey)),
        config: config.name(),
        profile: profile.name,
        public_values: format!("0x{}", hex::encode(&proof.public_values)),
        proof_bytes: bytes.len(),
        seconds,
        phases: Phase::ALL.iter().map(|p| (p.name(), phases[*p as usize].as_secs_f64())).collect(),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!("proof:         {} ({} bytes)", args.output.display(), summary.proof_bytes);
        println!("program vkey:  {}", summary.program_vkey);
        println!("config:        {} / {}", summary.config, summary.profile);
        println!("public values: {}", summary.public_values);
        let breakdown: Vec<String> = summary.phases.iter().map(|(n, s)| format!("{n} {s:.2}s")).collect();
        println!("time:          {seconds:.2}s ({})", breakdown.join(", "));
    }
    Ok(())
}

/// A phase timer whose phases advance `bar`.
pub(crate) fn timer_with_bar(json: bool) -> (PhaseTimer, ProgressBar) {
    let bar = progress_bar(json);
    let hook_bar = bar.clone();
    let timer = PhaseTimer::with_hook(move |phase| {
        hook_bar.set_position(phase as u64 + 1);
        hook_bar.set_message(phase.name());
    });
    (timer, bar)
}

/// Arguments of `cairn verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The proof file.
    proof: PathBuf,
    /// The verifying key file (from `cairn prove --vk-out`).
    #[arg(long, conflicts_with = "elf")]
    vk: Option<PathBuf>,
    /// The guest ELF (the verifying key is derived from it).
    #[arg(long)]
    elf: Option<PathBuf>,
    /// Accept proofs made with the insecure `test` profile.
    #[arg(long)]
    insecure_test_params: bool,
    /// For a wrapped proof: the Groth16 verifying key (snarkjs JSON, from `cairn wrap`);
    /// default: the key cache's key with the proof's VERIFIER_HASH.
    #[arg(long, value_name = "FILE")]
    snark_vk: Option<PathBuf>,
}

pub(crate) fn verify(args: &VerifyArgs, json: bool) -> Result<()> {
    let bytes = std::fs::read(&args.proof).with_context(|| format!("cannot read proof {}", args.proof.display()))?;
    let (header, _) = read_header(&bytes).with_context(|| format!("{}", args.proof.display()))?;
    if matches!(header.kind, FileKind::Groth16Proof | FileKind::PlonkProof) {
        let program = (args.vk.as_deref(), args.elf.as_deref());
        return crate::wrap::verify(&bytes, &args.proof, args.snark_vk.as_deref(), program, args.insecure_test_params, json);
    }
    if let Some(snark_vk) = &args.snark_vk {
        bail!(
            "{} is a STARK proof, which --snark-vk {} does not verify: pass its program with --vk or --elf",
            args.proof.display(),
            snark_vk.display()
        );
    }
    let profile = header.profile;
    check_insecure(&profile, args.insecure_test_params)?;
    let (_, proof): (_, CairnProof) =
        read_file(&bytes, FileKind::StarkProof).with_context(|| format!("{}", args.proof.display()))?;
    let vk = load_vk(args.vk.as_deref(), args.elf.as_deref(), header.config, &profile)?;
    let start = Instant::now();
    let prepared = vk.prepare().context("preparing the verifying key")?;
    let prepare_ms = start.elapsed().as_secs_f64() * 1e3;
    ProverClient::new().verify_prepared(&proof, &prepared).context("verification failed")?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    let vkey = format!("0x{}", hex::encode(proof.program_vkey));
    let public_values = format!("0x{}", hex::encode(&proof.public_values));
    if json {
        let summary = serde_json::json!({ "valid": true, "program_vkey": vkey, "public_values": public_values, "verify_ms": ms, "prepare_ms": prepare_ms });
        println!("{summary}");
    } else {
        println!("proof is valid ({ms:.1} ms, of which {prepare_ms:.1} ms preparing the key)");
        println!("program vkey:  {vkey}");
        println!("public values: {public_values}");
    }
    Ok(())
}

/// The program verifying key from `--vk FILE` or `--elf FILE`, checked against the proof's
/// configuration and profile.
pub(crate) fn load_vk(vk: Option<&Path>, elf: Option<&Path>, config: ConfigId, profile: &Profile) -> Result<VerifyingKey> {
    let vk = match (vk, elf) {
        (Some(path), _) => {
            let vk_bytes = std::fs::read(path).with_context(|| format!("cannot read verifying key {}", path.display()))?;
            read_file::<VerifyingKey>(&vk_bytes, FileKind::VerifyingKey)
                .with_context(|| format!("{}", path.display()))?
                .1
        }
        (None, Some(path)) => {
            let elf = std::fs::read(path).with_context(|| format!("cannot read ELF {}", path.display()))?;
            let client = ProverClient::new().with_config(config).with_profile(*profile);
            client.verifying_key(&elf).with_context(|| format!("deriving the verifying key of {}", path.display()))?
        }
        (None, None) => bail!("give the verifying key with --vk FILE or the program with --elf FILE"),
    };
    if vk.config != config || vk.profile != profile.id {
        bail!(
            "the proof is {}/{} but the verifying key is {}/{}",
            config.name(),
            profile.name,
            vk.config.name(),
            vk.profile()?.name
        );
    }
    Ok(vk)
}

/// Arguments of `cairn vkey`.
#[derive(Debug, Args)]
pub(crate) struct VkeyArgs {
    /// The guest ELF.
    elf: PathBuf,
    /// STARK configuration (the on-chain key is the `outer` one).
    #[arg(long, default_value = "outer")]
    config: String,
    /// Security profile (default: `production-wrap` for `outer`, `production` for `inner`).
    #[arg(long)]
    profile: Option<String>,
}

pub(crate) fn vkey(args: &VkeyArgs, json: bool) -> Result<()> {
    let config = ConfigId::by_name(&args.config).with_context(|| format!("--config {}", args.config))?;
    let profile = profile_or_default(args.profile.as_deref(), config)?;
    let elf = std::fs::read(&args.elf).with_context(|| format!("cannot read ELF {}", args.elf.display()))?;
    let (pk, _) = ProverClient::new()
        .with_config(config)
        .with_profile(profile)
        .setup(&elf)
        .with_context(|| format!("setting up {}", args.elf.display()))?;
    let vkey = format!("0x{}", hex::encode(pk.program_vkey));
    if json {
        println!("{}", serde_json::json!({ "program_vkey": vkey, "config": config.name(), "profile": profile.name }));
    } else {
        println!("{vkey}");
    }
    Ok(())
}
