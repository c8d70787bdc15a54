//! `cairn foundry-project`: a standalone Foundry project that verifies a user's wrapped proof.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use cairn_sdk::{ProverClient, SnarkProof, SnarkSystem};
use cairn_solidity::{foundry_project, Fixture};
use clap::Args;

/// Arguments of `cairn foundry-project`.
#[derive(Debug, Args)]
pub(crate) struct FoundryProjectArgs {
    /// The wrapped proof (from `cairn wrap --groth16`); it becomes the project's test fixture.
    proof: PathBuf,
    /// The Groth16 verifying key (snarkjs JSON, from `cairn wrap`).
    #[arg(long, value_name = "FILE", default_value = "groth16_vk.json")]
    snark_vk: PathBuf,
    /// The new project's directory (must not exist or be empty).
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
}

pub(crate) fn run(args: &FoundryProjectArgs, json: bool) -> Result<()> {
    let (_, proof) = SnarkProof::load(&args.proof).with_context(|| format!("{}", args.proof.display()))?;
    if proof.system != SnarkSystem::Groth16 {
        bail!(
            "{} is a {} proof: foundry-project writes Groth16 projects (PLONK verifiers are deployed with deploy-verifier)",
            args.proof.display(),
            proof.system
        );
    }
    let text = std::fs::read_to_string(&args.snark_vk)
        .with_context(|| format!("cannot read {}", args.snark_vk.display()))?;
    let vk = cairn_groth16::from_snarkjs_vk_json(&text).with_context(|| format!("{}", args.snark_vk.display()))?;
    // The fixture must be a proof the generated verifier accepts: check it before writing.
    ProverClient::new().verify_groth16(&proof, &vk).with_context(|| {
        format!("{} does not verify with the key {}", args.proof.display(), args.snark_vk.display())
    })?;
    let fixture = Fixture {
        program_vkey: proof.program_vkey,
        public_values: proof.public_values,
        proof_bytes: proof.proof_bytes,
        verifier_hash: proof.verifier_hash,
    };
    let files = foundry_project(&args.out, &vk, &fixture)?;
    if json {
        println!("{}", serde_json::json!({ "project": crate::shown(&args.out), "files": files.iter().map(|f| crate::shown(f)).collect::<Vec<_>>() }));
    } else {
        println!("wrote a Foundry project in {}:", args.out.display());
        for file in files {
            println!("  {}", file.display());
        }
        println!("run `forge test` there (solc 0.8.30 or newer)");
    }
    Ok(())
}
