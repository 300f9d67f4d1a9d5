"""Art. 9 through the write gateway and the read API, over the demo's market (the merchant reported the logistics
company's enterprise dataset out of date, and the company acknowledged it): the service provider reports another
problem through the gateway; the merchant cannot answer for the company; the report is left unanswered past its
deadline and marked overdue, a default of the company; the content hash traces back to the asset, its registration,
the licences and trades that delivered it and both reports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient

from ledger.indexer import open_indexer
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market

TX = "/api/v1/tx"
DAY = 86_400


@dataclass
class Scene:
    market: Market
    client: TestClient
    asset: int
    content: str
    demo_report: int
    report: int
    filed_block: int


def _hash(label: str) -> str:
    return "0x" + keccak(text=label).hex()


def _post(m: Market, client: TestClient, path: str, actor: str, body: dict[str, Any], code: int = 200) -> Any:
    response = client.post(f"{TX}/{path}", json=body, headers=m.auth(actor))
    assert response.status_code == code, response.text
    return response.json()


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with gateway_market(tmp_path_factory.mktemp("read-quality"), compile_contracts()) as m:
        client = m.client()
        [demo] = client.get("/api/v1/quality-reports").json()["data"]
        asset, content = demo["asset_id"], demo["content_hash"]
        filed = _post(m, client, "quality-reports", "provider", {
            "asset_id": asset, "content_hash": content, "problem": "accuracy", "severity": "critical",
            "evidence_hash": _hash("wrong distances"),
        })  # fmt: skip
        report = filed["result"]["report_id"]
        refused = _post(m, client, f"quality-reports/{report}/answer", "merchant",
                        {"acknowledged": False, "document_hash": _hash("not its data")}, code=403)  # fmt: skip
        assert refused["error"]["name"] == "QualityNotHolder", refused
        filed_block = int(m.rpc.call("eth_blockNumber"), 16)
        m.rpc.call("evm_increaseTime", [16 * DAY])
        m.rpc.call("evm_mine", [])
        _post(m, client, f"quality-reports/{report}/overdue", "merchant", {})
        open_indexer(m.settings, m.store, m.rpc, build=m.build).run()
        with TestClient(m.app()) as reader:
            yield Scene(m, reader, asset, content, demo["report_id"], report, filed_block)


def get(scene: Scene, path: str, code: int = 200, **params: Any) -> Any:
    response = scene.client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == code, response.text
    return response.json()


def test_reports_with_their_answers_and_the_holders_default(scene: Scene) -> None:
    logistics = get(scene, f"assets/{scene.asset}")["data"]["holding_holder"]
    demo = get(scene, f"quality-reports/{scene.demo_report}")["data"]
    assert (demo["status_name"], demo["holder"], demo["problem_name"], demo["past_deadline"]) == (
        "acknowledged", logistics, "timeliness", False,
    )  # fmt: skip
    report = get(scene, f"quality-reports/{scene.report}")["data"]
    assert (report["status_name"], report["holder"], report["severity_name"], report["reporter"]) == (
        "overdue", logistics, "critical", scene.market.address("provider"),
    )  # fmt: skip
    # Before it was marked, it was filed and not yet past its deadline.
    then = get(scene, f"quality-reports/{scene.report}", at=str(scene.filed_block))["data"]
    assert (then["status_name"], then["past_deadline"]) == ("filed", False)
    assert [r["report_id"] for r in get(scene, "quality-reports", past_deadline="true")["data"]] == [scene.report]
    assert [r["report_id"] for r in get(scene, "quality-reports", status="acknowledged")["data"]] == [scene.demo_report]
    assert [r["report_id"] for r in get(scene, "quality-reports", reporter=scene.market.address("provider"))[
        "data"]] == [scene.report]  # fmt: skip
    assert get(scene, "quality-defaults")["data"] == [{"holder": logistics, "defaults": 1}]
    get(scene, "quality-reports/99", 404)


def test_a_content_hash_traces_to_its_asset_registration_deliveries_and_reports(scene: Scene) -> None:
    trace = get(scene, f"trace/{scene.content}")["data"]
    asset = get(scene, f"assets/{scene.asset}")["data"]
    assert (trace["asset_id"], trace["name"], trace["applicant"], trace["registrar"]) == (
        scene.asset, asset["name"], asset["applicant"], asset["registrar"],
    )  # fmt: skip
    assert [v["kind"] for v in trace["versions"]][:2] == ["application", "registration"]
    licences = get(scene, "licences", asset_id=str(scene.asset))["data"]
    assert sorted(x["licence_id"] for x in trace["licences"]) == sorted(x["licence_id"] for x in licences)
    trades = get(scene, "trades", asset_id=str(scene.asset), limit="1000")["data"]
    assert trace["trades"] and {t["trade_key"] for t in trace["trades"]} == {t["trade_key"] for t in trades}
    assert [r["report_id"] for r in trace["quality_reports"]] == [scene.demo_report, scene.report]
    get(scene, f"trace/0x{'00' * 32}", 404)
    get(scene, "trace/0x1234", 422)


def test_the_gateway_refuses_a_report_naming_another_content(scene: Scene) -> None:
    m, client = scene.market, scene.market.client()
    refused = _post(m, client, "quality-reports", "provider", {
        "asset_id": scene.asset, "content_hash": _hash("another dataset"), "problem": "accuracy",
        "severity": "low", "evidence_hash": _hash("evidence"),
    }, code=422)  # fmt: skip
    assert refused["error"]["name"] == "QualityContentMismatch"
