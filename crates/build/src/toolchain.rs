//! Finding a Rust toolchain that can build guests: one that accepts `-Zbuild-std` (a nightly, or
//! a stable one with `RUSTC_BOOTSTRAP=1`), has the standard library sources, and an LLVM linker.

use std::env;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

use crate::BuildError;

/// Oldest rustc accepted: guests use `#[unsafe(no_mangle)]`, `asm` const operands and
/// `-Zbuild-std` behaviour of this release.
pub const MIN_RUSTC: (u32, u32) = (1, 85);

/// How to get a working toolchain, appended to detection failures.
pub const INSTALL_HINT: &str = "\
To install a guest toolchain, do one of:
  * run script/setup.sh (it installs what follows);
  * Debian/Ubuntu: apt-get install rustc-web cargo-web rust-web-src lld-19
    (any /usr/bin/rustc >= 1.85 with its library sources and an ld.lld works);
  * rustup: rustup toolchain install nightly --component rust-src
    (and an ld.lld on PATH if the toolchain has no rust-lld);
  * or point CAIRN_GUEST_RUSTC and CAIRN_GUEST_CARGO (and optionally CAIRN_GUEST_LINKER) at one.";

/// Where a [`Toolchain`] was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ToolchainSource {
    /// `CAIRN_GUEST_RUSTC` and `CAIRN_GUEST_CARGO`.
    Env,
    /// The system (Debian) `/usr/bin/rustc` and `/usr/bin/cargo`.
    System,
    /// `rustup`'s `nightly` toolchain.
    RustupNightly,
}

impl fmt::Display for ToolchainSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Env => "CAIRN_GUEST_RUSTC/CAIRN_GUEST_CARGO",
            Self::System => "system rustc",
            Self::RustupNightly => "rustup nightly",
        })
    }
}

/// A toolchain able to build guests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Toolchain {
    /// Where it was found.
    pub source: ToolchainSource,
    /// The `rustc` binary.
    pub rustc: PathBuf,
    /// The `cargo` binary.
    pub cargo: PathBuf,
    /// The ELF linker passed as `-C linker` (`ld.lld` or `rust-lld`).
    pub linker: PathBuf,
    /// The standard library sources: the `library` directory holding `core`, `alloc` and `std`.
    pub library: PathBuf,
    /// Whether cargo only finds `library` through `__CARGO_TESTS_ONLY_SRC_ROOT` because it is
    /// not at `<sysroot>/lib/rustlib/src/rust/library`.
    pub library_needs_env: bool,
    /// rustc's release, e.g. `1.96.0` or `1.97.0-nightly`.
    pub version: String,
}

impl Toolchain {
    /// Finds a guest toolchain, trying in order: `CAIRN_GUEST_RUSTC` + `CAIRN_GUEST_CARGO`
    /// (an explicit choice: its failure is reported, not skipped), the system `/usr/bin/rustc`,
    /// then `rustup`'s nightly with `rust-src`.
    pub fn detect() -> Result<Self, BuildError> {
        let rustc = env::var_os("CAIRN_GUEST_RUSTC");
        let cargo = env::var_os("CAIRN_GUEST_CARGO");
        match (rustc, cargo) {
            (Some(rustc), Some(cargo)) => {
                return probe(ToolchainSource::Env, rustc.into(), cargo.into()).map_err(|why| {
                    BuildError::NoToolchain {
                        attempts: format!("  * CAIRN_GUEST_RUSTC/CAIRN_GUEST_CARGO: {why}"),
                    }
                })
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(BuildError::NoToolchain {
                    attempts: "  * CAIRN_GUEST_RUSTC/CAIRN_GUEST_CARGO: set both or neither".into(),
                })
            }
            (None, None) => {}
        }
        let mut attempts = vec!["  * CAIRN_GUEST_RUSTC/CAIRN_GUEST_CARGO: not set".to_owned()];
        let system = probe(
            ToolchainSource::System,
            PathBuf::from("/usr/bin/rustc"),
            PathBuf::from("/usr/bin/cargo"),
        );
        match system {
            Ok(toolchain) => return Ok(toolchain),
            Err(why) => attempts.push(format!("  * /usr/bin/rustc: {why}")),
        }
        match rustup_nightly() {
            Ok(toolchain) => return Ok(toolchain),
            Err(why) => attempts.push(format!("  * rustup nightly: {why}")),
        }
        Err(BuildError::NoToolchain {
            attempts: attempts.join("\n"),
        })
    }
}

/// Probes `rustup run nightly` for its sysroot, then checks that toolchain.
fn rustup_nightly() -> Result<Toolchain, String> {
    let sysroot = command_output(
        Command::new("rustup").args(["run", "nightly", "rustc", "--print", "sysroot"]),
    )?;
    let sysroot = PathBuf::from(sysroot.trim());
    probe(
        ToolchainSource::RustupNightly,
        sysroot.join("bin/rustc"),
        sysroot.join("bin/cargo"),
    )
}

/// Checks one rustc/cargo pair; the error says what is missing.
fn probe(source: ToolchainSource, rustc: PathBuf, cargo: PathBuf) -> Result<Toolchain, String> {
    let rustc = which(&rustc).ok_or_else(|| format!("{} does not exist", rustc.display()))?;
    let cargo = which(&cargo).ok_or_else(|| format!("{} does not exist", cargo.display()))?;
    let verbose = command_output(Command::new(&rustc).arg("-vV"))?;
    let field = |name: &str| {
        verbose
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .ok_or_else(|| format!("`{} -vV` printed no `{name}` line", rustc.display()))
    };
    let (version, host) = (field("release:")?, field("host:")?);
    match parse_version(&version) {
        Some(v) if v >= MIN_RUSTC => {}
        Some(_) => {
            return Err(format!(
                "rustc {version} is older than {}.{}",
                MIN_RUSTC.0, MIN_RUSTC.1
            ))
        }
        None => return Err(format!("cannot parse rustc version `{version}`")),
    }
    let sysroot =
        PathBuf::from(command_output(Command::new(&rustc).args(["--print", "sysroot"]))?.trim());
    let (library, library_needs_env) = find_library(&sysroot, &version)?;
    let linker = find_linker(&sysroot, &host)?;
    Ok(Toolchain {
        source,
        rustc,
        cargo,
        linker,
        library,
        library_needs_env,
        version,
    })
}

/// `(major, minor)` of a rustc release such as `1.96.0` or `1.97.0-nightly`.
pub(crate) fn parse_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The `library` source directory: where cargo looks first, else Debian's `/usr/src/rustc-<ver>`.
fn find_library(sysroot: &Path, version: &str) -> Result<(PathBuf, bool), String> {
    let standard = sysroot.join("lib/rustlib/src/rust/library");
    if is_library(&standard) {
        return Ok((standard, false));
    }
    let debian = PathBuf::from(format!("/usr/src/rustc-{version}/library"));
    if is_library(&debian) {
        return Ok((debian, true));
    }
    Err(format!(
        "no standard library sources (neither {} nor {} has Cargo.toml and core/); install \
         rust-src (Debian: rust-web-src or rust-src; rustup: --component rust-src)",
        standard.display(),
        debian.display()
    ))
}

fn is_library(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() && dir.join("core/src/lib.rs").is_file()
}

/// The linker: `CAIRN_GUEST_LINKER`, the toolchain's own `rust-lld` when the file really exists
/// (Debian ships a dangling link), else an `ld.lld` on `PATH`.
fn find_linker(sysroot: &Path, host: &str) -> Result<PathBuf, String> {
    if let Some(linker) = env::var_os("CAIRN_GUEST_LINKER") {
        let linker = PathBuf::from(linker);
        return match which(&linker) {
            Some(path) => Ok(path),
            None => Err(format!(
                "CAIRN_GUEST_LINKER={} is not an executable",
                linker.display()
            )),
        };
    }
    let rust_lld = sysroot.join("lib/rustlib").join(host).join("bin/rust-lld");
    if rust_lld.is_file() {
        return Ok(rust_lld);
    }
    const NAMES: [&str; 7] = [
        "ld.lld",
        "ld.lld-19",
        "ld.lld-22",
        "ld.lld-21",
        "ld.lld-20",
        "ld.lld-18",
        "ld.lld-17",
    ];
    NAMES.iter().find_map(|name| which(Path::new(name))).ok_or_else(|| {
        format!(
            "no ELF linker: {} is missing and none of {} is on PATH (Debian: apt-get install lld-19)",
            rust_lld.display(),
            NAMES.join(", ")
        )
    })
}

/// Resolves a program name on `PATH` (or checks a path with a directory part).
fn which(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return program.is_file().then(|| program.to_path_buf());
    }
    env::split_paths(&env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Runs a probe command; its stdout, or why it failed.
fn command_output(cmd: &mut Command) -> Result<String, String> {
    let args: Vec<_> = cmd.get_args().map(OsStr::to_string_lossy).collect();
    let shown = format!(
        "`{} {}`",
        cmd.get_program().to_string_lossy(),
        args.join(" ")
    );
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "{shown} failed ({}): {}",
            out.status,
            stderr.trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{shown} printed non-UTF-8 output"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("1.96.0"), Some((1, 96)));
        assert_eq!(parse_version("1.97.0-nightly"), Some((1, 97)));
        assert_eq!(parse_version("nightly"), None);
    }
}
