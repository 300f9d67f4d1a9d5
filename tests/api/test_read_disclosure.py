"""Art. 25 through the write gateway and the read API, over the demo's market (the council required quarterly trade
statistics; the exchange disclosed last month's statistics and the quarter's fee schedule): the council requires
monthly fee schedules too; time passes; the exchange discloses January's schedule through the gateway (and corrects
it), misses February's and discloses it late. The calendar flags each period as it stood at any block."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient

from ledger.contracts.types import DisclosureKind
from ledger.disclosure import CST, DAY, month_start, period, period_label
from ledger.indexer import open_indexer
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market

TX = "/api/v1/tx"


@dataclass
class Scene:
    market: Market
    client: TestClient
    january: str
    february: str
    january_filed: int
    correction: int
    before_late_block: int
    late: int


def _hash(label: str) -> str:
    return "0x" + keccak(text=label).hex()


def _now(m: Market) -> int:
    return int(m.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)


def _travel_to(m: Market, when: int) -> None:
    m.rpc.call("evm_increaseTime", [when - _now(m)])
    m.rpc.call("evm_mine", [])


def _disclose(m: Market, client: TestClient, actor: str, body: dict[str, Any], code: int = 200) -> dict[str, Any]:
    response = client.post(f"{TX}/disclosures", json=body, headers=m.auth(actor))
    assert response.status_code == code, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with gateway_market(tmp_path_factory.mktemp("read-disclosure"), compile_contracts()) as m:
        client = m.client()
        m.council().set_disclosure_requirement(DisclosureKind.FEE_SCHEDULE, 1, 10)
        today = datetime.fromtimestamp(_now(m), CST)
        # The first month to begin after the requirement, and the next: their schedules are owed.
        jan_start, feb_start = month_start(today.year, today.month + 1), month_start(today.year, today.month + 2)
        january = period_label(jan_start, feb_start)
        february = period_label(feb_start, month_start(today.year, today.month + 3))
        _travel_to(m, feb_start + 4 * DAY)  # January ended four days ago: due in six
        first = _disclose(m, client, "exchange", {"kind": "fee-schedule", "period": january,
                                                  "document_hash": _hash("January fees")})  # fmt: skip
        again = _disclose(m, client, "exchange", {"kind": "fee-schedule", "period": january,
                                                  "document_hash": _hash("January fees, corrected")})  # fmt: skip
        _travel_to(m, period(february)[1] + 12 * DAY)  # February's schedule was due two days ago
        m.rpc.call("evm_mine", [])
        before_late = int(m.rpc.call("eth_blockNumber"), 16)
        late = _disclose(m, client, "exchange", {"kind": "fee-schedule", "period": february,
                                                 "document_hash": _hash("February fees")})  # fmt: skip
        open_indexer(m.settings, m.store, m.rpc, build=m.build).run()
        with TestClient(m.app()) as reader:
            yield Scene(m, reader, january, february, first["result"]["disclosure_id"],
                        again["result"]["disclosure_id"], before_late, late["result"]["disclosure_id"])  # fmt: skip


def get(scene: Scene, path: str, code: int = 200, **params: Any) -> Any:
    response = scene.client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == code, response.text
    return response.json()


def test_the_requirements_of_every_kind_and_their_history(scene: Scene) -> None:
    current = {r["kind_name"]: r for r in get(scene, "disclosure-requirements")["data"]}
    assert set(current) == {"trade_statistics", "rule_change", "incident", "fee_schedule"}
    assert (current["trade_statistics"]["months"], current["trade_statistics"]["grace_days"]) == (3, 30)
    assert (current["fee_schedule"]["months"], current["fee_schedule"]["grace_days"]) == (1, 10)
    assert (current["incident"]["months"], current["incident"]["set_by"]) == (0, None)
    history = get(scene, "disclosure-requirements", history="true")["data"]
    assert [(r["kind_name"], r["months"]) for r in history] == [("trade_statistics", 3), ("fee_schedule", 1)]
    # Before the council's fee-schedule requirement, only the demo's.
    before = {r["kind_name"]: r["months"] for r in get(scene, "disclosure-requirements",
                                                       at=str(history[1]["set_block"] - 1))["data"]}  # fmt: skip
    assert (before["trade_statistics"], before["fee_schedule"]) == (3, 0)


def test_disclosures_are_listed_by_exchange_kind_and_period_and_a_correction_names_what_it_corrects(
    scene: Scene,
) -> None:
    exchange = scene.market.address("exchange")
    everything = get(scene, "disclosures", exchange=exchange)["data"]
    assert [d["kind_name"] for d in everything] == ["trade_statistics", "fee_schedule", "fee_schedule",
                                                    "fee_schedule", "fee_schedule"]  # fmt: skip
    fees = get(scene, "disclosures", kind="fee_schedule", covers=str(period(scene.january)[0]))["data"]
    assert [d["disclosure_id"] for d in fees] == [scene.january_filed, scene.correction]
    correction = get(scene, f"disclosures/{scene.correction}")["data"]
    assert (correction["period"], correction["corrects"], correction["document_hash"], correction["exchange"]) == (
        scene.january, scene.january_filed, _hash("January fees, corrected"), exchange,
    )  # fmt: skip
    assert get(scene, f"disclosures/{scene.january_filed}")["data"]["corrects"] is None
    get(scene, "disclosures/999", 404)
    assert get(scene, "disclosures", exchange=scene.market.address("merchant"))["data"] == []


def test_the_calendar_flags_a_missed_period_until_it_is_disclosed_late(scene: Scene) -> None:
    exchange = scene.market.address("exchange")
    path = f"exchanges/{exchange}/disclosure-calendar"
    then = get(scene, path, at=str(scene.before_late_block))["data"]
    fees = [(p["period"], p["status"], p["disclosure_id"]) for p in then["periods"] if p["kind_name"] == "fee_schedule"]
    assert fees == [(scene.january, "on_time", scene.january_filed), (scene.february, "missed", None)]
    assert then["missed"] == 1
    now = get(scene, path)["data"]
    fees = [(p["period"], p["status"], p["disclosure_id"]) for p in now["periods"] if p["kind_name"] == "fee_schedule"]
    assert fees == [(scene.january, "on_time", scene.january_filed), (scene.february, "late", scene.late)]
    assert (now["missed"], now["late"], now["name"]) == (0, 1, "北部湾大数据交易中心 Beibu Gulf Big Data Exchange")
    feb = next(p for p in now["periods"] if p["period"] == scene.february)
    assert feb["due_at"] == period(scene.february)[1] + 10 * DAY
    assert [p["period"] for p in get(scene, path, status="late")["data"]["periods"]] == [scene.february]
    assert get(scene, path, kind="incident")["data"]["periods"] == []
    summary = get(scene, "disclosure-calendar", at=str(scene.before_late_block))["data"]
    assert [(c["exchange"], c["missed"], c["periods"]) for c in summary] == [(exchange, 1, None)]
    get(scene, f"exchanges/{scene.market.address('merchant')}/disclosure-calendar", 404)


def test_the_gateway_refuses_a_disclosure_by_a_non_exchange_and_a_period_that_is_not_one(scene: Scene) -> None:
    m, client = scene.market, scene.market.client()
    refused = _disclose(m, client, "merchant", {"kind": "incident", "period": scene.january,
                                                "document_hash": _hash("not an exchange")}, 403)  # fmt: skip
    assert refused["error"]["name"] == "ParticipantUnauthorized"
    bad = _disclose(m, client, "exchange", {"kind": "incident", "period": "2027-13",
                                            "document_hash": _hash("no such month")}, 422)  # fmt: skip
    assert "no month 13" in bad["error"]["message"]
    assert _disclose(m, client, "exchange", {"kind": "incident", "period": "2027/01",
                                             "document_hash": _hash("x")}, 422)  # fmt: skip
