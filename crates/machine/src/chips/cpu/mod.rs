//! The CPU: one row per executed instruction.
//!
//! A row fetches its instruction from the program table (all of [`InstructionCols`]), reads
//! `rs1` into `b` and `rs2` into `c` (or takes `c` from the immediate), produces `a`, writes it to
//! `rd`, and moves `pc` to `next_pc`. ALU results come from the ALU chips over the ALU bus; loads,
//! stores and register accesses go through offline memory checking; syscalls are decoded from
//! `t0` by the syscall chip. Timestamps: row `clk` (1, 2, ...) accesses memory at
//! `4·clk + slot`.
//!
//! Public values: `[start_pc, exit_code[4]]`; the HALT row's `a0` must equal `exit_code`.

mod air;
mod trace;

use p3_air::BaseAir;
use p3_field::Field;

use crate::chips::memory::MemoryAccessCols;
use crate::chips::program::InstructionCols;
use crate::columns::impl_columns;

pub use trace::{CpuOutputs, CpuTraceError, HintEvent, SyscallEvent};

/// Index of `start_pc` in the CPU's public values.
pub const PV_START_PC: usize = 0;
/// Index of the first exit-code byte in the CPU's public values.
pub const PV_EXIT_CODE: usize = 1;
/// Number of CPU public values.
pub const NUM_CPU_PUBLIC_VALUES: usize = 5;

/// The most cycles one proof covers: timestamps `4·clk + 3` must stay below `2^24`.
pub const MAX_CYCLES: usize = (1 << 22) - 1;

/// Columns of the CPU.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct CpuCols<T> {
    /// 1 for executed instructions, 0 for padding (which comes last).
    pub is_real: T,
    /// Cycle number, from 1.
    pub clk: T,
    /// Address of the next instruction.
    pub next_pc: T,
    /// The instruction, as in the program table.
    pub instr: InstructionCols<T>,
    /// Result bytes (the value written to `rd`).
    pub a: [T; 4],
    /// `rs1` bytes.
    pub b: [T; 4],
    /// `rs2` bytes, or the immediate for I-type ALU instructions.
    pub c: [T; 4],
    /// Read of `rs1` (slot 0).
    pub rs1_access: MemoryAccessCols<T>,
    /// Read of `rs2` (slot 1).
    pub rs2_access: MemoryAccessCols<T>,
    /// Write of `rd` (slot 3).
    pub rd_access: MemoryAccessCols<T>,
    /// `rd`'s value before the write.
    pub rd_prev: [T; 4],
    /// `b + imm` for loads, stores and JALR.
    pub addr: [T; 4],
    /// One-hot byte offset of `addr` within its word.
    pub offset: [T; 4],
    /// `addr[0] = 4·addr_q + offset`.
    pub addr_q: T,
    /// Inverse of `addr[2] + addr[3]`, proving a data address is at least `2^16`.
    pub addr_hi_inv: T,
    /// The memory word after the access.
    pub mem_value: [T; 4],
    /// The memory word before the access.
    pub mem_prev: [T; 4],
    /// The data access (slot 2).
    pub mem_access: MemoryAccessCols<T>,
    /// The loaded byte, or the low byte of the loaded half-word.
    pub loaded_lo: T,
    /// The high byte of the loaded half-word.
    pub loaded_hi: T,
    /// Sign bit of a signed load.
    pub sign: T,
    /// The loaded sign byte without its top bit.
    pub sign_rest: T,
    /// `b == c` (branches).
    pub eq: T,
    /// Inverse of `Σ (b_i − c_i)^2` when `b != c`.
    pub eq_inv: T,
    /// `b < c` from the ALU (ordered branches).
    pub lt: T,
    /// The branch is taken.
    pub taken: T,
    /// The ECALL is HALT (from the syscall chip).
    pub is_halt: T,
    /// The ECALL is HINT_LEN, which writes `a0` (from the syscall chip).
    pub is_hint_len: T,
}
impl_columns!(CpuCols, NUM_CPU_COLS);

/// The CPU chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuChip;

impl<F: Field> BaseAir<F> for CpuChip {
    fn width(&self) -> usize {
        NUM_CPU_COLS
    }

    fn num_public_values(&self) -> usize {
        NUM_CPU_PUBLIC_VALUES
    }
}
