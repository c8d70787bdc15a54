//! Writes input files for the `rollup` example guest: a pre-state and a batch of transfers.
//!
//! `cargo run -p cairn-sdk --example rollup_inputs -- <out-dir>` writes `state.bin` and
//! `batch.bin`, one input item each, for `cairn execute|prove ... -i state.bin -i batch.bin`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use cairn_sdk::Inputs;
use rollup_types::{Address, Transfer};

fn account(n: u8) -> Address {
    let mut a = [0u8; 20];
    a[0] = 0xca;
    a[19] = n;
    a
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "out/rollup".into()));
    std::fs::create_dir_all(&out)?;
    let state: BTreeMap<Address, u64> = (1..=4).map(|n| (account(n), 1_000 * u64::from(n))).collect();
    let batch = vec![
        Transfer { from: account(1), to: account(2), amount: 250 },
        Transfer { from: account(4), to: account(5), amount: 4_000 },
        Transfer { from: account(2), to: account(3), amount: 1_250 },
    ];
    let mut inputs = Inputs::new();
    inputs.write(&state)?.write(&batch)?;
    for (name, item) in ["state.bin", "batch.bin"].iter().zip(inputs.items()) {
        std::fs::write(out.join(name), item)?;
    }
    println!("{}", out.display());
    Ok(())
}
