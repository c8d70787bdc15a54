//! Setup, proving, verification and encodings without external tools.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use ark_bn254::{Bn254, Fq2, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_groth16::Groth16;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use cairn_groth16::*;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use std::sync::OnceLock;

const ROUNDS: usize = 1000; // 2001 constraints

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::from_seed([42; 32])
}

fn circuit(y: u64) -> ExampleCircuit {
    ExampleCircuit {
        y: Some(Fr::from(y)),
        rounds: ROUNDS,
    }
}

fn input(y: u64) -> Fr {
    ExampleCircuit::public_input(Fr::from(y), ROUNDS)
}

/// Development keys for the 1000-round circuit, made once.
fn keys() -> &'static Groth16Keys {
    static KEYS: OnceLock<Groth16Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        dev_setup(
            ExampleCircuit {
                y: None,
                rounds: ROUNDS,
            },
            [1; 32],
        )
        .unwrap()
    })
}

/// A proof for y = 3, made once.
fn proof() -> &'static Groth16Proof {
    static PROOF: OnceLock<Groth16Proof> = OnceLock::new();
    PROOF.get_or_init(|| prove(keys(), circuit(3), &mut rng()).unwrap())
}

#[test]
fn dev_keys_are_flagged_and_deterministic() {
    let k = keys();
    assert!(k.insecure_dev_setup);
    assert_eq!(k.reduction, QapReduction::Libsnark);
    assert_eq!(k.security_warning(), Some(INSECURE_DEV_SETUP_WARNING));
    let small = |seed| dev_setup(ExampleCircuit { y: None, rounds: 4 }, seed).unwrap();
    let (a, b, c) = (small([9; 32]), small([9; 32]), small([8; 32]));
    assert_eq!(vk_hash(&a.verifying_key()), vk_hash(&b.verifying_key()));
    assert_ne!(vk_hash(&a.verifying_key()), vk_hash(&c.verifying_key()));
    assert_eq!(
        selector(&a.verifying_key()),
        vk_hash(&a.verifying_key())[..4]
    );
}

#[test]
fn proves_and_verifies() {
    let vk = keys().verifying_key();
    verify(&vk, proof(), input(3)).unwrap();
    // Fresh blinding gives a different proof of the same statement.
    let other = prove(keys(), circuit(3), &mut ChaCha20Rng::from_seed([7; 32])).unwrap();
    assert_ne!(&other, proof());
    verify(&vk, &other, input(3)).unwrap();
}

#[test]
fn rejects_wrong_input_tampering_and_other_keys() {
    let vk = keys().verifying_key();
    assert!(matches!(
        verify(&vk, proof(), input(4)),
        Err(Groth16Error::InvalidProof)
    ));
    let mut bad = proof().clone();
    bad.0.a = (bad.0.a + G1Affine::generator()).into_affine();
    assert!(matches!(
        verify(&vk, &bad, input(3)),
        Err(Groth16Error::InvalidProof)
    ));
    let mut swapped = proof().clone();
    std::mem::swap(&mut swapped.0.a, &mut swapped.0.c);
    assert!(matches!(
        verify(&vk, &swapped, input(3)),
        Err(Groth16Error::InvalidProof)
    ));
    let other = dev_setup(
        ExampleCircuit {
            y: None,
            rounds: ROUNDS,
        },
        [2; 32],
    )
    .unwrap();
    assert!(matches!(
        verify(&other.verifying_key(), proof(), input(3)),
        Err(Groth16Error::InvalidProof)
    ));
    // A point outside the subgroup is malformed, not merely invalid.
    let mut off = proof().clone();
    off.0.b = off_subgroup_g2();
    assert!(matches!(
        verify(&vk, &off, input(3)),
        Err(Groth16Error::MalformedProof(
            EncodingError::NotInSubgroup { .. }
        ))
    ));
}

/// A point on the G2 twist outside the prime-order subgroup.
fn off_subgroup_g2() -> G2Affine {
    (1u64..)
        .find_map(|x| G2Affine::get_point_from_x_unchecked(Fq2::from(x), false))
        .filter(|p| !p.is_in_correct_subgroup_assuming_on_curve())
        .unwrap()
}

/// y given, x declared as `wrong`: the witness does not satisfy the binding constraint.
struct WrongInput;

impl ConstraintSynthesizer<Fr> for WrongInput {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let x = cs.new_input_variable(|| Ok(Fr::from(7u64)))?;
        let y = cs.new_witness_variable(|| Ok(Fr::from(2u64)))?;
        cs.enforce_r1cs_constraint(|| y.into(), || y.into(), || x.into())
    }
}

/// A circuit with `n` public inputs.
struct Inputs(usize);

impl ConstraintSynthesizer<Fr> for Inputs {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let y = cs.new_witness_variable(|| Ok(Fr::from(2u64)))?;
        for _ in 0..self.0 {
            let x = cs.new_input_variable(|| Ok(Fr::from(4u64)))?;
            cs.enforce_r1cs_constraint(|| y.into(), || y.into(), || x.into())?;
        }
        Ok(())
    }
}

#[test]
fn rejects_unsupported_circuits_and_bad_witnesses() {
    for n in [0, 2] {
        let found = |r: Result<_, Groth16Error>| matches!(r, Err(Groth16Error::PublicInputCount { found }) if found == n);
        assert!(found(dev_setup(Inputs(n), [0; 32]).map(|_| ())));
        assert!(found(export_r1cs(Inputs(n), Vec::new()).map(|_| ())));
        assert!(found(prove(keys(), Inputs(n), &mut rng()).map(|_| ())));
    }
    let small = dev_setup(WrongInput, [0; 32]).unwrap();
    assert!(matches!(
        prove(&small, WrongInput, &mut rng()),
        Err(Groth16Error::Unsatisfied(_))
    ));
    let other_shape = ExampleCircuit {
        y: Some(Fr::from(3u64)),
        rounds: ROUNDS + 1,
    };
    assert!(matches!(
        prove(keys(), other_shape, &mut rng()),
        Err(Groth16Error::KeyMismatch(_))
    ));
}

#[test]
fn proof_bytes_round_trip_and_errors() {
    let vk = keys().verifying_key();
    let sel = selector(&vk);
    let bytes = proof_bytes(proof(), sel);
    assert_eq!(bytes.len(), 260);
    assert_eq!(bytes[..4], sel);
    assert_eq!(&parse_proof_bytes(&bytes, sel).unwrap(), proof());
    let malformed = |b: &[u8]| match parse_proof_bytes(b, sel) {
        Err(Groth16Error::MalformedProof(e)) => e,
        other => panic!("expected MalformedProof, got {other:?}"),
    };
    assert!(matches!(
        malformed(&bytes[..259]),
        EncodingError::WrongLength { expected: 260, .. }
    ));
    let mut wrong_sel = bytes.clone();
    wrong_sel[0] ^= 1;
    assert!(matches!(
        malformed(&wrong_sel),
        EncodingError::WrongSelector { .. }
    ));
    let mut off_curve = bytes.clone();
    off_curve[4 + 63] ^= 1; // A.y
    assert!(matches!(
        malformed(&off_curve),
        EncodingError::NotOnCurve { what: "proof.A" }
    ));
    let mut big = bytes.clone();
    big[4 + 64 + 128..4 + 64 + 128 + 32].fill(0xff); // C.x ≥ p
    assert!(matches!(
        malformed(&big),
        EncodingError::CoordinateOutOfRange { what: "proof.C" }
    ));
    let mut sub = bytes.clone();
    sub[4 + 64..4 + 192].copy_from_slice(&g2_to_evm(&off_subgroup_g2()));
    assert!(matches!(
        malformed(&sub),
        EncodingError::NotInSubgroup { what: "proof.B" }
    ));
    // Layout: A = x ‖ y, B = x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0, C = x ‖ y.
    let p = &proof().0;
    assert_eq!(bytes[4..36], fq_to_be(&p.a.x));
    assert_eq!(bytes[68..100], fq_to_be(&p.b.x.c1));
    assert_eq!(bytes[100..132], fq_to_be(&p.b.x.c0));
    assert_eq!(bytes[228..260], fq_to_be(&p.c.y));
}

#[test]
fn vk_hash_is_sha256_of_the_evm_encoding() {
    use sha2::{Digest, Sha256};
    let vk = keys().verifying_key();
    let enc = vk.to_evm_bytes();
    assert_eq!(enc.len(), 64 + 3 * 128 + 2 * 64);
    assert_eq!(enc[..64], g1_to_evm(&vk.0.alpha_g1));
    assert_eq!(
        enc[64 + 3 * 128..64 + 3 * 128 + 64],
        g1_to_evm(&vk.0.gamma_abc_g1[0])
    );
    assert_eq!(vk_hash(&vk), <[u8; 32]>::from(Sha256::digest(&enc)));
    assert_eq!(Groth16VerifyingKey::from_evm_bytes(&enc).unwrap(), vk);
}

#[test]
fn json_and_serde_forms_round_trip() {
    let vk = keys().verifying_key();
    let json = Groth16ProofJson::new(&vk, proof(), input(3));
    let text = serde_json::to_string(&json).unwrap();
    assert!(text.contains("\"publicInput\":\"0x"));
    let back: Groth16ProofJson = serde_json::from_str(&text).unwrap();
    assert_eq!(back.decode(&vk).unwrap(), (proof().clone(), input(3)));
    let other = dev_setup(ExampleCircuit { y: None, rounds: 4 }, [3; 32])
        .unwrap()
        .verifying_key();
    assert!(matches!(
        back.decode(&other),
        Err(Groth16Error::MalformedProof(
            EncodingError::WrongVerifierHash { .. }
        ))
    ));
    let mut big = back.clone();
    big.public_input = format!("0x{}", "ff".repeat(32));
    assert!(matches!(
        big.decode(&vk),
        Err(Groth16Error::MalformedPublicInput(_))
    ));

    let p: Groth16Proof = postcard::from_bytes(&postcard::to_allocvec(proof()).unwrap()).unwrap();
    assert_eq!(&p, proof());
    let v: Groth16VerifyingKey =
        serde_json::from_str(&serde_json::to_string(&vk).unwrap()).unwrap();
    assert_eq!(v, vk);
    let k: Groth16Keys = postcard::from_bytes(&postcard::to_allocvec(keys()).unwrap()).unwrap();
    assert_eq!(&k, keys());
    let mut bad_key = postcard::to_allocvec(keys()).unwrap();
    let at = bad_key.len() - 100; // inside the L query, whose points are all finite
    bad_key[at] ^= 0x10;
    assert!(postcard::from_bytes::<Groth16Keys>(&bad_key).is_err());
    let mut corrupt = postcard::to_allocvec(proof()).unwrap();
    corrupt[1 + 63] ^= 1;
    assert!(postcard::from_bytes::<Groth16Proof>(&corrupt).is_err());
}

#[test]
fn snarkjs_json_round_trips() {
    let vk = keys().verifying_key();
    assert_eq!(from_snarkjs_vk_json(&to_snarkjs_vk_json(&vk)).unwrap(), vk);
    // vk_alphabeta_12 may be left out, but when present it must be e(alpha, beta).
    let mut v: serde_json::Value = serde_json::from_str(&to_snarkjs_vk_json(&vk)).unwrap();
    v["vk_alphabeta_12"][0][0][0] = serde_json::json!("1");
    let err = from_snarkjs_vk_json(&v.to_string()).unwrap_err();
    assert!(
        err.to_string().contains("vk_alphabeta_12 is not e(vk_alpha_1, vk_beta_2)"),
        "{err}"
    );
    v.as_object_mut().unwrap().remove("vk_alphabeta_12");
    assert_eq!(from_snarkjs_vk_json(&v.to_string()).unwrap(), vk);
    assert_eq!(
        &from_snarkjs_proof_json(&to_snarkjs_proof_json(proof())).unwrap(),
        proof()
    );
    assert_eq!(
        from_snarkjs_public_json(&to_snarkjs_public_json(input(3))).unwrap(),
        input(3)
    );
    let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
    assert!(matches!(
        from_snarkjs_public_json(&format!("[\"{r}\"]")),
        Err(Groth16Error::MalformedPublicInput(
            EncodingError::ScalarOutOfRange { .. }
        ))
    ));
    let v: serde_json::Value = serde_json::from_str(&to_snarkjs_proof_json(proof())).unwrap();
    assert_eq!(v["pi_a"][2], "1");
    assert_eq!(v["pi_b"][2], serde_json::json!(["1", "0"]));
    assert_eq!(v["pi_b"][0][0], proof().0.b.x.c0.to_string());
}

/// The snarkjs reduction, checked natively: setup and prove with it.
#[test]
fn circom_reduction_proves_natively() {
    let c = |y: Option<u64>| ExampleCircuit {
        y: y.map(Fr::from),
        rounds: 100,
    };
    let pk = Groth16::<Bn254, CircomReduction>::generate_random_parameters_with_reduction(
        c(None),
        &mut rng(),
    )
    .unwrap();
    let keys = Groth16Keys {
        insecure_dev_setup: true,
        reduction: QapReduction::Circom,
        pk,
    };
    let proof = prove(&keys, c(Some(5)), &mut rng()).unwrap();
    let x = ExampleCircuit::public_input(Fr::from(5u64), 100);
    verify(&keys.verifying_key(), &proof, x).unwrap();
    // The same key with the wrong reduction fails (the H query lengths differ).
    let wrong = Groth16Keys {
        reduction: QapReduction::Libsnark,
        ..keys
    };
    assert!(matches!(
        prove(&wrong, c(Some(5)), &mut rng()),
        Err(Groth16Error::KeyMismatch(_))
    ));
}

#[test]
fn r1cs_export_header() {
    let mut out = Vec::new();
    let info = export_r1cs(
        ExampleCircuit {
            y: None,
            rounds: 10,
        },
        &mut out,
    )
    .unwrap();
    assert_eq!(info.num_constraints, 21);
    assert_eq!((info.num_instance, info.num_witness), (2, 21)); // y, then sq and next per round
    let u32_at = |at: usize| u32::from_le_bytes(out[at..at + 4].try_into().unwrap());
    assert_eq!(&out[..4], b"r1cs");
    assert_eq!((u32_at(4), u32_at(8), u32_at(12)), (1, 3, 1));
    // Header: n8, prime, nWires, nPubOut, nPubIn, nPrvIn, nLabels (u64), mConstraints.
    let h = 24;
    assert_eq!(u32_at(h), 32);
    assert_eq!(hex::encode(&out[h + 4..h + 36]), {
        let mut p = fr_to_be(&(-Fr::from(1u64)));
        p[31] += 1;
        p.reverse();
        hex::encode(p)
    });
    assert_eq!(
        [
            u32_at(h + 36),
            u32_at(h + 40),
            u32_at(h + 44),
            u32_at(h + 48)
        ],
        [23, 0, 1, 0]
    );
    assert_eq!(u32_at(h + 60), 21);
    let mut wtns = Vec::new();
    export_wtns(
        ExampleCircuit {
            y: Some(Fr::from(2u64)),
            rounds: 10,
        },
        &mut wtns,
    )
    .unwrap();
    assert_eq!(wtns.len(), 12 + 12 + 40 + 12 + 23 * 32);
}

/// A circuit written with ark-r1cs-std gadgets (symbolic linear combinations everywhere).
struct GadgetCircuit(Option<Fr>);

impl ConstraintSynthesizer<Fr> for GadgetCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
        let x_value = self.0.map(|y| y * y * y + y + Fr::from(5u64));
        let x = FpVar::new_input(cs.clone(), || {
            x_value.ok_or(SynthesisError::AssignmentMissing)
        })?;
        let y = FpVar::new_witness(cs, || self.0.ok_or(SynthesisError::AssignmentMissing))?;
        let lhs = &y * &y * &y + &y + FpVar::constant(Fr::from(5u64));
        lhs.enforce_equal(&x)
    }
}

#[test]
fn gadget_circuits_prove_and_export() {
    let keys = dev_setup(GadgetCircuit(None), [5; 32]).unwrap();
    let y = Fr::from(11u64);
    let proof = prove(&keys, GadgetCircuit(Some(y)), &mut rng()).unwrap();
    verify(
        &keys.verifying_key(),
        &proof,
        y * y * y + y + Fr::from(5u64),
    )
    .unwrap();
    let info = export_r1cs(GadgetCircuit(None), Vec::new()).unwrap();
    assert_eq!(info.num_instance, 2);
}

#[test]
fn r1cs_digest_is_the_hash_of_the_exported_file_and_tracks_the_circuit() {
    use sha2::{Digest, Sha256};
    let circuit = |rounds| ExampleCircuit { y: None, rounds };
    let mut out = Vec::new();
    export_r1cs(circuit(10), &mut out).unwrap();
    let (digest, info) = r1cs_digest(circuit(10)).unwrap();
    assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(&out)));
    assert_eq!(info.num_constraints, 21);
    // The witness does not change the circuit; its structure does.
    let with_witness = ExampleCircuit { y: Some(Fr::from(3u64)), rounds: 10 };
    assert_eq!(r1cs_digest(with_witness).unwrap().0, digest);
    assert_ne!(r1cs_digest(circuit(11)).unwrap().0, digest);
}

/// A development key is recognised from its own points, for its seed only; the same circuit's
/// key from another seed is not.
#[test]
fn development_keys_are_recognised_from_the_key() {
    let vk = keys().verifying_key();
    assert!(is_dev_verifying_key(&vk, [1; 32]));
    assert!(!is_dev_verifying_key(&vk, [2; 32]));
    let mut other = vk.clone();
    other.0.alpha_g1 = (other.0.alpha_g1 * ark_bn254::Fr::from(2u64)).into_affine();
    assert!(!is_dev_verifying_key(&other, [1; 32]));
}
