//! KZG parameters, keys, SHPLONK proofs with the Keccak (EVM) transcript, and their check.

use std::sync::Arc;

use halo2_proofs::halo2curves::bn256::{Bn256, Fr as H2Fr, G1Affine};
use halo2_proofs::plonk::{create_proof, keygen_pk, keygen_vk, verify_proof, ProvingKey, VerifyingKey};
use halo2_proofs::poly::commitment::{Params, ParamsProver};
use halo2_proofs::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_proofs::poly::kzg::multiopen::{ProverSHPLONK, VerifierSHPLONK};
use halo2_proofs::poly::kzg::strategy::SingleStrategy;
use halo2_proofs::transcript::{TranscriptReadBuffer, TranscriptWriterBuffer};
use halo2_proofs::SerdeFormat;
use sha2::{Digest, Sha256};
use snark_verifier::loader::native::NativeLoader;
use snark_verifier::system::halo2::transcript::evm::EvmTranscript;

use crate::builder::{Layout, LOOKUP_BITS};
use crate::circuit::CairnCircuit;
use crate::error::PlonkError;

/// KZG parameters (powers of τ in G1, Lagrange basis, `[1]₂`, `[τ]₂`).
pub type KzgParams = ParamsKZG<Bn256>;
/// A proving key of the Cairn circuit.
pub type PlonkProvingKey = ProvingKey<G1Affine>;
/// A verifying key of the Cairn circuit.
pub type PlonkVerifyingKey = VerifyingKey<G1Affine>;

/// Rows halo2 keeps for blinding and its last-row checks, with room to spare.
const RESERVED_ROWS: usize = 16;

/// Refuses CPUs the field arithmetic cannot run on. On x86-64 the BN254 arithmetic is
/// halo2curves' assembly (`mulx`, `adcx`, `adox`: about 17 % faster proving), which needs the
/// BMI2 and ADX extensions (every x86-64 CPU since 2013–2015); without them it would stop on an
/// illegal instruction, so every entry point of this crate that computes checks first.
pub fn cpu_supported() -> Result<(), PlonkError> {
    #[cfg(target_arch = "x86_64")]
    if !(std::arch::is_x86_feature_detected!("bmi2") && std::arch::is_x86_feature_detected!("adx")) {
        return Err(PlonkError::UnsupportedCpu);
    }
    Ok(())
}

/// log2 of the rows the circuit of `layout` needs (at least the lookup table's 2^16).
pub fn required_k(layout: &Layout) -> u32 {
    let rows = layout.rows.len().max(1 << LOOKUP_BITS) + RESERVED_ROWS;
    rows.next_power_of_two().trailing_zeros()
}

/// The circuit's identity: SHA-256 of its rows, gate coefficients, copy constraints and public
/// cell. Keys are cached under it.
pub fn circuit_digest(layout: &Layout) -> [u8; 32] {
    use ark_ff::{BigInteger, PrimeField};
    let mut h = Sha256::new();
    h.update(b"cairn-plonk-layout-v2");
    h.update((layout.patterns.len() as u64).to_le_bytes());
    for p in &layout.patterns {
        for q in p {
            h.update(q.into_bigint().to_bytes_le());
        }
    }
    h.update((layout.rows.len() as u64).to_le_bytes());
    for row in &layout.rows {
        for c in row.cells {
            h.update(c.to_le_bytes());
        }
        h.update(row.pattern.to_le_bytes());
        h.update([u8::from(row.lookup)]);
    }
    h.update((layout.copies.len() as u64).to_le_bytes());
    for (a, b) in &layout.copies {
        h.update(a.to_le_bytes());
        h.update(b.to_le_bytes());
    }
    h.update(layout.public_cell.unwrap_or(u32::MAX).to_le_bytes());
    h.finalize().into()
}

/// Proving and verifying keys of a circuit under `params`.
pub fn keygen(params: &KzgParams, layout: Arc<Layout>) -> Result<PlonkProvingKey, PlonkError> {
    cpu_supported()?;
    let needed = required_k(&layout);
    if params.k() < needed {
        return Err(PlonkError::ParamsTooSmall { needed, available: params.k() });
    }
    let circuit = CairnCircuit::new(layout, None);
    let halo2 = |e: halo2_proofs::plonk::Error| PlonkError::Halo2 { stage: "key generation", message: e.to_string() };
    let vk = keygen_vk(params, &circuit).map_err(halo2)?;
    keygen_pk(params, vk, &circuit).map_err(halo2)
}

/// A SHPLONK proof of `circuit` with the public input `public`, Fiat-Shamir by Keccak as the
/// EVM verifier replays it.
pub fn prove(
    params: &KzgParams,
    pk: &PlonkProvingKey,
    circuit: CairnCircuit,
    public: H2Fr,
) -> Result<Vec<u8>, PlonkError> {
    cpu_supported()?;
    let mut transcript = TranscriptWriterBuffer::<_, G1Affine, _>::init(Vec::new());
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, EvmTranscript<_, _, _, _>, _>(
        params,
        pk,
        &[circuit],
        &[&[&[public]]],
        rand_core::OsRng,
        &mut transcript,
    )
    .map_err(|e| PlonkError::Halo2 { stage: "proving", message: e.to_string() })?;
    Ok(transcript.finalize())
}

/// Checks a proof natively, as the EVM verifier does; the proof must be consumed exactly.
pub fn verify(params: &KzgParams, vk: &PlonkVerifyingKey, public: H2Fr, proof: &[u8]) -> Result<(), PlonkError> {
    cpu_supported()?;
    let mut stream: &[u8] = proof;
    let mut transcript: EvmTranscript<G1Affine, NativeLoader, &mut &[u8], Vec<u8>> =
        TranscriptReadBuffer::<_, G1Affine, _>::init(&mut stream);
    verify_proof::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<'_, Bn256>, _, _, _>(
        params.verifier_params(),
        vk,
        SingleStrategy::new(params),
        &[&[&[public]]],
        &mut transcript,
    )
    .map_err(|e| PlonkError::InvalidProof(e.to_string()))?;
    drop(transcript);
    if !stream.is_empty() {
        return Err(PlonkError::InvalidProof(format!("{} bytes after the proof", stream.len())));
    }
    Ok(())
}

/// A verifying key's bytes (halo2's raw format); their SHA-256 is the key's identity.
pub fn vk_bytes(vk: &PlonkVerifyingKey) -> Vec<u8> {
    vk.to_bytes(SerdeFormat::RawBytes)
}

/// The largest `k` this crate reads keys for. Reading a halo2 key builds its evaluation domain,
/// FFT tables of `2^(k+2)` points (about 9 GB at `k = 24`), and halo2 stops at `k + 2 > 28`;
/// Cairn's wrap circuit is `k = 20` (production profile), and `2^23` rows is already more than a 24 GiB machine proves.
pub const MAX_K: u32 = 23;

/// The `k` a halo2 verifying key's bytes declare (byte 0 is the version, then `k` as a
/// little-endian `u32`), checked against [`MAX_K`] before anything is built from it.
pub fn vk_k(bytes: &[u8]) -> Result<u32, PlonkError> {
    let k =
        bytes.get(1..5).and_then(|b| <[u8; 4]>::try_from(b).ok()).map(u32::from_le_bytes).ok_or_else(|| {
            PlonkError::Key(format!("the halo2 key is {} bytes, too short to hold its k", bytes.len()))
        })?;
    if k > MAX_K {
        return Err(PlonkError::Key(format!("the halo2 key is for 2^{k} rows; this build reads keys up to 2^{MAX_K}")));
    }
    Ok(k)
}

/// A verifying key from [`vk_bytes`].
pub fn vk_from_bytes(bytes: &[u8]) -> Result<PlonkVerifyingKey, PlonkError> {
    vk_k(bytes)?;
    VerifyingKey::from_bytes::<CairnCircuit>(bytes, SerdeFormat::RawBytes, ())
        .map_err(|cause| PlonkError::Io { what: "PLONK verifying key".into(), cause })
}
