//! Shared helpers for chip tests: check a chip's trace, tamper with it, balance buses.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn_machine::chips::bytes::ByteChip;
use cairn_machine::debug::{check_buses, check_chip, DebugBuilder, Interactions};
use cairn_machine::ByteCounts;
use p3_air::{Air, BaseAir};
use p3_baby_bear::BabyBear;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;
use p3_matrix::Matrix;

pub type F = BabyBear;

/// Checks the chip's constraints and that its byte lookups match `bytes`; returns its
/// interactions.
pub fn check_with_bytes<A>(air: &A, trace: &RowMajorMatrix<F>, bytes: &ByteCounts) -> Interactions
where
    A: for<'a> Air<DebugBuilder<'a, F>>,
{
    let interactions = check_chip(air, trace, None, &[]).unwrap_or_else(|e| panic!("honest trace fails: {e}"));
    let byte_trace = ByteChip::generate_trace::<F>(bytes);
    let prep = <ByteChip as BaseAir<F>>::preprocessed_trace(&ByteChip).unwrap();
    let table = check_chip(&ByteChip, &byte_trace, Some(&prep), &[]).unwrap();
    check_buses([&interactions, &table], |bus| bus == "byte").unwrap_or_else(|e| panic!("{e}"));
    interactions
}

/// For each column and a spread of rows, adds 1 to one cell of `trace` and asserts that the
/// chip's constraints fail or its messages change (so that a bus no longer balances).
pub fn assert_tamper_detected<A>(air: &A, trace: &RowMajorMatrix<F>, real_rows: usize)
where
    A: for<'a> Air<DebugBuilder<'a, F>>,
{
    let honest = check_chip(air, trace, None, &[]).unwrap();
    let width = trace.width();
    let rows: Vec<usize> = (0..real_rows).step_by((real_rows / 8).max(1)).collect();
    for row in rows {
        for col in 0..width {
            let mut bad = trace.clone();
            bad.values[row * width + col] += F::ONE;
            match check_chip(air, &bad, None, &[]) {
                Err(_) => {}
                Ok(interactions) => assert!(
                    interactions != honest,
                    "tampering row {row} column {col} went unnoticed: constraints hold and messages are unchanged"
                ),
            }
        }
    }
}
