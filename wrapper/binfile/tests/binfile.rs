//! The container read back as written, and each kind of damage refused by name.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Cursor;

use ark_bn254::{Fq, Fq2};
use ark_ff::PrimeField;
use cairn_binfile::{
    fq2_montgomery, fq_montgomery, le_u32, write_header, write_section_header, BinFile, BinFileError, Section,
};

/// A version-1 "test" file with sections 1 (`a`) and 2 (`b`).
fn file(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    write_header(&mut f, b"test", 1, 2).unwrap();
    write_section_header(&mut f, 1, a.len() as u64).unwrap();
    f.extend_from_slice(a);
    write_section_header(&mut f, 2, b.len() as u64).unwrap();
    f.extend_from_slice(b);
    f
}

fn open(bytes: &[u8]) -> Result<BinFile<Cursor<&[u8]>>, BinFileError> {
    BinFile::open(Cursor::new(bytes), b"test", &[1])
}

fn refused<T: std::fmt::Debug>(r: Result<T, BinFileError>, why: &str) {
    match r {
        Ok(v) => panic!("accepted ({v:?}); expected: {why}"),
        Err(e) => assert_eq!(e.to_string(), why),
    }
}

#[test]
fn sections_read_back_as_written() {
    let bytes = file(b"hello", &[7u8; 40]);
    let mut f = open(&bytes).unwrap();
    assert_eq!(f.version(), 1);
    assert_eq!(f.section(1).unwrap(), Section { offset: 24, size: 5 });
    assert_eq!(f.section(2).unwrap(), Section { offset: 24 + 5 + 12, size: 40 });
    assert_eq!(f.read_section(1, Some(5)).unwrap(), b"hello");
    assert_eq!(f.read_section(2, None).unwrap(), vec![7u8; 40]);
    assert_eq!(f.read(1, 1, 3).unwrap(), b"ell");
    assert_eq!(f.read(2, 40, 0).unwrap(), Vec::<u8>::new());
}

#[test]
fn damaged_files_and_reads_past_a_section_are_refused() {
    let bytes = file(b"hello", &[7u8; 40]);
    refused(BinFile::open(Cursor::new(&bytes[..]), b"zkey", &[1]), "not a .zkey file (bad magic)");
    refused(BinFile::open(Cursor::new(&bytes[..]), b"test", &[2]), "unsupported version 1");
    refused(open(&bytes[..7]), "truncated file header");
    refused(open(&bytes[..27]), "section 1 runs past the end of the file");
    refused(open(&bytes[..24 + 5 + 6]), "truncated section header");
    refused(open(&bytes[..bytes.len() - 1]), "section 2 runs past the end of the file");
    let mut twice = bytes.clone();
    twice[24 + 5] = 1; // the second section's id
    refused(open(&twice), "section 1 appears twice");
    let mut huge = bytes.clone();
    huge[12 + 4..12 + 12].copy_from_slice(&u64::MAX.to_le_bytes());
    refused(open(&huge), "section 1 runs past the end of the file");

    let mut f = open(&bytes).unwrap();
    refused(f.section(3), "no section 3");
    refused(f.read_section(1, Some(6)), "section 1 has 5 bytes, expected 6");
    refused(f.read(1, 3, 3), "section 1 has 5 bytes, fewer than the 6 needed");
    refused(f.read(1, u64::MAX, 2), &format!("section 1 has 5 bytes, fewer than the {} needed", u64::MAX));
}

#[test]
fn montgomery_words_decode_to_their_elements() {
    let x = Fq::from(123_456_789u64);
    let y = -Fq::from(5u64);
    let mut bytes: Vec<u8> = [x, y].iter().flat_map(|e| e.0 .0.iter().flat_map(|l| l.to_le_bytes())).collect();
    assert_eq!(fq_montgomery(&bytes, 0), Some(x));
    assert_eq!(fq_montgomery(&bytes, 32), Some(y));
    assert_eq!(fq2_montgomery(&bytes, 0), Some(Fq2::new(x, y)));
    // The modulus itself and anything above are not elements.
    let modulus: Vec<u8> = Fq::MODULUS.0.iter().flat_map(|l| l.to_le_bytes()).collect();
    bytes[32..].copy_from_slice(&modulus);
    assert_eq!(fq_montgomery(&bytes, 32), None);
    assert_eq!(fq2_montgomery(&bytes, 0), None);
    let mut below = Fq::MODULUS;
    below.0[0] -= 1;
    bytes[32..].copy_from_slice(&below.0.iter().flat_map(|l| l.to_le_bytes()).collect::<Vec<_>>());
    assert_eq!(fq_montgomery(&bytes, 32), Some(Fq::new_unchecked(below)));
    assert_eq!(le_u32(&[1, 2, 3, 4, 5], 1), 0x0504_0302);
    assert_eq!(cairn_binfile::le_word(&bytes, 32), below);
}
