//! `submit-proof`: a wrapped proof to the example rollup, or checked with `verifyProof`.

use std::path::{Path, PathBuf};

use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::sol_types::{SolCall, SolEvent};
use cairn_sdk::SnarkProof;
use serde::Serialize;

use crate::bindings::{CairnRollup, ICairnVerifier};
use crate::deploy::TxInfo;
use crate::error::DeployError;
use crate::ChainOptions;

/// What `submit-proof` needs.
#[derive(Clone, Debug)]
pub struct SubmitOptions {
    /// Node and signer (the signer is not needed with `verify_only`).
    pub chain: ChainOptions,
    /// The rollup (or, with `verify_only`, the verifier or gateway).
    pub contract: Address,
    /// The wrapped-proof file (`proof.groth16`).
    pub proof: PathBuf,
    /// Only `eth_call` `verifyProof`; send nothing.
    pub verify_only: bool,
}

/// A batch the rollup accepted (its `BatchSubmitted` event).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    /// The batch number (from 0).
    pub index: U256,
    /// The root before.
    pub old_root: B256,
    /// The root after.
    pub new_root: B256,
}

/// What `submit-proof` did. Failures (reverts included) are errors, not reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmitReport {
    /// The chain.
    pub chain_id: u64,
    /// The contract called.
    pub contract: Address,
    /// `submitBatch` or `verifyProof`.
    pub function: &'static str,
    /// `accepted` (batch applied) or `valid` (`verifyProof` returned).
    pub outcome: &'static str,
    /// The transaction (`None` for `verifyProof`, which is only called).
    pub tx: Option<TxInfo>,
    /// Gas: used by the transaction, or `eth_estimateGas` of the `verifyProof` call.
    pub gas: u64,
    /// The batch, for `submitBatch`.
    pub batch: Option<Batch>,
    /// The proof's program key.
    #[serde(rename = "programVKey")]
    pub program_vkey: B256,
    /// The proof's public values.
    pub public_values: Bytes,
    /// The proof's `VERIFIER_HASH`.
    pub verifier_hash: B256,
    /// True when the proof's keys came from an insecure development setup.
    pub insecure_setup: bool,
}

/// Reads a wrapped-proof file and checks that its selector matches its `VERIFIER_HASH`.
pub fn read_proof(path: &Path) -> Result<SnarkProof, DeployError> {
    let bad = |reason: String| DeployError::ProofFile {
        path: path.to_path_buf(),
        reason,
    };
    let (_, proof) = SnarkProof::load(path).map_err(|e| bad(e.to_string()))?;
    match proof.selector() {
        Some(selector) if selector == proof.verifier_hash[..4] => Ok(proof),
        Some(selector) => Err(bad(format!(
            "proofBytes starts with selector 0x{}, but its VERIFIER_HASH is 0x{}",
            hex::encode(selector),
            hex::encode(proof.verifier_hash)
        ))),
        None => Err(bad(format!(
            "proofBytes is {} bytes long, shorter than a selector",
            proof.proof_bytes.len()
        ))),
    }
}

/// Sends `submitBatch(publicValues, proofBytes)` to the rollup, or with `verify_only` calls
/// `verifyProof(programVKey, publicValues, proofBytes)` on a verifier or gateway.
pub async fn submit_proof_async(opts: &SubmitOptions) -> Result<SubmitReport, DeployError> {
    let proof = read_proof(&opts.proof)?;
    submit_snark_proof_async(opts, &proof).await
}

/// [`submit_proof_async`] for a proof already in memory (`opts.proof` is only named in
/// messages).
pub async fn submit_snark_proof_async(
    opts: &SubmitOptions,
    proof: &SnarkProof,
) -> Result<SubmitReport, DeployError> {
    let chain = opts.chain.connect(!opts.verify_only).await?;
    let program_vkey = B256::from(proof.program_vkey);
    let public_values = Bytes::from(proof.public_values.clone());
    let proof_bytes = Bytes::from(proof.proof_bytes.clone());
    let (function, expected, input) = if opts.verify_only {
        let call = ICairnVerifier::verifyProofCall {
            programVKey: program_vkey,
            publicValues: public_values,
            proofBytes: proof_bytes,
        };
        (
            "verifyProof",
            "a verifier or gateway for --verify-only",
            call.abi_encode(),
        )
    } else {
        let call = CairnRollup::submitBatchCall {
            publicValues: public_values,
            proof: proof_bytes,
        };
        (
            "submitBatch",
            "the rollup given with --contract",
            call.abi_encode(),
        )
    };
    let mut report = SubmitReport {
        chain_id: chain.chain_id,
        contract: opts.contract,
        function,
        outcome: "valid",
        tx: None,
        gas: 0,
        batch: None,
        program_vkey,
        public_values: Bytes::from(proof.public_values.clone()),
        verifier_hash: B256::from(proof.verifier_hash),
        insecure_setup: proof.insecure_setup,
    };
    chain.require_code(opts.contract, expected).await?;
    let what = format!("{function} on {}", opts.contract);
    let input = Bytes::from(input);
    if opts.verify_only {
        chain.call(&what, opts.contract, input.clone()).await?;
        report.gas = chain.estimate_call(&what, opts.contract, input).await?;
        return Ok(report);
    }
    let mined = chain.send_call(&what, opts.contract, input).await?;
    report.batch = mined.logs.iter().find_map(|log| {
        let event = CairnRollup::BatchSubmitted::decode_log_data(&log.inner.data).ok()?;
        Some(Batch {
            index: event.batch,
            old_root: event.oldRoot,
            new_root: event.newRoot,
        })
    });
    report.outcome = "accepted";
    report.gas = mined.gas_used;
    report.tx = Some(TxInfo::from(&mined));
    Ok(report)
}

/// The rollup's `stateRoot()`.
pub async fn state_root_async(chain: &ChainOptions, rollup: Address) -> Result<B256, DeployError> {
    let chain = chain.connect(false).await?;
    chain
        .view("a CairnRollup", rollup, &CairnRollup::stateRootCall {})
        .await
}
