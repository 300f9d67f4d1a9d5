// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title Settlement token
/// @notice An ERC-20 claim on fiat held by settlement banks (结算银行). Banks issue and redeem it;
/// it moves only between active participants; the settlement contract moves it to pay a trade.
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

    /// @notice A settlement bank issued tokens against fiat received.
    /// @param bank the issuing bank
    /// @param to the receiving participant
    /// @param amount the amount, in the token's smallest unit (fen)
    event Issued(address indexed bank, address indexed to, uint256 amount);
    /// @notice A settlement bank redeemed tokens from its own balance.
    /// @param bank the redeeming bank
    /// @param amount the amount
    event Redeemed(address indexed bank, uint256 amount);

    /// @notice Issues `amount` to `to`. Settlement banks.
    function issue(address to, uint256 amount) external;

    /// @notice Redeems `amount` from the caller's balance. Settlement banks.
    function redeem(uint256 amount) external;

    /// @notice Pays a trade: moves `amounts[i]` from `payer` to `recipients[i]`, spending
    /// `spender`'s allowance from `payer` unless `spender` is zero (a signed off-exchange trade).
    /// Checks the whole amount against the balance and allowance first (SettlementInsufficientFunds).
    /// Settlement contract only, which checks every party with the participant registry first.
    function settlementPay(address payer, address spender, address[] calldata recipients, uint256[] calldata amounts)
        external;

    /// @notice The settlement contract.
    function settlement() external view returns (address);
}
