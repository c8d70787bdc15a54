//! Runs each example guest on the executor and checks its outputs against values computed here,
//! independently of the guest code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use cairn_executor::{Execution, Executor, ExecutorConfig, Program};
use rollup_types::{Address, Transfer, Transition};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Builds example `name`, runs it on `inputs` and checks the digest protocol: all eight words
/// committed and equal to SHA-256 of the public values, whatever the exit code.
fn run(name: &str, inputs: Vec<Vec<u8>>) -> Execution {
    let elf = cairn_build::build_example(name).unwrap_or_else(|e| panic!("{e}"));
    let program = Program::from_elf(&std::fs::read(elf).unwrap()).unwrap();
    let execution = Executor::new(&program, ExecutorConfig::default())
        .with_inputs(inputs)
        .run()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        execution.committed_words, 0xff,
        "{name}: all digest words committed"
    );
    let digest: [u8; 32] = Sha256::digest(&execution.public_values).into();
    assert_eq!(
        execution.digest, digest,
        "{name}: digest is SHA-256 of the public values"
    );
    execution
}

fn encode<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).unwrap()
}

fn stderr(execution: &Execution) -> String {
    String::from_utf8_lossy(&execution.stderr).into_owned()
}

#[test]
fn fibonacci_commits_n_and_fib_n() {
    for n in [0u32, 1, 2, 10, 47, 48, 1000] {
        let (mut a, mut b) = (0u32, 1u32);
        for _ in 0..n {
            (a, b) = (b, a.wrapping_add(b));
        }
        let execution = run("fibonacci", vec![encode(&n)]);
        assert_eq!(execution.exit_code, 0, "n = {n}: {}", stderr(&execution));
        let committed: (u32, u32) = postcard::from_bytes(&execution.public_values).unwrap();
        assert_eq!(committed, (n, a), "n = {n}");
    }
}

#[test]
fn fibonacci_without_input_panics_with_exit_code_101() {
    let execution = run("fibonacci", vec![]);
    assert_eq!(execution.exit_code, 101);
    assert!(
        stderr(&execution).contains("no input left"),
        "{}",
        stderr(&execution)
    );
    assert!(execution.public_values.is_empty());
}

#[test]
fn fibonacci_rejects_a_mistyped_input() {
    let execution = run("fibonacci", vec![encode("not a number")]);
    assert_eq!(execution.exit_code, 101);
    assert!(
        stderr(&execution).contains("cairn_zkvm::io::read"),
        "{}",
        stderr(&execution)
    );
}

#[test]
fn sha256_commits_the_digest_of_its_raw_input() {
    let long: Vec<u8> = (0..5000u32).map(|i| (i * 7 + 3) as u8).collect();
    for data in [&b""[..], b"abc", &long] {
        let execution = run("sha256", vec![data.to_vec()]);
        assert_eq!(execution.exit_code, 0, "{}", stderr(&execution));
        assert_eq!(
            execution.public_values,
            Sha256::digest(data).to_vec(),
            "{} bytes",
            data.len()
        );
    }
}

#[test]
fn json_commits_the_value_at_a_key_path() {
    let doc =
        r#"{"name":"cairn","stats":{"users":[{"id":7},{"id":42,"tags":["a","b"]}],"ok":true}}"#;
    let cases = [
        ("name", "\"cairn\""),
        ("stats.users.1.id", "42"),
        ("stats.users.1.tags", "[\"a\",\"b\"]"),
        ("stats.ok", "true"),
    ];
    for (path, expected) in cases {
        let execution = run("json", vec![encode(doc), encode(path)]);
        assert_eq!(execution.exit_code, 0, "{path}: {}", stderr(&execution));
        let committed: String = postcard::from_bytes(&execution.public_values).unwrap();
        assert_eq!(committed, expected, "{path}");
        let stdout = String::from_utf8(execution.stdout).unwrap();
        assert_eq!(stdout, format!("{path} = {expected}\n"));
    }
}

#[test]
fn json_missing_key_panics() {
    let execution = run("json", vec![encode(r#"{"a":1}"#), encode("b.c")]);
    assert_eq!(execution.exit_code, 101);
    assert!(
        stderr(&execution).contains("not found"),
        "{}",
        stderr(&execution)
    );
}

fn account(n: u8) -> Address {
    let mut address = [0u8; 20];
    address[0] = 0xa0;
    address[19] = n;
    address
}

/// The documented state root: SHA-256 over `address || balance (u64 BE)` of every non-zero
/// balance, in address order.
fn state_root(balances: &BTreeMap<Address, u64>) -> [u8; 32] {
    let mut packed = Vec::new();
    for (address, balance) in balances.iter().filter(|(_, b)| **b > 0) {
        packed.extend_from_slice(address);
        packed.extend_from_slice(&balance.to_be_bytes());
    }
    Sha256::digest(&packed).into()
}

#[test]
fn rollup_commits_old_and_new_state_roots() {
    let old: BTreeMap<Address, u64> = [(account(3), 100), (account(1), 50), (account(2), 0)].into();
    let transfers = vec![
        Transfer {
            from: account(3),
            to: account(9),
            amount: 30,
        },
        Transfer {
            from: account(1),
            to: account(3),
            amount: 50,
        },
        Transfer {
            from: account(9),
            to: account(9),
            amount: 30,
        },
        Transfer {
            from: account(2),
            to: account(1),
            amount: 0,
        },
    ];
    let new: BTreeMap<Address, u64> = [(account(1), 0), (account(3), 120), (account(9), 30)].into();

    let execution = run("rollup", vec![encode(&old), encode(&transfers)]);
    assert_eq!(execution.exit_code, 0, "{}", stderr(&execution));
    let transition =
        Transition::from_bytes(&execution.public_values).expect("64 bytes of public values");
    assert_eq!(
        transition,
        Transition {
            old_root: state_root(&old),
            new_root: state_root(&new)
        }
    );
    assert_ne!(transition.old_root, transition.new_root);
    assert!(String::from_utf8(execution.stdout)
        .unwrap()
        .contains("applied 4 transfers"));
}

/// `rollup-types` lies outside the workspace (with the guests), so its encoding is tested here.
#[test]
fn rollup_public_values_decode_as_one_transition_and_nothing_else() {
    let transition = Transition {
        old_root: [1; 32],
        new_root: [2; 32],
    };
    let bytes = transition.to_bytes();
    assert_eq!(bytes, [[1u8; 32], [2u8; 32]].concat()[..]);
    assert_eq!(Transition::from_bytes(&bytes), Some(transition));
    assert_eq!(Transition::from_bytes(&bytes[..63]), None);
    assert_eq!(
        Transition::from_bytes(&[bytes.as_slice(), &[0]].concat()),
        None
    );
}

#[test]
fn rollup_empty_state_root_is_sha256_of_nothing() {
    let execution = run(
        "rollup",
        vec![
            encode(&BTreeMap::<Address, u64>::new()),
            encode(&Vec::<Transfer>::new()),
        ],
    );
    assert_eq!(execution.exit_code, 0, "{}", stderr(&execution));
    let empty: [u8; 32] = Sha256::digest(b"").into();
    assert_eq!(execution.public_values, [empty, empty].concat());
}

#[test]
fn rollup_rejects_an_overdraft() {
    let old: BTreeMap<Address, u64> = [(account(1), 10)].into();
    let transfers = vec![Transfer {
        from: account(1),
        to: account(2),
        amount: 11,
    }];
    let execution = run("rollup", vec![encode(&old), encode(&transfers)]);
    assert_eq!(execution.exit_code, 101);
    assert!(
        stderr(&execution).contains("transfer 0"),
        "{}",
        stderr(&execution)
    );
    assert!(execution.public_values.is_empty());
}
