// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IListings} from "./interfaces/IListings.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./interfaces/IAssetRegistryTypes.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {ITradeSettlement} from "./interfaces/ITradeSettlement.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title Listings
/// @notice See {IListings}.
contract Listings is IListings, EIP712 {
    bytes32 private constant _TERMS_TYPEHASH = keccak256(
        "LicenseTerms(uint8 right,uint16 purpose,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool transferable,uint24[] regions,bytes2[] countries,bytes32 termsHash)"
    );
    bytes32 private constant _OFFER_TYPEHASH = keccak256(
        "Offer(bytes32 listingId,uint40 maxDuration,uint128 minPrice,uint128 maxPrice,uint256 minNet,uint40 start,uint40 end)"
    );
    bytes32 private constant _LISTING_TYPEHASH = keccak256(
        "Listing(address exchange,address seller,uint256 assetId,uint8 delivery,uint8 right,uint64 parentLicenseId,LicenseTerms terms,Offer offer,uint32 version,bytes32 documentHash)LicenseTerms(uint8 right,uint16 purpose,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool transferable,uint24[] regions,bytes2[] countries,bytes32 termsHash)Offer(bytes32 listingId,uint40 maxDuration,uint128 minPrice,uint128 maxPrice,uint256 minNet,uint40 start,uint40 end)"
    );
    uint32 private constant _WITHDRAWN = type(uint32).max;

    /// @dev One slot per listing: its current version and the first 28 bytes of what that version sells (its sale
    /// digest; zero once delisted or withdrawn).
    struct Listed {
        bytes28 digest;
        uint32 version;
    }

    IParticipantRegistry private immutable _participants;
    IAssetRegistry private immutable _registry;
    ITradeSettlement private immutable _settlement;

    mapping(bytes32 key => Listed) private _listed;

    /// @param registry the asset registry, which is also the ledger's pause register
    constructor(IParticipantRegistry participants, IAssetRegistry registry, ITradeSettlement settlement_)
        EIP712("DataRightsLedger", "1")
    {
        _participants = participants;
        _registry = registry;
        _settlement = settlement_;
    }

    // ─────────────────────────────────────────────────────────── listing

    /// @inheritdoc IListings
    function list(Listing calldata l, bytes32 r, bytes32 vs) external returns (bytes32 key) {
        Pausing.check(_registry, Pausing.LISTINGS);
        _checkWellFormed(l);
        (address exchange, address seller) = _parties(l.seller);
        key = _key(exchange, l.offer.listingId);
        uint32 current = _listed[key].version;
        if (l.version <= current) revert ListingStaleVersion(l.offer.listingId, l.version, current);
        bytes32 template = _hashTemplate(l.terms);
        bytes32 offer = _hashOffer(l.offer);
        bytes32 signed = keccak256(
            abi.encode(
                _LISTING_TYPEHASH,
                exchange,
                l.seller,
                l.assetId,
                l.delivery,
                l.right,
                l.parentLicenseId,
                template,
                offer,
                l.version,
                l.documentHash
            )
        );
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(_hashTypedDataV4(signed), r, vs);
        if (err != ECDSA.RecoverError.NoError || recovered != l.seller) revert ListingBadSignature(l.seller, recovered);
        _checkOffered(l, seller);
        _listed[key] = Listed(
            bytes28(_saleDigest(exchange, l.seller, l.assetId, l.delivery, l.right, l.parentLicenseId, template, offer)),
            l.version
        );
        emit ProductListed(key, exchange, l.assetId, seller, l);
    }

    /// @inheritdoc IListings
    function delist(bytes32 listingId, bytes32 reasonHash) external {
        (address exchange,) = _participants.requireIdentity(msg.sender, Roles.EXCHANGE);
        bytes32 key = _key(exchange, listingId);
        Listed memory current = _listed[key];
        if (current.digest == bytes28(0)) revert ListingNotListed(listingId);
        _listed[key].digest = bytes28(0);
        emit ProductDelisted(key, current.version, exchange, false, reasonHash);
    }

    /// @inheritdoc IListings
    /// @dev Not paused, nor does it need an active seller: withdrawing consent is always open to the seller.
    function withdraw(address exchange, Listing calldata l, bytes32 reasonHash) external {
        bytes32 key = _key(exchange, l.offer.listingId);
        Listed memory current = _listed[key];
        if (current.digest == bytes28(0) || current.digest != bytes28(_saleDigestOf(exchange, l))
            || current.version != l.version) revert ListingNotListed(l.offer.listingId);
        address seller = _participants.identityOf(l.seller);
        if (msg.sender != l.seller && _participants.identityOf(msg.sender) != seller) {
            revert ListingNotSeller(l.offer.listingId, msg.sender);
        }
        _listed[key] = Listed(bytes28(0), _WITHDRAWN);
        emit ProductDelisted(key, l.version, seller, true, reasonHash);
    }

    /// @inheritdoc IListings
    function settle(ITradeSettlement.Trade calldata t, Offer calldata o) external returns (uint64) {
        Pausing.check(_registry, Pausing.LISTINGS | Pausing.TRADE);
        bytes32 template = _hashTemplate(t.terms);
        bytes32 offer = _hashOffer(o);
        bytes32 key = _key(msg.sender, o.listingId);
        bytes28 digest = bytes28(
            _saleDigest(msg.sender, t.seller, t.assetId, t.delivery, t.right, t.parentLicenseId, template, offer)
        );
        bytes28 inForce = _listed[key].digest;
        if (inForce == bytes28(0) || inForce != digest) {
            // The exchange signs with a key other than its identity (its key changed): its listings are its
            // identity's.
            address exchange = _participants.identityOf(msg.sender);
            key = _key(exchange, o.listingId);
            digest = bytes28(
                _saleDigest(exchange, t.seller, t.assetId, t.delivery, t.right, t.parentLicenseId, template, offer)
            );
            inForce = _listed[key].digest;
            if (exchange == msg.sender || inForce == bytes28(0) || inForce != digest) revert ListingNotListed(o.listingId);
        }
        if (block.timestamp < o.start || block.timestamp > o.end) {
            revert ListingOutsidePeriod(o.listingId, o.start, o.end);
        }
        if (t.price < o.minPrice || t.price > o.maxPrice) {
            revert ListingPriceOutOfRange(o.listingId, t.price, o.minPrice, o.maxPrice);
        }
        if (t.delivery == ITradeSettlement.Delivery.License) {
            // The licence starts at the later of its terms' start and now (see IAssetRegistry.License).
            uint256 start = t.terms.start < block.timestamp ? block.timestamp : t.terms.start;
            uint256 duration = t.terms.end > start ? t.terms.end - start : 0;
            if (start > o.end || duration > o.maxDuration) revert ListingDuration(o.listingId, start, duration);
        }
        return _forward(o.minNet, key);
    }

    // ─────────────────────────────────────────────────────────── views

    /// @inheritdoc IListings
    function hashListing(address exchange, Listing calldata l) external view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    _LISTING_TYPEHASH,
                    exchange,
                    l.seller,
                    l.assetId,
                    l.delivery,
                    l.right,
                    l.parentLicenseId,
                    _hashTemplate(l.terms),
                    _hashOffer(l.offer),
                    l.version,
                    l.documentHash
                )
            )
        );
    }

    /// @inheritdoc IListings
    function saleDigest(address exchange, Listing calldata l) external pure returns (bytes32) {
        return _saleDigestOf(exchange, l);
    }

    /// @inheritdoc IListings
    function listingKey(address exchange, bytes32 listingId) external pure returns (bytes32) {
        return _key(exchange, listingId);
    }

    /// @inheritdoc IListings
    function listed(bytes32 key) external view returns (bytes28 digest, uint32 version) {
        Listed memory s = _listed[key];
        return (s.digest, s.version);
    }

    /// @inheritdoc IListings
    function settlement() external view returns (address) {
        return address(_settlement);
    }

    // ─────────────────────────────────────────────────────────── internals

    /// @dev The calling exchange's and the seller's identities, both checked in one call.
    function _parties(address sellerKey) private view returns (address exchange, address seller) {
        uint256[] memory checks = new uint256[](2);
        checks[0] = uint256(uint160(msg.sender)) | uint256(Roles.EXCHANGE) << 160;
        checks[1] = uint256(uint160(sellerKey)) | uint256(Roles.TRADER) << 160;
        (, uint256 rekeyed) = _participants.requireEach(checks);
        exchange = rekeyed & 1 != 0 ? _participants.identityOf(msg.sender) : msg.sender;
        seller = rekeyed & 2 != 0 ? _participants.identityOf(sellerKey) : sellerKey;
    }

    function _checkWellFormed(Listing calldata l) private view {
        Offer calldata o = l.offer;
        IAssetRegistryTypes.LicenseTerms calldata terms = l.terms;
        bool valid = o.listingId != bytes32(0) && l.documentHash != bytes32(0) && o.maxPrice != 0
            && o.minPrice <= o.maxPrice && o.start < o.end && o.end > block.timestamp && terms.start == 0
            && terms.end == 0;
        if (l.delivery == ITradeSettlement.Delivery.License) {
            valid = valid && terms.right == l.right && o.maxDuration != 0;
        } else {
            valid = valid && o.maxDuration == 0 && l.parentLicenseId == 0;
        }
        if (!valid) revert ListingInvalid(o.listingId);
    }

    /// @dev The seller holds what the listing offers; the asset may be delivered now; public data within its band.
    function _checkOffered(Listing calldata l, address seller) private view {
        (address holder, IAssetRegistryTypes.Category category, IAssetRegistryTypes.Kind kind) =
            _registry.tradableHolder(l.assetId, l.right);
        bool holds = holder == seller;
        if (l.parentLicenseId != 0) {
            IAssetRegistryTypes.License memory parent = _registry.getLicense(l.parentLicenseId);
            holds = parent.assetId == l.assetId && parent.licensee == seller && parent.sublicensable
                && parent.right == l.right && _registry.isLicenseValid(l.parentLicenseId, block.timestamp);
        }
        if (!holds) revert ListingNotHolder(l.assetId, l.seller);
        if (category == IAssetRegistryTypes.Category.Public) {
            ITradeSettlement.PriceBand memory band = _settlement.priceBand(kind);
            if (band.max == 0) revert ListingNoPriceBand(kind);
            if (l.offer.minPrice < band.min || l.offer.maxPrice > band.max) {
                revert ListingOutOfBand(l.offer.minPrice, l.offer.maxPrice, band.min, band.max);
            }
        }
    }

    /// @dev Hands the trade to the settlement contract as {ITradeSettlement-settleConsented}(trade, the calling
    /// exchange, minNet, key). The trade's ABI encoding is copied from this call's calldata as it stands: the
    /// trade is the first argument, a dynamic tuple whose inner offsets are relative to its own start, so its bytes
    /// from where this call's head points to the end of the calldata are a valid encoding of the same trade at any
    /// place (here after the four head words). Re-encoding it from calldata through memory costs some 3,000 gas.
    function _forward(uint256 minNet, bytes32 key) private returns (uint64 licenseId) {
        address target = address(_settlement);
        bytes4 selector = ITradeSettlement.settleConsented.selector;
        assembly ("memory-safe") {
            let from := add(4, calldataload(4))
            let size := sub(calldatasize(), from)
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), 0x80)
            mstore(add(ptr, 0x24), caller())
            mstore(add(ptr, 0x44), minNet)
            mstore(add(ptr, 0x64), key)
            calldatacopy(add(ptr, 0x84), from, size)
            if iszero(call(gas(), target, 0, ptr, add(0x84, size), 0, 0x20)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            licenseId := mload(0)
        }
    }

    function _key(address exchange, bytes32 listingId) private pure returns (bytes32) {
        return keccak256(abi.encode(exchange, listingId));
    }

    function _saleDigestOf(address exchange, Listing calldata l) private pure returns (bytes32) {
        return _saleDigest(
            exchange,
            l.seller,
            l.assetId,
            l.delivery,
            l.right,
            l.parentLicenseId,
            _hashTemplate(l.terms),
            _hashOffer(l.offer)
        );
    }

    function _saleDigest(
        address exchange,
        address seller,
        uint256 assetId,
        ITradeSettlement.Delivery delivery,
        IAssetRegistryTypes.Right right,
        uint64 parentLicenseId,
        bytes32 template,
        bytes32 offer
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(exchange, seller, assetId, delivery, right, parentLicenseId, template, offer));
    }

    function _hashOffer(Offer calldata o) private pure returns (bytes32) {
        return keccak256(
            abi.encode(_OFFER_TYPEHASH, o.listingId, o.maxDuration, o.minPrice, o.maxPrice, o.minNet, o.start, o.end)
        );
    }

    /// @dev EIP-712's hash of the terms with start and end zero: a listing's template, which a trade's terms match
    /// but for their period.
    function _hashTemplate(IAssetRegistryTypes.LicenseTerms calldata terms) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                _TERMS_TYPEHASH,
                terms.right,
                terms.purpose,
                uint40(0),
                uint40(0),
                terms.exclusive,
                terms.sublicensable,
                terms.transferable,
                keccak256(abi.encodePacked(terms.regions)),
                keccak256(abi.encodePacked(terms.countries)),
                terms.termsHash
            )
        );
    }
}
