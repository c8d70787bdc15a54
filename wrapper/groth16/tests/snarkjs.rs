//! Interoperability with snarkjs (node): its verifier accepts our proofs and JSON, and a full
//! snarkjs ceremony over our exported `.r1cs` gives keys we import, prove and verify with.
//! These tests fail (never skip) without snarkjs: run `bash script/setup.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use ark_bn254::G1Affine;
use ark_ec::{AffineRepr, CurveGroup};
use cairn_binfile::BinFile;
use cairn_groth16::*;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use serde_json::Value;

/// Rounds of the example circuit in the ceremony: 101 constraints, domain 128.
const CEREMONY_ROUNDS: usize = 50;
/// Powers of tau: snarkjs needs 2^power ≥ the domain (128).
const PTAU_POWER: &str = "7";

fn snarkjs() -> PathBuf {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/.bin/snarkjs");
    assert!(
        bin.exists(),
        "snarkjs not found at {}: run `bash script/setup.sh` (installs node and snarkjs)",
        bin.display()
    );
    bin
}

/// Runs snarkjs in `dir`; returns whether it exited 0, and stdout + stderr.
fn run(dir: &Path, args: &[&str]) -> (bool, String) {
    let start = Instant::now();
    let out = Command::new(snarkjs())
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run snarkjs ({e}): run `bash script/setup.sh` (installs node and snarkjs)"
            )
        });
    assert_ne!(
        out.status.code(),
        Some(127),
        "cannot run snarkjs (is node installed?): run `bash script/setup.sh`"
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "snarkjs {} ({:.1}s)\n{}",
        args.join(" "),
        start.elapsed().as_secs_f64(),
        text.trim()
    );
    (out.status.success(), text)
}

/// Runs snarkjs and requires success.
fn run_ok(dir: &Path, args: &[&str]) -> String {
    let (ok, text) = run(dir, args);
    assert!(ok, "snarkjs {} failed:\n{text}", args.join(" "));
    text
}

/// A fresh directory under cargo's per-target scratch space.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cairn-groth16-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// snarkjs `groth16 verify` on our JSON: (accepted, output).
fn snarkjs_verify(dir: &Path, vk: &str, proof: &Groth16Proof, input: Fr) -> (bool, String) {
    write(dir, "proof.json", &to_snarkjs_proof_json(proof));
    write(dir, "public.json", &to_snarkjs_public_json(input));
    run(dir, &["groth16", "verify", vk, "public.json", "proof.json"])
}

/// Checks that snarkjs accepts `proof` for `input` and rejects a tampered proof and a wrong
/// input.
fn check_accepts_and_rejects(dir: &Path, vk: &str, proof: &Groth16Proof, input: Fr) {
    let (ok, text) = snarkjs_verify(dir, vk, proof, input);
    assert!(
        ok && text.contains("OK"),
        "snarkjs rejected a valid proof:\n{text}"
    );
    let mut bad = proof.clone();
    bad.0.a = (bad.0.a + G1Affine::generator()).into_affine();
    let (ok, text) = snarkjs_verify(dir, vk, &bad, input);
    assert!(
        !ok && text.contains("Invalid proof"),
        "snarkjs accepted a tampered proof:\n{text}"
    );
    let (ok, text) = snarkjs_verify(dir, vk, proof, input + Fr::from(1u64));
    assert!(
        !ok && text.contains("Invalid proof"),
        "snarkjs accepted a wrong input:\n{text}"
    );
}

#[test]
fn snarkjs_verifies_dev_setup_proofs() {
    let dir = scratch("dev");
    let rounds = 1000;
    let keys = dev_setup(ExampleCircuit { y: None, rounds }, [3; 32]).unwrap();
    let y = Fr::from(9u64);
    let proof = prove(&keys, ExampleCircuit { y: Some(y), rounds }, &mut rng()).unwrap();
    write(&dir, "vk.json", &to_snarkjs_vk_json(&keys.verifying_key()));
    check_accepts_and_rejects(
        &dir,
        "vk.json",
        &proof,
        ExampleCircuit::public_input(y, rounds),
    );
}

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::from_seed([11; 32])
}

fn ceremony_circuit(y: Option<u64>) -> ExampleCircuit {
    ExampleCircuit {
        y: y.map(Fr::from),
        rounds: CEREMONY_ROUNDS,
    }
}

struct Ceremony {
    dir: PathBuf,
    info: CircuitInfo,
    r1cs_info: String,
}

/// Exports the circuit and runs a whole snarkjs ceremony on it (once per test binary).
fn ceremony() -> &'static Ceremony {
    static CEREMONY: OnceLock<Ceremony> = OnceLock::new();
    CEREMONY.get_or_init(|| {
        let dir = scratch("ceremony");
        let file = std::fs::File::create(dir.join("x.r1cs")).unwrap();
        let info = export_r1cs(ceremony_circuit(None), file).unwrap();
        let r1cs_info = run_ok(&dir, &["r1cs", "info", "x.r1cs"]);
        run_ok(
            &dir,
            &["powersoftau", "new", "bn128", PTAU_POWER, "pot0.ptau"],
        );
        run_ok(
            &dir,
            &[
                "powersoftau",
                "contribute",
                "pot0.ptau",
                "pot1.ptau",
                "--name=t",
                "-e=ptau entropy",
            ],
        );
        run_ok(
            &dir,
            &["powersoftau", "prepare", "phase2", "pot1.ptau", "pot.ptau"],
        );
        run_ok(&dir, &["groth16", "setup", "x.r1cs", "pot.ptau", "x0.zkey"]);
        run_ok(
            &dir,
            &[
                "zkey",
                "contribute",
                "x0.zkey",
                "x.zkey",
                "--name=t",
                "-e=zkey entropy",
            ],
        );
        let verified = run_ok(&dir, &["zkey", "verify", "x.r1cs", "pot.ptau", "x.zkey"]);
        assert!(verified.contains("ZKey Ok!"), "{verified}");
        run_ok(
            &dir,
            &[
                "zkey",
                "export",
                "verificationkey",
                "x.zkey",
                "vk_snarkjs.json",
            ],
        );
        Ceremony {
            dir,
            info,
            r1cs_info,
        }
    })
}

fn import() -> Groth16Keys {
    let path = ceremony().dir.join("x.zkey");
    let start = Instant::now();
    let keys = import_zkey_file(&path, ceremony_circuit(None)).unwrap();
    eprintln!("import_zkey: {:.2}s", start.elapsed().as_secs_f64());
    keys
}

#[test]
fn snarkjs_reads_exported_r1cs() {
    let c = ceremony();
    assert_eq!(c.info.num_constraints, 2 * CEREMONY_ROUNDS + 1);
    let wires = c.info.num_variables();
    for line in [
        "Curve: bn-128".to_string(),
        format!("# of Wires: {wires}"),
        format!("# of Constraints: {}", c.info.num_constraints),
        "# of Private Inputs: 0".to_string(),
        "# of Public Inputs: 1".to_string(),
        format!("# of Labels: {wires}"),
        "# of Outputs: 0".to_string(),
    ] {
        assert!(
            c.r1cs_info.contains(&line),
            "'{line}' missing from:\n{}",
            c.r1cs_info
        );
    }
}

#[test]
fn imported_zkey_matches_snarkjs_vk() {
    let keys = import();
    assert!(!keys.insecure_dev_setup);
    assert_eq!(keys.reduction, QapReduction::Circom);
    assert_eq!(keys.security_warning(), None);
    let ours: Value = serde_json::from_str(&to_snarkjs_vk_json(&keys.verifying_key())).unwrap();
    let text = std::fs::read_to_string(ceremony().dir.join("vk_snarkjs.json")).unwrap();
    let theirs: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        ours, theirs,
        "our vk JSON (incl. vk_alphabeta_12) differs from snarkjs' export"
    );
    assert_eq!(from_snarkjs_vk_json(&text).unwrap(), keys.verifying_key());
}

#[test]
fn rust_proofs_with_ceremony_keys_verify_in_snarkjs() {
    let keys = import();
    let dir = scratch("ceremony-prove");
    std::fs::copy(ceremony().dir.join("vk_snarkjs.json"), dir.join("vk.json")).unwrap();
    let y = Fr::from(1234u64);
    let start = Instant::now();
    let proof = prove(&keys, ceremony_circuit(Some(1234)), &mut rng()).unwrap();
    eprintln!("prove: {:.2}s", start.elapsed().as_secs_f64());
    let x = ExampleCircuit::public_input(y, CEREMONY_ROUNDS);
    verify(&keys.verifying_key(), &proof, x).unwrap();
    check_accepts_and_rejects(&dir, "vk.json", &proof, x);
}

#[test]
fn snarkjs_proofs_with_our_witness_verify_in_rust() {
    let keys = import();
    let dir = scratch("ceremony-wtns");
    for f in ["x.r1cs", "x.zkey"] {
        std::fs::copy(ceremony().dir.join(f), dir.join(f)).unwrap();
    }
    let file = std::fs::File::create(dir.join("x.wtns")).unwrap();
    export_wtns(ceremony_circuit(Some(77)), file).unwrap();
    let checked = run_ok(&dir, &["wtns", "check", "x.r1cs", "x.wtns"]);
    assert!(checked.contains("WITNESS IS CORRECT"), "{checked}");
    run_ok(
        &dir,
        &[
            "groth16",
            "prove",
            "x.zkey",
            "x.wtns",
            "proof.json",
            "public.json",
        ],
    );
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let proof = from_snarkjs_proof_json(&read("proof.json")).unwrap();
    let input = from_snarkjs_public_json(&read("public.json")).unwrap();
    assert_eq!(
        input,
        ExampleCircuit::public_input(Fr::from(77u64), CEREMONY_ROUNDS)
    );
    verify(&keys.verifying_key(), &proof, input).unwrap();
}

#[test]
fn zkey_for_another_circuit_is_rejected() {
    let path = ceremony().dir.join("x.zkey");
    let other = ExampleCircuit {
        y: None,
        rounds: CEREMONY_ROUNDS + 1,
    };
    assert!(matches!(
        import_zkey_file(&path, other),
        Err(Groth16Error::ZkeyMismatch(_))
    ));
    // Same shape, one coefficient changed: caught by comparing section 4 with the circuit.
    let mut bytes = std::fs::read(&path).unwrap();
    let zkey = BinFile::open(std::io::Cursor::new(&bytes), b"zkey", &[1]).unwrap();
    let coefs = zkey.section(4).unwrap().offset as usize;
    bytes[coefs + 4 + 12] ^= 1; // low byte of the first coefficient's value
    let r = import_zkey(std::io::Cursor::new(&bytes), ceremony_circuit(None));
    assert!(matches!(r, Err(Groth16Error::ZkeyMismatch(_))), "{r:?}");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[0] = b'x';
    let r = import_zkey(std::io::Cursor::new(&bytes), ceremony_circuit(None));
    assert!(matches!(r, Err(Groth16Error::Zkey(_))), "{r:?}");
}
