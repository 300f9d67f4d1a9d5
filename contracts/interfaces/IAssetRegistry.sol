// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Data-property registry: assets, their three rights, objections, freezes and licences
/// @notice Implements the registration (产权登记) and licensing (授权) articles: every asset
/// carries three separately held rights (数据资源持有权, 数据加工使用权, 数据产品经营权); a
/// registrar of the asset's region reviews each application; anyone admitted may lodge an
/// objection (异议); licences carry their terms on-chain and may be sublicensed to a bounded depth.
interface IAssetRegistry {
    // ─────────────────────────────────────────────────────────── types

    enum Category {
        Public,
        Enterprise,
        Personal
    }

    enum Grade {
        General,
        Important,
        Core
    }

    enum Kind {
        Dataset,
        Model,
        Service,
        VerificationProduct
    }

    enum Status {
        None,
        Pending,
        Registered,
        Rejected,
        Cancelled
    }

    /// @dev Holding (数据资源持有权), processing/use (数据加工使用权), product operation (数据产品经营权).
    enum Right {
        Holding,
        Processing,
        Operation
    }

    /// @notice An application for registration.
    /// @param contentHash the data's fingerprint; unique across the registry
    /// @param metadataHash hash of the metadata document
    /// @param metadataURI where the metadata document lives
    /// @param name human-readable name of the asset
    /// @param processingHolder holder of the processing/use right (zero: the applicant)
    /// @param operationHolder holder of the product operation right (zero: the applicant)
    struct Registration {
        bytes32 contentHash;
        bytes32 metadataHash;
        string metadataURI;
        string name;
        Category category;
        Grade grade;
        Kind kind;
        uint24 region;
        address processingHolder;
        address operationHolder;
    }

    /// @notice A registered asset as the contract holds it.
    struct Asset {
        uint256 id;
        bytes32 contentHash;
        Category category;
        Grade grade;
        Kind kind;
        Status status;
        uint24 region;
        bool disputed;
        bool frozen;
        bool anonymised;
        address holdingHolder;
        address processingHolder;
        address operationHolder;
        uint64 certificateSerial;
        uint40 registeredAt;
        uint32 openObjections;
    }

    /// @notice Licence terms.
    /// @param right Processing or Operation (the holding right is not licensed)
    /// @param purpose purpose code from the exchange's purpose catalogue
    /// @param start first second of validity (unix time)
    /// @param end first second after validity (unix time)
    /// @param regions domestic administrative division codes where use is allowed
    /// @param countries ISO 3166 alpha-2 codes for cross-border use (empty: domestic only)
    /// @param termsHash hash of the terms document
    struct LicenseTerms {
        Right right;
        uint16 purpose;
        uint40 start;
        uint40 end;
        bool exclusive;
        bool sublicensable;
        bool transferable;
        uint24[] regions;
        bytes2[] countries;
        bytes32 termsHash;
    }

    /// @notice A licence as the contract holds it.
    struct License {
        uint64 id;
        uint256 assetId;
        address licensee;
        Right right;
        uint16 purpose;
        uint40 start;
        uint40 end;
        bool exclusive;
        bool sublicensable;
        bool transferable;
        bool crossBorder;
        bool revoked;
        uint8 depth;
        uint64 parentId;
    }

    enum ObjectionStatus {
        None,
        Open,
        Upheld,
        Dismissed
    }

    struct Objection {
        uint256 assetId;
        address objector;
        ObjectionStatus status;
        uint40 lodgedAt;
        bytes32 evidenceHash;
    }

    // ─────────────────────────────────────────────────────────── errors

    /// @notice Thrown when no asset has id `assetId`.
    error RegistryUnknownAsset(uint256 assetId);
    /// @notice Thrown when `contentHash` is already registered as `assetId`.
    error RegistryContentHashRegistered(bytes32 contentHash, uint256 assetId);
    /// @notice Thrown when the asset is in `status` and the operation needs another one.
    error RegistryInvalidStatus(uint256 assetId, Status status);
    /// @notice Thrown when a registrar acts on an asset of another region.
    error RegistryWrongRegion(address registrar, uint24 registrarRegion, uint24 assetRegion);
    /// @notice Thrown when `account` does not hold `right` of the asset.
    error RegistryNotRightHolder(uint256 assetId, Right right, address account);
    /// @notice Thrown when the asset has open objections.
    error RegistryAssetDisputed(uint256 assetId, uint32 openObjections);
    /// @notice Thrown when the asset is frozen by the authority.
    error RegistryAssetFrozen(uint256 assetId);
    /// @notice Thrown when freezing a frozen asset, or unfreezing one that is not frozen.
    error RegistryFreezeState(uint256 assetId, bool frozen);
    /// @notice Thrown when personal-information data has no anonymisation attestation.
    error RegistryNotAnonymised(uint256 assetId);
    /// @notice Thrown when an anonymisation attestation is filed for data that is not personal information.
    error RegistryNotPersonalData(uint256 assetId, Category category);
    /// @notice Thrown for a zero hash where a document or fingerprint is required.
    error RegistryZeroHash();
    /// @notice Thrown for the zero address where an account is required.
    error RegistryZeroAddress();
    /// @notice Thrown when a string is empty or longer than `maxLength` bytes.
    error RegistryInvalidString(uint256 length, uint256 maxLength);
    /// @notice Thrown for a region code that is not a six-digit administrative division code.
    error RegistryInvalidRegion(uint24 region);
    /// @notice Thrown when no objection has id `objectionId`, or it is not open.
    error RegistryObjectionNotOpen(uint256 objectionId);
    /// @notice Thrown when the caller is not the settlement contract.
    error RegistryOnlySettlement(address caller);
    /// @notice Thrown when the settlement contract is set a second time.
    error RegistrySettlementAlreadySet(address settlement);
    /// @notice Thrown when transferring a right to its current holder.
    error RegistrySameHolder(uint256 assetId, Right right, address holder);
    /// @notice Thrown when the caller is not the recognition contract.
    error RegistryOnlyRecognition(address caller);
    /// @notice Thrown when the recognition contract is set a second time.
    error RegistryRecognitionAlreadySet(address recognition);

    /// @notice Thrown when no licence has id `licenseId`.
    error LicenseUnknown(uint64 licenseId);
    /// @notice Thrown when the holding right is offered as a licence.
    error LicenseRightNotLicensable(Right right);
    /// @notice Thrown when `end` is not after `start`, or `end` is already past.
    error LicenseInvalidPeriod(uint40 start, uint40 end);
    /// @notice Thrown when a licence has neither a domestic region nor a country.
    error LicenseEmptyTerritory();
    /// @notice Thrown when the territory lists are longer than allowed.
    error LicenseTerritoryTooLarge(uint256 regions, uint256 countries, uint256 max);
    /// @notice Thrown for a malformed country code.
    error LicenseInvalidCountry(bytes2 country);
    /// @notice Thrown when cross-border use is asked for data of grade `grade` (important or core).
    error LicenseCrossBorderForbidden(uint256 assetId, Grade grade);
    /// @notice Thrown when a licence would overlap a live exclusive licence of the same right and purpose
    /// (under the same parent), or an exclusive licence would fall within the span, from earliest start to
    /// latest end, of the live shared licences of that right and purpose (the span clears when none is live).
    error LicenseExclusivityConflict(uint256 assetId, Right right, uint16 purpose, uint40 start, uint40 end);
    /// @notice Thrown when the parent licence may not be sublicensed.
    error LicenseNotSublicensable(uint64 parentId);
    /// @notice Thrown when a sublicence would be deeper than `maxDepth`.
    error LicenseTooDeep(uint64 parentId, uint8 maxDepth);
    /// @notice Thrown when a sublicence's terms exceed its parent's (right, purpose, period, territory,
    /// cross-border, exclusivity).
    error LicenseExceedsParent(uint64 parentId);
    /// @notice Thrown when the licence is not valid (revoked, expired, not yet started, or its chain is broken).
    error LicenseNotValid(uint64 licenseId);
    /// @notice Thrown when `account` may not revoke or transfer the licence.
    error LicenseNotAuthorized(uint64 licenseId, address account);
    /// @notice Thrown when the licence is not transferable.
    error LicenseNotTransferable(uint64 licenseId);
    /// @notice Thrown when a licence is granted to its grantor.
    error LicenseSelfGrant(address account);

    // ─────────────────────────────────────────────────────────── events

    /// @notice An application for registration was filed.
    /// @param assetId the asset id (new, or the id of a rejected application filed again)
    /// @param contentHash the data's fingerprint
    /// @param applicant the applicant, who holds the holding right
    /// @param processingHolder holder of the processing/use right
    /// @param operationHolder holder of the product operation right
    /// @param registration the application as filed (category, grade, kind, region, metadata, name)
    event RegistrationApplied(
        uint256 indexed assetId,
        bytes32 indexed contentHash,
        address indexed applicant,
        address processingHolder,
        address operationHolder,
        Registration registration
    );
    /// @notice A registrar approved an application: the asset is registered.
    /// @param assetId the asset
    /// @param registrar the reviewing registrar
    /// @param certificateSerial the registration certificate's serial number
    /// @param reviewHash hash of the review record
    event AssetRegistered(uint256 indexed assetId, address indexed registrar, uint64 certificateSerial, bytes32 reviewHash);
    /// @notice A registrar rejected an application.
    /// @param assetId the asset
    /// @param registrar the reviewing registrar
    /// @param reviewHash hash of the review record
    event RegistrationRejected(uint256 indexed assetId, address indexed registrar, bytes32 reviewHash);
    /// @notice The holding-right holder changed the registered metadata (变更登记).
    /// @param assetId the asset
    /// @param by the holder
    /// @param metadataHash new metadata hash
    /// @param metadataURI new metadata location
    event RegistrationChanged(uint256 indexed assetId, address indexed by, bytes32 metadataHash, string metadataURI);
    /// @notice The registration was cancelled (注销登记).
    /// @param assetId the asset
    /// @param by holder or registrar
    /// @param reasonHash hash of the reason document
    event RegistrationCancelled(uint256 indexed assetId, address indexed by, bytes32 reasonHash);
    /// @notice One of the three rights changed hands.
    /// @param assetId the asset
    /// @param right the right
    /// @param from the previous holder
    /// @param to the new holder
    /// @param tradeId the settling trade, zero for a direct transfer
    event RightTransferred(uint256 indexed assetId, Right right, address indexed from, address indexed to, bytes32 tradeId);
    /// @notice An objection was lodged: the asset is disputed until every objection is resolved.
    /// @param objectionId the objection
    /// @param assetId the asset
    /// @param objector who lodged it
    /// @param evidenceHash hash of the evidence
    event ObjectionLodged(uint256 indexed objectionId, uint256 indexed assetId, address indexed objector, bytes32 evidenceHash);
    /// @notice A registrar resolved an objection.
    /// @param objectionId the objection
    /// @param assetId the asset
    /// @param registrar the registrar
    /// @param upheld whether the objection was upheld
    /// @param decisionHash hash of the decision
    /// @param openObjections objections still open on the asset
    event ObjectionResolved(
        uint256 indexed objectionId,
        uint256 indexed assetId,
        address indexed registrar,
        bool upheld,
        bytes32 decisionHash,
        uint32 openObjections
    );
    /// @notice The authority froze the asset.
    event AssetFrozen(uint256 indexed assetId, address indexed by, bytes32 reasonHash);
    /// @notice The authority unfroze the asset.
    event AssetUnfrozen(uint256 indexed assetId, address indexed by, bytes32 reasonHash);
    /// @notice A service provider attested that personal-information data is anonymised.
    event AnonymisationAttested(uint256 indexed assetId, address indexed provider, bytes32 reportHash);
    /// @notice A licence was granted.
    /// @param licenseId the licence
    /// @param assetId the asset
    /// @param licensee who receives it
    /// @param licensor who granted it (a right holder, or the parent licensee)
    /// @param parentId the parent licence for a sublicence, else zero
    /// @param depth zero for a licence granted by a right holder
    /// @param terms the terms (a licence delivered by a trade is named in that trade's TradeSettled event)
    event LicenseGranted(
        uint64 indexed licenseId,
        uint256 indexed assetId,
        address indexed licensee,
        address licensor,
        uint64 parentId,
        uint8 depth,
        LicenseTerms terms
    );
    /// @notice A licence was revoked; sublicences are revoked with it, each with its own event.
    /// @param licenseId the licence
    /// @param by who revoked it (for a cascade, the revoker of the root)
    /// @param causeId the licence whose revocation caused this one, zero when revoked directly
    /// @param reasonHash hash of the reason
    event LicenseRevoked(uint64 indexed licenseId, address indexed by, uint64 causeId, bytes32 reasonHash);
    /// @notice A transferable licence changed hands.
    event LicenseTransferred(uint64 indexed licenseId, address indexed from, address indexed to);
    /// @notice The settlement contract was wired in.
    event SettlementSet(address settlement, address by);
    /// @notice The recognition contract (cross-province mutual recognition) was wired in.
    event RecognitionSet(address recognition, address by);

    // ─────────────────────────────────────────────────────────── registration

    /// @notice Applies for registration; the caller holds the holding right. Data holders and merchants.
    function applyRegistration(Registration calldata registration) external returns (uint256 assetId);

    /// @notice Approves or rejects a pending application. Registrars of the asset's region.
    function reviewRegistration(uint256 assetId, bool approve, bytes32 reviewHash) external;

    /// @notice Changes the registered metadata. Holding-right holder.
    function changeRegistration(uint256 assetId, bytes32 metadataHash, string calldata metadataURI) external;

    /// @notice Cancels the registration. Holding-right holder, or a registrar of the region.
    function cancelRegistration(uint256 assetId, bytes32 reasonHash) external;

    /// @notice Transfers one right to `to`. Current holder of that right.
    function transferRight(uint256 assetId, Right right, address to) external;

    /// @notice Lodges an objection with an evidence hash. Any active participant.
    function lodgeObjection(uint256 assetId, bytes32 evidenceHash) external returns (uint256 objectionId);

    /// @notice Resolves an open objection. Registrars of the asset's region.
    function resolveObjection(uint256 objectionId, bool upheld, bytes32 decisionHash) external;

    /// @notice Freezes the asset: no licence, trade or transfer until unfrozen. Authority.
    function freeze(uint256 assetId, bytes32 reasonHash) external;

    /// @notice Unfreezes the asset. Authority.
    function unfreeze(uint256 assetId, bytes32 reasonHash) external;

    /// @notice Attests that personal-information data is anonymised. Service providers.
    function attestAnonymisation(uint256 assetId, bytes32 reportHash) external;


    // ─────────────────────────────────────────────────────────── licences

    /// @notice Grants a licence of `terms.right`. Current holder of that right.
    function grantLicense(uint256 assetId, address licensee, LicenseTerms calldata terms) external returns (uint64);

    /// @notice Grants a sublicence under `parentId`. The parent's licensee, if sublicensable.
    function sublicense(uint64 parentId, address licensee, LicenseTerms calldata terms) external returns (uint64);

    /// @notice Revokes a licence and every sublicence under it. The licensor side or the authority.
    function revokeLicense(uint64 licenseId, bytes32 reasonHash) external;

    /// @notice Transfers a transferable licence. Its licensee.
    function transferLicense(uint64 licenseId, address to) external;

    // ─────────────────────────────────────────────────────────── settlement hooks

    /// @notice Wires in the settlement contract, once. Authority.
    function setSettlement(address settlement) external;

    /// @notice Delivers a right as part of trade `tradeId`. Settlement contract only.
    /// @return category the asset's category, for the settlement's own rules
    /// @return kind the asset's kind, for price bands
    function deliverRight(bytes32 tradeId, uint256 assetId, Right right, address seller, address buyer)
        external
        returns (Category category, Kind kind);

    /// @notice Delivers a new licence (or sublicence under `parentId`) for a trade; the trade's
    /// TradeSettled event names the licence. Settlement contract only.
    function deliverLicense(
        uint256 assetId,
        uint64 parentId,
        address seller,
        address buyer,
        LicenseTerms calldata terms
    ) external returns (Category category, Kind kind, uint64 licenseId);

    // ─────────────────────────────────────────────────────────── recognition hooks

    /// @notice Wires in the recognition contract, once. Authority.
    function setRecognition(address recognition) external;

    /// @notice Records a registration recognised from another province's registry as registered here,
    /// with a local certificate serial; emits RegistrationApplied and AssetRegistered like a reviewed
    /// application (the review hash is `r.metadataHash`, the certificate's EIP-712 digest). Recognition only.
    /// @param holder holder of the holding right (the other two are named in `r`)
    /// @param registrar the local registrar who imported the certificate
    function registerRecognised(Registration calldata r, address holder, address registrar)
        external
        returns (uint256 assetId);

    /// @notice Freezes a recognised asset whose recognition a local registrar suspended. Recognition only.
    function freezeRecognised(uint256 assetId, address by, bytes32 reasonHash) external;

    // ─────────────────────────────────────────────────────────── views

    function getAsset(uint256 assetId) external view returns (Asset memory);

    function assetIdOf(bytes32 contentHash) external view returns (uint256);

    function assetCount() external view returns (uint256);

    function holderOf(uint256 assetId, Right right) external view returns (address);

    function getLicense(uint64 licenseId) external view returns (License memory);

    function licenseCount() external view returns (uint64);

    function childrenOf(uint64 licenseId) external view returns (uint64[] memory);

    /// @notice Whether the licence and its whole parent chain are valid at `timestamp`, and the asset still registered.
    function isLicenseValid(uint64 licenseId, uint256 timestamp) external view returns (bool);

    function getObjection(uint256 objectionId) external view returns (Objection memory);

    function objectionCount() external view returns (uint256);

    function settlement() external view returns (address);

    function recognition() external view returns (address);

    /// @notice The participant registry, so that another province can check this one's registrars.
    function participants() external view returns (address);
}
