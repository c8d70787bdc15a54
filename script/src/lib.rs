//! Deploying Cairn's verifiers and submitting wrapped proofs, with alloy.
//!
//! - [`deploy_verifier`]: generates the Groth16 verifier from a snarkjs verifying key
//!   (`cairn-solidity`), compiles it and the hand-written contracts with `foundry-compilers` and
//!   the repository's `script/solc`, deploys it, deploys a `CairnVerifierGateway` (or uses a
//!   given one), routes the verifier's selector and records everything in
//!   `deployments/<chainId>.json` ([`AddressBook`]).
//! - [`deploy_rollup`]: deploys the example `CairnRollup` in front of a gateway or verifier.
//! - [`submit_proof`]: sends a wrapped proof (`proof.groth16`) to the rollup's `submitBatch`, or
//!   `eth_call`s `verifyProof` on a verifier or gateway.
//!
//! Every entry point has an `_async` form; the plain ones run it on a private current-thread
//! runtime (do not call them from inside a Tokio runtime). Reverts come back as
//! [`DeployError::Reverted`] with the custom error decoded by name ([`Revert`]). The [`cli`]
//! module has the command lines of the binaries (`deploy-verifier`, `deploy-rollup`,
//! `submit-proof`), for the `cairn` CLI to embed.

mod bindings;
mod book;
mod chain;
pub mod cli;
mod compile;
mod deploy;
mod error;
mod revert;
mod submit;

use std::future::Future;
use std::time::Duration;

pub use alloy::primitives::{Address, Bytes, FixedBytes, B256, U256};
pub use bindings::{CairnRollup, CairnVerifierGateway, ICairnVerifier};
pub use book::{selector_key, AddressBook, GatewayEntry, RollupEntry, TxRecord, VerifierEntry};
pub use chain::{KeySource, DEFAULT_KEY_ENV, DEFAULT_RECEIPT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT};
pub use compile::find_root;
pub use deploy::{
    deploy_rollup_async, deploy_verifier_async, read_snark_key, read_verifying_key, DeployRollupOptions, SnarkKey,
    DeployRollupReport, DeployVerifierOptions, DeployVerifierReport, TxInfo,
};
pub use error::DeployError;
pub use revert::Revert;
pub use submit::{
    read_proof, state_root_async, submit_proof_async, submit_snark_proof_async, Batch,
    SubmitOptions, SubmitReport,
};

/// The node to talk to and the key to sign with.
#[derive(Clone, Debug)]
pub struct ChainOptions {
    /// The JSON-RPC endpoint (`http://` or `https://`).
    pub rpc_url: String,
    /// The signing key; needed by everything that sends a transaction.
    pub key: Option<KeySource>,
    /// How long to wait for each receipt.
    pub receipt_timeout: Duration,
    /// How long one JSON-RPC request may take.
    pub request_timeout: Duration,
}

impl ChainOptions {
    /// `rpc_url` with the key from `key` and the default timeouts.
    pub fn new(rpc_url: impl Into<String>, key: Option<KeySource>) -> Self {
        Self {
            rpc_url: rpc_url.into(),
            key,
            receipt_timeout: DEFAULT_RECEIPT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }

    /// Connects; `needs_signer` makes a missing key an error before anything is sent.
    async fn connect(&self, needs_signer: bool) -> Result<chain::Chain, DeployError> {
        let key = match (&self.key, needs_signer) {
            (Some(key), true) => Some(key),
            (None, true) => {
                return Err(DeployError::NoSigner {
                    what: "this command".into(),
                })
            }
            (_, false) => None,
        };
        chain::Chain::connect(
            &self.rpc_url,
            key,
            self.receipt_timeout,
            self.request_timeout,
        )
        .await
    }
}

/// Runs `future` to completion on a new current-thread runtime.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, DeployError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| DeployError::Runtime(e.to_string()))?;
    Ok(runtime.block_on(future))
}

/// [`deploy_verifier_async`], blocking.
pub fn deploy_verifier(opts: &DeployVerifierOptions) -> Result<DeployVerifierReport, DeployError> {
    block_on(deploy_verifier_async(opts))?
}

/// [`deploy_rollup_async`], blocking.
pub fn deploy_rollup(opts: &DeployRollupOptions) -> Result<DeployRollupReport, DeployError> {
    block_on(deploy_rollup_async(opts))?
}

/// [`submit_proof_async`], blocking.
pub fn submit_proof(opts: &SubmitOptions) -> Result<SubmitReport, DeployError> {
    block_on(submit_proof_async(opts))?
}

/// [`state_root_async`], blocking.
pub fn state_root(chain: &ChainOptions, rollup: Address) -> Result<B256, DeployError> {
    block_on(state_root_async(chain, rollup))?
}
