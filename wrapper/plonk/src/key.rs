//! The PLONK verifying key as Cairn ships it (`plonk_vk.json`): halo2's verifying key with the
//! three KZG points a verifier needs. Enough to verify natively and to generate the Solidity
//! verifier; its identity is the SHA-256 of the halo2 key bytes.

use halo2_proofs::halo2curves::bn256::{G1Affine, G2Affine};
use halo2_proofs::poly::commitment::{Params, ParamsProver};
use halo2_proofs::SerdeCurveAffine;
use halo2_proofs::SerdeFormat;
use serde::{Deserialize, Serialize};

use crate::error::PlonkError;
use crate::prover::{verify, vk_bytes, vk_from_bytes, vk_k, KzgParams, PlonkVerifyingKey};

/// A PLONK verifying key with its KZG verifier points, serialisable as JSON (hex strings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlonkVerifierKey {
    /// Always `"plonk"` (tells this file from a Groth16 key).
    pub system: String,
    /// log2 of the circuit's rows.
    pub k: u32,
    /// halo2's verifying key, raw encoding, `0x`-hex.
    pub vk: String,
    /// `[1]₁`, `[1]₂`, `[τ]₂`, halo2's raw point encodings, `0x`-hex.
    pub g1: String,
    /// `[1]₂`.
    pub g2: String,
    /// `[τ]₂`.
    pub s_g2: String,
    /// Bytes of every proof under this key.
    pub proof_length: usize,
    /// Made with development KZG parameters (τ public): proofs prove nothing.
    pub insecure_setup: bool,
}

fn to_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn from_hex(what: &str, s: &str) -> Result<Vec<u8>, PlonkError> {
    hex::decode(s.trim_start_matches("0x")).map_err(|e| PlonkError::Key(format!("{what}: {e}")))
}

fn point_bytes<C: SerdeCurveAffine>(p: &C) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = p.write(&mut out, SerdeFormat::RawBytes);
    out
}

fn read_point<C: SerdeCurveAffine>(what: &str, s: &str) -> Result<C, PlonkError> {
    let bytes = from_hex(what, s)?;
    C::read(&mut bytes.as_slice(), SerdeFormat::RawBytesUnchecked)
        .ok()
        .filter(|p: &C| bool::from(p.is_on_curve()))
        .ok_or_else(|| PlonkError::Key(format!("{what} is not a curve point")))
}

impl PlonkVerifierKey {
    /// The key of `vk` under `params`, whose proofs are `proof_length` bytes.
    pub fn new(params: &KzgParams, vk: &PlonkVerifyingKey, proof_length: usize, insecure_setup: bool) -> Self {
        Self {
            system: "plonk".into(),
            k: params.k(),
            vk: to_hex(&vk_bytes(vk)),
            g1: to_hex(&point_bytes(&params.get_g()[0])),
            g2: to_hex(&point_bytes(&params.g2())),
            s_g2: to_hex(&point_bytes(&params.s_g2())),
            proof_length,
            insecure_setup,
        }
    }

    /// halo2's verifying key; its `k` must be the file's.
    pub fn verifying_key(&self) -> Result<PlonkVerifyingKey, PlonkError> {
        let bytes = from_hex("vk", &self.vk)?;
        let k = vk_k(&bytes)?;
        if k != self.k {
            return Err(PlonkError::Key(format!("\"k\" is {} but the halo2 key in \"vk\" is for k = {k}", self.k)));
        }
        vk_from_bytes(&bytes)
    }

    /// KZG parameters holding only what verification reads (`[1]₁`, `[1]₂`, `[τ]₂`).
    pub fn verifier_params(&self) -> Result<KzgParams, PlonkError> {
        let g1: G1Affine = read_point("g1", &self.g1)?;
        let g2: G2Affine = read_point("g2", &self.g2)?;
        let s_g2: G2Affine = read_point("s_g2", &self.s_g2)?;
        Ok(crate::srs::params_from_parts(self.k, vec![g1], Some(vec![g1]), g2, s_g2))
    }

    /// Whether the key's `[τ]₂` is that of the development parameters of `seed` (τ public: its
    /// proofs prove nothing), whatever its `insecure_setup` says.
    pub fn uses_dev_params(&self, seed: u64) -> Result<bool, PlonkError> {
        Ok(crate::srs::is_dev_s_g2(&read_point("s_g2", &self.s_g2)?, seed))
    }

    /// SHA-256 of the halo2 key bytes: the key's identity (its first 4 bytes are the selector).
    pub fn hash(&self) -> Result<[u8; 32], PlonkError> {
        use sha2::{Digest, Sha256};
        Ok(Sha256::digest(from_hex("vk", &self.vk)?).into())
    }

    /// Checks `proof` for the public input, as the EVM verifier does.
    pub fn verify(&self, public: ark_bn254::Fr, proof: &[u8]) -> Result<(), PlonkError> {
        if proof.len() != self.proof_length {
            return Err(PlonkError::InvalidProof(format!(
                "{} bytes where this key's proofs have {}",
                proof.len(),
                self.proof_length
            )));
        }
        verify(&self.verifier_params()?, &self.verifying_key()?, crate::to_halo2(&public), proof)
    }

    /// snark-verifier's Solidity verifier for this key.
    pub fn snark_verifier_solidity(&self) -> Result<String, PlonkError> {
        crate::evm::snark_verifier_solidity(&self.verifier_params()?, &self.verifying_key()?)
    }

    /// The key as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A key from [`Self::to_json`]'s output; checks every field.
    pub fn from_json(json: &str) -> Result<Self, PlonkError> {
        crate::prover::cpu_supported()?;
        let key: Self =
            serde_json::from_str(json).map_err(|e| PlonkError::Key(format!("not a PLONK verifying key: {e}")))?;
        if key.system != "plonk" {
            return Err(PlonkError::Key(format!("system is {:?}, not \"plonk\"", key.system)));
        }
        key.verifying_key()?;
        key.verifier_params()?;
        Ok(key)
    }
}
