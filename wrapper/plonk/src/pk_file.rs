//! Proving keys on disk, so that a circuit's keys are generated once per parameters.
//!
//! A file is a 128-byte header and halo2's raw encoding of the key:
//!
//! ```text
//! "cairn-plonk-pk01" (16 bytes) · circuit digest (32) · parameters id (32) ·
//! payload length (u64, little-endian) · SHA-256 of the payload (32) · 8 zero bytes · payload
//! ```
//!
//! halo2 reads its keys with `unwrap`s (a truncated or altered key would panic), so the payload's
//! hash is checked before halo2 sees a byte of it; the header binds the key to the circuit and
//! the KZG parameters it was made for.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use halo2_proofs::halo2curves::bn256::G1Affine;
use halo2_proofs::plonk::ProvingKey;
use halo2_proofs::halo2curves::group::GroupEncoding;
use halo2_proofs::poly::commitment::{Params, ParamsProver};
use halo2_proofs::SerdeFormat;
use sha2::{Digest, Sha256};

use crate::circuit::CairnCircuit;
use crate::error::PlonkError;
use crate::prover::{cpu_supported, KzgParams, PlonkProvingKey};

const MAGIC: &[u8; 16] = b"cairn-plonk-pk01";
const HEADER: usize = 128;

/// The identity of KZG parameters as far as keys are concerned: SHA-256 of `k`, the first two
/// G1 powers and `[1]₂`, `[τ]₂` (other τ or another size, another id).
pub fn params_id(params: &KzgParams) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"cairn-plonk-params-id-v1");
    h.update(params.k().to_le_bytes());
    for p in params.get_g().iter().take(2) {
        h.update(p.to_bytes());
    }
    h.update(params.g2().to_bytes());
    h.update(params.s_g2().to_bytes());
    h.finalize().into()
}

/// Counts and hashes what passes through to the file.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    len: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn header(circuit: &[u8; 32], params: &[u8; 32], len: u64, hash: &[u8; 32]) -> [u8; HEADER] {
    let mut h = [0u8; HEADER];
    h[..16].copy_from_slice(MAGIC);
    h[16..48].copy_from_slice(circuit);
    h[48..80].copy_from_slice(params);
    h[80..88].copy_from_slice(&len.to_le_bytes());
    h[88..120].copy_from_slice(hash);
    h
}

/// Writes `pk`, made for the circuit `circuit` (its [`crate::circuit_digest`]) under `params`,
/// to `path` (streamed: the key is not copied in memory).
pub fn write_proving_key(
    pk: &PlonkProvingKey,
    circuit: &[u8; 32],
    params: &KzgParams,
    path: &Path,
) -> Result<(), PlonkError> {
    let io = |cause| PlonkError::Io { what: format!("PLONK proving key {}", path.display()), cause };
    let mut file = File::create(path).map_err(io)?;
    file.write_all(&[0u8; HEADER]).map_err(io)?;
    let mut out = Hashing { inner: BufWriter::with_capacity(1 << 20, file), hash: Sha256::new(), len: 0 };
    pk.write(&mut out, SerdeFormat::RawBytes).map_err(io)?;
    out.flush().map_err(io)?;
    let Hashing { inner, hash, len } = out;
    let mut file = inner.into_inner().map_err(|e| io(e.into_error()))?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    file.write_all(&header(circuit, &params_id(params), len, &hash.finalize().into())).map_err(io)?;
    file.sync_all().map_err(io)
}

/// Reads the proving key at `path`, which must have been written by [`write_proving_key`] for
/// the circuit `circuit` (its [`crate::circuit_digest`]) under `params`. A file for another
/// circuit or other parameters, truncated or altered, is an error naming what is wrong.
pub fn read_proving_key(path: &Path, circuit: &[u8; 32], params: &KzgParams) -> Result<PlonkProvingKey, PlonkError> {
    cpu_supported()?;
    let what = || format!("PLONK proving key {}", path.display());
    let io = |cause| PlonkError::Io { what: what(), cause };
    let bad = |why: &str| PlonkError::BadFile(format!("PLONK proving key {}: {why}", path.display()));
    let mut file = File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let mut h = [0u8; HEADER];
    if size < HEADER as u64 {
        return Err(bad("shorter than its header (truncated?)"));
    }
    file.read_exact(&mut h).map_err(io)?;
    if &h[..16] != MAGIC {
        return Err(bad("not a Cairn PLONK proving key file"));
    }
    if h[16..48] != circuit[..] {
        return Err(bad("made for another circuit"));
    }
    if h[48..80] != params_id(params)[..] {
        return Err(bad("made with other KZG parameters"));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&h[80..88]);
    if size - HEADER as u64 != u64::from_le_bytes(len) {
        return Err(bad(&format!("{} bytes of key where the header says {}", size - HEADER as u64, u64::from_le_bytes(len))));
    }
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut hash = Sha256::new();
    std::io::copy(&mut reader, &mut hash).map_err(io)?;
    if hash.finalize()[..] != h[88..120] {
        return Err(bad("its contents do not match their hash (altered or damaged)"));
    }
    let mut file = reader.into_inner();
    file.seek(SeekFrom::Start(HEADER as u64)).map_err(io)?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    // The payload is the one we wrote (its hash matched): halo2's reader only fails on
    // files written by another halo2 version, and those are refused here, not panicked on.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ProvingKey::<G1Affine>::read::<_, CairnCircuit>(&mut reader, SerdeFormat::RawBytes, ())
    }));
    match read {
        Ok(Ok(pk)) => Ok(pk),
        Ok(Err(source)) => Err(io(source)),
        Err(_) => Err(bad("halo2 could not decode the key (written by another version?)")),
    }
}
