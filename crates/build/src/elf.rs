//! A minimal check that a built guest is the ELF the Cairn machine loads.

const EM_RISCV: u16 = 243;
const ET_EXEC: u16 = 2;
const PT_LOAD: u32 = 1;
const PF_X: u32 = 1;

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// Checks for a little-endian ELF32 RISC-V executable whose entry point lies in an executable
/// `PT_LOAD` segment; returns the entry point.
pub(crate) fn check(bytes: &[u8]) -> Result<u32, String> {
    if bytes.get(..4) != Some(b"\x7fELF") {
        return Err("not an ELF file".into());
    }
    if bytes.get(4..6) != Some(&[1, 1]) {
        return Err("not a little-endian ELF32 file".into());
    }
    let truncated = || "truncated ELF header".to_owned();
    let (kind, machine) = (
        u16_at(bytes, 16).ok_or_else(truncated)?,
        u16_at(bytes, 18).ok_or_else(truncated)?,
    );
    if kind != ET_EXEC || machine != EM_RISCV {
        return Err(format!(
            "e_type {kind}, e_machine {machine}: not a RISC-V executable"
        ));
    }
    let entry = u32_at(bytes, 24).ok_or_else(truncated)?;
    let phoff = u32_at(bytes, 28).ok_or_else(truncated)? as usize;
    let phentsize = usize::from(u16_at(bytes, 42).ok_or_else(truncated)?);
    let phnum = usize::from(u16_at(bytes, 44).ok_or_else(truncated)?);
    for i in 0..phnum {
        let at = phoff + i * phentsize;
        let field = |offset| {
            u32_at(bytes, at + offset).ok_or_else(|| "truncated program header".to_owned())
        };
        let (p_type, vaddr, memsz, flags) = (field(0)?, field(8)?, field(20)?, field(24)?);
        if p_type == PT_LOAD && flags & PF_X != 0 && entry >= vaddr && entry - vaddr < memsz {
            return Ok(entry);
        }
    }
    Err(format!(
        "entry point {entry:#010x} is not inside an executable PT_LOAD segment"
    ))
}
