//! The Cairn RV32IM executor.
//!
//! [`Program::from_elf`] loads and validates a guest ELF; an [`Executor`] runs it on an input
//! stream. Two modes share one interpreter loop, specialised at compile time:
//! - [`Executor::run`] only runs, as fast as it can, for `cairn execute`;
//! - [`Executor::run_recording`] also keeps an [`ExecutionRecord`]: one event per cycle and every
//!   register and memory access with its timestamps, which the prover turns into traces.
//!
//! The syscall ABI and memory layout are those of [`cairn_abi`].

mod error;
mod executor;
mod instruction;
mod memory;
mod program;
mod record;

pub use error::ExecutionError;
pub use executor::{Execution, Executor, ExecutorConfig, DEFAULT_MAX_CYCLES, MAX_RECORD_CYCLES};
pub use instruction::{Instruction, Opcode};
pub use program::{ElfError, Program, Segment};
pub use record::{
    timestamp, CycleEvent, ExecutionRecord, MemoryAccess, SyscallEvent, SLOT_MEM, SLOT_RD, SLOT_RS1, SLOT_RS2,
};
