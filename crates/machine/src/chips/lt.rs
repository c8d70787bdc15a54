//! SLT and SLTU: `a = [1, 0, 0, 0]` if `b < c` (signed for SLT, unsigned for SLTU), else 0.
//!
//! Signed comparison is unsigned comparison with both sign bits flipped, so the chip compares
//! `x = b ^ flip` and `y = c ^ flip` unsigned, where `flip = 2^31` for SLT and 0 for SLTU. Only the
//! top byte changes: `(XOR, b_3, 128·is_slt, b_top)` computes it and range-checks `b_3` (same for
//! `c`). Then `x - y` is computed in two 16-bit limbs with boolean borrows,
//!
//! ```text
//! x_lo - y_lo                   + 2^16·borrow_lo = diff_lo
//! x_hi - y_hi - borrow_lo       + 2^16·lt        = diff_hi
//! ```
//!
//! where `x_lo = b_0 + 256·b_1`, `x_hi = b_2 + 256·b_top` (likewise `y`) and both `diff` limbs are
//! range-checked below `2^16`. Every term is below `2^18` in absolute value, so the equations hold
//! over the integers, not just mod p; with bytes, boolean borrows and 16-bit differences the
//! borrows are forced, and the final borrow `lt` is exactly `x < y`. The other bytes of `b` and
//! `c` are range-checked in pairs: 7 byte-table lookups per row.

use core::borrow::{Borrow, BorrowMut};

use cairn_executor::Opcode;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{alu_receive, byte_lookup, range_bytes, range_u16, ByteOp};
use crate::chips::{op_expr, pad_rows};
use crate::columns::impl_columns;
use crate::events::{AluEvent, ByteCounts};

/// Columns of the SLT/SLTU chip.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct LtCols<T> {
    /// The row is an SLT.
    pub is_slt: T,
    /// The row is an SLTU.
    pub is_sltu: T,
    /// First operand bytes.
    pub b: [T; 4],
    /// Second operand bytes.
    pub c: [T; 4],
    /// `b_3` with its top bit flipped for SLT, `b_3` for SLTU.
    pub b_top: T,
    /// `c_3` with its top bit flipped for SLT, `c_3` for SLTU.
    pub c_top: T,
    /// `x - y mod 2^32` as two 16-bit limbs, low first.
    pub diff: [T; 2],
    /// Borrow out of the low limb of `x - y`.
    pub borrow_lo: T,
    /// Borrow out of the high limb: `x < y`, the result.
    pub lt: T,
}
impl_columns!(LtCols, NUM_LT_COLS);

/// The SLT/SLTU chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct LtChip;

impl<F: Field> BaseAir<F> for LtChip {
    fn width(&self) -> usize {
        NUM_LT_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

impl<AB: InteractionBuilder> Air<AB> for LtChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &LtCols<AB::Var> = main.current_slice().borrow();
        let is_real: AB::Expr = local.is_slt + local.is_sltu;
        builder.assert_bool(local.is_slt);
        builder.assert_bool(local.is_sltu);
        builder.assert_bool(is_real.clone());
        builder.assert_bool(local.borrow_lo);
        builder.assert_bool(local.lt);

        let limb = |lo: AB::Var, hi: AB::Var| -> AB::Expr { lo + hi * AB::F::from_u32(256) };
        let base = AB::F::from_u32(1 << 16);
        let (x_lo, y_lo) = (limb(local.b[0], local.b[1]), limb(local.c[0], local.c[1]));
        let (x_hi, y_hi) = (limb(local.b[2], local.b_top), limb(local.c[2], local.c_top));
        builder.assert_zero(x_lo - y_lo + local.borrow_lo * base - local.diff[0]);
        builder.assert_zero(x_hi - y_hi - local.borrow_lo + local.lt * base - local.diff[1]);

        // The top bytes: range checks and the sign flip.
        let flip: AB::Expr = local.is_slt * AB::F::from_u32(128);
        byte_lookup(builder, ByteOp::Xor, local.b[3], flip.clone(), local.b_top, is_real.clone());
        byte_lookup(builder, ByteOp::Xor, local.c[3], flip, local.c_top, is_real.clone());
        // The other bytes of the operands, and the difference limbs.
        range_bytes(builder, local.b[0], local.b[1], is_real.clone());
        range_bytes(builder, local.c[0], local.c[1], is_real.clone());
        range_bytes(builder, local.b[2], local.c[2], is_real.clone());
        range_u16(builder, local.diff[0], is_real.clone());
        range_u16(builder, local.diff[1], is_real.clone());

        let op = op_expr::<AB>(Opcode::Slt) * local.is_slt + op_expr::<AB>(Opcode::Sltu) * local.is_sltu;
        let a = [local.lt.into(), AB::Expr::ZERO, AB::Expr::ZERO, AB::Expr::ZERO];
        let b = local.b.map(Into::into);
        let c = local.c.map(Into::into);
        alu_receive::<AB, AB::Expr>(builder, op, &a, &b, &c, is_real);
    }
}

impl LtChip {
    /// One row per SLT or SLTU event, padded with zero rows to a power of two.
    ///
    /// The result column is the event's `a`; a wrong result makes the trace fail the constraints.
    pub fn generate_trace<F: Field>(events: &[AluEvent], bytes: &mut ByteCounts) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(pad_rows(events.len()) * NUM_LT_COLS);
        for (row, event) in values.chunks_exact_mut(NUM_LT_COLS).zip(events) {
            let cols: &mut LtCols<F> = row.borrow_mut();
            debug_assert!(matches!(event.op, Opcode::Slt | Opcode::Sltu), "LtChip got a {:?} event", event.op);
            let is_slt = event.op == Opcode::Slt;
            let flip = if is_slt { 1u32 << 31 } else { 0 };
            let (x, y) = (event.b ^ flip, event.c ^ flip);
            let diff = x.wrapping_sub(y);
            let (b, c) = (event.b.to_le_bytes(), event.c.to_le_bytes());
            let top_flip = (flip >> 24) as u8;

            cols.is_slt = F::from_bool(is_slt);
            cols.is_sltu = F::from_bool(!is_slt);
            cols.b = b.map(F::from_u8);
            cols.c = c.map(F::from_u8);
            cols.b_top = F::from_u8(b[3] ^ top_flip);
            cols.c_top = F::from_u8(c[3] ^ top_flip);
            cols.diff = [F::from_u32(diff & 0xffff), F::from_u32(diff >> 16)];
            cols.borrow_lo = F::from_bool((x & 0xffff) < (y & 0xffff));
            cols.lt = F::from_u32(event.a);

            bytes.add(ByteOp::Xor, b[3], top_flip);
            bytes.add(ByteOp::Xor, c[3], top_flip);
            bytes.range(b[0], b[1]);
            bytes.range(c[0], c[1]);
            bytes.range(b[2], c[2]);
            bytes.u16(diff as u16);
            bytes.u16((diff >> 16) as u16);
        }
        RowMajorMatrix::new(values, NUM_LT_COLS)
    }
}
