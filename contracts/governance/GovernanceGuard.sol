// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {IERC165} from "@safe-global/safe-smart-account/contracts/interfaces/IERC165.sol";
import {ITransactionGuard} from "@safe-global/safe-smart-account/contracts/base/GuardManager.sol";
import {IGuardManager} from "@safe-global/safe-smart-account/contracts/interfaces/IGuardManager.sol";
import {IModuleGuard} from "@safe-global/safe-smart-account/contracts/base/ModuleManager.sol";
import {IModuleManager} from "@safe-global/safe-smart-account/contracts/interfaces/IModuleManager.sol";
import {IOwnerManager} from "@safe-global/safe-smart-account/contracts/interfaces/IOwnerManager.sol";
import {Enum} from "@safe-global/safe-smart-account/contracts/libraries/Enum.sol";
import {IGovernanceGuard} from "../interfaces/IGovernanceGuard.sol";
import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {Roles} from "../libraries/Roles.sol";

/// @title GovernanceGuard
/// @notice See {IGovernanceGuard}. Stateless: one guard serves every Safe of a deployment.
contract GovernanceGuard is IGovernanceGuard {
    /// @dev The roles an officer may not hold (the registry refuses them to the Safes' owners).
    uint16 private constant _OFFICER_FORBIDDEN = Roles.SETTLEMENT_BANK | Roles.EXCHANGE;

    address private immutable _manager;
    IParticipantRegistry private immutable _participants;

    /// @param manager_ the ledger's AccessManager
    /// @param participants_ the ledger's participant registry
    constructor(address manager_, IParticipantRegistry participants_) {
        if (manager_ == address(0) || address(participants_) == address(0)) revert GovernanceGuardZeroAddress();
        _manager = manager_;
        _participants = participants_;
    }

    /// @inheritdoc ITransactionGuard
    function checkTransaction(
        address to,
        uint256 value,
        bytes calldata data,
        Enum.Operation operation,
        uint256,
        uint256,
        uint256,
        address,
        address payable,
        bytes calldata,
        address
    ) external view {
        if (to != _manager || value != 0 || operation != Enum.Operation.Call) {
            revert GovernanceGuardForbiddenCall(msg.sender, to, value, uint8(operation));
        }
        if (_selector(data) != Multicall.multicall.selector) {
            _checkFunction(data);
            return;
        }
        bytes[] memory calls = abi.decode(data[4:], (bytes[]));
        for (uint256 i; i < calls.length; ++i) {
            _checkFunction(calls[i]);
        }
    }

    /// @inheritdoc ITransactionGuard
    function checkAfterExecution(bytes32, bool) external pure {}

    /// @inheritdoc IModuleGuard
    /// @dev `msg.sender` is the Safe. Only a call of the Safe to itself changes its owners or guards.
    function checkModuleTransaction(address to, uint256 value, bytes calldata data, Enum.Operation operation, address)
        external
        view
        returns (bytes32)
    {
        if (operation != Enum.Operation.Call) {
            revert GovernanceGuardForbiddenCall(msg.sender, to, value, uint8(operation));
        }
        if (to != msg.sender) return bytes32(0);
        bytes4 selector = _selector(data);
        if (selector == IGuardManager.setGuard.selector || selector == IModuleManager.setModuleGuard.selector) {
            revert GovernanceGuardForbiddenFunction(msg.sender, selector);
        }
        if (selector == IOwnerManager.addOwnerWithThreshold.selector) {
            (address owner,) = abi.decode(data[4:], (address, uint256));
            _checkNewOwner(owner);
        } else if (selector == IOwnerManager.swapOwner.selector) {
            (,, address owner) = abi.decode(data[4:], (address, address, address));
            _checkNewOwner(owner);
        }
        return bytes32(0);
    }

    /// @inheritdoc IModuleGuard
    function checkAfterModuleExecution(bytes32, bool) external pure {}

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(ITransactionGuard).interfaceId || interfaceId == type(IModuleGuard).interfaceId
            || interfaceId == type(IERC165).interfaceId;
    }

    /// @inheritdoc IGovernanceGuard
    function manager() external view returns (address) {
        return _manager;
    }

    /// @inheritdoc IGovernanceGuard
    function participants() external view returns (address) {
        return address(_participants);
    }

    function _checkNewOwner(address owner) private view {
        IParticipantRegistry.Participant memory p = _participants.getParticipant(owner);
        if (p.roles & _OFFICER_FORBIDDEN != 0 && p.status != IParticipantRegistry.Status.Revoked) {
            revert GovernanceGuardOfficerConflict(msg.sender, owner, p.roles);
        }
    }

    /// @dev One call of the manager: schedule, execute or cancel, and what is scheduled or executed keeps the
    /// manager's roles with the Safes.
    function _checkFunction(bytes memory call) private view {
        bytes4 selector = _selector(call);
        if (selector == IAccessManager.schedule.selector) {
            (address target, bytes memory data,) = abi.decode(_arguments(call), (address, bytes, uint48));
            _checkOperation(target, data);
        } else if (selector == IAccessManager.execute.selector) {
            (address target, bytes memory data) = abi.decode(_arguments(call), (address, bytes));
            _checkOperation(target, data);
        } else if (selector != IAccessManager.cancel.selector) {
            revert GovernanceGuardForbiddenFunction(msg.sender, selector);
        }
    }

    /// @dev An operation of the manager on `target`: a role of the manager goes only to one of the Safes.
    function _checkOperation(address target, bytes memory data) private view {
        if (target != _manager) return;
        bytes4 selector = _selector(data);
        if (selector == IAccessManager.grantRole.selector) {
            (, address account,) = abi.decode(_arguments(data), (uint64, address, uint32));
            _checkRoleHolder(account);
        } else if (selector == Multicall.multicall.selector) {
            bytes[] memory calls = abi.decode(_arguments(data), (bytes[]));
            for (uint256 i; i < calls.length; ++i) {
                _checkOperation(target, calls[i]);
            }
        }
    }

    function _checkRoleHolder(address account) private view {
        address[3] memory safes = _participants.officerSafes();
        if (account != safes[0] && account != safes[1] && account != safes[2]) {
            revert GovernanceGuardRoleHolder(msg.sender, account);
        }
    }

    /// @dev A call's arguments: its data after the selector, as a view into `encoded` (no copy): the length word is
    /// written over the selector, so `encoded` itself must not be read afterwards. Empty when it has no selector.
    function _arguments(bytes memory encoded) private pure returns (bytes memory args) {
        if (encoded.length < 4) return args;
        assembly ("memory-safe") {
            args := add(encoded, 4)
            mstore(args, sub(mload(encoded), 4))
        }
    }

    function _selector(bytes memory data) private pure returns (bytes4) {
        return data.length < 4 ? bytes4(0) : bytes4(data);
    }
}
