// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IRecognition} from "./interfaces/IRecognition.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./interfaces/IAssetRegistryTypes.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title Recognition
/// @notice Agreements with other provinces' registries and the certificates imported under them.
/// See {IRecognition}.
/// @dev Signatures are checked against the origin's EIP-712 domain, built here from the agreed
/// chain id and registry address, so a certificate signed for another chain or registry recovers
/// to other addresses and does not count (no cross-chain replay). The holders, category and
/// grade live in the local AssetRegistry record; this contract keeps the origin and the digest.
contract Recognition is IRecognition {
    // ─────────────────────────────────────────────────────────── constants

    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant _NAME_HASH = keccak256("DataRightsLedger Certificate");
    bytes32 private constant _VERSION_HASH = keccak256("1");
    bytes32 private constant _CERTIFICATE_TYPEHASH = keccak256(
        "RegistrationCertificate(uint256 assetId,bytes32 contentHash,uint8 category,uint8 grade,uint8 kind,"
        "address holdingHolder,address processingHolder,address operationHolder,uint64 certificateSerial,"
        "uint64 registeredBlock,uint64 registeredAt,uint8 status,uint64 issuedBlock,uint64 expiresAt)"
    );
    uint256 private constant _MAX_REGISTRARS = 32;

    // ─────────────────────────────────────────────────────────── storage

    /// @dev Four slots: origin registry, chain id, status and linked flag (160 + 64 + 8 + 8 = 240 bits); the
    /// origin asset id; the certificate digest; the origin block of the certificate in force. The content hash
    /// and local serial are read from the local registry; holders, origin serial and times are in the event.
    struct Record {
        address originRegistry;
        uint64 originChainId;
        RecognisedStatus status;
        bool linked;
        uint256 originAssetId;
        bytes32 certificateDigest;
        uint64 issuedBlock;
    }

    IParticipantRegistry private immutable _participants;
    IAssetRegistry private immutable _registry;

    uint256 private _recognisedCount;
    mapping(uint64 originChainId => Agreement) private _agreements;
    mapping(uint256 localAssetId => Record) private _records;
    mapping(uint64 originChainId => mapping(address originRegistry => mapping(uint256 originAssetId => uint256 localAssetId)))
        private _imported;

    constructor(IParticipantRegistry participants, IAssetRegistry registry) {
        _participants = participants;
        _registry = registry;
    }

    // ─────────────────────────────────────────────────────────── agreements

    /// @inheritdoc IRecognition
    function setAgreement(uint64 originChainId, address originRegistry, address[] calldata registrars, uint8 threshold)
        external
    {
        _participants.requireRole(msg.sender, Roles.AUTHORITY);
        if (originChainId == block.chainid) revert RecognitionSelfAgreement(originChainId);
        if (originRegistry == address(0)) revert RecognitionZeroAddress();
        uint256 n = registrars.length;
        if (threshold == 0 || threshold > n || n > _MAX_REGISTRARS) {
            revert RecognitionInvalidThreshold(threshold, n, _MAX_REGISTRARS);
        }
        for (uint256 i; i < n; ++i) {
            if (registrars[i] == address(0)) revert RecognitionZeroAddress();
            for (uint256 j; j < i; ++j) {
                if (registrars[j] == registrars[i]) revert RecognitionDuplicateRegistrar(registrars[i]);
            }
        }
        Agreement storage a = _agreements[originChainId];
        uint32 version = a.version + 1;
        a.originChainId = originChainId;
        a.originRegistry = originRegistry;
        a.threshold = threshold;
        a.version = version;
        a.registrars = registrars;
        emit AgreementSet(originChainId, originRegistry, registrars, threshold, version, msg.sender);
    }

    /// @inheritdoc IRecognition
    function revokeAgreement(uint64 originChainId) external {
        _participants.requireRole(msg.sender, Roles.AUTHORITY);
        Agreement storage a = _agreements[originChainId];
        if (a.threshold == 0) revert RecognitionNoAgreement(originChainId);
        uint32 version = a.version + 1;
        a.threshold = 0;
        a.version = version;
        delete a.registrars;
        emit AgreementRevoked(originChainId, version, msg.sender);
    }

    // ─────────────────────────────────────────────────────────── import and suspension

    /// @inheritdoc IRecognition
    function importCertificate(uint64 originChainId, Certificate calldata c, bytes[] calldata signatures)
        external
        returns (uint256 localAssetId)
    {
        Pausing.check(_registry, Pausing.RECOGNITION | Pausing.REGISTRY);
        (address registrar, IParticipantRegistry.Participant memory p) =
            _participants.requireIdentity(msg.sender, Roles.REGISTRAR);
        (address originRegistry, bytes32 digest, address[] memory signers) = _verify(originChainId, c, signatures);
        bool cancelled = c.status == IAssetRegistryTypes.Status.Cancelled;

        localAssetId = _imported[originChainId][originRegistry][c.assetId];
        if (localAssetId != 0) {
            _supersede(localAssetId, originChainId, c, digest, cancelled, registrar);
            emit CertificateImported(
                localAssetId, originChainId, c.assetId, originRegistry, c, digest, signers,
                _records[localAssetId].linked, registrar, true
            );
            return localAssetId;
        }
        if (cancelled) revert RecognitionInvalidCertificate(c.assetId);

        bool linked;
        uint256 existing = _registry.assetIdOf(c.contentHash);
        if (existing != 0) {
            _checkLink(existing, c);
            localAssetId = existing;
            linked = true;
        } else {
            // Effects on this contract follow the registry call only because the local id comes from it;
            // the registry is a trusted system contract and calls nothing back.
            localAssetId = _registry.registerRecognised(
                IAssetRegistryTypes.Registration({
                    contentHash: c.contentHash,
                    metadataHash: digest,
                    metadataURI: "",
                    name: "",
                    category: c.category,
                    grade: c.grade,
                    kind: c.kind,
                    region: p.region,
                    processingHolder: c.processingHolder,
                    operationHolder: c.operationHolder
                }),
                c.holdingHolder,
                registrar
            );
        }
        _imported[originChainId][originRegistry][c.assetId] = localAssetId;
        _records[localAssetId] = Record({
            originRegistry: originRegistry,
            originChainId: originChainId,
            status: RecognisedStatus.Active,
            linked: linked,
            originAssetId: c.assetId,
            certificateDigest: digest,
            issuedBlock: c.issuedBlock
        });
        ++_recognisedCount;
        emit CertificateImported(
            localAssetId, originChainId, c.assetId, originRegistry, c, digest, signers, linked, registrar, false
        );
    }

    /// @inheritdoc IRecognition
    function suspend(uint256 localAssetId, bytes32 reasonHash) external {
        Pausing.check(_registry, Pausing.RECOGNITION | Pausing.REGISTRY);
        (Record storage r, address by) = _recordOfRegion(localAssetId, reasonHash);
        if (r.status != RecognisedStatus.Active) revert RecognitionInvalidStatus(localAssetId, r.status);
        r.status = RecognisedStatus.Suspended;
        emit RecognitionSuspended(localAssetId, by, reasonHash);
        if (!r.linked) _registry.setRecognitionSuspended(localAssetId, true);
    }

    /// @inheritdoc IRecognition
    function reinstate(uint256 localAssetId, bytes32 reasonHash) external {
        Pausing.check(_registry, Pausing.RECOGNITION | Pausing.REGISTRY);
        (Record storage r, address by) = _recordOfRegion(localAssetId, reasonHash);
        if (r.status != RecognisedStatus.Suspended) revert RecognitionInvalidStatus(localAssetId, r.status);
        r.status = RecognisedStatus.Active;
        emit RecognitionReinstated(localAssetId, by, reasonHash);
        if (!r.linked) _registry.setRecognitionSuspended(localAssetId, false);
    }

    // ─────────────────────────────────────────────────────────── views

    /// @inheritdoc IRecognition
    function getAgreement(uint64 originChainId) external view returns (Agreement memory) {
        return _agreements[originChainId];
    }

    /// @inheritdoc IRecognition
    function getRecognised(uint256 localAssetId) external view returns (Recognised memory v) {
        Record storage r = _records[localAssetId];
        if (r.status == RecognisedStatus.None) revert RecognitionUnknownRecord(localAssetId);
        IAssetRegistryTypes.Asset memory asset = _registry.getAsset(localAssetId);
        v.originChainId = r.originChainId;
        v.originRegistry = r.originRegistry;
        v.originAssetId = r.originAssetId;
        v.localAssetId = localAssetId;
        v.contentHash = asset.contentHash;
        v.certificateSerial = asset.certificateSerial;
        v.certificateDigest = r.certificateDigest;
        v.status = r.status;
        v.linked = r.linked;
        v.issuedBlock = r.issuedBlock;
    }

    /// @inheritdoc IRecognition
    function localAssetOf(uint64 originChainId, address originRegistry, uint256 originAssetId)
        external
        view
        returns (uint256)
    {
        return _imported[originChainId][originRegistry][originAssetId];
    }

    /// @inheritdoc IRecognition
    function recognisedCount() external view returns (uint256) {
        return _recognisedCount;
    }

    /// @inheritdoc IRecognition
    function certificateDigest(uint64 originChainId, address originRegistry, Certificate calldata c)
        external
        pure
        returns (bytes32)
    {
        return _digest(originChainId, originRegistry, c);
    }

    // ─────────────────────────────────────────────────────────── internals

    function _digest(uint64 originChainId, address originRegistry, Certificate calldata c)
        private
        pure
        returns (bytes32)
    {
        bytes32 domain = keccak256(abi.encode(_DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, originChainId, originRegistry));
        bytes32 structHash = keccak256(
            abi.encode(
                _CERTIFICATE_TYPEHASH,
                c.assetId,
                c.contentHash,
                c.category,
                c.grade,
                c.kind,
                c.holdingHolder,
                c.processingHolder,
                c.operationHolder,
                c.certificateSerial,
                c.registeredBlock,
                c.registeredAt,
                c.status,
                c.issuedBlock,
                c.expiresAt
            )
        );
        return MessageHashUtils.toTypedDataHash(domain, structHash);
    }

    /// @dev A well-formed, unexpired certificate signed by at least the agreement's threshold of its registrars:
    /// the origin registry, the certificate's digest and its distinct agreed signers.
    function _verify(uint64 originChainId, Certificate calldata c, bytes[] calldata signatures)
        private
        view
        returns (address originRegistry, bytes32 digest, address[] memory signers)
    {
        Agreement storage a = _agreements[originChainId];
        uint8 threshold = a.threshold;
        if (threshold == 0) revert RecognitionNoAgreement(originChainId);
        bool valid = c.contentHash != bytes32(0) && c.holdingHolder != address(0) && c.processingHolder != address(0)
            && c.operationHolder != address(0)
            && (c.status == IAssetRegistryTypes.Status.Cancelled || c.status == IAssetRegistryTypes.Status.Registered);
        if (!valid) revert RecognitionInvalidCertificate(c.assetId);
        if (c.expiresAt < block.timestamp) revert RecognitionCertificateExpired(c.assetId, c.expiresAt);
        originRegistry = a.originRegistry;
        digest = _digest(originChainId, originRegistry, c);
        signers = _countSigners(digest, signatures, a.registrars, threshold);
    }

    /// @dev A newer certificate of an imported origin asset: the record follows it; a recognised (not linked)
    /// asset follows its holders or its cancellation.
    /// @param by the identity of the registrar importing the certificate
    function _supersede(
        uint256 localAssetId,
        uint64 originChainId,
        Certificate calldata c,
        bytes32 digest,
        bool cancelled,
        address by
    ) private {
        Record storage r = _records[localAssetId];
        if (c.issuedBlock <= r.issuedBlock) {
            revert RecognitionStaleCertificate(originChainId, c.assetId, localAssetId, r.issuedBlock, c.issuedBlock);
        }
        if (r.status == RecognisedStatus.Cancelled) revert RecognitionInvalidStatus(localAssetId, r.status);
        if (!cancelled) {
            // The record keeps what was recognised: a newer certificate moves holders, not the data or its class.
            IAssetRegistryTypes.Asset memory local = _registry.getAsset(localAssetId);
            if (local.category != c.category || local.grade != c.grade || local.kind != c.kind) {
                revert RecognitionClassificationMismatch(localAssetId, local.category, local.grade, c.category, c.grade);
            }
            if (local.contentHash != c.contentHash) {
                revert RecognitionContentConflict(c.contentHash, localAssetId, local.holdingHolder, c.holdingHolder);
            }
        }
        (r.certificateDigest, r.issuedBlock) = (digest, c.issuedBlock);
        if (cancelled) r.status = RecognisedStatus.Cancelled;
        if (r.linked) {
            // A registration made here stands on its own: the origin's holder must still be its holder.
            address localHolder = _registry.holderOf(localAssetId, IAssetRegistryTypes.Right.Holding);
            if (!cancelled && localHolder != c.holdingHolder) {
                revert RecognitionContentConflict(c.contentHash, localAssetId, localHolder, c.holdingHolder);
            }
            return;
        }
        _registry.syncRecognised(
            localAssetId, c.holdingHolder, c.processingHolder, c.operationHolder, cancelled, by, digest
        );
    }

    /// @dev Linking to a registration made here: registered, same holder, same category and grade.
    function _checkLink(uint256 existing, Certificate calldata c) private view {
        IAssetRegistryTypes.Asset memory local = _registry.getAsset(existing);
        if (local.status != IAssetRegistryTypes.Status.Registered) revert RecognitionLocalNotRegistered(existing, local.status);
        if (local.holdingHolder != c.holdingHolder) {
            revert RecognitionContentConflict(c.contentHash, existing, local.holdingHolder, c.holdingHolder);
        }
        if (local.category != c.category || local.grade != c.grade) {
            revert RecognitionClassificationMismatch(existing, local.category, local.grade, c.category, c.grade);
        }
        Record storage other = _records[existing];
        if (other.status != RecognisedStatus.None) {
            revert RecognitionAlreadyImported(other.originChainId, other.originAssetId, existing);
        }
    }

    /// @dev The record, for a registrar of the recognised asset's region or the authority, with a reason.
    /// @return r the record
    /// @return by the identity of the registrar (or the authority) acting
    function _recordOfRegion(uint256 localAssetId, bytes32 reasonHash)
        private
        view
        returns (Record storage r, address by)
    {
        IParticipantRegistry.Participant memory p;
        (by, p) = _participants.requireIdentity(msg.sender, Roles.REGISTRAR | Roles.AUTHORITY);
        r = _records[localAssetId];
        if (r.status == RecognisedStatus.None) revert RecognitionUnknownRecord(localAssetId);
        if (p.roles & Roles.AUTHORITY == 0) {
            uint24 region = _registry.getAsset(localAssetId).region;
            if (p.region != region) revert RecognitionWrongRegion(msg.sender, p.region, region);
        }
        if (reasonHash == bytes32(0)) revert RecognitionZeroHash();
    }

    /// @dev The distinct agreed registrars among the signatures' signers, in the agreement's order; a
    /// malformed signature or an unknown or repeated signer is skipped, not fatal, so that one bad
    /// co-signature does not void the others. Reverts when fewer than `threshold` remain. (A bitmap over
    /// the agreement's at most 32 registrars keeps the loop within the stack at every EVM target.)
    function _countSigners(bytes32 digest, bytes[] calldata signatures, address[] storage agreed, uint8 threshold)
        private
        view
        returns (address[] memory signers)
    {
        address[] memory registrars = agreed;
        uint256 signed;
        for (uint256 i; i < signatures.length; ++i) {
            signed |= _bitOf(registrars, _signer(digest, signatures[i]));
        }
        signers = new address[](registrars.length);
        uint256 count;
        for (uint256 j; j < registrars.length; ++j) {
            if (signed & (1 << j) != 0) signers[count++] = registrars[j];
        }
        if (count < threshold) revert RecognitionBelowThreshold(digest, count, threshold);
        assembly ("memory-safe") {
            // Shrink the array to the signers found; `count` never exceeds the allocated length.
            mstore(signers, count)
        }
    }

    /// @dev The signer of `digest`, zero for a malformed signature.
    function _signer(bytes32 digest, bytes calldata signature) private pure returns (address who) {
        if (signature.length != 65) return address(0);
        ECDSA.RecoverError err;
        (who, err,) = ECDSA.tryRecover(
            digest, uint8(signature[64]), bytes32(signature[0:32]), bytes32(signature[32:64])
        );
        if (err != ECDSA.RecoverError.NoError) who = address(0);
    }

    /// @dev The bit of `who` in the registrar list (its index), zero when it is not listed.
    function _bitOf(address[] memory registrars, address who) private pure returns (uint256) {
        if (who == address(0)) return 0;
        for (uint256 i; i < registrars.length; ++i) {
            if (registrars[i] == who) return 1 << i;
        }
        return 0;
    }
}
