// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistryTypes} from "./IAssetRegistryTypes.sol";
import {ITradeSettlement} from "./ITradeSettlement.sol";

/// @title Exchange listings of data products (数据产品挂牌, art. 16-17)
/// @notice An exchange lists a data product: the asset, what a buyer receives (a right, or licences cut from one
/// template of terms, each at most `maxDuration` long), a price range (a list price when its bounds are equal),
/// the listing period and the hash of the listing document. The seller consents by its EIP-712 signature over the
/// whole listing, exchange included (see hashListing): a listing is the seller's standing consent to sell on those
/// terms, there and then, as a mandate is (see {IMandateRegistry}). The listed seller must hold the offered right
/// (or, for a sublicence, be the licensee of a sublicensable licence in force), the asset must be deliverable now
/// (registered; not frozen, disputed or suspended; personal data anonymised: the asset registry's own errors say
/// which), and public data must be listed within the authority's guided price band.
///
/// An exchange amends a listing by listing it again under the same id with a higher version (and the seller's
/// signature over the new terms): the earlier version's terms no longer sell. The exchange delists it; the seller withdraws
/// it for good. A trade that references a listing (settle) must match its seller, asset, delivery and licence
/// template, lie within its price range and period, and net the seller at least its least net amount; it settles
/// through {ITradeSettlement} with the listing's key as its consent. A listed asset that becomes disputed or frozen
/// is suspended on its own: the asset registry refuses every delivery of it until it is cleared.
///
/// The contract keeps one slot per listing (the hash of its current version); the listings are events.
interface IListings {
    /// @notice What a listing offers beyond what a trade itself names (its seller, asset, delivery, right, parent
    /// licence and licence template): a trade that references the listing passes it.
    /// @param listingId the exchange's id of the listing, unique per exchange
    /// @param maxDuration License delivery: the longest period (end minus effective start) of a licence sold, in
    /// seconds; Right delivery: zero
    /// @param minPrice the least price of a trade, in settlement-token units
    /// @param maxPrice the greatest; equal to minPrice for a list price
    /// @param minNet the least the seller must net on each sale, after the exchange's fee and the revenue shares
    /// @param start the listing period's first second
    /// @param end its last second
    struct Offer {
        bytes32 listingId;
        uint40 maxDuration;
        uint128 minPrice;
        uint128 maxPrice;
        uint256 minNet;
        uint40 start;
        uint40 end;
    }

    /// @notice A listing, as its seller signs it.
    /// @param seller the key with which the seller signs the listing and its trades
    /// @param right the right sold (Right delivery) or licensed (License delivery: equal to terms.right)
    /// @param parentLicenseId for sublicences, the seller's licence they are cut from; else zero
    /// @param terms License delivery: the licence template every sale must match but for start and end, which are
    /// zero here; Right delivery: what trades of the right carry as terms (nothing: all zero), without a period
    /// @param version 1 when first listed, higher with each amendment
    /// @param documentHash the hash of the listing document (挂牌文件)
    struct Listing {
        address seller;
        uint256 assetId;
        ITradeSettlement.Delivery delivery;
        IAssetRegistryTypes.Right right;
        uint64 parentLicenseId;
        IAssetRegistryTypes.LicenseTerms terms;
        Offer offer;
        uint32 version;
        bytes32 documentHash;
    }

    // ─────────────────────────────────────────────────────────── errors

    /// @notice Thrown for a malformed listing: a zero id or document hash, a price range empty or reversed, a period
    /// empty or already over, licence terms with a start or end, a licence right other than the terms', a licence
    /// without a duration or a right transfer with one.
    error ListingInvalid(bytes32 listingId);
    /// @notice Thrown when the seller's signature does not recover to the listing's seller.
    error ListingBadSignature(address seller, address recovered);
    /// @notice Thrown when the listed seller does not hold the offered right, or (for a sublicence) is not the
    /// licensee of a sublicensable licence of the asset in force.
    error ListingNotHolder(uint256 assetId, address seller);
    /// @notice Thrown when public data is listed and the authority has set no price band for its kind.
    error ListingNoPriceBand(IAssetRegistryTypes.Kind kind);
    /// @notice Thrown when a public-data listing's price range leaves the guided band.
    error ListingOutOfBand(uint128 minPrice, uint128 maxPrice, uint128 bandMin, uint128 bandMax);
    /// @notice Thrown when a listing's version is not above the version listed (or withdrawn) before it.
    error ListingStaleVersion(bytes32 listingId, uint32 version, uint32 current);
    /// @notice Thrown when the exchange has no listing of that id in force, or the trade's seller, asset, delivery,
    /// right, parent licence, licence template or the offer passed with it differ from the listing's current version.
    error ListingNotListed(bytes32 listingId);
    /// @notice Thrown when a trade settles outside the listing period.
    error ListingOutsidePeriod(bytes32 listingId, uint40 start, uint40 end);
    /// @notice Thrown when a trade's price lies outside the listing's range.
    error ListingPriceOutOfRange(bytes32 listingId, uint256 price, uint128 minPrice, uint128 maxPrice);
    /// @notice Thrown when the licence sold runs longer than the listing offers, or starts after its period.
    error ListingDuration(bytes32 listingId, uint256 start, uint256 duration);
    /// @notice Thrown when someone other than the listing's seller would withdraw it.
    error ListingNotSeller(bytes32 listingId, address caller);

    // ─────────────────────────────────────────────────────────── events

    /// @notice An exchange listed a product, or amended its listing (a higher version of the same id).
    /// @param key the listing's key, keccak256(abi.encode(exchange, listingId)): the consent its trades cite
    /// @param exchange the listing exchange's identity
    /// @param seller the seller's identity (its signing key is listing.seller)
    event ProductListed(
        bytes32 indexed key, address indexed exchange, uint256 indexed assetId, address seller, Listing listing
    );
    /// @notice A listing ceased to sell: delisted by its exchange, or withdrawn for good by its seller.
    /// @param by the identity that ended it
    /// @param withdrawn the seller withdrew it: no version of it may be listed again
    /// @param reasonHash the hash of the exchange's delisting notice or the seller's withdrawal (may be zero)
    event ProductDelisted(bytes32 indexed key, uint32 version, address by, bool withdrawn, bytes32 reasonHash);

    // ─────────────────────────────────────────────────────────── listing

    /// @notice Lists a product, or amends a listing of the calling exchange (a higher version of its id), with the
    /// seller's EIP-712 signature over the listing and this exchange (see hashListing).
    /// @return key the listing's key
    /// @param r the signature's r
    /// @param vs the signature's s with the parity of v in its top bit (EIP-2098 compact form)
    function list(Listing calldata listing, bytes32 r, bytes32 vs) external returns (bytes32 key);

    /// @notice Ends a listing of the calling exchange: no trade references it any more. Listing it again takes a
    /// higher version, with the seller's signature over it.
    function delist(bytes32 listingId, bytes32 reasonHash) external;

    /// @notice The seller withdraws its consent to a listing for good (its exchange may list the product again only
    /// under another id, with the seller's new signature).
    /// @param exchange the listing exchange (its identity)
    /// @param listing the listing as listed at its current version
    function withdraw(address exchange, Listing calldata listing, bytes32 reasonHash) external;

    /// @notice Settles a trade under the calling exchange's listing `offer` (see {ITradeSettlement-settle}; the
    /// listing is the seller's consent).
    /// @return licenseId the licence the trade granted (License delivery), else zero
    function settle(ITradeSettlement.Trade calldata trade, Offer calldata offer) external returns (uint64 licenseId);

    // ─────────────────────────────────────────────────────────── views

    /// @notice The EIP-712 digest the seller signs: `Listing(address exchange,address seller,uint256 assetId,
    /// uint8 delivery,uint8 right,uint64 parentLicenseId,LicenseTerms terms,Offer offer,uint32 version,
    /// bytes32 documentHash)` with the types of {ITradeSettlement}'s LicenseTerms and of Offer.
    function hashListing(address exchange, Listing calldata listing) external view returns (bytes32);

    /// @notice The key of an exchange's listing: keccak256(abi.encode(exchange, listingId)).
    function listingKey(address exchange, bytes32 listingId) external pure returns (bytes32);

    /// @notice A listing's state.
    /// @param digest the first 28 bytes of the hash of what its current version sells (see saleDigest); zero when
    /// not in force
    /// @param version its current version (type(uint32).max once withdrawn by its seller)
    function listed(bytes32 key) external view returns (bytes28 digest, uint32 version);

    /// @notice The hash whose first 28 bytes a listing in force keeps: keccak256(abi.encode(exchange, seller,
    /// assetId, delivery, right, parentLicenseId, T, O)) where T and O are the EIP-712 hashes of the licence template
    /// (the terms with start and end zero) and of the offer. A trade recomputes it from its own fields.
    function saleDigest(address exchange, Listing calldata listing) external pure returns (bytes32);

    /// @notice The settlement contract its trades settle through.
    function settlement() external view returns (address);
}
