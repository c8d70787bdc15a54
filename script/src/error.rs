//! What can go wrong, each case naming the input or the contract at fault.

use std::path::PathBuf;

use alloy::primitives::{Address, FixedBytes, TxHash, B256};

use crate::revert::Revert;

/// Errors of the deploy and submit tools.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The RPC URL does not parse or has an unsupported scheme.
    #[error("malformed RPC URL {url:?}: {reason}")]
    InvalidRpcUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The first request to the node failed.
    #[error("cannot reach the RPC endpoint {url}: {reason}")]
    RpcUnreachable {
        /// The URL.
        url: String,
        /// The transport's error.
        reason: String,
    },
    /// A later RPC request failed (not a revert).
    #[error("RPC request failed while {what}: {reason}")]
    Rpc {
        /// What was being done.
        what: String,
        /// The transport's error.
        reason: String,
    },
    /// The private-key environment variable is not set.
    #[error("the private key environment variable {var} is not set (export {var}=0x<64 hex digits>, or name another variable with --private-key-env)")]
    MissingKey {
        /// The variable's name.
        var: String,
    },
    /// The private key does not parse.
    #[error(
        "malformed private key in {source_name}: {reason} (expected 0x followed by 64 hex digits)"
    )]
    MalformedKey {
        /// Where it came from (`environment variable NAME`).
        source_name: String,
        /// Why it was refused (never the key itself).
        reason: String,
    },
    /// A command needs a signer and none was configured.
    #[error("{what} sends a transaction and needs a private key")]
    NoSigner {
        /// What needed it.
        what: String,
    },
    /// The wrapped-proof file cannot be used.
    #[error("bad proof file {}: {reason}", path.display())]
    ProofFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The Groth16 verifying key file cannot be used.
    #[error("bad verifying key file {}: {reason}", path.display())]
    VerifyingKey {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A command-line value does not parse.
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidArgument {
        /// Which argument.
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// There is no contract at the address.
    #[error("no contract code at {address} on chain {chain_id} ({what})")]
    NoCode {
        /// The address.
        address: Address,
        /// The chain.
        chain_id: u64,
        /// What was expected there.
        what: String,
    },
    /// A contract answered a call with data that does not decode as its ABI says.
    #[error("the contract at {address} does not answer like {what}: {reason}")]
    UnexpectedContract {
        /// The address.
        address: Address,
        /// What it was expected to be (`a CairnVerifierGateway`).
        what: String,
        /// Why.
        reason: String,
    },
    /// A call or transaction reverted.
    #[error("{what} reverted with {revert}{}", tx_hash.map(|h| format!(" (transaction {h})")).unwrap_or_default())]
    Reverted {
        /// What was being done.
        what: String,
        /// The decoded revert.
        revert: Box<Revert>,
        /// The mined transaction, when it got that far.
        tx_hash: Option<TxHash>,
    },
    /// A transaction was sent but no receipt came in time.
    #[error("no receipt for transaction {tx_hash} ({what}) after {seconds} s")]
    ReceiptTimeout {
        /// What was being done.
        what: String,
        /// The transaction.
        tx_hash: TxHash,
        /// How long it waited.
        seconds: u64,
    },
    /// A deployment's receipt has no contract address.
    #[error("deployment of {what} (transaction {tx_hash}) created no contract")]
    NotDeployed {
        /// What was deployed.
        what: String,
        /// The transaction.
        tx_hash: TxHash,
    },
    /// The gateway already routes the key's selector elsewhere, or the route is frozen.
    #[error("gateway {gateway} already routes selector {selector} to {existing}{}, not to a verifier for this key (VERIFIER_HASH {key_hash}); deploy a new gateway (omit --gateway)", match (frozen, existing_hash) { (true, _) => " (frozen)".to_owned(), (false, Some(h)) => format!(" (VERIFIER_HASH {h})"), (false, None) => String::new() })]
    RouteConflict {
        /// The gateway.
        gateway: Address,
        /// The selector.
        selector: FixedBytes<4>,
        /// The verifier it routes to.
        existing: Address,
        /// That verifier's `VERIFIER_HASH`, when read.
        existing_hash: Option<B256>,
        /// Whether that route is frozen.
        frozen: bool,
        /// The key's `VERIFIER_HASH`.
        key_hash: B256,
    },
    /// The signer does not own the gateway, so it cannot add routes.
    #[error("gateway {gateway} is owned by {owner}, not by the deploying account {deployer}; only its owner can add routes")]
    NotGatewayOwner {
        /// The gateway.
        gateway: Address,
        /// Its owner.
        owner: Address,
        /// The signer.
        deployer: Address,
    },
    /// The Solidity compiler could not be run or reported errors.
    #[error("compiling the contracts failed: {0}")]
    Compile(String),
    /// A file could not be read or written.
    #[error("{what} {}: {reason}", path.display())]
    Io {
        /// What was being done (`cannot write`).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        reason: String,
    },
    /// The address book exists but does not parse.
    #[error("address book {} is malformed: {reason}", path.display())]
    AddressBook {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The async runtime could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
}

impl DeployError {
    /// The decoded revert, when this error is one.
    pub fn revert(&self) -> Option<&Revert> {
        match self {
            Self::Reverted { revert, .. } => Some(revert),
            _ => None,
        }
    }

    pub(crate) fn io(what: &'static str, path: impl Into<PathBuf>, err: std::io::Error) -> Self {
        Self::Io {
            what,
            path: path.into(),
            reason: err.to_string(),
        }
    }
}
