//! The Cairn host SDK.
//!
//! Write a guest's inputs with [`Inputs`], run it with [`ProverClient::execute`], and read what it
//! committed with [`PublicValues`]. Host and guest share one serialisation format (postcard), so a
//! value written with [`Inputs::write`] is what `cairn_zkvm::io::read` returns in the guest.

mod client;
mod inputs;
mod public_values;

pub use cairn_executor::{ElfError, ExecutionError, ExecutorConfig, Program, DEFAULT_MAX_CYCLES};
pub use client::{ExecutionReport, ProverClient, SdkError};
pub use inputs::Inputs;
pub use public_values::{PublicValues, PublicValuesError};
