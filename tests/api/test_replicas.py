"""Stateless, interchangeable API processes: three replicas (separate uvicorn processes) over one
PostgreSQL store give identical answers and ETags, and share each API key's rate limit, in PostgreSQL and
in Redis: the total admitted across the replicas is the limit (burst + rate x time) within one burst."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, Server, api_server, gateway_market, postgres_schema
from tests.conftest import redis_test_url

REPLICAS = 3


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    with postgres_schema() as url, gateway_market(tmp_path_factory.mktemp("replicas"), compile_contracts(), url) as m:
        yield m


@contextmanager
def replicas(market: Market, logs: Path, **env: str) -> Iterator[list[Server]]:
    with ExitStack() as stack:
        yield [stack.enter_context(api_server(market, logs / f"replica-{i}.log", **env)) for i in range(REPLICAS)]


def test_replicas_give_identical_bodies_and_etags(market: Market, tmp_path: Path) -> None:
    merchant = market.address("merchant")
    paths = [
        "/api/v1/assets?limit=5", "/api/v1/assets/1", "/api/v1/assets/2/history", f"/api/v1/participants/{merchant}",
        "/api/v1/licences", "/api/v1/trades", "/api/v1/trades/aggregates?group_by=category",
        "/api/v1/trades/aggregates?group_by=day&at=20", f"/api/v1/revenue?participant={merchant}",
        "/api/v1/orders", "/api/v1/search?q=DR", "/openapi.json",
    ]  # fmt: skip
    with replicas(market, tmp_path) as servers:
        # A past state in which asset 1 exists, whatever the chain's block numbering (interval mining, governance).
        registered = httpx.get(f"{servers[0].url}/api/v1/assets/1", timeout=30).json()["data"]["registered_block"]
        paths.append(f"/api/v1/assets/1?at={registered}")
        for path in paths:
            answers = [httpx.get(f"{s.url}{path}", timeout=30) for s in servers]
            first = answers[0]
            assert first.status_code == 200, (path, first.text)
            for other in answers[1:]:
                assert (other.status_code, other.content, other.headers.get("etag")) == (
                    first.status_code, first.content, first.headers.get("etag")
                ), path  # fmt: skip
        # An ETag from one replica is current on another.
        tag = httpx.get(f"{servers[0].url}/api/v1/assets/1", timeout=30).headers["etag"]
        again = httpx.get(f"{servers[2].url}/api/v1/assets/1", headers={"If-None-Match": tag}, timeout=30)
        assert again.status_code == 304


def _hammer(servers: list[Server], token: str, seconds: float) -> tuple[int, int, float]:
    """Requests from 4 threads round-robin over the replicas for ``seconds``: (admitted, refused, elapsed)."""
    counts: dict[int, int] = {}
    errors: list[str] = []
    times: list[float] = []
    lock = threading.Lock()
    turn = itertools.cycle(servers)
    deadline = time.monotonic() + seconds

    def work() -> None:
        with httpx.Client(timeout=30) as client:
            while time.monotonic() < deadline:
                with lock:
                    server = next(turn)
                sent = time.monotonic()
                try:
                    status = client.get(f"{server.url}/api/v1/tx/key", headers={"X-API-Key": token}).status_code
                except httpx.HTTPError as exc:  # counted, and seen in the assertion below
                    status = -1
                    errors.append(repr(exc))
                with lock:
                    counts[status] = counts.get(status, 0) + 1
                    times.append(sent)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(counts) <= {200, 429}, (counts, errors[:3])
    return counts.get(200, 0), counts.get(429, 0), max(times) - min(times)


RATE, BURST = 5.0, 5


@pytest.mark.parametrize("where", ["postgresql", "redis"])
def test_one_key_rate_limit_holds_across_three_replicas(market: Market, tmp_path: Path, where: str) -> None:
    env = {"LEDGER_GATEWAY_RATE_PER_SECOND": str(RATE), "LEDGER_GATEWAY_RATE_BURST": str(BURST)}
    if where == "redis":
        env |= {"LEDGER_REDIS_URL": redis_test_url(), "LEDGER_REDIS_PREFIX": f"test-{uuid.uuid4().hex[:10]}"}
    token = market.tokens["exchange" if where == "redis" else "bank"]  # a fresh bucket in each
    with replicas(market, tmp_path, **env) as servers:
        for server in servers:  # first requests open connections and compile statements: not timed
            httpx.get(f"{server.url}/api/v1/tx/key", headers=market.auth("authority"), timeout=30)
        admitted, refused, elapsed = _hammer(servers, token, 4.0)
        usage = httpx.get(f"{servers[1].url}/api/v1/tx/key", headers={"X-API-Key": token}, timeout=30)
    expected = BURST + RATE * elapsed
    assert abs(admitted - expected) <= BURST, (admitted, refused, elapsed, usage.status_code, usage.text)
    assert refused > admitted  # the replicas were asked far more than the limit
    # Usage is shared too: every replica counted into the same record.
    if usage.status_code == 200:
        assert usage.json()["usage_today"]["requests"] >= admitted + 1
        assert usage.json()["usage_today"]["refused"] >= refused
