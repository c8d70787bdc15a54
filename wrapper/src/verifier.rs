//! The complete outer-STARK verifier as a circuit: transcript, OOD check, FRI, program vkey and
//! the SNARK public input.
//!
//! [`verify_stark`] replays p3-batch-stark 0.8's transcript with [`Challenger`] in exactly
//! Plonky3's order (layer seeds are constants of the [`VerifierShape`]):
//!
//! 1. batch seed; degree bits (each as an extension element); main cap; public values;
//!    preprocessed cap; if any lookups: lookup PoW, LogUp α, β; permutation cap; terminals;
//!    constraint α; quotient cap; OOD PoW; ζ;
//! 2. PCS seed; every claimed evaluation (round → matrix → point); batch PoW; batching α;
//! 3. FRI seed; per fold round: cap, commit PoW, β; final polynomial; query PoW; indices.
//!
//! Every opened value is allocated once (canonical) and shared by the transcript,
//! [`ood::verify_ood`] and [`fri::verify_fri`]. A PoW step with 0 bits absorbs nothing and its
//! witness must be 0 (as `check_canonical_pow_witnesses`). Public values: the exit code is the
//! constant 0, the start pc and the 32 digest bytes (8-bit checked) are witnesses.
//!
//! Finally `programVKey = sha256("cairn-program-vkey-v1" ‖ [config, profile] ‖ u32le(32) ‖
//! preprocessed root (32 bytes big-endian, canonical) ‖ u32le(start pc))` with byte 0 `&= 0x1f`,
//! as the SDK computes it, and the one public input is
//! [`identity::snark_public_input_gadget`]`(vkey, digest)`. The constraints depend only on the
//! shape: building without a witness (key generation) gives the same circuit.

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use p3_baby_bear::BabyBear;
use p3_field::{PrimeField32, TwoAdicField};

use crate::builder::{CircuitBuilder, Section};
use crate::challenger::{Challenger, ChallengerError};
use crate::field::{self, Ext, Felt};
use crate::fri::{
    self, FoldOpening, FriChallenges, FriError, FriProofVars, InputOpening, MatrixClaim, QueryProof, RoundClaim,
};
use crate::identity;
use crate::ood::{self, OodChallenges, OodError, OpenedInstance};
use crate::sha256;
use crate::witness::{source_width, ExtValue, Point, PublicSlot, RoundKind, Source, StarkWitness, VerifierShape};

/// The domain of the SDK's program vkey hash.
pub const PROGRAM_VKEY_DOMAIN: &[u8] = b"cairn-program-vkey-v1";

/// A witness or shape the circuit cannot be built for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifierError {
    /// The witness does not fit the shape.
    #[error("witness shape: {0}")]
    Shape(String),
    /// From the challenger.
    #[error(transparent)]
    Challenger(#[from] ChallengerError),
    /// From the OOD gadget.
    #[error(transparent)]
    Ood(#[from] OodError),
    /// From the FRI gadget.
    #[error(transparent)]
    Fri(#[from] FriError),
}

fn mismatch(what: &str) -> VerifierError {
    VerifierError::Shape(what.to_string())
}

/// Checks that `w`'s lengths are those the shape fixes, so allocation never guesses.
fn check_witness(shape: &VerifierShape, w: &StarkWitness) -> Result<(), VerifierError> {
    let n = shape.ood.instances.len();
    let ok = |c: bool, what: &str| if c { Ok(()) } else { Err(mismatch(what)) };
    ok(w.opened.len() == n, "opened instances")?;
    for (o, s) in w.opened.iter().zip(&shape.ood.instances) {
        let perm = if s.lookup_buses.is_empty() { 0 } else { 4 * (s.lookup_buses.len() + 1) };
        ok(o.trace_local.len() == s.main_width, "main trace width")?;
        ok(o.trace_next.as_ref().map(Vec::len) == s.opens_main_next.then_some(s.main_width), "next main row")?;
        ok(o.preprocessed_local.len() == s.preprocessed_width, "preprocessed width")?;
        let pre_next = (s.opens_preprocessed_next && s.preprocessed_width > 0).then_some(s.preprocessed_width);
        ok(o.preprocessed_next.as_ref().map(Vec::len) == pre_next, "next preprocessed row")?;
        ok(o.permutation_local.len() == perm && o.permutation_next.len() == perm, "permutation width")?;
        ok(o.quotient_chunks.len() == 1 << s.log_quotient_chunks, "quotient chunks")?;
        ok(o.quotient_chunks.iter().all(|c| c.len() == 4), "quotient chunk width")?;
        ok(o.terminal.is_some() != s.lookup_buses.is_empty(), "lookup terminal")?;
    }
    let has_perm = shape.rounds.iter().any(|(k, _)| *k == RoundKind::Permutation);
    for cap in [&w.main, &w.preprocessed, &w.quotient] {
        ok(cap.len() == 1, "cap size")?;
    }
    ok(w.permutation.len() == usize::from(has_perm), "permutation cap")?;
    ok(w.fold_commits.len() == shape.fold_rounds && w.fold_commits.iter().all(|c| c.len() == 1), "fold commitments")?;
    ok(w.commit_pows.len() == shape.fold_rounds, "commit PoW witnesses")?;
    ok(w.final_poly.len() == 1 << shape.fri.log_final_poly_len, "final polynomial")?;
    ok(w.queries.len() == shape.fri.num_queries, "queries")?;
    for q in &w.queries {
        ok(q.inputs.len() == shape.rounds.len() && q.folds.len() == shape.fold_rounds, "query openings")?;
        for (input, (_, ms)) in q.inputs.iter().zip(&shape.rounds) {
            ok(input.rows.len() == ms.len(), "opened rows per round")?;
            for (row, m) in input.rows.iter().zip(ms) {
                let width = m.openings.first().map_or(0, |&(_, src)| source_width(&shape.ood, src));
                ok(row.len() == width, "opened row width")?;
            }
            let levels = ms.iter().map(|m| m.log_size).max().unwrap_or(0) + shape.fri.log_blowup;
            ok(input.path.len() == levels, "input path length")?;
        }
        for (k, fold) in q.folds.iter().enumerate() {
            ok(fold.path.len() + k + 1 == shape.log_max_height, "fold path length")?;
        }
    }
    Ok(())
}

/// Allocates `len` extension witnesses from `values` (unknown in shape-only mode).
fn exts<B: CircuitBuilder>(b: &mut B, values: Option<&[ExtValue]>, len: usize) -> Vec<Ext<B::Var>> {
    let previous = b.set_section(Section::OpenedValues);
    let out = (0..len).map(|k| field::ext_witness(b, values.and_then(|v| v.get(k)).copied())).collect();
    b.set_section(previous);
    out
}

/// A canonical proof value (its range check counts as [`Section::OpenedValues`]).
fn felt<B: CircuitBuilder>(b: &mut B, value: Option<u32>) -> Felt<B::Var> {
    let previous = b.set_section(Section::OpenedValues);
    let out = field::witness(b, value);
    b.set_section(previous);
    out
}

fn caps<B: CircuitBuilder>(b: &mut B, values: Option<&[Fr]>, len: usize) -> Vec<B::Var> {
    (0..len).map(|k| b.witness(values.and_then(|v| v.get(k)).copied())).collect()
}

/// The PoW step: observe and check `bits` zero bits, or pin the witness to 0 when `bits = 0`.
fn pow<B: CircuitBuilder>(
    b: &mut B,
    ch: &mut Challenger<B::Var>,
    bits: usize,
    value: Option<u32>,
) -> Result<(), VerifierError> {
    let w = felt(b, value);
    if bits == 0 {
        b.assert_zero(&w.v);
    }
    ch.check_witness(b, bits, &w)?;
    Ok(())
}

/// The opened values of every instance, allocated once.
fn allocate_opened<B: CircuitBuilder>(
    b: &mut B,
    shape: &VerifierShape,
    w: Option<&StarkWitness>,
) -> Vec<OpenedInstance<B::Var>> {
    shape
        .ood
        .instances
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let o = w.and_then(|w| w.opened.get(i));
            let perm = if s.lookup_buses.is_empty() { 0 } else { 4 * (s.lookup_buses.len() + 1) };
            OpenedInstance {
                trace_local: exts(b, o.map(|o| &o.trace_local[..]), s.main_width),
                trace_next: s.opens_main_next.then(|| exts(b, o.and_then(|o| o.trace_next.as_deref()), s.main_width)),
                preprocessed_local: exts(b, o.map(|o| &o.preprocessed_local[..]), s.preprocessed_width),
                preprocessed_next: (s.opens_preprocessed_next && s.preprocessed_width > 0)
                    .then(|| exts(b, o.and_then(|o| o.preprocessed_next.as_deref()), s.preprocessed_width)),
                permutation_local: exts(b, o.map(|o| &o.permutation_local[..]), perm),
                permutation_next: exts(b, o.map(|o| &o.permutation_next[..]), perm),
                quotient_chunks: (0..1usize << s.log_quotient_chunks)
                    .map(|c| {
                        let v = exts(b, o.and_then(|o| o.quotient_chunks.get(c)).map(|c| &c[..]), 4);
                        core::array::from_fn(|d| v[d].clone())
                    })
                    .collect(),
                public_values: Vec::new(),
                terminal: (!s.lookup_buses.is_empty()).then(|| field::ext_witness(b, o.and_then(|o| o.terminal))),
            }
        })
        .collect()
}

fn source<V>(opened: &[OpenedInstance<V>], src: Source) -> Vec<Ext<V>>
where
    V: Clone,
{
    let get = |i: usize| opened.get(i);
    let v: Option<Vec<Ext<V>>> = match src {
        Source::MainLocal(i) => get(i).map(|o| o.trace_local.clone()),
        Source::MainNext(i) => get(i).and_then(|o| o.trace_next.clone()),
        Source::Quotient(i, c) => get(i).and_then(|o| o.quotient_chunks.get(c)).map(|c| c.to_vec()),
        Source::PreLocal(i) => get(i).map(|o| o.preprocessed_local.clone()),
        Source::PreNext(i) => get(i).and_then(|o| o.preprocessed_next.clone()),
        Source::PermLocal(i) => get(i).map(|o| o.permutation_local.clone()),
        Source::PermNext(i) => get(i).map(|o| o.permutation_next.clone()),
    };
    v.unwrap_or_default()
}

/// Builds the whole verifier for `shape`; `witness` is `None` in key-generation mode. Returns the
/// public input variable (already constrained to the builder's public input).
pub fn verify_stark<B: CircuitBuilder>(
    b: &mut B,
    shape: &VerifierShape,
    witness: Option<&StarkWitness>,
) -> Result<B::Var, VerifierError> {
    if let Some(w) = witness {
        check_witness(shape, w)?;
    }
    let previous = b.set_section(Section::Other);
    let result = build(b, shape, witness);
    b.set_section(previous);
    result
}

fn build<B: CircuitBuilder>(
    b: &mut B,
    shape: &VerifierShape,
    w: Option<&StarkWitness>,
) -> Result<B::Var, VerifierError> {
    let p = &shape.profile;
    let has_lookups = shape.ood.instances.iter().any(|s| !s.lookup_buses.is_empty());
    let mut ch = Challenger::new(b);

    // Batch layer.
    ch.observe_constants(b, &shape.batch_seed);
    for &db in &shape.degree_bits {
        ch.observe_constants(b, &[db as u32, 0, 0, 0]);
    }
    let main = caps(b, w.map(|w| &w.main[..]), 1);
    ch.observe_cap(b, &main);
    let start_pc = felt(b, w.map(|w| w.start_pc));
    let digest: Vec<B::Var> = sha256::bytes_witness(b, w.map(|w| &w.digest[..]), 32);
    let previous = b.set_section(Section::OpenedValues);
    let digest_felts: Vec<Felt<B::Var>> = digest
        .iter()
        .map(|v| {
            b.range_check(v, 8);
            Felt { v: v.clone(), bound: 8 }
        })
        .collect();
    b.set_section(previous);
    let zero = field::constant(b, 0);
    let mut public_values = Vec::new();
    for slots in &shape.public_slots {
        let values: Vec<Felt<B::Var>> = slots
            .iter()
            .map(|slot| match *slot {
                PublicSlot::StartPc => start_pc.clone(),
                PublicSlot::Zero => zero.clone(),
                PublicSlot::DigestByte(k) => digest_felts.get(k).cloned().unwrap_or_else(|| zero.clone()),
            })
            .collect();
        ch.observe_slice(b, &values);
        public_values.push(values);
    }
    let preprocessed = caps(b, w.map(|w| &w.preprocessed[..]), 1);
    ch.observe_cap(b, &preprocessed);
    let (lookup_alpha, lookup_beta) = if has_lookups {
        pow(b, &mut ch, p.lookup_pow_bits, w.map(|w| w.lookup_pow))?;
        (ch.sample_ext(b), ch.sample_ext(b))
    } else {
        (field::ext_constant(b, [0; 4]), field::ext_constant(b, [0; 4]))
    };
    let has_perm = shape.rounds.iter().any(|(k, _)| *k == RoundKind::Permutation);
    let permutation = caps(b, w.map(|w| &w.permutation[..]), usize::from(has_perm));
    ch.observe_cap(b, &permutation);
    let mut opened = allocate_opened(b, shape, w);
    for (o, values) in opened.iter_mut().zip(public_values) {
        o.public_values = values;
    }
    for t in opened.iter().filter_map(|o| o.terminal.as_ref()) {
        ch.observe_ext(b, t);
    }
    let alpha = ch.sample_ext(b);
    let quotient = caps(b, w.map(|w| &w.quotient[..]), 1);
    ch.observe_cap(b, &quotient);
    pow(b, &mut ch, p.ood_pow_bits, w.map(|w| w.ood_pow))?;
    let zeta = ch.sample_ext(b);

    // PCS layer: claimed evaluations in round, matrix, point order.
    ch.observe_constants(b, &shape.pcs_seed);
    for (_, matrices) in &shape.rounds {
        for m in matrices {
            for &(_, src) in &m.openings {
                for v in source(&opened, src) {
                    ch.observe_ext(b, &v);
                }
            }
        }
    }
    pow(b, &mut ch, p.batch_pow_bits, w.map(|w| w.batch_pow))?;
    let fri_alpha = ch.sample_ext(b);

    // FRI layer.
    ch.observe_constants(b, &shape.fri_seed);
    let mut commits = Vec::new();
    let mut betas = Vec::new();
    for k in 0..shape.fold_rounds {
        let cap = caps(b, w.and_then(|w| w.fold_commits.get(k)).map(|c| &c[..]), 1);
        ch.observe_cap(b, &cap);
        pow(b, &mut ch, p.commit_pow_bits, w.and_then(|w| w.commit_pows.get(k).copied()))?;
        betas.push(ch.sample_ext(b));
        commits.push(cap);
    }
    let final_poly = exts(b, w.map(|w| &w.final_poly[..]), 1 << shape.fri.log_final_poly_len);
    for c in &final_poly {
        ch.observe_ext(b, c);
    }
    pow(b, &mut ch, p.query_pow_bits, w.map(|w| w.query_pow))?;
    let mut indices = Vec::new();
    for _ in 0..shape.fri.num_queries {
        indices.push(ch.sample_bits(b, shape.log_max_height)?);
    }

    // OOD check.
    let challenges = OodChallenges { alpha, zeta: zeta.clone(), lookup_alpha, lookup_beta };
    ood::verify_ood(b, &shape.ood, &challenges, &opened)?;

    // FRI: points ζ and ζ·ω per trace size, claims from the shared opened values.
    let mut points = vec![zeta.clone()];
    let mut point_bits: Vec<Option<usize>> = vec![None];
    let mut rounds = Vec::new();
    for (kind, matrices) in &shape.rounds {
        let cap = match kind {
            RoundKind::Main => main.clone(),
            RoundKind::Quotient => quotient.clone(),
            RoundKind::Preprocessed => preprocessed.clone(),
            RoundKind::Permutation => permutation.clone(),
        };
        let mut claims = Vec::new();
        for m in matrices {
            let mut openings = Vec::new();
            for &(point, src) in &m.openings {
                let key = match point {
                    Point::Zeta => None,
                    Point::Next(bits) => Some(bits),
                };
                let index = match point_bits.iter().position(|k| *k == key) {
                    Some(index) => index,
                    None => {
                        let bits = key.unwrap_or(0);
                        let omega = BabyBear::two_adic_generator(bits).as_canonical_u32();
                        let omega = field::constant(b, u64::from(omega));
                        let next = field::ext_mul_base(b, &zeta, &omega);
                        points.push(field::ext_reduce(b, &next));
                        point_bits.push(key);
                        points.len() - 1
                    }
                };
                openings.push((index, source(&opened, src)));
            }
            claims.push(MatrixClaim { log_size: m.log_size, openings });
        }
        rounds.push(RoundClaim { cap, matrices: claims });
    }
    let mut queries = Vec::new();
    for q in 0..shape.fri.num_queries {
        let qw = w.and_then(|w| w.queries.get(q));
        let mut inputs = Vec::new();
        for (r, (_, matrices)) in shape.rounds.iter().enumerate() {
            let iw = qw.and_then(|qw| qw.inputs.get(r));
            let rows = matrices
                .iter()
                .enumerate()
                .map(|(j, m)| {
                    let width = m.openings.first().map_or(0, |&(_, src)| source_width(&shape.ood, src));
                    (0..width)
                        .map(|c| felt(b, iw.and_then(|iw| iw.rows.get(j)).and_then(|row| row.get(c)).copied()))
                        .collect()
                })
                .collect();
            let max_log = matrices.iter().map(|m| m.log_size).max().unwrap_or(0) + shape.fri.log_blowup;
            let path = caps(b, iw.map(|iw| &iw.path[..]), max_log);
            inputs.push(InputOpening { rows, path });
        }
        let mut folds = Vec::new();
        for k in 0..shape.fold_rounds {
            let fw = qw.and_then(|qw| qw.folds.get(k));
            let sibling = field::ext_witness(b, fw.map(|f| f.sibling));
            let path = caps(b, fw.map(|f| &f.path[..]), shape.log_max_height - k - 1);
            folds.push(FoldOpening { sibling, path });
        }
        queries.push(QueryProof { inputs, folds });
    }
    let challenges = FriChallenges { alpha: fri_alpha, betas, indices };
    let proof = FriProofVars { commits, final_poly, queries };
    fri::verify_fri(b, &shape.fri, &points, &rounds, &challenges, &proof)?;

    // Program vkey and the public input.
    let vkey = program_vkey_gadget(b, shape, &preprocessed[0], &start_pc);
    let digest: [B::Var; 32] = core::array::from_fn(|k| digest[k].clone());
    Ok(identity::expose_public_input(b, &vkey, &digest))
}

/// `r − 1`, the largest canonical BN254 scalar, least significant bit first.
fn modulus_minus_one_bits() -> Vec<bool> {
    (-Fr::from(1u64)).into_bigint().to_bits_le()
}

/// The SDK's program vkey from the preprocessed root (decomposed canonically into 254 bits) and
/// the start pc (as 4 bytes).
pub fn program_vkey_gadget<B: CircuitBuilder>(
    b: &mut B,
    shape: &VerifierShape,
    root: &B::Var,
    start_pc: &Felt<B::Var>,
) -> [B::Var; 32] {
    let previous = b.set_section(Section::Sha256);
    let bits = b.to_bits(root, 254);
    // bits ≤ r − 1, most significant first: while equal so far, a 0 in r − 1 forces a 0.
    let bound = modulus_minus_one_bits();
    let mut equal = b.constant(Fr::from(1u64));
    for i in (0..254).rev() {
        if bound.get(i).copied().unwrap_or(false) {
            equal = b.mul(&equal, &bits[i]);
        } else {
            let bad = b.mul(&equal, &bits[i]);
            b.assert_zero(&bad);
        }
    }
    let zero = b.constant(Fr::from(0u64));
    // Big-endian bytes: byte j holds bits 8(31 − j) .. 8(31 − j) + 8.
    let root_bytes: Vec<B::Var> = (0..32)
        .map(|j| {
            let mut acc = zero.clone();
            for t in (0..8).rev() {
                let bit = bits.get(8 * (31 - j) + t).cloned().unwrap_or_else(|| zero.clone());
                let doubled = b.scale(&acc, Fr::from(2u64));
                acc = b.add(&doubled, &bit);
            }
            acc
        })
        .collect();
    // start pc as 4 little-endian bytes (the hash range-checks them).
    let pc_bytes: Vec<B::Var> = (0..4)
        .map(|k| {
            b.hint(core::slice::from_ref(&start_pc.v), |v| {
                let x = v[0].into_bigint().as_ref()[0];
                Fr::from((x >> (8 * k)) & 0xff)
            })
        })
        .collect();
    let mut sum = zero.clone();
    for (k, byte) in pc_bytes.iter().enumerate() {
        let term = b.scale(byte, Fr::from(1u64 << (8 * k)));
        sum = b.add(&sum, &term);
    }
    b.assert_eq(&sum, &start_pc.v);
    let mut message: Vec<B::Var> = PROGRAM_VKEY_DOMAIN.iter().map(|&c| b.constant(Fr::from(u64::from(c)))).collect();
    for c in [shape.config_id(), shape.profile.id] {
        message.push(b.constant(Fr::from(u64::from(c))));
    }
    for c in 32u32.to_le_bytes() {
        message.push(b.constant(Fr::from(u64::from(c))));
    }
    message.extend(root_bytes);
    message.extend(pc_bytes);
    let hash_bits = sha256::sha256_bits(b, &message);
    let vkey = core::array::from_fn(|j| {
        let from = if j == 0 { 3 } else { 8 * j };
        sha256::from_bits_be(b, &hash_bits[from..8 * j + 8])
    });
    b.set_section(previous);
    vkey
}
