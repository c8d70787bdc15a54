//! A real outer-configuration proof of the fibonacci guest, shared by the wrapper's tests.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn_sdk::{CairnProof, ConfigId, Inputs, Profile, ProverClient, ProvingKey, VerifyingKey};

/// Proves fibonacci(`n`) in the outer configuration with `profile`; the proof verifies natively.
pub fn fibonacci_outer_proof(profile: Profile, n: u32) -> (ProvingKey, VerifyingKey, CairnProof) {
    let client = ProverClient::new().with_config(ConfigId::Outer).with_profile(profile);
    let elf = std::fs::read(cairn_build::build_example("fibonacci").unwrap()).unwrap();
    let (pk, vk) = client.setup(&elf).unwrap();
    let mut inputs = Inputs::new();
    inputs.write(&n).unwrap();
    let proof = client.prove(&pk, &inputs).unwrap();
    client.verify(&proof, &vk).unwrap();
    (pk, vk, proof)
}
