"""Why the indexer stopped (every one non-retryable: running it again without a change fails again)."""

from __future__ import annotations

from ledger.errors import LedgerError, NonRetryableError, RetriesExhaustedError

__all__ = ["ChainMovedError", "IndexerError", "ReorgTooDeepError", "RetriesExhaustedError", "StartBlockError"]


class IndexerError(NonRetryableError):
    """Base of the indexer's own stop reasons."""


class ReorgTooDeepError(IndexerError):
    """The chain no longer holds the indexed blocks and the fork point is not within the reorg window.

    ``number`` is the block where the store and the chain were compared first (the checkpoint),
    ``stored_hash`` the store's hash there, ``chain_hash`` the chain's (None: the chain is shorter).
    """

    def __init__(self, number: int, stored_hash: str, chain_hash: str | None, window: int, lowest: int) -> None:
        chain = chain_hash if chain_hash is not None else "no block (the chain is shorter)"
        super().__init__(
            f"reorg deeper than the reorg window of {window} blocks: the store has block {number} with hash "
            f"{stored_hash}, the chain has {chain} at that height, and no stored block in {lowest}..{number} "
            "is on the chain. Index into a fresh database, or raise LEDGER_REORG_WINDOW if the reorg is real."
        )
        self.number = number
        self.stored_hash = stored_hash
        self.chain_hash = chain_hash
        self.window = window
        self.lowest = lowest


class StartBlockError(IndexerError):
    """``--from-block`` conflicts with the store's checkpoint (it would leave a gap or index twice)."""


class ChainMovedError(LedgerError):
    """The chain changed while a block range was being read (its last block's hash changed, or a log's
    block hash differs from the header's). Not an error to report: the indexer re-reads the head and,
    if blocks it stored are gone, rolls them back."""
