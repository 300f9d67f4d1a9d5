"""One JSON-RPC client over several nodes of the same chain: use one, fail over to the next.

A consortium member's software is configured with several nodes (``LEDGER_RPC_URL=http://a:8545,http://b:8545``):
its own first, then others it trusts. :class:`FailoverRpcClient` sends every call to the current node and,
when that node does not answer (refused or reset connection, timeout, HTTP 429/5xx: a
:class:`~ledger.errors.RpcTransportError`), sends the same call to the next one and stays there. A node
that answers but has fallen behind (its newest block older than ``max_lag`` seconds while another node
has a newer one) is left the same way, checked at most every ``check_interval`` seconds.

Re-sending a call is safe for every method the package uses: reads are idempotent, and
``eth_sendRawTransaction`` carries signed bytes pinned to their nonce, so the same transaction sent to
two nodes is one transaction (the second answers "already known" or accepts the same hash). Nothing is
ever signed again on failover. :attr:`FailoverRpcClient.epoch` counts the switches, so that a sender
can re-broadcast its unmined transactions to the new node (which may not have seen them: see
:meth:`ledger.client.sender.TxSender.rebroadcast`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ledger.chain.rpc import DEFAULT_TIMEOUT, JsonRpcClient, Params
from ledger.errors import LedgerError, RpcTransportError
from ledger.settings import LedgerSettings

__all__ = ["EndpointsUnavailableError", "FailoverRpcClient", "connect_rpc"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class EndpointsUnavailableError(RpcTransportError):
    """No configured node answered the call (each one's failure is in the message)."""


class FailoverRpcClient(JsonRpcClient):
    """A :class:`JsonRpcClient` over several endpoints of one chain (see the module's docstring)."""

    def __init__(
        self,
        urls: Sequence[str],
        *,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = 3.0,
        max_lag: float = 30.0,
        check_interval: float = 2.0,
    ) -> None:
        if not urls:
            raise ValueError("FailoverRpcClient needs at least one URL")
        super().__init__(urls[0], timeout=timeout, connect_timeout=connect_timeout)
        self.urls = list(urls)
        self.max_lag = max_lag
        self.check_interval = check_interval
        self._clients = [JsonRpcClient(u, timeout=timeout, connect_timeout=connect_timeout) for u in self.urls]
        self._current = 0
        self._switch_lock = threading.Lock()
        self._checked_at = time.monotonic()
        self.epoch = 0  # incremented on every switch of node

    @property
    def current(self) -> int:
        return self._current

    def close(self) -> None:
        for client in self._clients:
            client.close()
        super().close()

    def _switch(self, index: int, reason: str) -> None:
        with self._switch_lock:
            if index == self._current:
                return
            logger.warning("rpc: leaving %s for %s (%s)", self.urls[self._current], self.urls[index], reason)
            self._current = index
            self.url = self.urls[index]
            self.epoch += 1

    def use(self, index: int) -> None:
        """Make endpoint ``index`` the current one (tests, operators pinning a node)."""
        self._switch(index, "asked to")

    def _run(self, fn: Callable[[JsonRpcClient], T], label: str) -> T:
        if len(self._clients) > 1 and time.monotonic() - self._checked_at > self.check_interval:
            self._check_lag()
        failures: list[str] = []
        start = self._current
        last: RpcTransportError | None = None
        for k in range(len(self._clients)):
            index = (start + k) % len(self._clients)
            try:
                result = fn(self._clients[index])
            except RpcTransportError as exc:
                last = exc
                failures.append(f"{self.urls[index]}: {exc}")
                continue
            if index != self._current:
                self._switch(index, f"{label} failed on {failures[-1] if failures else 'the previous node'}")
            return result
        raise EndpointsUnavailableError(
            f"{label}: no node answered ({'; '.join(failures)})", method=label, status=last.status if last else None
        ) from last

    def _check_lag(self) -> None:
        """Leaves the current node if its head is older than ``max_lag`` s and another node's is newer."""
        self._checked_at = time.monotonic()
        try:
            head = self._clients[self._current].call("eth_getBlockByNumber", ["latest", False], timeout=2.0)
        except LedgerError:
            return  # the call itself will fail over
        age = time.time() - int(head["timestamp"], 16)
        if age <= self.max_lag:
            return
        number = int(head["number"], 16)
        best: tuple[int, int] | None = None
        for index, client in enumerate(self._clients):
            if index == self._current:
                continue
            try:
                other = client.call("eth_getBlockByNumber", ["latest", False], timeout=2.0)
            except LedgerError:
                continue
            other_number = int(other["number"], 16)
            if other_number > number and (best is None or other_number > best[1]):
                best = (index, other_number)
        if best is not None:
            self._switch(best[0], f"head {number} is {age:.0f}s old, {self.urls[best[0]]} is at {best[1]}")

    def call(self, method: str, params: Params = None, *, timeout: float | None = None, exact: bool = True) -> Any:
        return self._run(lambda c: c.call(method, params, timeout=timeout, exact=exact), method)

    def batch(
        self,
        calls: Sequence[tuple[str, Params]],
        *,
        timeout: float | None = None,
        return_exceptions: bool = False,
        exact: bool = True,
    ) -> list[Any]:
        return self._run(
            lambda c: c.batch(calls, timeout=timeout, return_exceptions=return_exceptions, exact=exact),
            f"batch[{len(calls)}]",
        )


def connect_rpc(
    settings: LedgerSettings, *, timeout: float | None = None, urls: Sequence[str] | None = None
) -> JsonRpcClient:
    """A client for the settings' endpoint(s): plain for one URL, :class:`FailoverRpcClient` for several."""
    endpoints = list(urls) if urls is not None else settings.rpc_urls
    seconds = timeout if timeout is not None else settings.tx_timeout
    if len(endpoints) == 1:
        return JsonRpcClient(endpoints[0], timeout=seconds)
    return FailoverRpcClient(endpoints, timeout=seconds, max_lag=settings.rpc_max_lag)
