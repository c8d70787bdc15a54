//! BabyBear and BabyBear⁴ emulated in BN254.
//!
//! A [`Felt`] is a BN254 variable holding a non-negative integer below `2^bound` that stands for
//! its residue mod `p = 2^31 − 2^27 + 1`. Additions and multiplications only grow the bound (lazy
//! reduction); [`reduce`] brings a value back to its canonical residue with a witnessed quotient
//! (`x = q·p + r`, `q` range-checked, `r < p` proven from its bits). Bounds stay below
//! [`MAX_BOUND`] bits, so no integer identity ever wraps around the BN254 modulus.
//!
//! [`Ext`] is BabyBear⁴ = BabyBear[X]/(X⁴ − 11), as in Plonky3's `BinomialExtensionField`.

use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_ff::Field as _;
use num_bigint::BigUint;

use crate::builder::{from_biguint, to_biguint, CircuitBuilder};

/// The BabyBear modulus.
pub const P: u64 = (1 << 31) - (1 << 27) + 1;
/// `X⁴ = W` in the quartic extension.
pub const W: u64 = 11;
/// Largest bound (bits) a lazily reduced value may reach; BN254's modulus has 254 bits.
pub const MAX_BOUND: u32 = 240;
/// Extra bits of an extension product over the operands' bounds (see [`ext_mul`]).
pub const EXT_MUL_GROWTH: u32 = 6;

/// An emulated BabyBear element.
#[derive(Clone, Debug)]
pub struct Felt<V> {
    /// The integer representative.
    pub v: V,
    /// `v < 2^bound`.
    pub bound: u32,
}

/// An emulated BabyBear⁴ element: coefficients of `1, X, X², X³`.
pub type Ext<V> = [Felt<V>; 4];

fn bits_of(x: &BigUint) -> u32 {
    x.bits() as u32
}

/// A constant (reduced mod p).
pub fn constant<B: CircuitBuilder>(b: &mut B, c: u64) -> Felt<B::Var> {
    let c = c % P;
    Felt { v: b.constant(Fr::from(c)), bound: bits_of(&BigUint::from(c)).max(1) }
}

/// Constrains `x` (31 bits known to be checked by `bits`) to be below `p = 15·2^27 + 1`: with
/// `x = hi·2^27 + lo`, `x < p` exactly when `hi < 15` or `lo = 0`, i.e. when some `s` has
/// `(15 − hi)·s = lo` (`s = lo/(15 − hi)`): one constraint.
pub fn assert_below_p<B: CircuitBuilder>(b: &mut B, bits: &[B::Var]) {
    let mut room = b.constant(Fr::from(15u64));
    for (i, bit) in bits.iter().enumerate().take(31).skip(27) {
        let term = b.scale(bit, -Fr::from(1u64 << (i - 27)));
        room = b.add(&room, &term);
    }
    let mut low = b.constant(Fr::from(0u64));
    for (i, bit) in bits.iter().take(27).enumerate() {
        let term = b.scale(bit, Fr::from(1u64 << i));
        low = b.add(&low, &term);
    }
    let s = b.hint(&[room.clone(), low.clone()], |v| v[0].inverse().map_or(Fr::from(0u64), |inv| v[1] * inv));
    b.assert_mul(&room, &s, &low);
}

/// A canonical BabyBear witness: 31 bits (the value is their sum) and below `p`; 32
/// constraints in R1CS.
pub fn witness<B: CircuitBuilder>(b: &mut B, value: Option<u32>) -> Felt<B::Var> {
    if b.cheap_range_checks() {
        let v = b.witness(value.map(|x| Fr::from(u64::from(x))));
        range_check_below_p(b, &v);
        return Felt { v, bound: 31 };
    }
    let (v, bits) = b.witness_bits(value.map(|x| Fr::from(u64::from(x))), 31);
    assert_below_p(b, &bits);
    Felt { v, bound: 31 }
}

/// Constrains an existing variable `v < p`.
pub fn assert_canonical<B: CircuitBuilder>(b: &mut B, v: &B::Var) {
    if b.cheap_range_checks() {
        return range_check_below_p(b, v);
    }
    let bits = b.to_bits(v, 31);
    assert_below_p(b, &bits);
}

/// `v < p` for backends with lookups ([`CircuitBuilder::range_check_below`]).
fn range_check_below_p<B: CircuitBuilder>(b: &mut B, v: &B::Var) {
    b.range_check_below(v, P);
}

/// A witness below `2^bits`: its bits where range checks are bit decompositions anyway (their
/// sum is the value, so no recomposition constraint), a range-checked witness otherwise.
fn bounded_witness<B: CircuitBuilder>(b: &mut B, value: Option<Fr>, bits: usize) -> B::Var {
    if b.cheap_range_checks() {
        let v = b.witness(value);
        b.range_check(&v, bits);
        v
    } else {
        b.witness_bits(value, bits).0
    }
}

/// `a + b`.
pub fn add<B: CircuitBuilder>(b: &mut B, x: &Felt<B::Var>, y: &Felt<B::Var>) -> Felt<B::Var> {
    let (x, y) = fit(b, x, y, x.bound.max(y.bound) + 1);
    Felt { v: b.add(&x.v, &y.v), bound: x.bound.max(y.bound) + 1 }
}

/// `a − b`, computed as `a + (k·p − b)` with `k·p ≥ 2^bound(b)` so that it stays non-negative.
pub fn sub<B: CircuitBuilder>(b: &mut B, x: &Felt<B::Var>, y: &Felt<B::Var>) -> Felt<B::Var> {
    let offset = k_times_p(y.bound);
    let bound = x.bound.max(bits_of(&offset)) + 1;
    let (x, y) = fit(b, x, y, bound);
    let offset_bits = bits_of(&k_times_p(y.bound));
    let shifted = b.add_const(&x.v, from_biguint(&k_times_p(y.bound)));
    Felt { v: b.sub(&shifted, &y.v), bound: x.bound.max(offset_bits) + 1 }
}

/// The least multiple of `p` that is at least `2^bound`.
fn k_times_p(bound: u32) -> BigUint {
    let p = BigUint::from(P);
    let two_pow = BigUint::from(1u8) << bound;
    (&two_pow + &p - 1u8) / &p * p
}

/// `a · b`.
pub fn mul<B: CircuitBuilder>(b: &mut B, x: &Felt<B::Var>, y: &Felt<B::Var>) -> Felt<B::Var> {
    let (x, y) = if x.bound + y.bound > MAX_BOUND { (reduce(b, x), reduce(b, y)) } else { (x.clone(), y.clone()) };
    Felt { v: b.mul(&x.v, &y.v), bound: x.bound + y.bound }
}

/// `c · a` for a small constant.
pub fn scale<B: CircuitBuilder>(b: &mut B, x: &Felt<B::Var>, c: u64) -> Felt<B::Var> {
    let c = c % P;
    let c_bits = bits_of(&BigUint::from(c)).max(1);
    let x = if x.bound + c_bits > MAX_BOUND { reduce(b, x) } else { x.clone() };
    Felt { v: b.scale(&x.v, Fr::from(c)), bound: x.bound + c_bits }
}

/// Reduces operands that would overflow `bound` bits.
fn fit<B: CircuitBuilder>(b: &mut B, x: &Felt<B::Var>, y: &Felt<B::Var>, bound: u32) -> (Felt<B::Var>, Felt<B::Var>) {
    if bound > MAX_BOUND {
        (reduce(b, x), reduce(b, y))
    } else {
        (x.clone(), y.clone())
    }
}

/// Bits of the quotient `⌊x/p⌋` for `x < 2^bound` (`p > 2^30`).
fn quotient_bits(bound: u32) -> usize {
    bound.saturating_sub(30).max(1) as usize
}

/// The canonical residue of `x`: witnesses `q` (as its `bound − 30` bits) and canonical `r` with
/// `x = q·p + r`, which holds over the integers since `q·p + r < 2^(bound+1)` is far below the
/// BN254 modulus.
pub fn reduce<B: CircuitBuilder>(b: &mut B, x: &Felt<B::Var>) -> Felt<B::Var> {
    let value = b.value(&x.v).map(to_biguint);
    let p = BigUint::from(P);
    let q = bounded_witness(b, value.as_ref().map(|v| from_biguint(&(v / &p))), quotient_bits(x.bound));
    let r = witness(b, value.as_ref().map(|v| u32::try_from(v % &p).unwrap_or(0)));
    let qp = b.scale(&q, Fr::from(P));
    let recomposed = b.add(&qp, &r.v);
    b.assert_eq(&recomposed, &x.v);
    r
}

/// Constrains `x ≡ y (mod p)`: `x − y` (made non-negative) is `q·p` for a range-checked `q`.
pub fn assert_eq<B: CircuitBuilder>(b: &mut B, x: &Felt<B::Var>, y: &Felt<B::Var>) {
    let d = sub(b, x, y);
    let value = b.value(&d.v).map(to_biguint);
    let p = BigUint::from(P);
    let q = bounded_witness(b, value.as_ref().map(|v| from_biguint(&(v / &p))), quotient_bits(d.bound));
    let qp = b.scale(&q, Fr::from(P));
    b.assert_eq(&qp, &d.v);
}

/// The canonical value of `x`, when known.
pub fn value<B: CircuitBuilder>(b: &B, x: &Felt<B::Var>) -> Option<u32> {
    let v = to_biguint(b.value(&x.v)?) % BigUint::from(P);
    u32::try_from(v).ok()
}

/// An extension constant.
pub fn ext_constant<B: CircuitBuilder>(b: &mut B, c: [u64; 4]) -> Ext<B::Var> {
    c.map(|x| constant(b, x))
}

/// A base element as an extension element.
pub fn ext_from_base<B: CircuitBuilder>(b: &mut B, x: &Felt<B::Var>) -> Ext<B::Var> {
    [x.clone(), constant(b, 0), constant(b, 0), constant(b, 0)]
}

/// Canonical extension witness.
pub fn ext_witness<B: CircuitBuilder>(b: &mut B, value: Option<[u32; 4]>) -> Ext<B::Var> {
    core::array::from_fn(|i| witness(b, value.map(|v| v[i])))
}

/// `x + y`.
pub fn ext_add<B: CircuitBuilder>(b: &mut B, x: &Ext<B::Var>, y: &Ext<B::Var>) -> Ext<B::Var> {
    core::array::from_fn(|i| add(b, &x[i], &y[i]))
}

/// `x − y`.
pub fn ext_sub<B: CircuitBuilder>(b: &mut B, x: &Ext<B::Var>, y: &Ext<B::Var>) -> Ext<B::Var> {
    core::array::from_fn(|i| sub(b, &x[i], &y[i]))
}

/// Interpolation points of [`ext_mul`] besides infinity.
const POINTS: [i64; 6] = [0, 1, -1, 2, -2, 3];

fn fr(t: i64) -> Fr {
    let magnitude = Fr::from(t.unsigned_abs());
    if t < 0 { -magnitude } else { magnitude }
}

/// The inverse of the Vandermonde matrix `V[t][k] = t^k` over BN254, for `POINTS`.
fn interpolation() -> &'static [[Fr; 6]; 6] {
    static M: OnceLock<[[Fr; 6]; 6]> = OnceLock::new();
    M.get_or_init(|| {
        let (zero, one) = (Fr::from(0u64), Fr::from(1u64));
        let mut a: [[Fr; 12]; 6] =
            core::array::from_fn(|r| core::array::from_fn(|c| if c < 6 { fr(POINTS[r]).pow([c as u64]) } else if c - 6 == r { one } else { zero }));
        for col in 0..6 {
            let pivot = (col..6).find(|&r| a[r][col] != zero).unwrap_or(col);
            a.swap(col, pivot);
            let inv = a[col][col].inverse().unwrap_or_default();
            a[col].iter_mut().for_each(|x| *x *= inv);
            let pivot_row = a[col];
            for (r, row) in a.iter_mut().enumerate() {
                if r != col {
                    let f = row[col];
                    row.iter_mut().zip(pivot_row).for_each(|(x, p)| *x -= f * p);
                }
            }
        }
        core::array::from_fn(|r| core::array::from_fn(|c| a[r][c + 6]))
    })
}

/// `x·y` in BabyBear⁴ with 7 multiplications instead of 16: the integer product polynomial
/// `Σ c_k X^k` (`c_k < 4·2^{bx+by}`, far below BN254's modulus, so its BN254 coefficients are
/// the integers) is recovered exactly from its values at `0, ±1, ±2, 3` and its leading
/// coefficient; then `X⁴ = 11`. Reduces both operands first if `bx + by + 6 > MAX_BOUND`; the
/// result's bound is `bx + by + 6`.
pub fn ext_mul<B: CircuitBuilder>(b: &mut B, x: &Ext<B::Var>, y: &Ext<B::Var>) -> Ext<B::Var> {
    let (x, y) = if max_bound(x) + max_bound(y) + EXT_MUL_GROWTH > MAX_BOUND {
        (ext_reduce(b, x), ext_reduce(b, y))
    } else {
        (x.clone(), y.clone())
    };
    let out_bound = max_bound(&x) + max_bound(&y) + EXT_MUL_GROWTH;
    if !b.free_linear_combinations() {
        return ext_mul_schoolbook(b, &x, &y, out_bound);
    }
    let eval = |b: &mut B, e: &Ext<B::Var>, t: i64| {
        let mut acc = e[0].v.clone();
        for (k, c) in e.iter().enumerate().skip(1) {
            let term = b.scale(&c.v, fr(t).pow([k as u64]));
            acc = b.add(&acc, &term);
        }
        acc
    };
    let top = b.mul(&x[3].v, &y[3].v);
    let values: Vec<B::Var> = POINTS
        .iter()
        .map(|&t| {
            let (xt, yt) = (eval(b, &x, t), eval(b, &y, t));
            let p = b.mul(&xt, &yt);
            let lead = b.scale(&top, fr(t).pow([6u64]));
            b.sub(&p, &lead)
        })
        .collect();
    let mut c: Vec<B::Var> = interpolation()
        .iter()
        .map(|row| {
            let mut acc = b.constant(Fr::from(0u64));
            for (coef, v) in row.iter().zip(&values) {
                let term = b.scale(v, *coef);
                acc = b.add(&acc, &term);
            }
            acc
        })
        .collect();
    c.push(top);
    core::array::from_fn(|k| {
        let v = match c.get(k + 4) {
            Some(high) => {
                let wrapped = b.scale(high, Fr::from(W));
                b.add(&c[k], &wrapped)
            }
            None => c[k].clone(),
        };
        Felt { v, bound: out_bound }
    })
}

/// `x·y` as four sums of the 16 coefficient products (`X⁴ = 11`), for builders where additions
/// are not free: a PLONK backend chains each sum in one multiply-accumulate row per product,
/// where the 7 products of [`ext_mul`] would need their 12 evaluations and 4 interpolations as
/// rows. Coefficient `k` is below `(1 + 3·11)·2^(bx+by) < 2^(bx+by+6)`, `bound` as [`ext_mul`]'s.
fn ext_mul_schoolbook<B: CircuitBuilder>(b: &mut B, x: &Ext<B::Var>, y: &Ext<B::Var>, bound: u32) -> Ext<B::Var> {
    let zero = b.constant(Fr::from(0u64));
    core::array::from_fn(|k| {
        let products: Vec<(Fr, B::Var, B::Var)> = (0..4)
            .map(|i| {
                let j = (k + 4 - i) % 4;
                let c = if i + j >= 4 { Fr::from(W) } else { Fr::from(1u64) };
                (c, x[i].v.clone(), y[j].v.clone())
            })
            .collect();
        Felt { v: b.sum_of_products(&products, &zero), bound }
    })
}

/// `Σ xᵢ·cᵢ` for extension elements `xᵢ` and base elements `cᵢ` (a random linear combination
/// of opened values). Where linear combinations are free this is products and a balanced sum;
/// otherwise each coefficient is one sum of products. The bound grows by `log2(len)` bits over
/// the largest product's.
pub fn ext_dot_base<B: CircuitBuilder>(b: &mut B, pairs: &[(&Ext<B::Var>, &Felt<B::Var>)]) -> Ext<B::Var> {
    let product_bound = pairs.iter().map(|(x, c)| max_bound(x) + c.bound).max().unwrap_or(0);
    let bound = product_bound + usize::BITS - pairs.len().saturating_sub(1).leading_zeros();
    if b.free_linear_combinations() || bound > MAX_BOUND || pairs.len() < 2 {
        let terms = pairs.iter().map(|(x, c)| ext_mul_base(b, x, c)).collect();
        return ext_sum(b, terms);
    }
    let zero = b.constant(Fr::from(0u64));
    core::array::from_fn(|i| {
        let products: Vec<(Fr, B::Var, B::Var)> =
            pairs.iter().map(|(x, c)| (Fr::from(1u64), x[i].v.clone(), c.v.clone())).collect();
        Felt { v: b.sum_of_products(&products, &zero), bound }
    })
}

/// `Σ terms` as a balanced tree, so bounds grow by `log2(len)` bits; zero if empty.
pub fn ext_sum<B: CircuitBuilder>(b: &mut B, mut terms: Vec<Ext<B::Var>>) -> Ext<B::Var> {
    while terms.len() > 1 {
        terms = terms
            .chunks(2)
            .map(|pair| match pair {
                [x, y] => ext_add(b, x, y),
                _ => pair[0].clone(),
            })
            .collect();
    }
    terms.pop().unwrap_or_else(|| ext_constant(b, [0; 4]))
}

/// `x · c` for a base element `c`.
pub fn ext_mul_base<B: CircuitBuilder>(b: &mut B, x: &Ext<B::Var>, c: &Felt<B::Var>) -> Ext<B::Var> {
    core::array::from_fn(|i| mul(b, &x[i], c))
}

/// Reduces every coefficient.
pub fn ext_reduce<B: CircuitBuilder>(b: &mut B, x: &Ext<B::Var>) -> Ext<B::Var> {
    core::array::from_fn(|i| if x[i].bound <= 31 { x[i].clone() } else { reduce(b, &x[i]) })
}

/// Constrains `x = y`.
pub fn ext_assert_eq<B: CircuitBuilder>(b: &mut B, x: &Ext<B::Var>, y: &Ext<B::Var>) {
    for i in 0..4 {
        assert_eq(b, &x[i], &y[i]);
    }
}

/// The canonical value of `x`, when known.
pub fn ext_value<B: CircuitBuilder>(b: &B, x: &Ext<B::Var>) -> Option<[u32; 4]> {
    Some([value(b, &x[0])?, value(b, &x[1])?, value(b, &x[2])?, value(b, &x[3])?])
}

fn max_bound<V>(x: &Ext<V>) -> u32 {
    x.iter().map(|f| f.bound).max().unwrap_or(1)
}
