// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.21;

import {Test} from "./utils/Test.sol";
import {CairnMockVerifier} from "../contracts/CairnMockVerifier.sol";
import {CairnVerifierGateway} from "../contracts/CairnVerifierGateway.sol";
import {CairnVerifierGroth16} from "../contracts/generated/CairnVerifierGroth16.sol";
import {CairnFixture} from "./fixtures/CairnFixture.sol";

/// @notice Routes and two-step ownership of the gateway.
contract CairnVerifierGatewayTest is Test {
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);

    CairnVerifierGateway internal gateway;
    CairnVerifierGroth16 internal verifier;
    bytes4 internal selector;

    function setUp() public {
        gateway = new CairnVerifierGateway(address(this));
        verifier = new CairnVerifierGroth16();
        selector = bytes4(verifier.VERIFIER_HASH());
    }

    // ------------------------------------------------------------------------------ routes

    function test_AddRoute() public {
        vm.expectEmit(address(gateway));
        emit CairnVerifierGateway.RouteAdded(selector, address(verifier));
        gateway.addRoute(address(verifier));
        (address routed, bool frozen) = gateway.routes(selector);
        assertEq(routed, address(verifier), "routed verifier");
        assertTrue(!frozen, "a new route is not frozen");
        gateway.verifyProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, CairnFixture.PROOF_BYTES);
    }

    function test_Revert_WhenRouteAlreadyExists() public {
        gateway.addRoute(address(verifier));
        CairnVerifierGroth16 again = new CairnVerifierGroth16();
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.RouteAlreadyExists.selector, address(verifier)));
        gateway.addRoute(address(again));
    }

    function test_Revert_WhenSelectorIsZero() public {
        CairnMockVerifier mock = new CairnMockVerifier();
        vm.expectRevert(CairnVerifierGateway.SelectorCannotBeZero.selector);
        gateway.addRoute(address(mock));
    }

    function test_FreezeRoute() public {
        gateway.addRoute(address(verifier));
        vm.expectEmit(address(gateway));
        emit CairnVerifierGateway.RouteFrozen(selector, address(verifier));
        gateway.freezeRoute(selector);
        (address routed, bool frozen) = gateway.routes(selector);
        assertEq(routed, address(verifier), "a frozen route keeps its verifier");
        assertTrue(frozen, "frozen");
    }

    function test_Revert_WhenRouteFrozen() public {
        gateway.addRoute(address(verifier));
        gateway.freezeRoute(selector);
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.RouteIsFrozen.selector, selector));
        gateway.verifyProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, CairnFixture.PROOF_BYTES);
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.RouteIsFrozen.selector, selector));
        gateway.freezeRoute(selector);
        // A frozen selector can never be routed again.
        CairnVerifierGroth16 again = new CairnVerifierGroth16();
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.RouteAlreadyExists.selector, address(verifier)));
        gateway.addRoute(address(again));
    }

    function test_Revert_WhenRouteUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.RouteNotFound.selector, selector));
        gateway.verifyProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, CairnFixture.PROOF_BYTES);
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.RouteNotFound.selector, selector));
        gateway.freezeRoute(selector);
    }

    // --------------------------------------------------------------------------- ownership

    function test_ConstructorSetsTheOwner() public {
        vm.expectEmit();
        emit CairnVerifierGateway.OwnershipTransferred(address(0), ALICE);
        CairnVerifierGateway other = new CairnVerifierGateway(ALICE);
        assertEq(other.owner(), ALICE, "owner");
        assertEq(other.pendingOwner(), address(0), "pending owner");
    }

    function test_Revert_WhenInitialOwnerIsZero() public {
        vm.expectRevert(CairnVerifierGateway.OwnerCannotBeZero.selector);
        new CairnVerifierGateway(address(0));
    }

    function test_Revert_WhenNonOwnerAddsRoute() public {
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.NotOwner.selector, BOB));
        vm.prank(BOB);
        gateway.addRoute(address(verifier));
    }

    function test_Revert_WhenNonOwnerFreezesRoute() public {
        gateway.addRoute(address(verifier));
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.NotOwner.selector, BOB));
        vm.prank(BOB);
        gateway.freezeRoute(selector);
    }

    function test_Revert_WhenNonOwnerTransfersOwnership() public {
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.NotOwner.selector, BOB));
        vm.prank(BOB);
        gateway.transferOwnership(BOB);
    }

    function test_TwoStepOwnershipTransfer() public {
        vm.expectEmit(true, true, false, true, address(gateway));
        emit CairnVerifierGateway.OwnershipTransferStarted(address(this), ALICE);
        gateway.transferOwnership(ALICE);
        assertEq(gateway.owner(), address(this), "the owner stays until the transfer is accepted");
        assertEq(gateway.pendingOwner(), ALICE, "pending owner");

        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.NotPendingOwner.selector, BOB));
        vm.prank(BOB);
        gateway.acceptOwnership();

        vm.expectEmit(true, true, false, true, address(gateway));
        emit CairnVerifierGateway.OwnershipTransferred(address(this), ALICE);
        vm.prank(ALICE);
        gateway.acceptOwnership();
        assertEq(gateway.owner(), ALICE, "new owner");
        assertEq(gateway.pendingOwner(), address(0), "no pending owner");

        // The old owner has no rights left; the new one has them all.
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.NotOwner.selector, address(this)));
        gateway.addRoute(address(verifier));
        vm.startPrank(ALICE);
        gateway.addRoute(address(verifier));
        gateway.freezeRoute(selector);
        vm.stopPrank();
    }

    function test_Revert_WhenAcceptingACancelledTransfer() public {
        gateway.transferOwnership(ALICE);
        gateway.transferOwnership(address(0));
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.NotPendingOwner.selector, ALICE));
        vm.prank(ALICE);
        gateway.acceptOwnership();
        assertEq(gateway.owner(), address(this), "owner");
    }

    function test_Revert_WhenAcceptingWithoutATransfer() public {
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.NotPendingOwner.selector, address(this)));
        gateway.acceptOwnership();
    }
}
