// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistry} from "./IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./IAssetRegistryTypes.sol";
import {IParticipantRegistry} from "./IParticipantRegistry.sol";

/// @title Trade settlement (交易结算)
/// @notice Settles a matched trade atomically: the buyer pays the price in the settlement token,
/// the exchange takes its fee, the revenue-share recipients of the delivered right (e.g. the source
/// departments of public data) take their shares, the seller takes the rest, and the right or a new
/// licence is delivered, all in one transaction.
///
/// Nothing is sold without its seller's consent on-chain: an exchange settles a trade only with the
/// seller's EIP-712 signature over the sale's terms (exchange, trade id, asset, delivery, licence terms,
/// the least the seller must net, nonce, deadline), or within a standing mandate the seller gave that exchange
/// (asset, delivery, licence template and longest period, least net amount, expiry), revocable at any
/// time, which {IMandateRegistry} checks before it hands the trade here, or within an exchange's listing of the
/// product the seller signed (挂牌, {IListings}), which that contract checks likewise. The buyer consents by its
/// allowance to the exchange. A trade id settles at most once per exchange (off-exchange: per buyer
/// and seller), so nobody can burn another's trade id. A share
/// recipient that is not active has its share held for it, claimable once it is active again. Public
/// data trades only on an exchange and within the authority's guided price band; off-exchange trades
/// carry EIP-712 signatures of both parties.
interface ITradeSettlement {
    enum Delivery {
        Right,
        License
    }

    /// @notice A matched trade.
    /// @param tradeId the exchange's (or the parties') id of the trade, unique within its scope
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
        IAssetRegistryTypes.Right right;
        uint64 parentLicenseId;
        IAssetRegistryTypes.LicenseTerms terms;
    }

    /// @notice A seller's signed consent to one or more of its on-exchange sales by one exchange. The seller
    /// signs the EIP-712 struct `SalesConsent(address exchange,Sale[] sales,uint256 nonce,uint256 deadline)`
    /// where `Sale(bytes32 tradeId,uint256 assetId,uint8 delivery,uint8 right,uint64 parentLicenseId,
    /// LicenseTerms terms,uint256 minNet)` (see hashSalesConsent): each sale names the exchange's trade id, so it
    /// settles at most once, and the least the seller must net after the exchange fee and revenue shares.
    /// One signature covers every sale of the seller in a batch.
    /// @param seller the signer, seller of every sale it covers
    /// @param nonce a nonce of the seller (unordered, shared with off-exchange trades): invalidateNonce
    /// withdraws every consent signed with it that has not settled
    /// @param deadline the last second at which its sales may settle
    /// @param r the signature's r
    /// @param vs the signature's s with the parity of v in its top bit (EIP-2098 compact form)
    struct SalesConsent {
        address seller;
        uint256 nonce;
        uint256 deadline;
        bytes32 r;
        bytes32 vs;
    }

    /// @notice A revenue share paid by a trade.
    /// @param held the recipient was not active: the amount is held for it by this contract
    struct SharePaid {
        address recipient;
        uint256 amount;
        bool held;
    }

    struct RevenueShare {
        address recipient;
        uint16 bps;
    }

    struct PriceBand {
        uint128 min;
        uint128 max;
    }

    // ─────────────────────────────────────────────────────────── errors

    /// @notice Thrown when the trade has already settled in its scope (`key`, see tradeKey).
    error SettlementTradeAlreadySettled(bytes32 tradeId, bytes32 key);
    /// @notice Thrown for a zero trade id.
    error SettlementZeroTradeId();
    /// @notice Thrown when price is zero or the fee exceeds it.
    error SettlementInvalidAmounts(uint256 price, uint256 fee);
    /// @notice Thrown when buyer and seller are the same account.
    error SettlementSelfTrade(address account);
    /// @notice Thrown when public data is traded off an exchange.
    error SettlementPublicDataOffExchange(uint256 assetId);
    /// @notice Thrown when public data is traded and the authority has set no price band for its kind.
    error SettlementNoPriceBand(IAssetRegistryTypes.Kind kind);
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
    /// @notice Thrown when trade `index` of an atomic batch fails; `reason` is its own error.
    error SettlementBatchItemFailed(uint256 index, bytes32 tradeId, bytes reason);
    /// @notice Thrown for an empty batch.
    error SettlementEmptyBatch();
    /// @notice Thrown when a batch's trades, least net amounts and consent indexes differ in number, or an index
    /// names no consent.
    error SettlementLengthMismatch(uint256 trades, uint256 consents);
    /// @notice Thrown when a price band has min above max, or max zero.
    error SettlementInvalidBand(uint256 min, uint256 max);
    /// @notice Thrown when revenue shares are malformed: length mismatch, more than 8, a zero share, a
    /// recipient named twice, a zero address, or over 10,000 bps in all.
    error SettlementInvalidRevenueShares(uint256 count, uint256 totalBps);
    /// @notice Thrown when `account` does not hold `right` of the asset.
    error SettlementNotRightHolder(uint256 assetId, IAssetRegistryTypes.Right right, address account);
    /// @notice Thrown when an internal entry point is called from outside.
    error SettlementOnlySelf(address caller);
    /// @notice Thrown when the seller would receive less than the least it consented to.
    error SettlementBelowMinimum(bytes32 tradeId, uint256 sellerAmount, uint256 minNet);
    /// @notice Thrown when `account` has no held revenue shares to claim.
    error SettlementNothingHeld(address account);
    /// @notice Thrown for a zero hash where a decision document is required.
    error SettlementZeroHash();
    /// @notice Thrown when the authority would release the held shares of `account`, which is in `status`, not revoked.
    error SettlementNotRevoked(address account, IParticipantRegistry.Status status);
    /// @notice Thrown when the caller is neither the mandate registry nor the listings contract.
    error SettlementOnlyConsents(address caller);

    // ─────────────────────────────────────────────────────────── events

    /// @notice A trade settled.
    /// @param tradeId the trade (unique per exchange; off-exchange, per seller and buyer)
    /// @param assetId the asset
    /// @param exchange the settling exchange, zero for an off-exchange trade
    /// @param seller the seller
    /// @param buyer the buyer
    /// @param price the price paid by the buyer
    /// @param fee the exchange's fee
    /// @param sellerAmount what the seller received after the fee and revenue shares
    /// @param right the right transferred or licensed
    /// @param licenseId the licence delivered; zero when the delivery was the transfer of `right`
    /// @param mandateId the seller's mandate, or the listing's key (see {IListings-listingKey}), the sale used; zero
    /// for a signed consent or an off-exchange trade
    /// @param shares the revenue shares paid, in the order of the delivered right's configuration
    event TradeSettled(
        bytes32 indexed tradeId,
        uint256 indexed assetId,
        address indexed exchange,
        address seller,
        address buyer,
        uint256 price,
        uint256 fee,
        uint256 sellerAmount,
        IAssetRegistryTypes.Right right,
        uint64 licenseId,
        bytes32 mandateId,
        SharePaid[] shares
    );
    /// @notice A recipient claimed the shares held for it.
    event HeldSharesClaimed(address indexed recipient, uint256 amount);
    /// @notice The authority released the shares held for a revoked recipient to `to` (its successor, or whoever
    /// the decision names).
    event HeldSharesReleased(address indexed recipient, address indexed to, uint256 amount, address by, bytes32 decisionHash);
    /// @notice The holder of `right` set the revenue shares of its sales (and licences), replacing earlier ones.
    /// @param recipients the recipients
    /// @param bps each recipient's share of the price net of the exchange fee, in basis points
    event RevenueSharesSet(
        uint256 indexed assetId, IAssetRegistryTypes.Right right, address[] recipients, uint16[] bps, address by
    );
    /// @notice The authority set the guided price band for public data of `kind`.
    event PriceBandSet(IAssetRegistryTypes.Kind indexed kind, uint256 min, uint256 max, address by);
    /// @notice A signing nonce of `account` was used: by an off-exchange trade it signed, or invalidated by it.
    event NonceUsed(address indexed account, uint256 nonce);
    /// @notice Trade `index` of a batch settled trade by trade was refused; `reason` is its error.
    event TradeRefused(bytes32 indexed tradeId, address indexed exchange, uint256 index, bytes reason);

    // ─────────────────────────────────────────────────────────── settlement

    /// @notice Settles one trade with the seller's signed consent to it (a SalesConsent of one sale, netting the
    /// seller at least `minNet`). Exchanges.
    function settle(Trade calldata trade, uint256 minNet, SalesConsent calldata consent)
        external
        returns (uint64 licenseId);

    /// @notice Settles many trades with their sellers' signed consents: trade i, netting its seller at least
    /// `minNets[i]`, is one of the sales `consents[consentOf[i]]` covers, which lists them in the batch's order.
    /// `atomic`: all or none (the first failure reverts with SettlementBatchItemFailed); otherwise every valid
    /// trade settles and each refused one is reported by a TradeRefused event. Exchanges.
    function settleBatch(
        Trade[] calldata trades,
        uint256[] calldata minNets,
        SalesConsent[] calldata consents,
        uint256[] calldata consentOf,
        bool atomic
    ) external;

    /// @notice Settles a trade whose seller's consent the mandate registry or the listings contract checked
    /// (mandate or listing `consentId`, to `exchange`, at least `minNet` for the seller). Those two contracts only.
    function settleConsented(Trade calldata trade, address exchange, uint256 minNet, bytes32 consentId)
        external
        returns (uint64 licenseId);

    /// @notice Settles an off-exchange trade signed by both parties. Either party.
    function settleDirect(
        Trade calldata trade,
        uint256 nonce,
        uint256 deadline,
        bytes calldata sellerSignature,
        bytes calldata buyerSignature
    ) external returns (uint64 licenseId);

    /// @notice Marks `nonce` used for the caller, so that no off-exchange trade and no sale consent it signed with
    /// that nonce can settle any more.
    function invalidateNonce(uint256 nonce) external;

    /// @notice Pays the caller the revenue shares held for it while it was not active.
    function claimHeldShares() external returns (uint256 amount);

    /// @notice Pays the shares held for a revoked recipient (which can never claim them) to `to`, an active
    /// participant the decision `decisionHash` names. Authority.
    function releaseHeldShares(address recipient, address to, bytes32 decisionHash) external returns (uint256 amount);

    // ─────────────────────────────────────────────────────────── configuration

    /// @notice Sets the revenue shares of sales of `right` (a transfer, or a licence of it). Holder of that right.
    function setRevenueShares(
        uint256 assetId,
        IAssetRegistryTypes.Right right,
        address[] calldata recipients,
        uint16[] calldata bps
    ) external;

    /// @notice Sets the guided price band for public data of `kind`. Authority.
    function setPriceBand(IAssetRegistryTypes.Kind kind, uint128 min, uint128 max) external;

    // ─────────────────────────────────────────────────────────── views

    /// @notice EIP-712 digest both parties sign for an off-exchange trade.
    function hashDirectTrade(Trade calldata trade, uint256 nonce, uint256 deadline) external view returns (bytes32);

    /// @notice EIP-712 digest a seller signs to consent to `exchange`'s sales `trades` (their ids, assets,
    /// deliveries and terms; not their buyers, prices or fees, which the least net amounts bound).
    function hashSalesConsent(
        Trade[] calldata trades,
        uint256[] calldata minNets,
        address exchange,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice The key under which a trade settles once: (exchange, trade id), or off-exchange (seller, buyer, trade id).
    function tradeKey(address exchange, address seller, address buyer, bytes32 tradeId) external pure returns (bytes32);

    /// @notice Whether exchange `exchange` has settled trade `tradeId`.
    function isSettled(address exchange, bytes32 tradeId) external view returns (bool);

    /// @notice Whether the off-exchange trade `tradeId` between `seller` and `buyer` has settled.
    function isDirectSettled(address seller, address buyer, bytes32 tradeId) external view returns (bool);

    /// @notice When the trade under `key` settled (unix seconds), zero if it has not.
    function settledAt(bytes32 key) external view returns (uint40);

    function nonceUsed(address account, uint256 nonce) external view returns (bool);

    /// @notice The revenue shares of sales of `right` of the asset.
    function revenueShares(uint256 assetId, IAssetRegistryTypes.Right right) external view returns (RevenueShare[] memory);

    /// @notice Revenue shares held for `account` (it was not active when they were paid).
    function heldShares(address account) external view returns (uint256);

    function priceBand(IAssetRegistryTypes.Kind kind) external view returns (PriceBand memory);

    function mandates() external view returns (address);

    function listings() external view returns (address);
}
