"""A fault-injecting JSON-RPC proxy: forwards to a node and spoils some answers on purpose.

``FaultProxy(upstream, ...)`` listens on 127.0.0.1 (a free port; ``proxy.url``). Which requests get a
fault: ``schedule`` (request number -> fault, numbered from 1), then every ``every``-th request
cycling through ``faults``, and independently each request with ``probability`` (seeded).
:class:`Fault` lists the kinds. ``range_limit`` makes every ``eth_getLogs`` over more blocks than
that fail as a node with a range cap does; ``refuse`` answers every request of a method with a
JSON-RPC error (a node that consistently rejects a call). ``counts`` tallies what was injected.
"""

from __future__ import annotations

import contextlib
import enum
import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import requests


class Fault(enum.Enum):
    DELAY = "delay beyond the client timeout"
    HTTP_429 = "HTTP 429"
    HTTP_500 = "HTTP 500"
    HTTP_502 = "HTTP 502"
    HTTP_503 = "HTTP 503"
    DROP = "connection closed without an answer"
    MALFORMED_JSON = "a body that is not JSON"
    TRUNCATED = "a body cut short"
    MALFORMED_RESULT = "valid JSON-RPC with a result of the wrong shape"
    TOO_MANY_RESULTS = "eth_getLogs: query returned more than 10000 results (-32005)"


ALL_FAULTS = tuple(Fault)
# Spoiled results only where the indexer reads: other methods (eth_chainId, eth_getCode) have no shape
# to check beyond "a hex string", so a spoiled one is a lie, not a malformed answer.
_SPOILABLE = frozenset({"eth_getLogs", "eth_getBlockByNumber"})


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        *,
        faults: Iterable[Fault] = ALL_FAULTS,
        every: int = 0,
        probability: float = 0.0,
        schedule: dict[int, Fault] | None = None,
        delay: float = 2.0,
        range_limit: int | None = None,
        refuse: dict[str, tuple[int, str]] | None = None,
        seed: int = 0,
    ) -> None:
        self.upstream = upstream
        self.faults = tuple(faults)
        self.every = every
        self.probability = probability
        self.schedule = dict(schedule or {})
        self.delay = delay
        self.range_limit = range_limit
        self.refuse = dict(refuse or {})
        self.enabled = True
        self.dead = False
        self.counts: Counter[Fault | str] = Counter()
        self.requests = 0
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._cycle = 0
        self._pending: list[Fault] = []
        self._local = threading.local()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else every answer waits ~40 ms for a delayed ACK

            def do_POST(self) -> None:
                proxy._handle(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def kill(self) -> None:
        """The node dies: new connections are refused and kept-alive ones closed without an answer (closing
        the listener alone would leave an established connection served, as no killed node does)."""
        self.dead = True
        self.__exit__(None, None, None)

    # ------------------------------------------------------------------ faults

    def _pick(self, methods: list[str], payload: Any) -> Fault | str | None:
        with self._lock:
            self.requests += 1
            n = self.requests
            if not self.enabled:
                return None
            for method in methods:
                if method in self.refuse:
                    return f"refuse {method}"
            if self.range_limit is not None and isinstance(payload, dict) and payload.get("method") == "eth_getLogs":
                query = payload["params"][0]
                if int(query["toBlock"], 16) - int(query["fromBlock"], 16) + 1 > self.range_limit:
                    return "range"
            for waiting in self._pending:  # faults that only fit some methods wait for one of those
                if _fits(waiting, methods):
                    self._pending.remove(waiting)
                    return waiting
            fault = self.schedule.get(n)
            if fault is None and self.every and n % self.every == 0:
                fault = self.faults[self._cycle % len(self.faults)]
                self._cycle += 1
            if fault is None and self.probability and self._rng.random() < self.probability:
                fault = self._rng.choice(self.faults)
            if fault is not None and not _fits(fault, methods):
                self._pending.append(fault)
                fault = Fault.HTTP_503
            return fault

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
        payload = json.loads(body)
        entries = payload if isinstance(payload, list) else [payload]
        methods = [e.get("method", "") for e in entries]
        if self.dead:
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)
            return
        fault = self._pick(methods, payload)
        if fault is not None:
            self.counts[fault] += 1
        if isinstance(fault, str):
            if fault == "range":
                self._error(
                    handler, payload, -32602, f"block range too large: at most {self.range_limit} blocks per query"
                )
            else:
                code, message = self.refuse[fault.removeprefix("refuse ")]
                self._error(handler, payload, code, message)
            return
        if fault in (Fault.HTTP_429, Fault.HTTP_500, Fault.HTTP_502, Fault.HTTP_503):
            status = int(fault.name.removeprefix("HTTP_"))
            self._send(handler, status, b'{"message":"try again later"}')
            return
        if fault is Fault.DROP:
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is Fault.MALFORMED_JSON:
            self._send(handler, 200, b'{"jsonrpc":"2.0","id":1,"result":[{"address":')
            return
        if fault is Fault.TOO_MANY_RESULTS:
            self._error(handler, payload, -32005, "query returned more than 10000 results")
            return
        if fault is Fault.DELAY:
            time.sleep(self.delay)
        answer = self._forward(body)
        if fault is Fault.MALFORMED_RESULT:
            answer = json.dumps(_spoil(json.loads(answer))).encode()
        if fault is Fault.TRUNCATED:
            self._send(handler, 200, answer, cut=max(1, len(answer) // 2))
            return
        self._send(handler, 200, answer)

    def _forward(self, body: bytes) -> bytes:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        response = session.post(self.upstream, data=body, headers={"Content-Type": "application/json"}, timeout=60)
        return response.content

    @staticmethod
    def _error(handler: BaseHTTPRequestHandler, payload: Any, code: int, message: str) -> None:
        def one(entry: Any) -> dict[str, Any]:
            return {"jsonrpc": "2.0", "id": entry.get("id"), "error": {"code": code, "message": message}}

        answer = [one(e) for e in payload] if isinstance(payload, list) else one(payload)
        FaultProxy._send(handler, 200, json.dumps(answer).encode())

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, *, cut: int | None = None) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body if cut is None else body[:cut])
            handler.wfile.flush()
            if cut is not None:
                handler.close_connection = True
                handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:  # the client gave up (timed out) meanwhile
            handler.close_connection = True


def _fits(fault: Fault, methods: list[str]) -> bool:
    if fault is Fault.TOO_MANY_RESULTS:
        return methods == ["eth_getLogs"]
    if fault is Fault.MALFORMED_RESULT:
        return bool(_SPOILABLE.intersection(methods))
    return True


def _spoil(answer: Any) -> Any:
    """The same answer with a wrong shape: a log or block missing a field, a result of another type,
    a batch missing its last entry."""
    if isinstance(answer, list):
        return answer[:-1] if len(answer) > 1 else [_spoil(answer[0])] if answer else answer
    result = answer.get("result")
    if isinstance(result, list):
        if result:
            result[0].pop("topics", None)
        else:
            answer["result"] = {"logs": []}
    elif isinstance(result, dict):
        result.pop("hash", None)
    else:
        answer["result"] = {"unexpected": result}
    return answer
