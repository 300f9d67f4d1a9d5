// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ITradeSettlement} from "./interfaces/ITradeSettlement.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./interfaces/IAssetRegistryTypes.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {ISettlementToken} from "./interfaces/ISettlementToken.sol";
import {Identities} from "./libraries/Identities.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title TradeSettlement
/// @notice See {ITradeSettlement}.
contract TradeSettlement is ITradeSettlement, EIP712 {
    using Identities for IParticipantRegistry;

    // ─────────────────────────────────────────────────────────── constants

    bytes32 private constant _TERMS_TYPEHASH = keccak256(
        "LicenseTerms(uint8 right,uint16 purpose,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool transferable,uint24[] regions,bytes2[] countries,bytes32 termsHash)"
    );
    bytes32 private constant _TRADE_TYPEHASH = keccak256(
        "DirectTrade(bytes32 tradeId,uint256 assetId,address seller,address buyer,uint256 price,uint8 delivery,uint8 right,uint64 parentLicenseId,LicenseTerms terms,uint256 nonce,uint256 deadline)LicenseTerms(uint8 right,uint16 purpose,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool transferable,uint24[] regions,bytes2[] countries,bytes32 termsHash)"
    );
    bytes32 private constant _SALE_TYPEHASH = keccak256(
        "Sale(bytes32 tradeId,uint256 assetId,uint8 delivery,uint8 right,uint64 parentLicenseId,LicenseTerms terms,uint256 minNet)LicenseTerms(uint8 right,uint16 purpose,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool transferable,uint24[] regions,bytes2[] countries,bytes32 termsHash)"
    );
    bytes32 private constant _SALES_TYPEHASH = keccak256(
        "SalesConsent(address exchange,Sale[] sales,uint256 nonce,uint256 deadline)LicenseTerms(uint8 right,uint16 purpose,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool transferable,uint24[] regions,bytes2[] countries,bytes32 termsHash)Sale(bytes32 tradeId,uint256 assetId,uint8 delivery,uint8 right,uint64 parentLicenseId,LicenseTerms terms,uint256 minNet)"
    );
    uint256 private constant _MAX_SHARES = 8;

    // ─────────────────────────────────────────────────────────── storage

    /// @dev One slot: 160 + 16 + 8 bits. The first share's slot also holds the number of shares,
    /// so that a settlement reads n slots rather than n + 1.
    struct StoredShare {
        address recipient;
        uint16 bps;
        uint8 count;
    }

    /// @dev The parties of a trade by their identities (as recorded, paid and reported).
    struct Parties {
        address seller;
        address buyer;
        address exchange;
    }

    IParticipantRegistry private immutable _participants;
    IAssetRegistry private immutable _registry;
    ISettlementToken private immutable _token;
    address private immutable _mandates;
    address private immutable _listings;

    /// @dev Only the fact of settlement is kept (one slot); the trade is in its event.
    mapping(bytes32 tradeKey => uint40 settledAt) private _settled;
    mapping(uint256 assetId => mapping(IAssetRegistryTypes.Right right => mapping(uint256 index => StoredShare))) private
        _shares;
    mapping(IAssetRegistryTypes.Kind kind => PriceBand) private _bands;
    mapping(address account => mapping(uint256 word => uint256 bits)) private _nonceBits;
    mapping(address account => uint256 amount) private _held;

    /// @param mandates_ the {IMandateRegistry}, whose consent checks this contract trusts
    /// @param listings_ the {IListings}, whose consent checks this contract trusts
    constructor(
        IParticipantRegistry participants,
        IAssetRegistry registry,
        ISettlementToken token,
        address mandates_,
        address listings_
    ) EIP712("DataRightsLedger", "1") {
        _participants = participants;
        _registry = registry;
        _token = token;
        _mandates = mandates_;
        _listings = listings_;
    }

    // ─────────────────────────────────────────────────────────── settlement

    /// @inheritdoc ITradeSettlement
    function settle(Trade calldata t, uint256 minNet, SalesConsent calldata c) external returns (uint64) {
        Pausing.check(_registry, Pausing.TRADE);
        // A list of one sale: EIP-712 hashes it as the hash of its one element's hash.
        bytes32 sales = keccak256(abi.encode(_hashSale(t, minNet)));
        bytes memory refusal = t.seller == c.seller
            ? _consentRefusal(c, sales, msg.sender)
            : abi.encodeWithSelector(SettlementBadSignature.selector, t.seller, c.seller);
        if (refusal.length != 0) _revert(refusal);
        return _settleExchange(t, msg.sender, true, minNet, bytes32(0));
    }

    /// @inheritdoc ITradeSettlement
    function settleBatch(
        Trade[] calldata trades,
        uint256[] calldata minNets,
        SalesConsent[] calldata consents,
        uint256[] calldata consentOf,
        bool atomic
    ) external {
        Pausing.check(_registry, Pausing.TRADE);
        (address exchange,) = _participants.requireIdentity(msg.sender, Roles.EXCHANGE);
        uint256 n = trades.length;
        if (n == 0) revert SettlementEmptyBatch();
        if (minNets.length != n || consentOf.length != n) revert SettlementLengthMismatch(n, consentOf.length);
        bytes[] memory refusals = _consentRefusals(trades, minNets, consents, consentOf);
        for (uint256 i; i < n; ++i) {
            uint256 j = consentOf[i];
            (bool refused, bytes memory refusal) = _settleItem(trades[i], consents[j], refusals[j], exchange, minNets[i]);
            if (refused) _refuse(i, trades[i].tradeId, refusal, atomic);
        }
    }

    /// @dev One trade of a batch, under consent `c` (whose refusal, if any, is `consentRefusal`).
    /// @return refused whether the trade did not settle
    /// @return refusal why (an encoded error)
    function _settleItem(
        Trade calldata t,
        SalesConsent calldata c,
        bytes memory consentRefusal,
        address exchange,
        uint256 minNet
    ) private returns (bool refused, bytes memory refusal) {
        refusal = t.seller == c.seller
            ? consentRefusal
            : abi.encodeWithSelector(SettlementBadSignature.selector, t.seller, c.seller);
        if (refusal.length != 0) return (true, refusal);
        // A self-call, so that a failing trade's own error can be wrapped with its index, or reported.
        try this.settleCheckedFor(t, exchange, minNet) {}
        catch (bytes memory reason) {
            return (true, reason);
        }
    }

    /// @notice Entry point for {settleBatch}, after the consent checks; callable only by this contract.
    /// @param exchange the settling exchange's identity
    function settleCheckedFor(Trade calldata t, address exchange, uint256 minNet) external returns (uint64) {
        if (msg.sender != address(this)) revert SettlementOnlySelf(msg.sender);
        return _settleExchange(t, exchange, false, minNet, bytes32(0));
    }

    /// @inheritdoc ITradeSettlement
    function settleConsented(Trade calldata t, address exchange, uint256 minNet, bytes32 consentId)
        external
        returns (uint64)
    {
        if (msg.sender != _mandates && msg.sender != _listings) revert SettlementOnlyConsents(msg.sender);
        return _settleExchange(t, exchange, true, minNet, consentId);
    }

    /// @inheritdoc ITradeSettlement
    function settleDirect(
        Trade calldata t,
        uint256 nonce,
        uint256 deadline,
        bytes calldata sellerSignature,
        bytes calldata buyerSignature
    ) external returns (uint64) {
        Pausing.check(_registry, Pausing.TRADE);
        if (msg.sender != t.seller && msg.sender != t.buyer) revert SettlementNotParty(msg.sender);
        if (block.timestamp > deadline) revert SettlementExpired(deadline, block.timestamp);
        if (t.fee != 0) revert SettlementFeeOffExchange(t.fee);
        bytes32 digest = _hashTypedDataV4(_hashDirect(t, nonce, deadline));
        _checkSigner(digest, sellerSignature, t.seller);
        _checkSigner(digest, buyerSignature, t.buyer);
        _useNonce(t.seller, nonce);
        _useNonce(t.buyer, nonce);
        return _settle(t, address(0), false, 0, bytes32(0));
    }

    /// @inheritdoc ITradeSettlement
    function invalidateNonce(uint256 nonce) external {
        _participants.requireRole(msg.sender, Roles.ALL);
        _useNonce(msg.sender, nonce);
    }

    /// @inheritdoc ITradeSettlement
    function claimHeldShares() external returns (uint256 amount) {
        Pausing.check(_registry, Pausing.SETTLEMENT | Pausing.TOKEN);
        (address claimant,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        amount = _held[claimant];
        if (amount == 0) revert SettlementNothingHeld(msg.sender);
        delete _held[claimant];
        _payHeld(claimant, amount);
        emit HeldSharesClaimed(claimant, amount);
    }

    /// @inheritdoc ITradeSettlement
    function releaseHeldShares(address recipient, address to, bytes32 decisionHash) external returns (uint256 amount) {
        _participants.requireRole(msg.sender, Roles.AUTHORITY);
        if (decisionHash == bytes32(0)) revert SettlementZeroHash();
        IParticipantRegistry.Status status = _participants.getParticipant(recipient).status;
        if (status != IParticipantRegistry.Status.Revoked) revert SettlementNotRevoked(recipient, status);
        (address payee,) = _participants.requireIdentity(to, Roles.ALL);
        address identity = _participants.identityOf(recipient);
        amount = _held[identity];
        if (amount == 0) revert SettlementNothingHeld(recipient);
        delete _held[identity];
        _payHeld(payee, amount);
        emit HeldSharesReleased(identity, payee, amount, msg.sender, decisionHash);
    }

    function _payHeld(address to, uint256 amount) private {
        address[] memory payees = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        (payees[0], amounts[0]) = (to, amount);
        _token.settlementPay(address(this), address(0), payees, amounts);
    }

    // ─────────────────────────────────────────────────────────── configuration

    /// @inheritdoc ITradeSettlement
    function setRevenueShares(
        uint256 assetId,
        IAssetRegistryTypes.Right right,
        address[] calldata recipients,
        uint16[] calldata bps
    ) external {
        Pausing.check(_registry, Pausing.SETTLEMENT);
        (address holder,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        if (_registry.holderOf(assetId, right) != holder) {
            revert SettlementNotRightHolder(assetId, right, msg.sender);
        }
        uint256 n = recipients.length;
        uint256 total;
        for (uint256 i; i < bps.length; ++i) {
            total += bps[i];
        }
        if (n != bps.length || n > _MAX_SHARES || total > 10_000) revert SettlementInvalidRevenueShares(n, total);
        mapping(uint256 index => StoredShare) storage shares = _shares[assetId][right];
        // Recipients are named by their keys and kept (and reported) by their identities.
        address[] memory identities = new address[](n);
        for (uint256 i; i < n; ++i) {
            if (bps[i] == 0 || recipients[i] == address(0)) revert SettlementInvalidRevenueShares(n, total);
            (identities[i],) = _participants.requireIdentity(recipients[i], Roles.ALL);
            for (uint256 j; j < i; ++j) {
                if (identities[j] == identities[i]) revert SettlementInvalidRevenueShares(n, total);
            }
            shares[i] = StoredShare(identities[i], bps[i], i == 0 ? uint8(n) : 0);
        }
        if (n == 0) shares[0] = StoredShare(address(0), 0, 0);
        emit RevenueSharesSet(assetId, right, identities, bps, holder);
    }

    /// @inheritdoc ITradeSettlement
    function setPriceBand(IAssetRegistryTypes.Kind kind, uint128 min, uint128 max) external {
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
    function hashSalesConsent(
        Trade[] calldata trades,
        uint256[] calldata minNets,
        address exchange,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        if (minNets.length != trades.length) revert SettlementLengthMismatch(trades.length, minNets.length);
        bytes32[] memory sales = new bytes32[](trades.length);
        for (uint256 i; i < trades.length; ++i) {
            sales[i] = _hashSale(trades[i], minNets[i]);
        }
        return _salesDigest(exchange, keccak256(abi.encodePacked(sales)), nonce, deadline);
    }

    /// @inheritdoc ITradeSettlement
    function tradeKey(address exchange, address seller, address buyer, bytes32 tradeId) external pure returns (bytes32) {
        return _tradeKey(exchange, seller, buyer, tradeId);
    }

    /// @inheritdoc ITradeSettlement
    function isSettled(address exchange, bytes32 tradeId) external view returns (bool) {
        return exchange != address(0) && _settled[_tradeKey(_participants.named(exchange), address(0), address(0), tradeId)] != 0;
    }

    /// @inheritdoc ITradeSettlement
    function isDirectSettled(address seller, address buyer, bytes32 tradeId) external view returns (bool) {
        return _settled[_tradeKey(address(0), _participants.named(seller), _participants.named(buyer), tradeId)] != 0;
    }

    /// @inheritdoc ITradeSettlement
    function settledAt(bytes32 key) external view returns (uint40) {
        return _settled[key];
    }

    /// @inheritdoc ITradeSettlement
    function nonceUsed(address account, uint256 nonce) external view returns (bool) {
        return _nonceBits[account][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc ITradeSettlement
    function revenueShares(uint256 assetId, IAssetRegistryTypes.Right right)
        external
        view
        returns (RevenueShare[] memory list)
    {
        mapping(uint256 index => StoredShare) storage shares = _shares[assetId][right];
        list = new RevenueShare[](shares[0].count);
        for (uint256 i; i < list.length; ++i) {
            list[i] = RevenueShare(shares[i].recipient, shares[i].bps);
        }
    }

    /// @inheritdoc ITradeSettlement
    function heldShares(address account) external view returns (uint256) {
        return _held[_participants.named(account)];
    }

    /// @inheritdoc ITradeSettlement
    function priceBand(IAssetRegistryTypes.Kind kind) external view returns (PriceBand memory) {
        return _bands[kind];
    }

    /// @inheritdoc ITradeSettlement
    function mandates() external view returns (address) {
        return _mandates;
    }

    /// @inheritdoc ITradeSettlement
    function listings() external view returns (address) {
        return _listings;
    }

    // ─────────────────────────────────────────────────────────── internals

    /// @dev Each consent's refusal (an encoded error), empty if it is valid: the sales it covers are the batch's
    /// trades that name it, in the batch's order.
    function _consentRefusals(
        Trade[] calldata trades,
        uint256[] calldata minNets,
        SalesConsent[] calldata consents,
        uint256[] calldata consentOf
    ) private view returns (bytes[] memory refusals) {
        uint256 k = consents.length;
        uint256[] memory counts = new uint256[](k);
        for (uint256 i; i < consentOf.length; ++i) {
            if (consentOf[i] >= k) revert SettlementLengthMismatch(consentOf.length, k);
            ++counts[consentOf[i]];
        }
        bytes32[][] memory sales = new bytes32[][](k);
        for (uint256 j; j < k; ++j) {
            sales[j] = new bytes32[](counts[j]);
            counts[j] = 0;
        }
        for (uint256 i; i < consentOf.length; ++i) {
            uint256 j = consentOf[i];
            sales[j][counts[j]++] = _hashSale(trades[i], minNets[i]);
        }
        refusals = new bytes[](k);
        for (uint256 j; j < k; ++j) {
            refusals[j] = _consentRefusal(consents[j], keccak256(abi.encodePacked(sales[j])), msg.sender);
        }
    }

    /// @dev Why the consent does not cover these sales (an encoded error), empty if it does. Single use without a
    /// write of its own: each sale names a trade id, which settles once per exchange. The nonce is only read, so
    /// that the seller can withdraw the consent with invalidateNonce.
    /// @param sales the hash of the sales' hashes (EIP-712's encoding of the array)
    function _consentRefusal(SalesConsent calldata c, bytes32 sales, address exchange)
        private
        view
        returns (bytes memory)
    {
        if (block.timestamp > c.deadline) {
            return abi.encodeWithSelector(SettlementExpired.selector, c.deadline, block.timestamp);
        }
        bytes32 digest = _salesDigest(exchange, sales, c.nonce, c.deadline);
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, c.r, c.vs);
        if (err != ECDSA.RecoverError.NoError || recovered != c.seller) {
            return abi.encodeWithSelector(SettlementBadSignature.selector, c.seller, recovered);
        }
        if (_nonceBits[c.seller][c.nonce >> 8] & (1 << (c.nonce & 0xff)) != 0) {
            return abi.encodeWithSelector(SettlementNonceUsed.selector, c.seller, c.nonce);
        }
        return "";
    }

    /// @param exchange the settling exchange (whose allowance from the buyer pays), zero off-exchange (the
    /// buyer signed the trade)
    /// @param checkExchange whether `exchange` still has to be checked (a batch checks it once)
    /// @param minNet the least the seller consented to receive
    /// @dev The three on-exchange entry points share this one call of {_settle}: with a call site per entry point
    /// the compiler's inliner copies _settle into each, and the contract grows by some 6 KB. (The check keeps this
    /// wrapper from being inlined away; every caller names a non-zero exchange.)
    function _settleExchange(Trade calldata t, address exchange, bool checkExchange, uint256 minNet, bytes32 mandate)
        private
        returns (uint64)
    {
        if (exchange == address(0)) revert SettlementNotParty(exchange);
        return _settle(t, exchange, checkExchange, minNet, mandate);
    }

    function _settle(Trade calldata t, address exchange, bool checkExchange, uint256 minNet, bytes32 mandate)
        private
        returns (uint64 licenseId)
    {
        if (t.tradeId == bytes32(0)) revert SettlementZeroTradeId();
        bytes32 key = _tradeKey(exchange, t.seller, t.buyer, t.tradeId);
        if (_settled[key] != 0) revert SettlementTradeAlreadySettled(t.tradeId, key);
        if (t.price == 0 || t.fee > t.price) revert SettlementInvalidAmounts(t.price, t.fee);
        if (t.seller == t.buyer) revert SettlementSelfTrade(t.buyer);
        _settled[key] = uint40(block.timestamp);

        IAssetRegistryTypes.Right right = t.delivery == Delivery.Right ? t.right : t.terms.right;
        (address[] memory payees, uint256[] memory amounts, uint256 first) = _split(t, exchange, right);
        if (amounts[0] < minNet) revert SettlementBelowMinimum(t.tradeId, amounts[0], minNet);
        // Every party in one call to the participant registry: the registry hooks and the token
        // below rely on this check and do not repeat it.
        (uint256 inactive, uint256 rekeyed) = _checkParties(t, exchange, checkExchange, payees, first);
        Parties memory p = Parties(t.seller, t.buyer, exchange);
        if (rekeyed != 0) _toIdentities(t, p, rekeyed, key, payees, first);
        SharePaid[] memory shares = _payShares(payees, amounts, first, inactive >> (checkExchange ? 3 : 2));

        IAssetRegistryTypes.Category category;
        IAssetRegistryTypes.Kind kind;
        if (t.delivery == Delivery.Right) {
            (category, kind) = _registry.deliverRight(t.tradeId, t.assetId, t.right, p.seller, p.buyer);
        } else {
            (category, kind, licenseId) =
                _registry.deliverLicense(t.assetId, t.parentLicenseId, p.seller, p.buyer, t.terms);
        }
        if (category == IAssetRegistryTypes.Category.Public) {
            if (exchange == address(0)) revert SettlementPublicDataOffExchange(t.assetId);
            PriceBand memory band = _bands[kind];
            if (band.max == 0) revert SettlementNoPriceBand(kind);
            if (t.price < band.min || t.price > band.max) revert SettlementPriceOutOfBand(t.price, band.min, band.max);
        }
        _token.settlementPay(p.buyer, p.exchange, payees, amounts);
        emit TradeSettled(
            t.tradeId,
            t.assetId,
            p.exchange,
            p.seller,
            p.buyer,
            t.price,
            t.fee,
            amounts[0],
            right,
            licenseId,
            mandate,
            shares
        );
    }

    /// @dev Payees in order: seller, exchange (when it takes a fee), revenue-share recipients of `right`.
    function _split(Trade calldata t, address exchange, IAssetRegistryTypes.Right right)
        private
        view
        returns (address[] memory payees, uint256[] memory amounts, uint256 first)
    {
        mapping(uint256 index => StoredShare) storage shares = _shares[t.assetId][right];
        StoredShare memory head = shares[0];
        uint256 n = head.count;
        first = t.fee != 0 ? 2 : 1;
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
        }
        (payees[0], amounts[0]) = (t.seller, sellerAmount);
        if (first == 2) (payees[1], amounts[1]) = (exchange, t.fee);
    }

    /// @dev The shares paid, for the event; a recipient that is not active (bit i of `inactive`) has its share
    /// held here: this contract is paid instead.
    function _payShares(address[] memory payees, uint256[] memory amounts, uint256 first, uint256 inactive)
        private
        returns (SharePaid[] memory shares)
    {
        shares = new SharePaid[](payees.length - first);
        for (uint256 i = first; i < payees.length; ++i) {
            bool held = inactive & (1 << (i - first)) != 0;
            shares[i - first] = SharePaid(payees[i], amounts[i], held);
            if (held) {
                _held[payees[i]] += amounts[i];
                payees[i] = address(this);
            }
        }
    }

    /// @dev A party that signs with a key other than its identity (its key changed): the trade is recorded, paid
    /// and settled once under the identities, whatever keys the parties sign with.
    /// @param rekeyed bit 0 the seller, 1 the buyer, 2 the exchange (when checked here)
    /// @param key the trade's key under the parties' keys, written by {_settle}: moved to the identities' key
    function _toIdentities(
        Trade calldata t,
        Parties memory p,
        uint256 rekeyed,
        bytes32 key,
        address[] memory payees,
        uint256 first
    ) private {
        if (rekeyed & 1 != 0) p.seller = payees[0] = _participants.identityOf(p.seller);
        if (rekeyed & 2 != 0) p.buyer = _participants.identityOf(p.buyer);
        if (rekeyed & 4 != 0) p.exchange = _participants.identityOf(p.exchange);
        if (first == 2) payees[1] = p.exchange;
        delete _settled[key];
        key = _tradeKey(p.exchange, p.seller, p.buyer, t.tradeId);
        if (_settled[key] != 0) revert SettlementTradeAlreadySettled(t.tradeId, key);
        _settled[key] = uint40(block.timestamp);
    }

    /// @return inactive bit (2 + [exchange checked] + i) set when revenue-share recipient i is not active
    /// @return rekeyed bit 0, 1, 2 set when the seller, the buyer, the exchange (when checked) signs with a key
    /// other than its identity
    function _checkParties(
        Trade calldata t,
        address exchange,
        bool checkExchange,
        address[] memory payees,
        uint256 first
    ) private view returns (uint256 inactive, uint256 rekeyed) {
        uint256 extra = checkExchange ? 1 : 0;
        uint256[] memory checks = new uint256[](2 + extra + payees.length - first);
        checks[0] = uint256(uint160(t.seller)) | uint256(Roles.TRADER) << 160;
        checks[1] = uint256(uint160(t.buyer)) | uint256(Roles.TRADER) << 160;
        if (checkExchange) checks[2] = uint256(uint160(exchange)) | uint256(Roles.EXCHANGE) << 160;
        for (uint256 i = first; i < payees.length; ++i) {
            checks[2 + extra + i - first] = uint256(uint160(payees[i])); // no requirement: only looked at
        }
        return _participants.requireEach(checks);
    }

    function _refuse(uint256 index, bytes32 tradeId, bytes memory reason, bool atomic) private {
        if (atomic) revert SettlementBatchItemFailed(index, tradeId, reason);
        emit TradeRefused(tradeId, msg.sender, index, reason);
    }

    function _tradeKey(address exchange, address seller, address buyer, bytes32 tradeId)
        private
        pure
        returns (bytes32)
    {
        // An exchange's ids are its own; off-exchange, the two parties' (both signed): nobody can burn another's id.
        if (exchange != address(0)) return keccak256(abi.encode(exchange, tradeId));
        return keccak256(abi.encode(address(0), seller, buyer, tradeId));
    }

    // ─────────────────────────────────────────────────────────── internals: hashing and nonces

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

    function _hashSale(Trade calldata t, uint256 minNet) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                _SALE_TYPEHASH,
                t.tradeId,
                t.assetId,
                t.delivery,
                t.right,
                t.parentLicenseId,
                _hashTerms(t.terms),
                minNet
            )
        );
    }

    function _salesDigest(address exchange, bytes32 sales, uint256 nonce, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(_SALES_TYPEHASH, exchange, sales, nonce, deadline)));
    }

    function _revert(bytes memory reason) private pure {
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }

    function _hashTerms(IAssetRegistryTypes.LicenseTerms calldata terms) private pure returns (bytes32) {
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
        emit NonceUsed(account, nonce);
    }
}
