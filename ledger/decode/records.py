"""Decoded records: one :class:`LedgerEvent` per log, one :class:`BlockHeader` per block, and the raw
JSON-RPC shapes they come from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from ledger.errors import MalformedAnswerError

__all__ = ["BlockHeader", "LedgerEvent", "MalformedAnswerError", "RawBlock", "RawLog"]


class RawLog(TypedDict):
    """An ``eth_getLogs`` entry (hex strings as the node sends them)."""

    address: str
    topics: list[str]
    data: str
    blockNumber: str
    blockHash: str
    transactionHash: str
    transactionIndex: str
    logIndex: str
    removed: bool


class RawBlock(TypedDict):
    """The fields of an ``eth_getBlockByNumber(n, false)`` answer that the indexer reads."""

    number: str
    hash: str
    parentHash: str
    timestamp: str


@dataclass(frozen=True, slots=True)
class LedgerEvent:
    """One decoded log of a ledger contract.

    ``args`` holds JSON-able values in the event's parameter order: integers as ``int`` (uint256 may
    exceed 64 bits), ``bytes``/``bytesN`` as ``"0x…"`` lowercase hex, addresses checksummed, structs as
    dicts keyed by component name, arrays as lists. An indexed ``string``/``bytes``/struct/array argument
    holds the 32-byte topic (its keccak hash) as hex. Hashes are lowercase ``0x`` hex.
    """

    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int
    contract: str
    name: str
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BlockHeader:
    """The part of a block header the index keeps (hashes lowercase ``0x`` hex, timestamp in seconds)."""

    number: int
    hash: str
    parent_hash: str
    timestamp: int

    @classmethod
    def from_rpc(cls, block: Mapping[str, Any] | None) -> BlockHeader:
        """Parses an ``eth_getBlockByNumber`` answer; raises :class:`MalformedAnswerError` on a bad shape."""
        if not isinstance(block, Mapping):
            raise MalformedAnswerError(f"block: expected an object, got {block!r:.200}", method="eth_getBlockByNumber")
        try:
            number = int(block["number"], 16)
            block_hash = _hash(block["hash"])
            parent = _hash(block["parentHash"])
            timestamp = int(block["timestamp"], 16)
        except (KeyError, TypeError, ValueError) as exc:
            raise MalformedAnswerError(
                f"block: malformed header ({exc!r}): {dict(block)!r:.300}", method="eth_getBlockByNumber"
            ) from None
        return cls(number, block_hash, parent, timestamp)


def _hash(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 66 or not value.startswith("0x"):
        raise ValueError(f"expected a 32-byte 0x hash, got {value!r:.80}")
    int(value, 16)
    return value.lower()
