//! The PLONK verifier contract: `CairnVerifierPlonk`, the wrapper's checks and snark-verifier's
//! verifier for the key in one contract.

use crate::verifier::{fill, word};
use crate::SolidityError;

const CAIRN_VERIFIER_PLONK: &str = include_str!("../templates/CairnVerifierPlonk.sol");

/// snark-verifier's contract name.
const SNARK_VERIFIER_CONTRACT: &str = "contract Halo2Verifier {";
/// The start of the verifier's assembly block.
const ASSEMBLY_START: &str = "assembly (\"memory-safe\") {";
/// The verifier's check that it owns memory (the wrapper has allocated some before).
const MEMORY_CHECK: &str = "// Enforce that Solidity memory layout is respected\n            let data := mload(0x40)\n            if iszero(eq(data, 0x80)) {\n                revert(0, 0)\n            }";
/// Where the verifier reads its one public input (calldata word 0).
const INSTANCE_LOAD: &str = "mod(calldataload(0x0), f_q)";
/// The verifier's verdict on failure.
const FAILURE: &str = "if iszero(success) { revert(0, 0) }";
/// The verifier's check of each proof commitment: on its curve, coordinates reduced.
const POINT_CHECK: &str = "success := and(validate_ec_point(x, y), success)";
/// The verifier's verdict on success: end the call with empty return data.
const SUCCESS: &str = "return(0, 0)";
/// Our verdict on failure: `InvalidProof()` (its selector is the Solidity local `invalidProof`).
const REVERT_INVALID: &str =
    "if iszero(success) {\n                mstore(0, invalidProof)\n                revert(0, 4)\n            }";

/// The body of `CairnVerifierPlonk._verifyPlonk` from the code snark-verifier generated for a
/// key (`cairn_plonk::evm::snark_verifier_solidity`): the fallback's assembly, its calldata
/// reads moved from `publicInput ‖ proof` at offset 0 to the caller's `publicInput` and the
/// proof at calldata offset `proof`, its memory-ownership check dropped (nothing runs after
/// it), its bare revert made `InvalidProof()`, and that revert also taken at once when a proof
/// commitment is not a curve point (where the precompiles would burn the call's gas). Code not
/// shaped as snark-verifier 0.2.7 emits it is refused.
fn verifier_body(code: &str) -> Result<String, SolidityError> {
    let unexpected = SolidityError::UnexpectedVerifierCode;
    if !code.contains(SNARK_VERIFIER_CONTRACT) {
        return Err(unexpected(SNARK_VERIFIER_CONTRACT));
    }
    let open = code.find(ASSEMBLY_START).ok_or(unexpected(ASSEMBLY_START))? + ASSEMBLY_START.len();
    let mut depth = 1usize;
    let close = code[open..]
        .char_indices()
        .find_map(|(i, c)| {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(open + i)
        })
        .ok_or(unexpected("a closed assembly block"))?;
    let body = &code[open..close];
    for (what, count) in [(MEMORY_CHECK, 1), (INSTANCE_LOAD, 1), (FAILURE, 1), (SUCCESS, 1)] {
        if body.matches(what).count() != count {
            return Err(unexpected(what));
        }
    }
    if !body.contains(POINT_CHECK) {
        return Err(unexpected(POINT_CHECK));
    }
    if ["calldatacopy", "calldatasize", "codecopy", "sstore", "delegatecall"].iter().any(|op| body.contains(op)) {
        return Err(unexpected("calldata read only by calldataload"));
    }
    let body = body
        .replace(MEMORY_CHECK, "")
        .replace(INSTANCE_LOAD, "mod(publicInput, f_q)")
        .replace(FAILURE, REVERT_INVALID)
        // A commitment off the curve would make the precompiles it reaches consume all the gas
        // they are given: stop at the first one, with `InvalidProof`.
        .replace(POINT_CHECK, &format!("{POINT_CHECK}\n            {REVERT_INVALID}"));
    // Every other read is of the proof, which followed the 32-byte public input.
    let mut out = String::with_capacity(body.len() + body.len() / 8);
    let mut rest = body.as_str();
    while let Some(at) = rest.find("calldataload(") {
        let (before, after) = rest.split_at(at + "calldataload(".len());
        let end = after.find(')').ok_or(unexpected("calldataload(<offset>)"))?;
        let offset = after[..end]
            .strip_prefix("0x")
            .and_then(|hex| u64::from_str_radix(hex, 16).ok())
            .filter(|&o| o >= 0x20)
            .ok_or(unexpected("calldataload(<literal offset past the public input>)"))?;
        out.push_str(before);
        out.push_str(&format!("add(proof, {:#x}))", offset - 0x20));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out.trim().to_owned())
}

/// `CairnVerifierPlonk is CairnVerifierBase` for the key whose SHA-256 is `vk_hash`, whose proofs
/// are `proof_length` bytes and for which snark-verifier generated `snark_verifier_code`:
/// `verifyProof` has the base check the length (else `InvalidProofLength`) and selector (else
/// `WrongVerifierSelector`) of `proofBytes` and derive the public input, as for Groth16, and
/// runs snark-verifier's check in place (else `InvalidProof`). One contract, compiled
/// without the optimizer, which gains nothing on the verifier's hand-scheduled assembly.
pub fn cairn_verifier_plonk(
    snark_verifier_code: &str,
    vk_hash: &[u8; 32],
    proof_length: usize,
) -> Result<String, SolidityError> {
    let values = [
        ("VERIFIER_HASH", word(vk_hash)),
        ("SELECTOR", word(&vk_hash[..4])),
        ("PROOF_LENGTH", proof_length.to_string()),
        ("PROOF_BYTES_LENGTH", (proof_length + 4).to_string()),
        ("SNARK_VERIFIER_BODY", verifier_body(snark_verifier_code)?),
    ];
    Ok(fill(CAIRN_VERIFIER_PLONK, &values))
}
