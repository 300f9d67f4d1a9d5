// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IOwnerManager} from "@safe-global/safe-smart-account/contracts/interfaces/IOwnerManager.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {ILedgerPause} from "./interfaces/ILedgerPause.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Regions} from "./libraries/Regions.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title ParticipantRegistry
/// @notice Who may act on the ledger. See {IParticipantRegistry}.
contract ParticipantRegistry is IParticipantRegistry {
    uint256 private constant _MAX_NAME_LENGTH = 128;
    // EIP-712, for the new key's consent to a planned key change (built here: OpenZeppelin's EIP712 base would
    // put its fallback strings in front of this registry's storage).
    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant _NAME_HASH = keccak256("DataRightsLedger Participants");
    bytes32 private constant _VERSION_HASH = keccak256("1");
    bytes32 private constant _KEY_CHANGE_TYPEHASH = keccak256("KeyChange(address identity,address oldKey,address newKey)");
    /// @dev The roles an officer of the governance may not hold: issuing money, settling trades.
    uint16 private constant _OFFICER_FORBIDDEN = Roles.SETTLEMENT_BANK | Roles.EXCHANGE;

    // The governance's Safes, created after this registry at addresses known before (CREATE2 by Safe's proxy factory).
    address private immutable _safe0;
    address private immutable _safe1;
    address private immutable _safe2;
    /// @dev The ledger's pause register (the asset registry, deployed after this registry at an address known before).
    ILedgerPause private immutable _pause;

    // ─────────────────────────────────────────────────────────── storage

    mapping(address account => Participant) private _participants;
    /// @dev The participant ids given so far (the last one).
    uint32 private _lastId;
    mapping(uint32 id => address account) private _accounts;
    mapping(bytes32 creditCodeHash => uint32 id) private _creditCodes;
    /// @dev The identity of every key a participant signed with other than its identity, current or replaced.
    mapping(address key => address identity) private _identities;

    // ─────────────────────────────────────────────────────────── setup

    /// @param authority the big-data authority: the ledger's governance (its AccessManager, through which the
    /// authority officers' council acts), the only account that ever holds the authority role
    /// @param region its administrative division code
    /// @param name its name
    /// @param creditCodeHash keccak-256 of its unified social credit code
    /// @param officerSafes_ the governance's Safes (council, guardian, emergency; zero for none), whose owners may hold
    /// neither a settlement bank's nor an exchange's role
    /// @param pause_ the ledger's pause register (the asset registry)
    constructor(
        address authority,
        uint24 region,
        string memory name,
        bytes32 creditCodeHash,
        address[3] memory officerSafes_,
        ILedgerPause pause_
    ) {
        _pause = pause_;
        _safe0 = officerSafes_[0];
        _safe1 = officerSafes_[1];
        _safe2 = officerSafes_[2];
        _checkRegion(region);
        _checkName(bytes(name).length);
        if (authority == address(0)) revert ParticipantZeroAddress();
        _enter(authority, Roles.AUTHORITY, region, name, creditCodeHash);
    }

    // ─────────────────────────────────────────────────────────── authority

    /// @inheritdoc IParticipantRegistry
    function admit(address account, uint16 roles, uint24 region, string calldata name, bytes32 creditCodeHash)
        external
    {
        _requireSigner(msg.sender, Roles.AUTHORITY);
        if (account == address(0)) revert ParticipantZeroAddress();
        if (!_isNew(account)) revert ParticipantAlreadyAdmitted(account);
        _checkRoles(roles);
        if (roles & Roles.AUTHORITY != 0) revert ParticipantAuthorityReserved(account);
        _checkOfficer(account, roles);
        _checkRegion(region);
        _checkName(bytes(name).length);
        _enter(account, roles, region, name, creditCodeHash);
    }

    /// @inheritdoc IParticipantRegistry
    function setRoles(address account, uint16 roles) external {
        _requireSigner(msg.sender, Roles.AUTHORITY);
        (address identity, Participant storage p) = _known(account);
        _checkRoles(roles);
        // The authority may not strip its own authority role: the ledger would lose its administrator.
        if (identity == msg.sender && roles & Roles.AUTHORITY == 0) revert ParticipantSelfAction(account);
        // Nor give it to anyone else: a second authority would be a way around the council's quorum and delay.
        if ((roles ^ p.roles) & Roles.AUTHORITY != 0) revert ParticipantAuthorityReserved(account);
        _checkOfficer(identity, roles);
        if (p.rekeyed) _checkOfficer(_accounts[p.id], roles);
        p.roles = roles;
        p.updatedAt = uint40(block.timestamp);
        emit ParticipantRolesChanged(identity, roles, msg.sender);
    }

    /// @inheritdoc IParticipantRegistry
    function suspend(address account, bytes32 reasonHash) external {
        _changeStatus(account, Status.Active, Status.Suspended, reasonHash);
    }

    /// @inheritdoc IParticipantRegistry
    function reinstate(address account, bytes32 reasonHash) external {
        _changeStatus(account, Status.Suspended, Status.Active, reasonHash);
    }

    /// @inheritdoc IParticipantRegistry
    function revoke(address account, bytes32 reasonHash) external {
        _requireSigner(msg.sender, Roles.AUTHORITY);
        (, Participant storage p) = _known(account);
        Status current = p.status;
        if (current == Status.Revoked) revert ParticipantInvalidStatus(account, current);
        _changeStatus(account, current, Status.Revoked, reasonHash);
    }

    // ─────────────────────────────────────────────────────────── participants

    /// @inheritdoc IParticipantRegistry
    function fileDeclaration(bytes32 documentHash) external {
        Pausing.check(_pause, Pausing.PARTICIPANTS);
        address identity = _requireSigner(msg.sender, Roles.ALL);
        Participant storage p = _participants[identity];
        if (documentHash == bytes32(0)) revert ParticipantZeroHash();
        uint16 count = p.declarations + 1;
        p.declarations = count;
        p.updatedAt = uint40(block.timestamp);
        emit DeclarationFiled(identity, documentHash, count);
    }

    /// @inheritdoc IParticipantRegistry
    function rotateKey(address newKey, bytes calldata newKeySignature) external {
        Pausing.check(_pause, Pausing.PARTICIPANTS);
        address identity = _requireSigner(msg.sender, Roles.ALL);
        bytes32 digest = _hashKeyChange(identity, msg.sender, newKey);
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, newKeySignature);
        if (err != ECDSA.RecoverError.NoError || recovered != newKey) revert ParticipantBadKeySignature(newKey, recovered);
        _changeKey(identity, msg.sender, newKey, bytes32(0));
    }

    /// @inheritdoc IParticipantRegistry
    function replaceKey(address account, address newKey, bytes32 reasonHash) external {
        _requireSigner(msg.sender, Roles.AUTHORITY);
        (address identity, Participant storage p) = _known(account);
        if (p.status == Status.Revoked) revert ParticipantInvalidStatus(account, p.status);
        if (reasonHash == bytes32(0)) revert ParticipantZeroHash();
        _changeKey(identity, _accounts[p.id], newKey, reasonHash);
    }

    // ─────────────────────────────────────────────────────────── views

    /// @inheritdoc IParticipantRegistry
    function hashKeyChange(address identity, address oldKey, address newKey) external view returns (bytes32) {
        return _hashKeyChange(identity, oldKey, newKey);
    }

    /// @inheritdoc IParticipantRegistry
    function getParticipant(address account) external view returns (Participant memory) {
        return _participants[_identityOf(account)];
    }

    /// @inheritdoc IParticipantRegistry
    function requireRole(address account, uint16 anyOfRoles) external view returns (Participant memory p) {
        (, p) = _requireRole(account, anyOfRoles);
    }

    /// @inheritdoc IParticipantRegistry
    function requireIdentity(address account, uint16 anyOfRoles)
        external
        view
        returns (address identity, Participant memory p)
    {
        return _requireRole(account, anyOfRoles);
    }

    /// @inheritdoc IParticipantRegistry
    function requireTraders(address a, address b) external view returns (address identityA, address identityB) {
        identityA = _requireSigner(a, Roles.TRADER);
        identityB = _requireSigner(b, Roles.TRADER);
    }

    /// @inheritdoc IParticipantRegistry
    function requireEach(uint256[] calldata checks) external view returns (uint256 inactive, uint256 rekeyed) {
        for (uint256 i; i < checks.length; ++i) {
            address account = address(uint160(checks[i]));
            uint16 anyOfRoles = uint16(checks[i] >> 160);
            if (anyOfRoles != 0) {
                if (_requireSigner(account, anyOfRoles) != account) rekeyed |= 1 << i;
            } else if (_participants[account].status != Status.Active) {
                inactive |= 1 << i;
            }
        }
    }

    /// @inheritdoc IParticipantRegistry
    function participantCount() external view returns (uint32) {
        return _lastId;
    }

    /// @inheritdoc IParticipantRegistry
    function accountOf(uint32 id) external view returns (address) {
        return _accounts[id];
    }

    /// @inheritdoc IParticipantRegistry
    function identityOf(address account) external view returns (address identity) {
        identity = _identityOf(account);
        if (_participants[identity].status == Status.None) identity = address(0);
    }

    /// @inheritdoc IParticipantRegistry
    function idOfCreditCode(bytes32 creditCodeHash) external view returns (uint32) {
        return _creditCodes[creditCodeHash];
    }

    /// @inheritdoc IParticipantRegistry
    function signerIdentity(address account) external view returns (address) {
        (bool current, Participant storage p) = _signing(account);
        if (!current || p.status != Status.Active) return address(0);
        return _identityOf(account);
    }

    /// @inheritdoc IParticipantRegistry
    function isActive(address account) external view returns (bool) {
        Participant storage p = _participants[account];
        if (p.status == Status.None) {
            // Not an identity: it names a participant only while it signs for it.
            bool current;
            (current, p) = _signing(account);
            if (!current) return false;
        }
        return p.status == Status.Active;
    }

    /// @inheritdoc IParticipantRegistry
    function officerSafes() external view returns (address[3] memory) {
        return [_safe0, _safe1, _safe2];
    }

    /// @inheritdoc IParticipantRegistry
    function transactionAllowed(
        address sender,
        address target,
        uint256,
        uint256,
        uint256,
        bytes calldata
    ) external view returns (bool) {
        (bool current, Participant storage p) = _signing(sender);
        if (!current || p.status != Status.Active) return false;
        if (target == address(0)) return p.roles & Roles.AUTHORITY != 0;
        return true;
    }

    // ─────────────────────────────────────────────────────────── internals

    /// @dev Records a new organisation under the next participant id; its credit code must be new to the ledger.
    function _enter(address account, uint16 roles, uint24 region, string memory name, bytes32 creditCodeHash) private {
        if (creditCodeHash == bytes32(0)) revert ParticipantZeroHash();
        uint32 taken = _creditCodes[creditCodeHash];
        if (taken != 0) revert ParticipantCreditCodeTaken(creditCodeHash, taken);
        uint32 id = ++_lastId;
        _creditCodes[creditCodeHash] = id;
        _accounts[id] = account;
        _participants[account] = Participant({
            roles: roles,
            status: Status.Active,
            region: region,
            declarations: 0,
            admittedAt: uint40(block.timestamp),
            updatedAt: uint40(block.timestamp),
            id: id,
            rekeyed: false
        });
        emit ParticipantAdmitted(account, roles, region, name, msg.sender, id, creditCodeHash);
    }

    /// @dev `newKey` signs for `identity` in place of `oldKey`, its key until now; records stay under `identity`.
    function _changeKey(address identity, address oldKey, address newKey, bytes32 reasonHash) private {
        if (newKey == address(0)) revert ParticipantZeroAddress();
        if (!_isNew(newKey)) revert ParticipantKeyTaken(newKey);
        Participant storage p = _participants[identity];
        // The authority is the governance's access manager: its key is the contract itself.
        if (p.roles & Roles.AUTHORITY != 0) revert ParticipantAuthorityReserved(identity);
        _checkOfficer(newKey, p.roles);
        if (oldKey == identity) p.rekeyed = true;
        p.updatedAt = uint40(block.timestamp);
        _identities[newKey] = identity;
        _accounts[p.id] = newKey;
        emit ParticipantKeyChanged(identity, oldKey, newKey, p.id, reasonHash, msg.sender);
    }

    function _hashKeyChange(address identity, address oldKey, address newKey) private view returns (bytes32) {
        bytes32 domain = keccak256(abi.encode(_DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, block.chainid, address(this)));
        return MessageHashUtils.toTypedDataHash(domain, keccak256(abi.encode(_KEY_CHANGE_TYPEHASH, identity, oldKey, newKey)));
    }

    /// @dev Whether `account` never was an account of any participant (neither an identity nor a key).
    function _isNew(address account) private view returns (bool) {
        return _participants[account].status == Status.None && _identities[account] == address(0);
    }

    function _changeStatus(address account, Status from, Status to, bytes32 reasonHash) private {
        _requireSigner(msg.sender, Roles.AUTHORITY);
        (address identity, Participant storage p) = _known(account);
        if (identity == msg.sender) revert ParticipantSelfAction(account);
        if (p.status != from) revert ParticipantInvalidStatus(account, p.status);
        if (reasonHash == bytes32(0)) revert ParticipantZeroHash();
        p.status = to;
        p.updatedAt = uint40(block.timestamp);
        emit ParticipantStatusChanged(identity, to, reasonHash, msg.sender);
    }

    /// @dev Asks each Safe whether `account` is among its owners now. Owners added later are checked the other way
    /// round, by the Safes' guard (GovernanceGuard.checkModuleTransaction), against this registry's roles.
    function _checkOfficer(address account, uint16 roles) private view {
        if (roles & _OFFICER_FORBIDDEN == 0) return;
        _checkNotOwner(_safe0, account);
        _checkNotOwner(_safe1, account);
        _checkNotOwner(_safe2, account);
    }

    function _checkNotOwner(address safe, address account) private view {
        if (safe == address(0)) return;
        if (account == safe || IOwnerManager(safe).isOwner(account)) revert ParticipantOfficerConflict(account, safe);
    }

    /// @dev The participant record and identity of the organisation for which `account` signs now.
    function _requireRole(address account, uint16 anyOfRoles)
        private
        view
        returns (address identity, Participant memory p)
    {
        identity = _requireSigner(account, anyOfRoles);
        p = _participants[identity];
    }

    /// @dev The identity of the active participant for which `account` signs now, which holds one of `anyOfRoles`
    /// (and a declaration, if asked for one and an intermediary). Reads the record in place: the grants and
    /// settlements check their parties here.
    function _requireSigner(address account, uint16 anyOfRoles) private view returns (address identity) {
        identity = account;
        Participant storage p = _participants[account];
        if (p.status == Status.None) {
            identity = _identities[account];
            if (identity == address(0)) revert ParticipantUnknown(account);
            p = _participants[identity];
            if (_accounts[p.id] != account) revert ParticipantKeyReplaced(account, identity);
        } else if (p.rekeyed) {
            revert ParticipantKeyReplaced(account, account);
        }
        Status status = p.status;
        if (status != Status.Active) revert ParticipantNotActive(account, status);
        uint16 roles = anyOfRoles & ~Roles.DECLARED;
        if (p.roles & roles == 0) revert ParticipantUnauthorized(account, roles);
        if (anyOfRoles & Roles.DECLARED != 0 && p.roles & Roles.NEEDS_DECLARATION != 0 && p.declarations == 0) {
            revert ParticipantDeclarationMissing(account);
        }
    }

    /// @dev Whether `account` is the key that signs for its participant now, and that participant's record (the
    /// zero record's when `account` never signed for one).
    function _signing(address account) private view returns (bool current, Participant storage p) {
        p = _participants[account];
        if (p.status != Status.None) return (!p.rekeyed, p);
        address identity = _identities[account];
        p = _participants[identity];
        current = identity != address(0) && _accounts[p.id] == account;
    }

    /// @dev The identity `account` names: itself unless it is a key of another identity.
    function _identityOf(address account) private view returns (address) {
        if (_participants[account].status != Status.None) return account;
        address identity = _identities[account];
        return identity == address(0) ? account : identity;
    }

    /// @dev The identity and record of the participant `account` names (its identity or one of its keys).
    function _known(address account) private view returns (address identity, Participant storage p) {
        identity = _identityOf(account);
        p = _participants[identity];
        if (p.status == Status.None) revert ParticipantUnknown(account);
    }

    function _checkRoles(uint16 roles) private pure {
        if (roles == 0 || roles & ~Roles.ALL != 0) revert ParticipantInvalidRoles(roles);
    }

    function _checkRegion(uint24 region) private pure {
        if (!Regions.isValid(region)) revert ParticipantInvalidRegion(region);
    }

    function _checkName(uint256 length) private pure {
        if (length == 0 || length > _MAX_NAME_LENGTH) revert ParticipantInvalidName(length, _MAX_NAME_LENGTH);
    }
}
