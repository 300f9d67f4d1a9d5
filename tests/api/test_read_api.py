"""The read API over the demo store (the demo played twice, a day apart), on SQLite and PostgreSQL:
the numbers it answers are the demo's, point-in-time reads see old versions, detail endpoints carry
ETags, and bad input gets documented 404/422 answers."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi.testclient import TestClient

from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.types import Category
from ledger.demo import ACTORS, YUAN
from tests.api.conftest import Demo

ADDRESS = {a.key: a for a in ACTORS}
ZERO = "0x0000000000000000000000000000000000000000"


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def demo_address(demo: Demo, key: str) -> str:
    """The account of a demo actor (from the first run's participant list)."""
    for p in demo.summaries[0].participants:
        if p.get("key") == key or p.get("name") == ADDRESS[key].name:
            return str(p["address"])
    raise AssertionError(f"no demo participant {key}: {demo.summaries[0].participants[:1]}")


def asset_ids(demo: Demo, label: str) -> list[int]:
    return [int(a["id"]) for s in demo.summaries for a in s.assets if a["label"] == label]


def test_status_counts_the_demo_records_and_its_trade_volume(client: TestClient, demo: Demo) -> None:
    body = get(client, "status")
    assert body["block"]["number"] == demo.head
    data = body["data"]
    trades = [t for s in demo.summaries for t in s.trades]
    assert data["indexed_block"] == demo.head
    assert data["counts"]["assets"] == sum(len(s.assets) for s in demo.summaries) == 8
    assert data["counts"]["trades"] == len(trades) == 16
    assert data["counts"]["participants"] == len(ACTORS)
    assert data["counts"]["objections"] == 2 and data["counts"]["freezes"] == 2 and data["counts"]["orders"] == 2
    assert data["counts"]["mandates"] == 2 and data["counts"]["trade_refusals"] == 0
    assert data["trade_volume"] == str(sum(t["price"] for t in trades)) == str(2 * 247_000 * YUAN)
    assert data["chain_id"] == demo.summaries[0].chain_id
    assert data["paused_contracts"] == []  # the demo resumed what its incident paused


def test_status_at_an_earlier_block_counts_what_existed_then(client: TestClient, demo: Demo) -> None:
    """?at= the block between the demo's two runs: the first run's records and volume; the indexed block (and the
    lag) stay the store's."""
    then = get(client, "status", at=str(demo.mid_block))
    assert then["block"]["number"] <= demo.mid_block < demo.head
    data = then["data"]
    assert data["indexed_block"] == demo.head
    assert (data["counts"]["assets"], data["counts"]["trades"]) == (4, 8)
    assert data["trade_volume"] == str(247_000 * YUAN) and data["paused_contracts"] == []
    assert client.get("/api/v1/status", params={"at": str(demo.head + 1)}).status_code == 404


def test_asset_detail_shows_holders_licence_tree_trades_and_supervision(client: TestClient, demo: Demo) -> None:
    enterprise = asset_ids(demo, "enterprise")[0]
    detail = get(client, f"assets/{enterprise}")["data"]
    assert detail["category_name"] == "enterprise" and detail["status_name"] == "registered"
    assert detail["holding_holder"] == demo_address(demo, "logistics")
    assert detail["operation_holder"] == demo_address(demo, "merchant")  # sold on the exchange
    assert detail["trade_count"] == 3  # the right sold, the licence off exchange, the licence sold under its listing
    assert {t["price"] for t in detail["trades"]} == {str(80_000 * YUAN), str(30_000 * YUAN), str(22_000 * YUAN)}
    assert {t["on_exchange"] for t in detail["trades"]} == {True, False}

    public = asset_ids(demo, "public")[0]
    detail = get(client, f"assets/{public}")["data"]
    roots = detail["licences"]
    operation = [n for n in roots if n["right_name"] == "operation"]
    assert len(operation) == 1 and operation[0]["licensee"] == demo_address(demo, "merchant")
    assert [c["licensee"] for c in operation[0]["children"]] == [demo_address(demo, "provider")]
    assert operation[0]["children"][0]["depth"] == 1
    assert len(roots) == 3  # the operation licence and the two licences sold
    assert {(s["right_name"], s["recipient"], s["bps"]) for s in detail["revenue_shares"]} == {
        ("processing", demo_address(demo, "police"), 2_000),
        ("processing", demo_address(demo, "urban"), 1_000),
    }
    assert all(n["valid"] and n["revoked_ancestor_id"] is None for n in roots)
    approval = detail["public_operations"]
    assert [(o["operator"], o["status_name"], o["licence_id"]) for o in approval] == [
        (demo_address(demo, "merchant"), "used", operation[0]["licence_id"])
    ]
    assert detail["suspended"] is False and detail["licensed_until"] >= operation[0]["ends_at"]

    model = asset_ids(demo, "model")[0]
    detail = get(client, f"assets/{model}")["data"]
    assert detail["frozen"] is True and detail["disputed"] is False
    assert [f["frozen"] for f in detail["freezes"]] == [True]
    assert [o["status_name"] for o in detail["objections"]] == ["dismissed"]
    objection = detail["objections"][0]
    assert objection["objector"] == demo_address(demo, "logistics")  # no standing: pending until accepted
    assert objection["accepted_by"] == objection["resolved_by"] == demo_address(demo, "registrar")
    assert objection["lodged_block"] <= objection["accepted_block"] <= objection["resolved_block"]
    assert [(o["target_name"], o["status_name"]) for o in detail["orders"]] == [("asset", "open")]


def test_asset_lists_filter_by_category_holder_and_flags(client: TestClient, demo: Demo) -> None:
    enterprise = get(client, "assets", category="enterprise")["data"]
    assert sorted(a["asset_id"] for a in enterprise) == sorted(asset_ids(demo, "enterprise") + asset_ids(demo, "model"))
    assert get(client, "assets", category=int(Category.ENTERPRISE))["data"] == enterprise
    frozen = get(client, "assets", frozen="true")["data"]
    assert [a["asset_id"] for a in frozen] == asset_ids(demo, "model")
    merchant = demo_address(demo, "merchant")
    by_operation = {a["asset_id"] for a in get(client, "assets", operation_holder=merchant)["data"]}
    assert by_operation == set(asset_ids(demo, "enterprise") + asset_ids(demo, "model"))
    anyone = {a["asset_id"] for a in get(client, "assets", holder=merchant.lower())["data"]}
    assert anyone == by_operation
    named = get(client, "assets", q="LOGISTICS ROUTES")["data"]
    assert [a["asset_id"] for a in named] == asset_ids(demo, "enterprise")


def test_at_an_earlier_block_answers_the_old_version(client: TestClient, demo: Demo) -> None:
    enterprise = asset_ids(demo, "enterprise")[0]
    timeline = get(client, f"assets/{enterprise}/history")["data"]["rights_timeline"]
    operation = [s for s in timeline if s["right_name"] == "operation"]
    assert [s["holder"] for s in operation] == [demo_address(demo, "logistics"), demo_address(demo, "merchant")]
    sold_at = operation[1]["from_block"]
    assert operation[0]["to_block"] == sold_at

    before = get(client, f"assets/{enterprise}", at=str(sold_at - 1))
    assert before["block"]["number"] <= sold_at - 1
    assert before["data"]["operation_holder"] == demo_address(demo, "logistics")
    assert get(client, f"assets/{enterprise}", at=str(sold_at))["data"]["operation_holder"] == demo_address(
        demo, "merchant"
    )
    # The second run's assets do not exist yet between the runs; the first run's do.
    later = asset_ids(demo, "enterprise")[1]
    assert client.get(f"/api/v1/assets/{later}", params={"at": demo.mid_block}).status_code == 404
    assert len(get(client, "assets", at=str(demo.mid_block))["data"]) == 4
    status_then = get(client, "trades", at=str(demo.mid_block))
    assert len(status_then["data"]) == 8


def test_at_a_time_reads_the_last_block_at_or_before_it(client: TestClient, demo: Demo) -> None:
    mid = get(client, "assets", at=str(demo.mid_block))["block"]
    from datetime import UTC, datetime

    when = datetime.fromtimestamp(mid["timestamp"], UTC).isoformat().replace("+00:00", "Z")
    body = get(client, "assets", at=when)
    assert body["block"]["timestamp"] <= mid["timestamp"] + 86_400
    assert len(body["data"]) == 4  # the second run is a day later


def test_detail_endpoints_carry_etags_and_answer_304(client: TestClient, demo: Demo) -> None:
    enterprise = asset_ids(demo, "enterprise")[0]
    for path in (f"/api/v1/assets/{enterprise}", f"/api/v1/participants/{demo_address(demo, 'merchant')}"):
        first = client.get(path)
        tag = first.headers["etag"]
        again = client.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.headers["etag"] == tag and again.content == b""
        old = client.get(path, params={"at": demo.mid_block}, headers={"If-None-Match": tag})
        assert old.status_code == 200 and old.headers["etag"] != tag


def test_trade_aggregates_per_day_category_and_exchange(client: TestClient, demo: Demo) -> None:
    trades = [t for s in demo.summaries for t in s.trades]
    by_day = get(client, "trades/aggregates", group_by="day")["data"]
    assert len(by_day) == 2 and [r["count"] for r in by_day] == [8, 8]
    assert all(r["volume"] == str(247_000 * YUAN) for r in by_day)
    by_category = {
        r["key"]: (r["count"], int(r["volume"])) for r in get(client, "trades/aggregates", group_by="category")["data"]
    }
    assert by_category == {
        "public": (6, 2 * 77_000 * YUAN),
        "enterprise": (6, 2 * 132_000 * YUAN),
        "personal": (4, 2 * 38_000 * YUAN),
    }
    by_exchange = {r["key"]: r["count"] for r in get(client, "trades/aggregates", group_by="exchange")["data"]}
    assert by_exchange == {demo_address(demo, "exchange"): 14, ZERO: 2}
    assert sum(by_exchange.values()) == len(trades)
    first_day = by_day[0]["key"]
    only_first = get(client, "trades/aggregates", group_by="day", to=f"{first_day}T23:59:59Z")["data"]
    assert [r["key"] for r in only_first] == [first_day]


def test_trade_list_filters_by_exchange_party_venue_and_consent(client: TestClient, demo: Demo) -> None:
    off = get(client, "trades", on_exchange="false")["data"]
    assert len(off) == 2 and all(t["exchange"] == ZERO and t["consent"] == "off_exchange" for t in off)
    provider = demo_address(demo, "provider")
    theirs = get(client, "trades", party=provider)["data"]
    assert len(theirs) == 10 and all(provider in (t["seller"], t["buyer"]) for t in theirs)
    assert len(get(client, "trades", exchange=demo_address(demo, "exchange"))["data"]) == 14
    mandated = get(client, "trades", consent="mandate")["data"]
    assert len(mandated) == 4 and all(t["mandate_id"] for t in mandated)
    assert len(get(client, "trades", consent="signed")["data"]) == 8
    listed = get(client, "trades", consent="listing")["data"]
    assert len(listed) == 2 and all(t["consent"] == "listing" and t["mandate_id"] for t in listed)
    mandate = mandated[0]["mandate_id"]
    assert [t["trade_key"] for t in get(client, "trades", mandate_id=mandate)["data"]] == [
        t["trade_key"] for t in mandated if t["mandate_id"] == mandate
    ]

    one = theirs[0]
    detail = get(client, f"trades/{one['trade_key']}")["data"]
    assert {k: v for k, v in detail.items() if k != "payments"} == one
    assert sum(int(p["amount"]) for p in detail["payments"]) == int(one["price"])
    assert detail["payments"][0] == {"kind": "seller", "payee": one["seller"], "amount": one["seller_amount"],
                                     "held": False}  # fmt: skip
    if one["on_exchange"]:
        assert get(client, f"trades/{one['exchange']}/{one['trade_id']}")["data"] == detail
    # An old link by trade id still answers while one trade has it.
    assert get(client, f"trades/{one['trade_id']}")["data"] == detail
    assert client.get(f"/api/v1/trades/{ZERO}/{one['trade_id']}").status_code == 404


def test_revenue_per_participant_and_asset_matches_the_payments(client: TestClient, demo: Demo) -> None:
    police = demo_address(demo, "police")
    rows = get(client, "revenue", participant=police)["data"]
    expected = Counter[int]()
    for s in demo.summaries:
        for t in s.trades:
            for share in t["revenue_shares"]:
                if share["recipient"] == police:
                    expected[int(t["asset_id"])] += int(share["amount"])
    assert expected and {r["asset_id"]: int(r["revenue_share"]) for r in rows} == dict(expected)
    assert all(r["amount"] == r["revenue_share"] for r in rows)
    exchange_rows = get(client, "revenue", participant=demo_address(demo, "exchange"))["data"]
    assert sum(int(r["fee"]) for r in exchange_rows) == 2 * (500 + 800 + 120 + 200 + 180 + 150 + 220) * YUAN
    assert all(r["held"] == "0" for r in rows + exchange_rows)


def test_participant_detail_has_roles_credit_holdings_and_revenue(client: TestClient, demo: Demo) -> None:
    merchant = demo_address(demo, "merchant")
    data = get(client, f"participants/{merchant.lower()}")["data"]
    assert data["account"] == merchant and data["role_names"] == ["data_merchant"]
    assert [e["code"] for e in data["credit_events"]] == [201, 201]
    assert data["credit_score"] == data["credit_events"][-1]["score"]
    assert data["assets_held"]["operation"] == 4 and data["assets_held"]["holding"] == 2
    assert data["held_shares"] == {"account": merchant, "amount": "0", "total_held": "0", "total_claimed": "0",
                                   "total_released": "0", "releases": []}  # fmt: skip
    assert data["revenue_received"]["held"] == "0"
    exchanges = get(client, "participants", role="exchange")["data"]
    assert [p["account"] for p in exchanges] == [demo_address(demo, "exchange")]


def test_participants_carry_their_id_and_credit_code_and_are_found_by_the_code(client: TestClient, demo: Demo) -> None:
    """Each organisation's participant id (the authority 1, then in the demo's order of admission) and its credit
    code's hash; ``?credit_code=`` (either case) finds exactly it, and a code nobody was admitted with finds none."""
    listed = get(client, "participants", limit=1000)["data"]
    ids = {p["account"]: p["participant_id"] for p in listed}
    assert sorted(ids.values()) == list(range(1, len(listed) + 1))
    order = [a for a in ACTORS if a.key != "authority"]
    assert [ids[demo_address(demo, a.key)] for a in order] == list(range(2, len(order) + 2))
    for actor in ACTORS[1:]:
        account = demo_address(demo, actor.key)
        found = get(client, "participants", credit_code=actor.credit_code.lower())["data"]
        assert [(p["account"], p["credit_code_hash"]) for p in found] == [
            (account, "0x" + credit_code_hash(actor.credit_code).hex())
        ]
        assert get(client, f"participants/{account}")["data"]["participant_id"] == ids[account]
    assert get(client, "participants", credit_code="91450100MA5KA00040")["data"] == []
    exchange = next(a for a in ACTORS if a.key == "exchange")
    hits = get(client, "search", q=exchange.credit_code.lower())["data"]
    assert [(h["type"], h["id"]) for h in hits] == [("participant", demo_address(demo, "exchange"))]
    refused = client.get("/api/v1/participants", params={"credit_code": "91450100MA5KA0003"})
    assert refused.status_code == 422


def test_orders_licences_and_search(client: TestClient, demo: Demo) -> None:
    orders = get(client, "orders", status="open")["data"]
    assert sorted(o["asset_id"] for o in orders) == asset_ids(demo, "model")
    provider = demo_address(demo, "provider")
    subs = (
        get(client, "licences", licensee=provider, parent_id="1")["data"]
        + get(client, "licences", licensee=provider)["data"]
    )
    assert subs
    now = get(client, "status")["block"]["timestamp"]
    valid = get(client, "licences", valid_at=str(now))["data"]
    assert valid and all(not lic["revoked"] and lic["valid"] for lic in valid)
    listed = get(client, "licences", limit=1000)["data"]
    assert {lic["licence_id"] for lic in valid} == {lic["licence_id"] for lic in listed if lic["valid"]}
    certificate = demo.summaries[0].assets[0]["certificate"]
    hits = get(client, "search", q=certificate)["data"]
    assert [(h["type"], h["asset_id"]) for h in hits] == [("certificate", demo.summaries[0].assets[0]["id"])]
    tx = demo.summaries[0].events[-1].tx or next(e.tx for e in demo.summaries[0].events if e.tx)
    assert any(h["type"] == "transaction" for h in get(client, "search", q=tx)["data"])
    people = get(client, "search", q="Exchange")["data"]
    assert any(h["type"] == "participant" and h["id"] == demo_address(demo, "exchange") for h in people)


def test_asset_history_lists_every_event_with_block_time_tx_and_actor(client: TestClient, demo: Demo) -> None:
    model = asset_ids(demo, "model")[0]
    events = get(client, f"assets/{model}/history", limit=1000)["data"]["events"]
    names = [e["name"] for e in events]
    assert names[0] == "RegistrationApplied" and "AssetRegistered" in names and "AssetFrozen" in names
    assert all(e["timestamp"] and e["tx_hash"].startswith("0x") for e in events)
    registered = next(e for e in events if e["name"] == "AssetRegistered")
    assert registered["actor"] == demo_address(demo, "registrar")
    pages: list[str] = []
    cursor = None
    while True:
        body = get(client, f"assets/{model}/history", limit=2, **({"cursor": cursor} if cursor else {}))
        pages += [e["name"] for e in body["data"]["events"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == names


def test_errors_are_documented_shapes_never_500(client: TestClient, demo: Demo) -> None:
    missing = client.get("/api/v1/assets/999999")
    assert missing.status_code == 404 and missing.json() == {"detail": "no asset 999999"}
    for path, params, field in (
        ("assets", {"limit": 1001}, "limit"),
        ("assets", {"cursor": "not-a-cursor"}, "cursor"),
        ("assets", {"category": "secret"}, "category"),
        ("assets", {"at": "yesterday"}, "at"),
        ("assets", {"holder": "0x70997970C51812dc3A010C7d01b50e0d17dc79c8"}, "holder"),  # bad checksum
        ("assets/99999999999999999999", {}, "asset_id"),
        ("trades", {"from": "soon"}, "from"),
        ("trades/aggregates", {"group_by": "week"}, "group_by"),
        ("participants/0x123", {}, "account"),
        ("search", {"q": "bus\x00"}, "q"),
        ("assets", {"q": "\x00"}, "q"),
        ("licences", {"territory": "C\x00"}, "territory"),
    ):
        response = client.get(f"/api/v1/{path}", params=params)
        assert response.status_code == 422, (path, params, response.text)
        detail = response.json()["detail"]
        assert any(d["loc"][-1] == field for d in detail), detail


def test_operations_endpoints(client: TestClient, demo: Demo) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200 and ready.json()["indexed_block"] == demo.head
    metrics = client.get("/metrics").text
    assert "ledger_indexer_lag_blocks" in metrics and "ledger_indexer_lag_seconds" in metrics
    assert 'ledger_api_request_duration_seconds_count{method="GET",route="/ready",status="2xx"}' in metrics
    assert "ledger_api_transactions" in metrics


def test_mandates_list_and_detail_with_the_trades_under_them(client: TestClient, demo: Demo) -> None:
    mandates = get(client, "mandates")["data"]
    assert len(mandates) == 2
    first = mandates[0]
    assert (first["seller"], first["exchange"]) == (demo_address(demo, "logistics"), demo_address(demo, "exchange"))
    assert (first["delivery_name"], first["right_name"], first["status_name"]) == ("license", "processing",
                                                                                   "in_force")  # fmt: skip
    assert first["asset_id"] == asset_ids(demo, "personal")[0]
    assert first["max_duration"] == 90 * 86_400 and first["min_net"] == str(15_000 * YUAN)
    assert first["template"]["purpose"] == 1201 and first["template"]["regions"] == [450000]
    detail = get(client, f"mandates/{first['mandate_id']}")["data"]
    assert detail["trade_count"] == 2 and all(t["mandate_id"] == first["mandate_id"] for t in detail["trades"])
    assert get(client, "mandates", seller=demo_address(demo, "logistics"), status="in_force")["data"] == mandates
    assert get(client, "mandates", status="revoked")["data"] == []
    assert client.get("/api/v1/mandates/0x" + "12" * 32).status_code == 404
    personal = get(client, f"assets/{first['asset_id']}")["data"]
    assert [m["mandate_id"] for m in personal["mandates"]] == [first["mandate_id"]]


def test_public_operations_refusals_and_held_shares_lists(client: TestClient, demo: Demo) -> None:
    operations = get(client, "public-operations")["data"]
    assert len(operations) == 2 and {o["status_name"] for o in operations} == {"used"}
    assert all(o["operator"] == demo_address(demo, "merchant") and o["purpose"] == 2001 for o in operations)
    assert get(client, "public-operations", status="authorised")["data"] == []
    assert get(client, "trades/refusals")["data"] == []  # the demo's batches settle every trade
    assert get(client, "held-shares", outstanding="true")["data"] == []
