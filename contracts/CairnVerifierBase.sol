// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

import {ICairnVerifier} from "./ICairnVerifier.sol";

/// @title CairnVerifierBase
/// @notice What every Cairn verifier checks before its SNARK, whatever the proof system: the
/// length and the selector of `proofBytes`, and the SNARK's one public input, derived from
/// `programVKey` and `publicValues`.
/// @dev The generated verifiers (`CairnVerifierGroth16`, `CairnVerifierPlonk`) derive from it with
/// their key's selector and proof length. See DESIGN.md, "Identities and encodings".
abstract contract CairnVerifierBase is ICairnVerifier {
    /// @notice `proofBytes` does not have the length of this verifier's proofs.
    error InvalidProofLength(uint256 length);
    /// @notice `proofBytes` was made for another verifying key.
    error WrongVerifierSelector(bytes4 received, bytes4 expected);

    /// @dev The low 253 bits: the public input is one BN254 scalar.
    uint256 private constant _PUBLIC_INPUT_MASK = (1 << 253) - 1;

    /// @dev Checks that `proofBytes` is `selector ‖ proof`, `length` bytes in all; returns the
    /// SNARK's public input, `sha256(programVKey ‖ sha256(publicValues))` with its top 3 bits
    /// cleared, and the calldata offset of `proof`.
    function _publicInputAndProof(
        bytes32 programVKey,
        bytes calldata publicValues,
        bytes calldata proofBytes,
        bytes4 selector,
        uint256 length
    ) internal pure returns (uint256 publicInput, uint256 proofOffset) {
        if (proofBytes.length != length) revert InvalidProofLength(proofBytes.length);
        bytes4 received = bytes4(proofBytes[:4]);
        if (received != selector) revert WrongVerifierSelector(received, selector);
        bytes32 publicValuesDigest = sha256(publicValues);
        publicInput = uint256(sha256(abi.encodePacked(programVKey, publicValuesDigest))) & _PUBLIC_INPUT_MASK;
        assembly ("memory-safe") {
            proofOffset := add(proofBytes.offset, 4)
        }
    }
}
