//! The FRI gadget accepts exactly what Plonky3's `TwoAdicFriPcs` verifier accepts: openings made
//! by Plonky3's PCS directly (several heights, two opening points, final polynomials of length
//! 1, 2 and 4, a one-row matrix) and a real outer proof of the fibonacci guest, with every
//! challenge, reduced opening and fold row replayed by Plonky3's own verifier functions; tampered
//! values fail in both backends. Prints constraint counts for the TEST and PRODUCTION profiles.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::marker::PhantomData;

use ark_bn254::Fr;
use ark_relations::gr1cs::ConstraintSystem;
use cairn_machine::{Claim, Machine};
use cairn_sdk::Profile;
use cairn_stark::config::{
    outer_config, Challenge, Dft, OuterChallengeMmcs, OuterChallenger, OuterCompress, OuterHash, OuterPcs,
    OuterValMmcs, Val,
};
use cairn_stark::poseidon2_bn254::poseidon2_bn254_t3;
use cairn_stark::ProofBody;
use cairn_wrapper::field::{self, Ext};
use cairn_wrapper::fri::{
    self, FoldOpening, FriChallenges, FriParams, FriProofVars, InputOpening, MatrixClaim, QueryProof, RoundClaim,
};
use cairn_wrapper::poseidon2::fr_from_p3;
use cairn_wrapper::{CircuitBuilder, NativeBuilder, R1csBuilder, Section};
use p3_air::BaseAir;
use p3_batch_stark::verifier::commitments_with_opening_points;
use p3_batch_stark::{BatchShape, BatchVerifierTranscript, ProverData, StarkGenericConfig};
use p3_challenger::{CanObserve, FieldChallenger};
use p3_commit::{CommitmentWithOpeningPoints, Mmcs, OpeningRequest, Pcs, PolynomialSpace};
use p3_field::coset::TwoAdicMultiplicativeCoset;
use p3_field::{BasedVectorSpace, HornerIter, PrimeCharacteristicRing, PrimeField32, TwoAdicField};
use p3_fri::verifier::{fold_query, open_inputs};
use p3_fri::{
    fold_schedule, FriParameters, FriShape, PcsShape, PcsVerifierTranscript, TwoAdicFriFolding, VerifierTranscript,
};
use p3_lookup::logup::LogUpGadget;
use p3_matrix::dense::RowMajorMatrix;
use p3_matrix::Dimensions;
use p3_util::reverse_bits_len;

type Com = <OuterValMmcs as Mmcs<Val>>::Commitment;
type Claims = Vec<CommitmentWithOpeningPoints<Challenge, Com, TwoAdicMultiplicativeCoset<Val>>>;
type PcsProof = <OuterPcs as Pcs<Challenge, OuterChallenger>>::Proof;

/// What the PCS verifier holds when its phase begins.
struct Instance {
    fri: FriParameters<OuterChallengeMmcs>,
    mmcs: OuterValMmcs,
    claims: Claims,
    proof: PcsProof,
    /// The challenger's state at the start of the PCS phase.
    challenger: OuterChallenger,
}

/// Plonky3's replay of the FRI verifier: challenges and full Merkle paths.
struct Replay {
    alpha: Challenge,
    betas: Vec<Challenge>,
    indices: Vec<usize>,
    log_max: usize,
    /// `[round][query]` restored input paths.
    input_paths: Vec<Vec<Vec<Fr>>>,
    /// `[round][query]` restored commit-phase paths.
    fold_paths: Vec<Vec<Vec<Fr>>>,
}

fn val_mmcs() -> OuterValMmcs {
    let perm = poseidon2_bn254_t3();
    OuterValMmcs::new(OuterHash::new(perm.clone()).unwrap(), OuterCompress::new(perm), 0)
}

fn fri_params(log_blowup: usize, log_final_poly_len: usize, num_queries: usize) -> FriParameters<OuterChallengeMmcs> {
    FriParameters {
        log_blowup,
        log_final_poly_len,
        max_log_arity: 1,
        num_queries,
        batch_proof_of_work_bits: 1,
        commit_proof_of_work_bits: 1,
        query_proof_of_work_bits: 1,
        mmcs: OuterChallengeMmcs::new(val_mmcs()),
    }
}

fn log2(n: usize) -> usize {
    n.trailing_zeros() as usize
}

/// Replays the PCS and FRI transcripts with Plonky3's drivers, runs `open_inputs` and
/// `fold_query` for the fold rows, and restores full paths; asserts that Plonky3 accepts.
fn replay(inst: &Instance) -> Replay {
    let pcs = OuterPcs::new(Dft::default(), inst.mmcs.clone(), inst.fri.clone());
    pcs.verify(inst.claims.clone(), &inst.proof, &mut inst.challenger.clone()).unwrap();

    let fri = &inst.fri;
    let mut heights: Vec<usize> =
        inst.claims.iter().flat_map(|c| c.matrices.iter().map(|m| log2(m.domain.size()) + fri.log_blowup)).collect();
    heights.sort_unstable_by(|a, b| b.cmp(a));
    heights.dedup();
    let log_max = heights[0];
    let log_final = fri.log_blowup + fri.log_final_poly_len;
    let schedule = fold_schedule(&heights, log_final, fri.max_log_arity);
    assert_eq!(schedule, vec![1; log_max - log_final]);

    let mut challenger = inst.challenger.clone();
    let mut transcript =
        PcsVerifierTranscript::<_, Val, Challenge>::new(&mut challenger, PcsShape::from_claims(fri, &inst.claims));
    transcript.claimed_openings(&inst.claims).unwrap();
    let alpha = transcript.batch_phase(Some(inst.proof.batch_pow_witness)).unwrap();
    let (betas, indices) = transcript.delegate(|c| {
        let shape = FriShape::with_schedule(fri, schedule.clone(), log_max);
        let mut t = VerifierTranscript::<_, Val, Challenge>::new(c, shape);
        let betas = t.commit_rounds(&inst.proof.commit_phase_commits, &inst.proof.commit_pow_witnesses).unwrap();
        let indices = t.query_phase(&inst.proof.final_poly, Some(inst.proof.query_pow_witness)).unwrap();
        t.finish();
        (betas, indices)
    });
    transcript.finish();

    let reduced = open_inputs::<Val, Challenge, OuterValMmcs, OuterChallengeMmcs>(
        fri,
        log_max,
        &indices,
        &inst.proof.input_openings,
        alpha,
        &inst.mmcs,
        &inst.claims,
    )
    .unwrap();
    let folding = TwoAdicFriFolding::<(), ()>(PhantomData);
    let rounds = schedule.len();
    let (mut groups, mut rows) = (vec![vec![]; rounds], vec![vec![]; rounds]);
    for (q, (&index, ro)) in indices.iter().zip(reduced).enumerate() {
        let mut start = index;
        let folded = fold_query::<_, Val, Challenge, OuterChallengeMmcs>(
            &folding,
            q,
            &mut start,
            &betas,
            &schedule,
            &inst.proof.commit_phase_openings,
            ro,
            log_max,
            log_final,
            &mut groups,
            &mut rows,
        )
        .unwrap();
        let x = Val::two_adic_generator(log_max).exp_u64(reverse_bits_len(start, log_max) as u64);
        let expected: Challenge = inst.proof.final_poly.iter().copied().horner(x);
        assert_eq!(folded, expected);
    }

    let to_fr = |paths: Vec<p3_merkle_tree::MerkleAuthPath<_, 1>>| -> Vec<Vec<Fr>> {
        paths.into_iter().map(|p| p.siblings.iter().map(|s| fr_from_p3(s[0])).collect()).collect()
    };
    let input_paths = inst
        .claims
        .iter()
        .zip(&inst.proof.input_openings)
        .map(|(claim, opening)| {
            let dims: Vec<Dimensions> = claim
                .matrices
                .iter()
                .map(|m| Dimensions { width: m.points[0].values.len(), height: m.domain.size() << fri.log_blowup })
                .collect();
            let round_max = dims.iter().map(|d| log2(d.height)).max().unwrap();
            let reduced: Vec<usize> = indices.iter().map(|i| i >> (log_max - round_max)).collect();
            let paths = inst
                .mmcs
                .restore_and_recompute_paths(&dims, &reduced, &opening.opened_values, &opening.opening_proof)
                .unwrap();
            to_fr(paths)
        })
        .collect();
    let fold_paths = (0..rounds)
        .map(|k| {
            let dims = [Dimensions { width: fri::FOLD_LEAF_WIDTH, height: 1 << (log_max - k - 1) }];
            let flat: Vec<Vec<Vec<Val>>> = rows[k]
                .iter()
                .map(|r: &Vec<Vec<Challenge>>| {
                    vec![r[0].iter().flat_map(|e| e.as_basis_coefficients_slice().to_vec()).collect()]
                })
                .collect();
            let proof = &inst.proof.commit_phase_openings[k].opening_proof;
            to_fr(inst.mmcs.restore_and_recompute_paths(&dims, &groups[k], &flat, proof).unwrap())
        })
        .collect();
    Replay { alpha, betas, indices, log_max, input_paths, fold_paths }
}

/// What to alter in query 0 (or the final polynomial) before building the circuit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tamper {
    None,
    InputValue,
    InputPath,
    FoldValue,
    FoldPath,
    FinalPoly,
}

fn ext_u32(x: &Challenge) -> [u32; 4] {
    let c: &[Val] = x.as_basis_coefficients_slice();
    core::array::from_fn(|i| c[i].as_canonical_u32())
}

fn ext<B: CircuitBuilder>(b: &mut B, x: &Challenge) -> Ext<B::Var> {
    field::ext_witness(b, Some(ext_u32(x)))
}

fn bump(x: Fr) -> Fr {
    x + Fr::from(1u64)
}

/// The gadget's inputs as witnesses, for the first `queries` queries.
struct Circuit<V> {
    params: FriParams,
    points: Vec<Ext<V>>,
    rounds: Vec<RoundClaim<V>>,
    challenges: FriChallenges<V>,
    proof: FriProofVars<V>,
}

fn allocate<B: CircuitBuilder>(
    b: &mut B,
    inst: &Instance,
    rep: &Replay,
    queries: usize,
    tamper: Tamper,
) -> Circuit<B::Var> {
    let fri = &inst.fri;
    let params = FriParams {
        log_blowup: fri.log_blowup,
        log_final_poly_len: fri.log_final_poly_len,
        max_log_arity: fri.max_log_arity,
        num_queries: queries,
    };
    let mut distinct: Vec<Challenge> = Vec::new();
    let mut point_index = |z: Challenge| match distinct.iter().position(|p| *p == z) {
        Some(i) => i,
        None => {
            distinct.push(z);
            distinct.len() - 1
        }
    };
    let mut rounds = Vec::new();
    for claim in &inst.claims {
        let cap = claim.commitment.roots().iter().map(|r| b.witness(Some(fr_from_p3(r[0])))).collect();
        let mut matrices = Vec::new();
        for m in &claim.matrices {
            let mut openings = Vec::new();
            for p in &m.points {
                let values = p.values.iter().map(|v| ext(b, v)).collect();
                openings.push((point_index(p.point), values));
            }
            matrices.push(MatrixClaim { log_size: log2(m.domain.size()), openings });
        }
        rounds.push(RoundClaim { cap, matrices });
    }
    let points = distinct.iter().map(|p| ext(b, p)).collect();
    let alpha = ext(b, &rep.alpha);
    let betas = rep.betas.iter().map(|beta| ext(b, beta)).collect();
    let indices = rep.indices[..queries]
        .iter()
        .map(|&i| {
            let v = b.witness(Some(Fr::from(i as u64)));
            b.to_bits(&v, rep.log_max)
        })
        .collect();
    let commits = inst
        .proof
        .commit_phase_commits
        .iter()
        .map(|c| c.roots().iter().map(|r| b.witness(Some(fr_from_p3(r[0])))).collect())
        .collect();
    let mut final_poly: Vec<Challenge> = inst.proof.final_poly.clone();
    if tamper == Tamper::FinalPoly {
        final_poly[0] += Challenge::ONE;
    }
    let final_poly = final_poly.iter().map(|c| ext(b, c)).collect();
    let mut query_proofs = Vec::new();
    for q in 0..queries {
        let first = q == 0;
        let mut inputs = Vec::new();
        for (r, opening) in inst.proof.input_openings.iter().enumerate() {
            let mut rows: Vec<Vec<u32>> =
                opening.opened_values[q].iter().map(|row| row.iter().map(|v| v.as_canonical_u32()).collect()).collect();
            let mut path = rep.input_paths[r][q].clone();
            if first && r == 0 && tamper == Tamper::InputValue {
                rows[0][0] = (rows[0][0] + 1) % Val::ORDER_U32;
            }
            if first && r == 0 && tamper == Tamper::InputPath {
                path[1] = bump(path[1]);
            }
            let rows = rows.iter().map(|row| row.iter().map(|&v| field::witness(b, Some(v))).collect()).collect();
            let path = path.iter().map(|s| b.witness(Some(*s))).collect();
            inputs.push(InputOpening { rows, path });
        }
        let mut folds = Vec::new();
        for (k, opening) in inst.proof.commit_phase_openings.iter().enumerate() {
            let mut sibling = opening.sibling_values[q][0];
            let mut path = rep.fold_paths[k][q].clone();
            if first && k == 0 && tamper == Tamper::FoldValue {
                sibling += Challenge::ONE;
            }
            if first && k == 0 && tamper == Tamper::FoldPath {
                path[0] = bump(path[0]);
            }
            let sibling = ext(b, &sibling);
            let path = path.iter().map(|s| b.witness(Some(*s))).collect();
            folds.push(FoldOpening { sibling, path });
        }
        query_proofs.push(QueryProof { inputs, folds });
    }
    Circuit {
        params,
        points,
        rounds,
        challenges: FriChallenges { alpha, betas, indices },
        proof: FriProofVars { commits, final_poly, queries: query_proofs },
    }
}

fn run<B: CircuitBuilder>(b: &mut B, inst: &Instance, rep: &Replay, queries: usize, tamper: Tamper) {
    let c = allocate(b, inst, rep, queries, tamper);
    fri::verify_fri(b, &c.params, &c.points, &c.rounds, &c.challenges, &c.proof).unwrap();
}

fn native(inst: &Instance, rep: &Replay, queries: usize, tamper: Tamper) -> bool {
    let mut b = NativeBuilder::new();
    run(&mut b, inst, rep, queries, tamper);
    b.finish().is_ok()
}

/// `(satisfied, total constraints, FRI section, Merkle sections)`.
fn r1cs(inst: &Instance, rep: &Replay, queries: usize, tamper: Tamper) -> (bool, usize, usize, usize) {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut b = R1csBuilder::new(cs.clone());
    let before = cs.num_constraints();
    run(&mut b, inst, rep, queries, tamper);
    let counts = b.finish().unwrap();
    let get = |s| counts.get(&s).copied().unwrap_or(0);
    (cs.is_satisfied().unwrap(), cs.num_constraints() - before, get(Section::Fri), get(Section::MerkleLeaves) + get(Section::MerklePaths))
}

/// Commits random matrices with Plonky3's PCS in two rounds and opens them: round 0 at `ζ` and
/// `ζ·ω` (its matrices' next points), round 1 at `ζ`.
fn synthetic(log_blowup: usize, log_final_poly_len: usize, num_queries: usize, one_row: bool) -> Instance {
    let fri = fri_params(log_blowup, log_final_poly_len, num_queries);
    let pcs = OuterPcs::new(Dft::default(), val_mmcs(), fri.clone());
    let mut seed = 0x1234_5678_u64;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        Val::new(((seed >> 33) as u32) % Val::ORDER_U32)
    };
    // Plonky3 needs every LDE above the final domain, except a one-row matrix's.
    let up = log_final_poly_len.saturating_sub(1);
    let small = if one_row { 0 } else { 2 + up };
    let specs = [vec![(5 + up, 3), (3 + up, 2), (5 + up, 17), (small, 1)], vec![(4 + up, 4), (2 + up, 8), (6 + up, 1)]];
    let mut committed = Vec::new();
    for spec in specs {
        let mats: Vec<_> = spec
            .iter()
            .map(|&(log_size, width)| {
                let domain =
                    <OuterPcs as Pcs<Challenge, OuterChallenger>>::natural_domain_for_degree(&pcs, 1 << log_size);
                let values = (0..(width << log_size)).map(|_| next()).collect();
                (domain, RowMajorMatrix::new(values, width))
            })
            .collect();
        let domains: Vec<_> = mats.iter().map(|(d, _)| *d).collect();
        let (com, data) = <OuterPcs as Pcs<Challenge, OuterChallenger>>::commit(&pcs, mats).unwrap();
        committed.push((com, data, domains));
    }
    let mut challenger = OuterChallenger::new(poseidon2_bn254_t3()).unwrap();
    for (com, _, _) in &committed {
        challenger.observe(com.clone());
    }
    let zeta: Challenge = challenger.sample_algebra_element();
    let points: Vec<Vec<Vec<Challenge>>> = committed
        .iter()
        .enumerate()
        .map(|(r, (_, _, domains))| {
            domains.iter().map(|d| if r == 0 { vec![zeta, d.next_point(zeta).unwrap()] } else { vec![zeta] }).collect()
        })
        .collect();
    let requests = committed
        .iter()
        .zip(&points)
        .map(|((_, data, _), pts)| OpeningRequest { prover_data: data, points: pts.clone() })
        .collect();
    let (opened, proof) = pcs.open(requests, &mut challenger.clone()).unwrap();
    let claims = committed
        .iter()
        .zip(&points)
        .zip(&opened)
        .map(|(((com, _, domains), pts), values)| {
            let matrices = domains
                .iter()
                .zip(pts)
                .zip(values)
                .map(|((d, zs), vals)| (*d, zs.iter().copied().zip(vals.iter().cloned()).collect::<Vec<_>>()))
                .collect::<Vec<_>>();
            (com.clone(), matrices).into()
        })
        .collect();
    Instance { fri, mmcs: val_mmcs(), claims, proof, challenger }
}

const TAMPERS: [Tamper; 5] =
    [Tamper::InputValue, Tamper::InputPath, Tamper::FoldValue, Tamper::FoldPath, Tamper::FinalPoly];

#[test]
fn synthetic_openings_verify_and_tampering_fails() {
    for (log_blowup, log_final_poly_len, one_row) in [(1, 0, true), (1, 1, false), (2, 2, false), (2, 0, true)] {
        let inst = synthetic(log_blowup, log_final_poly_len, 3, one_row);
        let rep = replay(&inst);
        let case = format!("blowup 2^{log_blowup}, final poly 2^{log_final_poly_len}");
        assert!(native(&inst, &rep, 3, Tamper::None), "{case}");
        let (ok, total, fri_part, hashing) = r1cs(&inst, &rep, 3, Tamper::None);
        assert!(ok, "{case}");
        eprintln!("{case}: {total} constraints for 3 queries (FRI {fri_part}, hashing {hashing})");
        for tamper in TAMPERS {
            assert!(!native(&inst, &rep, 3, tamper), "{case}: {tamper:?}");
            assert!(!r1cs(&inst, &rep, 3, tamper).0, "{case}: {tamper:?}");
        }
    }
}

#[test]
fn shape_errors_are_reported() {
    let inst = synthetic(1, 0, 2, false);
    let rep = replay(&inst);
    let mut b = NativeBuilder::new();
    let c = allocate(&mut b, &inst, &rep, 2, Tamper::None);
    let check = |b: &mut NativeBuilder,
                 params: &FriParams,
                 rounds: &[RoundClaim<Fr>],
                 ch: &FriChallenges<Fr>,
                 p: &FriProofVars<Fr>| { fri::verify_fri(b, params, &c.points, rounds, ch, p) };
    let arity = FriParams { max_log_arity: 2, ..c.params };
    assert!(matches!(check(&mut b, &arity, &c.rounds, &c.challenges, &c.proof), Err(fri::FriError::Params(_))));
    let mut short = c.proof.clone();
    short.final_poly.push(short.final_poly[0].clone());
    assert!(matches!(
        check(&mut b, &c.params, &c.rounds, &c.challenges, &short),
        Err(fri::FriError::Count { what: "final polynomial coefficients", expected: 1, got: 2 })
    ));
    let mut wide = c.rounds.clone();
    wide[0].matrices[0].openings[1].1.pop();
    assert!(matches!(check(&mut b, &c.params, &wide, &c.challenges, &c.proof), Err(fri::FriError::Claim { .. })));
    let mut path = c.proof.clone();
    path.queries[1].folds[2].path.pop();
    assert!(matches!(
        check(&mut b, &c.params, &c.rounds, &c.challenges, &path),
        Err(fri::FriError::Fold { round: 2, .. })
    ));
    let mut row = c.proof.clone();
    row.queries[0].inputs[1].rows[0].pop();
    assert!(matches!(
        check(&mut b, &c.params, &c.rounds, &c.challenges, &row),
        Err(fri::FriError::Input { round: 1, .. })
    ));
    assert!(b.finish().is_ok());
}

/// Proves the fibonacci guest in the outer configuration and replays the batch-STARK transcript
/// up to the PCS phase with Plonky3's driver.
fn fibonacci(profile: Profile) -> Instance {
    let (_pk, vk, proof) = common::fibonacci_outer_proof(profile, 20);
    let digest = proof.public_values_digest();
    let ProofBody::Outer(bp) = proof.stark.body else { panic!("outer proof expected") };
    let machine = vk.machine();
    let airs = machine.airs();
    let public_values = Machine::public_values::<Val>(&Claim { start_pc: vk.program.entry, exit_code: 0, digest });
    let config = outer_config(&profile).unwrap();
    let common = ProverData::from_airs_and_degrees(&config, airs, &bp.degree_bits).unwrap().common;
    let preprocessed_widths: Vec<usize> = (0..airs.len())
        .map(|i| common.preprocessed.as_ref().and_then(|g| g.instances[i].as_ref().map(|m| m.width)).unwrap_or(0))
        .collect();
    let log_chunks: Vec<usize> =
        bp.opened_values.instances.iter().map(|i| log2(i.base_opened_values.quotient_chunks.len())).collect();
    let shape = BatchShape {
        trace_widths: airs.iter().map(BaseAir::<Val>::width).collect(),
        public_value_counts: airs.iter().map(BaseAir::<Val>::num_public_values).collect(),
        preprocessed_widths: preprocessed_widths.clone(),
        has_preprocessed_commitment: common.preprocessed.is_some(),
        num_lookup_instances: common.lookups.iter().filter(|l| !l.is_empty()).count(),
        lookup_pow_bits: profile.lookup_pow_bits,
        has_randomization_commitment: false,
        ood_pow_bits: profile.ood_pow_bits,
    };
    let mut challenger = config.initialise_challenger();
    let mut t = BatchVerifierTranscript::<_, Val, Challenge, Com>::new(&mut challenger, shape);
    t.instance_bindings(&bp.degree_bits);
    t.main_phase(bp.commitments.main.clone(), &public_values);
    t.preprocessed_phase(common.preprocessed.as_ref().map(|g| g.commitment.clone()));
    t.lookup_phase(&common.lookups, &LogUpGadget::new(), bp.lookup_pow_witness).unwrap();
    let terminals: Vec<Challenge> = bp.lookup_terminals.iter().flatten().map(|t| t.0).collect();
    let _constraint_challenge = t.permutation_phase(bp.commitments.permutation.clone(), &terminals);
    t.quotient_phase(bp.commitments.quotient_chunks.clone(), bp.commitments.random.clone());
    let zeta = t.ood_phase(bp.ood_pow_witness).unwrap();
    let (claims, _, _) = commitments_with_opening_points(
        &config,
        airs,
        zeta,
        &bp.commitments,
        &bp.opened_values,
        &common,
        &bp.degree_bits,
        &preprocessed_widths,
        &log_chunks,
    )
    .unwrap();
    let at_pcs = t.delegate(|c| c.clone());
    t.finish();
    let fri = profile.fri_params(OuterChallengeMmcs::new(val_mmcs()));
    Instance { fri, mmcs: val_mmcs(), claims, proof: bp.opening_proof, challenger: at_pcs }
}

/// `(per query, shared)` R1CS constraints, from circuits with one and two queries.
fn per_query_cost(inst: &Instance, rep: &Replay) -> (usize, usize) {
    let one = r1cs(inst, rep, 1, Tamper::None);
    let two = r1cs(inst, rep, 2, Tamper::None);
    assert!(one.0 && two.0);
    eprintln!(
        "  1 query: {} (FRI {}, hashing {}); 2 queries: {} (FRI {}, hashing {})",
        one.1, one.2, one.3, two.1, two.2, two.3
    );
    (two.1 - one.1, 2 * one.1 - two.1)
}

#[test]
fn fibonacci_outer_proof_verifies_and_tampering_fails() {
    let inst = fibonacci(Profile::TEST);
    let rep = replay(&inst);
    let n = inst.fri.num_queries;
    eprintln!(
        "TEST: {} input rounds, {} matrices, LDE heights up to 2^{}, {} fold rounds",
        inst.claims.len(),
        inst.claims.iter().map(|c| c.matrices.len()).sum::<usize>(),
        rep.log_max,
        rep.betas.len()
    );
    assert!(native(&inst, &rep, n, Tamper::None));
    for tamper in TAMPERS {
        assert!(!native(&inst, &rep, n, tamper), "{tamper:?}");
        assert!(!r1cs(&inst, &rep, 1, tamper).0, "{tamper:?}");
    }
    let (ok, total, fri_part, hashing) = r1cs(&inst, &rep, n, Tamper::None);
    assert!(ok);
    let (per_query, shared) = per_query_cost(&inst, &rep);
    eprintln!("TEST: {total} constraints for {n} queries (FRI {fri_part}, hashing {hashing}); {per_query} per query, {shared} shared");
}

/// A production-profile proof (43 queries, blowup 4): every query natively; R1CS cost from one
/// and two queries.
#[test]
#[ignore = "proves with the production profile; run with --ignored"]
fn fibonacci_production_proof_verifies() {
    let inst = fibonacci(Profile::PRODUCTION);
    let rep = replay(&inst);
    let n = inst.fri.num_queries;
    assert!(native(&inst, &rep, n, Tamper::None));
    assert!(!native(&inst, &rep, n, Tamper::FoldValue));
    let (per_query, shared) = per_query_cost(&inst, &rep);
    eprintln!(
        "PRODUCTION: LDE heights up to 2^{}, {} fold rounds; {per_query} per query, {shared} shared, {} for {n} queries",
        rep.log_max,
        rep.betas.len(),
        shared + n * per_query
    );
}

/// Opening points must lie outside BabyBear (so that `z − x ≠ 0` at every domain point): a
/// point with zero coefficients of `X, X², X³` is refused on both backends.
#[test]
fn opening_points_in_the_base_field_are_refused() {
    for (z, ok) in [([5, 0, 0, 0], false), ([0; 4], false), ([5, 0, 0, 1], true), ([0, 7, 0, 0], true)] {
        let mut native = NativeBuilder::new();
        let point = field::ext_witness(&mut native, Some(z));
        fri::assert_not_base(&mut native, &point);
        assert_eq!(native.finish().is_ok(), ok, "native {z:?}");
        let cs = ConstraintSystem::<Fr>::new_ref();
        let mut r1cs = R1csBuilder::new(cs.clone());
        let point = field::ext_witness(&mut r1cs, Some(z));
        fri::assert_not_base(&mut r1cs, &point);
        r1cs.finish().unwrap();
        assert_eq!(cs.is_satisfied().unwrap(), ok, "r1cs {z:?}");
    }
}
