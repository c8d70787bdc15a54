//! Building one guest crate: choosing its target, running a clean nested cargo, finding the ELF.

use std::env;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Serialize;
use serde_json::Value;

use crate::{elf, BuildError, Toolchain};

/// The two guest targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum GuestTarget {
    /// `riscv32im-unknown-none-elf`: `no_std` guests, building `core` and `alloc`.
    #[serde(rename = "riscv32im-unknown-none-elf")]
    NoStd,
    /// `riscv32im-risc0-zkvm-elf`: guests using `std`, selected by
    /// `[package.metadata.cairn] std = true`.
    #[serde(rename = "riscv32im-risc0-zkvm-elf")]
    Std,
}

impl GuestTarget {
    /// The rustc target triple.
    pub fn triple(self) -> &'static str {
        match self {
            Self::NoStd => "riscv32im-unknown-none-elf",
            Self::Std => "riscv32im-risc0-zkvm-elf",
        }
    }

    /// The `-Z` flags that build the standard library for this target from source.
    /// `compiler-builtins-mem` supplies `memcpy` and friends, which `std` on this target lacks.
    pub fn build_std_args(self) -> &'static [&'static str] {
        match self {
            Self::NoStd => &["-Zbuild-std=core,alloc"],
            Self::Std => &[
                "-Zbuild-std=std,panic_abort",
                "-Zbuild-std-features=compiler-builtins-mem",
            ],
        }
    }
}

impl fmt::Display for GuestTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.triple())
    }
}

/// Options for [`build_guest`]. The default builds the crate's only binary with the detected
/// toolchain into `<guest>/target`, showing cargo's progress on stderr.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// The toolchain to use; `None` runs [`Toolchain::detect`].
    pub toolchain: Option<Toolchain>,
    /// Which binary to build when the crate has several.
    pub bin: Option<String>,
    /// Cargo features to enable.
    pub features: Vec<String>,
    /// Pass `--no-default-features`.
    pub no_default_features: bool,
    /// Target directory; `None` is `<guest>/target`.
    pub target_dir: Option<PathBuf>,
    /// Parallel rustc jobs (`cargo -j`); `None` lets cargo decide.
    pub jobs: Option<u32>,
    /// Pass `--locked`: fail instead of updating the guest's Cargo.lock.
    pub locked: bool,
    /// Extra rustc flags appended to Cairn's.
    pub extra_rustflags: Vec<String>,
    /// Capture cargo's stderr (reported in [`BuildError::CargoFailed`]) instead of showing it.
    pub capture_output: bool,
}

/// A successfully built guest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuiltGuest {
    /// The RV32IM ELF executable.
    pub elf_path: PathBuf,
    /// The target it was built for.
    pub target: GuestTarget,
    /// The guest's package name.
    pub package: String,
    /// The binary target's name.
    pub bin: String,
    /// The ELF entry point.
    pub entry: u32,
}

/// rustc flags every guest needs, before the user's extras. The linker script `cairn.ld` is
/// found on the search path that `cairn-zkvm`'s build script adds; `lower-atomic` turns atomics
/// into plain memory operations, as RV32IM has no `A` extension and guests are single-threaded.
pub fn guest_rustflags(toolchain: &Toolchain) -> Vec<String> {
    vec![
        format!("-Clinker={}", toolchain.linker.display()),
        "-Clink-arg=-Tcairn.ld".to_owned(),
        "-Cpasses=lower-atomic".to_owned(),
        "-Cpanic=abort".to_owned(),
    ]
}

/// Builds the guest crate at `path` (a directory with `Cargo.toml`) in release mode.
///
/// The target is `riscv32im-risc0-zkvm-elf` when the package sets
/// `[package.metadata.cairn] std = true`, else `riscv32im-unknown-none-elf`.
pub fn build_guest(path: &Path, opts: &BuildOptions) -> Result<BuiltGuest, BuildError> {
    let manifest = path.join("Cargo.toml");
    let manifest = fs::canonicalize(&manifest).map_err(|cause| BuildError::Io {
        what: format!("cannot find guest manifest {}", manifest.display()),
        cause,
    })?;
    let guest_dir = manifest.parent().unwrap_or(Path::new("/")).to_path_buf();
    let toolchain = match &opts.toolchain {
        Some(t) => t.clone(),
        None => Toolchain::detect()?,
    };
    let package = read_package(&toolchain, &manifest)?;
    let bin = package.choose_bin(opts.bin.as_deref())?;
    let target_dir = opts
        .target_dir
        .clone()
        .unwrap_or_else(|| guest_dir.join("target"));

    let mut cmd = nested_cargo(&toolchain);
    cmd.arg("build")
        .arg("--release")
        .args(["--target", package.target.triple()]);
    cmd.args(package.target.build_std_args());
    cmd.arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target_dir);
    cmd.args(["--bin", &bin, "--message-format=json-render-diagnostics"]);
    if !opts.features.is_empty() {
        cmd.arg("--features").arg(opts.features.join(","));
    }
    if opts.no_default_features {
        cmd.arg("--no-default-features");
    }
    if opts.locked {
        cmd.arg("--locked");
    }
    if let Some(jobs) = opts.jobs {
        cmd.arg(format!("-j{jobs}"));
    }
    let mut rustflags = guest_rustflags(&toolchain);
    rustflags.extend(opts.extra_rustflags.iter().cloned());
    cmd.env("CARGO_ENCODED_RUSTFLAGS", rustflags.join("\x1f"));
    cmd.stdin(Stdio::null()).stdout(Stdio::piped());
    cmd.stderr(if opts.capture_output {
        Stdio::piped()
    } else {
        Stdio::inherit()
    });

    let out = cmd.output().map_err(|cause| BuildError::Spawn {
        program: toolchain.cargo.clone(),
        cause,
    })?;
    if !out.status.success() {
        return Err(BuildError::CargoFailed {
            guest: guest_dir,
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    let elf_path =
        artifact_executable(&out.stdout, &package.id, &bin).ok_or_else(|| BuildError::NoElf {
            guest: guest_dir.clone(),
            bin: bin.clone(),
        })?;
    let bytes = fs::read(&elf_path).map_err(|cause| BuildError::Io {
        what: format!("cannot read built ELF {}", elf_path.display()),
        cause,
    })?;
    let entry = elf::check(&bytes).map_err(|reason| BuildError::BadElf {
        path: elf_path.clone(),
        reason,
    })?;
    Ok(BuiltGuest {
        elf_path,
        target: package.target,
        package: package.name,
        bin,
        entry,
    })
}

/// A cargo command for the toolchain, free of the environment of any cargo that runs us.
fn nested_cargo(toolchain: &Toolchain) -> Command {
    let mut cmd = Command::new(&toolchain.cargo);
    for (key, _) in env::vars_os() {
        if is_outer_build_var(&key) {
            cmd.env_remove(&key);
        }
    }
    cmd.env("RUSTC", &toolchain.rustc)
        .env("RUSTC_BOOTSTRAP", "1");
    if toolchain.library_needs_env {
        cmd.env("__CARGO_TESTS_ONLY_SRC_ROOT", &toolchain.library);
    }
    cmd
}

/// Variables an outer cargo (a build script, `cargo test`, `cargo run`) or a coverage or
/// wrapper tool sets that would redirect or break the nested guest build. Registry, network
/// and terminal settings (`CARGO_HOME`, `CARGO_NET_*`, ...) are kept.
pub(crate) fn is_outer_build_var(key: &OsString) -> bool {
    let Some(key) = key.to_str() else {
        return false;
    };
    const KEEP: [&str; 7] = [
        "CARGO_HOME",
        "CARGO_NET_",
        "CARGO_HTTP_",
        "CARGO_REGISTRIES_",
        "CARGO_REGISTRY_",
        "CARGO_TERM_",
        "CARGO_SOURCE_",
    ];
    const DROP: [&str; 11] = [
        "RUSTFLAGS",
        "RUSTDOCFLAGS",
        "RUSTC",
        "RUSTDOC",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_BOOTSTRAP",
        "RUSTUP_TOOLCHAIN",
        "MAKEFLAGS",
        "MFLAGS",
        "LLVM_PROFILE_FILE",
    ];
    if key.starts_with("CARGO_") || key == "CARGO" {
        return !KEEP.iter().any(|k| key.starts_with(k));
    }
    key.starts_with("__CARGO") || DROP.contains(&key)
}

/// What `cargo metadata` says about the guest package.
#[derive(Debug)]
struct GuestPackage {
    id: String,
    name: String,
    bins: Vec<String>,
    target: GuestTarget,
}

impl GuestPackage {
    fn choose_bin(&self, wanted: Option<&str>) -> Result<String, BuildError> {
        let problem = match (wanted, self.bins.as_slice()) {
            (Some(name), bins) if bins.iter().any(|b| b == name) => return Ok(name.to_owned()),
            (None, [only]) => return Ok(only.clone()),
            (Some(name), _) => format!("has no binary `{name}`"),
            (None, []) => "has no binary target (a guest needs src/main.rs)".to_owned(),
            (None, _) => "has several binaries; choose one with BuildOptions::bin".to_owned(),
        };
        Err(BuildError::NotAGuest {
            package: self.name.clone(),
            reason: format!("{problem} (binaries: {})", self.bins.join(", ")),
        })
    }
}

fn read_package(toolchain: &Toolchain, manifest: &Path) -> Result<GuestPackage, BuildError> {
    let mut cmd = nested_cargo(toolchain);
    cmd.args([
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
        "--manifest-path",
    ])
    .arg(manifest);
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|cause| BuildError::Spawn {
            program: toolchain.cargo.clone(),
            cause,
        })?;
    let metadata_error = |reason: String| BuildError::Metadata {
        manifest: manifest.to_path_buf(),
        reason,
    };
    if !out.status.success() {
        return Err(metadata_error(
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        ));
    }
    let metadata: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| metadata_error(format!("invalid JSON: {e}")))?;
    let packages = metadata["packages"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let package = packages
        .iter()
        .find(|p| {
            p["manifest_path"]
                .as_str()
                .and_then(|m| fs::canonicalize(m).ok())
                .as_deref()
                == Some(manifest)
        })
        .ok_or_else(|| metadata_error("no package is defined by this manifest".to_owned()))?;
    let name = package["name"].as_str().unwrap_or_default().to_owned();
    let bins = package["targets"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|t| {
            t["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bin"))
        })
        .filter_map(|t| t["name"].as_str().map(str::to_owned))
        .collect();
    let target = match &package["metadata"]["cairn"]["std"] {
        Value::Null | Value::Bool(false) => GuestTarget::NoStd,
        Value::Bool(true) => GuestTarget::Std,
        other => {
            return Err(metadata_error(format!(
                "[package.metadata.cairn] std must be true or false, not {other}"
            )))
        }
    };
    let id = package["id"].as_str().unwrap_or_default().to_owned();
    Ok(GuestPackage {
        id,
        name,
        bins,
        target,
    })
}

/// The executable cargo reported for `bin` of package `id` in its JSON messages.
fn artifact_executable(stdout: &[u8], id: &str, bin: &str) -> Option<PathBuf> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["package_id"] == id)
        .filter(|m| m["target"]["name"] == bin)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outer_cargo_variables_are_dropped() {
        for key in [
            "CARGO_TARGET_DIR",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO",
            "RUSTFLAGS",
            "__CARGO_FIX_PLZ",
        ] {
            assert!(is_outer_build_var(&key.into()), "{key}");
        }
        for key in [
            "CARGO_HOME",
            "CARGO_NET_OFFLINE",
            "PATH",
            "HOME",
            "RUSTUP_HOME",
        ] {
            assert!(!is_outer_build_var(&key.into()), "{key}");
        }
    }

    #[test]
    fn artifact_is_found_by_package_and_bin() {
        let stdout = br#"{"reason":"compiler-artifact","package_id":"other","target":{"name":"g"},"executable":"/x"}
not json
{"reason":"compiler-artifact","package_id":"p","target":{"name":"g"},"executable":"/t/g"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            artifact_executable(stdout, "p", "g"),
            Some(PathBuf::from("/t/g"))
        );
        assert_eq!(artifact_executable(stdout, "p", "h"), None);
    }
}
