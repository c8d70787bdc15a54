//! VERIFIER_HASH, the selector, `proofBytes` and the JSON form of a proof.

use ark_bn254::Fr;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::encoding::{fr_from_be, fr_to_be, parse_hex};
use crate::types::PROOF_BYTES;
use crate::{EncodingError, Groth16Error, Groth16Proof, Groth16VerifyingKey};

/// The first 4 bytes of VERIFIER_HASH, prefixed to `proofBytes`.
pub type Selector = [u8; 4];

/// Bytes of `proofBytes`: selector ‖ A ‖ B ‖ C.
pub const PROOF_BYTES_WITH_SELECTOR: usize = 4 + PROOF_BYTES;

/// VERIFIER_HASH: `sha256` of [`Groth16VerifyingKey::to_evm_bytes`] (alpha ‖ beta ‖ gamma ‖
/// delta ‖ IC…, EVM encoding, no tag or length prefix).
pub fn vk_hash(vk: &Groth16VerifyingKey) -> [u8; 32] {
    Sha256::digest(vk.to_evm_bytes()).into()
}

/// The selector: the first 4 bytes of [`vk_hash`].
pub fn selector(vk: &Groth16VerifyingKey) -> Selector {
    let h = vk_hash(vk);
    [h[0], h[1], h[2], h[3]]
}

/// `proofBytes`: `selector ‖ A ‖ B ‖ C` in the EVM encoding (A, C: x ‖ y; B: x.c1 ‖ x.c0 ‖
/// y.c1 ‖ y.c0; 32-byte big-endian words), 260 bytes.
pub fn proof_bytes(proof: &Groth16Proof, selector: Selector) -> Vec<u8> {
    let mut out = Vec::with_capacity(PROOF_BYTES_WITH_SELECTOR);
    out.extend_from_slice(&selector);
    out.extend_from_slice(&proof.to_evm_bytes());
    out
}

/// Inverse of [`proof_bytes`]: checks the length, the selector, coordinate ranges, curves and
/// subgroups, in that order; every failure is a [`Groth16Error::MalformedProof`].
pub fn parse_proof_bytes(bytes: &[u8], selector: Selector) -> Result<Groth16Proof, Groth16Error> {
    if bytes.len() != PROOF_BYTES_WITH_SELECTOR {
        return Err(Groth16Error::MalformedProof(EncodingError::WrongLength {
            expected: PROOF_BYTES_WITH_SELECTOR,
            found: bytes.len(),
        }));
    }
    let found = [bytes[0], bytes[1], bytes[2], bytes[3]];
    if found != selector {
        return Err(Groth16Error::MalformedProof(EncodingError::WrongSelector {
            expected: selector,
            found,
        }));
    }
    Groth16Proof::from_evm_bytes(&bytes[4..]).map_err(Groth16Error::MalformedProof)
}

/// The public input from 32 big-endian bytes; values not below the BN254 scalar modulus are
/// rejected (never reduced).
pub fn public_input_from_be_bytes(bytes: &[u8; 32]) -> Result<Fr, Groth16Error> {
    fr_from_be(bytes, "public input").map_err(Groth16Error::MalformedPublicInput)
}

/// The JSON form of a proof: `0x`-hex strings of VERIFIER_HASH, the public input (32 bytes
/// big-endian, as the contract receives it) and `proofBytes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Groth16ProofJson {
    /// `0x` + 64 hex digits.
    pub vk_hash: String,
    /// `0x` + 64 hex digits.
    pub public_input: String,
    /// `0x` + 520 hex digits.
    pub proof_bytes: String,
}

impl Groth16ProofJson {
    /// The JSON form of `proof` for `public_input` under `vk`.
    pub fn new(vk: &Groth16VerifyingKey, proof: &Groth16Proof, public_input: Fr) -> Self {
        Self {
            vk_hash: format!("0x{}", hex::encode(vk_hash(vk))),
            public_input: format!("0x{}", hex::encode(fr_to_be(&public_input))),
            proof_bytes: format!("0x{}", hex::encode(proof_bytes(proof, selector(vk)))),
        }
    }

    /// Decodes the proof and public input, checking that they were made for `vk`'s hash.
    pub fn decode(&self, vk: &Groth16VerifyingKey) -> Result<(Groth16Proof, Fr), Groth16Error> {
        let expected = vk_hash(vk);
        let found = parse_hex(&self.vk_hash).map_err(Groth16Error::MalformedProof)?;
        if found != expected {
            let mut f = [0u8; 32];
            let n = found.len().min(32);
            f[..n].copy_from_slice(&found[..n]);
            return Err(Groth16Error::MalformedProof(
                EncodingError::WrongVerifierHash { expected, found: f },
            ));
        }
        let input = parse_hex(&self.public_input).map_err(Groth16Error::MalformedPublicInput)?;
        let input: [u8; 32] = input.as_slice().try_into().map_err(|_| {
            Groth16Error::MalformedPublicInput(EncodingError::WrongLength {
                expected: 32,
                found: input.len(),
            })
        })?;
        let bytes = parse_hex(&self.proof_bytes).map_err(Groth16Error::MalformedProof)?;
        let proof = parse_proof_bytes(&bytes, selector(vk))?;
        Ok((proof, public_input_from_be_bytes(&input)?))
    }
}
