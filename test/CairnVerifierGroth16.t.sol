// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.21;

import {CairnVerifierTest} from "./generated/CairnVerifier.t.sol";
import {CairnVerifierBase} from "../contracts/CairnVerifierBase.sol";
import {CairnVerifierGateway} from "../contracts/CairnVerifierGateway.sol";
import {CairnVerifierGroth16} from "../contracts/generated/CairnVerifierGroth16.sol";
import {Groth16Verifier} from "../contracts/generated/Groth16Verifier.sol";
import {CairnFixture} from "./fixtures/CairnFixture.sol";

/// @notice The generated verifier on the fixture proof: directly, through a gateway, and every
/// way of tampering with its inputs. Everything comes from the fixture library, so these tests
/// hold for whichever proof (and key) is in place. The set-up (a verifier and a gateway routing
/// to it) and the basic checks (the fixture verifies both ways, VERIFIER_HASH is the
/// fixture's) come from the generated test, which this one extends.
contract CairnVerifierGroth16Test is CairnVerifierTest {
    /// @dev A failing precompile call consumes the gas it is given: calls expected to fail
    /// are capped so that many fit in one test.
    uint256 internal constant GAS_CAP = 1_000_000;
    /// @dev The BN254 base-field modulus.
    uint256 internal constant Q = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47;
    /// @dev The BN254 scalar-field modulus.
    uint256 internal constant R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    // ---------------------------------------------------------------- accepting the fixture

    function test_ProofBytesStartWithTheSelector() public pure {
        bytes4 expected = bytes4(CairnFixture.VERIFIER_HASH);
        assertEq(uint256(uint32(_selector(CairnFixture.PROOF_BYTES))), uint256(uint32(expected)), "selector");
        assertEq(CairnFixture.PROOF_BYTES.length, 260, "proofBytes length");
    }

    function test_GenericVerifierAcceptsTheFixture() public view {
        verifier.verifyGroth16Proof(_proofWords(CairnFixture.PROOF_BYTES), _publicInput());
    }

    /// @notice Gas of `verifyProof` through the gateway (cold gateway, route and verifier).
    function test_Gas_VerifyProofThroughGateway() public view {
        bytes32 programVKey = CairnFixture.PROGRAM_VKEY;
        bytes memory publicValues = CairnFixture.PUBLIC_VALUES;
        bytes memory proofBytes = CairnFixture.PROOF_BYTES;
        uint256 before = gasleft();
        gateway.verifyProof(programVKey, publicValues, proofBytes);
        uint256 used = before - gasleft();
        assertLe(used, 215_000, "gas of verifyProof through the gateway");
    }

    // ------------------------------------------------------------------ tampered proofBytes

    function test_Revert_WhenSelectorByteTampered() public {
        bytes4 expected = bytes4(CairnFixture.VERIFIER_HASH);
        for (uint256 i = 0; i < 4; i++) {
            bytes memory proof = _flip(CairnFixture.PROOF_BYTES, i, 0x01);
            bytes4 received = _selector(proof);
            vm.expectRevert(abi.encodeWithSelector(CairnVerifierBase.WrongVerifierSelector.selector, received, expected));
            verifier.verifyProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, proof);
            vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.RouteNotFound.selector, received));
            gateway.verifyProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, proof);
        }
    }

    function test_Revert_WhenProofATampered() public {
        _expectEveryWordFlipRejected(0, 2);
    }

    function test_Revert_WhenProofBTampered() public {
        _expectEveryWordFlipRejected(2, 6);
    }

    function test_Revert_WhenProofCTampered() public {
        _expectEveryWordFlipRejected(6, 8);
    }

    /// @notice `c + q` is the same field element as `c`, but the verifier takes only reduced
    /// coordinates (no second encoding of a proof).
    function test_Revert_WhenCoordinateNotReduced() public {
        for (uint256 w = 0; w < 8; w++) {
            bytes memory proof = CairnFixture.PROOF_BYTES;
            uint256 at = 4 + 32 * w;
            _storeWord(proof, at, _loadWord(proof, at) + Q);
            _expectInvalidProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, proof);
        }
    }

    function test_Revert_WhenProofTooShort() public {
        _expectInvalidLength(_truncate(CairnFixture.PROOF_BYTES, 259));
    }

    function test_Revert_WhenProofTooLong() public {
        _expectInvalidLength(bytes.concat(CairnFixture.PROOF_BYTES, hex"00"));
    }

    function test_Revert_WhenProofShorterThanSelector() public {
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierBase.InvalidProofLength.selector, 0));
        verifier.verifyProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, "");
        for (uint256 n = 0; n < 4; n++) {
            vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.RouteNotFound.selector, bytes4(0)));
            gateway.verifyProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, _truncate(CairnFixture.PROOF_BYTES, n));
        }
    }

    // ------------------------------------------------------- wrong key or public values

    function test_Revert_WhenProgramKeyWrong() public {
        _expectInvalidProof(CairnFixture.PROGRAM_VKEY ^ bytes32(uint256(1)), CairnFixture.PUBLIC_VALUES, CairnFixture.PROOF_BYTES);
        _expectInvalidProof(bytes32(0), CairnFixture.PUBLIC_VALUES, CairnFixture.PROOF_BYTES);
    }

    function test_Revert_WhenPublicValuesTampered() public {
        bytes memory values = CairnFixture.PUBLIC_VALUES;
        if (values.length > 0) {
            _expectInvalidProof(CairnFixture.PROGRAM_VKEY, _flip(values, 0, 0x01), CairnFixture.PROOF_BYTES);
            _expectInvalidProof(CairnFixture.PROGRAM_VKEY, _flip(values, values.length - 1, 0x80), CairnFixture.PROOF_BYTES);
            _expectInvalidProof(CairnFixture.PROGRAM_VKEY, _truncate(values, values.length - 1), CairnFixture.PROOF_BYTES);
        }
        _expectInvalidProof(CairnFixture.PROGRAM_VKEY, bytes.concat(values, hex"00"), CairnFixture.PROOF_BYTES);
    }

    function test_Revert_WhenPublicInputWrong() public {
        uint256[8] memory proof = _proofWords(CairnFixture.PROOF_BYTES);
        uint256 input = _publicInput();
        vm.expectRevert(Groth16Verifier.InvalidProof.selector);
        verifier.verifyGroth16Proof{gas: GAS_CAP}(proof, input ^ 1);
    }

    function test_Revert_WhenPublicInputNotInField() public {
        uint256[8] memory proof = _proofWords(CairnFixture.PROOF_BYTES);
        // Computed first: expectRevert applies to the next call, and sha256 is one.
        uint256 input = _publicInput();
        vm.expectRevert(Groth16Verifier.PublicInputNotInField.selector);
        verifier.verifyGroth16Proof(proof, input + R);
        vm.expectRevert(Groth16Verifier.PublicInputNotInField.selector);
        verifier.verifyGroth16Proof(proof, type(uint256).max);
    }

    // ----------------------------------------------------------------------------- helpers

    /// @dev Flips the lowest and the highest bit of each proof word in `[from, to)` (A: 0–1,
    /// B: 2–5, C: 6–7): off the curve, or not below q.
    function _expectEveryWordFlipRejected(uint256 from, uint256 to) internal {
        for (uint256 w = from; w < to; w++) {
            uint256 at = 4 + 32 * w;
            bytes memory low = _flip(CairnFixture.PROOF_BYTES, at + 31, 0x01);
            _expectInvalidProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, low);
            bytes memory high = _flip(CairnFixture.PROOF_BYTES, at, 0x80);
            _expectInvalidProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, high);
        }
    }

    /// @dev Expects `InvalidProofLength` from the verifier, directly and through the gateway.
    function _expectInvalidLength(bytes memory proof) internal {
        bytes memory err = abi.encodeWithSelector(CairnVerifierBase.InvalidProofLength.selector, proof.length);
        vm.expectRevert(err);
        verifier.verifyProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, proof);
        vm.expectRevert(err);
        gateway.verifyProof(CairnFixture.PROGRAM_VKEY, CairnFixture.PUBLIC_VALUES, proof);
    }

    /// @dev Expects `InvalidProof` from the verifier and from the gateway.
    function _expectInvalidProof(bytes32 programVKey, bytes memory publicValues, bytes memory proof) internal {
        vm.expectRevert(Groth16Verifier.InvalidProof.selector);
        verifier.verifyProof{gas: GAS_CAP}(programVKey, publicValues, proof);
        vm.expectRevert(Groth16Verifier.InvalidProof.selector);
        gateway.verifyProof{gas: GAS_CAP}(programVKey, publicValues, proof);
    }

    /// @dev The public input of the fixture, as the verifier derives it.
    function _publicInput() internal pure returns (uint256) {
        bytes32 digest = sha256(CairnFixture.PUBLIC_VALUES);
        return uint256(sha256(abi.encodePacked(CairnFixture.PROGRAM_VKEY, digest))) & ((1 << 253) - 1);
    }

    /// @dev The 8 words after the selector.
    function _proofWords(bytes memory proofBytes) internal pure returns (uint256[8] memory words) {
        for (uint256 w = 0; w < 8; w++) {
            words[w] = _loadWord(proofBytes, 4 + 32 * w);
        }
    }

    function _selector(bytes memory data) internal pure returns (bytes4 s) {
        assembly ("memory-safe") {
            s := mload(add(data, 0x20))
        }
    }

    /// @dev A copy of `data` with `mask` xored into byte `at`.
    function _flip(bytes memory data, uint256 at, bytes1 mask) internal pure returns (bytes memory out) {
        out = bytes.concat(data);
        out[at] ^= mask;
    }

    /// @dev The first `n` bytes of `data`.
    function _truncate(bytes memory data, uint256 n) internal pure returns (bytes memory out) {
        out = new bytes(n);
        for (uint256 i = 0; i < n; i++) {
            out[i] = data[i];
        }
    }

    function _loadWord(bytes memory data, uint256 at) internal pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := mload(add(add(data, 0x20), at))
        }
    }

    function _storeWord(bytes memory data, uint256 at, uint256 value) internal pure {
        assembly ("memory-safe") {
            mstore(add(add(data, 0x20), at), value)
        }
    }
}
