//! Wrapping an `outer` STARK proof in a PLONK proof (halo2, KZG over BN254).
//!
//! [`ProverClient::wrap_plonk`] verifies the STARK, records the verifier circuit as a PLONK
//! layout with its values (checking every row, so a STARK proof that does not verify is never
//! proven), loads or makes KZG parameters, loads the proving key from the cache or generates it
//! (once per circuit and parameters), proves with SHPLONK (Keccak transcript, as the EVM
//! verifier replays it) and checks the proof natively. PLONK needs no
//! circuit-specific ceremony: one set of KZG parameters serves every circuit of its size.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use cairn_plonk::{
    circuit_digest, dev_params, keygen, params_id, prove, read_params, read_proving_key, required_k, synthesize,
    to_halo2, write_params, write_proving_key, KzgParams, Layout, PlonkProvingKey, PlonkVerifierKey,
};
use cairn_wrapper::identity::public_input_fr;

use crate::client::hex;
use crate::wrap::{io_err, write_atomically, write_atomically_with};
use crate::{CairnProof, KeyCache, PreparedVerifyingKey, ProverClient, SdkError, SnarkProof, SnarkSystem, WrapTimings};

/// Seed of the default development KZG parameters. Public, so they are **insecure** by design.
pub const DEV_SRS_SEED: u64 = 0x6361_6972_6e5f_7372; // "cairn_sr"

/// Where the KZG parameters come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlonkSetup {
    /// Development parameters from a public seed (τ known: **insecure**), cached per size.
    Dev {
        /// The seed τ is derived from.
        seed: u64,
    },
    /// Parameters from a file in halo2's raw `ParamsKZG` format (e.g. derived from a public
    /// powers-of-τ ceremony), at least as large as the circuit.
    Params(PathBuf),
}

impl Default for PlonkSetup {
    fn default() -> Self {
        Self::Dev { seed: DEV_SRS_SEED }
    }
}

/// Options of [`ProverClient::wrap_plonk`].
#[derive(Clone, Debug, Default)]
pub struct PlonkWrapOptions {
    /// Where the KZG parameters come from.
    pub setup: PlonkSetup,
    /// Wrap proofs made with an insecure profile (`test`); refused otherwise.
    pub allow_insecure_profile: bool,
}

/// A PLONK-wrapped proof with its verifying key and what it cost.
#[derive(Clone, Debug)]
pub struct WrappedPlonk {
    /// The proof, ready for `verifyProof`.
    pub proof: SnarkProof,
    /// The verifying key (with the KZG verifier points) it verifies under.
    pub vk: PlonkVerifierKey,
    /// SHA-256 of the circuit's layout.
    pub circuit_digest: [u8; 32],
    /// Rows of the circuit (gates and lookups).
    pub rows: usize,
    /// log2 of the rows halo2 commits to.
    pub k: u32,
    /// Time per step (`keys`: parameters and key generation).
    pub timings: WrapTimings,
}

impl KeyCache {
    fn plonk_dev_params_path(&self, seed: u64, k: u32) -> PathBuf {
        self.dir().join("plonk").join("srs").join(format!("dev-{seed:016x}-k{k}.params"))
    }

    fn plonk_vk_path(&self, verifier_hash: &[u8; 32]) -> PathBuf {
        self.dir().join("plonk").join("vk").join(format!("{}.json", hex(verifier_hash)))
    }

    /// Records a PLONK key under its VERIFIER_HASH, so its proofs can be verified by hash.
    pub fn store_plonk_vk(&self, key: &PlonkVerifierKey) -> Result<(), SdkError> {
        write_atomically(&self.plonk_vk_path(&key.hash()?), key.to_json().as_bytes())
    }

    /// The PLONK key whose VERIFIER_HASH is `verifier_hash`, if this cache has it.
    pub fn find_plonk_vk(&self, verifier_hash: &[u8; 32]) -> Result<Option<PlonkVerifierKey>, SdkError> {
        let path = self.plonk_vk_path(verifier_hash);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err("read", &path, e)),
        };
        let key = PlonkVerifierKey::from_json(&text)?;
        if key.hash()? != *verifier_hash {
            return Err(SdkError::Io(format!("{}: the key's hash is not its file name", path.display())));
        }
        Ok(Some(key))
    }

    /// KZG parameters for `2^k` rows: development ones from the cache (made and stored when
    /// missing), or read from the given file.
    fn plonk_params(&self, setup: &PlonkSetup, k: u32) -> Result<(KzgParams, bool), SdkError> {
        cairn_plonk::cpu_supported()?;
        match setup {
            PlonkSetup::Params(path) => Ok((read_params(path, k)?, false)),
            PlonkSetup::Dev { seed } => {
                let path = self.plonk_dev_params_path(*seed, k);
                if path.exists() {
                    return Ok((read_params(&path, k)?, true));
                }
                let params = {
                    let _span = tracing::info_span!("development KZG parameters", k).entered();
                    dev_params(k, *seed)
                };
                write_atomically_with(&path, |tmp| Ok(write_params(&params, tmp)?))?;
                Ok((params, true))
            }
        }
    }

    fn plonk_pk_path(&self, circuit: &[u8; 32], params: &KzgParams) -> PathBuf {
        self.dir().join("plonk").join(hex(circuit)).join(format!("{}.pk", hex(&params_id(params)[..8])))
    }

    /// The proving key of the circuit `layout` under `params`: read from the cache, or
    /// generated and stored (a key that cannot be stored is only a warning). Returns whether it
    /// was generated.
    pub fn plonk_proving_key(
        &self,
        params: &KzgParams,
        layout: &Arc<Layout>,
    ) -> Result<(PlonkProvingKey, bool), SdkError> {
        let circuit = &circuit_digest(layout);
        let path = self.plonk_pk_path(circuit, params);
        if path.exists() {
            let _span = tracing::info_span!("plonk keys from the cache").entered();
            return Ok((read_proving_key(&path, circuit, params)?, false));
        }
        let pk = {
            let _span = tracing::info_span!("plonk keys").entered();
            keygen(params, layout.clone())?
        };
        if let Err(e) = write_atomically_with(&path, |tmp| Ok(write_proving_key(&pk, circuit, params, tmp)?)) {
            tracing::warn!("the PLONK proving key was not cached: {e}");
        }
        Ok((pk, true))
    }
}

impl ProverClient {
    /// Wraps an `outer` STARK proof in a PLONK proof: verifies `proof` against `vk`, records the
    /// verifier circuit with its values (every row checked), gets KZG parameters
    /// (`options.setup`, development ones cached in `cache`), loads or generates the proving key
    /// (cached by circuit digest and parameters), proves, and verifies the PLONK proof natively.
    /// The verifying key is stored in `cache` by hash.
    pub fn wrap_plonk(
        &self,
        proof: &CairnProof,
        vk: &PreparedVerifyingKey,
        options: &PlonkWrapOptions,
        cache: &KeyCache,
    ) -> Result<WrappedPlonk, SdkError> {
        let mut timings = WrapTimings::default();
        let start = Instant::now();
        let circuit = self.wrap_circuit(proof, vk, options.allow_insecure_profile)?;
        let synthesized = {
            let _span = tracing::info_span!("plonk layout").entered();
            synthesize(circuit.shape(), circuit.witness())?
        };
        synthesized.check()?;
        timings.witness = start.elapsed();
        let start = Instant::now();
        let digest = circuit_digest(&synthesized.layout);
        let k = required_k(&synthesized.layout);
        timings.digest = start.elapsed();
        tracing::info!(rows = synthesized.layout.rows.len(), k, circuit = %hex(&digest), "plonk circuit");

        let start = Instant::now();
        let (params, insecure_setup) = cache.plonk_params(&options.setup, k)?;
        if insecure_setup {
            tracing::warn!(
                "INSECURE: development KZG parameters (τ derived from a public seed); anyone can forge proofs for this key"
            );
        }
        let (pk, generated) = cache.plonk_proving_key(&params, &synthesized.layout)?;
        timings.keys = start.elapsed();
        timings.setup_performed = generated;

        let start = Instant::now();
        let public = public_input_fr(&proof.program_vkey, &proof.public_values_digest());
        let bytes = {
            let _span = tracing::info_span!("plonk prove").entered();
            prove(&params, &pk, synthesized.circuit(), to_halo2(&public))?
        };
        timings.prove = start.elapsed();

        let key = PlonkVerifierKey::new(&params, pk.get_vk(), bytes.len(), insecure_setup);
        key.verify(public, &bytes)?;
        let verifier_hash = key.hash()?;
        cache.store_plonk_vk(&key)?;
        let mut proof_bytes = verifier_hash[..4].to_vec();
        proof_bytes.extend_from_slice(&bytes);
        let snark = SnarkProof {
            system: SnarkSystem::Plonk,
            program_vkey: proof.program_vkey,
            public_values: proof.public_values.clone(),
            verifier_hash,
            proof_bytes,
            insecure_setup,
        };
        Ok(WrappedPlonk { proof: snark, vk: key, circuit_digest: digest, rows: synthesized.layout.rows.len(), k, timings })
    }

    /// Checks a PLONK-wrapped proof as `CairnVerifierPlonk` does: the key's hash, the selector,
    /// the length, the public input from the program key and public values, the proof.
    pub fn verify_plonk(&self, proof: &SnarkProof, key: &PlonkVerifierKey) -> Result<(), SdkError> {
        if proof.system != SnarkSystem::Plonk {
            return Err(SdkError::Wrap(format!("a {} proof is not a PLONK proof", proof.system)));
        }
        let hash = key.hash()?;
        if proof.verifier_hash != hash {
            return Err(SdkError::Wrap(format!(
                "the proof names verifying key 0x{}, not 0x{}",
                hex(&proof.verifier_hash),
                hex(&hash)
            )));
        }
        let Some((selector, bytes)) = proof.proof_bytes.split_first_chunk::<4>() else {
            return Err(SdkError::Wrap("proofBytes is shorter than its 4-byte selector".into()));
        };
        if selector[..] != hash[..4] {
            return Err(SdkError::Wrap(format!("proofBytes starts with selector 0x{}, not 0x{}", hex(selector), hex(&hash[..4]))));
        }
        let public = public_input_fr(&proof.program_vkey, &proof.public_values_digest());
        Ok(key.verify(public, bytes)?)
    }
}

/// Reads a PLONK verifying key file (`plonk_vk.json`).
pub fn read_plonk_vk(path: &Path) -> Result<PlonkVerifierKey, SdkError> {
    let text = std::fs::read_to_string(path).map_err(|e| io_err("read", path, e))?;
    Ok(PlonkVerifierKey::from_json(&text)?)
}
