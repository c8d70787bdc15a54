//! Builds Cairn guest programs into RV32IM ELF files.
//!
//! Guests are ordinary cargo binary crates depending on `cairn-zkvm`. They are compiled with a
//! stock toolchain by building the standard library from source (`-Zbuild-std`, allowed on
//! stable with `RUSTC_BOOTSTRAP=1`) and linking with `ld.lld` and Cairn's linker script:
//!
//! * [`Toolchain::detect`] finds a rustc/cargo with library sources and a linker;
//! * [`build_guest`] runs a clean nested `cargo build --release` and returns the ELF;
//! * [`build_example`] builds one of the repository's example guests (for tests).
//!
//! Each guest builds into its own `target/` directory, so rebuilds are incremental.

mod elf;
mod guest;
mod toolchain;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use guest::{build_guest, guest_rustflags, BuildOptions, BuiltGuest, GuestTarget};
pub use toolchain::{Toolchain, ToolchainSource, INSTALL_HINT, MIN_RUSTC};

/// Why a guest could not be built.
///
/// Every variant that wraps another error prints it in its message and does not return it
/// from `source()`, so reporters that walk the chain (anyhow's `{:#}`) print each cause once.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// No toolchain can build guests; `attempts` lists each candidate and what it lacks.
    #[error("no guest toolchain found:\n{attempts}\n{INSTALL_HINT}")]
    NoToolchain {
        /// One line per candidate toolchain.
        attempts: String,
    },
    /// A file could not be found, read or written.
    #[error("{what}: {cause}")]
    Io {
        /// What was being done.
        what: String,
        /// The underlying error.
        cause: std::io::Error,
    },
    /// A program could not be started.
    #[error("cannot run {}: {cause}", program.display())]
    Spawn {
        /// The program.
        program: PathBuf,
        /// The underlying error.
        cause: std::io::Error,
    },
    /// `cargo metadata` failed or described no usable package.
    #[error("cannot read guest manifest {}: {reason}", manifest.display())]
    Metadata {
        /// The guest's Cargo.toml.
        manifest: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The package cannot be built as a guest.
    #[error("package `{package}` is not a buildable guest: {reason}")]
    NotAGuest {
        /// The package name.
        package: String,
        /// What is wrong.
        reason: String,
    },
    /// `cargo build` failed; `stderr` holds its output when it was captured.
    #[error("cargo build of guest {} failed ({status}){}", guest.display(), tail(stderr))]
    CargoFailed {
        /// The guest directory.
        guest: PathBuf,
        /// cargo's exit status.
        status: String,
        /// cargo's stderr when captured, else empty.
        stderr: String,
    },
    /// cargo succeeded but reported no executable for the binary.
    #[error("cargo reported no executable for binary `{bin}` of guest {}", guest.display())]
    NoElf {
        /// The guest directory.
        guest: PathBuf,
        /// The binary target.
        bin: String,
    },
    /// The built file is not an ELF the Cairn machine can load.
    #[error("built guest {} is not a loadable RV32IM executable: {reason}", path.display())]
    BadElf {
        /// The ELF file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// [`build_example`] was asked for a guest that does not exist.
    #[error("unknown example guest `{0}` (known: {list})", list = EXAMPLES.join(", "))]
    UnknownExample(String),
}

/// The last 60 lines of captured cargo output, for error messages.
fn tail(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        return String::new();
    }
    let lines: Vec<&str> = stderr.trim_end().lines().collect();
    format!(":\n{}", lines[lines.len().saturating_sub(60)..].join("\n"))
}

/// The example guests under `zkvm/examples`.
pub const EXAMPLES: [&str; 4] = ["fibonacci", "sha256", "json", "rollup"];

/// The directory of example guest `name` in this repository (whether or not it exists).
pub fn example_guest_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../zkvm/examples")
        .join(name)
}

/// Builds example guest `name` (see [`EXAMPLES`]) with the detected toolchain and returns its
/// ELF path. Builds within a process run one at a time; cargo's output is captured into errors.
pub fn build_example(name: &str) -> Result<PathBuf, BuildError> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    if !EXAMPLES.contains(&name) {
        return Err(BuildError::UnknownExample(name.to_owned()));
    }
    let _guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let opts = BuildOptions {
        capture_output: true,
        ..BuildOptions::default()
    };
    Ok(build_guest(&example_guest_dir(name), &opts)?.elf_path)
}
