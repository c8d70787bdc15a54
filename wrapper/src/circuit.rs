//! The verifier as an arkworks `ConstraintSynthesizer`, for Groth16 (`cairn_groth16`).

use std::collections::BTreeMap;

use ark_bn254::Fr;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, SynthesisError, SynthesisMode,
};

use crate::builder::Section;
use crate::r1cs::R1csBuilder;
use crate::verifier::{verify_stark, VerifierError};
use crate::witness::{StarkWitness, VerifierShape};

/// The outer-STARK verifier circuit: one public input, the SNARK public input of
/// `identity`. Its constraints depend only on the shape.
#[derive(Clone, Debug)]
pub struct StarkVerifierCircuit {
    shape: VerifierShape,
    witness: Option<StarkWitness>,
}

impl StarkVerifierCircuit {
    /// The circuit of `shape`, with the values of `witness` (`None` for key generation).
    pub fn new(shape: VerifierShape, witness: Option<StarkWitness>) -> Self {
        Self { shape, witness }
    }

    /// The shape.
    pub fn shape(&self) -> &VerifierShape {
        &self.shape
    }

    /// The witness, when values are known.
    pub fn witness(&self) -> Option<&StarkWitness> {
        self.witness.as_ref()
    }

    /// Builds the circuit into `cs`, returning the constraint counts per section.
    pub fn build(&self, cs: ConstraintSystemRef<Fr>) -> Result<BTreeMap<Section, usize>, SynthesisError> {
        let mut b = R1csBuilder::new(cs);
        // Shape errors are the caller's; arkworks has no richer error to carry them.
        let _public = verify_stark(&mut b, &self.shape, self.witness.as_ref())
            .map_err(|_: VerifierError| SynthesisError::Unsatisfiable)?;
        b.finish()
    }
}

impl ConstraintSynthesizer<Fr> for StarkVerifierCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        self.build(cs).map(|_| ())
    }
}

/// Constraint counts per section for `shape`, built in setup mode (no values): `(total,
/// per section)`.
pub fn constraint_counts(shape: &VerifierShape) -> Result<(usize, BTreeMap<Section, usize>), SynthesisError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Setup);
    let counts = StarkVerifierCircuit::new(shape.clone(), None).build(cs.clone())?;
    Ok((cs.num_constraints(), counts))
}
