"""Keyset pagination over a synthetic store: every row exactly once in key order, whatever the page
size and filter; cursors from another list are refused; the OpenAPI schema documents every field."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from ledger.api import schemas as read_schemas
from ledger.api.pagination import decode_cursor, encode_cursor
from ledger.api.rollup import TradeRollup, group
from ledger.store import Store, open_store
from ledger.store import schema as s
from ledger.store.synthetic import SyntheticLedger


def walk(client: TestClient, path: str, limit: int, **params: Any) -> list[Any]:
    items: list[Any] = []
    cursor: str | None = None
    pages = 0
    while True:
        query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        response = client.get(f"/api/v1/{path}", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["data"]) <= limit
        items += body["data"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items
        assert pages < 10_000


def current(store: Store, table: sa.Table, *where: sa.ColumnElement[bool]) -> list[Any]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(table).where(table.c.valid_to_block.is_(None), *where)))


@pytest.mark.parametrize("limit", [1, 7, 100, 1000])
def test_asset_pages_cover_every_asset_once_in_id_order(
    synthetic_client: TestClient, synthetic_store: Store, limit: int
) -> None:
    ids = [a["asset_id"] for a in walk(synthetic_client, "assets", limit)]
    assert ids == sorted(r.asset_id for r in current(synthetic_store, s.assets))
    assert len(ids) > 100


def test_filtered_pages_cover_exactly_the_matching_rows(synthetic_client: TestClient, synthetic_store: Store) -> None:
    ids = [a["asset_id"] for a in walk(synthetic_client, "assets", 9, category="enterprise", status="registered")]
    t = s.assets
    assert ids == sorted(r.asset_id for r in current(synthetic_store, t, t.c.category == 1, t.c.status == 2))
    trades = walk(synthetic_client, "trades", 13)
    keys = [(x["block_number"], x["log_index"]) for x in trades]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    with synthetic_store.engine.connect() as conn:
        assert len(keys) == conn.execute(sa.select(sa.func.count()).select_from(s.trades)).scalar_one()
    licences = [x["licence_id"] for x in walk(synthetic_client, "licences", 50)]
    assert licences == sorted(r.licence_id for r in current(synthetic_store, s.licences))
    people = [p["account"] for p in walk(synthetic_client, "participants", 3)]
    assert people == sorted(r.account for r in current(synthetic_store, s.participants))


def test_holder_pages_union_the_three_rights_exactly(synthetic_client: TestClient, synthetic_store: Store) -> None:
    t = s.assets
    rows = current(synthetic_store, t)
    holder = max(
        {r.holding_holder for r in rows},
        key=lambda h: sum(h in (r.holding_holder, r.processing_holder, r.operation_holder) for r in rows),
    )
    expected = sorted(r.asset_id for r in rows if holder in (r.holding_holder, r.processing_holder, r.operation_holder))
    assert len(expected) > 10
    for limit in (1, 4, 1000):
        assert [a["asset_id"] for a in walk(synthetic_client, "assets", limit, holder=holder)] == expected
    registered = [a["asset_id"] for a in walk(synthetic_client, "assets", 3, holder=holder, status="registered")]
    assert registered == [i for i in expected if next(r for r in rows if r.asset_id == i).status == 2]


def test_a_cursor_of_another_list_or_a_forged_one_is_a_422(synthetic_client: TestClient) -> None:
    trades_cursor = synthetic_client.get("/api/v1/trades", params={"limit": 1}).json()["next_cursor"]
    huge = base64.urlsafe_b64encode(f"[{1 << 70}]".encode()).decode()
    for cursor in (trades_cursor, encode_cursor(["x"]), huge, "%%%", encode_cursor([]), encode_cursor([True])):
        response = synthetic_client.get("/api/v1/assets", params={"cursor": cursor})
        assert response.status_code == 422, cursor
        assert response.json()["detail"][0]["loc"] == ["query", "cursor"]
    assert decode_cursor(encode_cursor([5, "a"]), [int, str]) == (5, "a")


def test_trade_rollup_extended_block_by_block_equals_one_built_at_once(tmp_path: Any) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    ledger = SyntheticLedger(seed=3, participants=20, events_per_block=30)
    rollup = TradeRollup()
    try:
        for _ in range(3):
            headers, events = ledger.batch(800)
            store.apply(headers, events, headers[-1])
            with store.engine.connect() as conn:
                number, block_hash = store.checkpoint() or (0, "")
                extended = rollup.at(conn, number, block_hash)
                assert extended == TradeRollup().at(conn, number, block_hash)
        # A rollback below the rollup's block: it is rebuilt, not extended.
        store.rollback(number - 10)
        with store.engine.connect() as conn:
            number, block_hash = store.checkpoint() or (0, "")
            after = rollup.at(conn, number, block_hash)
            assert after == TradeRollup().at(conn, number, block_hash)
            trades = conn.execute(sa.select(sa.func.count()).select_from(s.trades)).scalar_one()
        assert sum(n for n, _ in after.values()) == trades
        by_day = group(after, "day", None, None)
        assert sum(n for _, n, _ in by_day) == trades
    finally:
        store.close()


def test_openapi_describes_every_field_and_documents_errors(synthetic_client: TestClient) -> None:
    schema = synthetic_client.get("/openapi.json").json()
    ours = set(read_schemas.__all__) | {"HeldCounts", "RevenueTotals", "Counts", "RevenueShareOut"}
    read_models = [
        (name, model)
        for name, model in schema["components"]["schemas"].items()
        if name in ours or name.startswith(("Page_", "Envelope_", "PagedEnvelope_"))
    ]
    assert len(read_models) > 20
    undocumented = [
        f"{name}.{prop}"
        for name, model in read_models
        for prop, spec in model.get("properties", {}).items()
        if "description" not in spec
    ]
    assert not undocumented
    for path, methods in schema["paths"].items():
        if not path.startswith("/api/v1/") or path.startswith("/api/v1/tx"):
            continue
        get = methods["get"]
        assert "422" in get["responses"], path
        for param in get.get("parameters", []):
            assert param.get("description") or param["schema"].get("description"), (path, param["name"])
        if "{" in path:
            assert "404" in get["responses"], path
