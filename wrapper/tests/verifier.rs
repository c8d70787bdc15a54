//! The complete verifier circuit on a real outer TEST-profile proof of the fibonacci guest:
//! the native backend accepts it and computes the SNARK public input the SDK's program vkey and
//! digest give; tampering with any kind of value fails; the R1CS is satisfied and its structure
//! does not depend on the values. Run with `--nocapture` for constraint counts and timings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::sync::OnceLock;
use std::time::Instant;

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSystem, SynthesisMode};
use cairn_machine::{Claim, Machine};
use cairn_sdk::Profile;
use cairn_stark::{ProofBody, Val};
use cairn_wrapper::circuit::{constraint_counts, StarkVerifierCircuit};
use cairn_wrapper::verifier::{program_vkey_gadget, verify_stark};
use cairn_wrapper::witness::{generate, StarkWitness, VerifierShape};
use cairn_wrapper::tamper::edits;
use cairn_wrapper::{field, identity, CircuitBuilder, NativeBuilder, Section};

struct Fixture {
    shape: VerifierShape,
    witness: StarkWitness,
    program_vkey: [u8; 32],
    digest: [u8; 32],
    airs: Vec<cairn_machine::CairnAir>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let start = Instant::now();
        let (pk, vk, proof) = common::fibonacci_outer_proof(Profile::TEST, 10);
        let digest = proof.public_values_digest();
        let program_vkey = vk.program_vkey().unwrap();
        assert_eq!(program_vkey, proof.program_vkey);
        let claim = Claim { start_pc: vk.program.entry, exit_code: 0, digest };
        let public_values: Vec<Vec<Val>> = Machine::public_values(&claim);
        let airs = pk.machine.airs().to_vec();
        let ProofBody::Outer(bp) = proof.stark.body else { panic!("not an outer proof") };
        println!("proved in {:.1?}", start.elapsed());
        let start = Instant::now();
        let (shape, witness) = generate(&airs, &bp, &public_values, &Profile::TEST).unwrap();
        println!("shape and witness in {:.1?}", start.elapsed());
        Fixture { shape, witness, program_vkey, digest, airs }
    })
}

fn native(shape: &VerifierShape, w: &StarkWitness) -> (NativeBuilder, Option<Fr>) {
    let mut b = NativeBuilder::new();
    let public = verify_stark(&mut b, shape, Some(w)).unwrap();
    let value = b.value(&public);
    (b, value)
}

#[test]
fn honest_proof_passes_natively_with_the_sdk_public_input() {
    let fx = fixture();
    let start = Instant::now();
    let (b, public) = native(&fx.shape, &fx.witness);
    println!("native verifier in {:.1?}; assertions {:?}", start.elapsed(), b.assertion_counts());
    b.finish().unwrap();
    let expected = identity::public_input_fr(&fx.program_vkey, &fx.digest);
    assert_eq!(public, Some(expected));
    assert_eq!(b.public(), Some(expected));
}

#[test]
fn in_circuit_program_vkey_equals_the_sdk() {
    let fx = fixture();
    let mut b = NativeBuilder::new();
    let root = b.witness(Some(fx.witness.preprocessed[0]));
    let pc = field::witness(&mut b, Some(fx.witness.start_pc));
    let vkey = program_vkey_gadget(&mut b, &fx.shape, &root, &pc);
    b.finish().unwrap();
    let bytes: Vec<u8> = vkey.iter().map(|v| u8::try_from(b.value(v).unwrap().into_bigint_u64()).unwrap()).collect();
    assert_eq!(bytes, fx.program_vkey.to_vec());
}

trait LowU64 {
    fn into_bigint_u64(self) -> u64;
}
impl LowU64 for Fr {
    fn into_bigint_u64(self) -> u64 {
        use ark_ff::PrimeField;
        self.into_bigint().as_ref()[0]
    }
}

#[test]
fn tampering_fails_natively() {
    let fx = fixture();
    for (what, edit) in edits(&fx.witness) {
        let mut w = fx.witness.clone();
        edit(&mut w);
        assert_ne!(w, fx.witness, "{what}: the edit changed nothing");
        let (b, public) = native(&fx.shape, &w);
        let changed_input = public != Some(identity::public_input_fr(&fx.program_vkey, &fx.digest));
        // The digest and start pc edits are accepted as *another* statement only if the proof
        // binds them: they must fail the STARK check, not just change the public input.
        assert!(b.finish().is_err(), "{what}: accepted (public input changed: {changed_input})");
    }
}

/// The same edits on the R1CS backend: the constraint system Groth16 proves (linear
/// combinations inlined, as the prover sees it) is unsatisfied, as the native backend says.
#[test]
fn tampering_leaves_the_r1cs_unsatisfied() {
    let fx = fixture();
    let start = Instant::now();
    let edits = edits(&fx.witness);
    for (what, edit) in &edits {
        let mut w = fx.witness.clone();
        edit(&mut w);
        let circuit = StarkVerifierCircuit::new(fx.shape.clone(), Some(w));
        let result = cairn_groth16::check_satisfied(circuit);
        assert!(
            matches!(result, Err(cairn_groth16::Groth16Error::Unsatisfied(_))),
            "{what}: the R1CS is satisfied ({result:?})"
        );
    }
    println!("{} tampered R1CS checked in {:.1?}", edits.len(), start.elapsed());
}

#[test]
fn malformed_witness_is_an_error() {
    let fx = fixture();
    let mut w = fx.witness.clone();
    w.opened[0].trace_local.pop();
    let mut b = NativeBuilder::new();
    assert!(verify_stark(&mut b, &fx.shape, Some(&w)).is_err());
    let mut w = fx.witness.clone();
    w.queries.pop();
    assert!(verify_stark(&mut b, &fx.shape, Some(&w)).is_err());
    let mut w = fx.witness.clone();
    w.queries[0].folds[1].path.pop();
    assert!(verify_stark(&mut b, &fx.shape, Some(&w)).is_err());
    let mut w = fx.witness.clone();
    w.queries[1].inputs[2].path.push(Fr::from(0u64));
    assert!(verify_stark(&mut b, &fx.shape, Some(&w)).is_err());
}

fn report(name: &str, total: usize, sections: &std::collections::BTreeMap<Section, usize>) {
    println!("{name}: {total} R1CS constraints");
    for s in Section::ALL {
        println!("  {s:?}: {}", sections.get(&s).copied().unwrap_or(0));
    }
}

#[test]
fn honest_proof_satisfies_r1cs_and_shape_only_matches() {
    let fx = fixture();
    let start = Instant::now();
    let cs = ConstraintSystem::<Fr>::new_ref();
    let sections = StarkVerifierCircuit::new(fx.shape.clone(), Some(fx.witness.clone())).build(cs.clone()).unwrap();
    let built = start.elapsed();
    let start = Instant::now();
    assert!(cs.is_satisfied().unwrap());
    println!("R1CS built in {built:.1?}, checked in {:.1?}", start.elapsed());
    // The fast matrix check agrees with arkworks' on the honest witness.
    cairn_groth16::check_satisfied(StarkVerifierCircuit::new(fx.shape.clone(), Some(fx.witness.clone()))).unwrap();
    report("TEST", cs.num_constraints(), &sections);
    assert_eq!(cs.num_instance_variables(), 2, "one public input (plus the constant 1)");
    let (total, setup_sections) = constraint_counts(&fx.shape).unwrap();
    assert_eq!((total, setup_sections), (cs.num_constraints(), sections));
}

#[test]
fn key_generation_mode_builds_without_values() {
    let fx = fixture();
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Setup);
    StarkVerifierCircuit::new(fx.shape.clone(), None).build(cs).unwrap();
}

/// The PRODUCTION circuit's size for the same trace heights (raised to the profile's minimum),
/// counted in setup mode.
#[test]
#[ignore = "prints the PRODUCTION-size count (5.4 M constraints, ~20 s, 1 GB); run with --ignored"]
fn production_constraint_counts() {
    let fx = fixture();
    let p = Profile::PRODUCTION;
    let bits: Vec<usize> = fx.shape.degree_bits.iter().map(|&d| d.max(p.min_log_height())).collect();
    let shape = VerifierShape::new(&fx.airs, &p, &bits).unwrap();
    let start = Instant::now();
    let (total, sections) = constraint_counts(&shape).unwrap();
    println!("built in {:.1?}", start.elapsed());
    report("PRODUCTION", total, &sections);
}

/// Groth16 end to end through `cairn_groth16` (dev setup).
#[test]
#[ignore = "Groth16 of the 852 k-constraint TEST circuit: setup 26 s, prove 26 s, 2 GB peak on 2 cores; run with --ignored"]
fn groth16_end_to_end() {
    let fx = fixture();
    let start = Instant::now();
    let keys = cairn_groth16::dev_setup(StarkVerifierCircuit::new(fx.shape.clone(), None), [7; 32]).unwrap();
    println!("dev setup in {:.1?}", start.elapsed());
    let start = Instant::now();
    let circuit = StarkVerifierCircuit::new(fx.shape.clone(), Some(fx.witness.clone()));
    let mut rng = <rand_chacha::ChaCha20Rng as rand_chacha::rand_core::SeedableRng>::from_seed([42; 32]);
    let proof = cairn_groth16::prove(&keys, circuit, &mut rng).unwrap();
    println!("prove in {:.1?}", start.elapsed());
    let public = identity::public_input_fr(&fx.program_vkey, &fx.digest);
    cairn_groth16::verify(&keys.verifying_key(), &proof, public).unwrap();
    let wrong = public + Fr::from(1u64);
    assert!(cairn_groth16::verify(&keys.verifying_key(), &proof, wrong).is_err());
}
