// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ILedgerPause} from "./interfaces/ILedgerPause.sol";
import {ISettlementToken} from "./interfaces/ISettlementToken.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Identities} from "./libraries/Identities.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title SettlementToken
/// @notice See {ISettlementToken}. Two decimals: one unit is one fen (分).
/// @dev Balances, allowances and issuance are kept under participants' identities (see {IParticipantRegistry}), so
/// they stay with an organisation whatever key it signs with. Participants name themselves and each other by the
/// keys they sign with now; views take an identity or any key of it. OpenZeppelin's ERC20 keeps the books.
contract SettlementToken is ERC20, ISettlementToken {
    using Identities for IParticipantRegistry;

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
        bank = _participants.named(bank);
        Issuance storage b = _issuance[bank];
        b.limit = limit;
        emit IssuanceLimitSet(bank, limit, b.outstanding, msg.sender);
    }

    // ─────────────────────────────────────────────────────────── banks

    /// @inheritdoc ISettlementToken
    function issue(address to, uint256 amount, bytes32 reserveHash) external {
        Pausing.check(_pause, Pausing.TOKEN);
        (address bank,) = _participants.requireIdentity(msg.sender, Roles.SETTLEMENT_BANK);
        if (reserveHash == bytes32(0)) revert TokenZeroReserveHash();
        Issuance storage b = _issuance[bank];
        uint256 limit = b.limit;
        uint256 outstanding = b.outstanding + amount;
        if (outstanding > limit) revert TokenIssuanceLimitExceeded(msg.sender, limit, outstanding);
        b.outstanding = uint128(outstanding); // at most `limit`, a uint128
        if (to == address(0)) revert ERC20InvalidReceiver(to);
        to = _signer(to);
        _mint(to, amount);
        emit Issued(bank, to, amount, reserveHash, outstanding);
    }

    /// @inheritdoc ISettlementToken
    function redeem(uint256 amount) external {
        Pausing.check(_pause, Pausing.TOKEN);
        (address bank,) = _participants.requireIdentity(msg.sender, Roles.SETTLEMENT_BANK);
        Issuance storage b = _issuance[bank];
        uint256 outstanding = b.outstanding;
        if (amount > outstanding) revert TokenRedemptionExceedsOutstanding(msg.sender, amount, outstanding);
        unchecked {
            outstanding -= amount; // amount <= outstanding, checked above
        }
        b.outstanding = uint128(outstanding);
        _burn(bank, amount);
        emit Redeemed(bank, amount, outstanding);
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
        // The settlement contract names the parties by their identities.
        uint256 balance = super.balanceOf(payer);
        uint256 allowed = spender == address(0) ? type(uint256).max : super.allowance(payer, spender);
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
        Issuance storage b = _issuance[_participants.named(bank)];
        return (b.limit, b.outstanding);
    }

    /// @dev The balance of the participant `account` names (its identity or any of its keys).
    function balanceOf(address account) public view override(ERC20, IERC20) returns (uint256) {
        return super.balanceOf(_participants.named(account));
    }

    /// @dev The allowance between the participants `owner` and `spender` name.
    function allowance(address owner, address spender) public view override(ERC20, IERC20) returns (uint256) {
        return super.allowance(_participants.named(owner), _participants.named(spender));
    }

    /// @dev A transfer between two active participants, named by their current keys; not while paused.
    function transfer(address to, uint256 value) public override(ERC20, IERC20) returns (bool) {
        Pausing.check(_pause, Pausing.TOKEN);
        if (to == address(0)) revert ERC20InvalidReceiver(to);
        address from = _signer(msg.sender);
        _transfer(from, _signer(to), value);
        return true;
    }

    /// @dev An approval needs an active owner and spender (named by their current keys).
    function approve(address spender, uint256 value) public override(ERC20, IERC20) returns (bool) {
        address owner = _signer(msg.sender);
        _approve(owner, _signer(spender), value, true);
        return true;
    }

    /// @dev `transferFrom` moves tokens on the caller's word: the spender, the owner and the receiver must be active
    /// participants, named by their current keys; not while paused.
    function transferFrom(address from, address to, uint256 value) public override(ERC20, IERC20) returns (bool) {
        Pausing.check(_pause, Pausing.TOKEN);
        address spender = _signer(msg.sender);
        _spendAllowance(_participants.named(from), spender, value);
        if (from == address(0)) revert ERC20InvalidSender(from);
        if (to == address(0)) revert ERC20InvalidReceiver(to);
        address owner = _signer(from);
        _transfer(owner, _signer(to), value);
        return true;
    }

    /// @dev OpenZeppelin's, reading the allowance under the identities it is given (not through {allowance}).
    function _spendAllowance(address owner, address spender, uint256 value) internal override {
        uint256 current = super.allowance(owner, spender);
        if (current < type(uint256).max) {
            if (current < value) revert ERC20InsufficientAllowance(spender, current, value);
            unchecked {
                _approve(owner, spender, current - value, false);
            }
        }
    }

    /// @dev The identity of the active participant for which `account` signs now.
    function _signer(address account) private view returns (address identity) {
        identity = _participants.signerIdentity(account);
        if (identity == address(0)) revert TokenParticipantNotActive(account);
    }

}
