//! The whole machine on real guests: every chip's constraints hold and every bus balances.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn_executor::{Executor, ExecutorConfig, Program};
use cairn_machine::debug::{check_buses, check_chip, Interactions};
use cairn_machine::{Claim, Machine, Witness, CHIP_NAMES};
use p3_air::BaseAir;
use p3_baby_bear::BabyBear;
use rollup_types::Transfer;

type F = BabyBear;

fn guest(name: &str) -> Program {
    let elf = cairn_build::build_example(name).unwrap_or_else(|e| panic!("building {name}: {e}"));
    Program::from_elf(&std::fs::read(elf).unwrap()).unwrap()
}

fn witness_of(program: &Program, inputs: Vec<Vec<u8>>) -> (Machine, Witness<F>, Claim) {
    let (exec, record) = Executor::new(program, ExecutorConfig::default()).with_inputs(inputs).run_recording().unwrap();
    let claim = Claim { start_pc: program.entry, exit_code: exec.exit_code, digest: exec.digest };
    let machine = Machine::new(program);
    let witness = machine.generate_witness::<F>(&record, &claim, exec.committed_words).unwrap();
    (machine, witness, claim)
}

fn check_all(machine: &Machine, witness: &Witness<F>) -> Vec<Interactions> {
    machine
        .airs()
        .iter()
        .zip(&witness.traces)
        .zip(&witness.public_values)
        .zip(CHIP_NAMES)
        .map(|(((air, trace), public), name)| {
            let prep = <_ as BaseAir<F>>::preprocessed_trace(air);
            check_chip(air, trace, prep.as_ref(), public).unwrap_or_else(|e| panic!("chip {name}: {e}"))
        })
        .collect()
}

#[test]
fn fibonacci_satisfies_every_chip_and_balances_every_bus() {
    let program = guest("fibonacci");
    let (machine, witness, _) = witness_of(&program, vec![postcard::to_stdvec(&20u32).unwrap()]);
    let interactions = check_all(&machine, &witness);
    check_buses(&interactions, |_| true).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn sha256_with_hints_satisfies_every_chip_and_balances_every_bus() {
    let program = guest("sha256");
    let input: Vec<u8> = (0..203u32).map(|i| (i * 13) as u8).collect();
    let (machine, witness, _) = witness_of(&program, vec![input]);
    let interactions = check_all(&machine, &witness);
    check_buses(&interactions, |_| true).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_wrong_claim_breaks_a_chip() {
    let program = guest("fibonacci");
    let (machine, mut witness, mut claim) = witness_of(&program, vec![postcard::to_stdvec(&5u32).unwrap()]);
    claim.digest[3] ^= 1;
    witness.public_values = Machine::public_values(&claim);
    let air = &machine.airs()[11];
    assert!(check_chip(air, &witness.traces[11], None, &witness.public_values[11]).is_err());
    claim.digest[3] ^= 1;
    claim.start_pc += 4;
    witness.public_values = Machine::public_values(&claim);
    assert!(check_chip(&machine.airs()[1], &witness.traces[1], None, &witness.public_values[1]).is_err());
}

#[test]
fn std_guests_satisfy_every_chip_and_balance_every_bus() {
    let json = guest("json");
    let doc = r#"{"a": {"b": [1, {"c": "deep"}]}, "n": -12.5e3}"#.to_string();
    let inputs = vec![postcard::to_stdvec(&doc).unwrap(), postcard::to_stdvec(&"a.b.1.c".to_string()).unwrap()];
    let (machine, witness, _) = witness_of(&json, inputs);
    check_buses(&check_all(&machine, &witness), |_| true).unwrap_or_else(|e| panic!("json: {e}"));

    let rollup = guest("rollup");
    let mut state = std::collections::BTreeMap::new();
    state.insert([1u8; 20], 100u64);
    state.insert([2u8; 20], 5u64);
    let batch = vec![Transfer { from: [1; 20], to: [3; 20], amount: 40 }, Transfer { from: [3; 20], to: [2; 20], amount: 1 }];
    let inputs = vec![postcard::to_stdvec(&state).unwrap(), postcard::to_stdvec(&batch).unwrap()];
    let (machine, witness, _) = witness_of(&rollup, inputs);
    check_buses(&check_all(&machine, &witness), |_| true).unwrap_or_else(|e| panic!("rollup: {e}"));
}
