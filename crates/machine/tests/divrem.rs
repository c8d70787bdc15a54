//! The DIV/REM chip: honest traces satisfy it with RISC-V semantics (division by zero, signed
//! overflow, remainder signs); wrong quotients and remainders, tampered cells and forged flags
//! do not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod alu;
mod common;
mod soundness;

use core::borrow::BorrowMut;

use cairn_executor::Opcode;
use cairn_machine::chips::divrem::{DivRemChip, DivRemCols, NUM_DIV_REM_COLS};
use cairn_machine::chips::pad_rows;
use cairn_machine::debug::check_chip;
use cairn_machine::{AluEvent, ByteCounts};
use alu::{alu_message, all_pairs, random_pairs, received};
use common::*;
use p3_field::{Field, PrimeCharacteristicRing, PrimeField32};
use p3_matrix::dense::RowMajorMatrix;
use proptest::prelude::*;
use soundness::{assert_degrees, byte_lookups_in_table};

const OPS: [Opcode; 4] = [Opcode::Div, Opcode::Divu, Opcode::Rem, Opcode::Remu];

/// The RISC-V result, from Rust's checked integer arithmetic and the spec's special cases.
fn reference(op: Opcode, b: u32, c: u32) -> u32 {
    let (bs, cs) = (b as i32, c as i32);
    match op {
        Opcode::Divu => b.checked_div(c).unwrap_or(u32::MAX),
        Opcode::Remu => b.checked_rem(c).unwrap_or(b),
        Opcode::Div if c == 0 => u32::MAX,
        Opcode::Div => bs.checked_div(cs).unwrap_or(i32::MIN) as u32,
        Opcode::Rem if c == 0 => b,
        Opcode::Rem => bs.checked_rem(cs).unwrap_or(0) as u32,
        _ => unreachable!("{op:?} is not a division"),
    }
}

fn events(pairs: &[(u32, u32)]) -> Vec<AluEvent> {
    alu::events(&OPS, reference, pairs)
}

fn served(events: &[AluEvent]) -> Vec<Vec<u32>> {
    received(&DivRemChip, &DivRemChip::generate_trace::<F>(events, &mut ByteCounts::default()))
}

/// A one-row trace claiming quotient `q` and remainder `r`; whether a prover gets it accepted
/// (constraints hold and every byte lookup names a table entry).
fn accepted(op: Opcode, b: u32, c: u32, q: u32, r: u32, edit: impl FnOnce(&mut DivRemCols<F>)) -> bool {
    let mut values = F::zero_vec(pad_rows(1) * NUM_DIV_REM_COLS);
    DivRemChip::fill_row(&mut values[..NUM_DIV_REM_COLS], op, b, c, q, r, &mut ByteCounts::default());
    edit(values[..NUM_DIV_REM_COLS].borrow_mut());
    let trace = RowMajorMatrix::new(values, NUM_DIV_REM_COLS);
    check_chip(&DivRemChip, &trace, None, &[]).is_ok_and(|i| byte_lookups_in_table(&i))
}

/// Every `(q + k, r − k·c)` for small `k ≠ 0` (so `b = c·q + r` still holds mod 2^32), and for
/// `c = 0` other quotients with `r = b`, is rejected, for both the quotient and remainder ops.
fn assert_only_the_riscv_pair(b: u32, c: u32) {
    for (div, rem) in [(Opcode::Div, Opcode::Rem), (Opcode::Divu, Opcode::Remu)] {
        let (q, r) = (reference(div, b, c), reference(rem, b, c));
        assert!(accepted(div, b, c, q, r, |_| {}), "{div:?} {b:#x} {c:#x}");
        for k in [-3i32, -2, -1, 1, 2, 3, 0x4000_0000, i32::MIN] {
            let (q2, r2) = (q.wrapping_add(k as u32), r.wrapping_sub(c.wrapping_mul(k as u32)));
            for op in [div, rem] {
                assert!(!accepted(op, b, c, q2, r2, |_| {}), "{op:?} {b:#x} / {c:#x} = {q2:#x} rem {r2:#x}");
            }
        }
    }
}

const CORNERS: [u32; 12] =
    [0, 1, 2, 3, 7, 0x80, 0xffff, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xffff_fff9, u32::MAX];

#[test]
fn shape_and_degrees() {
    assert_eq!(NUM_DIV_REM_COLS, 42);
    assert_eq!(assert_degrees(&DivRemChip), 3);
}

#[test]
fn corner_cases_satisfy_the_chip() {
    let mut pairs = all_pairs(&CORNERS);
    pairs.push((0x1234_5678, 0xfedc_ba98));
    let events = events(&pairs);
    let mut bytes = ByteCounts::default();
    let trace = DivRemChip::generate_trace::<F>(&events, &mut bytes);
    // 10 byte pairs, 2 carry pairs and 8 product carries per row, and 2 sign lookups when signed.
    alu::assert_serves(&DivRemChip, &events, &trace, &bytes, 21 * events.len());
}

#[test]
fn riscv_special_cases() {
    let min = 0x8000_0000;
    let cases = [
        (Opcode::Div, 7, 0, u32::MAX),
        (Opcode::Divu, 7, 0, u32::MAX),
        (Opcode::Rem, -7i32 as u32, 0, -7i32 as u32),
        (Opcode::Remu, 7, 0, 7),
        (Opcode::Div, min, u32::MAX, min),
        (Opcode::Rem, min, u32::MAX, 0),
        (Opcode::Divu, min, u32::MAX, 0),
        (Opcode::Remu, min, u32::MAX, min),
        (Opcode::Div, -7i32 as u32, 2, -3i32 as u32),
        (Opcode::Rem, -7i32 as u32, 2, -1i32 as u32),
        (Opcode::Div, 7, -2i32 as u32, -3i32 as u32),
        (Opcode::Rem, 7, -2i32 as u32, 1),
        (Opcode::Rem, -7i32 as u32, -2i32 as u32, -1i32 as u32),
        (Opcode::Div, min, 1, min),
        (Opcode::Rem, min, min, 0),
    ];
    for (op, b, c, a) in cases {
        assert_eq!(reference(op, b, c), a, "{op:?} {b:#x} {c:#x}");
        let event = AluEvent::new(op, a, b, c);
        assert_eq!(served(&[event]), vec![alu_message(&event)]);
    }
}

#[test]
fn a_wrong_result_breaks_the_chip() {
    for event in events(&[(7, 2), (-7i32 as u32, 2), (5, 0), (0x8000_0000, u32::MAX), (u32::MAX, u32::MAX)]) {
        for delta in [1, u32::MAX, 1 << 24, 0x8000_0000] {
            let bad = AluEvent { a: event.a.wrapping_add(delta), ..event };
            let trace = DivRemChip::generate_trace::<F>(&[bad], &mut ByteCounts::default());
            assert!(check_chip(&DivRemChip, &trace, None, &[]).is_err(), "{bad:?} accepted");
        }
    }
}

#[test]
fn only_the_riscv_quotient_and_remainder_are_accepted() {
    let pairs = [(7, 2), (-7i32 as u32, 2), (7, -2i32 as u32), (-7i32 as u32, -2i32 as u32), (6, 3), (1, 7)];
    let specials = [(5, 0), (0x8000_0000, 0), (0x8000_0000, u32::MAX), (u32::MAX, u32::MAX), (0x8000_0000, 0x8000_0000)];
    for (b, c) in pairs.into_iter().chain(specials) {
        assert_only_the_riscv_pair(b, c);
    }
}

#[test]
fn a_remainder_with_the_wrong_sign_is_rejected() {
    // -7 = 2·(-4) + 1 and 7 = 2·4 − 1: floored and ceiled division fit b = c·q + r, |r| < |c|.
    assert!(!accepted(Opcode::Div, -7i32 as u32, 2, -4i32 as u32, 1, |_| {}));
    assert!(!accepted(Opcode::Rem, 7, 2, 4, u32::MAX, |_| {}));
    assert!(!accepted(Opcode::Rem, 7, -2i32 as u32, -4i32 as u32, u32::MAX, |_| {}));
}

#[test]
fn forged_flags_are_rejected() {
    let min = 0x8000_0000;
    // The overflow row without its flag reads b as -2^31, and -q = -2^31 has no i32 solution.
    for (q, r) in [(min, 0), (0x7fff_ffff, 0), (min, u32::MAX)] {
        assert!(!accepted(Opcode::Div, min, u32::MAX, q, r, |cols| {
            (cols.is_overflow, cols.b_neg) = (F::ZERO, F::ONE);
        }));
    }
    // The flag on another row: b must be 0x8000_0000 and c must be -1 (else, e.g., the
    // dividend reads as +2^31 and 2^31 / 2 = 2^30 would fit).
    let forge = |cols: &mut DivRemCols<F>| (cols.is_overflow, cols.b_neg) = (F::ONE, F::ZERO);
    assert!(!accepted(Opcode::Div, min, 2, 0x4000_0000, 0, forge));
    assert!(!accepted(Opcode::Div, min, 1, min, 0, forge));
    assert!(!accepted(Opcode::Divu, min, u32::MAX, 1, min - 1, |cols| cols.is_overflow = F::ONE));
    // is_div = −1, is_divu = 2 would receive op 2·DIVU − DIV = REM with a = q: REM(7, 2) = 3.
    assert!(!accepted(Opcode::Divu, 7, 2, 3, 1, |cols| (cols.is_div, cols.is_divu) = (-F::ONE, F::TWO)));
    // Two operations on one row (Σ c = 2, so c_sum_inv = 1 meets Σ c · c_sum_inv = is_real = 2).
    for (i, first) in OPS.into_iter().enumerate() {
        for second in OPS.into_iter().skip(i + 1) {
            assert!(!accepted(first, 7, 2, 3, 1, |cols| {
                cols.c_sum_inv = F::ONE;
                let flags = [&mut cols.is_div, &mut cols.is_divu, &mut cols.is_rem, &mut cols.is_remu];
                for (flag, o) in flags.into_iter().zip(OPS) {
                    *flag = F::from_bool(o == first || o == second);
                }
            }));
        }
    }
    // Claiming c = 0 for c ≠ 0 (signed q = −1, r = b + c fits the product identity).
    assert!(!accepted(Opcode::Div, 5, 3, u32::MAX, 8, |cols| (cols.is_c_zero, cols.c_sum_inv) = (F::ONE, F::ZERO)));
    // Skipping |r| < |c| by denying c = 0 is impossible: then 0 ≤ |r| < 0.
    assert!(!accepted(Opcode::Divu, 5, 0, u32::MAX, 5, |cols| cols.is_c_zero = F::ZERO));
    // Reading unsigned operands as signed: DIV(−1, 2) = 0 rem −1 relabelled as DIVU.
    assert!(!accepted(Opcode::Div, u32::MAX, 2, 0, u32::MAX, |cols| (cols.is_div, cols.is_divu) = (F::ZERO, F::ONE)));
}

#[test]
fn a_remainder_above_the_divisor_needs_out_of_range_carries() {
    // DIVU 7 / 2 = 0 rem 7: the chain `r + 1 + d = c` has field solutions once the carries may
    // be any field elements. With Y = (r − c) mod 2^24 + 1 + d_0 + 256·d_1 + 65536·d_2, the
    // last carry is Y / 2^24 and must equal c_3 − r_3 − d_3 = −d_3.
    let p = u64::from(F::ORDER_U32);
    let forged = (0..=255u64).find_map(|d3| {
        let low = (p * 256 - d3 * (1 << 24) - 6) % p;
        (low < 1 << 24).then_some(((low as u32).to_le_bytes(), d3 as u32))
    });
    let (low, d3) = forged.expect("some d_3 gives a 24-bit low part");
    let d = [low[0], low[1], low[2]].map(F::from_u8);
    let inv256 = F::from_u32(256).inverse();
    let lc0 = (F::from_u32(7 + 1 - 2) + d[0]) * inv256;
    let lc1 = (d[1] + lc0) * inv256;
    let lc2 = (d[2] + lc1) * inv256;
    assert_eq!(lc2 + F::from_u32(d3), F::ZERO);
    let mut values = F::zero_vec(pad_rows(1) * NUM_DIV_REM_COLS);
    DivRemChip::fill_row(&mut values[..NUM_DIV_REM_COLS], Opcode::Divu, 7, 2, 0, 7, &mut ByteCounts::default());
    let cols: &mut DivRemCols<F> = values[..NUM_DIV_REM_COLS].borrow_mut();
    cols.d = [d[0], d[1], d[2], F::from_u32(d3)];
    cols.lt_carry = [lc0, lc1, lc2];
    let trace = RowMajorMatrix::new(values, NUM_DIV_REM_COLS);
    let interactions = check_chip(&DivRemChip, &trace, None, &[]).unwrap();
    assert!(!byte_lookups_in_table(&interactions));
}

#[test]
fn tampered_cells_are_detected() {
    let pairs = [(7, 2), (-7i32 as u32, 2), (5, 0), (0x8000_0000, u32::MAX), (0x1234_5678, 0x9abc_def0)];
    let events = events(&pairs);
    let trace = DivRemChip::generate_trace::<F>(&events, &mut ByteCounts::default());
    assert_tamper_detected(&DivRemChip, &trace, events.len());
}

#[test]
fn padding_rows_send_nothing() {
    let trace = DivRemChip::generate_trace::<F>(&[], &mut ByteCounts::default());
    assert!(check_chip(&DivRemChip, &trace, None, &[]).unwrap().is_empty());
    assert!(trace.values.iter().all(|v| *v == F::ZERO));
}

#[test]
fn many_random_divisions_balance_the_byte_bus() {
    let events = events(&random_pairs(200));
    let mut bytes = ByteCounts::default();
    let trace = DivRemChip::generate_trace::<F>(&events, &mut bytes);
    alu::assert_serves(&DivRemChip, &events, &trace, &bytes, 21 * events.len());
}

fn operand() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        prop::sample::select(CORNERS.to_vec()),
        any::<i8>().prop_map(|v| v as i32 as u32),
        (any::<u32>(), 0..32u32).prop_map(|(v, s)| v >> s),
    ]
}

proptest! {
    #[test]
    fn random_operands_give_the_riscv_result(b in operand(), c in operand()) {
        let events = events(&[(b, c)]);
        let expected: Vec<_> = events.iter().map(alu_message).collect();
        prop_assert_eq!(served(&events), expected);
    }

    #[test]
    fn random_operands_admit_no_other_result(b in operand(), c in operand()) {
        assert_only_the_riscv_pair(b, c);
    }
}
