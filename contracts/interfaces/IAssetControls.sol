// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistry} from "./IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./IAssetRegistryTypes.sol";

/// @title Controls over assets: objections, freezes, anonymisation attestations, authorised operation
/// @notice Objections (异议, art. 13): anyone admitted may lodge one with an evidence hash, but it blocks
/// licensing and trading only once a registrar of the asset's region accepts it, unless its objector has
/// standing (holds a right or a valid licence in the asset, or is a supervisor or the authority), in which
/// case it is open at once. An objector may have one pending objection per asset and a few in all, so that
/// nobody can block others' assets for free. Freezes (art. 28) by the authority. Anonymisation attestations
/// (art. 18) by a third-party service provider with no stake in the asset. Authorised operation of public
/// data (公共数据授权运营): the authority approves a zero-price licence of public data to an operator, which
/// the holder may then grant off-exchange. Sets the matching flags in {IAssetRegistry}.
interface IAssetControls {
    // ─────────────────────────────────────────────────────────── types

    /// @dev Pending: lodged without standing, waiting for a registrar to accept it (it blocks nothing yet);
    /// Open: accepted (or lodged with standing), the asset is disputed until it is resolved.
    enum ObjectionStatus {
        None,
        Open,
        Upheld,
        Dismissed,
        Pending
    }

    struct Objection {
        uint256 assetId;
        address objector;
        ObjectionStatus status;
        uint40 lodgedAt;
        bytes32 evidenceHash;
    }

    // ─────────────────────────────────────────────────────────── errors

    /// @notice Thrown for a zero hash where a document is required.
    error ControlsZeroHash();
    /// @notice Thrown when the asset is in `status` and the action needs a pending or registered one.
    error ControlsInvalidStatus(uint256 assetId, IAssetRegistryTypes.Status status);
    /// @notice Thrown when no objection has id `objectionId`, or it is already resolved.
    error ControlsObjectionNotOpen(uint256 objectionId);
    /// @notice Thrown when accepting an objection that is not pending.
    error ControlsObjectionNotPending(uint256 objectionId);
    /// @notice Thrown when `objector` already has pending objection `objectionId` on the asset.
    error ControlsObjectionAlreadyPending(uint256 assetId, address objector, uint256 objectionId);
    /// @notice Thrown when `objector` already has `max` pending objections.
    error ControlsPendingLimit(address objector, uint256 pending, uint256 max);
    /// @notice Thrown when licence `licenseId`, named as the objector's standing, is not a valid licence of
    /// the asset held by `account`.
    error ControlsNoStanding(uint64 licenseId, address account);
    /// @notice Thrown when a registrar acts on an asset of another region.
    error ControlsWrongRegion(address registrar, uint24 registrarRegion, uint24 assetRegion);
    /// @notice Thrown when a registrar decides an objection over an asset it applied for or in which it holds a
    /// right, or an objection it lodged itself.
    error ControlsRegistrarConflict(uint256 assetId, address registrar);
    /// @notice Thrown when freezing a frozen asset, or unfreezing one that is not frozen.
    error ControlsFreezeState(uint256 assetId, bool frozen);
    /// @notice Thrown when an anonymisation attestation is filed for data that is not personal information.
    error ControlsNotPersonalData(uint256 assetId, IAssetRegistryTypes.Category category);
    /// @notice Thrown when the attesting provider applied for the asset or holds a right in it: not a third party.
    error ControlsAttesterConflict(uint256 assetId, address provider);
    /// @notice Thrown when authorised operation is asked for data that is not public.
    error ControlsNotPublicData(uint256 assetId, IAssetRegistryTypes.Category category);
    /// @notice Thrown when no approval of the authority covers this authorised-operation licence (operator,
    /// right, purpose, end no later than approved).
    error ControlsNoPublicOperation(uint256 assetId, address operator, IAssetRegistryTypes.Right right, uint16 purpose);
    /// @notice Thrown for an approval whose latest end is already past.
    error ControlsInvalidEnd(uint40 latestEnd);
    /// @notice Thrown when the caller is not the asset registry.
    error ControlsOnlyRegistry(address caller);
    /// @notice Thrown when `contracts` is empty or names bits outside the ledger's contracts ({Pausing}).
    error ControlsInvalidContracts(uint16 contracts);
    /// @notice Thrown when pausing contracts that are all paused already, or unpausing contracts none of which is
    /// paused: `paused` is the register as it is.
    error ControlsPauseUnchanged(uint16 contracts, uint16 paused);

    // ─────────────────────────────────────────────────────────── events

    /// @notice An objection was lodged.
    /// @param objectionId the objection
    /// @param assetId the asset
    /// @param objector who lodged it
    /// @param evidenceHash hash of the evidence
    /// @param status Open when the objector has standing (the asset is disputed at once), else Pending
    /// @param openObjections the asset's open objections after this one
    event ObjectionLodged(
        uint256 indexed objectionId,
        uint256 indexed assetId,
        address indexed objector,
        bytes32 evidenceHash,
        ObjectionStatus status,
        uint32 openObjections
    );
    /// @notice A registrar accepted a pending objection: the asset is disputed until it is resolved.
    event ObjectionAccepted(
        uint256 indexed objectionId,
        uint256 indexed assetId,
        address indexed registrar,
        bytes32 decisionHash,
        uint32 openObjections
    );
    /// @notice A registrar resolved an objection (open or still pending).
    /// @param upheld whether the objection was upheld
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
    /// @notice A third-party service provider attested that personal-information data is anonymised.
    event AnonymisationAttested(uint256 indexed assetId, address indexed provider, bytes32 reportHash);
    /// @notice The authority approved an authorised-operation licence of public data (one grant, ending no
    /// later than `latestEnd`), replacing an earlier approval for the same operator, right and purpose.
    event PublicOperationAuthorised(
        uint256 indexed assetId,
        address indexed operator,
        IAssetRegistryTypes.Right right,
        uint16 purpose,
        uint40 latestEnd,
        bytes32 decisionHash,
        address by
    );
    /// @notice An approval was used by the grant of licence `licenseId`, or withdrawn (`licenseId` zero).
    event PublicOperationUsed(
        uint256 indexed assetId,
        address indexed operator,
        IAssetRegistryTypes.Right right,
        uint16 purpose,
        uint64 licenseId
    );

    /// @notice The authority (the emergency officers, at once) paused `contracts`; `paused` is the register after.
    event ContractsPaused(uint16 contracts, uint16 paused, address indexed by, bytes32 reasonHash);
    /// @notice The authority (the council, after its delay) unpaused `contracts`; `paused` is the register after.
    event ContractsUnpaused(uint16 contracts, uint16 paused, address indexed by, bytes32 reasonHash);

    // ─────────────────────────────────────────────────────────── objections

    /// @notice Lodges an objection. Any active participant; `standingLicenseId` names the objector's own valid
    /// licence of the asset when that is its standing (zero otherwise).
    function lodgeObjection(uint256 assetId, bytes32 evidenceHash, uint64 standingLicenseId)
        external
        returns (uint256 objectionId);

    /// @notice Accepts a pending objection. Registrars of the asset's region without a stake in it, other than
    /// the objector.
    function acceptObjection(uint256 objectionId, bytes32 decisionHash) external;

    /// @notice Resolves an open or pending objection. Registrars of the asset's region without a stake in it,
    /// other than the objector.
    function resolveObjection(uint256 objectionId, bool upheld, bytes32 decisionHash) external;

    // ─────────────────────────────────────────────────────────── freezes and attestations

    /// @notice Freezes the asset: no licence, trade or transfer until unfrozen. Authority.
    function freeze(uint256 assetId, bytes32 reasonHash) external;

    /// @notice Unfreezes the asset. Authority.
    function unfreeze(uint256 assetId, bytes32 reasonHash) external;

    /// @notice Attests that personal-information data is anonymised. Declared service providers that neither
    /// applied for the asset nor hold a right in it.
    function attestAnonymisation(uint256 assetId, bytes32 reportHash) external;

    // ─────────────────────────────────────────────────────────── pause

    /// @notice Pauses `contracts` (bits of {Pausing}; those already paused stay so): each refuses every
    /// participant's call that would change it until unpaused. Authority (its emergency path).
    function pause(uint16 contracts, bytes32 reasonHash) external;

    /// @notice Unpauses `contracts` (bits of {Pausing}; those not paused stay so). Authority (its council).
    function unpause(uint16 contracts, bytes32 reasonHash) external;

    // ─────────────────────────────────────────────────────────── authorised operation of public data

    /// @notice Approves one zero-price authorised-operation licence of public data. Authority.
    function authorisePublicOperation(
        uint256 assetId,
        address operator,
        IAssetRegistryTypes.Right right,
        uint16 purpose,
        uint40 latestEnd,
        bytes32 decisionHash
    ) external;

    /// @notice Withdraws an approval not yet used. Authority.
    function withdrawPublicOperation(uint256 assetId, address operator, IAssetRegistryTypes.Right right, uint16 purpose)
        external;

    /// @notice Uses the approval covering a grant of licence `licenseId`, or reverts. Asset registry only.
    function usePublicOperation(
        uint256 assetId,
        address operator,
        IAssetRegistryTypes.Right right,
        uint16 purpose,
        uint40 end,
        uint64 licenseId
    ) external;

    // ─────────────────────────────────────────────────────────── views

    function getObjection(uint256 objectionId) external view returns (Objection memory);

    function objectionCount() external view returns (uint256);

    /// @notice Accepted objections on the asset not yet resolved.
    function openObjections(uint256 assetId) external view returns (uint32);

    /// @notice How many pending objections `objector` has in all, and its pending one on `assetId` (zero if none).
    function pendingOf(address objector, uint256 assetId) external view returns (uint32 pending, uint256 objectionId);

    /// @notice The latest end of the authority's unused approval, zero if none.
    function publicOperation(uint256 assetId, address operator, IAssetRegistryTypes.Right right, uint16 purpose)
        external
        view
        returns (uint40 latestEnd);

    function registry() external view returns (address);
}
