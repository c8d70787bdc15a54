// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

import {ICairnVerifier} from "./ICairnVerifier.sol";

/// @title CairnMockVerifier
/// @notice A MOCK verifier for application tests: it accepts any program key and public values
/// with an EMPTY `proofBytes`, and checks nothing else. Never deploy it where proofs matter.
/// @dev Its VERIFIER_HASH is zero, so a `CairnVerifierGateway` refuses to route to it
/// (`SelectorCannotBeZero`): applications test against the mock directly.
contract CairnMockVerifier is ICairnVerifier {
    /// @notice `proofBytes` was not empty.
    error InvalidProof();

    /// @inheritdoc ICairnVerifier
    function VERIFIER_HASH() external pure returns (bytes32) {
        return bytes32(0);
    }

    /// @notice Returns when `proofBytes` is empty, reverts with `InvalidProof` otherwise.
    /// @inheritdoc ICairnVerifier
    function verifyProof(bytes32, bytes calldata, bytes calldata proofBytes) external pure {
        if (proofBytes.length != 0) revert InvalidProof();
    }
}
