//! The R1CS-to-QAP reduction of snarkjs, needed to prove with keys from a snarkjs ceremony.
//!
//! snarkjs' H query holds `[L_{2i+1}(τ)/δ]`, the Lagrange polynomials of the domain of size
//! `2n` at its odd points. The prover therefore supplies `A(x)B(x) − C(x)` evaluated at those
//! odd points (the coset `ω_{2n}·H`); on the even points (`H` itself) it vanishes, so the MSM
//! yields `A(τ)B(τ) − C(τ) = h(τ)z(τ)` over δ, as Groth16's C element needs. arkworks'
//! default (libsnark) reduction instead computes `h`'s coefficients against `[τ^i z(τ)/δ]`.

use ark_ff::PrimeField;
use ark_groth16::r1cs_to_qap::{evaluate_constraint, LibsnarkReduction, R1CSToQAP};
use ark_poly::EvaluationDomain;
use ark_relations::gr1cs::{ConstraintSystemRef, Matrix, SynthesisError};
use rayon::prelude::*;

/// snarkjs' QAP witness map (see the module docs). Use it only with snarkjs-made keys.
pub struct CircomReduction;

impl R1CSToQAP for CircomReduction {
    #[allow(clippy::type_complexity)]
    fn instance_map_with_evaluation<F: PrimeField, D: EvaluationDomain<F>>(
        cs: ConstraintSystemRef<F>,
        t: &F,
    ) -> Result<(Vec<F>, Vec<F>, Vec<F>, F, usize, usize), SynthesisError> {
        // The A, B, C and IC queries are the same in both reductions; only H differs.
        LibsnarkReduction::instance_map_with_evaluation::<F, D>(cs, t)
    }

    fn witness_map_from_matrices<F: PrimeField, D: EvaluationDomain<F>>(
        matrices: &[Matrix<F>],
        num_inputs: usize,
        num_constraints: usize,
        full_assignment: &[F],
    ) -> Result<Vec<F>, SynthesisError> {
        let (mat_a, mat_b) = match matrices {
            [a, b, ..] if a.len() >= num_constraints && b.len() >= num_constraints => (a, b),
            _ => return Err(SynthesisError::ArityMismatch),
        };
        if full_assignment.len() < num_inputs {
            return Err(SynthesisError::AssignmentMissing);
        }
        let domain =
            D::new(num_constraints + num_inputs).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let n = domain.size();
        let mut a = vec![F::zero(); n];
        let mut b = vec![F::zero(); n];
        a[..num_constraints]
            .par_iter_mut()
            .zip(b[..num_constraints].par_iter_mut())
            .zip(
                mat_a[..num_constraints]
                    .par_iter()
                    .zip(&mat_b[..num_constraints]),
            )
            .for_each(|((a_i, b_i), (row_a, row_b))| {
                *a_i = evaluate_constraint(row_a, full_assignment);
                *b_i = evaluate_constraint(row_b, full_assignment);
            });
        // snarkjs' extra rows binding the public inputs: A = input, B = C = 0.
        a[num_constraints..num_constraints + num_inputs]
            .copy_from_slice(&full_assignment[..num_inputs]);
        // C agrees with A·B on the domain for a satisfying witness; snarkjs uses A·B too.
        let mut c: Vec<F> = a.par_iter().zip(&b).map(|(x, y)| *x * y).collect();

        let shift = D::new(2 * n)
            .ok_or(SynthesisError::PolynomialDegreeTooLarge)?
            .group_gen();
        let odd = domain
            .get_coset(shift)
            .ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        for v in [&mut a, &mut b, &mut c] {
            domain.ifft_in_place(v);
            odd.fft_in_place(v);
        }
        a.par_iter_mut()
            .zip(&b)
            .zip(&c)
            .for_each(|((a_i, b_i), c_i)| *a_i = *a_i * b_i - c_i);
        Ok(a)
    }

    fn h_query_scalars<F: PrimeField, D: EvaluationDomain<F>>(
        max_power: usize,
        t: F,
        _zt: F,
        delta_inverse: F,
    ) -> Result<Vec<F>, SynthesisError> {
        // `max_power` is n − 1; the H query has n points, L_{2i+1}(τ)/δ over the 2n domain.
        let double = D::new(2 * (max_power + 1)).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let lagrange = double.evaluate_all_lagrange_coefficients(t);
        Ok(lagrange
            .into_iter()
            .skip(1)
            .step_by(2)
            .map(|l| l * delta_inverse)
            .collect())
    }
}
