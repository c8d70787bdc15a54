//! KZG parameters from a powers-of-τ ceremony file in snarkjs' `.ptau` format, the format public
//! BN254 ceremonies publish (e.g. the perpetual powers of tau and its Hermez `final` files).
//!
//! Format (little-endian, snarkjs' binary file): `"ptau"`, version 1, the number of sections,
//! then sections `u32 id, u64 size, data`. Section 1 is the header (`n8 = 32`, the base-field
//! modulus, `power`, the ceremony's power); section 2 holds `[τ^i]₁` for `i < 2^(power+1) − 1`,
//! section 3 `[τ^i]₂` for `i < 2^power`. Coordinates are Montgomery-form little-endian words,
//! G2 as `x.c0, x.c1, y.c0, y.c1`.
//!
//! [`params_from_ptau`] reads `[τ^i]₁` for `i < 2^k`, `[1]₂` and `[τ]₂`, checks every point (on
//! the curve; G2 in its subgroup), checks that the G1 powers are one geometric sequence with the
//! ratio `[τ]₂` claims (a random linear combination and two pairings), and has halo2 compute the
//! Lagrange basis, an inverse FFT in the exponent (`k/2 · 2^k` scalar multiplications: about
//! 100 s at `k = 17` on two cores and about half an hour at `k = 21`; so it is done once and the
//! result written with [`crate::write_params`]).

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use ark_bn254::{Bn254, Fq, G1Affine, G1Projective, G2Affine};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{PrimeField, UniformRand};
use cairn_binfile::{fq2_montgomery, fq_montgomery, le_u32, BinFile, BinFileError};
use rand_chacha::rand_core::{OsRng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::error::PlonkError;
use crate::prover::KzgParams;

const G1_LEN: usize = 64;
const G2_LEN: usize = 128;
/// The magic of a `.ptau` file.
pub(crate) const MAGIC: &[u8; 4] = b"ptau";

/// KZG parameters for `2^k` rows from the `.ptau` file at `path`; see the module documentation.
pub fn params_from_ptau(path: &Path, k: u32) -> Result<KzgParams, PlonkError> {
    let io = |source| PlonkError::Io { what: format!("powers of tau {}", path.display()), source };
    params_from_ptau_reader(BufReader::new(File::open(path).map_err(io)?), path, k)
}

/// [`params_from_ptau`] on an opened file; `path` names it in errors.
pub(crate) fn params_from_ptau_reader<R: Read + Seek>(reader: R, path: &Path, k: u32) -> Result<KzgParams, PlonkError> {
    crate::prover::cpu_supported()?;
    let bad = |why: String| PlonkError::BadFile(format!("powers of tau {}: {why}", path.display()));
    let binfile = |e: BinFileError| match e {
        BinFileError::Io(source) => PlonkError::Io { what: format!("powers of tau {}", path.display()), source },
        other => bad(other.to_string()),
    };
    let mut file = BinFile::open(reader, MAGIC, &[1]).map_err(binfile)?;
    let mut read = |id: u32, len: usize| file.read(id, 0, len as u64).map_err(binfile);

    let header = read(1, 4 + 32 + 8)?;
    let modulus: Vec<u8> = Fq::MODULUS.0.iter().flat_map(|l| l.to_le_bytes()).collect();
    if le_u32(&header, 0) != 32 || header[4..36] != modulus[..] {
        return Err(bad("not a BN254 ceremony (another base field)".into()));
    }
    let power = le_u32(&header, 36);
    if power < k {
        return Err(PlonkError::ParamsTooSmall { needed: k, available: power });
    }
    let n = 1usize << k;
    let g1_bytes = read(2, n * G1_LEN)?;
    let g1: Vec<G1Affine> = g1_bytes
        .chunks_exact(G1_LEN)
        .enumerate()
        .map(|(i, c)| g1_point(c).ok_or_else(|| bad(format!("[τ^{i}]₁ is not a curve point"))))
        .collect::<Result<_, _>>()?;
    let g2_bytes = read(3, 2 * G2_LEN)?;
    let g2 = g2_point(&g2_bytes[..G2_LEN]).ok_or_else(|| bad("[1]₂ is not a point of G2".into()))?;
    let s_g2 = g2_point(&g2_bytes[G2_LEN..]).ok_or_else(|| bad("[τ]₂ is not a point of G2".into()))?;
    if g1[0] != G1Affine::generator() || g2 != G2Affine::generator() {
        return Err(bad("the ceremony does not start from the standard generators".into()));
    }
    check_powers(&g1, s_g2).map_err(|why| bad(why.into()))?;

    let g: Vec<_> = g1.iter().map(crate::srs::to_g1).collect();
    Ok(crate::srs::params_from_parts(k, g, None, crate::srs::to_g2(&g2), crate::srs::to_g2(&s_g2)))
}

/// `g[i + 1] = τ·g[i]` for all `i`, with the τ of `s_g2 = [τ]₂`: for random `rᵢ`,
/// `e(Σ rᵢ·g[i+1], [1]₂) = e(Σ rᵢ·g[i], [τ]₂)`. A wrong point passes with probability `1/r`.
fn check_powers(g: &[G1Affine], s_g2: G2Affine) -> Result<(), &'static str> {
    let mut rng = ChaCha20Rng::from_rng(OsRng).map_err(|_| "no randomness for the check")?;
    let n = g.len() - 1;
    let r: Vec<ark_bn254::Fr> = (0..n).map(|_| ark_bn254::Fr::rand(&mut rng)).collect();
    let lower = G1Projective::msm(&g[..n], &r).map_err(|_| "MSM length")?;
    let upper = G1Projective::msm(&g[1..], &r).map_err(|_| "MSM length")?;
    if n > 0 && Bn254::pairing(upper.into_affine(), G2Affine::generator()) != Bn254::pairing(lower.into_affine(), s_g2)
    {
        return Err("its G1 powers are not the powers of the τ of [τ]₂ (a corrupted or inconsistent file)");
    }
    Ok(())
}

/// A G1 point, on the curve and not the identity (a power of τ never is).
fn g1_point(b: &[u8]) -> Option<G1Affine> {
    let p = G1Affine::new_unchecked(fq_montgomery(b, 0)?, fq_montgomery(b, 32)?);
    (p.is_on_curve() && !p.is_zero()).then_some(p)
}

/// A G2 point, on the curve, in the prime-order subgroup and not the identity.
fn g2_point(b: &[u8]) -> Option<G2Affine> {
    let p = G2Affine::new_unchecked(fq2_montgomery(b, 0)?, fq2_montgomery(b, 64)?);
    (p.is_on_curve() && p.is_in_correct_subgroup_assuming_on_curve() && !p.is_zero()).then_some(p)
}
