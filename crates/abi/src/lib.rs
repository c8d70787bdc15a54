//! The fixed contract between Cairn guests and the Cairn machine.
//!
//! Guests (through `cairn-zkvm`), the executor, the STARK machine and the documentation all read
//! these numbers from here, so the ABI lives in exactly one place. The crate is `no_std` and has no
//! dependencies so that RISC-V guests can depend on it directly.
//!
//! # Syscalls
//! A guest traps with `ecall`; the syscall id is in `t0` (`x5`), arguments in `a0`, `a1`, `a2`
//! (`x10`..`x12`), results in `a0`/`a1`. See [`syscall`].
//!
//! # Memory layout
//! The whole address space lies in `[MEM_START, MEM_END)`, below the BabyBear modulus, so every
//! address fits in one field element. See [`memory`].
#![no_std]

/// Syscall identifiers, passed in register `t0` (`x5`).
pub mod syscall {
    /// Stop the machine. `a0` = exit code (0 = success).
    pub const HALT: u32 = 0x00;
    /// Write bytes to the host. `a0` = fd, `a1` = pointer, `a2` = length.
    pub const WRITE: u32 = 0x01;
    /// `a0` := byte length of the next input item, or [`HINT_NONE`] when none is left.
    pub const HINT_LEN: u32 = 0x02;
    /// Copy the next input item to memory at `a0`; `a1` is its length and must equal `HINT_LEN`'s.
    /// A non-empty item needs a word-aligned `a0`, and whole words are written: the bytes after
    /// the item in its last word become zero, so the buffer must have room for them.
    pub const HINT_READ: u32 = 0x03;
    /// Word `a1` (0..8) of the public-values digest := `a0`.
    pub const COMMIT: u32 = 0x10;

    /// What `HINT_LEN` returns when the input stream is exhausted.
    pub const HINT_NONE: u32 = 0xFFFF_FFFF;

    /// Register holding the syscall id (`t0`).
    pub const REG_ID: usize = 5;
    /// First argument and first result register (`a0`).
    pub const REG_A0: usize = 10;
    /// Second argument register (`a1`).
    pub const REG_A1: usize = 11;
    /// Third argument register (`a2`).
    pub const REG_A2: usize = 12;

    /// A readable name for a syscall id, for error messages and traces.
    pub const fn name(id: u32) -> Option<&'static str> {
        match id {
            HALT => Some("HALT"),
            WRITE => Some("WRITE"),
            HINT_LEN => Some("HINT_LEN"),
            HINT_READ => Some("HINT_READ"),
            COMMIT => Some("COMMIT"),
            _ => None,
        }
    }
}

/// File descriptors understood by `WRITE`.
pub mod fd {
    /// Guest standard output.
    pub const STDOUT: u32 = 1;
    /// Guest standard error.
    pub const STDERR: u32 = 2;
    /// The public-values stream: the bytes the guest commits, whose SHA-256 the proof exposes.
    pub const PUBLIC_VALUES: u32 = 3;
}

/// The guest address space.
///
/// ```text
/// 0x0000_0000 ┬─────────────────────────── unmapped (null guard)
/// 0x0001_0000 ┼─ STACK_BOTTOM ──────────── stack, grows down from STACK_TOP
/// 0x0040_0000 ┼─ STACK_TOP = TEXT_START ── program image (text, rodata, data, bss) from the ELF
///             ┼─ end of image ──────────── heap, grows up
/// 0x7800_0000 ┴─ MEM_END ───────────────── unmapped (keeps addresses below the BabyBear modulus)
/// ```
/// ELF segments may lie anywhere in `[MEM_START, MEM_END)`; Cairn's linker script puts them at
/// [`TEXT_START`]. The heap starts at the first page boundary above the highest segment.
pub mod memory {
    /// Lowest mapped address.
    pub const MEM_START: u32 = 0x0001_0000;
    /// One past the highest mapped address. `MEM_END < 2^31 - 2^27 + 1` (the BabyBear modulus).
    pub const MEM_END: u32 = 0x7800_0000;
    /// Lowest stack address.
    pub const STACK_BOTTOM: u32 = MEM_START;
    /// Initial stack pointer; the stack occupies `[STACK_BOTTOM, STACK_TOP)`.
    pub const STACK_TOP: u32 = 0x0040_0000;
    /// Where Cairn's linker script places the program image.
    pub const TEXT_START: u32 = STACK_TOP;
    /// Page size used for the heap boundary and by the executor's memory.
    pub const PAGE_SIZE: u32 = 4096;
    /// Words of the public-values digest set by `COMMIT`.
    pub const DIGEST_WORDS: usize = 8;
}

#[cfg(test)]
mod tests {
    use super::memory::*;

    #[test]
    fn address_space_fits_in_babybear() {
        const BABYBEAR_P: u64 = (1 << 31) - (1 << 27) + 1;
        assert!((MEM_END as u64) < BABYBEAR_P);
        assert!(MEM_START < STACK_TOP && STACK_TOP <= MEM_END);
        assert_eq!(STACK_TOP % PAGE_SIZE, 0);
    }
}
