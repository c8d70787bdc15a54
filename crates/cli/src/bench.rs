//! `cairn bench`: proving throughput, memory, proof size and verification time on the fibonacci
//! guest at several sizes, per configuration, with a breakdown by phase.

use std::time::Instant;

use anyhow::{bail, Context, Result};
use cairn_sdk::phases::{Phase, PhaseTimer};
use cairn_sdk::{ConfigId, Inputs, Profile, ProverClient};
use clap::Args;
use serde::Serialize;

/// Arguments of `cairn bench`.
#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Log2 of the cycle counts to prove (each run stays just below 2^k cycles; 13 to 28).
    #[arg(long, value_delimiter = ',', default_value = "16,18,20", value_parser = clap::value_parser!(u32).range(13..=28))]
    log_cycles: Vec<u32>,
    /// Configurations to benchmark.
    #[arg(long, value_delimiter = ',', default_value = "inner,outer")]
    configs: Vec<String>,
    /// Security profile.
    #[arg(long, default_value = "production")]
    profile: String,
}

#[derive(Serialize)]
struct Row {
    config: &'static str,
    profile: &'static str,
    cycles: u64,
    prove_s: f64,
    cycles_per_s: f64,
    phases_s: Vec<(&'static str, f64)>,
    peak_rss_mib: f64,
    proof_bytes: usize,
    verify_ms: f64,
}

/// Peak resident memory of this process (Linux), in MiB.
pub(crate) fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Resets the peak-memory counter (Linux); later readings cover only what follows.
pub(crate) fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The fibonacci input whose run has just under `2^log` cycles (the guest takes about 5 cycles per
/// step plus a fixed start-up and hashing cost, measured by executing it).
pub(crate) fn input_for(client: &ProverClient, elf: &[u8], log: u32) -> Result<(Inputs, u64)> {
    let run = |n: u32| -> Result<u64> {
        let mut inputs = Inputs::new();
        inputs.write(&n)?;
        Ok(client.execute(elf, &inputs)?.cycles)
    };
    let base = run(0)?;
    let per_step = (run(1000)? - base) as f64 / 1000.0;
    let target = (1u64 << log).saturating_sub(64);
    if target < base {
        bail!("2^{log} cycles is below the fibonacci guest's shortest run ({base} cycles)");
    }
    let mut n = ((target.saturating_sub(base)) as f64 / per_step) as u32;
    while n > 0 && run(n)? > target {
        n -= 1;
    }
    let mut inputs = Inputs::new();
    inputs.write(&n)?;
    Ok((inputs, run(n)?))
}

pub(crate) fn run(args: &BenchArgs, json: bool, timer: &PhaseTimer) -> Result<()> {
    let profile = Profile::by_name(&args.profile).with_context(|| format!("--profile {}", args.profile))?;
    let elf_path = cairn_build::build_example("fibonacci").context("building the fibonacci guest")?;
    let elf = std::fs::read(&elf_path)?;
    let mut rows = Vec::new();
    for config in &args.configs {
        let config = ConfigId::by_name(config).with_context(|| format!("--configs {config}"))?;
        let client = ProverClient::new().with_config(config).with_profile(profile);
        let (pk, _) = client.setup(&elf)?;
        let vk = pk.prepared_vk()?;
        for &log in &args.log_cycles {
            let (inputs, cycles) = input_for(&client, &elf, log)?;
            timer.finish();
            reset_peak_rss();
            let start = Instant::now();
            let proof = client.prove(&pk, &inputs)?;
            let prove_s = start.elapsed().as_secs_f64();
            let phases = timer.finish();
            let peak_rss_mib = peak_rss_mib();
            let proof_bytes = postcard::to_stdvec(&proof)?.len();
            let start = Instant::now();
            client.verify_prepared(&proof, &vk)?;
            let verify_ms = start.elapsed().as_secs_f64() * 1e3;
            let row = Row {
                config: config.name(),
                profile: profile.name,
                cycles,
                prove_s,
                cycles_per_s: cycles as f64 / prove_s,
                phases_s: Phase::ALL.iter().map(|p| (p.name(), phases[*p as usize].as_secs_f64())).collect(),
                peak_rss_mib,
                proof_bytes,
                verify_ms,
            };
            if !json {
                let phases: Vec<String> = row.phases_s.iter().map(|(n, s)| format!("{n} {s:.1}s")).collect();
                println!(
                    "| {} | {} | {} | {:.1} s | {:.0} | {} | {:.0} MiB | {} KB | {:.0} ms |",
                    row.config,
                    row.profile,
                    row.cycles,
                    row.prove_s,
                    row.cycles_per_s,
                    phases.join(", "),
                    row.peak_rss_mib,
                    row.proof_bytes / 1000,
                    row.verify_ms
                );
            }
            rows.push(row);
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    }
    Ok(())
}
