// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Supervision: rectification orders and the market's credit records
/// @notice Supervisors and the authority order rectification (责令整改) of a participant or an
/// asset and close the order once done (art. 28), and record credit events per participant (art. 27).
interface ISupervision {
    enum Target {
        Participant,
        Asset
    }

    enum OrderStatus {
        None,
        Open,
        Closed
    }

    struct Order {
        Target target;
        OrderStatus status;
        address participant;
        uint256 assetId;
        address issuedBy;
        uint40 openedAt;
        uint40 closedAt;
        bytes32 documentHash;
        bytes32 closingHash;
    }

    struct Credit {
        int64 score;
        uint32 events;
    }

    /// @notice Thrown when no order has id `orderId`.
    error SupervisionUnknownOrder(uint256 orderId);
    /// @notice Thrown when closing an order that is not open.
    error SupervisionOrderNotOpen(uint256 orderId);
    /// @notice Thrown when an order's target is inconsistent (participant order naming an asset, or the reverse).
    error SupervisionInvalidTarget(Target target, address participant, uint256 assetId);
    /// @notice Thrown for a zero document hash.
    error SupervisionZeroHash();
    /// @notice Thrown when a credit event has a zero code.
    error SupervisionInvalidCode(uint16 code);

    /// @notice A rectification order was opened.
    /// @param orderId the order
    /// @param target participant or asset
    /// @param participant the participant ordered (participant orders)
    /// @param assetId the asset ordered (asset orders)
    /// @param issuedBy the supervisor or authority
    /// @param documentHash hash of the order document
    event RectificationOrdered(
        uint256 indexed orderId,
        Target target,
        address indexed participant,
        uint256 indexed assetId,
        address issuedBy,
        bytes32 documentHash
    );
    /// @notice A rectification order was closed.
    /// @param orderId the order
    /// @param closedBy the supervisor or authority
    /// @param closingHash hash of the closing document
    event RectificationClosed(uint256 indexed orderId, address indexed closedBy, bytes32 closingHash);
    /// @notice A credit event was recorded against a participant.
    /// @param participant the participant
    /// @param code the event's code in the credit catalogue
    /// @param delta change of the participant's credit score
    /// @param score the score after the change
    /// @param documentHash hash of the supporting document
    /// @param by the supervisor or authority
    event CreditEventRecorded(
        address indexed participant, uint16 indexed code, int32 delta, int64 score, bytes32 documentHash, address by
    );

    /// @notice Opens a rectification order. Supervisors and the authority.
    function openOrder(Target target, address participant, uint256 assetId, bytes32 documentHash)
        external
        returns (uint256 orderId);

    /// @notice Closes an open order. Supervisors and the authority.
    function closeOrder(uint256 orderId, bytes32 closingHash) external;

    /// @notice Records a credit event. Supervisors and the authority.
    function recordCreditEvent(address participant, uint16 code, int32 delta, bytes32 documentHash) external;

    function getOrder(uint256 orderId) external view returns (Order memory);

    function orderCount() external view returns (uint256);

    function creditOf(address participant) external view returns (Credit memory);
}
