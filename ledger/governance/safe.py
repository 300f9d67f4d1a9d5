"""Safe transactions (pure, no I/O): the EIP-712 ``SafeTx`` an officer signs, the packed signatures a Safe checks,
the ``execTransaction`` call that carries them, and the Safe's own revert codes.

The officers' accounts are Safe smart accounts (``@safe-global/safe-smart-account`` 1.5.0, SafeL2), unmodified:
a Safe executes a transaction once at least ``threshold`` of its owners signed it. Officers sign the transaction's
EIP-712 typed data (domain: the chain id and the Safe's address), each on their own machine; the signatures travel in
a proposal file and anyone may submit them (the Safe checks them, not the sender). Signatures are 65 bytes each
(r, s, v with v 27 or 28), concatenated in ascending order of the signers' addresses, as ``checkNSignatures``
requires.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Final

from eth_abi.abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.contracts.revert import ContractRevert, UnknownRevert

__all__ = [
    "SAFE_ERRORS",
    "SafeOperation",
    "SafeRevert",
    "SafeTx",
    "multi_send_data",
    "pack_signatures",
    "recover_signer",
    "safe_revert",
    "safe_tx_hash",
    "safe_tx_typed_data",
    "sign_safe_tx",
]

ZERO_ADDRESS: Final[str] = "0x0000000000000000000000000000000000000000"

_DOMAIN_TYPEHASH: Final[bytes] = keccak(text="EIP712Domain(uint256 chainId,address verifyingContract)")
_SAFE_TX_TYPEHASH: Final[bytes] = keccak(
    text="SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,uint256 baseGas,"
    "uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)"
)

#: The Safe's revert codes (``revertWithError("GSxxx")``) that a governance transaction can meet, and what they mean.
SAFE_ERRORS: Final[dict[str, str]] = {
    "GS010": "not enough gas to execute the Safe transaction",
    "GS013": "the Safe transaction failed",
    "GS020": "fewer signatures than the Safe's threshold",
    "GS021": "a contract signature points inside the signature data",
    "GS022": "a contract signature's data is out of bounds",
    "GS023": "a contract signature's length is out of bounds",
    "GS024": "a contract signature is invalid",
    "GS025": "an approved-hash signature without the owner's approval",
    "GS026": "a signature is not by an owner of the Safe, or the signatures are not in ascending signer order",
    "GS030": "only owners may approve a hash",
    "GS031": "only the Safe itself may do this",
    "GS104": "the caller is not an enabled module of the Safe",
    "GS200": "the Safe is already set up",
    "GS201": "the threshold exceeds the number of owners",
    "GS202": "the threshold is zero",
    "GS203": "an owner is the zero address, the sentinel or the Safe itself",
    "GS204": "the owner is already an owner",
    "GS205": "the previous owner given does not point to the owner",
}


class SafeOperation(IntEnum):
    CALL = 0
    DELEGATECALL = 1


@dataclass(frozen=True, slots=True)
class SafeTx:
    """One Safe transaction, as its owners sign it. The ledger's governance uses no gas refund: ``safeTxGas``,
    ``baseGas`` and ``gasPrice`` are 0, so a failing inner call reverts the whole transaction with its own error."""

    safe: str
    to: str
    data: bytes
    nonce: int
    value: int = 0
    operation: SafeOperation = SafeOperation.CALL
    safe_tx_gas: int = 0
    base_gas: int = 0
    gas_price: int = 0
    gas_token: str = ZERO_ADDRESS
    refund_receiver: str = ZERO_ADDRESS

    def message(self) -> dict[str, Any]:
        return {
            "to": to_checksum_address(self.to),
            "value": self.value,
            "data": self.data,
            "operation": int(self.operation),
            "safeTxGas": self.safe_tx_gas,
            "baseGas": self.base_gas,
            "gasPrice": self.gas_price,
            "gasToken": to_checksum_address(self.gas_token),
            "refundReceiver": to_checksum_address(self.refund_receiver),
            "nonce": self.nonce,
        }

    def exec_args(self, signatures: bytes) -> tuple[Any, ...]:
        """The arguments of ``execTransaction`` with the packed ``signatures``."""
        return (
            to_checksum_address(self.to), self.value, self.data, int(self.operation), self.safe_tx_gas,
            self.base_gas, self.gas_price, to_checksum_address(self.gas_token),
            to_checksum_address(self.refund_receiver), signatures,
        )  # fmt: skip


def safe_tx_typed_data(tx: SafeTx, chain_id: int) -> dict[str, Any]:
    """The EIP-712 typed data of ``tx`` (what a wallet shows an officer before it signs)."""
    return {
        "types": {
            "EIP712Domain": [
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "SafeTx": [
                {"name": "to", "type": "address"},
                {"name": "value", "type": "uint256"},
                {"name": "data", "type": "bytes"},
                {"name": "operation", "type": "uint8"},
                {"name": "safeTxGas", "type": "uint256"},
                {"name": "baseGas", "type": "uint256"},
                {"name": "gasPrice", "type": "uint256"},
                {"name": "gasToken", "type": "address"},
                {"name": "refundReceiver", "type": "address"},
                {"name": "nonce", "type": "uint256"},
            ],
        },
        "primaryType": "SafeTx",
        "domain": {"chainId": chain_id, "verifyingContract": to_checksum_address(tx.safe)},
        "message": tx.message(),
    }


def safe_tx_hash(tx: SafeTx, chain_id: int) -> bytes:
    """The EIP-712 digest of ``tx``: what the Safe's ``getTransactionHash`` returns and what owners sign."""
    domain = keccak(abi_encode(["bytes32", "uint256", "address"], [_DOMAIN_TYPEHASH, chain_id, tx.safe]))
    types = ["bytes32", "address", "uint256", "bytes32", "uint8", "uint256", "uint256", "uint256", "address",
             "address", "uint256"]  # fmt: skip
    values = [_SAFE_TX_TYPEHASH, tx.to, tx.value, keccak(tx.data), int(tx.operation), tx.safe_tx_gas, tx.base_gas,
              tx.gas_price, tx.gas_token, tx.refund_receiver, tx.nonce]  # fmt: skip
    struct = keccak(abi_encode(types, values))
    return keccak(b"\x19\x01" + domain + struct)


def sign_safe_tx(account: LocalAccount, tx: SafeTx, chain_id: int) -> bytes:
    """``account``'s EIP-712 signature of ``tx`` (65 bytes: r, s, v with v 27 or 28)."""
    signed = account.sign_message(encode_typed_data(full_message=safe_tx_typed_data(tx, chain_id)))
    return bytes(signed.signature)


def recover_signer(tx: SafeTx, chain_id: int, signature: bytes) -> str:
    """The address whose key made ``signature`` over ``tx``."""
    if len(signature) != 65:
        raise ValueError(f"a Safe owner's signature is 65 bytes, got {len(signature)}")
    signable = encode_typed_data(full_message=safe_tx_typed_data(tx, chain_id))
    return to_checksum_address(Account.recover_message(signable, signature=signature))


def pack_signatures(signatures: Mapping[str, bytes]) -> bytes:
    """The signatures, keyed by signer, concatenated in ascending order of the signers' addresses."""
    return b"".join(signatures[signer] for signer in sorted(signatures, key=lambda a: int(a, 16)))


def multi_send_data(calls: list[tuple[str, bytes]]) -> bytes:
    """The ``transactions`` argument of MultiSendCallOnly's ``multiSend``: each call packed as operation (0), target,
    value (0), data length and data."""
    out = b""
    for to, data in calls:
        out += b"\x00" + bytes.fromhex(to.removeprefix("0x")) + (0).to_bytes(32, "big")
        out += len(data).to_bytes(32, "big") + data
    return out


class SafeRevert(ContractRevert):
    """A Safe refused a transaction with one of its ``GSxxx`` codes (``code``; ``meaning`` says what it is)."""

    refusal = "permission"

    def __init__(self, code: str, *, data: bytes = b"", operation: str = "") -> None:
        self.code = code
        self.meaning = SAFE_ERRORS.get(code, "unknown Safe error")
        super().__init__({"code": code, "meaning": self.meaning}, data=data, operation=operation)


def safe_revert(exc: ContractRevert) -> ContractRevert:
    """``exc`` as a :class:`SafeRevert` when it is one of the Safe's ``GSxxx`` codes, else ``exc`` itself."""
    if isinstance(exc, UnknownRevert) and exc.reason.startswith("GS") and exc.reason[2:].isdigit():
        return SafeRevert(exc.reason, data=exc.data, operation=exc.operation)
    return exc
