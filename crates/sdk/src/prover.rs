//! Keys, proofs, and the program verifying-key digest.

use std::sync::Arc;

use cairn_executor::Program;
use cairn_machine::{Claim, Machine};
use cairn_stark::{ConfigId, Profile, StarkProof, StarkSetup};
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
    /// scalar. Commits the preprocessed traces; [`VerifyingKey::prepare`] keeps them.
    pub fn program_vkey(&self) -> Result<[u8; 32], SdkError> {
        Ok(self.prepare()?.program_vkey)
    }

    /// Commits the machine's preprocessed traces once, for any number of verifications.
    pub fn prepare(&self) -> Result<PreparedVerifyingKey, SdkError> {
        let machine = self.machine();
        let setup = self.stark_setup(&machine)?.verifier_only();
        Ok(PreparedVerifyingKey {
            program_vkey: self.vkey_digest(setup.commitment()),
            profile: self.profile()?,
            vk: self.clone(),
            machine,
            setup: Arc::new(setup),
        })
    }

    /// The STARK setup of `machine` (built from this key's program).
    pub(crate) fn stark_setup(&self, machine: &Machine) -> Result<StarkSetup, SdkError> {
        cairn_stark::setup(self.config, &self.profile()?, machine.airs(), &machine.fixed_log_heights())
            .map_err(|e| SdkError::Setup(e.to_string()))
    }

    /// The program verifying key for the preprocessed `commitment`.
    pub(crate) fn vkey_digest(&self, commitment: &[u8]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(PROGRAM_VKEY_DOMAIN);
        hasher.update([self.config.id(), self.profile]);
        hasher.update((commitment.len() as u32).to_le_bytes());
        hasher.update(commitment);
        hasher.update(self.program.entry.to_le_bytes());
        let mut digest: [u8; 32] = hasher.finalize().into();
        digest[0] &= 0x1f;
        digest
    }
}

/// A verifying key with its machine and committed preprocessed traces; cheap to clone.
#[derive(Clone, Debug)]
pub struct PreparedVerifyingKey {
    vk: VerifyingKey,
    profile: Profile,
    machine: Machine,
    setup: Arc<StarkSetup>,
    program_vkey: [u8; 32],
}

impl PreparedVerifyingKey {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey {
        &self.vk
    }

    /// The program verifying key digest (see [`VerifyingKey::program_vkey`]).
    pub fn program_vkey(&self) -> [u8; 32] {
        self.program_vkey
    }

    /// The machine (the program's chips).
    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// Checks that `proof` attests a run of the program to exit code 0 that committed the
    /// proof's public values.
    pub fn verify(&self, proof: &CairnProof) -> Result<(), SdkError> {
        if proof.program_vkey != self.program_vkey {
            return Err(SdkError::WrongProgram { expected: self.program_vkey, found: proof.program_vkey });
        }
        let claim = Claim { start_pc: self.vk.program.entry, exit_code: 0, digest: proof.public_values_digest() };
        let public_values = Machine::public_values(&claim);
        let expected = (self.vk.config, &self.profile);
        cairn_stark::verify_with(&self.setup, &proof.stark, self.machine.airs(), &public_values, expected)?;
        Ok(())
    }
}

/// What a prover needs: the verifying key, the machine built from it, and its committed
/// preprocessed traces.
#[derive(Clone, Debug)]
pub struct ProvingKey {
    /// The verifying key.
    pub vk: VerifyingKey,
    /// The machine for the program.
    pub machine: Machine,
    /// The program verifying key digest.
    pub program_vkey: [u8; 32],
    /// The STARK setup of the machine (preprocessed commitment and prover data).
    pub setup: Arc<StarkSetup>,
}

impl ProvingKey {
    /// The prepared verifying key, sharing this key's setup.
    pub fn prepared_vk(&self) -> Result<PreparedVerifyingKey, SdkError> {
        Ok(PreparedVerifyingKey {
            vk: self.vk.clone(),
            profile: self.vk.profile()?,
            machine: self.machine.clone(),
            setup: Arc::clone(&self.setup),
            program_vkey: self.program_vkey,
        })
    }
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
