"""Canonical encodings and the event hash chain (pure, no I/O).

Every event is encoded as compact JSON of ``[block, log index, block hash, tx hash, contract, name,
args]`` with sorted keys (big integers exact), and chained: ``c_i = SHA-256(c_{i-1} || encoding_i)``
from ``c_0 = 32 zero bytes``. The chain value after a block's last event is that block's running
hash ``h_n = H(h_{n-1} || events of block n)``; two event histories agree up to block n exactly when
their ``h_n`` agree, so the first block whose running hashes differ is where the histories part.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import orjson

from ledger._json import loads_exact
from ledger.decode import LedgerEvent
from ledger.store._engine import json_default

__all__ = ["GENESIS", "ChainSegment", "HashChain", "canonical_json", "event_encoding", "loads_exact", "row_encoding"]

GENESIS: Final = "0x" + "00" * 32


def canonical_json(value: Any) -> bytes:
    """Compact JSON, keys sorted, UTF-8, integers exact (orjson when it can, the standard library beyond 64 bits)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=json_default)
    except TypeError:
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=json_default
        ).encode()


def event_encoding(ev: LedgerEvent) -> bytes:
    return canonical_json([ev.block_number, ev.log_index, ev.block_hash, ev.tx_hash, ev.contract, ev.name, ev.args])


def row_encoding(row: Any) -> bytes:
    return canonical_json(row)


@dataclass(frozen=True, slots=True)
class ChainSegment:
    """The running hashes over a run of consecutive events, computed where they were read (a reader
    process): the chain value before the first event (``start``) and after the last (``end``), ``h_n`` of
    each block with events in the run, and how many events it holds. :meth:`HashChain.adopt` appends it."""

    start: str
    end: str
    blocks: dict[int, str]
    events: int

    @classmethod
    def over(cls, start: str, events: Iterable[LedgerEvent]) -> ChainSegment:
        chain = HashChain(start)
        chain.extend(events)
        return cls(start, chain.head, chain.blocks, chain.events)

    def then(self, other: ChainSegment) -> ChainSegment:
        """This segment followed by ``other`` (which must start where this one ends)."""
        if other.start != self.end:
            raise ValueError(f"segment starting at {other.start} does not continue one ending at {self.end}")
        return ChainSegment(self.start, other.end, {**self.blocks, **other.blocks}, self.events + other.events)


class HashChain:
    """The running hash over events in log order; :attr:`blocks` maps each block with events to ``h_n``."""

    def __init__(self, start: str = GENESIS) -> None:
        self._value = bytes.fromhex(start[2:])
        self.blocks: dict[int, str] = {}
        self.events = 0
        self._block: int | None = None

    @property
    def head(self) -> str:
        """The chain value after the last event added (``GENESIS`` before any)."""
        return "0x" + self._value.hex()

    def add(self, ev: LedgerEvent) -> str:
        """Adds one event (in log order); returns the chain value after it."""
        self._value = hashlib.sha256(self._value + event_encoding(ev)).digest()
        self.events += 1
        value = "0x" + self._value.hex()
        self.blocks[ev.block_number] = value
        return value

    def extend(self, events: Iterable[LedgerEvent]) -> None:
        sha = hashlib.sha256
        value = self._value
        blocks = self.blocks
        count = 0
        last: LedgerEvent | None = None
        for ev in events:
            if last is not None and ev.block_number != last.block_number:
                blocks[last.block_number] = "0x" + value.hex()
            value = sha(value + event_encoding(ev)).digest()
            count += 1
            last = ev
        if last is not None:
            blocks[last.block_number] = "0x" + value.hex()
        self._value = value
        self.events += count

    def adopt(self, segment: ChainSegment) -> None:
        """Appends a segment computed elsewhere; it must start at this chain's head."""
        if segment.start != self.head:
            raise ValueError(f"segment starting at {segment.start} does not continue the chain at {self.head}")
        self.blocks.update(segment.blocks)
        self._value = bytes.fromhex(segment.end[2:])
        self.events += segment.events

    def at(self, block: int) -> str:
        """``h_block``: the chain value after the last event at or below ``block``."""
        best = -1
        for n in self.blocks:
            if best < n <= block:
                best = n
        return GENESIS if best < 0 else self.blocks[best]
