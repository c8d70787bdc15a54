//! Test AIRs: three tables of different heights talking over two LogUp buses.
//!
//! - `User` (main `[active, x, x2, count]`, 1 public value = number of active rows) looks up
//!   `(x, x2)` on bus "square" and `(x)` on bus "range8" with count `active`.
//! - `SquareTable` (main `[x, x2, mult]`, x = row index) provides `(x, x²)`.
//! - `RangeTable` (preprocessed `[v = 0..255]`, main `[mult]`) provides `(v)`.

#![allow(dead_code, missing_docs, unreachable_pub)]

use cairn_stark::Val;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::{Count, InteractionBuilder, LookupBus};
use p3_matrix::dense::RowMajorMatrix;

const SQUARE_BUS: LookupBus<'static> = LookupBus::new("square");
const RANGE_BUS: LookupBus<'static> = LookupBus::new("range8");
pub const RANGE_BITS: usize = 8;

#[derive(Clone, Copy, Debug)]
pub enum TestAir {
    User,
    SquareTable,
    RangeTable,
}

pub const AIRS: [TestAir; 3] = [TestAir::User, TestAir::SquareTable, TestAir::RangeTable];

impl<F: Field> BaseAir<F> for TestAir {
    fn width(&self) -> usize {
        match self {
            Self::User => 4,
            Self::SquareTable => 3,
            Self::RangeTable => 1,
        }
    }

    fn num_public_values(&self) -> usize {
        match self {
            Self::User => 1,
            _ => 0,
        }
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        match self {
            Self::RangeTable => Some(RowMajorMatrix::new_col(
                (0..1u64 << RANGE_BITS).map(F::from_u64).collect(),
            )),
            _ => None,
        }
    }

    fn preprocessed_width(&self) -> usize {
        match self {
            Self::RangeTable => 1,
            _ => 0,
        }
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        match self {
            Self::User => vec![0, 3],
            Self::SquareTable => vec![0],
            Self::RangeTable => vec![],
        }
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

impl<AB: InteractionBuilder> Air<AB> for TestAir
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        match self {
            Self::User => {
                let main = builder.main();
                let (l, n) = (main.current_slice(), main.next_slice());
                let (active, x, x2, count) = (l[0], l[1], l[2], l[3]);
                let (active_n, count_n) = (n[0], n[3]);
                let num_active = builder.public_values()[0];
                builder.assert_bool(active);
                builder.assert_eq(x2, x * x);
                builder
                    .when_transition()
                    .assert_zero((AB::Expr::ONE - active) * active_n);
                builder.when_first_row().assert_eq(count, active);
                builder
                    .when_transition()
                    .assert_eq(count_n, count + active_n);
                builder.when_last_row().assert_eq(count, num_active);
                SQUARE_BUS.lookup_key(builder, [x, x2], Count::bounded(active.into(), 1));
                RANGE_BUS.lookup_key(builder, [x], Count::bounded(active.into(), 1));
            }
            Self::SquareTable => {
                let main = builder.main();
                let (l, n) = (main.current_slice(), main.next_slice());
                let (x, x2, mult) = (l[0], l[1], l[2]);
                builder.when_first_row().assert_zero(x);
                builder.when_transition().assert_eq(n[0], x + AB::Expr::ONE);
                builder.assert_eq(x2, x * x);
                SQUARE_BUS.table_entry(builder, [x, x2], mult);
            }
            Self::RangeTable => {
                let v = builder.preprocessed().current_slice()[0];
                let mult = builder.main().current_slice()[0];
                RANGE_BUS.table_entry(builder, [v], mult);
            }
        }
    }
}

/// A valid witness: `User` of height `2^log_user` with `padding` trailing inactive rows.
pub struct Witness {
    pub traces: Vec<RowMajorMatrix<Val>>,
    pub public_values: Vec<Vec<Val>>,
}

pub fn witness(log_user: usize, padding: usize) -> Witness {
    let n_user = 1usize << log_user;
    let num_active = n_user.saturating_sub(padding);
    let mut user = Val::zero_vec(n_user * 4);
    let mut sq_mult = vec![0u64; 1 << RANGE_BITS];
    let mut rg_mult = vec![0u64; 1 << RANGE_BITS];
    for i in 0..num_active {
        let x = ((i as u64) * 37 + 11) % (1 << RANGE_BITS);
        let r = &mut user[i * 4..i * 4 + 4];
        r[0] = Val::ONE;
        r[1] = Val::from_u64(x);
        r[2] = Val::from_u64(x * x);
        r[3] = Val::from_u64(i as u64 + 1);
        sq_mult[x as usize] += 1;
        rg_mult[x as usize] += 1;
    }
    for row in user.chunks_mut(4).skip(num_active) {
        row[3] = Val::from_u64(num_active as u64);
    }
    let square = (0..1u64 << RANGE_BITS)
        .flat_map(|x| {
            [
                Val::from_u64(x),
                Val::from_u64(x * x),
                Val::from_u64(sq_mult[x as usize]),
            ]
        })
        .collect();
    let range = rg_mult.iter().map(|&m| Val::from_u64(m)).collect();
    Witness {
        traces: vec![
            RowMajorMatrix::new(user, 4),
            RowMajorMatrix::new(square, 3),
            RowMajorMatrix::new(range, 1),
        ],
        public_values: vec![vec![Val::from_u64(num_active as u64)], vec![], vec![]],
    }
}
