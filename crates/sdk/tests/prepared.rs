//! Prepared verifying keys: one preprocessed commitment serves many verifications.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn_sdk::{CairnProof, ConfigId, Inputs, Profile, ProverClient, SdkError, VerifyingKey};

fn elf(name: &str) -> Vec<u8> {
    std::fs::read(cairn_build::build_example(name).unwrap()).unwrap()
}

fn fib_inputs(n: u32) -> Inputs {
    let mut inputs = Inputs::new();
    inputs.write(&n).unwrap();
    inputs
}

#[test]
fn a_prepared_key_verifies_many_proofs() {
    let client = ProverClient::new().with_config(ConfigId::Inner).with_profile(Profile::TEST);
    let fib = elf("fibonacci");
    let (pk, vk) = client.setup(&fib).unwrap();
    // The key survives serialisation; the prepared data is rebuilt from it.
    let vk: VerifyingKey = postcard::from_bytes(&postcard::to_stdvec(&vk).unwrap()).unwrap();
    let prepared = vk.prepare().unwrap();
    assert_eq!(prepared.program_vkey(), pk.program_vkey);
    assert_eq!(vk.program_vkey().unwrap(), pk.program_vkey);
    assert_eq!(client.verifying_key(&fib).unwrap().program_vkey().unwrap(), pk.program_vkey);
    let from_pk = pk.prepared_vk().unwrap();
    for n in [5, 40] {
        let proof = client.prove(&pk, &fib_inputs(n)).unwrap();
        client.verify_prepared(&proof, &prepared).unwrap();
        from_pk.verify(&proof).unwrap();
        client.verify(&proof, &vk).unwrap();
        let mut tampered: CairnProof = postcard::from_bytes(&postcard::to_stdvec(&proof).unwrap()).unwrap();
        tampered.public_values[0] ^= 1;
        assert!(matches!(client.verify_prepared(&tampered, &prepared), Err(SdkError::Verify(_))));
        tampered.program_vkey[31] ^= 1;
        assert!(matches!(client.verify_prepared(&tampered, &prepared), Err(SdkError::WrongProgram { .. })));
    }
}
