// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.20;

/// @notice The Foundry cheatcodes Cairn's tests use (a subset of forge-std's `Vm`).
interface Vm {
    function expectRevert() external;
    function expectRevert(bytes4 revertData) external;
    function expectRevert(bytes calldata revertData) external;
    function expectEmit() external;
    function expectEmit(address emitter) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter)
        external;
    function prank(address msgSender) external;
    function startPrank(address msgSender) external;
    function stopPrank() external;
}

/// @notice A minimal stand-in for forge-std's `Test` (forge-std is not vendored): the cheatcode
/// handle and assertions that revert with a message. Forge runs `setUp()` first and reports
/// every `test*` function that reverts as a failure.
abstract contract Test {
    /// @notice Foundry's cheatcode address, `address(uint160(uint256(keccak256("hevm cheat code"))))`.
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    bytes private constant _DIGITS = "0123456789abcdef";

    function fail(string memory message) internal pure {
        revert(message);
    }

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) fail(message);
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) fail(string.concat(message, ": ", _dec(a), " != ", _dec(b)));
    }

    function assertEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a != b) fail(string.concat(message, ": 0x", _hex(abi.encodePacked(a)), " != 0x", _hex(abi.encodePacked(b))));
    }

    function assertEq(address a, address b, string memory message) internal pure {
        if (a != b) fail(string.concat(message, ": 0x", _hex(abi.encodePacked(a)), " != 0x", _hex(abi.encodePacked(b))));
    }

    function assertEq(bytes memory a, bytes memory b, string memory message) internal pure {
        if (keccak256(a) != keccak256(b)) fail(string.concat(message, ": 0x", _hex(a), " != 0x", _hex(b)));
    }

    function assertLe(uint256 a, uint256 b, string memory message) internal pure {
        if (a > b) fail(string.concat(message, ": ", _dec(a), " > ", _dec(b)));
    }

    /// @dev Decimal digits of `value`.
    function _dec(uint256 value) private pure returns (string memory) {
        if (value == 0) return "0";
        bytes memory out = new bytes(78);
        uint256 at = out.length;
        for (; value != 0; value /= 10) {
            out[--at] = _DIGITS[value % 10];
        }
        bytes memory digits = new bytes(out.length - at);
        for (uint256 i = 0; i < digits.length; i++) {
            digits[i] = out[at + i];
        }
        return string(digits);
    }

    /// @dev Lower-case hex digits of `data`, without a prefix.
    function _hex(bytes memory data) private pure returns (string memory) {
        bytes memory out = new bytes(2 * data.length);
        for (uint256 i = 0; i < data.length; i++) {
            out[2 * i] = _DIGITS[uint8(data[i]) >> 4];
            out[2 * i + 1] = _DIGITS[uint8(data[i]) & 0x0f];
        }
        return string(out);
    }
}
