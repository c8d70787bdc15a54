//! The whole machine: its chips as one AIR type, and the traces of an execution.

use std::collections::{BTreeMap, BTreeSet};

use cairn_executor::{ExecutionRecord, Opcode, Program};
use p3_air::{Air, BaseAir};
use p3_field::Field;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;
use p3_maybe_rayon::prelude::*;

use crate::chips::add_sub::AddSubChip;
use crate::chips::bitwise::BitwiseChip;
use crate::chips::bytes::ByteChip;
use crate::chips::commit::CommitChip;
use crate::chips::cpu::{CpuChip, CpuTraceError, PV_EXIT_CODE, PV_START_PC, NUM_CPU_PUBLIC_VALUES};
use crate::chips::divrem::DivRemChip;
use crate::chips::hint::HintChip;
use crate::chips::lt::LtChip;
use crate::chips::memory::{MemoryFinalChip, MemoryImageChip, MemoryZeroChip};
use crate::chips::mul::MulChip;
use crate::chips::program::ProgramChip;
use crate::chips::shift::ShiftChip;
use crate::chips::syscall::SyscallChip;
use crate::events::{AluEvent, ByteCounts};

/// One chip of the machine; the batch STARK proves one instance of each.
#[derive(Clone, Debug)]
pub enum CairnAir {
    /// The program table (preprocessed).
    Program(ProgramChip),
    /// The CPU.
    Cpu(CpuChip),
    /// ADD, SUB.
    AddSub(AddSubChip),
    /// XOR, OR, AND.
    Bitwise(BitwiseChip),
    /// SLT, SLTU.
    Lt(LtChip),
    /// SLL, SRL, SRA.
    Shift(ShiftChip),
    /// MUL, MULH, MULHSU, MULHU.
    Mul(MulChip),
    /// DIV, DIVU, REM, REMU.
    DivRem(DivRemChip),
    /// The initial image (preprocessed).
    MemoryImage(MemoryImageChip),
    /// Zero-initialised addresses.
    MemoryZero(MemoryZeroChip),
    /// Final memory state.
    MemoryFinal(MemoryFinalChip),
    /// The public-values digest.
    Commit(CommitChip),
    /// HINT_READ writes.
    Hint(HintChip),
    /// System calls.
    Syscall(SyscallChip),
    /// The byte table (preprocessed).
    Byte(ByteChip),
}

/// Chip names, in instance order.
pub const CHIP_NAMES: [&str; 15] = [
    "program", "cpu", "add_sub", "bitwise", "lt", "shift", "mul", "div_rem", "memory_image", "memory_zero",
    "memory_final", "commit", "hint", "syscall", "byte",
];

/// Index of the CPU instance.
pub const CPU_INSTANCE: usize = 1;
/// Index of the commit instance.
pub const COMMIT_INSTANCE: usize = 11;

macro_rules! each_chip {
    ($self:expr, $chip:ident => $body:expr) => {
        match $self {
            CairnAir::Program($chip) => $body,
            CairnAir::Cpu($chip) => $body,
            CairnAir::AddSub($chip) => $body,
            CairnAir::Bitwise($chip) => $body,
            CairnAir::Lt($chip) => $body,
            CairnAir::Shift($chip) => $body,
            CairnAir::Mul($chip) => $body,
            CairnAir::DivRem($chip) => $body,
            CairnAir::MemoryImage($chip) => $body,
            CairnAir::MemoryZero($chip) => $body,
            CairnAir::MemoryFinal($chip) => $body,
            CairnAir::Commit($chip) => $body,
            CairnAir::Hint($chip) => $body,
            CairnAir::Syscall($chip) => $body,
            CairnAir::Byte($chip) => $body,
        }
    };
}

impl<F: Field> BaseAir<F> for CairnAir {
    fn width(&self) -> usize {
        each_chip!(self, c => <_ as BaseAir<F>>::width(c))
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        each_chip!(self, c => <_ as BaseAir<F>>::preprocessed_trace(c))
    }

    fn preprocessed_width(&self) -> usize {
        each_chip!(self, c => <_ as BaseAir<F>>::preprocessed_width(c))
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        each_chip!(self, c => <_ as BaseAir<F>>::main_next_row_columns(c))
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        each_chip!(self, c => <_ as BaseAir<F>>::preprocessed_next_row_columns(c))
    }

    fn num_public_values(&self) -> usize {
        each_chip!(self, c => <_ as BaseAir<F>>::num_public_values(c))
    }
}

impl<AB: InteractionBuilder> Air<AB> for CairnAir
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        each_chip!(self, c => c.eval(builder))
    }
}

/// Why an execution record cannot be turned into traces.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TraceError {
    /// The CPU trace failed.
    #[error(transparent)]
    Cpu(#[from] CpuTraceError),
    /// Proofs exist only for executions that halt with exit code 0.
    #[error("the guest exited with code {0}; only executions that exit with 0 can be proven")]
    NonZeroExit(u32),
    /// The guest did not commit all digest words.
    #[error("the guest committed digest words {committed:#010b} of 8; a provable guest commits each once")]
    IncompleteDigest {
        /// Bit `i` is set when word `i` was committed.
        committed: u8,
    },
}

/// What an execution claims: where it started, how it ended, what it committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The entry point.
    pub start_pc: u32,
    /// The exit code (0 for every provable execution).
    pub exit_code: u32,
    /// SHA-256 of the public values, as committed.
    pub digest: [u8; 32],
}

/// Traces and public values for every chip, in instance order.
pub struct Witness<F> {
    /// One main trace per chip.
    pub traces: Vec<RowMajorMatrix<F>>,
    /// One list of public values per chip.
    pub public_values: Vec<Vec<F>>,
}

/// The machine for one program: its chips, with the program-specific ones built from it.
#[derive(Clone, Debug)]
pub struct Machine {
    airs: Vec<CairnAir>,
    start_pc: u32,
}

impl Machine {
    /// The machine for `program`.
    pub fn new(program: &Program) -> Self {
        let airs = vec![
            CairnAir::Program(ProgramChip::new(program)),
            CairnAir::Cpu(CpuChip),
            CairnAir::AddSub(AddSubChip),
            CairnAir::Bitwise(BitwiseChip),
            CairnAir::Lt(LtChip),
            CairnAir::Shift(ShiftChip),
            CairnAir::Mul(MulChip),
            CairnAir::DivRem(DivRemChip),
            CairnAir::MemoryImage(MemoryImageChip::new(program)),
            CairnAir::MemoryZero(MemoryZeroChip),
            CairnAir::MemoryFinal(MemoryFinalChip),
            CairnAir::Commit(CommitChip),
            CairnAir::Hint(HintChip),
            CairnAir::Syscall(SyscallChip),
            CairnAir::Byte(ByteChip),
        ];
        Self { airs, start_pc: program.entry }
    }

    /// The chips, in instance order (see [`CHIP_NAMES`]).
    pub fn airs(&self) -> &[CairnAir] {
        &self.airs
    }

    /// Log2 of each instance's height where it is fixed by the program (the preprocessed
    /// tables), and of the minimum height elsewhere: what the preprocessed commitment depends on.
    pub fn fixed_log_heights(&self) -> Vec<usize> {
        let log = |rows: usize| crate::chips::pad_rows(rows).trailing_zeros() as usize;
        self.airs
            .iter()
            .map(|air| match air {
                CairnAir::Program(p) => log(p.len()),
                CairnAir::MemoryImage(m) => log(m.words().len()),
                CairnAir::Byte(_) => crate::chips::bytes::BYTE_TABLE_HEIGHT.trailing_zeros() as usize,
                _ => log(0),
            })
            .collect()
    }

    /// The program's entry point.
    pub fn start_pc(&self) -> u32 {
        self.start_pc
    }

    /// The public values of every chip for `claim`.
    pub fn public_values<F: Field>(claim: &Claim) -> Vec<Vec<F>> {
        let mut cpu = vec![F::ZERO; NUM_CPU_PUBLIC_VALUES];
        cpu[PV_START_PC] = F::from_u32(claim.start_pc);
        for (j, b) in claim.exit_code.to_le_bytes().iter().enumerate() {
            cpu[PV_EXIT_CODE + j] = F::from_u8(*b);
        }
        let mut public = vec![Vec::new(); CHIP_NAMES.len()];
        public[CPU_INSTANCE] = cpu;
        public[COMMIT_INSTANCE] = CommitChip::public_values(&claim.digest);
        public
    }

    /// Traces of every chip for an execution that halted with `claim.exit_code` and committed
    /// `claim.digest`.
    pub fn generate_witness<F: Field + Send + Sync>(
        &self,
        record: &ExecutionRecord,
        claim: &Claim,
        committed_words: u8,
    ) -> Result<Witness<F>, TraceError> {
        if claim.exit_code != 0 {
            return Err(TraceError::NonZeroExit(claim.exit_code));
        }
        if committed_words != 0xff {
            return Err(TraceError::IncompleteDigest { committed: committed_words });
        }
        let (CairnAir::Program(program), CairnAir::MemoryImage(image)) = (&self.airs[0], &self.airs[8]) else {
            unreachable!("Machine::new puts the program and image chips at 0 and 8")
        };
        let mut bytes = ByteCounts::default();
        let (cpu, outputs) = CpuChip::generate_trace::<F>(program, record, &mut bytes)?;

        let mut by_chip: BTreeMap<&'static str, Vec<AluEvent>> = BTreeMap::new();
        for event in &outputs.alu {
            by_chip.entry(alu_chip(event.op)).or_default().push(*event);
        }
        let events = |name: &str| by_chip.get(name).map_or(&[][..], Vec::as_slice);
        // The chips that consume the CPU's events are independent: generate them in parallel,
        // each counting its own byte lookups.
        type Job<'a, F> = Box<dyn FnOnce(&mut ByteCounts) -> RowMajorMatrix<F> + Send + 'a>;
        let (zeros, finals) = memory_boundary(image.words(), record);
        let jobs: Vec<Job<'_, F>> = vec![
            Box::new(|b| AddSubChip::generate_trace(events("add_sub"), b)),
            Box::new(|b| BitwiseChip::generate_trace(events("bitwise"), b)),
            Box::new(|b| LtChip::generate_trace(events("lt"), b)),
            Box::new(|b| ShiftChip::generate_trace(events("shift"), b)),
            Box::new(|b| MulChip::generate_trace(events("mul"), b)),
            Box::new(|b| DivRemChip::generate_trace(events("div_rem"), b)),
            Box::new(|_| MemoryZeroChip::generate_trace(&zeros)),
            Box::new(|b| MemoryFinalChip::generate_trace(&finals, b)),
            Box::new(|b| HintChip::generate_trace(&outputs.hints, b)),
            Box::new(|b| SyscallChip::generate_trace(&outputs.syscalls, b)),
        ];
        let results: Vec<(RowMajorMatrix<F>, ByteCounts)> = jobs
            .into_par_iter()
            .map(|job| {
                let mut counts = ByteCounts::default();
                let trace = job(&mut counts);
                (trace, counts)
            })
            .collect();
        let mut chip_traces = Vec::with_capacity(results.len());
        for (trace, counts) in results {
            bytes.merge(&counts);
            chip_traces.push(trace);
        }
        let [add_sub, bitwise, lt, shift, mul, div_rem, memory_zero, memory_final, hint, syscall]: [RowMajorMatrix<F>; 10] =
            chip_traces.try_into().unwrap_or_else(|_| unreachable!("ten jobs give ten traces"));
        let traces = vec![
            program.generate_trace::<F>(outputs.pcs.iter().copied()),
            cpu,
            add_sub,
            bitwise,
            lt,
            shift,
            mul,
            div_rem,
            image.generate_trace::<F>(),
            memory_zero,
            memory_final,
            CommitChip::generate_trace::<F>(&claim.digest),
            hint,
            syscall,
            ByteChip::generate_trace::<F>(&bytes),
        ];
        Ok(Witness { traces, public_values: Self::public_values(claim) })
    }
}

/// The ALU chip that serves `op`.
fn alu_chip(op: Opcode) -> &'static str {
    use Opcode::*;
    match op {
        Add | Sub => "add_sub",
        Xor | Or | And => "bitwise",
        Slt | Sltu => "lt",
        Sll | Srl | Sra => "shift",
        Mul | Mulh | Mulhsu | Mulhu => "mul",
        _ => "div_rem",
    }
}

/// Addresses to zero-initialise, and the final `(addr, value, ts)` of every address, sorted.
fn memory_boundary(image: &[(u32, u32)], record: &ExecutionRecord) -> (Vec<u32>, Vec<(u32, u32, u32)>) {
    let mut finals: BTreeMap<u32, (u32, u32)> = image.iter().map(|&(a, v)| (a, (v, 0))).collect();
    let in_image: BTreeSet<u32> = image.iter().map(|&(a, _)| a).collect();
    let mut zeros = BTreeSet::new();
    for access in &record.accesses {
        if !in_image.contains(&access.addr) {
            zeros.insert(access.addr);
        }
        finals.insert(access.addr, (access.value, access.ts));
    }
    (zeros.into_iter().collect(), finals.into_iter().map(|(a, (v, ts))| (a, v, ts)).collect())
}
