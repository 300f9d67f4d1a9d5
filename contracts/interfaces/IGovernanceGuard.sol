// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ITransactionGuard} from "@safe-global/safe-smart-account/contracts/base/GuardManager.sol";
import {IModuleGuard} from "@safe-global/safe-smart-account/contracts/base/ModuleManager.sol";

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
///
/// It is also each Safe's module guard, which checks what the manager (the Safe's module) has the Safe do: no
/// delegatecall, no change of either guard (so the two checks stay on every path), and no new owner (officer) who
/// holds a settlement bank's or an exchange's role in the participant registry, unless revoked (the registry refuses
/// those roles to the Safes' owners: between them, no officer is ever a bank or an exchange).
///
/// And it keeps the manager's roles with the governance's Safes: an operation the manager is asked to schedule or
/// execute that grants a role of the manager (`grantRole`, directly or in the manager's own `multicall`) to any
/// account but one of the deployment's Safes is refused, so nobody acts as the authority outside the Safes' quorums
/// and this guard (M and N change through the Safes' owners and thresholds).
interface IGovernanceGuard is ITransactionGuard, IModuleGuard {
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
    /// @notice Thrown when the manager would make `owner`, who holds `roles` (a settlement bank's or an exchange's
    /// role) in the participant registry, an owner of `safe`.
    /// @param safe the Safe whose module transaction was checked
    /// @param owner the owner it would add
    /// @param roles the participant's roles
    error GovernanceGuardOfficerConflict(address safe, address owner, uint16 roles);
    /// @notice Thrown when `safe` would have the manager grant one of its roles to `account`, which is not one of the
    /// governance's Safes.
    /// @param safe the Safe whose transaction was checked
    /// @param account the account the role would go to
    error GovernanceGuardRoleHolder(address safe, address account);

    /// @notice The AccessManager, the only contract the guarded Safes may call.
    function manager() external view returns (address);

    /// @notice The participant registry, whose settlement banks and exchanges may not become owners of the Safes.
    function participants() external view returns (address);
}
