// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistry} from "./IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./IAssetRegistryTypes.sol";
import {ITradeSettlement} from "./ITradeSettlement.sol";

/// @title Standing mandates of sellers to exchanges (挂牌委托)
/// @notice A seller who wants an exchange to sell on its behalf, many times, without signing each sale,
/// gives that exchange a mandate: the asset, the delivery (a right, or licences cut from one template
/// of terms, each at most `maxDuration` long), the least it must net on each sale, an expiry. The
/// mandate's id is the hash of its terms; the exchange passes the terms with each sale, this contract
/// checks the sale lies within them and hands it to {ITradeSettlement}. The seller revokes it at any time.
interface IMandateRegistry {
    /// @notice A standing mandate of a seller to one exchange (its id is the hash of these terms, see mandateId).
    /// @param right the right sold (Right delivery) or licensed (License delivery: equal to terms.right)
    /// @param terms License delivery: the licence template every sale must match but for start and end
    /// @param maxDuration License delivery: the longest period (end minus effective start) of a licence sold;
    /// a licence sold starts no later than `expiry`
    /// @param minNet the least the seller must net on each sale
    /// @param expiry the last second at which a sale may settle under it
    /// @param salt tells apart mandates that are otherwise equal
    struct Mandate {
        address seller;
        address exchange;
        uint256 assetId;
        ITradeSettlement.Delivery delivery;
        IAssetRegistryTypes.Right right;
        uint64 parentLicenseId;
        IAssetRegistryTypes.LicenseTerms terms;
        uint40 maxDuration;
        uint256 minNet;
        uint40 expiry;
        uint256 salt;
    }

    // ─────────────────────────────────────────────────────────── errors

    /// @notice Thrown when no mandate with this id is in force (never granted, or revoked).
    error MandateUnknown(bytes32 mandateId);
    /// @notice Thrown when the trade lies outside its mandate (seller, exchange, asset, delivery, right,
    /// parent licence, or licence template).
    error MandateMismatch(bytes32 mandateId);
    /// @notice Thrown when the mandate expired.
    error MandateExpired(bytes32 mandateId, uint40 expiry);
    /// @notice Thrown when the licence sold runs longer than the mandate allows.
    error MandateDuration(bytes32 mandateId, uint256 duration, uint40 maxDuration);
    /// @notice Thrown when the licence sold would start after the mandate's expiry (a mandate sells licences
    /// that start while it is in force, so it cannot tie up the asset's exclusivity far ahead).
    error MandateLateStart(bytes32 mandateId, uint256 start, uint40 expiry);
    /// @notice Thrown when a mandate is granted by someone other than its seller, already expired, already in
    /// force, or for a licence whose right differs from its template's.
    error MandateInvalid(bytes32 mandateId);
    /// @notice Thrown when someone other than its seller would revoke a mandate.
    error MandateNotSeller(bytes32 mandateId, address caller);
    /// @notice Thrown when trade `index` of an atomic batch fails; `reason` is its own error.
    error MandateBatchItemFailed(uint256 index, bytes32 tradeId, bytes reason);
    /// @notice Thrown for an empty batch, a mandate index per trade missing, or one out of range.
    error MandateBatchLength(uint256 trades, uint256 mandates);

    // ─────────────────────────────────────────────────────────── events

    /// @notice A seller gave an exchange a standing mandate.
    event MandateGranted(bytes32 indexed mandateId, address indexed seller, address indexed exchange, Mandate mandate);
    /// @notice The seller revoked a mandate.
    event MandateRevoked(bytes32 indexed mandateId, address indexed seller);
    /// @notice Trade `index` of a batch settled trade by trade was refused; `reason` is its error.
    event TradeRefused(bytes32 indexed tradeId, address indexed exchange, uint256 index, bytes reason);

    // ─────────────────────────────────────────────────────────── functions

    /// @notice Gives the mandate's exchange a standing mandate to sell. The mandate's seller.
    function grantMandate(Mandate calldata mandate) external returns (bytes32 id);

    /// @notice Revokes a mandate. Its seller (whatever its status: withdrawing consent needs no role).
    function revokeMandate(bytes32 id) external;

    /// @notice Settles one trade within a mandate of its seller to the calling exchange. Exchanges.
    function settle(ITradeSettlement.Trade calldata trade, Mandate calldata mandate) external returns (uint64 licenseId);

    /// @notice Settles many trades within mandates: trade i within `mandates[mandateOf[i]]` (a mandate is passed
    /// once however many trades it covers). `atomic`: all or none (MandateBatchItemFailed); otherwise every valid
    /// trade settles and each refused one is reported by a TradeRefused event. Exchanges.
    function settleBatch(
        ITradeSettlement.Trade[] calldata trades,
        Mandate[] calldata mandates,
        uint256[] calldata mandateOf,
        bool atomic
    ) external;

    // ─────────────────────────────────────────────────────────── views

    /// @notice The id of a mandate (the hash of its terms).
    function mandateId(Mandate calldata mandate) external pure returns (bytes32);

    /// @notice The seller of a mandate in force, zero if none.
    function sellerOf(bytes32 id) external view returns (address);

    function settlement() external view returns (address);
}
