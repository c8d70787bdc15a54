//! `cairn bench-wrap`: the Groth16 (or, with `--plonk`, PLONK) wrap of a fibonacci `outer` proof:
//! constraints or rows per part of the verifier circuit, setup and prove time, peak memory of
//! each step, proof size (and, for PLONK, the proving key's cache file: size, write and read).

use std::time::Instant;

use anyhow::{Context, Result};
use cairn_sdk::{ConfigId, Profile, ProverClient};
use cairn_wrapper::circuit::{constraint_counts, StarkVerifierCircuit};
use clap::Args;
use serde::Serialize;

use crate::bench::{input_for, peak_rss_mib, reset_peak_rss};

/// Arguments of `cairn bench-wrap`.
#[derive(Debug, Args)]
pub(crate) struct BenchWrapArgs {
    /// Log2 of the cycles of the wrapped fibonacci run (just below 2^k; 13 to 28).
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(13..=28))]
    log_cycles: u32,
    /// Security profile of the STARK that is wrapped.
    #[arg(long, default_value = "production-wrap")]
    profile: String,
    /// Only count constraints or rows (no setup or proof).
    #[arg(long)]
    count_only: bool,
    /// Benchmark the PLONK wrap (halo2, KZG) instead of Groth16.
    #[arg(long)]
    plonk: bool,
}

#[derive(Serialize)]
struct PlonkReport {
    profile: &'static str,
    cycles: u64,
    stark_prove_s: f64,
    rows: usize,
    k: u32,
    sections: Vec<(String, usize)>,
    synthesize_s: f64,
    params_s: Option<f64>,
    keygen_s: Option<f64>,
    keygen_peak_rss_mib: Option<f64>,
    pk_file_mib: Option<f64>,
    pk_write_s: Option<f64>,
    pk_read_s: Option<f64>,
    prove_s: Option<f64>,
    prove_peak_rss_mib: Option<f64>,
    proof_bytes: Option<usize>,
    verify_ms: Option<f64>,
}

fn run_plonk(
    args: &BenchWrapArgs,
    (profile, cycles, stark_prove_s): (Profile, u64, f64),
    circuit: &StarkVerifierCircuit,
    public: ark_bn254::Fr,
    json: bool,
) -> Result<()> {
    let start = Instant::now();
    let s = cairn_plonk::synthesize(circuit.shape(), circuit.witness())?;
    s.check()?;
    let synthesize_s = start.elapsed().as_secs_f64();
    let k = cairn_plonk::required_k(&s.layout);
    let mut report = PlonkReport {
        profile: profile.name,
        cycles,
        stark_prove_s,
        rows: s.layout.rows.len(),
        k,
        sections: s.layout.sections.iter().map(|(s, n)| (format!("{s:?}"), *n)).collect(),
        synthesize_s,
        params_s: None,
        keygen_s: None,
        keygen_peak_rss_mib: None,
        pk_file_mib: None,
        pk_write_s: None,
        pk_read_s: None,
        prove_s: None,
        prove_peak_rss_mib: None,
        proof_bytes: None,
        verify_ms: None,
    };
    if !args.count_only {
        cairn_plonk::cpu_supported()?;
        let start = Instant::now();
        let params = cairn_plonk::dev_params(k, cairn_sdk::DEV_SRS_SEED);
        report.params_s = Some(start.elapsed().as_secs_f64());
        reset_peak_rss();
        let start = Instant::now();
        let pk = cairn_plonk::keygen(&params, s.layout.clone())?;
        report.keygen_s = Some(start.elapsed().as_secs_f64());
        report.keygen_peak_rss_mib = Some(peak_rss_mib());
        // The key cache's round trip; the proof below is made with the key read back.
        let digest = cairn_plonk::circuit_digest(&s.layout);
        let file = std::env::temp_dir().join(format!("cairn-bench-{}.pk", std::process::id()));
        let start = Instant::now();
        cairn_plonk::write_proving_key(&pk, &digest, &params, &file)?;
        report.pk_write_s = Some(start.elapsed().as_secs_f64());
        drop(pk);
        report.pk_file_mib = Some(std::fs::metadata(&file)?.len() as f64 / (1u64 << 20) as f64);
        let start = Instant::now();
        let read = cairn_plonk::read_proving_key(&file, &digest, &params);
        std::fs::remove_file(&file).with_context(|| format!("remove {}", file.display()))?;
        let pk = read?;
        report.pk_read_s = Some(start.elapsed().as_secs_f64());
        reset_peak_rss();
        let start = Instant::now();
        let proof = cairn_plonk::prove(&params, &pk, s.circuit(), cairn_plonk::to_halo2(&public))?;
        report.prove_s = Some(start.elapsed().as_secs_f64());
        report.prove_peak_rss_mib = Some(peak_rss_mib());
        report.proof_bytes = Some(proof.len());
        let start = Instant::now();
        cairn_plonk::verify(&params, pk.get_vk(), cairn_plonk::to_halo2(&public), &proof)?;
        report.verify_ms = Some(start.elapsed().as_secs_f64() * 1e3);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let secs = |s: Option<f64>| s.map_or("-".into(), |s| format!("{s:.1} s"));
    let mib = |m: Option<f64>| m.map_or("-".into(), |m| format!("{m:.0} MiB"));
    println!("fibonacci, {cycles} cycles, outer/{} (STARK proved in {stark_prove_s:.1} s)", profile.name);
    println!("circuit: {} PLONK rows, k = {k} (synthesized and checked in {synthesize_s:.1} s)", report.rows);
    for (section, n) in &report.sections {
        println!("  {section:<16} {n:>10}  ({:.1} %)", 100.0 * *n as f64 / report.rows as f64);
    }
    println!("development KZG parameters: {}", secs(report.params_s));
    println!("plonk keys: {} (peak {})", secs(report.keygen_s), mib(report.keygen_peak_rss_mib));
    println!(
        "plonk proving key file: {}; written in {}, read back (hash checked) in {}",
        mib(report.pk_file_mib),
        secs(report.pk_write_s),
        secs(report.pk_read_s)
    );
    println!("plonk prove: {} (peak {})", secs(report.prove_s), mib(report.prove_peak_rss_mib));
    if let (Some(bytes), Some(ms)) = (report.proof_bytes, report.verify_ms) {
        println!("plonk proof: {bytes} bytes; verify {ms:.1} ms");
    }
    Ok(())
}

#[derive(Serialize)]
struct Report {
    profile: &'static str,
    cycles: u64,
    stark_prove_s: f64,
    constraints: usize,
    sections: Vec<(String, usize)>,
    count_s: f64,
    witness_s: f64,
    setup_s: Option<f64>,
    setup_peak_rss_mib: Option<f64>,
    prove_s: Option<f64>,
    prove_peak_rss_mib: Option<f64>,
    verify_ms: Option<f64>,
}

pub(crate) fn run(args: &BenchWrapArgs, json: bool) -> Result<()> {
    let profile = Profile::by_name(&args.profile).with_context(|| format!("--profile {}", args.profile))?;
    let elf = std::fs::read(cairn_build::build_example("fibonacci").context("building the fibonacci guest")?)?;
    let client = ProverClient::new().with_config(ConfigId::Outer).with_profile(profile);
    let (pk, _) = client.setup(&elf)?;
    let vk = pk.prepared_vk()?;
    let (inputs, cycles) = input_for(&client, &elf, args.log_cycles)?;
    let start = Instant::now();
    let proof = client.prove(&pk, &inputs)?;
    let stark_prove_s = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let circuit = client.wrap_circuit(&proof, &vk, true)?;
    let witness_s = start.elapsed().as_secs_f64();
    if args.plonk {
        let public = cairn_wrapper::identity::public_input_fr(&proof.program_vkey, &proof.public_values_digest());
        return run_plonk(args, (profile, cycles, stark_prove_s), &circuit, public, json);
    }
    let start = Instant::now();
    let (constraints, sections) = constraint_counts(circuit.shape())?;
    let count_s = start.elapsed().as_secs_f64();
    let mut report = Report {
        profile: profile.name,
        cycles,
        stark_prove_s,
        constraints,
        sections: sections.iter().map(|(s, n)| (format!("{s:?}"), *n)).collect(),
        count_s,
        witness_s,
        setup_s: None,
        setup_peak_rss_mib: None,
        prove_s: None,
        prove_peak_rss_mib: None,
        verify_ms: None,
    };
    if !args.count_only {
        reset_peak_rss();
        let start = Instant::now();
        let blank = StarkVerifierCircuit::new(circuit.shape().clone(), None);
        let keys = cairn_groth16::dev_setup(blank, cairn_sdk::DEV_SETUP_SEED)?;
        report.setup_s = Some(start.elapsed().as_secs_f64());
        report.setup_peak_rss_mib = Some(peak_rss_mib());
        reset_peak_rss();
        let start = Instant::now();
        let groth16 = cairn_groth16::prove(&keys, circuit, &mut rand_core::OsRng)?;
        report.prove_s = Some(start.elapsed().as_secs_f64());
        report.prove_peak_rss_mib = Some(peak_rss_mib());
        let start = Instant::now();
        let digest = proof.public_values_digest();
        let input = cairn_wrapper::identity::public_input_fr(&proof.program_vkey, &digest);
        cairn_groth16::verify(&keys.verifying_key(), &groth16, input)?;
        report.verify_ms = Some(start.elapsed().as_secs_f64() * 1e3);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let secs = |s: Option<f64>| s.map_or("-".into(), |s| format!("{s:.1} s"));
    let mib = |m: Option<f64>| m.map_or("-".into(), |m| format!("{m:.0} MiB"));
    println!("fibonacci, {} cycles, outer/{} (STARK proved in {:.1} s)", cycles, profile.name, stark_prove_s);
    println!("circuit: {constraints} R1CS constraints (counted in {count_s:.1} s; witness in {witness_s:.1} s)");
    for (section, n) in &report.sections {
        println!("  {section:<16} {n:>10}  ({:.1} %)", 100.0 * *n as f64 / constraints as f64);
    }
    println!("groth16 setup: {} (peak {})", secs(report.setup_s), mib(report.setup_peak_rss_mib));
    println!("groth16 prove: {} (peak {})", secs(report.prove_s), mib(report.prove_peak_rss_mib));
    if let Some(ms) = report.verify_ms {
        println!("groth16 verify: {ms:.1} ms");
    }
    Ok(())
}
