//! The leaf hash, node compression and Merkle-path gadgets agree with the outer configuration's
//! `OuterHash`, `OuterCompress` and `OuterValMmcs`, in both backends, and reject tampering.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ark_bn254::Fr;
use ark_relations::gr1cs::ConstraintSystem;
use cairn_stark::config::{OuterCompress, OuterHash, OuterValMmcs, Val};
use cairn_stark::poseidon2_bn254::poseidon2_bn254_t3;
use cairn_wrapper::field::{self, Felt};
use cairn_wrapper::merkle::{self, QueryOpening};
use cairn_wrapper::poseidon2::{fr_from_p3, fr_to_p3, CONSTRAINTS};
use cairn_wrapper::sponge::{self, MatrixShape, MmcsError, LIMBS_PER_ELEMENT, RADIX_BITS};
use cairn_wrapper::{CircuitBuilder, NativeBuilder, R1csBuilder, Section};
use p3_bn254::Bn254;
use p3_commit::Mmcs;
use p3_field::{absorb_radix_bits, max_absorb_injective_limbs, max_shifted_absorb_injective_limbs, PrimeField32};
use p3_matrix::dense::RowMajorMatrix;
use p3_matrix::Dimensions;
use p3_symmetric::{CryptographicHasher, PseudoCompressionFunction};

/// Deterministic pseudo-random BabyBear values.
fn felts(seed: u64, n: usize) -> Vec<u32> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % u64::from(Val::ORDER_U32)) as u32
        })
        .collect()
}

fn p3_hash(values: &[u32]) -> Fr {
    let hash = OuterHash::new(poseidon2_bn254_t3()).unwrap();
    fr_from_p3(hash.hash_iter(values.iter().map(|v| Val::new(*v)))[0])
}

fn witnesses<B: CircuitBuilder>(b: &mut B, values: &[u32]) -> Vec<Felt<B::Var>> {
    values.iter().map(|v| field::witness(b, Some(*v))).collect()
}

#[test]
fn packing_parameters_are_plonky3s() {
    assert_eq!(absorb_radix_bits::<Val>(), RADIX_BITS);
    assert_eq!(max_shifted_absorb_injective_limbs::<Val, Bn254>(), LIMBS_PER_ELEMENT);
    assert_eq!(max_absorb_injective_limbs::<Val, Bn254>(), LIMBS_PER_ELEMENT);
}

#[test]
fn hash_matches_plonky3_for_every_block_shape() {
    // 0 (no permutation), partial slots, one full slot, a slot and a bit, full blocks, and a
    // short last block that leaves slot 1 as the previous permutation left it.
    for n in [0, 1, 5, 8, 9, 15, 16, 17, 24, 25, 32, 40, 47] {
        let values = felts(n as u64, n);
        let mut native = NativeBuilder::new();
        let input = witnesses(&mut native, &values);
        let digest = sponge::hash(&mut native, &input);
        native.finish().unwrap();
        assert_eq!(digest, p3_hash(&values), "length {n}");
    }
    // Extremes of the digit range.
    let edge = [0, Val::ORDER_U32 - 1, 0, 1, Val::ORDER_U32 - 1, Val::ORDER_U32 - 1, 0, 0, 7];
    let mut native = NativeBuilder::new();
    let input = witnesses(&mut native, &edge);
    assert_eq!(sponge::hash(&mut native, &input), p3_hash(&edge));
}

#[test]
fn hash_rows_is_one_stream() {
    let (a, c) = (felts(1, 5), felts(2, 14));
    let mut native = NativeBuilder::new();
    let (ra, rc) = (witnesses(&mut native, &a), witnesses(&mut native, &c));
    let digest = sponge::hash_rows(&mut native, &[&ra, &rc]);
    assert_eq!(digest, p3_hash(&[a, c].concat()));
}

#[test]
fn r1cs_hash_costs_one_permutation_per_16_elements() {
    for n in [8, 16, 17, 40] {
        let values = felts(n as u64 + 100, n);
        let cs = ConstraintSystem::<Fr>::new_ref();
        let mut r1cs = R1csBuilder::new(cs.clone());
        let input = witnesses(&mut r1cs, &values);
        let before = cs.num_constraints();
        let digest = sponge::hash(&mut r1cs, &input);
        assert_eq!(cs.num_constraints() - before, n.div_ceil(16) * CONSTRAINTS, "length {n}");
        let expected = r1cs.public_input(Some(p3_hash(&values)));
        r1cs.assert_eq(&digest, &expected);
        r1cs.finish().unwrap();
        assert!(cs.is_satisfied().unwrap());
    }
}

#[test]
fn compress_matches_plonky3() {
    let compress = OuterCompress::new(poseidon2_bn254_t3());
    let (l, r) = (Fr::from(123u64), -Fr::from(456u64));
    let expected = compress.compress([[fr_to_p3(l)], [fr_to_p3(r)]])[0];
    let mut native = NativeBuilder::new();
    assert_eq!(sponge::compress(&mut native, &l, &r), fr_from_p3(expected));
}

/// A committed batch: matrices (heights, widths) with random contents.
struct Batch {
    mmcs: OuterValMmcs,
    shapes: Vec<MatrixShape>,
    cap: Vec<Fr>,
    tree: <OuterValMmcs as Mmcs<Val>>::ProverData<RowMajorMatrix<Val>>,
}

fn commit(shapes: &[(usize, usize)], cap_height: usize) -> Batch {
    let perm = poseidon2_bn254_t3();
    let mmcs = OuterValMmcs::new(OuterHash::new(perm.clone()).unwrap(), OuterCompress::new(perm), cap_height);
    let matrices = shapes
        .iter()
        .enumerate()
        .map(|(i, &(height, width))| {
            RowMajorMatrix::new(felts(i as u64 + 7, height * width).into_iter().map(Val::new).collect(), width)
        })
        .collect();
    let (cap, tree) = mmcs.commit(matrices);
    let cap = cap.roots().iter().map(|d| fr_from_p3(d[0])).collect();
    let shapes = shapes.iter().map(|&(height, width)| MatrixShape { width, height }).collect();
    Batch { mmcs, shapes, cap, tree }
}

/// One query's opening as Plonky3 0.8 ships it (pruned multi-proof), expanded to full paths.
struct Opening {
    index: usize,
    rows: Vec<Vec<u32>>,
    siblings: Vec<Fr>,
}

fn open(batch: &Batch, indices: &[usize]) -> Vec<Opening> {
    let (opened, pruned) = batch.mmcs.open_multi_batch(indices, &batch.tree);
    let dims: Vec<Dimensions> = batch.shapes.iter().map(|s| Dimensions { width: s.width, height: s.height }).collect();
    let cap = p3_symmetric::MerkleCap::new(batch.cap.iter().map(|c| [fr_to_p3(*c)]).collect());
    batch.mmcs.verify_multi_batch(&cap, &dims, indices, &opened, &pruned).unwrap();
    let paths = batch.mmcs.restore_and_recompute_paths(&dims, indices, &opened, &pruned).unwrap();
    indices
        .iter()
        .zip(opened)
        .zip(paths)
        .map(|((&index, rows), path)| {
            assert_eq!(path.leaf_index, index);
            Opening {
                index,
                rows: rows.iter().map(|r| r.iter().map(|v| v.as_canonical_u32()).collect()).collect(),
                siblings: path.siblings.iter().map(|d| fr_from_p3(d[0])).collect(),
            }
        })
        .collect()
}

fn verify<B: CircuitBuilder>(b: &mut B, batch: &Batch, o: &Opening) -> Result<(), MmcsError> {
    let cap: Vec<B::Var> = batch.cap.iter().map(|c| b.witness(Some(*c))).collect();
    let levels = batch.shapes.iter().map(|s| s.height).max().unwrap().trailing_zeros() as usize;
    let index = b.witness(Some(Fr::from(o.index as u64)));
    let bits = b.to_bits(&index, levels);
    let rows: Vec<Vec<Felt<B::Var>>> = o.rows.iter().map(|r| witnesses(b, r)).collect();
    let siblings: Vec<B::Var> = o.siblings.iter().map(|s| b.witness(Some(*s))).collect();
    sponge::verify_batch(b, &cap, &batch.shapes, &bits, &rows, &siblings)
}

/// Native and R1CS verdicts on an opening.
fn verdicts(batch: &Batch, o: &Opening) -> (bool, bool) {
    let mut native = NativeBuilder::new();
    verify(&mut native, batch, o).unwrap();
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    verify(&mut r1cs, batch, o).unwrap();
    r1cs.finish().unwrap();
    (native.finish().is_ok(), cs.is_satisfied().unwrap())
}

#[test]
fn mmcs_openings_verify_and_tampering_fails() {
    // Two tallest matrices hashed together, one injected two levels up, one at the root's children.
    let batch = commit(&[(16, 3), (4, 9), (16, 5), (2, 20)], 0);
    let openings = open(&batch, &[0, 5, 15, 5, 10]);
    for o in &openings {
        assert_eq!(o.siblings.len(), 4);
        assert_eq!(verdicts(&batch, o), (true, true), "index {}", o.index);
    }
    let o = &openings[1];
    let tampered = [
        Opening {
            siblings: {
                let mut s = o.siblings.clone();
                s[2] += Fr::from(1u64);
                s
            },
            ..clone(o)
        },
        Opening {
            rows: {
                let mut r = o.rows.clone();
                r[1][4] = (r[1][4] + 1) % Val::ORDER_U32;
                r
            },
            ..clone(o)
        },
        Opening {
            rows: {
                let mut r = o.rows.clone();
                r[3][0] = (r[3][0] + 1) % Val::ORDER_U32;
                r
            },
            ..clone(o)
        },
        Opening { index: o.index ^ 2, ..clone(o) },
    ];
    for (i, t) in tampered.iter().enumerate() {
        assert_eq!(verdicts(&batch, t), (false, false), "tampering {i}");
    }
}

fn clone(o: &Opening) -> Opening {
    Opening { index: o.index, rows: o.rows.clone(), siblings: o.siblings.clone() }
}

#[test]
fn mmcs_with_a_cap_selects_the_root_by_the_top_bits() {
    let batch = commit(&[(8, 4), (2, 3)], 1);
    assert_eq!(batch.cap.len(), 2);
    for o in open(&batch, &[1, 6]) {
        assert_eq!(o.siblings.len(), 2);
        assert_eq!(verdicts(&batch, &o), (true, true));
        let wrong_root = Opening { index: o.index ^ 4, ..clone(&o) };
        assert_eq!(verdicts(&batch, &wrong_root), (false, false));
    }
}

#[test]
fn mmcs_path_constraint_count() {
    // One tallest matrix of 16 elements (one permutation), 2^10 leaves, nothing injected.
    let batch = commit(&[(1 << 10, 16)], 0);
    let o = open(&batch, &[777]).swap_remove(0);
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    let cap = [r1cs.witness(Some(batch.cap[0]))];
    let index = r1cs.witness(Some(Fr::from(o.index as u64)));
    let bits = r1cs.to_bits(&index, 10);
    let rows = vec![witnesses(&mut r1cs, &o.rows[0])];
    let siblings: Vec<_> = o.siblings.iter().map(|s| r1cs.witness(Some(*s))).collect();
    let before = cs.num_constraints();
    sponge::verify_batch(&mut r1cs, &cap, &batch.shapes, &bits, &rows, &siblings).unwrap();
    // Leaf: 1 permutation; per level: 1 ordering multiplication + 1 permutation; root: 1 equality.
    assert_eq!(cs.num_constraints() - before, CONSTRAINTS + 10 * (1 + CONSTRAINTS) + 1);
    let counts = r1cs.finish().unwrap();
    assert_eq!(counts.get(&Section::MerkleLeaves), Some(&CONSTRAINTS));
    assert_eq!(counts.get(&Section::MerklePaths), Some(&(10 * (1 + CONSTRAINTS) + 1)));
    assert!(cs.is_satisfied().unwrap());
}

#[test]
fn mmcs_shape_errors_are_reported() {
    let batch = commit(&[(8, 2)], 0);
    let o = open(&batch, &[3]).swap_remove(0);
    let mut native = NativeBuilder::new();
    let mut bad = |shapes: Vec<MatrixShape>, rows: Vec<Vec<u32>>, siblings: usize, bits: usize, cap: usize| {
        let cap: Vec<Fr> = vec![Fr::from(0u64); cap];
        let rows: Vec<Vec<Felt<Fr>>> = rows.iter().map(|r| witnesses(&mut native, r)).collect();
        let bits = vec![Fr::from(0u64); bits];
        sponge::verify_batch(&mut native, &cap, &shapes, &bits, &rows, &o.siblings[..siblings])
    };
    let s = |height, width| MatrixShape { width, height };
    assert_eq!(
        bad(vec![s(8, 2)], vec![vec![1]], 3, 3, 1),
        Err(MmcsError::WrongWidth { matrix: 0, expected: 2, got: 1 })
    );
    assert_eq!(
        bad(vec![s(6, 1)], vec![vec![1]], 3, 3, 1),
        Err(MmcsError::HeightNotPowerOfTwo { matrix: 0, height: 6 })
    );
    assert_eq!(bad(vec![s(8, 1)], vec![vec![1]], 2, 3, 1), Err(MmcsError::WrongProofLength { expected: 3, got: 2 }));
    assert_eq!(bad(vec![s(8, 1)], vec![vec![1]], 3, 2, 1), Err(MmcsError::WrongIndexBits { expected: 3, got: 2 }));
    assert_eq!(bad(vec![s(8, 1)], vec![vec![1]], 3, 3, 3), Err(MmcsError::WrongCapSize { cap: 3, leaves: 8 }));
    assert_eq!(
        bad(vec![s(8, 1), s(2, 1)], vec![vec![1], vec![2]], 1, 3, 4),
        Err(MmcsError::InjectedAboveCap { matrix: 1, height: 2, cap: 4 })
    );
    assert_eq!(bad(vec![s(8, 1)], vec![], 3, 3, 1), Err(MmcsError::WrongBatchSize { expected: 1, got: 0 }));
    assert_eq!(bad(vec![], vec![], 3, 3, 1), Err(MmcsError::NoMatrices));
}

type Edit = Box<dyn Fn(&mut Opening)>;

/// All openings of one tree through `merkle::verify_queries` (the tree's top shared).
fn verify_all<B: CircuitBuilder>(b: &mut B, batch: &Batch, os: &[Opening]) -> Result<(), MmcsError> {
    let cap: Vec<B::Var> = batch.cap.iter().map(|c| b.witness(Some(*c))).collect();
    let levels = batch.shapes.iter().map(|s| s.height).max().unwrap().trailing_zeros() as usize;
    let vars: Vec<_> = os
        .iter()
        .map(|o| {
            let index = b.witness(Some(Fr::from(o.index as u64)));
            let bits = b.to_bits(&index, levels);
            let rows: Vec<Vec<Felt<B::Var>>> = o.rows.iter().map(|r| witnesses(b, r)).collect();
            let siblings: Vec<B::Var> = o.siblings.iter().map(|s| b.witness(Some(*s))).collect();
            (bits, rows, siblings)
        })
        .collect();
    let openings: Vec<_> =
        vars.iter().map(|(bits, rows, siblings)| QueryOpening { index_bits: bits, rows, siblings }).collect();
    merkle::verify_queries(b, &cap, &batch.shapes, &openings)
}

/// Native and R1CS verdicts on all openings, and the R1CS constraints of the check itself.
fn verdicts_all(batch: &Batch, os: &[Opening]) -> (bool, bool, usize) {
    let mut native = NativeBuilder::new();
    verify_all(&mut native, batch, os).unwrap();
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    verify_all(&mut r1cs, batch, os).unwrap();
    let counts = r1cs.finish().unwrap();
    let checked = counts.get(&Section::MerkleLeaves).copied().unwrap_or(0) + counts.get(&Section::MerklePaths).copied().unwrap_or(0);
    (native.finish().is_ok(), cs.is_satisfied().unwrap(), checked)
}

/// Many queries into one tree share its top: cheaper than one full path each, and every
/// tampering that fails a full path (a row, a bottom or a top sibling, one copy of a shared
/// node, an index) fails it too; with a cap of several roots, full paths are used.
#[test]
fn shared_top_openings_verify_and_tampering_fails() {
    let cases = [(vec![(1024, 20), (64, 7), (1024, 3), (16, 9)], 0, 24), (vec![(256, 8)], 0, 30), (vec![(64, 5), (8, 2)], 1, 12)];
    for (shapes, cap_height, n) in cases {
        let batch = commit(&shapes, cap_height);
        let height = shapes.iter().map(|s| s.0).max().unwrap();
        let indices: Vec<usize> = felts(n as u64, n).iter().map(|&x| x as usize % height).collect();
        let openings = open(&batch, &indices);
        let (native, r1cs, shared) = verdicts_all(&batch, &openings);
        assert!(native && r1cs, "{shapes:?}");
        let full: usize = openings
            .iter()
            .map(|o| {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let mut r1cs = R1csBuilder::new(cs);
                verify(&mut r1cs, &batch, o).unwrap();
                let counts = r1cs.finish().unwrap();
                counts[&Section::MerkleLeaves] + counts[&Section::MerklePaths]
            })
            .sum();
        eprintln!("{shapes:?}, {n} queries: {shared} constraints shared, {full} with full paths");
        assert!(if cap_height == 0 { 10 * shared < 9 * full } else { shared == full }, "{shapes:?}");
        let levels = openings[0].siblings.len();
        let edits: [(&str, Edit); 6] = [
            ("row", Box::new(|o| o.rows[0][0] = (o.rows[0][0] + 1) % Val::ORDER_U32)),
            ("bottom sibling", Box::new(|o| o.siblings[0] += Fr::from(1u64))),
            ("top sibling", Box::new(move |o| o.siblings[levels - 1] += Fr::from(1u64))),
            ("second top sibling", Box::new(move |o| o.siblings[levels - 2] += Fr::from(1u64))),
            ("index", Box::new(move |o| o.index ^= 1 << (levels - 1))),
            ("low index bit", Box::new(|o| o.index ^= 1)),
        ];
        for (what, edit) in &edits {
            for q in [0, n - 1] {
                let mut tampered: Vec<Opening> = openings.iter().map(clone).collect();
                edit(&mut tampered[q]);
                let (native, r1cs, _) = verdicts_all(&batch, &tampered);
                assert_eq!((native, r1cs), (false, false), "{shapes:?}: {what} of query {q}");
            }
        }
    }
}
