//! Solidity for Cairn's on-chain verification.
//!
//! - [`groth16_verifier`]: a Groth16 verifier contract for one public input, the verifying key
//!   embedded, on the BN254 precompiles.
//! - [`cairn_verifier_groth16`]: `CairnVerifierGroth16 is CairnVerifierBase`, which checks
//!   `verifyProof(programVKey, publicValues, proofBytes)` with that verifier (the base, an
//!   `ICairnVerifier`, checks `proofBytes`' length and selector and derives the public input).
//! - [`cairn_verifier_plonk`]: the same for PLONK proofs (halo2 with KZG), one contract around
//!   the verifier snark-verifier generates for the key.
//! - [`foundry_fixture`]: a Solidity library holding one proof, for Foundry tests.
//! - [`foundry_project`]: a standalone Foundry project for a user's program (interface,
//!   gateway, generated verifier, fixture and tests).
//! - [`write_fixtures`]: regenerates the repository's `contracts/generated/` and
//!   `test/fixtures/`.
//!
//! Every output is deterministic: the same key and fixture give the same bytes. The
//! hand-written contracts (`ICairnVerifier`, `CairnVerifierBase`, `CairnVerifierGateway`) and
//! the Foundry test helper are the repository's own files, embedded at build time.

mod error;
mod fixture;
mod plonk;
mod project;
mod verifier;

pub use error::SolidityError;
pub use fixture::{foundry_fixture, Fixture};
pub use plonk::cairn_verifier_plonk;
pub use project::{foundry_project, write_fixtures, write_plonk_fixtures, REGENERATE_COMMAND, REGENERATE_PLONK_COMMAND};
pub use verifier::{cairn_verifier_groth16, groth16_verifier};
