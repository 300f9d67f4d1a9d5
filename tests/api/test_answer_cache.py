"""The answer cache of the read routes: a request answered again from memory gets the route's very bytes and
ETag at the same block, and never an answer of another block: not after the checkpoint moves on, nor after
a rollback, nor after a reorganisation to other blocks at the same heights."""

from __future__ import annotations

import asyncio
import copy
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from api import create_app
from api.answers import AnswerCacheMiddleware
from ledger.decode.records import BlockHeader, LedgerEvent
from ledger.settings import LedgerSettings
from ledger.store import Store, open_store
from tests.api.conftest import Demo
from tests.api.test_read_fast_path import statements
from tests.conftest import service_unavailable
from tests.store.synthetic import SyntheticLedger

PATHS = (
    "/api/v1/assets?limit=5",
    "/api/v1/assets?category=enterprise&limit=3",
    "/api/v1/assets/1",
    "/api/v1/assets/3/history",
    "/api/v1/trades?limit=5",
    "/api/v1/trades/aggregates?group_by=category",
    "/api/v1/trades/aggregates?group_by=day",
    "/api/v1/participants?limit=5",
    "/api/v1/licences?limit=5",
)


def hits() -> float:
    return REGISTRY.get_sample_value("ledger_api_answer_cache_total", {"result": "hit"}) or 0.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    the_store = open_store(f"sqlite:///{tmp_path / 'answers.db'}")
    yield the_store
    the_store.close()


@pytest.fixture
def clients(store: Store, tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    """The API over ``store`` with its answer cache, and without one (what the routes answer)."""
    cached = create_app(LedgerSettings(data_dir=tmp_path / "cached"), store=store)
    direct = create_app(LedgerSettings(data_dir=tmp_path / "direct", api_answer_cache_mb=0), store=store)
    with TestClient(cached) as c, TestClient(direct) as d:
        yield c, d


def synthetic(seed: int) -> SyntheticLedger:
    return SyntheticLedger(seed=seed, participants=20, events_per_block=30)


def cache_of(app: Any) -> AnswerCacheMiddleware:
    """The app's answer cache middleware (its stack is built on the first request)."""
    layer = app.middleware_stack
    while not isinstance(layer, AnswerCacheMiddleware):
        layer = layer.app
    return layer


def apply(store: Store, ledger: SyntheticLedger, events: int) -> None:
    headers, evs = ledger.batch(events)
    store.apply(headers, evs, headers[-1])


def same_answers(cached: TestClient, direct: TestClient) -> None:
    """Each path asked twice of the cached API: both answers are the route's, bytes and ETag, at the store's
    checkpoint; the second one came from memory."""
    for path in PATHS:
        truth = direct.get(path)
        assert truth.status_code == 200, (path, truth.text)
        before = hits()
        for _ in range(2):
            answer = cached.get(path)
            assert (answer.status_code, answer.content) == (200, truth.content), path
            assert answer.headers.get("etag") == truth.headers.get("etag"), path
            assert answer.headers["content-type"] == truth.headers["content-type"], path
        assert hits() == before + 1, path


def test_answers_from_memory_are_the_routes_at_every_checkpoint(
    store: Store, clients: tuple[TestClient, TestClient]
) -> None:
    cached, direct = clients
    ledger = synthetic(11)
    apply(store, ledger, 600)
    same_answers(cached, direct)
    first = {path: cached.get(path).content for path in PATHS}

    apply(store, ledger, 600)  # the checkpoint moves on: every kept answer is of an older block
    before = hits()
    same_answers(cached, direct)
    assert hits() == before + len(PATHS)  # one from memory per path, after the route's new answer
    assert any(cached.get(path).content != first[path] for path in PATHS)


def rehashed(
    headers: list[BlockHeader], events: list[LedgerEvent], salt: str
) -> tuple[list[BlockHeader], list[LedgerEvent]]:
    """The same blocks under other hashes (a competing fork's blocks at the same heights)."""
    renamed: dict[str, str] = {}
    out: list[BlockHeader] = []
    for h in headers:
        renamed[h.hash] = "0x" + keccak(text=f"{salt}/{h.hash}").hex()
        out.append(replace(h, hash=renamed[h.hash], parent_hash=renamed.get(h.parent_hash, h.parent_hash)))
    return out, [replace(e, block_hash=renamed[e.block_hash]) for e in events]


def test_rollback_and_reorganisation_to_the_same_heights_are_misses(
    store: Store, clients: tuple[TestClient, TestClient]
) -> None:
    cached, direct = clients
    ledger = synthetic(12)
    apply(store, ledger, 600)
    fork_point = store.checkpoint()
    assert fork_point is not None
    fork = copy.deepcopy(ledger)
    apply(store, ledger, 900)
    same_answers(cached, direct)
    tip = store.checkpoint()
    assert tip is not None

    store.rollback(fork_point[0])  # a reorganisation: the kept answers are of the old branch's tip
    fork.rng.seed(99)  # other events in the competing blocks, under other hashes, up to the same height
    blocks = [next(iter(fork.blocks(fork.events_per_block))) for _ in range(tip[0] - fork_point[0])]
    headers, events = rehashed([h for h, _ in blocks], [e for _, evs in blocks for e in evs], salt="fork")
    store.apply(headers, events, headers[-1])
    now = store.checkpoint()
    assert now is not None and now[0] == tip[0] and now[1] != tip[1]
    same_answers(cached, direct)  # same heights, other hashes: none is the old branch's answer

    store.rollback(fork_point[0])  # and back again: the kept answers are of a higher block
    same_answers(cached, direct)


def test_if_none_match_from_memory(store: Store, clients: tuple[TestClient, TestClient]) -> None:
    cached, _ = clients
    apply(store, synthetic(13), 300)
    tag = cached.get("/api/v1/assets/1").headers["etag"]
    before = hits()
    for wanted in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        answer = cached.get("/api/v1/assets/1", headers={"If-None-Match": wanted})
        assert (answer.status_code, answer.content, answer.headers["etag"]) == (304, b"", tag), wanted
    stale = cached.get("/api/v1/assets/1", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.headers["etag"] == tag
    assert hits() == before + 5


def test_what_is_not_kept(store: Store, clients: tuple[TestClient, TestClient]) -> None:
    """Answers at ``?at=``, errors, the status and the governance views always come from the routes."""
    cached, _ = clients
    apply(store, synthetic(14), 300)
    head = store.checkpoint()
    assert head is not None
    before = hits()
    for path in (
        f"/api/v1/assets?limit=5&at={head[0]}",
        f"/api/v1/assets/1?at={head[0]}",
        "/api/v1/assets/999999",
        "/api/v1/assets?limit=0",
        "/api/v1/status",
        "/api/v1/governance",
    ):
        first, second = cached.get(path), cached.get(path)
        assert first.status_code == second.status_code, path
    assert hits() == before


def test_the_cache_keeps_within_its_size(store: Store, tmp_path: Path) -> None:
    apply(store, synthetic(15), 600)
    app = create_app(LedgerSettings(data_dir=tmp_path, api_answer_cache_mb=0.01), store=store)  # ~10 KiB
    with TestClient(app) as client:
        ids = [a["asset_id"] for a in client.get("/api/v1/assets?limit=40").json()["data"]]
        assert len(ids) >= 20
        ids = ids[:20]
        for asset_id in ids:
            assert client.get(f"/api/v1/assets/{asset_id}").status_code == 200
        layer = cache_of(app)
        assert 0 < layer.cache.size <= int(0.01 * 2**20) and 0 < len(layer.cache) < 20
        before = hits()
        assert client.get(f"/api/v1/assets/{ids[-1]}").status_code == 200  # the most recent is kept
        assert client.get(f"/api/v1/assets/{ids[0]}").status_code == 200  # the oldest is not
        assert hits() == before + 1


def test_an_answer_from_memory_costs_no_statement_of_the_read_pool(client: TestClient) -> None:
    """Over the demo store, per backend: a request not seen before goes straight to its route (one statement
    for a filtered list, no read of the checkpoint); asked again, nothing runs on the read pool: the
    checkpoint is read on the event loop, on a connection of the cache's own (SQLite: read-only, never
    waiting for a lock; PostgreSQL: asynchronous, in autocommit)."""
    path = "/api/v1/assets?category=public&limit=3"
    with statements(client) as seen:
        first = client.get(path)
    assert first.status_code == 200 and seen["statements"] == 1
    before = hits()
    with statements(client) as seen:
        again = client.get(path)
    assert again.content == first.content and hits() == before + 1
    assert seen == {"statements": 0, "in_transaction": 0}


def test_without_its_own_connection_the_checkpoint_is_read_on_the_read_pool(store: Store, tmp_path: Path) -> None:
    """When the cache's own connection cannot read (here: its file cannot be opened), the checkpoint is read in
    a worker thread on the read pool instead: answers from memory stay exact."""
    ledger = synthetic(16)
    apply(store, ledger, 300)
    app = create_app(LedgerSettings(data_dir=tmp_path), store=store)
    with TestClient(app) as client:
        first = client.get("/api/v1/assets?limit=5")
        layer = cache_of(app)
        layer._file, layer._inline = str(tmp_path / "no such directory" / "store.db"), None
        before = hits()
        assert client.get("/api/v1/assets?limit=5").content == first.content
        assert hits() == before + 1 and layer._inline is None  # read in a worker thread
        apply(store, ledger, 300)
        moved = client.get("/api/v1/assets?limit=5").json()
        assert moved["block"]["number"] == store.checkpoint()[0]  # type: ignore[index]
        assert hits() == before + 1


def test_a_lost_postgresql_connection_falls_back_then_reconnects(demo: Demo, tmp_path: Path) -> None:
    """The server ends the cache's own connection (a restart, a failover, an administrator): the next answer
    from memory reads the checkpoint on the read pool instead, and the one after connects again."""
    store = demo.stores.get("postgresql")
    if store is None:
        service_unavailable("PostgreSQL not reachable")
    path = "/api/v1/assets?category=enterprise&limit=4"
    with TestClient(create_app(LedgerSettings(data_dir=tmp_path), store=store)) as client:
        first = client.get(path)
        assert client.get(path).content == first.content  # from memory: the connection is open
        layer = cache_of(client.app)
        assert layer._async is not None
        lost = layer._async.info.backend_pid
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": lost}).scalar_one()
        before = hits()
        assert client.get(path).content == first.content
        assert hits() == before + 1 and layer._async is None
        assert client.get(path).content == first.content
        assert hits() == before + 2 and layer._async is not None and layer._async.info.backend_pid != lost


def test_the_same_request_arriving_meanwhile_waits_for_the_routes_answer(store: Store, tmp_path: Path) -> None:
    """Requests alike that arrive while the route answers the first one run no route of their own: they check
    its answer against the checkpoint read after it, and get it."""
    apply(store, synthetic(17), 600)
    app = create_app(LedgerSettings(data_dir=tmp_path), store=store)
    path = "/api/v1/trades/aggregates?group_by=exchange&from=2025-06-01T00:00:00Z"
    routes = 0
    route_started, release = threading.Event(), threading.Event()

    def slow_route(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        """Counts the route's statements, and holds the first until the other requests have arrived."""
        nonlocal routes
        if "trade_aggregates" not in statement:
            return
        routes += 1
        route_started.set()
        release.wait(10)

    async def ask_together() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            first = asyncio.ensure_future(client.get(path))
            await asyncio.to_thread(route_started.wait, 10)
            others = [asyncio.ensure_future(client.get(path)) for _ in range(4)]
            await asyncio.sleep(0.2)
            release.set()
            return [await first, *[await o for o in others]]

    with TestClient(app):  # started (and warmed up) first: its own requests are not counted
        engine = store.engine
        sa.event.listen(engine, "before_cursor_execute", slow_route)
        try:
            before = hits()
            answers = asyncio.run(ask_together())
        finally:
            sa.event.remove(engine, "before_cursor_execute", slow_route)
    assert [a.status_code for a in answers] == [200] * 5
    assert len({a.content for a in answers}) == 1
    assert routes == 1 and hits() == before + 4


def test_a_client_that_stops_reading_holds_no_one_else_asking_the_same(store: Store, tmp_path: Path) -> None:
    """A hostile client asks for a large answer and never reads it, so its send never completes: the same
    request from others, arriving meanwhile, still gets the answer (from memory) at once."""
    apply(store, synthetic(18), 600)
    app = create_app(LedgerSettings(data_dir=tmp_path), store=store)
    query = b"limit=1000"

    def scope() -> dict[str, Any]:
        return {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": "/api/v1/assets", "raw_path": b"/api/v1/assets", "query_string": query, "root_path": "",
            "headers": [(b"host", b"test")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
        }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def scenario() -> list[dict[str, Any]]:
        stalled = asyncio.Event()

        async def never_read(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                stalled.set()
                await asyncio.Event().wait()  # the socket's buffer is full: this send never returns

        hostile = asyncio.ensure_future(app(scope(), receive, never_read))
        await asyncio.wait_for(stalled.wait(), 10)
        got: list[dict[str, Any]] = []

        async def collect(message: dict[str, Any]) -> None:
            got.append(message)

        before = hits()
        try:
            await asyncio.wait_for(app(scope(), receive, collect), 10)
        finally:
            hostile.cancel()
        assert hits() == before + 1
        return got

    got = asyncio.run(scenario())
    assert got[0]["status"] == 200 and len(json.loads(got[1]["body"])["data"]) > 5
