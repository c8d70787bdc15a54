//! ADD and SUB on 32-bit words, bytewise with carries.
//!
//! Both are the relation `x + y = z (mod 2^32)`: ADD with `(x, y, z) = (b, c, a)`, SUB with
//! `(x, y, z) = (a, c, b)`. Per byte, `x_i + y_i + carry_{i-1} = z_i + 256·carry_i` with boolean
//! carries; all twelve bytes are range-checked.

use core::borrow::{Borrow, BorrowMut};

use cairn_executor::Opcode;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{alu_receive, range_byte_slice};
use crate::chips::{op_expr, pad_rows};
use crate::columns::impl_columns;
use crate::events::{AluEvent, ByteCounts};

/// Columns of the ADD/SUB chip.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct AddSubCols<T> {
    /// The row is an ADD.
    pub is_add: T,
    /// The row is a SUB.
    pub is_sub: T,
    /// Result bytes.
    pub a: [T; 4],
    /// First operand bytes.
    pub b: [T; 4],
    /// Second operand bytes.
    pub c: [T; 4],
    /// Carry out of each byte of `x + y`.
    pub carry: [T; 4],
}
impl_columns!(AddSubCols, NUM_ADD_SUB_COLS);

/// The ADD/SUB chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct AddSubChip;

impl<F: Field> BaseAir<F> for AddSubChip {
    fn width(&self) -> usize {
        NUM_ADD_SUB_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

impl<AB: InteractionBuilder> Air<AB> for AddSubChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &AddSubCols<AB::Var> = main.current_slice().borrow();
        let is_real: AB::Expr = local.is_add + local.is_sub;
        builder.assert_bool(local.is_add);
        builder.assert_bool(local.is_sub);
        builder.assert_bool(is_real.clone());

        let mut carry_in = AB::Expr::ZERO;
        for i in 0..4 {
            let x = local.b[i] * local.is_add + local.a[i] * local.is_sub;
            let z = local.a[i] * local.is_add + local.b[i] * local.is_sub;
            builder.assert_bool(local.carry[i]);
            builder.assert_zero(x + local.c[i] + carry_in - z - local.carry[i] * AB::F::from_u32(256));
            carry_in = local.carry[i].into();
        }

        let bytes: Vec<AB::Var> = local.a.iter().chain(&local.b).chain(&local.c).copied().collect();
        range_byte_slice(builder, &bytes, is_real.clone());
        let op = op_expr::<AB>(Opcode::Add) * local.is_add + op_expr::<AB>(Opcode::Sub) * local.is_sub;
        alu_receive(builder, op, &local.a, &local.b, &local.c, is_real);
    }
}

impl AddSubChip {
    /// One row per ADD or SUB event, padded with zero rows to a power of two.
    pub fn generate_trace<F: Field>(events: &[AluEvent], bytes: &mut ByteCounts) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(pad_rows(events.len()) * NUM_ADD_SUB_COLS);
        for (row, event) in values.chunks_exact_mut(NUM_ADD_SUB_COLS).zip(events) {
            let cols: &mut AddSubCols<F> = row.borrow_mut();
            let is_add = event.op == Opcode::Add;
            cols.is_add = F::from_bool(is_add);
            cols.is_sub = F::from_bool(!is_add);
            let (a, b, c) = (event.a.to_le_bytes(), event.b.to_le_bytes(), event.c.to_le_bytes());
            let (x, y) = if is_add { (b, c) } else { (a, c) };
            let mut carry = 0u32;
            for i in 0..4 {
                carry = (u32::from(x[i]) + u32::from(y[i]) + carry) >> 8;
                cols.carry[i] = F::from_u32(carry);
            }
            cols.a = a.map(F::from_u8);
            cols.b = b.map(F::from_u8);
            cols.c = c.map(F::from_u8);
            bytes.range_slice(&[a, b, c].concat());
        }
        RowMajorMatrix::new(values, NUM_ADD_SUB_COLS)
    }
}
