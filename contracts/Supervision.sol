// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ISupervision} from "./interfaces/ISupervision.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {Identities} from "./libraries/Identities.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title Supervision
/// @notice See {ISupervision}.
contract Supervision is ISupervision {
    using Identities for IParticipantRegistry;

    IParticipantRegistry private immutable _participants;
    IAssetRegistry private immutable _registry;

    uint256 private _orderCount;
    mapping(uint256 orderId => Order) private _orders;
    mapping(address participant => Credit) private _credit;

    constructor(IParticipantRegistry participants, IAssetRegistry registry) {
        _participants = participants;
        _registry = registry;
    }

    /// @inheritdoc ISupervision
    function openOrder(Target target, address participant, uint256 assetId, bytes32 documentHash)
        external
        returns (uint256 orderId)
    {
        Pausing.check(_registry, Pausing.SUPERVISION);
        address supervisor = _requireSupervisor();
        if (documentHash == bytes32(0)) revert SupervisionZeroHash();
        if (target == Target.Participant) {
            if (assetId != 0) revert SupervisionInvalidTarget(target, participant, assetId);
            participant = _requireKnown(participant);
        } else {
            if (participant != address(0)) revert SupervisionInvalidTarget(target, participant, assetId);
            _registry.getAsset(assetId); // reverts with RegistryUnknownAsset
        }
        orderId = ++_orderCount;
        _orders[orderId] = Order({
            target: target,
            status: OrderStatus.Open,
            participant: participant,
            assetId: assetId,
            issuedBy: supervisor,
            openedAt: uint40(block.timestamp),
            closedAt: 0,
            documentHash: documentHash,
            closingHash: bytes32(0)
        });
        emit RectificationOrdered(orderId, target, participant, assetId, supervisor, documentHash);
    }

    /// @inheritdoc ISupervision
    function closeOrder(uint256 orderId, bytes32 closingHash) external {
        Pausing.check(_registry, Pausing.SUPERVISION);
        address supervisor = _requireSupervisor();
        Order storage o = _orders[orderId];
        if (o.status == OrderStatus.None) revert SupervisionUnknownOrder(orderId);
        if (o.status != OrderStatus.Open) revert SupervisionOrderNotOpen(orderId);
        if (closingHash == bytes32(0)) revert SupervisionZeroHash();
        o.status = OrderStatus.Closed;
        o.closedAt = uint40(block.timestamp);
        o.closingHash = closingHash;
        emit RectificationClosed(orderId, supervisor, closingHash);
    }

    /// @inheritdoc ISupervision
    function recordCreditEvent(address participant, uint16 code, int32 delta, bytes32 documentHash) external {
        Pausing.check(_registry, Pausing.SUPERVISION);
        address supervisor = _requireSupervisor();
        participant = _requireKnown(participant);
        if (code == 0) revert SupervisionInvalidCode(code);
        if (documentHash == bytes32(0)) revert SupervisionZeroHash();
        Credit storage c = _credit[participant];
        int64 score = c.score + delta;
        c.score = score;
        c.events += 1;
        emit CreditEventRecorded(participant, code, delta, score, documentHash, supervisor);
    }

    /// @inheritdoc ISupervision
    function getOrder(uint256 orderId) external view returns (Order memory) {
        Order memory o = _orders[orderId];
        if (o.status == OrderStatus.None) revert SupervisionUnknownOrder(orderId);
        return o;
    }

    /// @inheritdoc ISupervision
    function orderCount() external view returns (uint256) {
        return _orderCount;
    }

    /// @inheritdoc ISupervision
    function creditOf(address participant) external view returns (Credit memory) {
        return _credit[_participants.named(participant)];
    }

    /// @return supervisor the identity of the supervisor (or the authority) acting
    function _requireSupervisor() private view returns (address supervisor) {
        (supervisor,) = _participants.requireIdentity(msg.sender, Roles.SUPERVISOR | Roles.AUTHORITY);
    }

    /// @return identity the identity of the participant `participant` names (its identity or one of its keys)
    function _requireKnown(address participant) private view returns (address identity) {
        identity = _participants.identityOf(participant);
        if (identity == address(0)) revert IParticipantRegistry.ParticipantUnknown(participant);
    }
}
