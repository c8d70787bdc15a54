//! Cairn's Groth16 backend over BN254 (arkworks), for any
//! `ark_relations::gr1cs::ConstraintSynthesizer<Fr>` circuit with exactly one public input.
//!
//! - Setup: [`dev_setup`] (deterministic from a seed, **insecure**, flagged in the keys) or
//!   [`import_zkey`] of a snarkjs phase-2 ceremony over a circuit exported with
//!   [`export_r1cs`]. Keys remember their QAP reduction ([`QapReduction`]).
//! - [`prove`] and [`verify`].
//! - Encodings: [`vk_hash`] (VERIFIER_HASH), [`selector`], [`proof_bytes`] /
//!   [`parse_proof_bytes`], [`Groth16ProofJson`], and snarkjs' JSON ([`to_snarkjs_vk_json`], …).
//! - Serde: [`Groth16Keys`], [`Groth16VerifyingKey`], [`Groth16Proof`].

mod circuit;
mod encoding;
mod error;
mod evm;
mod example;
mod keys;
mod prover;
mod qap;
mod r1cs;
mod snarkjs;
mod types;
mod zkey;

pub use ark_bn254::Fr;
pub use ark_relations::gr1cs::ConstraintSynthesizer;

pub use circuit::{check_satisfied, CircuitInfo};
pub use encoding::{
    fq_from_be, fq_to_be, fr_from_be, fr_to_be, g1_from_evm, g1_to_evm, g2_from_evm, g2_to_evm,
    FIELD_BYTES, G1_BYTES, G2_BYTES,
};
pub use error::{EncodingError, Groth16Error};
pub use evm::{
    parse_proof_bytes, proof_bytes, public_input_from_be_bytes, selector, vk_hash,
    Groth16ProofJson, Selector, PROOF_BYTES_WITH_SELECTOR,
};
pub use example::ExampleCircuit;
pub use keys::{dev_setup, is_dev_verifying_key, Groth16Keys, QapReduction, INSECURE_DEV_SETUP_WARNING};
pub use prover::{prove, verify};
pub use qap::CircomReduction;
pub use r1cs::{export_r1cs, export_wtns, r1cs_digest};
pub use snarkjs::{
    from_snarkjs_proof_json, from_snarkjs_public_json, from_snarkjs_vk_json, to_snarkjs_proof_json,
    to_snarkjs_public_json, to_snarkjs_vk_json,
};
pub use types::{Groth16Proof, Groth16VerifyingKey, PROOF_BYTES};
pub use zkey::{import_zkey, import_zkey_file};
