// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ITradeSettlement} from "./interfaces/ITradeSettlement.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {ISettlementToken} from "./interfaces/ISettlementToken.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title TradeSettlement
/// @notice See {ITradeSettlement}.
contract TradeSettlement is ITradeSettlement, EIP712 {
    bytes32 private constant _TERMS_TYPEHASH = keccak256(
        "LicenseTerms(uint8 right,uint16 purpose,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool transferable,uint24[] regions,bytes2[] countries,bytes32 termsHash)"
    );
    bytes32 private constant _TRADE_TYPEHASH = keccak256(
        "DirectTrade(bytes32 tradeId,uint256 assetId,address seller,address buyer,uint256 price,uint8 delivery,uint8 right,uint64 parentLicenseId,LicenseTerms terms,uint256 nonce,uint256 deadline)LicenseTerms(uint8 right,uint16 purpose,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool transferable,uint24[] regions,bytes2[] countries,bytes32 termsHash)"
    );
    uint256 private constant _MAX_SHARES = 8;

    // ─────────────────────────────────────────────────────────── storage

    /// @dev One slot: 160 + 40 = 200 bits. Only the fact of settlement is kept; the trade is in its event.
    struct SettledTrade {
        address exchange;
        uint40 settledAt;
    }

    /// @dev One slot: 160 + 16 + 8 bits. The first share's slot also holds the number of shares,
    /// so that a settlement reads n slots rather than n + 1.
    struct StoredShare {
        address recipient;
        uint16 bps;
        uint8 count;
    }

    IParticipantRegistry private immutable _participants;
    IAssetRegistry private immutable _registry;
    ISettlementToken private immutable _token;

    mapping(bytes32 tradeId => SettledTrade) private _settled;
    mapping(uint256 assetId => mapping(uint256 index => StoredShare)) private _shares;
    mapping(IAssetRegistry.Kind kind => PriceBand) private _bands;
    mapping(address account => mapping(uint256 word => uint256 bits)) private _nonceBits;

    constructor(IParticipantRegistry participants, IAssetRegistry registry, ISettlementToken token)
        EIP712("DataRightsLedger", "1")
    {
        _participants = participants;
        _registry = registry;
        _token = token;
    }

    // ─────────────────────────────────────────────────────────── settlement

    /// @inheritdoc ITradeSettlement
    function settle(Trade calldata t) external returns (uint64) {
        return _settle(t, msg.sender, msg.sender, true);
    }

    /// @inheritdoc ITradeSettlement
    function settleBatch(Trade[] calldata trades) external {
        _participants.requireRole(msg.sender, Roles.EXCHANGE);
        if (trades.length == 0) revert SettlementEmptyBatch();
        for (uint256 i; i < trades.length; ++i) {
            // A self-call, so that the failing trade's own error can be wrapped with its index.
            try this.settleForExchange(trades[i], msg.sender) {}
            catch (bytes memory reason) {
                revert SettlementBatchItemFailed(i, trades[i].tradeId, reason);
            }
        }
    }

    /// @notice Entry point for {settleBatch}; callable only by this contract.
    function settleForExchange(Trade calldata t, address exchange) external returns (uint64) {
        if (msg.sender != address(this)) revert SettlementOnlySelf(msg.sender);
        return _settle(t, exchange, exchange, false);
    }

    /// @inheritdoc ITradeSettlement
    function settleDirect(
        Trade calldata t,
        uint256 nonce,
        uint256 deadline,
        bytes calldata sellerSignature,
        bytes calldata buyerSignature
    ) external returns (uint64) {
        if (msg.sender != t.seller && msg.sender != t.buyer) revert SettlementNotParty(msg.sender);
        if (block.timestamp > deadline) revert SettlementExpired(deadline, block.timestamp);
        if (t.fee != 0) revert SettlementFeeOffExchange(t.fee);
        bytes32 digest = _hashTypedDataV4(_hashDirect(t, nonce, deadline));
        _checkSigner(digest, sellerSignature, t.seller);
        _checkSigner(digest, buyerSignature, t.buyer);
        _useNonce(t.seller, nonce);
        _useNonce(t.buyer, nonce);
        return _settle(t, address(0), address(0), false);
    }

    /// @inheritdoc ITradeSettlement
    function invalidateNonce(uint256 nonce) external {
        _participants.requireRole(msg.sender, Roles.ALL);
        _useNonce(msg.sender, nonce);
        emit NonceInvalidated(msg.sender, nonce);
    }

    // ─────────────────────────────────────────────────────────── configuration

    /// @inheritdoc ITradeSettlement
    function setRevenueShares(uint256 assetId, address[] calldata recipients, uint16[] calldata bps) external {
        _participants.requireRole(msg.sender, Roles.ALL);
        if (_registry.holderOf(assetId, IAssetRegistry.Right.Holding) != msg.sender) {
            revert SettlementNotHoldingHolder(assetId, msg.sender);
        }
        uint256 n = recipients.length;
        uint256 total;
        for (uint256 i; i < bps.length; ++i) {
            total += bps[i];
        }
        if (n != bps.length || n > _MAX_SHARES || total > 10_000) revert SettlementInvalidRevenueShares(n, total);
        mapping(uint256 index => StoredShare) storage shares = _shares[assetId];
        for (uint256 i; i < n; ++i) {
            if (bps[i] == 0) revert SettlementInvalidRevenueShares(n, total);
            for (uint256 j; j < i; ++j) {
                if (recipients[j] == recipients[i]) revert SettlementInvalidRevenueShares(n, total);
            }
            _participants.requireRole(recipients[i], Roles.ALL);
            shares[i] = StoredShare(recipients[i], bps[i], i == 0 ? uint8(n) : 0);
        }
        if (n == 0) shares[0] = StoredShare(address(0), 0, 0);
        emit RevenueSharesSet(assetId, recipients, bps);
    }

    /// @inheritdoc ITradeSettlement
    function setPriceBand(IAssetRegistry.Kind kind, uint128 min, uint128 max) external {
        _participants.requireRole(msg.sender, Roles.AUTHORITY);
        if (max == 0 || min > max) revert SettlementInvalidBand(min, max);
        _bands[kind] = PriceBand(min, max);
        emit PriceBandSet(kind, min, max, msg.sender);
    }

    // ─────────────────────────────────────────────────────────── views

    /// @inheritdoc ITradeSettlement
    function hashDirectTrade(Trade calldata t, uint256 nonce, uint256 deadline) external view returns (bytes32) {
        return _hashTypedDataV4(_hashDirect(t, nonce, deadline));
    }

    /// @inheritdoc ITradeSettlement
    function isSettled(bytes32 tradeId) external view returns (bool) {
        return _settled[tradeId].settledAt != 0;
    }

    /// @inheritdoc ITradeSettlement
    function nonceUsed(address account, uint256 nonce) external view returns (bool) {
        return _nonceBits[account][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc ITradeSettlement
    function revenueShares(uint256 assetId) external view returns (RevenueShare[] memory list) {
        mapping(uint256 index => StoredShare) storage shares = _shares[assetId];
        list = new RevenueShare[](shares[0].count);
        for (uint256 i; i < list.length; ++i) {
            list[i] = RevenueShare(shares[i].recipient, shares[i].bps);
        }
    }

    /// @inheritdoc ITradeSettlement
    function priceBand(IAssetRegistry.Kind kind) external view returns (PriceBand memory) {
        return _bands[kind];
    }

    // ─────────────────────────────────────────────────────────── internals

    /// @param exchange the settling exchange, zero off-exchange
    /// @param spender whose allowance from the buyer pays, zero when the buyer signed the trade
    /// @param checkExchange whether `exchange` still has to be checked (a batch checks it once)
    function _settle(Trade calldata t, address exchange, address spender, bool checkExchange)
        private
        returns (uint64 licenseId)
    {
        if (t.tradeId == bytes32(0)) revert SettlementZeroTradeId();
        if (_settled[t.tradeId].settledAt != 0) revert SettlementTradeAlreadySettled(t.tradeId);
        if (t.price == 0 || t.fee > t.price) revert SettlementInvalidAmounts(t.price, t.fee);
        if (t.seller == t.buyer) revert SettlementSelfTrade(t.buyer);
        _settled[t.tradeId] = SettledTrade(exchange, uint40(block.timestamp));

        (address[] memory payees, uint256[] memory amounts) = _split(t, exchange);
        // Every party in one call to the participant registry: the registry hooks and the token
        // below rely on this check and do not repeat it.
        _checkParties(t, exchange, checkExchange, payees);

        IAssetRegistry.Category category;
        IAssetRegistry.Kind kind;
        if (t.delivery == Delivery.Right) {
            (category, kind) = _registry.deliverRight(t.tradeId, t.assetId, t.right, t.seller, t.buyer);
        } else {
            (category, kind, licenseId) =
                _registry.deliverLicense(t.assetId, t.parentLicenseId, t.seller, t.buyer, t.terms);
        }
        if (category == IAssetRegistry.Category.Public) {
            if (exchange == address(0)) revert SettlementPublicDataOffExchange(t.assetId);
            PriceBand memory band = _bands[kind];
            if (band.max == 0) revert SettlementNoPriceBand(kind);
            if (t.price < band.min || t.price > band.max) revert SettlementPriceOutOfBand(t.price, band.min, band.max);
        }
        _token.settlementPay(t.buyer, spender, payees, amounts);
        emit TradeSettled(
            t.tradeId,
            t.assetId,
            exchange,
            t.seller,
            t.buyer,
            t.price,
            t.fee,
            amounts[0],
            t.delivery == Delivery.Right ? t.right : t.terms.right,
            licenseId
        );
    }

    /// @dev Payees in order: seller, exchange (when it takes a fee), revenue-share recipients.
    function _split(Trade calldata t, address exchange)
        private
        returns (address[] memory payees, uint256[] memory amounts)
    {
        mapping(uint256 index => StoredShare) storage shares = _shares[t.assetId];
        StoredShare memory head = shares[0];
        uint256 n = head.count;
        uint256 first = t.fee != 0 ? 2 : 1;
        payees = new address[](first + n);
        amounts = new uint256[](first + n);
        uint256 net = t.price - t.fee;
        uint256 sellerAmount = net;
        for (uint256 i; i < n; ++i) {
            StoredShare memory s = i == 0 ? head : shares[i];
            uint256 amount = net * s.bps / 10_000;
            sellerAmount -= amount;
            payees[first + i] = s.recipient;
            amounts[first + i] = amount;
            emit RevenueSharePaid(t.tradeId, s.recipient, amount);
        }
        (payees[0], amounts[0]) = (t.seller, sellerAmount);
        if (first == 2) (payees[1], amounts[1]) = (exchange, t.fee);
    }

    function _checkParties(Trade calldata t, address exchange, bool checkExchange, address[] memory payees)
        private
        view
    {
        uint256 extra = checkExchange ? 1 : 0;
        uint256 first = t.fee != 0 ? 2 : 1;
        uint256 n = 2 + extra + payees.length - first;
        address[] memory accounts = new address[](n);
        uint16[] memory roles = new uint16[](n);
        (accounts[0], roles[0]) = (t.seller, Roles.TRADER);
        (accounts[1], roles[1]) = (t.buyer, Roles.TRADER);
        if (checkExchange) (accounts[2], roles[2]) = (exchange, Roles.EXCHANGE);
        for (uint256 i = first; i < payees.length; ++i) {
            (accounts[2 + extra + i - first], roles[2 + extra + i - first]) = (payees[i], Roles.ALL);
        }
        _participants.requireEach(accounts, roles);
    }

    function _hashDirect(Trade calldata t, uint256 nonce, uint256 deadline) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                _TRADE_TYPEHASH,
                t.tradeId,
                t.assetId,
                t.seller,
                t.buyer,
                t.price,
                t.delivery,
                t.right,
                t.parentLicenseId,
                _hashTerms(t.terms),
                nonce,
                deadline
            )
        );
    }

    function _hashTerms(IAssetRegistry.LicenseTerms calldata terms) private pure returns (bytes32) {
        // abi.encodePacked pads array elements to 32 bytes, which is EIP-712's encoding of an array.
        return keccak256(
            abi.encode(
                _TERMS_TYPEHASH,
                terms.right,
                terms.purpose,
                terms.start,
                terms.end,
                terms.exclusive,
                terms.sublicensable,
                terms.transferable,
                keccak256(abi.encodePacked(terms.regions)),
                keccak256(abi.encodePacked(terms.countries)),
                terms.termsHash
            )
        );
    }

    function _checkSigner(bytes32 digest, bytes calldata signature, address expected) private pure {
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, signature);
        if (err != ECDSA.RecoverError.NoError || recovered != expected) revert SettlementBadSignature(expected, recovered);
    }

    function _useNonce(address account, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _nonceBits[account][nonce >> 8];
        if (bits & bit != 0) revert SettlementNonceUsed(account, nonce);
        _nonceBits[account][nonce >> 8] = bits | bit;
    }
}
