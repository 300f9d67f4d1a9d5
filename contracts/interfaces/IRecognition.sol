// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistry} from "./IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./IAssetRegistryTypes.sol";

/// @title Cross-province mutual recognition (系统互通、结果互认, art. 13)
/// @notice The authority of this province records a recognition agreement with another province's
/// registry: its chain id, its AssetRegistry address, the registrars whose signatures count and how
/// many must sign. A registrar here then imports a registration certificate of that province,
/// signed under EIP-712 by at least the threshold of its registrars against its own domain
/// ("DataRightsLedger Certificate", "1", origin chain id, origin registry), and the asset is
/// registered here as a recognised registration that is licensed, and whose licences are traded, under
/// this province's rules, with the origin's category and grade; its rights change hands at the origin
/// only (a newer certificate brings the change here), else a right sold here would be taken back by the
/// next certificate. Records are keyed by origin chain, origin registry and origin asset. A certificate
/// expires; a newer certificate of the same origin asset (issued later) supersedes the one imported: the
/// recognised asset follows its holders, or is cancelled with it, and an older or expired certificate is
/// refused. A registrar of the recognised asset's region (or the authority) may suspend a recognised
/// registration after a re-check, and lift the suspension.
interface IRecognition {
    // ─────────────────────────────────────────────────────────── types

    /// @notice A registration certificate, as signed by the origin province's registrars.
    /// @param assetId the asset id in the origin registry
    /// @param contentHash the data's fingerprint
    /// @param holdingHolder holder of the holding right (数据资源持有权)
    /// @param processingHolder holder of the processing/use right (数据加工使用权)
    /// @param operationHolder holder of the product operation right (数据产品经营权)
    /// @param certificateSerial the origin registry's certificate serial
    /// @param registeredBlock the origin block in which the asset was registered
    /// @param registeredAt the origin block's timestamp
    /// @param status the origin asset's status when issued: Registered, or Cancelled (to supersede an import)
    /// @param issuedBlock the origin block whose state it states (a later one supersedes an earlier one: the
    /// origin's state changes only from block to block)
    /// @param expiresAt the last second at which it may be imported
    struct Certificate {
        uint256 assetId;
        bytes32 contentHash;
        IAssetRegistryTypes.Category category;
        IAssetRegistryTypes.Grade grade;
        IAssetRegistryTypes.Kind kind;
        address holdingHolder;
        address processingHolder;
        address operationHolder;
        uint64 certificateSerial;
        uint64 registeredBlock;
        uint64 registeredAt;
        IAssetRegistryTypes.Status status;
        uint64 issuedBlock;
        uint64 expiresAt;
    }

    /// @notice A recognition agreement with one origin province (one origin chain).
    struct Agreement {
        uint64 originChainId;
        address originRegistry;
        uint8 threshold;
        uint32 version;
        address[] registrars;
    }

    /// @dev Cancelled: a newer certificate said the origin cancelled the asset.
    enum RecognisedStatus {
        None,
        Active,
        Suspended,
        Cancelled
    }

    /// @notice A recognised registration as this contract holds it (the origin's certificate serial,
    /// holders and registration time are in the CertificateImported event).
    /// @param localAssetId the asset id in this province's registry
    /// @param certificateSerial the certificate serial of the local registration
    /// @param linked the content hash was already registered here by the same holder, so the
    /// recognition was linked to that local registration instead of creating one
    /// @param issuedBlock the origin block of the certificate in force
    struct Recognised {
        uint64 originChainId;
        address originRegistry;
        uint256 originAssetId;
        uint256 localAssetId;
        bytes32 contentHash;
        uint64 certificateSerial;
        bytes32 certificateDigest;
        RecognisedStatus status;
        bool linked;
        uint64 issuedBlock;
    }

    // ─────────────────────────────────────────────────────────── errors

    /// @notice Thrown when no agreement is on record for `originChainId`.
    error RecognitionNoAgreement(uint256 originChainId);
    /// @notice Thrown when an agreement names this chain itself.
    error RecognitionSelfAgreement(uint256 chainId);
    /// @notice Thrown for a zero origin registry or a zero registrar address.
    error RecognitionZeroAddress();
    /// @notice Thrown when the threshold is zero or exceeds the `registrars` named (at most `maxRegistrars`).
    error RecognitionInvalidThreshold(uint256 threshold, uint256 registrars, uint256 maxRegistrars);
    /// @notice Thrown when an agreement names `registrar` twice.
    error RecognitionDuplicateRegistrar(address registrar);
    /// @notice Thrown when fewer than `threshold` distinct agreed registrars signed the certificate.
    error RecognitionBelowThreshold(bytes32 digest, uint256 validSignatures, uint256 threshold);
    /// @notice Thrown when the origin asset was already imported as local asset `localAssetId` from a certificate
    /// issued at `importedIssuedBlock`, no earlier than this one's `issuedBlock`.
    error RecognitionStaleCertificate(
        uint256 originChainId,
        uint256 originAssetId,
        uint256 localAssetId,
        uint64 importedIssuedBlock,
        uint64 issuedBlock
    );
    /// @notice Thrown when the local asset a certificate would link to is already recognised from origin asset
    /// `originAssetId` of `originChainId`.
    error RecognitionAlreadyImported(uint256 originChainId, uint256 originAssetId, uint256 localAssetId);
    /// @notice Thrown when the certificate expired at `expiresAt`.
    error RecognitionCertificateExpired(uint256 originAssetId, uint64 expiresAt);
    /// @notice Thrown when the content hash is held here by `localAssetId` in `status` (not registered): nothing to link to.
    error RecognitionLocalNotRegistered(uint256 localAssetId, IAssetRegistryTypes.Status status);
    /// @notice Thrown when the local registration of the content hash has another category or grade than the origin's.
    error RecognitionClassificationMismatch(
        uint256 localAssetId,
        IAssetRegistryTypes.Category localCategory,
        IAssetRegistryTypes.Grade localGrade,
        IAssetRegistryTypes.Category category,
        IAssetRegistryTypes.Grade grade
    );
    /// @notice Thrown when the content hash is registered here as `localAssetId` by `localHolder`,
    /// while the certificate names `certificateHolder`.
    error RecognitionContentConflict(
        bytes32 contentHash, uint256 localAssetId, address localHolder, address certificateHolder
    );
    /// @notice Thrown for a certificate with a zero content hash or a zero holder, a status other than Registered
    /// or Cancelled, or Cancelled for an asset never imported.
    error RecognitionInvalidCertificate(uint256 originAssetId);
    /// @notice Thrown when no recognised registration has local id `localAssetId`.
    error RecognitionUnknownRecord(uint256 localAssetId);
    /// @notice Thrown when suspending a recognised registration that is not active, or reinstating one that is
    /// not suspended.
    error RecognitionInvalidStatus(uint256 localAssetId, RecognisedStatus status);
    /// @notice Thrown when a registrar of another region than the recognised asset's would suspend or reinstate it.
    error RecognitionWrongRegion(address registrar, uint24 registrarRegion, uint24 assetRegion);
    /// @notice Thrown for a zero reason hash.
    error RecognitionZeroHash();

    // ─────────────────────────────────────────────────────────── events

    /// @notice The authority recorded (or replaced) the agreement with an origin province.
    /// @param originChainId the origin chain id
    /// @param originRegistry the origin AssetRegistry address (the EIP-712 verifying contract)
    /// @param registrars the origin registrars whose signatures count
    /// @param threshold how many distinct registrars must sign
    /// @param version the agreement's version, from 1, raised by each change
    /// @param by the authority
    event AgreementSet(
        uint64 indexed originChainId,
        address indexed originRegistry,
        address[] registrars,
        uint8 threshold,
        uint32 version,
        address by
    );
    /// @notice The authority ended the agreement: no further imports from that origin.
    event AgreementRevoked(uint64 indexed originChainId, uint32 version, address by);
    /// @notice A registrar imported a certificate: the asset is recognised here.
    /// @param localAssetId the asset id here
    /// @param originChainId the origin chain id
    /// @param originAssetId the asset id in the origin registry
    /// @param originRegistry the origin registry
    /// @param certificate the certificate as signed
    /// @param certificateDigest its EIP-712 digest under the origin's domain
    /// @param signers the distinct agreed registrars whose signatures were counted, in the agreement's order
    /// @param linked whether the content hash was already registered here by the same holder
    /// @param registrar the importing registrar
    /// @param superseded whether it replaced an earlier certificate of the same origin asset
    event CertificateImported(
        uint256 indexed localAssetId,
        uint64 indexed originChainId,
        uint256 indexed originAssetId,
        address originRegistry,
        Certificate certificate,
        bytes32 certificateDigest,
        address[] signers,
        bool linked,
        address registrar,
        bool superseded
    );
    /// @notice A registrar suspended a recognised registration (after a re-check flagged it).
    event RecognitionSuspended(uint256 indexed localAssetId, address indexed by, bytes32 reasonHash);
    /// @notice A registrar (or the authority) lifted the suspension.
    event RecognitionReinstated(uint256 indexed localAssetId, address indexed by, bytes32 reasonHash);

    // ─────────────────────────────────────────────────────────── functions

    /// @notice Records or replaces the agreement with `originChainId`. Authority.
    function setAgreement(uint64 originChainId, address originRegistry, address[] calldata registrars, uint8 threshold)
        external;

    /// @notice Ends the agreement with `originChainId`. Authority.
    function revokeAgreement(uint64 originChainId) external;

    /// @notice Imports a certificate of `originChainId` carrying at least the agreed threshold of
    /// signatures, or a newer certificate of an origin asset imported before. Registrars; the recognised
    /// asset is registered in the registrar's region.
    function importCertificate(uint64 originChainId, Certificate calldata certificate, bytes[] calldata signatures)
        external
        returns (uint256 localAssetId);

    /// @notice Suspends a recognised registration; the local asset can be neither licensed, traded nor
    /// transferred unless it was linked to a registration made here. Registrars of the asset's region, authority.
    function suspend(uint256 localAssetId, bytes32 reasonHash) external;

    /// @notice Lifts a suspension. Registrars of the asset's region, authority.
    function reinstate(uint256 localAssetId, bytes32 reasonHash) external;

    // ─────────────────────────────────────────────────────────── views

    function getAgreement(uint64 originChainId) external view returns (Agreement memory);

    function getRecognised(uint256 localAssetId) external view returns (Recognised memory);

    /// @notice The local asset id of an imported origin asset, zero if none.
    function localAssetOf(uint64 originChainId, address originRegistry, uint256 originAssetId)
        external
        view
        returns (uint256);

    function recognisedCount() external view returns (uint256);

    /// @notice The EIP-712 digest of `certificate` under the domain of the origin registry.
    function certificateDigest(uint64 originChainId, address originRegistry, Certificate calldata certificate)
        external
        pure
        returns (bytes32);
}
