//! Import of a snarkjs Groth16 `.zkey` (phase-2 output) as [`Groth16Keys`].
//!
//! Written here rather than taken from ark-circom 0.6, which depends unconditionally on
//! wasmer (a WebAssembly runtime, for witness generation) on native targets.
//!
//! Format (little-endian): `"zkey"`, version 1, nSections, then sections `u32 id, u64 size,
//! data`: 1 protocol (1 = Groth16); 2 header (n8q, q, n8r, r, nVars, nPublic, domainSize,
//! alpha1, beta1, beta2, gamma2, delta1, delta2); 3 IC; 4 coefficients of A and B (scaled by
//! R² mod r); 5 A; 6 B1; 7 B2; 8 C (the L query); 9 H; 10 contributions (ignored). Points are
//! Montgomery-form little-endian coordinates, G2 as x.c0, x.c1, y.c0, y.c1; zeros are infinity.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use ark_bn254::{Fq, Fr, G1Affine, G2Affine};
use ark_ff::{Field, One, PrimeField};
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_relations::gr1cs::ConstraintSynthesizer;
use cairn_binfile::{fq2_montgomery, fq_montgomery, le_u32, le_word, BinFile, BinFileError};
use rayon::prelude::*;

use crate::circuit::{normalize_row, r1cs_matrices, synthesize, CircuitInfo};
use crate::encoding::point_from_xy;
use crate::r1cs::to_u32;
use crate::{Groth16Error, Groth16Keys, QapReduction};

const G1_LEN: usize = 64;
const G2_LEN: usize = 128;
/// Bytes of the Groth16 header section.
const HEADER_LEN: u64 = 4 + 32 + 4 + 32 + 4 * 3 + 3 * G1_LEN as u64 + 3 * G2_LEN as u64;
/// Bytes of one coefficient entry: matrix, constraint, signal, value.
const COEF_LEN: usize = 12 + 32;

fn bad(msg: impl Into<String>) -> Groth16Error {
    Groth16Error::Zkey(msg.into())
}

/// Imports the `.zkey` at `path` for `circuit`; see [`import_zkey`].
pub fn import_zkey_file<C: ConstraintSynthesizer<Fr>>(
    path: &Path,
    circuit: C,
) -> Result<Groth16Keys, Groth16Error> {
    import_zkey(BufReader::new(File::open(path)?), circuit)
}

/// Imports a snarkjs Groth16 `.zkey` (for bytes in memory, pass a `std::io::Cursor`) and
/// checks it against `circuit`: sizes, and every coefficient of A and B must be those of
/// the circuit's R1CS as [`crate::export_r1cs`] writes it. All points are checked to be on
/// the curve and in the subgroup. The keys prove with [`QapReduction::Circom`].
pub fn import_zkey<C: ConstraintSynthesizer<Fr>, R: Read + Seek>(
    reader: R,
    circuit: C,
) -> Result<Groth16Keys, Groth16Error> {
    let mut file = ZkeyFile::open(reader)?;
    let (cs, info) = synthesize(circuit, false)?;

    let protocol = file.section(1, Some(4))?;
    if le_u32(&protocol, 0) != 1 {
        return Err(bad(format!(
            "protocol {} is not Groth16 (1)",
            le_u32(&protocol, 0)
        )));
    }
    let h = file.section(2, Some(HEADER_LEN))?;
    if le_u32(&h, 0) != 32 || le_word(&h, 4) != Fq::MODULUS {
        return Err(bad("the base field is not BN254's"));
    }
    if le_u32(&h, 36) != 32 || le_word(&h, 40) != Fr::MODULUS {
        return Err(bad("the scalar field is not BN254's"));
    }
    let (n_vars, n_public, domain) = (le_u32(&h, 72), le_u32(&h, 76), le_u32(&h, 80));
    let expect = [
        ("public inputs", n_public, 1),
        (
            "variables",
            n_vars,
            to_u32(info.num_variables(), "variables")?,
        ),
        (
            "domain size",
            domain,
            to_u32(info.domain_size, "domain size")?,
        ),
    ];
    for (what, found, want) in expect {
        if found != want {
            let msg = format!("{what}: the .zkey has {found}, the circuit {want}");
            return Err(Groth16Error::ZkeyMismatch(msg));
        }
    }
    let pts = &h[84..];
    let alpha_g1 = g1(&pts[..64], "alpha1")?;
    let beta_g1 = g1(&pts[64..128], "beta1")?;
    let beta_g2 = g2(&pts[128..256], "beta2")?;
    let gamma_g2 = g2(&pts[256..384], "gamma2")?;
    let delta_g1 = g1(&pts[384..448], "delta1")?;
    let delta_g2 = g2(&pts[448..576], "delta2")?;

    check_coefficients(&mut file, &cs, &info)?;
    drop(cs);

    let n = info.num_variables();
    let gamma_abc_g1 = file.points(3, info.num_instance, G1_LEN, g1, "IC")?;
    let a_query = file.points(5, n, G1_LEN, g1, "A")?;
    let b_g1_query = file.points(6, n, G1_LEN, g1, "B1")?;
    let b_g2_query = file.points(7, n, G2_LEN, g2, "B2")?;
    let l_query = file.points(8, info.num_witness, G1_LEN, g1, "C")?;
    let h_query = file.points(9, info.domain_size, G1_LEN, g1, "H")?;

    let vk = VerifyingKey {
        alpha_g1,
        beta_g2,
        gamma_g2,
        delta_g2,
        gamma_abc_g1,
    };
    let pk = ProvingKey {
        vk,
        beta_g1,
        delta_g1,
        a_query,
        b_g1_query,
        b_g2_query,
        h_query,
        l_query,
    };
    let keys = Groth16Keys {
        insecure_dev_setup: false,
        reduction: QapReduction::Circom,
        pk,
    };
    keys.check_shape(&info)?;
    Ok(keys)
}

/// Compares section 4 with the circuit: A and B of every constraint, then snarkjs' rows
/// `A[nConstraints + i] = signal i` for the constant one and the public inputs.
fn check_coefficients<R: Read + Seek>(
    file: &mut ZkeyFile<R>,
    cs: &ark_relations::gr1cs::ConstraintSystemRef<Fr>,
    info: &CircuitInfo,
) -> Result<(), Groth16Error> {
    let matrices = r1cs_matrices(cs)?;
    let mut expected: Vec<(u32, u32, u32, Fr)> = Vec::new();
    for c in 0..info.num_constraints {
        let c32 = to_u32(c, "constraints")?;
        for (m, matrix) in matrices.iter().take(2).enumerate() {
            let row = matrix.get(c).map(|r| normalize_row(r)).unwrap_or_default();
            for (coeff, wire) in row {
                expected.push((m as u32, c32, to_u32(wire, "wires")?, coeff));
            }
        }
    }
    for s in 0..info.num_instance {
        let row = to_u32(info.num_constraints + s, "constraints")?;
        expected.push((0, row, to_u32(s, "wires")?, Fr::one()));
    }

    let section = file.section(4, None)?;
    let count = match section.get(..4) {
        Some(_) => le_u32(&section, 0) as usize,
        None => return Err(bad("coefficient section too short")),
    };
    if section.len() != 4 + count * COEF_LEN {
        return Err(bad(format!(
            "coefficient section: {} bytes for {count}",
            section.len()
        )));
    }
    // Stored values are v·R² mod r in standard form, R = 2^256.
    let r = Fr::from(2u64).pow([256u64]);
    let r2_inv = (r * r).inverse().ok_or_else(|| bad("R is zero"))?;
    let mut found = section[4..]
        .chunks_exact(COEF_LEN)
        .map(|e| {
            let v = Fr::from_bigint(le_word(e, 12))
                .ok_or_else(|| bad("coefficient not below the scalar modulus"))?;
            Ok((le_u32(e, 0), le_u32(e, 4), le_u32(e, 8), v * r2_inv))
        })
        .collect::<Result<Vec<_>, Groth16Error>>()?;
    let key = |e: &(u32, u32, u32, Fr)| (e.0, e.1, e.2);
    expected.sort_by_key(key);
    found.sort_by_key(key);
    let show = |x: &(u32, u32, u32, Fr)| {
        let m = if x.0 == 0 { "A" } else { "B" };
        format!("{m}[constraint {}][wire {}] = {}", x.1, x.2, x.3)
    };
    if let Some((e, f)) = expected.iter().zip(&found).find(|(e, f)| e != f) {
        let msg = format!("the circuit has {}, the .zkey {}", show(e), show(f));
        return Err(Groth16Error::ZkeyMismatch(msg));
    }
    if expected.len() != found.len() {
        return Err(Groth16Error::ZkeyMismatch(format!(
            "the circuit has {} coefficients in A and B, the .zkey {}",
            expected.len(),
            found.len()
        )));
    }
    Ok(())
}

/// The sections of a `.zkey` (snarkjs' binary container, version 1).
struct ZkeyFile<R>(BinFile<R>);

impl<R: Read + Seek> ZkeyFile<R> {
    fn open(reader: R) -> Result<Self, Groth16Error> {
        BinFile::open(reader, b"zkey", &[1])
            .map(Self)
            .map_err(zkey_error)
    }

    /// The bytes of section `id`, whose size must be `size` if given.
    fn section(&mut self, id: u32, size: Option<u64>) -> Result<Vec<u8>, Groth16Error> {
        self.0.read_section(id, size).map_err(zkey_error)
    }

    /// Section `id` as `n` points of `len` bytes each, decoded (and checked) in parallel.
    fn points<T: Send>(
        &mut self,
        id: u32,
        n: usize,
        len: usize,
        decode: fn(&[u8], &'static str) -> Result<T, Groth16Error>,
        what: &'static str,
    ) -> Result<Vec<T>, Groth16Error> {
        let bytes = self.section(id, Some((n * len) as u64))?;
        bytes
            .par_chunks_exact(len)
            .map(|c| decode(c, what))
            .collect()
    }
}

/// A container fault is a malformed `.zkey`; a failed read stays an I/O error.
fn zkey_error(e: BinFileError) -> Groth16Error {
    match e {
        BinFileError::Io(e) => Groth16Error::Io(e),
        other => bad(other.to_string()),
    }
}

/// A decoded coordinate, or the error naming `what` when its word was not below the modulus.
fn coordinate<T>(c: Option<T>, what: &'static str) -> Result<T, Groth16Error> {
    c.ok_or_else(|| bad(format!("{what}: coordinate not below the modulus")))
}

fn g1(b: &[u8], what: &'static str) -> Result<G1Affine, Groth16Error> {
    let x: Fq = coordinate(fq_montgomery(b, 0), what)?;
    let y = coordinate(fq_montgomery(b, 32), what)?;
    point_from_xy(x, y, what).map_err(|e| bad(e.to_string()))
}

fn g2(b: &[u8], what: &'static str) -> Result<G2Affine, Groth16Error> {
    let x = coordinate(fq2_montgomery(b, 0), what)?;
    let y = coordinate(fq2_montgomery(b, 64), what)?;
    point_from_xy(x, y, what).map_err(|e| bad(e.to_string()))
}
