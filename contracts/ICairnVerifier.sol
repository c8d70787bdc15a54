// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @title ICairnVerifier
/// @notice Checks proofs that a Cairn program (a RISC-V guest) ran to exit code 0 and committed
/// given public values.
/// @dev Identities (see DESIGN.md, "Identities and encodings"):
/// - `programVKey` binds the program; `cairn vkey <elf>` prints it.
/// - `publicValues` are the bytes the guest committed; the proof binds `sha256(publicValues)`.
/// - `proofBytes` is `selector ‖ proof`, where the 4-byte selector is `bytes4(VERIFIER_HASH())`
///   of the verifier the proof was made for. For Groth16 the proof is `A ‖ B ‖ C` in the EVM
///   encoding (4 + 256 bytes).
/// A `CairnVerifierGateway` has the same `verifyProof` and routes by the selector, but no
/// `VERIFIER_HASH`: a contract that holds a gateway as an `ICairnVerifier` calls only
/// `verifyProof` on it.
interface ICairnVerifier {
    /// @notice SHA-256 of the canonical encoding of the SNARK verifying key this contract checks
    /// proofs against. Its first 4 bytes are the selector that starts `proofBytes`.
    function VERIFIER_HASH() external view returns (bytes32);

    /// @notice Returns normally when `proofBytes` proves that the program with key `programVKey`
    /// committed `publicValues`; reverts otherwise.
    /// @param programVKey The program's verifying key digest.
    /// @param publicValues The bytes the program committed.
    /// @param proofBytes The selector followed by the proof.
    function verifyProof(bytes32 programVKey, bytes calldata publicValues, bytes calldata proofBytes)
        external
        view;
}
