//! The public-values digest: one row holding its 32 bytes, equal to the public values, against
//! which the CPU's COMMIT syscalls are matched. Each of the 8 words must be committed exactly once.

use core::borrow::{Borrow, BorrowMut};

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::COMMIT;
use crate::chips::pad_rows;
use crate::columns::impl_columns;

/// Number of public values of the commit chip: the digest's bytes.
pub const NUM_COMMIT_PUBLIC_VALUES: usize = 32;

/// Columns of the commit chip.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct CommitCols<T> {
    /// 1 on the first row only.
    pub is_real: T,
    /// The digest, as bytes.
    pub digest: [T; 32],
}
impl_columns!(CommitCols, NUM_COMMIT_COLS);

/// The commit chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct CommitChip;

impl CommitChip {
    /// The trace for `digest`: one real row, then padding.
    pub fn generate_trace<F: Field>(digest: &[u8; 32]) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(pad_rows(1) * NUM_COMMIT_COLS);
        let cols: &mut CommitCols<F> = values[..NUM_COMMIT_COLS].borrow_mut();
        cols.is_real = F::ONE;
        cols.digest = digest.map(F::from_u8);
        RowMajorMatrix::new(values, NUM_COMMIT_COLS)
    }

    /// The chip's public values for `digest`.
    pub fn public_values<F: Field>(digest: &[u8; 32]) -> Vec<F> {
        digest.iter().map(|b| F::from_u8(*b)).collect()
    }
}

impl<F: Field> BaseAir<F> for CommitChip {
    fn width(&self) -> usize {
        NUM_COMMIT_COLS
    }

    fn num_public_values(&self) -> usize {
        NUM_COMMIT_PUBLIC_VALUES
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![0]
    }
}

impl<AB: InteractionBuilder> Air<AB> for CommitChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &CommitCols<AB::Var> = main.current_slice().borrow();
        let next: &CommitCols<AB::Var> = main.next_slice().borrow();
        let public: Vec<AB::Expr> = builder.public_values().iter().map(|v| (*v).into()).collect();
        builder.when_first_row().assert_one(local.is_real);
        builder.when_transition().assert_zero(next.is_real);
        for (byte, value) in local.digest.iter().zip(public) {
            builder.when_first_row().assert_eq(*byte, value);
        }
        for k in 0..8 {
            let index = [AB::Expr::from(AB::F::from_usize(k)), AB::Expr::ZERO, AB::Expr::ZERO, AB::Expr::ZERO];
            let word = local.digest[4 * k..4 * k + 4].iter().map(|b| AB::Expr::from(*b));
            let message: Vec<AB::Expr> = index.into_iter().chain(word).collect();
            builder.push_interaction(COMMIT, message, Count::bounded(-AB::Expr::from(local.is_real), 1));
        }
    }
}
