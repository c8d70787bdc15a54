//! What each syscall does when it succeeds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use cairn_abi::syscall::{COMMIT, HINT_LEN, HINT_NONE, HINT_READ, WRITE};
use cairn_executor::{Execution, ExecutorConfig};
use common::*;

fn run_ok(words: &[u32], data: &[u8], inputs: Vec<Vec<u8>>) -> Execution {
    run_elf(&program_elf(words, data), inputs, ExecutorConfig::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn write_to_stdout_stderr_and_public_values() {
    let words = [
        write(1, DATA, 5),
        write(2, DATA + 6, 3),
        write(3, DATA + 1, 2),
        write(3, DATA + 9, 3), // consecutive writes concatenate
        write(1, DATA, 0),     // an empty write writes nothing
        halt(),
    ]
    .concat();
    let exec = run_ok(&words, b"hello err xyz", vec![]);
    assert_eq!(exec.stdout, b"hello");
    assert_eq!(exec.stderr, b"err");
    assert_eq!(exec.public_values, b"el xy");
}

#[test]
fn write_reads_the_current_memory_not_the_image() {
    let words = [li(9, DATA), li(6, 0x6968_6f21), vec![sw(6, 9, 0)], write(1, DATA, 4), halt()].concat();
    assert_eq!(run_ok(&words, b"abcd", vec![]).stdout, b"!ohi");
}

#[test]
fn write_of_nothing_from_a_dangling_pointer() {
    // Rust passes `NonNull::dangling()` (address 1 for bytes) for empty slices: the guest library's
    // `write(fd, &[])` makes exactly this call.
    for ptr in [1, 4, 0] {
        let words = [write(3, ptr, 0), halt()].concat();
        let exec = run(&words, vec![]).unwrap_or_else(|e| panic!("empty WRITE from {ptr:#x}: {e}"));
        assert!(exec.public_values.is_empty());
    }
}

#[test]
fn hint_len_reports_each_item_without_consuming_it() {
    let words = [
        syscall(HINT_LEN),
        vec![addi(6, A0, 0)],
        syscall(HINT_LEN), // still the first item
        vec![addi(7, A0, 0)],
        read_input(DATA),
        syscall(HINT_LEN),
        vec![addi(8, A0, 0)],
        read_input(DATA),
        syscall(HINT_LEN), // exhausted
        vec![addi(13, A0, 0)],
        commit(6, 0),
        commit(7, 1),
        commit(8, 2),
        commit(13, 3),
        halt(),
    ]
    .concat();
    let exec = run_ok(&words, &[], vec![vec![1; 5], vec![2; 300]]);
    assert_eq!((0..4).map(|i| digest_word(&exec, i)).collect::<Vec<_>>(), [5, 5, 300, HINT_NONE]);
}

#[test]
fn hint_read_writes_whole_words_and_zeroes_the_tail() {
    for offset in [0, 4] {
        for len in [1u32, 2, 3, 4, 5, 6, 9] {
            let item: Vec<u8> = (1..=len as u8).collect();
            let words = [read_input(DATA + offset), write(3, DATA, 16), halt()].concat();
            let exec = run_ok(&words, &[0xaa; 16], vec![item.clone()]);
            let mut want = vec![0xaa; 16];
            let end = (offset + len.next_multiple_of(4)) as usize;
            want[offset as usize..end].fill(0);
            want[offset as usize..(offset + len) as usize].copy_from_slice(&item);
            assert_eq!(exec.public_values, want, "offset {offset}, len {len}");
        }
    }
}

#[test]
fn hint_read_items_in_order_to_stack_and_heap() {
    let heap = 0x0100_0000;
    let words =
        [read_input(0x003f_fff0), read_input(heap), write(1, 0x003f_fff0, 3), write(2, heap, 4), halt()].concat();
    let exec = run_ok(&words, &[], vec![b"abc".to_vec(), b"defg".to_vec()]);
    assert_eq!((exec.stdout.as_slice(), exec.stderr.as_slice()), (&b"abc"[..], &b"defg"[..]));
}

#[test]
fn hint_read_of_an_empty_item_into_an_empty_buffer() {
    // `Vec::with_capacity(0)` has a dangling pointer (1 for bytes): reading an empty input item
    // in the guest library is HINT_READ(1, 0).
    let words = [li(A0, 1), li(A1, 0), syscall(HINT_READ), syscall(HINT_LEN), commit(A0, 0), halt()].concat();
    let exec = run(&words, vec![vec![], vec![7; 3]]).unwrap_or_else(|e| panic!("empty HINT_READ: {e}"));
    assert_eq!(digest_word(&exec, 0), 3, "the empty item is consumed");
}

#[test]
fn commit_sets_digest_words_and_the_last_commit_wins() {
    let words =
        [li(6, 0x1111_1111), li(7, 0xdead_beef), commit(6, 7), commit(7, 0), commit(6, 0), commit(7, 3), halt()]
            .concat();
    let exec = run_ok(&words, &[], vec![]);
    let mut want = [0u8; 32];
    want[0..4].copy_from_slice(&0x1111_1111u32.to_le_bytes());
    want[12..16].copy_from_slice(&0xdead_beefu32.to_le_bytes());
    want[28..32].copy_from_slice(&0x1111_1111u32.to_le_bytes());
    assert_eq!(exec.digest, want);
    assert_eq!(exec.committed_words, 0b1000_1001);
}

#[test]
fn halt_stops_immediately_with_the_code_in_a0() {
    for code in [0, 1, 0xffff_ffff] {
        let words = [halt_with(code), vec![0xffff_ffff]].concat();
        let exec = run_ok(&words, &[], vec![]);
        assert_eq!(exec.exit_code, code);
        assert_eq!(exec.cycles, words.len() as u64 - 1);
    }
}

#[test]
fn syscalls_read_only_their_argument_registers() {
    // a2 and the other registers survive every syscall; HINT_LEN alone writes a0.
    let words = [
        li(6, 0x600d),
        li(A2, 0x1234),
        li(A0, 1),
        li(A1, DATA),
        syscall(WRITE),
        li(A0, 5),
        li(A1, 0),
        syscall(COMMIT),
        commit(6, 1),
        commit(A2, 2),
        halt(),
    ]
    .concat();
    let exec = run_ok(&words, &[0; 0x2000], vec![]);
    assert_eq!(exec.stdout.len(), 0x1234);
    assert_eq!([digest_word(&exec, 0), digest_word(&exec, 1), digest_word(&exec, 2)], [5, 0x600d, 0x1234]);
}
