//! `cairn kzg-params`: KZG parameters for `cairn wrap --plonk --kzg-params` from a public
//! powers-of-τ ceremony (snarkjs `.ptau`), converted once and written in halo2's raw format
//! (seconds from a prepared ceremony, which holds the Lagrange basis; from an unprepared one,
//! computing the basis takes about half an hour at k = 21 on two cores).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;

/// Arguments of `cairn kzg-params`.
#[derive(Debug, Args)]
pub(crate) struct KzgParamsArgs {
    /// The ceremony file (snarkjs `.ptau`, BN254), of power at least `--k`.
    #[arg(long)]
    ptau: PathBuf,
    /// log2 of the rows the parameters serve (`cairn wrap --plonk` prints the circuit's `k`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=28))]
    k: u32,
    /// Where to write the parameters.
    #[arg(short, long)]
    output: PathBuf,
}

pub(crate) fn run(args: &KzgParamsArgs, json: bool) -> Result<()> {
    let start = Instant::now();
    let params = cairn_plonk::params_from_ptau(&args.ptau, args.k)?;
    cairn_plonk::write_params(&params, &args.output)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    let seconds = start.elapsed().as_secs_f64();
    let id = hex::encode(cairn_plonk::params_id(&params));
    if json {
        println!(
            "{}",
            serde_json::json!({ "params": crate::shown(&args.output), "k": args.k, "id": id, "seconds": seconds })
        );
    } else {
        println!("wrote {} (k = {}, parameters id {id}) in {seconds:.1} s", args.output.display(), args.k);
    }
    Ok(())
}
