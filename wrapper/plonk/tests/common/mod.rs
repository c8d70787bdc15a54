//! Helpers shared by the file-format tests.
#![allow(dead_code, clippy::panic)]

use ark_bn254::Fr;
use cairn_plonk::{Layout, PlonkBuilder, PlonkError};
use cairn_wrapper::CircuitBuilder;

/// A small circuit: `public = x² + x` with `x² < 2^bits` (a range lookup, so `k ≥ 17`).
pub(crate) fn square_plus(x: u64, bits: usize) -> (Layout, Vec<Fr>, Fr) {
    let mut b = PlonkBuilder::new();
    let v = b.witness(Some(Fr::from(x)));
    let sq = b.mul(&v, &v);
    b.range_check(&sq, bits);
    let sum = b.add(&sq, &v);
    let public = b.public_input(Some(Fr::from(x * x + x)));
    b.assert_eq(&public, &sum);
    let (layout, values) = b.finish();
    (layout, values, Fr::from(x * x + x))
}

/// Asserts that `result` is an error whose message contains `why`.
pub(crate) fn refused(result: Result<impl Sized, PlonkError>, why: &str) {
    match result {
        Ok(_) => panic!("accepted; expected a refusal naming: {why}"),
        Err(e) => assert!(e.to_string().contains(why), "{e} (expected: {why})"),
    }
}
