// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Participants of the data-element market and their permissions
/// @notice Organisations admitted by the big-data authority (大数据主管部门), each with a region
/// code, a set of roles and a status. Every other contract of the ledger asks this registry
/// whether an account may act. A Besu network can point its account-permissioning plugin at
/// {transactionAllowed} so the node enforces the same membership.
interface IParticipantRegistry {
    // ─────────────────────────────────────────────────────────── types

    enum Status {
        None,
        Active,
        Suspended,
        Revoked
    }

    /// @dev One slot: 16 + 8 + 24 + 16 + 40 + 40 + 32 + 8 = 184 bits, kept under the organisation's identity: the
    /// account it was admitted with, which names it in every record of the ledger for its whole life. `id` is its
    /// participant id: numbered from 1 in order of admission (the authority is 1), never reused, beside its unified
    /// social credit code (统一社会信用代码), of which the registry keeps the hash. `rekeyed`: the identity's own key
    /// no longer signs for it (another key does: {accountOf}).
    struct Participant {
        uint16 roles;
        Status status;
        uint24 region;
        uint16 declarations;
        uint40 admittedAt;
        uint40 updatedAt;
        uint32 id;
        bool rekeyed;
    }

    // ─────────────────────────────────────────────────────────── errors

    /// @notice Thrown when `account` lacks every one of `neededRoles` (a bit set of roles).
    error ParticipantUnauthorized(address account, uint16 neededRoles);
    /// @notice Thrown when `account` is known but not active.
    error ParticipantNotActive(address account, Status status);
    /// @notice Thrown when `account` was never admitted.
    error ParticipantUnknown(address account);
    /// @notice Thrown when admitting an account that is already a participant.
    error ParticipantAlreadyAdmitted(address account);
    /// @notice Thrown for the zero address.
    error ParticipantZeroAddress();
    /// @notice Thrown when a role set is empty or has bits outside the defined roles.
    error ParticipantInvalidRoles(uint16 roles);
    /// @notice Thrown for a region code that is not a six-digit administrative division code under an
    /// existing province-level prefix (GB/T 2260; see the Regions library).
    error ParticipantInvalidRegion(uint24 region);
    /// @notice Thrown when a status change does not apply to the participant's current status.
    error ParticipantInvalidStatus(address account, Status status);
    /// @notice Thrown when the authority tries to suspend, revoke or strip its own account.
    error ParticipantSelfAction(address account);
    /// @notice Thrown when a name is empty or longer than `maxLength` bytes.
    error ParticipantInvalidName(uint256 length, uint256 maxLength);
    /// @notice Thrown when a document hash is zero.
    error ParticipantZeroHash();
    /// @notice Thrown when an intermediary (data merchant, service provider) trades without a declaration on file (art. 26).
    error ParticipantDeclarationMissing(address account);
    /// @notice Thrown when admitting `account` with the authority role, or giving it to or taking it from a
    /// participant other than the authority: the authority is the ledger's governance (its access manager), given
    /// the role at deployment, and no other account ever holds it.
    error ParticipantAuthorityReserved(address account);
    /// @notice Thrown when account and role lists differ in length.
    error ParticipantLengthMismatch(uint256 accounts, uint256 roles);
    /// @notice Thrown when `account`, an owner (officer) of the governance's Safe `safe` or that Safe itself, would be
    /// given a settlement bank's or an exchange's role: the officers who make the rules do not issue money or settle
    /// trades under them.
    error ParticipantOfficerConflict(address account, address safe);
    /// @notice Thrown when admitting an organisation whose unified social credit code (its hash, `creditCodeHash`) is
    /// already the participant `id`'s: one organisation has one identity on the ledger, whatever its keys.
    error ParticipantCreditCodeTaken(bytes32 creditCodeHash, uint32 id);
    /// @notice Thrown when `account`, a key of the participant `identity`, no longer signs for it: another key replaced
    /// it. Records keep naming the participant by `identity`; transactions come from its current key ({accountOf}).
    error ParticipantKeyReplaced(address account, address identity);
    /// @notice Thrown when `key` cannot become a participant's key: it is, or was, an account of some participant
    /// (keys are never reused, so that every address names one organisation for good).
    error ParticipantKeyTaken(address key);
    /// @notice Thrown when the new key's signature of a planned key change does not recover to it (`recovered`).
    error ParticipantBadKeySignature(address newKey, address recovered);

    // ─────────────────────────────────────────────────────────── events

    /// @notice A participant was admitted.
    /// @param account the participant's signing account
    /// @param roles bit set of roles (see the ROLE_ constants)
    /// @param region six-digit administrative division code, e.g. 450000 for Guangxi
    /// @param name the organisation's registered name
    /// @param by the authority that admitted it
    /// @param id its participant id (1 for the authority, then in order of admission)
    /// @param creditCodeHash keccak-256 of its unified social credit code (统一社会信用代码, 18 characters, GB 32100)
    event ParticipantAdmitted(
        address indexed account,
        uint16 roles,
        uint24 indexed region,
        string name,
        address by,
        uint32 id,
        bytes32 indexed creditCodeHash
    );
    /// @notice A participant's roles were replaced.
    /// @param account the participant
    /// @param roles the new bit set of roles
    /// @param by the authority
    event ParticipantRolesChanged(address indexed account, uint16 roles, address by);
    /// @notice A participant's status changed (suspended, reinstated, revoked).
    /// @param account the participant
    /// @param status the new status
    /// @param reasonHash hash of the decision document
    /// @param by the authority
    event ParticipantStatusChanged(address indexed account, Status status, bytes32 reasonHash, address by);
    /// @notice A participant filed a declaration-and-commitment document (声明和承诺).
    /// @param account the participant
    /// @param documentHash hash of the signed document
    /// @param count how many declarations the participant has filed, this one included
    event DeclarationFiled(address indexed account, bytes32 documentHash, uint16 count);
    /// @notice The key that signs for a participant changed: `oldKey` is refused from now on, `newKey` signs for it.
    /// Records keep naming the participant by `identity`.
    /// @param identity the participant's identity (the account it was admitted with)
    /// @param oldKey the key replaced
    /// @param newKey the key that signs for it now
    /// @param id its participant id
    /// @param reasonHash hash of the council's decision (a recovery); zero for a planned change, which both keys signed
    /// @param by the authority (a recovery), or the old key (a planned change)
    event ParticipantKeyChanged(
        address indexed identity,
        address indexed oldKey,
        address indexed newKey,
        uint32 id,
        bytes32 reasonHash,
        address by
    );

    // ─────────────────────────────────────────────────────────── functions

    /// @notice Admits `account` with `roles` (never the authority role) in `region`, as the organisation whose unified
    /// social credit code hashes to `creditCodeHash` (a code already admitted is refused: ParticipantCreditCodeTaken).
    /// It gets the next participant id. Authority only. A settlement bank's or an exchange's role is refused to an
    /// officer of the governance's Safes (ParticipantOfficerConflict).
    function admit(address account, uint16 roles, uint24 region, string calldata name, bytes32 creditCodeHash)
        external;

    /// @notice Replaces the roles of an admitted participant; whether it holds the authority role never changes.
    /// A settlement bank's or an exchange's role is refused to an officer of the governance's Safes. Authority only.
    function setRoles(address account, uint16 roles) external;

    /// @notice Suspends an active participant: it can do nothing until reinstated. Authority only.
    function suspend(address account, bytes32 reasonHash) external;

    /// @notice Reinstates a suspended participant. Authority only.
    function reinstate(address account, bytes32 reasonHash) external;

    /// @notice Revokes a participant for good. Authority only.
    function revoke(address account, bytes32 reasonHash) external;

    /// @notice Files a declaration-and-commitment document hash for the caller.
    function fileDeclaration(bytes32 documentHash) external;

    /// @notice Planned key change: the caller, the key an active participant signs with now, hands over to `newKey`,
    /// which consents with `newKeySignature` (EIP-712, see {hashKeyChange}). Takes effect at once: the caller is
    /// refused from then on, everywhere; every record of the participant (rights, licences, balances, allowances,
    /// revenue shares, objections, roles, declarations) stays under its identity and is the new key's to use.
    /// Consents the old key signed (sales consents, mandates, direct trades, nonces) lapse with it. `newKey` must be
    /// new to the ledger. Not for the authority.
    function rotateKey(address newKey, bytes calldata newKeySignature) external;

    /// @notice Recovery of a lost or compromised key: the authority (its council, after the council's delay) makes
    /// `newKey` the key of the participant `account` names (its identity or a key of it), active or suspended (the
    /// emergency officers can suspend it at once meanwhile). The replaced key is refused from then on. Authority only.
    function replaceKey(address account, address newKey, bytes32 reasonHash) external;

    /// @notice The participant record of the organisation `account` names: its identity or any key it ever signed
    /// with (zeroed when unknown).
    function getParticipant(address account) external view returns (Participant memory);

    /// @notice Reverts unless `account` is the current key of an active participant that holds at least one of
    /// `anyOfRoles` (a replaced key is refused: ParticipantKeyReplaced).
    /// @return p the participant record
    function requireRole(address account, uint16 anyOfRoles) external view returns (Participant memory p);

    /// @notice {requireRole}, also returning the participant's identity: the address under which the ledger's
    /// records name it (`account` itself, until its first key change).
    function requireIdentity(address account, uint16 anyOfRoles)
        external
        view
        returns (address identity, Participant memory p);

    /// @notice Reverts unless both `a` and `b` are the current keys of active traders (holder, merchant or service
    /// provider) and, if intermediaries, have a declaration on file: the two sides of a grant or transfer.
    /// @return identityA the identity of `a`
    /// @return identityB the identity of `b`
    function requireTraders(address a, address b) external view returns (address identityA, address identityB);

    /// @notice For each entry `account | anyOfRoles << 160` of `checks`: reverts unless the account, if it has a
    /// requirement (`anyOfRoles` non-zero), is the current key of an active participant that holds one of those
    /// roles; a requirement with the DECLARED bit (1 << 15) also demands a declaration from intermediaries.
    /// Accounts without a requirement are identities, only looked at: bit i of `inactive` is set when entry i's
    /// participant is not active (a suspended revenue-share recipient, whose share is held for it). Packed so
    /// that a settlement checks every party in one short call.
    /// @return inactive bit i set when entry i, without a requirement, names no active participant
    /// @return rekeyed bit i set when entry i, with a requirement, is a key other than its participant's identity
    /// (which {identityOf} gives): the caller records the identity
    function requireEach(uint256[] calldata checks) external view returns (uint256 inactive, uint256 rekeyed);

    /// @notice How many organisations were ever admitted, the authority included: the last participant id given.
    function participantCount() external view returns (uint32);

    /// @notice The account that signs for participant `id` now (zero when no participant has that id).
    function accountOf(uint32 id) external view returns (address);

    /// @notice The identity of the organisation `account` names: `account` itself when it is an identity, the
    /// identity whose key it is (or was) otherwise; zero when no participant ever had that address.
    function identityOf(address account) external view returns (address);

    /// @notice The EIP-712 digest `newKey` signs to consent to become the key of `identity` in place of `oldKey`:
    /// KeyChange(address identity,address oldKey,address newKey) in the domain ("DataRightsLedger Participants", "1",
    /// chain id, this registry).
    function hashKeyChange(address identity, address oldKey, address newKey) external view returns (bytes32);

    /// @notice The participant id of the organisation whose unified social credit code hashes to `creditCodeHash`
    /// (0 when none was admitted).
    function idOfCreditCode(bytes32 creditCodeHash) external view returns (uint32);

    /// @notice The identity of the active participant for which `account` signs now; zero when `account` is not the
    /// current key of an active participant.
    function signerIdentity(address account) external view returns (address);

    /// @notice Whether `account` names an active participant (any role): its identity, or the key it signs with now.
    function isActive(address account) external view returns (bool);

    /// @notice The governance's Safes (the council's, the guardian's, the emergency officers'), fixed at deployment,
    /// whose owners may hold neither a settlement bank's nor an exchange's role. The Safes' guard refuses the
    /// other way round: making a holder of those roles an owner.
    function officerSafes() external view returns (address[3] memory);

    /// @notice Besu account-permissioning rule: only active participants send transactions,
    /// and only the authority deploys contracts.
    function transactionAllowed(
        address sender,
        address target,
        uint256 value,
        uint256 gasPrice,
        uint256 gasLimit,
        bytes calldata payload
    ) external view returns (bool);
}
