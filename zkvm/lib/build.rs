//! Puts `cairn.ld` on the linker search path so guests link with `-C link-arg=-Tcairn.ld`
//! wherever this crate lives.
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::copy("cairn.ld", out.join("cairn.ld")).expect("copy cairn.ld to OUT_DIR");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=cairn.ld");
}
