//! The MUL chip: honest traces satisfy it for every multiplication, tampered and forged ones do
//! not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod alu;
mod common;
mod soundness;

use core::borrow::BorrowMut;

use cairn_executor::Opcode;
use cairn_machine::chips::mul::{MulChip, MulCols, NUM_MUL_COLS};
use cairn_machine::debug::check_chip;
use cairn_machine::{AluEvent, ByteCounts};
use alu::{alu_message, all_pairs, random_pairs, received};
use common::*;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;
use proptest::prelude::*;
use soundness::{assert_degrees, byte_lookups_in_table};

const OPS: [Opcode; 4] = [Opcode::Mul, Opcode::Mulh, Opcode::Mulhsu, Opcode::Mulhu];

/// The RISC-V result, from Rust's integer arithmetic.
fn reference(op: Opcode, b: u32, c: u32) -> u32 {
    let (bs, cs, cu) = (i64::from(b as i32), i64::from(c as i32), i64::from(c));
    match op {
        Opcode::Mul => b.wrapping_mul(c),
        Opcode::Mulh => ((bs * cs) >> 32) as u32,
        Opcode::Mulhsu => ((bs * cu) >> 32) as u32,
        Opcode::Mulhu => ((u64::from(b) * u64::from(c)) >> 32) as u32,
        _ => unreachable!("{op:?} is not a multiplication"),
    }
}

fn events(pairs: &[(u32, u32)]) -> Vec<AluEvent> {
    alu::events(&OPS, reference, pairs)
}

fn served(events: &[AluEvent]) -> Vec<Vec<u32>> {
    received(&MulChip, &MulChip::generate_trace::<F>(events, &mut ByteCounts::default()))
}

const CORNERS: [u32; 10] = [0, 1, 2, 0x7f, 0x80, 0xffff, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, u32::MAX];

#[test]
fn shape_and_degrees() {
    assert_eq!(NUM_MUL_COLS, 32);
    assert_eq!(assert_degrees(&MulChip), 2);
}

#[test]
fn corner_cases_satisfy_the_chip() {
    let mut pairs = all_pairs(&CORNERS);
    pairs.push((0x1234_5678, 0xfedc_ba98));
    let events = events(&pairs);
    let mut bytes = ByteCounts::default();
    let trace = MulChip::generate_trace::<F>(&events, &mut bytes);
    // 8 byte pairs, one sign lookup and 8 carries per row.
    alu::assert_serves(&MulChip, &events, &trace, &bytes, 17 * events.len());
}

#[test]
fn known_products() {
    let cases = [
        (Opcode::Mulh, 0x8000_0000, 0x8000_0000, 0x4000_0000),
        (Opcode::Mulh, u32::MAX, u32::MAX, 0),
        (Opcode::Mulh, u32::MAX, 1, u32::MAX),
        (Opcode::Mulhsu, u32::MAX, u32::MAX, u32::MAX),
        (Opcode::Mulhsu, 0x8000_0000, u32::MAX, 0x8000_0000),
        (Opcode::Mulhu, u32::MAX, u32::MAX, 0xffff_fffe),
        (Opcode::Mul, 0x1_0001, 0xffff, 0xffff_ffff),
    ];
    for (op, b, c, a) in cases {
        assert_eq!(reference(op, b, c), a, "{op:?} {b:#x} {c:#x}");
        let event = AluEvent::new(op, a, b, c);
        assert_eq!(served(&[event]), vec![alu_message(&event)]);
    }
}

#[test]
fn a_wrong_result_breaks_the_chip() {
    for event in events(&[(3, 5), (u32::MAX, u32::MAX), (0x8000_0000, 0x7fff_ffff), (0, 0)]) {
        for delta in [1, u32::MAX, 1 << 24, 0x8000_0000] {
            let bad = AluEvent { a: event.a.wrapping_add(delta), ..event };
            let trace = MulChip::generate_trace::<F>(&[bad], &mut ByteCounts::default());
            assert!(check_chip(&MulChip, &trace, None, &[]).is_err(), "{bad:?} accepted");
        }
    }
}

/// Computes a row for `as_op` (so its product and carries are consistent), then labels it `op`.
fn relabelled(as_op: Opcode, op: Opcode, b: u32, c: u32) -> RowMajorMatrix<F> {
    let mut trace = MulChip::generate_trace::<F>(&[AluEvent::new(as_op, reference(as_op, b, c), b, c)], &mut ByteCounts::default());
    let cols: &mut MulCols<F> = trace.values[..NUM_MUL_COLS].borrow_mut();
    let flags = [&mut cols.is_mul, &mut cols.is_mulh, &mut cols.is_mulhsu, &mut cols.is_mulhu];
    for (flag, o) in flags.into_iter().zip(OPS) {
        *flag = F::from_bool(o == op);
    }
    trace
}

#[test]
fn a_signed_reading_of_an_unsigned_operand_is_rejected() {
    // Each row is a consistent product of the wrong extensions: MULHU read as MULH or MULHSU,
    // MULHSU read as MULH.
    for (as_op, op) in [(Opcode::Mulh, Opcode::Mulhu), (Opcode::Mulhsu, Opcode::Mulhu), (Opcode::Mulh, Opcode::Mulhsu)] {
        let trace = relabelled(as_op, op, u32::MAX, u32::MAX);
        assert!(check_chip(&MulChip, &trace, None, &[]).is_err(), "{op:?} computed as {as_op:?}");
    }
    // And the other way round: a signed operand read as unsigned.
    for (as_op, op) in [(Opcode::Mulhu, Opcode::Mulh), (Opcode::Mulhu, Opcode::Mulhsu), (Opcode::Mulhsu, Opcode::Mulh)] {
        let trace = relabelled(as_op, op, u32::MAX, u32::MAX);
        assert!(check_chip(&MulChip, &trace, None, &[]).is_err(), "{op:?} computed as {as_op:?}");
    }
}

#[test]
fn two_operations_on_one_row_are_rejected() {
    for (i, first) in OPS.into_iter().enumerate() {
        for second in OPS.into_iter().skip(i + 1) {
            let mut trace = relabelled(first, first, 3, 5);
            let cols: &mut MulCols<F> = trace.values[..NUM_MUL_COLS].borrow_mut();
            let flags = [&mut cols.is_mul, &mut cols.is_mulh, &mut cols.is_mulhsu, &mut cols.is_mulhu];
            for (flag, o) in flags.into_iter().zip(OPS) {
                *flag = F::from_bool(o == first || o == second);
            }
            assert!(check_chip(&MulChip, &trace, None, &[]).is_err(), "{first:?} + {second:?}");
        }
    }
}

#[test]
fn non_boolean_flags_are_rejected() {
    // is_mul = −1, is_mulh = 2 would receive op 2·MULH − MUL = MULHSU with a = 2·out_hi − out_lo:
    // MULHSU(2^16, 2^16) = 2 instead of 1.
    let mut trace = relabelled(Opcode::Mul, Opcode::Mul, 1 << 16, 1 << 16);
    let cols: &mut MulCols<F> = trace.values[..NUM_MUL_COLS].borrow_mut();
    (cols.is_mul, cols.is_mulh) = (-F::ONE, F::TWO);
    assert!(check_chip(&MulChip, &trace, None, &[]).is_err());
}

#[test]
fn a_forged_sign_bit_breaks_the_byte_bus() {
    // MULH of 1 and -1, with c's sign bit cleared so that c reads as 2^32 - 1: the constraints
    // can be met by recomputing the row, but `2·c_3 − 256·c_msb = 510` is not a byte.
    let honest = AluEvent::new(Opcode::Mulh, 0, 1, u32::MAX);
    let mut trace = MulChip::generate_trace::<F>(&[AluEvent { op: Opcode::Mulhsu, ..honest }], &mut ByteCounts::default());
    let cols: &mut MulCols<F> = trace.values[..NUM_MUL_COLS].borrow_mut();
    (cols.is_mulh, cols.is_mulhsu, cols.c_msb) = (F::ONE, F::ZERO, F::ZERO);
    let interactions = check_chip(&MulChip, &trace, None, &[]).unwrap();
    assert!(!byte_lookups_in_table(&interactions));
}

#[test]
fn tampered_cells_are_detected() {
    let events = events(&[(7, 9), (u32::MAX, 3), (0x8000_0000, u32::MAX), (0x1234_5678, 0x9abc_def0)]);
    let trace = MulChip::generate_trace::<F>(&events, &mut ByteCounts::default());
    assert_tamper_detected(&MulChip, &trace, events.len());
}

#[test]
fn padding_rows_send_nothing() {
    let trace = MulChip::generate_trace::<F>(&[], &mut ByteCounts::default());
    assert!(check_chip(&MulChip, &trace, None, &[]).unwrap().is_empty());
    assert!(trace.values.iter().all(|v| *v == F::ZERO));
}

#[test]
fn many_random_products_balance_the_byte_bus() {
    let events = events(&random_pairs(200));
    let mut bytes = ByteCounts::default();
    let trace = MulChip::generate_trace::<F>(&events, &mut bytes);
    alu::assert_serves(&MulChip, &events, &trace, &bytes, 17 * events.len());
}

fn operand() -> impl Strategy<Value = u32> {
    prop_oneof![any::<u32>(), prop::sample::select(CORNERS.to_vec()), any::<i16>().prop_map(|v| v as i32 as u32)]
}

proptest! {
    #[test]
    fn random_operands_give_the_riscv_result(b in operand(), c in operand()) {
        let events = events(&[(b, c)]);
        let expected: Vec<_> = events.iter().map(alu_message).collect();
        prop_assert_eq!(served(&events), expected);
    }
}
