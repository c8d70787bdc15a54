//! The generated verifier contracts.

use ark_bn254::{Fq, Fr, G1Affine};
use ark_ff::{BigInteger, PrimeField};
use cairn_groth16::{g1_to_evm, g2_to_evm, selector, vk_hash, Groth16VerifyingKey, FIELD_BYTES};

use crate::SolidityError;

const GROTH16_VERIFIER: &str = include_str!("../templates/Groth16Verifier.sol");
const CAIRN_VERIFIER_GROTH16: &str = include_str!("../templates/CairnVerifierGroth16.sol");

/// A Groth16 verifier contract (`contract Groth16Verifier`) for `vk`, which must have exactly
/// one public input.
///
/// The key's points are embedded as constants (β, γ and δ negated), and the check
/// `e(A, B) · e(C, −δ) · e(vk_x, −γ) · e(α, −β) = 1` with `vk_x = IC0 + input · IC1` runs on the
/// BN254 precompiles (ecMul, ecAdd, one four-pair pairing) in inline assembly. The contract
/// rejects a public input not below r and proof coordinates not below q. It exposes
/// `verifyGroth16Proof(uint256[8] proof, uint256 input)` and, for contracts that inherit it,
/// `_verifyGroth16(uint256 calldataOffset, uint256 input)`. Its file imports nothing.
pub fn groth16_verifier(vk: &Groth16VerifyingKey) -> Result<String, SolidityError> {
    let [ic0, ic1] = ic_points(vk)?;
    let key = &vk.0;
    let mut values = vec![
        ("VERIFIER_HASH".to_owned(), word(&vk_hash(vk))),
        ("Q".to_owned(), word(&Fq::MODULUS.to_bytes_be())),
        ("R".to_owned(), word(&Fr::MODULUS.to_bytes_be())),
    ];
    let g1 = [("ALPHA", key.alpha_g1), ("IC0", ic0), ("IC1", ic1)];
    for (name, point) in g1 {
        let [x, y] = words::<2>(&g1_to_evm(&point));
        values.push((format!("{name}_X"), x));
        values.push((format!("{name}_Y"), y));
    }
    let g2 = [
        ("BETA_NEG", -key.beta_g2),
        ("GAMMA_NEG", -key.gamma_g2),
        ("DELTA_NEG", -key.delta_g2),
    ];
    for (name, point) in g2 {
        let [x1, x0, y1, y0] = words::<4>(&g2_to_evm(&point));
        for (part, value) in [("X1", x1), ("X0", x0), ("Y1", y1), ("Y0", y0)] {
            values.push((format!("{name}_{part}"), value));
        }
    }
    Ok(fill(GROTH16_VERIFIER, &values))
}

/// `contract CairnVerifierGroth16 is CairnVerifierBase, Groth16Verifier` for `vk`.
///
/// The file imports `../ICairnVerifier.sol`, `../CairnVerifierBase.sol` and
/// `./Groth16Verifier.sol` (the output of [`groth16_verifier`] for the same key): put it in a
/// folder next to the one holding the first two, as `contracts/generated/` is. `VERIFIER_HASH()`
/// returns [`cairn_groth16::vk_hash`]; `verifyProof` has `CairnVerifierBase` check the length of
/// `proofBytes` (260, else `InvalidProofLength`) and its selector (else `WrongVerifierSelector`)
/// and derive the public input `sha256(programVKey ‖ sha256(publicValues)) & (2²⁵³ − 1)`, and
/// reverts with `InvalidProof` unless the proof verifies.
pub fn cairn_verifier_groth16(vk: &Groth16VerifyingKey) -> Result<String, SolidityError> {
    let _ = ic_points(vk)?;
    let values = [
        ("VERIFIER_HASH", word(&vk_hash(vk))),
        ("SELECTOR", word(&selector(vk))),
    ];
    Ok(fill(CAIRN_VERIFIER_GROTH16, &values))
}

/// The key's two IC points; fails unless it has exactly one public input.
pub(crate) fn ic_points(vk: &Groth16VerifyingKey) -> Result<[G1Affine; 2], SolidityError> {
    match vk.0.gamma_abc_g1.as_slice() {
        [ic0, ic1] => Ok([*ic0, *ic1]),
        ic => Err(SolidityError::PublicInputCount {
            found: ic.len().saturating_sub(1),
        }),
    }
}

/// `0x` and the lower-case hex digits of `bytes`, as a Solidity literal.
pub(crate) fn word(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// The `N` 32-byte words of `bytes` (exactly `N · 32` of them) as literals.
fn words<const N: usize>(bytes: &[u8]) -> [String; N] {
    std::array::from_fn(|i| word(&bytes[i * FIELD_BYTES..(i + 1) * FIELD_BYTES]))
}

/// Replaces every `${NAME}` in `template`.
pub(crate) fn fill<K: AsRef<str>>(template: &str, values: &[(K, String)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("${{{}}}", name.as_ref()), value);
    }
    debug_assert!(
        !out.contains("${"),
        "a template placeholder was left unfilled"
    );
    out
}
