// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.21;

import {Test} from "./utils/Test.sol";
import {ICairnVerifier} from "../contracts/ICairnVerifier.sol";
import {CairnMockVerifier} from "../contracts/CairnMockVerifier.sol";
import {CairnVerifierGateway} from "../contracts/CairnVerifierGateway.sol";
import {CairnRollup} from "../contracts/examples/CairnRollup.sol";
import {CairnVerifierGroth16} from "../contracts/generated/CairnVerifierGroth16.sol";
import {Groth16Verifier} from "../contracts/generated/Groth16Verifier.sol";
import {CairnFixture} from "./fixtures/CairnFixture.sol";

/// @notice The example rollup with the fixture batch (public values `oldRoot ‖ newRoot`),
/// through a gateway, and with the mock verifier.
contract CairnRollupTest is Test {
    CairnVerifierGateway internal gateway;
    CairnRollup internal rollup;
    bytes32 internal oldRoot;
    bytes32 internal newRoot;

    function setUp() public {
        bytes memory values = CairnFixture.PUBLIC_VALUES;
        assertEq(values.length, 64, "the fixture's public values are oldRoot || newRoot");
        (oldRoot, newRoot) = abi.decode(values, (bytes32, bytes32));
        assertTrue(oldRoot != newRoot, "the fixture batch changes the root");
        gateway = new CairnVerifierGateway(address(this));
        gateway.addRoute(address(new CairnVerifierGroth16()));
        rollup = new CairnRollup(ICairnVerifier(address(gateway)), CairnFixture.PROGRAM_VKEY, oldRoot);
    }

    function test_SubmitBatchAdvancesTheRoot() public {
        vm.expectEmit(true, false, false, true, address(rollup));
        emit CairnRollup.BatchSubmitted(0, oldRoot, newRoot);
        rollup.submitBatch(CairnFixture.PUBLIC_VALUES, CairnFixture.PROOF_BYTES);
        assertEq(rollup.stateRoot(), newRoot, "state root");
        assertEq(rollup.batchCount(), 1, "batch count");
    }

    function test_Revert_WhenBatchReplayed() public {
        rollup.submitBatch(CairnFixture.PUBLIC_VALUES, CairnFixture.PROOF_BYTES);
        vm.expectRevert(abi.encodeWithSelector(CairnRollup.StateRootMismatch.selector, newRoot, oldRoot));
        rollup.submitBatch(CairnFixture.PUBLIC_VALUES, CairnFixture.PROOF_BYTES);
        assertEq(rollup.batchCount(), 1, "batch count");
    }

    function test_Revert_WhenBatchStartsFromAnotherRoot() public {
        bytes32 other = keccak256("another root");
        CairnRollup elsewhere = new CairnRollup(ICairnVerifier(address(gateway)), CairnFixture.PROGRAM_VKEY, other);
        vm.expectRevert(abi.encodeWithSelector(CairnRollup.StateRootMismatch.selector, other, oldRoot));
        elsewhere.submitBatch(CairnFixture.PUBLIC_VALUES, CairnFixture.PROOF_BYTES);
    }

    function test_Revert_WhenPublicValuesLengthWrong() public {
        vm.expectRevert(abi.encodeWithSelector(CairnRollup.InvalidPublicValuesLength.selector, 63));
        rollup.submitBatch(new bytes(63), CairnFixture.PROOF_BYTES);
        vm.expectRevert(abi.encodeWithSelector(CairnRollup.InvalidPublicValuesLength.selector, 65));
        rollup.submitBatch(bytes.concat(CairnFixture.PUBLIC_VALUES, hex"00"), CairnFixture.PROOF_BYTES);
    }

    function test_Revert_WhenNewRootNotProven() public {
        bytes memory forged = abi.encodePacked(oldRoot, keccak256("a root the program never computed"));
        vm.expectRevert(Groth16Verifier.InvalidProof.selector);
        rollup.submitBatch(forged, CairnFixture.PROOF_BYTES);
        assertEq(rollup.stateRoot(), oldRoot, "state root");
    }

    function test_Revert_WhenProgramKeyDiffers() public {
        bytes32 otherProgram = CairnFixture.PROGRAM_VKEY ^ bytes32(uint256(1));
        CairnRollup other = new CairnRollup(ICairnVerifier(address(gateway)), otherProgram, oldRoot);
        vm.expectRevert(Groth16Verifier.InvalidProof.selector);
        other.submitBatch(CairnFixture.PUBLIC_VALUES, CairnFixture.PROOF_BYTES);
    }

    function test_MockVerifierForApplicationTests() public {
        CairnMockVerifier mock = new CairnMockVerifier();
        CairnRollup mocked = new CairnRollup(mock, bytes32(0), oldRoot);
        mocked.submitBatch(CairnFixture.PUBLIC_VALUES, "");
        assertEq(mocked.stateRoot(), newRoot, "state root");
        vm.expectRevert(CairnMockVerifier.InvalidProof.selector);
        mocked.submitBatch(abi.encodePacked(newRoot, oldRoot), hex"01");
    }
}
