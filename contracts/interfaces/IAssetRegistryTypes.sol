// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Types, errors and events of the data-property registry
/// @notice Shared by {IAssetRegistry} (its functions) and by the registry's two code halves, {AssetRegistry}
/// and {AssetRegistryModule}, which run on one storage.
interface IAssetRegistryTypes {
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
    /// @param contentHash the data's fingerprint; one registered asset at most holds it, while any number
    /// of competing applications may be pending for it (the registrar approves one)
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
    /// @param openObjections accepted objections not yet resolved (held by {IAssetControls})
    /// @param suspended its recognition was suspended by a registrar of its region (recognised assets)
    /// @param applicant who applied for it (or, recognised, its holder when imported)
    /// @param licensedUntil the end, rounded up to a whole UTC day, of the latest-ending licence ever
    /// granted directly over the asset: until then its holder cannot cancel it alone
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
        bool suspended;
        address applicant;
        uint40 licensedUntil;
    }

    /// @notice An asset as the ledger's other contracts check it before they record something about it: read
    /// from two slots (three when its rights are split), where {IAssetRegistry-getAsset} reads six and calls the
    /// asset controls.
    /// @param disputed an accepted ownership objection is open on it
    struct Subject {
        Status status;
        Category category;
        bool disputed;
        bool frozen;
        bytes32 contentHash;
        address holdingHolder;
        address processingHolder;
        address operationHolder;
    }

    /// @notice The flags {IAssetControls} sets on an asset.
    enum Control {
        Disputed,
        Frozen,
        Anonymised
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
    /// @param start first second of validity: the terms' start, or the grant's block time if later
    /// @param revoked revoked itself (a licence is also invalid when an ancestor is revoked: see isLicenseValid)
    /// @param sold delivered by a settlement: a buyer paid for it, so its licensor cannot revoke it
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
        bool sold;
        /// @dev The latest end of the sublicences sold under it (at any depth): until then neither its licensee
        /// nor its licensor can give it up or revoke it (only the authority). 0 when none was sold.
        uint40 soldUntil;
    }

    // ─────────────────────────────────────────────────────────── errors

    /// @notice Thrown when no asset has id `assetId`.
    error RegistryUnknownAsset(uint256 assetId);
    /// @notice Thrown when `contentHash` is already held by registered asset `assetId`.
    error RegistryContentHashRegistered(bytes32 contentHash, uint256 assetId);
    /// @notice Thrown when the asset is in `status` and the operation needs another one.
    error RegistryInvalidStatus(uint256 assetId, Status status);
    /// @notice Thrown when a registrar acts on an asset of another region.
    error RegistryWrongRegion(address registrar, uint24 registrarRegion, uint24 assetRegion);
    /// @notice Thrown when a registrar acts on an asset it applied for or in which it holds a right.
    error RegistryRegistrarConflict(uint256 assetId, address registrar);
    /// @notice Thrown when `account` does not hold `right` of the asset.
    error RegistryNotRightHolder(uint256 assetId, Right right, address account);
    /// @notice Thrown when the holding-right holder would cancel an asset in which `holder` holds `right`.
    error RegistryRightHeldByOther(uint256 assetId, Right right, address holder);
    /// @notice Thrown when the holding-right holder would cancel an asset that may still have a live licence
    /// (one granted over it ends after `licensedUntil`): the licensees consent by surrendering, or a registrar decides.
    error RegistryAssetLicensed(uint256 assetId, uint40 licensedUntil);
    /// @notice Thrown when the asset has accepted objections not yet resolved.
    error RegistryAssetDisputed(uint256 assetId, uint32 openObjections);
    /// @notice Thrown when the asset is frozen by the authority.
    error RegistryAssetFrozen(uint256 assetId);
    /// @notice Thrown when the asset's recognition is suspended.
    error RegistryAssetSuspended(uint256 assetId);
    /// @notice Thrown when personal-information data has no anonymisation attestation.
    error RegistryNotAnonymised(uint256 assetId);
    /// @notice Thrown when public data would change hands other than by on-exchange settlement (or, for a
    /// licence, an authorised-operation licence the authority approved).
    error RegistryPublicDataOffExchange(uint256 assetId);
    /// @notice Thrown for a zero hash where a document or fingerprint is required.
    error RegistryZeroHash();
    /// @notice Thrown for the zero address where an account is required.
    error RegistryZeroAddress();
    /// @notice Thrown when a string is empty or longer than `maxLength` bytes.
    error RegistryInvalidString(uint256 length, uint256 maxLength);
    /// @notice Thrown for a region code that is not a six-digit administrative division code under an
    /// existing province-level prefix.
    error RegistryInvalidRegion(uint24 region);
    /// @notice Thrown when `right` of an asset recognised from another province would change hands here: its
    /// holders follow the origin's certificates, so its rights change hands at the origin (a newer certificate
    /// brings the change here). Its licences are granted and sold here.
    error RegistryRecognisedRight(uint256 assetId, Right right);
    /// @notice Thrown when transferring a right to its current holder.
    error RegistrySameHolder(uint256 assetId, Right right, address holder);
    /// @notice Thrown when the caller is not the contract that may call this hook (`expected`).
    error RegistryOnlyCaller(address caller, address expected);
    /// @notice Thrown when the registry's module is called other than through the registry.
    error RegistryOnlyDelegated();

    /// @notice Thrown when no licence has id `licenseId`.
    error LicenseUnknown(uint64 licenseId);
    /// @notice Thrown when the holding right is offered as a licence.
    error LicenseRightNotLicensable(Right right);
    /// @notice Thrown when `end` is not after the licence's start (its terms' start, or now if later).
    error LicenseInvalidPeriod(uint40 start, uint40 end);
    /// @notice Thrown when a licence has neither a domestic region nor a country.
    error LicenseEmptyTerritory();
    /// @notice Thrown when the territory lists are longer than allowed.
    error LicenseTerritoryTooLarge(uint256 regions, uint256 countries, uint256 max);
    /// @notice Thrown for a malformed country code.
    error LicenseInvalidCountry(bytes2 country);
    /// @notice Thrown when cross-border use (a country, or Taiwan, Hong Kong or Macau) is asked for data of
    /// grade `grade` (important or core).
    error LicenseCrossBorderForbidden(uint256 assetId, Grade grade);
    /// @notice Thrown when a licence would overlap a live exclusive licence of the same right and purpose
    /// (under the same parent), or an exclusive licence would fall within the span, from earliest start to
    /// latest end, of the live shared licences of that right and purpose (the span clears when none is live).
    error LicenseExclusivityConflict(uint256 assetId, Right right, uint16 purpose, uint40 start, uint40 end);
    /// @notice Thrown when a right and purpose (under one parent) already has `max` exclusive licences that
    /// have not ended: exclusive licences are kept few so that every grant costs bounded gas.
    error LicenseTooManyExclusives(uint256 assetId, Right right, uint16 purpose, uint256 max);
    /// @notice Thrown when the parent licence may not be sublicensed.
    error LicenseNotSublicensable(uint64 parentId);
    /// @notice Thrown when a sublicence would be deeper than `maxDepth`.
    error LicenseTooDeep(uint64 parentId, uint8 maxDepth);
    /// @notice Thrown when a sublicence's terms exceed its parent's (right, purpose, period, territory,
    /// cross-border, exclusivity).
    error LicenseExceedsParent(uint64 parentId);
    /// @notice Thrown when the licence is not valid (revoked, or an ancestor is; expired, not yet started, or
    /// its asset no longer registered).
    error LicenseNotValid(uint64 licenseId);
    /// @notice Thrown when `account` may not revoke or transfer the licence.
    error LicenseNotAuthorized(uint64 licenseId, address account);
    /// @notice Thrown when the licensor `account` would revoke a licence a buyer paid for (delivered by a
    /// settlement): only the authority revokes it, for cause, or its licensee surrenders it.
    error LicenseSold(uint64 licenseId, address account);
    /// @notice Thrown when the licensee or licensor would end a licence under which a sublicence was sold that
    /// lasts until `soldUntil` (a sublicence is valid only while its parent is): only the authority revokes it.
    error LicenseSublicenceSold(uint64 licenseId, uint40 soldUntil);
    /// @notice Thrown when the licence is not transferable.
    error LicenseNotTransferable(uint64 licenseId);
    /// @notice Thrown when a licence is granted to its grantor.
    error LicenseSelfGrant(address account);
    /// @notice Thrown for a territory region that is not a six-digit code under an existing province-level prefix.
    error LicenseInvalidRegion(uint24 region);

    // ─────────────────────────────────────────────────────────── events

    /// @notice An application for registration was filed (always under a new id).
    /// @param assetId the asset id
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
    /// @notice A registrar approved an application: the asset is registered and holds its content hash.
    /// @param assetId the asset
    /// @param registrar the reviewing registrar
    /// @param certificateSerial the registration certificate's serial number
    /// @param reviewHash hash of the review record
    event AssetRegistered(uint256 indexed assetId, address indexed registrar, uint64 certificateSerial, bytes32 reviewHash);
    /// @notice A registrar rejected an application (final: a new application gets a new id).
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
    /// @notice The registration (or a pending application) was cancelled (注销登记); a registered asset's
    /// content hash is free again.
    /// @param assetId the asset
    /// @param by holder, registrar, or (a recognised asset whose origin cancelled it) the importing registrar
    /// @param reasonHash hash of the reason document
    event RegistrationCancelled(uint256 indexed assetId, address indexed by, bytes32 reasonHash);
    /// @notice One of the three rights changed hands.
    /// @param assetId the asset
    /// @param right the right
    /// @param from the previous holder
    /// @param to the new holder
    /// @param tradeId the settling trade, zero for a direct transfer (or a newer recognised certificate)
    event RightTransferred(uint256 indexed assetId, Right right, address indexed from, address indexed to, bytes32 tradeId);

    /// @notice A licence was granted.
    /// @param licenseId the licence
    /// @param assetId the asset
    /// @param licensee who receives it
    /// @param licensor who granted it (a right holder, or the parent licensee)
    /// @param parentId the parent licence for a sublicence, else zero
    /// @param depth zero for a licence granted by a right holder
    /// @param terms the terms as granted; the licence starts at the later of `terms.start` and this block's
    /// time (a licence delivered by a trade is named in that trade's TradeSettled event)
    event LicenseGranted(
        uint64 indexed licenseId,
        uint256 indexed assetId,
        address indexed licensee,
        address licensor,
        uint64 parentId,
        uint8 depth,
        LicenseTerms terms
    );
    /// @notice A licence was revoked (or surrendered by its licensee). Its sublicences, at any depth, are
    /// invalid from now on without events of their own: validity checks the whole parent chain.
    /// @param licenseId the licence
    /// @param by who revoked it
    /// @param reasonHash hash of the reason
    event LicenseRevoked(uint64 indexed licenseId, address indexed by, bytes32 reasonHash);
    /// @notice A transferable licence changed hands.
    event LicenseTransferred(uint64 indexed licenseId, address indexed from, address indexed to);
}
