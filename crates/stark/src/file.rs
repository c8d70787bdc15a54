//! The versioned envelope of every file Cairn writes.
//!
//! Layout (11-byte header, then the postcard body):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 6 | magic `b"CAIRN\0"` |
//! | 6 | 2 | format version, u16 little-endian ([`FORMAT_VERSION`]) |
//! | 8 | 1 | kind ([`FileKind`]) |
//! | 9 | 1 | configuration id ([`ConfigId`]) |
//! | 10 | 1 | security profile id ([`Profile`]) |
//! | 11 | … | postcard encoding of the payload, nothing after it |

use serde::de::DeserializeOwned;
use serde::Serialize;
use thiserror::Error;

use crate::config::ConfigId;
use crate::profile::Profile;
use crate::proof::StarkProof;

/// First bytes of every Cairn file.
pub const MAGIC: [u8; 6] = *b"CAIRN\x00";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u16 = 1;
/// Header length in bytes.
pub const HEADER_LEN: usize = 11;

/// What a file contains. The `u8` values are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum FileKind {
    /// A [`StarkProof`].
    StarkProof = 1,
    /// A program verifying key.
    VerifyingKey = 2,
    /// A Groth16 wrap proof.
    Groth16Proof = 3,
    /// A PLONK wrap proof.
    PlonkProof = 4,
    /// Groth16 proving and verifying keys of a wrap circuit.
    Groth16Keys = 5,
}

impl FileKind {
    /// All kinds.
    pub const ALL: [Self; 5] = [
        Self::StarkProof,
        Self::VerifyingKey,
        Self::Groth16Proof,
        Self::PlonkProof,
        Self::Groth16Keys,
    ];

    /// Stable id.
    pub fn id(self) -> u8 {
        self as u8
    }

    /// Human-readable name.
    pub fn name(self) -> &'static str {
        match self {
            Self::StarkProof => "STARK proof",
            Self::VerifyingKey => "verifying key",
            Self::Groth16Proof => "Groth16 proof",
            Self::PlonkProof => "PLONK proof",
            Self::Groth16Keys => "Groth16 keys",
        }
    }

    /// The kind with this id.
    pub fn from_id(id: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A decoded file header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// Format version (always [`FORMAT_VERSION`] once read successfully).
    pub version: u16,
    /// What the file contains.
    pub kind: FileKind,
    /// Configuration the content was made in.
    pub config: ConfigId,
    /// Security profile the content was made with.
    pub profile: Profile,
}

/// Why a file could not be written or read.
///
/// Every variant that wraps another error prints it in its message and does not return it
/// from `source()`, so reporters that walk the chain (anyhow's `{:#}`) print each cause once.
#[derive(Debug, Error)]
pub enum FileError {
    /// The magic is missing.
    #[error("not a Cairn file")]
    NotCairn,
    /// The file ends inside the header.
    #[error("truncated Cairn header: {0} bytes, need {HEADER_LEN}")]
    TruncatedHeader(usize),
    /// Another format version.
    #[error("unsupported Cairn file version {found} (this build reads version {supported})")]
    UnsupportedVersion {
        /// The file's version.
        found: u16,
        /// The version this build reads.
        supported: u16,
    },
    /// A kind id this build does not know.
    #[error("unknown Cairn file kind {0}")]
    UnknownKind(u8),
    /// A different kind than the caller expects.
    #[error("wrong kind of Cairn file: expected a {expected}, found a {found}")]
    WrongKind {
        /// The kind the caller asked for.
        expected: FileKind,
        /// The kind in the header.
        found: FileKind,
    },
    /// A configuration id this build does not know.
    #[error("unknown STARK configuration id {0}")]
    UnknownConfig(u8),
    /// A profile id this build does not know.
    #[error("unknown security profile id {0}")]
    UnknownProfile(u8),
    /// The body does not decode.
    #[error("truncated or corrupt {kind} body: {cause}")]
    Body {
        /// The kind being decoded.
        kind: FileKind,
        /// The decoder's error.
        cause: postcard::Error,
    },
    /// Bytes follow the body.
    #[error("corrupt {kind} body: {extra} unexpected trailing bytes")]
    TrailingBytes {
        /// The kind being decoded.
        kind: FileKind,
        /// How many bytes follow the body.
        extra: usize,
    },
    /// The header disagrees with the proof it wraps.
    #[error("header says {header}, the content says {content}")]
    Inconsistent {
        /// What the header says.
        header: String,
        /// What the content says.
        content: String,
    },
    /// The payload could not be encoded.
    #[error("cannot encode {kind}: {cause}")]
    Encode {
        /// The kind being encoded.
        kind: FileKind,
        /// The encoder's error.
        cause: postcard::Error,
    },
}

/// Header + postcard encoding of `value`.
pub fn write_file<T: Serialize>(
    kind: FileKind,
    config: ConfigId,
    profile: &Profile,
    value: &T,
) -> Result<Vec<u8>, FileError> {
    let mut out = Vec::with_capacity(HEADER_LEN);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&[kind.id(), config.id(), profile.id]);
    postcard::to_extend(value, out).map_err(|cause| FileError::Encode { kind, cause })
}

/// Decodes and checks a header, returning it and the body bytes.
pub fn read_header(bytes: &[u8]) -> Result<(Header, &[u8]), FileError> {
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        return Err(FileError::NotCairn);
    }
    let Some((head, body)) = bytes.split_first_chunk::<HEADER_LEN>() else {
        return Err(FileError::TruncatedHeader(bytes.len()));
    };
    let version = u16::from_le_bytes([head[6], head[7]]);
    if version != FORMAT_VERSION {
        return Err(FileError::UnsupportedVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let kind = FileKind::from_id(head[8]).ok_or(FileError::UnknownKind(head[8]))?;
    let config = ConfigId::try_from(head[9]).map_err(|_| FileError::UnknownConfig(head[9]))?;
    let profile = Profile::by_id(head[10]).map_err(|_| FileError::UnknownProfile(head[10]))?;
    let header = Header {
        version,
        kind,
        config,
        profile,
    };
    Ok((header, body))
}

/// Reads a file of the `expected` kind: header checks, then the postcard body (which must
/// use every byte).
pub fn read_file<T: DeserializeOwned>(
    bytes: &[u8],
    expected: FileKind,
) -> Result<(Header, T), FileError> {
    let (header, body) = read_header(bytes)?;
    if header.kind != expected {
        return Err(FileError::WrongKind {
            expected,
            found: header.kind,
        });
    }
    let (value, rest) = postcard::take_from_bytes(body).map_err(|cause| FileError::Body {
        kind: expected,
        cause,
    })?;
    if !rest.is_empty() {
        return Err(FileError::TrailingBytes {
            kind: expected,
            extra: rest.len(),
        });
    }
    Ok((header, value))
}

/// Writes a [`StarkProof`] file (header from the proof's own configuration and profile).
pub fn write_proof(proof: &StarkProof) -> Result<Vec<u8>, FileError> {
    let profile =
        Profile::by_id(proof.profile).map_err(|_| FileError::UnknownProfile(proof.profile))?;
    write_file(FileKind::StarkProof, proof.config, &profile, proof)
}

/// Reads a [`StarkProof`] file and checks the header agrees with the proof.
pub fn read_proof(bytes: &[u8]) -> Result<(Header, StarkProof), FileError> {
    let (header, proof): (Header, StarkProof) = read_file(bytes, FileKind::StarkProof)?;
    if header.config != proof.config || header.profile.id != proof.profile {
        return Err(FileError::Inconsistent {
            header: format!("{}/{}", header.config, header.profile.name),
            content: format!("{}/profile id {}", proof.config, proof.profile),
        });
    }
    Ok((header, proof))
}
