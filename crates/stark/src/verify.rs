//! Verifying a batch proof, with preprocessed data rebuilt or from a [`StarkSetup`].

use std::fmt::Debug;

use p3_batch_stark::{verify_batch, BatchProof};
use p3_uni_stark::PcsProverError;
use thiserror::Error;
use tracing::info_span;

use crate::config::{ConfigError, ConfigId, Val};
use crate::profile::Profile;
use crate::proof::{
    check_shapes, check_shapes_with, AirFor, ProofBody, ShapeError, StarkAir, StarkProof,
};
use crate::prove::ProveError;
use crate::setup::{setup, Prepared, SetupConfig, SetupData, SetupMismatch, StarkSetup};

/// Why a proof was rejected.
///
/// Every variant that wraps another error prints it in its message and does not return it
/// from `source()`, so reporters that walk the chain (anyhow's `{:#}`) print each cause once.
#[derive(Debug, Error)]
pub enum VerifyError {
    /// The proof was made in another configuration than the verifier expects.
    #[error("proof is for the {found} configuration, expected {expected}")]
    WrongConfig {
        /// The configuration the verifier expects.
        expected: ConfigId,
        /// The configuration the proof claims.
        found: ConfigId,
    },
    /// The proof was made with another profile than the verifier expects.
    #[error("proof uses security profile {found}, expected {expected}")]
    WrongProfile {
        /// Name of the profile the verifier expects.
        expected: &'static str,
        /// Name (or id) of the profile the proof claims.
        found: String,
    },
    /// Instance counts, public values or degree bits do not fit the AIRs or the profile.
    #[error("proof shape: {0}")]
    Shape(ShapeError),
    /// The proof's envelope is inconsistent with its body.
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// The configuration could not be built.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Rebuilding the preprocessed commitment and lookups from the AIRs failed.
    #[error("verifier setup: {0}")]
    Setup(String),
    /// The AIRs, the proof's heights or the expected parameters do not fit the setup.
    #[error("setup mismatch: {0}")]
    SetupMismatch(SetupMismatch),
    /// Plonky3's verifier rejected the proof (`BatchVerificationError` as Debug).
    #[error("STARK verification failed: {0}")]
    Stark(String),
}

impl From<ShapeError> for VerifyError {
    fn from(e: ShapeError) -> Self {
        Self::Shape(e)
    }
}

impl From<SetupMismatch> for VerifyError {
    fn from(e: SetupMismatch) -> Self {
        Self::SetupMismatch(e)
    }
}

impl From<ProveError> for VerifyError {
    fn from(e: ProveError) -> Self {
        match e {
            ProveError::Shape(e) => Self::Shape(e),
            ProveError::Config(e) => Self::Config(e),
            ProveError::SetupMismatch(e) => Self::SetupMismatch(e),
            ProveError::Stark(e) => Self::Setup(e),
        }
    }
}

/// Verifies `proof` for `airs` and `public_values`, requiring it to be made under
/// `expected = (configuration, profile)`.
///
/// The verifier's data (preprocessed commitment, lookup layout) is rebuilt from the AIRs and
/// the proof's degree bits after those have been range-checked, so a malformed proof yields
/// an error, not a panic. Use [`setup`] and [`verify_with`] to build it once.
pub fn verify<A: StarkAir>(
    proof: &StarkProof,
    airs: &[A],
    public_values: &[Vec<Val>],
    expected: (ConfigId, &Profile),
) -> Result<(), VerifyError> {
    check_envelope(proof, expected)?;
    check_shapes(expected.1, airs, &proof.degree_bits, public_values)?;
    let setup = setup(expected.0, expected.1, airs, &proof.degree_bits)?.verifier_only();
    verify_with(&setup, proof, airs, public_values, expected)
}

/// As [`verify`], with the preprocessed commitment and lookup layout of `setup` (built from
/// the same `airs` under `expected`).
///
/// A proof whose heights for instances with preprocessed columns differ from the setup's is
/// rejected with [`SetupMismatch::FixedHeight`]. The setup's own checks replace the per-call
/// checks of preprocessed trace heights and widths.
pub fn verify_with<A: StarkAir>(
    setup: &StarkSetup,
    proof: &StarkProof,
    airs: &[A],
    public_values: &[Vec<Val>],
    expected: (ConfigId, &Profile),
) -> Result<(), VerifyError> {
    let (config, profile) = expected;
    check_envelope(proof, expected)?;
    setup.check_parameters(config, profile)?;
    let stale = setup.check_instances(airs, &proof.degree_bits)?;
    // A stale layout is rebuilt, which needs the AIRs' preprocessed traces checked.
    check_shapes_with(profile, airs, &proof.degree_bits, public_values, stale)?;
    let rebuild_at = stale.then_some(proof.degree_bits.as_slice());
    let commitment = setup.commitment();
    let _span = info_span!("verify", config = config.name(), profile = profile.name).entered();
    match (&proof.body, &setup.data) {
        (ProofBody::Inner(p), SetupData::Inner(s)) => {
            verify_sc(s, rebuild_at, commitment, airs, p, public_values)
        }
        (ProofBody::Outer(p), SetupData::Outer(s)) => {
            verify_sc(s, rebuild_at, commitment, airs, p, public_values)
        }
        // Unreachable after the envelope and parameter checks.
        (body, _) => Err(VerifyError::Malformed(format!(
            "{} proof body for a {} setup",
            body.config(),
            setup.config()
        ))),
    }
}

/// The proof's configuration and profile are the expected ones and its envelope matches its
/// body.
fn check_envelope(proof: &StarkProof, expected: (ConfigId, &Profile)) -> Result<(), VerifyError> {
    let (config, profile) = expected;
    if proof.config != config {
        return Err(VerifyError::WrongConfig {
            expected: config,
            found: proof.config,
        });
    }
    if proof.profile != profile.id {
        return Err(VerifyError::WrongProfile {
            expected: profile.name,
            found: Profile::by_id(proof.profile)
                .map_or_else(|_| format!("id {}", proof.profile), |p| p.name.to_string()),
        });
    }
    if proof.body.config() != proof.config {
        return Err(VerifyError::Malformed(format!(
            "{} proof carries a {} body",
            proof.config,
            proof.body.config()
        )));
    }
    if proof.body.degree_bits() != proof.degree_bits.as_slice() {
        return Err(VerifyError::Malformed(
            "degree bits differ from the body's".into(),
        ));
    }
    Ok(())
}

fn verify_sc<SC: SetupConfig, A: AirFor<SC>>(
    prepared: &Prepared<SC>,
    rebuild_at: Option<&[usize]>,
    commitment: &[u8],
    airs: &[A],
    proof: &BatchProof<SC>,
    public_values: &[Vec<Val>],
) -> Result<(), VerifyError>
where
    PcsProverError<SC>: Debug,
{
    let rebuilt = match rebuild_at {
        Some(bits) => Some(prepared.rebuild(airs, bits, commitment)?),
        None => None,
    };
    let common = rebuilt
        .as_ref()
        .map_or(&prepared.data.common, |d| &d.common);
    verify_batch(&prepared.config, airs, proof, public_values, common)
        .map_err(|e| VerifyError::Stark(format!("{e:?}")))
}
