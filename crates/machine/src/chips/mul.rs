//! MUL, MULH, MULHSU and MULHU: the 64-bit product of two sign- or zero-extended words.
//!
//! Both operands are extended to eight bytes: bytes 4..8 of `b` are `255·b_neg` and of `c`
//! `255·c_neg`, where `b_neg = b_msb·(is_mulh + is_mulhsu)` and `c_neg = c_msb·is_mulh` (so an
//! unsigned operand always extends with zeros). The sign bit `msb` of byte 3 is proven by
//! looking up `2·byte_3 − 256·msb` as a byte, which holds exactly when `byte_3 = 128·msb + rest`
//! with `rest < 128`. The low eight bytes of the product come from the schoolbook identity
//!
//! `Σ_{i+j=k} b_i·c_j + carry_{k-1} = out_k + 256·carry_k` for `k = 0..8`,
//!
//! with every `out_k` a byte and every carry below `2^16`. Each side stays below `2^24 < p`,
//! so the identities hold over the integers and `out = b·c mod 2^64`. The ALU result is
//! `out[0..4]` for MUL and `out[4..8]` for the MULH variants.

use core::borrow::{Borrow, BorrowMut};

use cairn_executor::Opcode;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{alu_receive, range_byte_slice, range_bytes, range_u16};
use crate::chips::{op_expr, pad_rows};
use crate::columns::impl_columns;
use crate::events::{AluEvent, ByteCounts};

/// Columns of the MUL chip.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct MulCols<T> {
    /// The row is a MUL.
    pub is_mul: T,
    /// The row is a MULH.
    pub is_mulh: T,
    /// The row is a MULHSU.
    pub is_mulhsu: T,
    /// The row is a MULHU.
    pub is_mulhu: T,
    /// First operand bytes.
    pub b: [T; 4],
    /// Second operand bytes.
    pub c: [T; 4],
    /// Top bit of `b`.
    pub b_msb: T,
    /// Top bit of `c`.
    pub c_msb: T,
    /// `b` is read as signed and is negative.
    pub b_neg: T,
    /// `c` is read as signed and is negative.
    pub c_neg: T,
    /// The low eight bytes of the extended product.
    pub out: [T; 8],
    /// Carry out of each product byte.
    pub carry: [T; 8],
}
impl_columns!(MulCols, NUM_MUL_COLS);

/// The MUL chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct MulChip;

impl<F: Field> BaseAir<F> for MulChip {
    fn width(&self) -> usize {
        NUM_MUL_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

/// A word's eight-byte extension: its bytes, then four copies of `255·neg`.
pub(crate) fn extend<AB: AirBuilder>(word: &[AB::Var; 4], neg: AB::Var) -> [AB::Expr; 8] {
    core::array::from_fn(|i| if i < 4 { word[i].into() } else { neg * AB::F::from_u8(255) })
}

/// The column sums `Σ_{i+j=k} x_i·y_j` of the schoolbook product, for `k = 0..8`.
pub(crate) fn product_sums<AB: AirBuilder>(x: &[AB::Expr; 8], y: &[AB::Expr; 8]) -> [AB::Expr; 8] {
    core::array::from_fn(|k| (0..=k).map(|i| x[i].clone() * y[k - i].clone()).sum())
}

/// `2·byte − 256·msb`: a byte exactly when `msb` is the top bit of the byte `byte`.
pub(crate) fn low_bits_doubled<AB: AirBuilder>(byte: AB::Var, msb: impl Into<AB::Expr>) -> AB::Expr {
    byte * AB::F::TWO - msb.into() * AB::F::from_u32(256)
}

/// [`extend`] on concrete bytes.
pub(crate) fn extend_bytes(word: u32, neg: bool) -> [u8; 8] {
    let w = word.to_le_bytes();
    core::array::from_fn(|i| if i < 4 { w[i] } else { 255 * u8::from(neg) })
}

/// [`product_sums`] on concrete bytes (each sum is below `8·255² < 2^20`).
pub(crate) fn product_sums_bytes(x: &[u8; 8], y: &[u8; 8]) -> [u32; 8] {
    core::array::from_fn(|k| (0..=k).map(|i| u32::from(x[i]) * u32::from(y[k - i])).sum())
}

impl<AB: InteractionBuilder> Air<AB> for MulChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &MulCols<AB::Var> = main.current_slice().borrow();
        let is_high: AB::Expr = local.is_mulh + local.is_mulhsu + local.is_mulhu;
        let is_real: AB::Expr = is_high.clone() + local.is_mul;
        for flag in [local.is_mul, local.is_mulh, local.is_mulhsu, local.is_mulhu] {
            builder.assert_bool(flag);
        }
        builder.assert_bool(is_real.clone());

        // Signs: the true top bits, kept only for the operands the operation reads as signed.
        builder.assert_bool(local.b_msb);
        builder.assert_bool(local.c_msb);
        builder.assert_eq(local.b_neg, local.b_msb * (local.is_mulh + local.is_mulhsu));
        builder.assert_eq(local.c_neg, local.c_msb * local.is_mulh);
        range_bytes(
            builder,
            low_bits_doubled::<AB>(local.b[3], local.b_msb),
            low_bits_doubled::<AB>(local.c[3], local.c_msb),
            is_real.clone(),
        );

        // out = b_ext · c_ext mod 2^64, byte by byte.
        let sums = product_sums::<AB>(&extend::<AB>(&local.b, local.b_neg), &extend::<AB>(&local.c, local.c_neg));
        let mut carry_in = AB::Expr::ZERO;
        for (k, sum) in sums.into_iter().enumerate() {
            builder.assert_zero(sum + carry_in - local.out[k] - local.carry[k] * AB::F::from_u32(256));
            range_u16(builder, local.carry[k], is_real.clone());
            carry_in = local.carry[k].into();
        }

        let bytes: Vec<AB::Var> = local.b.iter().chain(&local.c).chain(&local.out).copied().collect();
        range_byte_slice(builder, &bytes, is_real.clone());

        let a: [AB::Expr; 4] = core::array::from_fn(|i| local.out[i] * local.is_mul + local.out[i + 4] * is_high.clone());
        let op = op_expr::<AB>(Opcode::Mul) * local.is_mul
            + op_expr::<AB>(Opcode::Mulh) * local.is_mulh
            + op_expr::<AB>(Opcode::Mulhsu) * local.is_mulhsu
            + op_expr::<AB>(Opcode::Mulhu) * local.is_mulhu;
        let (b, c): ([AB::Expr; 4], [AB::Expr; 4]) = (local.b.map(Into::into), local.c.map(Into::into));
        alu_receive(builder, op, &a, &b, &c, is_real);
    }
}

impl MulChip {
    /// One row per MUL, MULH, MULHSU or MULHU event, padded with zero rows to a power of two.
    ///
    /// The half of `out` that forms the result is taken from the event, the rest of the row is
    /// computed from `b` and `c`; an event with a wrong result gives a row that fails.
    pub fn generate_trace<F: Field>(events: &[AluEvent], bytes: &mut ByteCounts) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(pad_rows(events.len()) * NUM_MUL_COLS);
        for (row, event) in values.chunks_exact_mut(NUM_MUL_COLS).zip(events) {
            let cols: &mut MulCols<F> = row.borrow_mut();
            let (b_signed, c_signed) = match event.op {
                Opcode::Mulh => (true, true),
                Opcode::Mulhsu => (true, false),
                _ => (false, false),
            };
            cols.is_mul = F::from_bool(event.op == Opcode::Mul);
            cols.is_mulh = F::from_bool(event.op == Opcode::Mulh);
            cols.is_mulhsu = F::from_bool(event.op == Opcode::Mulhsu);
            cols.is_mulhu = F::from_bool(event.op == Opcode::Mulhu);

            let (b_msb, c_msb) = (event.b >> 31 == 1, event.c >> 31 == 1);
            let (b_neg, c_neg) = (b_msb && b_signed, c_msb && c_signed);
            cols.b_msb = F::from_bool(b_msb);
            cols.c_msb = F::from_bool(c_msb);
            cols.b_neg = F::from_bool(b_neg);
            cols.c_neg = F::from_bool(c_neg);
            let (b, c) = (event.b.to_le_bytes(), event.c.to_le_bytes());
            bytes.range(b[3] << 1, c[3] << 1);

            let sums = product_sums_bytes(&extend_bytes(event.b, b_neg), &extend_bytes(event.c, c_neg));
            let mut out = [0u8; 8];
            let mut carry = 0u32;
            for k in 0..8 {
                let total = sums[k] + carry;
                out[k] = total as u8;
                carry = total >> 8;
                cols.carry[k] = F::from_u32(carry);
                bytes.u16(carry as u16);
            }
            let result = if event.op == Opcode::Mul { 0..4 } else { 4..8 };
            out[result].copy_from_slice(&event.a.to_le_bytes());

            cols.b = b.map(F::from_u8);
            cols.c = c.map(F::from_u8);
            cols.out = out.map(F::from_u8);
            bytes.range_slice(&[&b[..], &c[..], &out[..]].concat());
        }
        RowMajorMatrix::new(values, NUM_MUL_COLS)
    }
}
