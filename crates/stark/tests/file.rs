//! The versioned file header: round trip and every error.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use cairn_stark::file::{FORMAT_VERSION, HEADER_LEN, MAGIC};
use cairn_stark::{read_file, read_header, write_file, ConfigId, FileError, FileKind, Profile};

fn sample() -> Vec<u8> {
    let value: (u32, String) = (7, "key".into());
    write_file(
        FileKind::VerifyingKey,
        ConfigId::Outer,
        &Profile::PRODUCTION,
        &value,
    )
    .unwrap()
}

#[test]
fn round_trip() {
    let bytes = sample();
    assert_eq!(&bytes[..6], b"CAIRN\x00");
    assert_eq!(&bytes[6..HEADER_LEN], &[1, 0, 2, 2, 2]);
    let (header, value): (_, (u32, String)) = read_file(&bytes, FileKind::VerifyingKey).unwrap();
    assert_eq!(value, (7, "key".to_string()));
    assert_eq!(header.version, FORMAT_VERSION);
    assert_eq!(header.kind, FileKind::VerifyingKey);
    assert_eq!(header.config, ConfigId::Outer);
    assert_eq!(header.profile, Profile::PRODUCTION);
    assert_eq!(
        read_header(&bytes).unwrap().1.len(),
        bytes.len() - HEADER_LEN
    );
}

fn read(bytes: &[u8]) -> FileError {
    match read_file::<(u32, String)>(bytes, FileKind::VerifyingKey) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    }
}

#[test]
fn header_errors() {
    let good = sample();
    assert!(matches!(read(b""), FileError::NotCairn));
    assert!(matches!(
        read(b"\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00"),
        FileError::NotCairn
    ));
    assert!(matches!(read(&good[..8]), FileError::TruncatedHeader(8)));

    let mut v = good.clone();
    v[6..8].copy_from_slice(&7u16.to_le_bytes());
    let e = read(&v);
    assert!(matches!(
        e,
        FileError::UnsupportedVersion {
            found: 7,
            supported: 1
        }
    ));
    assert_eq!(
        e.to_string(),
        "unsupported Cairn file version 7 (this build reads version 1)"
    );

    let e = read_file::<(u32, String)>(&good, FileKind::StarkProof).unwrap_err();
    assert!(matches!(
        e,
        FileError::WrongKind {
            expected: FileKind::StarkProof,
            found: FileKind::VerifyingKey
        }
    ));
    assert_eq!(
        e.to_string(),
        "wrong kind of Cairn file: expected a STARK proof, found a verifying key"
    );

    let mut k = good.clone();
    k[8] = 9;
    assert!(matches!(read(&k), FileError::UnknownKind(9)));
    let mut c = good.clone();
    c[9] = 0;
    assert!(matches!(read(&c), FileError::UnknownConfig(0)));
    let mut p = good.clone();
    p[10] = 200;
    assert!(matches!(read(&p), FileError::UnknownProfile(200)));
}

#[test]
fn body_errors() {
    let good = sample();
    for len in HEADER_LEN..good.len() {
        assert!(
            matches!(read(&good[..len]), FileError::Body { .. }),
            "length {len}"
        );
    }
    let mut long = good.clone();
    long.extend_from_slice(&[0, 0]);
    assert!(matches!(
        read(&long),
        FileError::TrailingBytes { extra: 2, .. }
    ));
    // Reserved kinds are readable headers.
    let g = write_file(
        FileKind::Groth16Proof,
        ConfigId::Outer,
        &Profile::TEST,
        &[1u8; 4],
    )
    .unwrap();
    assert_eq!(read_header(&g).unwrap().0.kind, FileKind::Groth16Proof);
    assert_eq!(MAGIC.len() + 5, HEADER_LEN);
}
