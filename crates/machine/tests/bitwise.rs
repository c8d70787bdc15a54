//! The XOR/OR/AND chip: honest traces satisfy it, tampered ones do not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod soundness;

use core::borrow::BorrowMut;

use cairn_executor::Opcode;
use cairn_machine::chips::bitwise::{BitwiseChip, BitwiseCols, NUM_BITWISE_COLS};
use cairn_machine::debug::check_chip;
use cairn_machine::{AluEvent, ByteCounts};
use common::*;
use p3_field::PrimeCharacteristicRing;
use proptest::prelude::*;
use soundness::{assert_alu_interactions, assert_degrees, assert_padding_sends_nothing, byte_lookups_in_table};

fn events(pairs: &[(u32, u32)]) -> Vec<AluEvent> {
    pairs
        .iter()
        .flat_map(|&(b, c)| {
            [
                AluEvent::new(Opcode::Xor, b ^ c, b, c),
                AluEvent::new(Opcode::Or, b | c, b, c),
                AluEvent::new(Opcode::And, b & c, b, c),
            ]
        })
        .collect()
}

#[test]
fn shape_and_degrees() {
    assert_eq!(NUM_BITWISE_COLS, 15);
    assert_eq!(assert_degrees(&BitwiseChip), 2);
}

#[test]
fn corner_cases_satisfy_the_chip() {
    let events = events(&[(0, 0), (u32::MAX, 0), (0, u32::MAX), (u32::MAX, u32::MAX), (0x1234_5678, 0xfedc_ba98)]);
    let mut bytes = ByteCounts::default();
    let trace = BitwiseChip::generate_trace::<F>(&events, &mut bytes);
    let interactions = check_with_bytes(&BitwiseChip, &trace, &bytes);
    assert_alu_interactions(&interactions, events.len(), 4);
}

#[test]
fn a_wrong_result_breaks_the_byte_bus() {
    // No arithmetic constraint fails: the lookup `(XOR, 2, 2, 5)` is simply not in the table.
    let bad = [AluEvent::new(Opcode::Xor, 5, 2, 2)];
    let trace = BitwiseChip::generate_trace::<F>(&bad, &mut ByteCounts::default());
    let interactions = check_chip(&BitwiseChip, &trace, None, &[]).unwrap();
    assert!(!byte_lookups_in_table(&interactions));
}

#[test]
fn non_byte_operands_break_the_byte_bus() {
    // b_0 raised by 256 and b_1 lowered by one: the same word value, but not bytes.
    let events = events(&[(0x0000_0200, 0x0000_00ff)]);
    let mut trace = BitwiseChip::generate_trace::<F>(&events, &mut ByteCounts::default());
    let cols: &mut BitwiseCols<F> = trace.values[..NUM_BITWISE_COLS].borrow_mut();
    cols.b[0] += F::from_u32(256);
    cols.b[1] -= F::ONE;
    let interactions = check_chip(&BitwiseChip, &trace, None, &[]).unwrap();
    assert!(!byte_lookups_in_table(&interactions));
}

#[test]
fn tampered_cells_are_detected() {
    let events = events(&[(7, 9), (u32::MAX, 3), (0x0100_0000, 0x00ff_ffff)]);
    let trace = BitwiseChip::generate_trace::<F>(&events, &mut ByteCounts::default());
    assert_tamper_detected(&BitwiseChip, &trace, events.len());
}

#[test]
fn padding_rows_send_nothing() {
    assert_padding_sends_nothing(&BitwiseChip, &BitwiseChip::generate_trace::<F>(&[], &mut ByteCounts::default()));
}

proptest! {
    #[test]
    fn random_operands_satisfy_the_chip(b in any::<u32>(), c in any::<u32>()) {
        let events = events(&[(b, c)]);
        let trace = BitwiseChip::generate_trace::<F>(&events, &mut ByteCounts::default());
        let interactions = check_chip(&BitwiseChip, &trace, None, &[]).unwrap();
        prop_assert!(byte_lookups_in_table(&interactions));
    }

    #[test]
    fn random_wrong_results_are_rejected(b in any::<u32>(), c in any::<u32>(), error in 1..=u32::MAX) {
        let wrong: Vec<_> = events(&[(b, c)]).into_iter().map(|e| AluEvent { a: e.a ^ error, ..e }).collect();
        let trace = BitwiseChip::generate_trace::<F>(&wrong, &mut ByteCounts::default());
        let interactions = check_chip(&BitwiseChip, &trace, None, &[]).unwrap();
        prop_assert!(!byte_lookups_in_table(&interactions));
    }
}
