// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Valuation: data-asset valuation reports and their accounting recognition (art. 19)
/// @notice The authority accredits appraisers (资产评估机构: service providers, for a term). An accredited appraiser
/// files a valuation report on a registered asset in which neither it nor its organisation holds a right; it may
/// withdraw the report, and a supervisor may reject it. The holder of an asset's holding right recognises the asset
/// in its accounts (入表) on a valuation that is still valid, records later measurements (impairment, amortisation)
/// and derecognises it; when the holding right moves, the new holder carries the recognition over or records its
/// own, which ends the former holder's.
///
/// The contract keeps what its rules read (one slot per valuation, per recognition, per accreditation); every
/// figure and document of a report or a recognition is in its event, from which the ledger's index rebuilds them.
/// An asset's content hash never changes (a change registration changes its metadata), so a valuation of the
/// asset is a valuation of the content it was filed for.
interface IValuation {
    /// @notice The valuation approach of the report (评估方法).
    enum Method {
        Cost,
        Income,
        Market,
        Combined
    }

    enum ValuationStatus {
        None,
        Filed,
        Withdrawn,
        Rejected
    }

    /// @notice Where the holder's balance sheet carries the asset: intangible asset (无形资产), inventory (存货) or
    /// development cost (开发支出).
    enum AccountingCategory {
        IntangibleAsset,
        Inventory,
        DevelopmentCost
    }

    /// @notice A later measurement of a recognised asset's carrying amount; each only lowers it.
    enum Measurement {
        Impairment,
        Amortisation
    }

    /// @notice Why a recognition ended.
    enum Derecognition {
        Disposal,
        HoldingTransferred,
        Other
    }

    /// @param expiresAt first second the accreditation no longer holds
    /// @param revoked revoked by the authority before it expired
    struct Accreditation {
        uint40 accreditedAt;
        uint40 expiresAt;
        bool revoked;
        bytes32 documentHash;
    }

    /// @notice A valuation report as the contract keeps it: its method, value, currency, base date, content and
    /// report hashes are in {ValuationFiled}.
    /// @param validUntil first second the report can no longer support a recognition
    struct Valuation {
        address appraiser;
        uint32 assetId;
        uint40 validUntil;
        ValuationStatus status;
        Method method;
    }

    /// @notice An asset's latest recognition in its holder's accounts (none when `holder` is zero).
    /// @param carryingAmount in fen
    /// @param derecognised its holder derecognised it: the record stays, because a new recognition by the same
    /// holder may not exceed the amount it derecognised, until another holder recognises the asset
    struct Recognition {
        address holder;
        uint64 carryingAmount;
        AccountingCategory category;
        bool derecognised;
    }

    /// @notice Thrown when `appraiser` names no participant with a service provider's role.
    error ValuationNotServiceProvider(address appraiser);
    /// @notice Thrown when `appraiser` holds no accreditation in force (never accredited, expired or revoked).
    error ValuationNotAccredited(address appraiser);
    /// @notice Thrown when the appraiser, or its organisation, holds a right in the asset it would value.
    error ValuationConflictOfInterest(uint256 assetId, address appraiser);
    /// @notice Thrown when a report's content hash is not the asset's.
    error ValuationContentMismatch(uint256 assetId, bytes32 contentHash, bytes32 assetContentHash);
    /// @notice Thrown when the asset is not registered (pending, rejected or cancelled).
    error ValuationAssetNotRegistered(uint256 assetId);
    /// @notice Thrown when recognising an asset whose ownership is in dispute.
    error ValuationAssetDisputed(uint256 assetId);
    /// @notice Thrown for a base date in the future, a validity that ends by the filing, before the base date, or
    /// more than a year after it (a report supports transactions within a year of its base date).
    error ValuationInvalidPeriod(uint40 start, uint40 end);
    /// @notice Thrown for a zero value or carrying amount, or a currency that is not three capital letters.
    error ValuationInvalidAmount();
    /// @notice Thrown for a zero document hash.
    error ValuationZeroHash();
    /// @notice Thrown when no valuation has id `valuationId`.
    error ValuationUnknown(uint256 valuationId);
    /// @notice Thrown when a valuation is not filed (withdrawn or rejected) where the operation needs it filed.
    error ValuationNotFiled(uint256 valuationId, ValuationStatus status);
    /// @notice Thrown when someone other than its appraiser withdraws a valuation.
    error ValuationNotAppraiser(uint256 valuationId, address account);
    /// @notice Thrown when a recognition relies on a valuation of another asset, or one no longer valid.
    error ValuationNotUsable(uint256 valuationId, uint256 assetId);
    /// @notice Thrown when `account` does not hold the asset's holding right.
    error ValuationNotHolder(uint256 assetId, address account);
    /// @notice Thrown when the asset is already recognised by its holder.
    error ValuationAlreadyRecognised(uint256 assetId, address holder);
    /// @notice Thrown when the asset has no recognition `account` may act on.
    error ValuationNotRecognised(uint256 assetId, address account);
    /// @notice Thrown when a measurement would not lower the carrying amount.
    error ValuationInvalidMeasurement(uint64 carryingAmount, uint64 newAmount);
    /// @notice Thrown when a holder recognises again an asset it derecognised at more than the amount it
    /// derecognised: measurements only lower a carrying amount, and derecognising does not reset it.
    error ValuationRecognitionRaised(uint256 assetId, uint64 formerAmount, uint64 carryingAmount);

    /// @notice The authority accredited (or renewed) an appraiser.
    event AppraiserAccredited(address indexed appraiser, uint40 expiresAt, bytes32 documentHash, address by);
    /// @notice The authority revoked an appraiser's accreditation.
    event AppraiserRevoked(address indexed appraiser, bytes32 reasonHash, address by);
    /// @notice An accredited appraiser filed a valuation report.
    /// @param value in the smallest unit of `currency` (fen for CNY)
    /// @param baseDate the valuation base date (评估基准日), unix time
    /// @param validUntil first second the report can no longer support a recognition
    event ValuationFiled(
        uint256 indexed valuationId,
        uint256 indexed assetId,
        address indexed appraiser,
        Method method,
        uint128 value,
        bytes3 currency,
        uint40 baseDate,
        uint40 validUntil,
        bytes32 contentHash,
        bytes32 reportHash
    );
    /// @notice Its appraiser withdrew a valuation report.
    event ValuationWithdrawn(uint256 indexed valuationId, address indexed appraiser, bytes32 reasonHash);
    /// @notice A supervisor (or the authority) rejected a valuation report.
    event ValuationRejected(uint256 indexed valuationId, address indexed by, bytes32 reasonHash);
    /// @notice The holding right's holder recognised the asset in its accounts.
    /// @param periodStart first second of the reporting period
    /// @param periodEnd first second after the reporting period
    event AssetRecognised(
        uint256 indexed assetId,
        address indexed holder,
        uint256 indexed valuationId,
        AccountingCategory category,
        uint64 carryingAmount,
        uint40 periodStart,
        uint40 periodEnd,
        bytes32 auditorHash
    );
    /// @notice The holder measured the recognised asset again.
    event RecognitionRemeasured(
        uint256 indexed assetId,
        address indexed holder,
        Measurement kind,
        uint64 previousAmount,
        uint64 carryingAmount,
        bytes32 documentHash
    );
    /// @notice The new holder of the holding right carried the recognition over from the former holder.
    event RecognitionCarriedOver(
        uint256 indexed assetId, address indexed from, address indexed to, uint64 carryingAmount, bytes32 auditorHash
    );
    /// @notice A recognition ended: derecognised by its holder, or ended by the new holder's own recognition.
    event AssetDerecognised(
        uint256 indexed assetId,
        address indexed holder,
        Derecognition reason,
        uint64 carryingAmount,
        bytes32 documentHash
    );

    /// @notice Accredits `appraiser` (a service provider) until `expiresAt`, or renews its accreditation. The
    /// authority.
    function accreditAppraiser(address appraiser, uint40 expiresAt, bytes32 documentHash) external;

    /// @notice Revokes `appraiser`'s accreditation. The authority.
    function revokeAppraiser(address appraiser, bytes32 reasonHash) external;

    /// @notice Files a valuation report on `assetId`. An accredited appraiser holding no right in the asset.
    /// @param value in the smallest unit of `currency` (fen for CNY)
    /// @param currency ISO 4217 code, e.g. "CNY"
    function fileValuation(
        uint256 assetId,
        Method method,
        uint128 value,
        bytes3 currency,
        uint40 baseDate,
        uint40 validUntil,
        bytes32 contentHash,
        bytes32 reportHash
    ) external returns (uint256 valuationId);

    /// @notice Withdraws a filed report. Its appraiser.
    function withdrawValuation(uint256 valuationId, bytes32 reasonHash) external;

    /// @notice Rejects a filed report. Supervisors and the authority.
    function rejectValuation(uint256 valuationId, bytes32 reasonHash) external;

    /// @notice Recognises `assetId` in the caller's accounts at `carryingAmount` (fen), on valuation `valuationId`
    /// (filed, of this asset, valid now). The holding right's holder; a former holder's recognition ends. A holder
    /// that derecognised the asset recognises it again at no more than the amount it derecognised.
    function recogniseAsset(
        uint256 assetId,
        AccountingCategory category,
        uint64 carryingAmount,
        uint40 periodStart,
        uint40 periodEnd,
        uint256 valuationId,
        bytes32 auditorHash
    ) external;

    /// @notice Records an impairment or amortisation: the carrying amount falls to `carryingAmount`. The holder of
    /// the recognition, while it holds the holding right.
    function remeasure(uint256 assetId, Measurement kind, uint64 carryingAmount, bytes32 documentHash) external;

    /// @notice Takes the former holder's recognition over at its carrying amount. The holding right's new holder.
    function carryOver(uint256 assetId, bytes32 auditorHash) external;

    /// @notice Ends the recognition; its record stays, marked derecognised. Its holder (also after it transferred
    /// the holding right).
    function derecognise(uint256 assetId, Derecognition reason, bytes32 documentHash) external;

    function accreditationOf(address appraiser) external view returns (Accreditation memory);

    function getValuation(uint256 valuationId) external view returns (Valuation memory);

    function valuationCount() external view returns (uint256);

    function recognitionOf(uint256 assetId) external view returns (Recognition memory);
}
