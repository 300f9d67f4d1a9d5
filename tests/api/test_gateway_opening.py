"""The public-data opening list (开放重点清单, art. 10) through the write gateway, over the demo's market: the urban
management bureau's entry, planned in the demo, is registered when the bureau registers a public-data asset (through
the gateway's registration route, a registrar accepting it) and links it; no one else links it
(``OpeningNotDepartment``); anyone shows it opened by a licence of the asset or by an exchange's listing of it in
force (its terms, or its key resolved from the index), a licence of another asset being no evidence
(``OpeningNoEvidence``). The authority's writes (publishing a list, withdrawing an entry) are the governance's: an API
key alone is no authority. Once indexed, the read API shows the year's progress."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eth_utils.crypto import keccak

from ledger.contracts.types import OpeningEntry, Right
from ledger.indexer import open_indexer
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market

TX = "/api/v1/tx"
YUAN = 100
DAY = 86_400
OPERATION_LICENCE = 1  # the demo's authorised-operation licence of the transport bureau's public dataset (asset 1)


def _hash(label: str) -> str:
    return "0x" + keccak(text=label).hex()


def _now(m: Market) -> int:
    return int(m.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)


def _post(m: Market, path: str, actor: str, body: dict[str, Any], code: int = 200) -> Any:
    response = m.client().post(f"{TX}/{path}", json=body, headers=m.auth(actor))
    assert response.status_code == code, response.text
    return response.json()


def _read(m: Market, path: str, **params: Any) -> Any:
    response = m.client().get(f"/api/v1/{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@dataclass
class Scene:
    market: Market
    entry: int  # the urban bureau's planned entry
    year: int
    asset: int  # the public-data asset the urban bureau registered (not linked yet)


def _register(m: Market, label: str) -> int:
    registered = _post(m, "assets", "urban", {
        "content_hash": _hash(f"{label} content"), "metadata_hash": _hash(f"{label} metadata"),
        "metadata_uri": f"ipfs://{label}", "name": label, "category": "public", "grade": "general",
        "kind": "dataset", "region": 450000,
    })  # fmt: skip
    asset = int(registered["result"]["asset_id"])
    _post(m, f"assets/{asset}/review", "registrar", {"approve": True, "review_hash": _hash(f"{label} review")})
    return asset


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with gateway_market(tmp_path_factory.mktemp("gateway-opening"), compile_contracts()) as m:
        [entry] = _read(m, "opening-list", department=m.address("urban"))
        assert entry["status_name"] == "planned"
        asset = _register(m, "urban management cases")
        yield Scene(m, int(entry["entry_id"]), int(entry["year"]), asset)


@pytest.fixture
def fresh(scene: Scene) -> Iterator[Scene]:
    with scene.market.snapshot():
        yield scene


def _link(s: Scene) -> None:
    linked = _post(s.market, f"opening-list/{s.entry}/link", "urban", {"asset_id": s.asset})
    assert linked["result"] == {"entry_id": s.entry, "asset_id": s.asset}
    assert [e["event"] for e in linked["events"]] == ["OpeningEntryRegistered"]


def _licence(s: Scene) -> int:
    """A licence of the urban bureau's asset: within an authorised operation the council approves."""
    m = s.market
    start = _now(m)
    end = start + 200 * DAY
    m.council().authorise_public_operation(s.asset, m.address("merchant"), Right.OPERATION, 2101, end,
                                           bytes.fromhex(_hash("urban operation decision")[2:]))  # fmt: skip
    granted = _post(m, f"assets/{s.asset}/licences", "urban", {
        "licensee": m.address("merchant"),
        "terms": {"right": "operation", "purpose": 2101, "start": start, "end": end, "regions": [450000]},
    })  # fmt: skip
    return int(granted["result"]["licence_id"])


def test_the_department_links_its_registered_asset_and_no_one_else_does(fresh: Scene) -> None:
    m = fresh.market
    stranger = _post(m, f"opening-list/{fresh.entry}/link", "transport", {"asset_id": fresh.asset}, code=422)
    error = stranger["error"]
    assert (error["code"], error["name"], error["operation"]) == (
        "contract_refusal", "OpeningNotDepartment", "OpeningList.linkAsset",
    )  # fmt: skip
    assert error["values"] == {"entryId": fresh.entry, "caller": m.address("transport")}
    # Not its asset: the transport bureau's public dataset (asset 1) is not the urban bureau's to link.
    theirs = _post(m, f"opening-list/{fresh.entry}/link", "urban", {"asset_id": 1}, code=422)
    assert theirs["error"]["name"] == "OpeningInvalidAsset"
    unknown = m.client().post(f"{TX}/opening-list/999/link", json={"asset_id": fresh.asset}, headers=m.auth("urban"))
    assert unknown.status_code == 404 and unknown.json()["error"]["name"] == "OpeningUnknownEntry"
    _link(fresh)
    again = _post(m, f"opening-list/{fresh.entry}/link", "urban", {"asset_id": fresh.asset}, code=409)
    assert again["error"]["name"] == "OpeningInvalidStatus"


def test_the_entry_is_shown_opened_by_a_licence_and_a_bad_licence_is_no_evidence(fresh: Scene) -> None:
    m = fresh.market
    _link(fresh)
    before = m.tx_count("merchant")
    # The demo's operation licence is of the transport bureau's asset: no opening of this entry's.
    bad = _post(m, f"opening-list/{fresh.entry}/opened", "merchant", {"licence_id": OPERATION_LICENCE}, code=422)
    assert (bad["error"]["name"], bad["error"]["values"]) == ("OpeningNoEvidence", {"entryId": fresh.entry})
    assert m.tx_count("merchant") == before  # refused by the estimate: nothing was sent
    licence = _licence(fresh)
    opened = _post(m, f"opening-list/{fresh.entry}/opened", "merchant", {"licence_id": licence})
    assert opened["result"] == {"entry_id": fresh.entry, "asset_id": fresh.asset, "evidence": "licence",
                                "ref": "0x" + f"{licence:064x}"}  # fmt: skip
    twice = _post(m, f"opening-list/{fresh.entry}/opened", "merchant", {"licence_id": licence}, code=409)
    assert twice["error"]["name"] == "OpeningInvalidStatus"


def _listing(s: Scene) -> dict[str, Any]:
    """The urban bureau's listing of its public dataset on the exchange (within the guided band), listed."""
    m = s.market
    start = _now(m)
    terms = {
        "asset_id": s.asset, "delivery": "license", "right": "processing",
        "template": {"purpose": 2102, "regions": [450000]},
        "offer": {"listing_id": _hash("urban listing"), "max_duration": 90 * DAY, "min_price": 20_000 * YUAN,
                  "max_price": 50_000 * YUAN, "min_net": 10_000 * YUAN, "start": start, "end": start + 60 * DAY},
        "document_hash": _hash("urban listing document"),
    }  # fmt: skip
    signed = _post(m, "listing-signatures", "urban", {"exchange": m.address("exchange"), **terms})
    _post(m, "listings", "exchange", {"listing": signed["listing"], "signature": signed["signature"]})
    return signed


def test_the_entry_is_shown_opened_by_a_listing_in_force(fresh: Scene) -> None:
    m = fresh.market
    _link(fresh)
    signed = _listing(fresh)
    body = {"listing": signed["listing"], "exchange": m.address("exchange")}
    # A listing of another asset, or one the exchange never listed, is no evidence.
    other = {**signed["listing"], "asset_id": 1}
    refused = _post(m, f"opening-list/{fresh.entry}/opened", "logistics", {**body, "listing": other}, code=422)
    assert refused["error"]["name"] == "OpeningNoEvidence"
    elsewhere = _post(m, f"opening-list/{fresh.entry}/opened", "logistics",
                      {**body, "exchange": m.address("merchant")}, code=422)  # fmt: skip
    assert elsewhere["error"]["name"] == "OpeningNoEvidence"
    # Terms without their exchange, a licence with one, or neither evidence: the body is invalid.
    for invalid in ({"listing": signed["listing"]}, {"licence_id": 1, "exchange": m.address("exchange")}, {},
                    {"licence_id": 1, **body}):  # fmt: skip
        answer = m.client().post(f"{TX}/opening-list/{fresh.entry}/opened", json=invalid, headers=m.auth("logistics"))
        assert answer.status_code == 422 and "detail" in answer.json(), invalid
    opened = _post(m, f"opening-list/{fresh.entry}/opened", "logistics", body)
    assert opened["result"] == {"entry_id": fresh.entry, "asset_id": fresh.asset, "evidence": "listing",
                                "ref": signed["listing_key"]}  # fmt: skip
    assert opened["sender"] == m.address("logistics")


def test_a_listing_key_is_resolved_from_the_index(fresh: Scene) -> None:
    m = fresh.market
    signed = _listing(fresh)
    open_indexer(m.settings, m.store, m.rpc, build=m.build).run()  # the listing, not the link: the entry is planned
    _link(fresh)
    unknown = _post(m, f"opening-list/{fresh.entry}/opened", "logistics", {"listing": _hash("no listing")}, code=404)
    assert unknown["error"]["code"] == "unknown_listing"
    wrong = _post(m, f"opening-list/{fresh.entry}/opened", "logistics",
                  {"listing": signed["listing_key"], "exchange": m.address("merchant")}, code=422)  # fmt: skip
    assert wrong["error"]["code"] == "invalid_arguments"
    opened = _post(m, f"opening-list/{fresh.entry}/opened", "logistics", {"listing": signed["listing_key"]})
    assert (opened["result"]["evidence"], opened["result"]["ref"]) == ("listing", signed["listing_key"])


def test_the_authoritys_writes_are_the_governances(fresh: Scene) -> None:
    """Publishing and withdrawing are the authority's: an API key alone (here the deployer's) is none, and nothing
    is sent; the council publishes and withdraws through the governance, and the gateway's routes then act on
    what it published."""
    m = fresh.market
    target = _now(m) + 300 * DAY
    body = {"year": fresh.year + 1, "list_hash": _hash("list"),
            "entries": [{"department": m.address("urban"), "description_hash": _hash("bridges"),
                         "target_date": target}]}  # fmt: skip
    before = m.tx_count("authority")
    alone = _post(m, "opening-lists", "authority", body, code=404)
    assert (alone["error"]["name"], alone["error"]["operation"]) == ("ParticipantUnknown", "OpeningList.publish")
    not_authority = _post(m, "opening-lists", "transport", body, code=403)
    assert not_authority["error"]["name"] == "ParticipantUnauthorized"
    withdraw = _post(m, f"opening-list/{fresh.entry}/withdraw", "authority", {"reason_hash": _hash("why")}, code=404)
    assert withdraw["error"]["name"] == "ParticipantUnknown"
    assert m.tx_count("authority") == before
    for invalid in ({**body, "year": 1999}, {**body, "entries": []},
                    {**body, "entries": [{**body["entries"][0], "target_date": -1}]}):  # fmt: skip
        answer = m.client().post(f"{TX}/opening-lists", json=invalid, headers=m.auth("authority"))
        assert answer.status_code == 422 and "detail" in answer.json(), invalid

    council = m.council()
    [new] = council.publish_opening_list(fresh.year + 1, bytes.fromhex(_hash("list")[2:]),
                                         [OpeningEntry(m.address("urban"), bytes.fromhex(_hash("bridges")[2:]),
                                                       target)])  # fmt: skip
    _post(m, f"opening-list/{new}/link", "urban", {"asset_id": fresh.asset})
    council.withdraw_opening_entry(new, bytes.fromhex(_hash("no longer planned")[2:]))
    withdrawn = _post(m, f"opening-list/{new}/opened", "merchant", {"licence_id": OPERATION_LICENCE}, code=409)
    assert (withdrawn["error"]["name"], withdrawn["error"]["values"]["status"]) == ("OpeningInvalidStatus", 4)


# Last: it indexes blocks that its snapshot then reverts.
def test_the_read_api_shows_the_progress_once_indexed(fresh: Scene) -> None:
    m = fresh.market
    urban = m.address("urban")
    before = {r["department"]: r for r in _read(m, "opening-list/progress", year=fresh.year)["departments"]}
    assert (before[urban]["planned"], before[urban]["opened"]) == (1, 0)
    _link(fresh)
    licence = _licence(fresh)
    _post(m, f"opening-list/{fresh.entry}/opened", "police", {"licence_id": licence})
    open_indexer(m.settings, m.store, m.rpc, build=m.build).run()
    entry = _read(m, f"opening-list/{fresh.entry}")
    assert (entry["status_name"], entry["asset_id"]) == ("opened", fresh.asset)
    progress = _read(m, "opening-list/progress", year=fresh.year)
    rows = {r["department"]: r for r in progress["departments"]}
    assert (rows[urban]["planned"], rows[urban]["registered"], rows[urban]["opened"]) == (0, 0, 1)
    assert (progress["total"]["entries"], progress["total"]["opened"]) == (2, 2)
