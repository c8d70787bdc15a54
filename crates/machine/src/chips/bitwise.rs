//! XOR, OR and AND on 32-bit words, one byte-table lookup per byte.
//!
//! Per byte the chip looks up `(op, b_i, c_i, a_i)` in the byte table, whose AND/OR/XOR entries
//! exist only for bytes `b_i`, `c_i` with `a_i = b_i op c_i`: the lookup both computes the result
//! and range-checks all twelve bytes. The byte-table operation is a linear combination of the
//! boolean opcode flags, so one lookup per byte serves all three opcodes.

use core::borrow::{Borrow, BorrowMut};

use cairn_executor::Opcode;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{alu_receive, ByteOp, BYTE};
use crate::chips::{op_expr, pad_rows};
use crate::columns::impl_columns;
use crate::events::{AluEvent, ByteCounts};

/// Columns of the bitwise chip.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct BitwiseCols<T> {
    /// The row is an XOR.
    pub is_xor: T,
    /// The row is an OR.
    pub is_or: T,
    /// The row is an AND.
    pub is_and: T,
    /// Result bytes.
    pub a: [T; 4],
    /// First operand bytes.
    pub b: [T; 4],
    /// Second operand bytes.
    pub c: [T; 4],
}
impl_columns!(BitwiseCols, NUM_BITWISE_COLS);

/// The XOR/OR/AND chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct BitwiseChip;

impl<F: Field> BaseAir<F> for BitwiseChip {
    fn width(&self) -> usize {
        NUM_BITWISE_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

/// The byte-table operation for an opcode of this chip; another opcode is a routing bug.
#[allow(clippy::panic, reason = "events are routed to chips by opcode; a stray one is a programmer error")]
fn byte_op(op: Opcode) -> ByteOp {
    match op {
        Opcode::Xor => ByteOp::Xor,
        Opcode::Or => ByteOp::Or,
        Opcode::And => ByteOp::And,
        other => panic!("BitwiseChip got a {other:?} event; it serves only XOR, OR and AND"),
    }
}

impl<AB: InteractionBuilder> Air<AB> for BitwiseChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &BitwiseCols<AB::Var> = main.current_slice().borrow();
        let flags = [(local.is_xor, Opcode::Xor), (local.is_or, Opcode::Or), (local.is_and, Opcode::And)];
        let mut is_real = AB::Expr::ZERO;
        let mut alu_op = AB::Expr::ZERO;
        let mut table_op = AB::Expr::ZERO;
        for (flag, op) in flags {
            builder.assert_bool(flag);
            is_real += flag.into();
            alu_op += op_expr::<AB>(op) * flag;
            table_op += AB::Expr::from(AB::F::from_u8(byte_op(op) as u8)) * flag;
        }
        builder.assert_bool(is_real.clone());

        for i in 0..4 {
            let fields = [table_op.clone(), local.b[i].into(), local.c[i].into(), local.a[i].into()];
            builder.push_interaction(BYTE, fields, Count::bounded(is_real.clone(), 1));
        }
        alu_receive(builder, alu_op, &local.a, &local.b, &local.c, is_real);
    }
}

impl BitwiseChip {
    /// One row per XOR, OR or AND event, padded with zero rows to a power of two.
    ///
    /// # Panics
    /// If an event has another opcode (a routing bug in the caller).
    pub fn generate_trace<F: Field>(events: &[AluEvent], bytes: &mut ByteCounts) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(pad_rows(events.len()) * NUM_BITWISE_COLS);
        for (row, event) in values.chunks_exact_mut(NUM_BITWISE_COLS).zip(events) {
            let cols: &mut BitwiseCols<F> = row.borrow_mut();
            let op = byte_op(event.op);
            cols.is_xor = F::from_bool(op == ByteOp::Xor);
            cols.is_or = F::from_bool(op == ByteOp::Or);
            cols.is_and = F::from_bool(op == ByteOp::And);
            let (a, b, c) = (event.a.to_le_bytes(), event.b.to_le_bytes(), event.c.to_le_bytes());
            cols.a = a.map(F::from_u8);
            cols.b = b.map(F::from_u8);
            cols.c = c.map(F::from_u8);
            for i in 0..4 {
                bytes.add(op, b[i], c[i]);
            }
        }
        RowMajorMatrix::new(values, NUM_BITWISE_COLS)
    }
}
