//! The PLONK circuit of a real outer TEST-profile fibonacci proof: it is satisfied (our row check
//! and halo2's mock prover), its layout does not depend on the values, and a wrong public input
//! or any tampered STARK witness leaves it unsatisfied. (Proving and verifying: the SDK's
//! `wrap_plonk` test.) Run with `--nocapture` for rows and timings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::OnceLock;
use std::time::Instant;

use cairn_plonk::{circuit_digest, required_k, synthesize, to_halo2, PlonkError};
use cairn_sdk::{ConfigId, Inputs, Profile, ProverClient};
use cairn_wrapper::tamper::edits;
use cairn_wrapper::witness::{StarkWitness, VerifierShape};
use cairn_wrapper::{identity, NativeBuilder};
use halo2_proofs::dev::MockProver;

struct Fixture {
    shape: VerifierShape,
    witness: StarkWitness,
    public: ark_bn254::Fr,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let client = ProverClient::new().with_config(ConfigId::Outer).with_profile(Profile::TEST);
        let elf = std::fs::read(cairn_build::build_example("fibonacci").unwrap()).unwrap();
        let (pk, _) = client.setup(&elf).unwrap();
        let vk = pk.prepared_vk().unwrap();
        let mut inputs = Inputs::new();
        inputs.write(&10u32).unwrap();
        let proof = client.prove(&pk, &inputs).unwrap();
        let circuit = client.wrap_circuit(&proof, &vk, true).unwrap();
        let public = identity::public_input_fr(&proof.program_vkey, &proof.public_values_digest());
        Fixture { shape: circuit.shape().clone(), witness: circuit.witness().unwrap().clone(), public }
    })
}

#[test]
fn honest_witness_satisfies_the_circuit() {
    let fx = fixture();
    let start = Instant::now();
    let s = synthesize(&fx.shape, Some(&fx.witness)).unwrap();
    println!("synthesized {} rows, {} copies in {:.1?}; per section {:?}", s.layout.rows.len(), s.layout.copies.len(), start.elapsed(), s.layout.sections);
    s.check().unwrap();
    assert_eq!(s.public, Some(fx.public));
    let blank = synthesize(&fx.shape, None).unwrap();
    assert_eq!(circuit_digest(&blank.layout), circuit_digest(&s.layout), "the layout depends on the values");

    let k = required_k(&s.layout);
    let start = Instant::now();
    let mock = MockProver::run(k, &s.circuit(), vec![vec![to_halo2(&fx.public)]]).unwrap();
    mock.verify_par().unwrap();
    let wrong = MockProver::run(k, &s.circuit(), vec![vec![to_halo2(&(fx.public + ark_bn254::Fr::from(1u64)))]]).unwrap();
    assert!(wrong.verify_par().is_err(), "the mock prover accepts a wrong public input");
    println!("mock prover (k = {k}) twice in {:.1?}", start.elapsed());

}

/// Every edit of the shared tamper list leaves the PLONK circuit unsatisfied (our row check),
/// as the native backend says; for a sample of them halo2's mock prover reports it too.
#[test]
fn tampered_stark_witnesses_are_unsatisfiable() {
    let fx = fixture();
    let start = Instant::now();
    let edits = edits(&fx.witness);
    let k = required_k(&synthesize(&fx.shape, None).unwrap().layout);
    for (i, (what, edit)) in edits.iter().enumerate() {
        let mut w = fx.witness.clone();
        edit(&mut w);
        assert_ne!(w, fx.witness, "{what}: the edit changed nothing");
        let mut native = NativeBuilder::new();
        let _ = cairn_wrapper::verifier::verify_stark(&mut native, &fx.shape, Some(&w));
        assert!(native.finish().is_err(), "{what}: the native backend accepts");
        let s = match synthesize(&fx.shape, Some(&w)) {
            Err(PlonkError::Circuit(_)) => continue,
            Err(e) => panic!("{what}: {e}"),
            Ok(s) => s,
        };
        assert!(matches!(s.check(), Err(PlonkError::Unsatisfied { .. })), "{what}: every row holds");
        if i % 8 == 0 {
            let public = s.public.unwrap_or_default();
            let mock = MockProver::run(k, &s.circuit(), vec![vec![to_halo2(&public)]]).unwrap();
            assert!(mock.verify_par().is_err(), "{what}: the mock prover is satisfied");
        }
    }
    println!("{} tampered witnesses checked in {:.1?}", edits.len(), start.elapsed());
}
