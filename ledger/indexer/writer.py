"""The store side: what the indexer needs of a store, and the writer that hands it one batch at a time."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Protocol

from ledger.decode import BlockHeader, LedgerEvent

__all__ = ["BatchWriter", "IndexStore"]

logger = logging.getLogger(__name__)


class IndexStore(Protocol):
    """The part of :class:`ledger.store.Store` the indexer uses (a fake in the tests implements it too)."""

    def checkpoint(self) -> tuple[int, str] | None:
        """(number, hash) of the last block whose events are all stored; None for an empty store."""
        ...

    def block_hash(self, number: int) -> str | None:
        """Hash of a stored block; None if that block is not stored."""
        ...

    def apply(self, blocks: Sequence[BlockHeader], events: Sequence[LedgerEvent], checkpoint: BlockHeader) -> None:
        """In one transaction: store the blocks and events, project the events, move the checkpoint."""
        ...

    def rollback(self, to_block: int) -> None:
        """In one transaction: forget everything above ``to_block`` (a stored block) and make it the checkpoint."""
        ...


class BatchWriter:
    """Writes one fetched range per store transaction, checkpoint included, and logs what it did."""

    def __init__(self, store: IndexStore, *, chain_id: int) -> None:
        self.store = store
        self.chain_id = chain_id
        self.events = 0
        self.batches = 0
        self.seconds = 0.0

    def write(self, blocks: Sequence[BlockHeader], events: Sequence[LedgerEvent], checkpoint: BlockHeader) -> None:
        started = time.perf_counter()
        self.store.apply(blocks, events, checkpoint)
        elapsed = time.perf_counter() - started
        self.events += len(events)
        self.batches += 1
        self.seconds += elapsed
        first = blocks[0].number if blocks else checkpoint.number
        logger.info(
            "stored blocks %d..%d: %d events, %d headers in %.3fs", first, checkpoint.number, len(events),
            len(blocks), elapsed,
            extra={"chain_id": self.chain_id, "block": checkpoint.number, "from_block": first,
                   "batch_size": len(events), "headers": len(blocks), "duration": elapsed},
        )  # fmt: skip

    def rollback(self, to_block: int) -> None:
        started = time.perf_counter()
        self.store.rollback(to_block)
        elapsed = time.perf_counter() - started
        logger.info(
            "rolled back to block %d in %.3fs", to_block, elapsed,
            extra={"chain_id": self.chain_id, "block": to_block, "duration": elapsed},
        )  # fmt: skip
