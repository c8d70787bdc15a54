//! Typed errors of the Groth16 backend.

use ark_relations::gr1cs::SynthesisError;
use thiserror::Error;

/// Why bytes or JSON could not be decoded into a point, scalar, proof or key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncodingError {
    /// The input has the wrong number of bytes.
    #[error("wrong length: expected {expected} bytes, found {found}")]
    WrongLength {
        /// Bytes expected.
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// The 4-byte selector does not name this verifying key.
    #[error(
        "wrong selector: expected 0x{}, found 0x{}",
        hex::encode(expected),
        hex::encode(found)
    )]
    WrongSelector {
        /// The verifying key's selector.
        expected: [u8; 4],
        /// The selector in the input.
        found: [u8; 4],
    },
    /// The JSON names another verifying key (VERIFIER_HASH).
    #[error(
        "wrong verifier hash: expected 0x{}, found 0x{}",
        hex::encode(expected),
        hex::encode(found)
    )]
    WrongVerifierHash {
        /// The verifying key's hash.
        expected: [u8; 32],
        /// The hash in the input.
        found: [u8; 32],
    },
    /// A base-field coordinate is not below the field modulus.
    #[error("{what}: coordinate is not below the base-field modulus")]
    CoordinateOutOfRange {
        /// Which point.
        what: &'static str,
    },
    /// A scalar is not below the scalar-field modulus.
    #[error("{what}: value is not below the scalar-field modulus")]
    ScalarOutOfRange {
        /// Which value.
        what: &'static str,
    },
    /// The coordinates do not satisfy the curve equation.
    #[error("{what}: point is not on the curve")]
    NotOnCurve {
        /// Which point.
        what: &'static str,
    },
    /// The point is on the curve but outside the prime-order subgroup.
    #[error("{what}: point is not in the prime-order subgroup")]
    NotInSubgroup {
        /// Which point.
        what: &'static str,
    },
    /// The text is not valid hex, decimal or JSON of the expected shape.
    #[error("syntax: {0}")]
    Syntax(String),
}

/// Errors of setup, proving, verification, import and export.
///
/// Every variant that wraps another error prints it in its message and does not return it
/// from `source()`, so reporters that walk the chain (anyhow's `{:#}`) print each cause once.
#[derive(Debug, Error)]
pub enum Groth16Error {
    /// The proof does not verify against the key and public input.
    #[error("invalid proof")]
    InvalidProof,
    /// The proof could not be decoded.
    #[error("malformed proof: {0}")]
    MalformedProof(EncodingError),
    /// The verifying key could not be decoded or has the wrong shape.
    #[error("malformed verifying key: {0}")]
    MalformedVerifyingKey(EncodingError),
    /// The public input could not be decoded.
    #[error("malformed public input: {0}")]
    MalformedPublicInput(EncodingError),
    /// The circuit does not have exactly one public input.
    #[error("the circuit has {found} public inputs; the Groth16 backend requires exactly one")]
    PublicInputCount {
        /// Public inputs declared by the circuit (not counting the constant one).
        found: usize,
    },
    /// The circuit uses something Groth16 cannot prove (a non-R1CS predicate, instance outlining).
    #[error("unsupported circuit: {0}")]
    UnsupportedCircuit(String),
    /// The witness does not satisfy the circuit.
    #[error("the witness does not satisfy the circuit (first failing constraint: {0})")]
    Unsatisfied(String),
    /// Constraint synthesis failed.
    #[error("constraint synthesis failed: {0}")]
    Synthesis(SynthesisError),
    /// The proving key was made for a circuit of another shape.
    #[error("the proving key does not match the circuit: {0}")]
    KeyMismatch(String),
    /// The `.zkey` file is malformed or not a BN254 Groth16 key.
    #[error("malformed .zkey: {0}")]
    Zkey(String),
    /// The `.zkey` file is well formed but was made for another circuit.
    #[error("the .zkey does not match the circuit: {0}")]
    ZkeyMismatch(String),
    /// The circuit is too large for a format limit (u32 counts in `.r1cs`/`.zkey`).
    #[error("the circuit is too large: {0}")]
    TooLarge(String),
    /// Reading or writing failed.
    #[error("i/o: {0}")]
    Io(std::io::Error),
    /// Arkworks (de)serialisation of a key failed.
    #[error("serialisation: {0}")]
    Serialization(String),
}

impl From<SynthesisError> for Groth16Error {
    fn from(e: SynthesisError) -> Self {
        Self::Synthesis(e)
    }
}

impl From<std::io::Error> for Groth16Error {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<ark_serialize::SerializationError> for Groth16Error {
    fn from(e: ark_serialize::SerializationError) -> Self {
        Self::Serialization(e.to_string())
    }
}
