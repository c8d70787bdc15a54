//! Wrapping an `outer` STARK proof in a Groth16 proof over BN254.
//!
//! [`ProverClient::wrap_groth16`] verifies the STARK, derives the verifier circuit's shape and
//! witness from it (`cairn_wrapper::witness`), finds or makes the Groth16 keys for that
//! circuit, proves, and checks the result natively before returning it. The circuit depends on
//! the proof's trace heights (one circuit per shape until recursion gives one fixed shape), so
//! keys live in a [`KeyCache`] under the SHA-256 of the circuit's `.r1cs` encoding.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cairn_groth16::{
    dev_setup, import_zkey_file, parse_proof_bytes, proof_bytes, r1cs_digest, selector, vk_hash, Groth16Keys,
    Groth16VerifyingKey,
};
use cairn_machine::{Claim, Machine};
use cairn_stark::{read_file, write_file, ConfigId, FileKind, Profile, ProofBody, Val};
use cairn_wrapper::circuit::StarkVerifierCircuit;
use cairn_wrapper::identity::public_input_fr;
use cairn_wrapper::witness::generate;
use rand_core::OsRng;
use sha2::{Digest, Sha256};

use crate::client::hex;
use crate::{CairnProof, PreparedVerifyingKey, ProverClient, SdkError, SnarkProof, SnarkSystem};

/// Seed of the default development setup. Public, so the keys are **insecure** by design.
pub const DEV_SETUP_SEED: [u8; 32] = *b"cairn insecure dev setup seed v1";

/// Where the Groth16 keys come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Groth16Setup {
    /// A deterministic development setup from `seed`: **insecure**, anyone who knows the
    /// seed can forge proofs.
    Dev {
        /// The seed.
        seed: [u8; 32],
    },
    /// A snarkjs phase-2 `.zkey` made for this circuit's `.r1cs` (see `cairn wrap
    /// --export-r1cs`).
    Zkey(PathBuf),
}

impl Default for Groth16Setup {
    fn default() -> Self {
        Self::Dev { seed: DEV_SETUP_SEED }
    }
}

impl Groth16Setup {
    /// The cache file name of the keys this setup gives.
    fn cache_name(&self) -> Result<String, SdkError> {
        Ok(match self {
            Self::Dev { seed } => format!("dev-{}.keys", hex(&Sha256::digest(seed)[..8])),
            Self::Zkey(path) => {
                let bytes = std::fs::read(path).map_err(|e| io_err("read", path, e))?;
                format!("zkey-{}.keys", hex(&Sha256::digest(bytes)[..8]))
            }
        })
    }
}

/// Options of [`ProverClient::wrap_groth16`].
#[derive(Clone, Debug, Default)]
pub struct WrapOptions {
    /// Where the keys come from.
    pub setup: Groth16Setup,
    /// Wrap proofs made with an insecure profile (`test`); refused otherwise.
    pub allow_insecure_profile: bool,
}

/// A wrapped proof with its verifying key and what it cost.
#[derive(Clone, Debug)]
pub struct WrappedGroth16 {
    /// The proof, ready for `verifyProof`.
    pub proof: SnarkProof,
    /// The Groth16 verifying key it verifies under.
    pub vk: Groth16VerifyingKey,
    /// SHA-256 of the circuit's `.r1cs` encoding (the key cache's index).
    pub circuit_digest: [u8; 32],
    /// R1CS constraints of the circuit.
    pub constraints: usize,
    /// Time per step.
    pub timings: WrapTimings,
}

/// Time per wrapping step.
#[derive(Clone, Copy, Debug, Default)]
pub struct WrapTimings {
    /// Verifying the STARK and deriving the circuit's shape and witness.
    pub witness: Duration,
    /// Building the circuit without values to hash it.
    pub digest: Duration,
    /// Loading cached keys, or the setup when none were cached.
    pub keys: Duration,
    /// Whether the keys were made (not loaded) in this call.
    pub setup_performed: bool,
    /// The Groth16 prover (synthesis with values, witness map, MSMs).
    pub prove: Duration,
}

/// Keys on disk: proving keys by circuit digest and setup, verifying keys by VERIFIER_HASH.
///
/// Layout: `<dir>/groth16/<circuit digest>/<setup>.keys` (a Cairn file of kind
/// [`FileKind::Groth16Keys`]) and `<dir>/groth16/vk/<verifier hash>.json` (snarkjs JSON); for
/// PLONK, `<dir>/plonk/srs/dev-<seed>-k<k>.params` (development KZG parameters),
/// `<dir>/plonk/<circuit digest>/<parameters id>.pk` (proving keys, `cairn_plonk::pk_file`)
/// and `<dir>/plonk/vk/<verifier hash>.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyCache {
    dir: PathBuf,
}

impl KeyCache {
    /// A cache rooted at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `$CAIRN_CACHE_DIR`, else `$XDG_CACHE_HOME/cairn`, else `$HOME/.cache/cairn`.
    pub fn default_location() -> Result<Self, SdkError> {
        let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        var("CAIRN_CACHE_DIR")
            .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("cairn")))
            .or_else(|| var("HOME").map(|d| d.join(".cache").join("cairn")))
            .map(Self::new)
            .ok_or_else(|| SdkError::Io("no cache directory: set CAIRN_CACHE_DIR or HOME".into()))
    }

    /// The root directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn keys_path(&self, circuit: &[u8; 32], setup: &Groth16Setup) -> Result<PathBuf, SdkError> {
        Ok(self.dir.join("groth16").join(hex(circuit)).join(setup.cache_name()?))
    }

    fn vk_path(&self, verifier_hash: &[u8; 32]) -> PathBuf {
        self.dir.join("groth16").join("vk").join(format!("{}.json", hex(verifier_hash)))
    }

    fn load_keys(&self, path: &Path) -> Result<Option<Groth16Keys>, SdkError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err("read", path, e)),
        };
        let (_, keys) = read_file::<Groth16Keys>(&bytes, FileKind::Groth16Keys)?;
        Ok(Some(keys))
    }

    fn store_keys(&self, path: &Path, keys: &Groth16Keys, profile: &Profile) -> Result<(), SdkError> {
        let bytes = write_file(FileKind::Groth16Keys, ConfigId::Outer, profile, keys)?;
        write_atomically(path, &bytes)?;
        self.store_vk(&keys.verifying_key())
    }

    /// Records `vk` under its VERIFIER_HASH, so proofs made with it can be verified by hash.
    pub fn store_vk(&self, vk: &Groth16VerifyingKey) -> Result<(), SdkError> {
        let path = self.vk_path(&vk_hash(vk));
        write_atomically(&path, cairn_groth16::to_snarkjs_vk_json(vk).as_bytes())
    }

    /// The verifying key whose VERIFIER_HASH is `verifier_hash`, if this cache has it.
    pub fn find_vk(&self, verifier_hash: &[u8; 32]) -> Result<Option<Groth16VerifyingKey>, SdkError> {
        let path = self.vk_path(verifier_hash);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err("read", &path, e)),
        };
        let vk = cairn_groth16::from_snarkjs_vk_json(&text).map_err(SdkError::Groth16)?;
        if vk_hash(&vk) != *verifier_hash {
            return Err(SdkError::Io(format!("{}: the key's hash is not its file name", path.display())));
        }
        Ok(Some(vk))
    }
}

impl ProverClient {
    /// Wraps an `outer` STARK proof in a Groth16 proof: verifies `proof` against `vk`, builds
    /// the verifier circuit for its shape, gets keys from `cache` (making them with
    /// `options.setup` when missing), proves, and verifies the Groth16 proof natively.
    pub fn wrap_groth16(
        &self,
        proof: &CairnProof,
        vk: &PreparedVerifyingKey,
        options: &WrapOptions,
        cache: &KeyCache,
    ) -> Result<WrappedGroth16, SdkError> {
        let mut timings = WrapTimings::default();
        let start = Instant::now();
        let profile = vk.vk().profile()?;
        let circuit = self.wrap_circuit(proof, vk, options.allow_insecure_profile)?;
        let shape = circuit.shape().clone();
        timings.witness = start.elapsed();

        let start = Instant::now();
        let (circuit_digest, info) = {
            let _span = tracing::info_span!("wrap circuit digest").entered();
            r1cs_digest(StarkVerifierCircuit::new(shape.clone(), None))?
        };
        timings.digest = start.elapsed();
        tracing::info!(constraints = info.num_constraints, circuit = %hex(&circuit_digest), "wrap circuit");

        let start = Instant::now();
        let path = cache.keys_path(&circuit_digest, &options.setup)?;
        let keys = match cache.load_keys(&path)? {
            Some(keys) => keys,
            None => {
                let _span = tracing::info_span!("groth16 setup").entered();
                let blank = StarkVerifierCircuit::new(shape.clone(), None);
                let keys = match &options.setup {
                    Groth16Setup::Dev { seed } => dev_setup(blank, *seed)?,
                    Groth16Setup::Zkey(zkey) => import_zkey_file(zkey, blank)?,
                };
                cache.store_keys(&path, &keys, &profile)?;
                timings.setup_performed = true;
                keys
            }
        };
        if let Some(warning) = keys.security_warning() {
            tracing::warn!("{warning}");
        }
        timings.keys = start.elapsed();

        let start = Instant::now();
        let groth16 = {
            let _span = tracing::info_span!("groth16 prove").entered();
            cairn_groth16::prove(&keys, circuit, &mut OsRng)?
        };
        timings.prove = start.elapsed();

        let gvk = keys.verifying_key();
        let public = public_input_fr(&proof.program_vkey, &proof.public_values_digest());
        cairn_groth16::verify(&gvk, &groth16, public)?;
        let snark = SnarkProof {
            system: SnarkSystem::Groth16,
            program_vkey: proof.program_vkey,
            public_values: proof.public_values.clone(),
            verifier_hash: vk_hash(&gvk),
            proof_bytes: proof_bytes(&groth16, selector(&gvk)),
            insecure_setup: keys.insecure_dev_setup,
        };
        Ok(WrappedGroth16 { proof: snark, vk: gvk, circuit_digest, constraints: info.num_constraints, timings })
    }

    /// The verifier circuit for `proof`, with its values: checks that `proof` is an `outer`
    /// proof of an allowed profile and verifies it against `vk` first, so a circuit is only
    /// ever built for a valid proof.
    pub fn wrap_circuit(
        &self,
        proof: &CairnProof,
        vk: &PreparedVerifyingKey,
        allow_insecure_profile: bool,
    ) -> Result<StarkVerifierCircuit, SdkError> {
        let profile = vk.vk().profile()?;
        if proof.stark.config != ConfigId::Outer {
            return Err(SdkError::Wrap(format!(
                "only proofs in the outer configuration can be wrapped; this one is {} (prove with --config outer)",
                proof.stark.config
            )));
        }
        if profile.is_insecure() && !allow_insecure_profile {
            return Err(SdkError::Wrap(format!(
                "the proof was made with the insecure `{}` profile; wrapping it needs an explicit opt-in \
                 (--insecure-test-params)",
                profile.name
            )));
        }
        vk.verify(proof)?;
        let ProofBody::Outer(batch) = &proof.stark.body else {
            return Err(SdkError::Wrap("the proof body is not an outer batch proof".into()));
        };
        let claim = Claim { start_pc: vk.vk().program.entry, exit_code: 0, digest: proof.public_values_digest() };
        let public_values: Vec<Vec<Val>> = Machine::public_values(&claim);
        let _span = tracing::info_span!("wrap witness").entered();
        let (shape, witness) = generate(vk.machine().airs(), batch, &public_values, &profile)
            .map_err(|e| SdkError::Wrap(e.to_string()))?;
        Ok(StarkVerifierCircuit::new(shape, Some(witness)))
    }

    /// Checks a Groth16 [`SnarkProof`] against `vk`: the proof names this key, its selector
    /// matches, and the pairing check holds for the public input derived from the proof's
    /// program key and public values. Does what `CairnVerifierGroth16.verifyProof` does.
    pub fn verify_groth16(&self, proof: &SnarkProof, vk: &Groth16VerifyingKey) -> Result<(), SdkError> {
        if proof.system != SnarkSystem::Groth16 {
            return Err(SdkError::Wrap(format!("a {} proof is not a Groth16 proof", proof.system)));
        }
        let hash = vk_hash(vk);
        if proof.verifier_hash != hash {
            return Err(SdkError::Wrap(format!(
                "the proof names verifying key 0x{}, not 0x{}",
                hex(&proof.verifier_hash),
                hex(&hash)
            )));
        }
        let groth16 = parse_proof_bytes(&proof.proof_bytes, selector(vk))?;
        let public = public_input_fr(&proof.program_vkey, &proof.public_values_digest());
        Ok(cairn_groth16::verify(vk, &groth16, public)?)
    }
}

pub(crate) fn io_err(what: &str, path: &Path, e: std::io::Error) -> SdkError {
    SdkError::Io(format!("cannot {what} {}: {e}", path.display()))
}

/// Writes `bytes` to a temporary file beside `path` and renames it, so that a crash never
/// leaves a truncated key in the cache.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SdkError> {
    write_atomically_with(path, |tmp| std::fs::write(tmp, bytes).map_err(|e| io_err("write", tmp, e)))
}

/// Writes `path` through a temporary file beside it (renamed into place once `write` has
/// succeeded, removed when it fails), so a reader never sees a partial file.
pub(crate) fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), SdkError>,
) -> Result<(), SdkError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_err("create", parent, e))?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if let Err(e) = write(&tmp) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).map_err(|e| io_err("rename", &tmp, e))
}
