"""Prometheus metrics of the API process.

Module-level collectors live in the default registry (one per process): request latency by route,
and :data:`TX_OUTCOMES`, which the write gateway increments once per submitted transaction. The
indexer's lag depends on the store an app reads, so each app registers its own collector in its
own registry (:func:`store_registry`); ``/metrics`` renders both.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Final

import sqlalchemy as sa
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from ledger.store import Store
from ledger.store import schema as s

__all__ = ["REQUEST_LATENCY", "TX_OUTCOMES", "render", "store_registry"]

REQUEST_LATENCY: Final = Histogram(
    "ledger_api_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and status class.",
    ["route", "method", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

TX_OUTCOMES: Final = Counter(
    "ledger_api_transactions",
    "Transactions submitted through the write gateway, by outcome (e.g. success, reverted, refused, failed).",
    ["outcome"],
)


class IndexerLagCollector(Collector):
    """Indexer lag read from the store at scrape time (the API never asks the chain).

    Blocks: the newest chain head the indexer recorded (table ``indexer_head``) minus the checkpoint.
    Seconds: now minus the timestamp of the checkpoint's block when the indexer has seen newer
    blocks, else 0 (an idle chain is not a lagging indexer).
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        blocks = GaugeMetricFamily(
            "ledger_indexer_lag_blocks", "Chain head recorded by the indexer minus its checkpoint."
        )
        seconds = GaugeMetricFamily(
            "ledger_indexer_lag_seconds", "Age of the newest indexed block while newer blocks exist (0 when caught up)."
        )
        indexed = GaugeMetricFamily("ledger_indexer_checkpoint_block", "Last block whose events are all in the store.")
        up = GaugeMetricFamily("ledger_store_up", "1 when the store answered this scrape, else 0.")
        try:
            lag = read_lag(self.store)
        except sa.exc.SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        if lag is None:
            return
        indexed.add_metric([], lag.checkpoint)
        blocks.add_metric([], lag.blocks)
        seconds.add_metric([], lag.seconds)
        yield indexed
        yield blocks
        yield seconds


class Lag:
    """How far the store is behind the chain head the indexer last saw."""

    __slots__ = ("blocks", "checkpoint", "head", "seconds")

    def __init__(self, checkpoint: int, head: int, seconds: float) -> None:
        self.checkpoint = checkpoint
        self.head = head
        self.blocks = max(0, head - checkpoint)
        self.seconds = seconds


def read_lag(store: Store, now: float | None = None) -> Lag | None:
    """The indexer's lag, or None while nothing is indexed."""
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(s.checkpoint.c.block_number, s.blocks.c.timestamp)
            .select_from(s.checkpoint.outerjoin(s.blocks, s.blocks.c.number == s.checkpoint.c.block_number))
            .limit(1)
        ).first()
        if row is None:
            return None
        head_row = conn.execute(sa.select(s.indexer_head.c.block_number).limit(1)).first()
    checkpoint = int(row[0])
    head = max(checkpoint, int(head_row[0])) if head_row is not None else checkpoint
    seconds = 0.0
    if head > checkpoint and row[1] is not None:
        seconds = max(0.0, (time.time() if now is None else now) - int(row[1]))
    return Lag(checkpoint, head, seconds)


def store_registry(store: Store) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(IndexerLagCollector(store))
    return registry


def render(app_registry: CollectorRegistry) -> bytes:
    """The process-wide metrics followed by the app's own, in the Prometheus text format."""
    return generate_latest(REGISTRY) + generate_latest(app_registry)
