//! One test per RV32IM instruction, with the corner cases the spec singles out.
//!
//! Programs load operands with `li`, execute the instruction under test and COMMIT the registers
//! to check; the expected values are written out by hand from the RISC-V unprivileged spec.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use cairn_executor::ExecutionError;
use common::*;

type RegOp = fn(u32, u32, u32) -> u32;
type ImmOp = fn(u32, u32, i32) -> u32;

/// `x8 = op(a, b)` for a register-register instruction.
fn rr(op: RegOp, a: u32, b: u32) -> u32 {
    let body = [li(6, a), li(7, b), vec![op(8, 6, 7)]].concat();
    eval(&body, &[8])[0]
}

/// `x8 = op(a, imm)` for a register-immediate instruction.
fn ri(op: ImmOp, a: u32, imm: i32) -> u32 {
    let body = [li(6, a), vec![op(8, 6, imm)]].concat();
    eval(&body, &[8])[0]
}

/// Checks `(a, b, expected)` rows of a register-register instruction.
fn check_rr(name: &str, op: RegOp, rows: &[(u32, u32, u32)]) {
    for &(a, b, want) in rows {
        assert_eq!(rr(op, a, b), want, "{name} {a:#x}, {b:#x}");
    }
}

/// Checks `(a, imm, expected)` rows of a register-immediate instruction.
fn check_ri(name: &str, op: ImmOp, rows: &[(u32, i32, u32)]) {
    for &(a, imm, want) in rows {
        assert_eq!(ri(op, a, imm), want, "{name} {a:#x}, {imm}");
    }
}

const MIN: u32 = 0x8000_0000; // i32::MIN
const NEG1: u32 = u32::MAX; // -1

#[test]
fn assembler_matches_known_encodings() {
    // Words as GNU objdump prints them for these instructions.
    let known = [
        (nop(), 0x0000_0013),
        (addi(RA, ZERO, 1), 0x0010_0093),
        (addi(SP, SP, -16), 0xff01_0113),
        (jal(ZERO, 0), 0x0000_006f),
        (jal(RA, 2048), 0x0010_00ef),
        (jalr(ZERO, RA, 0), 0x0000_8067),
        (beq(ZERO, ZERO, -4), 0xfe00_0ee3),
        (sw(RA, SP, 12), 0x0011_2623),
        (lw(RA, SP, 12), 0x00c1_2083),
        (mul(A0, A1, A2), 0x02c5_8533),
        (sub(A0, A0, A1), 0x40b5_0533),
        (lui(T0, 0x8000_0000), 0x8000_02b7),
        (srai(A0, A0, 31), 0x41f5_5513),
        (ecall(), 0x0000_0073),
    ];
    for (got, want) in known {
        assert_eq!(got, want, "{got:#010x} != {want:#010x}");
    }
}

#[test]
fn li_loads_any_value() {
    for v in [0, 1, 0x7ff, 0x800, 0xfff, 0x1000, 0x1234_5678, 0x7fff_f800, MIN, NEG1, 0xdead_beef, 0xffff_f800] {
        assert_eq!(eval(&li(6, v), &[6]), [v], "li {v:#x}");
    }
}

#[test]
fn registers_start_at_zero_and_halt_reports_exit_code_and_cycles() {
    let regs = [1, 2, 3, 4, 6, 7, 8, 31];
    assert_eq!(eval(&[], &regs), [0; 8]);
    let exec = run(&halt_with(42), vec![]).unwrap();
    assert_eq!(exec.exit_code, 42);
    assert_eq!(exec.cycles, 3, "li a0 (1 word), li t0 (1 word), ecall");
}

// ---------------------------------------------------------------------------------------------
// Upper immediates and jumps.

#[test]
fn lui_cases() {
    assert_eq!(eval(&[common::lui(6, 0x1234_5000), common::lui(7, 0xffff_f000)], &[6, 7]), [0x1234_5000, 0xffff_f000]);
}

#[test]
fn auipc_cases() {
    let body = [nop(), common::auipc(6, 0), common::auipc(7, 0x0001_0000), common::auipc(8, 0xffff_f000)];
    assert_eq!(eval(&body, &[6, 7, 8]), [pc_of(1), pc_of(2) + 0x1_0000, pc_of(3) - 0x1000]);
}

#[test]
fn jal_forward_links_and_skips() {
    let body = [
        common::jal(RA, 8), // 0: to 2
        addi(6, ZERO, 1),   // 1: skipped
        addi(7, ZERO, 2),   // 2
        common::jal(8, 4),  // 3: to 4 (the next instruction), linking into x8
    ];
    assert_eq!(eval(&body, &[RA, 6, 7, 8]), [pc_of(1), 0, 2, pc_of(4)]);
}

#[test]
fn jal_backward() {
    let body = [
        common::jal(ZERO, 12), // 0: to 3
        addi(6, ZERO, 5),      // 1
        common::jal(ZERO, 12), // 2: to 5
        common::jal(RA, -8),   // 3: back to 1
        addi(7, ZERO, 9),      // 4: skipped
    ];
    assert_eq!(eval(&body, &[RA, 6, 7]), [pc_of(4), 5, 0]);
}

#[test]
fn jalr_clears_bit_zero_and_links() {
    let target = pc_of(6);
    let body = [
        li(6, target - 4 + 1), // 0, 1: odd address; jalr adds 4 and clears bit 0
        vec![
            common::jalr(RA, 6, 4), // 2: to 6
            addi(7, ZERO, 1),       // 3: skipped
            addi(7, ZERO, 2),       // 4: skipped
            addi(7, ZERO, 3),       // 5: skipped
            addi(8, ZERO, 4),       // 6
        ],
    ]
    .concat();
    assert_eq!(eval(&body, &[RA, 7, 8]), [pc_of(3), 0, 4]);
}

#[test]
fn jalr_reads_rs1_before_writing_rd() {
    let body = [
        li(6, pc_of(5)), // 0, 1
        vec![
            common::jalr(6, 6, 0), // 2: to 5, x6 = pc_of(3)
            addi(7, ZERO, 1),      // 3: skipped
            addi(7, ZERO, 2),      // 4: skipped
            addi(8, ZERO, 3),      // 5
        ],
    ]
    .concat();
    assert_eq!(eval(&body, &[6, 7, 8]), [pc_of(3), 0, 3]);
}

// ---------------------------------------------------------------------------------------------
// Branches.

/// Whether `branch(a, b)` is taken, checked both with a forward and a backward branch.
fn taken(branch: fn(u32, u32, i32) -> u32, a: u32, b: u32) -> bool {
    let setup = [li(6, a), li(7, b)].concat();
    // Forward: a taken branch skips `x8 = 1`.
    let forward = [setup.clone(), vec![branch(6, 7, 8), addi(8, ZERO, 1)]].concat();
    let forward_taken = eval(&forward, &[8]) == [0];
    // Backward: jump over a block to the branch, which branches back into the block.
    let backward = [
        setup,
        vec![
            common::jal(ZERO, 12), // to the branch
            addi(8, ZERO, 7),      // branch target
            common::jal(ZERO, 12), // to the end
            branch(6, 7, -8),
            addi(8, ZERO, 9), // not taken
        ],
    ]
    .concat();
    let backward_taken = match eval(&backward, &[8])[0] {
        7 => true,
        9 => false,
        v => panic!("backward branch left x8 = {v}"),
    };
    assert_eq!(forward_taken, backward_taken, "forward and backward branches disagree on {a:#x}, {b:#x}");
    forward_taken
}

type Branch = fn(u32, u32, i32) -> u32;

fn check_branch(name: &str, op: Branch, rows: &[(u32, u32, bool)]) {
    for &(a, b, want) in rows {
        assert_eq!(taken(op, a, b), want, "{name} {a:#x}, {b:#x}");
    }
}

#[test]
fn beq_cases() {
    check_branch("beq", common::beq, &[(5, 5, true), (5, 6, false), (NEG1, NEG1, true), (0, MIN, false)]);
}

#[test]
fn bne_cases() {
    check_branch("bne", common::bne, &[(5, 5, false), (5, 6, true), (NEG1, 0x7fff_ffff, true), (0, 0, false)]);
}

#[test]
fn blt_cases() {
    check_branch(
        "blt",
        common::blt,
        &[(1, 2, true), (2, 1, false), (2, 2, false), (NEG1, 0, true), (0, NEG1, false), (MIN, 0x7fff_ffff, true)],
    );
}

#[test]
fn bge_cases() {
    check_branch(
        "bge",
        common::bge,
        &[(1, 2, false), (2, 1, true), (2, 2, true), (NEG1, 0, false), (0, NEG1, true), (MIN, MIN, true)],
    );
}

#[test]
fn bltu_cases() {
    check_branch(
        "bltu",
        common::bltu,
        &[(1, 2, true), (2, 1, false), (2, 2, false), (NEG1, 0, false), (0, NEG1, true), (0x7fff_ffff, MIN, true)],
    );
}

#[test]
fn bgeu_cases() {
    check_branch(
        "bgeu",
        common::bgeu,
        &[(1, 2, false), (2, 1, true), (2, 2, true), (NEG1, 0, true), (0, NEG1, false), (MIN, MIN, true)],
    );
}

#[test]
fn branch_loop_counts_down() {
    let body = [
        li(6, 5),
        vec![
            addi(7, 7, 3), // loop:
            addi(6, 6, -1),
            common::bne(6, ZERO, -8), // to loop
        ],
    ]
    .concat();
    assert_eq!(eval(&body, &[6, 7]), [0, 15]);
}

// ---------------------------------------------------------------------------------------------
// Loads and stores.

const LOAD_DATA: [u8; 12] = [0x80, 0x7f, 0xff, 0x01, 0x34, 0x12, 0x00, 0x80, 0xef, 0xbe, 0xad, 0xde];

/// Loads with `x9 = DATA + 4`, so offsets -4..8 cover `LOAD_DATA`.
fn loads(ops: &[(ImmOp, i32)]) -> Vec<u32> {
    let mut body = li(9, DATA + 4);
    let regs: Vec<u32> = (0..ops.len() as u32).map(|i| 13 + i).collect();
    for (&(op, off), &rd) in ops.iter().zip(&regs) {
        body.push(op(rd, 9, off));
    }
    eval_with_data(&body, &LOAD_DATA, &regs)
}

#[test]
fn lb_sign_extends() {
    let got = loads(&[(common::lb, -4), (common::lb, -3), (common::lb, -2), (common::lb, -1), (common::lb, 7)]);
    assert_eq!(got, [0xffff_ff80, 0x7f, NEG1, 0x01, 0xffff_ffde]);
}

#[test]
fn lbu_zero_extends() {
    let got = loads(&[(common::lbu, -4), (common::lbu, -3), (common::lbu, -2), (common::lbu, 7)]);
    assert_eq!(got, [0x80, 0x7f, 0xff, 0xde]);
}

#[test]
fn lh_sign_extends() {
    let got = loads(&[
        (common::lh, -4),
        (common::lh, -2),
        (common::lh, 0),
        (common::lh, 2),
        (common::lh, 4),
        (common::lh, 6),
    ]);
    assert_eq!(got, [0x7f80, 0x01ff, 0x1234, 0xffff_8000, 0xffff_beef, 0xffff_dead]);
}

#[test]
fn lhu_zero_extends() {
    let got = loads(&[(common::lhu, -4), (common::lhu, 2), (common::lhu, 4), (common::lhu, 6)]);
    assert_eq!(got, [0x7f80, 0x8000, 0xbeef, 0xdead]);
}

#[test]
fn lw_cases() {
    let got = loads(&[(common::lw, -4), (common::lw, 0), (common::lw, 4)]);
    assert_eq!(got, [0x01ff_7f80, 0x8000_1234, 0xdead_beef]);
}

#[test]
fn loads_from_stack_and_heap_read_zero() {
    let body = [li(9, 0x0010_0000), li(13, DATA + DATA_SIZE + 0x10_0000), li(14, 0x77ff_fffc)].concat();
    let body = [body, vec![common::lw(6, 9, 0), common::lw(7, 13, 0), common::lw(8, 14, 0), common::lw(15, 14, -2048)]]
        .concat();
    assert_eq!(eval(&body, &[6, 7, 8, 15]), [0; 4]);
}

/// Stores `0xaabbccdd` with each op at `x9 + off` (x9 = DATA + 8) over 16 bytes of 0x11, then
/// reads the four words back.
fn stores(ops: &[(ImmOp, i32)]) -> Vec<u32> {
    let mut body = [li(9, DATA + 8), li(6, 0xaabb_ccdd)].concat();
    for &(op, off) in ops {
        body.push(op(6, 9, off));
    }
    body.extend([common::lw(13, 9, -8), common::lw(14, 9, -4), common::lw(15, 9, 0), common::lw(16, 9, 4)]);
    eval_with_data(&body, &[0x11; 16], &[13, 14, 15, 16])
}

#[test]
fn sb_writes_one_byte() {
    assert_eq!(stores(&[(common::sb, -7), (common::sb, 7)]), [0x1111_dd11, 0x1111_1111, 0x1111_1111, 0xdd11_1111]);
}

#[test]
fn sh_writes_two_bytes() {
    assert_eq!(stores(&[(common::sh, -8), (common::sh, 2)]), [0x1111_ccdd, 0x1111_1111, 0xccdd_1111, 0x1111_1111]);
}

#[test]
fn sw_writes_a_word() {
    assert_eq!(stores(&[(common::sw, -4), (common::sw, 4)]), [0x1111_1111, 0xaabb_ccdd, 0x1111_1111, 0xaabb_ccdd]);
}

#[test]
fn stores_to_stack_and_heap_read_back() {
    let body = [li(9, 0x003f_fff0), li(13, 0x77ff_fff0), li(6, 0x0102_0304)].concat();
    let body =
        [body, vec![common::sw(6, 9, 12), common::sh(6, 13, 14), common::lw(7, 9, 12), common::lw(8, 13, 12)]].concat();
    assert_eq!(eval(&body, &[7, 8]), [0x0102_0304, 0x0304_0000]);
}

// ---------------------------------------------------------------------------------------------
// Register-immediate ALU.

#[test]
fn addi_cases() {
    check_ri(
        "addi",
        common::addi,
        &[(1, 2, 3), (5, -6, NEG1), (NEG1, 1, 0), (0x7fff_ffff, 1, MIN), (0, 2047, 2047), (0, -2048, 0xffff_f800)],
    );
}

#[test]
fn slti_cases() {
    check_ri(
        "slti",
        common::slti,
        &[(1, 2, 1), (2, 2, 0), (NEG1, 0, 1), (0, -1, 0), (MIN, -2048, 1), (0x7fff_ffff, 2047, 0)],
    );
}

#[test]
fn sltiu_compares_the_sign_extended_immediate_unsigned() {
    // -1 sign-extends to 0xffffffff, the largest unsigned value.
    check_ri(
        "sltiu",
        common::sltiu,
        &[(1, 2, 1), (2, 2, 0), (0, -1, 1), (NEG1, -1, 0), (0xffff_f7ff, -2048, 1), (0, 1, 1)],
    );
}

#[test]
fn xori_cases() {
    check_ri("xori", common::xori, &[(0xff00_ff00, 0x0ff, 0xff00_ffff), (0x1234_5678, -1, 0xedcb_a987), (5, 0, 5)]);
}

#[test]
fn ori_cases() {
    check_ri("ori", common::ori, &[(0xff00_0000, 0x0f0, 0xff00_00f0), (0x1234_5678, -2048, 0xffff_fe78), (0, 0, 0)]);
}

#[test]
fn andi_cases() {
    check_ri(
        "andi",
        common::andi,
        &[(0xffff_ffff, 0x7ff, 0x7ff), (0x1234_5678, -16, 0x1234_5670), (0x1234_5678, 0, 0)],
    );
}

type ShiftOp = fn(u32, u32, u32) -> u32;

fn check_shift_imm(name: &str, op: ShiftOp, rows: &[(u32, u32, u32)]) {
    for &(a, shamt, want) in rows {
        let body = [li(6, a), vec![op(8, 6, shamt)]].concat();
        assert_eq!(eval(&body, &[8]), [want], "{name} {a:#x}, {shamt}");
    }
}

#[test]
fn slli_cases() {
    check_shift_imm(
        "slli",
        common::slli,
        &[(1, 0, 1), (1, 31, MIN), (0x8765_4321, 4, 0x7654_3210), (NEG1, 16, 0xffff_0000)],
    );
}

#[test]
fn srli_cases() {
    check_shift_imm(
        "srli",
        common::srli,
        &[(MIN, 31, 1), (NEG1, 4, 0x0fff_ffff), (0x8765_4321, 0, 0x8765_4321), (NEG1, 31, 1)],
    );
}

#[test]
fn srai_cases() {
    check_shift_imm(
        "srai",
        common::srai,
        &[(MIN, 31, NEG1), (NEG1, 4, NEG1), (0x8765_4321, 4, 0xf876_5432), (0x7fff_ffff, 30, 1), (0x40, 3, 8)],
    );
}

// ---------------------------------------------------------------------------------------------
// Register-register ALU.

#[test]
fn add_cases() {
    check_rr("add", common::add, &[(1, 2, 3), (NEG1, 1, 0), (0x7fff_ffff, 1, MIN), (MIN, MIN, 0)]);
}

#[test]
fn sub_cases() {
    check_rr("sub", common::sub, &[(3, 2, 1), (0, 1, NEG1), (MIN, 1, 0x7fff_ffff), (5, 5, 0)]);
}

#[test]
fn sll_uses_low_five_bits_of_rs2() {
    check_rr(
        "sll",
        common::sll,
        &[(1, 4, 16), (1, 31, MIN), (1, 32, 1), (1, 33, 2), (3, 0xffff_ffe1, 6), (NEG1, 0x3f, MIN)],
    );
}

#[test]
fn slt_cases() {
    check_rr("slt", common::slt, &[(1, 2, 1), (2, 1, 0), (2, 2, 0), (NEG1, 0, 1), (0, NEG1, 0), (MIN, 0x7fff_ffff, 1)]);
}

#[test]
fn sltu_cases() {
    check_rr("sltu", common::sltu, &[(1, 2, 1), (2, 1, 0), (NEG1, 0, 0), (0, NEG1, 1), (0x7fff_ffff, MIN, 1)]);
}

#[test]
fn xor_cases() {
    check_rr("xor", common::xor, &[(0xff00_ff00, 0x0ff0_0ff0, 0xf0f0_f0f0), (NEG1, NEG1, 0)]);
}

#[test]
fn srl_uses_low_five_bits_of_rs2() {
    check_rr(
        "srl",
        common::srl,
        &[
            (MIN, 31, 1),
            (MIN, 32, MIN),
            (MIN, 33, 0x4000_0000),
            (NEG1, 0xffff_fffc, 0xf),
            (0x8765_4321, 8, 0x0087_6543),
        ],
    );
}

#[test]
fn sra_uses_low_five_bits_of_rs2() {
    check_rr(
        "sra",
        common::sra,
        &[
            (MIN, 31, NEG1),
            (MIN, 32, MIN),
            (MIN, 33, 0xc000_0000),
            (0x7fff_ffff, 0x3e, 1),
            (0x8765_4321, 8, 0xff87_6543),
        ],
    );
}

#[test]
fn or_cases() {
    check_rr("or", common::or, &[(0xff00_ff00, 0x0ff0_0ff0, 0xfff0_fff0), (0, 0, 0)]);
}

#[test]
fn and_cases() {
    check_rr("and", common::and, &[(0xff00_ff00, 0x0ff0_0ff0, 0x0f00_0f00), (NEG1, 0x1234_5678, 0x1234_5678)]);
}

#[test]
fn same_register_as_all_operands() {
    let body = [li(6, 21), vec![common::add(6, 6, 6)], li(7, 0x8000_0001), vec![common::mul(7, 7, 7)]].concat();
    assert_eq!(eval(&body, &[6, 7]), [42, 1]);
}

#[test]
fn writes_to_x0_are_dropped() {
    let body = [
        li(6, DATA),
        vec![
            common::addi(ZERO, ZERO, 5),
            common::lui(ZERO, 0x1234_5000),
            common::auipc(ZERO, 0x1000),
            common::add(ZERO, 6, 6),
            common::lw(ZERO, 6, 0),
            common::jal(ZERO, 4),
            common::addi(7, ZERO, 0), // x7 = x0 after all those writes
            common::slli(8, ZERO, 3),
        ],
    ]
    .concat();
    assert_eq!(eval_with_data(&body, &[0xff; 4], &[ZERO, 7, 8]), [0, 0, 0]);
}

// ---------------------------------------------------------------------------------------------
// RV32M.

#[test]
fn mul_cases() {
    check_rr(
        "mul",
        common::mul,
        &[
            (6, 7, 42),
            (NEG1, NEG1, 1),
            (NEG1, 5, 0xffff_fffb),
            (0x1_0000, 0x1_0000, 0),
            (MIN, NEG1, MIN),
            (0x1234_5678, 0x9abc_def0, 0x242d_2080),
        ],
    );
}

#[test]
fn mulh_is_signed_times_signed() {
    check_rr(
        "mulh",
        common::mulh,
        &[
            (6, 7, 0),
            (NEG1, NEG1, 0),         // 1
            (NEG1, 1, NEG1),         // -1
            (MIN, MIN, 0x4000_0000), // 2^62
            (MIN, NEG1, 0),          // 2^31
            (MIN, 0x7fff_ffff, 0xc000_0000),
            (0x1234_5678, 0x9abc_def0, 0xf8cc_93d6),
        ],
    );
}

#[test]
fn mulhsu_is_signed_times_unsigned() {
    check_rr(
        "mulhsu",
        common::mulhsu,
        &[
            (6, 7, 0),
            (NEG1, NEG1, NEG1), // -1 * (2^32 - 1) = -2^32 + 1
            (NEG1, 1, NEG1),
            (1, NEG1, 0),
            (MIN, NEG1, 0x8000_0000), // -2^31 * (2^32 - 1)
            (0x7fff_ffff, NEG1, 0x7fff_fffe),
            (0x1234_5678, 0x9abc_def0, 0x0b00_ea4e),
            (0x9abc_def0, 0x1234_5678, 0xf8cc_93d6),
        ],
    );
}

#[test]
fn mulhu_is_unsigned_times_unsigned() {
    check_rr(
        "mulhu",
        common::mulhu,
        &[
            (6, 7, 0),
            (NEG1, NEG1, 0xffff_fffe),
            (MIN, MIN, 0x4000_0000),
            (NEG1, 2, 1),
            (0x1234_5678, 0x9abc_def0, 0x0b00_ea4e),
        ],
    );
}

#[test]
fn div_rounds_towards_zero_with_spec_corner_cases() {
    check_rr(
        "div",
        common::div,
        &[
            (7, 2, 3),
            ((-7i32) as u32, 2, (-3i32) as u32),
            (7, (-2i32) as u32, (-3i32) as u32),
            ((-7i32) as u32, (-2i32) as u32, 3),
            (7, 0, NEG1), // division by zero: -1
            (0, 0, NEG1),
            (MIN, NEG1, MIN), // overflow: the dividend
            (MIN, 1, MIN),
        ],
    );
}

#[test]
fn divu_with_spec_corner_cases() {
    check_rr(
        "divu",
        common::divu,
        &[(7, 2, 3), (NEG1, 2, 0x7fff_ffff), (MIN, NEG1, 0), (7, 0, u32::MAX), (0, 0, u32::MAX), (NEG1, NEG1, 1)],
    );
}

#[test]
fn rem_takes_the_sign_of_the_dividend_with_spec_corner_cases() {
    check_rr(
        "rem",
        common::rem,
        &[
            (7, 2, 1),
            ((-7i32) as u32, 2, NEG1),
            (7, (-2i32) as u32, 1),
            ((-7i32) as u32, (-2i32) as u32, NEG1),
            (7, 0, 7), // division by zero: the dividend
            ((-7i32) as u32, 0, (-7i32) as u32),
            (MIN, NEG1, 0), // overflow: 0
        ],
    );
}

#[test]
fn remu_with_spec_corner_cases() {
    check_rr("remu", common::remu, &[(7, 2, 1), (NEG1, 2, 1), (MIN, NEG1, MIN), (7, 0, 7), (NEG1, 0, NEG1), (5, 7, 5)]);
}

// ---------------------------------------------------------------------------------------------
// System.

#[test]
fn fence_is_a_no_op() {
    let body = [li(6, 7), vec![fence(), 0x0ff0_000f /* fence iorw, iorw */, common::addi(6, 6, 1)]].concat();
    assert_eq!(eval(&body, &[6]), [8]);
}

#[test]
fn ecall_continues_after_a_syscall_and_preserves_registers() {
    let body = [li(6, 0x1234), li(A2, 77), li(A0, 1), li(A1, 5), syscall(cairn_abi::syscall::COMMIT)].concat();
    let body = [body, vec![common::addi(6, 6, 1)]].concat();
    // Registers other than a0 survive COMMIT; the digest word 5 = 1.
    let words = [body, commit(6, 0), commit(A2, 1), halt()].concat();
    let exec = run(&words, vec![]).unwrap();
    assert_eq!([digest_word(&exec, 0), digest_word(&exec, 1), digest_word(&exec, 5)], [0x1235, 77, 1]);
    assert_eq!(exec.committed_words, 0b10_0011);
}

#[test]
fn ebreak_stops_with_an_error() {
    let body = [li(6, 1), vec![ebreak()], halt()].concat();
    assert_eq!(run_err(&body), ExecutionError::Ebreak { pc: pc_of(1) });
}
