//! The Cairn host SDK.
//!
//! Write a guest's inputs with [`Inputs`], run it with [`ProverClient::execute`], and read what it
//! committed with [`PublicValues`]. [`ProverClient::setup`], [`ProverClient::prove`] and
//! [`ProverClient::verify`] make and check STARK proofs of a run; [`VerifyingKey::prepare`] commits a
//! key's preprocessed traces once for repeated verification. Host and guest share one
//! serialisation format (postcard), so a value written with [`Inputs::write`] is what
//! `cairn_zkvm::io::read` returns in the guest.

mod client;
mod inputs;
pub mod phases;
mod prover;
mod public_values;
mod snark;
mod wrap;
mod wrap_plonk;

pub use cairn_executor::{ElfError, ExecutionError, ExecutorConfig, Program, DEFAULT_MAX_CYCLES};
pub use client::{ExecutionReport, ProverClient, SdkError};
pub use cairn_stark::{ConfigId, Profile};
pub use inputs::Inputs;
pub use prover::{CairnProof, PreparedVerifyingKey, ProvingKey, VerifyingKey, PROGRAM_VKEY_DOMAIN};
pub use public_values::{PublicValues, PublicValuesError};
pub use snark::{SnarkProof, SnarkSystem};
pub use wrap::{Groth16Setup, KeyCache, WrapOptions, WrapTimings, WrappedGroth16, DEV_SETUP_SEED};
pub use wrap_plonk::{read_plonk_vk, PlonkSetup, PlonkWrapOptions, WrappedPlonk, DEV_SRS_SEED};
pub use cairn_plonk::PlonkVerifierKey;
