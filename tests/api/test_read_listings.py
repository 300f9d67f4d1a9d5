"""Art. 16-17 through the read API, over the demo's market (the exchange listed the logistics company's enterprise
dataset with the company's signature, and the service provider bought a licence under the listing): the listing
with its terms, standing, versions and sale; the exchange amends it; the asset frozen suspends it and an earlier
block shows it on sale; the seller withdraws a second listing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient

from ledger.client import Contracts, dev_account, make_sender
from ledger.client.ledger import LedgerClient
from ledger.contracts.deploy import load_manifest
from ledger.contracts.types import Delivery, LicenseTerms, Listing, Offer, Right
from ledger.demo import ACTORS
from ledger.indexer import open_indexer
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market


@dataclass
class Scene:
    market: Market
    client: TestClient
    asset: int
    demo_key: str
    right_key: str
    before_freeze: int
    amended_block: int


def _hash(label: str) -> bytes:
    return keccak(text=label)


def _client(m: Market, actor: str) -> LedgerClient:
    contracts = Contracts.from_build(load_manifest(m.settings.manifest_path), m.build)
    account = dev_account(next(a.index for a in ACTORS if a.key == actor))
    return LedgerClient(m.rpc, contracts, make_sender(m.settings, m.rpc, account, contracts.errors))


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with gateway_market(tmp_path_factory.mktemp("read-listings"), compile_contracts()) as m:
        [demo] = m.client().get("/api/v1/listings").json()["data"]
        exchange, seller = _client(m, "exchange"), _client(m, "logistics")
        asset = demo["asset_id"]
        t = demo["template"]
        now = int(m.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
        offer = Offer(listing_id=bytes.fromhex(demo["listing_id"][2:]), min_price=int(demo["min_price"]),
                      max_price=int(demo["max_price"]), min_net=int(demo["min_net"]), start=demo["starts_at"],
                      end=demo["ends_at"], max_duration=demo["max_duration"])  # fmt: skip
        listing = Listing(
            seller=seller.address, asset_id=asset, delivery=Delivery.LICENSE, right=Right.PROCESSING, offer=offer,
            document_hash=bytes.fromhex(demo["document_hash"][2:]),
            terms=LicenseTerms(Right.PROCESSING, t["purpose"], 0, 0, regions=tuple(t["regions"]),
                               terms_hash=bytes.fromhex(t["terms_hash"][2:])),
        )  # fmt: skip
        amended = replace(listing, version=2, offer=replace(offer, max_price=offer.max_price + 1_000_000),
                          document_hash=_hash("amended listing document"))  # fmt: skip
        exchange.list_product(amended, seller.sign_listing(amended, exchange.address))
        amended_block = m.head()
        right = Listing(seller=seller.address, asset_id=asset, delivery=Delivery.RIGHT, right=Right.HOLDING,
                        offer=Offer(listing_id=_hash("holding right"), min_price=10**9, max_price=10**9, min_net=0,
                                    start=now, end=now + 86_400),
                        document_hash=_hash("right listing document"))  # fmt: skip
        right_key = "0x" + exchange.list_product(right, seller.sign_listing(right, exchange.address)).hex()
        seller.withdraw_listing(exchange.address, right, _hash("the company keeps its dataset"))
        before_freeze = m.head()
        m.council().freeze(asset, _hash("rectification order"))
        open_indexer(m.settings, m.store, m.rpc, build=m.build).run()
        with TestClient(m.app()) as reader:
            yield Scene(m, reader, asset, demo["listing_key"], right_key, before_freeze, amended_block)


def get(scene: Scene, path: str, code: int = 200, **params: Any) -> Any:
    response = scene.client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == code, response.text
    return response.json()


def test_a_listing_with_its_terms_versions_and_the_trade_settled_under_it(scene: Scene) -> None:
    m = scene.market
    listing = get(scene, f"listings/{scene.demo_key}")["data"]
    assert (listing["exchange"], listing["seller"], listing["asset_id"]) == (
        m.address("exchange"), m.address("logistics"), scene.asset,
    )  # fmt: skip
    assert (listing["delivery_name"], listing["right_name"], listing["template"]["purpose"]) == (
        "license", "processing", 1601,
    )  # fmt: skip
    assert (listing["version"], listing["status_name"], listing["sales"]) == (2, "listed", 1)
    assert [v["version"] for v in listing["versions"]] == [1, 2]
    assert int(listing["versions"][1]["max_price"]) == int(listing["versions"][0]["max_price"]) + 1_000_000
    [trade] = listing["trades"]
    assert (trade["buyer"], trade["mandate_id"], listing["trade_count"]) == (
        m.address("provider"), scene.demo_key, 1,
    )  # fmt: skip
    assert listing["seller_holds"] is True


def test_a_frozen_asset_suspends_its_listing_and_an_earlier_block_shows_it_on_sale(scene: Scene) -> None:
    assert get(scene, f"listings/{scene.demo_key}")["data"]["standing"] == "suspended"
    then = get(scene, f"listings/{scene.demo_key}", at=str(scene.before_freeze))["data"]
    assert (then["standing"], then["version"]) == ("on_sale", 2)
    first = get(scene, f"listings/{scene.demo_key}", at=str(scene.amended_block - 1))["data"]
    assert (first["version"], [v["version"] for v in first["versions"]]) == (1, [1])
    assert [r["listing_key"] for r in get(scene, "listings", standing="suspended")["data"]] == [scene.demo_key]
    assert get(scene, "listings", standing="on_sale")["data"] == []
    assert [r["listing_key"] for r in get(scene, "listings", standing="on_sale", at=str(scene.before_freeze))[
        "data"]] == [scene.demo_key]  # fmt: skip


def test_a_withdrawn_listing_and_the_filters(scene: Scene) -> None:
    m = scene.market
    withdrawn = get(scene, f"listings/{scene.right_key}")["data"]
    assert (withdrawn["status_name"], withdrawn["standing"], withdrawn["ended_by"]) == (
        "withdrawn", "withdrawn", m.address("logistics"),
    )  # fmt: skip
    assert (withdrawn["delivery_name"], withdrawn["max_duration"], withdrawn["sales"]) == ("right", 0, 0)
    assert [r["listing_key"] for r in get(scene, "listings", standing="withdrawn")["data"]] == [scene.right_key]
    for params in ({"exchange": m.address("exchange")}, {"seller": m.address("logistics")},
                   {"asset_id": scene.asset}):  # fmt: skip
        assert {r["listing_key"] for r in get(scene, "listings", **params)["data"]} == {
            scene.demo_key, scene.right_key}
    assert get(scene, "listings", seller=m.address("merchant"))["data"] == []
    page = get(scene, "listings", limit=1)
    assert len(page["data"]) == 1 and page["next_cursor"]
    rest = get(scene, "listings", cursor=page["next_cursor"])["data"]
    assert [r["listing_key"] for r in page["data"] + rest] == [scene.demo_key, scene.right_key]
    get(scene, f"listings/0x{'ab' * 32}", code=404)
    get(scene, "listings/0x12", code=422)
