//! Test support: an RV32IM assembler, an ELF writer and helpers to run programs.
//!
//! Everything here is written from the RISC-V and ELF specifications, independently of the
//! executor's decoder and loader, so that the tests check the executor against the specs.
#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn_abi::syscall::{COMMIT, HALT, HINT_LEN, HINT_READ, WRITE};
use cairn_executor::{Execution, ExecutionError, ExecutionRecord, Executor, ExecutorConfig, Program};

// ---------------------------------------------------------------------------------------------
// Registers (ABI names for the ones the syscall ABI uses).

pub const ZERO: u32 = 0;
pub const RA: u32 = 1;
pub const SP: u32 = 2;
pub const T0: u32 = 5;
pub const A0: u32 = 10;
pub const A1: u32 = 11;
pub const A2: u32 = 12;

// ---------------------------------------------------------------------------------------------
// Instruction formats.

fn reg(r: u32) -> u32 {
    assert!(r < 32, "register x{r} does not exist");
    r
}

/// Checks that `imm` fits in a signed immediate of `bits` bits and returns its low bits.
fn signed(imm: i32, bits: u32) -> u32 {
    let lim = 1i64 << (bits - 1);
    assert!((-lim..lim).contains(&i64::from(imm)), "immediate {imm} does not fit in {bits} bits");
    (imm as u32) & ((1u32 << bits) - 1)
}

pub fn r_type(funct7: u32, rs2: u32, rs1: u32, funct3: u32, rd: u32, opcode: u32) -> u32 {
    (funct7 << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (funct3 << 12) | (reg(rd) << 7) | opcode
}

pub fn i_type(imm: i32, rs1: u32, funct3: u32, rd: u32, opcode: u32) -> u32 {
    (signed(imm, 12) << 20) | (reg(rs1) << 15) | (funct3 << 12) | (reg(rd) << 7) | opcode
}

pub fn s_type(imm: i32, rs2: u32, rs1: u32, funct3: u32, opcode: u32) -> u32 {
    let imm = signed(imm, 12);
    ((imm >> 5) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (funct3 << 12) | ((imm & 0x1f) << 7) | opcode
}

/// B-type: `offset` is a byte offset, even, in [-4096, 4096).
pub fn b_type(offset: i32, rs2: u32, rs1: u32, funct3: u32) -> u32 {
    assert!(offset % 2 == 0, "branch offset {offset} is odd");
    let imm = signed(offset, 13);
    let bit = |i: u32| (imm >> i) & 1;
    (bit(12) << 31)
        | (((imm >> 5) & 0x3f) << 25)
        | (reg(rs2) << 20)
        | (reg(rs1) << 15)
        | (funct3 << 12)
        | (((imm >> 1) & 0xf) << 8)
        | (bit(11) << 7)
        | 0b110_0011
}

/// U-type: `upper` is the 32-bit value whose low 12 bits must be zero.
pub fn u_type(upper: u32, rd: u32, opcode: u32) -> u32 {
    assert_eq!(upper & 0xfff, 0, "U-type immediate {upper:#x} has low bits set");
    upper | (reg(rd) << 7) | opcode
}

/// J-type: `offset` is a byte offset, even, in [-2^20, 2^20).
pub fn j_type(offset: i32, rd: u32) -> u32 {
    assert!(offset % 2 == 0, "jump offset {offset} is odd");
    let imm = signed(offset, 21);
    let bit = |i: u32| (imm >> i) & 1;
    (bit(20) << 31)
        | (((imm >> 1) & 0x3ff) << 21)
        | (bit(11) << 20)
        | (((imm >> 12) & 0xff) << 12)
        | (reg(rd) << 7)
        | 0b110_1111
}

// ---------------------------------------------------------------------------------------------
// Mnemonics.

const OP: u32 = 0b011_0011;
const OP_IMM: u32 = 0b001_0011;
const LOAD: u32 = 0b000_0011;
const STORE: u32 = 0b010_0011;

macro_rules! r_ops {
    ($($name:ident = ($f7:expr, $f3:expr);)*) => {$(
        pub fn $name(rd: u32, rs1: u32, rs2: u32) -> u32 { r_type($f7, rs2, rs1, $f3, rd, OP) }
    )*};
}
r_ops! {
    add = (0x00, 0); sub = (0x20, 0); sll = (0x00, 1); slt = (0x00, 2); sltu = (0x00, 3);
    xor = (0x00, 4); srl = (0x00, 5); sra = (0x20, 5); or = (0x00, 6); and = (0x00, 7);
    mul = (0x01, 0); mulh = (0x01, 1); mulhsu = (0x01, 2); mulhu = (0x01, 3);
    div = (0x01, 4); divu = (0x01, 5); rem = (0x01, 6); remu = (0x01, 7);
}

macro_rules! i_ops {
    ($opcode:expr; $($name:ident = $f3:expr;)*) => {$(
        pub fn $name(rd: u32, rs1: u32, imm: i32) -> u32 { i_type(imm, rs1, $f3, rd, $opcode) }
    )*};
}
i_ops! { OP_IMM; addi = 0; slti = 2; sltiu = 3; xori = 4; ori = 6; andi = 7; }
i_ops! { LOAD; lb = 0; lh = 1; lw = 2; lbu = 4; lhu = 5; }

fn shift_imm(funct7: u32, funct3: u32, rd: u32, rs1: u32, shamt: u32) -> u32 {
    assert!(shamt < 32, "shift amount {shamt} too large");
    r_type(funct7, shamt, rs1, funct3, rd, OP_IMM)
}
pub fn slli(rd: u32, rs1: u32, shamt: u32) -> u32 {
    shift_imm(0x00, 1, rd, rs1, shamt)
}
pub fn srli(rd: u32, rs1: u32, shamt: u32) -> u32 {
    shift_imm(0x00, 5, rd, rs1, shamt)
}
pub fn srai(rd: u32, rs1: u32, shamt: u32) -> u32 {
    shift_imm(0x20, 5, rd, rs1, shamt)
}

/// `sb rs2, imm(rs1)`.
pub fn sb(rs2: u32, rs1: u32, imm: i32) -> u32 {
    s_type(imm, rs2, rs1, 0, STORE)
}
/// `sh rs2, imm(rs1)`.
pub fn sh(rs2: u32, rs1: u32, imm: i32) -> u32 {
    s_type(imm, rs2, rs1, 1, STORE)
}
/// `sw rs2, imm(rs1)`.
pub fn sw(rs2: u32, rs1: u32, imm: i32) -> u32 {
    s_type(imm, rs2, rs1, 2, STORE)
}

macro_rules! b_ops {
    ($($name:ident = $f3:expr;)*) => {$(
        pub fn $name(rs1: u32, rs2: u32, offset: i32) -> u32 { b_type(offset, rs2, rs1, $f3) }
    )*};
}
b_ops! { beq = 0; bne = 1; blt = 4; bge = 5; bltu = 6; bgeu = 7; }

pub fn lui(rd: u32, upper: u32) -> u32 {
    u_type(upper, rd, 0b011_0111)
}
pub fn auipc(rd: u32, upper: u32) -> u32 {
    u_type(upper, rd, 0b001_0111)
}
pub fn jal(rd: u32, offset: i32) -> u32 {
    j_type(offset, rd)
}
pub fn jalr(rd: u32, rs1: u32, imm: i32) -> u32 {
    i_type(imm, rs1, 0, rd, 0b110_0111)
}
/// `fence rw, rw`.
pub fn fence() -> u32 {
    0x0330_000f
}
pub fn ecall() -> u32 {
    0x0000_0073
}
pub fn ebreak() -> u32 {
    0x0010_0073
}
pub fn nop() -> u32 {
    addi(ZERO, ZERO, 0)
}

/// `li rd, value`: LUI + ADDI (the ADDI's immediate is sign-extended, so round the upper part).
pub fn li(rd: u32, value: u32) -> Vec<u32> {
    let low = ((value & 0xfff) as i32) << 20 >> 20;
    let upper = value.wrapping_sub(low as u32);
    match (upper, low) {
        (0, _) => vec![addi(rd, ZERO, low)],
        (_, 0) => vec![lui(rd, upper)],
        _ => vec![lui(rd, upper), addi(rd, rd, low)],
    }
}

/// `ecall` with syscall `id` and the given argument registers already set by `setup`.
pub fn syscall(id: u32) -> Vec<u32> {
    let mut v = li(T0, id);
    v.push(ecall());
    v
}

/// Commits the value of `r` as digest word `index`. Clobbers `t0`, `a0` and `a1`.
pub fn commit(r: u32, index: u32) -> Vec<u32> {
    assert!(![T0, A1].contains(&r), "commit would clobber x{r} before reading it");
    let mut v = vec![addi(A0, r, 0), addi(A1, ZERO, index as i32)];
    v.extend(syscall(COMMIT));
    v
}

/// WRITE `len` bytes at `ptr` to `fd`. Clobbers `t0` and `a0`..`a2`.
pub fn write(fd: u32, ptr: u32, len: u32) -> Vec<u32> {
    [li(A0, fd), li(A1, ptr), li(A2, len), syscall(WRITE)].concat()
}

/// HINT_LEN into `a0`, then HINT_READ of that many bytes to `ptr`. Clobbers `t0`, `a0`, `a1`.
pub fn read_input(ptr: u32) -> Vec<u32> {
    [syscall(HINT_LEN), vec![addi(A1, A0, 0)], li(A0, ptr), syscall(HINT_READ)].concat()
}

/// HALT with exit code `code`.
pub fn halt_with(code: u32) -> Vec<u32> {
    [li(A0, code), syscall(HALT)].concat()
}

/// The epilogue: HALT with exit code 0.
pub fn halt() -> Vec<u32> {
    halt_with(0)
}

/// The address of word `index` of a program placed at [`CODE`].
pub const fn pc_of(index: usize) -> u32 {
    CODE + 4 * index as u32
}

// ---------------------------------------------------------------------------------------------
// ELF writer.

pub const PT_LOAD: u32 = 1;
pub const PF_X: u32 = 1;
pub const PF_W: u32 = 2;
pub const PF_R: u32 = 4;

/// Field offsets inside the ELF32 header and program headers, for tests that corrupt files.
pub mod off {
    pub const E_TYPE: usize = 16;
    pub const E_MACHINE: usize = 18;
    pub const E_ENTRY: usize = 24;
    pub const E_FLAGS: usize = 36;
    pub const EHDR_SIZE: usize = 52;
    pub const PHDR_SIZE: usize = 32;
    pub const P_TYPE: usize = 0;
    pub const P_OFFSET: usize = 4;
    pub const P_VADDR: usize = 8;
    pub const P_FILESZ: usize = 16;
    pub const P_MEMSZ: usize = 20;
    /// Offset of field `field` of program header `i`.
    pub const fn phdr(i: usize, field: usize) -> usize {
        EHDR_SIZE + i * PHDR_SIZE + field
    }
}

/// One loadable segment.
#[derive(Clone, Debug)]
pub struct ElfSegment {
    pub vaddr: u32,
    pub memsz: u32,
    pub flags: u32,
    pub data: Vec<u8>,
}

impl ElfSegment {
    /// An executable segment holding `words`.
    pub fn code(vaddr: u32, words: &[u32]) -> Self {
        let data: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        Self { vaddr, memsz: data.len() as u32, flags: PF_R | PF_X, data }
    }

    /// A writable data segment holding `data`.
    pub fn data(vaddr: u32, data: &[u8]) -> Self {
        Self { vaddr, memsz: data.len() as u32, flags: PF_R | PF_W, data: data.to_vec() }
    }

    /// Sets the size in memory (bytes past the data are zero).
    pub fn memsz(mut self, memsz: u32) -> Self {
        self.memsz = memsz;
        self
    }
}

/// ELF header fields; the default is what Cairn accepts.
#[derive(Clone, Debug)]
pub struct ElfHeader {
    pub class64: bool,
    pub big_endian: bool,
    pub e_type: u16,
    pub machine: u16,
    pub flags: u32,
    pub entry: u32,
}

impl Default for ElfHeader {
    fn default() -> Self {
        Self { class64: false, big_endian: false, e_type: 2, machine: 243, flags: 0, entry: CODE }
    }
}

/// A little-endian ELF32 RISC-V executable.
pub fn elf(segments: &[ElfSegment], entry: u32) -> Vec<u8> {
    elf_with(&ElfHeader { entry, ..ElfHeader::default() }, segments)
}

/// An ELF file of any class and byte order: header, program headers, then segment contents.
pub fn elf_with(h: &ElfHeader, segments: &[ElfSegment]) -> Vec<u8> {
    let (ehsize, phentsize) = if h.class64 { (64, 56) } else { (52, 32) };
    let mut out = Vec::new();
    let put = |out: &mut Vec<u8>, v: u64, n: usize| {
        let b = v.to_le_bytes();
        if h.big_endian {
            out.extend(b[..n].iter().rev());
        } else {
            out.extend(&b[..n]);
        }
    };
    let word = if h.class64 { 8 } else { 4 }; // size of addresses and offsets
    out.extend(b"\x7fELF");
    out.extend([if h.class64 { 2 } else { 1 }, if h.big_endian { 2 } else { 1 }, 1, 0]);
    out.extend([0u8; 8]);
    put(&mut out, u64::from(h.e_type), 2);
    put(&mut out, u64::from(h.machine), 2);
    put(&mut out, 1, 4); // e_version
    put(&mut out, u64::from(h.entry), word);
    put(&mut out, ehsize as u64, word); // e_phoff: right after the header
    put(&mut out, 0, word); // e_shoff
    put(&mut out, u64::from(h.flags), 4);
    put(&mut out, ehsize as u64, 2);
    put(&mut out, phentsize as u64, 2);
    put(&mut out, segments.len() as u64, 2);
    put(&mut out, 40, 2); // e_shentsize (no sections)
    put(&mut out, 0, 2); // e_shnum
    put(&mut out, 0, 2); // e_shstrndx
    assert_eq!(out.len(), ehsize);

    let mut offset = (ehsize + phentsize * segments.len()).next_multiple_of(4);
    for s in segments {
        let fields = [u64::from(s.vaddr), u64::from(s.vaddr), s.data.len() as u64, u64::from(s.memsz)];
        put(&mut out, u64::from(PT_LOAD), 4);
        if h.class64 {
            put(&mut out, u64::from(s.flags), 4);
            put(&mut out, offset as u64, 8);
            fields.iter().for_each(|&f| put(&mut out, f, 8));
            put(&mut out, 4, 8); // p_align
        } else {
            put(&mut out, offset as u64, 4);
            fields.iter().for_each(|&f| put(&mut out, f, 4));
            put(&mut out, u64::from(s.flags), 4);
            put(&mut out, 4, 4); // p_align
        }
        offset = (offset + s.data.len()).next_multiple_of(4);
    }
    for s in segments {
        out.resize(out.len().next_multiple_of(4), 0);
        out.extend(&s.data);
    }
    out
}

/// Overwrites the little-endian `u32` at `offset`.
pub fn put_u32(bytes: &mut [u8], offset: usize, v: u32) {
    bytes[offset..offset + 4].copy_from_slice(&v.to_le_bytes());
}

/// Overwrites the little-endian `u16` at `offset`.
pub fn put_u16(bytes: &mut [u8], offset: usize, v: u16) {
    bytes[offset..offset + 2].copy_from_slice(&v.to_le_bytes());
}

// ---------------------------------------------------------------------------------------------
// Running programs.

/// Where [`program_elf`] puts the code.
pub const CODE: u32 = 0x0040_0000;
/// Where [`program_elf`] puts the data segment.
pub const DATA: u32 = 0x0050_0000;
/// Size in memory of the data segment.
pub const DATA_SIZE: u32 = 0x1000;

/// An ELF with `words` at [`CODE`] (the entry) and `data` at [`DATA`] (zero-padded to at least
/// [`DATA_SIZE`]).
pub fn program_elf(words: &[u32], data: &[u8]) -> Vec<u8> {
    let memsz = DATA_SIZE.max(data.len() as u32);
    elf(&[ElfSegment::code(CODE, words), ElfSegment::data(DATA, data).memsz(memsz)], CODE)
}

pub fn load(elf_bytes: &[u8]) -> Program {
    Program::from_elf(elf_bytes).expect("test ELF must load")
}

/// Loads and runs an ELF with a configuration.
pub fn run_elf(elf_bytes: &[u8], inputs: Vec<Vec<u8>>, config: ExecutorConfig) -> Result<Execution, ExecutionError> {
    let program = Program::from_elf(elf_bytes)?;
    Executor::new(&program, config).with_inputs(inputs).run()
}

/// Runs `words` at [`CODE`] with an empty data segment at [`DATA`].
pub fn run(words: &[u32], inputs: Vec<Vec<u8>>) -> Result<Execution, ExecutionError> {
    run_elf(&program_elf(words, &[]), inputs, ExecutorConfig::default())
}

/// Runs `words` with `data` at [`DATA`].
pub fn run_with_data(words: &[u32], data: &[u8]) -> Result<Execution, ExecutionError> {
    run_elf(&program_elf(words, data), vec![], ExecutorConfig::default())
}

/// Runs in recording mode.
pub fn run_recording(program: &Program, inputs: Vec<Vec<u8>>) -> (Execution, ExecutionRecord) {
    Executor::new(program, ExecutorConfig::default()).with_inputs(inputs).run_recording().expect("program must halt")
}

/// Digest word `i` as committed by the guest.
pub fn digest_word(exec: &Execution, i: usize) -> u32 {
    u32::from_le_bytes(exec.digest[4 * i..4 * i + 4].try_into().unwrap())
}

/// Runs `body`, then commits `regs` (at most 8, none of `t0`, `a1`) and halts; returns their values.
pub fn eval(body: &[u32], regs: &[u32]) -> Vec<u32> {
    eval_with_data(body, &[], regs)
}

/// [`eval`] with `data` at [`DATA`].
pub fn eval_with_data(body: &[u32], data: &[u8], regs: &[u32]) -> Vec<u32> {
    assert!(regs.len() <= 8);
    // Committing clobbers a0, so a0 may only be the first register read.
    assert!(!regs.iter().skip(1).any(|&r| r == A0), "a0 can only be committed first");
    let mut words = body.to_vec();
    for (i, &r) in regs.iter().enumerate() {
        words.extend(commit(r, i as u32));
    }
    words.extend(halt());
    let exec = run_with_data(&words, data).unwrap_or_else(|e| panic!("program failed: {e}"));
    assert_eq!(exec.exit_code, 0);
    assert_eq!(exec.committed_words, ((1u16 << regs.len()) - 1) as u8);
    (0..regs.len()).map(|i| digest_word(&exec, i)).collect()
}

/// Runs `body` and returns the error it must stop with.
pub fn run_err(body: &[u32]) -> ExecutionError {
    match run(body, vec![]) {
        Ok(exec) => panic!("program halted with {exec:?}, expected an error"),
        Err(e) => e,
    }
}
