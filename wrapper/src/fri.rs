//! FRI verification for the two-adic PCS (`TwoAdicFriPcs`, p3-fri 0.8) as a circuit.
//!
//! Given the transcript's challenges — the batching `α`, one folding `β` per round and each
//! query's index as bits (from the challenger's `sample_bits`) — [`verify_fri`] checks per query
//! what `p3_fri::verifier::verify_fri` checks:
//!
//! - every input round's opened rows against its commitment ([`sponge::verify_batch`] on full
//!   paths, which the witness generator restores from the pruned multi-proof with
//!   `MerkleTreeMmcs::restore_and_recompute_paths`);
//! - the reduced opening of each LDE height, `Σ α^k·(p_k(z) − p_k(x)) / (z − x)`, with Plonky3's
//!   alpha ladder: one running power per height, advancing over (round, matrix, point, column)
//!   in claim order;
//! - `reduced opening = 0` at height `log_blowup` (a one-row trace), as Plonky3 demands;
//! - the fold chain with arity 2, rolling the reduced opening of each height in with `β²`, and
//!   each round's opened pair against that round's commitment (`ExtensionMmcs`: a leaf is the
//!   pair flattened to 8 BabyBear, lower point first);
//! - the final polynomial at the last folded point.
//!
//! Only `max_log_arity = 1` is supported (every Cairn profile); other parameters are refused.
//!
//! **Domain points.** With index bits `b_0..b_{H−1}` (least significant first, `2^H` the largest
//! LDE height) the query's point in an LDE of height `2^L` is `x_L = g·y_L` (`g` the coset
//! shift `BabyBear::GENERATOR`) with `y_L = ω_L^{rev_L(index >> (H−L))}`. Hence
//! `y_H = Π_j ω_{j+1}^{b_j}` and `y_{L−1} = y_L²`. The circuit needs only `y_L^{-1}`, built the
//! same way from the inverse roots: a product of constants selected by 3-bit windows (each
//! window a multilinear polynomial in its bits), then one squaring per height. The arity-2 fold
//! of the query value `v` and its sibling `u` is `(v + u)/2 + (v − u)·β/(2·y_h)` whichever of
//! the two points is the query's, and `q = 1/(z − x_L)` is checked as
//! `q·(z·y_L^{-1} − g) = y_L^{-1}`.
//!
//! **Cost** (R1CS, the fibonacci guest's outer proof: 54 matrices in 4 rounds, 16 fold rounds):
//! per query ≈ 29 k constraints of FRI arithmetic plus 315 (TEST) / 335 (PRODUCTION) Poseidon2
//! permutations (76 k / 80 k) plus the caller's range checks of the opened rows (38 k); once
//! ≈ 61 k (alpha powers, `Σ α^k·p(z)`, `β²`). Tests: `wrapper/tests/fri.rs`.

use ark_bn254::Fr;
use p3_baby_bear::BabyBear;
use p3_field::extension::BinomialExtensionField;
use p3_field::{BasedVectorSpace, Field, PrimeCharacteristicRing, PrimeField32, TwoAdicField};

use crate::builder::{CircuitBuilder, Section};
use crate::field::{self, Ext, Felt, P};
use crate::sponge::{self, MatrixShape, MmcsError};

type Challenge = BinomialExtensionField<BabyBear, 4>;

/// Largest supported log2 LDE height: BabyBear's two-adicity.
pub const MAX_LOG_HEIGHT: usize = BabyBear::TWO_ADICITY;
/// BabyBear elements per commit-phase leaf: two extension elements.
pub const FOLD_LEAF_WIDTH: usize = 8;
/// Index bits per window of the domain-point product.
const WINDOW: usize = 3;
/// `1/2` in BabyBear.
const INV_TWO: u64 = P.div_ceil(2);

/// The FRI parameters a circuit is built for (the MMCS and proof-of-work bits live elsewhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FriParams {
    /// log2 of the blowup.
    pub log_blowup: usize,
    /// log2 of the final polynomial's length.
    pub log_final_poly_len: usize,
    /// log2 of the largest folding arity; only 1 is supported.
    pub max_log_arity: usize,
    /// Number of queries.
    pub num_queries: usize,
}

impl FriParams {
    /// The FRI parameters of a profile.
    pub fn of_profile(profile: &cairn_stark::Profile) -> Self {
        Self {
            log_blowup: profile.log_blowup,
            log_final_poly_len: profile.log_final_poly_len,
            max_log_arity: profile.max_log_arity,
            num_queries: profile.num_queries,
        }
    }
}

/// One committed matrix and what is claimed about it.
#[derive(Clone, Debug)]
pub struct MatrixClaim<V> {
    /// log2 of the polynomials' domain size; the committed LDE has `log_blowup` more bits.
    pub log_size: usize,
    /// Per opening point: its index in the `points` given to [`verify_fri`] and the claimed
    /// value of every column there.
    pub openings: Vec<(usize, Vec<Ext<V>>)>,
}

/// One input commitment (a PCS round) and its matrices, in commit order.
#[derive(Clone, Debug)]
pub struct RoundClaim<V> {
    /// The Merkle cap.
    pub cap: Vec<V>,
    /// The matrices.
    pub matrices: Vec<MatrixClaim<V>>,
}

/// A query's opening of one input round.
#[derive(Clone, Debug)]
pub struct InputOpening<V> {
    /// The opened row of every matrix (canonical BabyBear), in commit order.
    pub rows: Vec<Vec<Felt<V>>>,
    /// The full Merkle path, leaf level first.
    pub path: Vec<V>,
}

/// A query's opening of one commit-phase round.
#[derive(Clone, Debug)]
pub struct FoldOpening<V> {
    /// The evaluation at the sibling point (canonical).
    pub sibling: Ext<V>,
    /// The full Merkle path, leaf level first.
    pub path: Vec<V>,
}

/// Everything one query opens.
#[derive(Clone, Debug)]
pub struct QueryProof<V> {
    /// One opening per input round.
    pub inputs: Vec<InputOpening<V>>,
    /// One opening per fold round.
    pub folds: Vec<FoldOpening<V>>,
}

/// The FRI proof's data as circuit variables.
#[derive(Clone, Debug)]
pub struct FriProofVars<V> {
    /// The commit-phase caps, one per fold round.
    pub commits: Vec<Vec<V>>,
    /// The final polynomial's coefficients, constant term first.
    pub final_poly: Vec<Ext<V>>,
    /// One entry per query.
    pub queries: Vec<QueryProof<V>>,
}

/// The transcript's challenges, as the challenger gadget samples them.
#[derive(Clone, Debug)]
pub struct FriChallenges<V> {
    /// The opening-batching challenge.
    pub alpha: Ext<V>,
    /// One folding challenge per round.
    pub betas: Vec<Ext<V>>,
    /// Each query's index: `log2(largest LDE height)` boolean variables, least significant
    /// first.
    pub indices: Vec<Vec<V>>,
}

/// Inputs whose shape FRI (or this gadget) rejects; wrong values instead make the circuit
/// unsatisfiable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FriError {
    /// Parameters this gadget does not verify.
    #[error("unsupported FRI parameters: {0}")]
    Params(&'static str),
    /// A list of the wrong length.
    #[error("{what}: expected {expected}, got {got}")]
    Count {
        /// Which list.
        what: &'static str,
        /// Its length by the parameters and claims.
        expected: usize,
        /// Its length given.
        got: usize,
    },
    /// A malformed claim.
    #[error("round {round}, matrix {matrix}: {reason}")]
    Claim {
        /// Input round.
        round: usize,
        /// Matrix in the round.
        matrix: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// An input opening's shape.
    #[error("input round {round}: {source}")]
    Input {
        /// Input round.
        round: usize,
        /// The MMCS error.
        source: MmcsError,
    },
    /// A commit-phase opening's shape.
    #[error("fold round {round}: {source}")]
    Fold {
        /// Fold round.
        round: usize,
        /// The MMCS error.
        source: MmcsError,
    },
}

fn count(what: &'static str, expected: usize, got: usize) -> Result<(), FriError> {
    if expected == got {
        Ok(())
    } else {
        Err(FriError::Count { what, expected, got })
    }
}

/// The claims' matrices sharing one LDE height and one opening point, with each member's
/// `(round, matrix, opening, alpha offset)`.
struct Group {
    log_height: usize,
    point: usize,
    members: Vec<(usize, usize, usize, usize)>,
}

/// What the parameters and claims fix before any proof value is read.
struct Shape {
    /// log2 of the largest LDE height (`H`), the index length.
    log_max: usize,
    /// log2 of the final domain (`F`).
    log_final: usize,
    /// Longest alpha ladder.
    ladder: usize,
    groups: Vec<Group>,
}

impl Shape {
    fn rounds(&self) -> usize {
        self.log_max - self.log_final
    }
}

/// Checks the parameters and claims; derives heights, groups and alpha offsets exactly as
/// `open_inputs` walks them.
fn shape<V>(params: &FriParams, points: usize, rounds: &[RoundClaim<V>]) -> Result<Shape, FriError> {
    if params.max_log_arity != 1 {
        return Err(FriError::Params("only arity 2 (max_log_arity = 1) is supported"));
    }
    if params.num_queries == 0 {
        return Err(FriError::Params("at least one query is needed"));
    }
    if params.log_blowup == 0 {
        return Err(FriError::Params("the blowup must be at least 2"));
    }
    let log_final = params.log_blowup.saturating_add(params.log_final_poly_len);
    if log_final > MAX_LOG_HEIGHT {
        return Err(FriError::Params("final domain exceeds the two-adicity"));
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut offsets = std::collections::BTreeMap::<usize, usize>::new();
    for (r, round) in rounds.iter().enumerate() {
        for (m, matrix) in round.matrices.iter().enumerate() {
            let claim = |reason| FriError::Claim { round: r, matrix: m, reason };
            let log_height = matrix.log_size.saturating_add(params.log_blowup);
            if log_height > MAX_LOG_HEIGHT {
                return Err(claim("LDE height exceeds the two-adicity"));
            }
            if log_height < log_final {
                return Err(claim("LDE height below the final domain"));
            }
            let width = matrix.openings.first().map(|(_, v)| v.len()).ok_or(claim("opened at no point"))?;
            for (o, (point, values)) in matrix.openings.iter().enumerate() {
                if *point >= points {
                    return Err(claim("opening point out of range"));
                }
                if values.len() != width {
                    return Err(claim("points claim different numbers of columns"));
                }
                let offset = offsets.entry(log_height).or_default();
                let member = (r, m, o, *offset);
                *offset += width;
                match groups.iter_mut().find(|g| g.log_height == log_height && g.point == *point) {
                    Some(g) => g.members.push(member),
                    None => groups.push(Group { log_height, point: *point, members: vec![member] }),
                }
            }
        }
    }
    let log_max = offsets.keys().next_back().copied().ok_or(FriError::Params("nothing is committed"))?;
    let ladder = offsets.values().copied().max().unwrap_or(0);
    Ok(Shape { log_max, log_final, ladder, groups })
}

/// Checks the FRI opening proof of `rounds` at `points` (see the module documentation).
///
/// Shape errors (wrong counts, widths, path lengths, unsupported parameters) are returned;
/// wrong values make the circuit unsatisfiable. `challenges.indices` must be boolean.
pub fn verify_fri<B: CircuitBuilder>(
    b: &mut B,
    params: &FriParams,
    points: &[Ext<B::Var>],
    rounds: &[RoundClaim<B::Var>],
    challenges: &FriChallenges<B::Var>,
    proof: &FriProofVars<B::Var>,
) -> Result<(), FriError> {
    let shape = shape(params, points.len(), rounds)?;
    check_counts(params, &shape, rounds, challenges, proof)?;
    let previous = b.set_section(Section::Fri);
    let result = verify_checked(b, params, &shape, points, rounds, challenges, proof);
    b.set_section(previous);
    result
}

fn check_counts<V>(
    params: &FriParams,
    shape: &Shape,
    rounds: &[RoundClaim<V>],
    challenges: &FriChallenges<V>,
    proof: &FriProofVars<V>,
) -> Result<(), FriError> {
    let folds = shape.rounds();
    count("folding challenges", folds, challenges.betas.len())?;
    count("commit-phase commitments", folds, proof.commits.len())?;
    count("final polynomial coefficients", 1 << params.log_final_poly_len, proof.final_poly.len())?;
    count("query indices", params.num_queries, challenges.indices.len())?;
    count("query proofs", params.num_queries, proof.queries.len())?;
    for (bits, query) in challenges.indices.iter().zip(&proof.queries) {
        count("index bits", shape.log_max, bits.len())?;
        count("input openings", rounds.len(), query.inputs.len())?;
        count("fold openings", folds, query.folds.len())?;
    }
    Ok(())
}

/// Values shared by all queries.
struct Shared<V> {
    /// `Σ α^{offset+i}·p_i(z)` per group (canonical).
    at_z: Vec<Ext<V>>,
    alpha_powers: Vec<Ext<V>>,
    /// `β_k²` per round.
    beta_squares: Vec<Ext<V>>,
}

fn verify_checked<B: CircuitBuilder>(
    b: &mut B,
    params: &FriParams,
    shape: &Shape,
    points: &[Ext<B::Var>],
    rounds: &[RoundClaim<B::Var>],
    challenges: &FriChallenges<B::Var>,
    proof: &FriProofVars<B::Var>,
) -> Result<(), FriError> {
    let shared = shared(b, shape, rounds, challenges);
    for (bits, query) in challenges.indices.iter().zip(&proof.queries) {
        verify_query(b, params, shape, &shared, points, rounds, challenges, proof, bits, query)?;
    }
    Ok(())
}

fn shared<B: CircuitBuilder>(
    b: &mut B,
    shape: &Shape,
    rounds: &[RoundClaim<B::Var>],
    challenges: &FriChallenges<B::Var>,
) -> Shared<B::Var> {
    let alpha_powers = powers(b, &challenges.alpha, shape.ladder);
    let at_z = shape
        .groups
        .iter()
        .map(|g| {
            let mut terms = Vec::new();
            for &(r, m, o, offset) in &g.members {
                let values = &rounds[r].matrices[m].openings[o].1;
                for (value, power) in values.iter().zip(&alpha_powers[offset..]) {
                    terms.push(field::ext_mul(b, value, power));
                }
            }
            let sum = ext_sum(b, terms);
            field::ext_reduce(b, &sum)
        })
        .collect();
    let beta_squares = challenges
        .betas
        .iter()
        .map(|beta| {
            let square = field::ext_mul(b, beta, beta);
            field::ext_reduce(b, &square)
        })
        .collect();
    Shared { at_z, alpha_powers, beta_squares }
}

/// `α^0 .. α^{n−1}`, each the product of two reduced powers `α^{k mod m}·α^{m·⌊k/m⌋}` with
/// `m ≈ √n`: about `2√n` reductions instead of `n`, at the price of lazily reduced powers.
fn powers<B: CircuitBuilder>(b: &mut B, alpha: &Ext<B::Var>, n: usize) -> Vec<Ext<B::Var>> {
    let alpha = field::ext_reduce(b, alpha);
    let step = (1..=n).find(|m| m * m >= n).unwrap_or(1);
    let mut low = vec![field::ext_constant(b, [1, 0, 0, 0])];
    while low.len() <= step {
        let last = &low[low.len() - 1];
        let next = field::ext_mul(b, last, &alpha);
        low.push(field::ext_reduce(b, &next));
    }
    let Some(stride) = low.pop() else { return Vec::new() };
    let mut high = vec![low[0].clone()];
    while high.len() * step < n {
        let last = &high[high.len() - 1];
        let next = if high.len() == 1 { stride.clone() } else { field::ext_mul(b, last, &stride) };
        high.push(field::ext_reduce(b, &next));
    }
    (0..n)
        .map(|k| {
            let (i, j) = (k / step, k % step);
            match (i, j) {
                (_, 0) => high[i].clone(),
                (0, _) => low[j].clone(),
                _ => field::ext_mul(b, &low[j], &high[i]),
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn verify_query<B: CircuitBuilder>(
    b: &mut B,
    params: &FriParams,
    shape: &Shape,
    shared: &Shared<B::Var>,
    points: &[Ext<B::Var>],
    rounds: &[RoundClaim<B::Var>],
    challenges: &FriChallenges<B::Var>,
    proof: &FriProofVars<B::Var>,
    bits: &[B::Var],
    query: &QueryProof<B::Var>,
) -> Result<(), FriError> {
    let h_max = shape.log_max;
    // Input openings against their commitments.
    for (round, (claim, opening)) in rounds.iter().zip(&query.inputs).enumerate() {
        let shapes: Vec<MatrixShape> = claim
            .matrices
            .iter()
            .map(|m| MatrixShape {
                width: m.openings.first().map_or(0, |(_, v)| v.len()),
                height: 1 << (m.log_size + params.log_blowup),
            })
            .collect();
        let log_round_max = claim.matrices.iter().map(|m| m.log_size + params.log_blowup).max().unwrap_or(0);
        let index = &bits[h_max - log_round_max..];
        sponge::verify_batch(b, &claim.cap, &shapes, index, &opening.rows, &opening.path)
            .map_err(|source| FriError::Input { round, source })?;
    }
    let inverse_points = inverse_points(b, bits, shape.log_final);
    let inv_y = |log_height: usize| &inverse_points[log_height - shape.log_final];

    // Reduced openings, tallest first.
    let mut reduced: Vec<(usize, Vec<Ext<B::Var>>)> = Vec::new();
    for (g, group) in shape.groups.iter().enumerate() {
        let mut at_x = Vec::new();
        for &(r, m, _, offset) in &group.members {
            for (value, power) in query.inputs[r].rows[m].iter().zip(&shared.alpha_powers[offset..]) {
                at_x.push(field::ext_mul_base(b, power, value));
            }
        }
        let at_x = ext_sum(b, at_x);
        let difference = field::ext_sub(b, &shared.at_z[g], &at_x);
        let quotient = inverse_difference(b, &points[group.point], inv_y(group.log_height));
        let term = field::ext_mul(b, &difference, &quotient);
        match reduced.iter_mut().find(|(h, _)| *h == group.log_height) {
            Some((_, terms)) => terms.push(term),
            None => reduced.push((group.log_height, vec![term])),
        }
    }
    reduced.sort_by_key(|(h, _)| core::cmp::Reverse(*h));
    let mut reduced: Vec<(usize, Ext<B::Var>)> = reduced.into_iter().map(|(h, terms)| (h, ext_sum(b, terms))).collect();
    if let Some((_, ro)) = reduced.iter().find(|(h, _)| *h == params.log_blowup) {
        let zero = field::ext_constant(b, [0; 4]);
        field::ext_assert_eq(b, ro, &zero);
    }

    // The fold chain.
    let mut folded = match reduced.first() {
        Some((h, ro)) if *h == h_max => ro.clone(),
        _ => return Err(FriError::Params("no reduced opening at the largest height")),
    };
    reduced.remove(0);
    for (k, fold) in query.folds.iter().enumerate() {
        let log_height = h_max - k;
        let value = field::ext_reduce(b, &folded);
        let row = leaf_row(b, &bits[k], &value, &fold.sibling);
        let leaf_shape = MatrixShape { width: FOLD_LEAF_WIDTH, height: 1 << (log_height - 1) };
        sponge::verify_batch(b, &proof.commits[k], &[leaf_shape], &bits[k + 1..], &[row], &fold.path)
            .map_err(|source| FriError::Fold { round: k, source })?;
        folded = fold_pair(b, &value, &fold.sibling, &challenges.betas[k], inv_y(log_height));
        if reduced.first().is_some_and(|(h, _)| *h == log_height - 1) {
            let (_, ro) = reduced.remove(0);
            let rolled = field::ext_mul(b, &shared.beta_squares[k], &ro);
            folded = field::ext_add(b, &folded, &rolled);
        }
    }
    if !reduced.is_empty() {
        return Err(FriError::Params("reduced openings below the final height"));
    }
    check_final_poly(b, &folded, &proof.final_poly, inv_y(shape.log_final));
    Ok(())
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

/// `(v + u)/2 + (v − u)·β/(2y)` with `inv_y = 1/y`.
fn fold_pair<B: CircuitBuilder>(
    b: &mut B,
    value: &Ext<B::Var>,
    sibling: &Ext<B::Var>,
    beta: &Ext<B::Var>,
    inv_y: &Felt<B::Var>,
) -> Ext<B::Var> {
    let sum = field::ext_add(b, value, sibling);
    let half_sum: Ext<B::Var> = core::array::from_fn(|i| field::scale(b, &sum[i], INV_TWO));
    let difference = field::ext_sub(b, value, sibling);
    let slope = field::ext_mul(b, &difference, beta);
    let factor = field::scale(b, inv_y, INV_TWO);
    let odd = field::ext_mul_base(b, &slope, &factor);
    field::ext_add(b, &half_sum, &odd)
}

/// `folded = Σ c_i·y^i` checked as `folded·(1/y)^{n−1} = Σ c_i·(1/y)^{n−1−i}` (Horner in `1/y`).
fn check_final_poly<B: CircuitBuilder>(b: &mut B, folded: &Ext<B::Var>, coeffs: &[Ext<B::Var>], inv_y: &Felt<B::Var>) {
    let mut lhs = folded.clone();
    let mut rhs: Option<Ext<B::Var>> = None;
    for c in coeffs {
        rhs = Some(match rhs {
            None => c.clone(),
            Some(acc) => {
                let acc = field::ext_reduce(b, &acc);
                let shifted = field::ext_mul_base(b, &acc, inv_y);
                let reduced_lhs = field::ext_reduce(b, &lhs);
                lhs = field::ext_mul_base(b, &reduced_lhs, inv_y);
                field::ext_add(b, &shifted, c)
            }
        });
    }
    if let Some(rhs) = rhs {
        field::ext_assert_eq(b, &lhs, &rhs);
    }
}

/// `1/y_L` for `L = log_final ..= bits.len()` (index `L − log_final`), canonical.
fn inverse_points<B: CircuitBuilder>(b: &mut B, bits: &[B::Var], log_final: usize) -> Vec<Felt<B::Var>> {
    let log_max = bits.len();
    // Bit j selects ω_{j+1}^{-1}.
    let roots: Vec<u32> =
        (0..log_max).map(|j| BabyBear::two_adic_generator(j + 1).inverse().as_canonical_u32()).collect();
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
    let mut coeffs: Vec<Fr> = (0..1usize << n)
        .map(|m| {
            let entry = (0..n).filter(|t| (m >> t) & 1 == 1).fold(1u64, |acc, t| acc * u64::from(consts[t]) % P);
            Fr::from(entry)
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

/// `1/(z − g·y)` given `inv_y = 1/y`: a witness `q` with `q·(z·inv_y − g) = inv_y`.
fn inverse_difference<B: CircuitBuilder>(b: &mut B, z: &Ext<B::Var>, inv_y: &Felt<B::Var>) -> Ext<B::Var> {
    let shift = BabyBear::GENERATOR.as_canonical_u32();
    let value = match (field::ext_value(b, z), field::value(b, inv_y)) {
        (Some(z), Some(inv_y)) => {
            let z: Challenge = BasedVectorSpace::<BabyBear>::from_basis_coefficients_fn(|i| BabyBear::new(z[i]));
            let x = BabyBear::GENERATOR * BabyBear::new(inv_y).try_inverse().unwrap_or(BabyBear::ZERO);
            Some(to_u32s((z - x).try_inverse().unwrap_or(Challenge::ZERO)))
        }
        _ => None,
    };
    let quotient = field::ext_witness(b, value);
    let mut scaled = field::ext_mul_base(b, z, inv_y);
    let shift = field::constant(b, u64::from(shift));
    scaled[0] = field::sub(b, &scaled[0], &shift);
    let product = field::ext_mul(b, &quotient, &scaled);
    let expected = field::ext_from_base(b, inv_y);
    field::ext_assert_eq(b, &product, &expected);
    quotient
}

fn to_u32s(x: Challenge) -> [u32; 4] {
    let c: &[BabyBear] = BasedVectorSpace::<BabyBear>::as_basis_coefficients_slice(&x);
    core::array::from_fn(|i| c.get(i).map_or(0, PrimeField32::as_canonical_u32))
}

/// `Σ terms` as a balanced tree, so bounds grow by `log2(len)` bits; zero if empty.
fn ext_sum<B: CircuitBuilder>(b: &mut B, mut terms: Vec<Ext<B::Var>>) -> Ext<B::Var> {
    while terms.len() > 1 {
        terms = terms
            .chunks(2)
            .map(|pair| match pair {
                [x, y] => field::ext_add(b, x, y),
                _ => pair[0].clone(),
            })
            .collect();
    }
    terms.pop().unwrap_or_else(|| field::ext_constant(b, [0; 4]))
}
