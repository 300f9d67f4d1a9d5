"""A thin raw JSON-RPC 2.0 client over HTTP (``urllib3``'s connection pools).

Failures are sorted for retry logic:

* :class:`~ledger.errors.RpcTransportError` (retryable): timeouts, connection
  errors, HTTP 429 and 5xx, JSON-RPC ``-32005`` (limit exceeded), and, as its subclass
  :class:`~ledger.errors.MalformedAnswerError`, answers that are not well-formed JSON-RPC
  (a body that is not JSON or was cut short, an answer without result, a batch answer
  missing an entry);
* :class:`~ledger.errors.RpcRemoteError` (non-retryable): JSON-RPC error objects
  (reverts, bad params, unknown method...), other HTTP 4xx.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Final
from urllib.parse import urlsplit

import certifi
import orjson
import requests.utils
import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError, ProtocolError, ProxyError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from ledger._json import loads_exact
from ledger.errors import MalformedAnswerError, RpcRemoteError, RpcTransportError

__all__ = ["DEFAULT_TIMEOUT", "JsonRpcClient", "Params"]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT: Final[float] = 10.0
_RETRYABLE_RPC_CODES: Final[frozenset[int]] = frozenset({-32005})  # "limit exceeded" / rate limited

Params = Sequence[Any] | Mapping[str, Any] | None


def _dumps(payload: Any) -> bytes:
    """The request body: orjson, or the standard library for what orjson refuses (integers beyond 64 bits)."""
    try:
        return orjson.dumps(payload)
    except TypeError:
        return json.dumps(payload).encode()


def _pool_for(url: str) -> tuple[urllib3.PoolManager, str | None, dict[str, str]]:
    """A connection pool for ``url`` with what ``requests`` would read from the environment (an HTTP(S) proxy
    and NO_PROXY, a CA bundle, .netrc credentials) resolved once here instead of on every request, and the
    request headers; plus the proxy's URL, if one applies. urllib3 straight: ``requests`` costs ~0.7 ms of CPU
    more per call (its per-request merging of settings, hooks and cookies), which a client making thousands
    of calls feels."""
    headers = {"Content-Type": "application/json"}
    credentials = requests.utils.get_netrc_auth(url)
    if credentials:
        headers.update(urllib3.make_headers(basic_auth=f"{credentials[0]}:{credentials[1]}"))
    options: dict[str, Any] = {"maxsize": 10, "block": False}
    if urlsplit(url).scheme.lower() == "https":
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or certifi.where()
        options |= {"cert_reqs": "CERT_REQUIRED", "ca_certs": bundle}
    proxies = requests.utils.get_environ_proxies(url)
    proxy = proxies.get(urlsplit(url).scheme.lower()) or proxies.get("all")
    if proxy is None:
        return urllib3.PoolManager(**options), None, headers
    if urlsplit(proxy).scheme.lower() not in ("http", "https"):
        raise ValueError(f"the proxy {proxy} for {url} is not an HTTP(S) proxy (only those are supported)")
    return urllib3.ProxyManager(proxy, **options), proxy, headers


def _text(content: bytes) -> str:
    """The start of an answer's body, for an error message."""
    return content[:200].decode("utf-8", "replace")


class JsonRpcClient:
    """``call(method, params)`` and ``batch([(method, params), ...])`` against one URL.

    Thread-safe for concurrent calls (one pool of connections). Use as a context manager or call
    :meth:`close`.
    """

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, connect_timeout: float = 3.0) -> None:
        self.url = url
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._pool, self.proxy, self._headers = _pool_for(url)
        self._ids = itertools.count(1)
        self._id_lock = threading.Lock()

    def __enter__(self) -> JsonRpcClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._pool.clear()

    def _next_id(self) -> int:
        with self._id_lock:
            return next(self._ids)

    @staticmethod
    def _request(method: str, params: Params, request_id: int) -> dict[str, Any]:
        body: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        body["params"] = [] if params is None else (dict(params) if isinstance(params, Mapping) else list(params))
        return body

    def _post(self, payload: Any, label: str, timeout: float | None, exact: bool = True) -> Any:
        read = timeout if timeout is not None else self.timeout
        try:
            response = self._pool.urlopen(
                "POST", self.url, body=_dumps(payload), headers=self._headers, retries=False, redirect=False,
                timeout=urllib3.Timeout(connect=self.connect_timeout, read=read),
            )  # fmt: skip
        except (NewConnectionError, ProtocolError, ProxyError) as exc:  # (NewConnectionError: also a timeout)
            raise RpcTransportError(f"{label}: cannot connect to {self.url}: {exc}", method=label) from exc
        except Urllib3Timeout as exc:
            raise RpcTransportError(f"{label}: timed out talking to {self.url}", method=label) from exc
        except HTTPError as exc:
            raise RpcTransportError(f"{label}: HTTP request failed: {exc}", method=label) from exc
        status, content = response.status, response.data
        if status == 429 or status >= 500:
            raise RpcTransportError(
                f"{label}: HTTP {status} from {self.url}: {_text(content)}", method=label, status=status
            )
        try:
            decoded = loads_exact(content) if exact else orjson.loads(content)
        except ValueError:
            if status >= 400:
                raise RpcRemoteError(f"{label}: HTTP {status}: {_text(content)}", method=label) from None
            raise MalformedAnswerError(
                f"{label}: answer is not JSON: {_text(content)!r}", method=label, status=status
            ) from None
        if status >= 400 and not (isinstance(decoded, (dict, list)) and decoded):
            raise RpcRemoteError(f"{label}: HTTP {status}: {_text(content)}", method=label)
        return decoded

    @staticmethod
    def _result(item: Any, method: str) -> Any:
        if not isinstance(item, dict):
            raise MalformedAnswerError(f"{method}: malformed JSON-RPC answer {item!r:.200}", method=method)
        error = item.get("error")
        if error is not None:
            code = error.get("code") if isinstance(error, dict) else None
            message = error.get("message") if isinstance(error, dict) else str(error)
            data = error.get("data") if isinstance(error, dict) else None
            if code in _RETRYABLE_RPC_CODES:
                raise RpcTransportError(f"{method}: {message} (code {code})", method=method)
            raise RpcRemoteError(f"{method}: {message} (code {code})", method=method, code=code, data=data)
        if "result" not in item:
            raise MalformedAnswerError(f"{method}: JSON-RPC answer without result: {item!r:.200}", method=method)
        return item["result"]

    def call(self, method: str, params: Params = None, *, timeout: float | None = None, exact: bool = True) -> Any:
        """Call one method and return its ``result``; raises an :class:`~ledger.errors.RpcError`.

        ``exact=False`` skips the check for integers beyond 64 bits (which orjson would read as floats;
        about a millisecond per megabyte): for answers whose values the caller checks are hex strings
        (logs, headers, call results), where such a number could not pass for one."""
        request = self._request(method, params, self._next_id())
        logger.debug("rpc -> %s %s", method, request["params"])
        answer = self._post(request, method, timeout, exact)
        if isinstance(answer, list):  # some servers wrap a single answer
            answer = answer[0] if answer else None
        return self._result(answer, method)

    def batch(
        self,
        calls: Sequence[tuple[str, Params]],
        *,
        timeout: float | None = None,
        return_exceptions: bool = False,
        exact: bool = True,
    ) -> list[Any]:
        """Send several calls in one HTTP request; results come back in call order.

        A JSON-RPC error in one entry raises it (the first one), unless
        ``return_exceptions`` is true, in which case the exception object takes
        that entry's place. Transport errors (malformed answers included, e.g. an
        entry missing from the answer) always raise.
        """
        if not calls:
            return []
        requests_ = [self._request(method, params, self._next_id()) for method, params in calls]
        label = f"batch[{len(calls)}]"
        answer = self._post(requests_, label, timeout, exact)
        if isinstance(answer, dict):  # a single error object for the whole batch
            self._result(answer, label)
            raise MalformedAnswerError(f"{label}: expected a list, got {answer!r:.200}", method=label)
        if not isinstance(answer, list):
            raise MalformedAnswerError(f"{label}: malformed batch answer {answer!r:.200}", method=label)
        by_id = {item.get("id"): item for item in answer if isinstance(item, dict)}
        results: list[Any] = []
        for request in requests_:
            item = by_id.get(request["id"])
            if item is None:
                raise MalformedAnswerError(f"{request['method']}: missing from batch answer", method=request["method"])
            try:
                results.append(self._result(item, request["method"]))
            except RpcRemoteError as exc:
                if not return_exceptions:
                    raise
                results.append(exc)
        return results
