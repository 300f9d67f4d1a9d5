// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Proxy} from "@openzeppelin/contracts/proxy/Proxy.sol";
import {AssetRegistryBase} from "./AssetRegistryBase.sol";
import {IAssetControls} from "./interfaces/IAssetControls.sol";
import {ILedgerPause} from "./interfaces/ILedgerPause.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Regions} from "./libraries/Regions.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title AssetRegistry
/// @notice Data-property registration and licensing: see {IAssetRegistry}, which this contract and
/// {AssetRegistryModule} implement together on one storage ({AssetRegistryBase}). This contract holds the
/// frequent, gas-budgeted paths: applications, grants and sublicences, right transfers and the settlement's
/// deliveries. Every other function of {IAssetRegistry} reaches the module through OpenZeppelin's {Proxy}
/// fallback (a delegatecall to an immutable address: the module cannot be swapped).
contract AssetRegistry is AssetRegistryBase, Proxy, ILedgerPause {
    address private immutable _module;

    /// @param module_ the {AssetRegistryModule}, deployed with the same wiring
    constructor(
        IParticipantRegistry participants_,
        address controls_,
        address recognition_,
        address settlement_,
        address module_
    ) AssetRegistryBase(participants_, controls_, recognition_, settlement_) {
        _module = module_;
    }

    // ─────────────────────────────────────────────────────────── registration

    /// @notice See {IAssetRegistry-applyRegistration}.
    function applyRegistration(Registration calldata r) external returns (uint256 assetId) {
        _whenNotPaused();
        (address applicant,) = _participants.requireIdentity(msg.sender, Roles.ASSET_OWNERS);
        if (r.contentHash == bytes32(0) || r.metadataHash == bytes32(0)) revert RegistryZeroHash();
        _checkString(bytes(r.metadataURI).length, _MAX_URI_LENGTH);
        _checkString(bytes(r.name).length, _MAX_NAME_LENGTH);
        _checkRegion(r.region);
        // The other holders are named by their keys and recorded by their identities.
        address processing = r.processingHolder == address(0) || r.processingHolder == msg.sender
            ? applicant
            : _requireTrader(r.processingHolder);
        address operation = r.operationHolder == address(0) || r.operationHolder == msg.sender
            ? applicant
            : r.operationHolder == r.processingHolder ? processing : _requireTrader(r.operationHolder);
        bool split = processing != applicant || operation != applicant;
        // A pending application does not hold the content hash: competing applications go to the registrar.
        uint256 registered = _registeredIds[r.contentHash];
        if (registered != 0) revert RegistryContentHashRegistered(r.contentHash, registered);

        assetId = ++_counters.assets;
        _contentHashes[assetId] = r.contentHash;
        if (split) {
            _splitHolders[assetId][Right.Processing] = processing;
            _splitHolders[assetId][Right.Operation] = operation;
        }
        _assets[assetId] = AssetRecord({
            holder: applicant,
            region: r.region,
            category: r.category,
            grade: r.grade,
            kind: r.kind,
            status: Status.Pending,
            flags: split ? _SPLIT : 0,
            licensedUntilDay: 0
        });
        emit RegistrationApplied(assetId, r.contentHash, applicant, processing, operation, r);
    }

    /// @notice See {IAssetRegistry-transferRight}.
    function transferRight(uint256 assetId, Right right, address to) external {
        _whenNotPaused();
        if (to == address(0)) revert RegistryZeroAddress();
        (address from, address toIdentity) = _requireTraders(msg.sender, to);
        AssetRecord storage rec = _record(assetId);
        _requireTransferable(rec, assetId);
        if (rec.category == Category.Public) revert RegistryPublicDataOffExchange(assetId);
        if (rec.flags & _RECOGNISED != 0) revert RegistryRecognisedRight(assetId, right);
        _transferRight(rec, assetId, right, from, toIdentity, bytes32(0));
    }

    // ─────────────────────────────────────────────────────────── licences

    /// @notice See {IAssetRegistry-grantLicense}.
    function grantLicense(uint256 assetId, address licensee, LicenseTerms calldata terms)
        external
        returns (uint64)
    {
        _whenNotPaused();
        return _grantOnce(assetId, 0, licensee, terms);
    }

    /// @notice See {IAssetRegistry-sublicense}.
    function sublicense(uint64 parentId, address licensee, LicenseTerms calldata terms) external returns (uint64) {
        _whenNotPaused();
        return _grantOnce(_license(parentId).assetId, parentId, licensee, terms);
    }

    // ─────────────────────────────────────────────────────────── settlement hooks

    /// @notice See {IAssetRegistry-deliverRight}.
    /// @dev The settlement contract has checked every party of the trade with the participant registry
    /// and the seller's consent, and names them by their identities.
    function deliverRight(bytes32 tradeId, uint256 assetId, Right right, address seller, address buyer)
        external
        returns (Category, Kind)
    {
        _onlyCaller(_settlement);
        AssetRecord storage rec = _record(assetId);
        _requireTransferable(rec, assetId);
        if (rec.flags & _RECOGNISED != 0) revert RegistryRecognisedRight(assetId, right);
        _transferRight(rec, assetId, right, seller, buyer, tradeId);
        return (rec.category, rec.kind);
    }

    /// @notice See {IAssetRegistry-deliverLicense}.
    /// @dev The settlement contract has checked every party of the trade with the participant registry
    /// and the seller's consent, and names them by their identities.
    function deliverLicense(
        uint256 assetId,
        uint64 parentId,
        address seller,
        address buyer,
        LicenseTerms calldata terms
    ) external returns (Category, Kind, uint64 licenseId) {
        _onlyCaller(_settlement);
        if (parentId != 0 && _license(parentId).assetId != assetId) revert LicenseExceedsParent(parentId);
        licenseId = _grant(assetId, parentId, seller, buyer, terms, true);
        AssetRecord storage rec = _assets[assetId];
        return (rec.category, rec.kind, licenseId);
    }

    /// @notice See {IAssetRegistry-tradableHolder}.
    function tradableHolder(uint256 assetId, Right right) external view returns (address, Category, Kind) {
        AssetRecord storage rec = _record(assetId);
        _requireTransferable(rec, assetId);
        return (_holderOf(rec, assetId, right), rec.category, rec.kind);
    }

    // ─────────────────────────────────────────────────────────── pause register

    /// @inheritdoc ILedgerPause
    function pausedContracts() external view returns (uint16) {
        return _counters.paused;
    }

    // ─────────────────────────────────────────────────────────── internals

    /// @inheritdoc Proxy
    function _implementation() internal view override returns (address) {
        return _module;
    }

    /// @dev grantLicense and sublicense share this one call of {_grant}: with a call site per entry point the
    /// compiler's inliner copies _grant into each, and the contract grows by some 4 KB.
    function _grantOnce(uint256 assetId, uint64 parentId, address licensee, LicenseTerms calldata terms)
        private
        returns (uint64)
    {
        if (licensee == address(0)) revert RegistryZeroAddress();
        (address licensor, address licenseeIdentity) = _requireTraders(msg.sender, licensee);
        return _grant(assetId, parentId, licensor, licenseeIdentity, terms, false);
    }

    function _grant(
        uint256 assetId,
        uint64 parentId,
        address licensor,
        address licensee,
        LicenseTerms calldata t,
        bool settled
    ) private returns (uint64 licenseId) {
        if (t.right == Right.Holding) revert LicenseRightNotLicensable(t.right);
        if (licensee == licensor) revert LicenseSelfGrant(licensee);
        // A licence is never valid before it existed: it starts at the grant's block time at the earliest.
        uint40 start = t.start < block.timestamp ? uint40(block.timestamp) : t.start;
        if (t.end <= start) revert LicenseInvalidPeriod(start, t.end);
        bool crossBorder = _checkTerritory(t.regions, t.countries);
        AssetRecord storage rec = _record(assetId);
        _requireTransferable(rec, assetId);
        if (crossBorder && rec.grade != Grade.General) revert LicenseCrossBorderForbidden(assetId, rec.grade);
        uint8 depth;
        if (parentId != 0) {
            depth = _checkParent(parentId, licensor, t, start, crossBorder);
        } else if (_holderOf(rec, assetId, t.right) != licensor) {
            revert RegistryNotRightHolder(assetId, t.right, licensor);
        }
        unchecked {
            // 2^64 licences will not be granted.
            licenseId = ++_counters.licenses;
        }
        if (rec.category == Category.Public && !settled) {
            // Off-exchange, public data is licensed only as an authorised operation the authority approved.
            if (parentId != 0) revert RegistryPublicDataOffExchange(assetId);
            IAssetControls(_controls).usePublicOperation(assetId, licensee, t.right, t.purpose, t.end, licenseId);
        }
        _claimPeriod(licenseId, assetId, parentId, t, start);
        _licenses[licenseId] = LicenseRecord({
            licensee: licensee,
            assetId: uint32(assetId),
            purpose: t.purpose,
            right: t.right,
            flags: (t.exclusive ? _L_EXCLUSIVE : 0) | (t.sublicensable ? _L_SUBLICENSABLE : 0)
                | (t.transferable ? _L_TRANSFERABLE : 0) | (crossBorder ? _L_CROSS_BORDER : 0) | (settled ? _L_SOLD : 0),
            depth: depth,
            start: start,
            end: t.end,
            parentId: parentId,
            soldUntil: 0
        });
        if (parentId != 0) {
            _children[parentId].push(licenseId);
            if (settled) _markSoldUnder(parentId, t.end);
        } else {
            uint256 day = (uint256(t.end) + _DAY - 1) / _DAY;
            if (day > rec.licensedUntilDay) rec.licensedUntilDay = uint32(day);
        }
        if (t.sublicensable) _territories[licenseId] = Territory(t.regions, t.countries);
        emit LicenseGranted(licenseId, assetId, licensee, licensor, parentId, depth, t);
    }

    /// @dev A sublicence ending at `end` was sold under `parentId`: it and every licence above it (at most
    /// _MAX_DEPTH links) keep the latest such end, before which they cannot be given up (see {revokeLicense}).
    function _markSoldUnder(uint64 parentId, uint40 end) private {
        for (uint64 id = parentId; id != 0;) {
            LicenseRecord storage p = _licenses[id];
            if (p.soldUntil < end) p.soldUntil = end;
            id = p.parentId;
        }
    }

    function _checkParent(uint64 parentId, address licensor, LicenseTerms calldata t, uint40 start, bool crossBorder)
        private
        view
        returns (uint8 depth)
    {
        LicenseRecord storage p = _license(parentId);
        if (p.licensee != licensor) revert LicenseNotAuthorized(parentId, licensor);
        if (p.flags & _L_SUBLICENSABLE == 0) revert LicenseNotSublicensable(parentId);
        if (p.depth + 1 > _MAX_DEPTH) revert LicenseTooDeep(parentId, _MAX_DEPTH);
        if (!_isValid(parentId, block.timestamp)) revert LicenseNotValid(parentId);
        bool within = t.right == p.right && t.purpose == p.purpose && start >= p.start && t.end <= p.end
            && (!crossBorder || p.flags & _L_CROSS_BORDER != 0) && (!t.exclusive || p.flags & _L_EXCLUSIVE != 0);
        if (!within || !_withinTerritory(_territories[parentId], t)) revert LicenseExceedsParent(parentId);
        return p.depth + 1;
    }

    /// @dev Every region and country of `t` is one of the parent's.
    function _withinTerritory(Territory storage parent, LicenseTerms calldata t) private view returns (bool) {
        uint24[] memory regions = parent.regions;
        bytes2[] memory countries = parent.countries;
        for (uint256 i; i < t.regions.length; ++i) {
            bool found;
            for (uint256 j; j < regions.length && !found; ++j) {
                found = regions[j] == t.regions[i];
            }
            if (!found) return false;
        }
        for (uint256 i; i < t.countries.length; ++i) {
            bool found;
            for (uint256 j; j < countries.length && !found; ++j) {
                found = countries[j] == t.countries[i];
            }
            if (!found) return false;
        }
        return true;
    }

    /// @dev Shared licences are summarised by the span of their periods, so that a shared grant writes one
    /// warm slot; exclusive licences, which are rare, are kept (at most _MAX_EXCLUSIVES that have not ended)
    /// and checked exactly. Ended ones are dropped here, so every grant reads a bounded number of slots
    /// however many exclusive licences the right and purpose ever had.
    function _claimPeriod(uint64 licenseId, uint256 assetId, uint64 parentId, LicenseTerms calldata t, uint40 start)
        private
    {
        bytes32 key = _exclusivityKey(assetId, t.right, t.purpose, parentId);
        ExclusivityState storage s = _exclusivity[key];
        ExclusivityState memory m = s;
        mapping(uint256 index => uint256 packed) storage slots = _exclusiveSlots[key];
        uint40 end = t.end;
        uint256 kept;
        for (uint256 i; i < m.exclusives; ++i) {
            uint256 e = slots[i];
            uint40 eEnd = uint40(e >> 40);
            if (eEnd <= block.timestamp) continue;
            if (start < eEnd && uint40(e) < end) {
                revert LicenseExclusivityConflict(assetId, t.right, t.purpose, start, end);
            }
            if (kept != i) slots[kept] = e;
            ++kept;
        }
        if (t.exclusive) {
            if (m.liveShared != 0 && start < m.sharedEnd && m.sharedStart < end) {
                revert LicenseExclusivityConflict(assetId, t.right, t.purpose, start, end);
            }
            if (kept == _MAX_EXCLUSIVES) revert LicenseTooManyExclusives(assetId, t.right, t.purpose, _MAX_EXCLUSIVES);
            slots[kept] = uint256(start) | uint256(end) << 40 | uint256(licenseId) << 80;
            s.exclusives = uint8(kept + 1);
        } else {
            if (m.liveShared == 0 || start < m.sharedStart) m.sharedStart = start;
            if (end > m.sharedEnd) m.sharedEnd = end;
            (s.sharedStart, s.sharedEnd, s.liveShared, s.exclusives) =
                (m.sharedStart, m.sharedEnd, m.liveShared + 1, uint8(kept));
        }
    }

    /// @return crossBorder whether any country, or a region outside the mainland (Taiwan, Hong Kong, Macau), is named
    function _checkTerritory(uint24[] calldata regions, bytes2[] calldata countries)
        private
        pure
        returns (bool crossBorder)
    {
        if (regions.length == 0 && countries.length == 0) revert LicenseEmptyTerritory();
        if (regions.length > _MAX_TERRITORY || countries.length > _MAX_TERRITORY) {
            revert LicenseTerritoryTooLarge(regions.length, countries.length, _MAX_TERRITORY);
        }
        crossBorder = countries.length != 0;
        for (uint256 i; i < regions.length; ++i) {
            if (!Regions.isValid(regions[i])) revert LicenseInvalidRegion(regions[i]);
            if (Regions.isOutsideMainland(regions[i])) crossBorder = true;
        }
        for (uint256 i; i < countries.length; ++i) {
            bytes2 c = countries[i];
            // Two upper-case ASCII letters.
            if (uint8(c[0]) < 0x41 || uint8(c[0]) > 0x5A || uint8(c[1]) < 0x41 || uint8(c[1]) > 0x5A) {
                revert LicenseInvalidCountry(c);
            }
        }
    }
}
