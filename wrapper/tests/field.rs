//! Emulated BabyBear arithmetic agrees with Plonky3's, in both backends, and rejects
//! non-canonical witnesses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ark_bn254::Fr;
use ark_relations::gr1cs::ConstraintSystem;
use cairn_wrapper::field::{self, Ext, Felt, P};
use cairn_wrapper::{CircuitBuilder, NativeBuilder, R1csBuilder};
use p3_baby_bear::BabyBear;
use p3_field::extension::BinomialExtensionField;
use p3_field::{BasedVectorSpace, PrimeField32};
use proptest::prelude::*;

type EF = BinomialExtensionField<BabyBear, 4>;

/// A chain of lazy operations: ((a·b + c)·d − e)^(2^k)·a, over emulated and native BabyBear.
fn chain<B: CircuitBuilder>(b: &mut B, xs: [u32; 5], k: usize) -> Felt<B::Var> {
    let v: Vec<Felt<B::Var>> = xs.iter().map(|x| field::witness(b, Some(*x))).collect();
    let mut acc = field::mul(b, &v[0], &v[1]);
    acc = field::add(b, &acc, &v[2]);
    acc = field::mul(b, &acc, &v[3]);
    acc = field::sub(b, &acc, &v[4]);
    for _ in 0..k {
        acc = field::mul(b, &acc, &acc.clone());
    }
    field::mul(b, &acc, &v[0])
}

fn chain_p3(xs: [u32; 5], k: usize) -> u32 {
    let v: Vec<BabyBear> = xs.iter().map(|x| BabyBear::new(*x)).collect();
    let mut acc = (v[0] * v[1] + v[2]) * v[3] - v[4];
    for _ in 0..k {
        acc = acc * acc;
    }
    (acc * v[0]).as_canonical_u32()
}

fn ext_of(x: EF) -> [u32; 4] {
    let coeffs: &[BabyBear] = x.as_basis_coefficients_slice();
    [0, 1, 2, 3].map(|i| coeffs[i].as_canonical_u32())
}

fn ext_chain<B: CircuitBuilder>(b: &mut B, x: [u32; 4], y: [u32; 4]) -> Ext<B::Var> {
    let x = field::ext_witness(b, Some(x));
    let y = field::ext_witness(b, Some(y));
    let xy = field::ext_mul(b, &x, &y);
    let s = field::ext_add(b, &xy, &x);
    let d = field::ext_sub(b, &s, &y);
    let sq = field::ext_mul(b, &d, &d);
    field::ext_mul(b, &sq, &xy)
}

fn p3_ext(x: [u32; 4]) -> EF {
    EF::from_basis_coefficients_fn(|i| BabyBear::new(x[i]))
}

proptest! {
    #[test]
    fn lazy_chains_match_plonky3(xs in prop::array::uniform5(0..P as u32), k in 0usize..6) {
        let mut native = NativeBuilder::new();
        let out = chain(&mut native, xs, k);
        let reduced = field::reduce(&mut native, &out);
        native.finish().unwrap();
        prop_assert_eq!(field::value(&native, &reduced), Some(chain_p3(xs, k)));
    }

    #[test]
    fn extension_arithmetic_matches_plonky3(x in prop::array::uniform4(0..P as u32), y in prop::array::uniform4(0..P as u32)) {
        let mut native = NativeBuilder::new();
        let out = ext_chain(&mut native, x, y);
        native.finish().unwrap();
        let (px, py) = (p3_ext(x), p3_ext(y));
        let xy = px * py;
        let d = xy + px - py;
        let expected = d * d * xy;
        prop_assert_eq!(field::ext_value(&native, &out), Some(ext_of(expected)));
    }
}

#[test]
fn r1cs_agrees_with_native_and_is_satisfied() {
    let xs = [P as u32 - 1, 123_456_789, 7, P as u32 - 2, 1 << 30];
    let mut native = NativeBuilder::new();
    let expected = {
        let out = chain(&mut native, xs, 5);
        field::value(&native, &out)
    };
    native.finish().unwrap();

    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    let out = chain(&mut r1cs, xs, 5);
    let reduced = field::reduce(&mut r1cs, &out);
    let c = field::constant(&mut r1cs, u64::from(chain_p3(xs, 5)));
    field::assert_eq(&mut r1cs, &reduced, &c);
    assert_eq!(field::value(&r1cs, &reduced), expected);
    r1cs.finish().unwrap();
    assert!(cs.is_satisfied().unwrap());
}

#[test]
fn non_canonical_witnesses_are_rejected() {
    for (value, ok) in [(0u64, true), (P - 1, true), (P, false), (P + 1, false), ((1 << 31) - 1, false)] {
        let mut native = NativeBuilder::new();
        let v = native.witness(Some(Fr::from(value)));
        field::assert_canonical(&mut native, &v);
        assert_eq!(native.finish().is_ok(), ok, "native, {value}");

        let cs = ConstraintSystem::<Fr>::new_ref();
        let mut r1cs = R1csBuilder::new(cs.clone());
        let v = r1cs.witness(Some(Fr::from(value)));
        field::assert_canonical(&mut r1cs, &v);
        r1cs.finish().unwrap();
        assert_eq!(cs.is_satisfied().unwrap(), ok, "r1cs, {value}");
    }
}

/// `field::witness` allocates the 31 bits and proves the value below `p` in one constraint
/// (`(15 − hi)·s = lo`): the values at and just above `p`, with `hi = 15`, are refused.
#[test]
fn non_canonical_allocations_are_rejected() {
    let cases = [(0u32, true), (P as u32 - 1, true), (P as u32 - 2, true), ((P as u32) - 1 - (1 << 26), true)];
    let bad = [P as u32, P as u32 + 1, P as u32 + (1 << 26), (1 << 31) - 1];
    for (value, ok) in cases.into_iter().chain(bad.map(|v| (v, false))) {
        let mut native = NativeBuilder::new();
        field::witness(&mut native, Some(value));
        assert_eq!(native.finish().is_ok(), ok, "native, {value}");

        let cs = ConstraintSystem::<Fr>::new_ref();
        let mut r1cs = R1csBuilder::new(cs.clone());
        let before = cs.num_constraints();
        field::witness(&mut r1cs, Some(value));
        assert_eq!(cs.num_constraints() - before, 32);
        r1cs.finish().unwrap();
        assert_eq!(cs.is_satisfied().unwrap(), ok, "r1cs, {value}");
    }
    // A value beyond 31 bits is refused natively rather than truncated.
    let mut native = NativeBuilder::new();
    field::witness(&mut native, Some((1 << 31) + 5));
    assert!(native.finish().is_err());
}

#[test]
fn unequal_values_fail_the_equality_check() {
    for (x, y, ok) in [(5u32, 5u32, true), (5, 6, false), (0, P as u32 - 1, false)] {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let mut r1cs = R1csBuilder::new(cs.clone());
        let a = field::witness(&mut r1cs, Some(x));
        let big = field::mul(&mut r1cs, &a, &a);
        let b = field::witness(&mut r1cs, Some(y));
        let bb = field::mul(&mut r1cs, &b, &b);
        field::assert_eq(&mut r1cs, &big, &bb);
        r1cs.finish().unwrap();
        // x² ≡ y² also holds for y = −x.
        let expect = ok || (u64::from(x) + u64::from(y)) % P == 0;
        assert_eq!(cs.is_satisfied().unwrap(), expect, "{x} vs {y}");
    }
}
