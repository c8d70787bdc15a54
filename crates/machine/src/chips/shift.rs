//! SLL, SRL and SRA: `a = b` shifted by `s = c & 31`.
//!
//! The shift splits as `s = r + 8·q` with three boolean bits `r_k` of `r` and a one-hot flag per
//! byte shift `q` in `0..4`. One lookup `(AND, c_0, 31, r + 8·q)` both range-checks `c_0` and ties
//! the decomposition to it; the other bytes of `c` are only range-checked.
//!
//! Bit shift: every operand byte is multiplied by `mult` and split as
//! `b_i·mult = lo_i + 256·hi_i` with both parts range-checked bytes. All terms are below `2^17`,
//! so this is integer division and the parts are forced. For SLL `mult = 2^r`: `lo_i` is the byte
//! shifted left and `hi_i` the bits that move up into byte `i+1`. For SRL/SRA `mult = 2^(8-r)`:
//! `hi_i = b_i >> r` and `lo_i` the bits that move down into byte `i-1`. A column
//! `pow = (is_real + r_0)(1 + 3·r_1)(1 + 15·r_2)` is `2^r` on real rows (0 on padding rows), and
//! `mult = pow` (SLL) or `mult·pow = 256` (SRL/SRA) fixes `mult`.
//!
//! SRA: `sign` is the top bit of `b_3`, from `(AND, b_3, 128·is_sra, 128·sign)` (so 0 unless SRA;
//! the lookup also range-checks `b_3`). Byte 3 is split as a signed value,
//! `(b_3 - 256·sign)·mult = lo_3 + 256·(hi_3 - 256·sign)`, so `hi_3` is the top byte of the
//! arithmetic shift, sign bits included; the bytes shifted in above it are `255·sign`.
//!
//! Byte shift: with `v_i = lo_i + hi_{i-1}` (SLL) or `w_i = hi_i + lo_{i+1}` (right shifts,
//! `w_3 = hi_3`, `w_{≥4} = 255·sign`), `a_i = Σ_j flag_j·v_{i-j}` or `a_i = Σ_j flag_j·w_{i+j}`,
//! filtered by the direction: degree 3. `a` is thus a function of range-checked values and needs no
//! range check of its own. Lookups per row: 9 byte-table, 1 ALU.

use core::borrow::{Borrow, BorrowMut};

use cairn_executor::Opcode;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{alu_receive, byte_lookup, range_bytes, ByteOp};
use crate::chips::{op_expr, pad_rows};
use crate::columns::impl_columns;
use crate::events::{AluEvent, ByteCounts};

/// Columns of the shift chip.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct ShiftCols<T> {
    /// The row is an SLL.
    pub is_sll: T,
    /// The row is an SRL.
    pub is_srl: T,
    /// The row is an SRA.
    pub is_sra: T,
    /// Result bytes.
    pub a: [T; 4],
    /// Operand bytes.
    pub b: [T; 4],
    /// Shift-amount bytes (only the low 5 bits count).
    pub c: [T; 4],
    /// Bits of the bit shift `r = s & 7`, low first.
    pub bit_shift: [T; 3],
    /// One-hot: `byte_shift[q]` is 1 for the byte shift `q = s >> 3`.
    pub byte_shift: [T; 4],
    /// `2^r` on real rows.
    pub pow: T,
    /// The per-byte multiplier: `2^r` for SLL, `2^(8-r)` for SRL/SRA.
    pub mult: T,
    /// Low byte of each `b_i·mult`.
    pub lo: [T; 4],
    /// High byte of each `b_i·mult` (byte 3 signed for SRA).
    pub hi: [T; 4],
    /// SRA only: the sign bit of `b`.
    pub sign: T,
}
impl_columns!(ShiftCols, NUM_SHIFT_COLS);

/// The SLL/SRL/SRA chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShiftChip;

impl<F: Field> BaseAir<F> for ShiftChip {
    fn width(&self) -> usize {
        NUM_SHIFT_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

impl<AB: InteractionBuilder> Air<AB> for ShiftChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &ShiftCols<AB::Var> = main.current_slice().borrow();
        let k = |v: u32| AB::F::from_u32(v);
        let is_right: AB::Expr = local.is_srl + local.is_sra;
        let is_real: AB::Expr = is_right.clone() + local.is_sll;
        for flag in [local.is_sll, local.is_srl, local.is_sra, local.sign] {
            builder.assert_bool(flag);
        }
        builder.assert_bool(is_real.clone());

        // The shift amount: s = r + 8·q from bits and a one-hot byte shift.
        let mut shift = AB::Expr::ZERO;
        for (i, &bit) in local.bit_shift.iter().enumerate() {
            builder.assert_bool(bit);
            shift += bit * k(1 << i);
        }
        let mut flags = AB::Expr::ZERO;
        for (q, &flag) in local.byte_shift.iter().enumerate() {
            builder.assert_bool(flag);
            flags += flag.into();
            shift += flag * k(8 * q as u32);
        }
        builder.assert_eq(flags, is_real.clone());
        byte_lookup(builder, ByteOp::And, local.c[0], k(31), shift, is_real.clone());

        // The multiplier: 2^r for SLL, 2^(8-r) for right shifts (`pow` is 0 on zero rows).
        let [r0, r1, r2] = local.bit_shift;
        let pow = (is_real.clone() + r0) * (r1 * k(3) + AB::Expr::ONE) * (r2 * k(15) + AB::Expr::ONE);
        builder.assert_eq(local.pow, pow);
        builder.when(local.is_sll).assert_eq(local.mult, local.pow);
        builder.when(is_right.clone()).assert_eq(local.mult * local.pow, k(256));

        // Bit shift: b_i·mult = lo_i + 256·hi_i, byte 3 signed for SRA.
        byte_lookup(builder, ByteOp::And, local.b[3], local.is_sra * k(128), local.sign * k(128), is_real.clone());
        for i in 0..4 {
            let signed = if i == 3 { local.sign * k(256) } else { AB::Expr::ZERO };
            let split = local.lo[i] + (local.hi[i] - signed.clone()) * k(256);
            builder.assert_eq((local.b[i] - signed) * local.mult, split);
            range_bytes(builder, local.lo[i], local.hi[i], is_real.clone());
        }
        range_bytes(builder, local.b[0], local.b[1], is_real.clone());
        range_bytes(builder, local.b[2], local.c[3], is_real.clone());
        range_bytes(builder, local.c[1], local.c[2], is_real.clone());

        // Byte shift.
        let left: Vec<AB::Expr> = (0..4)
            .map(|i| if i == 0 { local.lo[0].into() } else { local.lo[i] + local.hi[i - 1] })
            .collect();
        let fill: AB::Expr = local.sign * k(255);
        let right: Vec<AB::Expr> = (0..7)
            .map(|i| match i {
                0..=2 => local.hi[i] + local.lo[i + 1],
                3 => local.hi[3].into(),
                _ => fill.clone(),
            })
            .collect();
        for i in 0..4 {
            let mut shifted_left = AB::Expr::ZERO;
            let mut shifted_right = AB::Expr::ZERO;
            for (q, &flag) in local.byte_shift.iter().enumerate() {
                if q <= i {
                    shifted_left += left[i - q].clone() * flag;
                }
                shifted_right += right[i + q].clone() * flag;
            }
            builder.when(local.is_sll).assert_eq(local.a[i], shifted_left);
            builder.when(is_right.clone()).assert_eq(local.a[i], shifted_right);
        }

        let op = op_expr::<AB>(Opcode::Sll) * local.is_sll
            + op_expr::<AB>(Opcode::Srl) * local.is_srl
            + op_expr::<AB>(Opcode::Sra) * local.is_sra;
        alu_receive(builder, op, &local.a, &local.b, &local.c, is_real);
    }
}

impl ShiftChip {
    /// One row per SLL, SRL or SRA event, padded with zero rows to a power of two.
    ///
    /// The result columns are the event's `a`; a wrong result makes the trace fail the constraints.
    pub fn generate_trace<F: Field>(events: &[AluEvent], bytes: &mut ByteCounts) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(pad_rows(events.len()) * NUM_SHIFT_COLS);
        for (row, event) in values.chunks_exact_mut(NUM_SHIFT_COLS).zip(events) {
            let cols: &mut ShiftCols<F> = row.borrow_mut();
            debug_assert!(
                matches!(event.op, Opcode::Sll | Opcode::Srl | Opcode::Sra),
                "ShiftChip got a {:?} event",
                event.op
            );
            let (a, b, c) = (event.a.to_le_bytes(), event.b.to_le_bytes(), event.c.to_le_bytes());
            let (is_sll, is_sra) = (event.op == Opcode::Sll, event.op == Opcode::Sra);
            let sign = is_sra && b[3] >= 128;
            let (r, q) = (c[0] & 7, usize::from((c[0] >> 3) & 3));
            let mult: i32 = if is_sll { 1 << r } else { 256 >> r };

            cols.is_sll = F::from_bool(is_sll);
            cols.is_srl = F::from_bool(event.op == Opcode::Srl);
            cols.is_sra = F::from_bool(is_sra);
            cols.a = a.map(F::from_u8);
            cols.b = b.map(F::from_u8);
            cols.c = c.map(F::from_u8);
            cols.bit_shift = core::array::from_fn(|k| F::from_bool((r >> k) & 1 == 1));
            cols.byte_shift[q] = F::ONE;
            cols.pow = F::from_u32(1 << r);
            cols.mult = F::from_u32(mult as u32);
            cols.sign = F::from_bool(sign);
            for (i, &byte) in b.iter().enumerate() {
                let value = i32::from(byte) - if i == 3 && sign { 256 } else { 0 };
                let product = value * mult;
                // Two's complement: the low byte, and the (signed) high part modulo 256.
                let (lo, hi) = ((product & 255) as u8, ((product >> 8) & 255) as u8);
                cols.lo[i] = F::from_u8(lo);
                cols.hi[i] = F::from_u8(hi);
                bytes.range(lo, hi);
            }

            bytes.add(ByteOp::And, c[0], 31);
            bytes.add(ByteOp::And, b[3], if is_sra { 128 } else { 0 });
            bytes.range(b[0], b[1]);
            bytes.range(b[2], c[3]);
            bytes.range(c[1], c[2]);
        }
        RowMajorMatrix::new(values, NUM_SHIFT_COLS)
    }
}
