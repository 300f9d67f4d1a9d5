"""Art. 19 through the write gateway and the read API, over the demo's market (the service provider, accredited as an
appraiser, valued the logistics company's enterprise dataset, which the company recognised and amortised): more
reports filed through the gateway, one withdrawn and one rejected; the latest valid valuation of an asset; reports by
appraiser; the recognition with its history; the holding right sold and the recognition carried over; the carrying
amounts each holder recognised as of a date."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient

from ledger.client import connect, dev_account
from ledger.contracts.types import Right
from ledger.demo import ACTORS
from ledger.indexer import open_indexer
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market

TX = "/api/v1/tx"
YUAN = 100
DAY = 86_400


@dataclass
class Scene:
    market: Market
    client: TestClient
    asset: int
    demo_report: int
    withdrawn: int
    rejected: int
    kept: int
    recognised_block: int
    transferred_block: int


def _hash(label: str) -> str:
    return "0x" + keccak(text=label).hex()


def _post(m: Market, client: TestClient, path: str, actor: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{TX}/{path}", json=body, headers=m.auth(actor))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with gateway_market(tmp_path_factory.mktemp("read-valuation"), compile_contracts()) as m:
        client = m.client()
        reports = client.get("/api/v1/valuations").json()["data"]
        assert len(reports) == 1, reports
        demo_report, asset = reports[0]["valuation_id"], reports[0]["asset_id"]
        recognised_block = client.get(f"/api/v1/recognitions/{asset}").json()["data"]["recognition"][
            "recognised_block"
        ]
        now = int(m.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
        content = client.get(f"/api/v1/assets/{asset}").json()["data"]["content_hash"]

        def report(value: int, label: str) -> int:
            body = {"asset_id": asset, "method": "market", "value": value, "base_date": now - DAY,
                    "valid_until": now + 200 * DAY, "content_hash": content, "report_hash": _hash(label)}  # fmt: skip
            return int(_post(m, client, "valuations", "provider", body)["result"]["valuation_id"])

        withdrawn = report(1_500_000 * YUAN, "report withdrawn")
        _post(m, client, f"valuations/{withdrawn}/withdraw", "provider", {"document_hash": _hash("model error")})
        rejected = report(9_000_000 * YUAN, "report rejected")
        _post(m, client, f"valuations/{rejected}/reject", "supervisor", {"document_hash": _hash("inflated")})
        kept = report(1_100_000 * YUAN, "report kept")
        # The logistics company sells the holding right to the merchant, which carries the recognition over.
        index = next(a.index for a in ACTORS if a.key == "logistics")
        logistics = connect(m.settings, dev_account(index), rpc=m.rpc, build=m.build)
        moved = logistics.transfer_right(asset, Right.HOLDING, m.address("merchant"))
        _post(m, client, f"assets/{asset}/recognition/carry-over", "merchant", {"document_hash": _hash("audit")})
        open_indexer(m.settings, m.store, m.rpc, build=m.build).run()
        with TestClient(m.app()) as reader:
            yield Scene(m, reader, asset, demo_report, withdrawn, rejected, kept, recognised_block,
                        moved.receipt.block_number)  # fmt: skip
        if logistics.sender.journal is not None:
            logistics.sender.journal.close()


def get(scene: Scene, path: str, code: int = 200, **params: Any) -> Any:
    response = scene.client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == code, response.text
    return response.json()


def test_the_accredited_appraiser_is_listed_in_force(scene: Scene) -> None:
    provider = scene.market.address("provider")
    appraiser = get(scene, f"appraisers/{provider}")["data"]
    assert (appraiser["appraiser"], appraiser["in_force"], appraiser["revoked"]) == (provider, True, False)
    assert [a["appraiser"] for a in get(scene, "appraisers", in_force="true")["data"]] == [provider]
    assert get(scene, "appraisers", in_force="false")["data"] == []
    get(scene, f"appraisers/{scene.market.address('merchant')}", 404)


def test_reports_are_listed_by_asset_appraiser_and_status_with_what_their_filing_recorded(scene: Scene) -> None:
    ids = [v["valuation_id"] for v in get(scene, "valuations", asset_id=scene.asset)["data"]]
    assert ids == [scene.demo_report, scene.withdrawn, scene.rejected, scene.kept]
    by_appraiser = get(scene, "valuations", appraiser=scene.market.address("provider"))["data"]
    assert [v["valuation_id"] for v in by_appraiser] == ids
    assert [v["valuation_id"] for v in get(scene, "valuations", status="withdrawn")["data"]] == [scene.withdrawn]
    assert [v["valuation_id"] for v in get(scene, "valuations", status="rejected")["data"]] == [scene.rejected]
    assert [v["valuation_id"] for v in get(scene, "valuations", usable="true")["data"]] == [scene.demo_report,
                                                                                             scene.kept]  # fmt: skip
    kept = get(scene, f"valuations/{scene.kept}")["data"]
    assert (kept["method_name"], kept["value"], kept["currency"], kept["status_name"], kept["usable"]) == (
        "market", str(1_100_000 * YUAN), "CNY", "filed", True,
    )  # fmt: skip
    rejected = get(scene, f"valuations/{scene.rejected}")["data"]
    assert (rejected["closed_by"], rejected["closing_hash"], rejected["usable"]) == (
        scene.market.address("supervisor"), _hash("inflated"), False,
    )  # fmt: skip
    get(scene, "valuations/999", 404)


def test_the_latest_valid_valuation_of_an_asset_skips_withdrawn_and_rejected_reports(scene: Scene) -> None:
    assert get(scene, f"assets/{scene.asset}/valuation")["data"]["valuation_id"] == scene.kept
    # Before the gateway's reports: the demo's.
    before = get(scene, f"assets/{scene.asset}/valuation", at=str(scene.recognised_block))["data"]
    assert before["valuation_id"] == scene.demo_report
    other = next(a["asset_id"] for a in get(scene, "assets")["data"] if a["asset_id"] != scene.asset)
    get(scene, f"assets/{other}/valuation", 404)


def test_the_recognition_shows_its_holder_and_every_change(scene: Scene) -> None:
    detail = get(scene, f"recognitions/{scene.asset}")["data"]
    r = detail["recognition"]
    assert (r["holder"], r["status_name"], r["category_name"], r["carrying_amount"], r["valuation_id"]) == (
        scene.market.address("merchant"), "recognised", "intangible_asset", str(930_000 * YUAN), scene.demo_report,
    )  # fmt: skip
    assert detail["holder_holds_the_asset"] is True
    kinds = [(e["kind"], e["holder"], e["carrying_amount"]) for e in detail["history"]]
    logistics, merchant = scene.market.address("logistics"), scene.market.address("merchant")
    assert kinds == [
        ("recognised", logistics, str(950_000 * YUAN)), ("remeasured", logistics, str(930_000 * YUAN)),
        ("carried_over", merchant, str(930_000 * YUAN)),
    ]  # fmt: skip
    assert detail["history"][1]["measurement_name"] == "amortisation"
    assert detail["history"][2]["counterpart"] == logistics
    # After the sale and before the carry-over, the former holder's books still carry it: flagged.
    between = get(scene, f"recognitions/{scene.asset}", at=str(scene.transferred_block))["data"]
    assert (between["recognition"]["holder"], between["holder_holds_the_asset"]) == (logistics, False)
    get(scene, "recognitions/999", 404)


def test_carrying_amounts_per_holder_as_of_a_date(scene: Scene) -> None:
    now = get(scene, "recognitions/totals")["data"]
    assert now == [{"holder": scene.market.address("merchant"), "category": 0, "category_name": "intangible_asset",
                    "assets": 1, "carrying_amount": str(930_000 * YUAN)}]  # fmt: skip
    at_recognition = get(scene, "recognitions/totals", at=str(scene.recognised_block))["data"]
    assert [(t["holder"], t["carrying_amount"]) for t in at_recognition] == [
        (scene.market.address("logistics"), str(950_000 * YUAN))
    ]
    assert get(scene, "recognitions/totals", at=str(scene.recognised_block - 1))["data"] == []
    mine = get(scene, "recognitions", holder=scene.market.address("merchant"))["data"]
    assert [r["asset_id"] for r in mine] == [scene.asset]
    assert get(scene, "recognitions", holder=scene.market.address("logistics"))["data"] == []


def test_the_gateway_refuses_a_report_by_a_participant_that_is_no_appraiser(scene: Scene) -> None:
    m = scene.market
    with m.client() as client:
        body = {"asset_id": scene.asset, "method": "cost", "value": 1, "base_date": 1, "valid_until": 2,
                "content_hash": _hash("c"), "report_hash": _hash("r")}  # fmt: skip
        refused = client.post(f"{TX}/valuations", json=body, headers=m.auth("merchant"))
        assert refused.status_code == 403, refused.text
        assert "ParticipantUnauthorized" in refused.text
        bad = client.post(f"{TX}/valuations", json={**body, "currency": "yuan"}, headers=m.auth("provider"))
        assert bad.status_code == 422


def test_the_asset_history_names_who_valued_and_who_recognised_it(scene: Scene) -> None:
    events = get(scene, f"assets/{scene.asset}/history", limit=1000)["data"]["events"]
    actors = [(e["name"], e["actor"]) for e in events if e["contract"] == "Valuation"]
    provider, logistics, merchant = (scene.market.address(k) for k in ("provider", "logistics", "merchant"))
    assert actors == [
        ("ValuationFiled", provider), ("AssetRecognised", logistics), ("RecognitionRemeasured", logistics),
        ("ValuationFiled", provider), ("ValuationFiled", provider), ("ValuationFiled", provider),
        ("RecognitionCarriedOver", merchant),
    ]
