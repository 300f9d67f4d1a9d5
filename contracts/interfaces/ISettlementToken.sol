// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title Settlement token
/// @notice An ERC-20 claim on fiat held by settlement banks (结算银行). Banks issue and redeem it;
/// it moves only between active participants; the settlement contract moves it to pay a trade.
///
/// Each bank issues only within the limit the authority (the council, through the governance) sets for it, and each
/// issuance names the hash of the reserve attestation that backs it. The limit bounds the bank's outstanding
/// issuance: what it issued less what it redeemed, the amount its reserves must cover. A bank redeems only up to its
/// own outstanding issuance (tokens another bank issued are redeemed by that bank), so the banks' outstanding
/// issuances always add up to the total supply. A bank without a limit issues nothing.
interface ISettlementToken is IERC20 {
    /// @notice Thrown when `account`, a party to a transfer, is not an active participant.
    error TokenParticipantNotActive(address account);
    /// @notice Thrown when the caller is not the settlement contract.
    error TokenOnlySettlement(address caller);
    /// @notice Thrown when recipient and amount lists differ in length.
    error TokenLengthMismatch(uint256 recipients, uint256 amounts);
    /// @notice Thrown when a settlement's buyer cannot pay the whole price: its balance, or (on an exchange)
    /// its allowance to the exchange, is below it (off-exchange, `allowance` is the maximum: none is needed).
    error SettlementInsufficientFunds(address buyer, uint256 price, uint256 balance, uint256 allowance);
    /// @notice Thrown when an issuance names no reserve attestation (a zero hash).
    error TokenZeroReserveHash();
    /// @notice Thrown when an issuance would take `bank`'s outstanding issuance to `outstanding`, above its `limit`.
    error TokenIssuanceLimitExceeded(address bank, uint256 limit, uint256 outstanding);
    /// @notice Thrown when `bank` would redeem `amount`, more than its own `outstanding` issuance.
    error TokenRedemptionExceedsOutstanding(address bank, uint256 amount, uint256 outstanding);

    /// @notice A settlement bank issued tokens against fiat received.
    /// @param bank the issuing bank
    /// @param to the receiving participant
    /// @param amount the amount, in the token's smallest unit (fen)
    /// @param reserveHash hash of the reserve attestation backing the issuance
    /// @param outstanding the bank's outstanding issuance afterwards
    event Issued(address indexed bank, address indexed to, uint256 amount, bytes32 reserveHash, uint256 outstanding);
    /// @notice A settlement bank redeemed tokens from its own balance.
    /// @param bank the redeeming bank
    /// @param amount the amount
    /// @param outstanding the bank's outstanding issuance afterwards
    event Redeemed(address indexed bank, uint256 amount, uint256 outstanding);
    /// @notice The authority set a bank's issuance limit.
    /// @param bank the settlement bank
    /// @param limit the most it may have outstanding (issued less redeemed) from now on
    /// @param outstanding its outstanding issuance when the limit was set (it may exceed a lowered limit: the bank
    /// then issues nothing until it has redeemed below it)
    /// @param by the authority
    event IssuanceLimitSet(address indexed bank, uint256 limit, uint256 outstanding, address by);

    /// @notice Issues `amount` to `to` against the reserve attestation whose hash is `reserveHash` (non-zero), within
    /// the caller's issuance limit. Settlement banks.
    function issue(address to, uint256 amount, bytes32 reserveHash) external;

    /// @notice Redeems `amount` from the caller's balance, at most its outstanding issuance. Settlement banks.
    function redeem(uint256 amount) external;

    /// @notice Sets the most `bank` may have outstanding. Authority only (the council, after its delay). May be set
    /// before the account is admitted as a bank; it lets nobody issue who does not hold the role.
    function setIssuanceLimit(address bank, uint128 limit) external;

    /// @notice `bank`'s issuance limit and outstanding issuance (issued less redeemed).
    function issuanceOf(address bank) external view returns (uint256 limit, uint256 outstanding);

    /// @notice Pays a trade: moves `amounts[i]` from `payer` to `recipients[i]`, spending
    /// `spender`'s allowance from `payer` unless `spender` is zero (a signed off-exchange trade).
    /// Checks the whole amount against the balance and allowance first (SettlementInsufficientFunds).
    /// Settlement contract only, which checks every party with the participant registry first.
    function settlementPay(address payer, address spender, address[] calldata recipients, uint256[] calldata amounts)
        external;

    /// @notice The settlement contract.
    function settlement() external view returns (address);
}
