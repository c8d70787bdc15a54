//! Synthesising a circuit the way Groth16 sees it, and checking that it fits the backend.

use std::cell::RefCell;
use std::rc::Rc;

use ark_bn254::Fr;
use ark_poly::{EvaluationDomain, GeneralEvaluationDomain};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, Matrix, OptimizationGoal,
    SynthesisError, SynthesisMode, R1CS_PREDICATE_LABEL,
};

use crate::Groth16Error;

/// The shape of a circuit as the Groth16 backend sees it (after inlining linear combinations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CircuitInfo {
    /// R1CS constraints.
    pub num_constraints: usize,
    /// Instance variables, counting the constant one (always 2 here).
    pub num_instance: usize,
    /// Witness (private) variables.
    pub num_witness: usize,
    /// The QAP evaluation domain: the least power of two ≥ constraints + instance variables.
    pub domain_size: usize,
}

impl CircuitInfo {
    /// All variables (wires), counting the constant one.
    pub fn num_variables(&self) -> usize {
        self.num_instance + self.num_witness
    }

    pub(crate) fn of(cs: &ConstraintSystemRef<Fr>) -> Result<Self, Groth16Error> {
        let num_constraints = cs.num_constraints();
        let num_instance = cs.num_instance_variables();
        let domain_size = GeneralEvaluationDomain::<Fr>::new(num_constraints + num_instance)
            .map(|d| d.size())
            .ok_or_else(|| {
                Groth16Error::TooLarge(format!("no evaluation domain of size {num_constraints}"))
            })?;
        Ok(Self {
            num_constraints,
            num_instance,
            num_witness: cs.num_witness_variables(),
            domain_size,
        })
    }
}

/// Rejects what Groth16 cannot prove here: other than one public input, non-R1CS
/// predicates with constraints, instance outlining.
pub(crate) fn check_shape(cs: &ConstraintSystemRef<Fr>) -> Result<(), Groth16Error> {
    if cs.should_outline_instances() {
        return Err(Groth16Error::UnsupportedCircuit(
            "instance outlining is enabled".into(),
        ));
    }
    for (label, n) in cs.get_all_predicates_num_constraints() {
        if label != R1CS_PREDICATE_LABEL && n > 0 {
            return Err(Groth16Error::UnsupportedCircuit(format!(
                "{n} constraints of the non-R1CS predicate '{label}'"
            )));
        }
    }
    let inputs = cs.num_instance_variables().saturating_sub(1);
    if inputs != 1 {
        return Err(Groth16Error::PublicInputCount { found: inputs });
    }
    Ok(())
}

/// Synthesises `circuit` (in setup mode unless `prove`), checks it and inlines its linear
/// combinations, exactly as arkworks' Groth16 generator and prover do.
pub(crate) fn synthesize<C: ConstraintSynthesizer<Fr>>(
    circuit: C,
    prove: bool,
) -> Result<(ConstraintSystemRef<Fr>, CircuitInfo), Groth16Error> {
    let cs = ConstraintSystem::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(if prove {
        SynthesisMode::Prove {
            construct_matrices: true,
            generate_lc_assignments: false,
        }
    } else {
        SynthesisMode::Setup
    });
    circuit.generate_constraints(cs.clone())?;
    check_shape(&cs)?;
    cs.finalize();
    let info = CircuitInfo::of(&cs)?;
    Ok((cs, info))
}

/// The R1CS matrices `[A, B, C]`: per constraint, `(coefficient, variable index)` terms
/// with index 0 the constant one, then instance, then witness variables.
pub(crate) fn r1cs_matrices(cs: &ConstraintSystemRef<Fr>) -> Result<Vec<Matrix<Fr>>, Groth16Error> {
    let mut all = cs.to_matrices()?;
    let m = all
        .remove(R1CS_PREDICATE_LABEL)
        .ok_or_else(|| Groth16Error::UnsupportedCircuit("no R1CS predicate".into()))?;
    if m.len() != 3 {
        return Err(Groth16Error::UnsupportedCircuit(format!(
            "R1CS arity {}",
            m.len()
        )));
    }
    Ok(m)
}

/// Sorts a row by variable, adds up repeated variables and drops zero terms (circom's form).
pub(crate) fn normalize_row(row: &[(Fr, usize)]) -> Vec<(Fr, usize)> {
    let mut terms: Vec<(Fr, usize)> = row.to_vec();
    terms.sort_by_key(|&(_, i)| i);
    let mut out: Vec<(Fr, usize)> = Vec::with_capacity(terms.len());
    for (c, i) in terms {
        match out.last_mut() {
            Some((acc, j)) if *j == i => *acc += c,
            _ => out.push((c, i)),
        }
    }
    out.retain(|(c, _)| !ark_ff::Zero::is_zero(c));
    out
}

/// Wraps a circuit so that [`check_shape`] runs inside synthesis driven by arkworks
/// (the generator consumes the circuit); the typed failure is left in `failure`.
pub(crate) struct Checked<C> {
    pub(crate) inner: C,
    pub(crate) failure: Rc<RefCell<Option<Groth16Error>>>,
}

impl<C: ConstraintSynthesizer<Fr>> ConstraintSynthesizer<Fr> for Checked<C> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        self.inner.generate_constraints(cs.clone())?;
        if let Err(e) = check_shape(&cs) {
            *self.failure.borrow_mut() = Some(e);
            return Err(SynthesisError::Unsatisfiable);
        }
        Ok(())
    }
}

/// The first constraint `⟨a,z⟩·⟨b,z⟩ ≠ ⟨c,z⟩` for the full assignment `z`, checked in
/// parallel from the matrices (arkworks' own check re-evaluates symbolic linear
/// combinations and is over 10× slower on the wrap circuit).
pub(crate) fn first_unsatisfied(matrices: &[Matrix<Fr>], z: &[Fr]) -> Option<usize> {
    use rayon::prelude::*;
    let dot = |row: &[(Fr, usize)]| -> Fr {
        row.iter().map(|&(c, i)| z.get(i).map_or(Fr::from(0u64), |v| c * v)).sum()
    };
    let (a, b, c) = (&matrices[0], &matrices[1], &matrices[2]);
    (0..a.len())
        .into_par_iter()
        .find_first(|&i| dot(&a[i]) * dot(&b[i]) != dot(&c[i]))
}

/// Synthesises `circuit` with its values and checks every constraint; the error names the
/// first unsatisfied one.
pub fn check_satisfied<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<(), Groth16Error> {
    let (cs, _) = synthesize(circuit, true)?;
    let matrices = r1cs_matrices(&cs)?;
    let z = [cs.instance_assignment()?, cs.witness_assignment()?].concat();
    match first_unsatisfied(&matrices, &z) {
        None => Ok(()),
        Some(i) => Err(Groth16Error::Unsatisfied(format!("constraint {i}"))),
    }
}
