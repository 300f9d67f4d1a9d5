// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title DataQuality: problem data traceable and attributable (问题数据可追溯、可定责, art. 9)
/// @notice Any active participant files a quality report against a registered asset's content (its content hash:
/// an asset's content never changes, a corrected dataset is registered anew): the kind of problem, its severity and
/// the hash of the evidence. The holder of the asset's holding right answers within the window the authority sets
/// (acknowledging or disputing the report, with a document); a report left unanswered past its deadline is marked
/// overdue by anyone, which counts a quality default against the holder. The holder resolves a report by linking
/// the registration of the corrected dataset (its own registered asset, another content); a supervisor rules on a
/// report (upheld or dismissed), also on one so resolved (the contract cannot tell a corrected dataset from an
/// unrelated one); its reporter may withdraw it until it is answered.
///
/// The contract keeps one slot per report (reporter, asset, deadline, status) and the holders' default counts; the
/// content hash, kind, severity, evidence and every answer and ruling are in the events.
interface IDataQuality {
    /// @notice The quality dimension the report says the data fails (数据质量问题类型).
    enum Problem {
        Accuracy,
        Completeness,
        Timeliness,
        Consistency,
        Compliance
    }

    enum Severity {
        Low,
        Medium,
        High,
        Critical
    }

    enum ReportStatus {
        None,
        Filed,
        Acknowledged,
        Disputed,
        Overdue,
        Fixed,
        Upheld,
        Dismissed,
        Withdrawn
    }

    /// @param deadline last second the holder may answer
    struct Report {
        address reporter;
        uint32 assetId;
        uint40 deadline;
        ReportStatus status;
    }

    /// @notice Thrown when no report has id `reportId`.
    error QualityUnknownReport(uint256 reportId);
    /// @notice Thrown when the asset is not registered (pending, rejected or cancelled).
    error QualityAssetNotRegistered(uint256 assetId);
    /// @notice Thrown when a report's content hash is not the asset's.
    error QualityContentMismatch(uint256 assetId, bytes32 contentHash, bytes32 assetContentHash);
    /// @notice Thrown when the report is not in a status the operation applies to.
    error QualityInvalidStatus(uint256 reportId, ReportStatus status);
    /// @notice Thrown when `account` does not hold the reported asset's holding right.
    error QualityNotHolder(uint256 reportId, address account);
    /// @notice Thrown when someone other than its reporter withdraws a report.
    error QualityNotReporter(uint256 reportId, address account);
    /// @notice Thrown when the holder answers after the deadline (the report is overdue).
    error QualityDeadlinePassed(uint256 reportId, uint40 deadline);
    /// @notice Thrown when a report is marked overdue before its deadline has passed.
    error QualityDeadlineNotPassed(uint256 reportId, uint40 deadline);
    /// @notice Thrown when the asset linked as the fix is not a registered asset of the same holder with another
    /// content.
    error QualityInvalidFix(uint256 reportId, uint256 fixedAssetId);
    /// @notice Thrown for a response window under a day or over a year.
    error QualityInvalidWindow(uint32 window);
    /// @notice Thrown for a zero evidence, document or ruling hash.
    error QualityZeroHash();

    /// @notice The authority set the holders' response window.
    event ResponseWindowSet(uint32 window, address indexed by);
    /// @notice A participant reported a quality problem of the asset's content.
    /// @param deadline last second the holding right's holder may answer
    event QualityReportFiled(
        uint256 indexed reportId,
        uint256 indexed assetId,
        address indexed reporter,
        bytes32 contentHash,
        Problem problem,
        Severity severity,
        bytes32 evidenceHash,
        uint40 deadline
    );
    /// @notice The holding right's holder acknowledged or disputed the report.
    event QualityReportAnswered(uint256 indexed reportId, address indexed holder, bool acknowledged, bytes32 documentHash);
    /// @notice The report was left unanswered past its deadline: a quality default of `holder`.
    /// @param defaults the holder's quality defaults so far
    event QualityReportOverdue(uint256 indexed reportId, address indexed holder, uint256 defaults, address by);
    /// @notice The holder linked the registration of the corrected dataset.
    event QualityReportFixed(uint256 indexed reportId, address indexed holder, uint256 fixedAssetId, bytes32 documentHash);
    /// @notice A supervisor ruled on the report.
    event QualityReportRuled(uint256 indexed reportId, address indexed by, bool upheld, bytes32 rulingHash);
    /// @notice Its reporter withdrew the report.
    event QualityReportWithdrawn(uint256 indexed reportId, address indexed reporter, bytes32 reasonHash);

    /// @notice Sets how long a holder has to answer a report (a day to a year). The authority.
    function setResponseWindow(uint32 window) external;

    /// @notice Reports a quality problem of asset `assetId`'s content `contentHash`. Any active participant.
    function fileReport(
        uint256 assetId,
        bytes32 contentHash,
        Problem problem,
        Severity severity,
        bytes32 evidenceHash
    ) external returns (uint256 reportId);

    /// @notice Acknowledges or disputes a filed report, by its deadline. The holder of the asset's holding right.
    function answer(uint256 reportId, bool acknowledged, bytes32 documentHash) external;

    /// @notice Marks a report unanswered past its deadline overdue: a quality default of the asset's holder. Anyone
    /// active.
    function markOverdue(uint256 reportId) external;

    /// @notice Links the registration of the corrected dataset (`fixedAssetId`: registered, held by the caller,
    /// another content) to an open report. The holder of the reported asset's holding right.
    function resolveByFix(uint256 reportId, uint256 fixedAssetId, bytes32 documentHash) external;

    /// @notice Rules on a report not ruled on or withdrawn (one resolved by a fix too): upheld (the data was at
    /// fault) or dismissed. Supervisors and the authority.
    function rule(uint256 reportId, bool upheld, bytes32 rulingHash) external;

    /// @notice Withdraws a report not answered yet. Its reporter.
    function withdrawReport(uint256 reportId, bytes32 reasonHash) external;

    function getReport(uint256 reportId) external view returns (Report memory);

    function reportCount() external view returns (uint256);

    function responseWindow() external view returns (uint32);

    /// @notice How many reports `holder` left unanswered past their deadline.
    function defaultsOf(address holder) external view returns (uint256);
}
