// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Administrative division codes (行政区划代码)
/// @notice A region is a six-digit code whose first two digits name a province-level division of the
/// national standard (GB/T 2260): the 31 mainland provinces, autonomous regions and municipalities,
/// Taiwan (71), Hong Kong (81) and Macau (82). For data export, Taiwan, Hong Kong and Macau lie
/// outside the mainland: a licence territory naming them is cross-border (数据出境).
library Regions {
    /// @dev Bit p is set for every province-level prefix p: 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82.
    uint256 private constant _PROVINCES = 0x60083e07c7e3f80e0f800;
    /// @dev Bit p is set for the prefixes outside the mainland for data-export purposes: 71, 81, 82.
    uint256 private constant _OUTSIDE_MAINLAND = 0x600800000000000000000;

    /// @notice Whether `region` is a six-digit code under an existing province-level prefix.
    function isValid(uint24 region) internal pure returns (bool) {
        if (region < 100000 || region > 999999) return false;
        return _PROVINCES & (1 << (region / 10000)) != 0;
    }

    /// @notice Whether use in `region` (a valid code) is cross-border for data-export purposes.
    function isOutsideMainland(uint24 region) internal pure returns (bool) {
        return _OUTSIDE_MAINLAND & (1 << (region / 10000)) != 0;
    }
}
