// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IAssetRegistryTypes} from "./interfaces/IAssetRegistryTypes.sol";
import {IMandateRegistry} from "./interfaces/IMandateRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {ITradeSettlement} from "./interfaces/ITradeSettlement.sol";
import {ILedgerPause} from "./interfaces/ILedgerPause.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title MandateRegistry
/// @notice See {IMandateRegistry}.
contract MandateRegistry is IMandateRegistry {
    IParticipantRegistry private immutable _participants;
    ITradeSettlement private immutable _settlement;
    ILedgerPause private immutable _pause;

    /// @dev A mandate in force: its id (the hash of its terms) to its seller. One slot per mandate.
    mapping(bytes32 mandateId => address seller) private _sellers;

    /// @param pause_ the ledger's pause register (the asset registry)
    constructor(IParticipantRegistry participants_, ITradeSettlement settlement_, ILedgerPause pause_) {
        _participants = participants_;
        _settlement = settlement_;
        _pause = pause_;
    }

    /// @inheritdoc IMandateRegistry
    function grantMandate(Mandate calldata m) external returns (bytes32 id) {
        Pausing.check(_pause, Pausing.MANDATES);
        id = _mandateId(m, _templateHash(m.terms));
        bool valid = m.seller == msg.sender && m.expiry > block.timestamp && _sellers[id] == address(0)
            && (m.delivery == ITradeSettlement.Delivery.Right || m.terms.right == m.right);
        if (!valid) revert MandateInvalid(id);
        _participants.requireRole(msg.sender, Roles.TRADER);
        _participants.requireRole(m.exchange, Roles.EXCHANGE);
        _sellers[id] = msg.sender;
        emit MandateGranted(id, msg.sender, m.exchange, m);
    }

    /// @inheritdoc IMandateRegistry
    function revokeMandate(bytes32 id) external {
        address seller = _sellers[id];
        if (seller == address(0)) revert MandateUnknown(id);
        if (seller != msg.sender) revert MandateNotSeller(id, msg.sender);
        delete _sellers[id];
        emit MandateRevoked(id, msg.sender);
    }

    /// @inheritdoc IMandateRegistry
    function settle(ITradeSettlement.Trade calldata t, Mandate calldata m) external returns (uint64) {
        Pausing.check(_pause, Pausing.MANDATES | Pausing.TRADE);
        bytes32 template = _templateHash(m.terms);
        bytes32 id = _mandateId(m, template);
        bytes memory refusal = _refusal(t, m, id, template, msg.sender);
        if (refusal.length != 0) _revert(refusal);
        return _settlement.settleConsented(t, msg.sender, m.minNet, id);
    }

    /// @inheritdoc IMandateRegistry
    function settleBatch(
        ITradeSettlement.Trade[] calldata trades,
        Mandate[] calldata mandates,
        uint256[] calldata mandateOf,
        bool atomic
    ) external {
        Pausing.check(_pause, Pausing.MANDATES | Pausing.TRADE);
        uint256 n = trades.length;
        uint256 k = mandates.length;
        if (n == 0 || k == 0 || mandateOf.length != n) revert MandateBatchLength(n, k);
        _participants.requireRole(msg.sender, Roles.EXCHANGE);
        bytes32[] memory templates = new bytes32[](k);
        bytes32[] memory ids = new bytes32[](k);
        for (uint256 j; j < k; ++j) {
            templates[j] = _templateHash(mandates[j].terms);
            ids[j] = _mandateId(mandates[j], templates[j]);
        }
        for (uint256 i; i < n; ++i) {
            uint256 j = mandateOf[i];
            if (j >= k) revert MandateBatchLength(n, k);
            ITradeSettlement.Trade calldata t = trades[i];
            bytes memory refusal = _refusal(t, mandates[j], ids[j], templates[j], msg.sender);
            bool refused = refusal.length != 0;
            if (!refused) {
                // An external call either way, so that a trade's own failure is caught alone.
                try _settlement.settleConsented(t, msg.sender, mandates[j].minNet, ids[j]) {}
                catch (bytes memory reason) {
                    (refusal, refused) = (reason, true);
                }
            }
            if (!refused) continue;
            if (atomic) revert MandateBatchItemFailed(i, t.tradeId, refusal);
            emit TradeRefused(t.tradeId, msg.sender, i, refusal);
        }
    }

    /// @inheritdoc IMandateRegistry
    function mandateId(Mandate calldata m) external pure returns (bytes32) {
        return _mandateId(m, _templateHash(m.terms));
    }

    /// @inheritdoc IMandateRegistry
    function sellerOf(bytes32 id) external view returns (address) {
        return _sellers[id];
    }

    /// @inheritdoc IMandateRegistry
    function settlement() external view returns (address) {
        return address(_settlement);
    }

    /// @return refusal why the trade may not settle under the mandate (an encoded error), empty if it may
    function _refusal(
        ITradeSettlement.Trade calldata t,
        Mandate calldata m,
        bytes32 id,
        bytes32 template,
        address exchange
    ) private view returns (bytes memory refusal) {
        if (_sellers[id] == address(0)) return abi.encodeWithSelector(MandateUnknown.selector, id);
        if (block.timestamp > m.expiry) return abi.encodeWithSelector(MandateExpired.selector, id, m.expiry);
        bool within = m.seller == t.seller && m.exchange == exchange && m.assetId == t.assetId
            && m.delivery == t.delivery && m.parentLicenseId == t.parentLicenseId;
        if (t.delivery == ITradeSettlement.Delivery.Right) within = within && m.right == t.right;
        else within = within && _templateHash(t.terms) == template;
        if (!within) return abi.encodeWithSelector(MandateMismatch.selector, id);
        if (t.delivery == ITradeSettlement.Delivery.License) {
            // The licence starts at the later of its terms' start and now (see IAssetRegistry.License).
            uint256 start = t.terms.start < block.timestamp ? block.timestamp : t.terms.start;
            if (start > m.expiry) return abi.encodeWithSelector(MandateLateStart.selector, id, start, m.expiry);
            uint256 duration = t.terms.end > start ? t.terms.end - start : 0;
            if (duration > m.maxDuration) {
                return abi.encodeWithSelector(MandateDuration.selector, id, duration, m.maxDuration);
            }
        }
    }

    function _revert(bytes memory reason) private pure {
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }

    /// @dev The licence terms but for their period: what every sale under a mandate must match.
    function _templateHash(IAssetRegistryTypes.LicenseTerms calldata terms) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                terms.right,
                terms.purpose,
                terms.exclusive,
                terms.sublicensable,
                terms.transferable,
                keccak256(abi.encodePacked(terms.regions)),
                keccak256(abi.encodePacked(terms.countries)),
                terms.termsHash
            )
        );
    }

    function _mandateId(Mandate calldata m, bytes32 template) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                m.seller,
                m.exchange,
                m.assetId,
                m.delivery,
                m.right,
                m.parentLicenseId,
                template,
                m.maxDuration,
                m.minNet,
                m.expiry,
                m.salt
            )
        );
    }
}
