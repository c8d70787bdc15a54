//! Typed errors of the Solidity generator.

use std::path::PathBuf;

use thiserror::Error;

/// Why Solidity or a Foundry project could not be generated.
///
/// Every variant that wraps another error prints it in its message and does not return it
/// from `source()`, so reporters that walk the chain (anyhow's `{:#}`) print each cause once.
#[derive(Debug, Error)]
pub enum SolidityError {
    /// The verifying key does not have exactly one public input (two IC points).
    #[error("the verifying key has {found} public inputs; Cairn's verifiers take exactly one")]
    PublicInputCount {
        /// Public inputs of the key (IC points minus one).
        found: usize,
    },
    /// A name that must be a Solidity identifier is not one.
    #[error("{0:?} is not a Solidity identifier (ASCII letters, digits, `_` and `$`, not starting with a digit)")]
    InvalidIdentifier(String),
    /// The fixture's VERIFIER_HASH is not the hash of the verifying key.
    #[error(
        "the fixture was made for VERIFIER_HASH 0x{}, but the verifying key's is 0x{}",
        hex::encode(fixture),
        hex::encode(key)
    )]
    VerifierHashMismatch {
        /// The fixture's hash.
        fixture: [u8; 32],
        /// The key's hash.
        key: [u8; 32],
    },
    /// The fixture's `proofBytes` is not a well-formed Groth16 proof for the key.
    #[error("the fixture's proofBytes are not a Groth16 proof for this key: {0}")]
    MalformedProof(cairn_groth16::Groth16Error),
    /// The PLONK verifier code is not what snark-verifier 0.2.7 emits.
    #[error("the PLONK verifier code lacks `{0}`: not snark-verifier 0.2.7's output")]
    UnexpectedVerifierCode(&'static str),
    /// The Foundry project's directory exists and is not empty.
    #[error("{} exists and is not empty; choose a new directory", .0.display())]
    DirectoryNotEmpty(PathBuf),
    /// Reading or writing a file failed.
    #[error("cannot write {}: {cause}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        cause: std::io::Error,
    },
}

impl From<cairn_groth16::Groth16Error> for SolidityError {
    fn from(e: cairn_groth16::Groth16Error) -> Self {
        Self::MalformedProof(e)
    }
}
