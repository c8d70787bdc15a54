//! The ADD/SUB chip: honest traces satisfy it, tampered ones do not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use cairn_executor::Opcode;
use cairn_machine::chips::add_sub::AddSubChip;
use cairn_machine::debug::check_chip;
use cairn_machine::{AluEvent, ByteCounts};
use common::*;
use p3_field::PrimeCharacteristicRing;
use proptest::prelude::*;

fn events(pairs: &[(u32, u32)]) -> Vec<AluEvent> {
    pairs
        .iter()
        .flat_map(|&(b, c)| {
            [AluEvent::new(Opcode::Add, b.wrapping_add(c), b, c), AluEvent::new(Opcode::Sub, b.wrapping_sub(c), b, c)]
        })
        .collect()
}

#[test]
fn corner_cases_satisfy_the_chip() {
    let events = events(&[(0, 0), (u32::MAX, 1), (1, u32::MAX), (0x8000_0000, 0x8000_0000), (0x1234_5678, 0xfedc_ba98)]);
    let mut bytes = ByteCounts::default();
    let trace = AddSubChip::generate_trace::<F>(&events, &mut bytes);
    let interactions = check_with_bytes(&AddSubChip, &trace, &bytes);
    // One ALU receive per event, each with count -1.
    let alu: Vec<_> = interactions.iter().filter(|(bus, _, _)| bus == "alu").collect();
    assert_eq!(alu.len(), events.len());
    assert!(alu.iter().all(|(_, _, n)| *n == -1));
}

#[test]
fn a_wrong_result_breaks_the_chip() {
    let mut bytes = ByteCounts::default();
    let bad = [AluEvent::new(Opcode::Add, 5, 2, 2)];
    let trace = AddSubChip::generate_trace::<F>(&bad, &mut bytes);
    assert!(check_chip(&AddSubChip, &trace, None, &[]).is_err());
}

#[test]
fn tampered_cells_are_detected() {
    let events = events(&[(7, 9), (u32::MAX, 3), (0x0100_0000, 0x00ff_ffff)]);
    let trace = AddSubChip::generate_trace::<F>(&events, &mut ByteCounts::default());
    assert_tamper_detected(&AddSubChip, &trace, events.len());
}

#[test]
fn padding_rows_send_nothing() {
    let trace = AddSubChip::generate_trace::<F>(&[], &mut ByteCounts::default());
    assert!(check_chip(&AddSubChip, &trace, None, &[]).unwrap().is_empty());
    assert!(trace.values.iter().all(|v| *v == F::ZERO));
}

proptest! {
    #[test]
    fn random_operands_satisfy_the_chip(b in any::<u32>(), c in any::<u32>()) {
        let events = events(&[(b, c)]);
        let mut bytes = ByteCounts::default();
        let trace = AddSubChip::generate_trace::<F>(&events, &mut bytes);
        prop_assert!(check_chip(&AddSubChip, &trace, None, &[]).is_ok());
    }
}
