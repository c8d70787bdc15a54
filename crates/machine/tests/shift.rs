//! The SLL/SRL/SRA chip: honest traces satisfy it; tampered and forged ones do not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod soundness;

use core::borrow::BorrowMut;

use cairn_executor::Opcode;
use cairn_machine::chips::shift::{ShiftChip, ShiftCols, NUM_SHIFT_COLS};
use cairn_machine::debug::check_chip;
use cairn_machine::{AluEvent, ByteCounts};
use common::*;
use p3_field::PrimeCharacteristicRing;
use proptest::prelude::*;
use soundness::{assert_alu_interactions, assert_degrees, assert_padding_sends_nothing, byte_lookups_in_table};

/// The three shifts of `b` by `c`, with Rust's semantics (the amount is `c & 31`).
fn events(pairs: &[(u32, u32)]) -> Vec<AluEvent> {
    pairs
        .iter()
        .flat_map(|&(b, c)| {
            [
                AluEvent::new(Opcode::Sll, b.wrapping_shl(c), b, c),
                AluEvent::new(Opcode::Srl, b.wrapping_shr(c), b, c),
                AluEvent::new(Opcode::Sra, (b as i32).wrapping_shr(c) as u32, b, c),
            ]
        })
        .collect()
}

fn trace_of(events: &[AluEvent]) -> p3_matrix::dense::RowMajorMatrix<F> {
    ShiftChip::generate_trace::<F>(events, &mut ByteCounts::default())
}

#[test]
fn shape_and_degrees() {
    assert_eq!(NUM_SHIFT_COLS, 33);
    assert_eq!(assert_degrees(&ShiftChip), 3);
}

#[test]
fn every_shift_amount_satisfies_the_chip() {
    let operands = [0, 1, 0x80, 0x7fff_ffff, 0x8000_0000, u32::MAX, 0x1234_5678, 0x8765_4321];
    // Every amount, also with the ignored high bits of `c` set.
    let amounts = |s: u32| [s, s | 0x20, s | 0xffff_ffe0];
    let pairs: Vec<_> = operands.iter().flat_map(|&b| (0..32).flat_map(amounts).map(move |c| (b, c))).collect();
    let events = events(&pairs);
    let mut bytes = ByteCounts::default();
    let trace = ShiftChip::generate_trace::<F>(&events, &mut bytes);
    let interactions = check_with_bytes(&ShiftChip, &trace, &bytes);
    assert_alu_interactions(&interactions, events.len(), 9);
}

#[test]
fn a_wrong_result_breaks_the_chip() {
    for bad in [
        AluEvent::new(Opcode::Sll, 2, 1, 0),
        AluEvent::new(Opcode::Sll, 0, 1, 1),
        AluEvent::new(Opcode::Srl, 0xffff_ffff, 0x8000_0000, 31),
        AluEvent::new(Opcode::Sra, 1, 0x8000_0000, 31),
        AluEvent::new(Opcode::Sra, 0x4000_0000, 0x8000_0000, 1),
        // The shift amount is c & 31, not c.
        AluEvent::new(Opcode::Sll, 0, 1, 32),
    ] {
        let trace = trace_of(&[bad]);
        assert!(check_chip(&ShiftChip, &trace, None, &[]).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn a_forged_split_breaks_the_byte_bus() {
    // 0x80 << 1: lo_0 = 0, hi_0 = 1. Move 256 from hi_0 into lo_0 and compensate byte 1 of the
    // result: the equations hold, but lo_0 = 256 is no byte.
    let mut trace = trace_of(&[AluEvent::new(Opcode::Sll, 0x100, 0x80, 1)]);
    let cols: &mut ShiftCols<F> = trace.values[..NUM_SHIFT_COLS].borrow_mut();
    cols.lo[0] += F::from_u32(256);
    cols.hi[0] -= F::ONE;
    cols.a[0] += F::from_u32(256);
    cols.a[1] -= F::ONE;
    let interactions = check_chip(&ShiftChip, &trace, None, &[]).unwrap();
    assert!(!byte_lookups_in_table(&interactions));
}

#[test]
fn a_forged_shift_amount_breaks_the_byte_bus() {
    // SLL 1 by c = 1, but decomposed as a shift by 0 (lo_0 = 1): `(AND, 1, 31, 0)` is no entry.
    let mut trace = trace_of(&[AluEvent::new(Opcode::Sll, 1, 1, 1)]);
    let cols: &mut ShiftCols<F> = trace.values[..NUM_SHIFT_COLS].borrow_mut();
    cols.bit_shift[0] = F::ZERO;
    cols.pow = F::ONE;
    cols.mult = F::ONE;
    cols.lo[0] = F::ONE;
    let interactions = check_chip(&ShiftChip, &trace, None, &[]).unwrap();
    assert!(!byte_lookups_in_table(&interactions));
}

#[test]
fn a_forged_sign_breaks_the_byte_bus() {
    // SRA of 0x8000_0000 by 31 claimed as 1 (sign 0, as SRL would give).
    let mut trace = trace_of(&[AluEvent::new(Opcode::Sra, u32::MAX, 0x8000_0000, 31)]);
    let honest = trace_of(&[AluEvent::new(Opcode::Srl, 1, 0x8000_0000, 31)]);
    let cols: &mut ShiftCols<F> = trace.values[..NUM_SHIFT_COLS].borrow_mut();
    let srl: &ShiftCols<F> = core::borrow::Borrow::borrow(&honest.values[..NUM_SHIFT_COLS]);
    (cols.sign, cols.lo, cols.hi, cols.a) = (srl.sign, srl.lo, srl.hi, srl.a);
    let interactions = check_chip(&ShiftChip, &trace, None, &[]).unwrap();
    assert!(!byte_lookups_in_table(&interactions));
}

#[test]
fn tampered_cells_are_detected() {
    let events = events(&[(7, 9), (u32::MAX, 3), (0x8100_0000, 17), (0x1234_5678, 0xffff_ffe8)]);
    let trace = trace_of(&events);
    assert_tamper_detected(&ShiftChip, &trace, events.len());
}

#[test]
fn padding_rows_send_nothing() {
    assert_padding_sends_nothing(&ShiftChip, &trace_of(&[]));
}

proptest! {
    #[test]
    fn random_operands_satisfy_the_chip(b in any::<u32>(), c in any::<u32>()) {
        let trace = trace_of(&events(&[(b, c)]));
        let interactions = check_chip(&ShiftChip, &trace, None, &[]).unwrap();
        prop_assert!(byte_lookups_in_table(&interactions));
    }

    #[test]
    fn random_wrong_results_are_rejected(b in any::<u32>(), c in any::<u32>(), error in 1..=u32::MAX) {
        for event in events(&[(b, c)]) {
            let trace = trace_of(&[AluEvent { a: event.a ^ error, ..event }]);
            prop_assert!(check_chip(&ShiftChip, &trace, None, &[]).is_err());
        }
    }
}
