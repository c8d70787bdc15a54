//! KZG parameters from a powers-of-τ ceremony file in snarkjs' `.ptau` format, the format public
//! BN254 ceremonies publish (e.g. the perpetual powers of tau and its Hermez `final` files).
//!
//! Format (little-endian, snarkjs' binary file): `"ptau"`, version 1, the number of sections,
//! then sections `u32 id, u64 size, data`. Section 1 is the header (`n8 = 32`, the base-field
//! modulus, `power`, the ceremony's power); section 2 holds `[τ^i]₁` for `i < 2^(power+1) − 1`,
//! section 3 `[τ^i]₂` for `i < 2^power`. A *prepared* ceremony (`snarkjs powersoftau prepare
//! phase2`; the Hermez `final` files are prepared) adds section 12, the Lagrange bases
//! `[L_i(τ)]₁` of every domain size `2^p`, `p = 0 … power + 1`, one after another. Coordinates
//! are Montgomery-form little-endian words, G2 as `x.c0, x.c1, y.c0, y.c1`.
//!
//! [`params_from_ptau`] reads `[τ^i]₁` for `i < 2^k`, `[1]₂` and `[τ]₂`, checks every point (on
//! the curve; G2 in its subgroup), and checks that the G1 powers are one geometric sequence with
//! the ratio `[τ]₂` claims (a random linear combination and two pairings). The Lagrange basis
//! halo2 also needs is
//! - read from a prepared ceremony, checked against the powers with another random
//!   combination (two MSMs) and re-indexed from snarkjs' root of unity to halo2's: seconds;
//! - or else computed by halo2, an inverse FFT in the exponent (`k/2 · 2^k` scalar
//!   multiplications: about 100 s at `k = 17` on two cores and about half an hour at `k = 21`;
//!   so it is done once and the result written with [`crate::write_params`]).

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use ark_bn254::{Bn254, Fq, G1Affine, G1Projective, G2Affine};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{FftField, Field, PrimeField, UniformRand};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use cairn_binfile::{fq2_montgomery, fq_montgomery, le_u32, le_word, BinFile, BinFileError};
use rand_chacha::rand_core::{OsRng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::error::PlonkError;
use crate::prover::KzgParams;

const G1_LEN: usize = 64;
const G2_LEN: usize = 128;
/// The section of a prepared ceremony that holds the Lagrange bases of `[τ^i]₁`.
const LAGRANGE: u32 = 12;
/// The magic of a `.ptau` file.
pub(crate) const MAGIC: &[u8; 4] = b"ptau";

/// KZG parameters for `2^k` rows from the `.ptau` file at `path`; see the module documentation.
pub fn params_from_ptau(path: &Path, k: u32) -> Result<KzgParams, PlonkError> {
    crate::prover::cpu_supported()?;
    params_from_ptau_reader(BufReader::new(File::open(path).map_err(io_error(path))?), path, k)
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> PlonkError + '_ {
    move |cause| PlonkError::Io { what: format!("powers of tau {}", path.display()), cause }
}

/// [`params_from_ptau`] on an opened file; `path` names it in errors.
pub(crate) fn params_from_ptau_reader<R: Read + Seek>(reader: R, path: &Path, k: u32) -> Result<KzgParams, PlonkError> {
    if k > ark_bn254::Fr::TWO_ADICITY {
        return Err(PlonkError::DomainTooLarge { k, max: ark_bn254::Fr::TWO_ADICITY });
    }
    let bad = |why: String| PlonkError::BadFile(format!("powers of tau {}: {why}", path.display()));
    let binfile = |e: BinFileError| match e {
        BinFileError::Io(source) => io_error(path)(source),
        other => bad(other.to_string()),
    };
    let mut file = BinFile::open(reader, MAGIC, &[1]).map_err(binfile)?;
    let prepared = file.section(LAGRANGE).is_ok();
    let mut read = |id: u32, len: usize| file.read(id, 0, len as u64).map_err(binfile);

    let header = read(1, 4 + 32 + 8)?;
    if le_u32(&header, 0) != 32 || le_word(&header, 4) != Fq::MODULUS {
        return Err(bad("not a BN254 ceremony (another base field)".into()));
    }
    let power = le_u32(&header, 36);
    if power < k {
        return Err(PlonkError::ParamsTooSmall { needed: k, available: power });
    }
    let n = 1usize << k;
    let g1 = g1_points(&read(2, n * G1_LEN)?, |i| format!("[τ^{i}]₁")).map_err(bad)?;
    let g2_bytes = read(3, 2 * G2_LEN)?;
    let g2 = g2_point(&g2_bytes[..G2_LEN]).ok_or_else(|| bad("[1]₂ is not a point of G2".into()))?;
    let s_g2 = g2_point(&g2_bytes[G2_LEN..]).ok_or_else(|| bad("[τ]₂ is not a point of G2".into()))?;
    if g1[0] != G1Affine::generator() || g2 != G2Affine::generator() {
        return Err(bad("the ceremony does not start from the standard generators".into()));
    }
    check_powers(&g1, s_g2).map_err(|why| bad(why.into()))?;
    // A prepared ceremony's section LAGRANGE holds the basis of every size 2^p, p = 0, 1, …,
    // one after the other: 2^k − 1 points precede ours. A section too short for them is a
    // damaged file, refused (not a reason to fall back to the FFT).
    let lagrange = if prepared {
        let bytes = file.read(LAGRANGE, (n as u64 - 1) * G1_LEN as u64, (n * G1_LEN) as u64).map_err(binfile)?;
        let basis = g1_points(&bytes, |i| format!("[L_{i}(τ)]₁")).map_err(bad)?;
        let domain = Radix2EvaluationDomain::<ark_bn254::Fr>::new(n).ok_or_else(|| bad("no FFT domain".into()))?;
        check_lagrange(&domain, &g1, &basis).map_err(|why| bad(why.into()))?;
        Some(halo2_order(&domain, &basis).map_err(|why| bad(why.into()))?.iter().map(crate::srs::to_g1).collect())
    } else {
        None
    };

    let g: Vec<_> = g1.iter().map(crate::srs::to_g1).collect();
    Ok(crate::srs::params_from_parts(k, g, lagrange, crate::srs::to_g2(&g2), crate::srs::to_g2(&s_g2)))
}

/// Checked G1 points (see [`g1_point`]); `name(i)` names the `i`-th in errors.
fn g1_points(bytes: &[u8], name: impl Fn(usize) -> String) -> Result<Vec<G1Affine>, String> {
    bytes
        .chunks_exact(G1_LEN)
        .enumerate()
        .map(|(i, c)| g1_point(c).ok_or_else(|| format!("{} is not a curve point", name(i))))
        .collect()
}

/// `basis[i] = [L_i(τ)]₁` over snarkjs' domain (arkworks' too: the powers of the same
/// `2^28`-th root of unity), given the checked powers `g[j] = [τ^j]₁`: for random `rᵢ`,
/// `Σ rᵢ·basis[i] = Σ c_j·g[j]` where `c` is the inverse FFT of `r` (`Σ rᵢ·L_i = Σ c_j·X^j`).
/// A wrong basis passes with probability `1/|Fr|`.
fn check_lagrange(
    domain: &Radix2EvaluationDomain<ark_bn254::Fr>,
    g: &[G1Affine],
    basis: &[G1Affine],
) -> Result<(), &'static str> {
    let r = random_scalars(g.len())?;
    let c = domain.ifft(&r);
    let lhs = G1Projective::msm(basis, &r).map_err(|_| "MSM length")?;
    let rhs = G1Projective::msm(g, &c).map_err(|_| "MSM length")?;
    if lhs != rhs {
        return Err(
            "its Lagrange basis (section 12) is not that of its powers of τ (a corrupted or inconsistent file)",
        );
    }
    Ok(())
}

/// snarkjs' basis re-indexed for halo2's domain. Both domains are the `2^k`-th roots of unity,
/// generated by `ω_s` (snarkjs, arkworks) and `ω_h` (halo2curves); with `ω_h = ω_s^m`, halo2's
/// `L_i` is 1 at `ω_s^(m·i)`, i.e. snarkjs' `L_(m·i mod 2^k)`.
fn halo2_order(
    domain: &Radix2EvaluationDomain<ark_bn254::Fr>,
    basis: &[G1Affine],
) -> Result<Vec<G1Affine>, &'static str> {
    let n = basis.len();
    let omega_s = domain.group_gen();
    let omega_h = crate::srs::halo2_omega(n.trailing_zeros());
    // A discrete logarithm in a group of order n ≤ 2^28: at most n multiplications.
    let (mut m, mut power) = (0, ark_bn254::Fr::ONE);
    while power != omega_h {
        (m, power) = (m + 1, power * omega_s);
        if m == n {
            return Err("halo2's root of unity is not in snarkjs' domain");
        }
    }
    Ok((0..n).map(|i| basis[(m * i) % n]).collect())
}

/// `g[i + 1] = τ·g[i]` for all `i`, with the τ of `s_g2 = [τ]₂`: for random `rᵢ`,
/// `e(Σ rᵢ·g[i+1], [1]₂) = e(Σ rᵢ·g[i], [τ]₂)`. A wrong point passes with probability `1/|Fr|`.
fn check_powers(g: &[G1Affine], s_g2: G2Affine) -> Result<(), &'static str> {
    let n = g.len() - 1;
    let r = random_scalars(n)?;
    let lower = G1Projective::msm(&g[..n], &r).map_err(|_| "MSM length")?;
    let upper = G1Projective::msm(&g[1..], &r).map_err(|_| "MSM length")?;
    if n > 0 && Bn254::pairing(upper.into_affine(), G2Affine::generator()) != Bn254::pairing(lower.into_affine(), s_g2)
    {
        return Err("its G1 powers are not the powers of the τ of [τ]₂ (a corrupted or inconsistent file)");
    }
    Ok(())
}

/// `n` coefficients of a random linear combination, from the OS's randomness.
fn random_scalars(n: usize) -> Result<Vec<ark_bn254::Fr>, &'static str> {
    let mut rng = ChaCha20Rng::from_rng(OsRng).map_err(|_| "no randomness for the check")?;
    Ok((0..n).map(|_| ark_bn254::Fr::rand(&mut rng)).collect())
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
