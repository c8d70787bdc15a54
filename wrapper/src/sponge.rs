//! The outer configuration's leaf hash, node compression and Merkle-path check as circuits.
//!
//! - [`hash`]: `MultiField32PaddingFreeSponge<BabyBear, Bn254, Perm3, 3, 2, 1>` (p3-symmetric
//!   0.8). The BabyBear stream is cut into blocks of `RATE · LIMBS_PER_ELEMENT = 16`; within a
//!   block every run of up to 8 elements `d_0, …, d_{k−1}` overwrites one rate slot with the
//!   *shifted* packing `Σ (d_i + 1)·2^{31 i}` (`reduce_packed_shifted`; `+1` keeps runs of
//!   different lengths apart); slots a short block does not reach keep the previous
//!   permutation's output; then the state is permuted. The digest is `state[0]`; an empty
//!   input hashes to 0 without permuting. Packing canonical digits is linear: free in R1CS.
//! - [`compress`]: `TruncatedPermutation<Perm3, 2, 1, 3>`: `P([left, right, 0])[0]`.
//! - [`verify_batch`]: `MerkleTreeMmcs::verify_batch` for arity 2 and one-element digests,
//!   checking one opening of several matrices against a Merkle cap, smaller matrices injected
//!   at their height.
//!
//! Plonky3 0.8's FRI sends *pruned* multi-openings (`PrunedMerklePaths`): siblings shared by
//! several queries appear once. Which ones are shared depends on the sampled indices, so a
//! fixed circuit cannot follow that layout. The witness generator instead expands the pruned
//! proof with `MerkleTreeMmcs::restore_and_recompute_paths` (Plonky3 provides it for in-circuit
//! verifiers) into one full path per query, and the circuit checks every path against the cap
//! with [`verify_batch`]: that accepts exactly the openings the pruned verifier accepts.

use ark_bn254::Fr;

use crate::builder::{CircuitBuilder, Section};
use crate::field::{self, Felt};
use crate::poseidon2;

/// Bits per packed BabyBear digit (`absorb_radix_bits`: the bit length of `p − 1`).
pub const RADIX_BITS: u32 = 31;
/// BabyBear digits per BN254 element, for the leaf sponge (`max_shifted_absorb_injective_limbs`)
/// and for the challenger's absorption (`max_absorb_injective_limbs`): 8 either way.
pub const LIMBS_PER_ELEMENT: usize = 8;
/// BN254 elements absorbed per permutation.
pub const RATE: usize = 2;

/// A value of `x` below the BabyBear modulus: `x` itself when its bound is at most 31 bits
/// (canonical, as [`field::witness`] and [`field::reduce`] produce), else [`field::reduce`]d.
///
/// Hashing and observing use the canonical digit, so a Felt of bound 31 must really be below `p`
/// (true for witnesses, reductions and constants; not for a sum of two constants).
pub fn canonical<B: CircuitBuilder>(b: &mut B, x: &Felt<B::Var>) -> Felt<B::Var> {
    if x.bound <= 31 {
        x.clone()
    } else {
        field::reduce(b, x)
    }
}

/// `Σ (d_i + offset)·2^{31 i}` over canonical digits (linear: no constraints).
pub(crate) fn pack<B: CircuitBuilder>(b: &mut B, digits: &[Felt<B::Var>], offset: u64) -> B::Var {
    let mut acc = b.constant(Fr::from(0u64));
    let mut shift = Fr::from(1u64);
    let mut constant = Fr::from(0u64);
    for d in digits {
        let d = canonical(b, d);
        let term = b.scale(&d.v, shift);
        acc = b.add(&acc, &term);
        constant += shift * Fr::from(offset);
        shift *= Fr::from(1u64 << RADIX_BITS);
    }
    b.add_const(&acc, constant)
}

/// The leaf hash of a stream of BabyBear elements.
pub fn hash<B: CircuitBuilder>(b: &mut B, input: &[Felt<B::Var>]) -> B::Var {
    let zero = b.constant(Fr::from(0u64));
    let mut state: [B::Var; poseidon2::WIDTH] = core::array::from_fn(|_| zero.clone());
    for block in input.chunks(RATE * LIMBS_PER_ELEMENT) {
        for (slot, digits) in block.chunks(LIMBS_PER_ELEMENT).enumerate() {
            state[slot] = pack(b, digits, 1);
        }
        state = poseidon2::permute(b, &state);
    }
    let [digest, ..] = state;
    digest
}

/// The leaf hash of several rows hashed as one stream (`hash_iter_slices`).
pub fn hash_rows<B: CircuitBuilder>(b: &mut B, rows: &[&[Felt<B::Var>]]) -> B::Var {
    let stream: Vec<Felt<B::Var>> = rows.iter().flat_map(|r| r.iter().cloned()).collect();
    hash(b, &stream)
}

/// Node compression: `P([left, right, 0])[0]`.
pub fn compress<B: CircuitBuilder>(b: &mut B, left: &B::Var, right: &B::Var) -> B::Var {
    let zero = b.constant(Fr::from(0u64));
    let [digest, ..] = poseidon2::permute(b, &[left.clone(), right.clone(), zero]);
    digest
}

/// `(left, right)` = `(node, sibling)` if `bit` is 0, `(sibling, node)` if 1, in one
/// multiplication. `bit` must be boolean.
pub fn order_children<B: CircuitBuilder>(b: &mut B, bit: &B::Var, node: &B::Var, sibling: &B::Var) -> (B::Var, B::Var) {
    let diff = b.sub(sibling, node);
    let delta = b.mul(bit, &diff);
    let left = b.add(node, &delta);
    let right = b.sub(sibling, &delta);
    (left, right)
}

/// A committed matrix's dimensions, as the verifier knows them (never from the proof).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatrixShape {
    /// Row length in BabyBear elements (an extension element counts 4).
    pub width: usize,
    /// Number of rows: a power of two.
    pub height: usize,
}

/// A Merkle opening whose shape does not fit the commitment's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MmcsError {
    /// No matrices.
    #[error("an opening needs at least one matrix")]
    NoMatrices,
    /// One opened row per matrix is expected.
    #[error("{got} opened rows for {expected} matrices")]
    WrongBatchSize {
        /// Matrices.
        expected: usize,
        /// Rows given.
        got: usize,
    },
    /// An opened row's length differs from its matrix's width.
    #[error("matrix {matrix}: opened row has {got} elements, width is {expected}")]
    WrongWidth {
        /// Matrix index.
        matrix: usize,
        /// Its width.
        expected: usize,
        /// Row length given.
        got: usize,
    },
    /// Heights must be non-zero powers of two.
    #[error("matrix {matrix}: height {height} is not a power of two")]
    HeightNotPowerOfTwo {
        /// Matrix index.
        matrix: usize,
        /// Its height.
        height: usize,
    },
    /// The cap must hold a power of two of roots, at most the number of leaves.
    #[error("a cap of {cap} roots does not fit a tree of {leaves} leaves")]
    WrongCapSize {
        /// Roots given.
        cap: usize,
        /// Leaves of the tallest matrix.
        leaves: usize,
    },
    /// A matrix shorter than the cap would be injected above it, where no path checks it.
    #[error("matrix {matrix} of height {height} is shorter than the cap of {cap} roots")]
    InjectedAboveCap {
        /// Matrix index.
        matrix: usize,
        /// Its height.
        height: usize,
        /// Roots in the cap.
        cap: usize,
    },
    /// The index must have `log2(max height)` bits.
    #[error("{got} index bits for a tree of {expected} levels")]
    WrongIndexBits {
        /// `log2` of the tallest height.
        expected: usize,
        /// Bits given.
        got: usize,
    },
    /// One sibling per level below the cap.
    #[error("{got} siblings for a path of {expected} levels")]
    WrongProofLength {
        /// Levels below the cap.
        expected: usize,
        /// Siblings given.
        got: usize,
    },
}

/// Checks the shape of an opening; returns the matrix order (tallest first, stable) and the
/// number of path levels.
pub(crate) fn check_shape<V>(
    cap: usize,
    shapes: &[MatrixShape],
    index_bits: usize,
    opened: &[Vec<Felt<V>>],
    siblings: usize,
) -> Result<(Vec<usize>, usize), MmcsError> {
    if shapes.is_empty() {
        return Err(MmcsError::NoMatrices);
    }
    if opened.len() != shapes.len() {
        return Err(MmcsError::WrongBatchSize { expected: shapes.len(), got: opened.len() });
    }
    for (matrix, (shape, row)) in shapes.iter().zip(opened).enumerate() {
        if !shape.height.is_power_of_two() {
            return Err(MmcsError::HeightNotPowerOfTwo { matrix, height: shape.height });
        }
        if row.len() != shape.width {
            return Err(MmcsError::WrongWidth { matrix, expected: shape.width, got: row.len() });
        }
    }
    let mut order: Vec<usize> = (0..shapes.len()).collect();
    order.sort_by_key(|&i| core::cmp::Reverse(shapes[i].height));
    let max_height = shapes[order[0]].height;
    let levels = max_height.trailing_zeros() as usize;
    if !cap.is_power_of_two() || cap > max_height {
        return Err(MmcsError::WrongCapSize { cap, leaves: max_height });
    }
    if let Some(&matrix) = order.iter().find(|&&i| shapes[i].height < cap) {
        return Err(MmcsError::InjectedAboveCap { matrix, height: shapes[matrix].height, cap });
    }
    if index_bits != levels {
        return Err(MmcsError::WrongIndexBits { expected: levels, got: index_bits });
    }
    let path_levels = levels - cap.trailing_zeros() as usize;
    if siblings != path_levels {
        return Err(MmcsError::WrongProofLength { expected: path_levels, got: siblings });
    }
    Ok((order, path_levels))
}

/// Hashes the opened rows of every matrix of `height`, in `order`.
fn hash_at_height<B: CircuitBuilder>(
    b: &mut B,
    order: &[usize],
    shapes: &[MatrixShape],
    opened: &[Vec<Felt<B::Var>>],
    height: usize,
) -> Option<B::Var> {
    let rows: Vec<&[Felt<B::Var>]> =
        order.iter().filter(|&&i| shapes[i].height == height).map(|&i| opened[i].as_slice()).collect();
    (!rows.is_empty()).then(|| hash_rows(b, &rows))
}

/// Checks that `opened[j]` is row `index >> (log2(max height) − log2(height_j))` of matrix `j`
/// in the tree whose cap is `cap`, like `MerkleTreeMmcs::verify_batch` (arity 2, one-element
/// digests): hash the tallest matrices' rows; per level, compress with the sibling on the side
/// the index bit says, then, if matrices of the new level's height exist, compress
/// `[node, hash(their rows)]`; finally the node must equal the cap root the remaining index bits
/// select.
///
/// `index_bits` are boolean (e.g. from a challenger's `sample_bits`), least significant first,
/// `log2(max height)` of them; `siblings` are the path from the leaf upwards, one per level
/// below the cap. Shape errors are reported; a wrong value makes the circuit unsatisfiable.
pub fn verify_batch<B: CircuitBuilder>(
    b: &mut B,
    cap: &[B::Var],
    shapes: &[MatrixShape],
    index_bits: &[B::Var],
    opened: &[Vec<Felt<B::Var>>],
    siblings: &[B::Var],
) -> Result<(), MmcsError> {
    let (order, path_levels) = check_shape(cap.len(), shapes, index_bits.len(), opened, siblings.len())?;
    let node = climb(b, &order, shapes, index_bits, opened, siblings);
    let previous = b.set_section(Section::MerklePaths);
    let root = select_root(b, cap, &index_bits[path_levels..]);
    b.assert_eq(&node, &root);
    b.set_section(previous);
    Ok(())
}

/// The node `siblings.len()` levels above the leaf of an opening whose shape [`check_shape`]
/// accepted (`order` is what it returned): the tallest rows hashed, then per level the ordered
/// compression and, where matrices of the new height exist, the compression with their rows'
/// hash.
pub(crate) fn climb<B: CircuitBuilder>(
    b: &mut B,
    order: &[usize],
    shapes: &[MatrixShape],
    index_bits: &[B::Var],
    opened: &[Vec<Felt<B::Var>>],
    siblings: &[B::Var],
) -> B::Var {
    let max_height = shapes[order[0]].height;
    let previous = b.set_section(Section::MerkleLeaves);
    let mut node = hash_at_height(b, order, shapes, opened, max_height).unwrap_or_else(|| b.constant(Fr::from(0u64)));
    for (level, (bit, sibling)) in index_bits.iter().zip(siblings).enumerate() {
        b.set_section(Section::MerklePaths);
        let (left, right) = order_children(b, bit, &node, sibling);
        node = compress(b, &left, &right);
        let height = max_height >> (level + 1);
        b.set_section(Section::MerkleLeaves);
        if let Some(injected) = hash_at_height(b, order, shapes, opened, height) {
            b.set_section(Section::MerklePaths);
            node = compress(b, &node, &injected);
        }
    }
    b.set_section(previous);
    node
}

/// `cap[Σ bits_i·2^i]` by a tree of selections (`cap.len() − 1` multiplications).
pub(crate) fn select_root<B: CircuitBuilder>(b: &mut B, cap: &[B::Var], bits: &[B::Var]) -> B::Var {
    let mut layer = cap.to_vec();
    for bit in bits {
        layer = layer
            .chunks(2)
            .map(|pair| if let [even, odd] = pair { b.select(bit, odd, even) } else { pair[0].clone() })
            .collect();
    }
    layer.swap_remove(0)
}
