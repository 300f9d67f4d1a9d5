"""The event indexer: chain logs -> decoded events -> the store, crash- and reorg-safe.

Pieces with narrow interfaces: :class:`ChainReader`/:class:`LogFetcher` (JSON-RPC reads, adaptive
``eth_getLogs`` ranges), :class:`~ledger.decode.EventDecoder` (pure decoding), :class:`BatchWriter`
(one store transaction per batch, checkpoint included), :class:`Retrier` (backoff for retryable
failures) and :class:`Indexer` (the loop: continuity by parent hash, reorg rollback, follow mode).
:func:`open_indexer` wires them for a deployment.
"""

from __future__ import annotations

from ledger.chain.retry import Retrier, RetryPolicy, Stopped
from ledger.indexer.errors import (
    ChainMovedError,
    IndexerError,
    ReorgTooDeepError,
    RetriesExhaustedError,
    StartBlockError,
)
from ledger.indexer.fetcher import ChainReader, FetchedRange, LogFetcher, RangeSizer
from ledger.indexer.indexer import Indexer, IndexerConfig, IndexReport
from ledger.indexer.progress import Progress
from ledger.indexer.runner import open_indexer
from ledger.indexer.writer import BatchWriter, IndexStore

__all__ = [
    "BatchWriter",
    "ChainMovedError",
    "ChainReader",
    "FetchedRange",
    "IndexReport",
    "IndexStore",
    "Indexer",
    "IndexerConfig",
    "IndexerError",
    "LogFetcher",
    "Progress",
    "RangeSizer",
    "ReorgTooDeepError",
    "Retrier",
    "RetriesExhaustedError",
    "RetryPolicy",
    "StartBlockError",
    "Stopped",
    "open_indexer",
]
