//! The recording mode: one event per cycle, and a memory-access log that offline memory checking
//! accepts (per address, each access continues exactly where the previous one left off).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::collections::HashMap;

use cairn_abi::syscall::{COMMIT, HINT_LEN, HINT_READ, WRITE};
use cairn_executor::{
    timestamp, Execution, ExecutionRecord, Executor, ExecutorConfig, MemoryAccess, Opcode, Program, SyscallEvent,
    SLOT_MEM, SLOT_RD, SLOT_RS1, SLOT_RS2,
};
use common::*;
use proptest::prelude::*;

/// The clock and slot of a timestamp.
fn clk_slot(ts: u32) -> (u32, u32) {
    (ts / 4, ts % 4)
}

/// Runs `program` in both modes and checks everything about the record that does not depend on
/// the program's meaning; returns the execution and the record.
fn check_record(program: &Program, inputs: Vec<Vec<u8>>) -> (Execution, ExecutionRecord) {
    let fast = Executor::new(program, ExecutorConfig::default()).with_inputs(inputs.clone()).run().unwrap();
    let (exec, record) = run_recording(program, inputs);
    assert_eq!(exec, fast, "recording must not change the outcome");
    assert_eq!(record.cycles.len() as u64, exec.cycles, "one event per cycle");

    // Control flow: events chain from the entry to the final HALT.
    assert_eq!(record.cycles[0].pc, program.entry);
    for pair in record.cycles.windows(2) {
        assert_eq!(pair[0].next_pc, pair[1].pc);
    }
    let opcode = |pc: u32| program.instructions[((pc - program.text_start) / 4) as usize].opcode;
    let last = record.cycles.last().unwrap();
    assert_eq!((opcode(last.pc), last.next_pc), (Opcode::Ecall, last.pc + 4));

    // Offline memory checking: replay every access against the last one at the same address.
    // The initial image, at timestamp 0 (segments may share a word: merge their bytes).
    let mut state: HashMap<u32, (u32, u32)> = HashMap::new();
    for (a, v) in program.image_words() {
        state.entry(a).or_default().0 |= v;
    }
    let mut last_ts = 0;
    let mut at_ts: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, acc) in record.accesses.iter().enumerate() {
        let &MemoryAccess { addr, value, prev_value, ts, prev_ts } = acc;
        assert!(ts >= last_ts, "access {i} ({acc:?}) is out of timestamp order");
        last_ts = ts;
        let (clk, slot) = clk_slot(ts);
        assert!(clk >= 1 && clk as usize <= record.cycles.len(), "access {i} ({acc:?}) has no cycle");
        assert!(addr < 32 || (addr % 4 == 0 && addr >= 0x1_0000), "access {i} ({acc:?}) to a bad address");
        let (want_value, want_ts) = state.get(&addr).copied().unwrap_or((0, 0));
        assert!(ts > want_ts, "access {i} ({acc:?}): timestamps must increase per address");
        assert_eq!((prev_value, prev_ts), (want_value, want_ts), "access {i} ({acc:?}) does not follow the last one");
        state.insert(addr, (value, ts));
        let same = at_ts.entry(ts).or_default();
        assert!(!same.contains(&addr), "access {i} ({acc:?}): two accesses share address and timestamp");
        same.push(addr);

        let op = opcode(record.cycles[clk as usize - 1].pc);
        let is_load = matches!(op, Opcode::Lb | Opcode::Lh | Opcode::Lw | Opcode::Lbu | Opcode::Lhu);
        // Source registers and loaded words are read, not written.
        if slot == SLOT_RS1 || slot == SLOT_RS2 || (slot == SLOT_MEM && is_load) {
            assert_eq!(value, prev_value, "access {i} ({acc:?}) is a read but changes the value");
        }
        // Registers are only touched in the data slot by syscalls (a1 and a2).
        if slot == SLOT_MEM && addr < 32 {
            assert!(op == Opcode::Ecall && (addr == 11 || addr == 12), "access {i} ({acc:?}) in the data slot");
        }
        if slot == SLOT_RD {
            assert!(addr != 0 && addr < 32, "access {i} ({acc:?}): the rd slot writes a register other than x0");
        }
    }

    // The syscall events name the ECALL cycles, in order.
    let ecalls: Vec<u32> = (1..=record.cycles.len() as u32)
        .filter(|&c| opcode(record.cycles[c as usize - 1].pc) == Opcode::Ecall)
        .collect();
    assert_eq!(record.syscalls.iter().map(|s| s.clk).collect::<Vec<_>>(), ecalls);
    (exec, record)
}

/// The accesses of clock `clk`.
fn accesses_at(record: &ExecutionRecord, clk: u32) -> Vec<MemoryAccess> {
    record.accesses.iter().filter(|a| a.ts / 4 == clk).copied().collect()
}

fn acc(addr: u32, value: u32, prev_value: u32, ts: u32, prev_ts: u32) -> MemoryAccess {
    MemoryAccess { addr, value, prev_value, ts, prev_ts }
}

#[test]
fn a_small_program_is_recorded_cycle_by_cycle() {
    let words = [
        addi(6, ZERO, 5), // clk 1
        add(7, 6, 6),     // clk 2: rs1 = rs2
        lui(9, DATA),     // clk 3
        sw(7, 9, 4),      // clk 4
        lb(8, 9, 0),      // clk 5: the image's byte 0x80 sign-extended
        addi(ZERO, 6, 1), // clk 6: a write to x0 is no access
        beq(6, 6, 8),     // clk 7: to clk 8's instruction, skipping one
        ebreak(),         //        skipped
        sh(6, 9, 6),      // clk 8: into the word stored at clk 4
        lw(13, 9, 4),     // clk 9
    ];
    let words = [words.to_vec(), halt()].concat();
    let program = load(&program_elf(&words, &[0x80, 0, 0, 0]));
    let (exec, record) = check_record(&program, vec![]);
    assert_eq!(exec.cycles, 12);

    let c = &record.cycles;
    assert_eq!((c[0].pc, c[0].next_pc, c[0].a, c[0].b, c[0].c), (CODE, CODE + 4, 5, 0, 5));
    assert_eq!((c[1].a, c[1].b, c[1].c), (10, 5, 5));
    assert_eq!((c[2].a, c[2].c), (DATA, DATA));
    assert_eq!((c[3].b, c[3].c, c[3].mem_addr, c[3].mem_value), (DATA, 10, DATA + 4, 10));
    assert_eq!((c[4].a, c[4].mem_addr, c[4].mem_value), (0xffff_ff80, DATA, 0x80));
    assert_eq!(c[5].a, 6, "the result is recorded even though x0 stays 0");
    assert_eq!((c[6].pc, c[6].next_pc), (pc_of(6), pc_of(8)));
    assert_eq!((c[7].pc, c[7].mem_addr, c[7].mem_value), (pc_of(8), DATA + 6, 0x0005_000a));
    assert_eq!((c[8].a, c[8].mem_value), (0x0005_000a, 0x0005_000a));

    let ts = timestamp;
    assert_eq!(accesses_at(&record, 1), [acc(0, 0, 0, ts(1, SLOT_RS1), 0), acc(6, 5, 0, ts(1, SLOT_RD), 0)]);
    assert_eq!(
        accesses_at(&record, 2),
        [
            acc(6, 5, 5, ts(2, SLOT_RS1), ts(1, SLOT_RD)),
            acc(6, 5, 5, ts(2, SLOT_RS2), ts(2, SLOT_RS1)),
            acc(7, 10, 0, ts(2, SLOT_RD), 0),
        ]
    );
    assert_eq!(accesses_at(&record, 3), [acc(9, DATA, 0, ts(3, SLOT_RD), 0)]);
    assert_eq!(
        accesses_at(&record, 4),
        [
            acc(9, DATA, DATA, ts(4, SLOT_RS1), ts(3, SLOT_RD)),
            acc(7, 10, 10, ts(4, SLOT_RS2), ts(2, SLOT_RD)),
            acc(DATA + 4, 10, 0, ts(4, SLOT_MEM), 0),
        ]
    );
    assert_eq!(accesses_at(&record, 5)[1], acc(DATA, 0x80, 0x80, ts(5, SLOT_MEM), 0), "the image word");
    assert_eq!(accesses_at(&record, 6).len(), 1, "only rs1 of a write to x0");
    assert_eq!(accesses_at(&record, 8)[2], acc(DATA + 4, 0x0005_000a, 10, ts(8, SLOT_MEM), ts(4, SLOT_MEM)));
    assert_eq!(accesses_at(&record, 9)[1], acc(DATA + 4, 0x0005_000a, 0x0005_000a, ts(9, SLOT_MEM), ts(8, SLOT_MEM)));
}

#[test]
fn jumps_record_the_link_and_the_target() {
    let words =
        [vec![jal(RA, 8), ebreak(), li(6, pc_of(5) + 1)[0], li(6, pc_of(5) + 1)[1], jalr(7, 6, 0)], halt()].concat();
    let program = load(&program_elf(&words, &[]));
    let (_, record) = check_record(&program, vec![]);
    let c = &record.cycles;
    assert_eq!((c[0].pc, c[0].next_pc, c[0].a), (CODE, pc_of(2), pc_of(1)));
    assert_eq!((c[3].pc, c[3].next_pc, c[3].a, c[3].b), (pc_of(4), pc_of(5), pc_of(5), pc_of(5) + 1));
    assert_eq!(accesses_at(&record, 1), [acc(RA, pc_of(1), 0, timestamp(1, SLOT_RD), 0)]);
}

#[test]
fn syscalls_are_recorded_with_their_memory_writes() {
    // HINT_LEN, HINT_READ of 6 bytes at DATA + 4 (over two words), WRITE, COMMIT.
    let words = [read_input(DATA + 4), write(3, DATA, 12), li(6, 77), commit(6, 2), halt()].concat();
    let program = load(&program_elf(&words, &[0xaa; 12]));
    let item = vec![1, 2, 3, 4, 5, 6];
    let (exec, record) = check_record(&program, vec![item]);
    assert_eq!(exec.public_values, [0xaa, 0xaa, 0xaa, 0xaa, 1, 2, 3, 4, 5, 6, 0, 0]);

    let s = &record.syscalls;
    assert_eq!(s.len(), 5);
    assert_eq!(s[0], SyscallEvent { clk: 2, id: HINT_LEN, args: [0, 0, 0], ret: Some(6) });
    assert_eq!((s[1].id, s[1].args, s[1].ret), (HINT_READ, [DATA + 4, 6, 0], None));
    assert_eq!((s[2].id, s[2].args), (WRITE, [3, DATA, 12]));
    assert_eq!((s[3].id, s[3].args), (COMMIT, [77, 2, 12]));

    // HINT_LEN reads t0, a0, a1, a2 and writes a0.
    let hint_len = accesses_at(&record, s[0].clk);
    assert_eq!(
        hint_len.iter().map(|a| (a.addr, a.ts % 4)).collect::<Vec<_>>(),
        [(5, 0), (10, 1), (11, 2), (12, 2), (10, 3)]
    );
    assert_eq!(hint_len[4].value, 6);

    // HINT_READ writes the two words the item spans, zeroing the bytes after it.
    let writes: Vec<_> = accesses_at(&record, s[1].clk).into_iter().filter(|a| a.addr >= 32).collect();
    let ts = timestamp(s[1].clk, SLOT_MEM);
    let old = 0xaaaa_aaaa;
    let want = [acc(DATA + 4, 0x0403_0201, old, ts, 0), acc(DATA + 8, 0x0000_0605, old, ts, 0)];
    assert_eq!(writes, want);
    // The ECALL's cycle event carries the pc only.
    let e = record.cycles[s[1].clk as usize - 1];
    assert_eq!((e.a, e.mem_addr, e.next_pc), (0, 0, e.pc + 4));
}

#[test]
fn an_empty_hint_read_from_a_dangling_pointer_touches_no_memory() {
    // The guest library reads an empty input item into `Vec::with_capacity(0)`: HINT_READ(1, 0).
    let words = [li(A0, 1), li(A1, 0), syscall(HINT_READ), halt()].concat();
    let program = load(&program_elf(&words, &[]));
    let (exec, record) = check_record(&program, vec![vec![]]);
    let clk = record.syscalls[0].clk;
    let regs: Vec<u32> = accesses_at(&record, clk).iter().map(|a| a.addr).collect();
    assert_eq!(regs, [T0, A0, A1, A2], "HINT_READ of nothing reads its arguments and writes nothing");
    let without = Executor::new(&load(&program_elf(&halt(), &[])), ExecutorConfig::default()).run().unwrap();
    assert_eq!(exec.pages_touched, without.pages_touched, "no page is allocated for nothing");
}

#[test]
fn size_in_bytes_counts_every_event() {
    let program = load(&program_elf(&[li(6, 3), halt()].concat(), &[]));
    let (_, record) = check_record(&program, vec![]);
    let want = record.cycles.len() * size_of::<cairn_executor::CycleEvent>()
        + record.accesses.len() * size_of::<MemoryAccess>()
        + record.syscalls.len() * size_of::<SyscallEvent>();
    assert_eq!(record.size_in_bytes(), want);
    assert!(want > 0);
}

#[test]
fn a_loop_with_memory_traffic() {
    // Sum 1..=100 into a memory cell and keep a running array of partial sums.
    let words = [
        lui(9, DATA),
        addi(6, ZERO, 100),
        // loop:
        lw(7, 9, 0),
        add(7, 7, 6),
        sw(7, 9, 0),
        slli(8, 6, 2),
        add(8, 8, 9),
        sw(7, 8, 4),
        sb(6, 8, 1),
        addi(6, 6, -1),
        bne(6, ZERO, -32),
    ];
    let words = [words.to_vec(), commit(7, 0), halt()].concat();
    let program = load(&program_elf(&words, &[]));
    let (exec, record) = check_record(&program, vec![]);
    assert_eq!(digest_word(&exec, 0), 5050);
    assert_eq!(record.cycles.len(), 2 + 9 * 100 + commit(7, 0).len() + halt().len());
}

// ---------------------------------------------------------------------------------------------
// Random programs.

#[derive(Clone, Debug)]
enum Step {
    Alu(u32, u32, u32, u32),
    Store(u32, u32, i32),
    Load(u32, u32, i32),
}

fn step() -> impl Strategy<Value = Step> {
    let r = || 1u32..9; // x1..x8; x9 is the base
    prop_oneof![
        3 => (0u32..10, 0u32..9, r(), r()).prop_map(|(op, d, a, b)| Step::Alu(op, d, a, b)),
        2 => (0u32..3, r(), 0i32..64).prop_map(|(size, s, off)| Step::Store(size, s, off)),
        2 => (0u32..5, 0u32..9, 0i32..64).prop_map(|(kind, d, off)| Step::Load(kind, d, off)),
    ]
}

fn assemble(steps: &[Step]) -> Vec<u32> {
    let mut words = vec![lui(9, DATA)];
    for (i, r) in (1..9).enumerate() {
        words.extend(li(r, 0x0101_0101u32.wrapping_mul(i as u32 + 3)));
    }
    for s in steps {
        words.push(match *s {
            Step::Alu(op, d, a, b) => [add, sub, sll, xor, mulh, divu, rem, sra, sltu, and][op as usize](d, a, b),
            Step::Store(size, s, off) => [sb, sh, sw][size as usize](s, 9, off & !((1 << size) - 1)),
            Step::Load(kind, d, off) => {
                let align = [0, 1, 3, 0, 1][kind as usize];
                [lb, lh, lw, lbu, lhu][kind as usize](d, 9, off & !align)
            }
        });
    }
    words.extend([write(3, DATA, 68), halt()].concat());
    words
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_programs_record_consistently(
        data in prop::collection::vec(any::<u8>(), 0..68),
        steps in prop::collection::vec(step(), 0..80),
        inputs in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..10), 0..3),
    ) {
        let mut words = assemble(&steps);
        // Read the inputs over the data before halting, at varying (word-aligned) places.
        let tail = words.split_off(words.len() - write(3, DATA, 68).len() - halt().len());
        for (i, _) in inputs.iter().enumerate() {
            words.extend(read_input(DATA + 16 * i as u32 + 4 * i as u32));
        }
        words.extend(tail);
        let program = load(&program_elf(&words, &data));
        check_record(&program, inputs);
    }
}
