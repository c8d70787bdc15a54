//! RV32IM instruction decoding.
//!
//! Instructions are decoded once, when the program is loaded, into [`Instruction`]s that the
//! executor dispatches on. Words that are not RV32IM instructions decode to [`Opcode::Illegal`] and
//! fail only if executed: text segments may legitimately hold data.

use serde::{Deserialize, Serialize};

/// Every RV32IM operation, plus a marker for words that are not one.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum Opcode {
    // RV32I: upper immediates and jumps.
    Lui,
    Auipc,
    Jal,
    Jalr,
    // Branches.
    Beq,
    Bne,
    Blt,
    Bge,
    Bltu,
    Bgeu,
    // Loads and stores.
    Lb,
    Lh,
    Lw,
    Lbu,
    Lhu,
    Sb,
    Sh,
    Sw,
    // Register-immediate ALU.
    Addi,
    Slti,
    Sltiu,
    Xori,
    Ori,
    Andi,
    Slli,
    Srli,
    Srai,
    // Register-register ALU.
    Add,
    Sub,
    Sll,
    Slt,
    Sltu,
    Xor,
    Srl,
    Sra,
    Or,
    And,
    // System.
    Fence,
    Ecall,
    Ebreak,
    // RV32M.
    Mul,
    Mulh,
    Mulhsu,
    Mulhu,
    Div,
    Divu,
    Rem,
    Remu,
    /// Not an RV32IM instruction; executing it is an error.
    Illegal,
}

/// A decoded instruction. `imm` holds the sign-extended immediate (or the shift amount).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(C)]
pub struct Instruction {
    /// The operation.
    pub opcode: Opcode,
    /// Destination register index (0 when the format has none).
    pub rd: u8,
    /// First source register index (0 when the format has none).
    pub rs1: u8,
    /// Second source register index (0 when the format has none).
    pub rs2: u8,
    /// Immediate, sign-extended to 32 bits; 0 when the format has none.
    pub imm: u32,
}

impl Instruction {
    const fn new(opcode: Opcode, rd: u32, rs1: u32, rs2: u32, imm: u32) -> Self {
        Self { opcode, rd: rd as u8, rs1: rs1 as u8, rs2: rs2 as u8, imm }
    }

    const ILLEGAL: Self = Self::new(Opcode::Illegal, 0, 0, 0, 0);

    /// Decodes one 32-bit instruction word.
    pub const fn decode(word: u32) -> Self {
        use Opcode::*;
        let rd = (word >> 7) & 0x1f;
        let rs1 = (word >> 15) & 0x1f;
        let rs2 = (word >> 20) & 0x1f;
        let funct3 = (word >> 12) & 0x7;
        let funct7 = word >> 25;
        let imm_i = ((word as i32) >> 20) as u32;
        let imm_s = ((((word & 0xfe00_0000) as i32) >> 20) as u32) | ((word >> 7) & 0x1f);
        let imm_b = ((((word & 0x8000_0000) as i32) >> 19) as u32)
            | ((word & 0x80) << 4)
            | ((word >> 20) & 0x7e0)
            | ((word >> 7) & 0x1e);
        let imm_u = word & 0xffff_f000;
        let imm_j = ((((word & 0x8000_0000) as i32) >> 11) as u32)
            | (word & 0xf_f000)
            | ((word >> 9) & 0x800)
            | ((word >> 20) & 0x7fe);

        match word & 0x7f {
            0x37 => Self::new(Lui, rd, 0, 0, imm_u),
            0x17 => Self::new(Auipc, rd, 0, 0, imm_u),
            0x6f => Self::new(Jal, rd, 0, 0, imm_j),
            0x67 if funct3 == 0 => Self::new(Jalr, rd, rs1, 0, imm_i),
            0x63 => {
                let op = match funct3 {
                    0 => Beq,
                    1 => Bne,
                    4 => Blt,
                    5 => Bge,
                    6 => Bltu,
                    7 => Bgeu,
                    _ => return Self::ILLEGAL,
                };
                Self::new(op, 0, rs1, rs2, imm_b)
            }
            0x03 => {
                let op = match funct3 {
                    0 => Lb,
                    1 => Lh,
                    2 => Lw,
                    4 => Lbu,
                    5 => Lhu,
                    _ => return Self::ILLEGAL,
                };
                Self::new(op, rd, rs1, 0, imm_i)
            }
            0x23 => {
                let op = match funct3 {
                    0 => Sb,
                    1 => Sh,
                    2 => Sw,
                    _ => return Self::ILLEGAL,
                };
                Self::new(op, 0, rs1, rs2, imm_s)
            }
            0x13 => {
                let shamt = rs2;
                let op = match (funct3, funct7) {
                    (0, _) => Addi,
                    (2, _) => Slti,
                    (3, _) => Sltiu,
                    (4, _) => Xori,
                    (6, _) => Ori,
                    (7, _) => Andi,
                    (1, 0x00) => return Self::new(Slli, rd, rs1, 0, shamt),
                    (5, 0x00) => return Self::new(Srli, rd, rs1, 0, shamt),
                    (5, 0x20) => return Self::new(Srai, rd, rs1, 0, shamt),
                    _ => return Self::ILLEGAL,
                };
                Self::new(op, rd, rs1, 0, imm_i)
            }
            0x33 => {
                let op = match (funct7, funct3) {
                    (0x00, 0) => Add,
                    (0x20, 0) => Sub,
                    (0x00, 1) => Sll,
                    (0x00, 2) => Slt,
                    (0x00, 3) => Sltu,
                    (0x00, 4) => Xor,
                    (0x00, 5) => Srl,
                    (0x20, 5) => Sra,
                    (0x00, 6) => Or,
                    (0x00, 7) => And,
                    (0x01, 0) => Mul,
                    (0x01, 1) => Mulh,
                    (0x01, 2) => Mulhsu,
                    (0x01, 3) => Mulhu,
                    (0x01, 4) => Div,
                    (0x01, 5) => Divu,
                    (0x01, 6) => Rem,
                    (0x01, 7) => Remu,
                    _ => return Self::ILLEGAL,
                };
                Self::new(op, rd, rs1, rs2, 0)
            }
            // FENCE (funct3 = 0) is a no-op on a single hart; FENCE.I (Zifencei) is not RV32I.
            0x0f if funct3 == 0 => Self::new(Fence, 0, 0, 0, 0),
            0x73 => match word {
                0x0000_0073 => Self::new(Ecall, 0, 0, 0, 0),
                0x0010_0073 => Self::new(Ebreak, 0, 0, 0, 0),
                _ => Self::ILLEGAL,
            },
            _ => Self::ILLEGAL,
        }
    }
}
