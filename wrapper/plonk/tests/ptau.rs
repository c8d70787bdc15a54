//! KZG parameters from a powers-of-τ ceremony made by snarkjs (an independent implementation):
//! a circuit proves and verifies with them, `read_params` takes the `.ptau` directly, and a
//! damaged or reordered ceremony file is refused with an error naming the fault.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use ark_bn254::Fr;
use cairn_plonk::{
    keygen, params_from_ptau, read_params, required_k, to_halo2, CairnCircuit, PlonkBuilder, PlonkError,
    PlonkVerifierKey,
};
use cairn_wrapper::CircuitBuilder;

/// The smallest ceremony our circuits fit: the range table alone is 2^16 rows.
const POWER: u32 = 17;

fn snarkjs(dir: &Path, args: &[&str]) {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/.bin/snarkjs");
    assert!(bin.exists(), "snarkjs not found at {}: run `bash script/setup.sh`", bin.display());
    let out = Command::new(bin).args(args).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "snarkjs {args:?}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// A ceremony of power [`POWER`] with one contribution (τ unknown to us).
fn ceremony(dir: &Path) -> PathBuf {
    let power = POWER.to_string();
    snarkjs(dir, &["powersoftau", "new", "bn128", &power, "pot0.ptau"]);
    snarkjs(dir, &["powersoftau", "contribute", "pot0.ptau", "pot1.ptau", "--name=cairn test", "-e=cairn test entropy"]);
    dir.join("pot1.ptau")
}

/// Byte offset of section `id`'s data in a snarkjs binary file.
fn section(bytes: &[u8], id: u32) -> usize {
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let mut at = 12;
    for _ in 0..u32_at(8) {
        let size = u64::from_le_bytes(bytes[at + 4..at + 12].try_into().unwrap()) as usize;
        if u32_at(at) == id {
            return at + 12;
        }
        at += 12 + size;
    }
    panic!("no section {id}");
}

fn refused(result: Result<impl Sized, PlonkError>, why: &str) {
    match result {
        Ok(_) => panic!("accepted a ceremony that is {why}"),
        Err(e) => assert!(e.to_string().contains(why), "{e} (expected: {why})"),
    }
}

#[test]
fn a_snarkjs_ceremony_gives_parameters_that_prove_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let ptau = ceremony(dir.path());

    let mut b = PlonkBuilder::new();
    let x = b.witness(Some(Fr::from(5u64)));
    let sq = b.mul(&x, &x);
    b.range_check(&sq, 16);
    let public = b.public_input(Some(Fr::from(25u64)));
    b.assert_eq(&public, &sq);
    let (layout, values) = b.finish();
    let layout = Arc::new(layout);
    let k = required_k(&layout);
    assert_eq!(k, POWER);

    let params = params_from_ptau(&ptau, k).unwrap();
    let pk = keygen(&params, layout.clone()).unwrap();
    let circuit = CairnCircuit::new(layout, Some(Arc::new(values)));
    let proof = cairn_plonk::prove(&params, &pk, circuit, to_halo2(&Fr::from(25u64))).unwrap();
    let key = PlonkVerifierKey::new(&params, pk.get_vk(), proof.len(), false);
    key.verify(Fr::from(25u64), &proof).unwrap();
    assert!(key.verify(Fr::from(26u64), &proof).is_err());

    refused(params_from_ptau(&ptau, POWER + 1), "2^18 rows but the KZG parameters have 2^17");
    // read_params takes the .ptau too (the same conversion; refused here before its slow part).
    refused(read_params(&ptau, POWER + 1), "2^18 rows but the KZG parameters have 2^17");
    let bytes = std::fs::read(&ptau).unwrap();
    let g1 = section(&bytes, 2);
    let damaged = dir.path().join("damaged.ptau");
    let with = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut b = bytes.clone();
        edit(&mut b);
        std::fs::write(&damaged, &b).unwrap();
        params_from_ptau(&damaged, k)
    };
    // A coordinate changed: off the curve.
    refused(with(&|b| b[g1 + 64 * 9 + 7] ^= 1), "[τ^9]₁ is not a curve point");
    // Two powers swapped: every point is valid, the sequence is not.
    refused(
        with(&|b| {
            let (three, four) = (g1 + 64 * 3, g1 + 64 * 4);
            let p3: Vec<u8> = b[three..four].to_vec();
            b.copy_within(four..four + 64, three);
            b[four..four + 64].copy_from_slice(&p3);
        }),
        "not the powers of the τ of [τ]₂",
    );
    refused(with(&|b| b.truncate(b.len() - 1)), "runs past the end of the file");
    refused(with(&|b| b[0] = b'x'), "bad magic");
}
