// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ITransactionGuard} from "@safe-global/safe-smart-account/contracts/base/GuardManager.sol";

/// @title The transaction guard of the officers' Safes
/// @notice The council's, the guardian's and the emergency officers' Safes may only ask the ledger's AccessManager
/// to schedule, execute or cancel an operation (one, or several in one `multicall`): no other target, no other
/// function of the manager, no delegatecall, no value. So a quorum of officers acts only as the manager's roles
/// allow, and the manager's delays and guardian apply to everything it does:
/// - a Safe changes its own owners, threshold, modules and guard only by calling itself, which the guard refuses;
///   the manager, enabled as each Safe's module, does it (`execTransactionFromModule`) on the council's scheduled
///   decision, after the council's delay, cancellable by the guardian;
/// - a Safe cannot renounce its roles at the manager at once (`renounceRole` is not one of the three): the council
///   revokes a role, with its delay.
interface IGovernanceGuard is ITransactionGuard {
    /// @notice Thrown when `safe` would send a transaction that is not a plain call of the manager.
    /// @param safe the Safe whose transaction was checked
    /// @param to the transaction's target
    /// @param value the ether it would send
    /// @param safeOperation 0 for a call, 1 for a delegatecall
    error GovernanceGuardForbiddenCall(address safe, address to, uint256 value, uint8 safeOperation);
    /// @notice Thrown when `safe` would call a function of the manager other than schedule, execute and cancel
    /// (directly or inside a multicall).
    /// @param safe the Safe whose transaction was checked
    /// @param selector the function's selector (zero when the call data is shorter than a selector)
    error GovernanceGuardForbiddenFunction(address safe, bytes4 selector);
    /// @notice Thrown when the guard is built for the zero address.
    error GovernanceGuardZeroAddress();

    /// @notice The AccessManager, the only contract the guarded Safes may call.
    function manager() external view returns (address);
}
