//! The two STARK configurations.
//!
//! Both prove BabyBear traces with FRI over `BinomialExtensionField<BabyBear, 4>` (124-bit
//! challenges) and Merkle arity 2 with a single root (cap height 0). They differ in the hash:
//!
//! - `inner`: Poseidon2-BabyBear width 16 (p3-baby-bear's fixed Grain constants) for leaves
//!   (sponge, rate 8), nodes (truncated permutation) and Fiat-Shamir (duplex challenger).
//!   Digest: 8 BabyBear ≈ 248 bits, 124-bit collision resistance. Fast (SIMD); used for
//!   shard proofs and STARK-in-STARK recursion.
//! - `outer`: Poseidon2-BN254 width 3 ([`crate::poseidon2_bn254`]) for leaves (8 BabyBear
//!   packed per BN254 element, rate 2), nodes and Fiat-Shamir
//!   (`MultiField32Challenger`). Digest: one BN254 element, 127-bit collision resistance.
//!   Cheap to verify in a BN254 SNARK (Groth16/PLONK wrap); ~6× slower to prove.

use std::fmt;

use p3_baby_bear::{default_babybear_poseidon2_16, BabyBear, Poseidon2BabyBear};
use p3_bn254::{Bn254, Poseidon2Bn254};
use p3_challenger::{DuplexChallenger, MultiField32Challenger};
use p3_commit::ExtensionMmcs;
use p3_dft::Radix2DitParallel;
use p3_field::extension::BinomialExtensionField;
use p3_field::Field;
use p3_fri::TwoAdicFriPcs;
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{MultiField32PaddingFreeSponge, PaddingFreeSponge, TruncatedPermutation};
use p3_uni_stark::StarkConfig;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::poseidon2_bn254::poseidon2_bn254_t3;
use crate::profile::Profile;

/// Trace field.
pub type Val = BabyBear;
/// Challenge field (degree-4 extension of BabyBear).
pub type Challenge = BinomialExtensionField<Val, 4>;
/// Low-degree-extension DFT.
pub type Dft = Radix2DitParallel<Val>;

/// Inner permutation: Poseidon2 over BabyBear, width 16.
pub type InnerPerm = Poseidon2BabyBear<16>;
/// Inner leaf hash: rate 8, 8-element digest.
pub type InnerHash = PaddingFreeSponge<InnerPerm, 16, 8, 8>;
/// Inner node compression: permute `[left | right]`, keep the first 8.
pub type InnerCompress = TruncatedPermutation<InnerPerm, 2, 8, 16>;
/// Inner Merkle commitment (packed for SIMD).
pub type InnerValMmcs = MerkleTreeMmcs<
    <Val as Field>::Packing,
    <Val as Field>::Packing,
    InnerHash,
    InnerCompress,
    2,
    8,
>;
/// Inner commitment to extension-field matrices (FRI layers).
pub type InnerChallengeMmcs = ExtensionMmcs<Val, Challenge, InnerValMmcs>;
/// Inner Fiat-Shamir challenger.
pub type InnerChallenger = DuplexChallenger<Val, InnerPerm, 16, 8>;
/// Inner polynomial commitment scheme.
pub type InnerPcs = TwoAdicFriPcs<Val, Dft, InnerValMmcs, InnerChallengeMmcs>;
/// The inner STARK configuration.
pub type InnerSC = StarkConfig<InnerPcs, Challenge, InnerChallenger>;

/// Outer permutation: Poseidon2 over BN254, width 3.
pub type OuterPerm = Poseidon2Bn254<3>;
/// Outer leaf hash: 8 BabyBear per BN254 element, rate 2, one-element digest.
pub type OuterHash = MultiField32PaddingFreeSponge<Val, Bn254, OuterPerm, 3, 2, 1>;
/// Outer node compression: permute `[left, right, 0]`, keep `state[0]`.
pub type OuterCompress = TruncatedPermutation<OuterPerm, 2, 1, 3>;
/// Outer Merkle commitment (unpacked).
pub type OuterValMmcs = MerkleTreeMmcs<Val, Bn254, OuterHash, OuterCompress, 2, 1>;
/// Outer commitment to extension-field matrices (FRI layers).
pub type OuterChallengeMmcs = ExtensionMmcs<Val, Challenge, OuterValMmcs>;
/// Outer Fiat-Shamir challenger (BN254 sponge, width 3, rate 2).
pub type OuterChallenger = MultiField32Challenger<Val, Bn254, OuterPerm, 3, 2>;
/// Outer polynomial commitment scheme.
pub type OuterPcs = TwoAdicFriPcs<Val, Dft, OuterValMmcs, OuterChallengeMmcs>;
/// The outer STARK configuration.
pub type OuterSC = StarkConfig<OuterPcs, Challenge, OuterChallenger>;

/// Merkle cap height of both configurations (a single root).
pub const CAP_HEIGHT: usize = 0;

/// Bits of the challenge field (what FRI and the algebraic error terms are graded over).
pub(crate) fn challenge_bits() -> usize {
    <Challenge as Field>::bits()
}

/// Which configuration a proof is made in. The `u8` id is stable (proofs, file headers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
#[repr(u8)]
pub enum ConfigId {
    /// BabyBear Poseidon2 hashing and Fiat-Shamir.
    Inner = 1,
    /// BN254 Poseidon2 hashing and Fiat-Shamir, for SNARK wrapping.
    Outer = 2,
}

/// The id or name matches no configuration of this build.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("unknown STARK configuration {0:?} (known: inner, outer)")]
pub struct UnknownConfig(pub String);

/// A configuration could not be assembled (cannot happen with the fixed types above).
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("cannot build the {config} configuration: {reason}")]
pub struct ConfigError {
    /// The configuration.
    pub config: ConfigId,
    /// Why.
    pub reason: String,
}

impl ConfigId {
    /// Both configurations.
    pub const ALL: [Self; 2] = [Self::Inner, Self::Outer];

    /// Stable id.
    pub fn id(self) -> u8 {
        self as u8
    }

    /// Stable name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Inner => "inner",
            Self::Outer => "outer",
        }
    }

    /// Looks a configuration up by name.
    pub fn by_name(name: &str) -> Result<Self, UnknownConfig> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| UnknownConfig(name.to_string()))
    }

    /// Collision resistance of the commitment hash in bits (half the digest size).
    pub fn collision_bits(self) -> usize {
        match self {
            // 8 BabyBear elements of 31 bits.
            Self::Inner => 124,
            // One BN254 element of 254 bits.
            Self::Outer => 127,
        }
    }
}

impl TryFrom<u8> for ConfigId {
    type Error = UnknownConfig;
    fn try_from(id: u8) -> Result<Self, UnknownConfig> {
        Self::ALL
            .into_iter()
            .find(|c| c.id() == id)
            .ok_or_else(|| UnknownConfig(format!("id {id}")))
    }
}

impl From<ConfigId> for u8 {
    fn from(c: ConfigId) -> u8 {
        c.id()
    }
}

impl fmt::Display for ConfigId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn stark_config<P: Clone, C: Clone>(
    pcs: P,
    challenger: C,
    profile: &Profile,
) -> StarkConfig<P, Challenge, C> {
    StarkConfig::new(pcs, challenger)
        .with_ood_proof_of_work_bits(profile.ood_pow_bits)
        .with_lookup_proof_of_work_bits(profile.lookup_pow_bits)
}

/// The inner configuration for a profile.
pub fn inner_config(profile: &Profile) -> InnerSC {
    let perm = default_babybear_poseidon2_16();
    let val_mmcs = InnerValMmcs::new(
        InnerHash::new(perm.clone()),
        InnerCompress::new(perm.clone()),
        CAP_HEIGHT,
    );
    let fri = profile.fri_params(InnerChallengeMmcs::new(val_mmcs.clone()));
    let pcs = InnerPcs::new(Dft::default(), val_mmcs, fri);
    stark_config(pcs, InnerChallenger::new(perm), profile)
}

/// The outer configuration for a profile.
pub fn outer_config(profile: &Profile) -> Result<OuterSC, ConfigError> {
    let err = |reason: String| ConfigError {
        config: ConfigId::Outer,
        reason,
    };
    let perm = poseidon2_bn254_t3();
    let hash = OuterHash::new(perm.clone()).map_err(|e| err(format!("{e:?}")))?;
    let val_mmcs = OuterValMmcs::new(hash, OuterCompress::new(perm.clone()), CAP_HEIGHT);
    let fri = profile.fri_params(OuterChallengeMmcs::new(val_mmcs.clone()));
    let pcs = OuterPcs::new(Dft::default(), val_mmcs, fri);
    let challenger = OuterChallenger::new(perm).map_err(|e| err(format!("{e:?}")))?;
    Ok(stark_config(pcs, challenger, profile))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_stable() {
        assert_eq!(ConfigId::Inner.id(), 1);
        assert_eq!(ConfigId::Outer.id(), 2);
        for c in ConfigId::ALL {
            assert_eq!(ConfigId::try_from(c.id()), Ok(c));
            assert_eq!(ConfigId::by_name(c.name()), Ok(c));
        }
        assert!(ConfigId::try_from(0).is_err());
        assert!(ConfigId::by_name("middle").is_err());
        assert_eq!(challenge_bits(), 124);
        assert!(outer_config(&Profile::TEST).is_ok());
    }
}
