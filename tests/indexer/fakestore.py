"""An in-memory store with the interface the indexer uses (``ledger.indexer.IndexStore``), strict about it.

It keeps blocks, events and the checkpoint only (no state projection): ``state_checksum`` hashes the
events, which is what the indexer is responsible for. Every write is all-or-nothing, and a write that
breaks the store's contract (an event at or below the checkpoint, a duplicate, a block header that
contradicts a stored one, a rollback target that is not stored) raises ``AssertionError``, so a test
with this store fails on any indexer mistake the real store would only notice later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence

from ledger.decode import BlockHeader, LedgerEvent


class FakeStore:
    def __init__(self) -> None:
        self.blocks: dict[int, BlockHeader] = {}
        self.events: dict[tuple[int, int], LedgerEvent] = {}
        self._checkpoint: tuple[int, str] | None = None
        self.applies = 0
        self.rollbacks: list[int] = []
        self.before_apply: Callable[[int], None] | None = None  # called with the apply count (tests raise here)

    # the IndexStore interface

    def checkpoint(self) -> tuple[int, str] | None:
        return self._checkpoint

    def block_hash(self, number: int) -> str | None:
        header = self.blocks.get(number)
        return None if header is None else header.hash

    def apply(self, blocks: Sequence[BlockHeader], events: Sequence[LedgerEvent], checkpoint: BlockHeader) -> None:
        if self.before_apply is not None:
            self.before_apply(self.applies)
        floor = self._checkpoint[0] if self._checkpoint is not None else -1
        assert checkpoint.number > floor, f"checkpoint {checkpoint.number} does not move past {floor}"
        new_blocks = dict(self.blocks)
        for header in [*blocks, checkpoint]:
            seen = new_blocks.get(header.number)
            assert seen is None or seen == header, f"block {header.number}: {header} contradicts stored {seen}"
            assert header.number > floor or seen is not None, f"new header {header.number} at or below {floor}"
            new_blocks[header.number] = header
        new_events = dict(self.events)
        for event in events:
            key = (event.block_number, event.log_index)
            assert floor < event.block_number <= checkpoint.number, (
                f"event {key} outside ({floor}, {checkpoint.number}]"
            )
            assert key not in new_events, f"duplicate event {key}"
            assert event.block_number in new_blocks, f"event {key} of a block without header"
            assert new_blocks[event.block_number].hash == event.block_hash, f"event {key} of another block hash"
            new_events[key] = event
        self.blocks, self.events = new_blocks, new_events
        self._checkpoint = (checkpoint.number, checkpoint.hash)
        self.applies += 1

    def rollback(self, to_block: int) -> None:
        assert to_block in self.blocks, f"rollback to block {to_block}, which is not stored"
        self.blocks = {n: b for n, b in self.blocks.items() if n <= to_block}
        self.events = {k: e for k, e in self.events.items() if k[0] <= to_block}
        self._checkpoint = (to_block, self.blocks[to_block].hash)
        self.rollbacks.append(to_block)

    # what the tests read

    def state_checksum(self, at_block: int | None = None) -> str:
        digest = hashlib.sha256()
        for key in sorted(self.events):
            if at_block is not None and key[0] > at_block:
                continue
            e = self.events[key]
            digest.update(json.dumps([*key, e.block_hash, e.tx_hash, e.contract, e.name, e.args]).encode())
        return digest.hexdigest()

    def close(self) -> None:
        pass
