// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ILedgerPause} from "./interfaces/ILedgerPause.sol";
import {ISettlementToken} from "./interfaces/ISettlementToken.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title SettlementToken
/// @notice See {ISettlementToken}. Two decimals: one unit is one fen (分).
contract SettlementToken is ERC20, ISettlementToken {
    /// @dev One slot per bank: 128 + 128 bits. `outstanding` never exceeds a limit that was in force when it grew,
    /// so it fits 128 bits.
    struct Issuance {
        uint128 limit;
        uint128 outstanding;
    }

    IParticipantRegistry private immutable _participants;
    address private immutable _settlement;
    ILedgerPause private immutable _pause;

    // ─────────────────────────────────────────────────────────── storage

    mapping(address bank => Issuance) private _issuance;

    /// @param settlement_ the trade-settlement contract, which alone pays trades with settlementPay (and checks
    /// this token's pause when it does)
    /// @param pause_ the ledger's pause register (the asset registry)
    constructor(
        IParticipantRegistry participants,
        address settlement_,
        ILedgerPause pause_,
        string memory name_,
        string memory symbol_
    ) ERC20(name_, symbol_) {
        _participants = participants;
        _settlement = settlement_;
        _pause = pause_;
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 2;
    }

    // ─────────────────────────────────────────────────────────── authority

    /// @inheritdoc ISettlementToken
    function setIssuanceLimit(address bank, uint128 limit) external {
        _participants.requireRole(msg.sender, Roles.AUTHORITY);
        Issuance storage b = _issuance[bank];
        b.limit = limit;
        emit IssuanceLimitSet(bank, limit, b.outstanding, msg.sender);
    }

    // ─────────────────────────────────────────────────────────── banks

    /// @inheritdoc ISettlementToken
    function issue(address to, uint256 amount, bytes32 reserveHash) external {
        Pausing.check(_pause, Pausing.TOKEN);
        _participants.requireRole(msg.sender, Roles.SETTLEMENT_BANK);
        if (reserveHash == bytes32(0)) revert TokenZeroReserveHash();
        Issuance storage b = _issuance[msg.sender];
        uint256 limit = b.limit;
        uint256 outstanding = b.outstanding + amount;
        if (outstanding > limit) revert TokenIssuanceLimitExceeded(msg.sender, limit, outstanding);
        b.outstanding = uint128(outstanding); // at most `limit`, a uint128
        _mint(to, amount);
        emit Issued(msg.sender, to, amount, reserveHash, outstanding);
    }

    /// @inheritdoc ISettlementToken
    function redeem(uint256 amount) external {
        Pausing.check(_pause, Pausing.TOKEN);
        _participants.requireRole(msg.sender, Roles.SETTLEMENT_BANK);
        Issuance storage b = _issuance[msg.sender];
        uint256 outstanding = b.outstanding;
        if (amount > outstanding) revert TokenRedemptionExceedsOutstanding(msg.sender, amount, outstanding);
        unchecked {
            outstanding -= amount; // amount <= outstanding, checked above
        }
        b.outstanding = uint128(outstanding);
        _burn(msg.sender, amount);
        emit Redeemed(msg.sender, amount, outstanding);
    }

    /// @inheritdoc ISettlementToken
    function settlementPay(address payer, address spender, address[] calldata recipients, uint256[] calldata amounts)
        external
    {
        if (msg.sender != _settlement) revert TokenOnlySettlement(msg.sender);
        uint256 n = recipients.length;
        if (n != amounts.length) revert TokenLengthMismatch(n, amounts.length);
        uint256 total;
        for (uint256 i; i < n; ++i) {
            total += amounts[i];
        }
        uint256 balance = balanceOf(payer);
        uint256 allowed = spender == address(0) ? type(uint256).max : allowance(payer, spender);
        if (balance < total || allowed < total) {
            revert SettlementInsufficientFunds(payer, total, balance, allowed);
        }
        if (spender != address(0)) _spendAllowance(payer, spender, total);
        // The settlement contract has checked payer and recipients with the participant registry.
        for (uint256 i; i < n; ++i) {
            ERC20._update(payer, recipients[i], amounts[i]);
        }
    }

    /// @inheritdoc ISettlementToken
    function settlement() external view returns (address) {
        return _settlement;
    }

    /// @inheritdoc ISettlementToken
    function issuanceOf(address bank) external view returns (uint256 limit, uint256 outstanding) {
        Issuance storage b = _issuance[bank];
        return (b.limit, b.outstanding);
    }

    /// @dev A transfer: not while the token is paused.
    function transfer(address to, uint256 value) public override(ERC20, IERC20) returns (bool) {
        Pausing.check(_pause, Pausing.TOKEN);
        return super.transfer(to, value);
    }

    /// @dev `transferFrom` moves tokens on the caller's word: the spender must be active too; not while paused.
    function transferFrom(address from, address to, uint256 value) public override(ERC20, IERC20) returns (bool) {
        Pausing.check(_pause, Pausing.TOKEN);
        if (!_participants.isActive(msg.sender)) revert TokenParticipantNotActive(msg.sender);
        return super.transferFrom(from, to, value);
    }

    /// @dev An approval (the only path that emits Approval) needs an active owner and spender. Spending
    /// an allowance emits none: transferFrom checks its caller, the settlement contract its parties.
    function _approve(address owner, address spender, uint256 value, bool emitEvent) internal override {
        if (emitEvent) {
            if (!_participants.isActive(owner)) revert TokenParticipantNotActive(owner);
            if (!_participants.isActive(spender)) revert TokenParticipantNotActive(spender);
        }
        super._approve(owner, spender, value, emitEvent);
    }

    /// @dev Ordinary transfers, issues and redemptions: both sides must be active participants.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && !_participants.isActive(from)) revert TokenParticipantNotActive(from);
        if (to != address(0) && !_participants.isActive(to)) revert TokenParticipantNotActive(to);
        super._update(from, to, value);
    }
}
