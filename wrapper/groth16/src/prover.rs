//! Proving and verifying.

use ark_bn254::{Bn254, Fr};
use ark_ff::UniformRand;
use ark_groth16::{prepare_verifying_key, r1cs_to_qap::LibsnarkReduction, Groth16};
use ark_relations::gr1cs::ConstraintSynthesizer;
use ark_std::rand::{CryptoRng, RngCore};

use crate::circuit::{first_unsatisfied, r1cs_matrices, synthesize};
use crate::{
    CircomReduction, Groth16Error, Groth16Keys, Groth16Proof, Groth16VerifyingKey, QapReduction,
};

/// Proves that the witness in `circuit` satisfies it, with the reduction `keys` were made for.
///
/// `rng` supplies the blinding factors (zero-knowledge only; soundness does not depend on it)
/// and must be a cryptographic RNG. Fails with [`Groth16Error::Unsatisfied`] on a bad witness
/// and [`Groth16Error::KeyMismatch`] when the keys were made for another circuit shape.
pub fn prove<C, R>(
    keys: &Groth16Keys,
    circuit: C,
    rng: &mut R,
) -> Result<Groth16Proof, Groth16Error>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    // The constraint system is dropped once its matrices and assignment are out: it holds as
    // much again, and the prover's own buffers come on top.
    let (matrices, assignment, info) = {
        let (cs, info) = synthesize(circuit, true)?;
        keys.check_shape(&info)?;
        let matrices = r1cs_matrices(&cs)?;
        let assignment = [cs.instance_assignment()?, cs.witness_assignment()?].concat();
        (matrices, assignment, info)
    };
    if let Some(i) = first_unsatisfied(&matrices, &assignment) {
        return Err(Groth16Error::Unsatisfied(format!("constraint {i}")));
    }
    let r = Fr::rand(rng);
    let s = Fr::rand(rng);
    let (pk, n_in, n_c) = (&keys.pk, info.num_instance, info.num_constraints);
    let proof = match keys.reduction {
        QapReduction::Libsnark => {
            Groth16::<Bn254, LibsnarkReduction>::create_proof_with_reduction_and_matrices(
                pk,
                r,
                s,
                &matrices,
                n_in,
                n_c,
                &assignment,
            )
        }
        QapReduction::Circom => {
            Groth16::<Bn254, CircomReduction>::create_proof_with_reduction_and_matrices(
                pk,
                r,
                s,
                &matrices,
                n_in,
                n_c,
                &assignment,
            )
        }
    }?;
    Ok(Groth16Proof(proof))
}

/// Verifies `proof` for `public_input` against `vk` (which must have exactly one input).
/// Points of the proof outside their subgroups give [`Groth16Error::MalformedProof`];
/// a well-formed proof that does not verify gives [`Groth16Error::InvalidProof`].
pub fn verify(
    vk: &Groth16VerifyingKey,
    proof: &Groth16Proof,
    public_input: Fr,
) -> Result<(), Groth16Error> {
    vk.check_one_input()?;
    proof.check_points().map_err(Groth16Error::MalformedProof)?;
    let pvk = prepare_verifying_key(&vk.0);
    match Groth16::<Bn254>::verify_proof(&pvk, &proof.0, &[public_input])? {
        true => Ok(()),
        false => Err(Groth16Error::InvalidProof),
    }
}
