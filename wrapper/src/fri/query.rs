//! One FRI query's arithmetic: its domain points, reduced openings and fold chain. The Merkle
//! checks of what it opens are made per tree by the caller.
//!
//! Divisions are never computed: each quotient is a canonical witness checked by one
//! multiplication (`t·d ≡ n`) with a non-zero divisor, so it is unique. This keeps every value
//! the chain carries canonical or a short sum of canonical values, and the checked products
//! small (about 70 bits, 103 where a reduced opening rolls in).

use std::collections::BTreeMap;

use p3_baby_bear::BabyBear;
use p3_field::{BasedVectorSpace, Field, PrimeCharacteristicRing, PrimeField32, TwoAdicField};

use super::{Challenge, FriChallenges, FriError, FriParams, FriProofVars, QueryProof, Shape, Shared};
use crate::builder::{CircuitBuilder, Section};
use crate::field::{self, Ext, Felt, P};
use crate::sponge;

/// Index bits per window of the domain-point product.
const WINDOW: usize = 3;

/// Checks one query's reduced openings and fold chain (see the module documentation of
/// [`super`]); returns the commit-phase leaf of every fold round for the caller's Merkle checks.
#[allow(clippy::too_many_arguments)]
pub(super) fn verify_query<B: CircuitBuilder>(
    b: &mut B,
    params: &FriParams,
    shape: &Shape,
    shared: &Shared<B::Var>,
    points: &[Ext<B::Var>],
    challenges: &FriChallenges<B::Var>,
    proof: &FriProofVars<B::Var>,
    bits: &[B::Var],
    query: &QueryProof<B::Var>,
) -> Result<Vec<Vec<Felt<B::Var>>>, FriError> {
    let h_max = shape.log_max;
    let ys = domain_points(b, bits, shape.log_final);
    let y = |log_height: usize| &ys[log_height - shape.log_final];

    // Reduced openings, tallest first: one canonical term per (height, point) group.
    let mut reduced: Vec<(usize, Vec<Ext<B::Var>>)> = Vec::new();
    // `Σ_c α^{offset+c}·row_c` by (round, matrix, offset), for shifted groups to reuse.
    let mut sums: BTreeMap<(usize, usize, usize), Ext<B::Var>> = BTreeMap::new();
    for (g, group) in shape.groups.iter().enumerate() {
        let mut at_x = Vec::new();
        for &(r, m, o, offset) in &group.members {
            let row = &query.inputs[r].rows[m];
            let (shift, first) = if group.shifted && o > 0 { (o * row.len(), offset - o * row.len()) } else { (0, offset) };
            let sum = match sums.get(&(r, m, first)) {
                Some(sum) => sum.clone(),
                None => {
                    let pairs: Vec<_> = shared.alpha_powers[first..].iter().zip(row).collect();
                    let sum = field::ext_dot_base(b, &pairs);
                    sums.insert((r, m, first), sum.clone());
                    sum
                }
            };
            at_x.push(match shared.alpha_shifts.get(&shift).filter(|_| shift > 0) {
                Some(power) => field::ext_mul(b, power, &sum),
                None => sum,
            });
        }
        let at_x = field::ext_sum(b, at_x);
        let term = group_term(b, &points[group.point], y(group.log_height), &shared.at_z[g], &at_x);
        match reduced.iter_mut().find(|(h, _)| *h == group.log_height) {
            Some((_, terms)) => terms.push(term),
            None => reduced.push((group.log_height, vec![term])),
        }
    }
    reduced.sort_by_key(|(h, _)| core::cmp::Reverse(*h));
    let mut reduced: Vec<(usize, Ext<B::Var>)> = reduced.into_iter().map(|(h, terms)| (h, field::ext_sum(b, terms))).collect();
    if let Some((_, ro)) = reduced.iter().find(|(h, _)| *h == params.log_blowup) {
        let zero = field::ext_constant(b, [0; 4]);
        field::ext_assert_eq(b, ro, &zero);
    }

    // The fold chain.
    let mut value = match reduced.first() {
        Some((h, ro)) if *h == h_max => field::ext_reduce(b, ro),
        _ => return Err(FriError::Params("no reduced opening at the largest height")),
    };
    reduced.remove(0);
    let mut rows = Vec::with_capacity(query.folds.len());
    for (k, fold) in query.folds.iter().enumerate() {
        let log_height = h_max - k;
        rows.push(leaf_row(b, &bits[k], &value, &fold.sibling));
        let roll = if reduced.first().is_some_and(|(h, _)| *h == log_height - 1) { Some(reduced.remove(0).1) } else { None };
        let step = FoldStep { beta: &challenges.betas[k], beta_square: &shared.beta_squares[k], y: y(log_height) };
        value = fold_pair(b, &value, &fold.sibling, &step, roll.as_ref());
    }
    if !reduced.is_empty() {
        return Err(FriError::Params("reduced openings below the final height"));
    }
    check_final_poly(b, &value, &proof.final_poly, y(shape.log_final));
    Ok(rows)
}

/// Constrains `z ∉ BabyBear`, so that `z − x ≠ 0` for every domain point `x` (Plonky3's
/// out-of-domain points, sampled from BabyBear⁴, are in BabyBear with probability ≈ 2^-93): its
/// coefficients of `X, X², X³`, canonical, pack into an integer below the BN254 modulus that
/// has an inverse, i.e. is not zero.
pub fn assert_not_base<B: CircuitBuilder>(b: &mut B, z: &Ext<B::Var>) {
    let mut packed = b.constant(0u64.into());
    let mut shift = ark_bn254::Fr::from(1u64);
    for c in &z[1..] {
        let c = sponge::canonical(b, c);
        let term = b.scale(&c.v, shift);
        packed = b.add(&packed, &term);
        shift *= ark_bn254::Fr::from(1u64 << 31);
    }
    let inverse = b.hint(core::slice::from_ref(&packed), |v| ark_ff::Field::inverse(&v[0]).unwrap_or_default());
    let one = b.constant(1u64.into());
    b.assert_mul(&packed, &inverse, &one);
}

fn native(x: [u32; 4]) -> Challenge {
    Challenge::from_basis_coefficients_fn(|i| BabyBear::new(x[i]))
}

fn to_u32s(x: Challenge) -> [u32; 4] {
    let c: &[BabyBear] = BasedVectorSpace::<BabyBear>::as_basis_coefficients_slice(&x);
    core::array::from_fn(|i| c.get(i).map_or(0, PrimeField32::as_canonical_u32))
}

/// A group's term `(p(z) − p(x))/(z − g·y)`: a canonical witness `t` checked by
/// `t·(z − g·y) ≡ at_z − at_x` (`g` the coset shift; the divisor is not zero, see
/// [`assert_not_base`]).
fn group_term<B: CircuitBuilder>(
    b: &mut B,
    z: &Ext<B::Var>,
    y: &Felt<B::Var>,
    at_z: &Ext<B::Var>,
    at_x: &Ext<B::Var>,
) -> Ext<B::Var> {
    let shift = BabyBear::GENERATOR;
    let values = (field::ext_value(b, z), field::value(b, y), field::ext_value(b, at_z), field::ext_value(b, at_x));
    let value = match values {
        (Some(z), Some(y), Some(at_z), Some(at_x)) => {
            let divisor = native(z) - Challenge::from(shift * BabyBear::new(y));
            Some(to_u32s((native(at_z) - native(at_x)) * divisor.try_inverse().unwrap_or(Challenge::ZERO)))
        }
        _ => None,
    };
    let t = field::ext_witness(b, value);
    let gy = field::scale(b, y, u64::from(shift.as_canonical_u32()));
    let mut divisor = z.clone();
    divisor[0] = field::sub(b, &z[0], &gy);
    let product = field::ext_mul(b, &t, &divisor);
    let difference = field::ext_sub(b, at_z, at_x);
    field::ext_assert_eq(b, &product, &difference);
    t
}

/// The commit-phase leaf `[lower, upper]` flattened: the query's value goes to the side its
/// index bit names, the sibling to the other (both canonical, so the leaf is too).
fn leaf_row<B: CircuitBuilder>(
    b: &mut B,
    bit: &B::Var,
    value: &Ext<B::Var>,
    sibling: &Ext<B::Var>,
) -> Vec<Felt<B::Var>> {
    let previous = b.set_section(Section::MerklePaths);
    let mut lower = Vec::with_capacity(4);
    let mut upper = Vec::with_capacity(4);
    for (v, u) in value.iter().zip(sibling) {
        let (l, r) = sponge::order_children(b, bit, &v.v, &u.v);
        lower.push(Felt { v: l, bound: 31 });
        upper.push(Felt { v: r, bound: 31 });
    }
    b.set_section(previous);
    lower.extend(upper);
    lower
}

/// One fold round's challenges and the query's point `y` at the round's height.
struct FoldStep<'a, V> {
    beta: &'a Ext<V>,
    beta_square: &'a Ext<V>,
    y: &'a Felt<V>,
}

/// The next layer's value `w = (v + u)/2 + (v − u)·β/(2y) [+ β²·ro]` (arity 2, `v` at the
/// query's point, `u` at its sibling), a canonical witness checked by
/// `2y·w ≡ y·(v + u) + β·(v − u) [+ 2y·β²·ro]`; `y` is a root of unity, so `w` is unique.
fn fold_pair<B: CircuitBuilder>(
    b: &mut B,
    value: &Ext<B::Var>,
    sibling: &Ext<B::Var>,
    step: &FoldStep<'_, B::Var>,
    roll: Option<&Ext<B::Var>>,
) -> Ext<B::Var> {
    let ro = match roll {
        None => Some(None),
        Some(ro) => field::ext_value(b, ro).map(Some),
    };
    let known = (
        field::ext_value(b, value),
        field::ext_value(b, sibling),
        field::ext_value(b, step.beta),
        field::ext_value(b, step.beta_square),
        field::value(b, step.y),
        ro,
    );
    let next = match known {
        (Some(v), Some(u), Some(beta), Some(beta_square), Some(y), Some(ro)) => {
            let (v, u, beta) = (native(v), native(u), native(beta));
            let two = BabyBear::new(2);
            let two_y = two * BabyBear::new(y);
            let inverse = |x: BabyBear| x.try_inverse().unwrap_or(BabyBear::ZERO);
            let mut w = (v + u) * inverse(two) + (v - u) * beta * inverse(two_y);
            if let Some(ro) = ro {
                w += native(beta_square) * native(ro);
            }
            Some(to_u32s(w))
        }
        _ => None,
    };
    let w = field::ext_witness(b, next);
    let two_y = field::scale(b, step.y, 2);
    let lhs = field::ext_mul_base(b, &w, &two_y);
    let sum = field::ext_add(b, value, sibling);
    let mut rhs = field::ext_mul_base(b, &sum, step.y);
    let difference = field::ext_sub(b, value, sibling);
    let slope = field::ext_mul(b, &difference, step.beta);
    rhs = field::ext_add(b, &rhs, &slope);
    if let Some(ro) = roll {
        let rolled = field::ext_mul(b, step.beta_square, ro);
        let rolled = field::ext_mul_base(b, &rolled, &two_y);
        rhs = field::ext_add(b, &rhs, &rolled);
    }
    field::ext_assert_eq(b, &lhs, &rhs);
    w
}

/// `value = Σ c_i·y^i` (Horner, the accumulator reduced before each product).
fn check_final_poly<B: CircuitBuilder>(b: &mut B, value: &Ext<B::Var>, coeffs: &[Ext<B::Var>], y: &Felt<B::Var>) {
    let mut acc: Option<Ext<B::Var>> = None;
    for c in coeffs.iter().rev() {
        acc = Some(match acc {
            None => c.clone(),
            Some(acc) => {
                let acc = field::ext_reduce(b, &acc);
                let shifted = field::ext_mul_base(b, &acc, y);
                field::ext_add(b, &shifted, c)
            }
        });
    }
    if let Some(acc) = acc {
        field::ext_assert_eq(b, value, &acc);
    }
}

/// `y_L` for `L = log_final ..= bits.len()` (index `L − log_final`), canonical:
/// `y_H = Π_j ω_{j+1}^{b_j}` by windows of constants, then `y_{L−1} = y_L²`.
fn domain_points<B: CircuitBuilder>(b: &mut B, bits: &[B::Var], log_final: usize) -> Vec<Felt<B::Var>> {
    let log_max = bits.len();
    let roots: Vec<u32> = (0..log_max).map(|j| BabyBear::two_adic_generator(j + 1).as_canonical_u32()).collect();
    let mut product: Option<Felt<B::Var>> = None;
    for (window_bits, window_roots) in bits.chunks(WINDOW).zip(roots.chunks(WINDOW)) {
        let factor = select_product(b, window_bits, window_roots);
        product = Some(match product {
            None => factor,
            Some(acc) => field::mul(b, &acc, &factor),
        });
    }
    let top = match product {
        Some(p) => sponge::canonical(b, &p),
        None => field::constant(b, 1),
    };
    let mut out = vec![top];
    for _ in log_final..log_max {
        let last = &out[out.len() - 1];
        let square = field::mul(b, last, last);
        out.push(field::reduce(b, &square));
    }
    out.reverse();
    out
}

/// `Π_t c_t^{b_t}` over one window, as the multilinear polynomial through its `2^n` values
/// (`2^n − n − 1` multiplications; the result is the canonical table entry).
fn select_product<B: CircuitBuilder>(b: &mut B, bits: &[B::Var], consts: &[u32]) -> Felt<B::Var> {
    let n = bits.len();
    let mut coeffs: Vec<ark_bn254::Fr> = (0..1usize << n)
        .map(|m| {
            let entry = (0..n).filter(|t| (m >> t) & 1 == 1).fold(1u64, |acc, t| acc * u64::from(consts[t]) % P);
            ark_bn254::Fr::from(entry)
        })
        .collect();
    // Möbius transform: table values to multilinear coefficients.
    for t in 0..n {
        for m in 0..1usize << n {
            if (m >> t) & 1 == 1 {
                let lower = coeffs[m ^ (1 << t)];
                coeffs[m] -= lower;
            }
        }
    }
    let mut monomials: Vec<Option<B::Var>> = vec![None; 1 << n];
    let mut acc = b.constant(coeffs[0]);
    for m in 1..1usize << n {
        let top = usize::BITS as usize - 1 - m.leading_zeros() as usize;
        let monomial = match &monomials[m ^ (1 << top)] {
            Some(rest) => b.mul(rest, &bits[top]),
            None => bits[top].clone(),
        };
        let term = b.scale(&monomial, coeffs[m]);
        acc = b.add(&acc, &term);
        monomials[m] = Some(monomial);
    }
    Felt { v: acc, bound: 31 }
}

