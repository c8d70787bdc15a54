//! The proof object and the shape checks shared by prover and verifier.

use p3_air::{Air, BaseAir};
use p3_batch_stark::folder::{
    ProverConstraintFolderWithLookups, VerifierConstraintFolderWithLookups,
};
use p3_batch_stark::{BatchProof, StarkGenericConfig};
use p3_field::TwoAdicField;
use p3_lookup::InteractionSymbolicBuilder;
use p3_matrix::Matrix;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::config::{ConfigId, InnerSC, OuterSC, Val};
use crate::profile::Profile;

/// A batch STARK proof together with what it was made under.
#[derive(Serialize, Deserialize)]
pub struct StarkProof {
    /// Configuration (hash family) of the proof.
    pub config: ConfigId,
    /// Stable id of the [`Profile`] the proof was made with.
    pub profile: u8,
    /// log2 of each instance's trace height, in instance order.
    pub degree_bits: Vec<usize>,
    /// The Plonky3 proof.
    pub body: ProofBody,
}

/// The Plonky3 batch proof, typed by configuration.
#[derive(Serialize, Deserialize)]
pub enum ProofBody {
    /// A proof in the inner (BabyBear Poseidon2) configuration.
    Inner(BatchProof<InnerSC>),
    /// A proof in the outer (BN254 Poseidon2) configuration.
    Outer(BatchProof<OuterSC>),
}

impl ShapeError {
    pub(crate) fn instance(instance: usize, reason: String) -> Self {
        Self::Instance { instance, reason }
    }
}

impl ProofBody {
    /// The configuration this body belongs to.
    pub fn config(&self) -> ConfigId {
        match self {
            Self::Inner(_) => ConfigId::Inner,
            Self::Outer(_) => ConfigId::Outer,
        }
    }

    /// The degree bits recorded inside the Plonky3 proof.
    pub fn degree_bits(&self) -> &[usize] {
        match self {
            Self::Inner(p) => &p.degree_bits,
            Self::Outer(p) => &p.degree_bits,
        }
    }
}

impl StarkProof {
    /// Postcard encoding of the whole proof (what [`crate::write_file`] puts after the header).
    pub fn to_bytes(&self) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_allocvec(self)
    }

    /// Decodes [`StarkProof::to_bytes`] output; trailing bytes are an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, postcard::Error> {
        let (proof, rest) = postcard::take_from_bytes(bytes)?;
        if rest.is_empty() {
            Ok(proof)
        } else {
            Err(postcard::Error::DeserializeBadEncoding)
        }
    }
}

/// Log2 of the largest low-degree-extension domain: BabyBear's two-adicity.
pub const MAX_LOG_LDE_HEIGHT: usize = <Val as TwoAdicField>::TWO_ADICITY;

/// The instances, traces, public values or degree bits do not fit the AIRs or the profile.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ShapeError {
    /// A batch needs at least one instance.
    #[error("no instances")]
    Empty,
    /// Two lists that must be parallel have different lengths.
    #[error("{what}: expected {expected}, found {found}")]
    Count {
        /// Which list.
        what: &'static str,
        /// Its expected length (the number of AIRs or the AIR's count).
        expected: usize,
        /// Its actual length.
        found: usize,
    },
    /// One instance is malformed.
    #[error("instance {instance}: {reason}")]
    Instance {
        /// The instance index.
        instance: usize,
        /// What is wrong.
        reason: String,
    },
}

/// Everything a batch needs from its AIR type under one configuration.
///
/// In debug builds Plonky3's prover also checks constraints with `DebugConstraintBuilder`
/// (and panics on an unsatisfied one), so the bound depends on `debug_assertions`; an AIR
/// generic over `AB: InteractionBuilder` satisfies it in both builds.
#[cfg(debug_assertions)]
pub trait AirFor<SC: StarkGenericConfig>:
    Clone
    + for<'a> Air<p3_air::DebugConstraintBuilder<'a, p3_batch_stark::Val<SC>, SC::Challenge>>
    + Air<InteractionSymbolicBuilder<p3_batch_stark::Val<SC>, SC::Challenge>>
    + for<'a> Air<ProverConstraintFolderWithLookups<'a, SC>>
    + for<'a> Air<VerifierConstraintFolderWithLookups<'a, SC>>
{
}
#[cfg(debug_assertions)]
impl<SC: StarkGenericConfig, T> AirFor<SC> for T where
    T: Clone
        + for<'a> Air<p3_air::DebugConstraintBuilder<'a, p3_batch_stark::Val<SC>, SC::Challenge>>
        + Air<InteractionSymbolicBuilder<p3_batch_stark::Val<SC>, SC::Challenge>>
        + for<'a> Air<ProverConstraintFolderWithLookups<'a, SC>>
        + for<'a> Air<VerifierConstraintFolderWithLookups<'a, SC>>
{
}

/// Everything a batch needs from its AIR type under one configuration (release build).
#[cfg(not(debug_assertions))]
pub trait AirFor<SC: StarkGenericConfig>:
    Clone
    + Air<InteractionSymbolicBuilder<p3_batch_stark::Val<SC>, SC::Challenge>>
    + for<'a> Air<ProverConstraintFolderWithLookups<'a, SC>>
    + for<'a> Air<VerifierConstraintFolderWithLookups<'a, SC>>
{
}
#[cfg(not(debug_assertions))]
impl<SC: StarkGenericConfig, T> AirFor<SC> for T where
    T: Clone
        + Air<InteractionSymbolicBuilder<p3_batch_stark::Val<SC>, SC::Challenge>>
        + for<'a> Air<ProverConstraintFolderWithLookups<'a, SC>>
        + for<'a> Air<VerifierConstraintFolderWithLookups<'a, SC>>
{
}

/// The one bound callers write on their AIR type: usable in both configurations and both
/// build profiles. Implemented for every AIR generic over `AB: InteractionBuilder`.
pub trait StarkAir: BaseAir<Val> + AirFor<InnerSC> + AirFor<OuterSC> {}
impl<T> StarkAir for T where T: BaseAir<Val> + AirFor<InnerSC> + AirFor<OuterSC> {}

/// `Ok` when a list has the expected length.
pub(crate) fn count(what: &'static str, expected: usize, found: usize) -> Result<(), ShapeError> {
    if expected == found {
        Ok(())
    } else {
        Err(ShapeError::Count {
            what,
            expected,
            found,
        })
    }
}

/// Checks what prover and verifier share: counts, public-value lengths, heights within the
/// profile's range, preprocessed heights. Never panics (AIR methods aside).
pub(crate) fn check_shapes<A: BaseAir<Val>>(
    profile: &Profile,
    airs: &[A],
    degree_bits: &[usize],
    public_values: &[Vec<Val>],
) -> Result<(), ShapeError> {
    check_shapes_with(profile, airs, degree_bits, public_values, true)
}

/// [`check_shapes`], generating and checking the preprocessed traces only if `preprocessed`
/// (a setup has checked them at its fixed heights).
pub(crate) fn check_shapes_with<A: BaseAir<Val>>(
    profile: &Profile,
    airs: &[A],
    degree_bits: &[usize],
    public_values: &[Vec<Val>],
    preprocessed: bool,
) -> Result<(), ShapeError> {
    if airs.is_empty() {
        return Err(ShapeError::Empty);
    }
    count("degree bits", airs.len(), degree_bits.len())?;
    count("public value vectors", airs.len(), public_values.len())?;
    let max_log_height = MAX_LOG_LDE_HEIGHT.saturating_sub(profile.log_blowup);
    for (i, ((air, &bits), pv)) in airs.iter().zip(degree_bits).zip(public_values).enumerate() {
        let bad = |reason| ShapeError::instance(i, reason);
        if pv.len() != air.num_public_values() {
            return Err(bad(format!(
                "{} public values, the AIR takes {}",
                pv.len(),
                air.num_public_values()
            )));
        }
        if bits < profile.min_log_height() || bits > max_log_height {
            return Err(bad(format!(
                "log2 height {bits} outside {}..={max_log_height} for profile {}",
                profile.min_log_height(),
                profile.name
            )));
        }
        if air.width() == 0 {
            return Err(bad("the AIR has no main columns".into()));
        }
        if !air.public_boundary_io().is_empty() {
            return Err(bad("boundary-IO public values are unsupported".into()));
        }
        if !preprocessed {
            continue;
        }
        if let Some(prep) = air.preprocessed_trace().filter(|p| p.width() > 0) {
            if prep.height() != 1 << bits {
                return Err(bad(format!(
                    "preprocessed trace has {} rows, the instance 2^{bits}",
                    prep.height()
                )));
            }
            if prep.width() != air.preprocessed_width() {
                return Err(bad(format!(
                    "preprocessed trace has {} columns, preprocessed_width() says {}",
                    prep.width(),
                    air.preprocessed_width()
                )));
            }
        }
    }
    Ok(())
}
