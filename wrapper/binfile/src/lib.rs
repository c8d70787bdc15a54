//! snarkjs' binary file container, shared by the files Cairn exchanges with snarkjs and circom:
//! `.ptau` (powers-of-τ ceremonies), `.zkey` (Groth16 keys), `.r1cs` and `.wtns`.
//!
//! Layout (little-endian): a 4-byte magic, `u32` version, `u32` number of sections, then each
//! section as `u32 id, u64 size, data`. [`BinFile`] indexes the sections of a file without
//! reading their data, checks that each lies inside the file and that no id repeats, and reads
//! a whole section or a slice of one. [`write_header`] and [`write_section_header`] write the
//! same layout.
//!
//! Field elements of the curve files are 32-byte little-endian words; curve coordinates are in
//! Montgomery form (snarkjs' "LEM"), which is also arkworks' internal form, so [`fq_montgomery`]
//! takes them without a multiplication.

mod words;

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};

pub use words::{fq2_montgomery, fq_montgomery, le_u32, le_word};

/// What is wrong with a binary file.
#[derive(Debug, thiserror::Error)]
pub enum BinFileError {
    /// The file is not of the expected kind.
    #[error("not a .{expected} file (bad magic)")]
    BadMagic {
        /// The expected magic, as text.
        expected: String,
    },
    /// A version this reader does not know.
    #[error("unsupported version {0}")]
    UnsupportedVersion(u32),
    /// The file ends inside its header or a section header.
    #[error("truncated {0}")]
    Truncated(&'static str),
    /// A section's size reaches past the end of the file.
    #[error("section {0} runs past the end of the file")]
    PastEnd(u32),
    /// Two sections with the same id.
    #[error("section {0} appears twice")]
    Duplicate(u32),
    /// A section the reader needs is absent.
    #[error("no section {0}")]
    Missing(u32),
    /// A section does not have the size its contents require.
    #[error("section {id} has {size} bytes, expected {expected}")]
    WrongSize {
        /// The section.
        id: u32,
        /// Its size in the file.
        size: u64,
        /// The size its contents require.
        expected: u64,
    },
    /// A read reaches past the end of its section.
    #[error("section {id} has {size} bytes, fewer than the {needed} needed")]
    TooShort {
        /// The section.
        id: u32,
        /// Its size in the file.
        size: u64,
        /// The bytes the read needs from its start.
        needed: u64,
    },
    /// A read larger than this platform can address.
    #[error("section {0} is too large to read on this platform")]
    TooLarge(u32),
    /// The underlying reader failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Where a section's data lies in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    /// Byte offset of the data (after the 12-byte section header).
    pub offset: u64,
    /// Bytes of data.
    pub size: u64,
}

/// A binary file's sections, read on demand.
#[derive(Debug)]
pub struct BinFile<R> {
    reader: R,
    version: u32,
    sections: HashMap<u32, Section>,
}

impl<R: Read + Seek> BinFile<R> {
    /// Indexes the sections of a file whose magic must be `magic` and whose version must be
    /// one of `versions`.
    pub fn open(mut reader: R, magic: &[u8; 4], versions: &[u32]) -> Result<Self, BinFileError> {
        let total = reader.seek(SeekFrom::End(0))?;
        reader.seek(SeekFrom::Start(0))?;
        let mut head = [0u8; 12];
        read_or(&mut reader, &mut head, "file header")?;
        if &head[..4] != magic {
            return Err(BinFileError::BadMagic { expected: String::from_utf8_lossy(magic).into_owned() });
        }
        let version = le_u32(&head, 4);
        if !versions.contains(&version) {
            return Err(BinFileError::UnsupportedVersion(version));
        }
        let mut sections = HashMap::new();
        for _ in 0..le_u32(&head, 8) {
            let mut sh = [0u8; 12];
            read_or(&mut reader, &mut sh, "section header")?;
            let id = le_u32(&sh, 0);
            let size = u64::from_le_bytes([sh[4], sh[5], sh[6], sh[7], sh[8], sh[9], sh[10], sh[11]]);
            let offset = reader.stream_position()?;
            let end = offset.checked_add(size).filter(|&e| e <= total).ok_or(BinFileError::PastEnd(id))?;
            if sections.insert(id, Section { offset, size }).is_some() {
                return Err(BinFileError::Duplicate(id));
            }
            reader.seek(SeekFrom::Start(end))?;
        }
        Ok(Self { reader, version, sections })
    }

    /// The file's version.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Where section `id` lies.
    pub fn section(&self, id: u32) -> Result<Section, BinFileError> {
        self.sections.get(&id).copied().ok_or(BinFileError::Missing(id))
    }

    /// The data of section `id`, whose size must be `size` when given.
    pub fn read_section(&mut self, id: u32, size: Option<u64>) -> Result<Vec<u8>, BinFileError> {
        let s = self.section(id)?;
        if let Some(expected) = size.filter(|&e| e != s.size) {
            return Err(BinFileError::WrongSize { id, size: s.size, expected });
        }
        self.read(id, 0, s.size)
    }

    /// `len` bytes of section `id` from byte `from` of its data.
    pub fn read(&mut self, id: u32, from: u64, len: u64) -> Result<Vec<u8>, BinFileError> {
        let s = self.section(id)?;
        let needed = from.checked_add(len).filter(|&n| n <= s.size);
        needed.ok_or(BinFileError::TooShort { id, size: s.size, needed: from.saturating_add(len) })?;
        let len = usize::try_from(len).map_err(|_| BinFileError::TooLarge(id))?;
        self.reader.seek(SeekFrom::Start(s.offset + from))?;
        let mut buf = vec![0u8; len];
        self.reader.read_exact(&mut buf)?;
        Ok(buf)
    }
}

fn read_or<R: Read>(reader: &mut R, buf: &mut [u8], what: &'static str) -> Result<(), BinFileError> {
    reader.read_exact(buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => BinFileError::Truncated(what),
        _ => BinFileError::Io(e),
    })
}

/// Writes a file header: `magic`, `version` and the number of sections that follow.
pub fn write_header<W: Write>(w: &mut W, magic: &[u8; 4], version: u32, sections: u32) -> std::io::Result<()> {
    w.write_all(magic)?;
    w.write_all(&version.to_le_bytes())?;
    w.write_all(&sections.to_le_bytes())
}

/// Writes a section header; `size` bytes of data must follow.
pub fn write_section_header<W: Write>(w: &mut W, id: u32, size: u64) -> std::io::Result<()> {
    w.write_all(&id.to_le_bytes())?;
    w.write_all(&size.to_le_bytes())
}
