//! The verifier circuit's shape and witness, computed natively from an outer batch proof.
//!
//! [`VerifierShape`] fixes the circuit: it depends only on the AIRs, the profile and the
//! proof's degree bits (never on proof values), so key generation builds it without a proof.
//! [`generate`] replays the proof's transcript with Plonky3's own drivers to learn the
//! challenges the FRI openings depend on, expands the pruned Merkle multi-proofs into one full
//! path per query (`restore_and_recompute_paths`), and returns every value the circuit needs as
//! plain numbers in [`StarkWitness`]. Nothing is trusted: malformed shapes are errors, and a
//! wrong value only makes the circuit unsatisfiable.

use std::marker::PhantomData;

use ark_bn254::Fr;
use cairn_stark::config::{
    outer_config, Challenge, OuterChallengeMmcs, OuterCompress, OuterHash, OuterSC, OuterValMmcs, Val,
};
use cairn_stark::poseidon2_bn254::poseidon2_bn254_t3;
use cairn_stark::{ConfigId, Profile, StarkAir};
use p3_air::BaseAir;
use p3_batch_stark::verifier::commitments_with_opening_points;
use p3_batch_stark::{BatchProof, BatchShape, BatchVerifierTranscript, CommonData, ProverData, StarkGenericConfig};
use p3_commit::Mmcs;
use p3_field::{BasedVectorSpace, PrimeField32};
use p3_fri::verifier::{fold_query, open_inputs};
use p3_fri::{fold_schedule, FriShape, PcsShape, PcsVerifierTranscript, TwoAdicFriFolding, VerifierTranscript};
use p3_lookup::logup::LogUpGadget;
use p3_matrix::Dimensions;

use crate::challenger::seed_felts;
use crate::fri::{FriParams, FOLD_LEAF_WIDTH};
use crate::ood::{OodError, OodShape};
use crate::poseidon2::fr_from_p3;

type Com = <OuterValMmcs as Mmcs<Val>>::Commitment;

/// Why no shape or witness could be derived.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    /// The proof, AIRs or public values do not have the expected shape.
    #[error("malformed input: {0}")]
    Shape(String),
    /// Something this circuit does not verify (no preprocessed commitment, ZK, non-zero exit).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The OOD shape could not be derived.
    #[error(transparent)]
    Ood(#[from] OodError),
    /// Plonky3's transcript or FRI replay refused the proof.
    #[error("transcript replay failed: {0}")]
    Replay(String),
}

fn shape_err(what: impl Into<String>) -> WitnessError {
    WitnessError::Shape(what.into())
}

/// Where an opened value comes from: one instance's opened rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Main trace at ζ.
    MainLocal(usize),
    /// Main trace at the next point.
    MainNext(usize),
    /// Quotient chunk `c` of instance `i` at ζ.
    Quotient(usize, usize),
    /// Preprocessed trace at ζ.
    PreLocal(usize),
    /// Preprocessed trace at the next point.
    PreNext(usize),
    /// Permutation trace at ζ.
    PermLocal(usize),
    /// Permutation trace at the next point.
    PermNext(usize),
}

/// An opening point: ζ, or `ζ·ω` for a trace of `2^bits` rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Point {
    /// ζ.
    Zeta,
    /// `ζ·ω_{2^bits}`.
    Next(usize),
}

/// One committed matrix of a PCS round and its openings, in claim order.
#[derive(Clone, Debug)]
pub struct MatrixLayout {
    /// log2 of the trace domain.
    pub log_size: usize,
    /// Per opening point, the opened values.
    pub openings: Vec<(Point, Source)>,
}

/// The commitments of the PCS rounds, in Plonky3's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundKind {
    /// Main traces.
    Main,
    /// Quotient chunks.
    Quotient,
    /// The global preprocessed commitment.
    Preprocessed,
    /// Permutation (LogUp) traces.
    Permutation,
}

/// What a public value is in the circuit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicSlot {
    /// The program's entry point (a witness, hashed into the program vkey).
    StartPc,
    /// The constant 0 (the exit code bytes: only successful runs are wrapped).
    Zero,
    /// Byte `k` of the public-values digest (a witness, part of the SNARK public input).
    DigestByte(usize),
}

/// Cairn's public values: CPU `[start_pc, exit code bytes ×4]`, commit chip `[digest ×32]`.
pub fn cairn_public_slots(counts: &[usize]) -> Result<Vec<Vec<PublicSlot>>, WitnessError> {
    use cairn_machine::chips::{commit::NUM_COMMIT_PUBLIC_VALUES, cpu};
    use cairn_machine::machine::{COMMIT_INSTANCE, CPU_INSTANCE};
    counts
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let slots: Vec<PublicSlot> = match i {
                CPU_INSTANCE if n == cpu::NUM_CPU_PUBLIC_VALUES => {
                    (0..n).map(|k| if k == cpu::PV_START_PC { PublicSlot::StartPc } else { PublicSlot::Zero }).collect()
                }
                COMMIT_INSTANCE if n == NUM_COMMIT_PUBLIC_VALUES => (0..n).map(PublicSlot::DigestByte).collect(),
                _ if n == 0 => Vec::new(),
                _ => return Err(shape_err(format!("instance {i}: {n} public values not in Cairn's layout"))),
            };
            Ok(slots)
        })
        .collect()
}

/// Everything the verifier circuit is built from; independent of proof values.
#[derive(Clone, Debug)]
pub struct VerifierShape {
    /// The security profile.
    pub profile: Profile,
    /// Extended degree bits per instance.
    pub degree_bits: Vec<usize>,
    /// The OOD check's constraints and domains.
    pub ood: OodShape,
    /// Public values per instance.
    pub public_slots: Vec<Vec<PublicSlot>>,
    /// Domain-separator seeds of the batch, PCS and FRI layers (BabyBear values).
    pub batch_seed: Vec<u32>,
    /// See `batch_seed`.
    pub pcs_seed: Vec<u32>,
    /// See `batch_seed`.
    pub fri_seed: Vec<u32>,
    /// The PCS rounds in claim order.
    pub rounds: Vec<(RoundKind, Vec<MatrixLayout>)>,
    /// The FRI parameters.
    pub fri: FriParams,
    /// log2 of the largest LDE height (query index bits).
    pub log_max_height: usize,
    /// Number of commit-phase (fold) rounds.
    pub fold_rounds: usize,
}

impl VerifierShape {
    /// The shape for `airs` proven under `profile` with `degree_bits` (the proof's), with
    /// Cairn's public-value layout. Recomputes the preprocessed commitment's layout (one LDE).
    pub fn new<A: StarkAir>(airs: &[A], profile: &Profile, degree_bits: &[usize]) -> Result<Self, WitnessError> {
        let common = common_data(airs, profile, degree_bits)?;
        Self::from_common(airs, profile, degree_bits, &common)
    }

    fn from_common<A: StarkAir>(
        airs: &[A],
        profile: &Profile,
        degree_bits: &[usize],
        common: &CommonData<OuterSC>,
    ) -> Result<Self, WitnessError> {
        let ood = OodShape::new(airs, &common.lookups, degree_bits)?;
        let global = common
            .preprocessed
            .as_ref()
            .ok_or_else(|| WitnessError::Unsupported("no preprocessed commitment".into()))?;
        let counts: Vec<usize> = airs.iter().map(BaseAir::<Val>::num_public_values).collect();
        let public_slots = cairn_public_slots(&counts)?;
        let batch_seed = seed_felts(&batch_shape(airs, &ood, profile).domain_separator::<Val, Challenge>());

        // PCS rounds as `commitments_with_opening_points` lays them out (non-ZK).
        let s = &ood.instances;
        let main = s
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut openings = vec![(Point::Zeta, Source::MainLocal(i))];
                if s.opens_main_next {
                    openings.push((Point::Next(s.degree_bits), Source::MainNext(i)));
                }
                MatrixLayout { log_size: s.degree_bits, openings }
            })
            .collect();
        let quotient = s
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                (0..1usize << s.log_quotient_chunks).map(move |c| MatrixLayout {
                    log_size: s.degree_bits,
                    openings: vec![(Point::Zeta, Source::Quotient(i, c))],
                })
            })
            .collect();
        let mut pre = Vec::new();
        for &i in &global.matrix_to_instance {
            let inst = s.get(i).ok_or_else(|| shape_err("preprocessed matrix of no instance"))?;
            let mut openings = vec![(Point::Zeta, Source::PreLocal(i))];
            if inst.opens_preprocessed_next && inst.preprocessed_width > 0 {
                openings.push((Point::Next(inst.degree_bits), Source::PreNext(i)));
            }
            pre.push(MatrixLayout { log_size: inst.degree_bits, openings });
        }
        let mut rounds = vec![(RoundKind::Main, main), (RoundKind::Quotient, quotient), (RoundKind::Preprocessed, pre)];
        let perm: Vec<MatrixLayout> = s
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.lookup_buses.is_empty())
            .map(|(i, s)| MatrixLayout {
                log_size: s.degree_bits,
                openings: vec![(Point::Zeta, Source::PermLocal(i)), (Point::Next(s.degree_bits), Source::PermNext(i))],
            })
            .collect();
        if !perm.is_empty() {
            rounds.push((RoundKind::Permutation, perm));
        }

        let claimed_evaluation_counts = rounds
            .iter()
            .map(|(_, ms)| {
                ms.iter().map(|m| m.openings.iter().map(|&(_, src)| source_width(&ood, src)).collect()).collect()
            })
            .collect();
        let pcs = PcsShape { claimed_evaluation_counts, batch_pow_bits: profile.batch_pow_bits };
        let pcs_seed = seed_felts(&pcs.domain_separator::<Val, Challenge>());

        let fri = FriParams::of_profile(profile);
        let mut heights: Vec<usize> =
            rounds.iter().flat_map(|(_, ms)| ms.iter().map(|m| m.log_size + fri.log_blowup)).collect();
        heights.sort_unstable_by(|a, b| b.cmp(a));
        heights.dedup();
        let log_max_height = heights.first().copied().ok_or_else(|| shape_err("nothing committed"))?;
        let log_final = fri.log_blowup + fri.log_final_poly_len;
        if heights.iter().any(|&h| h < log_final) {
            return Err(shape_err("an LDE below the final domain"));
        }
        let schedule = fold_schedule(&heights, log_final, fri.max_log_arity);
        let fri_shape = FriShape {
            log_arities: schedule.clone(),
            final_poly_len: 1 << fri.log_final_poly_len,
            commit_pow_bits: profile.commit_pow_bits,
            query_pow_bits: profile.query_pow_bits,
            num_queries: fri.num_queries,
            index_bits: log_max_height,
            log_blowup: fri.log_blowup,
            max_log_arity: fri.max_log_arity,
        };
        let fri_seed = seed_felts(&fri_shape.domain_separator::<Val, Challenge>());
        Ok(Self {
            profile: *profile,
            degree_bits: degree_bits.to_vec(),
            ood,
            public_slots,
            batch_seed,
            pcs_seed,
            fri_seed,
            rounds,
            fri,
            log_max_height,
            fold_rounds: schedule.len(),
        })
    }

    /// The configuration id hashed into the program vkey.
    pub fn config_id(&self) -> u8 {
        ConfigId::Outer.id()
    }
}

/// The batch transcript's shape (non-ZK, with a preprocessed commitment).
fn batch_shape<A: StarkAir>(airs: &[A], ood: &OodShape, profile: &Profile) -> BatchShape {
    BatchShape {
        trace_widths: airs.iter().map(BaseAir::<Val>::width).collect(),
        public_value_counts: airs.iter().map(BaseAir::<Val>::num_public_values).collect(),
        preprocessed_widths: ood.instances.iter().map(|s| s.preprocessed_width).collect(),
        has_preprocessed_commitment: true,
        num_lookup_instances: ood.instances.iter().filter(|s| !s.lookup_buses.is_empty()).count(),
        lookup_pow_bits: profile.lookup_pow_bits,
        has_randomization_commitment: false,
        ood_pow_bits: profile.ood_pow_bits,
    }
}

/// Number of opened values of `src` (extension elements).
pub fn source_width(ood: &OodShape, src: Source) -> usize {
    let s = |i: usize| ood.instances.get(i);
    match src {
        Source::MainLocal(i) | Source::MainNext(i) => s(i).map_or(0, |s| s.main_width),
        Source::Quotient(..) => 4,
        Source::PreLocal(i) | Source::PreNext(i) => s(i).map_or(0, |s| s.preprocessed_width),
        Source::PermLocal(i) | Source::PermNext(i) => {
            s(i).map_or(0, |s| if s.lookup_buses.is_empty() { 0 } else { 4 * (s.lookup_buses.len() + 1) })
        }
    }
}

/// An extension element's canonical coefficients.
pub type ExtValue = [u32; 4];

/// One instance's opened values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenedValues {
    /// Main trace at ζ.
    pub trace_local: Vec<ExtValue>,
    /// Main trace at the next point.
    pub trace_next: Option<Vec<ExtValue>>,
    /// Preprocessed trace at ζ.
    pub preprocessed_local: Vec<ExtValue>,
    /// Preprocessed trace at the next point.
    pub preprocessed_next: Option<Vec<ExtValue>>,
    /// Permutation trace at ζ (flattened).
    pub permutation_local: Vec<ExtValue>,
    /// Permutation trace at the next point.
    pub permutation_next: Vec<ExtValue>,
    /// Quotient chunks, 4 values each.
    pub quotient_chunks: Vec<Vec<ExtValue>>,
    /// The LogUp terminal.
    pub terminal: Option<ExtValue>,
}

/// A query's opening of one input round: rows per matrix and the full Merkle path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputWitness {
    /// Opened rows, per matrix.
    pub rows: Vec<Vec<u32>>,
    /// Siblings, leaf upwards.
    pub path: Vec<Fr>,
}

/// A query's opening of one fold round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoldWitness {
    /// The sibling value.
    pub sibling: ExtValue,
    /// Siblings, leaf upwards.
    pub path: Vec<Fr>,
}

/// One query's openings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryWitness {
    /// Per input round.
    pub inputs: Vec<InputWitness>,
    /// Per fold round.
    pub folds: Vec<FoldWitness>,
}

/// Every value the verifier circuit reads, as plain numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StarkWitness {
    /// The main commitment's cap.
    pub main: Vec<Fr>,
    /// The preprocessed commitment's cap (bound by the program vkey).
    pub preprocessed: Vec<Fr>,
    /// The permutation commitment's cap (empty without lookups).
    pub permutation: Vec<Fr>,
    /// The quotient commitment's cap.
    pub quotient: Vec<Fr>,
    /// The program's entry point.
    pub start_pc: u32,
    /// The public-values digest.
    pub digest: [u8; 32],
    /// Lookup proof of work.
    pub lookup_pow: u32,
    /// OOD proof of work.
    pub ood_pow: u32,
    /// Per instance.
    pub opened: Vec<OpenedValues>,
    /// PCS batching proof of work.
    pub batch_pow: u32,
    /// Commit-phase caps.
    pub fold_commits: Vec<Vec<Fr>>,
    /// Commit-phase proofs of work.
    pub commit_pows: Vec<u32>,
    /// Final polynomial coefficients.
    pub final_poly: Vec<ExtValue>,
    /// Query proof of work.
    pub query_pow: u32,
    /// Per query.
    pub queries: Vec<QueryWitness>,
}

fn ext(x: &Challenge) -> ExtValue {
    let c: &[Val] = x.as_basis_coefficients_slice();
    core::array::from_fn(|i| c.get(i).map_or(0, PrimeField32::as_canonical_u32))
}

fn exts(xs: &[Challenge]) -> Vec<ExtValue> {
    xs.iter().map(ext).collect()
}

fn cap(c: &Com) -> Vec<Fr> {
    c.roots().iter().map(|r| fr_from_p3(r[0])).collect()
}

fn val_mmcs() -> Result<OuterValMmcs, WitnessError> {
    let perm = poseidon2_bn254_t3();
    let hash = OuterHash::new(perm.clone()).map_err(|e| WitnessError::Replay(format!("{e:?}")))?;
    Ok(OuterValMmcs::new(hash, OuterCompress::new(perm), 0))
}

fn common_data<A: StarkAir>(
    airs: &[A],
    profile: &Profile,
    degree_bits: &[usize],
) -> Result<CommonData<OuterSC>, WitnessError> {
    if airs.len() != degree_bits.len() {
        return Err(shape_err(format!("{} degree bits for {} AIRs", degree_bits.len(), airs.len())));
    }
    if degree_bits.iter().any(|&d| d > crate::fri::MAX_LOG_HEIGHT) {
        return Err(shape_err("degree bits beyond the two-adicity"));
    }
    let config = outer_config(profile).map_err(|e| WitnessError::Unsupported(e.to_string()))?;
    Ok(ProverData::from_airs_and_degrees(&config, airs, degree_bits).map_err(|e| shape_err(format!("{e:?}")))?.common)
}

fn replay_err(e: impl core::fmt::Debug) -> WitnessError {
    WitnessError::Replay(format!("{e:?}"))
}

/// The shape and witness of `proof` for `airs` under `profile` with `public_values`.
pub fn generate<A: StarkAir>(
    airs: &[A],
    proof: &BatchProof<OuterSC>,
    public_values: &[Vec<Val>],
    profile: &Profile,
) -> Result<(VerifierShape, StarkWitness), WitnessError> {
    let n = airs.len();
    let lens = [proof.opened_values.instances.len(), proof.lookup_terminals.len(), public_values.len()];
    if lens.iter().any(|&l| l != n) {
        return Err(shape_err(format!("instances, terminals, public values {lens:?} for {n} AIRs")));
    }
    if proof.commitments.random.is_some() {
        return Err(WitnessError::Unsupported("randomization commitment (ZK)".into()));
    }
    let common = common_data(airs, profile, &proof.degree_bits)?;
    let shape = VerifierShape::from_common(airs, profile, &proof.degree_bits, &common)?;
    let (start_pc, digest) = public_witness(&shape, public_values)?;
    let config = outer_config(profile).map_err(|e| WitnessError::Unsupported(e.to_string()))?;
    let global = common.preprocessed.as_ref().ok_or_else(|| WitnessError::Unsupported("no preprocessed".into()))?;

    // The batch transcript up to ζ, with Plonky3's driver.
    let batch = batch_shape(airs, &shape.ood, profile);
    let mut challenger = config.initialise_challenger();
    let mut t = BatchVerifierTranscript::<_, Val, Challenge, Com>::new(&mut challenger, batch);
    t.instance_bindings(&proof.degree_bits);
    t.main_phase(proof.commitments.main.clone(), public_values);
    t.preprocessed_phase(Some(global.commitment.clone()));
    t.lookup_phase(&common.lookups, &LogUpGadget::new(), proof.lookup_pow_witness).map_err(replay_err)?;
    let terminals: Vec<Challenge> = proof.lookup_terminals.iter().flatten().map(|t| t.0).collect();
    let _constraint_alpha = t.permutation_phase(proof.commitments.permutation.clone(), &terminals);
    t.quotient_phase(proof.commitments.quotient_chunks.clone(), None);
    let zeta = t.ood_phase(proof.ood_pow_witness).map_err(replay_err)?;
    let preprocessed_widths: Vec<usize> = shape.ood.instances.iter().map(|s| s.preprocessed_width).collect();
    let log_chunks: Vec<usize> = shape.ood.instances.iter().map(|s| s.log_quotient_chunks).collect();
    let claims = match commitments_with_opening_points(
        &config,
        airs,
        zeta,
        &proof.commitments,
        &proof.opened_values,
        &common,
        &proof.degree_bits,
        &preprocessed_widths,
        &log_chunks,
    ) {
        Ok((claims, _, _)) => claims,
        Err(e) => {
            t.abort();
            return Err(replay_err(e));
        }
    };

    // The PCS and FRI layers. A failed step poisons its driver (dropping it is then silent);
    // a finished bracket is closed before the error is returned, as `TwoAdicFriPcs::verify`.
    let fri = profile.fri_params(OuterChallengeMmcs::new(val_mmcs()?));
    let mmcs = val_mmcs()?;
    let fp = &proof.opening_proof;
    let log_max = shape.log_max_height;
    let log_final = fri.log_blowup + fri.log_final_poly_len;
    let schedule = vec![1; shape.fold_rounds];
    let replayed = t.delegate(|c| -> Result<(Challenge, Vec<Challenge>, Vec<usize>), WitnessError> {
        let mut pt = PcsVerifierTranscript::<_, Val, Challenge>::new(c, PcsShape::from_claims(&fri, &claims));
        pt.claimed_openings(&claims).map_err(replay_err)?;
        let alpha = pt.batch_phase(Some(fp.batch_pow_witness)).map_err(replay_err)?;
        let inner = pt.delegate(|c| -> Result<(Vec<Challenge>, Vec<usize>), WitnessError> {
            let fri_shape = FriShape::with_schedule(&fri, schedule.clone(), log_max);
            let mut ft = VerifierTranscript::<_, Val, Challenge>::new(c, fri_shape);
            let betas = ft.commit_rounds(&fp.commit_phase_commits, &fp.commit_pow_witnesses).map_err(replay_err)?;
            let indices = ft.query_phase(&fp.final_poly, Some(fp.query_pow_witness)).map_err(replay_err)?;
            ft.finish();
            Ok((betas, indices))
        });
        pt.finish();
        let (betas, indices) = inner?;
        Ok((alpha, betas, indices))
    });
    t.finish();
    let (alpha, betas, indices) = replayed?;
    let reduced = open_inputs::<Val, Challenge, OuterValMmcs, OuterChallengeMmcs>(
        &fri,
        log_max,
        &indices,
        &fp.input_openings,
        alpha,
        &mmcs,
        &claims,
    )
    .map_err(replay_err)?;
    let folding = TwoAdicFriFolding::<(), ()>(PhantomData);
    let (mut groups, mut rows) = (vec![vec![]; schedule.len()], vec![vec![]; schedule.len()]);
    for (q, (&index, ro)) in indices.iter().zip(reduced).enumerate() {
        let mut start = index;
        let _folded = fold_query::<_, Val, Challenge, OuterChallengeMmcs>(
            &folding,
            q,
            &mut start,
            &betas,
            &schedule,
            &fp.commit_phase_openings,
            ro,
            log_max,
            log_final,
            &mut groups,
            &mut rows,
        )
        .map_err(replay_err)?;
    }

    // Full paths from the pruned multi-proofs.
    let to_fr = |paths: Vec<p3_merkle_tree::MerkleAuthPath<_, 1>>| -> Vec<Vec<Fr>> {
        paths.into_iter().map(|p| p.siblings.iter().map(|s| fr_from_p3(s[0])).collect()).collect()
    };
    let mut input_paths = Vec::new();
    for (claim, opening) in claims.iter().zip(&fp.input_openings) {
        let dims: Vec<Dimensions> = claim
            .matrices
            .iter()
            .map(|m| Dimensions {
                width: m.points.first().map_or(0, |p| p.values.len()),
                height: m.domain.size() << fri.log_blowup,
            })
            .collect();
        let round_max = dims.iter().map(|d| d.height.trailing_zeros() as usize).max().unwrap_or(0);
        let reduced: Vec<usize> = indices.iter().map(|i| i >> (log_max.saturating_sub(round_max))).collect();
        let paths = mmcs
            .restore_and_recompute_paths(&dims, &reduced, &opening.opened_values, &opening.opening_proof)
            .map_err(replay_err)?;
        input_paths.push(to_fr(paths));
    }
    let mut fold_paths = Vec::new();
    for k in 0..schedule.len() {
        let dims = [Dimensions { width: FOLD_LEAF_WIDTH, height: 1 << (log_max - k - 1) }];
        let flat: Vec<Vec<Vec<Val>>> = rows[k]
            .iter()
            .map(|r: &Vec<Vec<Challenge>>| {
                vec![r.iter().take(1).flatten().flat_map(|e| e.as_basis_coefficients_slice().to_vec()).collect()]
            })
            .collect();
        let opening = fp.commit_phase_openings.get(k).ok_or_else(|| shape_err("commit-phase openings"))?;
        fold_paths.push(to_fr(
            mmcs.restore_and_recompute_paths(&dims, &groups[k], &flat, &opening.opening_proof).map_err(replay_err)?,
        ));
    }

    let mut queries = Vec::new();
    for q in 0..indices.len() {
        let mut inputs = Vec::new();
        for (r, opening) in fp.input_openings.iter().enumerate() {
            let rows = opening
                .opened_values
                .get(q)
                .ok_or_else(|| shape_err("input openings per query"))?
                .iter()
                .map(|row| row.iter().map(PrimeField32::as_canonical_u32).collect())
                .collect();
            let path = input_paths.get(r).and_then(|p| p.get(q)).cloned().ok_or_else(|| shape_err("input paths"))?;
            inputs.push(InputWitness { rows, path });
        }
        let mut folds = Vec::new();
        for (k, opening) in fp.commit_phase_openings.iter().enumerate() {
            let sibling = opening
                .sibling_values
                .get(q)
                .and_then(|s| s.first())
                .ok_or_else(|| shape_err("fold sibling values"))?;
            let path = fold_paths.get(k).and_then(|p| p.get(q)).cloned().ok_or_else(|| shape_err("fold paths"))?;
            folds.push(FoldWitness { sibling: ext(sibling), path });
        }
        queries.push(QueryWitness { inputs, folds });
    }

    let opened = proof
        .opened_values
        .instances
        .iter()
        .zip(&proof.lookup_terminals)
        .map(|(o, t)| {
            let base = &o.base_opened_values;
            OpenedValues {
                trace_local: exts(&base.trace_local),
                trace_next: base.trace_next.as_deref().map(exts),
                preprocessed_local: exts(base.preprocessed_local().unwrap_or(&[])),
                preprocessed_next: base.preprocessed_next().map(exts),
                permutation_local: exts(&o.permutation_local),
                permutation_next: exts(&o.permutation_next),
                quotient_chunks: base.quotient_chunks.iter().map(|c| exts(c)).collect(),
                terminal: t.as_ref().map(|t| ext(&t.0)),
            }
        })
        .collect();
    let witness = StarkWitness {
        main: cap(&proof.commitments.main),
        preprocessed: cap(&global.commitment),
        permutation: proof.commitments.permutation.as_ref().map(cap).unwrap_or_default(),
        quotient: cap(&proof.commitments.quotient_chunks),
        start_pc,
        digest,
        lookup_pow: proof.lookup_pow_witness.map_or(0, |w| w.as_canonical_u32()),
        ood_pow: proof.ood_pow_witness.as_canonical_u32(),
        opened,
        batch_pow: fp.batch_pow_witness.as_canonical_u32(),
        fold_commits: fp.commit_phase_commits.iter().map(cap).collect(),
        commit_pows: fp.commit_pow_witnesses.iter().map(|w| w.as_canonical_u32()).collect(),
        final_poly: exts(&fp.final_poly),
        query_pow: fp.query_pow_witness.as_canonical_u32(),
        queries,
    };
    Ok((shape, witness))
}

/// The start pc and digest bytes from the public values, per the shape's slots.
fn public_witness(shape: &VerifierShape, public_values: &[Vec<Val>]) -> Result<(u32, [u8; 32]), WitnessError> {
    let (mut start_pc, mut digest) = (None, [0u8; 32]);
    for (i, (slots, values)) in shape.public_slots.iter().zip(public_values).enumerate() {
        if slots.len() != values.len() {
            return Err(shape_err(format!("instance {i}: {} public values, expected {}", values.len(), slots.len())));
        }
        for (slot, v) in slots.iter().zip(values) {
            let v = v.as_canonical_u32();
            match *slot {
                PublicSlot::StartPc => start_pc = Some(v),
                PublicSlot::Zero if v != 0 => return Err(WitnessError::Unsupported("non-zero exit code".into())),
                PublicSlot::Zero => {}
                PublicSlot::DigestByte(k) => {
                    let byte = u8::try_from(v).map_err(|_| shape_err("digest value above 255"))?;
                    *digest.get_mut(k).ok_or_else(|| shape_err("digest index"))? = byte;
                }
            }
        }
    }
    Ok((start_pc.ok_or_else(|| shape_err("no start pc"))?, digest))
}
