//! Proving and verifying example guests end to end, in both configurations (test profile).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn_sdk::{CairnProof, ConfigId, Inputs, Profile, ProverClient, SdkError};
use rollup_types::{Address, Transfer};

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

/// The example guests' inputs, as their host-side tests write them.
fn example_inputs(name: &str) -> Inputs {
    let mut inputs = Inputs::new();
    match name {
        "fibonacci" => {
            inputs.write(&25u32).unwrap();
        }
        "sha256" => {
            inputs.write_slice(&(0..300u32).map(|i| i as u8).collect::<Vec<_>>());
        }
        "json" => {
            inputs.write(&r#"{"user": {"name": "ada", "tags": ["x", "y"]}}"#.to_string()).unwrap();
            inputs.write(&"user.tags.1".to_string()).unwrap();
        }
        "rollup" => {
            let state: std::collections::BTreeMap<Address, u64> = [([1; 20], 50), ([2; 20], 7)].into();
            inputs.write(&state).unwrap();
            inputs.write(&vec![Transfer { from: [1; 20], to: [9; 20], amount: 20 }]).unwrap();
        }
        other => panic!("no inputs for {other}"),
    }
    inputs
}

#[test]
fn every_example_guest_proves_and_verifies_in_both_configs() {
    for name in ["fibonacci", "sha256", "json", "rollup"] {
        let elf = elf(name);
        let inputs = example_inputs(name);
        let expected = ProverClient::new().execute(&elf, &inputs).unwrap();
        assert_eq!(expected.exit_code, 0, "{name} must exit with 0");
        for config in [ConfigId::Inner, ConfigId::Outer] {
            let client = client(config);
            let (pk, vk) = client.setup(&elf).unwrap();
            let proof = client.prove(&pk, &inputs).unwrap_or_else(|e| panic!("{name} {config:?}: {e}"));
            assert_eq!(proof.public_values, expected.public_values.as_slice(), "{name}");
            client.verify(&proof, &vk).unwrap_or_else(|e| panic!("{name} {config:?}: {e}"));
        }
    }
}
