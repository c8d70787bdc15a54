// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

import {ICairnVerifier} from "../ICairnVerifier.sol";

/// @title CairnRollup
/// @notice An example application: a toy rollup whose state root advances only with a proof
/// that the rollup program (zkvm/examples/rollup) moved the state from the current root.
/// @dev The program commits 64 bytes of public values: `oldRoot ‖ newRoot`. A batch is
/// accepted when the proof verifies and `oldRoot` is the stored root, so a replayed batch
/// fails with `StateRootMismatch`.
contract CairnRollup {
    /// @notice The verifier (usually a `CairnVerifierGateway`); only `verifyProof` is called.
    ICairnVerifier public immutable verifier;
    /// @notice The rollup program's verifying key digest (`cairn vkey`).
    bytes32 public immutable programVKey;
    /// @notice The current state root.
    bytes32 public stateRoot;
    /// @notice How many batches were accepted.
    uint256 public batchCount;

    /// @notice Batch number `batch` (counting from 0) moved the state from `oldRoot` to `newRoot`.
    event BatchSubmitted(uint256 indexed batch, bytes32 oldRoot, bytes32 newRoot);

    /// @notice The public values are not `oldRoot ‖ newRoot` (64 bytes).
    error InvalidPublicValuesLength(uint256 length);
    /// @notice The batch starts from `provided`, but the state root is `expected`.
    error StateRootMismatch(bytes32 expected, bytes32 provided);

    /// @param verifier_ The verifier or gateway.
    /// @param programVKey_ The rollup program's verifying key digest.
    /// @param genesisRoot The initial state root.
    constructor(ICairnVerifier verifier_, bytes32 programVKey_, bytes32 genesisRoot) {
        verifier = verifier_;
        programVKey = programVKey_;
        stateRoot = genesisRoot;
    }

    /// @notice Applies a proven batch.
    /// @param publicValues `oldRoot ‖ newRoot`, as the program committed them.
    /// @param proof The proof (`proofBytes`) for `publicValues`.
    function submitBatch(bytes calldata publicValues, bytes calldata proof) external {
        if (publicValues.length != 64) revert InvalidPublicValuesLength(publicValues.length);
        bytes32 oldRoot = bytes32(publicValues[:32]);
        bytes32 newRoot = bytes32(publicValues[32:]);
        if (oldRoot != stateRoot) revert StateRootMismatch(stateRoot, oldRoot);
        verifier.verifyProof(programVKey, publicValues, proof);
        stateRoot = newRoot;
        emit BatchSubmitted(batchCount, oldRoot, newRoot);
        batchCount += 1;
    }
}
