// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.21;

import {Test} from "./utils/Test.sol";
import {CairnVerifierGateway} from "../contracts/CairnVerifierGateway.sol";
import {CairnVerifierPlonk} from "../contracts/generated/CairnVerifierPlonk.sol";
import {PlonkVerifier} from "../contracts/generated/PlonkVerifier.sol";
import {CairnPlonkFixture} from "./fixtures/CairnPlonkFixture.sol";

/// @notice The PLONK verifier (snark-verifier's contract behind `CairnVerifierPlonk`) on the
/// fixture proof of the rollup batch: it verifies directly and through a gateway (next to no
/// other route), and every way of tampering with the proof or its inputs reverts with its
/// error. Everything comes from the fixture library, so the tests hold for whichever proof and
/// key are in place (`cargo test -p cairn-solidity --test regenerate -- --ignored regenerate_plonk`).
contract CairnVerifierPlonkTest is Test {
    CairnVerifierPlonk internal verifier;
    CairnVerifierGateway internal gateway;
    address internal plonk;

    function setUp() public {
        plonk = address(new PlonkVerifier());
        verifier = new CairnVerifierPlonk(plonk);
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
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierPlonk.InvalidProofLength.selector, proof.length));
        _verify(CairnPlonkFixture.PROGRAM_VKEY, CairnPlonkFixture.PUBLIC_VALUES, proof);
    }

    function test_Revert_WhenProofTooLong() public {
        bytes memory proof = bytes.concat(CairnPlonkFixture.PROOF_BYTES, hex"00");
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierPlonk.InvalidProofLength.selector, proof.length));
        verifier.verifyProof(CairnPlonkFixture.PROGRAM_VKEY, CairnPlonkFixture.PUBLIC_VALUES, proof);
    }

    function test_Revert_WhenSelectorWrong() public {
        bytes memory proof = bytes.concat(CairnPlonkFixture.PROOF_BYTES);
        proof[3] ^= 0x01;
        bytes4 expected = bytes4(CairnPlonkFixture.VERIFIER_HASH);
        bytes4 received = bytes4(expected ^ bytes4(uint32(1)));
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierPlonk.WrongVerifierSelector.selector, received, expected));
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

    /// @notice The snark-verifier contract itself refuses a wrong public input.
    function test_RawVerifierRefusesAWrongInput() public view {
        bytes memory proofBytes = CairnPlonkFixture.PROOF_BYTES;
        bytes memory proof = new bytes(proofBytes.length - 4);
        for (uint256 i = 0; i < proof.length; i++) {
            proof[i] = proofBytes[i + 4];
        }
        uint256 input = uint256(
            sha256(abi.encodePacked(CairnPlonkFixture.PROGRAM_VKEY, sha256(CairnPlonkFixture.PUBLIC_VALUES)))
        ) & ((1 << 253) - 1);
        (bool ok,) = plonk.staticcall(abi.encodePacked(input, proof));
        assertTrue(ok, "the raw verifier accepts the fixture");
        (ok,) = plonk.staticcall(abi.encodePacked(input ^ 1, proof));
        assertTrue(!ok, "the raw verifier accepts a wrong input");
    }

    function test_Revert_WhenConstructedWithoutCode() public {
        vm.expectRevert(abi.encodeWithSelector(CairnVerifierPlonk.VerifierHasNoCode.selector, address(0xdead)));
        new CairnVerifierPlonk(address(0xdead));
    }
}
