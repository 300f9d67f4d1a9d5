// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IListings} from "./IListings.sol";

/// @title The annual public-data opening list (公共数据开放重点清单, art. 10)
/// @notice The authority publishes each year's list: entries naming a public-data department, the data it must
/// open (the hash of its description) and a target date. An entry moves from planned to registered when its
/// department links the public-data asset it registered for it, and to opened once that asset is open: a licence
/// of it granted, or a listing of it in force on an exchange (either shown as evidence, by anyone). An entry not
/// opened by its target date is overdue (the read API computes it from the time); the authority may withdraw an
/// entry, with the reason's hash.
interface IOpeningList {
    enum Status {
        None,
        Planned,
        Registered,
        Opened,
        Withdrawn
    }

    /// @notice An entry as the authority publishes it.
    /// @param department the public-data department that must open the data (an active data holder)
    /// @param descriptionHash the hash of the data's description in the published list
    /// @param targetDate the date by which it must be open (unix seconds, in the future when published)
    struct NewEntry {
        address department;
        bytes32 descriptionHash;
        uint40 targetDate;
    }

    /// @notice An entry of a list. One slot and a half: the department's identity, target date, year and status;
    /// the asset linked, when, and when it was opened.
    struct Entry {
        address department;
        uint40 targetDate;
        uint16 year;
        Status status;
        uint64 assetId;
        uint40 registeredAt;
        uint40 openedAt;
    }

    /// @notice How an entry's opening was shown.
    enum Evidence {
        Licence,
        Listing
    }

    // ─────────────────────────────────────────────────────────── errors

    /// @notice Thrown for an empty list, a year outside 2000-2199, a zero list hash, or an entry with a zero
    /// description hash or a target date not in the future.
    error OpeningInvalidList(uint16 year, uint256 index);
    /// @notice Thrown when no entry has this id.
    error OpeningUnknownEntry(uint256 entryId);
    /// @notice Thrown when the entry is not in the status the step needs (planned to link an asset, registered to
    /// be opened, planned or registered to be withdrawn).
    error OpeningInvalidStatus(uint256 entryId, Status status);
    /// @notice Thrown when someone other than the entry's department would link its asset.
    error OpeningNotDepartment(uint256 entryId, address caller);
    /// @notice Thrown when the asset linked is not a registered public-data asset whose holding right the
    /// department holds.
    error OpeningInvalidAsset(uint256 entryId, uint256 assetId);
    /// @notice Thrown when the evidence shows no opening of the entry's asset: a licence of another asset, or a
    /// listing not in force or of another asset.
    error OpeningNoEvidence(uint256 entryId);
    /// @notice Thrown for a zero reason hash.
    error OpeningZeroHash();

    // ─────────────────────────────────────────────────────────── events

    /// @notice The authority published the list of `year` (its entries follow, each an OpeningEntryPublished).
    event OpeningListPublished(uint16 indexed year, bytes32 listHash, uint256 firstEntryId, uint256 count, address by);
    event OpeningEntryPublished(
        uint256 indexed entryId, uint16 indexed year, address indexed department, bytes32 descriptionHash,
        uint40 targetDate
    );
    /// @notice The department linked the public-data asset it registered for the entry.
    event OpeningEntryRegistered(uint256 indexed entryId, uint256 indexed assetId, address department);
    /// @notice The entry's asset was shown open: `ref` is the licence's id, or the listing's key.
    event OpeningEntryOpened(uint256 indexed entryId, uint256 indexed assetId, Evidence evidence, bytes32 ref, address by);
    event OpeningEntryWithdrawn(uint256 indexed entryId, bytes32 reasonHash, address by);

    // ─────────────────────────────────────────────────────────── functions

    /// @notice Publishes the list of `year` (the authority: the council, after its delay).
    /// @return firstEntryId the id of its first entry (the others follow in order)
    function publish(uint16 year, bytes32 listHash, NewEntry[] calldata entries) external returns (uint256 firstEntryId);

    /// @notice The entry's department links the public-data asset it registered for it.
    function linkAsset(uint256 entryId, uint256 assetId) external;

    /// @notice Shows the entry's asset open by a licence of it (any active participant).
    function markOpened(uint256 entryId, uint64 licenseId) external;

    /// @notice Shows the entry's asset open by an exchange's listing of it in force (any active participant).
    function markListed(uint256 entryId, address exchange, IListings.Listing calldata listing) external;

    /// @notice Withdraws a planned or registered entry (the authority).
    function withdrawEntry(uint256 entryId, bytes32 reasonHash) external;

    function getEntry(uint256 entryId) external view returns (Entry memory);

    function entryCount() external view returns (uint256);
}
