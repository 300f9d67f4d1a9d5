// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {IERC165} from "@safe-global/safe-smart-account/contracts/interfaces/IERC165.sol";
import {ITransactionGuard} from "@safe-global/safe-smart-account/contracts/base/GuardManager.sol";
import {Enum} from "@safe-global/safe-smart-account/contracts/libraries/Enum.sol";
import {IGovernanceGuard} from "../interfaces/IGovernanceGuard.sol";

/// @title GovernanceGuard
/// @notice See {IGovernanceGuard}. Stateless: one guard serves every Safe of a deployment.
contract GovernanceGuard is IGovernanceGuard {
    address private immutable _manager;

    /// @param manager_ the ledger's AccessManager
    constructor(address manager_) {
        if (manager_ == address(0)) revert GovernanceGuardZeroAddress();
        _manager = manager_;
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
        bytes4 selector = _selector(data);
        if (selector != Multicall.multicall.selector) {
            _checkFunction(selector);
            return;
        }
        bytes[] memory calls = abi.decode(data[4:], (bytes[]));
        for (uint256 i; i < calls.length; ++i) {
            _checkFunction(_selector(calls[i]));
        }
    }

    /// @inheritdoc ITransactionGuard
    function checkAfterExecution(bytes32, bool) external pure {}

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(ITransactionGuard).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    /// @inheritdoc IGovernanceGuard
    function manager() external view returns (address) {
        return _manager;
    }

    function _checkFunction(bytes4 selector) private view {
        if (
            selector != IAccessManager.schedule.selector && selector != IAccessManager.execute.selector
                && selector != IAccessManager.cancel.selector
        ) revert GovernanceGuardForbiddenFunction(msg.sender, selector);
    }

    function _selector(bytes memory data) private pure returns (bytes4) {
        return data.length < 4 ? bytes4(0) : bytes4(data);
    }
}
