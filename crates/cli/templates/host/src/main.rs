//! The host: builds the guest, runs it on an input and reads what it committed.

use cairn_sdk::{Inputs, ProverClient};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let program_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../program");
    let guest = cairn_build::build_guest(&program_dir, &cairn_build::BuildOptions::default())?;
    let elf = std::fs::read(&guest.elf_path)?;

    let n: u32 = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(20);
    let mut inputs = Inputs::new();
    inputs.write(&n)?;

    let report = ProverClient::new().execute(&elf, &inputs)?;
    print!("{}", String::from_utf8_lossy(&report.stdout));
    let mut public_values = report.public_values.clone();
    let committed_n: u32 = public_values.read()?;
    let fib: u64 = public_values.read()?;
    println!("exit code {}, {} cycles: fib({committed_n}) = {fib}", report.exit_code, report.cycles);
    Ok(())
}
