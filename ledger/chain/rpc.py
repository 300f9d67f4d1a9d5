"""A thin raw JSON-RPC 2.0 client over HTTP (``requests``).

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

import orjson
import requests

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


def _session_for(url: str) -> requests.Session:
    """A session with what ``requests`` would read from the environment for ``url`` (proxies, a CA
    bundle, .netrc credentials) resolved once here instead of on every request (~0.3 ms each)."""
    session = requests.Session()
    session.proxies.update(requests.utils.get_environ_proxies(url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle and url.lower().startswith("https:"):  # (requests checks the path on every request)
        session.verify = bundle
    credentials = requests.utils.get_netrc_auth(url)
    if credentials:
        session.auth = credentials
    session.trust_env = False
    return session


class JsonRpcClient:
    """``call(method, params)`` and ``batch([(method, params), ...])`` against one URL.

    Thread-safe for concurrent calls (one pooled ``requests.Session``). Use as a
    context manager or call :meth:`close`.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = 3.0,
        session: requests.Session | None = None,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._session = session or _session_for(url)
        self._session.headers.update({"Content-Type": "application/json"})
        self._ids = itertools.count(1)
        self._id_lock = threading.Lock()

    def __enter__(self) -> JsonRpcClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def _next_id(self) -> int:
        with self._id_lock:
            return next(self._ids)

    @staticmethod
    def _request(method: str, params: Params, request_id: int) -> dict[str, Any]:
        body: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        body["params"] = [] if params is None else (dict(params) if isinstance(params, Mapping) else list(params))
        return body

    def _post(self, payload: Any, label: str, timeout: float | None, exact: bool = True) -> Any:
        try:
            response = self._session.post(
                self.url,
                data=_dumps(payload),
                timeout=(self.connect_timeout, timeout if timeout is not None else self.timeout),
            )
        except requests.Timeout as exc:
            raise RpcTransportError(f"{label}: timed out talking to {self.url}", method=label) from exc
        except requests.ConnectionError as exc:
            raise RpcTransportError(f"{label}: cannot connect to {self.url}: {exc}", method=label) from exc
        except requests.RequestException as exc:
            raise RpcTransportError(f"{label}: HTTP request failed: {exc}", method=label) from exc
        status = response.status_code
        if status == 429 or status >= 500:
            raise RpcTransportError(
                f"{label}: HTTP {status} from {self.url}: {response.text[:200]}", method=label, status=status
            )
        try:
            decoded = loads_exact(response.content) if exact else orjson.loads(response.content)
        except ValueError:
            if status >= 400:
                raise RpcRemoteError(f"{label}: HTTP {status}: {response.text[:200]}", method=label) from None
            raise MalformedAnswerError(
                f"{label}: answer is not JSON: {response.text[:200]!r}", method=label, status=status
            ) from None
        if status >= 400 and not (isinstance(decoded, (dict, list)) and decoded):
            raise RpcRemoteError(f"{label}: HTTP {status}: {response.text[:200]}", method=label)
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
