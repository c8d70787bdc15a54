//! What the recording mode keeps for the prover.
//!
//! Time: cycle `c` (counting from 0) has clock `clk = c + 1`, and its memory accesses carry
//! timestamps `4·clk + k` for a fixed slot `k`: 0 for `rs1` (or `t0` in a syscall), 1 for `rs2`
//! (or `a0`), 2 for the data access (or `a1`, `a2` and the words a syscall writes), 3 for `rd`.
//! Accesses sharing a timestamp always touch distinct addresses, and timestamp 0 is the initial
//! image, so offline memory checking sees strictly increasing timestamps per address.
//!
//! Registers live in the same address space as memory: register `i` is address `i`, well below
//! the lowest guest address.

use serde::{Deserialize, Serialize};

/// Timestamp slot of the first source register (or the syscall id).
pub const SLOT_RS1: u32 = 0;
/// Timestamp slot of the second source register (or `a0` in a syscall).
pub const SLOT_RS2: u32 = 1;
/// Timestamp slot of the data access (or `a1`, `a2` and a syscall's memory writes).
pub const SLOT_MEM: u32 = 2;
/// Timestamp slot of the destination register.
pub const SLOT_RD: u32 = 3;

/// The timestamp of slot `slot` in cycle clock `clk`.
pub const fn timestamp(clk: u32, slot: u32) -> u32 {
    4 * clk + slot
}

/// One executed instruction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[repr(C)]
pub struct CycleEvent {
    /// Address of the instruction (the instruction itself is in the program).
    pub pc: u32,
    /// Address of the next instruction.
    pub next_pc: u32,
    /// The instruction's result, written to `rd` unless `rd` is x0 (or the value a syscall
    /// writes to `a0`; 0 when there is none).
    pub a: u32,
    /// The value of `rs1`.
    pub b: u32,
    /// The value of `rs2`, or the immediate for formats without `rs2`.
    pub c: u32,
    /// For loads and stores: the byte address accessed; 0 otherwise.
    pub mem_addr: u32,
    /// For loads: the aligned word read; for stores: the aligned word after the store.
    pub mem_value: u32,
}

/// One access to a register or memory word, with what offline memory checking needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[repr(C)]
pub struct MemoryAccess {
    /// Register index (below 32) or aligned word address.
    pub addr: u32,
    /// The value after the access.
    pub value: u32,
    /// The value before the access.
    pub prev_value: u32,
    /// When this access happened.
    pub ts: u32,
    /// When the previous access to `addr` happened (0: the initial image).
    pub prev_ts: u32,
}

/// One syscall, with its arguments as the guest passed them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[repr(C)]
pub struct SyscallEvent {
    /// Clock of the ECALL.
    pub clk: u32,
    /// Syscall id (`t0`).
    pub id: u32,
    /// Arguments `a0`, `a1`, `a2`.
    pub args: [u32; 3],
    /// The value written back to `a0`, if any (`HINT_LEN`).
    pub ret: Option<u32>,
}

/// Everything the prover needs from one execution, in execution order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionRecord {
    /// One event per cycle; cycle `i` has clock `i + 1`.
    pub cycles: Vec<CycleEvent>,
    /// Every register and memory access, in timestamp order.
    pub accesses: Vec<MemoryAccess>,
    /// Every syscall.
    pub syscalls: Vec<SyscallEvent>,
}

impl ExecutionRecord {
    /// Bytes held by the record's events, for measuring its footprint.
    pub fn size_in_bytes(&self) -> usize {
        self.cycles.len() * size_of::<CycleEvent>()
            + self.accesses.len() * size_of::<MemoryAccess>()
            + self.syscalls.len() * size_of::<SyscallEvent>()
    }
}
