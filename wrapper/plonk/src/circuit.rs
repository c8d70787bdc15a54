//! The halo2 circuit: columns, the Cairn gate, the range lookup, and the assignment of a
//! recorded [`Layout`].

use std::sync::Arc;

use ark_ff::{BigInteger, PrimeField};
use halo2_proofs::circuit::{Cell, Layouter, SimpleFloorPlanner, Value};
use halo2_proofs::halo2curves::bn256::Fr as H2Fr;
use halo2_proofs::halo2curves::ff::{Field as _, PrimeField as _};
use halo2_proofs::plonk::{Advice, Any, Circuit, Column, ConstraintSystem, Error, Expression, Fixed, TableColumn};
use halo2_proofs::poly::Rotation;

use crate::builder::{Layout, COEFFS, EMPTY, KIND, LOOKUP_BITS, RC, WIDTH};
use crate::round;

/// The circuit's columns.
#[derive(Clone, Debug)]
pub struct CairnConfig {
    advice: [Column<Advice>; WIDTH],
    /// `q_m, q0..q3, q_next, q_c`, the Poseidon2 round constant and the round's kind.
    coeffs: [Column<Fixed>; COEFFS],
    lookup: Column<Fixed>,
    table: TableColumn,
}

/// A BN254 scalar in halo2curves' type.
pub fn to_halo2(x: &ark_bn254::Fr) -> H2Fr {
    let mut repr = [0u8; 32];
    repr.copy_from_slice(&x.into_bigint().to_bytes_le());
    Option::from(H2Fr::from_repr(repr)).unwrap_or_default()
}

/// The verifier circuit as halo2 sees it: a recorded layout and, when proving, the values.
#[derive(Clone, Debug)]
pub struct CairnCircuit {
    layout: Arc<Layout>,
    values: Option<Arc<Vec<ark_bn254::Fr>>>,
}

impl CairnCircuit {
    /// The circuit of `layout`, with `values` when proving (`None` for key generation).
    pub fn new(layout: Arc<Layout>, values: Option<Arc<Vec<ark_bn254::Fr>>>) -> Self {
        Self { layout, values }
    }

    /// The recorded layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
}

impl Circuit<H2Fr> for CairnCircuit {
    type Config = CairnConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        Self { layout: self.layout.clone(), values: None }
    }

    fn configure(meta: &mut ConstraintSystem<H2Fr>) -> CairnConfig {
        let advice = [(); WIDTH].map(|_| meta.advice_column());
        for column in advice {
            meta.enable_equality(column);
        }
        // Queried by the gate in row 0 only (it is zero elsewhere): no permutation column.
        let instance = meta.instance_column();
        let coeffs = [(); COEFFS].map(|_| meta.fixed_column());
        let lookup = meta.fixed_column();
        let table = meta.lookup_table_column();
        meta.create_gate("cairn", |m| {
            let w = advice.map(|c| m.query_advice(c, Rotation::cur()));
            let next = m.query_advice(advice[3], Rotation::next());
            let q = coeffs.map(|c| m.query_fixed(c, Rotation::cur()));
            let public = m.query_instance(instance, Rotation::cur());
            let [qm, q0, q1, q2, q3, qn, qc, _, _] = q;
            let [w0, w1, w2, w3] = w;
            vec![qm * w0.clone() * w1.clone() + q0 * w0 + q1 * w1 + q2 * w2 + q3 * w3 + qn * next + qc - public]
        });
        meta.create_gate("poseidon2 round", |m| {
            let rc = m.query_fixed(coeffs[RC], Rotation::cur());
            let kind = m.query_fixed(coeffs[KIND], Rotation::cur());
            let cur = advice.map(|c| m.query_advice(c, Rotation::cur()));
            let next = [0, 1, 2].map(|i| m.query_advice(advice[i], Rotation::next()));
            let small = |n: u64| Expression::Constant(H2Fr::from(n));
            let half = Expression::Constant(H2Fr::from(2u64).invert().unwrap_or(H2Fr::ZERO));
            round::constraints(rc, kind, cur, next, small, half).to_vec()
        });
        meta.lookup("range", |m| {
            let on = m.query_fixed(lookup, Rotation::cur());
            let w0 = m.query_advice(advice[0], Rotation::cur());
            vec![(on * w0, table)]
        });
        CairnConfig { advice, coeffs, lookup, table }
    }

    fn synthesize(&self, config: CairnConfig, mut layouter: impl Layouter<H2Fr>) -> Result<(), Error> {
        layouter.assign_table(
            || "range",
            |mut table| {
                for i in 0..1usize << LOOKUP_BITS {
                    table.assign_cell(|| "", config.table, i, || Value::known(H2Fr::from(i as u64)))?;
                }
                Ok(())
            },
        )?;
        let layout = &self.layout;
        let patterns: Vec<[H2Fr; COEFFS]> = layout.patterns.iter().map(|p| p.map(|x| to_halo2(&x))).collect();
        let values: Option<Vec<H2Fr>> = self.values.as_ref().map(|v| v.iter().map(to_halo2).collect());
        layouter.assign_region(
            || "verifier",
            |mut region| {
                for (r, row) in layout.rows.iter().enumerate() {
                    for (c, &id) in row.cells.iter().enumerate() {
                        let value = match &values {
                            None => Value::unknown(),
                            Some(_) if id == EMPTY => Value::known(H2Fr::ZERO),
                            Some(v) => Value::known(v[id as usize]),
                        };
                        region.assign_advice(config.advice[c], r, value);
                    }
                    for (column, q) in config.coeffs.iter().zip(&patterns[row.pattern as usize]) {
                        if *q != H2Fr::ZERO {
                            region.assign_fixed(*column, r, *q);
                        }
                    }
                    if row.lookup {
                        region.assign_fixed(config.lookup, r, H2Fr::ONE);
                    }
                }
                let cell = |at: u32| Cell {
                    row_offset: at as usize / WIDTH,
                    column: Column::<Any>::from(config.advice[at as usize % WIDTH]),
                };
                for &(a, b) in &layout.copies {
                    region.constrain_equal(cell(a), cell(b));
                }
                Ok(())
            },
        )
    }
}
