"""Keyset pagination over a synthetic store: every row exactly once in key order, whatever the page
size and filter; cursors from another list are refused; the OpenAPI schema documents every field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api import schemas as read_schemas
from api.pagination import decode_cursor, encode_cursor
from ledger.store import Store
from ledger.store import schema as s


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
    assert trades_cursor is not None and "." in trades_cursor  # block.log
    for cursor in (trades_cursor, "x", "9" * 19, "%%%", "1e5", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", " 5"):
        response = synthetic_client.get("/api/v1/assets", params={"cursor": cursor})
        assert response.status_code == 422, cursor
        assert response.json()["detail"][0]["loc"] == ["query", "cursor"]
    account = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    assert decode_cursor(encode_cursor([5, account]), [int, str]) == (5, account)
    assert decode_cursor("-12", [int]) == (-12,)


def test_any_position_is_a_cursor_the_rows_after_it(synthetic_client: TestClient) -> None:
    every = [a["asset_id"] for a in walk(synthetic_client, "assets", 1000)]
    middle = every[len(every) // 2]
    for cursor, expected in ((str(middle), [i for i in every if i > middle]), ("-5", every), ("0", every)):
        assert [a["asset_id"] for a in walk(synthetic_client, "assets", 1000, cursor=cursor)] == expected
    trades = walk(synthetic_client, "trades", 1000)
    block = trades[len(trades) // 2]["block_number"]
    after = walk(synthetic_client, "trades", 1000, cursor=f"{block}.999999")
    assert after == [t for t in trades if t["block_number"] > block]


def test_trade_aggregates_equal_the_sums_of_the_listed_trades_now_and_at_an_earlier_block(
    synthetic_client: TestClient, synthetic_store: Store
) -> None:
    head = synthetic_store.checkpoint()
    assert head is not None
    for at in (None, head[0] // 2):
        extra = {} if at is None else {"at": at}
        listed = walk(synthetic_client, "trades", 1000, **extra)
        assert listed
        categories = {a["asset_id"]: a["category_name"] for a in walk(synthetic_client, "assets", 1000, **extra)}
        shares: dict[str, list[int]] = {}  # trade key -> [paid out, held]
        for p in synthetic_store.as_of(head[0] if at is None else at).find_payments():
            if p["kind"] == "revenue_share":
                shares.setdefault(p["trade_key"], [0, 0])[1 if p["held"] else 0] += p["amount"]
        assert any(paid_out for paid_out, _ in shares.values()) and any(held for _, held in shares.values())
        by_day: dict[str, list[int]] = {}
        by_category: dict[str, list[int]] = {}
        by_exchange: dict[str, list[int]] = {}
        by_right: dict[str, list[int]] = {}
        for t in listed:
            day = datetime.fromtimestamp(t["timestamp"], UTC).strftime("%Y-%m-%d")
            paid_out, held = shares.get(t["trade_key"], [0, 0])
            for groups, key in (
                (by_day, day), (by_category, categories[t["asset_id"]]), (by_exchange, t["exchange"]),
                (by_right, t["right_name"]),
            ):  # fmt: skip
                acc = groups.setdefault(key, [0, 0, 0, 0, 0])
                acc[0] += 1
                acc[1] += int(t["price"])
                acc[2] += int(t["fee"])
                acc[3] += paid_out
                acc[4] += held
        assert len(by_right) > 1
        groupings = {"day": by_day, "category": by_category, "exchange": by_exchange, "right": by_right}
        for by, expected in groupings.items():
            body = synthetic_client.get("/api/v1/trades/aggregates", params={"group_by": by, **extra}).json()
            values = ("volume", "fees", "revenue_shares", "held_shares")
            got = {r["key"]: [r["count"], *(int(r[v]) for v in values)] for r in body["data"]}
            assert got == expected, (by, at)
            assert body["block"]["number"] == (head[0] if at is None else body["block"]["number"])
        # A period selects whole UTC days.
        days = sorted(by_day)
        middle = days[len(days) // 2]
        body = synthetic_client.get(
            "/api/v1/trades/aggregates",
            params={"group_by": "day", "from": f"{middle}T12:00:00Z", "to": f"{days[-1]}T00:00:00Z", **extra},
        ).json()
        assert [r["key"] for r in body["data"]] == [d for d in days if d >= middle]


@pytest.mark.parametrize("limit", [1, 2, 100])
def test_revenue_pages_sum_every_payees_payments_per_asset_of_every_right_or_of_one(
    synthetic_client: TestClient, synthetic_store: Store, limit: int
) -> None:
    trades = {t["trade_key"]: t for t in synthetic_store.as_of().find_trades()}
    expected: dict[tuple[str, int, int], list[int]] = {}  # (payee, asset, right) -> seller, fee, share, held, n
    column = {"seller": 0, "fee": 1, "revenue_share": 2}
    for p in synthetic_store.as_of().find_payments():
        t = trades[p["trade_key"]]
        acc = expected.setdefault((p["payee"], t["asset_id"], t["right"]), [0, 0, 0, 0, 0])
        acc[3 if p["held"] else column[p["kind"]]] += p["amount"]
        acc[4] += 1

    def rows(right: int | None) -> dict[tuple[str, int], list[int]]:
        out: dict[tuple[str, int], list[int]] = {}
        for (payee, asset, r), values in expected.items():
            if right is None or r == right:
                acc = out.setdefault((payee, asset), [0, 0, 0, 0, 0])
                for i, v in enumerate(values):
                    acc[i] += v
        return out

    assert any(v[3] for v in expected.values()) and len({k[2] for k in expected}) > 1
    for right, params in ((None, {}), (1, {"right": "processing"}), (0, {"right": "0"})):
        listed = walk(synthetic_client, "revenue", limit, **params)
        keys = [(r["participant"], r["asset_id"]) for r in listed]
        assert keys == sorted(rows(right)), right  # every (payee, asset) once, in key order
        got = {
            (r["participant"], r["asset_id"]):
                [int(r["seller"]), int(r["fee"]), int(r["revenue_share"]), int(r["held"]), r["payments"]]
            for r in listed
        }  # fmt: skip
        assert got == rows(right), right
        assert all(int(r["amount"]) == int(r["seller"]) + int(r["fee"]) + int(r["revenue_share"]) for r in listed)


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
