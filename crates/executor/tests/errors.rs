//! Every way loading or running a program can fail, with the exact error and its fields.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use cairn_abi::memory::{MEM_END, STACK_TOP};
use cairn_abi::syscall::{COMMIT, HINT_READ, WRITE};
use cairn_executor::{ElfError, ExecutionError, ExecutorConfig, Program};
use common::*;

// ---------------------------------------------------------------------------------------------
// Malformed ELF files.

fn load_err(bytes: &[u8]) -> ElfError {
    match Program::from_elf(bytes) {
        Ok(p) => panic!("ELF loaded (entry {:#x}), expected an error", p.entry),
        Err(e) => e,
    }
}

/// A valid program: code at CODE, data at DATA.
fn valid() -> Vec<u8> {
    program_elf(&halt(), &[1, 2, 3, 4])
}

#[test]
fn the_valid_baseline_loads() {
    // The corruptions below start from this file; it must load, or they prove nothing.
    let p = Program::from_elf(&valid()).unwrap();
    assert_eq!((p.entry, p.text_start, p.text_end), (CODE, CODE, CODE + 4 * halt().len() as u32));
}

#[test]
fn garbage_bytes() {
    assert!(matches!(load_err(b"this is not an ELF file, just some text"), ElfError::Parse(_)));
    assert!(matches!(load_err(&[]), ElfError::Parse(_)));
}

#[test]
fn truncated_header() {
    let bytes = valid();
    for len in [4, 20, 40, 51] {
        assert!(matches!(load_err(&bytes[..len]), ElfError::Parse(_)), "truncated to {len} bytes");
    }
}

#[test]
fn truncated_program_headers() {
    let bytes = valid();
    assert!(matches!(load_err(&bytes[..off::phdr(1, 10)]), ElfError::Parse(_)));
}

#[test]
fn elf64_class() {
    let h = ElfHeader { class64: true, ..ElfHeader::default() };
    assert_eq!(load_err(&elf_with(&h, &[ElfSegment::code(CODE, &halt())])), ElfError::WrongClass);
}

#[test]
fn big_endian() {
    let h = ElfHeader { big_endian: true, ..ElfHeader::default() };
    assert_eq!(load_err(&elf_with(&h, &[ElfSegment::code(CODE, &halt())])), ElfError::WrongEndianness);
}

#[test]
fn wrong_machine() {
    let mut bytes = valid();
    put_u16(&mut bytes, off::E_MACHINE, 62); // x86-64
    assert_eq!(load_err(&bytes), ElfError::WrongMachine(62));
}

#[test]
fn relocatable_object_and_shared_library() {
    for e_type in [1, 3] {
        let mut bytes = valid();
        put_u16(&mut bytes, off::E_TYPE, e_type);
        assert_eq!(load_err(&bytes), ElfError::NotExecutable(e_type));
    }
}

#[test]
fn compressed_instructions_flag() {
    let mut bytes = valid();
    put_u32(&mut bytes, off::E_FLAGS, 0x5); // EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_SINGLE
    assert_eq!(load_err(&bytes), ElfError::CompressedInstructions);
    // Other flags (the float ABI, say) are fine.
    put_u32(&mut bytes, off::E_FLAGS, 0x4);
    Program::from_elf(&bytes).unwrap();
}

#[test]
fn no_loadable_segment() {
    assert_eq!(load_err(&elf(&[], CODE)), ElfError::NoSegments);
    // Program headers that are not PT_LOAD (here PT_NOTE) do not count.
    let mut bytes = valid();
    put_u32(&mut bytes, off::phdr(0, off::P_TYPE), 4);
    put_u32(&mut bytes, off::phdr(1, off::P_TYPE), 4);
    assert_eq!(load_err(&bytes), ElfError::NoSegments);
    // Nor do empty PT_LOAD segments.
    let bytes = elf(&[ElfSegment::code(CODE, &[])], CODE);
    assert_eq!(load_err(&bytes), ElfError::NoSegments);
}

#[test]
fn no_entry_point() {
    assert_eq!(load_err(&elf(&[ElfSegment::code(CODE, &halt())], 0)), ElfError::NoEntry);
}

#[test]
fn segment_below_mapped_memory() {
    let bytes = elf(&[ElfSegment::code(0xf000, &halt())], 0xf000);
    assert_eq!(load_err(&bytes), ElfError::SegmentOutOfRange { vaddr: 0xf000, memsz: 12 });
    // Straddling the lower bound is as bad.
    let bytes = elf(&[ElfSegment::code(CODE, &halt()), ElfSegment::data(0xfffc, &[0; 8])], CODE);
    assert_eq!(load_err(&bytes), ElfError::SegmentOutOfRange { vaddr: 0xfffc, memsz: 8 });
}

#[test]
fn segment_past_the_end_of_memory() {
    let code = ElfSegment::code(CODE, &halt());
    let bytes = elf(&[code.clone(), ElfSegment::data(MEM_END - 0x1000, &[]).memsz(0x1004)], CODE);
    assert_eq!(load_err(&bytes), ElfError::SegmentOutOfRange { vaddr: u64::from(MEM_END) - 0x1000, memsz: 0x1004 });
    let bytes = elf(&[code.clone(), ElfSegment::data(0xffff_f000, &[]).memsz(0x2000)], CODE);
    assert_eq!(load_err(&bytes), ElfError::SegmentOutOfRange { vaddr: 0xffff_f000, memsz: 0x2000 });
    // Ending exactly at MEM_END is fine.
    let bytes = elf(&[code, ElfSegment::data(MEM_END - 0x1000, &[]).memsz(0x1000)], CODE);
    assert_eq!(Program::from_elf(&bytes).unwrap().heap_start, MEM_END);
}

#[test]
fn overlapping_segments() {
    let code = ElfSegment::code(CODE, &[nop(); 4]);
    let bytes = elf(&[ElfSegment::data(CODE + 12, &[0; 8]), code.clone()], CODE);
    assert_eq!(load_err(&bytes), ElfError::OverlappingSegments { first: CODE, second: CODE + 12 });
    // Adjacent segments do not overlap.
    let bytes = elf(&[ElfSegment::data(CODE + 16, &[0; 8]), code], CODE);
    Program::from_elf(&bytes).unwrap();
}

#[test]
fn file_size_exceeds_memory_size() {
    let bytes = elf(&[ElfSegment::code(CODE, &halt()), ElfSegment::data(DATA, &[7; 8]).memsz(4)], CODE);
    let want = ElfError::MalformedSegment { vaddr: u64::from(DATA), reason: "file size exceeds memory size" };
    assert_eq!(load_err(&bytes), want);
}

#[test]
fn file_range_past_end_of_file() {
    let mut bytes = valid();
    let len = bytes.len() as u32;
    put_u32(&mut bytes, off::phdr(1, off::P_OFFSET), len - 2);
    let want = ElfError::MalformedSegment { vaddr: u64::from(DATA), reason: "file range lies outside the file" };
    assert_eq!(load_err(&bytes), want);
    let mut bytes = valid();
    put_u32(&mut bytes, off::phdr(1, off::P_OFFSET), u32::MAX - 2);
    assert_eq!(load_err(&bytes), want);
}

#[test]
fn entry_outside_the_text() {
    let segs = [ElfSegment::code(CODE, &halt()), ElfSegment::data(DATA, &[0; 16])];
    for entry in [DATA, DATA + 4, CODE + 4 * halt().len() as u32, CODE - 4, 0x0060_0000] {
        assert_eq!(load_err(&elf(&segs, entry)), ElfError::BadEntry(entry), "entry {entry:#x}");
    }
}

#[test]
fn misaligned_entry() {
    let segs = [ElfSegment::code(CODE, &halt())];
    for entry in [CODE + 1, CODE + 2, CODE + 7] {
        assert_eq!(load_err(&elf(&segs, entry)), ElfError::BadEntry(entry));
    }
}

#[test]
fn no_executable_segment() {
    let bytes = elf(&[ElfSegment::data(CODE, &ecall().to_le_bytes())], CODE);
    assert_eq!(load_err(&bytes), ElfError::BadEntry(CODE));
}

#[test]
fn misaligned_executable_segment() {
    let bytes = elf(&[ElfSegment::code(CODE + 2, &halt())], CODE + 4);
    assert_eq!(load_err(&bytes), ElfError::MisalignedText(CODE + 2));
    // Data segments may start anywhere.
    let bytes = elf(&[ElfSegment::code(CODE, &halt()), ElfSegment::data(DATA + 3, &[1])], CODE);
    Program::from_elf(&bytes).unwrap();
}

#[test]
fn elf_errors_surface_as_execution_errors() {
    let e = run_elf(&elf(&[], CODE), vec![], ExecutorConfig::default()).unwrap_err();
    assert_eq!(e, ExecutionError::Elf(ElfError::NoSegments));
}

// ---------------------------------------------------------------------------------------------
// Syscalls.

/// Runs `setup` then an ECALL with `id`; returns the error and the ECALL's pc.
fn syscall_err(setup: &[u32], id: u32, inputs: Vec<Vec<u8>>) -> (ExecutionError, u32) {
    let mut words = setup.to_vec();
    words.extend(li(T0, id));
    let pc = pc_of(words.len());
    words.push(ecall());
    words.extend(halt());
    (run(&words, inputs).unwrap_err(), pc)
}

#[test]
fn unknown_syscall() {
    for id in [0x04, 0x0f, 0x11, 0xffff_ffff] {
        let (e, pc) = syscall_err(&[], id, vec![]);
        assert_eq!(e, ExecutionError::UnknownSyscall { pc, id });
    }
}

#[test]
fn write_to_unknown_fd() {
    for fd in [0, 4, 0xffff_ffff] {
        let setup = [li(A0, fd), li(A1, DATA), li(A2, 4)].concat();
        let (e, pc) = syscall_err(&setup, WRITE, vec![]);
        assert_eq!(e, ExecutionError::UnknownFd { pc, fd });
    }
}

#[test]
fn write_from_unmapped_memory() {
    let cases = [(0, 4), (0xfffc, 8), (MEM_END - 2, 4), (0xffff_fff0, 0x20), (STACK_TOP - 4, 8)];
    for (ptr, len) in cases {
        let setup = [li(A0, 1), li(A1, ptr), li(A2, len)].concat();
        let (e, pc) = syscall_err(&setup, WRITE, vec![]);
        assert_eq!(e, ExecutionError::Unmapped { pc, addr: ptr, len, kind: "WRITE" }, "{ptr:#x}+{len}");
    }
}

#[test]
fn hint_read_with_no_input_left() {
    let setup = [li(A0, DATA), li(A1, 4)].concat();
    let (e, pc) = syscall_err(&setup, HINT_READ, vec![]);
    assert_eq!(e, ExecutionError::HintExhausted { pc });
}

#[test]
fn hint_read_with_the_wrong_length() {
    for requested in [3, 5, 0] {
        let setup = [li(A0, DATA), li(A1, requested)].concat();
        let (e, pc) = syscall_err(&setup, HINT_READ, vec![vec![9; 4]]);
        assert_eq!(e, ExecutionError::HintLength { pc, requested, available: 4 });
    }
}

#[test]
fn hint_read_to_unmapped_memory_or_text() {
    let setup = [li(A0, 0x8), li(A1, 4)].concat();
    let (e, pc) = syscall_err(&setup, HINT_READ, vec![vec![1; 4]]);
    assert_eq!(e, ExecutionError::Unmapped { pc, addr: 0x8, len: 4, kind: "HINT_READ" });
    let setup = [li(A0, CODE + 4), li(A1, 4)].concat();
    let (e, pc) = syscall_err(&setup, HINT_READ, vec![vec![1; 4]]);
    assert_eq!(e, ExecutionError::WriteToText { pc, addr: CODE + 4, len: 4 });
    // A non-empty item needs a word-aligned destination.
    let setup = [li(A0, DATA + 2), li(A1, 4)].concat();
    let (e, pc) = syscall_err(&setup, HINT_READ, vec![vec![1; 4]]);
    assert_eq!(e, ExecutionError::MisalignedHint { pc, ptr: DATA + 2 });
    // Ending exactly where the text starts is fine.
    let words = [li(A0, CODE - 4), li(A1, 4), syscall(HINT_READ), halt()].concat();
    run(&words, vec![vec![1; 4]]).unwrap();
}

#[test]
fn commit_index_out_of_range() {
    for index in [8, 9, 0xffff_ffff] {
        let setup = [li(A0, 1), li(A1, index)].concat();
        let (e, pc) = syscall_err(&setup, COMMIT, vec![]);
        assert_eq!(e, ExecutionError::CommitIndex { pc, index });
    }
}

// ---------------------------------------------------------------------------------------------
// Memory accesses.

/// Runs `x9 = base; op` and returns the error and the pc of `op`.
fn access_err(base: u32, op: u32) -> (ExecutionError, u32) {
    let mut words = li(9, base);
    let pc = pc_of(words.len());
    words.push(op);
    words.extend(halt());
    (run(&words, vec![]).unwrap_err(), pc)
}

#[test]
fn misaligned_loads_and_stores() {
    let cases: [(u32, u32, u32, &str); 9] = [
        (lh(6, 9, 1), 1, 2, "load"),
        (lhu(6, 9, 3), 3, 2, "load"),
        (lw(6, 9, 2), 2, 4, "load"),
        (lw(6, 9, 1), 1, 4, "load"),
        (lw(6, 9, -1), -1i32 as u32, 4, "load"),
        (sh(6, 9, 1), 1, 2, "store"),
        (sw(6, 9, 2), 2, 4, "store"),
        (sw(6, 9, 3), 3, 4, "store"),
        (sh(6, 9, -3), -3i32 as u32, 2, "store"),
    ];
    for (op, delta, size, kind) in cases {
        let (e, pc) = access_err(DATA, op);
        let addr = DATA.wrapping_add(delta);
        assert_eq!(e, ExecutionError::Misaligned { pc, addr, size, kind }, "{op:#010x}");
    }
}

#[test]
fn byte_accesses_are_never_misaligned() {
    let words = [li(9, DATA), vec![lb(6, 9, 1), lbu(6, 9, 3), sb(6, 9, 5), lh(7, 9, 2), sh(7, 9, 6)], halt()].concat();
    run(&words, vec![]).unwrap();
}

#[test]
fn loads_and_stores_to_unmapped_addresses() {
    // The code starts at CODE = STACK_TOP, the data at DATA: [STACK_TOP, DATA) is all image.
    // With the image higher up, the gap between the stack and the image is unmapped.
    let high = 0x0100_0000;
    let gap_program = |op: u32| {
        let words = [li(9, STACK_TOP), vec![op], halt()].concat();
        elf(&[ElfSegment::code(high, &words)], high)
    };
    let gap_cases = [(lw(6, 9, 0), 0, 4, "load"), (sb(6, 9, 4), 4, 1, "store"), (lhu(6, 9, 0x7fe), 0x7fe, 2, "load")];
    for (op, delta, len, kind) in gap_cases {
        let e = run_elf(&gap_program(op), vec![], ExecutorConfig::default()).unwrap_err();
        assert_eq!(e, ExecutionError::Unmapped { pc: high + 4, addr: STACK_TOP + delta, len, kind });
    }

    let cases: [(u32, u32, u32, u32, &str); 6] = [
        (0, lw(6, 9, 0), 0, 4, "load"),
        (0, sw(6, 9, 0x100), 0x100, 4, "store"),
        (0x1_0000, lb(6, 9, -1), 0xffff, 1, "load"),
        (MEM_END, lw(6, 9, 0), MEM_END, 4, "load"),
        (MEM_END - 4, sh(6, 9, 4), MEM_END, 2, "store"),
        (0x8000_0000, sw(6, 9, 0), 0x8000_0000, 4, "store"),
    ];
    for (base, op, addr, len, kind) in cases {
        let (e, pc) = access_err(base, op);
        assert_eq!(e, ExecutionError::Unmapped { pc, addr, len, kind }, "{base:#x} {op:#010x}");
    }
    // The last word of memory and the first of the stack are mapped.
    let words = [li(9, MEM_END - 4), li(13, 0x1_0000), vec![sw(9, 9, 0), lw(6, 13, 0), sw(6, 13, 0)], halt()].concat();
    run(&words, vec![]).unwrap();
}

#[test]
fn stores_into_the_text() {
    for (op, delta, len) in [(sw(6, 9, 0), 0, 4), (sb(6, 9, 7), 7, 1), (sh(6, 9, -2), 0xffff_fffe, 2)] {
        let (e, pc) = access_err(CODE + 4, op);
        assert_eq!(e, ExecutionError::WriteToText { pc, addr: (CODE + 4).wrapping_add(delta), len });
    }
}

// ---------------------------------------------------------------------------------------------
// Control flow.

#[test]
fn misaligned_jump_targets() {
    // jal and taken branches to pc + 2.
    let words = [nop(), jal(ZERO, 6)];
    assert_eq!(run_err(&words), ExecutionError::MisalignedJump { pc: pc_of(1), target: pc_of(1) + 6 });
    let words = [beq(ZERO, ZERO, -2)];
    assert_eq!(run_err(&words), ExecutionError::MisalignedJump { pc: pc_of(0), target: pc_of(0) - 2 });
    // jalr clears only bit 0.
    let words = [li(6, pc_of(4) + 3), vec![jalr(RA, 6, 0)], halt()].concat();
    assert_eq!(run_err(&words), ExecutionError::MisalignedJump { pc: pc_of(2), target: pc_of(4) + 2 });
    // An untaken branch to a misaligned target is no error.
    let words = [vec![bne(ZERO, ZERO, 2)], halt()].concat();
    run(&words, vec![]).unwrap();
}

#[test]
fn pc_runs_off_the_text() {
    let words = [nop(), nop()];
    assert_eq!(run_err(&words), ExecutionError::PcOutOfText { pc: pc_of(2) });
    // Jumping into data or before the text.
    let words = [li(6, DATA), vec![jalr(ZERO, 6, 0)]].concat();
    assert_eq!(run_err(&words), ExecutionError::PcOutOfText { pc: DATA });
    let words = [jal(ZERO, -8)];
    assert_eq!(run_err(&words), ExecutionError::PcOutOfText { pc: CODE - 8 });
}

#[test]
fn illegal_instructions() {
    let words = [
        0xffff_ffff,
        0x0000_0000,
        0x0000_3003,          // ld (RV64)
        0x0000_3023,          // sd (RV64)
        0x0200_1013,          // slli with shamt bit 5 (RV64)
        0x0400_0033,          // funct7 = 2 in OP
        0x2000_5013,          // srli/srai with funct7 = 0x10
        0x4000_1013,          // slli with funct7 = 0x20
        0x4000_1033,          // sll with funct7 = 0x20
        0x0000_100f,          // fence.i (Zifencei)
        0x0000_1067,          // jalr with funct3 = 1
        0x0000_2063,          // branch funct3 = 2
        0x3020_0073,          // mret
        0x0000_0053,          // fadd.s (F)
        0x0000_0001 | 0x4501, // c.li a0, 0 (RVC) with a zero upper half
    ];
    for word in words {
        let body = [li(6, 1), vec![word], halt()].concat();
        assert_eq!(run_err(&body), ExecutionError::IllegalInstruction { pc: pc_of(1), word }, "{word:#010x}");
    }
}

#[test]
fn illegal_word_in_the_middle_of_the_text_is_harmless_until_executed() {
    let words = [vec![jal(ZERO, 8), 0xffff_ffff], halt()].concat();
    run(&words, vec![]).unwrap();
}

#[test]
fn ebreak() {
    assert_eq!(run_err(&[nop(), nop(), common::ebreak()]), ExecutionError::Ebreak { pc: pc_of(2) });
}

#[test]
fn cycle_limit() {
    let words = [nop(), jal(ZERO, 0)];
    let config = ExecutorConfig { max_cycles: 1000 };
    let e = run_elf(&program_elf(&words, &[]), vec![], config).unwrap_err();
    assert_eq!(e, ExecutionError::CycleLimit { limit: 1000, pc: pc_of(1) });
}

#[test]
fn cycle_limit_is_exact() {
    // halt() runs 3 instructions: a limit of 3 suffices, 2 does not.
    let bytes = program_elf(&halt(), &[]);
    let exec = run_elf(&bytes, vec![], ExecutorConfig { max_cycles: 3 }).unwrap();
    assert_eq!(exec.cycles, 3);
    let e = run_elf(&bytes, vec![], ExecutorConfig { max_cycles: 2 }).unwrap_err();
    assert_eq!(e, ExecutionError::CycleLimit { limit: 2, pc: pc_of(2) });
}

// ---------------------------------------------------------------------------------------------
// Messages.

#[test]
fn messages_name_pc_and_address_in_hex() {
    let (e, pc) = access_err(0x1000, lw(6, 9, 0));
    let msg = e.to_string();
    assert!(msg.contains(&format!("{pc:#010x}")) && msg.contains("0x00001000"), "{msg}");
    assert_eq!(msg, "load of 4 bytes at address 0x00001000 is outside mapped memory (pc 0x00400004)");

    let (e, _) = access_err(DATA, sw(6, 9, 2));
    assert_eq!(e.to_string(), "misaligned store of 4 bytes at address 0x00500002 (pc 0x00400004)");

    let msg = run_err(&[nop(), 0xffff_ffff]).to_string();
    assert!(msg.contains("0xffffffff") && msg.contains("0x00400004"), "{msg}");

    let (e, _) = syscall_err(&[], 0x77, vec![]);
    assert_eq!(e.to_string(), "unknown syscall id 0x77 at pc 0x00400004");

    let msg = run_err(&[jal(ZERO, 6)]).to_string();
    assert!(msg.contains("0x00400000") && msg.contains("0x00400006"), "{msg}");

    let e = run_elf(&program_elf(&[jal(ZERO, 0)], &[]), vec![], ExecutorConfig { max_cycles: 10 }).unwrap_err();
    assert!(e.to_string().contains("0x00400000") && e.to_string().contains("10"), "{e}");

    let msg = load_err(&elf(&[ElfSegment::code(0xf000, &halt())], 0xf000)).to_string();
    assert!(msg.contains("0x0000f000"), "{msg}");
    let msg = load_err(&elf(&[ElfSegment::code(CODE, &halt())], CODE + 2)).to_string();
    assert!(msg.contains("0x00400002"), "{msg}");
}
