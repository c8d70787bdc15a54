//! The address book: `deployments/<chainId>.json`, merged on every write.
//!
//! ```json
//! {
//!   "chainId": 31337,
//!   "gateway": { "address": "0x…", "owner": "0x…", "txHash": "0x…", "blockNumber": 2 },
//!   "verifiers": {
//!     "0x1a2b3c4d": { "address": "0x…", "verifierHash": "0x1a2b3c4d…", "system": "groth16",
//!                     "txHash": "0x…", "blockNumber": 1, "gateway": "0x…",
//!                     "routeTxHash": "0x…", "routeBlockNumber": 3 }
//!   },
//!   "rollups": {
//!     "0x…": { "verifier": "0x…", "programVKey": "0x…", "genesisRoot": "0x…",
//!              "txHash": "0x…", "blockNumber": 4 }
//!   }
//! }
//! ```
//!
//! Keys this tool does not know are kept as they are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alloy::primitives::{Address, TxHash, B256};
use serde::{Deserialize, Serialize};

use crate::error::DeployError;

/// A transaction that created or changed something.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxRecord {
    /// The transaction hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<TxHash>,
    /// The block it was mined in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_number: Option<u64>,
}

/// The gateway entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayEntry {
    /// Its address.
    pub address: Address,
    /// Its owner when this tool last looked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Address>,
    /// The deployment (absent for a gateway deployed by someone else).
    #[serde(flatten)]
    pub deployed: TxRecord,
    /// Keys this tool does not know.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A verifier entry, keyed by its selector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifierEntry {
    /// Its address.
    pub address: Address,
    /// `VERIFIER_HASH()`.
    pub verifier_hash: B256,
    /// `groth16` or `plonk`.
    pub system: String,
    /// The deployment.
    #[serde(flatten)]
    pub deployed: TxRecord,
    /// The gateway that routes to it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<Address>,
    /// The `addRoute` transaction (absent when the route already existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_tx_hash: Option<TxHash>,
    /// The block of the `addRoute` transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_block_number: Option<u64>,
    /// Keys this tool does not know.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// An example-rollup entry, keyed by its address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollupEntry {
    /// The verifier or gateway it calls.
    pub verifier: Address,
    /// The program key it accepts.
    #[serde(rename = "programVKey")]
    pub program_vkey: B256,
    /// The initial state root.
    pub genesis_root: B256,
    /// The deployment.
    #[serde(flatten)]
    pub deployed: TxRecord,
    /// Keys this tool does not know.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// Everything deployed on one chain.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressBook {
    /// The chain id.
    pub chain_id: u64,
    /// The gateway applications should use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<GatewayEntry>,
    /// Verifiers by selector (`0x` + 8 hex digits).
    #[serde(default)]
    pub verifiers: BTreeMap<String, VerifierEntry>,
    /// Example rollups by address.
    #[serde(default)]
    pub rollups: BTreeMap<Address, RollupEntry>,
    /// Keys this tool does not know.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl AddressBook {
    /// `dir/<chainId>.json`.
    pub fn path(dir: &Path, chain_id: u64) -> PathBuf {
        dir.join(format!("{chain_id}.json"))
    }

    /// Reads `dir/<chainId>.json`, or an empty book when it does not exist.
    pub fn load(dir: &Path, chain_id: u64) -> Result<Self, DeployError> {
        let path = Self::path(dir, chain_id);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self {
                    chain_id,
                    ..Self::default()
                })
            }
            Err(e) => return Err(DeployError::io("cannot read", path, e)),
        };
        let book: Self = serde_json::from_str(&text).map_err(|e| DeployError::AddressBook {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if book.chain_id != chain_id {
            return Err(DeployError::AddressBook {
                path,
                reason: format!(
                    "it is for chain {}, the node is chain {chain_id}",
                    book.chain_id
                ),
            });
        }
        Ok(book)
    }

    /// Writes `dir/<chainId>.json` (through a temporary file, so a reader never sees half).
    pub fn save(&self, dir: &Path) -> Result<PathBuf, DeployError> {
        std::fs::create_dir_all(dir).map_err(|e| DeployError::io("cannot create", dir, e))?;
        let path = Self::path(dir, self.chain_id);
        let tmp = dir.join(format!(".{}.json.tmp", self.chain_id));
        let mut text =
            serde_json::to_string_pretty(self).map_err(|e| DeployError::AddressBook {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        text.push('\n');
        std::fs::write(&tmp, text).map_err(|e| DeployError::io("cannot write", &tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| DeployError::io("cannot write", &path, e))?;
        Ok(path)
    }

    /// Loads the book, applies `update` and saves it: each step of a deployment is recorded
    /// as soon as it is mined.
    pub(crate) fn update(
        dir: &Path,
        chain_id: u64,
        update: impl FnOnce(&mut Self),
    ) -> Result<PathBuf, DeployError> {
        let mut book = Self::load(dir, chain_id)?;
        update(&mut book);
        book.save(dir)
    }
}

/// The book's key for a selector: `0x` + 8 hex digits.
pub fn selector_key(selector: [u8; 4]) -> String {
    format!("0x{}", hex::encode(selector))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn unknown_keys_survive_a_round_trip_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"{
          "chainId": 5,
          "note": "kept",
          "gateway": { "address": "0x00000000000000000000000000000000000000aa", "txHash": "0x0000000000000000000000000000000000000000000000000000000000000001", "blockNumber": 7, "label": "main" },
          "verifiers": { "0x01020304": { "address": "0x00000000000000000000000000000000000000bb", "verifierHash": "0x0102030400000000000000000000000000000000000000000000000000000000", "system": "groth16", "audit": 1 } }
        }"#;
        std::fs::write(AddressBook::path(dir.path(), 5), text).unwrap();
        let book = AddressBook::load(dir.path(), 5).unwrap();
        let gateway = book.gateway.as_ref().unwrap();
        assert_eq!(gateway.deployed.block_number, Some(7));
        assert_eq!(gateway.extra.keys().collect::<Vec<_>>(), ["label"]);
        assert_eq!(
            book.verifiers["0x01020304"]
                .extra
                .keys()
                .collect::<Vec<_>>(),
            ["audit"]
        );
        book.save(dir.path()).unwrap();
        let saved = std::fs::read_to_string(AddressBook::path(dir.path(), 5)).unwrap();
        assert_eq!(saved.matches("\"blockNumber\"").count(), 1, "{saved}");
        assert!(
            saved.contains("\"note\": \"kept\"") && saved.contains("\"label\": \"main\""),
            "{saved}"
        );
        assert_eq!(AddressBook::load(dir.path(), 5).unwrap(), book);
        // Another chain's file under this chain's name is refused.
        assert!(AddressBook::load(dir.path(), 6)
            .unwrap()
            .verifiers
            .is_empty());
        std::fs::copy(
            AddressBook::path(dir.path(), 5),
            AddressBook::path(dir.path(), 6),
        )
        .unwrap();
        assert!(matches!(
            AddressBook::load(dir.path(), 6),
            Err(DeployError::AddressBook { .. })
        ));
    }
}
