//! Proof and verifying-key types, serialised with serde as their canonical EVM bytes.

use ark_bn254::{Bn254, G1Affine};
use ark_groth16::{Proof, VerifyingKey};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::encoding::{
    check_point, g1_from_evm, g1_to_evm, g2_from_evm, g2_to_evm, G1_BYTES, G2_BYTES,
};
use crate::{EncodingError, Groth16Error};

/// Bytes of a proof in the EVM encoding: A (G1) ‖ B (G2) ‖ C (G1).
pub const PROOF_BYTES: usize = 2 * G1_BYTES + G2_BYTES;
/// Bytes of a verifying key's fixed part: alpha (G1) ‖ beta ‖ gamma ‖ delta (G2).
const VK_FIXED_BYTES: usize = G1_BYTES + 3 * G2_BYTES;

/// A Groth16 proof over BN254. Serde form: the 256 bytes of [`Groth16Proof::to_evm_bytes`].
#[derive(Clone, Debug, PartialEq)]
pub struct Groth16Proof(pub Proof<Bn254>);

impl Groth16Proof {
    /// `A ‖ B ‖ C` in the EVM encoding (256 bytes, no selector).
    pub fn to_evm_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(PROOF_BYTES);
        out.extend_from_slice(&g1_to_evm(&self.0.a));
        out.extend_from_slice(&g2_to_evm(&self.0.b));
        out.extend_from_slice(&g1_to_evm(&self.0.c));
        out
    }

    /// Inverse of [`Groth16Proof::to_evm_bytes`]; checks length, ranges, curves and subgroups.
    pub fn from_evm_bytes(bytes: &[u8]) -> Result<Self, EncodingError> {
        if bytes.len() != PROOF_BYTES {
            return Err(EncodingError::WrongLength {
                expected: PROOF_BYTES,
                found: bytes.len(),
            });
        }
        let a = g1_from_evm(&bytes[..G1_BYTES], "proof.A")?;
        let b = g2_from_evm(&bytes[G1_BYTES..G1_BYTES + G2_BYTES], "proof.B")?;
        let c = g1_from_evm(&bytes[G1_BYTES + G2_BYTES..], "proof.C")?;
        Ok(Self(Proof { a, b, c }))
    }

    /// Checks that A, B and C are on their curves and in the prime-order subgroups.
    pub fn check_points(&self) -> Result<(), EncodingError> {
        let _ = check_point(self.0.a, "proof.A")?;
        let _ = check_point(self.0.b, "proof.B")?;
        let _ = check_point(self.0.c, "proof.C")?;
        Ok(())
    }
}

/// A Groth16 verifying key over BN254. Serde form: [`Groth16VerifyingKey::to_evm_bytes`].
#[derive(Clone, Debug, PartialEq)]
pub struct Groth16VerifyingKey(pub VerifyingKey<Bn254>);

impl Groth16VerifyingKey {
    /// The canonical serialisation hashed into VERIFIER_HASH: alpha (G1) ‖ beta (G2) ‖
    /// gamma (G2) ‖ delta (G2) ‖ IC\[0\] ‖ … ‖ IC\[n\] (G1), each point in the EVM encoding
    /// (big-endian coordinates, G2 imaginary part first). 448 + 64·(n+1) bytes.
    pub fn to_evm_bytes(&self) -> Vec<u8> {
        let vk = &self.0;
        let mut out = Vec::with_capacity(VK_FIXED_BYTES + G1_BYTES * vk.gamma_abc_g1.len());
        out.extend_from_slice(&g1_to_evm(&vk.alpha_g1));
        out.extend_from_slice(&g2_to_evm(&vk.beta_g2));
        out.extend_from_slice(&g2_to_evm(&vk.gamma_g2));
        out.extend_from_slice(&g2_to_evm(&vk.delta_g2));
        for p in &vk.gamma_abc_g1 {
            out.extend_from_slice(&g1_to_evm(p));
        }
        out
    }

    /// Inverse of [`Groth16VerifyingKey::to_evm_bytes`]; requires at least one IC point.
    pub fn from_evm_bytes(bytes: &[u8]) -> Result<Self, EncodingError> {
        let ic_bytes = bytes.len().saturating_sub(VK_FIXED_BYTES);
        if bytes.len() < VK_FIXED_BYTES + G1_BYTES || !ic_bytes.is_multiple_of(G1_BYTES) {
            let expected = VK_FIXED_BYTES + G1_BYTES * (ic_bytes / G1_BYTES).max(1);
            return Err(EncodingError::WrongLength {
                expected,
                found: bytes.len(),
            });
        }
        let g2 = |i: usize, what| {
            let at = G1_BYTES + i * G2_BYTES;
            g2_from_evm(&bytes[at..at + G2_BYTES], what)
        };
        let gamma_abc_g1 = bytes[VK_FIXED_BYTES..]
            .chunks_exact(G1_BYTES)
            .map(|c| g1_from_evm(c, "vk.IC"))
            .collect::<Result<Vec<G1Affine>, _>>()?;
        Ok(Self(VerifyingKey {
            alpha_g1: g1_from_evm(&bytes[..G1_BYTES], "vk.alpha")?,
            beta_g2: g2(0, "vk.beta")?,
            gamma_g2: g2(1, "vk.gamma")?,
            delta_g2: g2(2, "vk.delta")?,
            gamma_abc_g1,
        }))
    }

    /// Checks the shape required by this backend: exactly one public input (two IC points).
    pub(crate) fn check_one_input(&self) -> Result<(), Groth16Error> {
        let n = self.0.gamma_abc_g1.len();
        if n == 2 {
            return Ok(());
        }
        Err(Groth16Error::MalformedVerifyingKey(
            EncodingError::WrongLength {
                expected: VK_FIXED_BYTES + 2 * G1_BYTES,
                found: VK_FIXED_BYTES + n * G1_BYTES,
            },
        ))
    }
}

impl Serialize for Groth16Proof {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.to_evm_bytes())
    }
}

impl<'de> Deserialize<'de> for Groth16Proof {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes = bytes::deserialize(d)?;
        Self::from_evm_bytes(&bytes).map_err(de::Error::custom)
    }
}

impl Serialize for Groth16VerifyingKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.to_evm_bytes())
    }
}

impl<'de> Deserialize<'de> for Groth16VerifyingKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes = bytes::deserialize(d)?;
        Self::from_evm_bytes(&bytes).map_err(de::Error::custom)
    }
}

/// Serde helpers for byte strings that accept both byte and sequence forms.
pub(crate) mod bytes {
    use serde::de::{self, SeqAccess, Visitor};
    use serde::Deserializer;
    use std::fmt;

    struct BytesVisitor;

    impl<'de> Visitor<'de> for BytesVisitor {
        type Value = Vec<u8>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a byte string")
        }

        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }

        fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            Ok(out)
        }
    }

    /// Deserialises a byte string.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        d.deserialize_byte_buf(BytesVisitor)
    }
}
