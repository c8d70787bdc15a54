//! Proving keys on disk: a key read back proves what the generated one proves, and a file for
//! another circuit or other parameters, truncated, altered or foreign, is refused with an error
//! (halo2 itself would panic on a damaged key).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;

use cairn_plonk::{
    circuit_digest, dev_params, keygen, read_proving_key, required_k, to_halo2, write_proving_key, CairnCircuit,
    PlonkVerifierKey,
};

mod common;
use common::{refused, square_plus};

#[test]
fn proving_keys_survive_the_disk_and_damaged_ones_are_refused() {
    let (layout, values, public) = square_plus(7, 16);
    let layout = Arc::new(layout);
    let k = required_k(&layout);
    let params = dev_params(k, 1);
    let digest = circuit_digest(&layout);
    let pk = keygen(&params, layout.clone()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("circuit.pk");
    write_proving_key(&pk, &digest, &params, &path).unwrap();

    // The key read back proves; its proofs verify under the generated key's verifying key.
    let read = read_proving_key(&path, &digest, &params).unwrap();
    let circuit = CairnCircuit::new(layout.clone(), Some(Arc::new(values)));
    let proof = cairn_plonk::prove(&params, &read, circuit, to_halo2(&public)).unwrap();
    let original = PlonkVerifierKey::new(&params, pk.get_vk(), proof.len(), true);
    let reloaded = PlonkVerifierKey::new(&params, read.get_vk(), proof.len(), true);
    assert_eq!(original, reloaded);
    original.verify(public, &proof).unwrap();

    // Bound to its circuit and its parameters.
    let (other_layout, _, _) = square_plus(7, 8);
    assert_ne!(circuit_digest(&other_layout), digest);
    refused(read_proving_key(&path, &circuit_digest(&other_layout), &params), "made for another circuit");
    refused(read_proving_key(&path, &digest, &dev_params(k, 2)), "made with other KZG parameters");
    refused(read_proving_key(&path, &digest, &dev_params(k + 1, 1)), "made with other KZG parameters");

    // Damaged files: every kind is named, none reaches halo2's panicking reader.
    let bytes = std::fs::read(&path).unwrap();
    let damaged = dir.path().join("damaged.pk");
    let with = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut b = bytes.clone();
        edit(&mut b);
        std::fs::write(&damaged, &b).unwrap();
        read_proving_key(&damaged, &digest, &params)
    };
    for at in [128, 200, bytes.len() / 2, bytes.len() - 1] {
        refused(with(&|b| b[at] ^= 1), "altered or damaged");
    }
    refused(with(&|b| b[100] ^= 1), "altered or damaged");
    refused(with(&|b| b.truncate(bytes.len() - 1)), "where the header says");
    refused(with(&|b| b.extend_from_slice(&[0; 32])), "where the header says");
    refused(with(&|b| b.truncate(64)), "shorter than its header");
    refused(with(&|b| b[0] ^= 1), "not a Cairn PLONK proving key file");
    refused(read_proving_key(&dir.path().join("none.pk"), &digest, &params), "none.pk");
}
