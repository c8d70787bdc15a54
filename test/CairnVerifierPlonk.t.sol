// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.21;

import {Test} from "./utils/Test.sol";
import {CairnVerifierBase} from "../contracts/CairnVerifierBase.sol";
import {CairnVerifierGateway} from "../contracts/CairnVerifierGateway.sol";
import {CairnVerifierPlonk} from "../contracts/generated/CairnVerifierPlonk.sol";
import {CairnPlonkFixture} from "./fixtures/CairnPlonkFixture.sol";

/// @notice The PLONK verifier (`CairnVerifierPlonk`, snark-verifier's verifier inside) on the
/// fixture proof of the rollup batch: it verifies directly and through a gateway (next to no
/// other route), and every way of tampering with the proof or its inputs reverts with its
/// error. Everything comes from the fixture library, so the tests hold for whichever proof and
/// key are in place (`cargo test -p cairn-solidity --test regenerate -- --ignored regenerate_plonk`).
contract CairnVerifierPlonkTest is Test {
    CairnVerifierPlonk internal verifier;
    CairnVerifierGateway internal gateway;

    function setUp() public {
        verifier = new CairnVerifierPlonk();
        gateway = new CairnVerifierGateway(address(this));
        gateway.addRoute(address(verifier));
    }

    function _verify(bytes32 programVKey, bytes memory publicValues, bytes memory proofBytes) internal view {
        gateway.verifyProof(programVKey, publicValues, proofBytes);
    }

    function _selector(bytes memory proofBytes) internal pure returns (bytes4 selector) {
        assembly ("memory-safe") {
            selector := mload(add(proofBytes, 32))
        }
    }

    /// @dev A point off its curve makes a precompile consume the gas it is given: calls expected
    /// to fail are capped so that many fit in one test.
    uint256 internal constant GAS_CAP = 2_000_000;

    function _expectInvalid(bytes32 programVKey, bytes memory publicValues, bytes memory proofBytes) internal {
        vm.expectRevert(CairnVerifierPlonk.InvalidProof.selector);
        gateway.verifyProof{gas: GAS_CAP}(programVKey, publicValues, proofBytes);
    }

    // ---------------------------------------------------------------- accepting the fixture

    function test_VerifierHashIsTheFixtures() public view {
        assertEq(verifier.VERIFIER_HASH(), CairnPlonkFixture.VERIFIER_HASH, "VERIFIER_HASH");
        assertEq(
            uint256(uint32(bytes4(CairnPlonkFixture.PROOF_BYTES))),
            uint256(uint32(bytes4(CairnPlonkFixture.VERIFIER_HASH))),
            "selector"
        );
    }

    function test_FixtureVerifies() public view {
        verifier.verifyProof(CairnPlonkFixture.PROGRAM_VKEY, CairnPlonkFixture.PUBLIC_VALUES, CairnPlonkFixture.PROOF_BYTES);
    }

    /// @notice Gas of `verifyProof` through the gateway (cold gateway, route and verifiers).
    function test_Gas_VerifyProofThroughGateway() public view {
        _verify(CairnPlonkFixture.PROGRAM_VKEY, CairnPlonkFixture.PUBLIC_VALUES, CairnPlonkFixture.PROOF_BYTES);
    }

    function test_ProofIsUnderTheSizeOfItsKey() public pure {
        assertLe(CairnPlonkFixture.PROOF_BYTES.length, 4 + 4096, "proofBytes length");
    }

    // ---------------------------------------------------------------- tampered proofs

    /// @notice A bit flipped in each 32-byte word of the proof: commitments and evaluations.
    function test_Revert_WhenAnyProofWordTampered() public {
        bytes memory good = CairnPlonkFixture.PROOF_BYTES;
        for (uint256 at = 4; at < good.length; at += 32) {
            bytes memory proof = bytes.concat(good);
            proof[at + 31] ^= 0x01;
            _expectInvalid(CairnPlonkFixture.PROGRAM_VKEY, CairnPlonkFixture.PUBLIC_VALUES, proof);
        }
    }

    function test_Revert_WhenProofTooShort() public {
        bytes memory good = CairnPlonkFixture.PROOF_BYTES;
        bytes memory proof = new bytes(good.length - 1);
        for (uint256 i = 0; i < proof.length; i++) {
            proof[i] = good[i];
        }
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierBase.InvalidProofLength.selector, proof.length));
        _verify(CairnPlonkFixture.PROGRAM_VKEY, CairnPlonkFixture.PUBLIC_VALUES, proof);
    }

    function test_Revert_WhenProofTooLong() public {
        bytes memory proof = bytes.concat(CairnPlonkFixture.PROOF_BYTES, hex"00");
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierBase.InvalidProofLength.selector, proof.length));
        verifier.verifyProof(CairnPlonkFixture.PROGRAM_VKEY, CairnPlonkFixture.PUBLIC_VALUES, proof);
    }

    function test_Revert_WhenSelectorWrong() public {
        bytes memory proof = bytes.concat(CairnPlonkFixture.PROOF_BYTES);
        proof[3] ^= 0x01;
        bytes4 expected = bytes4(CairnPlonkFixture.VERIFIER_HASH);
        bytes4 received = bytes4(expected ^ bytes4(uint32(1)));
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierBase.WrongVerifierSelector.selector, received, expected));
        verifier.verifyProof(CairnPlonkFixture.PROGRAM_VKEY, CairnPlonkFixture.PUBLIC_VALUES, proof);
    }

    function test_Revert_WhenRoutedSelectorUnknown() public {
        bytes memory proof = bytes.concat(CairnPlonkFixture.PROOF_BYTES);
        proof[0] ^= 0x80;
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierGateway.RouteNotFound.selector, _selector(proof)));
        _verify(CairnPlonkFixture.PROGRAM_VKEY, CairnPlonkFixture.PUBLIC_VALUES, proof);
    }

    // ---------------------------------------------------------------- wrong statements

    function test_Revert_WhenProgramKeyWrong() public {
        bytes32 programVKey = CairnPlonkFixture.PROGRAM_VKEY ^ bytes32(uint256(1));
        _expectInvalid(programVKey, CairnPlonkFixture.PUBLIC_VALUES, CairnPlonkFixture.PROOF_BYTES);
    }

    function test_Revert_WhenPublicValuesTampered() public {
        bytes memory publicValues = bytes.concat(CairnPlonkFixture.PUBLIC_VALUES);
        publicValues[63] ^= 0x01;
        _expectInvalid(CairnPlonkFixture.PROGRAM_VKEY, publicValues, CairnPlonkFixture.PROOF_BYTES);
    }

    function test_Revert_WhenPublicValuesExtended() public {
        bytes memory publicValues = bytes.concat(CairnPlonkFixture.PUBLIC_VALUES, hex"00");
        _expectInvalid(CairnPlonkFixture.PROGRAM_VKEY, publicValues, CairnPlonkFixture.PROOF_BYTES);
    }

    // ---------------------------------------------------------------- calldata layout

    /// @dev `verifyProof`'s calldata with the tails in the given order (ABI allows any).
    function _calldata(bytes memory publicValues, bytes memory proofBytes, bool proofFirst)
        internal
        pure
        returns (bytes memory)
    {
        bytes memory first = proofFirst ? proofBytes : publicValues;
        bytes memory second = proofFirst ? publicValues : proofBytes;
        bytes memory firstTail = _tail(first);
        uint256 firstAt = 0x60;
        uint256 secondAt = firstAt + firstTail.length;
        (uint256 valuesAt, uint256 proofAt) = proofFirst ? (secondAt, firstAt) : (firstAt, secondAt);
        bytes memory head = bytes.concat(
            CairnVerifierPlonk.verifyProof.selector, abi.encode(CairnPlonkFixture.PROGRAM_VKEY, valuesAt, proofAt)
        );
        return bytes.concat(head, firstTail, _tail(second));
    }

    /// @dev A `bytes` tail as the ABI lays it out: its length, then its bytes zero-padded to a
    /// multiple of 32 (split in two `concat`s so that the optimized build's stack stays shallow).
    function _tail(bytes memory data) internal pure returns (bytes memory) {
        uint256 padding = (32 - data.length % 32) % 32;
        return bytes.concat(abi.encode(data.length), data, new bytes(padding));
    }

    /// @notice The proof is read where `proofBytes` lies in calldata, wherever the encoder put it
    /// (the verifier's reads are relative to it), and a tampered proof there is still refused.
    function test_ProofIsReadWhereverItLiesInCalldata() public view {
        bytes memory publicValues = CairnPlonkFixture.PUBLIC_VALUES;
        bytes memory proofBytes = CairnPlonkFixture.PROOF_BYTES;
        (bool ok, bytes memory ret) = address(verifier).staticcall(_calldata(publicValues, proofBytes, true));
        assertTrue(ok, "proof before the public values");
        assertEq(ret.length, 0, "verifyProof returns nothing");
        (ok,) = address(verifier).staticcall(_calldata(publicValues, proofBytes, false));
        assertTrue(ok, "proof after the public values");
        bytes memory tampered = bytes.concat(proofBytes);
        tampered[tampered.length - 1] ^= 0x01;
        (ok, ret) = address(verifier).staticcall{gas: GAS_CAP}(_calldata(publicValues, tampered, true));
        assertTrue(!ok, "a tampered proof before the public values");
        // forge-lint: disable-next-line(unsafe-typecast)
        assertEq(bytes4(ret), CairnVerifierPlonk.InvalidProof.selector, "InvalidProof: its selector starts the data");
    }
}
