// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IOpeningList} from "./interfaces/IOpeningList.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./interfaces/IAssetRegistryTypes.sol";
import {IListings} from "./interfaces/IListings.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title OpeningList
/// @notice See {IOpeningList}.
contract OpeningList is IOpeningList {
    IParticipantRegistry private immutable _participants;
    IAssetRegistry private immutable _registry;
    IListings private immutable _listings;

    uint256 private _entryCount;
    mapping(uint256 entryId => Entry) private _entries;

    /// @param registry the asset registry, which is also the ledger's pause register
    constructor(IParticipantRegistry participants, IAssetRegistry registry, IListings listings) {
        _participants = participants;
        _registry = registry;
        _listings = listings;
    }

    /// @inheritdoc IOpeningList
    /// @dev Not paused: the governance keeps governing while contracts are paused.
    function publish(uint16 year, bytes32 listHash, NewEntry[] calldata entries) external returns (uint256 firstEntryId) {
        (address by,) = _participants.requireIdentity(msg.sender, Roles.AUTHORITY);
        if (entries.length == 0 || year < 2000 || year >= 2200 || listHash == bytes32(0)) {
            revert OpeningInvalidList(year, 0);
        }
        firstEntryId = _entryCount + 1;
        emit OpeningListPublished(year, listHash, firstEntryId, entries.length, by);
        for (uint256 i; i < entries.length; ++i) {
            NewEntry calldata e = entries[i];
            if (e.descriptionHash == bytes32(0) || e.targetDate <= block.timestamp) revert OpeningInvalidList(year, i);
            (address department,) = _participants.requireIdentity(e.department, Roles.DATA_HOLDER);
            uint256 id = firstEntryId + i;
            _entries[id] = Entry({
                department: department,
                targetDate: e.targetDate,
                year: year,
                status: Status.Planned,
                assetId: 0,
                registeredAt: 0,
                openedAt: 0
            });
            emit OpeningEntryPublished(id, year, department, e.descriptionHash, e.targetDate);
        }
        _entryCount = firstEntryId + entries.length - 1;
    }

    /// @inheritdoc IOpeningList
    function linkAsset(uint256 entryId, uint256 assetId) external {
        Pausing.check(_registry, Pausing.OPENING);
        Entry storage e = _entry(entryId, Status.Planned);
        (address department,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        if (department != e.department) revert OpeningNotDepartment(entryId, msg.sender);
        IAssetRegistryTypes.Subject memory s = _registry.subjectOf(assetId);
        if (
            s.status != IAssetRegistryTypes.Status.Registered || s.category != IAssetRegistryTypes.Category.Public
                || s.holdingHolder != department || assetId > type(uint64).max
        ) revert OpeningInvalidAsset(entryId, assetId);
        (e.status, e.assetId, e.registeredAt) = (Status.Registered, uint64(assetId), uint40(block.timestamp));
        emit OpeningEntryRegistered(entryId, assetId, department);
    }

    /// @inheritdoc IOpeningList
    function markOpened(uint256 entryId, uint64 licenseId) external {
        Pausing.check(_registry, Pausing.OPENING);
        Entry storage e = _entry(entryId, Status.Registered);
        (address by,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        if (_registry.getLicense(licenseId).assetId != e.assetId) revert OpeningNoEvidence(entryId);
        _opened(entryId, e, Evidence.Licence, bytes32(uint256(licenseId)), by);
    }

    /// @inheritdoc IOpeningList
    function markListed(uint256 entryId, address exchange, IListings.Listing calldata listing) external {
        Pausing.check(_registry, Pausing.OPENING);
        Entry storage e = _entry(entryId, Status.Registered);
        (address by,) = _participants.requireIdentity(msg.sender, Roles.ALL);
        bytes32 key = _listings.listingKey(exchange, listing.offer.listingId);
        (bytes28 digest,) = _listings.listed(key);
        if (
            listing.assetId != e.assetId || digest == bytes28(0)
                || digest != bytes28(_listings.saleDigest(exchange, listing))
        ) revert OpeningNoEvidence(entryId);
        _opened(entryId, e, Evidence.Listing, key, by);
    }

    /// @inheritdoc IOpeningList
    /// @dev Not paused: the governance keeps governing while contracts are paused.
    function withdrawEntry(uint256 entryId, bytes32 reasonHash) external {
        (address by,) = _participants.requireIdentity(msg.sender, Roles.AUTHORITY);
        Entry storage e = _known(entryId);
        if (e.status != Status.Planned && e.status != Status.Registered) revert OpeningInvalidStatus(entryId, e.status);
        if (reasonHash == bytes32(0)) revert OpeningZeroHash();
        e.status = Status.Withdrawn;
        emit OpeningEntryWithdrawn(entryId, reasonHash, by);
    }

    /// @inheritdoc IOpeningList
    function getEntry(uint256 entryId) external view returns (Entry memory) {
        return _entries[entryId];
    }

    /// @inheritdoc IOpeningList
    function entryCount() external view returns (uint256) {
        return _entryCount;
    }

    function _opened(uint256 entryId, Entry storage e, Evidence evidence, bytes32 ref, address by) private {
        (e.status, e.openedAt) = (Status.Opened, uint40(block.timestamp));
        emit OpeningEntryOpened(entryId, e.assetId, evidence, ref, by);
    }

    function _known(uint256 entryId) private view returns (Entry storage e) {
        e = _entries[entryId];
        if (e.status == Status.None) revert OpeningUnknownEntry(entryId);
    }

    function _entry(uint256 entryId, Status needed) private view returns (Entry storage e) {
        e = _known(entryId);
        if (e.status != needed) revert OpeningInvalidStatus(entryId, e.status);
    }
}
