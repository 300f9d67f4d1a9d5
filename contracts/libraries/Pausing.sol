// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ILedgerPause} from "../interfaces/ILedgerPause.sol";

/// @title The contracts of the ledger, as bits of the pause register
/// @notice Each entry point a participant calls checks, before anything else, the bits of every contract the
/// call changes: a settlement checks the settlement contract, the asset registry (rights, licences) and the
/// settlement token (payments); a recognised import checks the recognition contract and the registry.
library Pausing {
    uint16 internal constant PARTICIPANTS = 1 << 0;
    uint16 internal constant REGISTRY = 1 << 1;
    uint16 internal constant CONTROLS = 1 << 2;
    uint16 internal constant TOKEN = 1 << 3;
    uint16 internal constant SETTLEMENT = 1 << 4;
    uint16 internal constant MANDATES = 1 << 5;
    uint16 internal constant SUPERVISION = 1 << 6;
    uint16 internal constant RECOGNITION = 1 << 7;
    uint16 internal constant VALUATION = 1 << 8;
    uint16 internal constant DISCLOSURE = 1 << 9;
    uint16 internal constant QUALITY = 1 << 10;
    uint16 internal constant LISTINGS = 1 << 11;
    uint16 internal constant OPENING = 1 << 12;
    uint16 internal constant ALL = (1 << 13) - 1;

    /// @dev What a trade changes: its settlement, the asset's rights or licences, and the payments.
    uint16 internal constant TRADE = SETTLEMENT | REGISTRY | TOKEN;

    /// @dev Reverts with {ILedgerPause.LedgerPaused} when any of `contracts` is set in `paused`.
    function check(uint16 paused, uint16 contracts) internal pure {
        uint16 hit = paused & contracts;
        if (hit != 0) revert ILedgerPause.LedgerPaused(hit);
    }

    /// @dev The same, asking the register (the asset registry).
    function check(ILedgerPause register, uint16 contracts) internal view {
        check(register.pausedContracts(), contracts);
    }
}
