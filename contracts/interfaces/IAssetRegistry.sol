// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistryTypes} from "./IAssetRegistryTypes.sol";
import {ILedgerPause} from "./ILedgerPause.sol";

/// @title Data-property registry: assets, their three rights and the licences over them
/// @notice Implements the registration (产权登记, art. 13) and licensing (授权, art. 14) articles: every
/// asset carries three separately held rights (数据资源持有权, 数据加工使用权, 数据产品经营权); a registrar
/// of the asset's region reviews each application; licences carry their terms on-chain (right, purpose,
/// period, territory, exclusivity, sublicensing, transferability) and may be sublicensed to a bounded depth.
/// A licence starts no earlier than its grant; revoking one costs bounded gas (its sublicences are invalid
/// because validity walks the parent chain); exclusivity is checked exactly against the few exclusive
/// licences that have not ended (at most 8 per right, purpose and parent), so every grant costs bounded gas.
/// Objections, freezes and anonymisation attestations are kept by {IAssetControls}, which sets the matching
/// flags here. Nothing moves without its holder's consent: a right or licence changes hands only by its
/// holder's own call or by a settlement the holder consented to, and public data only through on-exchange
/// settlement within its guided band (or, for a licence, as an authorised operation the authority approved).
/// The registry also keeps the ledger's pause register ({ILedgerPause}), which the asset-controls contract sets.
interface IAssetRegistry is IAssetRegistryTypes, ILedgerPause {
    // ─────────────────────────────────────────────────────────── registration

    /// @notice Applies for registration under a new id; the caller holds the holding right. Data holders and
    /// merchants. Refused only when a registered asset already holds the content hash.
    function applyRegistration(Registration calldata registration) external returns (uint256 assetId);

    /// @notice Approves or rejects a pending application. Registrars of the asset's region that neither applied
    /// for it nor hold a right in it. Approval gives the asset the content hash, if no other asset holds it.
    function reviewRegistration(uint256 assetId, bool approve, bytes32 reviewHash) external;

    /// @notice Changes the registered metadata. Holding-right holder.
    function changeRegistration(uint256 assetId, bytes32 metadataHash, string calldata metadataURI) external;

    /// @notice Cancels the registration, or withdraws a pending application. The holding-right holder (a
    /// registered asset only when not frozen, disputed or suspended, no other party holds a right in it and
    /// no licence over it may be live), or a registrar of the region without a conflict of interest.
    function cancelRegistration(uint256 assetId, bytes32 reasonHash) external;

    /// @notice Transfers one right to `to`. Current holder of that right; never for public data (which changes
    /// hands only by on-exchange settlement), nor for an asset recognised from another province (whose rights
    /// change hands at its origin).
    function transferRight(uint256 assetId, Right right, address to) external;

    // ─────────────────────────────────────────────────────────── licences

    /// @notice Grants a licence of `terms.right`. Current holder of that right. Over public data only an
    /// authorised-operation licence the authority approved in {IAssetControls} (others go through settlement).
    function grantLicense(uint256 assetId, address licensee, LicenseTerms calldata terms) external returns (uint64);

    /// @notice Grants a sublicence under `parentId`. The parent's licensee, if sublicensable; never over public data.
    function sublicense(uint64 parentId, address licensee, LicenseTerms calldata terms) external returns (uint64);

    /// @notice Revokes a licence; every sublicence under it is invalid from then on. The authority, the licensee
    /// itself (surrender), or its licensor (the holder of the licensed right, or the parent's licensee) unless
    /// a buyer paid for it (delivered by a settlement). Bounded gas.
    function revokeLicense(uint64 licenseId, bytes32 reasonHash) external;

    /// @notice Transfers a transferable licence. Its licensee; never a licence over public data.
    function transferLicense(uint64 licenseId, address to) external;

    // ─────────────────────────────────────────────────────────── settlement hooks

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

    // ─────────────────────────────────────────────────────────── controls and recognition hooks

    /// @notice Sets or clears a control flag. Asset-controls contract only (it emits the events).
    function setControl(uint256 assetId, Control control, bool on) external;

    /// @notice Sets the pause register to `paused` (bits of {Pausing}). Asset-controls contract only (it checks
    /// the authority and emits the events).
    function setPaused(uint16 paused) external;

    /// @notice Records a registration recognised from another province's registry as registered here,
    /// with a local certificate serial; emits RegistrationApplied and AssetRegistered like a reviewed
    /// application (the review hash is `r.metadataHash`, the certificate's EIP-712 digest). Recognition only.
    /// @param holder holder of the holding right (the other two are named in `r`)
    /// @param registrar the local registrar who imported the certificate
    function registerRecognised(Registration calldata r, address holder, address registrar)
        external
        returns (uint256 assetId);

    /// @notice Sets or lifts the suspension of a recognised asset (no licence, trade or transfer while set).
    /// Recognition only (it emits the events).
    function setRecognitionSuspended(uint256 assetId, bool suspended) external;

    /// @notice Follows a newer certificate of a recognised asset: its holders change to the certificate's
    /// (RightTransferred, trade id zero), or, when the origin cancelled it, it is cancelled here. Recognition only.
    function syncRecognised(
        uint256 assetId,
        address holding,
        address processing,
        address operation,
        bool cancelled,
        address by,
        bytes32 reasonHash
    ) external;

    // ─────────────────────────────────────────────────────────── views

    function getAsset(uint256 assetId) external view returns (Asset memory);

    /// @notice The registered asset holding `contentHash` (cancellation frees it); zero if none.
    function assetIdOf(bytes32 contentHash) external view returns (uint256);

    function assetCount() external view returns (uint256);

    function holderOf(uint256 assetId, Right right) external view returns (address);

    /// @notice The holder of `right` of `assetId`, and the asset's category and kind, if the asset may be licensed,
    /// traded or transferred now; else reverts as a delivery would (RegistryUnknownAsset, RegistryInvalidStatus,
    /// RegistryAssetFrozen, RegistryAssetDisputed, RegistryAssetSuspended, RegistryNotAnonymised). What an exchange
    /// listing checks: an asset that cannot be delivered is not listed.
    function tradableHolder(uint256 assetId, Right right) external view returns (address holder, Category, Kind);

    /// @notice The status, flags, content hash and right holders of `assetId`, in one call: what the valuation,
    /// quality and listing contracts check. Reverts with RegistryUnknownAsset for an unknown asset.
    function subjectOf(uint256 assetId) external view returns (Subject memory);

    /// @notice The asset's status (None for an unknown id).
    function statusOf(uint256 assetId) external view returns (Status);

    /// @notice Who applied for the asset (the holder at registration of a recognised asset).
    function applicantOf(uint256 assetId) external view returns (address);

    function getLicense(uint64 licenseId) external view returns (License memory);

    function licenseCount() external view returns (uint64);

    function childrenOf(uint64 licenseId) external view returns (uint64[] memory);

    /// @notice Whether the licence and its whole parent chain are valid at `timestamp`, and the asset still registered.
    function isLicenseValid(uint64 licenseId, uint256 timestamp) external view returns (bool);

    /// @notice The exclusivity record of (asset, right, purpose, parent): the span of the live shared licences
    /// (zero when none is live), how many are live, and the exclusive licences that had not ended when last
    /// pruned, as (start, end, licence id).
    function exclusivityOf(uint256 assetId, Right right, uint16 purpose, uint64 parentId)
        external
        view
        returns (uint40 sharedStart, uint40 sharedEnd, uint32 liveShared, uint256[3][] memory exclusives);

    /// @notice The territory kept for a sublicensable licence (its sublicences must stay within it).
    function territoryOf(uint64 licenseId) external view returns (uint24[] memory regions, bytes2[] memory countries);

    function settlement() external view returns (address);

    function recognition() external view returns (address);

    function controls() external view returns (address);

    /// @notice The participant registry, so that another province can check this one's registrars.
    function participants() external view returns (address);

    /// @notice The contract that runs the registry's less frequent functions on its storage (see AssetRegistryModule).
    function module() external view returns (address);
}
