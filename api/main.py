"""The HTTP API: :func:`create_app` builds the FastAPI application over a store.

Read routes (``/api/v1/...``) answer from the store only; ``/health``, ``/ready`` and ``/metrics``
serve operations. Routers of other parts (write gateway, explorer) are included below.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Final

import anyio
import httpx
import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics
from api.aggregates import AggregateAnswers
from api.answers import AnswerCacheMiddleware
from api.routes import (
    assets,
    disclosures,
    explorer,
    gateway,
    governance,
    licences,
    listings,
    mandates,
    opening,
    ops,
    orders,
    participants,
    quality,
    recognition,
    revenue,
    search,
    status,
    trades,
    valuations,
)
from api.routes.status import StatusCache
from ledger.settings import LedgerSettings
from ledger.store import Store, open_store
from ledger.store._engine import json_dumps

__all__ = ["app_factory", "create_app", "settle_gc", "warm_up"]

logger = logging.getLogger(__name__)

API_VERSION = "1.0.0"
_WARM_CONNECTIONS: Final = 8  # the read pool's size on PostgreSQL, all opened at start-up

DESCRIPTION = """\
Read API of the data-property rights ledger (数据产权登记、授权与交易结算).

Answers come from the indexer's store, never from the chain. Every answer is an envelope
`{"block": {"number", "hash", "timestamp"}, "data": ...}` naming the block it reflects; lists add
`next_cursor` (pass it back as `?cursor=`; `?limit=` up to 1000). State endpoints take `?at=` (a block
number or an ISO-8601 time). Addresses are checksummed, uint256 amounts decimal strings, times unix
seconds, enum codes come with their names.
"""


class _LatencyMiddleware:
    """Observes every HTTP request's duration by route template (not raw path: bounded labels)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            metrics.REQUEST_LATENCY.labels(template, scope.get("method", ""), f"{status // 100}xx").observe(
                time.perf_counter() - started
            )


def _store_error(_request: Request, exc: Exception) -> JSONResponse:
    """A database error a read ran into: the store unreachable or busy (503), or a value the
    database cannot represent (422; the parameters are validated first, this is the safety net)."""
    if isinstance(exc, sa.exc.DataError):
        detail = [{"loc": ["query"], "msg": "a parameter cannot be represented in the store", "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)
    logger.warning("store unavailable: %s", str(exc).splitlines()[0])
    return JSONResponse({"detail": "the store is unavailable"}, status_code=503, headers={"Retry-After": "1"})


def _reader(store: Store) -> Store:
    """The store the read routes use. PostgreSQL: an engine of its own, without a ping per checkout
    (a round trip per request; a connection that died answers one request with 503 and is
    replaced) and with planner costs for a cached store; SQLite: the store itself."""
    if store.dialect != "postgresql":
        return store
    engine = sa.create_engine(store.engine.url, json_serializer=json_dumps, pool_size=_WARM_CONNECTIONS, max_overflow=8)

    @sa.event.listens_for(engine, "connect")
    def _tune(dbapi_connection: Any, _record: Any) -> None:
        # Random reads cost little more than sequential ones on SSDs and a cached working set. At the
        # default (4) the planner walks the primary key for a filtered list (the heap follows it) and
        # meets the first match only after every earlier asset: with 1.1 it takes the filter's
        # (column, asset_id) index, ~0.6 ms instead of ~200 ms on the benchmark's million assets.
        dbapi_connection.execute("SET random_page_cost = 1.1")
        dbapi_connection.commit()

    return Store(engine)


def create_app(settings: LedgerSettings, *, store: Store | None = None) -> FastAPI:
    """The API over ``store`` (default: the store of ``settings``, opened and migrated here and
    closed with the app; a store passed in stays the caller's to close)."""
    owned = store is None
    closers: list[Callable[[], Awaitable[None]]] = []  # what middleware opened, closed at shutdown
    the_store = open_store(settings.effective_database_url) if store is None else store

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await warm_up(_app)
        yield
        for close in closers:
            await close()
        if reader is not the_store:
            reader.close()
        _app.state.gateway.close()
        if owned:
            the_store.close()

    app = FastAPI(
        title="Data-rights ledger API",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = the_store
    app.state.reader = reader = _reader(the_store)
    app.state.metrics_registry = metrics.store_registry(the_store)
    app.state.aggregate_answers = AggregateAnswers()
    app.state.status_cache = StatusCache()

    app.add_exception_handler(sa.exc.DataError, _store_error)
    app.add_exception_handler(sa.exc.OperationalError, _store_error)
    app.add_exception_handler(sa.exc.TimeoutError, _store_error)  # no pooled connection free in time
    if settings.api_answer_cache_mb > 0:  # inside the latency middleware: answers from memory are measured too
        app.add_middleware(
            AnswerCacheMiddleware,
            store=reader,
            max_bytes=int(settings.api_answer_cache_mb * 2**20),
            closers=closers,
        )
    app.add_middleware(_LatencyMiddleware)
    if settings.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.api_cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
            expose_headers=["ETag"],
        )

    app.include_router(ops.router)
    for read in (
        status, participants, assets, licences, trades, mandates, revenue, orders, search, recognition, governance,
        valuations, disclosures, quality, listings, opening,
    ):  # fmt: skip
        app.include_router(read.router)
    app.include_router(explorer.router)
    gateway.mount(app, settings, the_store)  # POST /api/v1/tx/...: writes signed by the API key's participant
    # Other parts plug in their routers here.
    return app


#: Read once at start-up, before the process accepts connections: the hot routes' code paths, statements and
#: serialisers are built then, not while the first clients wait. Their answers stay in the answer cache
#: (api/answers.py) while the indexed block stays the same.
_WARM_PATHS: Final = (
    "/api/v1/status",
    "/api/v1/assets/1",
    "/api/v1/assets?limit=20",
    "/api/v1/assets?category=enterprise&limit=20",
    "/api/v1/assets?status=registered&category=public&limit=20",
    "/api/v1/assets?kind=dataset&region=450000&limit=20",
    "/api/v1/assets?frozen=true&limit=20",
    "/api/v1/assets?holder=0x70997970C51812dc3A010C7d01b50e0d17dc79C8&limit=20",
    "/api/v1/trades/aggregates?group_by=day",
    "/api/v1/trades/aggregates?group_by=category",
    "/api/v1/trades/aggregates?group_by=exchange",
    "/api/v1/trades/aggregates?group_by=day&from=2026-01-01T00:00:00Z&to=2026-01-31T00:00:00Z",
)
_WARM_SECONDS: Final = 5.0


async def warm_up(app: FastAPI) -> None:
    """Opens the read pool's connections and answers each of :data:`_WARM_PATHS` once, in-process, within
    a few seconds at most; a store that is unreachable or empty only makes it shorter."""
    reader: Store = app.state.reader

    def open_pool() -> None:
        connections = []
        try:
            for _ in range(_WARM_CONNECTIONS):
                connections.append(reader.engine.connect())
        except sa.exc.SQLAlchemyError:
            pass
        for conn in connections:
            conn.close()

    started = time.perf_counter()
    with anyio.move_on_after(_WARM_SECONDS):
        await anyio.to_thread.run_sync(open_pool)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://warm-up") as client:
            for path in _WARM_PATHS:
                try:
                    await client.get(path)
                except Exception:
                    logger.debug("warm-up request %s failed", path, exc_info=True)
    logger.info("warmed up in %.3fs", time.perf_counter() - started)


def settle_gc() -> None:
    """For a server process, once the app is built: everything alive by then (modules, routes,
    models) leaves the collector's view (``gc.freeze``), and the youngest generation is collected
    every 10,000 allocations instead of 700. Each full collection otherwise walks every object of
    the web stack, a pause of several milliseconds in the middle of whatever request is running."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 50)


def app_factory() -> Any:
    """For ``uvicorn --factory api.main:app_factory``: the app from the environment's settings."""
    app = create_app(LedgerSettings())
    settle_gc()
    return app
