//! Evaluating Plonky3's symbolic constraints with emulated BabyBear⁴ arithmetic.
//!
//! Values stay as cheap as possible: constants ([`Val::Const`]) multiply for free, base
//! elements (public values) have one coefficient, and polynomials in the LogUp challenge `β`
//! ([`Val::Beta`]) stay symbolic until something other than `+`, `−` or `·β` needs them. LogUp
//! combines a tuple by Horner, `((e₀·β + e₁)·β + …)`, whose lazy bounds would grow by 37 bits per
//! step and force a reduction every few steps; materialised as `Σ e_j·β^j` with reduced powers
//! of `β` every term is one product of two 31-bit values. All rewritings are identities in
//! BabyBear⁴, so the value is exactly the one Plonky3's folder computes.

use std::collections::HashMap;
use std::sync::Arc;

use p3_air::symbolic::{BaseEntry, BaseLeaf, ExtEntry, ExtLeaf, SymbolicExpr};
use p3_baby_bear::BabyBear;
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing, PrimeField32};

use super::{bad, Challenge, OodError};
use crate::builder::CircuitBuilder;
use crate::field::{self, Ext, Felt, MAX_BOUND, P, W};

pub(super) use crate::field::EXT_MUL_GROWTH;

/// A value met while evaluating.
#[derive(Clone, Debug)]
pub(super) enum Val<V> {
    /// A constant.
    Const(Challenge),
    /// A variable; `None` marks coefficients known to be zero (a base element has only the
    /// first).
    Var([Option<Felt<V>>; 4]),
    /// `Σ_p c[p]·β^p` with plain coefficients, not yet computed.
    Beta(Vec<Val<V>>),
}

pub(super) fn coeffs(c: Challenge) -> [BabyBear; 4] {
    let s: &[BabyBear] = c.as_basis_coefficients_slice();
    core::array::from_fn(|i| s.get(i).copied().unwrap_or(BabyBear::ZERO))
}

pub(super) fn native(x: [u32; 4]) -> Challenge {
    Challenge::from_basis_coefficients_fn(|i| BabyBear::new(x[i]))
}

pub(super) fn ext_val<V: Clone>(x: &Ext<V>) -> Val<V> {
    Val::Var(x.clone().map(Some))
}

pub(super) const ZERO: Challenge = Challenge::ZERO;

/// The largest coefficient bound of a plain value.
pub(super) fn bound<V>(x: &Val<V>) -> u32 {
    match x {
        Val::Var(c) => c.iter().flatten().map(|f| f.bound).max().unwrap_or(1),
        _ => 31,
    }
}

fn neg_felt<B: CircuitBuilder>(b: &mut B, x: &Felt<B::Var>) -> Felt<B::Var> {
    let zero = field::constant(b, 0);
    field::sub(b, &zero, x)
}

/// `c·x`, scaling by `p − c` and negating when that constant is smaller (bounds grow by the
/// bits of the constant).
fn scale_signed<B: CircuitBuilder>(b: &mut B, x: &Felt<B::Var>, c: BabyBear) -> Option<Felt<B::Var>> {
    match u64::from(c.as_canonical_u32()) {
        0 => None,
        1 => Some(x.clone()),
        c if c <= P / 2 => Some(field::scale(b, x, c)),
        c => {
            let scaled = field::scale(b, x, P - c);
            Some(neg_felt(b, &scaled))
        }
    }
}

/// `x ± y` coefficient-wise for plain values, skipping zero coefficients.
fn combine<B: CircuitBuilder>(b: &mut B, x: &Val<B::Var>, y: &Val<B::Var>, minus: bool) -> Val<B::Var> {
    let sparse = |b: &mut B, v: &Val<B::Var>| -> [Option<Felt<B::Var>>; 4] {
        match v {
            Val::Const(c) => coeffs(*c).map(|k| (k != BabyBear::ZERO).then(|| field::constant(b, u64::from(k.as_canonical_u32())))),
            Val::Var(c) => c.clone(),
            Val::Beta(_) => Default::default(),
        }
    };
    if let (Val::Const(a), Val::Const(c)) = (x, y) {
        return Val::Const(if minus { *a - *c } else { *a + *c });
    }
    let (xs, ys) = (sparse(b, x), sparse(b, y));
    let mut out: [Option<Felt<B::Var>>; 4] = Default::default();
    for (k, slot) in out.iter_mut().enumerate() {
        *slot = match (&xs[k], &ys[k]) {
            (None, None) => None,
            (Some(a), None) => Some(a.clone()),
            (None, Some(c)) => Some(if minus { neg_felt(b, c) } else { c.clone() }),
            (Some(a), Some(c)) => Some(if minus { field::sub(b, a, c) } else { field::add(b, a, c) }),
        };
    }
    Val::Var(out)
}

/// Reduces every coefficient of a plain value above 31 bits.
pub(super) fn reduce<B: CircuitBuilder>(b: &mut B, x: &Val<B::Var>) -> Val<B::Var> {
    match x {
        Val::Var(c) => Val::Var(core::array::from_fn(|i| c[i].as_ref().map(|f| if f.bound > 31 { field::reduce(b, f) } else { f.clone() }))),
        _ => x.clone(),
    }
}

/// A plain value as four coefficients.
fn plain_to_ext<B: CircuitBuilder>(b: &mut B, x: &Val<B::Var>) -> Ext<B::Var> {
    match x {
        Val::Const(c) => coeffs(*c).map(|v| field::constant(b, u64::from(v.as_canonical_u32()))),
        Val::Var(c) => core::array::from_fn(|i| c[i].clone().unwrap_or_else(|| field::constant(b, 0))),
        Val::Beta(_) => field::ext_constant(b, [0; 4]),
    }
}

/// A plain variable times a constant: free, only the bounds grow.
fn mul_const<B: CircuitBuilder>(b: &mut B, v: &[Option<Felt<B::Var>>; 4], c: Challenge) -> Val<B::Var> {
    let w = BabyBear::new(W as u32);
    let mut terms: [Vec<Val<B::Var>>; 4] = Default::default();
    for (i, x) in v.iter().enumerate() {
        let Some(x) = x else { continue };
        for (j, cj) in coeffs(c).into_iter().enumerate() {
            let (k, factor) = if i + j < 4 { (i + j, cj) } else { (i + j - 4, cj * w) };
            if let Some(t) = scale_signed(b, x, factor) {
                terms[k].push(Val::Var([Some(t), None, None, None]));
            }
        }
    }
    Val::Var(terms.map(|t| match tree_sum_plain(b, t) {
        Val::Var(c) => c[0].clone(),
        _ => None,
    }))
}

/// `x·y` for plain values, reducing the operands in place (larger bound first) only when the
/// product's bound would pass [`MAX_BOUND`].
fn mul_plain<B: CircuitBuilder>(b: &mut B, x: &mut Val<B::Var>, y: &mut Val<B::Var>) -> Val<B::Var> {
    match (&*x, &*y) {
        (Val::Const(a), Val::Const(c)) => return Val::Const(*a * *c),
        (Val::Const(c), Val::Var(v)) | (Val::Var(v), Val::Const(c)) => return mul_const(b, v, *c),
        _ => {}
    }
    while bound(x) + bound(y) + EXT_MUL_GROWTH > MAX_BOUND && bound(x).max(bound(y)) > 31 {
        if bound(x) >= bound(y) {
            *x = reduce(b, x);
        } else {
            *y = reduce(b, y);
        }
    }
    let (Val::Var(xc), Val::Var(yc)) = (&*x, &*y) else { return Val::Const(ZERO) };
    let is_base = |c: &[Option<Felt<B::Var>>; 4]| c[1..].iter().all(Option::is_none);
    let (base, other) = match (is_base(xc), is_base(yc)) {
        (true, _) => (&xc[0], yc),
        (_, true) => (&yc[0], xc),
        _ => {
            let (xe, ye) = (plain_to_ext(b, x), plain_to_ext(b, y));
            return ext_val(&field::ext_mul(b, &xe, &ye));
        }
    };
    let Some(base) = base else { return Val::Const(ZERO) };
    Val::Var(core::array::from_fn(|i| other[i].as_ref().map(|f| field::mul(b, f, base))))
}

/// `Σ xs` over plain values as a balanced tree, so bounds grow by `log2(len)` bits.
pub(super) fn tree_sum_plain<B: CircuitBuilder>(b: &mut B, mut xs: Vec<Val<B::Var>>) -> Val<B::Var> {
    while xs.len() > 1 {
        let mut next = Vec::with_capacity(xs.len().div_ceil(2));
        let mut it = xs.into_iter();
        while let Some(a) = it.next() {
            next.push(match it.next() {
                Some(c) => combine(b, &a, &c, false),
                None => a,
            });
        }
        xs = next;
    }
    xs.pop().unwrap_or(Val::Const(ZERO))
}

/// Arithmetic on [`Val`]s, with the reduced powers `β^0, …, β^W` for materialising
/// polynomials in `β`.
pub(super) struct Algebra<V> {
    pub(super) beta_powers: Vec<Val<V>>,
}

impl<V: Clone> Algebra<V> {
    /// `β^p`: from the table, or as a product of table entries beyond it.
    fn beta_pow<B: CircuitBuilder<Var = V>>(&self, b: &mut B, p: usize) -> Val<V> {
        let last = self.beta_powers.len().saturating_sub(1);
        match self.beta_powers.get(p) {
            Some(v) => v.clone(),
            None if last == 0 => Val::Const(ZERO),
            None => {
                let (mut high, mut rest) = (self.beta_powers[last].clone(), self.beta_pow(b, p - last));
                mul_plain(b, &mut high, &mut rest)
            }
        }
    }

    /// The value as a constant or variable (computes a polynomial in `β`).
    pub(super) fn plain<B: CircuitBuilder<Var = V>>(&self, b: &mut B, x: &Val<V>) -> Val<V> {
        let Val::Beta(poly) = x else { return x.clone() };
        let terms = poly
            .iter()
            .enumerate()
            .filter(|(_, c)| !matches!(c, Val::Const(c) if *c == ZERO))
            .map(|(p, c)| {
                let (mut c, mut power) = (c.clone(), self.beta_pow(b, p));
                mul_plain(b, &mut c, &mut power)
            })
            .collect();
        tree_sum_plain(b, terms)
    }

    fn poly(x: &Val<V>) -> Vec<Val<V>> {
        match x {
            Val::Beta(p) => p.clone(),
            other => vec![other.clone()],
        }
    }

    fn combine<B: CircuitBuilder<Var = V>>(&self, b: &mut B, x: &Val<V>, y: &Val<V>, minus: bool) -> Val<V> {
        if !matches!(x, Val::Beta(_)) && !matches!(y, Val::Beta(_)) {
            return combine(b, x, y, minus);
        }
        let (px, py) = (Self::poly(x), Self::poly(y));
        let zero = Val::Const(ZERO);
        Val::Beta(
            (0..px.len().max(py.len()))
                .map(|p| combine(b, px.get(p).unwrap_or(&zero), py.get(p).unwrap_or(&zero), minus))
                .collect(),
        )
    }

    /// The value as four coefficients.
    pub(super) fn to_ext<B: CircuitBuilder<Var = V>>(&self, b: &mut B, x: &Val<V>) -> Ext<V> {
        let x = self.plain(b, x);
        plain_to_ext(b, &x)
    }

    /// `x + y`.
    pub(super) fn add<B: CircuitBuilder<Var = V>>(&self, b: &mut B, x: &Val<V>, y: &Val<V>) -> Val<V> {
        self.combine(b, x, y, false)
    }

    /// `x − y`.
    pub(super) fn sub<B: CircuitBuilder<Var = V>>(&self, b: &mut B, x: &Val<V>, y: &Val<V>) -> Val<V> {
        self.combine(b, x, y, true)
    }

    /// `−x`.
    pub(super) fn neg<B: CircuitBuilder<Var = V>>(&self, b: &mut B, x: &Val<V>) -> Val<V> {
        self.combine(b, &Val::Const(ZERO), x, true)
    }

    /// `x·y`. A polynomial in `β` times a constant or a constant multiple of `β^s` stays
    /// symbolic; anything else is computed, operands being replaced in place by their computed
    /// or reduced forms (callers keep those for the subtree's other uses).
    pub(super) fn mul<B: CircuitBuilder<Var = V>>(&self, b: &mut B, x: &mut Val<V>, y: &mut Val<V>) -> Val<V> {
        let monomial = |v: &Val<V>| -> Option<(usize, Challenge)> {
            match v {
                Val::Const(c) => Some((0, *c)),
                Val::Beta(p) => {
                    let mut nonzero = p.iter().enumerate().filter(|(_, c)| !matches!(c, Val::Const(c) if *c == ZERO));
                    match (nonzero.next(), nonzero.next()) {
                        (Some((s, Val::Const(c))), None) => Some((s, *c)),
                        _ => None,
                    }
                }
                Val::Var(_) => None,
            }
        };
        let shifted = |b: &mut B, p: &[Val<V>], (s, c): (usize, Challenge)| {
            let mut out = vec![Val::Const(ZERO); s];
            out.extend(p.iter().map(|v| mul_plain(b, &mut v.clone(), &mut Val::Const(c))));
            Val::Beta(out)
        };
        if matches!(x, Val::Beta(_)) || matches!(y, Val::Beta(_)) {
            if let Some(m) = monomial(y) {
                return shifted(b, &Self::poly(x), m);
            }
            if let Some(m) = monomial(x) {
                return shifted(b, &Self::poly(y), m);
            }
        }
        *x = self.plain(b, x);
        *y = self.plain(b, y);
        mul_plain(b, x, y)
    }

    /// `Σ xs` as a balanced tree.
    pub(super) fn sum<B: CircuitBuilder<Var = V>>(&self, b: &mut B, xs: Vec<Val<V>>) -> Val<V> {
        let plain = xs.iter().map(|x| self.plain(b, x)).collect();
        tree_sum_plain(b, plain)
    }
}

/// The unnormalised Lagrange selectors of a trace domain at `ζ`, and `Z_H(ζ)`.
#[derive(Clone, Debug)]
pub(super) struct Selectors<V> {
    pub(super) is_first_row: Ext<V>,
    pub(super) is_last_row: Ext<V>,
    pub(super) is_transition: Ext<V>,
    pub(super) vanishing: Ext<V>,
}

/// One instance's values at `ζ` (and `ζ·h`), and the memo of evaluated shared subtrees.
pub(super) struct Env<'a, V> {
    pub(super) instance: usize,
    pub(super) algebra: &'a Algebra<V>,
    pub(super) main: [Option<&'a [Ext<V>]>; 2],
    pub(super) preprocessed: [Option<&'a [Ext<V>]>; 2],
    pub(super) permutation: [Vec<Ext<V>>; 2],
    pub(super) challenges: &'a [Val<V>],
    pub(super) terminal: Option<&'a Ext<V>>,
    pub(super) public: &'a [Felt<V>],
    pub(super) selectors: &'a Selectors<V>,
    pub(super) memo: HashMap<usize, Val<V>>,
}

/// Leaves of the two expression types.
pub(super) trait Leaf: Sized {
    fn value<B: CircuitBuilder>(&self, env: &mut Env<'_, B::Var>, b: &mut B) -> Result<Val<B::Var>, OodError>;
}

/// A row's value at `index`; a row that is not opened reads as zeros, as in Plonky3.
fn pick<V: Clone>(rows: &[Option<&[Ext<V>]>; 2], offset: usize, index: usize) -> Option<Val<V>> {
    match rows.get(offset)? {
        Some(row) => row.get(index).map(ext_val),
        None => Some(Val::Const(ZERO)),
    }
}

impl Leaf for BaseLeaf<BabyBear> {
    fn value<B: CircuitBuilder>(&self, env: &mut Env<'_, B::Var>, _b: &mut B) -> Result<Val<B::Var>, OodError> {
        let found = match self {
            Self::Constant(c) => Some(Val::Const(Challenge::from(*c))),
            Self::IsFirstRow => Some(ext_val(&env.selectors.is_first_row)),
            Self::IsLastRow => Some(ext_val(&env.selectors.is_last_row)),
            Self::IsTransition => Some(ext_val(&env.selectors.is_transition)),
            Self::Variable(v) => match v.entry {
                BaseEntry::Main { offset } => pick(&env.main, offset, v.index),
                BaseEntry::Preprocessed { offset } => pick(&env.preprocessed, offset, v.index),
                BaseEntry::Public => env.public.get(v.index).map(|f| Val::Var([Some(f.clone()), None, None, None])),
                BaseEntry::Periodic => return Err(OodError::Unsupported("periodic columns".into())),
            },
        };
        found.ok_or_else(|| bad(env.instance, format!("a constraint reads a missing value {self:?}")))
    }
}

impl Leaf for ExtLeaf<BabyBear, Challenge> {
    fn value<B: CircuitBuilder>(&self, env: &mut Env<'_, B::Var>, b: &mut B) -> Result<Val<B::Var>, OodError> {
        let found = match self {
            Self::Base(e) => return env.eval(b, e),
            Self::ExtConstant(c) => Some(Val::Const(*c)),
            Self::ExtVariable(v) => match v.entry {
                ExtEntry::Permutation { offset } => env.permutation.get(offset).and_then(|row| row.get(v.index)).map(ext_val),
                ExtEntry::Challenge => env.challenges.get(v.index).cloned(),
                ExtEntry::PermutationValue => env.terminal.filter(|_| v.index == 0).map(ext_val),
            },
        };
        found.ok_or_else(|| bad(env.instance, format!("a constraint reads a missing value {self:?}")))
    }
}

fn key<T>(x: &Arc<T>) -> usize {
    Arc::as_ptr(x) as *const () as usize
}

impl<V: Clone> Env<'_, V> {
    /// Evaluates an expression tree; subtrees shared through an `Arc` are evaluated once.
    pub(super) fn eval<B: CircuitBuilder<Var = V>, L: Leaf>(&mut self, b: &mut B, e: &SymbolicExpr<L>) -> Result<Val<V>, OodError> {
        let alg = self.algebra;
        Ok(match e {
            SymbolicExpr::Leaf(leaf) => leaf.value(self, b)?,
            SymbolicExpr::Add { x, y, .. } => {
                let (x, y) = (self.child(b, x)?, self.child(b, y)?);
                alg.add(b, &x, &y)
            }
            SymbolicExpr::Sub { x, y, .. } => {
                let (x, y) = (self.child(b, x)?, self.child(b, y)?);
                alg.sub(b, &x, &y)
            }
            SymbolicExpr::Neg { x, .. } => {
                let x = self.child(b, x)?;
                alg.neg(b, &x)
            }
            SymbolicExpr::Mul { x, y, .. } => {
                let (mut xv, mut yv) = (self.child(b, x)?, self.child(b, y)?);
                let product = alg.mul(b, &mut xv, &mut yv);
                self.memo.insert(key(x), xv);
                self.memo.insert(key(y), yv);
                product
            }
        })
    }

    fn child<B: CircuitBuilder<Var = V>, L: Leaf>(&mut self, b: &mut B, x: &Arc<SymbolicExpr<L>>) -> Result<Val<V>, OodError> {
        if let Some(v) = self.memo.get(&key(x)) {
            return Ok(v.clone());
        }
        let v = self.eval(b, x)?;
        self.memo.insert(key(x), v.clone());
        Ok(v)
    }
}
