"""Where a replay reads the event history from: the chain (``eth_getLogs``, decoded from the ABIs) or
a store's ``events`` table (the live index, or a bundle's events).

A source yields :class:`Batch` es of whole blocks in log order, each with the headers of its blocks
(the projection needs their timestamps), up to and including a target block.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import queue
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

import sqlalchemy as sa

from ledger.audit._canonical import GENESIS, ChainSegment, loads_exact
from ledger.audit.errors import TargetBlockError
from ledger.chain.failover import FailoverRpcClient
from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.deploy import Deployment, event_contracts
from ledger.decode import BlockHeader, EventDecoder, LedgerEvent
from ledger.indexer import ChainReader, FetchedRange, LogFetcher, RangeSizer, Retrier, RetryPolicy
from ledger.store import Store
from ledger.store.schema import blocks as blocks_table
from ledger.store.schema import events as events_table

__all__ = ["Batch", "ChainSource", "IndexSource", "prefetched", "read_store_events", "rebatched", "worker_batches"]

_EVENTS_PER_BATCH: Final = 20_000
_DONE: Final = object()

T = TypeVar("T")
_HEADER_CHUNK: Final = 500


@dataclass(frozen=True, slots=True)
class Batch:
    """Whole blocks of events in log order and the headers of (at least) their blocks; ``segment``: the
    running hashes over ``events`` if the reader computed them (see :func:`worker_batches`)."""

    headers: list[BlockHeader]
    events: list[LedgerEvent]
    segment: ChainSegment | None = None


class ChainSource:
    """The deployment's logs on a node, read over adaptive ``eth_getLogs`` ranges (retrying transient
    failures) and decoded with the contracts' ABIs (contract name -> ABI).

    The first range is one block and grows while answers stay small: a dense chain is read in answers of
    about ``max_logs`` logs (a range of thousands of its blocks would come back as one answer of
    hundreds of megabytes, nothing to decode until all of it has arrived)."""

    def __init__(
        self,
        rpc: JsonRpcClient,
        deployment: Deployment,
        abis: Mapping[str, Sequence[Mapping[str, Any]]],
        *,
        span: int = 1,
        max_logs: int = 10_000,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.rpc = rpc
        self.deployment = deployment
        self.spec = _ChainSpec(_endpoints(rpc), rpc.timeout, rpc.connect_timeout, deployment, dict(abis), span,
                               max_logs, retry)  # fmt: skip
        addresses = event_contracts(deployment)  # the ledger's contracts and its governance's
        self.decoder = EventDecoder.for_contracts(addresses, abis)
        self.reader = ChainReader(rpc, addresses.values())
        self.retrier = Retrier(retry or RetryPolicy(attempts=5), threading.Event())
        self.fetcher = LogFetcher(self.reader, RangeSizer(span, max_logs), self.retrier)

    def head(self) -> BlockHeader:
        return self.retrier.call("eth_getBlockByNumber(latest)", self.reader.head)

    def header(self, number: int) -> BlockHeader:
        found = self.fetcher.headers([number])[number]
        if found is None:
            raise TargetBlockError(f"block {number} is not on the chain (head {self.head().number})")
        return found

    def block_at_time(self, timestamp: int) -> BlockHeader:
        """The last block whose timestamp is at or before ``timestamp`` (binary search over headers)."""
        lo = self.header(self.deployment.deployment_block)
        if lo.timestamp > timestamp:
            raise TargetBlockError(f"time {timestamp} is before the deployment (block {lo.number} at {lo.timestamp})")
        hi = self.head()
        if hi.timestamp <= timestamp:
            return hi
        while hi.number - lo.number > 1:
            mid = self.header((lo.number + hi.number) // 2)
            if mid.timestamp <= timestamp:
                lo = mid
            else:
                hi = mid
        return lo

    def batches(self, target: BlockHeader) -> Iterator[Batch]:
        """Events from the deployment block to ``target``, a range of blocks at a time."""
        first = self.deployment.deployment_block
        while first <= target.number:

            def fetch(start: int = first) -> FetchedRange:
                return self.fetcher.fetch(start, target.number, dense_from=target.number + 1, known=target)

            fetched = self.retrier.call(f"reading blocks {first}..{target.number}", fetch)
            events = self.decoder.decode(fetched.logs)
            yield Batch([fetched.headers[n] for n in sorted(fetched.headers)], events)
            first = fetched.last + 1


# ─────────────────────────────────────────────────────────── reading in a worker process


def _endpoints(rpc: JsonRpcClient) -> tuple[str, ...]:
    """The client's node, or a failover client's nodes from its current one on (a worker fails over too)."""
    if isinstance(rpc, FailoverRpcClient):
        return tuple(rpc.urls[rpc.current :] + rpc.urls[: rpc.current])
    return (rpc.url,)


@dataclass(frozen=True)
class _ChainSpec:
    """What a worker process needs to build the same :class:`ChainSource` (all picklable)."""

    urls: tuple[str, ...]
    timeout: float
    connect_timeout: float
    deployment: Deployment
    abis: dict[str, Sequence[Mapping[str, Any]]]
    span: int
    max_logs: int
    retry: RetryPolicy | None = field(default=None)

    def source(self) -> ChainSource:
        rpc = (
            FailoverRpcClient(self.urls, timeout=self.timeout, connect_timeout=self.connect_timeout)
            if len(self.urls) > 1
            else JsonRpcClient(self.urls[0], timeout=self.timeout, connect_timeout=self.connect_timeout)
        )
        return ChainSource(rpc, self.deployment, self.abis, span=self.span, max_logs=self.max_logs, retry=self.retry)


_WORKER_POLL: Final = 1.0  # seconds between checks that the worker is still alive


def _worker_main(spec: _ChainSpec, target: BlockHeader, out: Any) -> None:
    """The worker process: reads and decodes the batches and hashes their events, puts each as plain
    tuples (pickled in C, rebuilt cheaply), then ``None``; a failure is put as ``("error", exception)``
    (or its text if not picklable)."""
    gc.disable()  # what it allocates is freed by reference counting; collections would find nothing
    try:
        source = spec.source()
        head = GENESIS
        try:
            for batch in source.batches(target):
                headers = [(h.number, h.hash, h.parent_hash, h.timestamp) for h in batch.headers]
                events = [
                    (e.block_number, e.block_hash, e.tx_hash, e.log_index, e.contract, e.name, e.args)
                    for e in batch.events
                ]
                segment = ChainSegment.over(head, batch.events)
                head = segment.end
                out.put(("batch", headers, events, (segment.start, segment.end, segment.blocks, segment.events)))
        finally:
            source.rpc.close()
        out.put(None)
    except BaseException as exc:
        try:
            pickle.loads(pickle.dumps(exc))
            out.put(("error", exc))
        except Exception:
            out.put(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


def worker_batches(source: ChainSource, target: BlockHeader, *, depth: int = 16) -> Iterator[Batch]:
    """``source.batches(target)`` read, decoded and pickled in a separate process, up to ``depth`` batches
    ahead: on two cores the node's answers are parsed and decoded while this process applies the previous
    batches (threads would share one interpreter lock). Errors of the worker are raised here; closing the
    iterator stops the worker."""
    ctx = multiprocessing.get_context("spawn")
    channel: Any = ctx.Queue(maxsize=depth)
    worker = ctx.Process(target=_worker_main, args=(source.spec, target, channel), name="audit-reader", daemon=True)
    worker.start()
    try:
        while True:
            try:
                item = channel.get(timeout=_WORKER_POLL)
            except queue.Empty:
                if not worker.is_alive():
                    raise RuntimeError(f"the audit's reader process died (exit code {worker.exitcode})") from None
                continue
            if item is None:
                return
            if item[0] == "error":
                raise item[1]
            _, headers, events, segment = item
            yield Batch([BlockHeader(*h) for h in headers], [LedgerEvent(*e) for e in events], ChainSegment(*segment))
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join(timeout=10)
        channel.close()
        channel.join_thread()


def _event(row: Sequence[Any]) -> LedgerEvent:
    block, index, block_hash, tx_hash, contract, name, args = row
    if isinstance(args, str | bytes):
        args = loads_exact(args)
    return LedgerEvent(int(block), block_hash, tx_hash, int(index), contract, name, args)


def read_store_events(conn: sa.Connection, after_block: int, to_block: int, limit: int | None) -> list[LedgerEvent]:
    """Events of blocks ``after_block < n <= to_block`` in log order (at most ``limit``), arguments parsed exactly."""
    if conn.dialect.name == "sqlite":  # the driver's cursor: no per-row processing (a replay reads millions)
        sql = (
            "SELECT block_number, log_index, block_hash, tx_hash, contract, name, args FROM events"
            " WHERE block_number > ? AND block_number <= ? ORDER BY block_number, log_index"
        )
        params: tuple[int, ...] = (after_block, to_block)
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            return [_event(r) for r in cur.execute(sql, params).fetchall()]
        finally:
            cur.close()
    t = events_table
    query = (
        sa.select(
            t.c.block_number, t.c.log_index, t.c.block_hash, t.c.tx_hash, t.c.contract, t.c.name,
            sa.type_coerce(t.c.args, sa.Text),
        )
        .where(t.c.block_number > after_block, t.c.block_number <= to_block)
        .order_by(t.c.block_number, t.c.log_index)
    )  # fmt: skip
    if limit is not None:
        query = query.limit(limit)
    return [_event(r) for r in conn.execute(query)]


class IndexSource:
    """The events and headers a store holds (the live index), up to a block."""

    def __init__(self, store: Store, *, events_per_batch: int = _EVENTS_PER_BATCH) -> None:
        self.store = store
        self.events_per_batch = events_per_batch

    def checkpoint(self) -> BlockHeader | None:
        stored = self.store.checkpoint()
        if stored is None:
            return None
        return self.header(stored[0])

    def header(self, number: int) -> BlockHeader | None:
        """The stored header of ``number``, else of the highest stored block below it (same state)."""
        return self._last_block(blocks_table.c.number <= number)

    def block_at_time(self, timestamp: int) -> BlockHeader | None:
        return self._last_block(blocks_table.c.timestamp <= timestamp)

    def _last_block(self, where: sa.ColumnElement[bool]) -> BlockHeader | None:
        """The highest stored block matching ``where``."""
        query = sa.select(blocks_table).where(where).order_by(blocks_table.c.number.desc()).limit(1)
        with self.store.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return BlockHeader(int(row.number), row.hash, row.parent_hash, int(row.timestamp))

    def events(self, to_block: int) -> Iterator[list[LedgerEvent]]:
        """The stored events up to ``to_block`` in log order, whole blocks at a time."""
        after = -1
        with self.store.engine.connect() as conn:
            while True:
                events = read_store_events(conn, after, to_block, self.events_per_batch)
                if not events:
                    return
                if len(events) == self.events_per_batch:
                    last = events[-1].block_number
                    if events[0].block_number == last:  # one block larger than a batch: take it whole
                        events = read_store_events(conn, last - 1, last, None)
                    else:  # whole blocks only: the last one is read again with the next chunk
                        events = [e for e in events if e.block_number != last]
                yield events
                after = events[-1].block_number

    def batches(self, target: BlockHeader) -> Iterator[Batch]:
        for events in self.events(target.number):
            numbers = sorted({e.block_number for e in events})
            headers: list[BlockHeader] = []
            with self.store.engine.connect() as conn:
                for i in range(0, len(numbers), _HEADER_CHUNK):
                    chunk = numbers[i : i + _HEADER_CHUNK]
                    rows = conn.execute(sa.select(blocks_table).where(blocks_table.c.number.in_(chunk)))
                    headers.extend(BlockHeader(int(r.number), r.hash, r.parent_hash, int(r.timestamp)) for r in rows)
            headers.sort(key=lambda h: h.number)
            yield Batch(headers, events)


def prefetched(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """``items``, produced by a background thread up to ``depth`` ahead: reading the next batch (SQLite
    and HTTP release the GIL while they wait) overlaps with applying this one. Errors surface here."""
    slots: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(value: object) -> bool:
        while not stop.is_set():
            try:
                slots.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)

    thread = threading.Thread(target=produce, name="audit-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            value = slots.get()
            if value is _DONE:
                return
            if isinstance(value, BaseException):
                raise value
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        thread.join(timeout=5)


def rebatched(batches: Iterable[Batch], events: int = 100_000) -> Iterator[Batch]:
    """Consecutive batches joined until each holds at least ``events`` events: the store applies a large
    batch faster per event (fewer current versions to load and close)."""
    headers: list[BlockHeader] = []
    pending: list[LedgerEvent] = []
    segments: list[ChainSegment | None] = []
    for batch in batches:
        headers.extend(batch.headers)
        pending.extend(batch.events)
        segments.append(batch.segment)
        if len(pending) >= events:
            yield Batch(headers, pending, _joined(segments))
            headers, pending, segments = [], [], []
    if headers:
        yield Batch(headers, pending, _joined(segments))


def _joined(segments: list[ChainSegment | None]) -> ChainSegment | None:
    """The segments one after another; None unless every batch had one."""
    if not segments or any(s is None for s in segments):
        return None
    joined = segments[0]
    assert joined is not None
    for segment in segments[1:]:
        assert segment is not None
        joined = joined.then(segment)
    return joined
