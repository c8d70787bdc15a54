//! snarkjs' JSON forms (`verification_key.json`, `proof.json`, `public.json`): decimal
//! strings, projective coordinates with z = "1" (infinity: G1 `["0","1","0"]`, G2
//! `[["0","0"],["1","0"],["0","0"]]`), Fq2 elements as `[c0, c1]`, curve "bn128".

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::{pairing::Pairing, AffineRepr};
use ark_ff::{BigInt, PrimeField};
use ark_groth16::{Proof, VerifyingKey};
use num_bigint::BigUint;
use serde_json::{json, Value};

use crate::encoding::point_from_xy;
use crate::{EncodingError, Groth16Error, Groth16Proof, Groth16VerifyingKey};

fn g1_json(p: &G1Affine) -> Value {
    if p.is_zero() {
        return json!(["0", "1", "0"]);
    }
    json!([p.x.to_string(), p.y.to_string(), "1"])
}

fn fq2_json(f: &Fq2) -> Value {
    json!([f.c0.to_string(), f.c1.to_string()])
}

fn g2_json(p: &G2Affine) -> Value {
    if p.is_zero() {
        return json!([["0", "0"], ["1", "0"], ["0", "0"]]);
    }
    json!([fq2_json(&p.x), fq2_json(&p.y), ["1", "0"]])
}

/// `vk_alphabeta_12` = e(alpha, beta), as snarkjs writes it.
fn alphabeta_json(vk: &VerifyingKey<Bn254>) -> Value {
    let ab = Bn254::pairing(vk.alpha_g1, vk.beta_g2).0;
    let fq6 = |f: &ark_bn254::Fq6| json!([fq2_json(&f.c0), fq2_json(&f.c1), fq2_json(&f.c2)]);
    json!([fq6(&ab.c0), fq6(&ab.c1)])
}

/// snarkjs' `verification_key.json` for `vk`, including `vk_alphabeta_12` = e(alpha, beta).
pub fn to_snarkjs_vk_json(vk: &Groth16VerifyingKey) -> String {
    let vk = &vk.0;
    let value = json!({
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.gamma_abc_g1.len().saturating_sub(1),
        "vk_alpha_1": g1_json(&vk.alpha_g1),
        "vk_beta_2": g2_json(&vk.beta_g2),
        "vk_gamma_2": g2_json(&vk.gamma_g2),
        "vk_delta_2": g2_json(&vk.delta_g2),
        "vk_alphabeta_12": alphabeta_json(vk),
        "IC": vk.gamma_abc_g1.iter().map(g1_json).collect::<Vec<_>>(),
    });
    format!("{value:#}")
}

/// snarkjs' `proof.json` for `proof`.
pub fn to_snarkjs_proof_json(proof: &Groth16Proof) -> String {
    let p = &proof.0;
    let value = json!({
        "pi_a": g1_json(&p.a),
        "pi_b": g2_json(&p.b),
        "pi_c": g1_json(&p.c),
        "protocol": "groth16",
        "curve": "bn128",
    });
    format!("{value:#}")
}

/// snarkjs' `public.json` for the single public input.
pub fn to_snarkjs_public_json(input: Fr) -> String {
    format!("{:#}", json!([input.to_string()]))
}

fn syntax(msg: impl Into<String>) -> EncodingError {
    EncodingError::Syntax(msg.into())
}

/// A decimal string below the modulus of `F`.
fn decimal<F: PrimeField<BigInt = BigInt<4>>>(
    v: &Value,
    what: &'static str,
) -> Result<F, EncodingError> {
    let s = v
        .as_str()
        .ok_or_else(|| syntax(format!("{what}: expected a decimal string")))?;
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax(format!("{what}: '{s}' is not a decimal number")));
    }
    let n = BigUint::parse_bytes(s.as_bytes(), 10).ok_or_else(|| syntax(what))?;
    let out_of_range = || EncodingError::CoordinateOutOfRange { what };
    let big = BigInt::<4>::try_from(n).map_err(|_| out_of_range())?;
    F::from_bigint(big).ok_or_else(out_of_range)
}

fn array<'a>(v: &'a Value, n: usize, what: &'static str) -> Result<&'a [Value], EncodingError> {
    match v.as_array() {
        Some(a) if a.len() == n => Ok(a),
        _ => Err(syntax(format!("{what}: expected an array of {n}"))),
    }
}

fn g1_from_json(v: &Value, what: &'static str) -> Result<G1Affine, EncodingError> {
    let [x, y, z] = array(v, 3, what)? else {
        return Err(syntax(what));
    };
    match z.as_str() {
        Some("1") => point_from_xy(decimal(x, what)?, decimal(y, what)?, what),
        Some("0") => Ok(G1Affine::identity()),
        _ => Err(syntax(format!(
            "{what}: z must be \"1\" (or \"0\" for infinity)"
        ))),
    }
}

fn fq2_from_json(v: &Value, what: &'static str) -> Result<Fq2, EncodingError> {
    let [c0, c1] = array(v, 2, what)? else {
        return Err(syntax(what));
    };
    Ok(Fq2::new(decimal::<Fq>(c0, what)?, decimal::<Fq>(c1, what)?))
}

fn g2_from_json(v: &Value, what: &'static str) -> Result<G2Affine, EncodingError> {
    let [x, y, z] = array(v, 3, what)? else {
        return Err(syntax(what));
    };
    let z = fq2_from_json(z, what)?;
    if z == Fq2::from(0u64) {
        return Ok(G2Affine::identity());
    }
    if z != Fq2::from(1u64) {
        return Err(syntax(format!(
            "{what}: z must be [\"1\",\"0\"] (or zero for infinity)"
        )));
    }
    point_from_xy(fq2_from_json(x, what)?, fq2_from_json(y, what)?, what)
}

fn parse(text: &str) -> Result<Value, EncodingError> {
    serde_json::from_str(text).map_err(|e| syntax(format!("json: {e}")))
}

fn check_groth16_bn128(v: &Value) -> Result<(), EncodingError> {
    for (field, want) in [("protocol", "groth16"), ("curve", "bn128")] {
        if v.get(field).and_then(Value::as_str) != Some(want) {
            return Err(syntax(format!("\"{field}\" must be \"{want}\"")));
        }
    }
    Ok(())
}

/// Parses snarkjs' `proof.json` (Groth16, bn128), checking every point.
pub fn from_snarkjs_proof_json(text: &str) -> Result<Groth16Proof, Groth16Error> {
    let go = || -> Result<Groth16Proof, EncodingError> {
        let v = parse(text)?;
        check_groth16_bn128(&v)?;
        let a = g1_from_json(&v["pi_a"], "pi_a")?;
        let b = g2_from_json(&v["pi_b"], "pi_b")?;
        let c = g1_from_json(&v["pi_c"], "pi_c")?;
        Ok(Groth16Proof(Proof { a, b, c }))
    };
    go().map_err(Groth16Error::MalformedProof)
}

/// Parses snarkjs' `verification_key.json` (Groth16, bn128). `vk_alphabeta_12`, which
/// verifiers may use in place of `vk_alpha_1` and `vk_beta_2`, must be their pairing when present.
pub fn from_snarkjs_vk_json(text: &str) -> Result<Groth16VerifyingKey, Groth16Error> {
    let go = || -> Result<Groth16VerifyingKey, EncodingError> {
        let v = parse(text)?;
        check_groth16_bn128(&v)?;
        let ic = v["IC"]
            .as_array()
            .ok_or_else(|| syntax("IC: expected an array"))?;
        let n_public = v["nPublic"]
            .as_u64()
            .ok_or_else(|| syntax("nPublic: expected a number"))?;
        if ic.len() as u64 != n_public + 1 {
            return Err(syntax(format!(
                "{} IC points for nPublic = {n_public}",
                ic.len()
            )));
        }
        let vk = VerifyingKey {
            alpha_g1: g1_from_json(&v["vk_alpha_1"], "vk_alpha_1")?,
            beta_g2: g2_from_json(&v["vk_beta_2"], "vk_beta_2")?,
            gamma_g2: g2_from_json(&v["vk_gamma_2"], "vk_gamma_2")?,
            delta_g2: g2_from_json(&v["vk_delta_2"], "vk_delta_2")?,
            gamma_abc_g1: ic
                .iter()
                .map(|p| g1_from_json(p, "IC"))
                .collect::<Result<_, _>>()?,
        };
        let alphabeta = &v["vk_alphabeta_12"];
        if !alphabeta.is_null() && *alphabeta != alphabeta_json(&vk) {
            return Err(syntax("vk_alphabeta_12 is not e(vk_alpha_1, vk_beta_2)"));
        }
        Ok(Groth16VerifyingKey(vk))
    };
    go().map_err(Groth16Error::MalformedVerifyingKey)
}

/// Parses snarkjs' `public.json`, which must hold exactly one input below the modulus.
pub fn from_snarkjs_public_json(text: &str) -> Result<Fr, Groth16Error> {
    let go = || -> Result<Fr, EncodingError> {
        let v = parse(text)?;
        let [x] = array(&v, 1, "public.json")? else {
            return Err(syntax("public.json"));
        };
        decimal::<Fr>(x, "public input").map_err(|e| match e {
            EncodingError::CoordinateOutOfRange { what } => {
                EncodingError::ScalarOutOfRange { what }
            }
            e => e,
        })
    };
    go().map_err(Groth16Error::MalformedPublicInput)
}
