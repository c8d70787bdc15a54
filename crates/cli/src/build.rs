//! `cairn build`: compile a guest crate to an RV32IM ELF with a stock toolchain.

use std::path::PathBuf;

use anyhow::{Context, Result};
use cairn_build::{BuildOptions, BuiltGuest};
use clap::Args;

/// Arguments of `cairn build`.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// The guest crate (a directory with Cargo.toml).
    #[arg(default_value = ".")]
    path: PathBuf,
}

pub(crate) fn run(args: &BuildArgs, json: bool) -> Result<BuiltGuest> {
    let guest = cairn_build::build_guest(&args.path, &BuildOptions::default())
        .with_context(|| format!("building guest {}", args.path.display()))?;
    if json {
        println!("{}", serde_json::json!({ "elf": crate::shown(&guest.elf_path), "target": guest.target }));
    } else {
        println!("{}", guest.elf_path.display());
    }
    Ok(guest)
}
