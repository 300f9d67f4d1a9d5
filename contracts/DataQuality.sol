// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IDataQuality} from "./interfaces/IDataQuality.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./interfaces/IAssetRegistryTypes.sol";
import {Identities} from "./libraries/Identities.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title DataQuality
/// @notice See {IDataQuality}.
contract DataQuality is IDataQuality {
    using Identities for IParticipantRegistry;

    /// @dev The response window until the authority sets one.
    uint32 private constant _DEFAULT_WINDOW = 15 days;
    uint32 private constant _MIN_WINDOW = 1 days;
    uint32 private constant _MAX_WINDOW = 365 days;

    IParticipantRegistry private immutable _participants;
    IAssetRegistry private immutable _registry;

    /// @dev One slot: filing reads the window and counts the report.
    uint64 private _reportCount;
    uint32 private _window;
    mapping(uint256 reportId => Report) private _reports;
    mapping(address holder => uint256) private _defaults;

    constructor(IParticipantRegistry participants, IAssetRegistry registry) {
        _participants = participants;
        _registry = registry;
    }

    /// @inheritdoc IDataQuality
    /// @dev Not paused: the governance keeps governing while contracts are paused.
    function setResponseWindow(uint32 window) external {
        (address by,) = _participants.requireIdentity(msg.sender, Roles.AUTHORITY);
        if (window < _MIN_WINDOW || window > _MAX_WINDOW) revert QualityInvalidWindow(window);
        _window = window;
        emit ResponseWindowSet(window, by);
    }

    /// @inheritdoc IDataQuality
    function fileReport(
        uint256 assetId,
        bytes32 contentHash,
        Problem problem,
        Severity severity,
        bytes32 evidenceHash
    ) external returns (uint256 reportId) {
        _whenNotPaused();
        (address reporter,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        IAssetRegistryTypes.Subject memory s = _registry.subjectOf(assetId);
        if (s.status != IAssetRegistryTypes.Status.Registered) revert QualityAssetNotRegistered(assetId);
        if (contentHash != s.contentHash) revert QualityContentMismatch(assetId, contentHash, s.contentHash);
        if (evidenceHash == bytes32(0)) revert QualityZeroHash();
        uint32 window = _window;
        uint40 deadline = uint40(block.timestamp) + (window == 0 ? _DEFAULT_WINDOW : window);
        reportId = ++_reportCount;
        _reports[reportId] = Report({
            reporter: reporter,
            assetId: uint32(assetId), // the registry numbers its assets in 32 bits
            deadline: deadline,
            status: ReportStatus.Filed
        });
        emit QualityReportFiled(reportId, assetId, reporter, contentHash, problem, severity, evidenceHash, deadline);
    }

    /// @inheritdoc IDataQuality
    function answer(uint256 reportId, bool acknowledged, bytes32 documentHash) external {
        _whenNotPaused();
        Report storage r = _inStatus(reportId, ReportStatus.Filed);
        address holder = _requireHolder(reportId, r.assetId);
        if (block.timestamp > r.deadline) revert QualityDeadlinePassed(reportId, r.deadline);
        if (documentHash == bytes32(0)) revert QualityZeroHash();
        r.status = acknowledged ? ReportStatus.Acknowledged : ReportStatus.Disputed;
        emit QualityReportAnswered(reportId, holder, acknowledged, documentHash);
    }

    /// @inheritdoc IDataQuality
    function markOverdue(uint256 reportId) external {
        _whenNotPaused();
        (address by,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        Report storage r = _inStatus(reportId, ReportStatus.Filed);
        if (block.timestamp <= r.deadline) revert QualityDeadlineNotPassed(reportId, r.deadline);
        address holder = _registry.subjectOf(r.assetId).holdingHolder;
        r.status = ReportStatus.Overdue;
        uint256 defaults = ++_defaults[holder];
        emit QualityReportOverdue(reportId, holder, defaults, by);
    }

    /// @inheritdoc IDataQuality
    function resolveByFix(uint256 reportId, uint256 fixedAssetId, bytes32 documentHash) external {
        _whenNotPaused();
        Report storage r = _open(reportId);
        address holder = _requireHolder(reportId, r.assetId);
        IAssetRegistryTypes.Subject memory fix = _registry.subjectOf(fixedAssetId);
        if (
            fix.status != IAssetRegistryTypes.Status.Registered || fix.holdingHolder != holder
                || fixedAssetId == r.assetId
        ) revert QualityInvalidFix(reportId, fixedAssetId);
        if (documentHash == bytes32(0)) revert QualityZeroHash();
        r.status = ReportStatus.Fixed;
        emit QualityReportFixed(reportId, holder, fixedAssetId, documentHash);
    }

    /// @inheritdoc IDataQuality
    function rule(uint256 reportId, bool upheld, bytes32 rulingHash) external {
        _whenNotPaused();
        (address by,) = _participants.requireIdentity(msg.sender, Roles.SUPERVISOR | Roles.AUTHORITY);
        Report storage r = _known(reportId);
        ReportStatus status = r.status;
        // A fix stays open to a ruling: the contract cannot tell a corrected dataset from an unrelated one.
        if (status == ReportStatus.Upheld || status == ReportStatus.Dismissed || status == ReportStatus.Withdrawn) {
            revert QualityInvalidStatus(reportId, status);
        }
        if (rulingHash == bytes32(0)) revert QualityZeroHash();
        r.status = upheld ? ReportStatus.Upheld : ReportStatus.Dismissed;
        emit QualityReportRuled(reportId, by, upheld, rulingHash);
    }

    /// @inheritdoc IDataQuality
    function withdrawReport(uint256 reportId, bytes32 reasonHash) external {
        _whenNotPaused();
        (address reporter,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        Report storage r = _inStatus(reportId, ReportStatus.Filed);
        if (r.reporter != reporter) revert QualityNotReporter(reportId, msg.sender);
        if (reasonHash == bytes32(0)) revert QualityZeroHash();
        r.status = ReportStatus.Withdrawn;
        emit QualityReportWithdrawn(reportId, reporter, reasonHash);
    }

    // ─────────────────────────────────────────────────────────── views

    /// @inheritdoc IDataQuality
    function getReport(uint256 reportId) external view returns (Report memory) {
        return _known(reportId);
    }

    /// @inheritdoc IDataQuality
    function reportCount() external view returns (uint256) {
        return _reportCount;
    }

    /// @inheritdoc IDataQuality
    function responseWindow() external view returns (uint32) {
        uint32 window = _window;
        return window == 0 ? _DEFAULT_WINDOW : window;
    }

    /// @inheritdoc IDataQuality
    function defaultsOf(address holder) external view returns (uint256) {
        return _defaults[_participants.named(holder)];
    }

    // ─────────────────────────────────────────────────────────── internals

    function _whenNotPaused() private view {
        Pausing.check(_registry, Pausing.QUALITY);
    }

    function _known(uint256 reportId) private view returns (Report storage r) {
        r = _reports[reportId];
        if (r.status == ReportStatus.None) revert QualityUnknownReport(reportId);
    }

    function _inStatus(uint256 reportId, ReportStatus status) private view returns (Report storage r) {
        r = _known(reportId);
        if (r.status != status) revert QualityInvalidStatus(reportId, r.status);
    }

    /// @dev Filed, answered or overdue: not ended by a fix, a ruling or a withdrawal.
    function _open(uint256 reportId) private view returns (Report storage r) {
        r = _known(reportId);
        ReportStatus status = r.status;
        if (status == ReportStatus.Fixed || status == ReportStatus.Upheld || status == ReportStatus.Dismissed
                || status == ReportStatus.Withdrawn) revert QualityInvalidStatus(reportId, status);
    }

    /// @return holder the caller's identity, which holds the asset's holding right
    function _requireHolder(uint256 reportId, uint256 assetId) private view returns (address holder) {
        (holder,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        if (_registry.subjectOf(assetId).holdingHolder != holder) revert QualityNotHolder(reportId, msg.sender);
    }
}
