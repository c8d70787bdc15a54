//! Wrapped proofs: what `cairn wrap` writes and what an on-chain verifier consumes.
//!
//! A [`SnarkProof`] carries exactly the three arguments of
//! `ICairnVerifier.verifyProof(programVKey, publicValues, proofBytes)`, plus the
//! `VERIFIER_HASH` of the key it was made with. Files (`proof.groth16`, `proof.plonk`) are the
//! usual Cairn envelope (kind [`FileKind::Groth16Proof`] or [`FileKind::PlonkProof`], the
//! `outer` configuration, the wrapped STARK's profile) around the postcard body.

use std::path::Path;

use cairn_stark::{read_file, read_header, write_file, ConfigId, FileError, FileKind, Header, Profile};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::SdkError;

/// The SNARK that wraps the STARK.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SnarkSystem {
    /// Groth16 over BN254 (arkworks).
    Groth16,
    /// PLONK with KZG over BN254 (halo2).
    Plonk,
}

impl SnarkSystem {
    /// The file kind of proofs of this system.
    pub fn file_kind(self) -> FileKind {
        match self {
            Self::Groth16 => FileKind::Groth16Proof,
            Self::Plonk => FileKind::PlonkProof,
        }
    }

    /// The system whose proofs have file kind `kind`.
    pub fn from_file_kind(kind: FileKind) -> Option<Self> {
        match kind {
            FileKind::Groth16Proof => Some(Self::Groth16),
            FileKind::PlonkProof => Some(Self::Plonk),
            _ => None,
        }
    }

    /// Lower-case name (`groth16`, `plonk`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Groth16 => "groth16",
            Self::Plonk => "plonk",
        }
    }
}

impl std::fmt::Display for SnarkSystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A SNARK proof that a program ran to exit code 0 and committed `public_values`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnarkProof {
    /// Groth16 or PLONK.
    pub system: SnarkSystem,
    /// The program verifying key (`verifyProof`'s first argument).
    pub program_vkey: [u8; 32],
    /// The bytes the guest committed (`verifyProof`'s second argument).
    pub public_values: Vec<u8>,
    /// `VERIFIER_HASH`: SHA-256 of the SNARK verifying key the proof was made with.
    pub verifier_hash: [u8; 32],
    /// `selector ‖ proof` (`verifyProof`'s third argument); the selector is
    /// `verifier_hash[..4]`.
    pub proof_bytes: Vec<u8>,
    /// True when the keys came from an insecure development setup.
    pub insecure_setup: bool,
}

impl SnarkProof {
    /// `sha256(public_values)`.
    pub fn public_values_digest(&self) -> [u8; 32] {
        Sha256::digest(&self.public_values).into()
    }

    /// The SNARK's one public input as 32 big-endian bytes:
    /// `sha256(program_vkey ‖ sha256(public_values))` with the top 3 bits cleared.
    pub fn public_input(&self) -> [u8; 32] {
        cairn_wrapper::identity::snark_public_input(&self.program_vkey, &self.public_values_digest())
    }

    /// The 4-byte selector `proof_bytes` starts with, if it is long enough.
    pub fn selector(&self) -> Option<[u8; 4]> {
        self.proof_bytes.first_chunk::<4>().copied()
    }

    /// The file encoding (header with the wrapped STARK's `profile`, then the body).
    pub fn to_file_bytes(&self, profile: &Profile) -> Result<Vec<u8>, SdkError> {
        Ok(write_file(self.system.file_kind(), ConfigId::Outer, profile, self)?)
    }

    /// Decodes a wrapped-proof file of either system; the header's kind must match the body.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<(Header, Self), SdkError> {
        let (header, _) = read_header(bytes)?;
        let Some(system) = SnarkSystem::from_file_kind(header.kind) else {
            return Err(FileError::WrongKind { expected: FileKind::Groth16Proof, found: header.kind }.into());
        };
        let (header, proof): (Header, Self) = read_file(bytes, header.kind)?;
        if proof.system != system || header.config != ConfigId::Outer {
            return Err(FileError::Inconsistent {
                header: format!("{} / {}", header.kind, header.config),
                content: format!("{} proof / outer", proof.system),
            }
            .into());
        }
        Ok((header, proof))
    }

    /// Writes the file.
    pub fn save(&self, profile: &Profile, path: &Path) -> Result<(), SdkError> {
        let bytes = self.to_file_bytes(profile)?;
        std::fs::write(path, bytes).map_err(|e| SdkError::Io(format!("cannot write {}: {e}", path.display())))
    }

    /// Reads a file written by [`SnarkProof::save`].
    pub fn load(path: &Path) -> Result<(Header, Self), SdkError> {
        let bytes =
            std::fs::read(path).map_err(|e| SdkError::Io(format!("cannot read {}: {e}", path.display())))?;
        Self::from_file_bytes(&bytes)
    }
}
