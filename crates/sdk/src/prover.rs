//! Keys, proofs, and the program verifying-key digest.

use cairn_executor::Program;
use cairn_machine::Machine;
use cairn_stark::{ConfigId, Profile, StarkProof};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::SdkError;

/// Domain separator of the program verifying-key digest; bump it when the machine changes.
pub const PROGRAM_VKEY_DOMAIN: &[u8] = b"cairn-program-vkey-v1";

/// What a verifier needs: the program (its instructions and initial image, from which the
/// machine's preprocessed tables are rebuilt) and the configuration it is proven in.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VerifyingKey {
    /// The program.
    pub program: Program,
    /// The STARK configuration.
    pub config: ConfigId,
    /// The security profile's id.
    pub profile: u8,
}

impl VerifyingKey {
    /// The security profile.
    pub fn profile(&self) -> Result<Profile, SdkError> {
        Profile::by_id(self.profile).map_err(|_| SdkError::UnknownProfile(self.profile))
    }

    /// The machine for this program.
    pub fn machine(&self) -> Machine {
        Machine::new(&self.program)
    }

    /// The 32-byte program verifying key (`programVKey`): SHA-256 over a domain tag, the
    /// configuration and profile ids, the preprocessed commitment (program table, initial memory
    /// image, byte table) and the start pc, with the top 3 bits cleared so that it is a BN254
    /// scalar.
    pub fn program_vkey(&self) -> Result<[u8; 32], SdkError> {
        let machine = self.machine();
        let profile = self.profile()?;
        let commitment =
            cairn_stark::preprocessed_commitment(self.config, &profile, machine.airs(), &machine.fixed_log_heights())
                .map_err(|e| SdkError::Setup(e.to_string()))?;
        let mut hasher = Sha256::new();
        hasher.update(PROGRAM_VKEY_DOMAIN);
        hasher.update([self.config.id(), self.profile]);
        hasher.update((commitment.len() as u32).to_le_bytes());
        hasher.update(&commitment);
        hasher.update(self.program.entry.to_le_bytes());
        let mut digest: [u8; 32] = hasher.finalize().into();
        digest[0] &= 0x1f;
        Ok(digest)
    }
}

/// What a prover needs: the verifying key and the machine built from it.
#[derive(Clone, Debug)]
pub struct ProvingKey {
    /// The verifying key.
    pub vk: VerifyingKey,
    /// The machine for the program.
    pub machine: Machine,
    /// The program verifying key digest.
    pub program_vkey: [u8; 32],
}

/// A proof that a program ran to exit code 0 and committed `public_values`.
#[derive(Serialize, Deserialize)]
pub struct CairnProof {
    /// The STARK proof.
    pub stark: StarkProof,
    /// The bytes the guest committed; their SHA-256 is what the proof attests.
    pub public_values: Vec<u8>,
    /// The program verifying key the proof was made for.
    pub program_vkey: [u8; 32],
}

impl CairnProof {
    /// `sha256(public_values)`.
    pub fn public_values_digest(&self) -> [u8; 32] {
        Sha256::digest(&self.public_values).into()
    }
}
