//! The executor against an independent reference model of RV32IM, on random programs.
//!
//! The model works on mathematical integers (`i128`), converting to and from 32-bit words at the
//! edges, and follows the wording of the RISC-V unprivileged spec rather than the executor's code:
//! signed values are sign-extended words, shifts are multiplications and floor divisions by powers
//! of two, bitwise operations go bit by bit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use cairn_executor::{ExecutionError, Opcode};
use common::*;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// The model.

/// A word read as a two's-complement signed integer.
fn signed(v: u32) -> i128 {
    if v >= 1 << 31 {
        i128::from(v) - (1 << 32)
    } else {
        i128::from(v)
    }
}

/// A word read as an unsigned integer.
fn unsigned(v: u32) -> i128 {
    i128::from(v)
}

/// An integer reduced modulo 2^32.
fn word(x: i128) -> u32 {
    x.rem_euclid(1 << 32) as u32
}

/// A bitwise operation, one bit at a time.
fn bitwise(a: u32, b: u32, f: fn(bool, bool) -> bool) -> u32 {
    (0..32).filter(|&i| f((a >> i) & 1 == 1, (b >> i) & 1 == 1)).map(|i| 1u32 << i).sum()
}

/// The register-register operations.
const R_OPS: [Opcode; 18] = {
    use Opcode::*;
    [Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And, Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem, Remu]
};

/// The register-immediate operations: the register form with the sign-extended immediate as `b`.
const I_OPS: [Opcode; 9] = {
    use Opcode::*;
    [Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli, Srai]
};

/// `op(a, b)` per the spec.
fn model(op: Opcode, a: u32, b: u32) -> u32 {
    use Opcode::*;
    let (sa, sb, ua, ub) = (signed(a), signed(b), unsigned(a), unsigned(b));
    let pow = 1i128 << (ub % 32); // shifts use the low five bits of b
    let two32 = 1i128 << 32;
    match op {
        Add | Addi => word(sa + sb),
        Sub => word(sa - sb),
        Sll | Slli => word(ua * pow),
        Slt | Slti => u32::from(sa < sb),
        Sltu | Sltiu => u32::from(ua < ub),
        Xor | Xori => bitwise(a, b, |x, y| x != y),
        Srl | Srli => word(ua / pow),
        Sra | Srai => word(sa.div_euclid(pow)), // floor, i.e. rounding towards -infinity
        Or | Ori => bitwise(a, b, |x, y| x || y),
        And | Andi => bitwise(a, b, |x, y| x && y),
        Mul => word(sa * sb),
        Mulh => word((sa * sb).div_euclid(two32)),
        Mulhsu => word((sa * ub).div_euclid(two32)),
        Mulhu => word((ua * ub).div_euclid(two32)),
        // Division rounds towards zero (Rust's `/` on integers); by zero it gives all ones and
        // the remainder the dividend; the overflow -2^31 / -1 = 2^31 wraps to -2^31.
        Div if b == 0 => u32::MAX,
        Div => word(sa / sb),
        Divu if b == 0 => u32::MAX,
        Divu => word(ua / ub),
        Rem if b == 0 => a,
        Rem => word(sa - sb * (sa / sb)),
        Remu if b == 0 => a,
        Remu => word(ua - ub * (ua / ub)),
        _ => unreachable!("{op:?} is not an ALU operation"),
    }
}

/// The assembler function for the register form of `op`.
fn encode_r(op: Opcode) -> fn(u32, u32, u32) -> u32 {
    use Opcode::*;
    match op {
        Add => add,
        Sub => sub,
        Sll => sll,
        Slt => slt,
        Sltu => sltu,
        Xor => xor,
        Srl => srl,
        Sra => sra,
        Or => or,
        And => and,
        Mul => mul,
        Mulh => mulh,
        Mulhsu => mulhsu,
        Mulhu => mulhu,
        Div => div,
        Divu => divu,
        Rem => rem,
        Remu => remu,
        _ => unreachable!("{op:?} has no register form"),
    }
}

/// The immediate form of `op` (one of [`I_OPS`]); shifts take the immediate as the amount.
fn encode_i(op: Opcode, rd: u32, rs1: u32, imm: i32) -> u32 {
    use Opcode::*;
    match op {
        Addi => addi(rd, rs1, imm),
        Slti => slti(rd, rs1, imm),
        Sltiu => sltiu(rd, rs1, imm),
        Xori => xori(rd, rs1, imm),
        Ori => ori(rd, rs1, imm),
        Andi => andi(rd, rs1, imm),
        Slli => slli(rd, rs1, imm as u32),
        Srli => srli(rd, rs1, imm as u32),
        Srai => srai(rd, rs1, imm as u32),
        _ => unreachable!("{op:?} has no immediate form"),
    }
}

/// One instruction of a straight-line program.
#[derive(Clone, Copy, Debug)]
enum Insn {
    R(Opcode, u32, u32, u32),
    I(Opcode, u32, u32, i32),
    Lui(u32, u32),
    Auipc(u32, u32),
}

impl Insn {
    fn encode(self) -> u32 {
        match self {
            Insn::R(op, rd, rs1, rs2) => encode_r(op)(rd, rs1, rs2),
            Insn::I(op, rd, rs1, imm) => encode_i(op, rd, rs1, imm),
            Insn::Lui(rd, upper) => lui(rd, upper),
            Insn::Auipc(rd, upper) => auipc(rd, upper),
        }
    }

    /// Executes the instruction at `pc` on the model's registers.
    fn step(self, regs: &mut [u32; 32], pc: u32) {
        let (rd, value) = match self {
            Insn::R(op, rd, rs1, rs2) => (rd, model(op, regs[rs1 as usize], regs[rs2 as usize])),
            // The 12-bit immediate is sign-extended, i.e. the word of the integer.
            Insn::I(op, rd, rs1, imm) => (rd, model(op, regs[rs1 as usize], word(i128::from(imm)))),
            Insn::Lui(rd, upper) => (rd, upper),
            Insn::Auipc(rd, upper) => (rd, word(unsigned(pc) + unsigned(upper))),
        };
        if rd != 0 {
            regs[rd as usize] = value;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies.

/// Operands, biased towards the values where arithmetic has corner cases.
fn operand() -> impl Strategy<Value = u32> {
    let edges = [0, 1, 2, 31, 32, 33, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xffff_ffff, 0xffff_fffe, 0xffff_0000];
    prop_oneof![
        4 => any::<u32>(),
        3 => prop::sample::select(edges.to_vec()),
        2 => (-40i32..40).prop_map(|v| v as u32),
    ]
}

fn imm12() -> impl Strategy<Value = i32> {
    prop_oneof![3 => -2048i32..2048, 1 => prop::sample::select(vec![-2048, -1, 0, 1, 2047])]
}

fn op_with_imm() -> impl Strategy<Value = (Opcode, i32)> {
    prop::sample::select(I_OPS.to_vec()).prop_flat_map(|op| match op {
        Opcode::Slli | Opcode::Srli | Opcode::Srai => (Just(op), (0i32..32).boxed()),
        _ => (Just(op), imm12().boxed()),
    })
}

/// Instructions over registers `x0..x30` (x31 is the dump routine's base register).
fn insn() -> impl Strategy<Value = Insn> {
    let r = || 0u32..31;
    let upper = || any::<u32>().prop_map(|v| v & 0xffff_f000);
    prop_oneof![
        6 => (prop::sample::select(R_OPS.to_vec()), r(), r(), r()).prop_map(|(op, d, a, b)| Insn::R(op, d, a, b)),
        4 => (op_with_imm(), r(), r()).prop_map(|((op, imm), d, a)| Insn::I(op, d, a, imm)),
        1 => (r(), upper()).prop_map(|(d, u)| Insn::Lui(d, u)),
        1 => (r(), upper()).prop_map(|(d, u)| Insn::Auipc(d, u)),
    ]
}

// ---------------------------------------------------------------------------------------------
// Single operations.

/// Runs each `(op, a, b)` as `x8 = op(x6, x7)` (or `x8 = op(x6, imm)`) and commits the results.
fn run_ops(ops: &[(Insn, u32, u32)]) -> Vec<u32> {
    let mut words = Vec::new();
    for (i, &(insn, a, b)) in ops.iter().enumerate() {
        words.extend([li(6, a), li(7, b), vec![insn.encode()], commit(8, i as u32)].concat());
    }
    words.extend(halt());
    let exec = run(&words, vec![]).unwrap_or_else(|e| panic!("{e}"));
    (0..ops.len()).map(|i| digest_word(&exec, i)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn register_ops_match_the_model(
        cases in prop::collection::vec((prop::sample::select(R_OPS.to_vec()), operand(), operand()), 1..=8)
    ) {
        let ops: Vec<_> = cases.iter().map(|&(op, a, b)| (Insn::R(op, 8, 6, 7), a, b)).collect();
        let got = run_ops(&ops);
        for (&(op, a, b), got) in cases.iter().zip(got) {
            prop_assert_eq!(got, model(op, a, b), "{:?} {:#x}, {:#x}", op, a, b);
        }
    }

    #[test]
    fn immediate_ops_match_the_model(cases in prop::collection::vec((op_with_imm(), operand()), 1..=8)) {
        let ops: Vec<_> = cases.iter().map(|&((op, imm), a)| (Insn::I(op, 8, 6, imm), a, 0)).collect();
        let got = run_ops(&ops);
        for (&((op, imm), a), got) in cases.iter().zip(got) {
            prop_assert_eq!(got, model(op, a, word(i128::from(imm))), "{:?} {:#x}, {}", op, a, imm);
        }
    }
}

type Branch = (&'static str, fn(u32, u32, i32) -> u32, fn(u32, u32) -> bool);

/// The branches and their conditions, per the spec: BLT/BGE compare as signed integers,
/// BLTU/BGEU as unsigned ones.
fn branches() -> Vec<Branch> {
    vec![
        ("beq", beq, |a, b| a == b),
        ("bne", bne, |a, b| a != b),
        ("blt", blt, |a, b| signed(a) < signed(b)),
        ("bge", bge, |a, b| signed(a) >= signed(b)),
        ("bltu", bltu, |a, b| unsigned(a) < unsigned(b)),
        ("bgeu", bgeu, |a, b| unsigned(a) >= unsigned(b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn branches_match_the_model(
        cases in prop::collection::vec((prop::sample::select(branches()), operand(), operand()), 1..=8),
    ) {
        // x8 = 1 unless the branch skips that.
        let mut words = Vec::new();
        for (i, &((_, encode, _), a, b)) in cases.iter().enumerate() {
            let branch = encode(6, 7, 8);
            words.extend([li(6, a), li(7, b), vec![addi(8, ZERO, 0), branch, addi(8, ZERO, 1)], commit(8, i as u32)].concat());
        }
        words.extend(halt());
        let exec = run(&words, vec![]).unwrap_or_else(|e| panic!("{e}"));
        for (i, &((name, _, taken), a, b)) in cases.iter().enumerate() {
            prop_assert_eq!(digest_word(&exec, i) == 0, taken(a, b), "{} {:#x}, {:#x}", name, a, b);
        }
    }
}

#[test]
fn the_model_agrees_with_hand_computed_corner_cases() {
    // Guards against a model that is wrong in the same way as the executor.
    use Opcode::*;
    let rows = [
        (Div, 0x8000_0000, 0xffff_ffff, 0x8000_0000),
        (Rem, 0x8000_0000, 0xffff_ffff, 0),
        (Div, 5, 0, 0xffff_ffff),
        (Divu, 5, 0, 0xffff_ffff),
        (Rem, 5, 0, 5),
        (Remu, 5, 0, 5),
        (Div, (-7i32) as u32, 2, (-3i32) as u32),
        (Rem, (-7i32) as u32, 2, (-1i32) as u32),
        (Mulh, 0xffff_ffff, 0xffff_ffff, 0),
        (Mulhsu, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff),
        (Mulhu, 0xffff_ffff, 0xffff_ffff, 0xffff_fffe),
        (Sra, 0x8000_0000, 35, 0xf000_0000),
        (Srl, 0x8000_0000, 35, 0x1000_0000),
        (Sll, 3, 0xffff_ffff, 0x8000_0000),
        (Slt, 0xffff_ffff, 0, 1),
        (Sltu, 0xffff_ffff, 0, 0),
        (Xor, 0b1100, 0b1010, 0b0110),
    ];
    for (op, a, b, want) in rows {
        assert_eq!(model(op, a, b), want, "{op:?} {a:#x}, {b:#x}");
    }
}

// ---------------------------------------------------------------------------------------------
// Straight-line programs.

/// Sets x1..x30 to `init`, runs `program`, stores x1..x30 at DATA + 4 and WRITEs them to fd 3.
fn run_program(init: &[u32; 31], program: &[Insn]) -> (Vec<u32>, Vec<u32>) {
    let mut words: Vec<u32> = (1..31).flat_map(|r| li(r, init[r as usize])).collect();
    let first_pc = pc_of(words.len());
    words.extend(program.iter().map(|i| i.encode()));
    words.extend(li(31, DATA));
    words.extend((1..31).map(|r| sw(r, 31, 4 * r as i32)));
    words.extend([write(3, DATA + 4, 120), halt()].concat());
    let exec = run(&words, vec![]).unwrap_or_else(|e| panic!("{e}"));
    let got = exec.public_values.chunks(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect();

    let mut regs = [0u32; 32];
    regs[..31].copy_from_slice(init);
    regs[0] = 0;
    for (k, insn) in program.iter().enumerate() {
        insn.step(&mut regs, first_pc + 4 * k as u32);
    }
    (got, regs[1..31].to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn straight_line_programs_match_the_model(
        init in prop::array::uniform31(operand()),
        program in prop::collection::vec(insn(), 1..200),
    ) {
        let (got, want) = run_program(&init, &program);
        for r in 0..30 {
            prop_assert_eq!(got[r], want[r], "x{} after {:?}", r + 1, program);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Loads and stores.

/// The region the memory test works in: `[DATA, DATA + REGION)`, base register x9 = DATA + BASE.
const REGION: usize = 0x300;
const BASE: i32 = 0x100;
/// Where the n-th load's result is stored, relative to x9.
const RESULTS: i32 = 0x100;

#[derive(Clone, Copy, Debug)]
enum MemOp {
    /// Store the low `size` bytes of `value` at x9 + offset.
    Store { size: u32, offset: i32, value: u32 },
    /// Load `size` bytes (sign-extending if `signed`) from x9 + offset.
    Load { size: u32, signed: bool, offset: i32 },
}

fn mem_op() -> impl Strategy<Value = MemOp> {
    // Offsets in [-0x100, 0x100): mostly aligned, sometimes not.
    let offset = |size: u32| {
        prop_oneof![
            15 => (-0x100i32..0x100).prop_map(move |o| o & !(size as i32 - 1)),
            1 => -0x100i32..0x100,
        ]
    };
    let size = || prop::sample::select(vec![1u32, 2, 4]);
    prop_oneof![
        (size(), operand()).prop_flat_map(move |(size, value)| offset(size).prop_map(move |offset| MemOp::Store {
            size,
            offset,
            value
        })),
        (size(), any::<bool>()).prop_flat_map(move |(size, signed)| {
            offset(size).prop_map(move |offset| MemOp::Load { size, signed: signed && size < 4, offset })
        }),
    ]
}

/// The model's memory: bytes of the region; returns the bytes at the end or the error expected.
fn model_memory(init: &[u8], ops: &[MemOp], pcs: &[u32]) -> Result<Vec<u8>, ExecutionError> {
    let mut mem = init.to_vec();
    let mut loads = 0;
    for (op, &pc) in ops.iter().zip(pcs) {
        let (size, offset, kind) = match *op {
            MemOp::Store { size, offset, .. } => (size, offset, "store"),
            MemOp::Load { size, offset, .. } => (size, offset, "load"),
        };
        let addr = DATA + (BASE + offset) as u32;
        if addr % size != 0 {
            return Err(ExecutionError::Misaligned { pc, addr, size, kind });
        }
        let at = (BASE + offset) as usize;
        match *op {
            MemOp::Store { value, .. } => {
                for k in 0..size as usize {
                    mem[at + k] = (value >> (8 * k)) as u8; // little-endian
                }
            }
            MemOp::Load { signed: is_signed, .. } => {
                let mut v: i128 = (0..size as usize).map(|k| i128::from(mem[at + k]) << (8 * k)).sum();
                let bits = 8 * size;
                if is_signed && v >= 1 << (bits - 1) {
                    v -= 1 << bits;
                }
                let slot = (BASE + RESULTS) as usize + 4 * loads;
                mem[slot..slot + 4].copy_from_slice(&word(v).to_le_bytes());
                loads += 1;
            }
        }
    }
    Ok(mem)
}

fn run_memory(init: &[u8], ops: &[MemOp]) -> (Result<Vec<u8>, ExecutionError>, Vec<u32>) {
    let mut words = li(9, DATA + BASE as u32);
    let mut pcs = Vec::new();
    let mut loads = 0;
    for op in ops {
        match *op {
            MemOp::Store { size, offset, value } => {
                words.extend(li(6, value));
                pcs.push(pc_of(words.len()));
                let store = match size {
                    1 => sb,
                    2 => sh,
                    _ => sw,
                };
                words.push(store(6, 9, offset));
            }
            MemOp::Load { size, signed, offset } => {
                pcs.push(pc_of(words.len()));
                let load = match (size, signed) {
                    (1, true) => lb,
                    (1, false) => lbu,
                    (2, true) => lh,
                    (2, false) => lhu,
                    _ => lw,
                };
                words.push(load(7, 9, offset));
                words.push(sw(7, 9, RESULTS + 4 * loads));
                loads += 1;
            }
        }
    }
    words.extend([write(3, DATA, REGION as u32), halt()].concat());
    let got = run_with_data(&words, init).map(|exec| exec.public_values);
    (got, pcs)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn loads_and_stores_match_the_model(
        init in prop::collection::vec(any::<u8>(), REGION),
        ops in prop::collection::vec(mem_op(), 1..40),
    ) {
        let (got, pcs) = run_memory(&init, &ops);
        prop_assert_eq!(got, model_memory(&init, &ops, &pcs), "{:?}", ops);
    }
}
