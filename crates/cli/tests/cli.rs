//! End-to-end tests of the `cairn` binary: build, execute and new.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn")).args(args).output().expect("cairn runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds an example guest with `cairn build --json` and returns its ELF path.
fn build(dir: &Path) -> String {
    let out = cairn(&["--json", "build", dir.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "cairn build failed: {}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
    summary["elf"].as_str().expect("elf path").to_owned()
}

fn fibonacci_elf() -> String {
    build(&repo().join("zkvm/examples/fibonacci"))
}

#[test]
fn execute_reports_exit_code_cycles_and_public_values() {
    let elf = fibonacci_elf();
    let out = cairn(&["--json", "execute", &elf, "-i", "u32:10"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
    assert_eq!(summary["exit_code"], 0);
    assert!(summary["cycles"].as_u64().expect("cycles") > 100);
    let mut expected = postcard::to_stdvec(&10u32).expect("encode");
    expected.extend(postcard::to_stdvec(&55u64).expect("encode"));
    assert_eq!(summary["public_values"], hex(&expected));
    assert_eq!(summary["digest_matches"], true);

    let human = cairn(&["execute", &elf, "--input", "u32:10"]);
    assert!(human.status.success());
    let stdout = text(&human.stdout);
    assert!(stdout.contains("exit code:     0"), "{stdout}");
    assert!(stdout.contains(&format!("public values: 0x{}", hex(&expected))), "{stdout}");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn execute_exit_status_follows_the_guest_exit_code() {
    let elf = fibonacci_elf();
    // No input: the guest panics reading it and halts with exit code 101.
    let out = cairn(&["execute", &elf]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("exit code:     101"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("no input left"), "{}", text(&out.stderr));
}

#[test]
fn execute_input_files_are_raw_items() {
    let elf = fibonacci_elf();
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("n.bin");
    std::fs::write(&input, postcard::to_stdvec(&12u32).expect("encode")).expect("write input");
    let out = cairn(&["--json", "execute", &elf, "-i", input.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
    let mut expected = postcard::to_stdvec(&12u32).expect("encode");
    expected.extend(postcard::to_stdvec(&144u64).expect("encode"));
    assert_eq!(summary["public_values"], hex(&expected));
}

#[test]
fn execute_rejects_bad_input_with_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = dir.path().join("garbage.elf");
    std::fs::write(&garbage, b"definitely not an ELF file").expect("write");
    let out = cairn(&["execute", garbage.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a valid ELF file"), "{}", text(&out.stderr));

    let out = cairn(&["execute", "/nonexistent/guest.elf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read ELF /nonexistent/guest.elf"), "{}", text(&out.stderr));

    let elf = fibonacci_elf();
    let out = cairn(&["execute", &elf, "-i", "u32:1000000", "--max-cycles", "1000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cycle limit of 1000 exceeded"), "{}", text(&out.stderr));

    let out = cairn(&["execute", &elf, "-i", "u32:notanumber"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a number"), "{}", text(&out.stderr));
}

#[test]
fn build_names_a_directory_that_is_not_a_guest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cairn(&["build", dir.path().to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("building guest"), "{}", text(&out.stderr));
}

#[test]
fn new_creates_a_guest_that_builds_and_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("hello-cairn");
    let out = cairn(&["new", project.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(project.join("host/src/main.rs").is_file());

    let elf = build(&project.join("program"));
    let out = cairn(&["execute", &elf, "-i", "u32:20"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("fib(20) = 6765"), "{}", text(&out.stdout));

    let again = cairn(&["new", project.to_str().expect("utf-8 path")]);
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("already exists"), "{}", text(&again.stderr));
}

#[test]
fn prove_then_verify_and_reject_tampering() {
    let elf = fibonacci_elf();
    let dir = tempfile::tempdir().expect("tempdir");
    let proof = dir.path().join("proof.bin");
    let vk = dir.path().join("vk.bin");
    let (proof_s, vk_s) = (proof.to_str().expect("utf-8"), vk.to_str().expect("utf-8"));

    let refused = cairn(&["prove", &elf, "-i", "u32:10", "--profile", "test", "-o", proof_s]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("--insecure-test-params"), "{}", text(&refused.stderr));

    let out = cairn(&[
        "--json", "prove", &elf, "-i", "u32:10", "--profile", "test", "--insecure-test-params", "-o", proof_s,
        "--vk-out", vk_s,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
    let vkey = cairn(&["vkey", &elf, "--config", "inner", "--profile", "test"]);
    assert_eq!(text(&vkey.stdout).trim(), summary["program_vkey"].as_str().expect("vkey"));

    let ok = cairn(&["verify", proof_s, "--vk", vk_s, "--insecure-test-params"]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("proof is valid"));
    let ok = cairn(&["verify", proof_s, "--elf", &elf, "--insecure-test-params"]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));

    let refused = cairn(&["verify", proof_s, "--vk", vk_s]);
    assert_eq!(refused.status.code(), Some(2));
    let confused = cairn(&["verify", proof_s, "--vk", vk_s, "--snark-vk", vk_s, "--insecure-test-params"]);
    assert_eq!(confused.status.code(), Some(2));
    assert!(text(&confused.stderr).contains("is a STARK proof"), "{}", text(&confused.stderr));
    // Outputs that would overwrite the guest, or each other, are refused before proving.
    let guest = dir.path().join("guest.elf");
    std::fs::copy(&elf, &guest).expect("copy the guest");
    let guest = guest.to_str().expect("utf-8");
    let prove_to = |out: &str, vk_out: &str| {
        cairn(&["prove", guest, "-i", "u32:10", "--profile", "test", "--insecure-test-params", "-o", out, "--vk-out", vk_out])
    };
    let clobber = prove_to(guest, vk_s);
    assert_eq!(clobber.status.code(), Some(2));
    assert!(text(&clobber.stderr).contains("is the guest ELF"), "{}", text(&clobber.stderr));
    let clobber = prove_to(proof_s, proof_s);
    assert_eq!(clobber.status.code(), Some(2));
    assert!(text(&clobber.stderr).contains("name the same file"), "{}", text(&clobber.stderr));
    // A file that is not an ELF is named by every command that reads one.
    let junk = dir.path().join("junk.elf");
    std::fs::write(&junk, b"\x7fELF but not really").expect("write");
    let junk = junk.to_str().expect("utf-8");
    for args in [
        vec!["vkey", junk],
        vec!["verify", proof_s, "--elf", junk, "--insecure-test-params"],
        vec!["prove", junk, "--profile", "test", "--insecure-test-params", "-o", proof_s],
    ] {
        let out = cairn(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains("junk.elf"), "{args:?}: {}", text(&out.stderr));
    }

    // Another program's key.
    let other = build(&repo().join("zkvm/examples/sha256"));
    let wrong = cairn(&["verify", proof_s, "--elf", &other, "--insecure-test-params"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(text(&wrong.stderr).contains("the proof is for program"), "{}", text(&wrong.stderr));

    // Flipped bytes in the proof body, and a truncated file.
    let bytes = std::fs::read(&proof).expect("read proof");
    for offset in [20, bytes.len() / 3, bytes.len() / 2, bytes.len() - 40] {
        let mut bad = bytes.clone();
        bad[offset] ^= 0x10;
        std::fs::write(&proof, &bad).expect("write");
        let out = cairn(&["verify", proof_s, "--vk", vk_s, "--insecure-test-params"]);
        assert_eq!(out.status.code(), Some(2), "flip at {offset} accepted: {}", text(&out.stdout));
    }
    std::fs::write(&proof, &bytes[..bytes.len() / 2]).expect("write");
    let out = cairn(&["verify", proof_s, "--vk", vk_s, "--insecure-test-params"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(&proof, b"not a proof").expect("write");
    let out = cairn(&["verify", proof_s, "--vk", vk_s, "--insecure-test-params"]);
    assert!(text(&out.stderr).contains("not a Cairn file") || text(&out.stderr).contains("Cairn"), "{}", text(&out.stderr));
}

/// `cairn wrap --groth16` on an outer TEST proof (test-size circuit, ≈ 0.85 M constraints),
/// then `cairn verify proof.groth16` with the key from the cache and from the written file.
#[test]
fn wrap_then_verify_the_groth16_proof() {
    let elf = fibonacci_elf();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_owned();
    let (proof, wrapped, vk_json, cache) = (path("proof.bin"), path("proof.groth16"), path("groth16_vk.json"), path("cache"));
    let out = cairn(&[
        "prove", &elf, "-i", "u32:10", "--config", "outer", "--profile", "test", "--insecure-test-params", "-o", &proof,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let wrap = |extra: &[&str]| {
        let mut args = vec!["wrap", "--groth16", &proof, "--elf", &elf, "-o", &wrapped, "--cache-dir", &cache];
        args.extend_from_slice(extra);
        cairn(&args)
    };
    let refused = wrap(&[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("insecure `test` profile"), "{}", text(&refused.stderr));
    let out = wrap(&["--insecure-test-params"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("INSECURE"), "the dev setup must be flagged: {}", text(&out.stderr));
    assert!(Path::new(&vk_json).exists());

    // The key from the cache (by VERIFIER_HASH) and from the file; the program pinned by --elf.
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", &wrapped, "--insecure-test-params"];
        args.extend_from_slice(extra);
        Command::new(env!("CARGO_BIN_EXE_cairn")).args(&args).env("CAIRN_CACHE_DIR", &cache).output().expect("runs")
    };
    let ok = verify(&[]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("Groth16 proof is valid"));
    let ok = verify(&["--snark-vk", &vk_json, "--elf", &elf]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    // The warning comes from the key (alpha, beta), not only from the file's flag.
    warns_without_the_flag(&wrapped, &verify, &vk_json);
    let other = build(&repo().join("zkvm/examples/sha256"));
    let wrong = verify(&["--elf", &other]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(text(&wrong.stderr).contains("the proof is for program"), "{}", text(&wrong.stderr));

    // Tampered proof bytes, and a truncated file: clear errors, exit status 2.
    let bytes = std::fs::read(&wrapped).expect("read");
    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 70] ^= 1; // inside B
    std::fs::write(&wrapped, &bad).expect("write");
    let out = verify(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("verification failed"), "{}", text(&out.stderr));
    // foundry-project writes nothing for a proof the key refuses, and a project for a good one.
    let project = path("project");
    let out = cairn(&["foundry-project", &wrapped, "--snark-vk", &vk_json, "-o", &project]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("does not verify with the key"), "{}", text(&out.stderr));
    assert!(!Path::new(&project).exists());
    std::fs::write(&wrapped, &bytes).expect("write");
    let out = cairn(&["foundry-project", &wrapped, "--snark-vk", &vk_json, "-o", &project]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(Path::new(&project).join("foundry.toml").exists());
    std::fs::write(&wrapped, &bytes[..n / 2]).expect("write");
    let out = verify(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("truncated or corrupt"), "{}", text(&out.stderr));
}

/// Clears the `insecure_setup` flag of the wrapped proof at `path`, as a file edited to hide
/// that its key is a development one, and checks that `verify` (given the key file) still
/// accepts it and still warns: the warning comes from the key. Restores the file afterwards.
fn warns_without_the_flag(path: &str, verify: impl Fn(&[&str]) -> Output, vk_json: &str) {
    let original = std::fs::read(path).expect("read");
    let (header, mut proof) = cairn_sdk::SnarkProof::load(Path::new(path)).expect("a wrapped proof");
    assert!(proof.insecure_setup);
    proof.insecure_setup = false;
    proof.save(&header.profile, Path::new(path)).expect("write");
    let ok = verify(&["--snark-vk", vk_json]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stderr).contains("INSECURE"), "a development key must be flagged: {}", text(&ok.stderr));
    std::fs::write(path, &original).expect("write");
}

#[test]
fn wrap_then_verify_the_plonk_proof() {
    let elf = fibonacci_elf();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_owned();
    let (proof, wrapped, vk_json, cache) = (path("proof.bin"), path("proof.plonk"), path("plonk_vk.json"), path("cache"));
    let out = cairn(&[
        "prove", &elf, "-i", "u32:10", "--config", "outer", "--profile", "test", "--insecure-test-params", "-o", &proof,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // One system at a time, and the Groth16-only options are refused with --plonk.
    let both = cairn(&["wrap", "--groth16", "--plonk", &proof, "--elf", &elf]);
    assert_eq!(both.status.code(), Some(2));
    let zkey = cairn(&["wrap", "--plonk", &proof, "--elf", &elf, "--zkey", "x.zkey"]);
    assert_eq!(zkey.status.code(), Some(2));

    let out = cairn(&[
        "wrap", "--plonk", &proof, "--elf", &elf, "-o", &wrapped, "--cache-dir", &cache, "--insecure-test-params",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("INSECURE"), "the development parameters must be flagged: {}", text(&out.stderr));
    assert!(Path::new(&vk_json).exists());

    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", &wrapped, "--insecure-test-params"];
        args.extend_from_slice(extra);
        Command::new(env!("CARGO_BIN_EXE_cairn")).args(&args).env("CAIRN_CACHE_DIR", &cache).output().expect("runs")
    };
    let ok = verify(&[]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("PLONK proof is valid"), "{}", text(&ok.stdout));
    let ok = verify(&["--snark-vk", &vk_json, "--elf", &elf]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    // The warning comes from the key's [τ]₂, not only from the file's flag.
    warns_without_the_flag(&wrapped, &verify, &vk_json);

    let bytes = std::fs::read(&wrapped).expect("read");
    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 100] ^= 1;
    std::fs::write(&wrapped, &bad).expect("write");
    let out = verify(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("verification failed"), "{}", text(&out.stderr));
    // A Groth16 key for a PLONK proof is refused by name.
    std::fs::write(&wrapped, &bytes).expect("write");
    std::fs::write(path("junk.json"), "{\"system\": \"plonk\"}").expect("write");
    let out = verify(&["--snark-vk", &path("junk.json")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("junk.json"), "{}", text(&out.stderr));
}

#[test]
fn kzg_params_names_what_is_wrong_with_the_ceremony() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_file = dir.path().join("out.params");
    let out = out_file.to_str().expect("utf-8 path");
    let run = |ptau: &Path| {
        let result = cairn(&["kzg-params", "--ptau", ptau.to_str().expect("utf-8 path"), "--k", "17", "-o", out]);
        assert_eq!(result.status.code(), Some(2), "{}", text(&result.stderr));
        text(&result.stderr)
    };

    let missing = run(&dir.path().join("missing.ptau"));
    assert!(missing.contains("missing.ptau"), "{missing}");
    // The OS error is printed once, not once per layer of the error chain.
    assert_eq!(missing.matches("No such file").count(), 1, "{missing}");

    let not_ptau = dir.path().join("notes.ptau");
    std::fs::write(&not_ptau, b"these are not powers of tau").expect("write");
    let foreign = run(&not_ptau);
    assert!(foreign.contains("not a .ptau file (bad magic)"), "{foreign}");

    // A well-formed header of a power-1 BN254 ceremony: refused before any point is read.
    let mut modulus = hex_decode("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47");
    modulus.reverse();
    let mut small = b"ptau".to_vec();
    for word in [1u32, 1, 1] {
        small.extend(word.to_le_bytes()); // version, sections, section id
    }
    small.extend(44u64.to_le_bytes());
    small.extend(32u32.to_le_bytes());
    small.extend(modulus);
    small.extend(1u32.to_le_bytes()); // power
    small.extend(1u32.to_le_bytes()); // ceremony power
    let small_file = dir.path().join("small.ptau");
    std::fs::write(&small_file, small).expect("write");
    let too_small = run(&small_file);
    assert!(too_small.contains("needs 2^17 rows but the KZG parameters have 2^1"), "{too_small}");
    assert!(!out_file.exists(), "no parameters are written for a refused ceremony");

    let huge = cairn(&["kzg-params", "--ptau", "any.ptau", "--k", "64", "-o", out]);
    assert_eq!(huge.status.code(), Some(2));
    assert!(text(&huge.stderr).contains("64 is not in 1..=28"), "{}", text(&huge.stderr));
}

fn hex_decode(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect()
}
