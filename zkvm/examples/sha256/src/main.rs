//! Reads one raw input item (the bytes themselves, not postcard) and commits its 32-byte SHA-256
//! digest as raw bytes, so the public values are exactly the digest.
#![no_std]
#![no_main]

use sha2::{Digest, Sha256};

cairn_zkvm::entrypoint!(main);

fn main() {
    let data = cairn_zkvm::io::read_vec();
    let digest = Sha256::digest(&data);
    cairn_zkvm::io::commit_slice(&digest);
}
