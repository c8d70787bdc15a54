//! Loading valid programs: the image, the instruction range and the heap.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use cairn_abi::memory::PAGE_SIZE;
use cairn_executor::{ExecutionError, ExecutorConfig, Instruction, Opcode, Program};
use common::*;

#[test]
fn program_layout() {
    let code = ElfSegment::code(CODE, &halt());
    let data = ElfSegment::data(DATA + 0x10, &[1, 2, 3]).memsz(0x2000);
    let p = Program::from_elf(&elf(&[data, code], CODE)).unwrap();
    assert_eq!(p.entry, CODE);
    assert_eq!((p.text_start, p.text_end), (CODE, CODE + 12));
    assert_eq!(p.image_start, CODE);
    assert_eq!(p.heap_start, (DATA + 0x2010).next_multiple_of(PAGE_SIZE));
    assert_eq!(p.segments.iter().map(|s| s.vaddr).collect::<Vec<_>>(), [CODE, DATA + 0x10], "sorted");
    assert_eq!(
        (p.segments[1].memsz, p.segments[1].executable, p.segments[1].data.as_slice()),
        (0x2000, false, &[1u8, 2, 3][..])
    );
    assert!(p.segments[0].executable);
    let decoded: Vec<Opcode> = p.instructions.iter().map(|i| i.opcode).collect();
    assert_eq!(decoded, [Opcode::Addi, Opcode::Addi, Opcode::Ecall]);
    assert_eq!(p.instructions[0], Instruction { opcode: Opcode::Addi, rd: 10, rs1: 0, rs2: 0, imm: 0 });
}

#[test]
fn image_start_is_the_page_below_the_lowest_segment() {
    let base = 0x0012_3450;
    let p = Program::from_elf(&elf(&[ElfSegment::code(base, &halt())], base)).unwrap();
    assert_eq!((p.image_start, p.heap_start), (0x0012_3000, 0x0012_4000));
}

#[test]
fn entry_need_not_be_the_first_instruction() {
    let words = [vec![0xffff_ffff], halt_with(7)].concat();
    let exec = run_elf(&elf(&[ElfSegment::code(CODE, &words)], CODE + 4), vec![], ExecutorConfig::default()).unwrap();
    assert_eq!(exec.exit_code, 7);
}

#[test]
fn bss_is_zero_and_writable() {
    // x9 = DATA; the segment has 4 bytes in the file and 64 in memory.
    let words = [li(9, DATA), vec![lw(6, 9, 0), lw(7, 9, 60), sw(6, 9, 60), lw(8, 9, 60)]].concat();
    let elf_bytes = elf(
        &[
            ElfSegment::code(CODE, &[words, commit(6, 0), commit(7, 1), commit(8, 2), halt()].concat()),
            ElfSegment::data(DATA, &[1, 2, 3, 4]).memsz(64),
        ],
        CODE,
    );
    let exec = run_elf(&elf_bytes, vec![], ExecutorConfig::default()).unwrap();
    assert_eq!([digest_word(&exec, 0), digest_word(&exec, 1), digest_word(&exec, 2)], [0x0403_0201, 0, 0x0403_0201]);
}

#[test]
fn data_in_the_text_is_readable_but_not_executable() {
    // A literal pool after the code (padded to 32 words): loads read it, executing it fails.
    let pool = pc_of(32);
    for jump in [false, true] {
        let jump_code = if jump { [li(6, pool + 4), vec![jalr(ZERO, 6, 0)]].concat() } else { vec![] };
        let mut words =
            [jump_code, li(9, pool), vec![lw(6, 9, 0), lw(7, 9, 4)], commit(6, 0), commit(7, 1), halt()].concat();
        words.resize(32, nop());
        words.extend([0xffff_ffff, 0x0000_0000]);
        let result = run_elf(&elf(&[ElfSegment::code(CODE, &words)], CODE), vec![], ExecutorConfig::default());
        if jump {
            assert_eq!(result.unwrap_err(), ExecutionError::IllegalInstruction { pc: pool + 4, word: 0 });
        } else {
            let exec = result.unwrap();
            assert_eq!([digest_word(&exec, 0), digest_word(&exec, 1)], [0xffff_ffff, 0]);
        }
    }
}

#[test]
fn two_text_segments_and_the_gap_between_them() {
    // Code at CODE jumps to a second text segment at CODE + 0x100; the gap is not executable.
    let first = [li(6, CODE + 0x100), vec![jalr(ZERO, 6, 0)]].concat();
    let second = [halt_with(3), vec![jal(ZERO, -0x80)]].concat();
    let p = Program::from_elf(&elf(&[ElfSegment::code(CODE, &first), ElfSegment::code(CODE + 0x100, &second)], CODE))
        .unwrap();
    assert_eq!((p.text_start, p.text_end), (CODE, CODE + 0x100 + 4 * second.len() as u32));
    assert_eq!(p.instructions.len(), (0x100 + 4 * second.len()) / 4);
    assert_eq!(p.instructions[0x40 - 1].opcode, Opcode::Illegal);
    let exec = cairn_executor::Executor::new(&p, ExecutorConfig::default()).run().unwrap();
    assert_eq!(exec.exit_code, 3);
    // Jumping back into the gap instead of halting fails there.
    let second = [vec![jal(ZERO, -0x80)], halt_with(3)].concat();
    let bytes = elf(&[ElfSegment::code(CODE, &first), ElfSegment::code(CODE + 0x100, &second)], CODE);
    let e = run_elf(&bytes, vec![], ExecutorConfig::default()).unwrap_err();
    assert_eq!(e, ExecutionError::IllegalInstruction { pc: CODE + 0x80, word: 0 });
}

#[test]
fn segments_sharing_a_word_are_both_loaded() {
    // Disjoint segments may meet inside a word: 0x11 0x22 | 0x33 0x44.
    let words = [li(9, DATA), vec![lw(6, 9, 0)], commit(6, 0), halt()].concat();
    let segs = [
        ElfSegment::code(CODE, &words),
        ElfSegment::data(DATA, &[0x11, 0x22]),
        ElfSegment::data(DATA + 2, &[0x33, 0x44]),
    ];
    let exec = run_elf(&elf(&segs, CODE), vec![], ExecutorConfig::default()).unwrap();
    assert_eq!(digest_word(&exec, 0), 0x4433_2211);
}

#[test]
fn program_serialises() {
    let p = load(&program_elf(&halt(), &[9; 9]));
    let bytes = postcard::to_allocvec(&p).unwrap();
    assert_eq!(postcard::from_bytes::<Program>(&bytes).unwrap(), p);
}
