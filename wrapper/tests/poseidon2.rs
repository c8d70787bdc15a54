//! The Poseidon2-BN254 gadget computes p3-bn254's permutation with the outer constants, in both
//! backends, at 3 multiplications per S-box.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ark_bn254::Fr;
use ark_relations::gr1cs::ConstraintSystem;
use cairn_stark::poseidon2_bn254::poseidon2_bn254_t3;
use cairn_wrapper::poseidon2::{self, fr_from_p3, fr_to_p3, CONSTRAINTS, WIDTH};
use cairn_wrapper::{CircuitBuilder, NativeBuilder, R1csBuilder, Section};
use p3_symmetric::Permutation;
use proptest::prelude::*;

fn fr(limbs: [u64; 4]) -> Fr {
    fr_from_p3(p3_bn254::Bn254::new(limbs))
}

fn p3_permute(x: [Fr; WIDTH]) -> [Fr; WIDTH] {
    poseidon2_bn254_t3().permute(x.map(fr_to_p3)).map(fr_from_p3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn native_gadget_matches_plonky3(limbs in prop::array::uniform3(prop::array::uniform4(any::<u64>()))) {
        let input = limbs.map(fr);
        let mut native = NativeBuilder::new();
        let out = poseidon2::permute(&mut native, &input);
        native.finish().unwrap();
        prop_assert_eq!(out, p3_permute(input));
    }
}

#[test]
fn conversions_round_trip() {
    for x in [Fr::from(0u64), Fr::from(7u64), -Fr::from(1u64), fr([u64::MAX; 4])] {
        assert_eq!(fr_from_p3(fr_to_p3(x)), x);
    }
}

#[test]
fn r1cs_is_satisfied_equal_and_costs_240_constraints() {
    let input = [fr([1, 2, 3, 4]), fr([5, 6, 7, 8]), -Fr::from(3u64)];
    let expected = p3_permute(input);

    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    let vars = input.map(|x| r1cs.witness(Some(x)));
    let before = cs.num_constraints();
    let out = poseidon2::permute(&mut r1cs, &vars);
    assert_eq!(cs.num_constraints() - before, CONSTRAINTS);
    assert_eq!(CONSTRAINTS, 240);
    for (o, e) in out.iter().zip(expected) {
        assert_eq!(r1cs.value(o), Some(e));
        let public = r1cs.public_input(Some(e));
        r1cs.assert_eq(o, &public);
    }
    let counts = r1cs.finish().unwrap();
    // A permutation counts in its caller's section, here with the three output equalities.
    assert_eq!(counts.get(&Section::Other), Some(&(CONSTRAINTS + 3)));
    assert!(cs.is_satisfied().unwrap());
}

#[test]
fn a_wrong_output_is_rejected() {
    let input = [Fr::from(0u64), Fr::from(1u64), Fr::from(2u64)];
    let wrong = p3_permute(input)[0] + Fr::from(1u64);

    let mut native = NativeBuilder::new();
    let out = poseidon2::permute(&mut native, &input);
    native.assert_eq(&out[0], &wrong);
    assert!(native.finish().is_err());

    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    let vars = input.map(|x| r1cs.witness(Some(x)));
    let out = poseidon2::permute(&mut r1cs, &vars);
    let claimed = r1cs.witness(Some(wrong));
    r1cs.assert_eq(&out[0], &claimed);
    r1cs.finish().unwrap();
    assert!(!cs.is_satisfied().unwrap());
}
