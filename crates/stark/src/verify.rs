//! Verifying a batch proof, and the preprocessed commitment for verifying-key digests.

use std::fmt::Debug;

use p3_batch_stark::{verify_batch, BatchProof, CommonData, ProverData};
use p3_field::{PrimeCharacteristicRing, PrimeField, PrimeField32};
use p3_uni_stark::PcsProverError;
use thiserror::Error;
use tracing::info_span;

use crate::config::{inner_config, outer_config, ConfigError, ConfigId, Val};
use crate::profile::Profile;
use crate::proof::{check_shapes, AirFor, ProofBody, ShapeError, StarkAir, StarkProof};
use crate::prove::{Cfg, ProveError};

/// Why a proof was rejected.
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
    Shape(#[from] ShapeError),
    /// The proof's envelope is inconsistent with its body.
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// The configuration could not be built.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Rebuilding the preprocessed commitment and lookups from the AIRs failed.
    #[error("verifier setup: {0}")]
    Setup(String),
    /// Plonky3's verifier rejected the proof (`BatchVerificationError` as Debug).
    #[error("STARK verification failed: {0}")]
    Stark(String),
}

/// Verifies `proof` for `airs` and `public_values`, requiring it to be made under
/// `expected = (configuration, profile)`.
///
/// The verifier's data (preprocessed commitment, lookup layout) is rebuilt from the AIRs and
/// the proof's degree bits after those have been range-checked, so a malformed proof yields
/// an error, not a panic.
pub fn verify<A: StarkAir>(
    proof: &StarkProof,
    airs: &[A],
    public_values: &[Vec<Val>],
    expected: (ConfigId, &Profile),
) -> Result<(), VerifyError> {
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
    check_shapes(profile, airs, &proof.degree_bits, public_values)?;
    let _span = info_span!("verify", config = config.name(), profile = profile.name).entered();
    match &proof.body {
        ProofBody::Inner(p) => verify_sc(&inner_config(profile), airs, p, public_values),
        ProofBody::Outer(p) => verify_sc(&outer_config(profile)?, airs, p, public_values),
    }
}

fn common_data<SC: Cfg, A: AirFor<SC>>(
    config: &SC,
    airs: &[A],
    degree_bits: &[usize],
) -> Result<CommonData<SC>, String>
where
    PcsProverError<SC>: Debug,
{
    ProverData::from_airs_and_degrees(config, airs, degree_bits)
        .map(|d| d.common)
        .map_err(|e| format!("{e:?}"))
}

fn verify_sc<SC: Cfg, A: AirFor<SC>>(
    config: &SC,
    airs: &[A],
    proof: &BatchProof<SC>,
    public_values: &[Vec<Val>],
) -> Result<(), VerifyError>
where
    PcsProverError<SC>: Debug,
{
    let common = common_data(config, airs, &proof.degree_bits).map_err(VerifyError::Setup)?;
    verify_batch(config, airs, proof, public_values, &common)
        .map_err(|e| VerifyError::Stark(format!("{e:?}")))
}

/// Canonical bytes of the global preprocessed commitment of `airs` at `degree_bits`, for
/// verifying-key digests: inner, the 8 BabyBear digest elements as canonical u32
/// little-endian (32 bytes); outer, the BN254 element as 32 bytes big-endian. Empty when no
/// AIR has preprocessed columns.
pub fn preprocessed_commitment<A: StarkAir>(
    config: ConfigId,
    profile: &Profile,
    airs: &[A],
    degree_bits: &[usize],
) -> Result<Vec<u8>, ProveError> {
    let no_public_values: Vec<Vec<Val>> = airs
        .iter()
        .map(|a| vec![Val::ZERO; a.num_public_values()])
        .collect();
    check_shapes(profile, airs, degree_bits, &no_public_values)?;
    match config {
        ConfigId::Inner => {
            let common = common_data(&inner_config(profile), airs, degree_bits)
                .map_err(ProveError::Stark)?;
            Ok(common
                .preprocessed
                .iter()
                .flat_map(|g| g.commitment.roots().iter().flatten())
                .flat_map(|x| x.as_canonical_u32().to_le_bytes())
                .collect())
        }
        ConfigId::Outer => {
            let common = common_data(&outer_config(profile)?, airs, degree_bits)
                .map_err(ProveError::Stark)?;
            Ok(common
                .preprocessed
                .iter()
                .flat_map(|g| g.commitment.roots().iter().flatten())
                .flat_map(|x| {
                    let be = x.as_canonical_biguint().to_bytes_be();
                    let mut out = vec![0u8; 32 - be.len().min(32)];
                    out.extend_from_slice(&be);
                    out
                })
                .collect())
        }
    }
}
