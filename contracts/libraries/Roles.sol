// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Participant roles, as a bit set
/// @notice The roles of the data-element market named by the regulation: the big-data
/// authority, registration authorities, exchanges, settlement banks, data merchants,
/// third-party service providers, data holders, and supervisors/auditors.
library Roles {
    uint16 internal constant AUTHORITY = 1 << 0;
    uint16 internal constant REGISTRAR = 1 << 1;
    uint16 internal constant EXCHANGE = 1 << 2;
    uint16 internal constant SETTLEMENT_BANK = 1 << 3;
    uint16 internal constant DATA_MERCHANT = 1 << 4;
    uint16 internal constant SERVICE_PROVIDER = 1 << 5;
    uint16 internal constant DATA_HOLDER = 1 << 6;
    uint16 internal constant SUPERVISOR = 1 << 7;
    uint16 internal constant ALL = (1 << 8) - 1;

    /// @dev Intermediaries must have a declaration-and-commitment on file before they trade (art. 26).
    uint16 internal constant NEEDS_DECLARATION = DATA_MERCHANT | SERVICE_PROVIDER;

    /// @dev Any role that may own or apply for a data asset.
    uint16 internal constant ASSET_OWNERS = DATA_HOLDER | DATA_MERCHANT;

    /// @dev Any role that may trade (buy, sell, hold licences).
    uint16 internal constant TRADERS = DATA_HOLDER | DATA_MERCHANT | SERVICE_PROVIDER;

    /// @dev Not a role: in a role requirement, also demands a declaration on file from intermediaries.
    uint16 internal constant DECLARED = 1 << 15;

    /// @dev The requirement on anyone who buys, sells, grants or receives a right or licence.
    uint16 internal constant TRADER = TRADERS | DECLARED;
}
