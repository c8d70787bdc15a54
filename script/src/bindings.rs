//! Typed bindings for Cairn's contracts (`contracts/`), from their fixed ABI.
//!
//! Bytecode is not embedded: `deploy-verifier` compiles the sources at run time (the Groth16
//! verifier is generated from the verifying key), so these are interfaces only, plus the
//! constructors' argument types.

use alloy::sol;

sol! {
    /// Every Cairn verifier (`contracts/ICairnVerifier.sol`).
    #[sol(abi)]
    interface ICairnVerifier {
        /// `proofBytes` does not start with this verifier's selector.
        error WrongVerifierSelector(bytes4 received, bytes4 expected);
        /// `proofBytes` has the wrong length.
        error InvalidProofLength(uint256 length);
        /// The pairing check failed.
        error InvalidProof();

        /// SHA-256 of the SNARK verifying key; its first 4 bytes are the selector.
        function VERIFIER_HASH() external view returns (bytes32);
        /// Reverts unless `proofBytes` proves that `programVKey` committed `publicValues`.
        function verifyProof(bytes32 programVKey, bytes calldata publicValues, bytes calldata proofBytes) external view;
    }

    /// The router from proof selectors to verifiers (`contracts/CairnVerifierGateway.sol`).
    #[sol(abi)]
    contract CairnVerifierGateway {
        /// No verifier is routed for the selector.
        error RouteNotFound(bytes4 selector);
        /// The selector's route is frozen.
        error RouteIsFrozen(bytes4 selector);
        /// A route already exists for the verifier's selector.
        error RouteAlreadyExists(address verifier);
        /// Only the owner may do this.
        error NotOwner(address account);
        /// Only the pending owner may do this.
        error NotPendingOwner(address account);
        /// The verifier's VERIFIER_HASH starts with four zero bytes.
        error SelectorCannotBeZero();
        /// The initial owner is the zero address.
        error OwnerCannotBeZero();

        constructor(address initialOwner);
        /// Routes the verifier's selector (`bytes4(VERIFIER_HASH())`) to it (owner only).
        function addRoute(address verifier) external;
        /// Freezes a route (owner only).
        function freezeRoute(bytes4 selector) external;
        /// The route for a selector.
        function routes(bytes4 selector) external view returns (address verifier, bool frozen);
        /// The account allowed to add and freeze routes.
        function owner() external view returns (address);
        /// Forwards to the verifier routed for `proofBytes[:4]`.
        function verifyProof(bytes32 programVKey, bytes calldata publicValues, bytes calldata proofBytes) external view;
    }

    /// The example rollup (`contracts/examples/CairnRollup.sol`).
    #[sol(abi)]
    contract CairnRollup {
        /// `publicValues` is not `oldRoot ‖ newRoot` (64 bytes).
        error InvalidPublicValuesLength(uint256 length);
        /// The batch does not start from the current state root.
        error StateRootMismatch(bytes32 expected, bytes32 provided);

        /// A batch moved the state from `oldRoot` to `newRoot`.
        event BatchSubmitted(uint256 indexed batch, bytes32 oldRoot, bytes32 newRoot);

        constructor(address verifier, bytes32 programVKey, bytes32 genesisRoot);
        /// The current state root.
        function stateRoot() external view returns (bytes32);
        /// How many batches were accepted.
        function batchCount() external view returns (uint256);
        /// Checks the proof and moves the state to `publicValues[32:64]`.
        function submitBatch(bytes calldata publicValues, bytes calldata proof) external;
    }
}
