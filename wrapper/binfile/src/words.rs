//! Fixed-width words of binary files. Callers pass slices long enough for the word (they have
//! read a section of the size its contents require); a shorter slice panics, as indexing does.

use ark_bn254::{Fq, Fq2};
use ark_ff::{BigInt, PrimeField};

/// The `u32` at `at`; the caller has checked the length.
pub fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The 256-bit little-endian integer at `at`; the caller has checked the length.
pub fn le_word(b: &[u8], at: usize) -> BigInt<4> {
    let mut limbs = [0u64; 4];
    for (i, l) in limbs.iter_mut().enumerate() {
        let s = at + 8 * i;
        *l = u64::from_le_bytes([b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]]);
    }
    BigInt::new(limbs)
}

/// The BN254 base-field element whose Montgomery form is the word at `at`, or `None` when the
/// word is not below the modulus.
pub fn fq_montgomery(b: &[u8], at: usize) -> Option<Fq> {
    let raw = le_word(b, at);
    // arkworks keeps elements in Montgomery form: the word is the representation itself.
    (raw < Fq::MODULUS).then(|| Fq::new_unchecked(raw))
}

/// An `Fq2` element as two Montgomery words at `at` (`c0`, then `c1`).
pub fn fq2_montgomery(b: &[u8], at: usize) -> Option<Fq2> {
    Some(Fq2::new(fq_montgomery(b, at)?, fq_montgomery(b, at + 32)?))
}
