// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetControls} from "./interfaces/IAssetControls.sol";
import {IAssetRegistryTypes} from "./interfaces/IAssetRegistryTypes.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Regions} from "./libraries/Regions.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title AssetRegistryBase
/// @notice The storage, wiring and shared checks of the data-property registry. The registry's functions are
/// split between two contracts that run on this one storage: {AssetRegistry}, at the registry's address, holds
/// the frequent and budgeted paths (application, licences, settlement delivery); {AssetRegistryModule} holds the
/// rest (review, cancellation, revocation, hooks, views) and runs only through the registry's fallback, by
/// delegatecall. Together they implement {IAssetRegistry}; neither adds storage of its own.
/// @dev Storage is shaped by the gas budgets: an application writes two fresh slots (the record and the id to
/// content-hash index; the content hash is claimed only at registration), a licence two. Everything else an
/// auditor needs (names, URIs, territory lists, document hashes) lives in the events, which the indexer replays.
abstract contract AssetRegistryBase is IAssetRegistryTypes {
    // ─────────────────────────────────────────────────────────── constants

    uint8 internal constant _DISPUTED = 1 << 0;
    uint8 internal constant _FROZEN = 1 << 1;
    uint8 internal constant _ANONYMISED = 1 << 2;
    /// @dev Set once the processing or operation right is held apart from the holding right.
    uint8 internal constant _SPLIT = 1 << 3;
    uint8 internal constant _SUSPENDED = 1 << 4;
    /// @dev Registered by recognition of another province's certificate (not linked to a registration made here):
    /// its holders follow the origin's certificates, so its rights change hands there, not here.
    uint8 internal constant _RECOGNISED = 1 << 5;

    uint8 internal constant _L_EXCLUSIVE = 1 << 0;
    uint8 internal constant _L_SUBLICENSABLE = 1 << 1;
    uint8 internal constant _L_TRANSFERABLE = 1 << 2;
    uint8 internal constant _L_CROSS_BORDER = 1 << 3;
    uint8 internal constant _L_REVOKED = 1 << 4;
    /// @dev Delivered by a settlement: a buyer paid for it.
    uint8 internal constant _L_SOLD = 1 << 5;

    uint8 internal constant _MAX_DEPTH = 3;
    /// @dev Exclusive licences per (asset, right, purpose, parent) that have not ended: each grant reads them all.
    uint256 internal constant _MAX_EXCLUSIVES = 8;
    uint256 internal constant _MAX_URI_LENGTH = 256;
    uint256 internal constant _MAX_NAME_LENGTH = 128;
    uint256 internal constant _MAX_TERRITORY = 32;
    uint256 internal constant _DAY = 1 days;

    // ─────────────────────────────────────────────────────────── storage

    /// @dev One slot: 160 + 24 + 5 * 8 + 32 = 256 bits. `licensedUntilDay`: the end of the latest-ending
    /// licence ever granted directly over the asset, in whole UTC days rounded up, so that a grant writes
    /// it at most once a day (it only ever grows, which keeps cancellation on the safe side).
    struct AssetRecord {
        address holder;
        uint24 region;
        Category category;
        Grade grade;
        Kind kind;
        Status status;
        uint8 flags;
        uint32 licensedUntilDay;
    }

    /// @dev One slot: 48 + 40 = 88 bits. Written at review, not at application.
    struct AssetMeta {
        uint48 certificateSerial;
        uint40 registeredAt;
    }

    /// @dev Two slots: (160 + 32 + 16 + 8 + 8 + 8 = 232) and (40 + 40 + 64 = 144) bits. `start` is the
    /// effective start: the terms' start or the grant's block time, whichever is later.
    struct LicenseRecord {
        address licensee;
        uint32 assetId;
        uint16 purpose;
        Right right;
        uint8 flags;
        uint8 depth;
        uint40 start;
        uint40 end;
        uint64 parentId;
        /// @dev The latest end of the sublicences sold under it, at any depth (see {License-soldUntil}).
        uint40 soldUntil;
    }

    /// @dev Per (asset, right, purpose, parent): the span from the earliest start to the latest end of
    /// the live shared licences, how many are live, and how many exclusive licences are kept (packed in
    /// `_exclusiveSlots`, pruned of ended ones at every grant). One slot: 40 + 40 + 32 + 8 = 120 bits.
    struct ExclusivityState {
        uint40 sharedStart;
        uint40 sharedEnd;
        uint32 liveShared;
        uint8 exclusives;
    }

    /// @dev The territory of a sublicensable licence, kept so that its sublicences can be held within it.
    struct Territory {
        uint24[] regions;
        bytes2[] countries;
    }

    /// @dev One slot: 64 + 32 + 48 + 16 = 160 bits: an application or a grant touches one counter slot, and reads
    /// the ledger's pause register (bits of {Pausing}) with it.
    struct Counters {
        uint64 licenses;
        uint32 assets;
        uint48 certificates;
        uint16 paused;
    }

    IParticipantRegistry internal immutable _participants;
    address internal immutable _controls;
    address internal immutable _recognition;
    address internal immutable _settlement;

    Counters internal _counters;
    mapping(uint256 assetId => AssetRecord) internal _assets;
    mapping(uint256 assetId => bytes32 contentHash) internal _contentHashes;
    mapping(bytes32 contentHash => uint256 assetId) internal _registeredIds;
    mapping(uint256 assetId => AssetMeta) internal _meta;
    /// @dev Written when the holding right first moves: until then the applicant is the holder.
    mapping(uint256 assetId => address applicant) internal _applicants;
    mapping(uint256 assetId => mapping(Right right => address holder)) internal _splitHolders;
    mapping(uint64 licenseId => LicenseRecord) internal _licenses;
    mapping(uint64 licenseId => uint64[] children) internal _children;
    mapping(bytes32 exclusivityKey => ExclusivityState) internal _exclusivity;
    /// @dev (start | end << 40 | licence id << 80) of the kept exclusive licences, indexes 0..exclusives-1.
    mapping(bytes32 exclusivityKey => mapping(uint256 index => uint256 packed)) internal _exclusiveSlots;
    mapping(uint64 licenseId => Territory) internal _territories;

    /// @param participants_ the participant registry
    /// @param controls_ the asset-controls contract (objections, freezes, attestations)
    /// @param recognition_ the recognition contract (other provinces' registrations)
    /// @param settlement_ the trade-settlement contract
    constructor(IParticipantRegistry participants_, address controls_, address recognition_, address settlement_) {
        _participants = participants_;
        _controls = controls_;
        _recognition = recognition_;
        _settlement = settlement_;
    }

    // ─────────────────────────────────────────────────────────── rights

    function _transferRight(
        AssetRecord storage rec,
        uint256 assetId,
        Right right,
        address from,
        address to,
        bytes32 tradeId
    ) internal {
        if (to == address(0)) revert RegistryZeroAddress();
        address current = _holderOf(rec, assetId, right);
        if (current != from) revert RegistryNotRightHolder(assetId, right, from);
        if (to == from) revert RegistrySameHolder(assetId, right, to);
        if (rec.flags & _SPLIT == 0) {
            // The three rights were held together; pin the two that stay behind before they part.
            rec.flags |= _SPLIT;
            _splitHolders[assetId][Right.Processing] = rec.holder;
            _splitHolders[assetId][Right.Operation] = rec.holder;
        }
        if (right == Right.Holding) {
            if (_applicants[assetId] == address(0)) _applicants[assetId] = from;
            rec.holder = to;
        } else {
            _splitHolders[assetId][right] = to;
        }
        emit RightTransferred(assetId, right, from, to, tradeId);
    }

    function _holderOf(AssetRecord storage rec, uint256 assetId, Right right) internal view returns (address) {
        if (right == Right.Holding || rec.flags & _SPLIT == 0) return rec.holder;
        return _splitHolders[assetId][right];
    }

    function _applicantOf(AssetRecord storage rec, uint256 assetId) internal view returns (address) {
        address applicant = _applicants[assetId];
        return applicant == address(0) ? rec.holder : applicant;
    }

    function _openObjections(uint256 assetId) internal view returns (uint32) {
        return IAssetControls(_controls).openObjections(assetId);
    }

    // ─────────────────────────────────────────────────────────── licences

    function _isValid(uint64 licenseId, uint256 timestamp) internal view returns (bool) {
        LicenseRecord storage l = _licenses[licenseId];
        if (l.licensee == address(0) || l.flags & _L_REVOKED != 0) return false;
        if (timestamp < l.start || timestamp >= l.end) return false;
        if (l.parentId != 0) return _isValid(l.parentId, timestamp);
        return _assets[l.assetId].status == Status.Registered;
    }

    function _exclusivityKey(uint256 assetId, Right right, uint16 purpose, uint64 parentId)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(assetId, right, purpose, parentId));
    }

    // ─────────────────────────────────────────────────────────── checks

    function _record(uint256 assetId) internal view returns (AssetRecord storage rec) {
        rec = _assets[assetId];
        if (rec.status == Status.None) revert RegistryUnknownAsset(assetId);
    }

    function _license(uint64 licenseId) internal view returns (LicenseRecord storage l) {
        l = _licenses[licenseId];
        if (l.licensee == address(0)) revert LicenseUnknown(licenseId);
    }

    /// @dev Registered, not frozen, disputed or suspended, and personal data anonymised: may be licensed,
    /// traded or transferred.
    function _requireTransferable(AssetRecord storage rec, uint256 assetId) internal view {
        AssetRecord memory r = rec;
        if (r.status != Status.Registered) revert RegistryInvalidStatus(assetId, r.status);
        if (r.flags & (_FROZEN | _DISPUTED | _SUSPENDED) != 0) {
            if (r.flags & _FROZEN != 0) revert RegistryAssetFrozen(assetId);
            if (r.flags & _DISPUTED != 0) revert RegistryAssetDisputed(assetId, _openObjections(assetId));
            revert RegistryAssetSuspended(assetId);
        }
        if (r.category == Category.Personal && r.flags & _ANONYMISED == 0) revert RegistryNotAnonymised(assetId);
    }

    /// @dev Active, with a trading role, and with a declaration on file if an intermediary (art. 26).
    /// @return identity the identity of the participant for which `account` signs
    function _requireTrader(address account) internal view returns (address identity) {
        (identity,) = _participants.requireIdentity(account, Roles.TRADER);
    }

    /// @dev Both parties of a grant or transfer, in one call: their identities.
    function _requireTraders(address a, address b) internal view returns (address, address) {
        return _participants.requireTraders(a, b);
    }

    /// @dev Reverts with {LedgerPaused} when the registry is paused: first in each participant's entry point.
    function _whenNotPaused() internal view {
        Pausing.check(_counters.paused, Pausing.REGISTRY);
    }

    function _onlyCaller(address expected) internal view {
        if (msg.sender != expected) revert RegistryOnlyCaller(msg.sender, expected);
    }

    function _checkString(uint256 length, uint256 maxLength) internal pure {
        if (length == 0 || length > maxLength) revert RegistryInvalidString(length, maxLength);
    }

    function _checkRegion(uint24 region) internal pure {
        if (!Regions.isValid(region)) revert RegistryInvalidRegion(region);
    }
}
