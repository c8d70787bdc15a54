//! Cairn's STARK layer on Plonky3 0.8 batch-STARK with LogUp buses.
//!
//! - [`config`]: the `inner` (BabyBear Poseidon2) and `outer` (BN254 Poseidon2)
//!   configurations, named by [`ConfigId`].
//! - [`profile`]: security profiles ([`Profile::TEST`], [`Profile::PRODUCTION`]) with their
//!   bit-security arguments.
//! - [`prove`] / [`verify`]: one batch of instances of one AIR type (the machine passes an
//!   enum) satisfying [`StarkAir`].
//! - [`setup`](fn@setup): commits the preprocessed traces once, for [`prove_with`] and
//!   [`verify_with`].
//! - [`file`](mod@file): the versioned header of every file Cairn writes.
//!
//! This crate knows nothing about the RISC-V machine; it proves whatever AIRs it is given.

pub mod config;
pub mod file;
pub mod poseidon2_bn254;
pub mod profile;
mod proof;
mod prove;
mod security;
mod setup;
mod verify;

pub use config::{ConfigError, ConfigId, UnknownConfig, Val};
pub use file::{
    read_file, read_header, read_proof, write_file, write_proof, FileError, FileKind, Header,
};
pub use profile::{Profile, SecurityEstimate, SecurityShape, UnknownProfile};
pub use proof::{AirFor, ProofBody, ShapeError, StarkAir, StarkProof, MAX_LOG_LDE_HEIGHT};
pub use prove::{prove, prove_with, ProveError};
pub use security::security_shape;
pub use setup::{preprocessed_commitment, setup, SetupMismatch, StarkSetup};
pub use verify::{verify, verify_with, VerifyError};
