// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.21;

import {Test} from "./utils/Test.sol";
import {CairnMockVerifier} from "../contracts/CairnMockVerifier.sol";

contract CairnMockVerifierTest is Test {
    CairnMockVerifier internal mock;

    function setUp() public {
        mock = new CairnMockVerifier();
    }

    function test_AcceptsAnEmptyProof() public view {
        mock.verifyProof(bytes32(0), "", "");
        mock.verifyProof(keccak256("any program"), "any public values", "");
    }

    function test_VerifierHashIsZero() public view {
        assertEq(mock.VERIFIER_HASH(), bytes32(0), "VERIFIER_HASH");
    }

    function test_Revert_WhenProofNotEmpty() public {
        vm.expectRevert(CairnMockVerifier.InvalidProof.selector);
        mock.verifyProof(bytes32(0), "", hex"00");
        vm.expectRevert(CairnMockVerifier.InvalidProof.selector);
        mock.verifyProof(bytes32(0), "", new bytes(260));
    }
}
