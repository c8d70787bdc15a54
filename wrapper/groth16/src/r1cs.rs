//! Export of a circuit in circom's `.r1cs` binary format (version 1), for snarkjs ceremonies,
//! and of its witness as a `.wtns` file.
//!
//! Layout (all integers little-endian): `"r1cs"`, version 1, 3 sections, each `u32 type,
//! u64 size, data`:
//! 1. header: field size 32, the BN254 scalar prime, nWires, nPubOut, nPubIn, nPrvIn,
//!    nLabels (u64), mConstraints;
//! 2. constraints: per constraint A, B, C, each `u32 nTerms` then `(u32 wire, 32-byte LE
//!    coefficient)` sorted by wire;
//! 3. wire → label map: `u64` per wire (here the identity).
//!
//! Wires follow circom's numbering, which is also arkworks' variable order: 0 is the
//! constant one, 1 the public input (declared as nPubIn = 1, no outputs), then the witness
//! variables. nPrvIn is 0: every private wire counts as an internal signal.

use std::io::{BufWriter, Write};

use ark_bn254::Fr;
use ark_ff::{BigInt, PrimeField};
use ark_relations::gr1cs::ConstraintSynthesizer;
use cairn_binfile::{write_header, write_section_header};

use crate::circuit::{normalize_row, r1cs_matrices, synthesize, CircuitInfo};
use crate::Groth16Error;

/// Bytes of a term: wire id and coefficient.
const TERM_BYTES: u64 = 4 + 32;

/// Little-endian bytes of a 256-bit integer.
pub(crate) fn bigint_to_le(b: &BigInt<4>) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, limb) in b.0.iter().enumerate() {
        out[8 * i..8 * i + 8].copy_from_slice(&limb.to_le_bytes());
    }
    out
}

/// Little-endian bytes of a scalar (standard, not Montgomery, form).
pub(crate) fn fr_to_le(f: &Fr) -> [u8; 32] {
    bigint_to_le(&f.into_bigint())
}

/// A count as `u32`, or [`Groth16Error::TooLarge`].
pub(crate) fn to_u32(n: usize, what: &str) -> Result<u32, Groth16Error> {
    u32::try_from(n).map_err(|_| Groth16Error::TooLarge(format!("{n} {what} exceed u32")))
}

/// Synthesises `circuit` in setup mode (no witness needed) and writes it to `writer` as a
/// circom `.r1cs` file. Returns the circuit's shape.
pub fn export_r1cs<C: ConstraintSynthesizer<Fr>, W: Write>(
    circuit: C,
    writer: W,
) -> Result<CircuitInfo, Groth16Error> {
    let (cs, info) = synthesize(circuit, false)?;
    let matrices = r1cs_matrices(&cs)?;
    drop(cs);
    let n_wires = to_u32(info.num_variables(), "wires")?;
    let n_constraints = to_u32(info.num_constraints, "constraints")?;
    let rows: Vec<[Vec<(Fr, usize)>; 3]> = (0..info.num_constraints)
        .map(|i| {
            let row = |m: usize| {
                matrices[m]
                    .get(i)
                    .map(|r| normalize_row(r))
                    .unwrap_or_default()
            };
            [row(0), row(1), row(2)]
        })
        .collect();
    drop(matrices);
    let terms: u64 = rows.iter().flatten().map(|lc| lc.len() as u64).sum();
    let constraints_size = 12 * u64::from(n_constraints) + TERM_BYTES * terms;

    let mut w = BufWriter::new(writer);
    write_header(&mut w, b"r1cs", 1, 3)?;

    write_section_header(&mut w, 1, 64)?;
    w.write_all(&32u32.to_le_bytes())?;
    w.write_all(&bigint_to_le(&Fr::MODULUS))?;
    for n in [n_wires, 0, 1, 0] {
        // nWires, nPubOut, nPubIn, nPrvIn
        w.write_all(&n.to_le_bytes())?;
    }
    w.write_all(&u64::from(n_wires).to_le_bytes())?; // nLabels
    w.write_all(&n_constraints.to_le_bytes())?;

    write_section_header(&mut w, 2, constraints_size)?;
    for lc in rows.iter().flatten() {
        w.write_all(&to_u32(lc.len(), "terms")?.to_le_bytes())?;
        for (coeff, wire) in lc {
            w.write_all(&to_u32(*wire, "wires")?.to_le_bytes())?;
            w.write_all(&fr_to_le(coeff))?;
        }
    }

    write_section_header(&mut w, 3, 8 * u64::from(n_wires))?;
    for label in 0..u64::from(n_wires) {
        w.write_all(&label.to_le_bytes())?;
    }
    w.flush()?;
    Ok(info)
}

/// Synthesises `circuit` with its witness, checks that it is satisfied, and writes the full
/// assignment (constant one, public input, witness; the `.r1cs` wire order) as a circom
/// `.wtns` file (version 2), so snarkjs or rapidsnark can prove with a `.zkey`.
pub fn export_wtns<C: ConstraintSynthesizer<Fr>, W: Write>(
    circuit: C,
    writer: W,
) -> Result<CircuitInfo, Groth16Error> {
    let (cs, info) = synthesize(circuit, true)?;
    if let Some(failing) = cs.which_is_unsatisfied()? {
        return Err(Groth16Error::Unsatisfied(failing));
    }
    let values = [cs.instance_assignment()?, cs.witness_assignment()?].concat();
    let n = to_u32(values.len(), "wires")?;
    let mut w = BufWriter::new(writer);
    write_header(&mut w, b"wtns", 2, 2)?;
    write_section_header(&mut w, 1, 40)?;
    w.write_all(&32u32.to_le_bytes())?;
    w.write_all(&bigint_to_le(&Fr::MODULUS))?;
    w.write_all(&n.to_le_bytes())?;
    write_section_header(&mut w, 2, 32 * u64::from(n))?;
    for v in &values {
        w.write_all(&fr_to_le(v))?;
    }
    w.flush()?;
    Ok(info)
}

/// The circuit's identity: SHA-256 of its `.r1cs` file as [`export_r1cs`] writes it (built in
/// setup mode, so no witness is needed). Keys are cached under this digest.
pub fn r1cs_digest<C: ConstraintSynthesizer<Fr>>(
    circuit: C,
) -> Result<([u8; 32], CircuitInfo), Groth16Error> {
    struct HashWriter(sha2::Sha256);
    impl Write for HashWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            sha2::Digest::update(&mut self.0, buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hasher = HashWriter(sha2::Digest::new());
    let info = export_r1cs(circuit, &mut hasher)?;
    Ok((sha2::Digest::finalize(hasher.0).into(), info))
}
