//! The SNARK's one public input: the only place in the code that defines it.
//!
//! ```text
//! input = uint256(sha256(programVKey ‖ publicValuesDigest)) & ((1 << 253) − 1)
//! ```
//!
//! as Solidity computes it with `uint256(sha256(abi.encodePacked(programVKey,
//! publicValuesDigest))) & ((1 << 253) - 1)` for two `bytes32`: the hash of the 64 bytes (vkey
//! first), read as a **big-endian** 256-bit integer (digest byte 0 is the most significant),
//! with its top 3 bits cleared — in bytes, `digest[0] &= 0x1f`. The result is below
//! 2²⁵³ < r, so it is one BN254 scalar without reduction; 253 bits still leave about 126 bits
//! of collision resistance.

use ark_bn254::Fr;
use ark_ff::PrimeField;
use sha2::{Digest, Sha256};

use crate::builder::CircuitBuilder;
use crate::sha256::{from_bits_be, sha256_bits};

/// Bits of the public input: the low 253 of the big-endian hash.
pub const PUBLIC_INPUT_BITS: usize = 253;

/// The public input as 32 big-endian bytes: `sha256(program_vkey ‖ digest)` with
/// `byte[0] &= 0x1f`.
pub fn snark_public_input(program_vkey: &[u8; 32], digest: &[u8; 32]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(program_vkey);
    hasher.update(digest);
    let mut out: [u8; 32] = hasher.finalize().into();
    out[0] &= 0x1f;
    out
}

/// The public input as a BN254 scalar (its big-endian bytes, always below the modulus).
pub fn public_input_fr(program_vkey: &[u8; 32], digest: &[u8; 32]) -> Fr {
    Fr::from_be_bytes_mod_order(&snark_public_input(program_vkey, digest))
}

/// The public input computed in the circuit from the 64 bytes (each constrained to `0..256` by
/// the hash): the low [`PUBLIC_INPUT_BITS`] of the big-endian digest recomposed into one
/// variable (a linear combination of the hash's output bits, free in R1CS).
pub fn snark_public_input_gadget<B: CircuitBuilder>(
    b: &mut B,
    vkey_bytes: &[B::Var; 32],
    digest_bytes: &[B::Var; 32],
) -> B::Var {
    let message: Vec<B::Var> = vkey_bytes.iter().chain(digest_bytes).cloned().collect();
    // Most significant bit first; skip the top 256 − 253.
    let bits = sha256_bits(b, &message);
    from_bits_be(b, &bits[256 - PUBLIC_INPUT_BITS..])
}

/// Constrains `public` (the builder's public input) to be the public input of `vkey_bytes` and
/// `digest_bytes`.
pub fn assert_public_input<B: CircuitBuilder>(
    b: &mut B,
    public: &B::Var,
    vkey_bytes: &[B::Var; 32],
    digest_bytes: &[B::Var; 32],
) {
    let computed = snark_public_input_gadget(b, vkey_bytes, digest_bytes);
    b.assert_eq(public, &computed);
}

/// Allocates the builder's public input with the value computed from `vkey_bytes` and
/// `digest_bytes` (unknown in shape-only mode), constrains it to that value and returns it.
pub fn expose_public_input<B: CircuitBuilder>(
    b: &mut B,
    vkey_bytes: &[B::Var; 32],
    digest_bytes: &[B::Var; 32],
) -> B::Var {
    let computed = snark_public_input_gadget(b, vkey_bytes, digest_bytes);
    let value = b.value(&computed);
    let public = b.public_input(value);
    b.assert_eq(&public, &computed);
    public
}
