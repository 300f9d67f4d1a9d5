"""The indexing loop: fetch a range, check it continues the checkpoint, decode, write; roll back on reorgs.

Invariants:

* the store's checkpoint is the last block of the last committed batch, written in the same
  transaction as the batch's rows (:meth:`IndexStore.apply`); a restart continues at checkpoint + 1;
* a batch is written only if its first block's parent hash is the checkpoint's hash (and, inside the
  batch, the fetcher checked that logs and headers come from one chain);
* a checkpoint that is no longer on the chain (seen at start-up, when a batch does not link, or when
  the head changes while there is nothing new) is rolled back to the highest stored block within
  ``reorg_window`` blocks that still is on the chain; if there is none the indexer stops with
  :class:`~ledger.indexer.errors.ReorgTooDeepError`.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Final

from ledger._gc import gc_paused
from ledger.chain.retry import Retrier, RetryPolicy, Stopped
from ledger.decode import BlockHeader, EventDecoder, LedgerEvent
from ledger.errors import MalformedAnswerError, RetryableError
from ledger.indexer.errors import ChainMovedError, ReorgTooDeepError, RetriesExhaustedError, StartBlockError
from ledger.indexer.fetcher import ChainReader, FetchedRange, LogFetcher, RangeSizer
from ledger.indexer.progress import Progress
from ledger.indexer.writer import BatchWriter, IndexStore
from ledger.settings import LedgerSettings

__all__ = ["IndexReport", "Indexer", "IndexerConfig"]

logger = logging.getLogger(__name__)

_CHAIN_MOVED_PAUSE: Final[float] = 0.05
_DEEP_REORG_CHECKS: Final[int] = 3  # looks at the chain before stopping on a reorg deeper than the window


@dataclass(frozen=True, slots=True)
class IndexerConfig:
    """How the indexer behaves (see the ``LEDGER_REORG_WINDOW`` / ``LEDGER_INDEX_*`` settings)."""

    confirmations: int = 0
    reorg_window: int = 128
    batch_blocks: int = 2000
    max_logs: int = 10_000
    poll_interval: float = 0.15
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_settings(cls, settings: LedgerSettings) -> IndexerConfig:
        return cls(
            # Never index a block the engine may still replace: Clique's finality depth (its own block
            # included) means that many - 1 blocks on top; the reorg handling stays as a second line.
            confirmations=max(settings.index_confirmations, (settings.finality_confirmations or 1) - 1),
            reorg_window=settings.reorg_window,
            batch_blocks=settings.index_batch_blocks,
            max_logs=settings.index_max_logs,
            poll_interval=settings.index_poll_interval,
            retry=RetryPolicy(attempts=settings.index_retries),
        )


@dataclass(slots=True)
class IndexReport:
    """What one :meth:`Indexer.run` did."""

    chain_id: int
    start_block: int = 0
    checkpoint: tuple[int, str] | None = None
    blocks: int = 0
    events: int = 0
    batches: int = 0
    reorgs: int = 0
    rolled_back_blocks: int = 0
    retries: int = 0
    refused_ranges: int = 0
    seconds: float = 0.0
    fetch_seconds: float = 0.0  # eth_getLogs and block headers, retries and their waits included
    decode_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


class Indexer:
    """Indexes the logs of one deployment into an :class:`IndexStore`.

    ``start_block`` is where an empty store starts (the deployment block). ``stop`` ends :meth:`run`
    after the batch in progress (set it from a signal handler or another thread).
    """

    def __init__(
        self,
        chain: ChainReader,
        store: IndexStore,
        decoder: EventDecoder,
        *,
        start_block: int,
        chain_id: int,
        config: IndexerConfig | None = None,
        stop: threading.Event | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.chain = chain
        self.store = store
        self.decoder = decoder
        self.start_block = start_block
        self.chain_id = chain_id
        self.config = config or IndexerConfig()
        self.stop = stop or threading.Event()
        self.progress = progress
        self.retrier = Retrier(self.config.retry, self.stop, log_extra={"chain_id": chain_id})
        self.fetcher = LogFetcher(chain, RangeSizer(self.config.batch_blocks, self.config.max_logs), self.retrier)
        self.writer = BatchWriter(store, chain_id=chain_id)
        self.checkpoint: tuple[int, str] | None = None
        self.next_block = start_block
        self._seen_head: str | None = None
        self._noted_head: str | None = None
        self._caught_up = False
        self._moves = 0  # consecutive reads spoilt by the chain moving
        self._report = IndexReport(chain_id=chain_id)

    # ------------------------------------------------------------------ loop

    def run(self, *, follow: bool = False, from_block: int | None = None) -> IndexReport:
        """Indexes up to the head minus ``confirmations`` as seen at the start (one-shot), or forever,
        polling for new blocks (``follow``), until ``stop`` is set."""
        report = self._report = IndexReport(chain_id=self.chain_id)
        started = time.monotonic()
        fixed_target: int | None = None
        try:
            self._resume(from_block)
            report.start_block = self.next_block
            while not self.stop.is_set():
                head = self.retrier.call("eth_getBlockByNumber(latest)", self.chain.head)
                self._note_head(head)
                target = head.number - self.config.confirmations
                if fixed_target is None and not follow:
                    fixed_target = target
                limit = target if fixed_target is None else min(target, fixed_target)
                if self.next_block > limit:
                    if head.hash != self._seen_head:
                        self._seen_head = head.hash
                        if self._check_tip(head):
                            continue
                    if self.progress is not None:
                        self.progress.finish()
                    self._caught_up = True
                    if not follow or self.stop.wait(self.config.poll_interval):
                        break
                    continue
                if self.progress is not None and not self._caught_up and not self.progress.active:
                    self.progress.start(self.next_block, limit)
                self._step(head, limit)
        except Stopped:
            pass
        finally:
            if self.progress is not None:
                self.progress.finish()
            report.seconds = time.monotonic() - started
            report.checkpoint = self.checkpoint
            report.retries = self.retrier.retries
            report.refused_ranges = self.fetcher.refusals
        return report

    def _note_head(self, head: BlockHeader) -> None:
        """Tells the store about a new chain head (readers such as the API compute the lag from it).
        Best effort: a store without ``note_head`` or a failing write does not stop indexing."""
        note = getattr(self.store, "note_head", None)
        if note is None or head.hash == self._noted_head:
            return
        try:
            note(self.chain_id, head)
        except RetryableError as exc:
            logger.debug("could not record the chain head: %s", exc, extra={"block": head.number})
            return
        self._noted_head = head.hash

    def _step(self, head: BlockHeader, limit: int) -> None:
        """Reads, checks and writes one range starting at ``next_block``."""
        first = self.next_block
        try:
            fetched, events = self.retrier.call(
                f"reading blocks {first}..{limit}",
                lambda: self._read(first, limit, head),
            )
        except ChainMovedError as exc:
            self._moves += 1
            if self._moves > self.config.retry.attempts:
                raise RetriesExhaustedError(
                    f"reading blocks from {first}: the node's answers kept contradicting each other "
                    f"({self._moves} times; last: {exc})"
                ) from exc
            logger.info("the chain moved while reading blocks from %d (%s); reading again", first, exc,
                        extra={"chain_id": self.chain_id, "block": first})  # fmt: skip
            self._seen_head = None
            if self.stop.wait(_CHAIN_MOVED_PAUSE):
                raise Stopped from None
            return
        first_header = fetched.headers[first]
        if self.checkpoint is not None and first_header.parent_hash != self.checkpoint[1]:
            number, stored = self.checkpoint
            self._handle_reorg(number, stored, first_header.parent_hash)
            return
        checkpoint = fetched.headers[fetched.last]
        headers = [fetched.headers[n] for n in sorted(fetched.headers)]
        # A store that reports a RetryableError (its database unreachable for a moment) rolled the
        # transaction back: writing the same batch again is safe.
        self.retrier.call(
            f"writing blocks {first}..{checkpoint.number}", lambda: self.writer.write(headers, events, checkpoint)
        )
        self.checkpoint = (checkpoint.number, checkpoint.hash)
        self.next_block = checkpoint.number + 1
        self._seen_head = head.hash
        self._moves = 0
        report = self._report
        report.blocks += fetched.blocks
        report.events += len(events)
        report.batches += 1
        report.write_seconds = self.writer.seconds
        if self.progress is not None:
            self.progress.update(checkpoint.number, report.events)

    def _read(self, first: int, limit: int, head: BlockHeader) -> tuple[FetchedRange, list[LedgerEvent]]:
        # The answer's parsed JSON and the decoded events are hundreds of thousands of containers that all stay
        # alive until written: the cyclic collector, left on, would scan them over and over for nothing.
        with gc_paused():
            started = time.perf_counter()
            try:
                fetched = self.fetcher.fetch(
                    first, limit, dense_from=head.number - self.config.reorg_window, known=head
                )
            finally:
                decoding = time.perf_counter()
                self._report.fetch_seconds += decoding - started
            events = self.decoder.decode(fetched.logs)
            self._report.decode_seconds += time.perf_counter() - decoding
        previous = (first, -1)
        for event in events:
            key = (event.block_number, event.log_index)
            if key <= previous or event.block_number > fetched.last:
                raise MalformedAnswerError(
                    f"eth_getLogs {first}..{fetched.last}: log {key} out of order or out of range (after {previous})",
                    method="eth_getLogs",
                )
            previous = key
        return fetched, events

    # ------------------------------------------------------------- checkpoint

    def _resume(self, from_block: int | None) -> None:
        """Continues after the store's checkpoint, first checking that it is still on the chain."""
        stored = self.retrier.call("reading the store's checkpoint", self.store.checkpoint)
        self.checkpoint = stored
        if stored is None:
            self.next_block = self.start_block if from_block is None else from_block
            logger.info("empty store: indexing from block %d", self.next_block,
                        extra={"chain_id": self.chain_id, "block": self.next_block})  # fmt: skip
            return
        number, block_hash = stored
        if from_block is not None and from_block != number + 1:
            raise StartBlockError(
                f"--from-block {from_block}: the store already holds blocks up to {number} and continues at "
                f"{number + 1}; index into a fresh database to start elsewhere"
            )
        self.next_block = number + 1
        on_chain = self.retrier.call(f"eth_getBlockByNumber({number})", lambda: self.chain.headers([number])[number])
        chain_hash = None if on_chain is None else on_chain.hash
        if chain_hash != block_hash:
            self._handle_reorg(number, block_hash, chain_hash)
        logger.info("resuming after block %d (%s)", self.checkpoint[0] if self.checkpoint else number, block_hash,
                    extra={"chain_id": self.chain_id, "block": self.next_block})  # fmt: skip

    def _check_tip(self, head: BlockHeader) -> bool:
        """Whether the checkpoint left the chain (and was rolled back) although no new block is due."""
        if self.checkpoint is None:
            return False
        number, stored = self.checkpoint
        if head.number == number:
            chain_hash: str | None = head.hash
        elif head.number < number:
            chain_hash = None
        else:
            on_chain = self.retrier.call(
                f"eth_getBlockByNumber({number})", lambda: self.chain.headers([number])[number]
            )
            chain_hash = None if on_chain is None else on_chain.hash
        if chain_hash == stored:
            return False
        self._handle_reorg(number, stored, chain_hash)
        return True

    def _handle_reorg(self, number: int, stored_hash: str, chain_hash: str | None) -> None:
        """Rolls the store back to the highest stored block within the window that is still on the chain."""
        window = self.config.reorg_window
        lowest = max(0, number - window)
        stored: dict[int, str] = {}
        for n in range(lowest, number + 1):
            stored_at = self.retrier.call(f"reading stored block {n}", functools.partial(self.store.block_hash, n))
            if stored_at is not None:
                stored[n] = stored_at
        fork: int | None = None
        for attempt in range(_DEEP_REORG_CHECKS):
            on_chain = self.retrier.call(
                f"reading blocks {lowest}..{number} to find the fork point", lambda: self.chain.headers(stored)
            )
            fork = next(
                (n for n in sorted(stored, reverse=True) if (c := on_chain.get(n)) is not None and c.hash == stored[n]),
                None,
            )
            if fork is not None:
                break
            at_number = on_chain.get(number)
            chain_hash = None if at_number is None else at_number.hash
            # A chain in the middle of switching forks can look shorter or foreign for a moment: look again
            # before giving up for good.
            if attempt + 1 < _DEEP_REORG_CHECKS and self.stop.wait(self.config.poll_interval):
                raise Stopped
        if fork is None:
            raise ReorgTooDeepError(number, stored_hash, chain_hash, window, lowest)
        logger.warning(
            "reorg: block %d is %s on the chain, %s in the store; rolling back %d blocks to block %d",
            number, chain_hash or "missing", stored_hash, number - fork, fork,
            extra={"chain_id": self.chain_id, "block": number, "fork_block": fork, "depth": number - fork,
                   "stored_hash": stored_hash, "chain_hash": chain_hash},
        )  # fmt: skip
        self.retrier.call(f"rolling back to block {fork}", lambda: self.writer.rollback(fork))
        self.checkpoint = (fork, stored[fork])
        self.next_block = fork + 1
        self._seen_head = None
        self._report.reorgs += 1
        self._report.rolled_back_blocks += number - fork
