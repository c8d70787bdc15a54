//! Execution errors: each names what went wrong and where.

use crate::program::ElfError;

/// Why a guest execution stopped without halting normally.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExecutionError {
    /// The program could not be loaded.
    #[error(transparent)]
    Elf(#[from] ElfError),
    /// The guest ran past the cycle limit.
    #[error("cycle limit of {limit} exceeded at pc {pc:#010x}; raise it with --max-cycles if the guest is not stuck")]
    CycleLimit {
        /// The configured limit.
        limit: u64,
        /// Where execution stopped.
        pc: u32,
    },
    /// The program counter left the instruction range.
    #[error("pc {pc:#010x} is outside the program's instructions")]
    PcOutOfText {
        /// The offending program counter.
        pc: u32,
    },
    /// A jump or branch targeted an address that is not 4-byte aligned.
    #[error("jump at pc {pc:#010x} to misaligned target {target:#010x}")]
    MisalignedJump {
        /// The jump instruction.
        pc: u32,
        /// Its target.
        target: u32,
    },
    /// The word at pc is not an RV32IM instruction.
    #[error("illegal instruction {word:#010x} at pc {pc:#010x}")]
    IllegalInstruction {
        /// Where.
        pc: u32,
        /// The instruction word.
        word: u32,
    },
    /// The guest executed EBREAK.
    #[error("EBREAK at pc {pc:#010x}")]
    Ebreak {
        /// Where.
        pc: u32,
    },
    /// A load or store address is not aligned to its access size.
    #[error("misaligned {kind} of {size} bytes at address {addr:#010x} (pc {pc:#010x})")]
    Misaligned {
        /// The instruction.
        pc: u32,
        /// The address.
        addr: u32,
        /// Access size in bytes.
        size: u32,
        /// `"load"` or `"store"`.
        kind: &'static str,
    },
    /// A memory access falls outside mapped memory (image, stack and heap).
    #[error("{kind} of {len} bytes at address {addr:#010x} is outside mapped memory (pc {pc:#010x})")]
    Unmapped {
        /// The instruction.
        pc: u32,
        /// The address.
        addr: u32,
        /// Length of the access in bytes.
        len: u32,
        /// What accessed it.
        kind: &'static str,
    },
    /// A store or syscall wrote to the read-only program text.
    #[error("write of {len} bytes to program text at address {addr:#010x} (pc {pc:#010x})")]
    WriteToText {
        /// The instruction.
        pc: u32,
        /// The address.
        addr: u32,
        /// Length of the write.
        len: u32,
    },
    /// ECALL with an id the machine does not know.
    #[error("unknown syscall id {id:#x} at pc {pc:#010x}")]
    UnknownSyscall {
        /// The instruction.
        pc: u32,
        /// The id in t0.
        id: u32,
    },
    /// WRITE to a file descriptor other than stdout, stderr or public values.
    #[error("WRITE to unknown file descriptor {fd} at pc {pc:#010x}")]
    UnknownFd {
        /// The instruction.
        pc: u32,
        /// The descriptor in a0.
        fd: u32,
    },
    /// HINT_READ with no input left.
    #[error("HINT_READ at pc {pc:#010x} but no input is left")]
    HintExhausted {
        /// The instruction.
        pc: u32,
    },
    /// HINT_READ asked for a different length than the next input item has.
    #[error("HINT_READ of {requested} bytes at pc {pc:#010x}, but the next input item has {available} bytes")]
    HintLength {
        /// The instruction.
        pc: u32,
        /// Length in a1.
        requested: u32,
        /// Length of the next input item.
        available: u32,
    },
    /// HINT_READ of a non-empty item to a pointer that is not word-aligned.
    #[error("HINT_READ at pc {pc:#010x} to pointer {ptr:#010x}, which is not word-aligned")]
    MisalignedHint {
        /// The instruction.
        pc: u32,
        /// The pointer in a0.
        ptr: u32,
    },
    /// COMMIT with a word index outside 0..8.
    #[error("COMMIT of digest word {index} at pc {pc:#010x}; the index must be below 8")]
    CommitIndex {
        /// The instruction.
        pc: u32,
        /// The index in a1.
        index: u32,
    },
    /// The recording mode cannot time-stamp this many cycles in one record.
    #[error("recording stopped after {cycles} cycles: one record holds at most {max} cycles")]
    RecordTooLong {
        /// Cycles executed.
        cycles: u64,
        /// The maximum.
        max: u64,
    },
}
