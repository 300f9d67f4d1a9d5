// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title The ledger's pause register
/// @notice One bit per contract of the ledger (see {Pausing}). The asset registry keeps the register and answers
/// {pausedContracts}; the asset-controls contract sets it: the emergency officers pause at once, the council
/// unpauses after its delay. A paused contract refuses every participant's call that would change it, with
/// {LedgerPaused}; reads, the authority's own functions (the governance keeps governing) and withdrawals of
/// consent (revoking a mandate, invalidating a nonce) keep working.
interface ILedgerPause {
    /// @notice Thrown when a call would change a paused contract: `contracts` are the paused ones among those
    /// the call would change (bits of {Pausing}).
    error LedgerPaused(uint16 contracts);

    /// @notice The paused contracts (bits of {Pausing}; zero when none is).
    function pausedContracts() external view returns (uint16);
}
