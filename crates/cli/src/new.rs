//! `cairn new`: a guest and a host that runs it.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;

/// Arguments of `cairn new`.
#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The directory to create.
    dir: PathBuf,
    /// Where the Cairn sources are (for the path dependencies); defaults to this build's checkout,
    /// or `CAIRN_HOME`.
    #[arg(long, env = "CAIRN_HOME")]
    cairn_home: Option<PathBuf>,
}

/// Template files: (path in the project, contents).
const TEMPLATE: &[(&str, &str)] = &[
    ("program/Cargo.toml", include_str!("../templates/program/Cargo.toml")),
    ("program/src/main.rs", include_str!("../templates/program/src/main.rs")),
    ("host/Cargo.toml", include_str!("../templates/host/Cargo.toml")),
    ("host/src/main.rs", include_str!("../templates/host/src/main.rs")),
    (".gitignore", include_str!("../templates/gitignore")),
];

/// The Cairn checkout this binary was built from.
fn default_home() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn run(args: &NewArgs, json: bool) -> Result<()> {
    let home = args.cairn_home.clone().unwrap_or_else(default_home);
    let home = home
        .canonicalize()
        .with_context(|| format!("Cairn sources not found at {}; set CAIRN_HOME", home.display()))?;
    let zkvm = home.join("zkvm/lib");
    if !zkvm.join("Cargo.toml").is_file() {
        bail!("{} is not a Cairn checkout (no zkvm/lib/Cargo.toml); set CAIRN_HOME", home.display());
    }
    if args.dir.exists() && args.dir.read_dir().map(|mut d| d.next().is_some()).unwrap_or(true) {
        bail!("{} already exists and is not empty", args.dir.display());
    }
    let name = args
        .dir
        .file_name()
        .and_then(|n| n.to_str())
        .map(|n| n.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"))
        .filter(|n| n.starts_with(|c: char| c.is_ascii_alphabetic()))
        .with_context(|| format!("cannot derive a crate name from {}", args.dir.display()))?;
    let path = |p: &str| home.join(p).display().to_string();
    let vars = [
        ("{{name}}", name.clone()),
        ("{{zkvm_path}}", path("zkvm/lib")),
        ("{{sdk_path}}", path("crates/sdk")),
        ("{{build_path}}", path("crates/build")),
    ];
    for (file, contents) in TEMPLATE {
        let target = args.dir.join(file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let text = vars.iter().fold(contents.to_string(), |t, (k, v)| t.replace(k, v));
        std::fs::write(&target, text).with_context(|| format!("cannot write {}", target.display()))?;
    }
    if json {
        println!("{}", serde_json::json!({ "created": crate::shown(&args.dir), "name": name }));
    } else {
        let dir = args.dir.display();
        println!("created {dir}: program/ (the guest) and host/ (runs it)");
        println!("  cairn build {dir}/program");
        println!("  cairn execute {dir}/program/target/riscv32im-unknown-none-elf/release/{name}-program -i u32:20");
        println!("  cargo run --manifest-path {dir}/host/Cargo.toml -- 20");
    }
    Ok(())
}
