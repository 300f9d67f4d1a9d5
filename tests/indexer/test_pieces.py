"""The indexer's pieces on their own: range sizing, the fetcher's consistency checks, retries, progress."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest

from ledger.chain.retry import RetryingClient
from ledger.chain.rpc import JsonRpcClient
from ledger.decode import BlockHeader
from ledger.errors import MalformedAnswerError, RpcRemoteError, RpcTransportError
from ledger.indexer import (
    ChainMovedError,
    LogFetcher,
    Progress,
    RangeSizer,
    Retrier,
    RetriesExhaustedError,
    RetryPolicy,
    Stopped,
)
from ledger.indexer.fetcher import ChainReader

# ---------------------------------------------------------------- range sizing


def test_ranges_double_while_answers_are_small_and_shrink_when_large_or_refused() -> None:
    sizer = RangeSizer(100, max_logs=1000, maximum=1000)
    sizer.answered(100, 10)
    assert sizer.span == 200
    sizer.answered(200, 249)
    assert sizer.span == 400
    sizer.answered(400, 600)  # neither small nor too large: keep
    assert sizer.span == 400
    sizer.answered(400, 4000)  # ten times too many: a tenth of the range, at most half
    assert sizer.span == 100
    sizer.failed(100)
    sizer.failed(50)
    assert sizer.span == 25
    for _ in range(10):
        sizer.failed(sizer.span)
    assert sizer.span == 1
    for _ in range(20):
        sizer.answered(sizer.span, 0)
    assert sizer.span == 1000


def test_a_small_answer_for_a_range_cut_short_by_the_head_does_not_grow_the_next_range() -> None:
    sizer = RangeSizer(64, max_logs=1000)
    sizer.answered(3, 0)  # only three blocks were left before the head
    assert sizer.span == 64


# ---------------------------------------------------------------- fetcher


def _hash(n: int, fork: str = "a") -> str:
    return "0x" + f"{fork}{n:063x}"[-64:]


class FakeChain(ChainReader):
    """Blocks 0..head of fork ``a``; ``refuse_over`` makes eth_getLogs refuse longer ranges."""

    def __init__(self, head: int, logs: dict[int, int] | None = None, refuse_over: int | None = None) -> None:
        self.head_number = head
        self.log_counts = logs or {}
        self.refuse_over = refuse_over
        self.fork: dict[int, str] = {}
        self.stale_parent: set[int] = set()  # blocks that still name fork a's parent
        self.on_logs: Any = None
        self.calls: list[tuple[str, Any]] = []

    def header(self, n: int) -> BlockHeader:
        parent_fork = "a" if n in self.stale_parent else self.fork.get(n - 1, "a")
        return BlockHeader(n, _hash(n, self.fork.get(n, "a")), _hash(n - 1, parent_fork), 1000 + n)

    def head(self) -> BlockHeader:
        return self.header(self.head_number)

    def headers(self, numbers: Any) -> dict[int, BlockHeader | None]:
        wanted = sorted(set(numbers))
        self.calls.append(("headers", wanted))
        return {n: self.header(n) if n <= self.head_number else None for n in wanted}

    def logs(self, first: int, last: int) -> list[dict[str, Any]]:
        self.calls.append(("logs", (first, last)))
        if self.refuse_over is not None and last - first + 1 > self.refuse_over:
            raise RpcRemoteError("eth_getLogs: block range too large", code=-32602)
        out = [
            {"blockNumber": hex(n), "blockHash": self.header(n).hash, "logIndex": hex(i)}
            for n in range(first, last + 1)
            for i in range(self.log_counts.get(n, 0))
        ]
        if self.on_logs is not None:
            self.on_logs()
        return out


def _fetcher(chain: FakeChain, span: int = 8) -> LogFetcher:
    retrier = Retrier(RetryPolicy(attempts=2, base_delay=0.001), threading.Event())
    return LogFetcher(chain, RangeSizer(span, max_logs=100), retrier)


def test_a_range_comes_with_the_headers_of_its_ends_its_log_blocks_and_the_recent_blocks() -> None:
    chain = FakeChain(100, logs={12: 2, 14: 1})
    fetched = _fetcher(chain).fetch(10, 100, dense_from=16)
    assert (fetched.first, fetched.last, len(fetched.logs)) == (10, 17, 3)
    assert sorted(fetched.headers) == [10, 12, 14, 16, 17]


def test_a_large_answer_is_cut_at_a_block_boundary_and_the_rest_is_used_without_reading_it_again() -> None:
    chain = FakeChain(100, logs={2: 60, 3: 60, 4: 60})
    fetcher = _fetcher(chain)  # max_logs 100, first span 8
    ranges = []
    first = 1
    while first <= 8:
        fetched = fetcher.fetch(first, 8, dense_from=1000)
        ranges.append((fetched.first, fetched.last, len(fetched.logs)))
        assert max(fetched.headers) == fetched.last
        first = fetched.last + 1
    assert ranges == [(1, 2, 60), (3, 3, 60), (4, 8, 60)]
    assert [c[1] for c in chain.calls if c[0] == "logs"] == [(1, 8)]


def test_logs_kept_from_a_cut_answer_are_dropped_when_the_chain_moved_since() -> None:
    chain = FakeChain(100, logs={2: 60, 3: 60})
    fetcher = _fetcher(chain)
    assert fetcher.fetch(1, 100, dense_from=1000).last == 2
    chain.fork[8] = "b"  # the end of the answer's range was replaced
    with pytest.raises(ChainMovedError, match="block 8 changed"):
        fetcher.fetch(3, 100, dense_from=1000)
    fetched = fetcher.fetch(3, 100, dense_from=1000)  # read again from the node
    assert fetched.first == 3 and len(fetched.logs) == 60
    assert [c[1] for c in chain.calls if c[0] == "logs"][-1][0] == 3


def test_a_refused_range_is_halved_until_the_node_accepts_it() -> None:
    chain = FakeChain(100, refuse_over=3)
    fetcher = _fetcher(chain, span=16)
    fetched = fetcher.fetch(1, 100, dense_from=1000)
    assert (fetched.first, fetched.last) == (1, 2)
    assert [c[1] for c in chain.calls if c[0] == "logs"] == [(1, 16), (1, 8), (1, 4), (1, 2)]
    assert fetcher.refusals == 3


def test_a_node_refusing_a_single_block_raises_its_error() -> None:
    chain = FakeChain(100, refuse_over=0)
    with pytest.raises(RpcRemoteError, match="range too large"):
        _fetcher(chain, span=4).fetch(1, 100, dense_from=1000)


def test_logs_from_another_fork_than_the_headers_mean_the_chain_moved() -> None:
    chain = FakeChain(100, logs={5: 1})
    chain.on_logs = lambda: chain.fork.update({5: "b"})  # block 5 replaced after eth_getLogs answered
    with pytest.raises(ChainMovedError, match="block 5"):
        _fetcher(chain).fetch(1, 100, dense_from=1000)


def test_a_last_block_that_changed_during_the_read_means_the_chain_moved() -> None:
    chain = FakeChain(100)
    chain.on_logs = lambda: chain.fork.update({8: "b"})
    with pytest.raises(ChainMovedError, match="block 8 changed"):
        _fetcher(chain).fetch(1, 100, dense_from=1000)


def test_recent_headers_that_do_not_link_mean_the_chain_moved() -> None:
    chain = FakeChain(100)
    chain.fork[5] = "b"  # block 5 of another fork, block 6 still names fork a's block 5 as parent
    chain.stale_parent.add(6)
    with pytest.raises(ChainMovedError, match="block 6 does not follow block 5"):
        _fetcher(chain).fetch(1, 100, dense_from=1)


def test_logs_outside_the_range_asked_for_are_a_malformed_answer() -> None:
    chain = FakeChain(100, logs={50: 1})
    chain.logs = lambda first, last: [{"blockNumber": hex(50), "blockHash": _hash(50), "logIndex": "0x0"}]  # type: ignore[method-assign]
    with pytest.raises(MalformedAnswerError, match="block 50"):
        _fetcher(chain).fetch(1, 100, dense_from=1000)


# ---------------------------------------------------------------- retries


def test_retryable_errors_are_retried_with_growing_waits_and_others_pass_through() -> None:
    waits: list[float] = []

    class Stop(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waits.append(timeout or 0)
            return False

    retrier = Retrier(RetryPolicy(attempts=4, base_delay=0.1, max_delay=0.3), Stop())
    outcomes: list[Exception | str] = [RpcTransportError("timeout"), RpcTransportError("503"), "ok"]
    assert retrier.call("read", lambda: _next(outcomes)) == "ok"
    assert len(waits) == 2 and 0.05 <= waits[0] <= 0.1 and 0.1 <= waits[1] <= 0.2
    with pytest.raises(RpcRemoteError):
        retrier.call("read", lambda: _next([RpcRemoteError("bad params"), "never"]))
    assert len(waits) == 2
    with pytest.raises(RetriesExhaustedError, match="read: still failing after 4 retries: 503"):
        retrier.call("read", lambda: _next([RpcTransportError("503")] * 10))
    assert max(waits) <= 0.3 and retrier.retries == 6


def test_a_stop_during_a_retry_wait_ends_the_wait() -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Stopped):
        Retrier(RetryPolicy(base_delay=60), stop).call("read", lambda: _next([RpcTransportError("x")] * 2))


def test_a_malformed_block_is_asked_for_again_by_itself_not_with_the_operation_around_it() -> None:
    """A helper that makes many calls through a :class:`RetryingClient` (the deployment check at start-up) gets
    a well-formed block: the one call is retried. (Retried as a whole, the operation met the same spoiled answer
    each time behind a proxy that spoils every n-th request.)"""
    good = {"hash": "0x" + "11" * 32, "number": "0x5", "timestamp": "0x64"}
    answers: list[Any] = [{"number": "0x5"}, ["not", "a", "block"], good, None]

    class Node(JsonRpcClient):
        def call(self, method: str, params: Any = None, *, timeout: float | None = None, exact: bool = True) -> Any:
            return answers.pop(0)

    retrier = Retrier(RetryPolicy(attempts=3, base_delay=0.001), threading.Event())
    client = RetryingClient(Node("http://127.0.0.1:1"), retrier)
    assert client.call("eth_getBlockByNumber", ["0x5", False]) == good
    assert retrier.retries == 2
    assert client.call("eth_getBlockByNumber", ["0x99", False]) is None  # no such block yet: not malformed
    answers[:] = [{"hash": 5}] * 4
    with pytest.raises(RetriesExhaustedError, match="malformed block"):
        client.call("eth_getBlockByNumber", ["0x5", False])


def _next(outcomes: list[Exception | str]) -> str:
    outcome = outcomes.pop(0)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


# ---------------------------------------------------------------- progress


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_blocks_events_per_second_and_eta_at_most_four_times_a_second() -> None:
    clock, out = _Clock(), io.StringIO()
    bar = Progress(out, clock=clock)
    bar.start(1, 1000)
    for step in range(1, 11):  # ten updates within 0.2 s: one line
        clock.now += 0.02
        bar.update(step * 10, step * 100)
    clock.now += 0.8
    bar.update(500, 10_000)
    bar.finish()
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[1] == "indexing blocks 500/1,000 (50%)  10,000 events  10,000 events/s  ETA 0:00:01"
    assert "ETA 0:00:00" in lines[2] or "ETA 0:00:01" in lines[2]


def test_progress_on_a_terminal_redraws_one_line() -> None:
    clock, out = _Clock(), _Tty()
    bar = Progress(out, clock=clock)
    bar.start(1, 10)
    bar.update(5, 50)
    clock.now += 1
    bar.update(10, 100)
    bar.finish()
    text = out.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n") and text.count("\n") == 1
    assert "blocks 10/10 (100%)" in text
