//! Loading guest programs from ELF files.

use cairn_abi::memory::{MEM_END, MEM_START, PAGE_SIZE};
use elf::abi::{EM_RISCV, ET_EXEC, PF_X, PT_LOAD};
use elf::endian::AnyEndian;
use elf::file::Class;
use elf::ElfBytes;
use serde::{Deserialize, Serialize};

use crate::instruction::Instruction;

/// ELF header flag marking code that uses compressed (RVC) instructions, which RV32IM lacks.
const EF_RISCV_RVC: u32 = 0x0001;

/// Why an ELF file cannot be loaded as a Cairn program.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ElfError {
    /// The bytes are not a parseable ELF file.
    #[error("not a valid ELF file: {0}")]
    Parse(String),
    /// The file is a 64-bit ELF.
    #[error("ELF class is 64-bit; Cairn runs 32-bit (ELF32) RISC-V programs")]
    WrongClass,
    /// The file is big-endian.
    #[error("ELF is big-endian; RISC-V programs are little-endian")]
    WrongEndianness,
    /// The file targets another architecture.
    #[error("ELF machine is {0} (not RISC-V, which is {EM_RISCV})")]
    WrongMachine(u16),
    /// The file is not an executable (a relocatable object or shared library, say).
    #[error("ELF type is {0}; an executable (ET_EXEC) is required")]
    NotExecutable(u16),
    /// The file uses compressed instructions.
    #[error("ELF uses compressed (RVC) instructions; Cairn runs RV32IM without the C extension")]
    CompressedInstructions,
    /// The file has no loadable segment.
    #[error("ELF has no loadable (PT_LOAD) segment")]
    NoSegments,
    /// The file has no entry point.
    #[error("ELF has no entry point (e_entry is 0)")]
    NoEntry,
    /// A segment lies (partly) outside the guest address space.
    #[error("segment at {vaddr:#010x} with size {memsz:#x} lies outside the address space [{MEM_START:#010x}, {MEM_END:#010x})")]
    SegmentOutOfRange {
        /// Segment start.
        vaddr: u64,
        /// Segment size in memory.
        memsz: u64,
    },
    /// Two segments share addresses.
    #[error("segments at {first:#010x} and {second:#010x} overlap")]
    OverlappingSegments {
        /// Start of the lower segment.
        first: u32,
        /// Start of the segment that overlaps it.
        second: u32,
    },
    /// A segment's file size exceeds its memory size, or its file range exceeds the file.
    #[error("segment at {vaddr:#010x} is malformed: {reason}")]
    MalformedSegment {
        /// Segment start.
        vaddr: u64,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An executable segment does not start on a word boundary.
    #[error("executable segment at {0:#010x} is not 4-byte aligned")]
    MisalignedText(u32),
    /// The entry point is not an aligned address inside an executable segment.
    #[error("entry point {0:#010x} is not a 4-byte aligned address inside an executable segment")]
    BadEntry(u32),
}

/// A loaded segment of the program image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// First address.
    pub vaddr: u32,
    /// Size in memory; bytes past `data.len()` are zero.
    pub memsz: u32,
    /// Whether the segment holds instructions (and is therefore read-only).
    pub executable: bool,
    /// The bytes from the file.
    pub data: Vec<u8>,
}

/// A guest program: the memory image, the decoded instructions and the entry point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    /// The initial program counter.
    pub entry: u32,
    /// Loadable segments, sorted by address and disjoint.
    pub segments: Vec<Segment>,
    /// First address of the instruction range `[text_start, text_end)`.
    pub text_start: u32,
    /// One past the last address of the instruction range.
    pub text_end: u32,
    /// Lowest address of the image (page-aligned down).
    pub image_start: u32,
    /// First heap address: the first page boundary above the image.
    pub heap_start: u32,
    /// Instructions of `[text_start, text_end)`, one per word; words in gaps between executable
    /// segments decode as illegal.
    pub instructions: Vec<Instruction>,
}

impl Program {
    /// Parses and validates an ELF32 little-endian RISC-V executable.
    pub fn from_elf(bytes: &[u8]) -> Result<Self, ElfError> {
        let file = ElfBytes::<AnyEndian>::minimal_parse(bytes).map_err(|e| ElfError::Parse(e.to_string()))?;
        let ehdr = &file.ehdr;
        if ehdr.class != Class::ELF32 {
            return Err(ElfError::WrongClass);
        }
        if ehdr.endianness != AnyEndian::Little {
            return Err(ElfError::WrongEndianness);
        }
        if ehdr.e_machine != EM_RISCV {
            return Err(ElfError::WrongMachine(ehdr.e_machine));
        }
        if ehdr.e_type != ET_EXEC {
            return Err(ElfError::NotExecutable(ehdr.e_type));
        }
        if ehdr.e_flags & EF_RISCV_RVC != 0 {
            return Err(ElfError::CompressedInstructions);
        }
        if ehdr.e_entry == 0 {
            return Err(ElfError::NoEntry);
        }
        let entry = u32::try_from(ehdr.e_entry).map_err(|_| ElfError::BadEntry(u32::MAX))?;

        let phdrs = file.segments().ok_or(ElfError::NoSegments)?;
        let mut segments = Vec::new();
        for phdr in phdrs.iter().filter(|p| p.p_type == PT_LOAD && p.p_memsz > 0) {
            let (vaddr, memsz) = (phdr.p_vaddr, phdr.p_memsz);
            let end = vaddr.checked_add(memsz);
            if vaddr < u64::from(MEM_START) || end.is_none_or(|end| end > u64::from(MEM_END)) {
                return Err(ElfError::SegmentOutOfRange { vaddr, memsz });
            }
            if phdr.p_filesz > memsz {
                return Err(ElfError::MalformedSegment { vaddr, reason: "file size exceeds memory size" });
            }
            let data = file
                .segment_data(&phdr)
                .map_err(|_| ElfError::MalformedSegment { vaddr, reason: "file range lies outside the file" })?;
            // Bounds were checked against MEM_END above, so these fit in u32.
            let (vaddr, memsz) = (vaddr as u32, memsz as u32);
            let executable = phdr.p_flags & PF_X != 0;
            if executable && vaddr % 4 != 0 {
                return Err(ElfError::MisalignedText(vaddr));
            }
            segments.push(Segment { vaddr, memsz, executable, data: data.to_vec() });
        }
        if segments.is_empty() {
            return Err(ElfError::NoSegments);
        }
        segments.sort_by_key(|s| s.vaddr);
        for pair in segments.windows(2) {
            if pair[0].vaddr + pair[0].memsz > pair[1].vaddr {
                return Err(ElfError::OverlappingSegments { first: pair[0].vaddr, second: pair[1].vaddr });
            }
        }

        let text = segments.iter().filter(|s| s.executable);
        let text_start = text.clone().map(|s| s.vaddr).min().ok_or(ElfError::BadEntry(entry))?;
        let text_end = text.map(|s| (s.vaddr + s.memsz).next_multiple_of(4)).max().unwrap_or(text_start);
        let in_text = segments
            .iter()
            .any(|s| s.executable && entry >= s.vaddr && entry < s.vaddr + s.memsz);
        if entry % 4 != 0 || !in_text {
            return Err(ElfError::BadEntry(entry));
        }

        let mut instructions = vec![Instruction::decode(0); ((text_end - text_start) / 4) as usize];
        for seg in segments.iter().filter(|s| s.executable) {
            let base = ((seg.vaddr - text_start) / 4) as usize;
            for (i, slot) in instructions[base..].iter_mut().take(seg.memsz.div_ceil(4) as usize).enumerate() {
                *slot = Instruction::decode(seg.word(seg.vaddr + 4 * i as u32));
            }
        }

        let image_start = segments[0].vaddr / PAGE_SIZE * PAGE_SIZE;
        let image_end = segments.iter().map(|s| s.vaddr + s.memsz).max().unwrap_or(image_start);
        let heap_start = image_end.next_multiple_of(PAGE_SIZE).min(MEM_END);
        Ok(Self { entry, segments, text_start, text_end, image_start, heap_start, instructions })
    }

    /// The initial memory image as `(word address, value)` pairs, ascending, for every non-zero
    /// word. Segments that meet inside one word contribute their bytes to one entry.
    pub fn image_words(&self) -> Vec<(u32, u32)> {
        let mut words = std::collections::BTreeMap::new();
        for seg in &self.segments {
            for addr in (seg.vaddr & !3..seg.vaddr + seg.data.len() as u32).step_by(4) {
                *words.entry(addr).or_insert(0) |= seg.word(addr);
            }
        }
        words.into_iter().filter(|&(_, w)| w != 0).collect()
    }
}

impl Segment {
    /// The little-endian word at `addr` (word-aligned) as the segment initialises it.
    fn word(&self, addr: u32) -> u32 {
        let mut bytes = [0u8; 4];
        for (k, b) in bytes.iter_mut().enumerate() {
            let a = addr.wrapping_add(k as u32);
            if a >= self.vaddr {
                if let Some(v) = self.data.get((a - self.vaddr) as usize) {
                    *b = *v;
                }
            }
        }
        u32::from_le_bytes(bytes)
    }
}
