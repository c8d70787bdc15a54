// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

import {ICairnVerifier} from "./ICairnVerifier.sol";

/// @title CairnVerifierGateway
/// @notice Routes each proof to the verifier its selector names, so that applications keep one
/// address while verifiers are added (new keys, new proof systems) and retired.
/// @dev `proofBytes` starts with a 4-byte selector, `bytes4(VERIFIER_HASH())` of the verifier
/// it was made for. The owner adds a route per verifier and can freeze a route for good (for
/// example when a key turns out to be unsound); a frozen route's selector can never be routed
/// again. The gateway has the same `verifyProof` as `ICairnVerifier` but no `VERIFIER_HASH`
/// (it stands for many keys), so applications may hold it as an `ICairnVerifier` and call
/// `verifyProof` only. Ownership moves in two steps (`transferOwnership`, then
/// `acceptOwnership` by the new owner).
contract CairnVerifierGateway {
    /// @notice A verifier and whether its route is frozen.
    struct VerifierRoute {
        address verifier;
        bool frozen;
    }

    /// @notice The route of each selector (`verifier == address(0)` when there is none).
    mapping(bytes4 => VerifierRoute) public routes;

    /// @notice The account allowed to add and freeze routes.
    address public owner;

    /// @notice The account that may accept ownership, or `address(0)`.
    address public pendingOwner;

    /// @notice A route was added.
    event RouteAdded(bytes4 selector, address verifier);
    /// @notice A route was frozen: its proofs are refused from now on.
    event RouteFrozen(bytes4 selector, address verifier);
    /// @notice `newOwner` may now accept ownership (`address(0)`: a pending transfer was cancelled).
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    /// @notice Ownership changed hands.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice The verifier's selector is already routed (to `verifier`, frozen or not).
    error RouteAlreadyExists(address verifier);
    /// @notice The verifier's VERIFIER_HASH starts with four zero bytes (mock verifiers do).
    error SelectorCannotBeZero();
    /// @notice No verifier is routed for `selector` (also for `proofBytes` shorter than 4 bytes,
    /// with selector 0).
    error RouteNotFound(bytes4 selector);
    /// @notice The route of `selector` is frozen.
    error RouteIsFrozen(bytes4 selector);
    /// @notice Only the owner may do this.
    error NotOwner(address caller);
    /// @notice Only the pending owner may accept ownership.
    error NotPendingOwner(address caller);
    /// @notice The initial owner cannot be the zero address.
    error OwnerCannotBeZero();

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /// @param initialOwner The account allowed to manage routes.
    constructor(address initialOwner) {
        if (initialOwner == address(0)) revert OwnerCannotBeZero();
        owner = initialOwner;
        emit OwnershipTransferred(address(0), initialOwner);
    }

    /// @notice Routes proofs whose selector is `bytes4(verifier.VERIFIER_HASH())` to `verifier`.
    /// @param verifier A deployed `ICairnVerifier`.
    function addRoute(address verifier) external onlyOwner {
        bytes4 selector = bytes4(ICairnVerifier(verifier).VERIFIER_HASH());
        if (selector == bytes4(0)) revert SelectorCannotBeZero();
        address existing = routes[selector].verifier;
        if (existing != address(0)) revert RouteAlreadyExists(existing);
        routes[selector] = VerifierRoute({verifier: verifier, frozen: false});
        emit RouteAdded(selector, verifier);
    }

    /// @notice Refuses, for good, every proof with `selector`.
    /// @param selector The route to freeze.
    function freezeRoute(bytes4 selector) external onlyOwner {
        VerifierRoute storage route = routes[selector];
        if (route.verifier == address(0)) revert RouteNotFound(selector);
        if (route.frozen) revert RouteIsFrozen(selector);
        route.frozen = true;
        emit RouteFrozen(selector, route.verifier);
    }

    /// @notice Checks the proof with the verifier its first 4 bytes name; reverts when there is
    /// no such route, the route is frozen, or the verifier reverts (its error is passed on).
    /// @param programVKey The program's verifying key digest.
    /// @param publicValues The bytes the program committed.
    /// @param proofBytes The selector followed by the proof.
    function verifyProof(bytes32 programVKey, bytes calldata publicValues, bytes calldata proofBytes)
        external
        view
    {
        if (proofBytes.length < 4) revert RouteNotFound(bytes4(0));
        bytes4 selector = bytes4(proofBytes[:4]);
        VerifierRoute memory route = routes[selector];
        if (route.verifier == address(0)) revert RouteNotFound(selector);
        if (route.frozen) revert RouteIsFrozen(selector);
        ICairnVerifier(route.verifier).verifyProof(programVKey, publicValues, proofBytes);
    }

    /// @notice Starts moving ownership to `newOwner`, who must call `acceptOwnership`;
    /// `address(0)` cancels a pending transfer.
    /// @param newOwner The proposed owner.
    function transferOwnership(address newOwner) external onlyOwner {
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(owner, newOwner);
    }

    /// @notice Completes a transfer started by `transferOwnership`; only the pending owner.
    function acceptOwnership() external {
        if (msg.sender != pendingOwner) revert NotPendingOwner(msg.sender);
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        pendingOwner = address(0);
    }
}
