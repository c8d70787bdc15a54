//! Writing generated contracts and fixtures: into this repository, or as a new standalone
//! Foundry project.

use std::path::{Path, PathBuf};

use cairn_groth16::{parse_proof_bytes, selector, vk_hash, Groth16VerifyingKey};

use crate::fixture::one_line;
use crate::verifier::{fill, word};
use crate::{cairn_verifier_groth16, foundry_fixture, groth16_verifier, Fixture, SolidityError};

/// The command that rewrites the repository's generated contracts and fixtures
/// ([`write_fixtures`]), named in their headers.
pub const REGENERATE_COMMAND: &str = "cargo test -p cairn-solidity --test regenerate -- --ignored";

/// The name of the fixture library in both layouts.
const FIXTURE_LIBRARY: &str = "CairnFixture";

/// The repository's hand-written files that a standalone project carries unchanged.
const SHARED_FILES: [(&str, &str); 4] = [
    (
        "src/ICairnVerifier.sol",
        include_str!("../../../contracts/ICairnVerifier.sol"),
    ),
    (
        "src/CairnVerifierBase.sol",
        include_str!("../../../contracts/CairnVerifierBase.sol"),
    ),
    (
        "src/CairnVerifierGateway.sol",
        include_str!("../../../contracts/CairnVerifierGateway.sol"),
    ),
    (
        "test/utils/Test.sol",
        include_str!("../../../test/utils/Test.sol"),
    ),
];

/// A standalone project's files that are templates (`${VERIFIER_HASH}` filled in).
const PROJECT_TEMPLATES: [(&str, &str); 3] = [
    (
        "foundry.toml",
        include_str!("../templates/project/foundry.toml"),
    ),
    (".gitignore", include_str!("../templates/project/gitignore")),
    ("README.md", include_str!("../templates/project/README.md")),
];

/// The Foundry test of the fixture (`${SRC}`, `${VERIFIER_HASH}`, `${REGENERATE}`).
const FIXTURE_TEST: &str = include_str!("../templates/CairnVerifier.t.sol");

/// Writes the contracts generated for `vk` (`contracts/generated/Groth16Verifier.sol` and
/// `CairnVerifierGroth16.sol`), `fixture` as `library CairnFixture`
/// (`test/fixtures/CairnFixture.sol`) and its Foundry test (`test/generated/CairnVerifier.t.sol`:
/// the fixture verifies directly and through a gateway, tampering reverts) under `repo_root`,
/// replacing what is there. Returns the paths written.
///
/// The fixture must have been made with `vk`: its VERIFIER_HASH must be the key's and its
/// `proofBytes` a well-formed proof with the key's selector (the pairing check is left to the
/// Foundry tests).
pub fn write_fixtures(
    repo_root: &Path,
    vk: &Groth16VerifyingKey,
    fixture: &Fixture,
) -> Result<Vec<PathBuf>, SolidityError> {
    let files = generated_files("contracts", vk, fixture, REGENERATE_COMMAND)?;
    write_all(repo_root, files)
}

/// The command that rewrites the PLONK contracts and fixtures ([`write_plonk_fixtures`]).
pub const REGENERATE_PLONK_COMMAND: &str = "cargo test -p cairn-solidity --test regenerate -- --ignored regenerate_plonk";

/// Writes the PLONK verifier contract (`contracts/generated/CairnVerifierPlonk.sol`, around
/// snark-verifier's `snark_verifier_code`) and `fixture` as
/// `library CairnPlonkFixture` (`test/fixtures/CairnPlonkFixture.sol`) under `repo_root`.
/// The fixture's VERIFIER_HASH must be `vk_hash` and its `proofBytes` the selector and
/// `proof_length` bytes. Returns the paths written.
pub fn write_plonk_fixtures(
    repo_root: &Path,
    snark_verifier_code: &str,
    vk_hash: &[u8; 32],
    proof_length: usize,
    fixture: &Fixture,
) -> Result<Vec<PathBuf>, SolidityError> {
    if fixture.verifier_hash != *vk_hash {
        return Err(SolidityError::VerifierHashMismatch { fixture: fixture.verifier_hash, key: *vk_hash });
    }
    if fixture.proof_bytes.len() != proof_length + 4 || fixture.proof_bytes[..4] != vk_hash[..4] {
        return Err(SolidityError::UnexpectedVerifierCode("proofBytes = selector ‖ proof of the key's length"));
    }
    let files = vec![
        (
            "contracts/generated/CairnVerifierPlonk.sol".to_owned(),
            crate::cairn_verifier_plonk(snark_verifier_code, vk_hash, proof_length)?,
        ),
        (
            "test/fixtures/CairnPlonkFixture.sol".to_owned(),
            foundry_fixture("CairnPlonkFixture", fixture, REGENERATE_PLONK_COMMAND)?,
        ),
    ];
    write_all(repo_root, files)
}

/// Writes a standalone Foundry project into `dir`, which must not exist or be empty, and
/// returns the paths written:
///
/// - `foundry.toml` (solc 0.8.30, warnings are errors), `.gitignore`, `README.md` (testing, and
///   deploying with `cairn deploy-verifier`);
/// - `src/ICairnVerifier.sol`, `src/CairnVerifierBase.sol`, `src/CairnVerifierGateway.sol`, and
///   `src/generated/` with the verifier for `vk`;
/// - `test/fixtures/CairnFixture.sol` (`fixture`), `test/utils/Test.sol` (a minimal
///   cheatcode interface: the project needs no dependencies) and
///   `test/generated/CairnVerifier.t.sol`, which verifies the fixture directly and through a
///   gateway and checks that a tampered proof and altered public values revert.
///
/// The fixture is checked as in [`write_fixtures`].
pub fn foundry_project(
    dir: &Path,
    vk: &Groth16VerifyingKey,
    fixture: &Fixture,
) -> Result<Vec<PathBuf>, SolidityError> {
    let io = |cause| SolidityError::Io {
        path: dir.to_owned(),
        cause,
    };
    if dir.exists() && dir.read_dir().map_err(io)?.next().is_some() {
        return Err(SolidityError::DirectoryNotEmpty(dir.to_owned()));
    }
    let regenerate = "cairn_solidity::foundry_project into a new directory";
    let mut files = generated_files("src", vk, fixture, regenerate)?;
    let hash = [("VERIFIER_HASH", word(&vk_hash(vk)))];
    files.extend(SHARED_FILES.map(|(path, text)| (path.to_owned(), text.to_owned())));
    files.extend(PROJECT_TEMPLATES.map(|(path, text)| (path.to_owned(), fill(text, &hash))));
    write_all(dir, files)
}

/// The generated files, relative to the project root whose sources are in `src`.
fn generated_files(
    src: &str,
    vk: &Groth16VerifyingKey,
    fixture: &Fixture,
    regenerate_with: &str,
) -> Result<Vec<(String, String)>, SolidityError> {
    let key = vk_hash(vk);
    if fixture.verifier_hash != key {
        return Err(SolidityError::VerifierHashMismatch {
            fixture: fixture.verifier_hash,
            key,
        });
    }
    parse_proof_bytes(&fixture.proof_bytes, selector(vk))?;
    let test_values = [
        ("SRC", src.to_owned()),
        ("VERIFIER_HASH", word(&key)),
        ("REGENERATE", one_line(regenerate_with)),
    ];
    Ok(vec![
        (
            format!("{src}/generated/Groth16Verifier.sol"),
            groth16_verifier(vk)?,
        ),
        (
            format!("{src}/generated/CairnVerifierGroth16.sol"),
            cairn_verifier_groth16(vk)?,
        ),
        (
            format!("test/fixtures/{FIXTURE_LIBRARY}.sol"),
            foundry_fixture(FIXTURE_LIBRARY, fixture, regenerate_with)?,
        ),
        (
            "test/generated/CairnVerifier.t.sol".to_owned(),
            fill(FIXTURE_TEST, &test_values),
        ),
    ])
}

/// Writes each `(relative path, contents)` under `root`, creating folders.
fn write_all(root: &Path, files: Vec<(String, String)>) -> Result<Vec<PathBuf>, SolidityError> {
    let mut written = Vec::with_capacity(files.len());
    for (relative, contents) in files {
        let path = root.join(relative);
        let io = |cause| SolidityError::Io {
            path: path.clone(),
            cause,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, contents).map_err(io)?;
        written.push(path);
    }
    Ok(written)
}
