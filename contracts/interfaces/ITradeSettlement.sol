// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistry} from "./IAssetRegistry.sol";

/// @title Trade settlement (交易结算)
/// @notice Settles a matched trade atomically: the buyer pays the price in the settlement token,
/// the exchange takes its fee, the asset's revenue-share recipients (e.g. the source departments
/// of public data) take their shares, the seller takes the rest, and the right or a new licence is
/// delivered, all in one transaction. A trade id settles at most once. Public data trades only on
/// an exchange and within the authority's guided price band; off-exchange trades carry EIP-712
/// signatures of both parties.
interface ITradeSettlement {
    enum Delivery {
        Right,
        License
    }

    /// @notice A matched trade.
    /// @param tradeId the exchange's (or the parties') unique id of the trade
    /// @param assetId the asset
    /// @param seller the party that delivers (a right holder, or a licensee for a sublicence)
    /// @param buyer the party that pays and receives
    /// @param price the price, in settlement-token units
    /// @param fee the exchange's fee, out of the price (zero off-exchange)
    /// @param delivery a right transfer or a new licence
    /// @param right the right transferred (Right delivery)
    /// @param parentLicenseId for a sublicence delivery, the seller's licence; else zero
    /// @param terms the licence terms (License delivery)
    struct Trade {
        bytes32 tradeId;
        uint256 assetId;
        address seller;
        address buyer;
        uint256 price;
        uint256 fee;
        Delivery delivery;
        IAssetRegistry.Right right;
        uint64 parentLicenseId;
        IAssetRegistry.LicenseTerms terms;
    }

    struct RevenueShare {
        address recipient;
        uint16 bps;
    }

    struct PriceBand {
        uint128 min;
        uint128 max;
    }

    /// @notice Thrown when `tradeId` has already settled.
    error SettlementTradeAlreadySettled(bytes32 tradeId);
    /// @notice Thrown for a zero trade id.
    error SettlementZeroTradeId();
    /// @notice Thrown when price is zero or the fee exceeds it.
    error SettlementInvalidAmounts(uint256 price, uint256 fee);
    /// @notice Thrown when buyer and seller are the same account.
    error SettlementSelfTrade(address account);
    /// @notice Thrown when public data is traded off an exchange.
    error SettlementPublicDataOffExchange(uint256 assetId);
    /// @notice Thrown when public data is traded and the authority has set no price band for its kind.
    error SettlementNoPriceBand(IAssetRegistry.Kind kind);
    /// @notice Thrown when a public-data price lies outside the guided band.
    error SettlementPriceOutOfBand(uint256 price, uint256 min, uint256 max);
    /// @notice Thrown when an off-exchange trade carries a fee.
    error SettlementFeeOffExchange(uint256 fee);
    /// @notice Thrown when a signature does not come from `expected`.
    error SettlementBadSignature(address expected, address recovered);
    /// @notice Thrown when the signed deadline has passed.
    error SettlementExpired(uint256 deadline, uint256 timestamp);
    /// @notice Thrown when `account` has already used or invalidated `nonce`.
    error SettlementNonceUsed(address account, uint256 nonce);
    /// @notice Thrown when a direct settlement is sent by neither party.
    error SettlementNotParty(address caller);
    /// @notice Thrown when trade `index` of a batch fails; `reason` is its own error.
    error SettlementBatchItemFailed(uint256 index, bytes32 tradeId, bytes reason);
    /// @notice Thrown for an empty batch.
    error SettlementEmptyBatch();
    /// @notice Thrown when a price band has min above max, or max zero.
    error SettlementInvalidBand(uint256 min, uint256 max);
    /// @notice Thrown when revenue shares are malformed: length mismatch, more than 8, a zero share, a
    /// recipient named twice, or over 10,000 bps in all.
    error SettlementInvalidRevenueShares(uint256 count, uint256 totalBps);
    /// @notice Thrown when the caller does not hold the asset's holding right.
    error SettlementNotHoldingHolder(uint256 assetId, address account);
    /// @notice Thrown when an internal entry point is called from outside.
    error SettlementOnlySelf(address caller);

    /// @notice A trade settled.
    /// @param tradeId the trade
    /// @param assetId the asset
    /// @param exchange the settling exchange, zero for an off-exchange trade
    /// @param seller the seller
    /// @param buyer the buyer
    /// @param price the price paid by the buyer
    /// @param fee the exchange's fee
    /// @param sellerAmount what the seller received after the fee and revenue shares
    /// @param right the right transferred or licensed
    /// @param licenseId the licence delivered; zero when the delivery was the transfer of `right`
    event TradeSettled(
        bytes32 indexed tradeId,
        uint256 indexed assetId,
        address indexed exchange,
        address seller,
        address buyer,
        uint256 price,
        uint256 fee,
        uint256 sellerAmount,
        IAssetRegistry.Right right,
        uint64 licenseId
    );
    /// @notice A revenue share of a trade was paid (the asset is in the same transaction's TradeSettled).
    /// @param tradeId the trade
    /// @param recipient the recipient
    /// @param amount the amount paid
    event RevenueSharePaid(bytes32 indexed tradeId, address indexed recipient, uint256 amount);
    /// @notice The holding-right holder set the asset's revenue shares, replacing earlier ones.
    /// @param assetId the asset
    /// @param recipients the recipients
    /// @param bps each recipient's share of the price net of the exchange fee, in basis points
    event RevenueSharesSet(uint256 indexed assetId, address[] recipients, uint16[] bps);
    /// @notice The authority set the guided price band for public data of `kind`.
    event PriceBandSet(IAssetRegistry.Kind indexed kind, uint256 min, uint256 max, address by);
    /// @notice `account` invalidated an off-exchange signing nonce.
    event NonceInvalidated(address indexed account, uint256 nonce);

    /// @notice Settles one trade. Exchanges.
    function settle(Trade calldata trade) external returns (uint64 licenseId);

    /// @notice Settles many trades in one transaction, all or none. Exchanges.
    function settleBatch(Trade[] calldata trades) external;

    /// @notice Settles an off-exchange trade signed by both parties. Either party.
    function settleDirect(
        Trade calldata trade,
        uint256 nonce,
        uint256 deadline,
        bytes calldata sellerSignature,
        bytes calldata buyerSignature
    ) external returns (uint64 licenseId);

    /// @notice Marks `nonce` used for the caller, so signatures over it can never settle.
    function invalidateNonce(uint256 nonce) external;

    /// @notice Sets the asset's revenue shares. Holding-right holder.
    function setRevenueShares(uint256 assetId, address[] calldata recipients, uint16[] calldata bps) external;

    /// @notice Sets the guided price band for public data of `kind`. Authority.
    function setPriceBand(IAssetRegistry.Kind kind, uint128 min, uint128 max) external;

    /// @notice EIP-712 digest both parties sign for an off-exchange trade.
    function hashDirectTrade(Trade calldata trade, uint256 nonce, uint256 deadline) external view returns (bytes32);

    function isSettled(bytes32 tradeId) external view returns (bool);

    function nonceUsed(address account, uint256 nonce) external view returns (bool);

    function revenueShares(uint256 assetId) external view returns (RevenueShare[] memory);

    function priceBand(IAssetRegistry.Kind kind) external view returns (PriceBand memory);
}
