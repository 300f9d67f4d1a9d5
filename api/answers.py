"""Answers of the read routes kept in memory and given again while the store stays at their block.

An answer of the current state (no ``?at=``) is a function of the request's path and query and of the
store at the block its envelope names, and the store only changes when the indexer moves its checkpoint
(a new block, or a reorganisation to another hash). So each API process keeps recent answers keyed by
path and query, tagged with the block their envelope names (number and hash), and when a request comes
again while the checkpoint still names that block it answers with the same bytes and ETag: one read of
the checkpoint instead of the route's queries, validation and serialisation. Replicas still answer
alike (bytes and ETag are the route's), ``If-None-Match`` gets its 304 as from the route, and a
checkpoint that moved, or came back to the same number with another hash, is a miss.

Kept: 200 answers of :data:`CACHED_PREFIXES` whose body opens with the envelope's block. Not kept:
``?at=`` (its block depends on the blocks stored after it), the status (it reads the chain head and the
clock), governance and recognition (they also read what the gateway and the cross-check record between
blocks), the write gateway, errors.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

import anyio
import psycopg
import sqlalchemy as sa
from prometheus_client import Counter
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import read_current, read_limiter
from api.responses import etag_matches
from ledger.store import Store
from ledger.store import schema as s

__all__ = ["ANSWER_CACHE", "CACHED_PREFIXES", "AnswerCache", "AnswerCacheMiddleware"]

#: Read routes whose answers are functions of the indexed store alone.
CACHED_PREFIXES: Final = (
    "/api/v1/assets",
    "/api/v1/trades",
    "/api/v1/participants",
    "/api/v1/licences",
    "/api/v1/mandates",
    "/api/v1/revenue",
    "/api/v1/orders",
    "/api/v1/search",
)

ANSWER_CACHE: Final = Counter(
    "ledger_api_answer_cache",
    "Read requests the answer cache could serve, by result: hit (answered from memory), miss (the route answered).",
    ["result"],
)

_BLOCK: Final = re.compile(rb'\A\{"block":\{"number":(-?[0-9]+),"hash":"(0x[0-9a-fA-F]*)"')
_HEAD: Final = sa.select(s.checkpoint.c.block_number, s.checkpoint.c.block_hash).limit(1)
_HEAD_SQL: Final = str(_HEAD.compile(compile_kwargs={"literal_binds": True}))  # for the driver connections
_ENTRY_OVERHEAD: Final = 512  # bytes counted per entry beyond its body (key, headers, bookkeeping)


@dataclass(frozen=True, slots=True)
class _Answer:
    block: tuple[int, str]
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes | None
    size: int
    route: object


class AnswerCache:
    """Least recently used answers within ``max_bytes`` (bodies and a fixed overhead per entry). Used
    from the event loop's thread only: no lock."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._answers: OrderedDict[bytes, _Answer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    def __contains__(self, key: bytes) -> bool:
        return key in self._answers

    def get(self, key: bytes, block: tuple[int, str]) -> _Answer | None:
        answer = self._answers.get(key)
        if answer is None or answer.block != block:
            return None
        self._answers.move_to_end(key)
        return answer

    def put(self, key: bytes, answer: _Answer) -> None:
        if answer.size > self.max_bytes:
            return
        old = self._answers.pop(key, None)
        if old is not None:
            self.size -= old.size
        self._answers[key] = answer
        self.size += answer.size
        while self.size > self.max_bytes:
            _, evicted = self._answers.popitem(last=False)
            self.size -= evicted.size


def _cacheable(scope: Scope) -> bool:
    if scope["method"] != "GET" or not scope["path"].startswith(CACHED_PREFIXES):
        return False
    query: bytes = scope.get("query_string", b"")
    return not any(part == b"at" or part.startswith(b"at=") for part in query.split(b"&"))


class AnswerCacheMiddleware:
    """ASGI middleware: answers :func:`_cacheable` requests from an :class:`AnswerCache` when the store's
    checkpoint names the block of the kept answer, else lets the route answer and keeps its answer."""

    def __init__(
        self, app: ASGIApp, *, store: Store, max_bytes: int, closers: list[Callable[[], Awaitable[None]]]
    ) -> None:
        self.app = app
        self.store = store
        self.cache = AnswerCache(max_bytes)
        database = store.engine.url.database if store.dialect == "sqlite" else None
        self._file = database if database and database != ":memory:" else None
        self._inline: sqlite3.Connection | None = None
        # Requests being answered by their route, by key: the same request arriving meanwhile waits for that
        # answer (then checks it against the checkpoint read after it) instead of running the route again.
        self._running: dict[bytes, asyncio.Event] = {}
        postgres = store.dialect == "postgresql"
        self._conninfo = store.engine.url.set(drivername="postgresql").render_as_string(False) if postgres else None
        self._async: psycopg.AsyncConnection[tuple[int, str]] | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None
        closers.append(self.aclose)

    async def aclose(self) -> None:
        """Closes the connections of the checkpoint reads (the app's shutdown)."""
        if self._inline is not None:
            self._inline.close()
            self._inline = None
        if self._async is not None and self._async_loop is asyncio.get_running_loop():
            await self._async.close()
        self._async = None

    def _head_inline(self) -> tuple[bool, tuple[int, str] | None]:
        """SQLite file: the checkpoint read on the event loop, on a read-only connection of its own that never
        waits for a lock (a WAL reader needs none but in rare moments): about as long as a thread hop costs,
        without the hop. (False, None) when it would have to wait, or the store is not a SQLite file."""
        if self._file is None:
            return False, None
        try:
            if self._inline is None:
                uri = f"file:{quote(self._file)}?mode=ro"
                self._inline = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None, check_same_thread=False)
            row = self._inline.execute(_HEAD_SQL).fetchone()
        except sqlite3.Error:
            return False, None
        return True, None if row is None else (int(row[0]), str(row[1]))

    def _head(self) -> tuple[int, str] | None:
        """The checkpoint read on the read pool, in a worker thread: when the cache's own connection cannot."""
        with read_current(self.store) as conn:
            row = conn.execute(_HEAD).first()
        return None if row is None else (int(row[0]), str(row[1]))

    async def _head_async(self) -> tuple[bool, tuple[int, str] | None]:
        """PostgreSQL: the checkpoint read on the event loop, on an asynchronous autocommit connection of its own
        (one round trip, no thread hop). (False, None) when the server cannot be reached that way; the next
        request connects again."""
        if self._conninfo is None:
            return False, None
        loop = asyncio.get_running_loop()
        if self._async is not None and self._async_loop is not loop:  # opened on a loop that has ended
            self._async = None
        try:
            if self._async is None or self._async.closed:
                self._async = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True, connect_timeout=5)
                self._async_loop = loop
            cursor = await self._async.execute(_HEAD_SQL)
            row = await cursor.fetchone()
        except psycopg.Error:
            if self._async is not None:
                await self._async.close()
            self._async = None
            return False, None
        return True, None if row is None else (int(row[0]), str(row[1]))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _cacheable(scope):
            await self.app(scope, receive, send)
            return
        key = scope["path"].encode() + b"?" + scope.get("query_string", b"")
        running = self._running.get(key)
        if running is not None:  # the same request is being answered: its answer may serve this one too
            await running.wait()
        answer = await self._kept(scope, key)
        if answer is not None:
            ANSWER_CACHE.labels("hit").inc()
            scope["route"] = answer.route  # the latency metric's label, as if the route had answered
            await self._send(scope, send, answer)
            return
        ANSWER_CACHE.labels("miss").inc()
        owner = key not in self._running
        if owner:
            self._running[key] = asyncio.Event()
        try:
            await self._answer_and_keep(scope, receive, send, key, release=owner)
        finally:
            if owner:
                self._release(key)

    def _release(self, key: bytes) -> None:
        """Lets the requests waiting for ``key``'s answer go on (at most once)."""
        waiting = self._running.pop(key, None)
        if waiting is not None:
            waiting.set()

    async def _kept(self, scope: Scope, key: bytes) -> _Answer | None:
        """The answer kept for ``key`` if the checkpoint, read now, still names its block."""
        if key not in self.cache:  # nothing to compare the checkpoint with: no read of it
            return None
        done, head = self._head_inline() if self._conninfo is None else await self._head_async()
        if not done:
            head = await anyio.to_thread.run_sync(self._head, limiter=read_limiter(Request(scope)))
        return None if head is None else self.cache.get(key, head)

    async def _send(self, scope: Scope, send: Send, answer: _Answer) -> None:
        if answer.etag is not None and etag_matches(Headers(scope=scope).get("if-none-match"), answer.etag.decode()):
            headers = [(b"etag", answer.etag), (b"cache-control", b"no-cache")]  # as etag_response sends them
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": answer.headers})
        await send({"type": "http.response.body", "body": answer.body})

    async def _answer_and_keep(self, scope: Scope, receive: Receive, send: Send, key: bytes, release: bool) -> None:
        """The route's answer, kept when it can be. With ``release``, the requests waiting for it go on as soon
        as it is complete, before it is sent: a client that does not read its answer holds no one else."""
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = int(message["status"]), list(message.get("headers", []))
            elif message["type"] == "http.response.body" and status == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(key, headers, b"".join(chunks), scope.get("route"))
            if release and message["type"] == "http.response.body" and not message.get("more_body", False):
                self._release(key)
            await send(message)

        await self.app(scope, receive, keep)

    def _keep(self, key: bytes, headers: list[tuple[bytes, bytes]], body: bytes, route: object) -> None:
        found = _BLOCK.match(body)
        if found is None:
            return
        etag = next((value for name, value in headers if name.lower() == b"etag"), None)
        size = len(body) + len(key) + _ENTRY_OVERHEAD
        block = (int(found[1]), found[2].decode())
        self.cache.put(key, _Answer(block, headers, body, etag, size, route))
