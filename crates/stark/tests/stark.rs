//! Prove/verify of a three-table LogUp batch in both configurations, tampering, envelope and
//! shape errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::sync::OnceLock;
use std::time::Instant;

use cairn_stark::{
    preprocessed_commitment, prove, read_proof, security_shape, verify, write_proof, ConfigId,
    Profile, ProofBody, ProveError, SecurityShape, ShapeError, StarkProof, Val, VerifyError,
};
use common::{witness, TestAir, AIRS};
use p3_field::PrimeCharacteristicRing;

const LOG_USER: usize = 6;
const PADDING: usize = 5;

fn public_values() -> Vec<Vec<Val>> {
    witness(LOG_USER, PADDING).public_values
}

fn make_proof(config: ConfigId) -> StarkProof {
    let w = witness(LOG_USER, PADDING);
    prove(config, &Profile::TEST, &AIRS, w.traces, &w.public_values).expect("honest proof")
}

/// One honest proof per configuration, serialised (`BatchProof` is not `Clone`).
fn proof_bytes(config: ConfigId) -> &'static [u8] {
    static INNER: OnceLock<Vec<u8>> = OnceLock::new();
    static OUTER: OnceLock<Vec<u8>> = OnceLock::new();
    let cell = match config {
        ConfigId::Inner => &INNER,
        ConfigId::Outer => &OUTER,
    };
    cell.get_or_init(|| make_proof(config).to_bytes().unwrap())
}

fn fresh(config: ConfigId) -> StarkProof {
    StarkProof::from_bytes(proof_bytes(config)).unwrap()
}

fn check(proof: &StarkProof, pvs: &[Vec<Val>]) -> Result<(), VerifyError> {
    verify(proof, &AIRS, pvs, (proof.config, &Profile::TEST))
}

/// Applies the same edit to either body type.
macro_rules! edit_body {
    ($proof:expr, |$p:ident| $edit:expr) => {
        match &mut $proof.body {
            ProofBody::Inner($p) => $edit,
            ProofBody::Outer($p) => $edit,
        }
    };
}

#[test]
fn prove_and_verify_both_configs() {
    for config in ConfigId::ALL {
        let w = witness(LOG_USER, PADDING);
        let t = Instant::now();
        let proof = prove(config, &Profile::TEST, &AIRS, w.traces, &w.public_values).unwrap();
        let prove_time = t.elapsed();
        let t = Instant::now();
        check(&proof, &w.public_values).unwrap();
        let verify_time = t.elapsed();
        let file = write_proof(&proof).unwrap();
        println!(
            "{config}: heights 2^{LOG_USER}/2^8/2^8, prove {prove_time:?}, verify {verify_time:?}, file {} bytes",
            file.len()
        );
        let (header, back) = read_proof(&file).unwrap();
        assert_eq!((header.config, header.profile), (config, Profile::TEST));
        check(&back, &w.public_values).unwrap();
    }
}

#[test]
fn tampered_proofs_are_rejected() {
    let pvs = public_values();
    for config in ConfigId::ALL {
        type Edit = fn(&mut StarkProof);
        let edits: [(&str, Edit); 12] = [
            ("opened trace value", |p| {
                edit_body!(p, |b| b.opened_values.instances[0]
                    .base_opened_values
                    .trace_local[1] += Val::ONE)
            }),
            ("opened quotient chunk", |p| {
                edit_body!(p, |b| b.opened_values.instances[1]
                    .base_opened_values
                    .quotient_chunks[0][0] += Val::ONE)
            }),
            ("opened permutation value", |p| {
                edit_body!(p, |b| b.opened_values.instances[2].permutation_local[0] +=
                    Val::ONE)
            }),
            ("main commitment", |p| {
                edit_body!(p, |b| b.commitments.main =
                    b.commitments.quotient_chunks.clone())
            }),
            ("FRI commit-phase commitment", |p| {
                edit_body!(p, |b| b.opening_proof.commit_phase_commits[0] =
                    b.commitments.main.clone())
            }),
            ("FRI final polynomial", |p| {
                edit_body!(p, |b| b.opening_proof.final_poly[0] += Val::ONE)
            }),
            ("FRI query opening (Merkle leaf)", |p| {
                edit_body!(p, |b| b.opening_proof.input_openings[0].opened_values[0]
                    [0][0] += Val::ONE)
            }),
            ("FRI commit-phase sibling", |p| {
                edit_body!(p, |b| b.opening_proof.commit_phase_openings[0]
                    .sibling_values[0][0] += Val::ONE)
            }),
            ("query PoW witness", |p| {
                edit_body!(p, |b| b.opening_proof.query_pow_witness += Val::ONE)
            }),
            ("OOD PoW witness", |p| {
                edit_body!(p, |b| b.ood_pow_witness += Val::ONE)
            }),
            ("lookup PoW witness", |p| {
                edit_body!(p, |b| *b.lookup_pow_witness.as_mut().unwrap() += Val::ONE)
            }),
            ("lookup terminal", |p| {
                edit_body!(p, |b| b.lookup_terminals[0].as_mut().unwrap().0 += Val::ONE)
            }),
        ];
        for (what, edit) in edits {
            let mut proof = fresh(config);
            edit(&mut proof);
            match check(&proof, &pvs) {
                Err(VerifyError::Stark(e)) => println!("{config} {what}: {e:.120}"),
                other => panic!("{config} {what}: expected a STARK error, got {other:?}"),
            }
        }
        let mut bad_pvs = pvs.clone();
        bad_pvs[0][0] += Val::ONE;
        assert!(matches!(
            check(&fresh(config), &bad_pvs),
            Err(VerifyError::Stark(_))
        ));
    }
}

#[test]
fn wrong_profile_or_config_is_a_typed_error() {
    let pvs = public_values();
    let proof = fresh(ConfigId::Inner);
    let r = verify(&proof, &AIRS, &pvs, (ConfigId::Inner, &Profile::PRODUCTION));
    assert!(
        matches!(r, Err(VerifyError::WrongProfile { expected: "production", ref found }) if found == "test"),
        "{r:?}"
    );
    let r = verify(&proof, &AIRS, &pvs, (ConfigId::Outer, &Profile::TEST));
    assert!(
        matches!(
            r,
            Err(VerifyError::WrongConfig {
                expected: ConfigId::Outer,
                found: ConfigId::Inner
            })
        ),
        "{r:?}"
    );
    // An envelope that lies about the body.
    let mut lying = fresh(ConfigId::Inner);
    lying.config = ConfigId::Outer;
    let r = verify(&lying, &AIRS, &pvs, (ConfigId::Outer, &Profile::TEST));
    assert!(matches!(r, Err(VerifyError::Malformed(_))), "{r:?}");
    // A profile with other parameters but the same id fails in the transcript, not silently.
    let mut other = Profile::TEST;
    other.num_queries += 1;
    let r = verify(&proof, &AIRS, &pvs, (ConfigId::Inner, &other));
    assert!(matches!(r, Err(VerifyError::Stark(_))), "{r:?}");
}

#[test]
fn structurally_wrong_proofs_are_errors() {
    let pvs = public_values();
    for config in ConfigId::ALL {
        // Degree bits of the wrong length (envelope and body agree).
        let mut p = fresh(config);
        p.degree_bits.pop();
        edit_body!(p, |b| {
            b.degree_bits.pop();
        });
        let r = check(&p, &pvs);
        assert!(
            matches!(r, Err(VerifyError::Shape(ShapeError::Count { .. }))),
            "{r:?}"
        );
        // Absurd heights.
        for bits in [40, 27, usize::MAX] {
            let mut p = fresh(config);
            p.degree_bits[0] = bits;
            edit_body!(p, |b| b.degree_bits[0] = bits);
            let r = check(&p, &pvs);
            assert!(
                matches!(r, Err(VerifyError::Shape(ShapeError::Instance { .. }))),
                "{r:?}"
            );
        }
        // The preprocessed table claimed at another height.
        let mut p = fresh(config);
        p.degree_bits[2] = 9;
        edit_body!(p, |b| b.degree_bits[2] = 9);
        assert!(matches!(check(&p, &pvs), Err(VerifyError::Shape(_))));
        // Tiny heights for the tables without preprocessed columns.
        for bits in [0, 1] {
            let mut p = fresh(config);
            p.degree_bits[0] = bits;
            p.degree_bits[1] = bits;
            edit_body!(p, |b| {
                b.degree_bits[0] = bits;
                b.degree_bits[1] = bits;
            });
            assert!(matches!(check(&p, &pvs), Err(VerifyError::Stark(_))));
        }
        // A plausible height change for a table without preprocessed columns.
        let mut p = fresh(config);
        p.degree_bits[0] += 1;
        edit_body!(p, |b| b.degree_bits[0] += 1);
        assert!(matches!(check(&p, &pvs), Err(VerifyError::Stark(_))));
        // Envelope and body disagree.
        let mut p = fresh(config);
        p.degree_bits[0] += 1;
        assert!(matches!(check(&p, &pvs), Err(VerifyError::Malformed(_))));
        // Missing instance data in the body.
        let mut p = fresh(config);
        edit_body!(p, |b| {
            b.opened_values.instances.pop();
        });
        assert!(matches!(check(&p, &pvs), Err(VerifyError::Stark(_))));
        let mut p = fresh(config);
        edit_body!(p, |b| b.opening_proof.commit_phase_openings.clear());
        assert!(matches!(check(&p, &pvs), Err(VerifyError::Stark(_))));
        // Wrong public values or AIR count.
        let p = fresh(config);
        assert!(matches!(check(&p, &pvs[..2]), Err(VerifyError::Shape(_))));
        let mut long = pvs.clone();
        long[0].push(Val::ONE);
        assert!(matches!(check(&p, &long), Err(VerifyError::Shape(_))));
        let r = verify(&p, &AIRS[..2], &pvs[..2], (config, &Profile::TEST));
        assert!(matches!(r, Err(VerifyError::Shape(_))), "{r:?}");
        let r = verify(&p, &[] as &[TestAir], &[], (config, &Profile::TEST));
        assert!(
            matches!(r, Err(VerifyError::Shape(ShapeError::Empty))),
            "{r:?}"
        );
    }
}

#[test]
fn garbage_and_truncated_bytes_are_errors() {
    let bytes = proof_bytes(ConfigId::Inner);
    for len in (0..bytes.len()).step_by(97) {
        assert!(
            StarkProof::from_bytes(&bytes[..len]).is_err(),
            "prefix of {len} bytes decoded"
        );
    }
    let mut state = 0x1234_5678_u32;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    for len in [0, 1, 2, 10, 100, 4096] {
        assert!(StarkProof::from_bytes(&garbage[..len]).is_err());
        assert!(read_proof(&garbage[..len]).is_err());
    }
    let mut long = bytes.to_vec();
    long.push(0);
    assert!(
        StarkProof::from_bytes(&long).is_err(),
        "trailing byte accepted"
    );
}

/// Every single-byte change of a serialised proof either fails to decode or fails to verify.
#[test]
fn byte_flips_never_verify_or_panic() {
    let pvs = public_values();
    for (config, step) in [(ConfigId::Inner, 5), (ConfigId::Outer, 23)] {
        let bytes = proof_bytes(config);
        let (mut decoded, mut rejected) = (0, 0);
        for i in (0..bytes.len()).step_by(step) {
            let mut b = bytes.to_vec();
            b[i] ^= 1 << (i % 8);
            let Ok(p) = StarkProof::from_bytes(&b) else {
                rejected += 1;
                continue;
            };
            decoded += 1;
            assert!(
                check(&p, &pvs).is_err(),
                "{config}: flip at byte {i} verified"
            );
        }
        println!(
            "{config}: {} bytes, {decoded} flips decoded (all rejected), {rejected} undecodable",
            bytes.len()
        );
    }
}

#[test]
fn bad_prover_inputs_are_shape_errors() {
    let shape_err = |r: Result<StarkProof, ProveError>| matches!(r, Err(ProveError::Shape(_)));
    let w = witness(LOG_USER, PADDING);
    let p = &Profile::TEST;
    let c = ConfigId::Inner;
    assert!(shape_err(prove(
        c,
        p,
        &AIRS,
        w.traces[..2].to_vec(),
        &w.public_values
    )));
    assert!(shape_err(prove(
        c,
        p,
        &AIRS,
        w.traces.clone(),
        &w.public_values[..2]
    )));
    let mut swapped = w.traces.clone();
    swapped.swap(0, 1);
    assert!(shape_err(prove(c, p, &AIRS, swapped, &w.public_values)));
    let mut short = w.traces.clone();
    short[0].values.truncate(4 * 48);
    assert!(shape_err(prove(c, p, &AIRS, short, &w.public_values)));
    // The range table's preprocessed column has 256 rows.
    let mut small = w.traces.clone();
    small[2].values.truncate(128);
    assert!(shape_err(prove(c, p, &AIRS, small, &w.public_values)));
    let mut pvs = w.public_values.clone();
    pvs[1].push(Val::ONE);
    assert!(shape_err(prove(c, p, &AIRS, w.traces.clone(), &pvs)));
}

#[test]
fn preprocessed_commitment_is_canonical() {
    let bits = [LOG_USER, 8, 8];
    let inner = preprocessed_commitment(ConfigId::Inner, &Profile::TEST, &AIRS, &bits).unwrap();
    let outer = preprocessed_commitment(ConfigId::Outer, &Profile::TEST, &AIRS, &bits).unwrap();
    assert_eq!((inner.len(), outer.len()), (32, 32));
    assert!(outer[0] < 0x31, "BN254 element, big-endian");
    assert_eq!(
        inner,
        preprocessed_commitment(ConfigId::Inner, &Profile::TEST, &AIRS, &bits).unwrap()
    );
    // The commitment depends on the blowup.
    let prod =
        preprocessed_commitment(ConfigId::Inner, &Profile::PRODUCTION, &AIRS, &bits).unwrap();
    assert_ne!(inner, prod);
    // No preprocessed columns: empty.
    let none = preprocessed_commitment(ConfigId::Inner, &Profile::TEST, &AIRS[..2], &bits[..2]);
    assert_eq!(none.unwrap(), Vec::<u8>::new());
    // Wrong height for the preprocessed table.
    let r = preprocessed_commitment(ConfigId::Inner, &Profile::TEST, &AIRS, &[LOG_USER, 8, 9]);
    assert!(matches!(r, Err(ProveError::Shape(_))));
}

#[test]
fn security_of_the_test_batch() {
    let shape = security_shape(&AIRS, &[20, 16, 8]);
    println!("{shape:?}");
    assert_eq!(shape.log_trace_length, 20);
    assert_eq!(shape.num_interactions, 4);
    assert_eq!(shape.max_message_width, 2);
    let reference = SecurityShape::REPRESENTATIVE;
    for config in ConfigId::ALL {
        for profile in Profile::ALL {
            let e = profile.security(config, &shape);
            let r = profile.security(config, &reference);
            println!(
                "{config} {}: test batch {e:?}\n    representative {r:?}",
                profile.name
            );
        }
        let e = Profile::PRODUCTION.security(config, &shape);
        assert!(e.conjectured_bits >= 100.0, "{e:?}");
    }
}

/// Timings and sizes under the production profile (slow: `cargo test -- --ignored`).
#[test]
#[ignore]
fn production_profile_timings() {
    for log_user in [10, 16] {
        for config in ConfigId::ALL {
            let w = witness(log_user, 1000.min((1 << log_user) / 2));
            let t = Instant::now();
            let proof = prove(
                config,
                &Profile::PRODUCTION,
                &AIRS,
                w.traces,
                &w.public_values,
            )
            .unwrap();
            let prove_time = t.elapsed();
            let t = Instant::now();
            verify(
                &proof,
                &AIRS,
                &w.public_values,
                (config, &Profile::PRODUCTION),
            )
            .unwrap();
            println!(
                "production {config}: heights 2^{log_user}/2^8/2^8, prove {prove_time:?}, verify {:?}, proof {} bytes",
                t.elapsed(),
                proof.to_bytes().unwrap().len()
            );
        }
    }
}
