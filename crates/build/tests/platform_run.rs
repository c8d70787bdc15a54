//! Runs the std platform test guest (zkvm/tests/platform) on the executor: stdin, environment,
//! deterministic randomness, exit codes, out-of-memory and the SHA syscalls.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cairn_build::{build_guest, BuildOptions};
use cairn_executor::{Execution, Executor, ExecutorConfig, Program};
use sha2::{Digest, Sha256};

fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../zkvm/tests/platform");
        let opts = BuildOptions {
            capture_output: true,
            ..BuildOptions::default()
        };
        let built = build_guest(&dir, &opts).unwrap_or_else(|e| panic!("{e}"));
        Program::from_elf(&std::fs::read(built.elf_path).unwrap()).unwrap()
    })
}

/// Runs `scenario` with extra raw input items and checks the digest protocol.
fn run(scenario: &str, extra: &[&[u8]]) -> Execution {
    let mut inputs = vec![postcard::to_allocvec(scenario).unwrap()];
    inputs.extend(extra.iter().map(|item| item.to_vec()));
    let execution = Executor::new(program(), ExecutorConfig::default())
        .with_inputs(inputs)
        .run()
        .unwrap_or_else(|e| panic!("{scenario}: {e}"));
    assert_eq!(execution.committed_words, 0xff);
    assert_eq!(
        execution.digest,
        <[u8; 32]>::from(Sha256::digest(&execution.public_values))
    );
    execution
}

fn stderr(execution: &Execution) -> String {
    String::from_utf8_lossy(&execution.stderr).into_owned()
}

#[test]
fn stdin_reads_the_remaining_items_as_one_stream() {
    let execution = run("stdin", &[b"hello ", b"", b"world"]);
    assert_eq!(execution.exit_code, 0, "{}", stderr(&execution));
    assert_eq!(execution.public_values, b"hello world");
    assert_eq!(execution.stdout, b"read 11 bytes from stdin\n");
}

#[test]
fn no_environment_and_no_arguments() {
    let execution = run("env", &[]);
    assert_eq!(execution.exit_code, 0, "{}", stderr(&execution));
    assert_eq!(
        postcard::from_bytes::<(bool, u32)>(&execution.public_values).unwrap(),
        (true, 0)
    );
}

#[test]
fn randomness_is_deterministic() {
    let first = run("rand", &[]);
    assert_eq!(first.exit_code, 0, "{}", stderr(&first));
    let (a, b): (u64, u64) = postcard::from_bytes(&first.public_values).unwrap();
    assert_ne!(a, b, "each RandomState gets fresh keys");
    assert_eq!(
        run("rand", &[]).public_values,
        first.public_values,
        "same keys on every run"
    );
}

#[test]
fn exit_commits_the_digest_with_any_code() {
    let execution = run("exit", &[]);
    assert_eq!(execution.exit_code, 7);
    assert_eq!(execution.public_values, b"partial");
}

#[test]
fn out_of_memory_halts_with_101() {
    let execution = run("oom", &[]);
    assert_eq!(execution.exit_code, 101);
    assert!(
        stderr(&execution).contains("out of memory"),
        "{}",
        stderr(&execution)
    );
}

#[test]
fn sha_syscalls_compress_in_digest_byte_order() {
    let execution = run("sha", &[]);
    assert_eq!(execution.exit_code, 0, "{}", stderr(&execution));
    let abc = Sha256::digest(b"abc").to_vec();
    assert_eq!(execution.public_values, [abc.clone(), abc].concat());
}

#[test]
fn unknown_scenario_panics_with_101() {
    let execution = run("nope", &[]);
    assert_eq!(execution.exit_code, 101);
    assert!(
        stderr(&execution).contains("panicked at src/main.rs"),
        "{}",
        stderr(&execution)
    );
}
