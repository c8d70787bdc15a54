//! `cairn`: build, execute and prove RISC-V guest programs.

mod bench;
mod bench_wrap;
mod build;
mod execute;
mod input;
mod kzg;
mod new;
mod solidity;
mod stark;
mod wrap;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Cairn: prove that a RISC-V program ran, and check the proof on Ethereum.
#[derive(Debug, Parser)]
#[command(name = "cairn", version, about)]
struct Cli {
    /// Print a machine-readable JSON summary on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Log more (-v: info, -vv: debug, -vvv: trace). `CAIRN_LOG` takes a tracing filter too.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a guest program and a host that runs it.
    New(new::NewArgs),
    /// Compile a guest crate to an RV32IM ELF.
    Build(build::BuildArgs),
    /// Run a guest ELF and print its exit code, cycles, output and public values.
    Execute(execute::ExecuteArgs),
    /// Prove a guest run with the STARK prover.
    Prove(stark::ProveArgs),
    /// Wrap an outer STARK proof in a Groth16 (or PLONK) proof for on-chain verification.
    Wrap(wrap::WrapArgs),
    /// Convert a powers-of-τ ceremony (snarkjs .ptau) into KZG parameters for `wrap --plonk`.
    KzgParams(kzg::KzgParamsArgs),
    /// Write a standalone Foundry project (verifier contracts, the proof as a test fixture).
    FoundryProject(solidity::FoundryProjectArgs),
    /// Deploy the verifier for a Groth16 or PLONK key and route it in a gateway (alloy).
    DeployVerifier(cairn_deploy::cli::DeployVerifierArgs),
    /// Deploy the example rollup contract in front of a gateway.
    DeployRollup(cairn_deploy::cli::DeployRollupArgs),
    /// Send a wrapped proof to a rollup contract, or check it with verifyProof.
    SubmitProof(cairn_deploy::cli::SubmitProofArgs),
    /// Verify a proof (STARK or wrapped).
    Verify(stark::VerifyArgs),
    /// Print a program's verifying key digest (bytes32), as the on-chain verifier expects it.
    Vkey(stark::VkeyArgs),
    /// Benchmark proving on the fibonacci guest (throughput, memory, proof size, verify time).
    Bench(bench::BenchArgs),
    /// Benchmark the Groth16 (or PLONK) wrap (circuit size per part, keys, prove time, memory).
    BenchWrap(bench_wrap::BenchWrapArgs),
}

fn init_tracing(verbose: u8, timer: &cairn_sdk::phases::PhaseTimer) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_env("CAIRN_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    // CAIRN_LOG_SPANS=1 also logs each span's duration when it closes (for profiling).
    let spans = if std::env::var_os("CAIRN_LOG_SPANS").is_some() {
        tracing_subscriber::fmt::format::FmtSpan::CLOSE
    } else {
        tracing_subscriber::fmt::format::FmtSpan::NONE
    };
    let fmt = tracing_subscriber::fmt::layer()
        .with_span_events(spans)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .with_filter(filter);
    tracing_subscriber::registry().with(fmt).with(timer.layer()).init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (timer, bar) = stark::timer_with_bar(cli.json || !matches!(cli.command, Command::Prove(_)));
    init_tracing(cli.verbose, &timer);
    match run(&cli, &timer, &bar) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", cairn_deploy::cli::error_line(&err));
            ExitCode::from(2)
        }
    }
}

/// A path as `--json` output shows it: its text, any bytes that are not UTF-8 replaced (serde
/// refuses such paths, and the files they name exist all the same).
pub(crate) fn shown(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Serializes a path as [`shown`] writes it.
pub(crate) fn serialize_path<S: serde::Serializer>(path: &&std::path::Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&shown(path))
}

/// Runs a `cairn-deploy` command (the same code as its standalone binary).
fn deploy(args: &impl cairn_deploy::cli::Command, json: bool) -> Result<ExitCode> {
    args.run(json)?;
    Ok(ExitCode::SUCCESS)
}

fn run(cli: &Cli, timer: &cairn_sdk::phases::PhaseTimer, bar: &indicatif::ProgressBar) -> Result<ExitCode> {
    match &cli.command {
        Command::New(args) => new::run(args, cli.json).map(|()| ExitCode::SUCCESS),
        Command::Build(args) => build::run(args, cli.json).map(|_| ExitCode::SUCCESS),
        // Exit status 0 exactly when the guest halted with exit code 0.
        Command::Execute(args) => {
            execute::run(args, cli.json).map(|code| if code == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Prove(args) => stark::prove(args, cli.json, timer, bar).map(|()| ExitCode::SUCCESS),
        Command::Wrap(args) => wrap::wrap(args, cli.json).map(|()| ExitCode::SUCCESS),
        Command::KzgParams(args) => kzg::run(args, cli.json).map(|()| ExitCode::SUCCESS),
        Command::FoundryProject(args) => solidity::run(args, cli.json).map(|()| ExitCode::SUCCESS),
        Command::DeployVerifier(args) => deploy(args, cli.json),
        Command::DeployRollup(args) => deploy(args, cli.json),
        Command::SubmitProof(args) => deploy(args, cli.json),
        Command::Verify(args) => stark::verify(args, cli.json).map(|()| ExitCode::SUCCESS),
        Command::Vkey(args) => stark::vkey(args, cli.json).map(|()| ExitCode::SUCCESS),
        Command::Bench(args) => bench::run(args, cli.json, timer).map(|()| ExitCode::SUCCESS),
        Command::BenchWrap(args) => bench_wrap::run(args, cli.json).map(|()| ExitCode::SUCCESS),
    }
}
