// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AssetRegistryBase} from "./AssetRegistryBase.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title AssetRegistryModule
/// @notice The less frequent half of {IAssetRegistry}: review, change and cancellation of registrations,
/// revocation and transfer of licences, the hooks of the asset-controls and recognition contracts, and every
/// view. It runs only by delegatecall from {AssetRegistry}'s fallback, on the registry's storage; called
/// directly it refuses (RegistryOnlyDelegated).
contract AssetRegistryModule is AssetRegistryBase {
    address private immutable _self = address(this);

    constructor(IParticipantRegistry participants_, address controls_, address recognition_, address settlement_)
        AssetRegistryBase(participants_, controls_, recognition_, settlement_)
    {}

    /// @dev Only on the registry's storage, never on this contract's own.
    modifier delegated() {
        if (address(this) == _self) revert RegistryOnlyDelegated();
        _;
    }

    // ─────────────────────────────────────────────────────────── registration

    /// @notice See {IAssetRegistry-reviewRegistration}.
    function reviewRegistration(uint256 assetId, bool approve, bytes32 reviewHash) external delegated {
        _whenNotPaused();
        AssetRecord storage rec = _record(assetId);
        address registrar = _requireImpartialRegistrar(rec, assetId);
        if (rec.status != Status.Pending) revert RegistryInvalidStatus(assetId, rec.status);
        if (reviewHash == bytes32(0)) revert RegistryZeroHash();
        if (!approve) {
            rec.status = Status.Rejected;
            emit RegistrationRejected(assetId, registrar, reviewHash);
            return;
        }
        bytes32 contentHash = _contentHashes[assetId];
        uint256 registered = _registeredIds[contentHash];
        if (registered != 0) revert RegistryContentHashRegistered(contentHash, registered);
        _registeredIds[contentHash] = assetId;
        uint48 serial = ++_counters.certificates;
        rec.status = Status.Registered;
        _meta[assetId] = AssetMeta(serial, uint40(block.timestamp));
        emit AssetRegistered(assetId, registrar, serial, reviewHash);
    }

    /// @notice See {IAssetRegistry-changeRegistration}.
    function changeRegistration(uint256 assetId, bytes32 metadataHash, string calldata metadataURI)
        external
        delegated
    {
        _whenNotPaused();
        (address holder,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        AssetRecord storage rec = _record(assetId);
        if (rec.holder != holder) revert RegistryNotRightHolder(assetId, Right.Holding, msg.sender);
        if (rec.status != Status.Registered) revert RegistryInvalidStatus(assetId, rec.status);
        if (rec.flags & _FROZEN != 0) revert RegistryAssetFrozen(assetId);
        if (metadataHash == bytes32(0)) revert RegistryZeroHash();
        _checkString(bytes(metadataURI).length, _MAX_URI_LENGTH);
        emit RegistrationChanged(assetId, holder, metadataHash, metadataURI);
    }

    /// @notice See {IAssetRegistry-cancelRegistration}.
    function cancelRegistration(uint256 assetId, bytes32 reasonHash) external delegated {
        _whenNotPaused();
        AssetRecord storage rec = _record(assetId);
        Status status = rec.status;
        address by;
        if (rec.holder == _participants.identityOf(msg.sender)) {
            (by,) = _participants.requireIdentity(msg.sender, Roles.ALL);
            // Withdrawing a pending application takes nothing from anyone; a registered asset is cancelled
            // by its holder alone only when no other party has a stake in it.
            if (status == Status.Registered) _requireSoleStake(rec, assetId);
        } else {
            by = _requireImpartialRegistrar(rec, assetId);
        }
        if (status != Status.Pending && status != Status.Registered) revert RegistryInvalidStatus(assetId, status);
        if (reasonHash == bytes32(0)) revert RegistryZeroHash();
        _cancel(rec, assetId, status, by, reasonHash);
    }

    // ─────────────────────────────────────────────────────────── licences

    /// @notice See {IAssetRegistry-revokeLicense}.
    function revokeLicense(uint64 licenseId, bytes32 reasonHash) external delegated {
        _whenNotPaused();
        LicenseRecord storage l = _license(licenseId);
        if (l.flags & _L_REVOKED != 0) revert LicenseNotValid(licenseId);
        if (reasonHash == bytes32(0)) revert RegistryZeroHash();
        (address by, IParticipantRegistry.Participant memory caller) =
            _participants.requireIdentity(msg.sender, Roles.ALL);
        if (caller.roles & Roles.AUTHORITY == 0 && l.licensee != by) {
            bool licensor = (l.parentId != 0 && _licenses[l.parentId].licensee == by)
                || _holderOf(_assets[l.assetId], l.assetId, l.right) == by;
            if (!licensor) revert LicenseNotAuthorized(licenseId, msg.sender);
            // A buyer paid for it: its licensor cannot take it back (only the authority, for cause).
            if (l.flags & _L_SOLD != 0) revert LicenseSold(licenseId, msg.sender);
        }
        // A buyer paid for a sublicence under it, valid only while this one is: its licensee cannot give it up
        // nor its licensor take it back before that sublicence ends (only the authority, for cause).
        if (caller.roles & Roles.AUTHORITY == 0 && block.timestamp < l.soldUntil) {
            revert LicenseSublicenceSold(licenseId, l.soldUntil);
        }
        // Sublicences are not visited: validity walks the parent chain (at most _MAX_DEPTH links), so the
        // cost of a revocation does not depend on how many sublicences hang under the licence.
        l.flags |= _L_REVOKED;
        _releasePeriod(l, licenseId);
        emit LicenseRevoked(licenseId, by, reasonHash);
    }

    /// @notice See {IAssetRegistry-transferLicense}.
    function transferLicense(uint64 licenseId, address to) external delegated {
        _whenNotPaused();
        LicenseRecord storage l = _license(licenseId);
        address from = _participants.identityOf(msg.sender);
        if (l.licensee != from) revert LicenseNotAuthorized(licenseId, msg.sender);
        if (l.flags & _L_TRANSFERABLE == 0) revert LicenseNotTransferable(licenseId);
        if (!_isValid(licenseId, block.timestamp)) revert LicenseNotValid(licenseId);
        if (to == address(0)) revert RegistryZeroAddress();
        if (to == msg.sender) revert LicenseSelfGrant(to);
        (, address toIdentity) = _requireTraders(msg.sender, to);
        if (toIdentity == from) revert LicenseSelfGrant(to);
        AssetRecord storage rec = _assets[l.assetId];
        _requireTransferable(rec, l.assetId);
        if (rec.category == Category.Public) revert RegistryPublicDataOffExchange(l.assetId);
        l.licensee = toIdentity;
        emit LicenseTransferred(licenseId, from, toIdentity);
    }

    // ─────────────────────────────────────────────────────────── controls and recognition hooks

    /// @notice See {IAssetRegistry-setControl}.
    function setControl(uint256 assetId, Control control, bool on) external delegated {
        _onlyCaller(_controls);
        AssetRecord storage rec = _record(assetId);
        uint8 flag = control == Control.Disputed ? _DISPUTED : control == Control.Frozen ? _FROZEN : _ANONYMISED;
        rec.flags = on ? rec.flags | flag : rec.flags & ~flag;
    }

    /// @notice See {IAssetRegistry-setPaused}.
    function setPaused(uint16 paused) external delegated {
        _onlyCaller(_controls);
        _counters.paused = paused;
    }

    /// @notice See {IAssetRegistry-registerRecognised}.
    /// @dev The recognition contract has verified the certificate and checked the content hash for conflicts.
    function registerRecognised(Registration calldata r, address holder, address registrar)
        external
        delegated
        returns (uint256 assetId)
    {
        _onlyCaller(_recognition);
        uint256 registered = _registeredIds[r.contentHash];
        if (registered != 0) revert RegistryContentHashRegistered(r.contentHash, registered);
        assetId = ++_counters.assets;
        _contentHashes[assetId] = r.contentHash;
        _registeredIds[r.contentHash] = assetId;
        uint8 flags = _RECOGNISED;
        if (r.processingHolder != holder || r.operationHolder != holder) {
            flags |= _SPLIT;
            _splitHolders[assetId][Right.Processing] = r.processingHolder;
            _splitHolders[assetId][Right.Operation] = r.operationHolder;
        }
        _assets[assetId] = AssetRecord(holder, r.region, r.category, r.grade, r.kind, Status.Registered, flags, 0);
        uint48 serial = ++_counters.certificates;
        _meta[assetId] = AssetMeta(serial, uint40(block.timestamp));
        emit RegistrationApplied(assetId, r.contentHash, holder, r.processingHolder, r.operationHolder, r);
        emit AssetRegistered(assetId, registrar, serial, r.metadataHash);
    }

    /// @notice See {IAssetRegistry-setRecognitionSuspended}.
    function setRecognitionSuspended(uint256 assetId, bool suspended) external delegated {
        _onlyCaller(_recognition);
        AssetRecord storage rec = _record(assetId);
        rec.flags = suspended ? rec.flags | _SUSPENDED : rec.flags & ~_SUSPENDED;
    }

    /// @notice See {IAssetRegistry-syncRecognised}.
    function syncRecognised(
        uint256 assetId,
        address holding,
        address processing,
        address operation,
        bool cancelled,
        address by,
        bytes32 reasonHash
    ) external delegated {
        _onlyCaller(_recognition);
        AssetRecord storage rec = _record(assetId);
        Status status = rec.status;
        if (status != Status.Registered) revert RegistryInvalidStatus(assetId, status);
        if (cancelled) {
            _cancel(rec, assetId, status, by, reasonHash);
            return;
        }
        address[3] memory holders = [holding, processing, operation];
        for (uint256 i; i < 3; ++i) {
            address from = _holderOf(rec, assetId, Right(i));
            if (from != holders[i]) _transferRight(rec, assetId, Right(i), from, holders[i], bytes32(0));
        }
    }

    // ─────────────────────────────────────────────────────────── views

    /// @notice See {IAssetRegistry-getAsset}.
    function getAsset(uint256 assetId) external view delegated returns (Asset memory a) {
        AssetRecord storage rec = _record(assetId);
        AssetMeta storage meta = _meta[assetId];
        a.id = assetId;
        a.contentHash = _contentHashes[assetId];
        a.category = rec.category;
        a.grade = rec.grade;
        a.kind = rec.kind;
        a.status = rec.status;
        a.region = rec.region;
        a.disputed = rec.flags & _DISPUTED != 0;
        a.frozen = rec.flags & _FROZEN != 0;
        a.anonymised = rec.flags & _ANONYMISED != 0;
        a.suspended = rec.flags & _SUSPENDED != 0;
        a.holdingHolder = rec.holder;
        a.processingHolder = _holderOf(rec, assetId, Right.Processing);
        a.operationHolder = _holderOf(rec, assetId, Right.Operation);
        a.certificateSerial = meta.certificateSerial;
        a.registeredAt = meta.registeredAt;
        a.openObjections = _openObjections(assetId);
        a.applicant = _applicantOf(rec, assetId);
        a.licensedUntil = uint40(uint256(rec.licensedUntilDay) * _DAY);
    }

    /// @notice See {IAssetRegistry-subjectOf}. In the module, not the hot contract: a function more in the hot
    /// contract's dispatcher costs every registration, licence and settlement gas.
    function subjectOf(uint256 assetId) external view delegated returns (Subject memory s) {
        AssetRecord storage rec = _record(assetId);
        s.status = rec.status;
        s.category = rec.category;
        s.disputed = rec.flags & _DISPUTED != 0;
        s.frozen = rec.flags & _FROZEN != 0;
        s.contentHash = _contentHashes[assetId];
        s.holdingHolder = rec.holder;
        s.processingHolder = _holderOf(rec, assetId, Right.Processing);
        s.operationHolder = _holderOf(rec, assetId, Right.Operation);
    }

    /// @notice See {IAssetRegistry-assetIdOf}.
    function assetIdOf(bytes32 contentHash) external view delegated returns (uint256) {
        return _registeredIds[contentHash];
    }

    /// @notice See {IAssetRegistry-assetCount}.
    function assetCount() external view delegated returns (uint256) {
        return _counters.assets;
    }

    /// @notice See {IAssetRegistry-holderOf}.
    function holderOf(uint256 assetId, Right right) external view delegated returns (address) {
        return _holderOf(_record(assetId), assetId, right);
    }

    /// @notice See {IAssetRegistry-statusOf}.
    function statusOf(uint256 assetId) external view delegated returns (Status) {
        return _assets[assetId].status;
    }

    /// @notice See {IAssetRegistry-applicantOf}.
    function applicantOf(uint256 assetId) external view delegated returns (address) {
        return _applicantOf(_record(assetId), assetId);
    }

    /// @notice See {IAssetRegistry-getLicense}.
    function getLicense(uint64 licenseId) external view delegated returns (License memory v) {
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
        v.sold = l.flags & _L_SOLD != 0;
        v.depth = l.depth;
        v.parentId = l.parentId;
        v.soldUntil = l.soldUntil;
    }

    /// @notice See {IAssetRegistry-licenseCount}.
    function licenseCount() external view delegated returns (uint64) {
        return _counters.licenses;
    }

    /// @notice See {IAssetRegistry-childrenOf}.
    function childrenOf(uint64 licenseId) external view delegated returns (uint64[] memory) {
        return _children[licenseId];
    }

    /// @notice See {IAssetRegistry-isLicenseValid}.
    function isLicenseValid(uint64 licenseId, uint256 timestamp) external view delegated returns (bool) {
        return _isValid(licenseId, timestamp);
    }

    /// @notice See {IAssetRegistry-exclusivityOf}.
    function exclusivityOf(uint256 assetId, Right right, uint16 purpose, uint64 parentId)
        external
        view
        delegated
        returns (uint40 sharedStart, uint40 sharedEnd, uint32 liveShared, uint256[3][] memory exclusives)
    {
        bytes32 key = _exclusivityKey(assetId, right, purpose, parentId);
        ExclusivityState memory s = _exclusivity[key];
        exclusives = new uint256[3][](s.exclusives);
        for (uint256 i; i < s.exclusives; ++i) {
            uint256 e = _exclusiveSlots[key][i];
            exclusives[i] = [uint256(uint40(e)), uint256(uint40(e >> 40)), e >> 80];
        }
        return (s.sharedStart, s.sharedEnd, s.liveShared, exclusives);
    }

    /// @notice See {IAssetRegistry-territoryOf}.
    function territoryOf(uint64 licenseId) external view delegated returns (uint24[] memory, bytes2[] memory) {
        Territory storage t = _territories[licenseId];
        return (t.regions, t.countries);
    }

    /// @notice See {IAssetRegistry-settlement}.
    function settlement() external view delegated returns (address) {
        return _settlement;
    }

    /// @notice See {IAssetRegistry-recognition}.
    function recognition() external view delegated returns (address) {
        return _recognition;
    }

    /// @notice See {IAssetRegistry-controls}.
    function controls() external view delegated returns (address) {
        return _controls;
    }

    /// @notice See {IAssetRegistry-participants}.
    function participants() external view delegated returns (address) {
        return address(_participants);
    }

    /// @notice See {IAssetRegistry-module}.
    function module() external view delegated returns (address) {
        return _self;
    }

    // ─────────────────────────────────────────────────────────── internals

    function _cancel(AssetRecord storage rec, uint256 assetId, Status status, address by, bytes32 reasonHash)
        private
    {
        rec.status = Status.Cancelled;
        if (status == Status.Registered) delete _registeredIds[_contentHashes[assetId]];
        emit RegistrationCancelled(assetId, by, reasonHash);
    }

    /// @dev The holding-right holder alone may cancel a registered asset only if nobody else has a stake in it:
    /// no open dispute or control, no other right holder, no licence that may still be live.
    function _requireSoleStake(AssetRecord storage rec, uint256 assetId) private view {
        AssetRecord memory r = rec;
        if (r.flags & _FROZEN != 0) revert RegistryAssetFrozen(assetId);
        if (r.flags & _DISPUTED != 0) revert RegistryAssetDisputed(assetId, _openObjections(assetId));
        if (r.flags & _SUSPENDED != 0) revert RegistryAssetSuspended(assetId);
        if (r.flags & _SPLIT != 0) {
            for (uint256 i = 1; i < 3; ++i) {
                address other = _splitHolders[assetId][Right(i)];
                if (other != r.holder) revert RegistryRightHeldByOther(assetId, Right(i), other);
            }
        }
        uint256 until = uint256(r.licensedUntilDay) * _DAY;
        if (block.timestamp < until) revert RegistryAssetLicensed(assetId, uint40(until));
    }

    /// @dev A registrar of the asset's region that neither applied for it nor holds any of its rights.
    /// @return registrar its identity
    function _requireImpartialRegistrar(AssetRecord storage rec, uint256 assetId)
        private
        view
        returns (address registrar)
    {
        IParticipantRegistry.Participant memory p;
        (registrar, p) = _participants.requireIdentity(msg.sender, Roles.REGISTRAR);
        if (p.region != rec.region) revert RegistryWrongRegion(msg.sender, p.region, rec.region);
        if (
            registrar == rec.holder || registrar == _applicantOf(rec, assetId)
                || registrar == _holderOf(rec, assetId, Right.Processing)
                || registrar == _holderOf(rec, assetId, Right.Operation)
        ) revert RegistryRegistrarConflict(assetId, msg.sender);
    }

    /// @dev A shared licence leaves the span once no shared licence under its key is live; an exclusive one is
    /// dropped from the kept list (at most _MAX_EXCLUSIVES entries to look at).
    function _releasePeriod(LicenseRecord storage l, uint64 licenseId) private {
        bytes32 key = _exclusivityKey(l.assetId, l.right, l.purpose, l.parentId);
        ExclusivityState storage s = _exclusivity[key];
        if (l.flags & _L_EXCLUSIVE == 0) {
            uint32 live = s.liveShared - 1;
            if (live == 0) (s.sharedStart, s.sharedEnd, s.liveShared) = (0, 0, 0);
            else s.liveShared = live;
            return;
        }
        uint256 n = s.exclusives;
        mapping(uint256 index => uint256 packed) storage slots = _exclusiveSlots[key];
        for (uint256 i; i < n; ++i) {
            if (uint64(slots[i] >> 80) != licenseId) continue;
            if (i != n - 1) slots[i] = slots[n - 1];
            delete slots[n - 1];
            s.exclusives = uint8(n - 1);
            return;
        }
    }
}
