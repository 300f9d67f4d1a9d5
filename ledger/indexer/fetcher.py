"""Reading the chain: the head, block headers (batched), and logs over adaptive block ranges.

:class:`ChainReader` is the node side (one method per JSON-RPC read, answers checked for shape);
:class:`RangeSizer` picks the next ``eth_getLogs`` range; :class:`LogFetcher` reads one range so
that its logs and headers are known to come from one chain (see :meth:`LogFetcher.fetch`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from ledger.chain.rpc import JsonRpcClient
from ledger.decode import BlockHeader
from ledger.errors import MalformedAnswerError, RetryableError, RpcRemoteError
from ledger.indexer.errors import ChainMovedError
from ledger.indexer.retry import Retrier

__all__ = ["ChainReader", "FetchedRange", "LogFetcher", "RangeSizer"]

logger = logging.getLogger(__name__)

_HEADER_BATCH: Final[int] = 500


class ChainReader:
    """The JSON-RPC reads the indexer needs, with answers checked for shape
    (:class:`~ledger.errors.MalformedAnswerError` otherwise)."""

    def __init__(self, rpc: JsonRpcClient, addresses: Iterable[str]) -> None:
        self.rpc = rpc
        self.addresses = sorted(a.lower() for a in addresses)

    def chain_id(self) -> int:
        answer = self.rpc.call("eth_chainId")
        try:
            return int(answer, 16)
        except (TypeError, ValueError):
            raise MalformedAnswerError(f"eth_chainId: expected a hex quantity, got {answer!r:.80}") from None

    def head(self) -> BlockHeader:
        """The latest block."""
        block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
        return BlockHeader.from_rpc(block)

    def headers(self, numbers: Iterable[int]) -> dict[int, BlockHeader | None]:
        """Headers of ``numbers`` (None: no such block on the chain), in batches of 500."""
        wanted = sorted(set(numbers))
        out: dict[int, BlockHeader | None] = {}
        for start in range(0, len(wanted), _HEADER_BATCH):
            part = wanted[start : start + _HEADER_BATCH]
            answers = self.rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in part])
            for n, block in zip(part, answers, strict=True):
                if block is None:
                    out[n] = None
                    continue
                header = BlockHeader.from_rpc(block)
                if header.number != n:
                    raise MalformedAnswerError(
                        f"eth_getBlockByNumber({n}): answered block {header.number}", method="eth_getBlockByNumber"
                    )
                out[n] = header
        return out

    def logs(self, first: int, last: int) -> list[dict[str, Any]]:
        """``eth_getLogs`` of the contracts over blocks ``first..last`` (a list of objects, else malformed)."""
        answer = self.rpc.call(
            "eth_getLogs", [{"address": self.addresses, "fromBlock": hex(first), "toBlock": hex(last)}]
        )
        if not isinstance(answer, list) or not all(isinstance(log, dict) for log in answer):
            raise MalformedAnswerError(
                f"eth_getLogs {first}..{last}: expected a list of log objects, got {answer!r:.200}",
                method="eth_getLogs",
            )
        return answer


class RangeSizer:
    """The next ``eth_getLogs`` span: doubles after small answers (under a quarter of ``max_logs``),
    shrinks after large ones (above ``max_logs``) and halves when the node refuses or fails a range."""

    def __init__(self, initial: int, max_logs: int, maximum: int = 1_000_000) -> None:
        self.span = max(1, min(initial, maximum))
        self.max_logs = max_logs
        self.maximum = maximum

    def answered(self, span: int, logs: int) -> None:
        if logs > self.max_logs:
            self.span = max(1, min(span // 2, span * self.max_logs // logs))
        elif logs < self.max_logs // 4 and span >= self.span:
            self.span = min(self.maximum, span * 2)

    def failed(self, span: int) -> None:
        self.span = max(1, span // 2)


@dataclass(frozen=True, slots=True)
class FetchedRange:
    """Logs of blocks ``first..last`` and the headers that go with them: ``first``, ``last``, every block
    with a log, and every block from ``dense_from`` on (the recent blocks a reorg may replace)."""

    first: int
    last: int
    logs: list[dict[str, Any]]
    headers: dict[int, BlockHeader]

    @property
    def blocks(self) -> int:
        return self.last - self.first + 1


class LogFetcher:
    """Reads one block range at a time with a :class:`RangeSizer`; header reads are retried one by one
    under ``retrier``, a failed ``eth_getLogs`` is left to the caller (it retries the whole range)."""

    def __init__(self, chain: ChainReader, sizer: RangeSizer, retrier: Retrier) -> None:
        self.chain = chain
        self.sizer = sizer
        self.retrier = retrier
        self.refusals = 0  # ranges the node refused (too large / too many results) and that were split

    def headers(self, numbers: Iterable[int]) -> dict[int, BlockHeader | None]:
        wanted = list(numbers)
        return self.retrier.call("eth_getBlockByNumber", lambda: self.chain.headers(wanted))

    def fetch(self, first: int, limit: int, *, dense_from: int, known: BlockHeader | None = None) -> FetchedRange:
        """Logs and headers of ``first..min(limit, first + span - 1)``.

        Consistency: the last block's hash is read before ``eth_getLogs`` (or taken from ``known``) and again
        with the other headers after it; every log's block hash must match its header, and consecutive
        headers must link by parent hash. Otherwise the chain moved during the read:
        :class:`~ledger.indexer.errors.ChainMovedError`.

        A node that refuses a range (a JSON-RPC error: range too large, too many results) gets half the
        range at once; a node that refuses a single block raises that error. A retryable failure halves the
        next range and propagates (the caller retries with backoff).
        """
        while True:
            last = min(limit, first + self.sizer.span - 1)
            before = known if known is not None and known.number == last else self.headers([last])[last]
            if before is None:
                raise ChainMovedError(f"block {last} is no longer on the chain")
            try:
                logs = self.chain.logs(first, last)
            except RpcRemoteError as exc:
                if last == first:
                    raise
                self.refusals += 1
                self.sizer.failed(last - first + 1)
                logger.info(
                    "eth_getLogs %d..%d refused (%s); trying %d blocks", first, last, exc, self.sizer.span,
                    extra={"block": first, "span": last - first + 1},
                )  # fmt: skip
                continue
            except RetryableError:
                self.sizer.failed(last - first + 1)
                raise
            self.sizer.answered(last - first + 1, len(logs))
            return self._with_headers(first, last, logs, dense_from, before)

    def _with_headers(
        self, first: int, last: int, logs: list[dict[str, Any]], dense_from: int, before: BlockHeader
    ) -> FetchedRange:
        log_blocks: dict[int, str] = {}
        try:
            for log in logs:
                number = int(log["blockNumber"], 16)
                block_hash = log["blockHash"].lower()
                if log_blocks.setdefault(number, block_hash) != block_hash:
                    raise ChainMovedError(f"logs of block {number} name two block hashes")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MalformedAnswerError(f"eth_getLogs: malformed log ({exc!r})", method="eth_getLogs") from None
        outside = [n for n in log_blocks if not first <= n <= last]
        if outside:
            raise MalformedAnswerError(
                f"eth_getLogs {first}..{last}: answered logs of block {outside[0]}", method="eth_getLogs"
            )
        wanted = {first, last, *log_blocks, *range(max(first, dense_from), last + 1)}
        found = self.headers(wanted)
        headers: dict[int, BlockHeader] = {}
        for number in sorted(found):
            header = found[number]
            if header is None:
                raise ChainMovedError(f"block {number} is no longer on the chain")
            headers[number] = header
            previous = headers.get(number - 1)
            if previous is not None and header.parent_hash != previous.hash:
                raise ChainMovedError(f"block {number} does not follow block {number - 1}")
        if headers[last].hash != before.hash:
            raise ChainMovedError(f"block {last} changed from {before.hash} to {headers[last].hash}")
        for number, block_hash in log_blocks.items():
            if headers[number].hash != block_hash:
                raise ChainMovedError(
                    f"logs of block {number} are from {block_hash}, the block is now {headers[number].hash}"
                )
        return FetchedRange(first, last, logs, headers)
