//! Regenerates the repository's on-chain fixtures from the real pipeline:
//! `cargo test -p cairn-solidity --test regenerate -- --ignored`.
//!
//! The toy-rollup guest (`zkvm/examples/rollup`) runs one batch of transfers; its run is proven
//! in the `outer` configuration with the TEST profile (test-size parameters) and wrapped with
//! Groth16 under the deterministic development setup. Written:
//! - `contracts/generated/*.sol` and `test/fixtures/CairnFixture.sol`, `test/generated/*`
//!   (the verifier for that key, the proof as Solidity constants) for `forge test`;
//! - `test/fixtures/rollup.groth16` (the wrapped proof) and `test/fixtures/rollup_groth16_vk.json`
//!   (the key, snarkjs JSON) for the deploy/submit end-to-end test against anvil.
//!
//! `regenerate_plonk` does the same for PLONK; `regenerate_contracts` only rewrites
//! `contracts/generated/` from the committed keys (after a change to the generator), which
//! `contracts_are_generated_from_the_committed_keys` checks in every test run. Each wrap also
//! records its circuit's digest (`test/fixtures/rollup_*.circuit`), so that
//! `fixtures_are_from_the_current_guest_and_circuits` notices a guest or circuit change that
//! was not followed by a regeneration (the committed key and proof would still match each other).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn_sdk::{ConfigId, Inputs, KeyCache, PlonkWrapOptions, Profile, ProverClient, WrapOptions};
use cairn_solidity::{write_fixtures, write_plonk_fixtures, Fixture};
use cairn_wrapper::circuit::StarkVerifierCircuit;
use rollup_types::{Address, Transfer, Transition};

fn account(n: u8) -> Address {
    let mut a = [0u8; 20];
    a[0] = 0xca;
    a[19] = n;
    a
}

/// The repository's root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The repository's `test/fixtures`.
fn fixtures() -> PathBuf {
    repo().join("test/fixtures")
}

/// The file recording the digest of the circuit a fixture's key was made for.
fn circuit_file(system: &str) -> PathBuf {
    fixtures().join(format!("rollup_{system}.circuit"))
}

/// Records the digest of the circuit `system`'s fixture key was made for (hex, one line).
fn record_circuit(system: &str, digest: &[u8; 32]) {
    std::fs::write(circuit_file(system), format!("{}\n", hex::encode(digest))).unwrap();
}

/// The digest [`record_circuit`] recorded, as hex.
fn recorded_circuit(system: &str) -> String {
    std::fs::read_to_string(circuit_file(system)).unwrap().trim().to_owned()
}

/// The rollup batch's outer TEST-profile proof, its proving key and the client.
fn rollup_proof() -> (ProverClient, cairn_sdk::ProvingKey, cairn_sdk::CairnProof) {
    let elf = std::fs::read(cairn_build::build_example("rollup").unwrap()).unwrap();
    let client = ProverClient::new().with_config(ConfigId::Outer).with_profile(Profile::TEST);
    let (pk, _) = client.setup(&elf).unwrap();
    let state: BTreeMap<Address, u64> = (1..=3).map(|n| (account(n), 500 * u64::from(n))).collect();
    let batch = vec![
        Transfer { from: account(3), to: account(1), amount: 700 },
        Transfer { from: account(1), to: account(9), amount: 1_000 },
    ];
    let mut inputs = Inputs::new();
    inputs.write(&state).unwrap().write(&batch).unwrap();
    let stark = client.prove(&pk, &inputs).unwrap();
    assert!(Transition::from_bytes(&stark.public_values).is_some(), "the rollup commits oldRoot ‖ newRoot");
    (client, pk, stark)
}

#[test]
#[ignore = "rewrites fixtures in the repository (proves and wraps the rollup guest, ~2 min)"]
fn regenerate() {
    let root = repo();
    let (client, pk, stark) = rollup_proof();
    let cache = KeyCache::new(root.join("target/cairn-fixture-keys"));
    let options = WrapOptions { allow_insecure_profile: true, ..WrapOptions::default() };
    let wrapped = client.wrap_groth16(&stark, &pk.prepared_vk().unwrap(), &options, &cache).unwrap();
    let proof = &wrapped.proof;
    client.verify_groth16(proof, &wrapped.vk).unwrap();

    let fixture = Fixture {
        program_vkey: proof.program_vkey,
        public_values: proof.public_values.clone(),
        proof_bytes: proof.proof_bytes.clone(),
        verifier_hash: proof.verifier_hash,
    };
    for path in write_fixtures(&root, &wrapped.vk, &fixture).unwrap() {
        println!("wrote {}", path.display());
    }
    let dir = fixtures();
    proof.save(&Profile::TEST, &dir.join("rollup.groth16")).unwrap();
    std::fs::write(dir.join("rollup_groth16_vk.json"), cairn_groth16::to_snarkjs_vk_json(&wrapped.vk)).unwrap();
    record_circuit("groth16", &wrapped.circuit_digest);
    println!("wrote {}/rollup.groth16 and rollup_groth16_vk.json ({} constraints)", dir.display(), wrapped.constraints);
}

#[test]
#[ignore = "rewrites the PLONK fixtures in the repository (proves and wraps the rollup guest, ~5 min)"]
fn regenerate_plonk() {
    let root = repo();
    let (client, pk, stark) = rollup_proof();
    let cache = KeyCache::new(root.join("target/cairn-fixture-keys"));
    let options = PlonkWrapOptions { allow_insecure_profile: true, ..PlonkWrapOptions::default() };
    let wrapped = client.wrap_plonk(&stark, &pk.prepared_vk().unwrap(), &options, &cache).unwrap();
    let proof = &wrapped.proof;
    client.verify_plonk(proof, &wrapped.vk).unwrap();
    let fixture = Fixture {
        program_vkey: proof.program_vkey,
        public_values: proof.public_values.clone(),
        proof_bytes: proof.proof_bytes.clone(),
        verifier_hash: proof.verifier_hash,
    };
    let code = wrapped.vk.snark_verifier_solidity().unwrap();
    let written = write_plonk_fixtures(&root, &code, &proof.verifier_hash, wrapped.vk.proof_length, &fixture).unwrap();
    for path in written {
        println!("wrote {}", path.display());
    }
    let dir = fixtures();
    proof.save(&Profile::TEST, &dir.join("rollup.plonk")).unwrap();
    std::fs::write(dir.join("rollup_plonk_vk.json"), wrapped.vk.to_json()).unwrap();
    record_circuit("plonk", &wrapped.circuit_digest);
    println!("wrote {}/rollup.plonk and rollup_plonk_vk.json ({} rows, k = {})", dir.display(), wrapped.rows, wrapped.k);
}

/// The generated contracts as the generator makes them from the committed keys
/// (`test/fixtures/rollup_groth16_vk.json`, `rollup_plonk_vk.json`), by repository path.
fn contracts_of_committed_keys() -> Vec<(&'static str, String)> {
    let json = std::fs::read_to_string(fixtures().join("rollup_groth16_vk.json")).unwrap();
    let groth16 = cairn_groth16::from_snarkjs_vk_json(&json).unwrap();
    let json = std::fs::read_to_string(fixtures().join("rollup_plonk_vk.json")).unwrap();
    let plonk = cairn_sdk::PlonkVerifierKey::from_json(&json).unwrap();
    let code = plonk.snark_verifier_solidity().unwrap();
    vec![
        ("contracts/generated/Groth16Verifier.sol", cairn_solidity::groth16_verifier(&groth16).unwrap()),
        ("contracts/generated/CairnVerifierGroth16.sol", cairn_solidity::cairn_verifier_groth16(&groth16).unwrap()),
        (
            "contracts/generated/CairnVerifierPlonk.sol",
            cairn_solidity::cairn_verifier_plonk(&code, &plonk.hash().unwrap(), plonk.proof_length).unwrap(),
        ),
    ]
}

/// The committed contracts are what the generator makes of the committed keys (after a change
/// to the generator or its templates: `regenerate_contracts`).
#[test]
fn contracts_are_generated_from_the_committed_keys() {
    let root = repo();
    for (path, generated) in contracts_of_committed_keys() {
        let committed = std::fs::read_to_string(root.join(path)).unwrap();
        assert!(
            committed == generated,
            "{path} is stale: run `cargo test -p cairn-solidity --test regenerate -- --ignored regenerate_contracts`"
        );
    }
}

/// The committed fixtures come from today's guest and today's wrap circuits: the rollup batch
/// proven afresh has the fixtures' program key and public values, and its Groth16 and PLONK
/// circuits have the digests recorded when the fixtures' keys were made. Shape only: no setup,
/// no SNARK proving.
#[test]
fn fixtures_are_from_the_current_guest_and_circuits() {
    let stale = "run `cargo test -p cairn-solidity --test regenerate -- --ignored regenerate`";
    let (client, pk, stark) = rollup_proof();
    for file in ["rollup.groth16", "rollup.plonk"] {
        let (_, fixture) = cairn_sdk::SnarkProof::load(&fixtures().join(file)).unwrap();
        let (fixture_key, guest_key) = (hex::encode(fixture.program_vkey), hex::encode(stark.program_vkey));
        assert_eq!(fixture_key, guest_key, "{file} is for another build of the guest: {stale}");
        assert_eq!(fixture.public_values, stark.public_values, "{file} has other public values: {stale}");
    }
    let circuit = client.wrap_circuit(&stark, &pk.prepared_vk().unwrap(), true).unwrap();
    let (groth16, _) = cairn_groth16::r1cs_digest(StarkVerifierCircuit::new(circuit.shape().clone(), None)).unwrap();
    let plonk = cairn_plonk::circuit_digest(&cairn_plonk::synthesize(circuit.shape(), None).unwrap().layout);
    for (system, digest) in [("groth16", groth16), ("plonk", plonk)] {
        assert_eq!(
            recorded_circuit(system),
            hex::encode(digest),
            "the {system} wrap circuit changed since its fixtures: {stale}"
        );
    }
}

#[test]
#[ignore = "rewrites contracts/generated/*.sol from the committed keys (no proving)"]
fn regenerate_contracts() {
    let root = repo();
    for (path, generated) in contracts_of_committed_keys() {
        std::fs::write(root.join(path), generated).unwrap();
        println!("wrote {path}");
    }
}

/// The PLONK generator rewrites only code shaped as snark-verifier 0.2.7 emits it: a verifier
/// that reads its calldata otherwise, or lacks a piece it relies on, is refused.
#[test]
fn plonk_generator_refuses_unexpected_verifier_code() {
    let key = cairn_sdk::PlonkVerifierKey::from_json(
        &std::fs::read_to_string(fixtures().join("rollup_plonk_vk.json")).unwrap(),
    )
    .unwrap();
    let code = key.snark_verifier_solidity().unwrap();
    let hash = key.hash().unwrap();
    assert!(cairn_solidity::cairn_verifier_plonk(&code, &hash, key.proof_length).is_ok());
    let edits: [(&str, &str); 5] = [
        ("mod(calldataload(0x0), f_q)", "mod(calldataload(0x40), f_q)"),
        ("let data := mload(0x40)", "let data := mload(0x60)"),
        ("if iszero(success) { revert(0, 0) }", "if iszero(success) { revert(0, 1) }"),
        ("calldataload(0x20)", "calldataload(0x10)"),
        ("return(0, 0)", "calldatacopy(0, 0, calldatasize()) return(0, 0)"),
    ];
    for (from, to) in edits {
        assert!(code.contains(from), "{from}");
        let edited = code.replacen(from, to, 1);
        assert!(cairn_solidity::cairn_verifier_plonk(&edited, &hash, key.proof_length).is_err(), "{from} → {to}");
    }
}
