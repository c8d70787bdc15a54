//! The generator's tests, on a genuine Groth16 proof of a one-constraint circuit (`w · 1 = x`)
//! whose public input is Cairn's for a made-up program key and 64 bytes of public values.
//! The Foundry test compiles the generated Solidity with solc 0.8.30 (warnings are errors) and
//! checks the proof on the EVM.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError, Variable};
use cairn_groth16::{
    dev_setup, fr_from_be, proof_bytes, prove, selector, verify, vk_hash, Fr, Groth16VerifyingKey,
};
use cairn_solidity::{
    cairn_verifier_groth16, foundry_fixture, foundry_project, groth16_verifier, write_fixtures,
    Fixture, SolidityError, REGENERATE_COMMAND,
};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use rollup_types::Transition;
use sha2::{Digest, Sha256};

/// `w · 1 = x` for the one public input `x` and a witness `w`.
#[derive(Clone, Copy)]
struct Equal(Option<Fr>);

impl ConstraintSynthesizer<Fr> for Equal {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let value = || self.0.ok_or(SynthesisError::AssignmentMissing);
        let x = cs.new_input_variable(value)?;
        let w = cs.new_witness_variable(value)?;
        cs.enforce_r1cs_constraint(|| w.into(), || Variable::One.into(), || x.into())
    }
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// The SNARK public input as DESIGN.md defines it (and `cairn_wrapper::identity` computes it):
/// `sha256(programVKey ‖ sha256(publicValues))` with the top 3 bits cleared.
fn public_input(program_vkey: &[u8; 32], public_values: &[u8]) -> Fr {
    let mut input = sha256(&[program_vkey, &sha256(&[public_values])]);
    input[0] &= 0x1f;
    fr_from_be(&input, "public input").unwrap()
}

/// The synthetic key and fixture (deterministic: fixed setup seed and prover randomness).
fn synthetic() -> &'static (Groth16VerifyingKey, Fixture) {
    static SYNTHETIC: OnceLock<(Groth16VerifyingKey, Fixture)> = OnceLock::new();
    SYNTHETIC.get_or_init(|| {
        let mut program_vkey = sha256(&[b"cairn-solidity synthetic program"]);
        program_vkey[0] &= 0x1f;
        let old_root = sha256(&[b"cairn-solidity synthetic genesis root"]);
        let new_root = sha256(&[b"cairn-solidity synthetic root after one batch"]);
        let public_values = Transition { old_root, new_root }.to_bytes().to_vec();
        let x = public_input(&program_vkey, &public_values);
        let keys = dev_setup(Equal(None), [0x5e; 32]).unwrap();
        let proof = prove(
            &keys,
            Equal(Some(x)),
            &mut ChaCha20Rng::from_seed([0x11; 32]),
        )
        .unwrap();
        let vk = keys.verifying_key();
        verify(&vk, &proof, x).unwrap();
        let fixture = Fixture {
            program_vkey,
            public_values,
            proof_bytes: proof_bytes(&proof, selector(&vk)),
            verifier_hash: vk_hash(&vk),
        };
        (vk, fixture)
    })
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn output_is_deterministic_and_carries_the_key_hash() {
    let (vk, fixture) = synthetic();
    let hash = format!("0x{}", hex::encode(vk_hash(vk)));
    let comment = format!("// VERIFIER_HASH (sha256 of the key's EVM encoding): {hash}\n");
    for generate in [groth16_verifier, cairn_verifier_groth16] {
        let source = generate(vk).unwrap();
        assert_eq!(source, generate(&vk.clone()).unwrap());
        assert!(source.starts_with("// SPDX-License-Identifier: MIT OR Apache-2.0\n"));
        assert!(source.contains(&comment), "no hash comment in\n{source}");
        assert!(source.contains("pragma solidity ^0.8.20;"));
        assert!(!source.contains("${"));
    }
    let cairn = cairn_verifier_groth16(vk).unwrap();
    assert!(cairn.contains(&format!(
        "bytes32 private constant _VERIFIER_HASH = {hash};"
    )));
    // Another key, another verifier.
    let other = dev_setup(Equal(None), [0x5f; 32]).unwrap().verifying_key();
    assert_ne!(
        groth16_verifier(&other).unwrap(),
        groth16_verifier(vk).unwrap()
    );
    let library = foundry_fixture("CairnFixture", fixture, "the test").unwrap();
    assert_eq!(
        library,
        foundry_fixture("CairnFixture", fixture, "the test").unwrap()
    );
}

#[test]
fn the_verifier_embeds_the_negated_key() {
    let (vk, _) = synthetic();
    let source = groth16_verifier(vk).unwrap();
    let g2 = cairn_groth16::g2_to_evm(&-vk.0.delta_g2);
    let first = format!("DELTA_NEG_X1 = 0x{};", hex::encode(&g2[..32]));
    let last = format!("DELTA_NEG_Y0 = 0x{};", hex::encode(&g2[96..]));
    assert!(source.contains(&first) && source.contains(&last));
    let q = "0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";
    let r = "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
    assert!(source.contains(&format!("uint256 internal constant Q = {q};")));
    assert!(source.contains(&format!("uint256 internal constant R = {r};")));
}

#[test]
fn keys_need_exactly_one_public_input() {
    let (vk, _) = synthetic();
    for n in [1, 3] {
        let mut other = vk.clone();
        other.0.gamma_abc_g1.resize(n, vk.0.gamma_abc_g1[0]);
        for generate in [groth16_verifier, cairn_verifier_groth16] {
            assert!(matches!(
                generate(&other),
                Err(SolidityError::PublicInputCount { found }) if found == n - 1
            ));
        }
    }
}

#[test]
fn fixture_library() {
    let (_, fixture) = synthetic();
    let library = foundry_fixture("RollupFixture", fixture, REGENERATE_COMMAND).unwrap();
    assert!(library.contains("// Generated by cairn-solidity; do not edit. Regenerate with: "));
    assert!(library.contains(REGENERATE_COMMAND));
    assert!(library.contains("library RollupFixture {"));
    let vkey = format!(
        "bytes32 internal constant PROGRAM_VKEY = 0x{};",
        hex::encode(fixture.program_vkey)
    );
    let proof = format!(
        "bytes internal constant PROOF_BYTES = hex\"{}\";",
        hex::encode(&fixture.proof_bytes)
    );
    assert!(library.contains(&vkey) && library.contains(&proof));
    let empty = Fixture {
        public_values: vec![],
        ..fixture.clone()
    };
    let library = foundry_fixture("Empty_$1", &empty, "x").unwrap();
    assert!(library.contains("bytes internal constant PUBLIC_VALUES = hex\"\";"));
    for bad in ["", "1Fixture", "My Fixture", "Fixture;", "Fixtüre"] {
        assert!(matches!(
            foundry_fixture(bad, fixture, "x"),
            Err(SolidityError::InvalidIdentifier(name)) if name == bad
        ));
    }
}

#[test]
fn fixtures_must_match_the_key() {
    let (vk, fixture) = synthetic();
    let dir = tempfile::tempdir().unwrap();
    let wrong_hash = Fixture {
        verifier_hash: [7; 32],
        ..fixture.clone()
    };
    assert!(matches!(
        write_fixtures(dir.path(), vk, &wrong_hash),
        Err(SolidityError::VerifierHashMismatch { .. })
    ));
    let mut wrong_selector = fixture.clone();
    wrong_selector.proof_bytes[0] ^= 1;
    let mut short = fixture.clone();
    short.proof_bytes.pop();
    for bad in [wrong_selector, short] {
        assert!(matches!(
            foundry_project(&dir.path().join("p"), vk, &bad),
            Err(SolidityError::MalformedProof(_))
        ));
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing is written on error"
    );
}

#[test]
fn write_fixtures_layout() {
    let (vk, fixture) = synthetic();
    let dir = tempfile::tempdir().unwrap();
    let written = write_fixtures(dir.path(), vk, fixture).unwrap();
    let names: Vec<_> = written
        .iter()
        .map(|p| p.strip_prefix(dir.path()).unwrap().to_owned())
        .collect();
    let expected = [
        "contracts/generated/Groth16Verifier.sol",
        "contracts/generated/CairnVerifierGroth16.sol",
        "test/fixtures/CairnFixture.sol",
        "test/generated/CairnVerifier.t.sol",
    ];
    assert_eq!(names, expected.map(PathBuf::from));
    // Rewriting is allowed and gives the same bytes.
    let before: Vec<_> = written.iter().map(|p| std::fs::read(p).unwrap()).collect();
    write_fixtures(dir.path(), vk, fixture).unwrap();
    let after: Vec<_> = written.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert_eq!(before, after);
}

#[test]
fn foundry_project_needs_an_empty_directory() {
    let (vk, fixture) = synthetic();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    assert!(matches!(
        foundry_project(dir.path(), vk, fixture),
        Err(SolidityError::DirectoryNotEmpty(_))
    ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );
}

/// `forge` from the repository's npm install, or `None` (with a message) when it is missing.
fn forge() -> Option<PathBuf> {
    let forge = repo_root().join("node_modules/.bin/forge");
    if forge.exists() {
        return Some(forge);
    }
    eprintln!(
        "SKIPPED: {} is missing (run script/setup.sh); the generated Solidity was not compiled",
        forge.display()
    );
    None
}

#[test]
fn foundry_project_compiles_without_warnings_and_verifies_the_proof() {
    let Some(forge) = forge() else { return };
    let (vk, fixture) = synthetic();
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("verifier");
    let written = foundry_project(&project, vk, fixture).unwrap();
    assert!(written.contains(&project.join("src/generated/CairnVerifierGroth16.sol")));
    let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
    assert!(readme.contains("cairn deploy-verifier"));
    // solc is the repository's offline solcjs wrapper; the project's foundry.toml names 0.8.30.
    let output = Command::new(&forge)
        .args(["test", "-vv"])
        .current_dir(&project)
        .env("FOUNDRY_SOLC", repo_root().join("script/solc"))
        .env("FOUNDRY_OFFLINE", "true")
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "forge test failed:\n{log}");
    assert!(
        !log.to_lowercase().contains("warning"),
        "solc or forge-lint warned:\n{log}"
    );
    assert!(log.contains("Compiler run successful"), "{log}");
    for test in [
        "test_FixtureVerifies()",
        "test_FixtureVerifiesThroughGateway()",
        "test_Revert_WhenProofTampered()",
        "test_Revert_WhenPublicValuesAltered()",
    ] {
        assert!(
            log.contains(&format!("[PASS] {test}")),
            "{test} did not pass:\n{log}"
        );
    }
}
