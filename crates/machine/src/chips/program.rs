//! The program table: every instruction of the ELF's text, decoded, preprocessed.
//!
//! Each row is an [`InstructionCols`] tuple with everything static about the instruction at
//! `pc` (register indices, immediate, its flags, and values that depend only on `pc`). The CPU
//! looks up its whole instruction tuple here, so the program is bound by the preprocessed
//! commitment and the CPU cannot lie about what it executes. Words that are not instructions and
//! padding rows have all flags zero, which no real CPU row can match.

use core::borrow::Borrow;

use cairn_executor::{Instruction, Opcode, Program};
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::Field;
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::PROGRAM;
use crate::chips::pad_rows;
use crate::columns::impl_columns;

/// The static description of one instruction, shared by the program table and the CPU.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct InstructionCols<T> {
    /// Address of the instruction.
    pub pc: T,
    /// Destination register index.
    pub rd: T,
    /// First source register index.
    pub rs1: T,
    /// Second source register index.
    pub rs2: T,
    /// The immediate, as little-endian bytes of its sign-extended 32-bit value.
    pub imm: [T; 4],
    /// The value LUI, AUIPC, JAL and JALR write to `rd` (it depends only on `pc` and `imm`).
    pub static_a: [T; 4],
    /// `pc + imm` for JAL and branches when it is a valid address, else 0 (never a real pc).
    pub jump_target: T,
    /// The ALU operation requested: the R-type opcode of ALU instructions, ADD for address
    /// computation (loads, stores, JALR), SLT/SLTU for ordered branches.
    pub alu_op: T,
    /// R-type ALU instruction: `c` is `rs2`.
    pub is_alu_reg: T,
    /// I-type ALU instruction: `c` is the immediate.
    pub is_alu_imm: T,
    /// LUI or AUIPC.
    pub is_lui_auipc: T,
    /// JAL.
    pub is_jal: T,
    /// JALR.
    pub is_jalr: T,
    /// LB.
    pub is_lb: T,
    /// LH.
    pub is_lh: T,
    /// LW.
    pub is_lw: T,
    /// LBU.
    pub is_lbu: T,
    /// LHU.
    pub is_lhu: T,
    /// SB.
    pub is_sb: T,
    /// SH.
    pub is_sh: T,
    /// SW.
    pub is_sw: T,
    /// BEQ.
    pub is_beq: T,
    /// BNE.
    pub is_bne: T,
    /// BLT.
    pub is_blt: T,
    /// BGE.
    pub is_bge: T,
    /// BLTU.
    pub is_bltu: T,
    /// BGEU.
    pub is_bgeu: T,
    /// ECALL.
    pub is_ecall: T,
    /// FENCE (a no-op).
    pub is_fence: T,
    /// The instruction reads `rs1`.
    pub reads_rs1: T,
    /// The instruction reads `rs2`.
    pub reads_rs2: T,
    /// The instruction writes `rd`, and `rd` is not `x0`.
    pub writes_rd: T,
}
impl_columns!(InstructionCols, NUM_INSTRUCTION_COLS);

/// Whether `target` can be a program counter at all (aligned, inside the address space).
fn valid_target(target: u32) -> bool {
    target.is_multiple_of(4) && (cairn_abi::memory::MEM_START..cairn_abi::memory::MEM_END).contains(&target)
}

/// The ALU operation an instruction requests: its R-type form for ALU instructions, ADD for the
/// address of loads, stores and JALR, SLT/SLTU for ordered branches.
pub fn alu_op(opcode: Opcode) -> Option<Opcode> {
    use Opcode::*;
    Some(match opcode {
        Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Mul | Mulh | Mulhsu | Mulhu | Div | Divu
        | Rem | Remu => opcode,
        Addi | Jalr | Lb | Lh | Lw | Lbu | Lhu | Sb | Sh | Sw => Add,
        Slti | Blt | Bge => Slt,
        Sltiu | Bltu | Bgeu => Sltu,
        Xori => Xor,
        Ori => Or,
        Andi => And,
        Slli => Sll,
        Srli => Srl,
        Srai => Sra,
        Lui | Auipc | Jal | Beq | Bne | Ecall | Ebreak | Fence | Illegal => return None,
    })
}

/// The static columns of the instruction `ins` at `pc`, as integers.
pub fn instruction_row(pc: u32, ins: &Instruction) -> InstructionCols<u32> {
    use Opcode::*;
    let mut row = InstructionCols::<u32> { pc, ..Default::default() };
    let (rd, rs1, rs2) = (u32::from(ins.rd), u32::from(ins.rs1), u32::from(ins.rs2));
    row.imm = ins.imm.to_le_bytes().map(u32::from);
    row.alu_op = alu_op(ins.opcode).map_or(0, |op| op as u32);
    let set_static = |row: &mut InstructionCols<u32>, value: u32| row.static_a = value.to_le_bytes().map(u32::from);
    let target = pc.wrapping_add(ins.imm);
    let jump_target = if valid_target(target) { target } else { 0 };
    match ins.opcode {
        Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Mul | Mulh | Mulhsu | Mulhu | Div | Divu
        | Rem | Remu => {
            row.is_alu_reg = 1;
            (row.rd, row.rs1, row.rs2, row.reads_rs1, row.reads_rs2) = (rd, rs1, rs2, 1, 1);
        }
        Addi | Slti | Sltiu | Xori | Ori | Andi | Slli | Srli | Srai => {
            row.is_alu_imm = 1;
            (row.rd, row.rs1, row.reads_rs1) = (rd, rs1, 1);
        }
        Lui | Auipc => {
            row.is_lui_auipc = 1;
            row.rd = rd;
            set_static(&mut row, if ins.opcode == Lui { ins.imm } else { target });
        }
        Jal => {
            row.is_jal = 1;
            row.rd = rd;
            row.jump_target = jump_target;
            set_static(&mut row, pc.wrapping_add(4));
        }
        Jalr => {
            row.is_jalr = 1;
            (row.rd, row.rs1, row.reads_rs1) = (rd, rs1, 1);
            set_static(&mut row, pc.wrapping_add(4));
        }
        Lb | Lh | Lw | Lbu | Lhu => {
            match ins.opcode {
                Lb => row.is_lb = 1,
                Lh => row.is_lh = 1,
                Lw => row.is_lw = 1,
                Lbu => row.is_lbu = 1,
                _ => row.is_lhu = 1,
            }
            (row.rd, row.rs1, row.reads_rs1) = (rd, rs1, 1);
        }
        Sb | Sh | Sw => {
            match ins.opcode {
                Sb => row.is_sb = 1,
                Sh => row.is_sh = 1,
                _ => row.is_sw = 1,
            }
            (row.rs1, row.rs2, row.reads_rs1, row.reads_rs2) = (rs1, rs2, 1, 1);
        }
        Beq | Bne | Blt | Bge | Bltu | Bgeu => {
            match ins.opcode {
                Beq => row.is_beq = 1,
                Bne => row.is_bne = 1,
                Blt => row.is_blt = 1,
                Bge => row.is_bge = 1,
                Bltu => row.is_bltu = 1,
                _ => row.is_bgeu = 1,
            }
            row.jump_target = jump_target;
            (row.rs1, row.rs2, row.reads_rs1, row.reads_rs2) = (rs1, rs2, 1, 1);
        }
        Ecall => {
            row.is_ecall = 1;
            // ECALL reads the syscall id (t0) and a0 in the source-register slots; HINT_LEN writes a0.
            row.rs1 = cairn_abi::syscall::REG_ID as u32;
            row.rs2 = cairn_abi::syscall::REG_A0 as u32;
            row.rd = cairn_abi::syscall::REG_A0 as u32;
            (row.reads_rs1, row.reads_rs2) = (1, 1);
        }
        Fence => row.is_fence = 1,
        // Not executable: every flag stays zero.
        Ebreak | Illegal => {}
    }
    let writes = row.is_alu_reg + row.is_alu_imm + row.is_lui_auipc + row.is_jal + row.is_jalr
        + row.is_lb + row.is_lh + row.is_lw + row.is_lbu + row.is_lhu;
    row.writes_rd = u32::from(writes == 1 && row.rd != 0);
    row
}

/// Multiplicity of each program row: how often the CPU executed it.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct ProgramCols<T> {
    /// Executions of this row's instruction.
    pub multiplicity: T,
}
impl_columns!(ProgramCols, NUM_PROGRAM_COLS);

/// The program table of one program.
#[derive(Clone, Debug)]
pub struct ProgramChip {
    rows: Vec<InstructionCols<u32>>,
    instructions: Vec<Instruction>,
}

impl ProgramChip {
    /// The table for `program`: one row per word of its instruction range.
    pub fn new(program: &Program) -> Self {
        let rows = program
            .instructions
            .iter()
            .enumerate()
            .map(|(i, ins)| instruction_row(program.text_start + 4 * i as u32, ins))
            .collect();
        Self { rows, instructions: program.instructions.clone() }
    }

    /// Number of rows before padding.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the program has no instructions.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row index of the instruction at `pc`.
    pub fn row_of(&self, pc: u32) -> Option<usize> {
        let first = self.rows.first()?.pc;
        let index = (pc.checked_sub(first)? / 4) as usize;
        (pc.is_multiple_of(4) && index < self.rows.len()).then_some(index)
    }

    /// The decoded instruction of row `index`.
    pub fn instruction(&self, index: usize) -> Option<&Instruction> {
        self.instructions.get(index)
    }

    /// The static columns of row `index`.
    pub fn row(&self, index: usize) -> Option<&InstructionCols<u32>> {
        self.rows.get(index)
    }

    /// The multiplicity column, from the pcs the CPU executed.
    pub fn generate_trace<F: Field>(&self, executed_pcs: impl Iterator<Item = u32>) -> RowMajorMatrix<F> {
        let mut counts = vec![0u32; pad_rows(self.rows.len())];
        for pc in executed_pcs {
            if let Some(i) = self.row_of(pc) {
                counts[i] += 1;
            }
        }
        RowMajorMatrix::new(counts.into_iter().map(F::from_u32).collect(), NUM_PROGRAM_COLS)
    }
}

impl<F: Field> BaseAir<F> for ProgramChip {
    fn width(&self) -> usize {
        NUM_PROGRAM_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        let mut values = F::zero_vec(pad_rows(self.rows.len()) * NUM_INSTRUCTION_COLS);
        for (dst, row) in values.chunks_exact_mut(NUM_INSTRUCTION_COLS).zip(&self.rows) {
            for (d, v) in dst.iter_mut().zip(row.as_slice()) {
                *d = F::from_u32(*v);
            }
        }
        Some(RowMajorMatrix::new(values, NUM_INSTRUCTION_COLS))
    }

    fn preprocessed_width(&self) -> usize {
        NUM_INSTRUCTION_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

impl<AB: InteractionBuilder> Air<AB> for ProgramChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &ProgramCols<AB::Var> = main.current_slice().borrow();
        let prep = builder.preprocessed().clone();
        let ins: &InstructionCols<AB::Var> = prep.current_slice().borrow();
        let multiplicity: AB::Expr = local.multiplicity.into();
        builder.push_interaction(PROGRAM, ins.as_slice().iter().copied(), Count::provided(-multiplicity));
    }
}

/// Converts an integer row to field columns (for traces that embed an instruction).
pub fn instruction_to_field<F: Field>(row: &InstructionCols<u32>) -> InstructionCols<F> {
    let values: Vec<F> = row.as_slice().iter().map(|v| F::from_u32(*v)).collect();
    *<[F] as Borrow<InstructionCols<F>>>::borrow(&values)
}
