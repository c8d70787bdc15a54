//! The SHA-256 gadget agrees with the `sha2` crate in both backends, rejects tampered inputs,
//! outputs and non-byte inputs, and the SNARK public input agrees natively and in-circuit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ark_bn254::Fr;
use ark_ff::{BigInteger, Field, PrimeField};
use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef, SynthesisMode};
use cairn_wrapper::identity::{
    assert_public_input, expose_public_input, public_input_fr, snark_public_input, snark_public_input_gadget,
};
use cairn_wrapper::sha256::{bytes_witness, sha256, BLOCK_CONSTRAINTS};
use cairn_wrapper::{CircuitBuilder, NativeBuilder, R1csBuilder, Section};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

const LENGTHS: [usize; 9] = [0, 1, 55, 56, 63, 64, 65, 119, 200];

fn reference(message: &[u8]) -> [u8; 32] {
    Sha256::digest(message).into()
}

fn byte_of(value: Option<Fr>) -> u8 {
    let v = value.unwrap();
    assert!(v < Fr::from(256u64), "not a byte: {v}");
    v.into_bigint().to_bytes_le()[0]
}

/// Hashes `message` and asserts the digest equals `expected`.
fn hash_and_check<B: CircuitBuilder>(b: &mut B, message: &[u8], expected: &[u8; 32]) -> [u8; 32] {
    let input = bytes_witness(b, Some(message), message.len());
    let out = sha256(b, &input);
    for (o, e) in out.iter().zip(expected) {
        let e = b.constant(Fr::from(u64::from(*e)));
        b.assert_eq(o, &e);
    }
    out.map(|o| byte_of(b.value(&o)))
}

fn native_ok(message: &[u8], expected: &[u8; 32]) -> bool {
    let mut native = NativeBuilder::new();
    hash_and_check(&mut native, message, expected);
    native.finish().is_ok()
}

fn r1cs_ok(message: &[u8], expected: &[u8; 32]) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    hash_and_check(&mut r1cs, message, expected);
    r1cs.finish().unwrap();
    cs.is_satisfied().unwrap()
}

fn message(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ 0x5a).collect()
}

/// Random messages at the padding edge cases, or of any length up to 4 blocks.
fn messages() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(LENGTHS.to_vec()).prop_flat_map(|len| prop::collection::vec(any::<u8>(), len)),
        prop::collection::vec(any::<u8>(), 0..260),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn native_matches_sha2(msg in messages()) {
        let expected = reference(&msg);
        let mut native = NativeBuilder::new();
        let got = hash_and_check(&mut native, &msg, &expected);
        native.finish().unwrap();
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn every_padding_edge_case_agrees_in_both_backends() {
    for len in LENGTHS {
        let msg = message(len, len as u8);
        let expected = reference(&msg);
        assert!(native_ok(&msg, &expected), "native, {len} bytes");

        let cs = ConstraintSystem::<Fr>::new_ref();
        let mut r1cs = R1csBuilder::new(cs.clone());
        let got = hash_and_check(&mut r1cs, &msg, &expected);
        assert_eq!(got, expected, "r1cs value, {len} bytes");
        r1cs.finish().unwrap();
        assert!(cs.is_satisfied().unwrap(), "r1cs, {len} bytes");
    }
}

#[test]
fn tampered_inputs_and_outputs_are_rejected() {
    for len in [1, 64, 65] {
        let msg = message(len, 7);
        let expected = reference(&msg);
        for (byte, bit) in [(0, 0), (len - 1, 7), (len / 2, 3)] {
            let mut flipped = msg.clone();
            flipped[byte] ^= 1 << bit;
            assert!(!native_ok(&flipped, &expected), "native, input {byte}.{bit} of {len}");
            assert!(!r1cs_ok(&flipped, &expected), "r1cs, input {byte}.{bit} of {len}");
        }
        for (byte, bit) in [(0, 7), (31, 0), (17, 4)] {
            let mut wrong = expected;
            wrong[byte] ^= 1 << bit;
            assert!(!native_ok(&msg, &wrong), "native, output {byte}.{bit} of {len}");
            assert!(!r1cs_ok(&msg, &wrong), "r1cs, output {byte}.{bit} of {len}");
        }
    }
}

/// A byte witness of 256 ≡ 0 (mod 256) hashes like 0 but fails the byte decomposition.
#[test]
fn non_byte_inputs_are_rejected() {
    fn run<B: CircuitBuilder>(b: &mut B) {
        let mut input = bytes_witness(b, Some(&[1, 2, 3]), 3);
        input[1] = b.witness(Some(Fr::from(2u64 + 256)));
        let _ = sha256(b, &input);
    }
    let mut native = NativeBuilder::new();
    run(&mut native);
    assert!(native.finish().is_err());

    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    run(&mut r1cs);
    r1cs.finish().unwrap();
    assert!(!cs.is_satisfied().unwrap());
}

/// Constraints of hashing `len` variable bytes, in shape-only mode (no values), with the
/// per-section breakdown.
fn shape_constraints(len: usize) -> (usize, usize) {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Setup);
    let mut r1cs = R1csBuilder::new(cs.clone());
    let input = bytes_witness(&mut r1cs, None, len);
    let _ = sha256(&mut r1cs, &input);
    let counts = r1cs.finish().unwrap();
    (cs.num_constraints(), counts.get(&Section::Sha256).copied().unwrap_or(0))
}

#[test]
fn constraint_counts_are_pinned_and_value_independent() {
    // 9 per input byte (its bit decomposition), the first block cheaper (constant initial
    // state), every further full block BLOCK_CONSTRAINTS, and a constant padding block cheaper.
    let (one_block, sha_section) = shape_constraints(55);
    assert_eq!(one_block, sha_section, "all of it is attributed to Section::Sha256");
    let (two_blocks, _) = shape_constraints(119);
    let (sixty_four, _) = shape_constraints(64);
    assert_eq!(BLOCK_CONSTRAINTS, 26_416);
    // First block (from the constant initial state): 25 810; a block of constant padding
    // words after a variable state: 19 467.
    assert_eq!(one_block, 55 * 9 + 25_810);
    assert_eq!(sixty_four, 64 * 9 + 25_810 + 19_467);
    assert_eq!(two_blocks, 119 * 9 + 25_810 + BLOCK_CONSTRAINTS);

    // With values: the same count.
    let msg = message(55, 1);
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    hash_and_check(&mut r1cs, &msg, &reference(&msg));
    r1cs.finish().unwrap();
    assert_eq!(cs.num_constraints(), one_block + 32);
}

fn vectors() -> Vec<([u8; 32], [u8; 32])> {
    let mut one = [0u8; 32];
    one[31] = 1;
    vec![(one, reference(b"")), ([0xff; 32], [0xff; 32]), (reference(b"vkey"), reference(b"public values"))]
}

#[test]
fn native_public_input_is_the_masked_big_endian_hash() {
    // programVKey = 0x00…01, digest = sha256(""): sha256 of the 64 bytes, top 3 bits cleared.
    let (vkey, digest) = vectors()[0];
    let mut concatenated = vkey.to_vec();
    concatenated.extend_from_slice(&digest);
    let mut expected = reference(&concatenated);
    expected[0] &= 0x1f;
    assert_eq!(snark_public_input(&vkey, &digest), expected);
    let mut be = expected.to_vec();
    be.reverse();
    assert_eq!(public_input_fr(&vkey, &digest).into_bigint().to_bytes_le(), be);

    for (vkey, digest) in vectors() {
        let x = public_input_fr(&vkey, &digest);
        assert!(x.into_bigint().num_bits() <= 253);
        assert_eq!(x.into_bigint().to_bytes_be(), snark_public_input(&vkey, &digest).to_vec());
    }
}

fn public_bytes<B: CircuitBuilder>(b: &mut B, vkey: &[u8; 32], digest: &[u8; 32]) -> ([B::Var; 32], [B::Var; 32]) {
    let v = bytes_witness(b, Some(vkey), 32);
    let d = bytes_witness(b, Some(digest), 32);
    (v.try_into().unwrap(), d.try_into().unwrap())
}

fn r1cs_public(vkey: &[u8; 32], digest: &[u8; 32], claimed: Fr) -> (ConstraintSystemRef<Fr>, Option<Fr>) {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    let public = r1cs.public_input(Some(claimed));
    let (v, d) = public_bytes(&mut r1cs, vkey, digest);
    let computed = snark_public_input_gadget(&mut r1cs, &v, &d);
    let value = r1cs.value(&computed);
    r1cs.assert_eq(&public, &computed);
    r1cs.finish().unwrap();
    (cs, value)
}

#[test]
fn public_input_agrees_natively_and_in_circuit() {
    for (vkey, digest) in vectors() {
        let expected = public_input_fr(&vkey, &digest);

        let mut native = NativeBuilder::new();
        let (v, d) = public_bytes(&mut native, &vkey, &digest);
        let public = expose_public_input(&mut native, &v, &d);
        native.finish().unwrap();
        assert_eq!(public, expected);
        assert_eq!(native.public(), Some(expected));

        let (cs, value) = r1cs_public(&vkey, &digest, expected);
        assert_eq!(value, Some(expected));
        assert!(cs.is_satisfied().unwrap());
        assert_eq!(cs.num_instance_variables(), 2, "the constant one and the public input");
        assert_eq!(cs.num_constraints(), 45_853 + 1, "a 64-byte hash and the equality");

        // A wrong claim: off by one, or with one of the 3 dropped top bits set.
        for wrong in [expected + Fr::from(1u64), expected + Fr::from(2u64).pow([253u64])] {
            let mut native = NativeBuilder::new();
            let public = native.public_input(Some(wrong));
            let (v, d) = public_bytes(&mut native, &vkey, &digest);
            assert_public_input(&mut native, &public, &v, &d);
            assert!(native.finish().is_err());
            assert!(!r1cs_public(&vkey, &digest, wrong).0.is_satisfied().unwrap());
        }
    }
}

#[test]
fn public_input_binds_every_input_byte() {
    let (vkey, digest) = vectors()[0];
    let expected = public_input_fr(&vkey, &digest);
    for (which, byte) in [(0, 31), (1, 0)] {
        let (mut v, mut d) = (vkey, digest);
        if which == 0 {
            v[byte] ^= 0x40;
        } else {
            d[byte] ^= 0x01;
        }
        assert!(!r1cs_public(&v, &d, expected).0.is_satisfied().unwrap());
        let mut native = NativeBuilder::new();
        let public = native.public_input(Some(expected));
        let (vv, dd) = public_bytes(&mut native, &v, &d);
        assert_public_input(&mut native, &public, &vv, &dd);
        assert!(native.finish().is_err());
    }
}
