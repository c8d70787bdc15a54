//! STARK → Groth16 → verify, for a real fibonacci proof (outer configuration, TEST profile:
//! test-size parameters, the circuit is ≈ 0.85 M constraints). The wrapped proof verifies
//! natively and with snarkjs (an independent Groth16 implementation); tampered proofs, wrong
//! keys and wrong public inputs are rejected; keys come from the cache the second time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use cairn_groth16::{parse_proof_bytes, selector, to_snarkjs_proof_json, to_snarkjs_public_json, to_snarkjs_vk_json};
use cairn_sdk::{
    CairnProof, ConfigId, Groth16Setup, Inputs, KeyCache, PreparedVerifyingKey, Profile, ProverClient, SdkError,
    SnarkProof, WrapOptions, WrappedGroth16,
};

struct Fixture {
    _dir: tempfile::TempDir,
    cache: KeyCache,
    client: ProverClient,
    vk: PreparedVerifyingKey,
    stark: CairnProof,
    wrapped: WrappedGroth16,
}

fn options() -> WrapOptions {
    WrapOptions { allow_insecure_profile: true, ..WrapOptions::default() }
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let client = ProverClient::new().with_config(ConfigId::Outer).with_profile(Profile::TEST);
        let elf = std::fs::read(cairn_build::build_example("fibonacci").unwrap()).unwrap();
        let (pk, _) = client.setup(&elf).unwrap();
        let mut inputs = Inputs::new();
        inputs.write(&10u32).unwrap();
        let stark = client.prove(&pk, &inputs).unwrap();
        let vk = pk.prepared_vk().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cache = KeyCache::new(dir.path());
        let wrapped = client.wrap_groth16(&stark, &vk, &options(), &cache).unwrap();
        println!("wrapped: {} constraints, {:?}", wrapped.constraints, wrapped.timings);
        assert!(wrapped.timings.setup_performed);
        Fixture { _dir: dir, cache, client, vk, stark, wrapped }
    })
}

#[test]
fn wrapped_proof_verifies_natively_and_names_its_key() {
    let fx = fixture();
    let proof = &fx.wrapped.proof;
    fx.client.verify_groth16(proof, &fx.wrapped.vk).unwrap();
    assert_eq!(proof.program_vkey, fx.vk.program_vkey());
    assert_eq!(proof.public_values, fx.stark.public_values);
    assert_eq!(proof.verifier_hash, cairn_groth16::vk_hash(&fx.wrapped.vk));
    assert_eq!(proof.selector(), Some(selector(&fx.wrapped.vk)));
    assert_eq!(proof.proof_bytes.len(), 260);
    assert!(proof.insecure_setup, "the default setup is the insecure development one");
    // The cache knows the key by its hash, for `cairn verify proof.groth16`.
    assert_eq!(fx.cache.find_vk(&proof.verifier_hash).unwrap(), Some(fx.wrapped.vk.clone()));
    assert_eq!(fx.cache.find_vk(&[0; 32]).unwrap(), None);
}

#[test]
fn file_round_trip_and_bad_files() {
    let fx = fixture();
    let proof = &fx.wrapped.proof;
    let bytes = proof.to_file_bytes(&Profile::TEST).unwrap();
    let (header, back) = SnarkProof::from_file_bytes(&bytes).unwrap();
    assert_eq!(&back, proof);
    assert_eq!(header.profile, Profile::TEST);
    for cut in [0, 5, 11, bytes.len() / 2, bytes.len() - 1] {
        assert!(SnarkProof::from_file_bytes(&bytes[..cut]).is_err(), "truncated at {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(SnarkProof::from_file_bytes(&longer).is_err());
    // A STARK proof file is not a wrapped proof.
    let stark = cairn_stark::write_proof(&fx.stark.stark).unwrap();
    let err = SnarkProof::from_file_bytes(&stark).unwrap_err();
    assert!(err.to_string().contains("wrong kind"), "{err}");
}

#[test]
fn tampered_wrapped_proofs_are_rejected() {
    let fx = fixture();
    let good = &fx.wrapped.proof;
    let vk = &fx.wrapped.vk;
    // Every byte class: selector, A (x, y), B (four words), C (x, y).
    for at in [0, 4, 4 + 32, 4 + 64, 4 + 96, 4 + 128, 4 + 160, 4 + 192, 4 + 224, 259] {
        let mut bad = good.clone();
        bad.proof_bytes[at] ^= 1;
        assert!(fx.client.verify_groth16(&bad, vk).is_err(), "byte {at} flipped: accepted");
    }
    let mut bad = good.clone();
    bad.public_values[0] ^= 1;
    assert!(matches!(fx.client.verify_groth16(&bad, vk), Err(SdkError::Groth16(_))));
    let mut bad = good.clone();
    bad.program_vkey[31] ^= 1;
    assert!(matches!(fx.client.verify_groth16(&bad, vk), Err(SdkError::Groth16(_))));
    let mut bad = good.clone();
    bad.proof_bytes.pop();
    assert!(fx.client.verify_groth16(&bad, vk).is_err());
    let mut bad = good.clone();
    bad.verifier_hash[0] ^= 1;
    let err = fx.client.verify_groth16(&bad, vk).unwrap_err();
    assert!(err.to_string().contains("names verifying key"), "{err}");
}

#[test]
fn second_wrap_reuses_the_cached_keys() {
    let fx = fixture();
    let again = fx.client.wrap_groth16(&fx.stark, &fx.vk, &options(), &fx.cache).unwrap();
    assert!(!again.timings.setup_performed);
    assert_eq!(again.vk, fx.wrapped.vk);
    assert_eq!(again.circuit_digest, fx.wrapped.circuit_digest);
    // Fresh blinding: another proof of the same statement.
    assert_ne!(again.proof.proof_bytes, fx.wrapped.proof.proof_bytes);
    fx.client.verify_groth16(&again.proof, &fx.wrapped.vk).unwrap();
}

#[test]
fn refusals() {
    let fx = fixture();
    // The TEST profile needs an explicit opt-in.
    let err = fx.client.wrap_groth16(&fx.stark, &fx.vk, &WrapOptions::default(), &fx.cache).unwrap_err();
    assert!(err.to_string().contains("insecure"), "{err}");
    // A STARK proof that does not verify is never wrapped.
    let mut bad = CairnProof {
        stark: cairn_stark::read_proof(&cairn_stark::write_proof(&fx.stark.stark).unwrap()).unwrap().1,
        public_values: fx.stark.public_values.clone(),
        program_vkey: fx.stark.program_vkey,
    };
    bad.public_values.push(1);
    assert!(matches!(fx.client.wrap_groth16(&bad, &fx.vk, &options(), &fx.cache), Err(SdkError::Verify(_))));
    // A .zkey that is not one is an error naming the problem, not a panic.
    let dir = tempfile::tempdir().unwrap();
    let zkey = dir.path().join("bad.zkey");
    std::fs::write(&zkey, b"not a zkey").unwrap();
    let opts = WrapOptions { setup: Groth16Setup::Zkey(zkey), allow_insecure_profile: true };
    let err = fx.client.wrap_groth16(&fx.stark, &fx.vk, &opts, &KeyCache::new(dir.path())).unwrap_err();
    assert!(err.to_string().contains("zkey"), "{err}");
}

fn snarkjs() -> PathBuf {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/.bin/snarkjs");
    assert!(bin.exists(), "snarkjs not found at {}: run `bash script/setup.sh`", bin.display());
    bin
}

/// snarkjs `groth16 verify` on the exported key, proof and public input.
fn snarkjs_accepts(dir: &Path, proof: &SnarkProof, vk: &cairn_groth16::Groth16VerifyingKey) -> bool {
    let groth16 = parse_proof_bytes(&proof.proof_bytes, selector(vk)).unwrap();
    let input = cairn_groth16::public_input_from_be_bytes(&proof.public_input()).unwrap();
    std::fs::write(dir.join("vk.json"), to_snarkjs_vk_json(vk)).unwrap();
    std::fs::write(dir.join("proof.json"), to_snarkjs_proof_json(&groth16)).unwrap();
    std::fs::write(dir.join("public.json"), to_snarkjs_public_json(input)).unwrap();
    let out = Command::new(snarkjs())
        .args(["groth16", "verify", "vk.json", "public.json", "proof.json"])
        .current_dir(dir)
        .output()
        .expect("cannot run snarkjs: run `bash script/setup.sh`");
    let text = String::from_utf8_lossy(&out.stdout);
    out.status.success() && text.contains("OK")
}

#[test]
fn snarkjs_accepts_the_wrapped_proof_and_rejects_a_tampered_one() {
    let fx = fixture();
    let dir = tempfile::tempdir().unwrap();
    assert!(snarkjs_accepts(dir.path(), &fx.wrapped.proof, &fx.wrapped.vk));
    let mut bad = fx.wrapped.proof.clone();
    bad.public_values[0] ^= 1;
    assert!(!snarkjs_accepts(dir.path(), &bad, &fx.wrapped.vk), "snarkjs accepted a wrong public input");
    // Another valid proof of a different statement does not verify this one: swap C for A.
    let mut bad = fx.wrapped.proof.clone();
    let a: Vec<u8> = bad.proof_bytes[4..68].to_vec();
    bad.proof_bytes[196..260].copy_from_slice(&a);
    assert!(!snarkjs_accepts(dir.path(), &bad, &fx.wrapped.vk), "snarkjs accepted a tampered proof");
}
