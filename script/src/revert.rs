//! Revert data decoded by name: Cairn's custom errors, `Error(string)` and `Panic(uint256)`.

use std::fmt;

use alloy::dyn_abi::{DynSolValue, ErrorExt};
use alloy::json_abi::Error as AbiError;
use alloy::primitives::Bytes;

use crate::bindings::{CairnRollup, CairnVerifierGateway, ICairnVerifier};

/// A revert, decoded against every error Cairn's contracts declare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revert {
    /// The error's name (`InvalidProof`, `StateRootMismatch`, `Error`, `Panic`), or `None`
    /// when the selector is unknown or the data is empty.
    pub name: Option<String>,
    /// The arguments, formatted (`0x`-hex for bytes and addresses, decimal for integers,
    /// quoted strings), with their parameter names.
    pub args: Vec<(String, String)>,
    /// The raw revert data.
    pub data: Bytes,
}

impl Revert {
    /// Decodes `data` (which may be empty: a revert without data).
    pub fn decode(data: Bytes) -> Self {
        let known = known_errors();
        let found = data.get(..4).and_then(|selector| {
            known
                .iter()
                .find(|e| e.selector().as_slice() == selector)
                .and_then(|e| {
                    let decoded = e.decode_error(&data).ok()?;
                    let args = e
                        .inputs
                        .iter()
                        .zip(&decoded.body)
                        .map(|(param, value)| (param.name.clone(), format_value(value)))
                        .collect();
                    Some((e.name.clone(), args))
                })
        });
        match found {
            Some((name, args)) => Self {
                name: Some(name),
                args,
                data,
            },
            None => Self {
                name: None,
                args: Vec::new(),
                data,
            },
        }
    }

    /// True when this is the custom error `name`.
    pub fn is(&self, name: &str) -> bool {
        self.name.as_deref() == Some(name)
    }
}

impl fmt::Display for Revert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => {
                let args: Vec<&str> = self.args.iter().map(|(_, v)| v.as_str()).collect();
                write!(f, "{name}({})", args.join(", "))
            }
            None if self.data.is_empty() => f.write_str("no revert data"),
            None => write!(f, "unknown error {}", self.data),
        }
    }
}

/// Every error of the bindings, plus Solidity's `Error(string)` and `Panic(uint256)`.
fn known_errors() -> Vec<AbiError> {
    let builtin = ["Error(string message)", "Panic(uint256 code)"]
        .into_iter()
        .filter_map(|s| AbiError::parse(s).ok());
    [
        ICairnVerifier::abi::errors(),
        CairnVerifierGateway::abi::errors(),
        CairnRollup::abi::errors(),
    ]
    .into_iter()
    .flat_map(|map| map.into_values().flatten())
    .chain(builtin)
    .collect()
}

fn format_value(value: &DynSolValue) -> String {
    match value {
        DynSolValue::String(s) => format!("{s:?}"),
        DynSolValue::Uint(v, _) => v.to_string(),
        DynSolValue::Int(v, _) => v.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Address(a) => a.to_string(),
        DynSolValue::FixedBytes(word, size) => format!("0x{}", hex::encode(&word[..*size])),
        DynSolValue::Bytes(b) => format!("0x{}", hex::encode(b)),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use alloy::primitives::{Bytes, B256};
    use alloy::sol_types::{Revert as SolRevert, SolError};

    use super::Revert;
    use crate::bindings::{CairnRollup, ICairnVerifier};

    #[test]
    fn custom_errors_decode_by_name_with_arguments() {
        let data = CairnRollup::StateRootMismatch {
            expected: B256::repeat_byte(1),
            provided: B256::repeat_byte(2),
        }
        .abi_encode();
        let revert = Revert::decode(data.into());
        assert!(revert.is("StateRootMismatch"));
        assert_eq!(
            revert.to_string(),
            format!(
                "StateRootMismatch({}, {})",
                B256::repeat_byte(1),
                B256::repeat_byte(2)
            )
        );
        assert_eq!(revert.args[0].0, "expected");
        let revert = Revert::decode(ICairnVerifier::InvalidProof {}.abi_encode().into());
        assert_eq!(revert.to_string(), "InvalidProof()");
        let revert = Revert::decode(
            ICairnVerifier::InvalidProofLength {
                length: alloy::primitives::U256::from(3),
            }
            .abi_encode()
            .into(),
        );
        assert_eq!(revert.to_string(), "InvalidProofLength(3)");
        let revert = Revert::decode(SolRevert::from("no").abi_encode().into());
        assert_eq!(revert.to_string(), "Error(\"no\")");
        assert_eq!(Revert::decode(Bytes::new()).to_string(), "no revert data");
        let unknown = Revert::decode(Bytes::from_static(&[1, 2, 3, 4, 5]));
        assert_eq!(
            (unknown.name.clone(), unknown.to_string()),
            (None, "unknown error 0x0102030405".to_owned())
        );
        // A known selector with undecodable arguments is reported as unknown, not a panic.
        let short = Revert::decode(CairnRollup::StateRootMismatch::SELECTOR.to_vec().into());
        assert!(short.name.is_none());
    }
}
