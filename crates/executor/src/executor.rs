//! The interpreter loop, shared by the fast and the recording mode.

use std::collections::VecDeque;

use cairn_abi::memory::{DIGEST_WORDS, MEM_END, STACK_BOTTOM, STACK_TOP};
use cairn_abi::syscall::{self, REG_A0, REG_A1, REG_A2, REG_ID};

use crate::error::ExecutionError;
use crate::instruction::{Instruction, Opcode};
use crate::memory::WordPages;
use crate::program::Program;
use crate::record::{timestamp, CycleEvent, ExecutionRecord, MemoryAccess, SyscallEvent};
use crate::record::{SLOT_MEM, SLOT_RD, SLOT_RS1, SLOT_RS2};

/// Default cycle limit: generous for real guests, yet a runaway guest stops within seconds.
pub const DEFAULT_MAX_CYCLES: u64 = 1 << 30;

/// The most cycles one record can time-stamp (timestamps are `u32`, four per cycle).
pub const MAX_RECORD_CYCLES: u64 = (1 << 30) - 2;

/// Executor settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExecutorConfig {
    /// Execution fails once this many instructions have run without a HALT.
    pub max_cycles: u64,
}

impl Default for ExecutorConfig {
    fn default() -> Self {
        Self { max_cycles: DEFAULT_MAX_CYCLES }
    }
}

/// The outcome of a run that reached HALT.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Execution {
    /// The code passed to HALT (0 = success).
    pub exit_code: u32,
    /// Instructions executed, the HALT included.
    pub cycles: u64,
    /// Bytes written to fd 1.
    pub stdout: Vec<u8>,
    /// Bytes written to fd 2.
    pub stderr: Vec<u8>,
    /// Bytes written to fd 3: the public values.
    pub public_values: Vec<u8>,
    /// The public-values digest the guest committed, word `i` as bytes `4i..4i+4` little-endian.
    pub digest: [u8; 32],
    /// Which of the 8 digest words the guest committed (bit `i` for word `i`).
    pub committed_words: u8,
    /// Pages of memory touched, for memory statistics.
    pub pages_touched: usize,
}

/// Recording state: last-access timestamps and the record being built.
struct Recorder {
    reg_ts: [u32; 32],
    mem_ts: WordPages,
    record: ExecutionRecord,
}

/// Runs one program on one input stream.
pub struct Executor<'p> {
    program: &'p Program,
    config: ExecutorConfig,
    regs: [u32; 32],
    pc: u32,
    clk: u32,
    cycles: u64,
    memory: WordPages,
    inputs: VecDeque<Vec<u8>>,
    out: Execution,
    digest: [u32; DIGEST_WORDS],
    recorder: Option<Box<Recorder>>,
}

/// Where a syscall stops the machine, or not.
enum Flow {
    Continue,
    Halt(u32),
}

impl<'p> Executor<'p> {
    /// An executor at the program's entry, with all registers zero and the image loaded.
    pub fn new(program: &'p Program, config: ExecutorConfig) -> Self {
        let mut memory = WordPages::new();
        for (addr, word) in program.image_words() {
            *memory.get_mut(addr) = word;
        }
        Self {
            program,
            config,
            regs: [0; 32],
            pc: program.entry,
            clk: 0,
            cycles: 0,
            memory,
            inputs: VecDeque::new(),
            out: Execution::default(),
            digest: [0; DIGEST_WORDS],
            recorder: None,
        }
    }

    /// Appends input items; the guest reads them in order with HINT_LEN and HINT_READ.
    pub fn with_inputs<I: IntoIterator<Item = Vec<u8>>>(mut self, items: I) -> Self {
        self.inputs.extend(items);
        self
    }

    /// Runs to HALT, keeping only the outputs.
    pub fn run(mut self) -> Result<Execution, ExecutionError> {
        let exit_code = self.execute::<false>()?;
        Ok(self.finish(exit_code))
    }

    /// Runs to HALT, recording every cycle and memory access for the prover.
    pub fn run_recording(mut self) -> Result<(Execution, ExecutionRecord), ExecutionError> {
        self.recorder = Some(Box::new(Recorder {
            reg_ts: [0; 32],
            mem_ts: WordPages::new(),
            record: ExecutionRecord::default(),
        }));
        let exit_code = self.execute::<true>()?;
        let record = self.recorder.take().map(|r| r.record).unwrap_or_default();
        Ok((self.finish(exit_code), record))
    }

    fn finish(mut self, exit_code: u32) -> Execution {
        self.out.exit_code = exit_code;
        self.out.cycles = self.cycles;
        for (i, w) in self.digest.iter().enumerate() {
            self.out.digest[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
        }
        self.out.pages_touched = self.memory.pages_touched();
        self.out
    }

    fn execute<const R: bool>(&mut self) -> Result<u32, ExecutionError> {
        let program = self.program;
        let (text_start, instructions) = (program.text_start, &program.instructions[..]);
        let limit = if R { self.config.max_cycles.min(MAX_RECORD_CYCLES) } else { self.config.max_cycles };
        loop {
            let pc = self.pc;
            if self.cycles >= limit {
                return Err(if limit < self.config.max_cycles {
                    ExecutionError::RecordTooLong { cycles: self.cycles, max: limit }
                } else {
                    ExecutionError::CycleLimit { limit, pc }
                });
            }
            let Some(&ins) = instructions.get((pc.wrapping_sub(text_start) >> 2) as usize) else {
                return Err(ExecutionError::PcOutOfText { pc });
            };
            self.cycles += 1;
            self.clk += 1;
            if let Flow::Halt(code) = self.step::<R>(pc, ins)? {
                return Ok(code);
            }
        }
    }

    #[inline(always)]
    fn step<const R: bool>(&mut self, pc: u32, ins: Instruction) -> Result<Flow, ExecutionError> {
        use Opcode::*;
        let imm = ins.imm;
        let mut next_pc = pc.wrapping_add(4);
        let mut event = CycleEvent { pc, c: imm, ..CycleEvent::default() };

        macro_rules! rr {
            // register-register: rd = f(rs1, rs2)
            ($f:expr) => {{
                let b = self.read_reg::<R>(ins.rs1, SLOT_RS1);
                let c = self.read_reg::<R>(ins.rs2, SLOT_RS2);
                let f: fn(u32, u32) -> u32 = $f;
                event.b = b;
                event.c = c;
                event.a = self.write_reg::<R>(ins.rd, f(b, c));
            }};
        }
        macro_rules! ri {
            // register-immediate: rd = f(rs1, imm)
            ($f:expr) => {{
                let b = self.read_reg::<R>(ins.rs1, SLOT_RS1);
                let f: fn(u32, u32) -> u32 = $f;
                event.b = b;
                event.a = self.write_reg::<R>(ins.rd, f(b, imm));
            }};
        }
        macro_rules! branch {
            ($cond:expr) => {{
                let b = self.read_reg::<R>(ins.rs1, SLOT_RS1);
                let c = self.read_reg::<R>(ins.rs2, SLOT_RS2);
                let cond: fn(u32, u32) -> bool = $cond;
                event.b = b;
                event.c = c;
                if cond(b, c) {
                    next_pc = self.jump_target(pc, pc.wrapping_add(imm))?;
                }
            }};
        }
        macro_rules! load {
            ($size:expr, $extract:expr) => {{
                let b = self.read_reg::<R>(ins.rs1, SLOT_RS1);
                let addr = b.wrapping_add(imm);
                let word = self.load::<R>(pc, addr, $size)?;
                let extract: fn(u32, u32) -> u32 = $extract;
                event.b = b;
                event.mem_addr = addr;
                event.mem_value = word;
                event.a = self.write_reg::<R>(ins.rd, extract(word, (addr & 3) * 8));
            }};
        }
        macro_rules! store {
            ($size:expr) => {{
                let b = self.read_reg::<R>(ins.rs1, SLOT_RS1);
                let c = self.read_reg::<R>(ins.rs2, SLOT_RS2);
                let addr = b.wrapping_add(imm);
                event.b = b;
                event.c = c;
                event.mem_addr = addr;
                event.mem_value = self.store::<R>(pc, addr, c, $size)?;
            }};
        }

        match ins.opcode {
            Lui => event.a = self.write_reg::<R>(ins.rd, imm),
            Auipc => event.a = self.write_reg::<R>(ins.rd, pc.wrapping_add(imm)),
            Jal => {
                next_pc = self.jump_target(pc, pc.wrapping_add(imm))?;
                event.a = self.write_reg::<R>(ins.rd, pc.wrapping_add(4));
            }
            Jalr => {
                let b = self.read_reg::<R>(ins.rs1, SLOT_RS1);
                event.b = b;
                next_pc = self.jump_target(pc, b.wrapping_add(imm) & !1)?;
                event.a = self.write_reg::<R>(ins.rd, pc.wrapping_add(4));
            }
            Beq => branch!(|b, c| b == c),
            Bne => branch!(|b, c| b != c),
            Blt => branch!(|b, c| (b as i32) < (c as i32)),
            Bge => branch!(|b, c| (b as i32) >= (c as i32)),
            Bltu => branch!(|b, c| b < c),
            Bgeu => branch!(|b, c| b >= c),
            Lb => load!(1, |w, sh| (((w >> sh) as u8) as i8) as i32 as u32),
            Lh => load!(2, |w, sh| (((w >> sh) as u16) as i16) as i32 as u32),
            Lw => load!(4, |w, _| w),
            Lbu => load!(1, |w, sh| (w >> sh) & 0xff),
            Lhu => load!(2, |w, sh| (w >> sh) & 0xffff),
            Sb => store!(1),
            Sh => store!(2),
            Sw => store!(4),
            Addi => ri!(|b, c| b.wrapping_add(c)),
            Slti => ri!(|b, c| ((b as i32) < (c as i32)) as u32),
            Sltiu => ri!(|b, c| (b < c) as u32),
            Xori => ri!(|b, c| b ^ c),
            Ori => ri!(|b, c| b | c),
            Andi => ri!(|b, c| b & c),
            Slli => ri!(|b, c| b << (c & 31)),
            Srli => ri!(|b, c| b >> (c & 31)),
            Srai => ri!(|b, c| ((b as i32) >> (c & 31)) as u32),
            Add => rr!(|b, c| b.wrapping_add(c)),
            Sub => rr!(|b, c| b.wrapping_sub(c)),
            Sll => rr!(|b, c| b << (c & 31)),
            Slt => rr!(|b, c| ((b as i32) < (c as i32)) as u32),
            Sltu => rr!(|b, c| (b < c) as u32),
            Xor => rr!(|b, c| b ^ c),
            Srl => rr!(|b, c| b >> (c & 31)),
            Sra => rr!(|b, c| ((b as i32) >> (c & 31)) as u32),
            Or => rr!(|b, c| b | c),
            And => rr!(|b, c| b & c),
            Mul => rr!(|b, c| b.wrapping_mul(c)),
            Mulh => rr!(|b, c| ((i64::from(b as i32) * i64::from(c as i32)) >> 32) as u32),
            Mulhsu => rr!(|b, c| ((i64::from(b as i32) * i64::from(c)) >> 32) as u32),
            Mulhu => rr!(|b, c| ((u64::from(b) * u64::from(c)) >> 32) as u32),
            Div => rr!(|b, c| match (b as i32, c as i32) {
                (_, 0) => u32::MAX,
                (b, c) => b.wrapping_div(c) as u32,
            }),
            Divu => rr!(|b, c| b.checked_div(c).unwrap_or(u32::MAX)),
            Rem => rr!(|b, c| match (b as i32, c as i32) {
                (b, 0) => b as u32,
                (b, c) => b.wrapping_rem(c) as u32,
            }),
            Remu => rr!(|b, c| b.checked_rem(c).unwrap_or(b)),
            Fence => {}
            Ecall => {
                let (flow, ret) = self.syscall::<R>(pc)?;
                if R {
                    self.push_event(CycleEvent { next_pc, a: ret.unwrap_or(0), ..event });
                }
                self.pc = next_pc;
                return Ok(flow);
            }
            Ebreak => return Err(ExecutionError::Ebreak { pc }),
            Illegal => {
                let word = self.fetch_word(pc);
                return Err(ExecutionError::IllegalInstruction { pc, word });
            }
        }
        if R {
            self.push_event(CycleEvent { next_pc, ..event });
        }
        self.pc = next_pc;
        Ok(Flow::Continue)
    }

    fn push_event(&mut self, event: CycleEvent) {
        if let Some(rec) = self.recorder.as_mut() {
            rec.record.cycles.push(event);
        }
    }

    /// The raw instruction word at `pc`, for error messages.
    fn fetch_word(&self, pc: u32) -> u32 {
        self.memory.get(pc & !3)
    }

    #[inline(always)]
    fn jump_target(&self, pc: u32, target: u32) -> Result<u32, ExecutionError> {
        if target & 3 != 0 {
            return Err(ExecutionError::MisalignedJump { pc, target });
        }
        Ok(target)
    }

    #[inline(always)]
    fn read_reg<const R: bool>(&mut self, r: u8, slot: u32) -> u32 {
        let v = self.regs[(r & 31) as usize];
        if R {
            self.record_access(u32::from(r), v, v, slot);
        }
        v
    }

    /// Writes `rd` (dropping writes to x0) and returns the value written, the instruction's
    /// result, which the record keeps even for x0.
    #[inline(always)]
    fn write_reg<const R: bool>(&mut self, r: u8, v: u32) -> u32 {
        if r == 0 {
            return v;
        }
        let r = (r & 31) as usize;
        if R {
            self.record_access(r as u32, v, self.regs[r], SLOT_RD);
        }
        self.regs[r] = v;
        v
    }

    #[inline(always)]
    fn record_access(&mut self, addr: u32, value: u32, prev_value: u32, slot: u32) {
        let ts = timestamp(self.clk, slot);
        if let Some(rec) = self.recorder.as_mut() {
            let last = if addr < 32 { &mut rec.reg_ts[addr as usize] } else { rec.mem_ts.get_mut(addr) };
            let prev_ts = std::mem::replace(last, ts);
            rec.record.accesses.push(MemoryAccess { addr, value, prev_value, ts, prev_ts });
        }
    }

    /// Whether `[addr, addr + len)` lies in one mapped region (the stack, or image and heap).
    #[inline(always)]
    fn is_mapped(&self, addr: u32, len: u32) -> bool {
        if len == 0 {
            // Nothing is accessed; empty slices may carry dangling pointers.
            return true;
        }
        let Some(end) = addr.checked_add(len) else { return false };
        (addr >= STACK_BOTTOM && end <= STACK_TOP) || (addr >= self.program.image_start && end <= MEM_END)
    }

    #[inline(always)]
    fn check_access(&self, pc: u32, addr: u32, len: u32, kind: &'static str) -> Result<(), ExecutionError> {
        if !self.is_mapped(addr, len) {
            return Err(ExecutionError::Unmapped { pc, addr, len, kind });
        }
        Ok(())
    }

    #[inline(always)]
    fn check_write(&self, pc: u32, addr: u32, len: u32, kind: &'static str) -> Result<(), ExecutionError> {
        self.check_access(pc, addr, len, kind)?;
        let p = self.program;
        if len > 0 && addr < p.text_end && addr + len > p.text_start {
            return Err(ExecutionError::WriteToText { pc, addr, len });
        }
        Ok(())
    }

    /// Loads the aligned word containing `addr` after checking alignment and mapping.
    #[inline(always)]
    fn load<const R: bool>(&mut self, pc: u32, addr: u32, size: u32) -> Result<u32, ExecutionError> {
        if addr & (size - 1) != 0 {
            return Err(ExecutionError::Misaligned { pc, addr, size, kind: "load" });
        }
        self.check_access(pc, addr, size, "load")?;
        let word = self.memory.get(addr);
        if R {
            self.record_access(addr & !3, word, word, SLOT_MEM);
        }
        Ok(word)
    }

    /// Stores the low `size` bytes of `value` at `addr`; returns the aligned word after the store.
    #[inline(always)]
    fn store<const R: bool>(&mut self, pc: u32, addr: u32, value: u32, size: u32) -> Result<u32, ExecutionError> {
        if addr & (size - 1) != 0 {
            return Err(ExecutionError::Misaligned { pc, addr, size, kind: "store" });
        }
        self.check_write(pc, addr, size, "store")?;
        let shift = (addr & 3) * 8;
        let mask = if size == 4 { u32::MAX } else { ((1u32 << (8 * size)) - 1) << shift };
        let slot = self.memory.get_mut(addr);
        let prev = *slot;
        let new = (prev & !mask) | ((value << shift) & mask);
        *slot = new;
        if R {
            self.record_access(addr & !3, new, prev, SLOT_MEM);
        }
        Ok(new)
    }

    /// Runs the ECALL at `pc`; returns how to go on and the value written to `a0`, if any.
    fn syscall<const R: bool>(&mut self, pc: u32) -> Result<(Flow, Option<u32>), ExecutionError> {
        let id = self.read_reg::<R>(REG_ID as u8, SLOT_RS1);
        let a0 = self.read_reg::<R>(REG_A0 as u8, SLOT_RS2);
        let a1 = self.read_reg::<R>(REG_A1 as u8, SLOT_MEM);
        let a2 = self.read_reg::<R>(REG_A2 as u8, SLOT_MEM);
        let mut ret = None;
        let flow = match id {
            syscall::HALT => Flow::Halt(a0),
            syscall::WRITE => {
                self.check_access(pc, a1, a2, "WRITE")?;
                let bytes = (a1..a1 + a2).map(|a| (self.memory.get(a & !3) >> ((a & 3) * 8)) as u8);
                match a0 {
                    cairn_abi::fd::STDOUT => self.out.stdout.extend(bytes),
                    cairn_abi::fd::STDERR => self.out.stderr.extend(bytes),
                    cairn_abi::fd::PUBLIC_VALUES => self.out.public_values.extend(bytes),
                    fd => return Err(ExecutionError::UnknownFd { pc, fd }),
                }
                Flow::Continue
            }
            syscall::HINT_LEN => {
                let len = self.inputs.front().map_or(syscall::HINT_NONE, |item| item.len() as u32);
                ret = Some(self.write_reg::<R>(REG_A0 as u8, len));
                Flow::Continue
            }
            syscall::HINT_READ => {
                self.hint_read::<R>(pc, a0, a1)?;
                Flow::Continue
            }
            syscall::COMMIT => {
                let index = a1;
                if index as usize >= DIGEST_WORDS {
                    return Err(ExecutionError::CommitIndex { pc, index });
                }
                self.digest[index as usize] = a0;
                self.out.committed_words |= 1 << index;
                Flow::Continue
            }
            id => return Err(ExecutionError::UnknownSyscall { pc, id }),
        };
        if R {
            if let Some(rec) = self.recorder.as_mut() {
                rec.record.syscalls.push(SyscallEvent { clk: self.clk, id, args: [a0, a1, a2], ret });
            }
        }
        Ok((flow, ret))
    }

    /// Copies the next input item to the words from `ptr` (word-aligned) on; the bytes after the
    /// item in its last word become zero, so whole words are written.
    fn hint_read<const R: bool>(&mut self, pc: u32, ptr: u32, len: u32) -> Result<(), ExecutionError> {
        let Some(available) = self.inputs.front().map(|item| item.len() as u32) else {
            return Err(ExecutionError::HintExhausted { pc });
        };
        if available != len {
            return Err(ExecutionError::HintLength { pc, requested: len, available });
        }
        let item = self.inputs.pop_front().unwrap_or_default();
        if len == 0 {
            return Ok(());
        }
        if !ptr.is_multiple_of(4) {
            return Err(ExecutionError::MisalignedHint { pc, ptr });
        }
        self.check_write(pc, ptr, len.next_multiple_of(4), "HINT_READ")?;
        for (k, chunk) in item.chunks(4).enumerate() {
            let word_addr = ptr + 4 * k as u32;
            let mut bytes = [0u8; 4];
            bytes[..chunk.len()].copy_from_slice(chunk);
            let new = u32::from_le_bytes(bytes);
            let slot = self.memory.get_mut(word_addr);
            let prev = core::mem::replace(slot, new);
            if R {
                self.record_access(word_addr, new, prev, SLOT_MEM);
            }
        }
        Ok(())
    }
}
