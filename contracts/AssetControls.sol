// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetControls} from "./interfaces/IAssetControls.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./interfaces/IAssetRegistryTypes.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Identities} from "./libraries/Identities.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title AssetControls
/// @notice Objections, freezes, anonymisation attestations, authorised operation of public data, and the
/// ledger's pause register (kept by the registry).
/// See {IAssetControls}.
contract AssetControls is IAssetControls {
    using Identities for IParticipantRegistry;

    /// @dev Pending (not yet accepted) objections an objector may have at once, across all assets.
    uint32 private constant _MAX_PENDING = 3;
    uint16 private constant _STANDING_ROLES = Roles.SUPERVISOR | Roles.AUTHORITY;

    // ─────────────────────────────────────────────────────────── storage

    /// @dev Two slots: (160 + 32 + 8 + 40 = 240 bits) and the evidence hash.
    struct ObjectionRecord {
        address objector;
        uint32 assetId;
        ObjectionStatus status;
        uint40 lodgedAt;
        bytes32 evidenceHash;
    }

    IParticipantRegistry private immutable _participants;
    IAssetRegistry private immutable _registry;

    uint256 private _objectionCount;
    mapping(uint256 objectionId => ObjectionRecord) private _objections;
    mapping(uint256 assetId => uint32 open) private _open;
    mapping(address objector => uint32 pending) private _pending;
    mapping(uint256 assetId => mapping(address objector => uint256 objectionId)) private _pendingOn;
    mapping(bytes32 approvalKey => uint40 latestEnd) private _operations;

    constructor(IParticipantRegistry participants_, IAssetRegistry registry_) {
        _participants = participants_;
        _registry = registry_;
    }

    // ─────────────────────────────────────────────────────────── objections

    /// @inheritdoc IAssetControls
    function lodgeObjection(uint256 assetId, bytes32 evidenceHash, uint64 standingLicenseId)
        external
        returns (uint256 objectionId)
    {
        Pausing.check(_registry, Pausing.CONTROLS | Pausing.REGISTRY);
        (address objector, IParticipantRegistry.Participant memory p) = _participants.requireIdentity(msg.sender, Roles.ALL);
        IAssetRegistryTypes.Asset memory a = _liveAsset(assetId);
        if (evidenceHash == bytes32(0)) revert ControlsZeroHash();
        bool standing = p.roles & _STANDING_ROLES != 0 || _holdsRight(a, objector);
        if (standingLicenseId != 0) {
            IAssetRegistryTypes.License memory l = _registry.getLicense(standingLicenseId);
            bool valid = l.assetId == assetId && l.licensee == objector
                && _registry.isLicenseValid(standingLicenseId, block.timestamp);
            if (!valid) revert ControlsNoStanding(standingLicenseId, msg.sender);
            standing = true;
        }
        objectionId = ++_objectionCount;
        ObjectionStatus status;
        uint32 open = _open[assetId];
        if (standing) {
            status = ObjectionStatus.Open;
            open = _openOne(assetId, open);
        } else {
            uint256 already = _pendingOn[assetId][objector];
            if (already != 0) revert ControlsObjectionAlreadyPending(assetId, msg.sender, already);
            uint32 pending = _pending[objector];
            if (pending >= _MAX_PENDING) revert ControlsPendingLimit(msg.sender, pending, _MAX_PENDING);
            status = ObjectionStatus.Pending;
            _pending[objector] = pending + 1;
            _pendingOn[assetId][objector] = objectionId;
        }
        _objections[objectionId] = ObjectionRecord({
            objector: objector,
            assetId: uint32(assetId),
            status: status,
            lodgedAt: uint40(block.timestamp),
            evidenceHash: evidenceHash
        });
        emit ObjectionLodged(objectionId, assetId, objector, evidenceHash, status, open);
    }

    /// @inheritdoc IAssetControls
    function acceptObjection(uint256 objectionId, bytes32 decisionHash) external {
        Pausing.check(_registry, Pausing.CONTROLS | Pausing.REGISTRY);
        ObjectionRecord storage o = _objections[objectionId];
        if (o.status != ObjectionStatus.Pending) revert ControlsObjectionNotPending(objectionId);
        uint256 assetId = o.assetId;
        address registrar = _requireImpartialRegistrar(_registry.getAsset(assetId), o.objector);
        if (decisionHash == bytes32(0)) revert ControlsZeroHash();
        _unpend(o.objector, assetId);
        o.status = ObjectionStatus.Open;
        uint32 open = _openOne(assetId, _open[assetId]);
        emit ObjectionAccepted(objectionId, assetId, registrar, decisionHash, open);
    }

    /// @inheritdoc IAssetControls
    function resolveObjection(uint256 objectionId, bool upheld, bytes32 decisionHash) external {
        Pausing.check(_registry, Pausing.CONTROLS | Pausing.REGISTRY);
        ObjectionRecord storage o = _objections[objectionId];
        ObjectionStatus status = o.status;
        if (status != ObjectionStatus.Open && status != ObjectionStatus.Pending) {
            revert ControlsObjectionNotOpen(objectionId);
        }
        uint256 assetId = o.assetId;
        address registrar = _requireImpartialRegistrar(_registry.getAsset(assetId), o.objector);
        if (decisionHash == bytes32(0)) revert ControlsZeroHash();
        o.status = upheld ? ObjectionStatus.Upheld : ObjectionStatus.Dismissed;
        uint32 open = _open[assetId];
        if (status == ObjectionStatus.Pending) {
            _unpend(o.objector, assetId);
        } else {
            open -= 1;
            _open[assetId] = open;
            if (open == 0) _registry.setControl(assetId, IAssetRegistryTypes.Control.Disputed, false);
        }
        emit ObjectionResolved(objectionId, assetId, registrar, upheld, decisionHash, open);
    }

    // ─────────────────────────────────────────────────────────── freezes and attestations

    /// @inheritdoc IAssetControls
    function freeze(uint256 assetId, bytes32 reasonHash) external {
        IAssetRegistryTypes.Asset memory a = _authorityOn(assetId, reasonHash);
        if (a.frozen) revert ControlsFreezeState(assetId, true);
        _registry.setControl(assetId, IAssetRegistryTypes.Control.Frozen, true);
        emit AssetFrozen(assetId, msg.sender, reasonHash);
    }

    /// @inheritdoc IAssetControls
    function unfreeze(uint256 assetId, bytes32 reasonHash) external {
        IAssetRegistryTypes.Asset memory a = _authorityOn(assetId, reasonHash);
        if (!a.frozen) revert ControlsFreezeState(assetId, false);
        _registry.setControl(assetId, IAssetRegistryTypes.Control.Frozen, false);
        emit AssetUnfrozen(assetId, msg.sender, reasonHash);
    }

    /// @inheritdoc IAssetControls
    function attestAnonymisation(uint256 assetId, bytes32 reportHash) external {
        Pausing.check(_registry, Pausing.CONTROLS | Pausing.REGISTRY);
        // A third-party service provider attests only with its declaration and commitment on file (art. 26).
        (address attester,) = _participants.requireIdentity(msg.sender, Roles.SERVICE_PROVIDER | Roles.DECLARED);
        IAssetRegistryTypes.Asset memory a = _liveAsset(assetId);
        if (a.category != IAssetRegistryTypes.Category.Personal) revert ControlsNotPersonalData(assetId, a.category);
        if (reportHash == bytes32(0)) revert ControlsZeroHash();
        if (a.applicant == attester || _holdsRight(a, attester)) revert ControlsAttesterConflict(assetId, msg.sender);
        _registry.setControl(assetId, IAssetRegistryTypes.Control.Anonymised, true);
        emit AnonymisationAttested(assetId, attester, reportHash);
    }

    // ─────────────────────────────────────────────────────────── pause

    /// @inheritdoc IAssetControls
    function pause(uint16 contracts, bytes32 reasonHash) external {
        uint16 paused = _pauseChange(contracts, reasonHash);
        if (contracts & ~paused == 0) revert ControlsPauseUnchanged(contracts, paused);
        paused |= contracts;
        _registry.setPaused(paused);
        emit ContractsPaused(contracts, paused, msg.sender, reasonHash);
    }

    /// @inheritdoc IAssetControls
    function unpause(uint16 contracts, bytes32 reasonHash) external {
        uint16 paused = _pauseChange(contracts, reasonHash);
        if (contracts & paused == 0) revert ControlsPauseUnchanged(contracts, paused);
        paused &= ~contracts;
        _registry.setPaused(paused);
        emit ContractsUnpaused(contracts, paused, msg.sender, reasonHash);
    }

    // ─────────────────────────────────────────────────────────── authorised operation of public data

    /// @inheritdoc IAssetControls
    function authorisePublicOperation(
        uint256 assetId,
        address operator,
        IAssetRegistryTypes.Right right,
        uint16 purpose,
        uint40 latestEnd,
        bytes32 decisionHash
    ) external {
        IAssetRegistryTypes.Asset memory a = _authorityOn(assetId, decisionHash);
        if (a.category != IAssetRegistryTypes.Category.Public) revert ControlsNotPublicData(assetId, a.category);
        if (latestEnd <= block.timestamp) revert ControlsInvalidEnd(latestEnd);
        (operator,) = _participants.requireIdentity(operator, Roles.TRADER);
        _operations[_operationKey(assetId, operator, right, purpose)] = latestEnd;
        emit PublicOperationAuthorised(assetId, operator, right, purpose, latestEnd, decisionHash, msg.sender);
    }

    /// @inheritdoc IAssetControls
    function withdrawPublicOperation(uint256 assetId, address operator, IAssetRegistryTypes.Right right, uint16 purpose)
        external
    {
        _participants.requireRole(msg.sender, Roles.AUTHORITY);
        operator = _participants.named(operator);
        bytes32 key = _operationKey(assetId, operator, right, purpose);
        if (_operations[key] == 0) revert ControlsNoPublicOperation(assetId, operator, right, purpose);
        delete _operations[key];
        emit PublicOperationUsed(assetId, operator, right, purpose, 0);
    }

    /// @inheritdoc IAssetControls
    function usePublicOperation(
        uint256 assetId,
        address operator,
        IAssetRegistryTypes.Right right,
        uint16 purpose,
        uint40 end,
        uint64 licenseId
    ) external {
        if (msg.sender != address(_registry)) revert ControlsOnlyRegistry(msg.sender);
        bytes32 key = _operationKey(assetId, operator, right, purpose);
        uint40 latestEnd = _operations[key];
        if (latestEnd == 0 || end > latestEnd) revert ControlsNoPublicOperation(assetId, operator, right, purpose);
        delete _operations[key];
        emit PublicOperationUsed(assetId, operator, right, purpose, licenseId);
    }

    // ─────────────────────────────────────────────────────────── views

    /// @inheritdoc IAssetControls
    function getObjection(uint256 objectionId) external view returns (Objection memory) {
        ObjectionRecord storage o = _objections[objectionId];
        return Objection(o.assetId, o.objector, o.status, o.lodgedAt, o.evidenceHash);
    }

    /// @inheritdoc IAssetControls
    function objectionCount() external view returns (uint256) {
        return _objectionCount;
    }

    /// @inheritdoc IAssetControls
    function openObjections(uint256 assetId) external view returns (uint32) {
        return _open[assetId];
    }

    /// @inheritdoc IAssetControls
    function pendingOf(address objector, uint256 assetId) external view returns (uint32, uint256) {
        objector = _participants.named(objector);
        return (_pending[objector], _pendingOn[assetId][objector]);
    }

    /// @inheritdoc IAssetControls
    function publicOperation(uint256 assetId, address operator, IAssetRegistryTypes.Right right, uint16 purpose)
        external
        view
        returns (uint40)
    {
        return _operations[_operationKey(assetId, _participants.named(operator), right, purpose)];
    }

    /// @inheritdoc IAssetControls
    function registry() external view returns (address) {
        return address(_registry);
    }

    // ─────────────────────────────────────────────────────────── internals

    function _openOne(uint256 assetId, uint32 open) private returns (uint32) {
        _open[assetId] = open + 1;
        if (open == 0) _registry.setControl(assetId, IAssetRegistryTypes.Control.Disputed, true);
        return open + 1;
    }

    function _unpend(address objector, uint256 assetId) private {
        _pending[objector] -= 1;
        delete _pendingOn[assetId][objector];
    }

    /// @dev A pending or registered asset (reverts with the registry's error for an unknown one).
    function _liveAsset(uint256 assetId) private view returns (IAssetRegistryTypes.Asset memory a) {
        a = _registry.getAsset(assetId);
        if (a.status != IAssetRegistryTypes.Status.Pending && a.status != IAssetRegistryTypes.Status.Registered) {
            revert ControlsInvalidStatus(assetId, a.status);
        }
    }

    function _authorityOn(uint256 assetId, bytes32 reasonHash) private view returns (IAssetRegistryTypes.Asset memory a) {
        _participants.requireRole(msg.sender, Roles.AUTHORITY);
        a = _liveAsset(assetId);
        if (reasonHash == bytes32(0)) revert ControlsZeroHash();
    }

    /// @dev The authority changing the pause of `contracts` (valid bits, a reason): the register as it is.
    function _pauseChange(uint16 contracts, bytes32 reasonHash) private view returns (uint16) {
        _participants.requireRole(msg.sender, Roles.AUTHORITY);
        if (contracts == 0 || contracts & ~Pausing.ALL != 0) revert ControlsInvalidContracts(contracts);
        if (reasonHash == bytes32(0)) revert ControlsZeroHash();
        return _registry.pausedContracts();
    }

    function _holdsRight(IAssetRegistryTypes.Asset memory a, address account) private pure returns (bool) {
        return account == a.holdingHolder || account == a.processingHolder || account == a.operationHolder;
    }

    /// @dev A registrar of the asset's region that neither applied for it nor holds any of its rights, deciding an
    /// objection it did not lodge itself (else a registrar would lodge one without standing and accept it).
    /// @return registrar its identity
    function _requireImpartialRegistrar(IAssetRegistryTypes.Asset memory a, address objector)
        private
        view
        returns (address registrar)
    {
        IParticipantRegistry.Participant memory p;
        (registrar, p) = _participants.requireIdentity(msg.sender, Roles.REGISTRAR);
        if (p.region != a.region) revert ControlsWrongRegion(msg.sender, p.region, a.region);
        if (a.applicant == registrar || objector == registrar || _holdsRight(a, registrar)) {
            revert ControlsRegistrarConflict(a.id, msg.sender);
        }
    }


    function _operationKey(uint256 assetId, address operator, IAssetRegistryTypes.Right right, uint16 purpose)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(assetId, operator, right, purpose));
    }
}
