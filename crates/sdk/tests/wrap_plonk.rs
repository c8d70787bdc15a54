//! STARK → PLONK → verify, for a real fibonacci proof (outer configuration, TEST profile:
//! test-size parameters). The wrapped proof verifies natively through its JSON key; tampered
//! proofs, wrong keys, selectors and public inputs are rejected; the key cache finds the key by
//! its hash and keeps the proving key for the next wrap (a damaged one is refused); the EVM verifier is generated from the key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use cairn_sdk::{
    ConfigId, Inputs, KeyCache, PlonkSetup, PlonkVerifierKey, PlonkWrapOptions, Profile, ProverClient, SdkError,
    SnarkProof,
};

#[test]
fn plonk_wrap_verifies_and_rejects_tampering() {
    let client = ProverClient::new().with_config(ConfigId::Outer).with_profile(Profile::TEST);
    let elf = std::fs::read(cairn_build::build_example("fibonacci").unwrap()).unwrap();
    let (pk, _) = client.setup(&elf).unwrap();
    let mut inputs = Inputs::new();
    inputs.write(&10u32).unwrap();
    let stark = client.prove(&pk, &inputs).unwrap();
    let vk = pk.prepared_vk().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = KeyCache::new(dir.path());

    // Refused without the opt-in for the TEST profile.
    let strict = PlonkWrapOptions::default();
    assert!(matches!(client.wrap_plonk(&stark, &vk, &strict, &cache), Err(SdkError::Wrap(_))));

    let options = PlonkWrapOptions { allow_insecure_profile: true, ..PlonkWrapOptions::default() };
    let wrapped = client.wrap_plonk(&stark, &vk, &options, &cache).unwrap();
    println!("wrapped: {} rows, k = {}, {} proof bytes, {:?}", wrapped.rows, wrapped.k, wrapped.proof.proof_bytes.len(), wrapped.timings);
    let proof = &wrapped.proof;
    assert!(proof.insecure_setup && wrapped.vk.insecure_setup);
    assert_eq!(proof.program_vkey, vk.program_vkey());
    assert_eq!(proof.public_values, stark.public_values);
    assert_eq!(proof.verifier_hash, wrapped.vk.hash().unwrap());
    assert_eq!(proof.proof_bytes.len(), 4 + wrapped.vk.proof_length);

    // The key survives JSON, and the cache knows it by hash.
    let key = PlonkVerifierKey::from_json(&wrapped.vk.to_json()).unwrap();
    assert_eq!(key, wrapped.vk);
    client.verify_plonk(proof, &key).unwrap();
    let cached = cache.find_plonk_vk(&proof.verifier_hash).unwrap().unwrap();
    assert_eq!(cached, key);
    // The file round trip, through the Cairn envelope.
    let file = dir.path().join("proof.plonk");
    proof.save(&Profile::TEST, &file).unwrap();
    let (_, loaded) = SnarkProof::load(&file).unwrap();
    assert_eq!(&loaded, proof);

    let rejects = |p: &SnarkProof| client.verify_plonk(p, &key).is_err();
    for at in [4, 4 + 32, 4 + 64 + 5, proof.proof_bytes.len() / 2, proof.proof_bytes.len() - 1] {
        let mut bad = proof.clone();
        bad.proof_bytes[at] ^= 1;
        assert!(rejects(&bad), "byte {at} flipped");
    }
    let mut bad = proof.clone();
    bad.proof_bytes[0] ^= 1;
    assert!(rejects(&bad), "wrong selector");
    let mut bad = proof.clone();
    bad.proof_bytes.pop();
    assert!(rejects(&bad), "truncated");
    let mut bad = proof.clone();
    bad.program_vkey[31] ^= 1;
    assert!(rejects(&bad), "wrong program key");
    let mut bad = proof.clone();
    bad.public_values.push(0);
    assert!(rejects(&bad), "altered public values");
    let mut bad = proof.clone();
    bad.verifier_hash[5] ^= 1;
    assert!(rejects(&bad), "another key's hash");
    // A malformed key file is a clear error.
    let mut broken = key.clone();
    broken.vk.truncate(40);
    assert!(PlonkVerifierKey::from_json(&broken.to_json()).is_err());
    // A parameters file that does not exist is named.
    let missing = PlonkWrapOptions { setup: PlonkSetup::Params(dir.path().join("none.params")), allow_insecure_profile: true };
    let err = client.wrap_plonk(&stark, &vk, &missing, &cache).unwrap_err();
    assert!(err.to_string().contains("none.params"), "{err}");

    // The second wrap reads the proving key from the cache: same key, a proof that verifies.
    assert!(wrapped.timings.setup_performed);
    let again = client.wrap_plonk(&stark, &vk, &options, &cache).unwrap();
    println!("wrapped again: {:?}", again.timings);
    assert!(!again.timings.setup_performed, "the proving key was generated again");
    assert_eq!(again.vk, key);
    client.verify_plonk(&again.proof, &key).unwrap();
    // A damaged cached key is an error naming the file, not a panic and not a silent rebuild.
    let digest: String = wrapped.circuit_digest.iter().map(|b| format!("{b:02x}")).collect();
    let pk_dir = dir.path().join("plonk").join(digest);
    let pk_file = std::fs::read_dir(&pk_dir).unwrap().next().unwrap().unwrap().path();
    let mut bytes = std::fs::read(&pk_file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&pk_file, &bytes).unwrap();
    let err = client.wrap_plonk(&stark, &vk, &options, &cache).unwrap_err();
    assert!(err.to_string().contains(&pk_file.display().to_string()) && err.to_string().contains("altered"), "{err}");

    // The EVM verifier for this key.
    let code = key.snark_verifier_solidity().unwrap();
    let solidity = cairn_solidity::cairn_verifier_plonk(&code, &proof.verifier_hash, key.proof_length).unwrap();
    assert!(solidity.contains("contract CairnVerifierPlonk") && !solidity.contains("calldataload(0x"));
    assert!(cairn_solidity::cairn_verifier_plonk("contract Other {}", &proof.verifier_hash, key.proof_length).is_err());
}
