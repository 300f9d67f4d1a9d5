"""Fast signing: one coincurve key per sender and the RLP envelope written directly.

Produces the same bytes as ``LocalAccount.sign_transaction`` for type-2 (EIP-1559) transactions without
an access list and for legacy EIP-155 transactions (``"type": 0`` with ``gasPrice``: chains without
EIP-1559, such as GoQuorum), at about a fifth of the cost (tests check both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import coincurve
import rlp
from eth_utils.crypto import keccak

__all__ = ["FastSigner", "SignedTx"]


@dataclass(frozen=True, slots=True)
class SignedTx:
    hash: bytes
    raw_transaction: bytes


def _int(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


class FastSigner:
    """Signs transaction dicts with keys ``chainId nonce maxPriorityFeePerGas maxFeePerGas gas to value data``
    (type 2), or ``type`` 0 with ``gasPrice`` instead of the two fee caps (legacy, EIP-155)."""

    def __init__(self, private_key: bytes) -> None:
        self._key = coincurve.PrivateKey(private_key)

    def __call__(self, tx: dict[str, Any]) -> SignedTx:
        to = bytes.fromhex(tx["to"][2:]) if tx.get("to") else b""
        if tx.get("type") == 0:
            return self._legacy(tx, to)
        fields: list[Any] = [
            _int(tx["chainId"]), _int(tx["nonce"]), _int(tx["maxPriorityFeePerGas"]), _int(tx["maxFeePerGas"]),
            _int(tx["gas"]), to, _int(tx["value"]), bytes(tx["data"]), [],
        ]  # fmt: skip
        signature = self._key.sign_recoverable(keccak(b"\x02" + rlp.encode(fields)), hasher=None)
        r, s, v = signature[:32], signature[32:64], signature[64]
        raw = b"\x02" + rlp.encode([*fields, _int(v), r.lstrip(b"\0"), s.lstrip(b"\0")])
        return SignedTx(keccak(raw), raw)

    def _legacy(self, tx: dict[str, Any], to: bytes) -> SignedTx:
        chain_id = int(tx["chainId"])
        fields: list[Any] = [
            _int(tx["nonce"]), _int(tx["gasPrice"]), _int(tx["gas"]), to, _int(tx["value"]), bytes(tx["data"]),
        ]
        signature = self._key.sign_recoverable(keccak(rlp.encode([*fields, _int(chain_id), b"", b""])), hasher=None)
        r, s, v = signature[:32], signature[32:64], signature[64]
        raw = rlp.encode([*fields, _int(v + 35 + 2 * chain_id), r.lstrip(b"\0"), s.lstrip(b"\0")])
        return SignedTx(keccak(raw), raw)
