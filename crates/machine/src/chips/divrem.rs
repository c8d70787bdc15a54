//! DIV, DIVU, REM and REMU with RISC-V semantics, self-contained (no ALU sub-requests).
//!
//! The prover supplies the quotient `q` and remainder `r`; the result is `q` for DIV/DIVU and
//! `r` for REM/REMU. With `neg` flags for the four words (the top bit for signed operations, 0
//! for unsigned ones; `msb` proven as in [`super::mul`] by looking up `2·byte_3 − 256·msb`):
//!
//! - **Product.** `c·q + r = b (mod 2^64)` on eight-byte sign extensions, by the schoolbook
//!   identity of [`super::mul`] with `r` added and `b` in place of the output (carries below
//!   `2^16`). All four values lie in `[−2^31, 2^32)`, so `|c·q + r| < 2^63` and the congruence
//!   is an equality of integers.
//! - **Overflow.** `i32::MIN / −1` has quotient `2^31`, which is not an `i32`; a flag
//!   `is_overflow` (allowed only when signed, `b = 0x8000_0000` and `c = 0xFFFF_FFFF`) reads `b` as
//!   `+2^31` instead (`b_neg = msb − is_overflow`), so that `q = 0x8000_0000`, `r = 0` satisfy the
//!   identity and nothing else does.
//! - **Division by zero.** `is_c_zero` is proven with an inverse of `Σ c_i` (a sum of bytes, below
//!   `1021 < p`, so non-zero exactly when `c ≠ 0`). It forces `q = 0xFFFF_FFFF`; the identity then
//!   gives `r = b`.
//! - **`|r| < |c|` when `c ≠ 0`.** With `x'_i = x_i` or `255 − x_i` (when `x` is negative), `|x| =
//!   Σ x'_i·256^i + neg_x`, so `|r| + 1 + d = |c|` for a word `d` is the byte chain
//!   `r'_i + d_i + [i=0]·(r_neg + 1) + lt_carry_{i−1} = c'_i + [i=0]·c_neg + 256·lt_carry_i` with
//!   byte-sized carries and a final carry of zero.
//! - **Sign of the remainder.** `b ≥ 0 ⇒ r_neg = 0` and `b < 0 ⇒ r_neg = 1 or r = 0` (again via
//!   `Σ r_i`). With `b = c·q + r` and `|r| < |c|` this makes `q` the truncated quotient.

use core::borrow::{Borrow, BorrowMut};

use cairn_executor::Opcode;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{alu_receive, range_byte_slice, range_bytes, range_u16};
use crate::chips::mul::{extend, extend_bytes, low_bits_doubled, product_sums, product_sums_bytes};
use crate::chips::{op_expr, pad_rows};
use crate::columns::impl_columns;
use crate::events::{AluEvent, ByteCounts};

/// Columns of the DIV/REM chip.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct DivRemCols<T> {
    /// The row is a DIV.
    pub is_div: T,
    /// The row is a DIVU.
    pub is_divu: T,
    /// The row is a REM.
    pub is_rem: T,
    /// The row is a REMU.
    pub is_remu: T,
    /// Dividend bytes.
    pub b: [T; 4],
    /// Divisor bytes.
    pub c: [T; 4],
    /// Quotient bytes.
    pub q: [T; 4],
    /// Remainder bytes.
    pub r: [T; 4],
    /// `b` is read as signed and negative (and the row is not an overflow).
    pub b_neg: T,
    /// `c` is read as signed and negative.
    pub c_neg: T,
    /// `q` is read as signed and negative.
    pub q_neg: T,
    /// `r` is read as signed and negative.
    pub r_neg: T,
    /// The row is `i32::MIN / −1` (signed).
    pub is_overflow: T,
    /// The divisor is zero.
    pub is_c_zero: T,
    /// The inverse of `Σ c_i` (0 when `c = 0`).
    pub c_sum_inv: T,
    /// Carries of `c·q + r = b (mod 2^64)`.
    pub carry: [T; 8],
    /// `|c| − |r| − 1` (0 when `c = 0`).
    pub d: [T; 4],
    /// Carries of `|r| + 1 + d = |c|` (the last one is zero).
    pub lt_carry: [T; 3],
}
impl_columns!(DivRemCols, NUM_DIV_REM_COLS);

/// The DIV/REM chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct DivRemChip;

impl<F: Field> BaseAir<F> for DivRemChip {
    fn width(&self) -> usize {
        NUM_DIV_REM_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

/// `x'_i`: the byte, or `255 − byte` when the word is negative.
fn flip<AB: AirBuilder>(byte: AB::Var, neg: AB::Var) -> AB::Expr {
    byte + neg * (AB::Expr::from(AB::F::from_u8(255)) - byte * AB::F::TWO)
}

impl<AB: InteractionBuilder> Air<AB> for DivRemChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &DivRemCols<AB::Var> = main.current_slice().borrow();
        let is_signed: AB::Expr = local.is_div + local.is_rem;
        let is_real: AB::Expr = is_signed.clone() + local.is_divu + local.is_remu;
        for flag in [local.is_div, local.is_divu, local.is_rem, local.is_remu] {
            builder.assert_bool(flag);
        }
        builder.assert_bool(is_real.clone());

        // Signs: boolean, zero unless signed, and the top bit of the word when signed.
        for neg in [local.b_neg, local.c_neg, local.q_neg, local.r_neg, local.is_overflow] {
            builder.assert_bool(neg);
            builder.assert_zero(neg * (AB::Expr::ONE - is_signed.clone()));
        }
        range_bytes(
            builder,
            low_bits_doubled::<AB>(local.b[3], local.b_neg + local.is_overflow),
            low_bits_doubled::<AB>(local.c[3], local.c_neg),
            is_signed.clone(),
        );
        range_bytes(
            builder,
            low_bits_doubled::<AB>(local.q[3], local.q_neg),
            low_bits_doubled::<AB>(local.r[3], local.r_neg),
            is_signed,
        );

        // Overflow only for b = 0x8000_0000, c = 0xFFFF_FFFF (c = −1 alone already pins b, as
        // −q = b_u ≥ 2^31 has an i32 solution only for b_u = 2^31; b is checked anyway).
        for i in 0..4 {
            let b_i = if i == 3 { 128 } else { 0 };
            builder.when(local.is_overflow).assert_eq(local.b[i], AB::Expr::from(AB::F::from_u8(b_i)));
            builder.when(local.is_overflow).assert_eq(local.c[i], AB::Expr::from(AB::F::from_u8(255)));
        }

        // is_c_zero = [c = 0] on real rows, 0 on padding rows; c_sum_inv is then determined.
        let c_sum: AB::Expr = local.c.iter().map(|&x| x.into()).sum();
        builder.assert_zero(c_sum.clone() * local.is_c_zero);
        builder.assert_eq(c_sum * local.c_sum_inv, is_real.clone() - local.is_c_zero);
        builder.assert_zero(local.is_c_zero * local.c_sum_inv);
        for &q in &local.q {
            builder.when(local.is_c_zero).assert_eq(q, AB::Expr::from(AB::F::from_u8(255)));
        }

        // c·q + r = b (mod 2^64) on the extensions.
        let sums = product_sums::<AB>(&extend::<AB>(&local.c, local.c_neg), &extend::<AB>(&local.q, local.q_neg));
        let (r_ext, b_ext) = (extend::<AB>(&local.r, local.r_neg), extend::<AB>(&local.b, local.b_neg));
        let mut carry_in = AB::Expr::ZERO;
        for (k, sum) in sums.into_iter().enumerate() {
            let lhs = sum + r_ext[k].clone() + carry_in;
            builder.assert_eq(lhs, b_ext[k].clone() + local.carry[k] * AB::F::from_u32(256));
            range_u16(builder, local.carry[k], is_real.clone());
            carry_in = local.carry[k].into();
        }

        // |r| + 1 + d = |c| when c ≠ 0.
        let mut lt_carry_in = AB::Expr::ZERO;
        for i in 0..4 {
            let mut lhs = flip::<AB>(local.r[i], local.r_neg) + local.d[i] + lt_carry_in.clone();
            let mut rhs = flip::<AB>(local.c[i], local.c_neg);
            if i == 0 {
                lhs += local.r_neg + AB::Expr::ONE;
                rhs += local.c_neg.into();
            }
            if let Some(&carry) = local.lt_carry.get(i) {
                rhs += carry * AB::F::from_u32(256);
                lt_carry_in = carry.into();
            }
            builder.when(is_real.clone() - local.is_c_zero).assert_eq(lhs, rhs);
        }
        range_bytes(builder, local.lt_carry[0], local.lt_carry[1], is_real.clone());
        range_bytes(builder, local.lt_carry[2], AB::Expr::ZERO, is_real.clone());

        // The remainder takes the dividend's sign, or is zero.
        let r_sum: AB::Expr = local.r.iter().map(|&x| x.into()).sum();
        builder.assert_zero((AB::Expr::ONE - local.b_neg) * local.r_neg);
        builder.when(local.b_neg).assert_zero((AB::Expr::ONE - local.r_neg) * r_sum);

        let bytes: Vec<AB::Var> = [local.b, local.c, local.q, local.r, local.d].concat();
        range_byte_slice(builder, &bytes, is_real.clone());

        let (is_quot, is_rem): (AB::Expr, AB::Expr) = (local.is_div + local.is_divu, local.is_rem + local.is_remu);
        let a: [AB::Expr; 4] = core::array::from_fn(|i| local.q[i] * is_quot.clone() + local.r[i] * is_rem.clone());
        let op = op_expr::<AB>(Opcode::Div) * local.is_div
            + op_expr::<AB>(Opcode::Divu) * local.is_divu
            + op_expr::<AB>(Opcode::Rem) * local.is_rem
            + op_expr::<AB>(Opcode::Remu) * local.is_remu;
        let (b, c): ([AB::Expr; 4], [AB::Expr; 4]) = (local.b.map(Into::into), local.c.map(Into::into));
        alu_receive(builder, op, &a, &b, &c, is_real);
    }
}

/// RISC-V quotient and remainder of `b` by `c`.
pub fn div_rem(b: u32, c: u32, signed: bool) -> (u32, u32) {
    match (c, signed) {
        (0, _) => (u32::MAX, b),
        (_, false) => (b / c, b % c),
        // Two's complement: wrapping covers i32::MIN / -1 (quotient i32::MIN, remainder 0).
        (_, true) => ((b as i32).wrapping_div(c as i32) as u32, (b as i32).wrapping_rem(c as i32) as u32),
    }
}

impl DivRemChip {
    /// One row per DIV, DIVU, REM or REMU event, padded with zero rows to a power of two.
    ///
    /// The event's result is the quotient or remainder column; the other is computed from `b`
    /// and `c`, so an event with a wrong result gives a row that fails.
    pub fn generate_trace<F: Field>(events: &[AluEvent], bytes: &mut ByteCounts) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(pad_rows(events.len()) * NUM_DIV_REM_COLS);
        for (row, event) in values.chunks_exact_mut(NUM_DIV_REM_COLS).zip(events) {
            let (q, r) = div_rem(event.b, event.c, matches!(event.op, Opcode::Div | Opcode::Rem));
            let (q, r) = if matches!(event.op, Opcode::Div | Opcode::Divu) { (event.a, r) } else { (q, event.a) };
            Self::fill_row(row, event.op, event.b, event.c, q, r, bytes);
        }
        RowMajorMatrix::new(values, NUM_DIV_REM_COLS)
    }

    /// Writes the row for `b` divided by `c` with the claimed quotient `q` and remainder `r`,
    /// deriving every other column from them (the honest choice for any claim; the row
    /// satisfies the chip exactly when the claim is right).
    pub fn fill_row<F: Field>(row: &mut [F], op: Opcode, b: u32, c: u32, q: u32, r: u32, bytes: &mut ByteCounts) {
        let cols: &mut DivRemCols<F> = row.borrow_mut();
        let signed = matches!(op, Opcode::Div | Opcode::Rem);
        cols.is_div = F::from_bool(op == Opcode::Div);
        cols.is_divu = F::from_bool(op == Opcode::Divu);
        cols.is_rem = F::from_bool(op == Opcode::Rem);
        cols.is_remu = F::from_bool(op == Opcode::Remu);

        let overflow = signed && b == 0x8000_0000 && c == u32::MAX;
        let neg = |x: u32| signed && x >> 31 == 1;
        let (b_neg, c_neg, q_neg, r_neg) = (neg(b) && !overflow, neg(c), neg(q), neg(r));
        cols.b_neg = F::from_bool(b_neg);
        cols.c_neg = F::from_bool(c_neg);
        cols.q_neg = F::from_bool(q_neg);
        cols.r_neg = F::from_bool(r_neg);
        cols.is_overflow = F::from_bool(overflow);
        let [bb, cb, qb, rb] = [b, c, q, r].map(u32::to_le_bytes);
        if signed {
            bytes.range(bb[3] << 1, cb[3] << 1);
            bytes.range(qb[3] << 1, rb[3] << 1);
        }

        let c_sum: u32 = cb.iter().map(|&x| u32::from(x)).sum();
        cols.is_c_zero = F::from_bool(c == 0);
        cols.c_sum_inv = F::from_u32(c_sum).try_inverse().unwrap_or(F::ZERO);

        let sums = product_sums_bytes(&extend_bytes(c, c_neg), &extend_bytes(q, q_neg));
        let r_ext = extend_bytes(r, r_neg);
        let mut carry = 0u32;
        for k in 0..8 {
            carry = (sums[k] + u32::from(r_ext[k]) + carry) >> 8;
            cols.carry[k] = F::from_u32(carry);
            bytes.u16(carry as u16);
        }

        let (d, lt_carry) = if c == 0 { ([0; 4], [0; 3]) } else { lt_witness(c, c_neg, r, r_neg) };
        cols.d = d.map(F::from_u8);
        cols.lt_carry = lt_carry.map(F::from_u8);
        bytes.range(lt_carry[0], lt_carry[1]);
        bytes.range(lt_carry[2], 0);

        cols.b = bb.map(F::from_u8);
        cols.c = cb.map(F::from_u8);
        cols.q = qb.map(F::from_u8);
        cols.r = rb.map(F::from_u8);
        bytes.range_slice(&[bb, cb, qb, rb, d].concat());
    }
}

/// `d = |c| − |r| − 1` and the carries of `|r| + 1 + d = |c|` (clamped to bytes where a wrong
/// remainder makes them meaningless).
fn lt_witness(c: u32, c_neg: bool, r: u32, r_neg: bool) -> ([u8; 4], [u8; 3]) {
    let abs = |x: u32, neg: bool| if neg { x.wrapping_neg() } else { x };
    let flip = |x: u32, neg: bool| if neg { !x } else { x }.to_le_bytes();
    let d = abs(c, c_neg).wrapping_sub(abs(r, r_neg)).wrapping_sub(1).to_le_bytes();
    let (c_flip, r_flip) = (flip(c, c_neg), flip(r, r_neg));
    let mut lt_carry = [0u8; 3];
    let mut carry_in = 0i32;
    for (i, slot) in lt_carry.iter_mut().enumerate() {
        let mut diff = i32::from(r_flip[i]) + i32::from(d[i]) + carry_in - i32::from(c_flip[i]);
        if i == 0 {
            diff += i32::from(r_neg) + 1 - i32::from(c_neg);
        }
        *slot = (diff >> 8).clamp(0, 255) as u8;
        carry_in = i32::from(*slot);
    }
    (d, lt_carry)
}
