//! Errors of the PLONK backend.

use thiserror::Error;

/// What went wrong in setup, proving or verification.
///
/// Every variant that wraps another error prints it in its message and does not return it
/// from `source()`, so reporters that walk the chain (anyhow's `{:#}`) print each cause once.
#[derive(Debug, Error)]
pub enum PlonkError {
    /// The STARK witness does not fit the circuit's shape.
    #[error("verifier circuit: {0}")]
    Circuit(cairn_wrapper::verifier::VerifierError),
    /// The witness violates a row of the circuit (the STARK proof does not verify).
    #[error(
        "the witness violates row {row} of the PLONK circuit (section {section}): the STARK proof does not verify"
    )]
    Unsatisfied {
        /// The first failing row.
        row: usize,
        /// The verifier part the row belongs to.
        section: String,
    },
    /// The circuit needs more rows than the parameters provide.
    #[error("the circuit needs 2^{needed} rows but the KZG parameters have 2^{available}")]
    ParamsTooSmall {
        /// log2 of the rows the circuit needs.
        needed: u32,
        /// log2 of the rows of the parameters.
        available: u32,
    },
    /// More rows than BN254's scalar field has FFT domains for.
    #[error("2^{k} rows: BN254's scalar field has FFT domains of at most 2^{max} points")]
    DomainTooLarge {
        /// log2 of the rows asked for.
        k: u32,
        /// log2 of the largest domain.
        max: u32,
    },
    /// A KZG parameters or key file could not be read.
    #[error("{what}: {cause}")]
    Io {
        /// What was being read or written.
        what: String,
        /// The underlying error.
        cause: std::io::Error,
    },
    /// halo2 refused to generate keys or a proof.
    #[error("halo2 {stage}: {message}")]
    Halo2 {
        /// Key generation or proving.
        stage: &'static str,
        /// halo2's error.
        message: String,
    },
    /// A PLONK verifying key file is malformed.
    #[error("PLONK verifying key: {0}")]
    Key(String),
    /// A proving key or ceremony file is malformed, or made for something else (the message
    /// names the file and the fault).
    #[error("{0}")]
    BadFile(String),
    /// The CPU lacks the instructions of the BN254 assembly arithmetic.
    #[error("this x86-64 CPU lacks BMI2/ADX, which the BN254 arithmetic of the PLONK backend needs (any Intel CPU since Broadwell, AMD since Zen)")]
    UnsupportedCpu,
    /// The proof does not verify.
    #[error("invalid PLONK proof: {0}")]
    InvalidProof(String),
}

impl From<cairn_wrapper::verifier::VerifierError> for PlonkError {
    fn from(e: cairn_wrapper::verifier::VerifierError) -> Self {
        Self::Circuit(e)
    }
}
