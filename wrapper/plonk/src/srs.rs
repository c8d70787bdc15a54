//! KZG parameters: the development ones (τ derived from a public seed, computed with arkworks'
//! fixed-base batch multiplication) and halo2's file format.

use std::io::{BufRead, Write};
use std::path::Path;

use ark_ec::scalar_mul::BatchMulPreprocessing;
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{BigInteger, Field, PrimeField};
use halo2_proofs::halo2curves::bn256::{Bn256, Fq, Fq2, Fr as H2Fr, G1Affine, G2Affine};
use halo2_proofs::halo2curves::ff::PrimeField as _;
use halo2_proofs::poly::commitment::Params;
use halo2_proofs::poly::kzg::commitment::ParamsKZG;
use halo2_proofs::SerdeFormat;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};

use crate::error::PlonkError;
use crate::prover::KzgParams;

fn fq(x: &ark_bn254::Fq) -> Fq {
    let mut repr = [0u8; 32];
    repr.copy_from_slice(&x.into_bigint().to_bytes_le());
    Option::from(Fq::from_repr(repr)).unwrap_or_default()
}

pub(crate) fn to_g1(p: &ark_bn254::G1Affine) -> G1Affine {
    let (x, y) = p.xy().unwrap_or_default();
    G1Affine { x: fq(&x), y: fq(&y) }
}

pub(crate) fn to_g2(p: &ark_bn254::G2Affine) -> G2Affine {
    let (x, y) = p.xy().unwrap_or_default();
    G2Affine { x: Fq2 { c0: fq(&x.c0), c1: fq(&x.c1) }, y: Fq2 { c0: fq(&y.c0), c1: fq(&y.c1) } }
}

/// Development KZG parameters for `2^k` rows, τ derived from a public seed: **insecure** (anyone
/// who knows the seed knows τ and can forge proofs), for tests and local runs only.
pub fn dev_params(k: u32, seed: u64) -> KzgParams {
    let tau = dev_tau(seed);
    let n = 1usize << k;
    let mut powers = Vec::with_capacity(n);
    let mut power = ark_bn254::Fr::from(1u64);
    for _ in 0..n {
        powers.push(power);
        power *= tau;
    }
    // Lagrange basis at τ: L_i(τ) = (τ^n − 1)/n · ω^i / (τ − ω^i).
    let omega = halo2_omega(k);
    let mut roots = Vec::with_capacity(n);
    let mut root = ark_bn254::Fr::from(1u64);
    for _ in 0..n {
        roots.push(root);
        root *= omega;
    }
    let mut denominators: Vec<ark_bn254::Fr> = roots.iter().map(|w| tau - w).collect();
    ark_ff::batch_inversion(&mut denominators);
    let scale = (power - ark_bn254::Fr::from(1u64)) * ark_bn254::Fr::from(n as u64).inverse().unwrap_or_default();
    let lagrange: Vec<ark_bn254::Fr> = roots.iter().zip(&denominators).map(|(w, d)| scale * w * d).collect();

    let table = BatchMulPreprocessing::new(ark_bn254::G1Projective::generator(), n);
    let g: Vec<G1Affine> = table.batch_mul(&powers).iter().map(to_g1).collect();
    let g_lagrange: Vec<G1Affine> = table.batch_mul(&lagrange).iter().map(to_g1).collect();
    let h = ark_bn254::G2Projective::generator();
    let (h, s_h) = (h.into_affine(), (h * tau).into_affine());
    params_from_parts(k, g, Some(g_lagrange), to_g2(&h), to_g2(&s_h))
}

/// τ of the development parameters of `seed`.
fn dev_tau(seed: u64) -> ark_bn254::Fr {
    ark_bn254::Fr::from_le_bytes_mod_order(&Sha256::digest(
        [b"cairn-plonk-development-srs".as_slice(), &seed.to_le_bytes()].concat(),
    ))
}

/// Whether `[τ]₂` is that of [`dev_params`] with `seed` (at any `k`): lets a verifier tell
/// development parameters from the key itself, not from a flag a file carries.
pub fn is_dev_s_g2(s_g2: &G2Affine, seed: u64) -> bool {
    to_g2(&(ark_bn254::G2Projective::generator() * dev_tau(seed)).into_affine()) == *s_g2
}

/// The generator of halo2's domain of `2^k` rows (halo2curves' `2^28`-th root of unity,
/// squared down), which is not arkworks' (or snarkjs') generator.
pub(crate) fn halo2_omega(k: u32) -> ark_bn254::Fr {
    let mut omega = H2Fr::ROOT_OF_UNITY;
    for _ in k..H2Fr::S {
        omega = omega.square();
    }
    ark_bn254::Fr::from_le_bytes_mod_order(omega.to_repr().as_ref())
}

/// KZG parameters from their parts (halo2-axiom's `from_parts` is a method: a two-row instance
/// is the cheapest receiver); without `g_lagrange`, halo2 computes it from `g` (an inverse FFT in
/// the exponent).
pub(crate) fn params_from_parts(
    k: u32,
    g: Vec<G1Affine>,
    g_lagrange: Option<Vec<G1Affine>>,
    g2: G2Affine,
    s_g2: G2Affine,
) -> KzgParams {
    ParamsKZG::<Bn256>::setup(1, ChaCha20Rng::seed_from_u64(0)).from_parts(k, g, g_lagrange, g2, s_g2)
}

/// Reads KZG parameters in halo2's raw format and shrinks them to `2^k` rows. A powers-of-τ
/// ceremony file (`.ptau`) is converted on the fly ([`crate::params_from_ptau`]; slow at large
/// `k` unless the ceremony is prepared: convert it once with `cairn kzg-params`).
pub fn read_params(path: &Path, k: u32) -> Result<KzgParams, PlonkError> {
    crate::prover::cpu_supported()?;
    let io = |cause| PlonkError::Io { what: format!("KZG parameters {}", path.display()), cause };
    let mut file = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
    // halo2's raw format starts with `k` as a little-endian u32, which is never "ptau".
    if file.fill_buf().map_err(io)?.starts_with(crate::ptau::MAGIC) {
        return crate::ptau::params_from_ptau_reader(file, path, k);
    }
    let mut params = ParamsKZG::<Bn256>::read_custom(&mut file, SerdeFormat::RawBytes).map_err(io)?;
    if params.k() < k {
        return Err(PlonkError::ParamsTooSmall { needed: k, available: params.k() });
    }
    if params.k() > k {
        params.downsize(k);
    }
    Ok(params)
}

/// Writes KZG parameters in halo2's raw format.
pub fn write_params(params: &KzgParams, path: &Path) -> Result<(), PlonkError> {
    let io = |cause| PlonkError::Io { what: format!("KZG parameters {}", path.display()), cause };
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    params.write_custom(&mut file, SerdeFormat::RawBytes).map_err(io)?;
    file.flush().map_err(io)
}
