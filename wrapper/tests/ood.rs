//! The OOD gadget on a real outer-configuration proof of the fibonacci guest (test profile).
//!
//! The challenges come from Plonky3's own `BatchVerifierTranscript`, driven exactly as
//! `verify_batch` drives it up to ζ. The gadget must accept the honest openings in the native and
//! R1CS backends, compute the same folded constraints and recombined quotient as Plonky3's
//! `VerifierConstraintFolderWithLookups` and `recompose_quotient_from_chunks`, and reject
//! tampered openings. Run with `--nocapture` for the constraint counts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::sync::OnceLock;
use std::time::Instant;

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSystem, SynthesisMode};
use cairn_machine::machine::CPU_INSTANCE;
use cairn_machine::{CairnAir, Claim, Machine, CHIP_NAMES};
use cairn_sdk::Profile;
use cairn_stark::config::{outer_config, OuterSC};
use cairn_stark::{ProofBody, ShapeError, Val};
use cairn_wrapper::field::{self, Ext};
use cairn_wrapper::ood::{mul_ext, Challenge, InstanceCheck, OodChallenges, OodError, OodShape, OodVerifier, OpenedInstance};
use cairn_wrapper::{CircuitBuilder, NativeBuilder, R1csBuilder, Section};
use p3_air::{BaseAir, RowWindow};
use p3_batch_stark::folder::VerifierConstraintFolderWithLookups;
use p3_batch_stark::{verify_batch, BatchProof, BatchShape, BatchVerifierTranscript, ProverData, StarkGenericConfig};
use p3_commit::PolynomialSpace;
use p3_field::coset::TwoAdicMultiplicativeCoset;
use p3_field::{BasedVectorSpace, ExtensionField, PrimeCharacteristicRing, PrimeField32};
use p3_lookup::{LogUpGadget, LookupProtocol, Lookups};
use p3_matrix::dense::RowMajorMatrixView;
use p3_matrix::stack::VerticalPair;
use p3_uni_stark::{recompose_quotient_from_chunks, VerifierConstraintFolder};

/// A real proof with what the OOD check needs, and the challenges Plonky3's transcript draws.
struct Fixture {
    airs: Vec<CairnAir>,
    proof: BatchProof<OuterSC>,
    public_values: Vec<Vec<Val>>,
    lookups: Vec<Lookups<Val>>,
    shape: OodShape,
    alpha: Challenge,
    zeta: Challenge,
    lookup_alpha: Challenge,
    lookup_beta: Challenge,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let start = Instant::now();
        let (pk, vk, proof) = common::fibonacci_outer_proof(Profile::TEST, 10);
        let claim = Claim { start_pc: vk.program.entry, exit_code: 0, digest: proof.public_values_digest() };
        let public_values: Vec<Vec<Val>> = Machine::public_values(&claim);
        let airs = pk.machine.airs().to_vec();
        let ProofBody::Outer(proof) = proof.stark.body else { panic!("not an outer proof") };
        let config = outer_config(&Profile::TEST).unwrap();
        let common = ProverData::<OuterSC>::from_airs_and_degrees(&config, &airs, &proof.degree_bits).unwrap().common;
        verify_batch(&config, &airs, &proof, &public_values, &common).unwrap();
        println!("proved and verified in {:.1?}", start.elapsed());

        // The transcript up to ζ, exactly as `verify_batch` replays it.
        let shape = BatchShape {
            trace_widths: airs.iter().map(BaseAir::<Val>::width).collect(),
            public_value_counts: airs.iter().map(BaseAir::<Val>::num_public_values).collect(),
            preprocessed_widths: (0..airs.len())
                .map(|i| common.preprocessed.as_ref().and_then(|g| g.instances[i].as_ref().map(|m| m.width)).unwrap_or(0))
                .collect(),
            has_preprocessed_commitment: common.preprocessed.is_some(),
            num_lookup_instances: common.lookups.iter().filter(|l| !l.is_empty()).count(),
            lookup_pow_bits: config.lookup_proof_of_work_bits(),
            has_randomization_commitment: false,
            ood_pow_bits: config.ood_proof_of_work_bits(),
        };
        let mut challenger = config.initialise_challenger();
        let mut transcript = BatchVerifierTranscript::<_, Val, Challenge, _>::new(&mut challenger, shape);
        transcript.instance_bindings(&proof.degree_bits);
        transcript.main_phase(proof.commitments.main.clone(), &public_values);
        transcript.preprocessed_phase(common.preprocessed.as_ref().map(|g| g.commitment.clone()));
        let laid_out = transcript.lookup_phase(&common.lookups, &LogUpGadget::new(), proof.lookup_pow_witness).unwrap();
        let terminals: Vec<Challenge> = proof.lookup_terminals.iter().flatten().map(|t| t.0).collect();
        let alpha = transcript.permutation_phase(proof.commitments.permutation.clone(), &terminals);
        transcript.quotient_phase(proof.commitments.quotient_chunks.clone(), proof.commitments.random.clone());
        let zeta = transcript.ood_phase(proof.ood_pow_witness).unwrap();
        transcript.abort();

        let start = Instant::now();
        let shape = OodShape::new(&airs, &common.lookups, &proof.degree_bits).unwrap();
        println!("OOD shape from Plonky3's symbolic constraints in {:.1?}", start.elapsed());

        // Plonky3 lays out `[α + (bus+1)·β^W, β]` per lookup; recover α and β, then check the
        // gadget's bus assignment reproduces every laid-out challenge.
        let (i, c) = shape
            .instances
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.lookup_buses.iter().position(|&bus| bus == 0).map(|c| (i, c)))
            .unwrap();
        let lookup_beta = laid_out[i][2 * c + 1];
        let gamma = lookup_beta.exp_u64(shape.max_message_width as u64);
        let lookup_alpha = laid_out[i][2 * c] - gamma;
        for (s, laid) in shape.instances.iter().zip(&laid_out) {
            let expected: Vec<Challenge> =
                s.lookup_buses.iter().flat_map(|&bus| [lookup_alpha + gamma * Val::from_usize(bus + 1), lookup_beta]).collect();
            assert_eq!(&expected, laid);
        }
        Fixture { airs, proof, public_values, lookups: common.lookups, shape, alpha, zeta, lookup_alpha, lookup_beta }
    })
}

fn ext_of(x: Challenge) -> [u32; 4] {
    let c: &[Val] = x.as_basis_coefficients_slice();
    [0, 1, 2, 3].map(|i| c[i].as_canonical_u32())
}

fn challenge(x: [u32; 4]) -> Challenge {
    Challenge::from_basis_coefficients_fn(|i| Val::new(x[i]))
}

/// One opened value changed by 1.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tamper {
    None,
    CpuMainLocal,
    QuotientChunk(usize),
    PermutationLocal(usize),
    Terminal(usize),
    CpuPublicValue,
    Zeta,
}

fn witness<B: CircuitBuilder>(b: &mut B, x: Challenge, bump: bool) -> Ext<B::Var> {
    let x = if bump { x + Challenge::ONE } else { x };
    field::ext_witness(b, Some(ext_of(x)))
}

fn witnesses<B: CircuitBuilder>(b: &mut B, xs: &[Challenge], bump_first: bool) -> Vec<Ext<B::Var>> {
    xs.iter().enumerate().map(|(k, &x)| witness(b, x, bump_first && k == 0)).collect()
}

fn opened<B: CircuitBuilder>(b: &mut B, fx: &Fixture, i: usize, tamper: Tamper) -> OpenedInstance<B::Var> {
    let o = &fx.proof.opened_values.instances[i];
    let base = &o.base_opened_values;
    OpenedInstance {
        trace_local: witnesses(b, &base.trace_local, tamper == Tamper::CpuMainLocal && i == CPU_INSTANCE),
        trace_next: base.trace_next.as_ref().map(|v| witnesses(b, v, false)),
        preprocessed_local: witnesses(b, base.preprocessed_local().unwrap_or(&[]), false),
        preprocessed_next: base.preprocessed_next().map(|v| witnesses(b, v, false)),
        permutation_local: witnesses(b, &o.permutation_local, tamper == Tamper::PermutationLocal(i)),
        permutation_next: witnesses(b, &o.permutation_next, false),
        quotient_chunks: base
            .quotient_chunks
            .iter()
            .enumerate()
            .map(|(c, chunk)| core::array::from_fn(|d| witness(b, chunk[d], tamper == Tamper::QuotientChunk(i) && c == 0 && d == 0)))
            .collect(),
        public_values: fx.public_values[i]
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let bump = tamper == Tamper::CpuPublicValue && i == CPU_INSTANCE && k == 0;
                field::witness(b, Some((*v + if bump { Val::ONE } else { Val::ZERO }).as_canonical_u32()))
            })
            .collect(),
        terminal: fx.proof.lookup_terminals[i].as_ref().map(|t| witness(b, t.0, tamper == Tamper::Terminal(i))),
    }
}

/// Runs the whole OOD check; returns each instance's check and its constraint-count delta
/// (`count` reads the backend's running total).
fn run<B: CircuitBuilder>(b: &mut B, fx: &Fixture, tamper: Tamper, count: impl Fn(&B) -> usize) -> (Vec<InstanceCheck<B::Var>>, Vec<usize>, usize) {
    let challenges = OodChallenges {
        alpha: witness(b, fx.alpha, false),
        zeta: witness(b, fx.zeta, tamper == Tamper::Zeta),
        lookup_alpha: witness(b, fx.lookup_alpha, false),
        lookup_beta: witness(b, fx.lookup_beta, false),
    };
    let before = count(b);
    let mut verifier = OodVerifier::new(b, &fx.shape, &challenges);
    let shared = count(b) - before;
    let mut checks = Vec::new();
    let mut costs = Vec::new();
    let mut terminals = Vec::new();
    for i in 0..fx.airs.len() {
        let o = opened(b, fx, i, tamper);
        terminals.extend(o.terminal.clone());
        let before = count(b);
        checks.push(verifier.check_instance(b, i, &o).unwrap());
        costs.push(count(b) - before);
    }
    let before = count(b);
    verifier.check_terminal_sum(b, &terminals);
    (checks, costs, shared + count(b) - before)
}

/// Plonky3's folded constraints and recombined quotient for instance `i`, computed natively with
/// its verifier folder, exactly as `VerifierData::verify_constraints_with_lookups` does.
fn plonky3_ood(fx: &Fixture, i: usize) -> (Challenge, Challenge, Challenge) {
    let o = &fx.proof.opened_values.instances[i];
    let base = &o.base_opened_values;
    let s = &fx.shape.instances[i];
    let trace = TwoAdicMultiplicativeCoset::new(Val::ONE, s.degree_bits).unwrap();
    let sels = trace.selectors_at_point(fx.zeta);
    let chunks = trace.create_disjoint_domain(1 << (s.degree_bits + s.log_quotient_chunks)).split_domains(1 << s.log_quotient_chunks);
    let quotient = recompose_quotient_from_chunks::<OuterSC>(&chunks, &base.quotient_chunks, fx.zeta);
    let zeros = vec![Challenge::ZERO; base.trace_local.len()];
    let next = base.trace_next.as_deref().unwrap_or(&zeros);
    let pre_local = base.preprocessed_local().unwrap_or(&[]);
    let pre_zeros = vec![Challenge::ZERO; pre_local.len()];
    let pre_next = base.preprocessed_next().unwrap_or(&pre_zeros);
    let recompose = |flat: &[Challenge]| -> Vec<Challenge> {
        flat.chunks_exact(4).map(|c| <Challenge as ExtensionField<Val>>::from_ext_basis_coefficients(c).unwrap()).collect()
    };
    let (perm_local, perm_next) = (recompose(&o.permutation_local), recompose(&o.permutation_next));
    let challenges: Vec<Challenge> = s
        .lookup_buses
        .iter()
        .flat_map(|&bus| [fx.lookup_alpha + fx.lookup_beta.exp_u64(fx.shape.max_message_width as u64) * Val::from_usize(bus + 1), fx.lookup_beta])
        .collect();
    let terminal: Vec<Challenge> = fx.proof.lookup_terminals[i].iter().map(|t| t.0).collect();
    let mut folder = VerifierConstraintFolderWithLookups::<OuterSC> {
        inner: VerifierConstraintFolder {
            main: VerticalPair::new(RowMajorMatrixView::new_row(&base.trace_local), RowMajorMatrixView::new_row(next)),
            preprocessed: VerticalPair::new(RowMajorMatrixView::new_row(pre_local), RowMajorMatrixView::new_row(pre_next)),
            preprocessed_window: RowWindow::from_two_rows(pre_local, pre_next),
            periodic_values: &[],
            public_values: &fx.public_values[i],
            is_first_row: sels.is_first_row,
            is_last_row: sels.is_last_row,
            is_transition: sels.is_transition,
            alpha: fx.alpha,
            accumulator: Challenge::ZERO,
        },
        permutation: VerticalPair::new(RowMajorMatrixView::new_row(&perm_local), RowMajorMatrixView::new_row(&perm_next)),
        permutation_challenges: &challenges,
        permutation_values: &terminal,
    };
    LogUpGadget::new().eval_air_and_lookups(&fx.airs[i], &mut folder, &fx.lookups[i]);
    (folder.inner.accumulator, quotient, trace.vanishing_poly_at_point(fx.zeta))
}

fn value(b: &NativeBuilder, x: &Ext<Fr>) -> Challenge {
    challenge(field::ext_value(b, x).unwrap())
}

#[test]
fn honest_openings_pass_natively_and_match_plonky3() {
    let fx = fixture();
    let mut b = NativeBuilder::new();
    let (checks, _, _) = run(&mut b, fx, Tamper::None, |_| 0);
    b.finish().unwrap();
    for (i, check) in checks.iter().enumerate() {
        let (folded, quotient, vanishing) = plonky3_ood(fx, i);
        assert_eq!(value(&b, &check.folded), folded, "{}: folded constraints", CHIP_NAMES[i]);
        assert_eq!(value(&b, &check.quotient), quotient, "{}: quotient", CHIP_NAMES[i]);
        assert_eq!(value(&b, &check.vanishing), vanishing, "{}: Z_H(ζ)", CHIP_NAMES[i]);
        assert_eq!(folded, quotient * vanishing, "{}: Plonky3's own check", CHIP_NAMES[i]);
    }
    assert!(b.assertion_counts().contains_key(&Section::AirEvaluation));
}

#[test]
fn honest_openings_satisfy_r1cs() {
    let fx = fixture();
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut b = R1csBuilder::new(cs.clone());
    let start = Instant::now();
    let (_, costs, shared) = run(&mut b, fx, Tamper::None, |_| cs.num_constraints());
    let sections = b.finish().unwrap();
    let built = start.elapsed();
    assert!(cs.is_satisfied().unwrap());
    println!("R1CS built in {built:.1?}; OOD sections {sections:?}");
    println!("{:<14} {:>6} {:>6} {:>4} {:>10} {:>9}", "instance", "log n", "K", "q", "R1CS", "per C");
    for (i, (s, cost)) in fx.shape.instances.iter().zip(&costs).enumerate() {
        let per = *cost as f64 / s.num_constraints().max(1) as f64;
        println!(
            "{:<14} {:>6} {:>6} {:>4} {:>10} {:>9.1}",
            CHIP_NAMES[i],
            s.degree_bits,
            s.num_constraints(),
            1 << s.log_quotient_chunks,
            cost,
            per
        );
    }
    let total: usize = costs.iter().sum::<usize>() + shared;

    // The circuit's structure does not depend on the values: key generation (no assignments)
    // and a tampered witness give the same constraints.
    for (mode, tamper) in [(Some(SynthesisMode::Setup), Tamper::None), (None, Tamper::Zeta)] {
        let other = ConstraintSystem::<Fr>::new_ref();
        if let Some(mode) = mode {
            other.set_mode(mode);
        }
        let mut b = R1csBuilder::new(other.clone());
        let (_, other_costs, other_shared) = run(&mut b, fx, tamper, |_| other.num_constraints());
        b.finish().unwrap();
        assert_eq!((other_costs, other_shared), (costs.clone(), shared), "{mode:?}");
    }
    println!(
        "shared (ζ powers, α powers, bus prefixes, terminal sum): {shared}; total {total} R1CS constraints for {} AIR constraints ({:.1} per constraint); inputs not counted",
        fx.shape.num_constraints(),
        total as f64 / fx.shape.num_constraints() as f64
    );
}

#[test]
fn tampered_openings_are_rejected() {
    let fx = fixture();
    let lookup_instance = fx.shape.instances.iter().position(|s| !s.lookup_buses.is_empty()).unwrap();
    for tamper in [
        Tamper::CpuMainLocal,
        Tamper::QuotientChunk(CPU_INSTANCE),
        Tamper::QuotientChunk(0),
        Tamper::PermutationLocal(lookup_instance),
        Tamper::Terminal(lookup_instance),
        Tamper::CpuPublicValue,
        Tamper::Zeta,
    ] {
        let mut native = NativeBuilder::new();
        run(&mut native, fx, tamper, |_| 0);
        let failure = native.finish().expect_err("tampered openings must fail natively");
        assert_eq!(failure.section, Section::AirEvaluation, "{tamper:?}");

        let cs = ConstraintSystem::<Fr>::new_ref();
        let mut r1cs = R1csBuilder::new(cs.clone());
        run(&mut r1cs, fx, tamper, |_| 0);
        r1cs.finish().unwrap();
        assert!(!cs.is_satisfied().unwrap(), "{tamper:?}: R1CS must be unsatisfied");
    }
}

#[test]
fn misshapen_openings_are_errors_not_panics() {
    let fx = fixture();
    let mut b = NativeBuilder::new();
    let zero = [0u32; 4];
    let challenges = OodChallenges {
        alpha: field::ext_witness(&mut b, Some(zero)),
        zeta: field::ext_witness(&mut b, Some(zero)),
        lookup_alpha: field::ext_witness(&mut b, Some(zero)),
        lookup_beta: field::ext_witness(&mut b, Some(zero)),
    };
    let mut verifier = OodVerifier::new(&mut b, &fx.shape, &challenges);
    let honest = opened(&mut b, fx, CPU_INSTANCE, Tamper::None);
    let mut short = honest.clone();
    short.trace_local.pop();
    let mut no_terminal = honest.clone();
    no_terminal.terminal = None;
    let mut chunks = honest.clone();
    chunks.quotient_chunks.push(chunks.quotient_chunks[0].clone());
    for bad in [short, no_terminal, chunks] {
        let err = verifier.check_instance(&mut b, CPU_INSTANCE, &bad).err();
        assert!(matches!(err, Some(OodError::Shape(ShapeError::Instance { instance: CPU_INSTANCE, .. }))), "{err:?}");
    }
    let err = verifier.check_instance(&mut b, 99, &honest).err();
    assert!(matches!(err, Some(OodError::Shape(ShapeError::Instance { instance: 99, .. }))), "{err:?}");
}

fn lazy_ext<B: CircuitBuilder>(b: &mut B, x: [u32; 4], squarings: usize) -> (Ext<B::Var>, Challenge) {
    let mut v = field::ext_witness(b, Some(x));
    let mut native = challenge(x);
    for _ in 0..squarings {
        v = field::ext_add(b, &v, &v.clone());
        native += native;
    }
    (v, native)
}

proptest::proptest! {
    /// `mul_ext` (7 multiplications) agrees with Plonky3 for reduced and lazily grown operands,
    /// up to the largest bounds it accepts without reducing.
    #[test]
    fn mul_ext_matches_plonky3(
        x in proptest::array::uniform4(0..cairn_wrapper::field::P as u32),
        y in proptest::array::uniform4(0..cairn_wrapper::field::P as u32),
        gx in 0usize..90,
        gy in 0usize..90,
    ) {
        let mut b = NativeBuilder::new();
        let (xv, xn) = lazy_ext(&mut b, x, gx);
        let (yv, yn) = lazy_ext(&mut b, y, gy);
        let product = mul_ext(&mut b, &xv, &yv);
        b.finish().unwrap();
        proptest::prop_assert_eq!(value(&b, &product), xn * yn);

        let cs = ConstraintSystem::<Fr>::new_ref();
        let mut r = R1csBuilder::new(cs.clone());
        let (xv, _) = lazy_ext(&mut r, x, gx);
        let (yv, _) = lazy_ext(&mut r, y, gy);
        let before = cs.num_constraints();
        let product = mul_ext(&mut r, &xv, &yv);
        if gx + gy + 31 + 31 + 6 <= cairn_wrapper::field::MAX_BOUND as usize {
            proptest::prop_assert_eq!(cs.num_constraints() - before, 7);
        }
        let expected = field::ext_witness(&mut r, Some(ext_of(xn * yn)));
        field::ext_assert_eq(&mut r, &product, &expected);
        r.finish().unwrap();
        proptest::prop_assert!(cs.is_satisfied().unwrap());
    }
}
