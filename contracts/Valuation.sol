// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IValuation} from "./interfaces/IValuation.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./interfaces/IAssetRegistryTypes.sol";
import {Identities} from "./libraries/Identities.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title Valuation
/// @notice See {IValuation}.
contract Valuation is IValuation {
    using Identities for IParticipantRegistry;

    /// @dev A report supports a recognition for a year after its base date at most (资产评估报告使用有效期).
    uint256 private constant _MAX_VALIDITY = 366 days;

    IParticipantRegistry private immutable _participants;
    IAssetRegistry private immutable _registry;

    uint256 private _valuationCount;
    mapping(address appraiser => Accreditation) private _accreditations;
    mapping(uint256 valuationId => Valuation) private _valuations;
    mapping(uint256 assetId => Recognition) private _recognitions;

    constructor(IParticipantRegistry participants, IAssetRegistry registry) {
        _participants = participants;
        _registry = registry;
    }

    // ─────────────────────────────────────────────────────────── appraisers

    /// @inheritdoc IValuation
    /// @dev Not paused: the governance keeps governing while contracts are paused.
    function accreditAppraiser(address appraiser, uint40 expiresAt, bytes32 documentHash) external {
        address by = _requireAuthority();
        IParticipantRegistry.Participant memory p = _participants.getParticipant(appraiser);
        if (p.status != IParticipantRegistry.Status.Active || p.roles & Roles.SERVICE_PROVIDER == 0) {
            revert ValuationNotServiceProvider(appraiser);
        }
        if (expiresAt <= block.timestamp) revert ValuationInvalidPeriod(uint40(block.timestamp), expiresAt);
        if (documentHash == bytes32(0)) revert ValuationZeroHash();
        address identity = _participants.identityOf(appraiser);
        _accreditations[identity] = Accreditation({
            accreditedAt: uint40(block.timestamp),
            expiresAt: expiresAt,
            revoked: false,
            documentHash: documentHash
        });
        emit AppraiserAccredited(identity, expiresAt, documentHash, by);
    }

    /// @inheritdoc IValuation
    function revokeAppraiser(address appraiser, bytes32 reasonHash) external {
        address by = _requireAuthority();
        address identity = _participants.named(appraiser);
        Accreditation storage a = _accreditations[identity];
        if (!_inForce(a)) revert ValuationNotAccredited(appraiser);
        if (reasonHash == bytes32(0)) revert ValuationZeroHash();
        a.revoked = true;
        emit AppraiserRevoked(identity, reasonHash, by);
    }

    // ─────────────────────────────────────────────────────────── valuation reports

    /// @inheritdoc IValuation
    function fileValuation(
        uint256 assetId,
        Method method,
        uint128 value,
        bytes3 currency,
        uint40 baseDate,
        uint40 validUntil,
        bytes32 contentHash,
        bytes32 reportHash
    ) external returns (uint256 valuationId) {
        _whenNotPaused();
        (address appraiser,) = _participants.requireIdentity(msg.sender, Roles.SERVICE_PROVIDER);
        if (!_inForce(_accreditations[appraiser])) revert ValuationNotAccredited(msg.sender);
        if (value == 0 || !_isCurrencyCode(currency)) revert ValuationInvalidAmount();
        if (baseDate > block.timestamp || validUntil <= block.timestamp || validUntil - baseDate > _MAX_VALIDITY) {
            revert ValuationInvalidPeriod(baseDate, validUntil);
        }
        if (reportHash == bytes32(0)) revert ValuationZeroHash();
        IAssetRegistryTypes.Subject memory s = _registered(assetId);
        if (contentHash != s.contentHash) revert ValuationContentMismatch(assetId, contentHash, s.contentHash);
        if (appraiser == s.holdingHolder || appraiser == s.processingHolder || appraiser == s.operationHolder) {
            revert ValuationConflictOfInterest(assetId, msg.sender);
        }
        valuationId = ++_valuationCount;
        _valuations[valuationId] = Valuation({
            appraiser: appraiser,
            assetId: uint32(assetId), // the registry numbers its assets in 32 bits
            validUntil: validUntil,
            status: ValuationStatus.Filed,
            method: method
        });
        emit ValuationFiled(
            valuationId, assetId, appraiser, method, value, currency, baseDate, validUntil, contentHash, reportHash
        );
    }

    /// @inheritdoc IValuation
    function withdrawValuation(uint256 valuationId, bytes32 reasonHash) external {
        _whenNotPaused();
        (address appraiser,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        Valuation storage v = _filed(valuationId);
        if (v.appraiser != appraiser) revert ValuationNotAppraiser(valuationId, msg.sender);
        if (reasonHash == bytes32(0)) revert ValuationZeroHash();
        v.status = ValuationStatus.Withdrawn;
        emit ValuationWithdrawn(valuationId, appraiser, reasonHash);
    }

    /// @inheritdoc IValuation
    function rejectValuation(uint256 valuationId, bytes32 reasonHash) external {
        _whenNotPaused();
        (address by,) = _participants.requireIdentity(msg.sender, Roles.SUPERVISOR | Roles.AUTHORITY);
        Valuation storage v = _filed(valuationId);
        if (reasonHash == bytes32(0)) revert ValuationZeroHash();
        v.status = ValuationStatus.Rejected;
        emit ValuationRejected(valuationId, by, reasonHash);
    }

    // ─────────────────────────────────────────────────────────── accounting recognition

    /// @inheritdoc IValuation
    function recogniseAsset(
        uint256 assetId,
        AccountingCategory category,
        uint64 carryingAmount,
        uint40 periodStart,
        uint40 periodEnd,
        uint256 valuationId,
        bytes32 auditorHash
    ) external {
        _whenNotPaused();
        (address holder,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        IAssetRegistryTypes.Subject memory s = _registered(assetId);
        if (s.holdingHolder != holder) revert ValuationNotHolder(assetId, msg.sender);
        if (s.disputed) revert ValuationAssetDisputed(assetId);
        if (carryingAmount == 0) revert ValuationInvalidAmount();
        if (periodStart >= periodEnd || periodStart > block.timestamp) revert ValuationInvalidPeriod(periodStart, periodEnd);
        if (auditorHash == bytes32(0)) revert ValuationZeroHash();
        Valuation storage v = _filed(valuationId);
        if (v.assetId != assetId || v.validUntil <= block.timestamp) revert ValuationNotUsable(valuationId, assetId);
        Recognition storage r = _recognitions[assetId];
        address former = r.holder;
        if (r.derecognised) {
            // Derecognising does not reset a carrying amount: measurements only lower it.
            if (former == holder && carryingAmount > r.carryingAmount) {
                revert ValuationRecognitionRaised(assetId, r.carryingAmount, carryingAmount);
            }
        } else if (former == holder) {
            revert ValuationAlreadyRecognised(assetId, holder);
        } else if (former != address(0)) {
            // The former holder no longer holds the holding right: the new holder's books replace its own.
            emit AssetDerecognised(assetId, former, Derecognition.HoldingTransferred, r.carryingAmount, auditorHash);
        }
        _recognitions[assetId] =
            Recognition({holder: holder, carryingAmount: carryingAmount, category: category, derecognised: false});
        emit AssetRecognised(
            assetId, holder, valuationId, category, carryingAmount, periodStart, periodEnd, auditorHash
        );
    }

    /// @inheritdoc IValuation
    function remeasure(uint256 assetId, Measurement kind, uint64 carryingAmount, bytes32 documentHash) external {
        _whenNotPaused();
        (address holder,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        Recognition storage r = _recognised(assetId, holder);
        if (_registry.subjectOf(assetId).holdingHolder != holder) revert ValuationNotHolder(assetId, msg.sender);
        uint64 previous = r.carryingAmount;
        if (carryingAmount >= previous) revert ValuationInvalidMeasurement(previous, carryingAmount);
        if (documentHash == bytes32(0)) revert ValuationZeroHash();
        r.carryingAmount = carryingAmount;
        emit RecognitionRemeasured(assetId, holder, kind, previous, carryingAmount, documentHash);
    }

    /// @inheritdoc IValuation
    function carryOver(uint256 assetId, bytes32 auditorHash) external {
        _whenNotPaused();
        (address holder,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        Recognition storage r = _recognitions[assetId];
        address former = r.holder;
        if (former == address(0) || former == holder || r.derecognised) {
            revert ValuationNotRecognised(assetId, msg.sender);
        }
        if (_registered(assetId).holdingHolder != holder) revert ValuationNotHolder(assetId, msg.sender);
        if (auditorHash == bytes32(0)) revert ValuationZeroHash();
        r.holder = holder;
        emit RecognitionCarriedOver(assetId, former, holder, r.carryingAmount, auditorHash);
    }

    /// @inheritdoc IValuation
    function derecognise(uint256 assetId, Derecognition reason, bytes32 documentHash) external {
        _whenNotPaused();
        (address holder,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        Recognition storage r = _recognised(assetId, holder);
        if (documentHash == bytes32(0)) revert ValuationZeroHash();
        r.derecognised = true;
        emit AssetDerecognised(assetId, holder, reason, r.carryingAmount, documentHash);
    }

    // ─────────────────────────────────────────────────────────── views

    /// @inheritdoc IValuation
    function accreditationOf(address appraiser) external view returns (Accreditation memory) {
        return _accreditations[_participants.named(appraiser)];
    }

    /// @inheritdoc IValuation
    function getValuation(uint256 valuationId) external view returns (Valuation memory) {
        Valuation memory v = _valuations[valuationId];
        if (v.status == ValuationStatus.None) revert ValuationUnknown(valuationId);
        return v;
    }

    /// @inheritdoc IValuation
    function valuationCount() external view returns (uint256) {
        return _valuationCount;
    }

    /// @inheritdoc IValuation
    function recognitionOf(uint256 assetId) external view returns (Recognition memory) {
        return _recognitions[assetId];
    }

    // ─────────────────────────────────────────────────────────── internals

    function _whenNotPaused() private view {
        Pausing.check(_registry, Pausing.VALUATION);
    }

    /// @return by the authority's identity
    function _requireAuthority() private view returns (address by) {
        (by,) = _participants.requireIdentity(msg.sender, Roles.AUTHORITY);
    }

    function _inForce(Accreditation storage a) private view returns (bool) {
        return !a.revoked && a.expiresAt > block.timestamp;
    }

    function _filed(uint256 valuationId) private view returns (Valuation storage v) {
        v = _valuations[valuationId];
        if (v.status != ValuationStatus.Filed) {
            if (v.status == ValuationStatus.None) revert ValuationUnknown(valuationId);
            revert ValuationNotFiled(valuationId, v.status);
        }
    }

    /// @dev The asset's recognition standing in `holder`'s accounts.
    function _recognised(uint256 assetId, address holder) private view returns (Recognition storage r) {
        r = _recognitions[assetId];
        if (r.holder != holder || r.derecognised) revert ValuationNotRecognised(assetId, msg.sender);
    }

    function _registered(uint256 assetId) private view returns (IAssetRegistryTypes.Subject memory s) {
        s = _registry.subjectOf(assetId);
        if (s.status != IAssetRegistryTypes.Status.Registered) revert ValuationAssetNotRegistered(assetId);
    }

    /// @dev Three capital ASCII letters (ISO 4217).
    function _isCurrencyCode(bytes3 code) private pure returns (bool) {
        for (uint256 i; i < 3; ++i) {
            bytes1 c = code[i];
            if (c < "A" || c > "Z") return false;
        }
        return true;
    }
}
