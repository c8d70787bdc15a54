//! KZG parameters from a powers-of-τ ceremony made by snarkjs (an independent implementation):
//! a circuit proves and verifies with them, `read_params` takes the `.ptau` directly, and a
//! damaged or reordered ceremony file is refused with an error naming the fault.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use ark_bn254::Fr;
use cairn_binfile::BinFile;
use cairn_plonk::{
    keygen, params_from_ptau, read_params, required_k, to_halo2, write_params, CairnCircuit, KzgParams, PlonkError,
    PlonkVerifierKey,
};

mod common;
use common::{refused, square_plus};

/// The smallest ceremony our circuits fit: the range table alone is 2^16 rows.
const POWER: u32 = 17;

fn snarkjs(dir: &Path, args: &[&str]) {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/.bin/snarkjs");
    assert!(bin.exists(), "snarkjs not found at {}: run `bash script/setup.sh`", bin.display());
    let out = Command::new(bin).args(args).current_dir(dir).output().unwrap();
    assert!(
        out.status.success(),
        "snarkjs {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A ceremony of `power` with one contribution (τ unknown to us).
fn ceremony(dir: &Path, power: u32) -> PathBuf {
    let power = power.to_string();
    snarkjs(dir, &["powersoftau", "new", "bn128", &power, "pot0.ptau"]);
    snarkjs(
        dir,
        &["powersoftau", "contribute", "pot0.ptau", "pot1.ptau", "--name=cairn test", "-e=cairn test entropy"],
    );
    dir.join("pot1.ptau")
}

#[test]
fn a_snarkjs_ceremony_gives_parameters_that_prove_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let ptau = ceremony(dir.path(), POWER);

    let (layout, values, public) = square_plus(5, 16);
    let layout = Arc::new(layout);
    let k = required_k(&layout);
    assert_eq!(k, POWER);

    let params = params_from_ptau(&ptau, k).unwrap();
    let pk = keygen(&params, layout.clone()).unwrap();
    let circuit = CairnCircuit::new(layout, Some(Arc::new(values)));
    let proof = cairn_plonk::prove(&params, &pk, circuit, to_halo2(&public)).unwrap();
    let key = PlonkVerifierKey::new(&params, pk.get_vk(), proof.len(), false);
    key.verify(public, &proof).unwrap();
    assert!(key.verify(public + Fr::from(1u64), &proof).is_err());

    refused(params_from_ptau(&ptau, POWER + 1), "2^18 rows but the KZG parameters have 2^17");
    // read_params takes the .ptau too (the same conversion; refused here before its slow part).
    refused(read_params(&ptau, POWER + 1), "2^18 rows but the KZG parameters have 2^17");
    let bytes = std::fs::read(&ptau).unwrap();
    let g1 = BinFile::open(Cursor::new(&bytes), b"ptau", &[1]).unwrap().section(2).unwrap().offset as usize;
    let with = |edit: &dyn Fn(&mut Vec<u8>)| edited(dir.path(), &bytes, k, edit);
    // A coordinate changed: off the curve.
    refused(with(&|b| b[g1 + 64 * 9 + 7] ^= 1), "[τ^9]₁ is not a curve point");
    // Two powers swapped: every point is valid, the sequence is not.
    refused(with(&|b| swap_points(b, g1 + 64 * 3, g1 + 64 * 4)), "not the powers of the τ of [τ]₂");
    refused(with(&|b| b.truncate(b.len() - 1)), "runs past the end of the file");
    refused(with(&|b| b[0] = b'x'), "bad magic");
}

/// [`params_from_ptau`] on a copy of the ceremony `bytes` changed by `edit`.
fn edited(dir: &Path, bytes: &[u8], k: u32, edit: &dyn Fn(&mut Vec<u8>)) -> Result<KzgParams, PlonkError> {
    let mut b = bytes.to_vec();
    edit(&mut b);
    let path = dir.join("damaged.ptau");
    std::fs::write(&path, &b).unwrap();
    params_from_ptau(&path, k)
}

/// Swaps the G1 points at byte offsets `a < b`.
fn swap_points(bytes: &mut [u8], a: usize, b: usize) {
    let (low, high) = bytes.split_at_mut(b);
    low[a..a + 64].swap_with_slice(&mut high[..64]);
}

/// halo2's raw bytes of `params`.
fn raw(dir: &Path, params: &KzgParams) -> Vec<u8> {
    let path = dir.join("params.bin");
    write_params(params, &path).unwrap();
    std::fs::read(path).unwrap()
}

/// A prepared ceremony's Lagrange bases (read, checked and re-indexed for halo2's root of unity)
/// give byte for byte the parameters halo2's FFT computes from the powers alone, at the
/// ceremony's power and below it (another place in section 12); a damaged or reordered basis is
/// refused.
#[test]
fn a_prepared_ceremony_gives_the_same_parameters_without_the_fft() {
    let dir = tempfile::tempdir().unwrap();
    let plain = ceremony(dir.path(), 10);
    snarkjs(dir.path(), &["powersoftau", "prepare", "phase2", "pot1.ptau", "final.ptau"]);
    let prepared = dir.path().join("final.ptau");
    for k in [8, 10] {
        let computed = raw(dir.path(), &params_from_ptau(&plain, k).unwrap());
        let read = raw(dir.path(), &params_from_ptau(&prepared, k).unwrap());
        assert!(computed == read, "k = {k}: the prepared ceremony's parameters differ from halo2's");
    }

    // Checked before any size arithmetic (a shift by k, a multiplication by the point size).
    refused(params_from_ptau(&prepared, 64), "FFT domains of at most 2^28 points");
    refused(params_from_ptau(&prepared, 29), "FFT domains of at most 2^28 points");

    let bytes = std::fs::read(&prepared).unwrap();
    let bases = BinFile::open(Cursor::new(&bytes), b"ptau", &[1]).unwrap().section(12).unwrap().offset as usize;
    let basis = bases + 64 * ((1 << 10) - 1); // the 2^10-point basis
    let with = |edit: &dyn Fn(&mut Vec<u8>)| edited(dir.path(), &bytes, 10, edit);
    refused(with(&|b| b[basis + 64 * 5 + 3] ^= 1), "[L_5(τ)]₁ is not a curve point");
    refused(
        with(&|b| swap_points(b, basis + 64 * 3, basis + 64 * 4)),
        "its Lagrange basis (section 12) is not that of its powers of τ",
    );
    // A point of another size's basis in ours: valid, and wrong.
    refused(
        with(&|b| b.copy_within(bases..bases + 64, basis + 64 * 7)),
        "its Lagrange basis (section 12) is not that of its powers of τ",
    );
}
