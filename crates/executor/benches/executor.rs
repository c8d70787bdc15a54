//! Executor throughput, in guest instructions per second (criterion's elem/s: Melem/s = MIPS).
//!
//! Every [`Workload`] is run in the fast mode and, when it is short enough, in the recording mode.
//! Workloads are assembled here with the tests' assembler; guest ELFs can be added in
//! [`workloads`] as `Workload::new(name, elf_bytes, inputs)`.
//!
//! `cargo bench -p cairn-executor --bench executor -- --warm-up-time 1 --measurement-time 5`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use cairn_executor::{Executor, ExecutorConfig, Program};
use common::*;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// Recording keeps ~100 bytes a cycle: longer workloads are benchmarked in the fast mode only.
const MAX_RECORDED_CYCLES: u64 = 4_000_000;

/// A program to benchmark and its inputs.
struct Workload {
    name: String,
    program: Program,
    inputs: Vec<Vec<u8>>,
    /// Cycles of one run, measured once.
    cycles: u64,
}

impl Workload {
    fn new(name: impl Into<String>, elf_bytes: &[u8], inputs: Vec<Vec<u8>>) -> Self {
        let program = Program::from_elf(elf_bytes).expect("workload ELF must load");
        let exec = Executor::new(&program, ExecutorConfig::default()).with_inputs(inputs.clone()).run();
        let cycles = exec.unwrap_or_else(|e| panic!("workload fails: {e}")).cycles;
        Self { name: name.into(), program, inputs, cycles }
    }

    fn executor(&self) -> Executor<'_> {
        Executor::new(&self.program, ExecutorConfig::default()).with_inputs(self.inputs.clone())
    }
}

/// Iterative Fibonacci modulo 2^32: 5 instructions an iteration, registers only.
fn fibonacci(iterations: u32) -> Vec<u8> {
    let words = [
        li(6, iterations),
        vec![
            addi(7, ZERO, 0),
            addi(8, ZERO, 1),
            // loop:
            add(9, 7, 8),
            addi(7, 8, 0),
            addi(8, 9, 0),
            addi(6, 6, -1),
            bne(6, ZERO, -16),
        ],
        commit(7, 0),
        halt(),
    ]
    .concat();
    program_elf(&words, &[])
}

/// A running sum over `words` heap words, read and written back: 6 instructions an iteration,
/// one load and one store.
fn prefix_sum(words: u32) -> Vec<u8> {
    let code = [
        li(6, words),
        li(9, 0x0100_0000), // heap
        vec![
            // loop:
            lw(7, 9, 0),
            add(8, 8, 7),
            sw(8, 9, 0),
            addi(9, 9, 4),
            addi(6, 6, -1),
            bne(6, ZERO, -20),
        ],
        halt(),
    ]
    .concat();
    program_elf(&code, &[])
}

/// An example guest from `zkvm/examples`, built with `cairn-build`.
fn guest(name: &str) -> Vec<u8> {
    let elf = cairn_build::build_example(name).unwrap_or_else(|e| panic!("cannot build guest {name}: {e}"));
    std::fs::read(elf).expect("read guest ELF")
}

fn workloads() -> Vec<Workload> {
    let fib_n = postcard::to_stdvec(&1_000_000u32).unwrap();
    let sha_input: Vec<u8> = (0..1u32 << 18).map(|i| (i * 7 + 3) as u8).collect();
    vec![
        Workload::new("fibonacci-10M", &fibonacci(2_000_000), vec![]),
        Workload::new("fibonacci-1M", &fibonacci(200_000), vec![]),
        Workload::new("prefix-sum-1.5M", &prefix_sum(1 << 18), vec![]),
        Workload::new("guest-fibonacci-n1M", &guest("fibonacci"), vec![fib_n]),
        Workload::new("guest-sha256-256KiB", &guest("sha256"), vec![sha_input]),
    ]
}

fn bench(c: &mut Criterion) {
    let workloads = workloads();
    for w in &workloads {
        let (_, record) = w.executor().run_recording().unwrap();
        println!(
            "{}: {} cycles; record {} bytes = {:.1} bytes/cycle",
            w.name,
            w.cycles,
            record.size_in_bytes(),
            record.size_in_bytes() as f64 / w.cycles as f64
        );
    }

    let mut group = c.benchmark_group("fast");
    for w in &workloads {
        group.throughput(Throughput::Elements(w.cycles));
        group.bench_function(BenchmarkId::from_parameter(&w.name), |b| {
            b.iter(|| black_box(w.executor().run().unwrap()));
        });
    }
    group.finish();

    let mut group = c.benchmark_group("recording");
    group.sample_size(10);
    for w in workloads.iter().filter(|w| w.cycles <= MAX_RECORDED_CYCLES) {
        group.throughput(Throughput::Elements(w.cycles));
        group.bench_function(BenchmarkId::from_parameter(&w.name), |b| {
            b.iter(|| black_box(w.executor().run_recording().unwrap()));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
