// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title AssetRegistry
/// @notice Data-property registration and licensing. See {IAssetRegistry}.
/// @dev Storage is shaped by the gas budgets: an application writes two fresh slots (the
/// record, keyed by content hash so that it doubles as the uniqueness check, and the id to
/// content-hash index); a licence writes two. Everything else an auditor needs (names, URIs,
/// territory lists, document hashes) lives in the events, which the indexer replays.
contract AssetRegistry is IAssetRegistry {
    // ─────────────────────────────────────────────────────────── constants

    uint8 private constant _DISPUTED = 1 << 0;
    uint8 private constant _FROZEN = 1 << 1;
    uint8 private constant _ANONYMISED = 1 << 2;
    /// @dev Set once the processing or operation right is held apart from the holding right.
    uint8 private constant _SPLIT = 1 << 3;

    uint8 private constant _L_EXCLUSIVE = 1 << 0;
    uint8 private constant _L_SUBLICENSABLE = 1 << 1;
    uint8 private constant _L_TRANSFERABLE = 1 << 2;
    uint8 private constant _L_CROSS_BORDER = 1 << 3;
    uint8 private constant _L_REVOKED = 1 << 4;

    uint8 private constant _MAX_DEPTH = 3;
    uint256 private constant _MAX_URI_LENGTH = 256;
    uint256 private constant _MAX_NAME_LENGTH = 128;
    uint256 private constant _MAX_TERRITORY = 32;

    // ─────────────────────────────────────────────────────────── storage

    /// @dev One slot: 160 + 24 + 5 * 8 + 32 = 256 bits.
    struct AssetRecord {
        address holder;
        uint24 region;
        Category category;
        Grade grade;
        Kind kind;
        Status status;
        uint8 flags;
        uint32 id;
    }

    /// @dev One slot: 48 + 40 + 32 = 120 bits. Written at review, not at application.
    struct AssetMeta {
        uint48 certificateSerial;
        uint40 registeredAt;
        uint32 openObjections;
    }

    /// @dev Two slots: (160 + 32 + 16 + 8 + 8 + 8 = 232) and (40 + 40 + 64 = 144) bits.
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
    }

    /// @dev Per (asset, right, purpose, parent): the span from the earliest start to the latest
    /// end of the shared licences, while any is live, and how many exclusive licences were
    /// granted (their ids in `_exclusiveIds`). One slot: 40 + 40 + 32 + 32 = 144 bits.
    struct ExclusivityState {
        uint40 sharedStart;
        uint40 sharedEnd;
        uint32 liveShared;
        uint32 exclusives;
    }

    /// @dev The territory of a sublicensable licence, kept so that its sublicences can be held within it.
    struct Territory {
        uint24[] regions;
        bytes2[] countries;
    }

    /// @dev One slot: 160 + 64 + 32 = 256 bits; counters share the slot with the settlement
    /// address so that an application or a grant touches one counter slot.
    struct Counters {
        address settlement;
        uint64 licenses;
        uint32 assets;
    }

    struct ObjectionRecord {
        address objector;
        uint32 assetId;
        ObjectionStatus status;
        uint40 lodgedAt;
        bytes32 evidenceHash;
    }

    IParticipantRegistry private immutable _participants;

    Counters private _counters;
    uint48 private _certificates;
    uint64 private _objectionCount;
    address private _recognition;

    mapping(bytes32 contentHash => AssetRecord) private _records;
    mapping(uint256 assetId => bytes32 contentHash) private _contentHashes;
    mapping(uint256 assetId => AssetMeta) private _meta;
    mapping(uint256 assetId => mapping(Right right => address holder)) private _splitHolders;
    mapping(uint64 licenseId => LicenseRecord) private _licenses;
    mapping(uint64 licenseId => uint64[] children) private _children;
    mapping(bytes32 exclusivityKey => ExclusivityState) private _exclusivity;
    mapping(bytes32 exclusivityKey => mapping(uint256 index => uint64 licenseId)) private _exclusiveIds;
    mapping(uint64 licenseId => Territory) private _territories;
    mapping(uint256 objectionId => ObjectionRecord) private _objections;

    constructor(IParticipantRegistry participants) {
        _participants = participants;
    }

    // ─────────────────────────────────────────────────────────── registration

    /// @inheritdoc IAssetRegistry
    function applyRegistration(Registration calldata r) external returns (uint256 assetId) {
        _participants.requireRole(msg.sender, Roles.ASSET_OWNERS);
        if (r.contentHash == bytes32(0) || r.metadataHash == bytes32(0)) revert RegistryZeroHash();
        _checkString(bytes(r.metadataURI).length, _MAX_URI_LENGTH);
        _checkString(bytes(r.name).length, _MAX_NAME_LENGTH);
        _checkRegion(r.region);
        address processing = r.processingHolder == address(0) ? msg.sender : r.processingHolder;
        address operation = r.operationHolder == address(0) ? msg.sender : r.operationHolder;
        bool split = processing != msg.sender || operation != msg.sender;
        if (processing != msg.sender) _requireTrader(processing);
        if (operation != msg.sender && operation != processing) _requireTrader(operation);

        AssetRecord storage rec = _records[r.contentHash];
        uint8 flags;
        if (rec.status == Status.None) {
            Counters storage c = _counters;
            assetId = ++c.assets;
            _contentHashes[assetId] = r.contentHash;
        } else if (rec.status == Status.Rejected) {
            // A rejected application may be filed again under the same id; objections and a
            // freeze on it carry over.
            assetId = rec.id;
            flags = rec.flags & (_DISPUTED | _FROZEN);
        } else {
            revert RegistryContentHashRegistered(r.contentHash, rec.id);
        }
        if (split) {
            flags |= _SPLIT;
            _splitHolders[assetId][Right.Processing] = processing;
            _splitHolders[assetId][Right.Operation] = operation;
        }
        _records[r.contentHash] = AssetRecord({
            holder: msg.sender,
            region: r.region,
            category: r.category,
            grade: r.grade,
            kind: r.kind,
            status: Status.Pending,
            flags: flags,
            id: uint32(assetId)
        });
        emit RegistrationApplied(assetId, r.contentHash, msg.sender, processing, operation, r);
    }

    /// @inheritdoc IAssetRegistry
    function reviewRegistration(uint256 assetId, bool approve, bytes32 reviewHash) external {
        AssetRecord storage rec = _record(assetId);
        _requireRegistrarOf(rec);
        if (rec.status != Status.Pending) revert RegistryInvalidStatus(assetId, rec.status);
        if (reviewHash == bytes32(0)) revert RegistryZeroHash();
        if (!approve) {
            rec.status = Status.Rejected;
            emit RegistrationRejected(assetId, msg.sender, reviewHash);
            return;
        }
        uint48 serial = ++_certificates;
        rec.status = Status.Registered;
        AssetMeta storage meta = _meta[assetId];
        meta.certificateSerial = serial;
        meta.registeredAt = uint40(block.timestamp);
        emit AssetRegistered(assetId, msg.sender, serial, reviewHash);
    }

    /// @inheritdoc IAssetRegistry
    function changeRegistration(uint256 assetId, bytes32 metadataHash, string calldata metadataURI) external {
        _participants.requireRole(msg.sender, Roles.ALL);
        AssetRecord storage rec = _record(assetId);
        if (rec.holder != msg.sender) revert RegistryNotRightHolder(assetId, Right.Holding, msg.sender);
        if (rec.status != Status.Registered) revert RegistryInvalidStatus(assetId, rec.status);
        if (rec.flags & _FROZEN != 0) revert RegistryAssetFrozen(assetId);
        if (metadataHash == bytes32(0)) revert RegistryZeroHash();
        _checkString(bytes(metadataURI).length, _MAX_URI_LENGTH);
        emit RegistrationChanged(assetId, msg.sender, metadataHash, metadataURI);
    }

    /// @inheritdoc IAssetRegistry
    function cancelRegistration(uint256 assetId, bytes32 reasonHash) external {
        AssetRecord storage rec = _record(assetId);
        if (rec.holder == msg.sender) {
            _participants.requireRole(msg.sender, Roles.ALL);
            if (rec.flags & _FROZEN != 0) revert RegistryAssetFrozen(assetId);
        } else {
            _requireRegistrarOf(rec);
        }
        if (rec.status != Status.Pending && rec.status != Status.Registered) {
            revert RegistryInvalidStatus(assetId, rec.status);
        }
        if (reasonHash == bytes32(0)) revert RegistryZeroHash();
        rec.status = Status.Cancelled;
        emit RegistrationCancelled(assetId, msg.sender, reasonHash);
    }

    /// @inheritdoc IAssetRegistry
    function transferRight(uint256 assetId, Right right, address to) external {
        if (to == address(0)) revert RegistryZeroAddress();
        _requireTraders(msg.sender, to);
        AssetRecord storage rec = _record(assetId);
        _requireTransferable(rec, assetId);
        _transferRight(rec, assetId, right, msg.sender, to, bytes32(0));
    }

    /// @inheritdoc IAssetRegistry
    function lodgeObjection(uint256 assetId, bytes32 evidenceHash) external returns (uint256 objectionId) {
        _participants.requireRole(msg.sender, Roles.ALL);
        AssetRecord storage rec = _record(assetId);
        if (rec.status != Status.Pending && rec.status != Status.Registered) {
            revert RegistryInvalidStatus(assetId, rec.status);
        }
        if (evidenceHash == bytes32(0)) revert RegistryZeroHash();
        objectionId = ++_objectionCount;
        _objections[objectionId] = ObjectionRecord({
            objector: msg.sender,
            assetId: uint32(assetId),
            status: ObjectionStatus.Open,
            lodgedAt: uint40(block.timestamp),
            evidenceHash: evidenceHash
        });
        _meta[assetId].openObjections += 1;
        rec.flags |= _DISPUTED;
        emit ObjectionLodged(objectionId, assetId, msg.sender, evidenceHash);
    }

    /// @inheritdoc IAssetRegistry
    function resolveObjection(uint256 objectionId, bool upheld, bytes32 decisionHash) external {
        ObjectionRecord storage o = _objections[objectionId];
        if (o.status != ObjectionStatus.Open) revert RegistryObjectionNotOpen(objectionId);
        uint256 assetId = o.assetId;
        AssetRecord storage rec = _record(assetId);
        _requireRegistrarOf(rec);
        if (decisionHash == bytes32(0)) revert RegistryZeroHash();
        o.status = upheld ? ObjectionStatus.Upheld : ObjectionStatus.Dismissed;
        uint32 open = _meta[assetId].openObjections - 1;
        _meta[assetId].openObjections = open;
        if (open == 0) rec.flags &= ~_DISPUTED;
        emit ObjectionResolved(objectionId, assetId, msg.sender, upheld, decisionHash, open);
    }

    /// @inheritdoc IAssetRegistry
    function freeze(uint256 assetId, bytes32 reasonHash) external {
        AssetRecord storage rec = _authorityOn(assetId, reasonHash);
        if (rec.flags & _FROZEN != 0) revert RegistryFreezeState(assetId, true);
        rec.flags |= _FROZEN;
        emit AssetFrozen(assetId, msg.sender, reasonHash);
    }

    /// @inheritdoc IAssetRegistry
    function unfreeze(uint256 assetId, bytes32 reasonHash) external {
        AssetRecord storage rec = _authorityOn(assetId, reasonHash);
        if (rec.flags & _FROZEN == 0) revert RegistryFreezeState(assetId, false);
        rec.flags &= ~_FROZEN;
        emit AssetUnfrozen(assetId, msg.sender, reasonHash);
    }

    /// @inheritdoc IAssetRegistry
    function attestAnonymisation(uint256 assetId, bytes32 reportHash) external {
        // A third-party service provider attests only with its declaration and commitment on file (art. 26).
        _participants.requireRole(msg.sender, Roles.SERVICE_PROVIDER | Roles.DECLARED);
        AssetRecord storage rec = _record(assetId);
        if (rec.category != Category.Personal) revert RegistryNotPersonalData(assetId, rec.category);
        if (rec.status != Status.Pending && rec.status != Status.Registered) {
            revert RegistryInvalidStatus(assetId, rec.status);
        }
        if (reportHash == bytes32(0)) revert RegistryZeroHash();
        rec.flags |= _ANONYMISED;
        emit AnonymisationAttested(assetId, msg.sender, reportHash);
    }

    // ─────────────────────────────────────────────────────────── licences

    /// @inheritdoc IAssetRegistry
    function grantLicense(uint256 assetId, address licensee, LicenseTerms calldata terms)
        external
        returns (uint64)
    {
        if (licensee == address(0)) revert RegistryZeroAddress();
        _requireTraders(msg.sender, licensee);
        return _grant(assetId, 0, msg.sender, licensee, terms);
    }

    /// @inheritdoc IAssetRegistry
    function sublicense(uint64 parentId, address licensee, LicenseTerms calldata terms) external returns (uint64) {
        if (licensee == address(0)) revert RegistryZeroAddress();
        _requireTraders(msg.sender, licensee);
        return _grant(_license(parentId).assetId, parentId, msg.sender, licensee, terms);
    }

    /// @inheritdoc IAssetRegistry
    function revokeLicense(uint64 licenseId, bytes32 reasonHash) external {
        LicenseRecord storage l = _license(licenseId);
        if (l.flags & _L_REVOKED != 0) revert LicenseNotValid(licenseId);
        if (reasonHash == bytes32(0)) revert RegistryZeroHash();
        IParticipantRegistry.Participant memory caller = _participants.requireRole(msg.sender, Roles.ALL);
        bool allowed = caller.roles & Roles.AUTHORITY != 0
            || _holderOf(_records[_contentHashes[l.assetId]], l.assetId, l.right) == msg.sender
            || (l.parentId != 0 && _licenses[l.parentId].licensee == msg.sender);
        if (!allowed) revert LicenseNotAuthorized(licenseId, msg.sender);
        _revoke(licenseId, l, msg.sender, 0, reasonHash);
    }

    /// @inheritdoc IAssetRegistry
    function transferLicense(uint64 licenseId, address to) external {
        LicenseRecord storage l = _license(licenseId);
        if (l.licensee != msg.sender) revert LicenseNotAuthorized(licenseId, msg.sender);
        if (l.flags & _L_TRANSFERABLE == 0) revert LicenseNotTransferable(licenseId);
        if (!_isValid(licenseId, block.timestamp)) revert LicenseNotValid(licenseId);
        if (to == address(0)) revert RegistryZeroAddress();
        if (to == msg.sender) revert LicenseSelfGrant(to);
        _requireTraders(msg.sender, to);
        _requireTransferable(_records[_contentHashes[l.assetId]], l.assetId);
        l.licensee = to;
        emit LicenseTransferred(licenseId, msg.sender, to);
    }

    // ─────────────────────────────────────────────────────────── settlement hooks

    /// @inheritdoc IAssetRegistry
    function setSettlement(address settlement_) external {
        _participants.requireRole(msg.sender, Roles.AUTHORITY);
        if (settlement_ == address(0)) revert RegistryZeroAddress();
        address current = _counters.settlement;
        if (current != address(0)) revert RegistrySettlementAlreadySet(current);
        _counters.settlement = settlement_;
        emit SettlementSet(settlement_, msg.sender);
    }

    /// @inheritdoc IAssetRegistry
    /// @dev The settlement contract has checked every party of the trade with the participant registry.
    function deliverRight(bytes32 tradeId, uint256 assetId, Right right, address seller, address buyer)
        external
        returns (Category, Kind)
    {
        _onlySettlement();
        AssetRecord storage rec = _record(assetId);
        _requireTransferable(rec, assetId);
        _transferRight(rec, assetId, right, seller, buyer, tradeId);
        return (rec.category, rec.kind);
    }

    /// @inheritdoc IAssetRegistry
    /// @dev The settlement contract has checked every party of the trade with the participant registry.
    function deliverLicense(
        uint256 assetId,
        uint64 parentId,
        address seller,
        address buyer,
        LicenseTerms calldata terms
    ) external returns (Category, Kind, uint64 licenseId) {
        _onlySettlement();
        if (parentId != 0 && _license(parentId).assetId != assetId) revert LicenseExceedsParent(parentId);
        licenseId = _grant(assetId, parentId, seller, buyer, terms);
        AssetRecord storage rec = _records[_contentHashes[assetId]];
        return (rec.category, rec.kind, licenseId);
    }

    // ─────────────────────────────────────────────────────────── recognition hooks

    /// @inheritdoc IAssetRegistry
    function setRecognition(address recognition_) external {
        _participants.requireRole(msg.sender, Roles.AUTHORITY);
        if (recognition_ == address(0)) revert RegistryZeroAddress();
        if (_recognition != address(0)) revert RegistryRecognitionAlreadySet(_recognition);
        _recognition = recognition_;
        emit RecognitionSet(recognition_, msg.sender);
    }

    /// @inheritdoc IAssetRegistry
    /// @dev The recognition contract has verified the certificate and checked the content hash for conflicts.
    function registerRecognised(Registration calldata r, address holder, address registrar)
        external
        returns (uint256 assetId)
    {
        _onlyRecognition();
        AssetRecord storage rec = _records[r.contentHash];
        if (rec.status != Status.None) revert RegistryContentHashRegistered(r.contentHash, rec.id);
        assetId = ++_counters.assets;
        _contentHashes[assetId] = r.contentHash;
        uint8 flags;
        if (r.processingHolder != holder || r.operationHolder != holder) {
            flags = _SPLIT;
            _splitHolders[assetId][Right.Processing] = r.processingHolder;
            _splitHolders[assetId][Right.Operation] = r.operationHolder;
        }
        _records[r.contentHash] = AssetRecord(
            holder, r.region, r.category, r.grade, r.kind, Status.Registered, flags, uint32(assetId)
        );
        uint48 serial = ++_certificates;
        _meta[assetId] = AssetMeta(serial, uint40(block.timestamp), 0);
        emit RegistrationApplied(assetId, r.contentHash, holder, r.processingHolder, r.operationHolder, r);
        emit AssetRegistered(assetId, registrar, serial, r.metadataHash);
    }

    /// @inheritdoc IAssetRegistry
    function freezeRecognised(uint256 assetId, address by, bytes32 reasonHash) external {
        _onlyRecognition();
        AssetRecord storage rec = _record(assetId);
        if (rec.flags & _FROZEN != 0) return;
        rec.flags |= _FROZEN;
        emit AssetFrozen(assetId, by, reasonHash);
    }

    // ─────────────────────────────────────────────────────────── views

    /// @inheritdoc IAssetRegistry
    function getAsset(uint256 assetId) external view returns (Asset memory a) {
        bytes32 contentHash = _contentHashes[assetId];
        if (contentHash == bytes32(0)) revert RegistryUnknownAsset(assetId);
        AssetRecord storage rec = _records[contentHash];
        AssetMeta storage meta = _meta[assetId];
        a.id = assetId;
        a.contentHash = contentHash;
        a.category = rec.category;
        a.grade = rec.grade;
        a.kind = rec.kind;
        a.status = rec.status;
        a.region = rec.region;
        a.disputed = rec.flags & _DISPUTED != 0;
        a.frozen = rec.flags & _FROZEN != 0;
        a.anonymised = rec.flags & _ANONYMISED != 0;
        a.holdingHolder = rec.holder;
        a.processingHolder = _holderOf(rec, assetId, Right.Processing);
        a.operationHolder = _holderOf(rec, assetId, Right.Operation);
        a.certificateSerial = meta.certificateSerial;
        a.registeredAt = meta.registeredAt;
        a.openObjections = meta.openObjections;
    }

    /// @inheritdoc IAssetRegistry
    function assetIdOf(bytes32 contentHash) external view returns (uint256) {
        return _records[contentHash].id;
    }

    /// @inheritdoc IAssetRegistry
    function assetCount() external view returns (uint256) {
        return _counters.assets;
    }

    /// @inheritdoc IAssetRegistry
    function holderOf(uint256 assetId, Right right) external view returns (address) {
        return _holderOf(_record(assetId), assetId, right);
    }

    /// @inheritdoc IAssetRegistry
    function getLicense(uint64 licenseId) external view returns (License memory v) {
        LicenseRecord storage l = _license(licenseId);
        v.id = licenseId;
        v.assetId = l.assetId;
        v.licensee = l.licensee;
        v.right = l.right;
        v.purpose = l.purpose;
        v.start = l.start;
        v.end = l.end;
        v.exclusive = l.flags & _L_EXCLUSIVE != 0;
        v.sublicensable = l.flags & _L_SUBLICENSABLE != 0;
        v.transferable = l.flags & _L_TRANSFERABLE != 0;
        v.crossBorder = l.flags & _L_CROSS_BORDER != 0;
        v.revoked = l.flags & _L_REVOKED != 0;
        v.depth = l.depth;
        v.parentId = l.parentId;
    }

    /// @inheritdoc IAssetRegistry
    function licenseCount() external view returns (uint64) {
        return _counters.licenses;
    }

    /// @inheritdoc IAssetRegistry
    function childrenOf(uint64 licenseId) external view returns (uint64[] memory) {
        return _children[licenseId];
    }

    /// @inheritdoc IAssetRegistry
    function isLicenseValid(uint64 licenseId, uint256 timestamp) external view returns (bool) {
        return _isValid(licenseId, timestamp);
    }

    /// @inheritdoc IAssetRegistry
    function getObjection(uint256 objectionId) external view returns (Objection memory) {
        ObjectionRecord storage o = _objections[objectionId];
        return Objection(o.assetId, o.objector, o.status, o.lodgedAt, o.evidenceHash);
    }

    /// @inheritdoc IAssetRegistry
    function objectionCount() external view returns (uint256) {
        return _objectionCount;
    }

    /// @inheritdoc IAssetRegistry
    function settlement() external view returns (address) {
        return _counters.settlement;
    }

    /// @inheritdoc IAssetRegistry
    function recognition() external view returns (address) {
        return _recognition;
    }

    /// @inheritdoc IAssetRegistry
    function participants() external view returns (address) {
        return address(_participants);
    }

    // ─────────────────────────────────────────────────────────── internals: rights

    function _transferRight(
        AssetRecord storage rec,
        uint256 assetId,
        Right right,
        address from,
        address to,
        bytes32 tradeId
    ) private {
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
        if (right == Right.Holding) rec.holder = to;
        else _splitHolders[assetId][right] = to;
        emit RightTransferred(assetId, right, from, to, tradeId);
    }

    function _holderOf(AssetRecord storage rec, uint256 assetId, Right right) private view returns (address) {
        if (right == Right.Holding || rec.flags & _SPLIT == 0) return rec.holder;
        return _splitHolders[assetId][right];
    }

    // ─────────────────────────────────────────────────────────── internals: licences

    function _grant(
        uint256 assetId,
        uint64 parentId,
        address licensor,
        address licensee,
        LicenseTerms calldata t
    ) private returns (uint64 licenseId) {
        if (t.right == Right.Holding) revert LicenseRightNotLicensable(t.right);
        if (licensee == address(0)) revert RegistryZeroAddress();
        if (licensee == licensor) revert LicenseSelfGrant(licensee);
        if (t.end <= t.start || t.end <= block.timestamp) revert LicenseInvalidPeriod(t.start, t.end);
        bool crossBorder = _checkTerritory(t.regions, t.countries);
        uint8 depth = _checkGrantor(assetId, parentId, licensor, t, crossBorder);
        unchecked {
            // 2^64 licences will not be granted.
            licenseId = ++_counters.licenses;
        }
        _claimPeriod(licenseId, assetId, parentId, t);
        _licenses[licenseId] = LicenseRecord({
            licensee: licensee,
            assetId: uint32(assetId),
            purpose: t.purpose,
            right: t.right,
            flags: (t.exclusive ? _L_EXCLUSIVE : 0) | (t.sublicensable ? _L_SUBLICENSABLE : 0)
                | (t.transferable ? _L_TRANSFERABLE : 0) | (crossBorder ? _L_CROSS_BORDER : 0),
            depth: depth,
            start: t.start,
            end: t.end,
            parentId: parentId
        });
        if (parentId != 0) _children[parentId].push(licenseId);
        if (t.sublicensable) _territories[licenseId] = Territory(t.regions, t.countries);
        emit LicenseGranted(licenseId, assetId, licensee, licensor, parentId, depth, t);
    }

    /// @dev The asset may be licensed, and `licensor` holds the right (or the sublicensable parent).
    function _checkGrantor(
        uint256 assetId,
        uint64 parentId,
        address licensor,
        LicenseTerms calldata t,
        bool crossBorder
    ) private view returns (uint8 depth) {
        AssetRecord storage rec = _record(assetId);
        _requireTransferable(rec, assetId);
        if (crossBorder && rec.grade != Grade.General) revert LicenseCrossBorderForbidden(assetId, rec.grade);
        if (parentId != 0) return _checkParent(parentId, licensor, t, crossBorder);
        if (_holderOf(rec, assetId, t.right) != licensor) revert RegistryNotRightHolder(assetId, t.right, licensor);
        return 0;
    }

    function _checkParent(uint64 parentId, address licensor, LicenseTerms calldata t, bool crossBorder)
        private
        view
        returns (uint8 depth)
    {
        LicenseRecord storage p = _license(parentId);
        if (p.licensee != licensor) revert LicenseNotAuthorized(parentId, licensor);
        if (p.flags & _L_SUBLICENSABLE == 0) revert LicenseNotSublicensable(parentId);
        if (p.depth + 1 > _MAX_DEPTH) revert LicenseTooDeep(parentId, _MAX_DEPTH);
        if (!_isValid(parentId, block.timestamp)) revert LicenseNotValid(parentId);
        bool within = t.right == p.right && t.purpose == p.purpose && t.start >= p.start && t.end <= p.end
            && (!crossBorder || p.flags & _L_CROSS_BORDER != 0) && (!t.exclusive || p.flags & _L_EXCLUSIVE != 0);
        if (!within || !_withinTerritory(_territories[parentId], t)) revert LicenseExceedsParent(parentId);
        return p.depth + 1;
    }

    /// @dev Every region and country of `t` is one of the parent's.
    function _withinTerritory(Territory storage parent, LicenseTerms calldata t) private view returns (bool) {
        uint24[] memory regions = parent.regions;
        bytes2[] memory countries = parent.countries;
        for (uint256 i; i < t.regions.length; ++i) {
            bool found;
            for (uint256 j; j < regions.length && !found; ++j) {
                found = regions[j] == t.regions[i];
            }
            if (!found) return false;
        }
        for (uint256 i; i < t.countries.length; ++i) {
            bool found;
            for (uint256 j; j < countries.length && !found; ++j) {
                found = countries[j] == t.countries[i];
            }
            if (!found) return false;
        }
        return true;
    }

    /// @dev Shared licences are summarised by the span of their periods, so that a shared grant
    /// writes one warm slot; exclusive licences, which are rare, are kept by id and checked exactly.
    function _claimPeriod(uint64 licenseId, uint256 assetId, uint64 parentId, LicenseTerms calldata t) private {
        bytes32 key = _exclusivityKey(assetId, t.right, t.purpose, parentId);
        ExclusivityState storage s = _exclusivity[key];
        ExclusivityState memory m = s;
        mapping(uint256 index => uint64 licenseId) storage exclusives = _exclusiveIds[key];
        for (uint256 i; i < m.exclusives; ++i) {
            LicenseRecord storage e = _licenses[exclusives[i]];
            if (e.flags & _L_REVOKED == 0 && t.start < e.end && e.start < t.end) {
                revert LicenseExclusivityConflict(assetId, t.right, t.purpose, t.start, t.end);
            }
        }
        if (t.exclusive) {
            if (m.liveShared != 0 && t.start < m.sharedEnd && m.sharedStart < t.end) {
                revert LicenseExclusivityConflict(assetId, t.right, t.purpose, t.start, t.end);
            }
            exclusives[m.exclusives] = licenseId;
            s.exclusives = m.exclusives + 1;
        } else {
            if (m.liveShared == 0 || t.start < m.sharedStart) m.sharedStart = t.start;
            if (t.end > m.sharedEnd) m.sharedEnd = t.end;
            (s.sharedStart, s.sharedEnd, s.liveShared) = (m.sharedStart, m.sharedEnd, m.liveShared + 1);
        }
    }

    /// @dev A revoked exclusive licence is skipped by the exact check; a shared one leaves the span
    /// once no shared licence under the key is live.
    function _releasePeriod(LicenseRecord storage l) private {
        if (l.flags & _L_EXCLUSIVE != 0) return;
        ExclusivityState storage s = _exclusivity[_exclusivityKey(l.assetId, l.right, l.purpose, l.parentId)];
        uint32 live = s.liveShared - 1;
        if (live == 0) (s.sharedStart, s.sharedEnd, s.liveShared) = (0, 0, 0);
        else s.liveShared = live;
    }

    function _exclusivityKey(uint256 assetId, Right right, uint16 purpose, uint64 parentId)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(assetId, right, purpose, parentId));
    }

    function _revoke(uint64 licenseId, LicenseRecord storage l, address by, uint64 causeId, bytes32 reasonHash)
        private
    {
        l.flags |= _L_REVOKED;
        _releasePeriod(l);
        emit LicenseRevoked(licenseId, by, causeId, reasonHash);
        uint64[] storage kids = _children[licenseId];
        for (uint256 i; i < kids.length; ++i) {
            LicenseRecord storage k = _licenses[kids[i]];
            if (k.flags & _L_REVOKED == 0) _revoke(kids[i], k, by, licenseId, reasonHash);
        }
    }

    function _isValid(uint64 licenseId, uint256 timestamp) private view returns (bool) {
        LicenseRecord storage l = _licenses[licenseId];
        if (l.licensee == address(0) || l.flags & _L_REVOKED != 0) return false;
        if (timestamp < l.start || timestamp >= l.end) return false;
        if (l.parentId != 0) return _isValid(l.parentId, timestamp);
        return _records[_contentHashes[l.assetId]].status == Status.Registered;
    }

    /// @return crossBorder whether any country is named
    function _checkTerritory(uint24[] calldata regions, bytes2[] calldata countries)
        private
        pure
        returns (bool crossBorder)
    {
        if (regions.length == 0 && countries.length == 0) revert LicenseEmptyTerritory();
        if (regions.length > _MAX_TERRITORY || countries.length > _MAX_TERRITORY) {
            revert LicenseTerritoryTooLarge(regions.length, countries.length, _MAX_TERRITORY);
        }
        for (uint256 i; i < regions.length; ++i) {
            _checkRegion(regions[i]);
        }
        for (uint256 i; i < countries.length; ++i) {
            bytes2 c = countries[i];
            // Two upper-case ASCII letters.
            if (uint8(c[0]) < 0x41 || uint8(c[0]) > 0x5A || uint8(c[1]) < 0x41 || uint8(c[1]) > 0x5A) {
                revert LicenseInvalidCountry(c);
            }
        }
        return countries.length != 0;
    }

    // ─────────────────────────────────────────────────────────── internals: checks

    function _record(uint256 assetId) private view returns (AssetRecord storage rec) {
        bytes32 contentHash = _contentHashes[assetId];
        if (contentHash == bytes32(0)) revert RegistryUnknownAsset(assetId);
        return _records[contentHash];
    }

    function _license(uint64 licenseId) private view returns (LicenseRecord storage l) {
        l = _licenses[licenseId];
        if (l.licensee == address(0)) revert LicenseUnknown(licenseId);
    }

    /// @dev Registered, not frozen, not disputed, and personal data anonymised: may be licensed, traded or transferred.
    function _requireTransferable(AssetRecord storage rec, uint256 assetId) private view {
        AssetRecord memory r = rec;
        if (r.status != Status.Registered) revert RegistryInvalidStatus(assetId, r.status);
        if (r.flags & _FROZEN != 0) revert RegistryAssetFrozen(assetId);
        if (r.flags & _DISPUTED != 0) revert RegistryAssetDisputed(assetId, _meta[assetId].openObjections);
        if (r.category == Category.Personal && r.flags & _ANONYMISED == 0) revert RegistryNotAnonymised(assetId);
    }

    function _requireRegistrarOf(AssetRecord storage rec) private view {
        IParticipantRegistry.Participant memory p = _participants.requireRole(msg.sender, Roles.REGISTRAR);
        if (p.region != rec.region) revert RegistryWrongRegion(msg.sender, p.region, rec.region);
    }

    /// @dev Active, with a trading role, and with a declaration on file if an intermediary (art. 26).
    function _requireTrader(address account) private view {
        _participants.requireRole(account, Roles.TRADER);
    }

    /// @dev Both parties of a grant or transfer, in one call.
    function _requireTraders(address a, address b) private view {
        _participants.requireTraders(a, b);
    }

    function _authorityOn(uint256 assetId, bytes32 reasonHash) private view returns (AssetRecord storage rec) {
        _participants.requireRole(msg.sender, Roles.AUTHORITY);
        rec = _record(assetId);
        if (rec.status != Status.Pending && rec.status != Status.Registered) {
            revert RegistryInvalidStatus(assetId, rec.status);
        }
        if (reasonHash == bytes32(0)) revert RegistryZeroHash();
    }

    function _onlyRecognition() private view {
        if (msg.sender != _recognition) revert RegistryOnlyRecognition(msg.sender);
    }

    function _onlySettlement() private view {
        if (msg.sender != _counters.settlement) revert RegistryOnlySettlement(msg.sender);
    }

    function _checkString(uint256 length, uint256 maxLength) private pure {
        if (length == 0 || length > maxLength) revert RegistryInvalidString(length, maxLength);
    }

    function _checkRegion(uint24 region) private pure {
        if (region < 100000 || region > 999999) revert RegistryInvalidRegion(region);
    }
}
