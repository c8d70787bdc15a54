//! The outer STARK's verifier as a BN254 circuit.
//!
//! Every gadget is written once against [`CircuitBuilder`]; backends turn it into plain values
//! ([`NativeBuilder`]), R1CS constraints for Groth16 ([`R1csBuilder`]), or PLONK gates.
//! [`field`] emulates BabyBear and its degree-4 extension in BN254 with range-checked values and
//! lazy reduction.

pub mod builder;
pub mod challenger;
pub mod circuit;
pub mod field;
pub mod fri;
pub mod identity;
pub mod merkle;
pub mod native;
pub mod ood;
pub mod poseidon2;
pub mod r1cs;
pub mod sha256;
pub mod sponge;
pub mod tamper;
pub mod verifier;
pub mod witness;

pub use builder::{CircuitBuilder, Section};
pub use native::{NativeBuilder, NativeFailure};
pub use r1cs::R1csBuilder;
