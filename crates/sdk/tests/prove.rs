//! Proving and verifying example guests end to end, in both configurations (test profile).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn_sdk::{CairnProof, ConfigId, Inputs, Profile, ProverClient, SdkError};

fn elf(name: &str) -> Vec<u8> {
    std::fs::read(cairn_build::build_example(name).unwrap()).unwrap()
}

fn client(config: ConfigId) -> ProverClient {
    ProverClient::new().with_config(config).with_profile(Profile::TEST)
}

fn fib_inputs(n: u32) -> Inputs {
    let mut inputs = Inputs::new();
    inputs.write(&n).unwrap();
    inputs
}

fn roundtrip(proof: &CairnProof) -> CairnProof {
    postcard::from_bytes(&postcard::to_stdvec(proof).unwrap()).unwrap()
}

#[test]
fn fibonacci_proves_and_verifies_in_both_configs() {
    for config in [ConfigId::Inner, ConfigId::Outer] {
        let client = client(config);
        let (pk, vk) = client.setup(&elf("fibonacci")).unwrap();
        let proof = client.prove(&pk, &fib_inputs(30)).unwrap();
        client.verify(&proof, &vk).unwrap();

        let mut public_values = cairn_sdk::PublicValues::new(proof.public_values.clone());
        assert_eq!(public_values.read::<u32>().unwrap(), 30);
        assert_eq!(public_values.read::<u64>().unwrap(), 832_040);

        // Altered public values: the digest no longer matches what the proof attests.
        let mut tampered = roundtrip(&proof);
        tampered.public_values[1] ^= 1;
        assert!(matches!(client.verify(&tampered, &vk), Err(SdkError::Verify(_))), "{config:?}");
    }
}

#[test]
fn a_proof_is_rejected_under_another_programs_key() {
    let client = client(ConfigId::Inner);
    let (pk, _) = client.setup(&elf("fibonacci")).unwrap();
    let (_, other_vk) = client.setup(&elf("sha256")).unwrap();
    let proof = client.prove(&pk, &fib_inputs(10)).unwrap();
    assert!(matches!(client.verify(&proof, &other_vk), Err(SdkError::WrongProgram { .. })));
    // Even when the proof claims the other program's key, the STARK does not verify.
    let mut lying = roundtrip(&proof);
    lying.program_vkey = other_vk.program_vkey().unwrap();
    assert!(matches!(client.verify(&lying, &other_vk), Err(SdkError::Verify(_))));
}

#[test]
fn a_nonzero_exit_code_cannot_be_proven() {
    let client = client(ConfigId::Inner);
    let (pk, _) = client.setup(&elf("fibonacci")).unwrap();
    // No input: the guest panics and exits with 101.
    let err = client.prove(&pk, &Inputs::new()).err().expect("proving must fail");
    assert!(matches!(err, SdkError::Trace(cairn_machine::TraceError::NonZeroExit(101))), "{err}");
}
