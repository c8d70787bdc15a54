//! A small example circuit for tests, smoke tests and ceremony rehearsals.

use ark_bn254::Fr;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError, Variable,
};

/// Knowledge of `y` with `f^rounds(y) = x`, where `f(v) = v³ + v + 5` and `x` is the one
/// public input. Two constraints per round plus one binding `x`: `2·rounds + 1` in all.
/// `y: None` synthesises without a witness (setup, export).
#[derive(Clone, Copy, Debug)]
pub struct ExampleCircuit {
    /// The private start value; `None` for setup.
    pub y: Option<Fr>,
    /// How many times `f` is applied (at least 1).
    pub rounds: usize,
}

impl ExampleCircuit {
    /// The public input the circuit accepts for `y`: `f^rounds(y)`.
    pub fn public_input(y: Fr, rounds: usize) -> Fr {
        (0..rounds).fold(y, |v, _| v * v * v + v + Fr::from(5u64))
    }
}

impl ConstraintSynthesizer<Fr> for ExampleCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let x_value = self.y.map(|y| Self::public_input(y, self.rounds));
        let x = cs.new_input_variable(|| x_value.ok_or(SynthesisError::AssignmentMissing))?;
        let mut value = self.y;
        let mut v = cs.new_witness_variable(|| value.ok_or(SynthesisError::AssignmentMissing))?;
        for _ in 0..self.rounds {
            let sq_value = value.map(|y| y * y);
            let sq =
                cs.new_witness_variable(|| sq_value.ok_or(SynthesisError::AssignmentMissing))?;
            let next_value = value.map(|y| y * y * y + y + Fr::from(5u64));
            let next =
                cs.new_witness_variable(|| next_value.ok_or(SynthesisError::AssignmentMissing))?;
            // sq = v·v
            cs.enforce_r1cs_constraint(|| v.into(), || v.into(), || sq.into())?;
            // A symbolic linear combination (inlined by the backend): v + 5.
            let v_plus_5 =
                cs.new_lc(|| LinearCombination::from(v) + (Fr::from(5u64), Variable::One))?;
            // sq·v = next − (v + 5)
            cs.enforce_r1cs_constraint(
                || sq.into(),
                || v.into(),
                || LinearCombination::from(next) - v_plus_5,
            )?;
            v = next;
            value = next_value;
        }
        // v·1 = x
        cs.enforce_r1cs_constraint(|| v.into(), || Variable::One.into(), || x.into())
    }
}
