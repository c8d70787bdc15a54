//! The out-of-domain (OOD) check of a Plonky3 0.8 batch proof, in a circuit.
//!
//! What `p3_batch_stark::verify_batch` checks after the opening argument, per instance `i`:
//!
//! ```text
//!   Σ_k α^{K−1−k} · C_k(ζ)  ==  Z_H(ζ) · Σ_c zp_c(ζ) · q_c(ζ)
//! ```
//!
//! with `C_k` the AIR's constraints followed by its LogUp constraints in emission order (base and
//! extension streams interleaved by `ConstraintLayout`), evaluated at the opened values with the
//! unnormalised selectors `is_first_row = Z_H/(ζ−1)`, `is_last_row = Z_H/(ζ−h⁻¹)`,
//! `is_transition = ζ−h⁻¹`; `q_c` the quotient chunks and `zp_c` their Lagrange-like weights
//! `Π_{d≠c} Z_{D_d}(ζ)/Z_{D_d}(first point of D_c)` (`recompose_quotient_from_chunks`). Then
//! `Σ terminals == 0`. Plonky3 also rejects `Z_H(ζ) = 0`; the circuit proves `Z_H(ζ)` invertible,
//! which also makes the witnessed selectors unique.
//!
//! The constraints are never re-typed: [`OodShape::new`] takes them from Plonky3
//! (`get_symbolic_constraints`, `get_constraint_layout`) at circuit-build time, together with the
//! quotient-chunk count and domains, and the per-instance layout of the LogUp challenges
//! (`[prefix(bus), β]` per lookup, `prefix(bus) = α + (bus+1)·β^W`, as `lay_out_lookup_challenges`
//! in `p3-batch-stark/src/transcript.rs`). The circuit then walks the expression trees and emits
//! emulated arithmetic; shared subtrees are evaluated once.
//!
//! Cost: extension products use 7 multiplications ([`field::ext_mul`]); products by constants are
//! free; powers of `ζ`, `α` and `β` are computed once per batch; LogUp's Horner combinations in
//! `β` are evaluated as `Σ e_j·β^j` (module `eval`); folding multiplies each constraint by a
//! baby-step power `α^r` and each group by a giant-step power `α^{m·j}`, and which group sums to
//! reduce is chosen from the (build-time) bounds. Reductions happen only where a bound would pass
//! [`field::MAX_BOUND`] or where reducing is cheaper than carrying the bound.
//!
//! Only non-ZK configurations (no randomization commitment) without periodic columns are
//! supported, which covers both Cairn configurations.

mod eval;

use std::collections::HashMap;

use p3_air::symbolic::{AirLayout, SymbolicExpression, SymbolicExpressionExt};
use p3_air::{Air, BaseAir};
use p3_baby_bear::BabyBear;
use p3_batch_stark::symbolic::{
    get_constraint_layout, get_log_num_quotient_chunks_for_domain, get_symbolic_constraints,
};
use p3_commit::PolynomialSpace;
use p3_field::coset::TwoAdicMultiplicativeCoset;
use p3_field::extension::BinomialExtensionField;
use p3_field::{BasedVectorSpace, Field, PrimeCharacteristicRing, PrimeField32, TwoAdicField};
use p3_lookup::{check_multiplicity_height_bound, InteractionSymbolicBuilder, Kind, LogUpGadget, Lookup, Lookups};

pub use crate::field::ext_mul as mul_ext;
use eval::{bound, coeffs, ext_val, native, reduce, Algebra, Env, Selectors, Val, EXT_MUL_GROWTH, ZERO};

use cairn_stark::ShapeError;

use crate::builder::{CircuitBuilder, Section};
use crate::field::{self, Ext, Felt, MAX_BOUND};

/// The challenge field, `BinomialExtensionField<BabyBear, 4>`.
pub type Challenge = BinomialExtensionField<BabyBear, 4>;

/// Why a circuit cannot be built for these AIRs or these inputs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OodError {
    /// Parallel lists differ in length, or one instance's data does not fit its AIR.
    #[error(transparent)]
    Shape(#[from] ShapeError),
    /// The lookups fail Plonky3's multiplicity height bound (`Σ weight·height < p`), so
    /// `verify_batch` would reject every proof of this shape.
    #[error("lookups: {0}")]
    Lookup(String),
    /// A feature this circuit does not implement.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

fn count(what: &'static str, expected: usize, found: usize) -> Result<(), OodError> {
    if expected == found { Ok(()) } else { Err(ShapeError::Count { what, expected, found }.into()) }
}

fn bad(instance: usize, reason: impl Into<String>) -> OodError {
    ShapeError::Instance { instance, reason: reason.into() }.into()
}

/// One constraint, in the verifier's fold order.
#[derive(Clone, Debug)]
enum Constraint {
    Base(SymbolicExpression<BabyBear>),
    Ext(SymbolicExpressionExt<BabyBear, Challenge>),
}

/// A domain `sH` through its vanishing polynomial `Z(x) = x^{2^log_size}·s^{−2^log_size} − 1`.
#[derive(Clone, Copy, Debug)]
struct Vanishing {
    log_size: usize,
    shift_inv_pow: BabyBear,
}

impl Vanishing {
    fn of(domain: &TwoAdicMultiplicativeCoset<BabyBear>) -> Self {
        Self {
            log_size: domain.log_size(),
            shift_inv_pow: domain.shift_inverse().exp_power_of_2(domain.log_size()),
        }
    }
}

/// What the circuit needs to know about one instance, all fixed at build time.
#[derive(Clone, Debug)]
pub struct InstanceShape {
    /// log2 of the trace height.
    pub degree_bits: usize,
    /// Main trace width.
    pub main_width: usize,
    /// Preprocessed width (0 if none).
    pub preprocessed_width: usize,
    /// Public values of the instance.
    pub num_public_values: usize,
    /// Whether the main trace is opened at `ζ·h` (`main_next_row_columns` not empty).
    pub opens_main_next: bool,
    /// Whether the preprocessed trace is opened at `ζ·h`.
    pub opens_preprocessed_next: bool,
    /// Global bus index of each lookup, in column order.
    pub lookup_buses: Vec<usize>,
    /// log2 of the number of quotient chunks.
    pub log_quotient_chunks: usize,
    constraints: Vec<Constraint>,
    trace: Vanishing,
    trace_shift_inv: BabyBear,
    generator_inv: BabyBear,
    chunks: Vec<Vanishing>,
    /// `1/Z_{D_d}(first point of D_c)` at `[c][d]` (1 on the diagonal).
    chunk_norms: Vec<Vec<BabyBear>>,
}

impl InstanceShape {
    /// Number of constraints folded (AIR and LogUp).
    pub fn num_constraints(&self) -> usize {
        self.constraints.len()
    }
}

/// The OOD check's shape for a whole batch: per instance, its constraints and domains.
#[derive(Clone, Debug)]
pub struct OodShape {
    /// Per instance.
    pub instances: Vec<InstanceShape>,
    /// Widest lookup tuple (`W` in `prefix = α + (bus+1)·β^W`), at least 1.
    pub max_message_width: usize,
    /// Number of distinct buses (global by name, each local lookup its own).
    pub num_buses: usize,
}

impl OodShape {
    /// Derives the shape from the AIRs, their (packed) lookups as in `CommonData::lookups`, and
    /// each instance's trace degree bits (`BatchProof::degree_bits`), the way `verify_batch`
    /// does for a non-ZK configuration. Also runs its shape-only LogUp check
    /// (`check_multiplicity_height_bound`).
    pub fn new<A>(airs: &[A], lookups: &[Lookups<BabyBear>], degree_bits: &[usize]) -> Result<Self, OodError>
    where
        A: BaseAir<BabyBear> + Air<InteractionSymbolicBuilder<BabyBear, Challenge>>,
    {
        count("lookups", airs.len(), lookups.len())?;
        count("degree bits", airs.len(), degree_bits.len())?;
        let heights = degree_bits
            .iter()
            .enumerate()
            .map(|(i, &db)| 1usize.checked_shl(db as u32).filter(|_| db <= BabyBear::TWO_ADICITY).ok_or_else(|| bad(i, format!("degree bits {db} too large"))))
            .collect::<Result<Vec<_>, _>>()?;
        check_multiplicity_height_bound(lookups, &heights).map_err(|e| OodError::Lookup(format!("{e:?}")))?;
        let (buses, max_message_width, num_buses) = bus_layout(lookups)?;
        let instances = airs
            .iter()
            .zip(lookups)
            .zip(degree_bits)
            .zip(buses)
            .enumerate()
            .map(|(i, (((air, l), &db), lookup_buses))| instance_shape(i, air, l, db, lookup_buses))
            .collect::<Result<_, _>>()?;
        Ok(Self { instances, max_message_width, num_buses })
    }

    /// Total number of constraints folded over all instances.
    pub fn num_constraints(&self) -> usize {
        self.instances.iter().map(InstanceShape::num_constraints).sum()
    }
}

fn instance_shape<A>(i: usize, air: &A, lookups: &[Lookup<BabyBear>], db: usize, lookup_buses: Vec<usize>) -> Result<InstanceShape, OodError>
where
    A: BaseAir<BabyBear> + Air<InteractionSymbolicBuilder<BabyBear, Challenge>>,
{
    if air.num_periodic_columns() > 0 {
        return Err(OodError::Unsupported(format!("instance {i} has periodic columns")));
    }
    let layout = AirLayout {
        preprocessed_width: air.preprocessed_width(),
        main_width: air.width(),
        num_public_values: air.num_public_values(),
        num_periodic_columns: 0,
        ..Default::default()
    };
    let gadget = LogUpGadget::new();
    let trace = TwoAdicMultiplicativeCoset::new(BabyBear::ONE, db).ok_or_else(|| bad(i, format!("degree bits {db} too large")))?;
    let log_chunks = get_log_num_quotient_chunks_for_domain::<BabyBear, Challenge, A, _>(air, layout, trace, lookups, 0, &gadget);
    let quotient_domain = trace
        .try_create_disjoint_domain(1usize << (db + log_chunks))
        .ok_or_else(|| bad(i, "quotient domain too large"))?;
    let chunk_domains = quotient_domain.split_domains(1 << log_chunks);
    let chunk_norms = chunk_domains
        .iter()
        .enumerate()
        .map(|(c, own)| {
            chunk_domains
                .iter()
                .enumerate()
                .map(|(d, other)| {
                    if c == d {
                        return Ok(BabyBear::ONE);
                    }
                    other
                        .vanishing_poly_at_point(own.first_point())
                        .try_inverse()
                        .ok_or_else(|| bad(i, "quotient chunk domains overlap"))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;

    let (base, ext) = get_symbolic_constraints::<BabyBear, Challenge, A, _>(air, layout, lookups, &gadget);
    let order = get_constraint_layout::<BabyBear, Challenge, A, _>(air, layout, lookups, &gadget);
    if base.len() != order.base_indices.len() || ext.len() != order.ext_indices.len() {
        return Err(bad(i, "constraint layout does not match the constraints"));
    }
    let mut slots: Vec<Option<Constraint>> = vec![None; order.total_constraints()];
    let placed = base.into_iter().map(Constraint::Base).zip(&order.base_indices);
    for (c, &index) in placed.chain(ext.into_iter().map(Constraint::Ext).zip(&order.ext_indices)) {
        match slots.get_mut(index) {
            Some(slot @ None) => *slot = Some(c),
            _ => return Err(bad(i, "constraint layout is not a permutation")),
        }
    }
    let constraints = slots.into_iter().collect::<Option<Vec<_>>>().ok_or_else(|| bad(i, "constraint layout has gaps"))?;

    Ok(InstanceShape {
        degree_bits: db,
        main_width: air.width(),
        preprocessed_width: air.preprocessed_width(),
        num_public_values: air.num_public_values(),
        opens_main_next: !air.main_next_row_columns().is_empty(),
        opens_preprocessed_next: !air.preprocessed_next_row_columns().is_empty(),
        lookup_buses,
        log_quotient_chunks: log_chunks,
        constraints,
        trace: Vanishing::of(&trace),
        trace_shift_inv: trace.shift_inverse(),
        generator_inv: trace.subgroup_generator().inverse(),
        chunks: chunk_domains.iter().map(Vanishing::of).collect(),
        chunk_norms,
    })
}

/// Bus indices per instance and lookup, the widest tuple and the number of buses, exactly as
/// `lay_out_lookup_challenges` assigns them: global buses by first appearance of their name,
/// each local lookup a fresh index.
fn bus_layout(all: &[Lookups<BabyBear>]) -> Result<(Vec<Vec<usize>>, usize, usize), OodError> {
    let mut global: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut next = 0usize;
    let mut max_width = 1usize;
    let mut out = Vec::with_capacity(all.len());
    for (i, lookups) in all.iter().enumerate() {
        let mut ids = Vec::new();
        for lookup in lookups.iter() {
            let width = lookup.elements.first().map_or(0, Vec::len);
            if lookup.elements.iter().any(|t| t.len() != width) {
                return Err(bad(i, "a lookup mixes tuple widths"));
            }
            max_width = max_width.max(width);
            let id = match &lookup.kind {
                Kind::Global(name) => {
                    let (id, w) = *global.entry(name.as_str()).or_insert((next, width));
                    if w != width {
                        return Err(bad(i, format!("bus {name:?} mixes tuple widths {w} and {width}")));
                    }
                    next = next.max(id + 1);
                    id
                }
                Kind::Local => {
                    next += 1;
                    next - 1
                }
            };
            ids.push(id);
        }
        out.push(ids);
    }
    Ok((out, max_width, next))
}

/// The challenges the OOD check uses, as circuit variables (sampled by the transcript replay).
#[derive(Clone, Debug)]
pub struct OodChallenges<V> {
    /// The constraint-folding challenge.
    pub alpha: Ext<V>,
    /// The out-of-domain point.
    pub zeta: Ext<V>,
    /// LogUp `α` (unused when no instance has lookups).
    pub lookup_alpha: Ext<V>,
    /// LogUp `β`.
    pub lookup_beta: Ext<V>,
}

/// One instance's opened values, as in `OpenedValuesWithLookups`, plus its public values and
/// lookup terminal.
#[derive(Clone, Debug)]
pub struct OpenedInstance<V> {
    /// Main trace at `ζ`.
    pub trace_local: Vec<Ext<V>>,
    /// Main trace at `ζ·h`, when the AIR reads the next row.
    pub trace_next: Option<Vec<Ext<V>>>,
    /// Preprocessed trace at `ζ` (empty when none).
    pub preprocessed_local: Vec<Ext<V>>,
    /// Preprocessed trace at `ζ·h`, when read.
    pub preprocessed_next: Option<Vec<Ext<V>>>,
    /// Permutation trace at `ζ`, base-flattened as opened: 4 values per extension column.
    pub permutation_local: Vec<Ext<V>>,
    /// Permutation trace at `ζ·h`, flattened likewise.
    pub permutation_next: Vec<Ext<V>>,
    /// Quotient chunks at `ζ`: each 4 values, the chunk's basis coefficients.
    pub quotient_chunks: Vec<[Ext<V>; 4]>,
    /// The instance's public values.
    pub public_values: Vec<Felt<V>>,
    /// The LogUp terminal, for an instance with lookups.
    pub terminal: Option<Ext<V>>,
}

/// What [`OodVerifier::check_instance`] computed (and constrained equal): the folded constraints
/// and `Z_H(ζ)·q(ζ)`, plus `q(ζ)` and `Z_H(ζ)`.
#[derive(Clone, Debug)]
pub struct InstanceCheck<V> {
    /// `Σ α^{K−1−k}·C_k(ζ)`.
    pub folded: Ext<V>,
    /// The recombined quotient `q(ζ)`.
    pub quotient: Ext<V>,
    /// `Z_H(ζ)`.
    pub vanishing: Ext<V>,
}

/// `num / den` as a canonical witness constrained by `q·den = num`: unique when `den ≠ 0`;
/// where `den = 0` the witness is 0 and the constraint fails unless `num = 0`.
fn ext_divide<B: CircuitBuilder>(b: &mut B, alg: &Algebra<B::Var>, num: &Val<B::Var>, den: &Val<B::Var>) -> Ext<B::Var> {
    let (n, d) = (alg.to_ext(b, num), alg.to_ext(b, den));
    let hint = field::ext_value(b, &n).zip(field::ext_value(b, &d)).map(|(n, d)| {
        let q = native(d).try_inverse().map_or(ZERO, |inv| native(n) * inv);
        coeffs(q).map(|c| c.as_canonical_u32())
    });
    let q = field::ext_witness(b, hint);
    let product = field::ext_mul(b, &q, &d);
    field::ext_assert_eq(b, &product, &n);
    q
}

/// The OOD check of one batch, sharing the work common to its instances (`ζ^{2^k}`, powers of
/// `α` and `β`, the LogUp bus prefixes, selectors per trace size). Build once, then check
/// instances.
pub struct OodVerifier<'s, V> {
    shape: &'s OodShape,
    zeta: Ext<V>,
    /// `ζ^{2^k}`, reduced.
    zeta_pows: Vec<Ext<V>>,
    /// `α^r` for `r ≤ step`, reduced.
    baby: Vec<Val<V>>,
    /// `α^{step·j}`, reduced.
    giant: Vec<Val<V>>,
    step: usize,
    /// `α_LogUp + (bus+1)·β^W` per bus.
    prefixes: Vec<Val<V>>,
    algebra: Algebra<V>,
    selectors: HashMap<usize, Selectors<V>>,
}

/// `[1, x, …, x^{n−1}]`, each reduced.
fn powers<B: CircuitBuilder>(b: &mut B, alg: &Algebra<B::Var>, x: &Val<B::Var>, n: usize) -> Vec<Val<B::Var>> {
    let x = reduce(b, x);
    let mut out = vec![Val::Const(Challenge::ONE)];
    while out.len() < n {
        let (mut last, mut factor) = (out[out.len() - 1].clone(), x.clone());
        let next = alg.mul(b, &mut last, &mut factor);
        out.push(reduce(b, &next));
    }
    out
}

impl<'s, V: Clone> OodVerifier<'s, V> {
    /// Precomputes what every instance shares.
    pub fn new<B: CircuitBuilder<Var = V>>(b: &mut B, shape: &'s OodShape, ch: &OodChallenges<V>) -> Self {
        let previous = b.set_section(Section::AirEvaluation);
        let no_beta = Algebra { beta_powers: Vec::new() };
        let max_bits = shape.instances.iter().flat_map(|s| s.chunks.iter().map(|c| c.log_size).chain([s.trace.log_size])).max().unwrap_or(0);
        let mut zeta_pows = vec![field::ext_reduce(b, &ch.zeta)];
        for k in 0..max_bits {
            let square = field::ext_mul(b, &zeta_pows[k], &zeta_pows[k]);
            zeta_pows.push(field::ext_reduce(b, &square));
        }
        let max_k = shape.instances.iter().map(InstanceShape::num_constraints).max().unwrap_or(0);
        let step = (1..).find(|m: &usize| m * m >= max_k).unwrap_or(1);
        let baby = powers(b, &no_beta, &ext_val(&ch.alpha), step + 1);
        let giant = powers(b, &no_beta, &baby[step], max_k.div_ceil(step).max(1));
        let any_lookups = shape.instances.iter().any(|s| !s.lookup_buses.is_empty());
        // β^0..β^W: reduced below `m` and at multiples of `m`, other powers one product of those.
        let width = if any_lookups { shape.max_message_width } else { 0 };
        let m = (1..).find(|m: &usize| m * m > width).unwrap_or(1);
        let beta_baby = powers(b, &no_beta, &ext_val(&ch.lookup_beta), m + 1);
        let beta_giant = powers(b, &no_beta, &beta_baby[m], width / m + 1);
        let beta_powers: Vec<Val<V>> = (0..=width)
            .map(|p| match (p / m, p % m) {
                (0, r) => beta_baby[r].clone(),
                (q, 0) => beta_giant[q].clone(),
                (q, r) => no_beta.mul(b, &mut beta_giant[q].clone(), &mut beta_baby[r].clone()),
            })
            .filter(|_| any_lookups)
            .collect();
        // γ = β^W enters every bus prefix, so it is kept reduced.
        let gamma = beta_powers.last().map_or(Val::Const(ZERO), |g| reduce(b, g));
        let lookup_alpha = ext_val(&ch.lookup_alpha);
        let prefixes = (0..shape.num_buses)
            .map(|bus| {
                let scaled = no_beta.mul(b, &mut gamma.clone(), &mut Val::Const(Challenge::from(BabyBear::from_usize(bus + 1))));
                no_beta.add(b, &lookup_alpha, &scaled)
            })
            .collect();
        b.set_section(previous);
        let algebra = Algebra { beta_powers };
        Self { shape, zeta: ch.zeta.clone(), zeta_pows, baby, giant, step, prefixes, algebra, selectors: HashMap::new() }
    }

    /// `Z(ζ) = ζ^{2^log_size}·s^{−2^log_size} − 1` for a domain.
    fn vanishing<B: CircuitBuilder<Var = V>>(&self, b: &mut B, z: Vanishing) -> Val<V> {
        let pow = self.zeta_pows.get(z.log_size).map_or(Val::Const(ZERO), ext_val);
        let scaled = self.algebra.mul(b, &mut pow.clone(), &mut Val::Const(Challenge::from(z.shift_inv_pow)));
        self.algebra.sub(b, &scaled, &Val::Const(Challenge::ONE))
    }

    fn selectors<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B, s: &InstanceShape) -> Selectors<V> {
        if let Some(sel) = self.selectors.get(&s.degree_bits) {
            return sel.clone();
        }
        let alg = &self.algebra;
        let z_h = self.vanishing(b, s.trace);
        // Z_H(ζ) ≠ 0 (Plonky3's `OodPointInDomain`): some `w` has `w·Z_H(ζ) = 1`. Then ζ is not
        // 1 or h⁻¹ either, so the two selectors below are unique.
        ext_divide(b, alg, &Val::Const(Challenge::ONE), &z_h);
        let unshifted = alg.mul(b, &mut ext_val(&self.zeta), &mut Val::Const(Challenge::from(s.trace_shift_inv)));
        let minus_one = alg.sub(b, &unshifted, &Val::Const(Challenge::ONE));
        let minus_last = alg.sub(b, &unshifted, &Val::Const(Challenge::from(s.generator_inv)));
        let sel = Selectors {
            is_first_row: ext_divide(b, alg, &z_h, &minus_one),
            is_last_row: ext_divide(b, alg, &z_h, &minus_last),
            is_transition: alg.to_ext(b, &minus_last),
            vanishing: alg.to_ext(b, &z_h),
        };
        self.selectors.insert(s.degree_bits, sel.clone());
        sel
    }

    /// Constrains instance `i`'s folded constraints to equal `Z_H(ζ)·q(ζ)`.
    pub fn check_instance<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B, i: usize, opened: &OpenedInstance<V>) -> Result<InstanceCheck<V>, OodError> {
        let shape = self.shape;
        let s = shape.instances.get(i).ok_or_else(|| bad(i, format!("no such instance (the batch has {})", shape.instances.len())))?;
        check_opened(i, s, opened)?;
        let previous = b.set_section(Section::AirEvaluation);
        let result = self.check_shaped(b, i, s, opened);
        b.set_section(previous);
        result
    }

    fn check_shaped<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B, i: usize, s: &InstanceShape, opened: &OpenedInstance<V>) -> Result<InstanceCheck<V>, OodError> {
        let selectors = self.selectors(b, s);
        let beta = Val::Beta(vec![Val::Const(ZERO), Val::Const(Challenge::ONE)]);
        let challenges: Vec<Val<V>> = s
            .lookup_buses
            .iter()
            .flat_map(|&bus| [self.prefixes.get(bus).cloned().unwrap_or(Val::Const(ZERO)), beta.clone()])
            .collect();
        let permutation = [&opened.permutation_local, &opened.permutation_next].map(|flat| recompose(b, &self.algebra, flat));
        let mut env = Env {
            instance: i,
            algebra: &self.algebra,
            main: [Some(&opened.trace_local[..]), opened.trace_next.as_deref()],
            preprocessed: [Some(&opened.preprocessed_local[..]), opened.preprocessed_next.as_deref()],
            permutation,
            challenges: &challenges,
            terminal: opened.terminal.as_ref(),
            public: &opened.public_values,
            selectors: &selectors,
            memo: HashMap::new(),
        };
        let values = s
            .constraints
            .iter()
            .map(|c| match c {
                Constraint::Base(e) => env.eval(b, e),
                Constraint::Ext(e) => env.eval(b, e),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let alg = &self.algebra;
        let quotient = self.quotient(b, s, &opened.quotient_chunks);
        let expected = alg.mul(b, &mut quotient.clone(), &mut ext_val(&selectors.vanishing));
        let folded = self.fold(b, values, bound(&expected));
        let (folded, expected) = (alg.to_ext(b, &folded), alg.to_ext(b, &expected));
        field::ext_assert_eq(b, &folded, &expected);
        let quotient = alg.to_ext(b, &quotient);
        Ok(InstanceCheck { folded, quotient, vanishing: selectors.vanishing })
    }

    /// `Σ_k α^{K−1−k}·C_k`, as `Σ_j α^{step·j}·S_j`, `S_j = Σ_r α^r·C_k` with
    /// `K−1−k = step·j + r`: one product per constraint and one per group. A constraint is
    /// reduced only if `S_j` could not hold it; which `S_j` are reduced before their giant-step
    /// product is chosen (bounds are known when the circuit is built) to minimise the cost of
    /// those reductions plus that of the final comparison with a value of bound `floor`.
    fn fold<B: CircuitBuilder<Var = V>>(&self, b: &mut B, values: Vec<Val<V>>, floor: u32) -> Val<V> {
        let alg = &self.algebra;
        let k = values.len();
        let groups = k.div_ceil(self.step).max(1);
        let log = |n: usize| usize::BITS - n.max(1).leading_zeros();
        let product = 31 + EXT_MUL_GROWTH;
        let limit = MAX_BOUND - product - log(self.step);
        let mut inner: Vec<Vec<Val<V>>> = vec![Vec::new(); groups];
        for (index, c) in values.into_iter().enumerate() {
            let e = k - 1 - index;
            let mut c = alg.plain(b, &c);
            if bound(&c) > limit {
                c = reduce(b, &c);
            }
            let mut power = self.baby.get(e % self.step).cloned().unwrap_or(Val::Const(ZERO));
            let term = alg.mul(b, &mut power, &mut c);
            inner[e / self.step].push(term);
        }
        let sums: Vec<Val<V>> = inner.into_iter().map(|terms| alg.sum(b, terms)).collect();
        // Reduce the sums above `t`, for the `t` of least estimated cost: a reduction at bound
        // `x` costs about 4·(x + 8), the final comparison 4·(x − 28).
        let after = |j: usize, x: u32| if j == 0 { x } else { x + product };
        let cost = |t: u32| -> Option<u32> {
            let mut total = 0;
            let mut top = floor + 1;
            for (j, s) in sums.iter().enumerate() {
                let x = if bound(s) > t { total += 4 * (bound(s) + 8); 31 } else { bound(s) };
                if j > 0 && x + product > MAX_BOUND {
                    return None;
                }
                top = top.max(after(j, x) + log(groups));
            }
            (top < MAX_BOUND).then_some(total + 4 * (top + 1).saturating_sub(28))
        };
        let threshold = sums.iter().map(bound).chain([0]).filter_map(|t| cost(t).map(|c| (c, t))).min().map_or(0, |(_, t)| t);
        let outer: Vec<Val<V>> = sums
            .into_iter()
            .enumerate()
            .map(|(j, sum)| {
                let mut sum = if bound(&sum) > threshold { reduce(b, &sum) } else { sum };
                let mut power = self.giant.get(j).cloned().unwrap_or(Val::Const(ZERO));
                alg.mul(b, &mut power, &mut sum)
            })
            .collect();
        alg.sum(b, outer)
    }

    /// `Σ_c zp_c(ζ)·q_c(ζ)` with `q_c = Σ_d chunk_c[d]·X^d` (`from_ext_basis_coefficients`) and
    /// `zp_c = Π_{d≠c} Z_{D_d}(ζ)·norm[c][d]` (`recompose_quotient_from_chunks`).
    fn quotient<B: CircuitBuilder<Var = V>>(&self, b: &mut B, s: &InstanceShape, chunks: &[[Ext<V>; 4]]) -> Val<V> {
        let alg = &self.algebra;
        let vanishing: Vec<Val<V>> = s.chunks.iter().map(|&z| self.vanishing(b, z)).collect();
        let terms = chunks
            .iter()
            .enumerate()
            .map(|(c, chunk)| {
                let mut weight = Val::Const(Challenge::ONE);
                for (d, z) in vanishing.iter().enumerate().filter(|(d, _)| *d != c) {
                    let norm = s.chunk_norms.get(c).and_then(|n| n.get(d)).copied().unwrap_or(BabyBear::ZERO);
                    let mut factor = alg.mul(b, &mut z.clone(), &mut Val::Const(Challenge::from(norm)));
                    weight = alg.mul(b, &mut weight, &mut factor);
                }
                let mut q = recompose_one(b, alg, chunk);
                alg.mul(b, &mut weight, &mut q)
            })
            .collect();
        alg.sum(b, terms)
    }

    /// Constrains the LogUp terminals of all instances (those with lookups) to sum to zero.
    pub fn check_terminal_sum<B: CircuitBuilder<Var = V>>(&self, b: &mut B, terminals: &[Ext<V>]) {
        let previous = b.set_section(Section::AirEvaluation);
        let sum = self.algebra.sum(b, terminals.iter().map(ext_val).collect());
        let (sum, zero) = (self.algebra.to_ext(b, &sum), field::ext_constant(b, [0; 4]));
        field::ext_assert_eq(b, &sum, &zero);
        b.set_section(previous);
    }
}

/// `Σ_d v[d]·X^d`: four opened base-column values as one extension element (free).
fn recompose_one<B: CircuitBuilder>(b: &mut B, alg: &Algebra<B::Var>, v: &[Ext<B::Var>; 4]) -> Val<B::Var> {
    let terms = v
        .iter()
        .enumerate()
        .map(|(d, e)| {
            let mut basis = Val::Const(Challenge::from_basis_coefficients_fn(|k| if k == d { BabyBear::ONE } else { BabyBear::ZERO }));
            alg.mul(b, &mut ext_val(e), &mut basis)
        })
        .collect();
    alg.sum(b, terms)
}

/// The permutation trace's extension columns from its base-flattened opening.
fn recompose<B: CircuitBuilder>(b: &mut B, alg: &Algebra<B::Var>, flat: &[Ext<B::Var>]) -> Vec<Ext<B::Var>> {
    flat.chunks_exact(4)
        .map(|c| {
            let four: [Ext<B::Var>; 4] = core::array::from_fn(|d| c[d].clone());
            let v = recompose_one(b, alg, &four);
            alg.to_ext(b, &v)
        })
        .collect()
}

fn check_opened<V>(i: usize, s: &InstanceShape, o: &OpenedInstance<V>) -> Result<(), OodError> {
    let width = |what: &str, found: usize, expected: usize| {
        if found == expected { Ok(()) } else { Err(bad(i, format!("{what}: {found} values, expected {expected}"))) }
    };
    let optional = |what: &str, v: &Option<Vec<Ext<V>>>, opened: bool, expected: usize| match (v, opened) {
        (Some(v), true) => width(what, v.len(), expected),
        (None, false) => Ok(()),
        _ => Err(bad(i, format!("{what}: present exactly when the AIR reads the next row"))),
    };
    width("main trace", o.trace_local.len(), s.main_width)?;
    optional("next main row", &o.trace_next, s.opens_main_next, s.main_width)?;
    width("preprocessed trace", o.preprocessed_local.len(), s.preprocessed_width)?;
    optional("next preprocessed row", &o.preprocessed_next, s.opens_preprocessed_next && s.preprocessed_width > 0, s.preprocessed_width)?;
    let perm = if s.lookup_buses.is_empty() { 0 } else { 4 * (s.lookup_buses.len() + 1) };
    width("permutation trace", o.permutation_local.len(), perm)?;
    width("next permutation row", o.permutation_next.len(), perm)?;
    width("quotient chunks", o.quotient_chunks.len(), 1 << s.log_quotient_chunks)?;
    width("public values", o.public_values.len(), s.num_public_values)?;
    if o.terminal.is_some() == s.lookup_buses.is_empty() {
        return Err(bad(i, "a lookup terminal is present exactly when the AIR has lookups"));
    }
    Ok(())
}

/// The whole OOD check: every instance, then `Σ terminals = 0`.
pub fn verify_ood<B: CircuitBuilder>(
    b: &mut B,
    shape: &OodShape,
    ch: &OodChallenges<B::Var>,
    opened: &[OpenedInstance<B::Var>],
) -> Result<Vec<InstanceCheck<B::Var>>, OodError> {
    count("opened instances", shape.instances.len(), opened.len())?;
    let mut verifier = OodVerifier::new(b, shape, ch);
    let checks = opened.iter().enumerate().map(|(i, o)| verifier.check_instance(b, i, o)).collect::<Result<Vec<_>, _>>()?;
    let terminals: Vec<Ext<B::Var>> = opened.iter().filter_map(|o| o.terminal.clone()).collect();
    verifier.check_terminal_sum(b, &terminals);
    Ok(checks)
}
