//! CPU trace generation from the executor's record.

use core::borrow::BorrowMut;

use cairn_abi::syscall;
use cairn_executor::{ExecutionRecord, MemoryAccess, Opcode};
use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::{CpuCols, MAX_CYCLES, NUM_CPU_COLS};
use crate::chips::memory::{fill_access, MemoryAccessCols};
use crate::chips::pad_rows;
use crate::chips::program::{alu_op, instruction_to_field, ProgramChip};
use crate::events::{AluEvent, ByteCounts};

/// Why a record cannot be turned into a CPU trace.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum CpuTraceError {
    /// The run is longer than one proof covers.
    #[error("the execution has {cycles} cycles; one proof covers at most {max}")]
    TooManyCycles {
        /// Cycles executed.
        cycles: usize,
        /// The maximum.
        max: usize,
    },
    /// A cycle's pc is not an instruction of the program.
    #[error("cycle {cycle} executes pc {pc:#010x}, which is not in the program")]
    UnknownPc {
        /// Cycle index.
        cycle: usize,
        /// Its pc.
        pc: u32,
    },
    /// The record's accesses do not match its instructions.
    #[error("cycle {cycle} (pc {pc:#010x}): memory accesses in the record do not match the instruction")]
    Inconsistent {
        /// Cycle index.
        cycle: usize,
        /// Its pc.
        pc: u32,
    },
}

/// A HINT_READ's memory writes, for the hint chip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HintEvent {
    /// Clock of the ECALL.
    pub clk: u32,
    /// Destination pointer (word-aligned).
    pub ptr: u32,
    /// Length in bytes (non-zero).
    pub len: u32,
    /// One write per word, in address order.
    pub writes: Vec<MemoryAccess>,
}

pub use crate::chips::syscall::SyscallRow as SyscallEvent;

/// What the CPU trace hands to the other chips.
#[derive(Clone, Debug, Default)]
pub struct CpuOutputs {
    /// ALU requests, in cycle order.
    pub alu: Vec<AluEvent>,
    /// ECALLs.
    pub syscalls: Vec<SyscallEvent>,
    /// HINT_READ writes.
    pub hints: Vec<HintEvent>,
    /// The pc of every cycle, for the program table's multiplicities.
    pub pcs: Vec<u32>,
}

/// Reads the record's accesses in order, checking each is the one the instruction makes.
struct Accesses<'a> {
    list: &'a [MemoryAccess],
    next: usize,
    cycle: usize,
    pc: u32,
}

impl Accesses<'_> {
    fn take(&mut self, addr: Option<u32>, ts: u32) -> Result<MemoryAccess, CpuTraceError> {
        let access = *self
            .list
            .get(self.next)
            .ok_or(CpuTraceError::Inconsistent { cycle: self.cycle, pc: self.pc })?;
        if access.ts != ts || addr.is_some_and(|a| a != access.addr) {
            return Err(CpuTraceError::Inconsistent { cycle: self.cycle, pc: self.pc });
        }
        self.next += 1;
        Ok(access)
    }
}

fn bytes_of<F: Field>(word: u32) -> [F; 4] {
    word.to_le_bytes().map(F::from_u8)
}

fn fill<F: Field>(cols: &mut MemoryAccessCols<F>, access: &MemoryAccess, bytes: &mut ByteCounts) {
    fill_access(cols, access.ts, access.prev_ts, bytes);
}

impl super::CpuChip {
    /// The CPU trace for `record`, plus the events other chips serve.
    pub fn generate_trace<F: Field>(
        program: &ProgramChip,
        record: &ExecutionRecord,
        bytes: &mut ByteCounts,
    ) -> Result<(RowMajorMatrix<F>, CpuOutputs), CpuTraceError> {
        let cycles = record.cycles.len();
        if cycles > MAX_CYCLES {
            return Err(CpuTraceError::TooManyCycles { cycles, max: MAX_CYCLES });
        }
        let mut values = F::zero_vec(pad_rows(cycles) * NUM_CPU_COLS);
        let mut out = CpuOutputs { pcs: Vec::with_capacity(cycles), ..CpuOutputs::default() };
        let mut accesses = Accesses { list: &record.accesses, next: 0, cycle: 0, pc: 0 };
        for (i, (row, event)) in values.chunks_exact_mut(NUM_CPU_COLS).zip(&record.cycles).enumerate() {
            let clk = i as u32 + 1;
            let pc = event.pc;
            (accesses.cycle, accesses.pc) = (i, pc);
            let unknown = CpuTraceError::UnknownPc { cycle: i, pc };
            let index = program.row_of(pc).ok_or(unknown.clone())?;
            let (static_row, ins) = program.row(index).zip(program.instruction(index)).ok_or(unknown)?;
            let cols: &mut CpuCols<F> = row.borrow_mut();
            cols.is_real = F::ONE;
            cols.clk = F::from_u32(clk);
            cols.next_pc = F::from_u32(event.next_pc);
            cols.instr = instruction_to_field(static_row);
            out.pcs.push(pc);
            let ts = |slot: u32| 4 * clk + slot;

            let (mut b, mut c) = (0u32, event.c);
            if static_row.reads_rs1 == 1 {
                let access = accesses.take(Some(static_row.rs1), ts(0))?;
                b = access.value;
                fill(&mut cols.rs1_access, &access, bytes);
            }
            if static_row.reads_rs2 == 1 {
                let access = accesses.take(Some(static_row.rs2), ts(1))?;
                c = access.value;
                fill(&mut cols.rs2_access, &access, bytes);
            }
            cols.b = bytes_of(b);
            cols.c = bytes_of(c);
            let op = ins.opcode;
            let alu = alu_op(op);

            // Loads, stores and JALR: the address and the data access.
            let is_mem = matches!(op, Opcode::Lb | Opcode::Lh | Opcode::Lw | Opcode::Lbu | Opcode::Lhu)
                || matches!(op, Opcode::Sb | Opcode::Sh | Opcode::Sw);
            if is_mem || op == Opcode::Jalr {
                let addr = b.wrapping_add(ins.imm);
                let off = (addr & 3) as usize;
                cols.addr = bytes_of(addr);
                cols.offset[off] = F::ONE;
                cols.addr_q = F::from_u32((addr & 0xff) >> 2);
                bytes.range(((addr & 0xff) >> 2) as u8, ((addr >> 24) + 0x88) as u8);
                out.alu.push(AluEvent::new(Opcode::Add, addr, b, ins.imm));
            }
            if is_mem {
                let addr = b.wrapping_add(ins.imm);
                let hi = ((addr >> 16) & 0xff) + (addr >> 24);
                cols.addr_hi_inv = F::from_u32(hi).inverse();
                let access = accesses.take(Some(addr & !3), ts(2))?;
                cols.mem_value = bytes_of(access.value);
                cols.mem_prev = bytes_of(access.prev_value);
                fill(&mut cols.mem_access, &access, bytes);
                let word = access.value.to_le_bytes();
                let off = (addr & 3) as usize;
                let (lo, hi) = match op {
                    Opcode::Lb | Opcode::Lbu => (word[off], 0),
                    Opcode::Lh | Opcode::Lhu => (word[off], word[off + 1]),
                    _ => (0, 0),
                };
                cols.loaded_lo = F::from_u8(lo);
                cols.loaded_hi = F::from_u8(hi);
                let sign_byte = match op {
                    Opcode::Lb => Some(lo),
                    Opcode::Lh => Some(hi),
                    _ => None,
                };
                if let Some(s) = sign_byte {
                    cols.sign = F::from_u8(s >> 7);
                    cols.sign_rest = F::from_u8(s & 0x7f);
                    bytes.range((s & 0x7f) << 1, 0);
                }
            }

            // ALU instructions and ordered branches.
            match op {
                Opcode::Beq | Opcode::Bne => {
                    let eq = b == c;
                    cols.eq = F::from_bool(eq);
                    if !eq {
                        let sq: u32 = b
                            .to_le_bytes()
                            .iter()
                            .zip(c.to_le_bytes())
                            .map(|(x, y)| (i32::from(*x) - i32::from(y)).pow(2) as u32)
                            .sum();
                        cols.eq_inv = F::from_u32(sq).inverse();
                    }
                    cols.taken = F::from_bool(eq == (op == Opcode::Beq));
                }
                Opcode::Blt | Opcode::Bge | Opcode::Bltu | Opcode::Bgeu => {
                    let lt = if matches!(op, Opcode::Blt | Opcode::Bge) { (b as i32) < (c as i32) } else { b < c };
                    cols.lt = F::from_bool(lt);
                    cols.taken = F::from_bool(lt == matches!(op, Opcode::Blt | Opcode::Bltu));
                    if let Some(alu) = alu {
                        out.alu.push(AluEvent::new(alu, u32::from(lt), b, c));
                    }
                }
                _ if static_row.is_alu_reg + static_row.is_alu_imm == 1 => {
                    if let Some(alu) = alu {
                        out.alu.push(AluEvent::new(alu, event.a, b, c));
                    }
                }
                _ => {}
            }

            if op == Opcode::Ecall {
                Self::fill_ecall(cols, clk, b, c, &mut accesses, &mut out)?;
            }

            // The rd write: by the instruction, or by HINT_LEN.
            let rd_write = static_row.writes_rd == 1 || (op == Opcode::Ecall && b == syscall::HINT_LEN);
            if rd_write {
                let access = accesses.take(Some(static_row.rd), ts(3))?;
                cols.a = bytes_of(access.value);
                cols.rd_prev = bytes_of(access.prev_value);
                fill(&mut cols.rd_access, &access, bytes);
                if op == Opcode::Ecall {
                    bytes.range_slice(&access.value.to_le_bytes());
                }
            } else {
                cols.a = bytes_of(event.a);
            }
        }
        if accesses.next != record.accesses.len() {
            let pc = record.cycles.last().map_or(0, |e| e.pc);
            return Err(CpuTraceError::Inconsistent { cycle: cycles.saturating_sub(1), pc });
        }
        Ok((RowMajorMatrix::new(values, NUM_CPU_COLS), out))
    }

    fn fill_ecall<F: Field>(
        cols: &mut CpuCols<F>,
        clk: u32,
        id: u32,
        a0: u32,
        accesses: &mut Accesses<'_>,
        out: &mut CpuOutputs,
    ) -> Result<(), CpuTraceError> {
        let a1 = accesses.take(Some(syscall::REG_A1 as u32), 4 * clk + 2)?;
        let a2 = accesses.take(Some(syscall::REG_A2 as u32), 4 * clk + 2)?;
        out.syscalls.push(SyscallEvent { clk, id, a0, a1, a2 });
        match id {
            syscall::HALT => cols.is_halt = F::ONE,
            syscall::HINT_LEN => cols.is_hint_len = F::ONE,
            syscall::WRITE | syscall::COMMIT => {}
            syscall::HINT_READ => {
                let (ptr, len) = (a0, a1.value);
                if len != 0 {
                    let words = len.div_ceil(4) as usize;
                    let writes = (0..words)
                        .map(|k| accesses.take(Some(ptr + 4 * k as u32), 4 * clk + 2))
                        .collect::<Result<Vec<_>, _>>()?;
                    out.hints.push(HintEvent { clk, ptr, len, writes });
                }
            }
            _ => return Err(CpuTraceError::Inconsistent { cycle: accesses.cycle, pc: accesses.pc }),
        }
        Ok(())
    }
}
