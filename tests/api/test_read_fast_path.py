"""The current-state fast path of the hot routes (asset lists, asset detail, trade aggregates): each
answer read in one or two statements carrying their block stamp (PostgreSQL: no transaction) is
the answer of the snapshot path, and it costs the statements it should."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api import create_app
from api.aggregates import AggregateAnswers
from ledger.settings import LedgerSettings
from ledger.store import Store
from tests.api.conftest import Demo


@contextmanager
def statements(client: TestClient) -> Iterator[dict[str, int]]:
    """Counts the reader's statements while the block runs, and (PostgreSQL) those that ran in a
    transaction (psycopg not in autocommit: a BEGIN and a COMMIT or ROLLBACK round trip more)."""
    engine: sa.Engine = client.app.state.reader.engine  # type: ignore[attr-defined]
    seen = {"statements": 0, "in_transaction": 0}

    def on_execute(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("BEGIN"):  # SQLite's explicit BEGIN
            return
        seen["statements"] += 1
        if getattr(cursor.connection, "autocommit", True) is False:
            seen["in_transaction"] += 1

    sa.event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_execute)


def answer(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, (path, params, response.text)
    return response.json()


def test_current_answers_equal_the_snapshot_answers_at_the_head(client: TestClient, demo: Demo) -> None:
    # ?at=<head> reads the same state through the snapshot path (resolve_at, then the route's queries).
    ids = [a["asset_id"] for a in answer(client, "/api/v1/assets", limit=1000)["data"]]
    assert ids
    for asset_id in [*ids, max(ids) + 1]:
        fast = client.get(f"/api/v1/assets/{asset_id}")
        slow = client.get(f"/api/v1/assets/{asset_id}", params={"at": demo.head})
        assert (fast.status_code, fast.json()) == (slow.status_code, slow.json()), asset_id
        assert fast.headers.get("etag") == slow.headers.get("etag")
    holder = answer(client, f"/api/v1/assets/{ids[0]}")["data"]["holding_holder"]
    for params in ({}, {"category": "enterprise"}, {"holder": holder}, {"frozen": "false"}, {"limit": 1}):
        first = answer(client, "/api/v1/assets", **params)
        assert first == answer(client, "/api/v1/assets", at=demo.head, **params), params
        if first["next_cursor"]:
            cursor = {**params, "cursor": first["next_cursor"]}
            assert answer(client, "/api/v1/assets", **cursor) == answer(
                client, "/api/v1/assets", at=demo.head, **cursor
            )
    assert answer(client, "/api/v1/assets", category="public", q="no such asset anywhere") == {
        "block": first["block"],
        "data": [],
        "next_cursor": None,
    }
    for by in ("day", "category", "exchange"):
        assert answer(client, "/api/v1/trades/aggregates", group_by=by)["block"]["number"] == demo.head


@pytest.fixture
def routes(demo: Demo, backend: str, tmp_path: Path) -> Iterator[TestClient]:
    """The API over the demo store without its answer cache: every request reaches its route."""
    app = create_app(LedgerSettings(data_dir=tmp_path, api_answer_cache_mb=0), store=demo.stores[backend])
    with TestClient(app) as c:
        yield c


def test_hot_routes_cost_one_statement_without_a_transaction(routes: TestClient, backend: str) -> None:
    client = routes
    client.app.state.aggregate_answers = AggregateAnswers()  # type: ignore[attr-defined]  # forget the warm-up's
    with statements(client) as seen:  # the first answer at this block: the stamp, then the totals stamped
        first = answer(client, "/api/v1/trades/aggregates", group_by="category")
    assert seen["statements"] == 2
    if backend == "postgresql":
        assert seen["in_transaction"] == 0
    with statements(client) as seen:
        answer(client, "/api/v1/assets", category="enterprise", limit=2)
    assert seen["statements"] == 1
    if backend == "postgresql":
        assert seen["in_transaction"] == 0
    with statements(client) as seen:  # remembered for the block: the stamp only
        assert answer(client, "/api/v1/trades/aggregates", group_by="category") == first
    assert seen["statements"] == 1
    if backend == "postgresql":
        assert seen["in_transaction"] == 0


def test_asset_detail_costs_one_statement_and_one_more_for_its_trades(synthetic_store: Store, tmp_path: Path) -> None:
    app = create_app(LedgerSettings(data_dir=tmp_path, api_answer_cache_mb=0), store=synthetic_store)
    with TestClient(app) as client:
        detail_costs(client)


def detail_costs(client: TestClient) -> None:
    head = answer(client, "/api/v1/status")["block"]["number"]
    costs = []
    for asset in answer(client, "/api/v1/assets", limit=1000)["data"]:
        path = f"/api/v1/assets/{asset['asset_id']}"
        with statements(client) as seen:
            detail = answer(client, path)
        assert detail == answer(client, path, at=head)
        data = detail["data"]
        related = ("licences", "objections", "freezes", "orders", "revenue_shares", "public_operations", "mandates")
        if not any(data[name] for name in related):
            costs.append((seen["statements"], bool(data["trades"])))
    assert {traded for _, traded in costs} == {False, True}, "assets with trades only and without any"
    for count, traded in costs:
        assert count == (2 if traded else 1)
