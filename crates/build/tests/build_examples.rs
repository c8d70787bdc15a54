//! Builds every example guest with the detected toolchain and checks the ELF headers.
//!
//! Fails (rather than skipping) when no guest toolchain is installed: CI installs one first.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use cairn_abi::memory::TEXT_START;
use cairn_build::{build_guest, example_guest_dir, BuildOptions, GuestTarget, Toolchain, EXAMPLES};

/// The fields of an ELF32 header this test checks, read independently of cairn-build.
struct Header {
    class: u8,
    data: u8,
    machine: u16,
    entry: u32,
    /// `(vaddr, memsz, flags)` of each PT_LOAD segment.
    loads: Vec<(u32, u32, u32)>,
}

fn parse(bytes: &[u8]) -> Header {
    assert_eq!(&bytes[..4], b"\x7fELF", "ELF magic");
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let (phoff, phentsize, phnum) = (
        u32_at(28) as usize,
        u16_at(42) as usize,
        u16_at(44) as usize,
    );
    let loads = (0..phnum)
        .map(|i| phoff + i * phentsize)
        .filter(|&ph| u32_at(ph) == 1)
        .map(|ph| (u32_at(ph + 8), u32_at(ph + 20), u32_at(ph + 24)))
        .collect();
    Header {
        class: bytes[4],
        data: bytes[5],
        machine: u16_at(18),
        entry: u32_at(24),
        loads,
    }
}

#[test]
fn all_examples_build_to_rv32im_elfs() {
    let toolchain = match Toolchain::detect() {
        Ok(toolchain) => toolchain,
        Err(err) => panic!("{err}"),
    };
    eprintln!(
        "guest toolchain: {}, rustc {} ({})",
        toolchain.source,
        toolchain.version,
        toolchain.rustc.display()
    );
    for name in EXAMPLES {
        let opts = BuildOptions {
            toolchain: Some(toolchain.clone()),
            capture_output: true,
            ..BuildOptions::default()
        };
        let built = match build_guest(&example_guest_dir(name), &opts) {
            Ok(built) => built,
            Err(err) => panic!("example {name}: {err}"),
        };
        let expected = if matches!(name, "json" | "rollup") {
            GuestTarget::Std
        } else {
            GuestTarget::NoStd
        };
        assert_eq!(built.target, expected, "{name}: target");
        assert_eq!(built.package, name);

        let header = parse(&std::fs::read(&built.elf_path).unwrap());
        assert_eq!(header.class, 1, "{name}: ELFCLASS32");
        assert_eq!(header.data, 1, "{name}: little-endian");
        assert_eq!(header.machine, 243, "{name}: EM_RISCV");
        assert_eq!(
            header.entry, TEXT_START,
            "{name}: _start is the first text word"
        );
        assert!(
            header
                .loads
                .iter()
                .any(|&(vaddr, memsz, flags)| flags & 1 != 0
                    && (vaddr..vaddr + memsz).contains(&header.entry)),
            "{name}: entry inside an executable segment"
        );
        assert_eq!(built.entry, header.entry);
    }
}
