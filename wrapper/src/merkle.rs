//! Many queries' openings of one Merkle tree, checked with the top of the tree shared.
//!
//! With `n` queries into a tree, the top `L` levels of their paths overlap: checking every path
//! to the root costs `n·L` compressions, while the top of the tree has only `2^L − 1` nodes.
//! [`verify_queries`] climbs each query's path up to the layer of `2^L` nodes
//! ([`sponge::climb`]), then checks all of them against one witnessed top tree:
//!
//! - every top node `N` above that layer has a flag `c_N` ("computed"): its value is
//!   `w_N + c_N·(compress(children) − w_N)`, with `w_N` a witness; the root is always computed
//!   and must equal the cap;
//! - `c_N·(c_parent − c_N) = 0` makes every flag boolean and a computed node's parent computed;
//! - per query, the layer node its top index bits select equals the node its path reached, and
//!   the flag of that node's parent is 1.
//!
//! So every query's node is joined to the root by computed nodes: a Merkle path whose siblings
//! are top-tree values. That is exactly the full-path check, with `2^L − 1` compressions in all
//! instead of `n·L`. The flags only let the prover leave out nodes no query reaches, whose
//! values the pruned proof does not contain.
//!
//! The witness values come from the queries' full paths (where two copies of a node differ,
//! the values are offset so that the circuit is unsatisfied, as the full paths would leave it). `L` is chosen when the circuit is built, from the number of queries and the constraint
//! costs; it stays below the lowest injection height, so only the bottom paths inject rows.

use std::collections::{BTreeMap, BTreeSet};

use ark_bn254::Fr;

use crate::builder::{CircuitBuilder, Section};
use crate::field::Felt;
use crate::native::NativeBuilder;
use crate::poseidon2::CONSTRAINTS;
use crate::sponge::{self, MatrixShape, MmcsError};

/// One query's opening of a tree, as [`sponge::verify_batch`] takes it.
#[derive(Clone, Copy, Debug)]
pub struct QueryOpening<'a, V> {
    /// Index bits, least significant first, `log2(max height)` of them.
    pub index_bits: &'a [V],
    /// One opened row per matrix.
    pub rows: &'a [Vec<Felt<V>>],
    /// The full path, leaf level first.
    pub siblings: &'a [V],
}

/// Checks every opening against `cap`, as [`sponge::verify_batch`] per query would, sharing the
/// top of the tree (see the module documentation).
pub fn verify_queries<B: CircuitBuilder>(
    b: &mut B,
    cap: &[B::Var],
    shapes: &[MatrixShape],
    openings: &[QueryOpening<'_, B::Var>],
) -> Result<(), MmcsError> {
    let mut plans = Vec::with_capacity(openings.len());
    for o in openings {
        plans.push(sponge::check_shape(cap.len(), shapes, o.index_bits.len(), o.rows, o.siblings.len())?);
    }
    let Some((order, path_levels)) = plans.pop() else { return Ok(()) };
    let min_height = shapes.iter().map(|s| s.height).min().unwrap_or(1);
    let top = if cap.len() == 1 { top_levels(openings.len(), path_levels.min(min_height.trailing_zeros() as usize)) } else { 0 };
    if top == 0 {
        for o in openings {
            sponge::verify_batch(b, cap, shapes, o.index_bits, o.rows, o.siblings)?;
        }
        return Ok(());
    }
    let bottom = path_levels - top;
    let nodes: Vec<B::Var> =
        openings.iter().map(|o| sponge::climb(b, &order, shapes, o.index_bits, o.rows, &o.siblings[..bottom])).collect();
    let previous = b.set_section(Section::MerklePaths);
    let top_bits: Vec<&[B::Var]> = openings.iter().map(|o| &o.index_bits[bottom..path_levels]).collect();
    let top_siblings: Vec<&[B::Var]> = openings.iter().map(|o| &o.siblings[bottom..]).collect();
    check_top(b, &cap[0], top, &nodes, &top_bits, &top_siblings);
    b.set_section(previous);
    Ok(())
}

/// Constraints saved by sharing `top` levels among `n` queries (negative if none).
fn saving(n: usize, top: usize) -> i64 {
    let (n, c) = (n as i64, CONSTRAINTS as i64);
    let width = 1i64 << top;
    // Per query and level: an ordering product and a compression; per query one root equality.
    let paths = n * top as i64 * (c + 1) + n;
    // Top nodes: compressions, selections and flag constraints; per query two selections.
    let internal = width - 1;
    let shared = internal * c + 2 * (internal - 1) + 1;
    let per_query = (width - 1) + 1 + if top >= 2 { width / 2 - 1 + 1 } else { 0 };
    paths - shared - n * per_query
}

/// The number of top levels to share among `n` queries, at most `max`: the most saving one.
fn top_levels(n: usize, max: usize) -> usize {
    (0..=max).max_by_key(|&t| (saving(n, t), core::cmp::Reverse(t))).unwrap_or(0)
}

/// The checks of the module documentation for the top `levels` levels below `root`: `nodes[q]`
/// is query `q`'s node at the layer of `2^levels` nodes, `bits[q]` its top index bits (least
/// significant first), `siblings[q]` its path from that layer up (used for witness values only).
fn check_top<B: CircuitBuilder>(
    b: &mut B,
    root: &B::Var,
    levels: usize,
    nodes: &[B::Var],
    bits: &[&[B::Var]],
    siblings: &[&[B::Var]],
) {
    let hints = TopHints::new(b, levels, nodes, bits, siblings);
    let one = b.constant(Fr::from(1u64));
    // Flags, root side first: `c·(c_parent − c) = 0` (the root's flag is the constant 1).
    let mut flags: Vec<Vec<B::Var>> = vec![vec![one.clone()]];
    for depth in 1..levels {
        let layer: Vec<B::Var> = (0..1usize << depth)
            .map(|i| {
                let c = b.witness(hints.flag(depth, i));
                let parent = &flags[depth - 1][i / 2];
                let room = b.sub(parent, &c);
                let zero = b.constant(Fr::from(0u64));
                b.assert_mul(&c, &room, &zero);
                c
            })
            .collect();
        flags.push(layer);
    }
    // Values, leaf side first.
    let mut layer: Vec<B::Var> = (0..1usize << levels).map(|i| b.witness(hints.value(levels, i))).collect();
    let bottom = layer.clone();
    for depth in (0..levels).rev() {
        layer = layer
            .chunks(2)
            .enumerate()
            .map(|(i, pair)| {
                let computed = sponge::compress(b, &pair[0], &pair[1]);
                if depth == 0 {
                    return computed;
                }
                let w = b.witness(hints.value(depth, i));
                b.select(&flags[depth][i], &computed, &w)
            })
            .collect();
    }
    b.assert_eq(&layer[0], root);
    let parents = flags.pop().unwrap_or_default();
    for (node, bits) in nodes.iter().zip(bits) {
        let reached = sponge::select_root(b, &bottom, bits);
        b.assert_eq(&reached, node);
        if levels >= 2 {
            let flag = sponge::select_root(b, &parents, &bits[1..]);
            b.assert_eq(&flag, &one);
        }
    }
}

/// Witness values of the top tree, from the queries' paths: `(depth, index) → value`, and the
/// nodes on some query's path. `None` in shape-only mode.
struct TopHints {
    known: Option<Known>,
    /// Added to every value when two copies of a node disagree, so that no query's node
    /// matches the top tree and the circuit is unsatisfied, as the full paths would leave it.
    poison: Fr,
}

struct Known {
    values: BTreeMap<(usize, usize), Fr>,
    on_path: BTreeSet<(usize, usize)>,
}

impl TopHints {
    fn new<B: CircuitBuilder>(b: &B, levels: usize, nodes: &[B::Var], bits: &[&[B::Var]], siblings: &[&[B::Var]]) -> Self {
        let unknown = Self { known: None, poison: Fr::from(0u64) };
        let mut known = Known { values: BTreeMap::new(), on_path: BTreeSet::new() };
        let mut consistent = true;
        let mut native = NativeBuilder::new();
        for ((node, bits), siblings) in nodes.iter().zip(bits).zip(siblings) {
            let index = bits.iter().rev().try_fold(0usize, |acc, bit| Some(2 * acc + usize::from(b.value(bit)? != Fr::from(0u64))));
            let (Some(mut index), Some(mut node)) = (index, b.value(node)) else { return unknown };
            for (level, sibling) in siblings.iter().enumerate().take(levels) {
                let depth = levels - level;
                let Some(sibling) = b.value(sibling) else { return unknown };
                for (at, value) in [(index, node), (index ^ 1, sibling)] {
                    consistent &= *known.values.entry((depth, at)).or_insert(value) == value;
                }
                known.on_path.insert((depth, index));
                let (left, right) = if index % 2 == 0 { (node, sibling) } else { (sibling, node) };
                node = sponge::compress(&mut native, &left, &right);
                index /= 2;
            }
        }
        Self { known: Some(known), poison: Fr::from(u64::from(!consistent)) }
    }

    fn value(&self, depth: usize, index: usize) -> Option<Fr> {
        let known = self.known.as_ref()?;
        Some(known.values.get(&(depth, index)).copied().unwrap_or_default() + self.poison)
    }

    fn flag(&self, depth: usize, index: usize) -> Option<Fr> {
        let known = self.known.as_ref()?;
        Some(Fr::from(u64::from(known.on_path.contains(&(depth, index)))))
    }
}
