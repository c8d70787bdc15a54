//! Field elements and curve points in the EVM encoding (EIP-196/197): big-endian 32-byte
//! coordinates, G2 coordinates imaginary part first, the point at infinity as all zeros.
//! Decoders reject coordinates not below the modulus, points off the curve and (G2) points
//! outside the prime-order subgroup.

use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, PrimeField, Zero};

use crate::EncodingError;

/// Bytes of a field element.
pub const FIELD_BYTES: usize = 32;
/// Bytes of an EVM-encoded G1 point.
pub const G1_BYTES: usize = 64;
/// Bytes of an EVM-encoded G2 point.
pub const G2_BYTES: usize = 128;

/// Big-endian bytes of a 256-bit integer.
pub(crate) fn bigint_to_be(b: &BigInt<4>) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, limb) in b.0.iter().rev().enumerate() {
        out[8 * i..8 * i + 8].copy_from_slice(&limb.to_be_bytes());
    }
    out
}

/// The 256-bit integer of 32 big-endian bytes.
pub(crate) fn bigint_from_be(bytes: &[u8; 32]) -> BigInt<4> {
    let mut limbs = [0u64; 4];
    for (i, chunk) in bytes.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        limbs[3 - i] = u64::from_be_bytes(word);
    }
    BigInt(limbs)
}

/// Big-endian bytes of a base-field element.
pub fn fq_to_be(f: &Fq) -> [u8; 32] {
    bigint_to_be(&f.into_bigint())
}

/// Big-endian bytes of a scalar (for example the public input).
pub fn fr_to_be(f: &Fr) -> [u8; 32] {
    bigint_to_be(&f.into_bigint())
}

/// Reads 32 bytes at `at`; the caller guarantees the length.
fn word(bytes: &[u8], at: usize) -> [u8; 32] {
    let mut w = [0u8; 32];
    w.copy_from_slice(&bytes[at..at + FIELD_BYTES]);
    w
}

/// A base-field element from 32 big-endian bytes, rejecting values not below the modulus.
pub fn fq_from_be(bytes: &[u8; 32], what: &'static str) -> Result<Fq, EncodingError> {
    Fq::from_bigint(bigint_from_be(bytes)).ok_or(EncodingError::CoordinateOutOfRange { what })
}

/// A scalar from 32 big-endian bytes, rejecting values not below the modulus.
pub fn fr_from_be(bytes: &[u8; 32], what: &'static str) -> Result<Fr, EncodingError> {
    Fr::from_bigint(bigint_from_be(bytes)).ok_or(EncodingError::ScalarOutOfRange { what })
}

/// Checks that an affine point (G1 or G2) is on its curve and in the prime-order subgroup,
/// or is the identity.
pub(crate) fn check_point<P: SWCurveConfig>(
    p: Affine<P>,
    what: &'static str,
) -> Result<Affine<P>, EncodingError> {
    if p.is_zero() {
        return Ok(p);
    }
    if !p.is_on_curve() {
        return Err(EncodingError::NotOnCurve { what });
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(EncodingError::NotInSubgroup { what });
    }
    Ok(p)
}

/// A point from its affine coordinates, (0, 0) being the identity; see [`check_point`].
pub(crate) fn point_from_xy<P: SWCurveConfig>(
    x: P::BaseField,
    y: P::BaseField,
    what: &'static str,
) -> Result<Affine<P>, EncodingError> {
    if x.is_zero() && y.is_zero() {
        return Ok(Affine::identity());
    }
    check_point(Affine::new_unchecked(x, y), what)
}

/// EVM encoding of a G1 point: x ‖ y, 32 bytes each, big-endian; identity = 64 zero bytes.
pub fn g1_to_evm(p: &G1Affine) -> [u8; G1_BYTES] {
    let mut out = [0u8; G1_BYTES];
    if !p.is_zero() {
        out[..32].copy_from_slice(&fq_to_be(&p.x));
        out[32..].copy_from_slice(&fq_to_be(&p.y));
    }
    out
}

/// EVM encoding of a G2 point: x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0 (the EIP-197 order); identity = zeros.
pub fn g2_to_evm(p: &G2Affine) -> [u8; G2_BYTES] {
    let mut out = [0u8; G2_BYTES];
    if !p.is_zero() {
        out[..32].copy_from_slice(&fq_to_be(&p.x.c1));
        out[32..64].copy_from_slice(&fq_to_be(&p.x.c0));
        out[64..96].copy_from_slice(&fq_to_be(&p.y.c1));
        out[96..].copy_from_slice(&fq_to_be(&p.y.c0));
    }
    out
}

/// Decodes an EVM-encoded G1 point (exactly 64 bytes), checking range, curve and subgroup.
pub fn g1_from_evm(bytes: &[u8], what: &'static str) -> Result<G1Affine, EncodingError> {
    if bytes.len() != G1_BYTES {
        return Err(EncodingError::WrongLength {
            expected: G1_BYTES,
            found: bytes.len(),
        });
    }
    let x = fq_from_be(&word(bytes, 0), what)?;
    let y = fq_from_be(&word(bytes, 32), what)?;
    point_from_xy(x, y, what)
}

/// Decodes an EVM-encoded G2 point (exactly 128 bytes), checking range, twist and subgroup.
pub fn g2_from_evm(bytes: &[u8], what: &'static str) -> Result<G2Affine, EncodingError> {
    if bytes.len() != G2_BYTES {
        return Err(EncodingError::WrongLength {
            expected: G2_BYTES,
            found: bytes.len(),
        });
    }
    let x_c1 = fq_from_be(&word(bytes, 0), what)?;
    let x_c0 = fq_from_be(&word(bytes, 32), what)?;
    let y_c1 = fq_from_be(&word(bytes, 64), what)?;
    let y_c0 = fq_from_be(&word(bytes, 96), what)?;
    point_from_xy(Fq2::new(x_c0, x_c1), Fq2::new(y_c0, y_c1), what)
}

/// Parses `0x`-prefixed (or bare) hex.
pub(crate) fn parse_hex(text: &str) -> Result<Vec<u8>, EncodingError> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).map_err(|e| EncodingError::Syntax(format!("hex: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_ff::UniformRand;
    use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

    #[test]
    fn points_round_trip() {
        let mut rng = ChaCha20Rng::from_seed([7; 32]);
        for _ in 0..8 {
            let p = ark_bn254::G1Projective::rand(&mut rng).into_affine();
            let q = ark_bn254::G2Projective::rand(&mut rng).into_affine();
            assert_eq!(g1_from_evm(&g1_to_evm(&p), "p"), Ok(p));
            assert_eq!(g2_from_evm(&g2_to_evm(&q), "q"), Ok(q));
        }
        let zero = G1Affine::identity();
        assert_eq!(g1_from_evm(&g1_to_evm(&zero), "0"), Ok(zero));
        assert_eq!(g2_from_evm(&[0; 128], "0"), Ok(G2Affine::identity()));
    }

    #[test]
    fn generator_layout_matches_eip197() {
        // EIP-197 lists the G2 generator as x = (x_c1, x_c0) imaginary part first.
        let g2 = g2_to_evm(&ark_bn254::G2Projective::generator().into_affine());
        assert_eq!(
            hex::encode(&g2[..32]),
            "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
        );
        assert_eq!(
            hex::encode(&g2[32..64]),
            "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
        );
        let g1 = g1_to_evm(&G1Affine::generator());
        assert_eq!(g1[31], 1);
        assert_eq!(g1[63], 2);
    }

    #[test]
    fn decoders_reject_bad_points() {
        let mut bad = [0u8; 64];
        bad[31] = 1;
        bad[63] = 3; // (1, 3) is not on y^2 = x^3 + 3
        assert_eq!(
            g1_from_evm(&bad, "p"),
            Err(EncodingError::NotOnCurve { what: "p" })
        );
        let mut big = [0xffu8; 64];
        big[32..].fill(0);
        assert_eq!(
            g1_from_evm(&big, "p"),
            Err(EncodingError::CoordinateOutOfRange { what: "p" })
        );
        // A point on the twist outside the r-order subgroup (the cofactor is huge).
        let off = (1u64..)
            .find_map(|x| G2Affine::get_point_from_x_unchecked(Fq2::from(x), false))
            .filter(|p| !p.is_in_correct_subgroup_assuming_on_curve());
        let off = off.map(|p| g2_to_evm(&p)).unwrap_or([0; 128]);
        assert_eq!(
            g2_from_evm(&off, "q"),
            Err(EncodingError::NotInSubgroup { what: "q" })
        );
        assert!(matches!(
            g2_from_evm(&[0; 127], "q"),
            Err(EncodingError::WrongLength { .. })
        ));
    }
}
