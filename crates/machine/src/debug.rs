//! Evaluating chips on concrete traces, without a proof: which constraints fail on which row,
//! and whether every bus balances across a set of chips.
//!
//! The STARK prover only notices a bad witness when verification fails; this module names the
//! row and the constraint, which is what chip tests and debugging need.

use std::collections::BTreeMap;

use p3_air::{Air, AirBuilder, RowWindow};
use p3_field::{Field, PrimeField32};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;
use p3_matrix::Matrix;

/// A constraint that does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("constraint #{constraint} fails on row {row}")]
pub struct ConstraintFailure {
    /// The row (the last row's "next" row is row 0).
    pub row: usize,
    /// Index of the constraint in evaluation order.
    pub constraint: usize,
}

/// A bus whose messages do not cancel out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("bus `{bus}` is unbalanced: message {message:?} has net multiplicity {net}")]
pub struct Imbalance {
    /// The bus.
    pub bus: String,
    /// The message, as canonical field values.
    pub message: Vec<u32>,
    /// Sends minus receives (as a signed integer, from the field value).
    pub net: i64,
}

/// The global interactions of one chip's trace: `(bus, message, signed count)`.
pub type Interactions = Vec<(String, Vec<u32>, i64)>;

/// Evaluates `air` on every row of `main`; returns its interactions when all constraints hold.
pub fn check_chip<F, A>(
    air: &A,
    main: &RowMajorMatrix<F>,
    preprocessed: Option<&RowMajorMatrix<F>>,
    public_values: &[F],
) -> Result<Interactions, ConstraintFailure>
where
    F: PrimeField32,
    A: for<'a> Air<DebugBuilder<'a, F>>,
{
    let mut interactions = Vec::new();
    for row in 0..main.height() {
        interactions.extend(check_row(air, main, preprocessed, public_values, row)?);
    }
    Ok(interactions)
}

/// Evaluates `air` on row `row` of `main` (its next row wraps around); returns the row's
/// interactions when its constraints hold.
pub fn check_row<F, A>(
    air: &A,
    main: &RowMajorMatrix<F>,
    preprocessed: Option<&RowMajorMatrix<F>>,
    public_values: &[F],
    row: usize,
) -> Result<Interactions, ConstraintFailure>
where
    F: PrimeField32,
    A: for<'a> Air<DebugBuilder<'a, F>>,
{
    let height = main.height();
    let next = (row + 1) % height;
    let row_of = |m: &'_ RowMajorMatrix<F>, r: usize| -> Vec<F> { m.row_slice(r).map(|s| s.to_vec()).unwrap_or_default() };
    let (local, local_next) = (row_of(main, row), row_of(main, next));
    let (prep, prep_next) = match preprocessed {
        Some(p) => (row_of(p, row), row_of(p, next)),
        None => (Vec::new(), Vec::new()),
    };
    let mut builder = DebugBuilder {
        main: RowWindow::from_two_rows(&local, &local_next),
        preprocessed: RowWindow::from_two_rows(&prep, &prep_next),
        public_values,
        row,
        height,
        constraint: 0,
        failure: None,
        interactions: Vec::new(),
    };
    air.eval(&mut builder);
    match builder.failure {
        Some(constraint) => Err(ConstraintFailure { row, constraint }),
        None => Ok(builder.interactions),
    }
}

/// Sums interactions per bus and message over the buses `buses` accepts; every net
/// multiplicity must be zero.
pub fn check_buses<'a>(
    chips: impl IntoIterator<Item = &'a Interactions>,
    buses: impl Fn(&str) -> bool,
) -> Result<(), Imbalance> {
    let mut net: BTreeMap<(&str, &[u32]), i64> = BTreeMap::new();
    for interactions in chips {
        for (bus, message, count) in interactions.iter().filter(|(bus, _, _)| buses(bus)) {
            *net.entry((bus.as_str(), message.as_slice())).or_default() += count;
        }
    }
    match net.into_iter().find(|(_, n)| *n != 0) {
        None => Ok(()),
        Some(((bus, message), net)) => Err(Imbalance { bus: bus.to_owned(), message: message.to_vec(), net }),
    }
}

/// An [`AirBuilder`] over concrete values that records the first failing constraint and every
/// interaction with a non-zero count.
pub struct DebugBuilder<'a, F: Field> {
    main: RowWindow<'a, F>,
    preprocessed: RowWindow<'a, F>,
    public_values: &'a [F],
    row: usize,
    height: usize,
    constraint: usize,
    failure: Option<usize>,
    interactions: Interactions,
}

/// A field element as a signed integer in `(-p/2, p/2]`.
fn signed<F: PrimeField32>(x: F) -> i64 {
    let v = i64::from(x.as_canonical_u32());
    let p = i64::from(F::ORDER_U32);
    if v > p / 2 {
        v - p
    } else {
        v
    }
}

impl<'a, F: PrimeField32> AirBuilder for DebugBuilder<'a, F> {
    type F = F;
    type Expr = F;
    type Var = F;
    type PreprocessedWindow = RowWindow<'a, F>;
    type MainWindow = RowWindow<'a, F>;
    type PublicVar = F;
    type PeriodicVar = F;

    fn main(&self) -> Self::MainWindow {
        self.main
    }

    fn preprocessed(&self) -> &Self::PreprocessedWindow {
        &self.preprocessed
    }

    fn is_first_row(&self) -> F {
        F::from_bool(self.row == 0)
    }

    fn is_last_row(&self) -> F {
        F::from_bool(self.row + 1 == self.height)
    }

    fn is_transition(&self) -> F {
        F::from_bool(self.row + 1 != self.height)
    }

    fn assert_zero<I: Into<F>>(&mut self, x: I) {
        if x.into() != F::ZERO && self.failure.is_none() {
            self.failure = Some(self.constraint);
        }
        self.constraint += 1;
    }

    fn public_values(&self) -> &[F] {
        self.public_values
    }
}

impl<F: PrimeField32> InteractionBuilder for DebugBuilder<'_, F> {
    fn push_interaction<E: Into<F>>(&mut self, bus_name: &str, fields: impl IntoIterator<Item = E>, count: impl Into<Count<F>>) {
        let (count, _) = count.into().into_parts();
        if count != F::ZERO {
            let message = fields.into_iter().map(|f| f.into().as_canonical_u32()).collect();
            self.interactions.push((bus_name.to_owned(), message, signed(count)));
        }
    }

    fn push_local_interaction(&mut self, tuples: impl IntoIterator<Item = (Vec<F>, Count<F>)>) {
        for (fields, count) in tuples {
            self.push_interaction("<local>", fields, count);
        }
    }
}
