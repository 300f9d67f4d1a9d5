"""Retries with exponential backoff for :class:`~ledger.errors.RetryableError`; everything else passes through.

The chain access's own helper: the indexer and the audit's log reader retry their reads with it, and the
deployment (``ledger deploy``) its calls, so that a node that drops a connection or answers 503 for a moment
(restarting behind the door, overloaded) costs a pause, not the run."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ledger.chain.rpc import JsonRpcClient, Params
from ledger.errors import MalformedAnswerError, RetriesExhaustedError, RetryableError

__all__ = ["Retrier", "RetriesExhaustedError", "RetryPolicy", "RetryingClient", "Stopped", "retrying"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Stopped(Exception):
    """The stop event was set while waiting (to retry, or to poll again)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``attempts`` retries after the first failure, waiting ``base_delay * 2**k`` (at most ``max_delay``),
    each wait scaled by a random factor in [0.5, 1] so that several indexers do not retry in step."""

    attempts: int = 10
    base_delay: float = 0.1
    max_delay: float = 10.0

    def delay(self, attempt: int) -> float:
        delay: float = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return delay * random.uniform(0.5, 1.0)


class Retrier:
    """Runs operations under a :class:`RetryPolicy`, waking early (raising :class:`Stopped`) on ``stop``."""

    def __init__(self, policy: RetryPolicy, stop: threading.Event, *, log_extra: dict[str, object] | None = None):
        self.policy = policy
        self.stop = stop
        self.retries = 0  # total retries so far (for reports)
        self._extra = dict(log_extra or {})

    def call(self, what: str, fn: Callable[[], T], on_failure: Callable[[RetryableError], None] | None = None) -> T:
        """``fn()``; a :class:`RetryableError` is retried after a backoff (``on_failure`` runs first), until
        the policy's attempts are used up (:class:`RetriesExhaustedError`). Other errors propagate."""
        attempt = 0
        while True:
            try:
                return fn()
            except RetryableError as exc:
                attempt += 1
                if on_failure is not None:
                    on_failure(exc)
                if attempt > self.policy.attempts:
                    raise RetriesExhaustedError(
                        f"{what}: still failing after {self.policy.attempts} retries: {' '.join(str(exc).split())}"
                    ) from exc
                self.wait_to_retry(what, exc, attempt)

    def wait_to_retry(self, what: str, exc: BaseException, attempt: int) -> None:
        delay = self.policy.delay(attempt)
        self.retries += 1
        logger.warning(
            "%s failed (%s: %s); retry %d of %d in %.2fs",
            what, type(exc).__name__, " ".join(str(exc).split())[:300], attempt, self.policy.attempts, delay,
            extra={**self._extra, "operation": what, "attempt": attempt, "delay": delay, "error": type(exc).__name__},
        )  # fmt: skip
        if self.stop.wait(delay):
            raise Stopped


class RetryingClient(JsonRpcClient):
    """A JSON-RPC client whose every call and batch goes to ``inner`` under a :class:`Retrier`; for library
    helpers that take a client and make several calls. Each attempt goes through ``inner``, so a
    :class:`~ledger.chain.failover.FailoverRpcClient` fails over within it (its current node is dead)."""

    def __init__(self, inner: JsonRpcClient, retrier: Retrier) -> None:
        super().__init__(inner.url, timeout=inner.timeout, connect_timeout=inner.connect_timeout)
        self.inner = inner
        self.retrier = retrier

    def call(self, method: str, params: Params = None, *, timeout: float | None = None, exact: bool = True) -> Any:
        def attempt() -> Any:
            return _checked(method, self.inner.call(method, params, timeout=timeout, exact=exact))

        return self.retrier.call(method, attempt)

    def batch(
        self,
        calls: Sequence[tuple[str, Params]],
        *,
        timeout: float | None = None,
        return_exceptions: bool = False,
        exact: bool = True,
    ) -> list[Any]:
        return self.retrier.call(
            f"batch[{len(calls)}]",
            lambda: self.inner.batch(calls, timeout=timeout, return_exceptions=return_exceptions, exact=exact),
        )


#: Fields of a block every node sends and the helpers read: a block without them is a malformed answer, retried
#: with the one call that brought it (not with the whole operation, which may make many calls).
_BLOCK_FIELDS = ("hash", "number", "timestamp")


def _checked(method: str, answer: Any) -> Any:
    malformed = not isinstance(answer, dict) or any(not isinstance(answer.get(f), str) for f in _BLOCK_FIELDS)
    if method == "eth_getBlockByNumber" and answer is not None and malformed:
        raise MalformedAnswerError(f"{method}: malformed block {answer!r:.80}", method=method)
    return answer


def retrying(rpc: JsonRpcClient, policy: RetryPolicy | None = None) -> JsonRpcClient:
    """``rpc`` under a :class:`Retrier` of ``policy`` (default: 6 retries from 0.2 s, about 6 s in all), unless
    it already retries."""
    if isinstance(rpc, RetryingClient) or not isinstance(rpc, JsonRpcClient):  # not over HTTP (a test's EVM)
        return rpc
    policy = policy or RetryPolicy(attempts=6, base_delay=0.2, max_delay=3.0)
    return RetryingClient(rpc, Retrier(policy, threading.Event()))
