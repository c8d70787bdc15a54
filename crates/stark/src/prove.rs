//! Proving a batch of AIR instances in either configuration.

use std::fmt::Debug;

use p3_batch_stark::{prove_batch, StarkGenericConfig, StarkInstance};
use p3_challenger::GrindingChallenger;
use p3_commit::Pcs;
use p3_field::coset::TwoAdicMultiplicativeCoset;
use p3_matrix::dense::RowMajorMatrix;
use p3_matrix::Matrix;
use p3_uni_stark::PcsProverError;
use thiserror::Error;
use tracing::info_span;

use crate::config::{Challenge, ConfigError, ConfigId, Val};
use crate::profile::Profile;
use crate::proof::{check_shapes, count, AirFor, ProofBody, ShapeError, StarkAir, StarkProof};
use crate::setup::{setup, Prepared, SetupConfig, SetupData, SetupMismatch, StarkSetup};

/// Proving (or setup) failed.
///
/// Every variant that wraps another error prints it in its message and does not return it
/// from `source()`, so reporters that walk the chain (anyhow's `{:#}`) print each cause once.
#[derive(Debug, Error)]
pub enum ProveError {
    /// The inputs do not fit the AIRs or the profile.
    #[error("bad prover input: {0}")]
    Shape(ShapeError),
    /// The configuration could not be built.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The AIRs or traces do not fit the setup.
    #[error("setup mismatch: {0}")]
    SetupMismatch(SetupMismatch),
    /// Plonky3 rejected the inputs while committing or opening.
    #[error("STARK prover: {0}")]
    Stark(String),
}

impl From<ShapeError> for ProveError {
    fn from(e: ShapeError) -> Self {
        Self::Shape(e)
    }
}

impl From<SetupMismatch> for ProveError {
    fn from(e: SetupMismatch) -> Self {
        Self::SetupMismatch(e)
    }
}

/// What the generic drivers need from a configuration; both of ours satisfy it.
pub(crate) trait Cfg:
    StarkGenericConfig<
    Challenge = Challenge,
    Pcs: Pcs<
        Challenge,
        Self::Challenger,
        Domain = TwoAdicMultiplicativeCoset<Val>,
        ProverData: Sync,
        Commitment: Sync,
    > + Sync,
    Challenger: GrindingChallenger<Witness = Val>,
>
{
}
impl<T> Cfg for T where
    T: StarkGenericConfig<
        Challenge = Challenge,
        Pcs: Pcs<
            Challenge,
            T::Challenger,
            Domain = TwoAdicMultiplicativeCoset<Val>,
            ProverData: Sync,
            Commitment: Sync,
        > + Sync,
        Challenger: GrindingChallenger<Witness = Val>,
    >
{
}

/// Proves one batch: `airs[i]` over `traces[i]` with `public_values[i]`.
///
/// Traces must have power-of-two heights within the profile's range; preprocessed columns
/// come from `BaseAir::preprocessed_trace` and must have the instance's height. Bad shapes are
/// reported as [`ProveError::Shape`]. A witness that violates a constraint or a bus makes
/// Plonky3 panic in debug builds and yields a proof that does not verify in release builds.
/// Commits the preprocessed traces on every call; use [`setup`] and [`prove_with`] to do it
/// once.
pub fn prove<A: StarkAir>(
    config: ConfigId,
    profile: &Profile,
    airs: &[A],
    traces: Vec<RowMajorMatrix<Val>>,
    public_values: &[Vec<Val>],
) -> Result<StarkProof, ProveError> {
    let degree_bits = trace_degree_bits(airs, &traces)?;
    check_shapes(profile, airs, &degree_bits, public_values)?;
    let setup = setup(config, profile, airs, &degree_bits)?;
    prove_with(&setup, airs, traces, public_values)
}

/// As [`prove`], with the preprocessed data of `setup` (built from the same `airs`).
///
/// Instances with preprocessed columns must have the heights the setup fixed
/// ([`SetupMismatch::FixedHeight`]).
pub fn prove_with<A: StarkAir>(
    setup: &StarkSetup,
    airs: &[A],
    traces: Vec<RowMajorMatrix<Val>>,
    public_values: &[Vec<Val>],
) -> Result<StarkProof, ProveError> {
    let degree_bits = trace_degree_bits(airs, &traces)?;
    let stale = setup.check_instances(airs, &degree_bits)?;
    let (config, profile) = (setup.config(), setup.profile());
    check_shapes(profile, airs, &degree_bits, public_values)?;
    if !setup.can_prove() {
        return Err(SetupMismatch::VerifierOnly.into());
    }
    let _span = info_span!("prove", config = config.name(), profile = profile.name).entered();
    let rebuild_at = stale.then_some(degree_bits.as_slice());
    let commitment = setup.commitment();
    let body = match &setup.data {
        SetupData::Inner(p) => ProofBody::Inner(prove_sc(
            p,
            rebuild_at,
            commitment,
            airs,
            &traces,
            public_values,
        )?),
        SetupData::Outer(p) => ProofBody::Outer(prove_sc(
            p,
            rebuild_at,
            commitment,
            airs,
            &traces,
            public_values,
        )?),
    };
    Ok(StarkProof {
        config,
        profile: profile.id,
        degree_bits,
        body,
    })
}

/// log2 heights of the traces, checking count, widths and power-of-two heights.
fn trace_degree_bits<A: StarkAir>(
    airs: &[A],
    traces: &[RowMajorMatrix<Val>],
) -> Result<Vec<usize>, ShapeError> {
    count("traces", airs.len(), traces.len())?;
    airs.iter()
        .zip(traces)
        .enumerate()
        .map(|(i, (air, t))| {
            let bad = |reason| ShapeError::instance(i, reason);
            if t.width() != air.width() {
                return Err(bad(format!(
                    "trace has {} columns, the AIR {}",
                    t.width(),
                    air.width()
                )));
            }
            if t.width() == 0 || t.values.len() % t.width() != 0 || !t.height().is_power_of_two() {
                return Err(bad(format!(
                    "trace height {} is not a power of two",
                    t.height()
                )));
            }
            Ok(t.height().trailing_zeros() as usize)
        })
        .collect()
}

/// Proves with the cached data, or with data rebuilt at `rebuild_at` (checked against
/// `commitment`) when the cached lookup layout may not fit.
fn prove_sc<SC: SetupConfig, A: AirFor<SC>>(
    prepared: &Prepared<SC>,
    rebuild_at: Option<&[usize]>,
    commitment: &[u8],
    airs: &[A],
    traces: &[RowMajorMatrix<Val>],
    public_values: &[Vec<Val>],
) -> Result<p3_batch_stark::BatchProof<SC>, ProveError>
where
    PcsProverError<SC>: Debug + Send,
{
    let instances: Vec<StarkInstance<'_, SC, A>> = airs
        .iter()
        .zip(traces)
        .zip(public_values)
        .map(|((air, trace), pv)| StarkInstance {
            air,
            trace,
            public_values: pv.clone(),
        })
        .collect();
    let rebuilt = match rebuild_at {
        Some(bits) => Some(prepared.rebuild(airs, bits, commitment)?),
        None => None,
    };
    let data = rebuilt.as_ref().unwrap_or(&prepared.data);
    prove_batch(&prepared.config, &instances, data).map_err(|e| ProveError::Stark(format!("{e:?}")))
}
