//! Preprocessed data committed once and reused by every proof and verification.
//!
//! Plonky3's `ProverData` holds the global preprocessed commitment (with its PCS prover data)
//! and each AIR's lookup layout. The commitment depends only on the heights of the instances
//! with preprocessed columns, which a [`StarkSetup`] fixes. The lookup layout
//! (`Lookups::from_air`, then same-bus packing under the quotient-chunk budget) depends on an
//! instance's height only through periodic columns: with two-adic domains the transition
//! degree multiple is 0 and the constraint degree is read from the symbolic constraints, so
//! the height enters only `poly_degree` of periodic columns. Quotient chunk counts, domains and
//! the LogUp multiplicity bound are recomputed by `prove_batch`/`verify_batch` from each
//! proof's heights and are not part of the cached data. An AIR without preprocessed columns
//! but with periodic columns, proven at another height than the setup's, therefore gets
//! freshly built data (today's cost), checked against the setup's commitment.

use std::fmt::{self, Debug};

use p3_batch_stark::{CommonData, ProverData, ProverOnlyData, StarkGenericConfig};
use p3_field::{PrimeCharacteristicRing, PrimeField, PrimeField32};
use p3_uni_stark::PcsProverError;
use thiserror::Error;
use tracing::info_span;

use crate::config::{inner_config, outer_config, ConfigId, InnerSC, OuterSC, Val};
use crate::profile::Profile;
use crate::proof::{check_shapes, AirFor, StarkAir};
use crate::prove::{Cfg, ProveError};

/// The AIRs, heights or parameters of a proof do not match the [`StarkSetup`] used.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum SetupMismatch {
    /// The setup was made for another configuration or profile.
    #[error("setup is for {setup_config}/{setup_profile}, expected {config}/{profile}")]
    Parameters {
        /// The setup's configuration.
        setup_config: ConfigId,
        /// The setup's profile name.
        setup_profile: &'static str,
        /// The expected configuration.
        config: ConfigId,
        /// The expected profile name.
        profile: &'static str,
    },
    /// The setup was made for another number of AIRs.
    #[error("setup has {expected} AIRs, found {found}")]
    AirCount {
        /// The setup's AIR count.
        expected: usize,
        /// The given AIR count.
        found: usize,
    },
    /// An AIR's preprocessed width differs from the setup's.
    #[error("instance {instance}: preprocessed width {found}, the setup's AIR has {expected}")]
    PreprocessedWidth {
        /// The instance index.
        instance: usize,
        /// The width at setup.
        expected: usize,
        /// The given AIR's width.
        found: usize,
    },
    /// An instance with preprocessed columns has another height than the setup committed to.
    #[error(
        "instance {instance}: log2 height {found}, the setup's preprocessed trace has {expected}"
    )]
    FixedHeight {
        /// The instance index.
        instance: usize,
        /// log2 height fixed by the setup.
        expected: usize,
        /// log2 height of the trace or proof.
        found: usize,
    },
    /// Rebuilt preprocessed data differs from the setup's (the AIRs are not the setup's).
    #[error("the AIRs' preprocessed commitment differs from the setup's")]
    Commitment,
    /// The setup was reduced to verifier data.
    #[error("the setup holds verifier data only")]
    VerifierOnly,
}

/// Committed preprocessed traces and lookup layouts of a batch's AIRs, in one configuration
/// and profile, built once by [`setup`] and used by [`crate::prove_with`] and
/// [`crate::verify_with`].
///
/// It is bound to the AIRs it was built from: give the same AIRs (in the same order) to
/// `prove_with`/`verify_with`. Counts, preprocessed widths and heights are checked; the
/// preprocessed contents are not (the verifier uses the setup's commitment).
pub struct StarkSetup {
    config: ConfigId,
    profile: Profile,
    degree_bits: Vec<usize>,
    fixed: Vec<Option<usize>>,
    preprocessed_widths: Vec<usize>,
    /// Instances whose lookup layout may depend on their height (periodic columns, not fixed).
    height_dependent: Vec<bool>,
    commitment: Vec<u8>,
    pub(crate) data: SetupData,
}

/// The Plonky3 prover data, typed by configuration.
pub(crate) enum SetupData {
    Inner(Box<Prepared<InnerSC>>),
    Outer(Box<Prepared<OuterSC>>),
}

/// A configuration object and the data built under it.
pub(crate) struct Prepared<SC: StarkGenericConfig> {
    pub(crate) config: SC,
    pub(crate) data: ProverData<SC>,
    pub(crate) can_prove: bool,
}

/// Per-configuration encoding of the preprocessed commitment.
pub(crate) trait SetupConfig: Cfg {
    /// Canonical bytes of the global preprocessed commitment; empty when there is none.
    fn commitment_bytes(common: &CommonData<Self>) -> Vec<u8>;
}

impl SetupConfig for InnerSC {
    fn commitment_bytes(common: &CommonData<Self>) -> Vec<u8> {
        common
            .preprocessed
            .iter()
            .flat_map(|g| g.commitment.roots().iter().flatten())
            .flat_map(|x| x.as_canonical_u32().to_le_bytes())
            .collect()
    }
}

impl SetupConfig for OuterSC {
    fn commitment_bytes(common: &CommonData<Self>) -> Vec<u8> {
        common
            .preprocessed
            .iter()
            .flat_map(|g| g.commitment.roots().iter().flatten())
            .flat_map(|x| {
                let be = x.as_canonical_biguint().to_bytes_be();
                let mut out = vec![0u8; 32 - be.len().min(32)];
                out.extend_from_slice(&be);
                out
            })
            .collect()
    }
}

/// Builds Plonky3's prover data for `airs` at `degree_bits` (trace heights, before ZK).
pub(crate) fn build_data<SC: Cfg, A: AirFor<SC>>(
    config: &SC,
    airs: &[A],
    degree_bits: &[usize],
) -> Result<ProverData<SC>, ProveError>
where
    PcsProverError<SC>: Debug,
{
    let ext: Vec<usize> = degree_bits.iter().map(|b| b + config.is_zk()).collect();
    ProverData::from_airs_and_degrees(config, airs, &ext)
        .map_err(|e| ProveError::Stark(format!("preprocessed data: {e:?}")))
}

/// Commits the preprocessed traces of `airs` at `fixed_degree_bits` (one entry per AIR; the
/// entries of AIRs without preprocessed columns only seed their lookup layout).
///
/// Bad shapes (counts, heights out of the profile's range, preprocessed heights other than
/// `2^fixed_degree_bits[i]`) are [`ProveError::Shape`].
pub fn setup<A: StarkAir>(
    config: ConfigId,
    profile: &Profile,
    airs: &[A],
    fixed_degree_bits: &[usize],
) -> Result<StarkSetup, ProveError> {
    let no_public_values: Vec<Vec<Val>> = airs
        .iter()
        .map(|a| vec![Val::ZERO; a.num_public_values()])
        .collect();
    check_shapes(profile, airs, fixed_degree_bits, &no_public_values)?;
    let _span = info_span!("setup", config = config.name(), profile = profile.name).entered();
    let data = match config {
        ConfigId::Inner => SetupData::Inner(Box::new(prepare(
            inner_config(profile),
            airs,
            fixed_degree_bits,
        )?)),
        ConfigId::Outer => SetupData::Outer(Box::new(prepare(
            outer_config(profile)?,
            airs,
            fixed_degree_bits,
        )?)),
    };
    let (commitment, has_prep) = match &data {
        SetupData::Inner(p) => p.summary(airs.len()),
        SetupData::Outer(p) => p.summary(airs.len()),
    };
    let fixed: Vec<Option<usize>> = fixed_degree_bits
        .iter()
        .zip(&has_prep)
        .map(|(&b, &h)| h.then_some(b))
        .collect();
    Ok(StarkSetup {
        config,
        profile: *profile,
        degree_bits: fixed_degree_bits.to_vec(),
        height_dependent: airs
            .iter()
            .zip(&fixed)
            .map(|(a, f)| f.is_none() && a.num_periodic_columns() > 0)
            .collect(),
        fixed,
        preprocessed_widths: airs.iter().map(|a| a.preprocessed_width()).collect(),
        commitment,
        data,
    })
}

fn prepare<SC: SetupConfig, A: AirFor<SC>>(
    config: SC,
    airs: &[A],
    degree_bits: &[usize],
) -> Result<Prepared<SC>, ProveError>
where
    PcsProverError<SC>: Debug,
{
    let data = build_data(&config, airs, degree_bits)?;
    Ok(Prepared {
        config,
        data,
        can_prove: true,
    })
}

impl StarkSetup {
    /// The configuration.
    pub fn config(&self) -> ConfigId {
        self.config
    }

    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Number of AIRs.
    pub fn num_airs(&self) -> usize {
        self.degree_bits.len()
    }

    /// log2 height of each instance with preprocessed columns (`None` for the others).
    pub fn fixed_degree_bits(&self) -> &[Option<usize>] {
        &self.fixed
    }

    /// Canonical bytes of the global preprocessed commitment (see
    /// [`crate::preprocessed_commitment`]); empty when no AIR has preprocessed columns.
    pub fn commitment(&self) -> &[u8] {
        &self.commitment
    }

    /// Whether the setup still holds the prover's preprocessed data.
    pub fn can_prove(&self) -> bool {
        match &self.data {
            SetupData::Inner(p) => p.can_prove,
            SetupData::Outer(p) => p.can_prove,
        }
    }

    /// Drops the prover-only data (the preprocessed low-degree extensions and Merkle trees).
    pub fn verifier_only(mut self) -> Self {
        match &mut self.data {
            SetupData::Inner(p) => p.drop_prover_data(),
            SetupData::Outer(p) => p.drop_prover_data(),
        }
        self
    }

    /// Checks `(config, profile)` against the setup's.
    pub(crate) fn check_parameters(
        &self,
        config: ConfigId,
        profile: &Profile,
    ) -> Result<(), SetupMismatch> {
        if config == self.config && *profile == self.profile {
            return Ok(());
        }
        Err(SetupMismatch::Parameters {
            setup_config: self.config,
            setup_profile: self.profile.name,
            config,
            profile: profile.name,
        })
    }

    /// Checks AIR count, preprocessed widths and fixed heights; returns whether the cached
    /// lookup layout may not fit `degree_bits` (see the module documentation). Extra or
    /// missing degree bits are left to the shape checks.
    pub(crate) fn check_instances<A: StarkAir>(
        &self,
        airs: &[A],
        degree_bits: &[usize],
    ) -> Result<bool, SetupMismatch> {
        if airs.len() != self.num_airs() {
            return Err(SetupMismatch::AirCount {
                expected: self.num_airs(),
                found: airs.len(),
            });
        }
        for (instance, (air, &expected)) in airs.iter().zip(&self.preprocessed_widths).enumerate() {
            let found = air.preprocessed_width();
            if found != expected {
                return Err(SetupMismatch::PreprocessedWidth {
                    instance,
                    expected,
                    found,
                });
            }
        }
        let mut stale = false;
        for (instance, (&found, (&fixed, &setup_bits))) in degree_bits
            .iter()
            .zip(self.fixed.iter().zip(&self.degree_bits))
            .enumerate()
        {
            match fixed {
                Some(expected) if expected != found => {
                    return Err(SetupMismatch::FixedHeight {
                        instance,
                        expected,
                        found,
                    })
                }
                _ => stale |= self.height_dependent[instance] && found != setup_bits,
            }
        }
        Ok(stale)
    }
}

impl<SC: SetupConfig> Prepared<SC> {
    /// The commitment bytes, and which of the `n` instances have preprocessed columns.
    fn summary(&self, n: usize) -> (Vec<u8>, Vec<bool>) {
        let has_prep = match &self.data.common.preprocessed {
            Some(g) => g.instances.iter().map(Option::is_some).collect(),
            None => vec![false; n],
        };
        (SC::commitment_bytes(&self.data.common), has_prep)
    }

    fn drop_prover_data(&mut self) {
        self.data.prover_only = ProverOnlyData::empty();
        self.can_prove = false;
    }

    /// Data freshly built at `degree_bits`, which must commit to the setup's preprocessed
    /// traces.
    pub(crate) fn rebuild<A: AirFor<SC>>(
        &self,
        airs: &[A],
        degree_bits: &[usize],
        commitment: &[u8],
    ) -> Result<ProverData<SC>, ProveError>
    where
        PcsProverError<SC>: Debug,
    {
        let data = build_data(&self.config, airs, degree_bits)?;
        if SC::commitment_bytes(&data.common) != commitment {
            return Err(SetupMismatch::Commitment.into());
        }
        Ok(data)
    }
}

impl Debug for StarkSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex: String = self.commitment.iter().map(|b| format!("{b:02x}")).collect();
        f.debug_struct("StarkSetup")
            .field("config", &self.config)
            .field("profile", &self.profile.name)
            .field("fixed_degree_bits", &self.fixed)
            .field("commitment", &hex)
            .field("can_prove", &self.can_prove())
            .finish_non_exhaustive()
    }
}

/// Canonical bytes of the global preprocessed commitment of `airs` at `degree_bits`, for
/// verifying-key digests: inner, the 8 BabyBear digest elements as canonical u32
/// little-endian (32 bytes); outer, the BN254 element as 32 bytes big-endian. Empty when no
/// AIR has preprocessed columns. Same as `setup(..)?.commitment()`.
pub fn preprocessed_commitment<A: StarkAir>(
    config: ConfigId,
    profile: &Profile,
    airs: &[A],
    degree_bits: &[usize],
) -> Result<Vec<u8>, ProveError> {
    Ok(setup(config, profile, airs, degree_bits)?.commitment)
}
