//! The byte table: every pair of bytes `(x, y)` with `x & y`, `x | y`, `x ^ y` and the 16-bit
//! value `256·x + y`, preprocessed; one multiplicity column per [`ByteOp`].

use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{ByteOp, BYTE};
use crate::columns::impl_columns;
use crate::events::ByteCounts;

/// Height of the byte table: one row per pair of bytes.
pub const BYTE_TABLE_HEIGHT: usize = 1 << 16;

/// Fixed columns of the byte table.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct BytePreprocessedCols<T> {
    /// First byte.
    pub x: T,
    /// Second byte.
    pub y: T,
    /// `x & y`.
    pub and: T,
    /// `x | y`.
    pub or: T,
    /// `x ^ y`.
    pub xor: T,
    /// `256·x + y`, the row index.
    pub u16: T,
}
impl_columns!(BytePreprocessedCols, NUM_BYTE_PREPROCESSED_COLS);

/// Multiplicities of the byte table, one per operation in [`ByteOp::ALL`] order.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct ByteCols<T> {
    /// How often each operation's entry of this row is looked up.
    pub multiplicities: [T; ByteOp::ALL.len()],
}
impl_columns!(ByteCols, NUM_BYTE_COLS);

/// The byte table chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct ByteChip;

impl<F: Field> BaseAir<F> for ByteChip {
    fn width(&self) -> usize {
        NUM_BYTE_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        let mut values = F::zero_vec(BYTE_TABLE_HEIGHT * NUM_BYTE_PREPROCESSED_COLS);
        for (i, row) in values.chunks_exact_mut(NUM_BYTE_PREPROCESSED_COLS).enumerate() {
            let (x, y) = ((i >> 8) as u8, i as u8);
            let cols: &mut BytePreprocessedCols<F> = row.borrow_mut();
            cols.x = F::from_u8(x);
            cols.y = F::from_u8(y);
            cols.and = F::from_u8(x & y);
            cols.or = F::from_u8(x | y);
            cols.xor = F::from_u8(x ^ y);
            cols.u16 = F::from_usize(i);
        }
        Some(RowMajorMatrix::new(values, NUM_BYTE_PREPROCESSED_COLS))
    }

    fn preprocessed_width(&self) -> usize {
        NUM_BYTE_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

use core::borrow::BorrowMut;

impl<AB: InteractionBuilder> Air<AB> for ByteChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &ByteCols<AB::Var> = main.current_slice().borrow();
        let prep = builder.preprocessed().clone();
        let fixed: &BytePreprocessedCols<AB::Var> = prep.current_slice().borrow();
        let zero = || AB::Expr::ZERO;
        for (op, mult) in ByteOp::ALL.into_iter().zip(local.multiplicities) {
            let op_id = AB::Expr::from(AB::F::from_u8(op as u8));
            let fields: [AB::Expr; 4] = match op {
                ByteOp::Range => [op_id, fixed.x.into(), fixed.y.into(), zero()],
                ByteOp::And => [op_id, fixed.x.into(), fixed.y.into(), fixed.and.into()],
                ByteOp::Or => [op_id, fixed.x.into(), fixed.y.into(), fixed.or.into()],
                ByteOp::Xor => [op_id, fixed.x.into(), fixed.y.into(), fixed.xor.into()],
                ByteOp::U16 => [op_id, fixed.u16.into(), zero(), zero()],
            };
            builder.push_interaction(BYTE, fields, Count::provided(-AB::Expr::from(mult)));
        }
    }
}

impl ByteChip {
    /// The multiplicity columns for the lookups counted in `counts`.
    pub fn generate_trace<F: Field>(counts: &ByteCounts) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(BYTE_TABLE_HEIGHT * NUM_BYTE_COLS);
        for (i, row) in values.chunks_exact_mut(NUM_BYTE_COLS).enumerate() {
            let (x, y) = ((i >> 8) as u8, i as u8);
            let cols: &mut ByteCols<F> = row.borrow_mut();
            for (k, op) in ByteOp::ALL.into_iter().enumerate() {
                cols.multiplicities[k] = F::from_u32(counts.get(op, x, y));
            }
        }
        RowMajorMatrix::new(values, NUM_BYTE_COLS)
    }
}
