//! `cairn execute`: run a guest and report what it did.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use cairn_sdk::{ExecutionReport, ProverClient, DEFAULT_MAX_CYCLES};
use clap::Args;
use serde::Serialize;

use crate::input::{self, InputArg};

/// Arguments of `cairn execute`.
#[derive(Debug, Args)]
pub(crate) struct ExecuteArgs {
    /// The guest ELF.
    elf: PathBuf,
    /// An input item, in order: FILE, hex:HEX, u32:N, u64:N, i64:N or str:TEXT.
    #[arg(long = "input", short = 'i', value_name = "ITEM")]
    inputs: Vec<InputArg>,
    /// Stop with an error after this many cycles.
    #[arg(long, default_value_t = DEFAULT_MAX_CYCLES)]
    max_cycles: u64,
}

/// The machine-readable summary printed with `--json`.
#[derive(Serialize)]
struct Summary<'a> {
    exit_code: u32,
    cycles: u64,
    stdout: String,
    stderr: String,
    public_values: String,
    public_values_digest: String,
    digest_matches: bool,
    #[serde(serialize_with = "crate::serialize_path")]
    elf: &'a std::path::Path,
}

/// Runs the guest; returns its exit code.
pub(crate) fn run(args: &ExecuteArgs, json: bool) -> Result<u32> {
    let elf = std::fs::read(&args.elf).with_context(|| format!("cannot read ELF {}", args.elf.display()))?;
    let inputs = input::collect(&args.inputs)?;
    let client = ProverClient::new().with_max_cycles(args.max_cycles);
    let report = client
        .execute(&elf, &inputs)
        .with_context(|| format!("executing {}", args.elf.display()))?;
    if json {
        let summary = Summary {
            exit_code: report.exit_code,
            cycles: report.cycles,
            stdout: String::from_utf8_lossy(&report.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&report.stderr).into_owned(),
            public_values: hex::encode(report.public_values.as_slice()),
            public_values_digest: hex::encode(report.committed_digest),
            digest_matches: report.digest_matches(),
            elf: &args.elf,
        };
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_human(&report)?;
    }
    Ok(report.exit_code)
}

fn print_human(report: &ExecutionReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(&report.stdout)?;
    std::io::stderr().write_all(&report.stderr)?;
    if !report.stdout.is_empty() && !report.stdout.ends_with(b"\n") {
        writeln!(out)?;
    }
    writeln!(out, "exit code:     {}", report.exit_code)?;
    writeln!(out, "cycles:        {}", report.cycles)?;
    writeln!(
        out,
        "public values: 0x{} ({} bytes)",
        hex::encode(report.public_values.as_slice()),
        report.public_values.as_slice().len()
    )?;
    let check = if report.digest_matches() { "= sha256(public values)" } else { "MISMATCH with sha256(public values)" };
    writeln!(out, "digest:        0x{} {check}", hex::encode(report.committed_digest))?;
    Ok(())
}
