//! The SLT/SLTU chip: honest traces satisfy it; tampered and forged ones do not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod soundness;

use core::borrow::BorrowMut;

use cairn_executor::Opcode;
use cairn_machine::chips::lt::{LtChip, LtCols, NUM_LT_COLS};
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
                AluEvent::new(Opcode::Slt, u32::from((b as i32) < (c as i32)), b, c),
                AluEvent::new(Opcode::Sltu, u32::from(b < c), b, c),
            ]
        })
        .collect()
}

const CORNERS: [u32; 9] = [0, 1, 0x7f, 0x80, 0xffff, 0x1_0000, 0x7fff_ffff, 0x8000_0000, u32::MAX];

#[test]
fn shape_and_degrees() {
    assert_eq!(NUM_LT_COLS, 16);
    assert_eq!(assert_degrees(&LtChip), 2);
}

#[test]
fn corner_cases_satisfy_the_chip() {
    let pairs: Vec<_> = CORNERS.iter().flat_map(|&b| CORNERS.map(|c| (b, c))).collect();
    let events = events(&pairs);
    let mut bytes = ByteCounts::default();
    let trace = LtChip::generate_trace::<F>(&events, &mut bytes);
    let interactions = check_with_bytes(&LtChip, &trace, &bytes);
    assert_alu_interactions(&interactions, events.len(), 7);
}

#[test]
fn a_wrong_result_breaks_the_chip() {
    for bad in [
        AluEvent::new(Opcode::Sltu, 0, 2, 3),
        AluEvent::new(Opcode::Sltu, 1, 3, 2),
        AluEvent::new(Opcode::Slt, 1, 0, 0x8000_0000),
        AluEvent::new(Opcode::Slt, 0, 0xffff_ffff, 0),
        AluEvent::new(Opcode::Sltu, 2, 0, 1),
    ] {
        let trace = LtChip::generate_trace::<F>(&[bad], &mut ByteCounts::default());
        assert!(check_chip(&LtChip, &trace, None, &[]).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn a_forged_borrow_breaks_the_byte_bus() {
    // Claim 3 < 2: flip `lt` and keep the high limb's equation by moving 2^16 into `diff_hi`.
    let mut trace = LtChip::generate_trace::<F>(&[AluEvent::new(Opcode::Sltu, 0, 3, 2)], &mut ByteCounts::default());
    let cols: &mut LtCols<F> = trace.values[..NUM_LT_COLS].borrow_mut();
    cols.lt = F::ONE;
    cols.diff[1] += F::from_u32(1 << 16);
    let interactions = check_chip(&LtChip, &trace, None, &[]).unwrap();
    assert!(!byte_lookups_in_table(&interactions));
}

#[test]
fn a_forged_sign_flip_breaks_the_byte_bus() {
    // SLT of -1 and 0 compared as if unsigned (top bytes not flipped): lt would be 0.
    let event = AluEvent::new(Opcode::Slt, 1, u32::MAX, 0);
    let mut trace = LtChip::generate_trace::<F>(&[event], &mut ByteCounts::default());
    let cols: &mut LtCols<F> = trace.values[..NUM_LT_COLS].borrow_mut();
    cols.b_top = F::from_u32(0xff);
    cols.c_top = F::ZERO;
    cols.diff[1] = F::from_u32(0xffff);
    cols.lt = F::ZERO;
    let interactions = check_chip(&LtChip, &trace, None, &[]).unwrap();
    assert!(!byte_lookups_in_table(&interactions));
}

#[test]
fn tampered_cells_are_detected() {
    let events = events(&[(7, 9), (u32::MAX, 3), (0x0100_0000, 0x00ff_ffff), (0x8000_0000, 1)]);
    let trace = LtChip::generate_trace::<F>(&events, &mut ByteCounts::default());
    assert_tamper_detected(&LtChip, &trace, events.len());
}

#[test]
fn padding_rows_send_nothing() {
    assert_padding_sends_nothing(&LtChip, &LtChip::generate_trace::<F>(&[], &mut ByteCounts::default()));
}

proptest! {
    #[test]
    fn random_operands_satisfy_the_chip(b in any::<u32>(), c in any::<u32>()) {
        let events = events(&[(b, c), (b, b), (c, b)]);
        let trace = LtChip::generate_trace::<F>(&events, &mut ByteCounts::default());
        let interactions = check_chip(&LtChip, &trace, None, &[]).unwrap();
        prop_assert!(byte_lookups_in_table(&interactions));
    }

    #[test]
    fn random_wrong_results_are_rejected(b in any::<u32>(), c in any::<u32>()) {
        for event in events(&[(b, c)]) {
            let wrong = AluEvent { a: event.a ^ 1, ..event };
            let trace = LtChip::generate_trace::<F>(&[wrong], &mut ByteCounts::default());
            prop_assert!(check_chip(&LtChip, &trace, None, &[]).is_err());
        }
    }
}
