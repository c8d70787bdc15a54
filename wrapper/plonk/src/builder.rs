//! The PLONK backend of [`CircuitBuilder`]: records the rows of the Cairn gate.
//!
//! Every row has four advice cells `w0..w3` and one gate,
//!
//! ```text
//! q_m·w0·w1 + q0·w0 + q1·w1 + q2·w2 + q3·w3 + q_next·w3(next row) + q_c − instance = 0,
//! ```
//!
//! where the instance column is zero but in row 0, whose `w0` is the public input (so the
//! instance needs no column in the permutation argument); plus an optional lookup of `w0` in the
//! table `[0, 2^16)`, and the Poseidon2 round gate of [`crate::round`] where the fixed column
//! `rc` (the round constant) is non-zero: one row per partial round and three per full round,
//! where generic gates take four and twelve. Variables are linear combinations
//! of cells, kept symbolic as in R1CS: additions and scalings cost nothing, and a combination
//! takes a cell only when a product, an assertion or a range check needs it (then it is
//! cached). A variable's first cell is its home; later uses are copy constraints to it.
//! Range checks are lookups of 16-bit limbs, so the BabyBear emulation asks for range checks
//! instead of bit decompositions ([`CircuitBuilder::cheap_range_checks`]); `x < p` takes three
//! lookup rows ([`CircuitBuilder::range_check_below`]).
//!
//! Since a long combination costs a row per three terms, sums of products are chained
//! ([`CircuitBuilder::sum_of_products`]): each row `[a, b, t, acc]` adds `c·a·b + k·t` to the
//! running sum, which the next row holds in `w3`; the result is left for the next row's `w3`
//! (a row of its own only when that row needs the cell). A single product with at most one
//! term besides its factors (an XOR, a choice) is one row whose `w3` is the result.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use ark_bn254::Fr;
use ark_ff::{BigInteger, Field, One, PrimeField, Zero};
use cairn_wrapper::builder::{self, CircuitBuilder, Section};
use cairn_wrapper::poseidon2;

use crate::round::{self, RoundKind};

/// Advice cells per row.
pub const WIDTH: usize = 4;
/// Bits of the lookup table: `w0 ∈ [0, 2^LOOKUP_BITS)` on lookup rows.
pub const LOOKUP_BITS: usize = 16;
/// A combination longer than this gets its own cell when it grows (keeps rows per use small).
const MAX_TERMS: usize = 8;
/// No variable in this cell (the cell is zero).
pub(crate) const EMPTY: u32 = u32::MAX;

/// Fixed columns per row: the gate coefficients `q_m, q0, q1, q2, q3, q_next, q_c`, then the
/// Poseidon2 round constant `rc` (zero: no round in this row) and the round's kind.
pub const COEFFS: usize = 9;
/// Fixed values of a row, in the order of [`COEFFS`].
pub type Coeffs = [Fr; COEFFS];
const QM: usize = 0;
const QNEXT: usize = 5;
const QC: usize = 6;
/// Index of the Poseidon2 round constant in [`Coeffs`].
pub const RC: usize = 7;
/// Index of the Poseidon2 round kind ([`RoundKind`]) in [`Coeffs`].
pub const KIND: usize = 8;

/// One row: the variables in its cells, its gate (an index into [`Layout::patterns`]), and
/// whether `w0` is looked up.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// Variable ids per cell ([`EMPTY`] for a zero cell).
    pub cells: [u32; WIDTH],
    /// Index of the row's coefficients in [`Layout::patterns`].
    pub pattern: u32,
    /// `w0` must be in the lookup table.
    pub lookup: bool,
}

/// The circuit as rows, copy constraints and the public input's cell; the same for every
/// witness of a shape. Values are separate ([`Layout::values`]).
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// The rows, in order.
    pub rows: Vec<Row>,
    /// Distinct gate coefficient sets.
    pub patterns: Vec<Coeffs>,
    /// Pairs of cells (`row·WIDTH + column`) that must hold equal values.
    pub copies: Vec<(u32, u32)>,
    /// The public input's cell (`w0` of row 0, equal to the instance column's first row by the
    /// gate), once declared.
    pub public_cell: Option<u32>,
    /// Rows per section of the verifier.
    pub sections: BTreeMap<Section, usize>,
    /// `(first row, section)` at every change of section, in row order.
    pub section_starts: Vec<(usize, Section)>,
}

impl Layout {
    /// The verifier part `row` belongs to.
    pub fn section_of(&self, row: usize) -> Section {
        let i = self.section_starts.partition_point(|(start, _)| *start <= row);
        i.checked_sub(1).map_or(Section::Other, |i| self.section_starts[i].1)
    }
}

/// A variable: a linear combination of cells' variables plus a constant.
#[derive(Clone, Debug)]
pub struct Var(Rc<Lc>);

#[derive(Debug)]
struct Lc {
    terms: Vec<(u32, Fr)>,
    constant: Fr,
    value: Option<Fr>,
    /// The variable holding this combination once it has a cell.
    cell_var: Cell<Option<u32>>,
}

impl Var {
    fn single(id: u32, value: Option<Fr>) -> Self {
        Self(Rc::new(Lc { terms: vec![(id, Fr::one())], constant: Fr::zero(), value, cell_var: Cell::new(Some(id)) }))
    }

    fn lc(terms: Vec<(u32, Fr)>, constant: Fr, value: Option<Fr>) -> Self {
        Self(Rc::new(Lc { terms, constant, value, cell_var: Cell::new(None) }))
    }

    fn as_constant(&self) -> Option<Fr> {
        self.0.terms.is_empty().then_some(self.0.constant)
    }
}

/// Records the rows of the verifier circuit (and, when values are known, the witness).
pub struct PlonkBuilder {
    layout: Layout,
    pattern_index: HashMap<Coeffs, u32>,
    /// Home cell of each variable ([`EMPTY`] until placed).
    home: Vec<u32>,
    /// Value of each variable (zero in shape-only mode).
    values: Vec<Fr>,
    constants: HashMap<Fr, u32>,
    section: Section,
    section_start: usize,
    /// The result of the last multiply-accumulate chain, which the next row must hold in `w3`.
    pending_w3: Option<u32>,
}

impl Default for PlonkBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl PlonkBuilder {
    /// An empty circuit: only row 0, reserved for the public input (`w0 − instance = 0`).
    pub fn new() -> Self {
        let mut b = Self {
            layout: Layout::default(),
            pattern_index: HashMap::new(),
            home: Vec::new(),
            values: Vec::new(),
            constants: HashMap::new(),
            section: Section::Other,
            section_start: 0,
            pending_w3: None,
        };
        let mut q = [Fr::zero(); COEFFS];
        q[1] = Fr::one();
        b.row([None; WIDTH], q, false);
        b
    }

    /// The layout and the value of every cell's variable.
    pub fn finish(mut self) -> (Layout, Vec<Fr>) {
        self.flush_pending();
        self.set_section(Section::Other);
        (self.layout, self.values)
    }

    fn new_var(&mut self, value: Option<Fr>) -> u32 {
        let id = u32::try_from(self.values.len()).unwrap_or(EMPTY);
        self.home.push(EMPTY);
        self.values.push(value.unwrap_or_default());
        id
    }

    fn pattern(&mut self, coeffs: Coeffs) -> u32 {
        if let Some(&i) = self.pattern_index.get(&coeffs) {
            return i;
        }
        let i = self.layout.patterns.len() as u32;
        self.layout.patterns.push(coeffs);
        self.pattern_index.insert(coeffs, i);
        i
    }

    /// Appends a row; places each variable (home or copy constraint). A pending chain result
    /// goes into its `w3` when the row leaves that cell unused, else into a row of its own first.
    fn row(&mut self, mut cells: [Option<u32>; WIDTH], coeffs: Coeffs, lookup: bool) {
        if let Some(out) = self.pending_w3.take() {
            if cells[3].is_none() && coeffs[4].is_zero() && coeffs[RC].is_zero() {
                cells[3] = Some(out);
            } else {
                self.push_row([None, None, None, Some(out)], [Fr::zero(); COEFFS], false);
            }
        }
        self.push_row(cells, coeffs, lookup);
    }

    /// `c·a·b + linear` in one row `[a, b, t, out]` when the linear part is terms in `a`, `b`
    /// and at most one other variable `t` (an XOR `a + b − 2ab`, a choice `y + s·(x − y)`);
    /// `None` otherwise.
    fn product_row(&mut self, c: Fr, a: &Var, b: &Var, linear: &Var) -> Option<Var> {
        let terms = Self::normalized(&linear.0.terms);
        let (x, y) = (self.materialize(a), self.materialize(b));
        let mut q = [Fr::zero(); COEFFS];
        let mut other = None;
        for (id, k) in terms {
            match id {
                _ if id == x => q[1] += k,
                _ if id == y => q[2] += k,
                _ if other.is_none() => {
                    other = Some(id);
                    q[3] = k;
                }
                _ => return None,
            }
        }
        let value = match (linear.0.value, a.0.value, b.0.value) {
            (Some(l), Some(u), Some(v)) => Some(l + c * u * v),
            _ => None,
        };
        let out = self.new_var(value);
        q[QM] = c;
        q[4] = -Fr::one();
        q[QC] = linear.0.constant;
        self.row([Some(x), Some(y), other, Some(out)], q, false);
        Some(Var::single(out, value))
    }

    /// One row of a multiply-accumulate chain: the running sum `acc` (if any) in `w3`, the new
    /// one (of value `value`) in the next row's `w3`.
    fn chain_row(&mut self, cells: [Option<u32>; WIDTH], mut q: Coeffs, acc: &mut Option<u32>, value: Option<Fr>) {
        q[QNEXT] = -Fr::one();
        if acc.is_some() {
            q[4] = Fr::one();
        }
        self.row(cells, q, false);
        *acc = Some(self.new_var(value));
    }

    /// Places a pending chain result in a row of its own.
    fn flush_pending(&mut self) {
        if let Some(out) = self.pending_w3.take() {
            self.push_row([None, None, None, Some(out)], [Fr::zero(); COEFFS], false);
        }
    }

    fn push_row(&mut self, cells: [Option<u32>; WIDTH], coeffs: Coeffs, lookup: bool) {
        let r = self.layout.rows.len();
        let mut ids = [EMPTY; WIDTH];
        for (c, v) in cells.iter().enumerate() {
            if let Some(v) = *v {
                ids[c] = v;
                let cell = (r * WIDTH + c) as u32;
                let home = &mut self.home[v as usize];
                if *home == EMPTY {
                    *home = cell;
                } else {
                    self.layout.copies.push((*home, cell));
                }
            }
        }
        let pattern = self.pattern(coeffs);
        self.layout.rows.push(Row { cells: ids, pattern, lookup });
    }

    /// One row of the Poseidon2 round gate on the cells `ids`; `ids` become the next row's.
    fn round_row(&mut self, ids: &mut [u32; 3], kind: RoundKind, rc: Fr, known: bool) {
        let (u, next) = round::round_values(kind, ids.map(|id| self.values[id as usize]), rc);
        let u = self.new_var(known.then_some(u));
        let mut q = [Fr::zero(); COEFFS];
        q[RC] = rc;
        q[KIND] = kind.coeff();
        self.row([Some(ids[0]), Some(ids[1]), Some(ids[2]), Some(u)], q, false);
        *ids = next.map(|v| self.new_var(known.then_some(v)));
    }

    fn value_of(&self, v: &Var) -> Option<Fr> {
        v.0.value
    }

    /// The combination's terms with repeated variables merged and zero coefficients dropped.
    fn normalized(terms: &[(u32, Fr)]) -> Vec<(u32, Fr)> {
        let mut sorted = terms.to_vec();
        sorted.sort_unstable_by_key(|t| t.0);
        let mut out: Vec<(u32, Fr)> = Vec::with_capacity(sorted.len());
        for (id, c) in sorted {
            match out.last_mut() {
                Some(last) if last.0 == id => last.1 += c,
                _ => out.push((id, c)),
            }
        }
        out.retain(|t| !t.1.is_zero());
        out
    }

    /// A variable holding the constant `c` (one per distinct constant).
    fn constant_var(&mut self, c: Fr) -> u32 {
        if let Some(&id) = self.constants.get(&c) {
            return id;
        }
        let id = self.new_var(Some(c));
        let mut q = [Fr::zero(); COEFFS];
        q[1] = Fr::one();
        q[QC] = -c;
        self.row([Some(id), None, None, None], q, false);
        self.constants.insert(c, id);
        id
    }

    /// A variable equal to `v`, giving the combination a cell if it has none.
    fn materialize(&mut self, v: &Var) -> u32 {
        if let Some(id) = v.0.cell_var.get() {
            return id;
        }
        let terms = Self::normalized(&v.0.terms);
        let id = match terms.as_slice() {
            [] => self.constant_var(v.0.constant),
            [(id, c)] if c.is_one() && v.0.constant.is_zero() => *id,
            _ => {
                let out = self.new_var(v.0.value);
                let mut terms = terms;
                terms.push((out, -Fr::one()));
                self.linear(&terms, v.0.constant);
                out
            }
        };
        v.0.cell_var.set(Some(id));
        id
    }

    /// One row constraining `Σ βᵢ·yᵢ + c = 0` for at most four terms (`w0` looked up if asked).
    fn linear_row(&mut self, terms: &[(u32, Fr)], c: Fr, lookup: bool) {
        let mut q = [Fr::zero(); COEFFS];
        let mut cells = [None; WIDTH];
        for (i, (id, beta)) in terms.iter().enumerate() {
            cells[i] = Some(*id);
            q[1 + i] = *beta;
        }
        q[QC] = c;
        self.row(cells, q, lookup);
    }

    /// Constrains `Σ βᵢ·yᵢ + c = 0`: one row for up to four terms, else a chain of rows three
    /// terms each, the running sum passed on in `w3` of the next row.
    fn linear(&mut self, terms: &[(u32, Fr)], c: Fr) {
        if terms.len() <= WIDTH {
            return self.linear_row(terms, c, false);
        }
        let mut acc: Option<u32> = None;
        let mut acc_value = c;
        let mut rest = terms;
        while !rest.is_empty() {
            let take = rest.len().min(3);
            let (chunk, tail) = rest.split_at(take);
            let mut q = [Fr::zero(); COEFFS];
            let mut cells = [None; WIDTH];
            for (i, (id, beta)) in chunk.iter().enumerate() {
                cells[i] = Some(*id);
                q[1 + i] = *beta;
                acc_value += *beta * self.values[*id as usize];
            }
            match acc {
                None => q[QC] = c,
                Some(a) => {
                    cells[3] = Some(a);
                    q[4] = Fr::one();
                }
            }
            if !tail.is_empty() {
                q[QNEXT] = -Fr::one();
                acc = Some(self.new_var(Some(acc_value)));
            }
            self.row(cells, q, false);
            rest = tail;
        }
    }

    /// Adds two combinations; a long result gets a cell at once so that combinations stay short.
    fn combine(&mut self, a: &Var, ca: Fr, b: &Var, cb: Fr) -> Var {
        let value = match (self.value_of(a), self.value_of(b)) {
            (Some(x), Some(y)) => Some(ca * x + cb * y),
            _ => None,
        };
        let mut terms = Vec::with_capacity(a.0.terms.len() + b.0.terms.len());
        terms.extend(a.0.terms.iter().map(|&(id, c)| (id, c * ca)));
        terms.extend(b.0.terms.iter().map(|&(id, c)| (id, c * cb)));
        let var = Var::lc(terms, a.0.constant * ca + b.0.constant * cb, value);
        if var.0.terms.len() > MAX_TERMS {
            let id = self.materialize(&var);
            return Var::single(id, value);
        }
        var
    }

    fn bits_of(value: Option<Fr>, bits: usize) -> Vec<Option<Fr>> {
        let big = value.map(|v| v.into_bigint());
        (0..bits).map(|i| big.as_ref().map(|b| Fr::from(u64::from(b.get_bit(i))))).collect()
    }

    /// `v`'s 16-bit limbs (`bits` bits in all), each a new variable.
    fn limbs(&mut self, value: Option<Fr>, bits: usize) -> Vec<u32> {
        let big = value.map(|v| v.into_bigint().to_bits_le());
        (0..bits.div_ceil(LOOKUP_BITS))
            .map(|l| {
                let limb = big.as_ref().map(|b| {
                    let from = l * LOOKUP_BITS;
                    let to = (from + LOOKUP_BITS).min(bits);
                    Fr::from((from..to).fold(0u64, |acc, i| acc | (u64::from(b[i]) << (i - from))))
                });
                self.new_var(limb)
            })
            .collect()
    }

    /// Rows enforcing `x < 2^bits` for `bits ≤ 16`: `x` and `x·2^(16−bits)` are both looked up.
    fn small_range(&mut self, x: u32, bits: usize) {
        let mut q = [Fr::zero(); COEFFS];
        self.row([Some(x), None, None, None], q, true);
        if bits < LOOKUP_BITS {
            let shift = Fr::from(1u64 << (LOOKUP_BITS - bits));
            let s = self.new_var(Some(self.values[x as usize] * shift));
            q[1] = Fr::one();
            q[2] = -shift;
            self.row([Some(s), Some(x), None, None], q, true);
        }
    }
}

impl CircuitBuilder for PlonkBuilder {
    type Var = Var;

    fn constant(&mut self, value: Fr) -> Var {
        Var::lc(Vec::new(), value, Some(value))
    }

    fn witness(&mut self, value: Option<Fr>) -> Var {
        let id = self.new_var(value);
        Var::single(id, value)
    }

    fn public_input(&mut self, value: Option<Fr>) -> Var {
        let id = self.new_var(value);
        let var = Var::single(id, value);
        match self.layout.public_cell {
            // The circuit has one public input: a second one is the first.
            Some(cell) => {
                let first = self.layout.rows[0].cells[cell as usize];
                self.linear_row(&[(first, Fr::one()), (id, -Fr::one())], Fr::zero(), false);
            }
            None => {
                self.layout.rows[0].cells[0] = id;
                self.home[id as usize] = 0;
                self.layout.public_cell = Some(0);
            }
        }
        var
    }

    fn value(&self, v: &Var) -> Option<Fr> {
        self.value_of(v)
    }

    fn add(&mut self, a: &Var, b: &Var) -> Var {
        self.combine(a, Fr::one(), b, Fr::one())
    }

    fn sub(&mut self, a: &Var, b: &Var) -> Var {
        self.combine(a, Fr::one(), b, -Fr::one())
    }

    fn mul(&mut self, a: &Var, b: &Var) -> Var {
        if let Some(c) = a.as_constant() {
            return self.scale(b, c);
        }
        if let Some(c) = b.as_constant() {
            return self.scale(a, c);
        }
        let (x, y) = (self.materialize(a), self.materialize(b));
        let value = match (a.0.value, b.0.value) {
            (Some(u), Some(v)) => Some(u * v),
            _ => None,
        };
        let out = self.new_var(value);
        let mut q = [Fr::zero(); COEFFS];
        q[QM] = Fr::one();
        q[3] = -Fr::one();
        self.row([Some(x), Some(y), Some(out), None], q, false);
        Var::single(out, value)
    }

    fn sum_of_products(&mut self, products: &[(Fr, Var, Var)], linear: &Var) -> Var {
        // Products with a constant factor are linear; the rest chain, one row each:
        // `[a, b, t, acc]` with `acc' = acc + c·a·b + k·t` in the next row's `w3` (`q_next = −1`),
        // `t` absorbing one term of the linear part per row, the constant in the first row.
        let mut linear = linear.clone();
        let mut chained = Vec::with_capacity(products.len());
        for (c, a, b) in products {
            match (a.as_constant(), b.as_constant()) {
                (Some(x), _) => {
                    let term = self.scale(b, *c * x);
                    linear = self.add(&linear, &term);
                }
                (_, Some(y)) => {
                    let term = self.scale(a, *c * y);
                    linear = self.add(&linear, &term);
                }
                _ => chained.push((*c, a, b)),
            }
        }
        if let [(c, a, b)] = chained.as_slice() {
            if let Some(out) = self.product_row(*c, a, b, &linear) {
                return out;
            }
        }
        if chained.len() < 2 {
            let chained: Vec<(Fr, Var, Var)> = chained.into_iter().map(|(c, a, b)| (c, a.clone(), b.clone())).collect();
            return builder::sum_of_products_generic(self, &chained, &linear);
        }
        let known =
            linear.0.value.is_some() && chained.iter().all(|(_, a, b)| a.0.value.is_some() && b.0.value.is_some());
        // Operands get their cells first: the chain's rows must be consecutive.
        let operands: Vec<(Fr, u32, u32)> =
            chained.iter().map(|(c, a, b)| (*c, self.materialize(a), self.materialize(b))).collect();
        let terms = Self::normalized(&linear.0.terms);
        let (paired, rest) = terms.split_at(terms.len().min(operands.len()));
        let mut partial = linear.0.constant;
        let mut acc: Option<u32> = None;
        for (i, &(c, x, y)) in operands.iter().enumerate() {
            let mut q = [Fr::zero(); COEFFS];
            q[QM] = c;
            let mut cells = [Some(x), Some(y), None, acc];
            partial += c * self.values[x as usize] * self.values[y as usize];
            if let Some(&(id, k)) = paired.get(i) {
                cells[2] = Some(id);
                q[3] = k;
                partial += k * self.values[id as usize];
            }
            if i == 0 {
                q[QC] = linear.0.constant;
            }
            self.chain_row(cells, q, &mut acc, known.then_some(partial));
        }
        // Linear terms beyond one per product: three per row, still accumulating.
        for chunk in rest.chunks(3) {
            let mut q = [Fr::zero(); COEFFS];
            let mut cells = [None, None, None, acc];
            for (i, &(id, k)) in chunk.iter().enumerate() {
                cells[i] = Some(id);
                q[1 + i] = k;
                partial += k * self.values[id as usize];
            }
            self.chain_row(cells, q, &mut acc, known.then_some(partial));
        }
        let out = acc.unwrap_or(EMPTY);
        self.pending_w3 = Some(out);
        Var::single(out, known.then_some(partial))
    }

    fn free_linear_combinations(&self) -> bool {
        false
    }

    fn scale(&mut self, a: &Var, c: Fr) -> Var {
        let zero = Var::lc(Vec::new(), Fr::zero(), Some(Fr::zero()));
        self.combine(a, c, &zero, Fr::zero())
    }

    fn add_const(&mut self, a: &Var, c: Fr) -> Var {
        let constant = Var::lc(Vec::new(), c, Some(c));
        self.combine(a, Fr::one(), &constant, Fr::one())
    }

    fn assert_eq(&mut self, a: &Var, b: &Var) {
        let mut terms = a.0.terms.clone();
        terms.extend(b.0.terms.iter().map(|&(id, c)| (id, -c)));
        let terms = Self::normalized(&terms);
        // A constant difference other than zero leaves the row `q_c = c ≠ 0`: unsatisfiable.
        self.linear(&terms, a.0.constant - b.0.constant);
    }

    fn assert_mul(&mut self, a: &Var, b: &Var, c: &Var) {
        if a.as_constant().is_some() || b.as_constant().is_some() {
            let product = self.mul(a, b);
            return self.assert_eq(&product, c);
        }
        let (x, y) = (self.materialize(a), self.materialize(b));
        let terms = Self::normalized(&c.0.terms);
        let mut q = [Fr::zero(); COEFFS];
        q[QM] = Fr::one();
        q[QC] = -c.0.constant;
        let mut cells = [Some(x), Some(y), None, None];
        if terms.len() <= 2 {
            for (i, (id, gamma)) in terms.iter().enumerate() {
                cells[2 + i] = Some(*id);
                q[3 + i] = -*gamma;
            }
        } else {
            cells[2] = Some(self.materialize(c));
            q[3] = -Fr::one();
            q[QC] = Fr::zero();
        }
        self.row(cells, q, false);
    }

    fn to_bits(&mut self, a: &Var, bits: usize) -> Vec<Var> {
        let values = Self::bits_of(a.0.value, bits);
        let mut terms = Vec::with_capacity(bits + 1);
        let mut out = Vec::with_capacity(bits);
        let mut weight = Fr::one();
        for v in values {
            let bit = self.witness(v);
            self.assert_bool(&bit);
            terms.push((self.materialize(&bit), weight));
            weight += weight;
            out.push(bit);
        }
        let x = self.materialize(a);
        terms.push((x, -Fr::one()));
        self.linear(&Self::normalized(&terms), Fr::zero());
        out
    }

    fn witness_bits(&mut self, value: Option<Fr>, bits: usize) -> (Var, Vec<Var>) {
        let mut terms = Vec::with_capacity(bits);
        let mut out = Vec::with_capacity(bits);
        let mut weight = Fr::one();
        for v in Self::bits_of(value, bits) {
            let bit = self.witness(v);
            self.assert_bool(&bit);
            terms.push((self.materialize(&bit), weight));
            weight += weight;
            out.push(bit);
        }
        let sum = value.map(|_| terms.iter().map(|(id, w)| *w * self.values[*id as usize]).sum());
        (Var::lc(terms, Fr::zero(), sum), out)
    }

    fn assert_bool(&mut self, a: &Var) {
        let x = self.materialize(a);
        let mut q = [Fr::zero(); COEFFS];
        q[QM] = Fr::one();
        q[2] = -Fr::one();
        self.row([Some(x), Some(x), None, None], q, false);
    }

    fn range_check(&mut self, a: &Var, bits: usize) {
        if bits == 0 {
            return self.assert_zero(a);
        }
        let x = self.materialize(a);
        if bits <= LOOKUP_BITS {
            return self.small_range(x, bits);
        }
        let limbs = self.limbs(a.0.value, bits);
        let last_bits = bits - LOOKUP_BITS * (limbs.len() - 1);
        // x = Σ limbᵢ·2^(16i): in the first limb's lookup row when it fits.
        let mut terms: Vec<(u32, Fr)> =
            limbs.iter().enumerate().map(|(i, &l)| (l, Fr::from(2u64).pow([(LOOKUP_BITS * i) as u64]))).collect();
        terms.push((x, -Fr::one()));
        if terms.len() <= WIDTH {
            self.linear_row(&terms, Fr::zero(), true);
        } else {
            self.row([Some(limbs[0]), None, None, None], [Fr::zero(); COEFFS], true);
            self.linear(&terms, Fr::zero());
        }
        for (i, &limb) in limbs.iter().enumerate().skip(1) {
            if i + 1 == limbs.len() {
                self.small_range(limb, last_bits);
            } else {
                self.row([Some(limb), None, None, None], [Fr::zero(); COEFFS], true);
            }
        }
    }

    fn cheap_range_checks(&self) -> bool {
        true
    }

    fn range_check_below(&mut self, a: &Var, bound: u64) {
        // With `bound − 1 = H·2^16` (BabyBear: H = 0x7800) three lookup rows suffice:
        // `a = lo + 2^16·hi`, `lo, hi, H − hi < 2^16`, and `(H − hi)·s = lo`, so `hi < H`, or
        // `hi = H` and `lo = 0`.
        let top = bound.wrapping_sub(1);
        let h = top >> LOOKUP_BITS;
        if bound == 0 || top % (1 << LOOKUP_BITS) != 0 || h >= 1 << LOOKUP_BITS {
            return builder::range_check_below_generic(self, a, bound);
        }
        let x = self.materialize(a);
        let v = a.0.value.map(|v| v.into_bigint().as_ref()[0]);
        let known = |x: u64| v.map(|_| Fr::from(x));
        let (lo_value, hi_value) = v.map_or((0, 0), |v| (v & 0xffff, v >> LOOKUP_BITS));
        let lo = self.new_var(known(lo_value));
        let hi = self.new_var(known(hi_value));
        let room_value = Fr::from(h) - Fr::from(hi_value);
        let room = self.new_var(v.map(|_| room_value));
        let s = self.new_var(v.map(|_| room_value.inverse().map_or(Fr::zero(), |inv| Fr::from(lo_value) * inv)));
        let shift = Fr::from(1u64 << LOOKUP_BITS);
        self.linear_row(&[(lo, Fr::one()), (hi, shift), (x, -Fr::one())], Fr::zero(), true);
        self.linear_row(&[(room, Fr::one()), (hi, Fr::one())], -Fr::from(h), true);
        let mut q = [Fr::zero(); COEFFS];
        q[QM] = -Fr::one();
        q[2] = Fr::from(h);
        q[3] = -Fr::one();
        self.row([Some(hi), Some(s), Some(lo), None], q, true);
    }

    fn poseidon2_permutation(&mut self, state: &[Var; 3]) -> [Var; 3] {
        let rc = poseidon2::constants();
        // The gate is selected by a non-zero constant (true of every BN254 constant in practice).
        let full = rc.initial.iter().chain(&rc.terminal).flatten();
        if full.chain(&rc.internal).any(Zero::is_zero) {
            return poseidon2::permute_generic(self, state);
        }
        let known = state.iter().all(|v| v.0.value.is_some());
        let mut ids = if state[2].as_constant().is_some_and(|c| c.is_zero()) {
            // The external layer of `(l, r, 0)` (node compression) in one row: a mix row whose
            // S-box input is zero (`a = −1`, `rc = 1`) gives `M_E·(l, r, 0)`.
            let minus_one = self.constant_var(-Fr::one());
            let mut ids = [minus_one, self.materialize(&state[0]), self.materialize(&state[1])];
            self.round_row(&mut ids, RoundKind::Mix, Fr::one(), known);
            ids
        } else {
            let mut s = state.clone();
            poseidon2::external_layer(self, &mut s);
            [0, 1, 2].map(|i| self.materialize(&s[i]))
        };
        let full_rounds = |b: &mut Self, ids: &mut [u32; 3], rounds: &[[Fr; 3]]| {
            for (c, kind) in rounds.iter().flat_map(|r| r.iter().zip(RoundKind::FULL)) {
                b.round_row(ids, kind, *c, known);
            }
        };
        full_rounds(self, &mut ids, &rc.initial);
        for c in &rc.internal {
            self.round_row(&mut ids, RoundKind::Partial, *c, known);
        }
        full_rounds(self, &mut ids, &rc.terminal);
        // The output row: the last round's gate constrains it, no gate of its own.
        self.row([Some(ids[0]), Some(ids[1]), Some(ids[2]), None], [Fr::zero(); COEFFS], false);
        ids.map(|id| Var::single(id, known.then(|| self.values[id as usize])))
    }

    fn set_section(&mut self, section: Section) -> Section {
        let rows = self.layout.rows.len();
        *self.layout.sections.entry(self.section).or_default() += rows - self.section_start;
        self.section_start = rows;
        self.layout.section_starts.push((rows, section));
        core::mem::replace(&mut self.section, section)
    }
}

/// The first row whose gate or lookup fails, with the values of [`PlonkBuilder::finish`].
pub fn first_failing_row(layout: &Layout, values: &[Fr]) -> Option<usize> {
    let value = |id: u32| {
        if id == EMPTY {
            Fr::zero()
        } else {
            values[id as usize]
        }
    };
    let bound = Fr::from(1u64 << LOOKUP_BITS).into_bigint();
    layout.rows.iter().enumerate().position(|(r, row)| {
        let q = &layout.patterns[row.pattern as usize];
        let w = row.cells.map(value);
        let next = layout.rows.get(r + 1).map_or(Fr::zero(), |n| value(n.cells[3]));
        // The instance is row 0's `w0` by definition here (the prover takes it from there).
        let instance = if r == 0 { w[0] } else { Fr::zero() };
        let gate =
            q[QM] * w[0] * w[1] + q[1] * w[0] + q[2] * w[1] + q[3] * w[2] + q[4] * w[3] + q[QNEXT] * next + q[QC]
                - instance;
        let round_ok = q[RC].is_zero() || {
            let following = layout.rows.get(r + 1).map_or([Fr::zero(); 3], |n| [0, 1, 2].map(|c| value(n.cells[c])));
            round::row_holds(q[RC], q[KIND], w, following)
        };
        !gate.is_zero() || !round_ok || (row.lookup && w[0].into_bigint() >= bound)
    })
}
