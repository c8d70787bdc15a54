//! `setup`, `prove_with` and `verify_with`: one setup serves several proofs, and proofs or
//! AIRs that do not fit the setup are typed errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::borrow::Cow;

use cairn_stark::{
    preprocessed_commitment, prove_with, setup, verify, verify_with, ConfigId, Profile,
    ProofBody, ProveError, SetupMismatch, ShapeError, StarkProof, StarkSetup, Val, VerifyError,
};
use common::{witness, TestAir, AIRS};
use p3_air::{Air, BaseAir};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

const LOG_USER: usize = 6;
const BITS: [usize; 3] = [LOG_USER, 8, 8];
const TEST: &Profile = &Profile::TEST;

fn test_setup(config: ConfigId) -> StarkSetup {
    setup(config, TEST, &AIRS, &BITS).unwrap()
}

fn prove_at(s: &StarkSetup, log_user: usize) -> (StarkProof, Vec<Vec<Val>>) {
    let w = witness(log_user, 5);
    let proof = prove_with(s, &AIRS, w.traces, &w.public_values).unwrap();
    (proof, w.public_values)
}

fn set_bits(proof: &mut StarkProof, instance: usize, bits: usize) {
    proof.degree_bits[instance] = bits;
    match &mut proof.body {
        ProofBody::Inner(b) => b.degree_bits[instance] = bits,
        ProofBody::Outer(b) => b.degree_bits[instance] = bits,
    }
}

#[test]
fn one_setup_serves_proofs_of_several_heights() {
    for config in ConfigId::ALL {
        let s = test_setup(config);
        assert_eq!(
            s.commitment(),
            preprocessed_commitment(config, TEST, &AIRS, &BITS).unwrap()
        );
        assert_eq!(s.fixed_degree_bits(), &[None, None, Some(8)]);
        let verifier = test_setup(config).verifier_only();
        assert!(s.can_prove() && !verifier.can_prove());
        // The user table is not fixed: other heights reuse the setup.
        for log_user in [LOG_USER, LOG_USER + 2, 3] {
            let (proof, pvs) = prove_at(&s, log_user);
            verify_with(&verifier, &proof, &AIRS, &pvs, (config, TEST)).unwrap();
            verify_with(&s, &proof, &AIRS, &pvs, (config, TEST)).unwrap();
            verify(&proof, &AIRS, &pvs, (config, TEST)).unwrap();
        }
    }
}

#[test]
fn verify_with_rejects_altered_preprocessed_degree_bits() {
    for config in ConfigId::ALL {
        let s = test_setup(config);
        let (honest, pvs) = prove_at(&s, LOG_USER);
        let bytes = honest.to_bytes().unwrap();
        for bits in [7, 9] {
            let mut p = StarkProof::from_bytes(&bytes).unwrap();
            set_bits(&mut p, 2, bits);
            let r = verify_with(&s, &p, &AIRS, &pvs, (config, TEST));
            assert!(
                matches!(
                    r,
                    Err(VerifyError::SetupMismatch(SetupMismatch::FixedHeight {
                        instance: 2,
                        expected: 8,
                        found
                    })) if found == bits
                ),
                "{r:?}"
            );
            // The rebuilding verifier rejects it as well.
            assert!(verify(&p, &AIRS, &pvs, (config, TEST)).is_err());
        }
        // A non-fixed height change gets past the setup but not the STARK verifier.
        let mut p = StarkProof::from_bytes(&bytes).unwrap();
        set_bits(&mut p, 0, LOG_USER + 1);
        let r = verify_with(&s, &p, &AIRS, &pvs, (config, TEST));
        assert!(matches!(r, Err(VerifyError::Stark(_))), "{r:?}");
    }
}

#[test]
fn inputs_that_do_not_fit_the_setup_are_typed_errors() {
    let s = test_setup(ConfigId::Inner);
    let (proof, pvs) = prove_at(&s, LOG_USER);
    let inner = (ConfigId::Inner, TEST);
    let mismatch = |r: Result<(), VerifyError>| match r {
        Err(VerifyError::SetupMismatch(m)) => m,
        other => panic!("{other:?}"),
    };
    // A setup for another configuration or profile.
    let outer = test_setup(ConfigId::Outer);
    let r = verify_with(&outer, &proof, &AIRS, &pvs, inner);
    assert!(matches!(mismatch(r), SetupMismatch::Parameters { .. }));
    let prod = setup(ConfigId::Inner, &Profile::PRODUCTION, &AIRS, &[10, 8, 8]).unwrap();
    let r = verify_with(&prod, &proof, &AIRS, &pvs, inner);
    assert!(matches!(mismatch(r), SetupMismatch::Parameters { .. }));
    // The expected parameters are still checked against the proof first.
    let r = verify_with(&outer, &proof, &AIRS, &pvs, (ConfigId::Outer, TEST));
    assert!(matches!(r, Err(VerifyError::WrongConfig { .. })), "{r:?}");
    // Other AIRs.
    let r = verify_with(&s, &proof, &AIRS[..2], &pvs[..2], inner);
    assert_eq!(
        mismatch(r),
        SetupMismatch::AirCount {
            expected: 3,
            found: 2
        }
    );
    let swapped = [TestAir::User, TestAir::RangeTable, TestAir::SquareTable];
    let r = verify_with(&s, &proof, &swapped, &pvs, inner);
    assert!(matches!(
        mismatch(r),
        SetupMismatch::PreprocessedWidth { instance: 1, .. }
    ));
    // The shape checks still run.
    let mut long = pvs.clone();
    long[0].push(Val::ONE);
    let r = verify_with(&s, &proof, &AIRS, &long, inner);
    assert!(matches!(r, Err(VerifyError::Shape(_))), "{r:?}");
    let mut short = StarkProof::from_bytes(&proof.to_bytes().unwrap()).unwrap();
    set_bits(&mut short, 0, 40);
    let r = verify_with(&s, &short, &AIRS, &pvs, inner);
    assert!(
        matches!(r, Err(VerifyError::Shape(ShapeError::Instance { .. }))),
        "{r:?}"
    );
    // Proving: a fixed table at another height, or a verifier-only setup.
    let w = witness(LOG_USER, 5);
    let mut small = w.traces.clone();
    small[2].values.truncate(128);
    let r = prove_with(&s, &AIRS, small, &w.public_values);
    assert!(
        matches!(
            r,
            Err(ProveError::SetupMismatch(SetupMismatch::FixedHeight {
                instance: 2,
                expected: 8,
                found: 7
            }))
        ),
        "{:?}",
        r.err()
    );
    let verifier = test_setup(ConfigId::Inner).verifier_only();
    let r = prove_with(&verifier, &AIRS, w.traces, &w.public_values);
    assert!(matches!(
        r,
        Err(ProveError::SetupMismatch(SetupMismatch::VerifierOnly))
    ));
}

/// [`TestAir`] with a periodic column on the user table (unused by its constraints) and a
/// range table shifted by `shift`.
#[derive(Clone, Copy, Debug)]
struct Periodic {
    air: TestAir,
    shift: u64,
}

impl<F: Field> BaseAir<F> for Periodic {
    fn width(&self) -> usize {
        BaseAir::<F>::width(&self.air)
    }
    fn num_public_values(&self) -> usize {
        BaseAir::<F>::num_public_values(&self.air)
    }
    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        let mut t = BaseAir::<F>::preprocessed_trace(&self.air)?;
        t.values.iter_mut().for_each(|v| *v += F::from_u64(self.shift));
        Some(t)
    }
    fn preprocessed_width(&self) -> usize {
        BaseAir::<F>::preprocessed_width(&self.air)
    }
    fn main_next_row_columns(&self) -> Vec<usize> {
        BaseAir::<F>::main_next_row_columns(&self.air)
    }
    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        BaseAir::<F>::preprocessed_next_row_columns(&self.air)
    }
    fn num_periodic_columns(&self) -> usize {
        usize::from(matches!(self.air, TestAir::User))
    }
    fn periodic_columns(&self) -> Cow<'_, [Vec<F>]> {
        match self.air {
            TestAir::User => Cow::Owned(vec![vec![F::ZERO, F::ONE]]),
            _ => Cow::Borrowed(&[]),
        }
    }
}

impl<AB: InteractionBuilder> Air<AB> for Periodic
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        self.air.eval(builder);
    }
}

fn periodic_airs(shift: u64) -> [Periodic; 3] {
    AIRS.map(|air| Periodic { air, shift })
}

#[test]
fn height_dependent_lookups_are_rebuilt_and_checked() {
    let airs = periodic_airs(0);
    for config in ConfigId::ALL {
        let s = setup(config, TEST, &airs, &BITS).unwrap();
        // The user table has periodic columns: at another height its data is rebuilt.
        for log_user in [LOG_USER, LOG_USER + 1] {
            let w = witness(log_user, 5);
            let proof = prove_with(&s, &airs, w.traces, &w.public_values).unwrap();
            verify_with(&s, &proof, &airs, &w.public_values, (config, TEST)).unwrap();
            verify(&proof, &airs, &w.public_values, (config, TEST)).unwrap();
        }
        // Rebuilt data must commit to the setup's preprocessed traces.
        let other = setup(config, TEST, &periodic_airs(1), &BITS).unwrap();
        let w = witness(LOG_USER + 1, 5);
        let r = prove_with(&other, &airs, w.traces, &w.public_values);
        assert!(
            matches!(r, Err(ProveError::SetupMismatch(SetupMismatch::Commitment))),
            "{:?}",
            r.err()
        );
    }
}
