//! PLONK backend of Cairn's wrap circuit: the STARK verifier of `cairn-wrapper` on halo2 with
//! KZG over BN254 (axiom's fork of halo2), proven with SHPLONK and checked on Ethereum by a
//! verifier that snark-verifier generates.
//!
//! - [`builder`]: [`PlonkBuilder`], the [`cairn_wrapper::CircuitBuilder`] backend: four advice
//!   columns, one gate `q_m·w0·w1 + Σ qᵢ·wᵢ + q_next·w3' + q_c − instance = 0` (the public input
//!   is row 0's `w0`), a 16-bit range lookup on `w0`, the Poseidon2 round gate of [`round`],
//!   linear combinations kept symbolic until a gate needs them.
//! - [`circuit`]: the halo2 circuit of a recorded layout.
//! - [`prover`]: KZG parameters (development ones from a seed, or a file), keys, proofs, native
//!   verification; the verifying key's SHA-256 is its identity.
//! - [`pk_file`]: proving keys on disk, bound to their circuit and parameters.
//! - [`ptau`]: KZG parameters from a public powers-of-τ ceremony.
//! - [`evm`]: the Solidity verifier.
//!
//! KZG parameters files are halo2's raw `ParamsKZG` encoding: `k` (u32, little-endian), the
//! `2^k` G1 powers `[τ^i]₁`, their Lagrange-basis counterparts, `[1]₂` and `[τ]₂`, points
//! uncompressed. Any powers-of-τ ceremony over BN254 yields one: [`ptau`] reads a snarkjs
//! `.ptau` (sections 2 and 3, and 12 when prepared), checks it, and reads the Lagrange basis
//! from a prepared ceremony or computes it by an inverse FFT in the exponent
//! (`cairn kzg-params --ptau` writes the result; [`read_params`] also takes a `.ptau` directly).

pub mod builder;
pub mod circuit;
pub mod error;
pub mod evm;
pub mod key;
pub mod pk_file;
pub mod prover;
pub mod ptau;
pub mod round;
pub mod srs;

pub use builder::{first_failing_row, Layout, PlonkBuilder};
pub use circuit::{to_halo2, CairnCircuit};
pub use error::PlonkError;
pub use key::PlonkVerifierKey;
pub use pk_file::{params_id, read_proving_key, write_proving_key};
pub use prover::{
    circuit_digest, cpu_supported, keygen, prove, required_k, verify, KzgParams, PlonkProvingKey,
    PlonkVerifyingKey,
};
pub use ptau::params_from_ptau;
pub use srs::{dev_params, is_dev_s_g2, read_params, write_params};

use std::sync::Arc;

use cairn_wrapper::verifier::verify_stark;
use cairn_wrapper::witness::{StarkWitness, VerifierShape};

/// The verifier circuit recorded by [`synthesize`].
#[derive(Clone, Debug)]
pub struct Synthesized {
    /// Rows, gates and copy constraints (the same for every witness of the shape).
    pub layout: Arc<Layout>,
    /// Every variable's value, when a witness was given.
    pub values: Option<Arc<Vec<ark_bn254::Fr>>>,
    /// The public input, when a witness was given.
    pub public: Option<ark_bn254::Fr>,
}

impl Synthesized {
    /// Checks every row's gate and lookup on the values: an error names the first violated
    /// row (the STARK proof does not verify).
    pub fn check(&self) -> Result<(), PlonkError> {
        let Some(values) = &self.values else {
            return Ok(());
        };
        match first_failing_row(&self.layout, values) {
            None => Ok(()),
            Some(row) => Err(PlonkError::Unsatisfied { row, section: format!("{:?}", self.layout.section_of(row)) }),
        }
    }

    /// The halo2 circuit (with values when known).
    pub fn circuit(&self) -> CairnCircuit {
        CairnCircuit::new(self.layout.clone(), self.values.clone())
    }
}

/// The verifier circuit of `shape` as a PLONK layout, with the values and the public input
/// when `witness` is given. Values are not checked here ([`Synthesized::check`]).
pub fn synthesize(shape: &VerifierShape, witness: Option<&StarkWitness>) -> Result<Synthesized, PlonkError> {
    let mut b = PlonkBuilder::new();
    let public = verify_stark(&mut b, shape, witness)?;
    let public = witness.and_then(|_| cairn_wrapper::CircuitBuilder::value(&b, &public));
    let (layout, values) = b.finish();
    let values = witness.map(|_| Arc::new(values));
    Ok(Synthesized { layout: Arc::new(layout), values, public })
}
