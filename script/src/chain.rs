//! A connection to a node: the provider, the chain id, an optional signer, and calls and
//! transactions whose reverts come back decoded.

use std::time::Duration;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, Bytes, TxHash};
use alloy::providers::{
    DynProvider, PendingTransactionError, Provider, ProviderBuilder, WatchTxError,
};
use alloy::rpc::types::{Log, TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use alloy::transports::http::reqwest::{self, Url};
use alloy::transports::TransportError;

use crate::error::DeployError;
use crate::revert::Revert;

/// The environment variable the tools read the private key from unless told otherwise.
pub const DEFAULT_KEY_ENV: &str = "CAIRN_PRIVATE_KEY";

/// How long to wait for a transaction's receipt unless told otherwise.
pub const DEFAULT_RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);
/// How long one JSON-RPC request may take, connecting included, before it fails (a node that
/// accepts the connection and never answers would otherwise hang the command).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the signing key comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// An environment variable holding `0x` + 64 hex digits.
    Env(String),
    /// The key itself (`0x` + 64 hex digits), e.g. a test account.
    Hex(String),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Env(var) => f.debug_tuple("Env").field(var).finish(),
            Self::Hex(_) => f.write_str("Hex(<redacted>)"),
        }
    }
}

impl KeySource {
    /// The key from the default environment variable ([`DEFAULT_KEY_ENV`]).
    pub fn default_env() -> Self {
        Self::Env(DEFAULT_KEY_ENV.to_owned())
    }

    /// Reads and parses the key.
    pub fn signer(&self) -> Result<PrivateKeySigner, DeployError> {
        let (text, source_name) = match self {
            Self::Env(var) => match std::env::var(var) {
                Ok(text) => (text, format!("environment variable {var}")),
                Err(std::env::VarError::NotPresent) => {
                    return Err(DeployError::MissingKey { var: var.clone() })
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(DeployError::MalformedKey {
                        source_name: format!("environment variable {var}"),
                        reason: "not valid UTF-8".into(),
                    })
                }
            },
            Self::Hex(text) => (text.clone(), "the given key".to_owned()),
        };
        let text = text.trim();
        if text.is_empty() {
            return Err(DeployError::MalformedKey {
                source_name,
                reason: "empty".into(),
            });
        }
        let digits = text.strip_prefix("0x").unwrap_or(text);
        if digits.len() != 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DeployError::MalformedKey {
                source_name,
                reason: format!("{} characters, not 64 hex digits", digits.len()),
            });
        }
        digits
            .parse::<PrivateKeySigner>()
            .map_err(|e| DeployError::MalformedKey {
                source_name,
                reason: e.to_string(),
            })
    }
}

/// A mined transaction that succeeded.
#[derive(Clone, Debug)]
pub(crate) struct Mined {
    pub(crate) tx_hash: TxHash,
    pub(crate) block_number: Option<u64>,
    pub(crate) gas_used: u64,
    pub(crate) contract_address: Option<Address>,
    pub(crate) logs: Vec<Log>,
}

/// A connected node.
#[derive(Clone, Debug)]
pub(crate) struct Chain {
    provider: DynProvider,
    pub(crate) chain_id: u64,
    pub(crate) sender: Option<Address>,
    receipt_timeout: Duration,
}

/// Parses an RPC URL; only `http` and `https` are supported.
pub(crate) fn parse_rpc_url(rpc: &str) -> Result<Url, DeployError> {
    let invalid = |reason: String| DeployError::InvalidRpcUrl {
        url: rpc.to_owned(),
        reason,
    };
    let url = Url::parse(rpc.trim()).map_err(|e| invalid(e.to_string()))?;
    match url.scheme() {
        "https" if !cfg!(feature = "tls") => {
            return Err(invalid(
                "https:// needs TLS, which this build leaves out: rebuild with the cairn-deploy feature `tls`, or use an http:// endpoint".into(),
            ))
        }
        "http" | "https" => {}
        other => return Err(invalid(format!("scheme {other:?} is not supported (use http:// or https://)"))),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host".into()));
    }
    Ok(url)
}

impl Chain {
    /// Connects to `rpc` and asks for the chain id (which proves the node answers).
    pub(crate) async fn connect(
        rpc: &str,
        key: Option<&KeySource>,
        receipt_timeout: Duration,
        request_timeout: Duration,
    ) -> Result<Self, DeployError> {
        let url = parse_rpc_url(rpc)?;
        let http = reqwest::Client::builder()
            .timeout(request_timeout)
            .connect_timeout(request_timeout)
            .build()
            .map_err(|e| DeployError::RpcUnreachable {
                url: url.to_string(),
                reason: format!("cannot set up the HTTP client: {e}"),
            })?;
        let (provider, sender) = match key {
            Some(key) => {
                let signer = key.signer()?;
                let sender = signer.address();
                let provider = ProviderBuilder::new()
                    .wallet(EthereumWallet::from(signer))
                    .connect_reqwest(http, url.clone())
                    .erased();
                (provider, Some(sender))
            }
            None => (
                ProviderBuilder::new()
                    .connect_reqwest(http, url.clone())
                    .erased(),
                None,
            ),
        };
        let chain_id = provider
            .get_chain_id()
            .await
            .map_err(|e| DeployError::RpcUnreachable {
                url: url.to_string(),
                reason: transport_reason(&e),
            })?;
        Ok(Self {
            provider,
            chain_id,
            sender,
            receipt_timeout,
        })
    }

    /// Fails with [`DeployError::NoCode`] unless there is code at `address`.
    pub(crate) async fn require_code(
        &self,
        address: Address,
        what: &str,
    ) -> Result<(), DeployError> {
        let code = self
            .provider
            .get_code_at(address)
            .await
            .map_err(|e| rpc_error(&format!("reading the code at {address}"), e))?;
        if code.is_empty() {
            return Err(DeployError::NoCode {
                address,
                chain_id: self.chain_id,
                what: what.to_owned(),
            });
        }
        Ok(())
    }

    /// A call of `to` with `input`, from the signer's account when there is one.
    fn request(&self, to: Address, input: Bytes) -> TransactionRequest {
        let tx = TransactionRequest::default().with_to(to).with_input(input);
        match self.sender {
            Some(from) => tx.with_from(from),
            None => tx,
        }
    }

    /// `eth_call`: the return data, or the decoded revert.
    pub(crate) async fn call(
        &self,
        what: &str,
        to: Address,
        input: Bytes,
    ) -> Result<Bytes, DeployError> {
        self.provider
            .call(self.request(to, input))
            .await
            .map_err(|e| revert_or_rpc(what, e, None))
    }

    /// A typed `eth_call` of a view function; `what_contract` names what `to` should be.
    pub(crate) async fn view<C: SolCall>(
        &self,
        what_contract: &str,
        to: Address,
        call: &C,
    ) -> Result<C::Return, DeployError> {
        let what = format!("calling {} on {to}", C::SIGNATURE);
        let data = match self.call(&what, to, call.abi_encode().into()).await {
            // No such function and no fallback: the contract is something else.
            Err(DeployError::Reverted { revert, .. }) if revert.data.is_empty() => {
                return Err(DeployError::UnexpectedContract {
                    address: to,
                    what: what_contract.to_owned(),
                    reason: format!("{} reverted without data", C::SIGNATURE),
                })
            }
            other => other?,
        };
        C::abi_decode_returns(&data).map_err(|e| DeployError::UnexpectedContract {
            address: to,
            what: what_contract.to_owned(),
            reason: format!("{} returned {data}: {e}", C::SIGNATURE),
        })
    }

    /// `eth_estimateGas` of a call: the gas, or the decoded revert.
    pub(crate) async fn estimate_call(
        &self,
        what: &str,
        to: Address,
        input: Bytes,
    ) -> Result<u64, DeployError> {
        self.provider
            .estimate_gas(self.request(to, input))
            .await
            .map_err(|e| revert_or_rpc(what, e, None))
    }

    /// Sends a transaction calling `to` with `input` and waits for its receipt.
    pub(crate) async fn send_call(
        &self,
        what: &str,
        to: Address,
        input: Bytes,
    ) -> Result<Mined, DeployError> {
        self.send(what, self.request(to, input)).await
    }

    /// Deploys `init_code` (creation bytecode ‖ constructor arguments); the new address.
    pub(crate) async fn deploy(
        &self,
        what: &str,
        init_code: Bytes,
    ) -> Result<(Address, Mined), DeployError> {
        let mined = self
            .send(
                what,
                TransactionRequest::default().with_deploy_code(init_code),
            )
            .await?;
        let address = mined
            .contract_address
            .ok_or_else(|| DeployError::NotDeployed {
                what: what.to_owned(),
                tx_hash: mined.tx_hash,
            })?;
        Ok((address, mined))
    }

    /// Sends a transaction and waits for its receipt. A revert during gas estimation or in the
    /// mined transaction comes back as [`DeployError::Reverted`] with the revert decoded.
    async fn send(&self, what: &str, tx: TransactionRequest) -> Result<Mined, DeployError> {
        let Some(from) = self.sender else {
            return Err(DeployError::NoSigner {
                what: what.to_owned(),
            });
        };
        let tx = tx.with_from(from);
        // Estimating first surfaces reverts with their data before anything is signed.
        let gas = self
            .provider
            .estimate_gas(tx.clone())
            .await
            .map_err(|e| revert_or_rpc(what, e, None))?;
        let pending = self
            .provider
            .send_transaction(tx.clone().with_gas_limit(gas))
            .await
            .map_err(|e| revert_or_rpc(what, e, None))?;
        let tx_hash = *pending.tx_hash();
        let receipt = pending
            .with_timeout(Some(self.receipt_timeout))
            .get_receipt()
            .await
            .map_err(|e| match e {
                PendingTransactionError::TxWatcher(WatchTxError::Timeout) => {
                    DeployError::ReceiptTimeout {
                        what: what.to_owned(),
                        tx_hash,
                        seconds: self.receipt_timeout.as_secs(),
                    }
                }
                PendingTransactionError::TransportError(e) => revert_or_rpc(what, e, Some(tx_hash)),
                other => DeployError::Rpc {
                    what: format!("waiting for {what} ({tx_hash})"),
                    reason: other.to_string(),
                },
            })?;
        if !receipt.status() {
            return Err(self.explain_failure(what, tx, &receipt).await);
        }
        Ok(Mined {
            tx_hash,
            block_number: receipt.block_number,
            gas_used: receipt.gas_used,
            contract_address: receipt.contract_address,
            logs: receipt.inner.logs().to_vec(),
        })
    }

    /// A mined transaction failed: replays it as a call in its block to recover the revert data.
    async fn explain_failure(
        &self,
        what: &str,
        tx: TransactionRequest,
        receipt: &TransactionReceipt,
    ) -> DeployError {
        let tx_hash = receipt.transaction_hash;
        let mut call = self.provider.call(tx);
        if let Some(block) = receipt.block_number {
            call = call.block(block.saturating_sub(1).into());
        }
        let revert = match call.await {
            Err(e) => match revert_data(&e) {
                Some(data) => Revert::decode(data),
                None => Revert::decode(Bytes::new()),
            },
            // The replay succeeded (state moved on, or the transaction ran out of gas).
            Ok(_) => Revert::decode(Bytes::new()),
        };
        DeployError::Reverted {
            what: what.to_owned(),
            revert: Box::new(revert),
            tx_hash: Some(tx_hash),
        }
    }
}

fn revert_data(e: &TransportError) -> Option<Bytes> {
    let payload = e.as_error_resp()?;
    // Nodes answer a revert with code 3 and the data; some give data-less reverts as -32000.
    payload.as_revert_data().or_else(|| {
        let message = payload.message.to_ascii_lowercase();
        message.contains("revert").then(Bytes::new)
    })
}

/// A revert (decoded) when the node says so, otherwise an RPC error.
fn revert_or_rpc(what: &str, e: TransportError, tx_hash: Option<TxHash>) -> DeployError {
    match revert_data(&e) {
        Some(data) => DeployError::Reverted {
            what: what.to_owned(),
            revert: Box::new(Revert::decode(data)),
            tx_hash,
        },
        None => rpc_error(what, e),
    }
}

fn rpc_error(what: &str, e: TransportError) -> DeployError {
    DeployError::Rpc {
        what: what.to_owned(),
        reason: transport_reason(&e),
    }
}

/// The transport error with its causes (reqwest hides the useful part, e.g. "Connection
/// refused", in its source chain).
fn transport_reason(e: &TransportError) -> String {
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !reason.contains(&text) {
            reason.push_str(": ");
            reason.push_str(&text);
        }
        source = cause.source();
    }
    reason
}
