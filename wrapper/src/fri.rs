//! FRI verification for the two-adic PCS (`TwoAdicFriPcs`, p3-fri 0.8) as a circuit.
//!
//! Given the transcript's challenges — the batching `α`, one folding `β` per round and each
//! query's index as bits (from the challenger's `sample_bits`) — [`verify_fri`] checks per query
//! what `p3_fri::verifier::verify_fri` checks:
//!
//! - every input round's opened rows against its commitment (on full paths, which the witness
//!   generator restores from the pruned multi-proof with
//!   `MerkleTreeMmcs::restore_and_recompute_paths`, checked by [`merkle::verify_queries`]);
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
//! `y_H = Π_j ω_{j+1}^{b_j}` (a product of constants selected by 3-bit windows, each window a
//! multilinear polynomial in its bits) and `y_{L−1} = y_L²`. The arity-2 fold of the query value
//! `v` and its sibling `u` is `(v + u)/2 + (v − u)·β/(2·y_h)` whichever of the two points is the
//! query's. Quotients (`1/(z − x)` terms, folds) are canonical witnesses checked by one product
//! each (module `query`); the opening points must lie outside BabyBear, which is proven once.
//!
//! **Merkle checks** are made per tree, for all queries together, after the arithmetic.
//!
//! Tests: `wrapper/tests/fri.rs`.

use std::collections::BTreeMap;

use p3_baby_bear::BabyBear;
use p3_field::extension::BinomialExtensionField;
use p3_field::TwoAdicField;

use crate::builder::{CircuitBuilder, Section};
use crate::field::{self, Ext, Felt};
use crate::merkle::{self, QueryOpening};
use crate::sponge::{self, MatrixShape, MmcsError};

mod query;

pub use query::assert_not_base;

type Challenge = BinomialExtensionField<BabyBear, 4>;

/// Largest supported log2 LDE height: BabyBear's two-adicity.
pub const MAX_LOG_HEIGHT: usize = BabyBear::TWO_ADICITY;
/// BabyBear elements per commit-phase leaf: two extension elements.
pub const FOLD_LEAF_WIDTH: usize = 8;

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
///
/// Every variant that wraps another error prints it in its message and does not return it
/// from `source()`, so reporters that walk the chain (anyhow's `{:#}`) print each cause once.
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
    #[error("input round {round}: {cause}")]
    Input {
        /// Input round.
        round: usize,
        /// The MMCS error.
        cause: MmcsError,
    },
    /// A commit-phase opening's shape.
    #[error("fold round {round}: {cause}")]
    Fold {
        /// Fold round.
        round: usize,
        /// The MMCS error.
        cause: MmcsError,
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
    /// Whether members opened at a later point of their matrix reuse its first point's sum:
    /// their columns' powers are those of the first point times `α^{o·width}` (the ladder runs
    /// over the points of a matrix in turn), so `Σ_c α^{k+o·w+c}·p_c(x)` is one extension product
    /// instead of `4·width` base ones, at the price of about 40 more bits in the group's sum.
    shifted: bool,
}

/// Constraints that the larger sum of a shifted group costs (4 coefficients, ~40 bits each
/// in the check of its quotient), and those of one extension product.
const SHIFT_COST: usize = 4 * 42;
const EXT_PRODUCT: usize = 7;

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
    let mut offsets = BTreeMap::<usize, usize>::new();
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
                    None => groups.push(Group { log_height, point: *point, members: vec![member], shifted: false }),
                }
            }
        }
    }
    for g in &mut groups {
        let width = |r: usize, m: usize| rounds[r].matrices[m].openings[0].1.len();
        let saved: usize = g.members.iter().filter(|x| x.2 > 0).map(|&(r, m, ..)| (4 * width(r, m)).saturating_sub(EXT_PRODUCT)).sum();
        g.shifted = saved > SHIFT_COST;
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
    /// `α^{o·width}` (canonical) for the members of shifted groups.
    alpha_shifts: BTreeMap<usize, Ext<V>>,
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
    let input_shapes = input_shapes(params, rounds);
    check_openings(shape, rounds, &input_shapes, challenges, proof)?;
    let shared = shared(b, shape, rounds, challenges);
    for z in points {
        query::assert_not_base(b, z);
    }
    let mut fold_rows = Vec::with_capacity(proof.queries.len());
    for (bits, q) in challenges.indices.iter().zip(&proof.queries) {
        fold_rows.push(query::verify_query(b, params, shape, &shared, points, challenges, proof, bits, q)?);
    }
    // Input openings against their commitments.
    for (round, (claim, (shapes, log_round_max))) in rounds.iter().zip(&input_shapes).enumerate() {
        let openings: Vec<QueryOpening<'_, B::Var>> = challenges
            .indices
            .iter()
            .zip(&proof.queries)
            .map(|(bits, q)| QueryOpening {
                index_bits: &bits[shape.log_max - log_round_max..],
                rows: &q.inputs[round].rows,
                siblings: &q.inputs[round].path,
            })
            .collect();
        merkle::verify_queries(b, &claim.cap, shapes, &openings).map_err(|cause| FriError::Input { round, cause })?;
    }
    // Commit-phase openings: the pair `[lower, upper]` of round `k` in a tree of half its height.
    for (k, commit) in proof.commits.iter().enumerate() {
        let leaf_shape = MatrixShape { width: FOLD_LEAF_WIDTH, height: 1 << (shape.log_max - k - 1) };
        let openings: Vec<QueryOpening<'_, B::Var>> = challenges
            .indices
            .iter()
            .zip(&proof.queries)
            .zip(&fold_rows)
            .map(|((bits, q), rows)| QueryOpening { index_bits: &bits[k + 1..], rows: &rows[k..=k], siblings: &q.folds[k].path })
            .collect();
        merkle::verify_queries(b, commit, &[leaf_shape], &openings).map_err(|cause| FriError::Fold { round: k, cause })?;
    }
    Ok(())
}

/// Each input round's matrix shapes and log2 of its tallest LDE.
fn input_shapes<V>(params: &FriParams, rounds: &[RoundClaim<V>]) -> Vec<(Vec<MatrixShape>, usize)> {
    rounds
        .iter()
        .map(|claim| {
            let shapes = claim
                .matrices
                .iter()
                .map(|m| MatrixShape {
                    width: m.openings.first().map_or(0, |(_, v)| v.len()),
                    height: 1 << (m.log_size + params.log_blowup),
                })
                .collect();
            let log_max = claim.matrices.iter().map(|m| m.log_size + params.log_blowup).max().unwrap_or(0);
            (shapes, log_max)
        })
        .collect()
}

/// The shapes of every Merkle opening, checked before any constraint is emitted.
fn check_openings<V: Clone>(
    shape: &Shape,
    rounds: &[RoundClaim<V>],
    input_shapes: &[(Vec<MatrixShape>, usize)],
    challenges: &FriChallenges<V>,
    proof: &FriProofVars<V>,
) -> Result<(), FriError> {
    for (bits, q) in challenges.indices.iter().zip(&proof.queries) {
        for (round, ((claim, (shapes, log_round_max)), opening)) in rounds.iter().zip(input_shapes).zip(&q.inputs).enumerate() {
            sponge::check_shape(claim.cap.len(), shapes, *log_round_max, &opening.rows, opening.path.len())
                .map_err(|cause| FriError::Input { round, cause })?;
        }
        for (k, (commit, fold)) in proof.commits.iter().zip(&q.folds).enumerate() {
            let leaf_shape = MatrixShape { width: FOLD_LEAF_WIDTH, height: 1 << (shape.log_max - k - 1) };
            let leaf = vec![fold.sibling[0].clone(); FOLD_LEAF_WIDTH];
            sponge::check_shape(commit.len(), &[leaf_shape], bits.len() - k - 1, &[leaf], fold.path.len())
                .map_err(|cause| FriError::Fold { round: k, cause })?;
        }
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
            let sum = field::ext_sum(b, terms);
            field::ext_reduce(b, &sum)
        })
        .collect();
    let mut alpha_shifts = BTreeMap::new();
    for g in shape.groups.iter().filter(|g| g.shifted) {
        for &(r, m, o, _) in g.members.iter().filter(|x| x.2 > 0) {
            let shift = o * rounds[r].matrices[m].openings[0].1.len();
            if let std::collections::btree_map::Entry::Vacant(e) = alpha_shifts.entry(shift) {
                e.insert(field::ext_reduce(b, &alpha_powers[shift]));
            }
        }
    }
    let beta_squares = challenges
        .betas
        .iter()
        .map(|beta| {
            let square = field::ext_mul(b, beta, beta);
            field::ext_reduce(b, &square)
        })
        .collect();
    Shared { at_z, alpha_powers, alpha_shifts, beta_squares }
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
