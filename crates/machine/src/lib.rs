//! The Cairn RV32IM machine as a set of AIRs ("chips") for Plonky3's batch STARK.
//!
//! Each chip has `#[repr(C)]` column structs, an AIR over [`p3_lookup::InteractionBuilder`] and
//! trace generation from the executor's record. Chips talk over LogUp buses ([`bus`]).

pub mod bus;
pub mod chips;
mod columns;
pub mod debug;
pub mod events;
pub mod machine;

pub use bus::ByteOp;
pub use events::{AluEvent, ByteCounts};
pub use machine::{CairnAir, Claim, Machine, TraceError, Witness, CHIP_NAMES};
