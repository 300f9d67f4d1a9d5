"""Reading the chain: the head, block headers (batched), and logs over adaptive block ranges.

:class:`ChainReader` is the node side (one method per JSON-RPC read, answers checked for shape);
:class:`RangeSizer` picks the next ``eth_getLogs`` range; :class:`LogFetcher` reads one range so
that its logs and headers are known to come from one chain (see :meth:`LogFetcher.fetch`).
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from ledger.chain.retry import Retrier
from ledger.chain.rpc import JsonRpcClient
from ledger.decode import BlockHeader
from ledger.errors import MalformedAnswerError, RetryableError, RpcRemoteError
from ledger.indexer.errors import ChainMovedError

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
            # Every field read is checked to be hex: no need for the exact-integer parse.
            answers = self.rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in part], exact=False)
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
            "eth_getLogs", [{"address": self.addresses, "fromBlock": hex(first), "toBlock": hex(last)}], exact=False
        )  # every field the decoder reads is checked to be hex: no need for the exact-integer parse
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


@dataclass(frozen=True, slots=True)
class _Surplus:
    """Logs of blocks ``first..last`` left over from an answer cut short, and the header of ``last`` read
    before that answer (its hash must still be the same when they are used)."""

    first: int
    last: int
    logs: list[dict[str, Any]]
    blocks: list[int]
    before: BlockHeader


class LogFetcher:
    """Reads one block range at a time with a :class:`RangeSizer`; header reads are retried one by one
    under ``retrier``, a failed ``eth_getLogs`` is left to the caller (it retries the whole range).

    An answer of more than ``max_logs`` logs over several blocks is cut at a block boundary: the range
    returned ends at the last block that keeps it within ``max_logs`` (at least one block), and the rest of
    the answer is kept for the next call that starts right after it, so a dense stretch of chain is
    written in batches of about ``max_logs`` events without reading its logs twice."""

    def __init__(self, chain: ChainReader, sizer: RangeSizer, retrier: Retrier) -> None:
        self.chain = chain
        self.sizer = sizer
        self.retrier = retrier
        self.refusals = 0  # ranges the node refused (too large / too many results) and that were split
        self._surplus: _Surplus | None = None

    def headers(self, numbers: Iterable[int]) -> dict[int, BlockHeader | None]:
        wanted = list(numbers)
        return self.retrier.call("eth_getBlockByNumber", lambda: self.chain.headers(wanted))

    def fetch(self, first: int, limit: int, *, dense_from: int, known: BlockHeader | None = None) -> FetchedRange:
        """Logs and headers of ``first..min(limit, first + span - 1)`` (or less: see the class doc).

        Consistency: the last block's hash is read before ``eth_getLogs`` (or taken from ``known``) and again
        with the other headers after it; every log's block hash must match its header, and consecutive
        headers must link by parent hash. Otherwise the chain moved during the read:
        :class:`~ledger.indexer.errors.ChainMovedError`. Logs kept from a cut answer are checked the same
        way, against the header read before that answer.

        A node that refuses a range (a JSON-RPC error: range too large, too many results) gets half the
        range at once; a node that refuses a single block raises that error. A retryable failure halves the
        next range and propagates (the caller retries with backoff).
        """
        surplus, self._surplus = self._surplus, None
        if surplus is not None and surplus.first == first and surplus.last <= limit:
            return self._with_headers(first, surplus.logs, surplus.blocks, dense_from, surplus.last, surplus.before)
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
            return self._with_headers(first, logs, _log_blocks(logs), dense_from, last, before)

    def _with_headers(
        self, first: int, logs: list[dict[str, Any]], blocks: list[int], dense_from: int, read_to: int,
        before: BlockHeader,
    ) -> FetchedRange:  # fmt: skip
        """The range ``first..`` (up to ``read_to``, cut as the class doc says) of an answer for
        ``first..read_to`` whose logs lie in ``blocks``, with its headers checked."""
        outside = [n for n in blocks if not first <= n <= read_to]
        if outside:
            raise MalformedAnswerError(
                f"eth_getLogs {first}..{read_to}: answered logs of block {outside[0]}", method="eth_getLogs"
            )
        last = read_to
        kept = len(logs)
        if kept > self.sizer.max_logs and blocks[0] < blocks[-1]:
            cut_at = blocks[self.sizer.max_logs]  # the first block that does not fit entirely
            last = max(blocks[0], cut_at - 1)
            kept = bisect.bisect_right(blocks, last)
        log_blocks: dict[int, str] = {}
        try:
            for log in logs[:kept]:
                block_hash = log["blockHash"].lower()
                if log_blocks.setdefault(int(log["blockNumber"], 16), block_hash) != block_hash:
                    raise ChainMovedError(f"logs of block {int(log['blockNumber'], 16)} name two block hashes")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MalformedAnswerError(f"eth_getLogs: malformed log ({exc!r})", method="eth_getLogs") from None
        wanted = {first, last, read_to, *log_blocks, *range(max(first, dense_from), last + 1)}
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
        # Every block up to read_to is as it was when eth_getLogs answered: read_to still has its hash.
        if headers[read_to].hash != before.hash:
            raise ChainMovedError(f"block {read_to} changed from {before.hash} to {headers[read_to].hash}")
        for number, block_hash in log_blocks.items():
            if headers[number].hash != block_hash:
                raise ChainMovedError(
                    f"logs of block {number} are from {block_hash}, the block is now {headers[number].hash}"
                )
        if last < read_to:
            self._surplus = _Surplus(last + 1, read_to, logs[kept:], blocks[kept:], before)
            del headers[read_to]
        return FetchedRange(first, last, logs[:kept], headers)


def _log_blocks(logs: list[dict[str, Any]]) -> list[int]:
    """The block number of every log (malformed answer unless each has one, in ascending order)."""
    try:
        blocks = [int(log["blockNumber"], 16) for log in logs]
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedAnswerError(f"eth_getLogs: malformed log ({exc!r})", method="eth_getLogs") from None
    if any(a > b for a, b in itertools.pairwise(blocks)):
        raise MalformedAnswerError("eth_getLogs: logs out of block order", method="eth_getLogs")
    return blocks
