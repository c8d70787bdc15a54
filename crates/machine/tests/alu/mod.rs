//! Helpers for the tests of ALU chips: the events of a reference function, the messages a chip
//! receives, and operand sets.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn_executor::Opcode;
use cairn_machine::debug::{check_chip, DebugBuilder};
use cairn_machine::{AluEvent, ByteCounts};
use p3_air::Air;
use p3_matrix::dense::RowMajorMatrix;

use crate::common::{check_with_bytes, F};
use crate::soundness::byte_lookups_in_table;

/// One event per pair and operation, with the result `reference` gives.
pub fn events(ops: &[Opcode], reference: fn(Opcode, u32, u32) -> u32, pairs: &[(u32, u32)]) -> Vec<AluEvent> {
    pairs.iter().flat_map(|&(b, c)| ops.iter().map(move |&op| AluEvent::new(op, reference(op, b, c), b, c))).collect()
}

/// The ALU message serving `e`.
pub fn alu_message(e: &AluEvent) -> Vec<u32> {
    let bytes = [e.a, e.b, e.c].map(u32::to_le_bytes).concat();
    core::iter::once(e.op as u32).chain(bytes.into_iter().map(u32::from)).collect()
}

/// Checks `trace` against the chip alone, with every byte lookup in the table; returns the ALU
/// messages it receives (each once).
pub fn received<A>(air: &A, trace: &RowMajorMatrix<F>) -> Vec<Vec<u32>>
where
    A: for<'a> Air<DebugBuilder<'a, F>>,
{
    let interactions = check_chip(air, trace, None, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert!(byte_lookups_in_table(&interactions));
    let alu = interactions.iter().filter(|(bus, _, _)| bus == "alu");
    alu.map(|(_, message, n)| {
        assert_eq!(*n, -1);
        message.clone()
    })
    .collect()
}

/// Checks that `trace`, generated from `events` with byte counts `bytes`, satisfies the chip,
/// balances the byte bus, makes `byte_lookups` byte lookups and serves exactly `events`.
pub fn assert_serves<A>(air: &A, events: &[AluEvent], trace: &RowMajorMatrix<F>, bytes: &ByteCounts, byte_lookups: usize)
where
    A: for<'a> Air<DebugBuilder<'a, F>>,
{
    let interactions = check_with_bytes(air, trace, bytes);
    let alu: Vec<_> = interactions.iter().filter(|(bus, _, _)| bus == "alu").collect();
    assert_eq!(alu.len(), events.len());
    for ((_, message, n), event) in alu.iter().zip(events) {
        assert_eq!((message, *n), (&alu_message(event), -1));
    }
    assert_eq!(interactions.iter().filter(|(bus, _, _)| bus == "byte").count(), byte_lookups);
    assert!(byte_lookups_in_table(&interactions));
}

/// Every ordered pair of `values`.
pub fn all_pairs(values: &[u32]) -> Vec<(u32, u32)> {
    values.iter().flat_map(|&b| values.iter().map(move |&c| (b, c))).collect()
}

/// `n` pseudo-random pairs (xorshift32, fixed seed); the divisor side shifted right by `i % 32`
/// so that small values are common.
pub fn random_pairs(n: usize) -> Vec<(u32, u32)> {
    let mut x = 0x9e37_79b9u32;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    (0..n).map(|i| (next(), next() >> (i % 32))).collect()
}
