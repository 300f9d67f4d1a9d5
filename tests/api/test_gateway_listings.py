"""Exchange listings (art. 16-17) through the write gateway, over the demo's market: the logistics company (the
seller) has the gateway sign its listing of its enterprise dataset (or signs the typed data itself), the exchange
lists it; a non-exchange cannot list and a listing signed by anyone else is refused; the exchange settles trades
under the listing named by its key (resolved from the index) within its price range; it delists a listing, the
seller withdraws another for good, and the read API shows them once indexed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eth_account import Account
from eth_utils.crypto import keccak

from ledger.client import dev_account
from ledger.indexer import open_indexer
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market

TX = "/api/v1/tx"
YUAN = 100
DAY = 86_400
ENTERPRISE = 2  # the demo's enterprise dataset, held by the logistics company (dev account 7)


def _hash(label: str) -> str:
    return "0x" + keccak(text=label).hex()


def _now(m: Market) -> int:
    return int(m.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)


def _post(m: Market, path: str, actor: str, body: dict[str, Any], code: int = 200) -> Any:
    response = m.client().post(f"{TX}/{path}", json=body, headers=m.auth(actor))
    assert response.status_code == code, response.text
    return response.json()


def _terms(label: str, start: int) -> dict[str, Any]:
    """A listing of 90-day processing licences of the enterprise dataset at 1,000 to 3,000 yuan, for 30 days."""
    return {
        "asset_id": ENTERPRISE, "delivery": "license", "right": "processing",
        "template": {"purpose": 1701, "regions": [450000]},
        "offer": {"listing_id": _hash(label), "max_duration": 90 * DAY, "min_price": 1_000 * YUAN,
                  "max_price": 3_000 * YUAN, "min_net": 500 * YUAN, "start": start, "end": start + 30 * DAY},
        "document_hash": _hash(f"{label} document"),
    }  # fmt: skip


@dataclass
class Scene:
    market: Market
    signed: dict[str, Any]  # /listing-signatures' answer for listing A
    listed: dict[str, Any]  # /listings' answer for listing A
    other: dict[str, Any]  # listing B as listed (its key: other_key)
    other_key: str

    @property
    def key(self) -> str:
        return str(self.listed["result"]["listing_key"])


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    """Listings A and B of the logistics company's dataset, signed through the gateway, listed by the exchange and
    indexed."""
    with gateway_market(tmp_path_factory.mktemp("gateway-listings"), compile_contracts()) as m:
        start, exchange = _now(m), m.address("exchange")
        signed = _post(m, "listing-signatures", "logistics", {"exchange": exchange, **_terms("listing A", start)})
        listed = _post(m, "listings", "exchange", {"listing": signed["listing"], "signature": signed["signature"]})
        b = _post(m, "listing-signatures", "logistics", {"exchange": exchange, **_terms("listing B", start)})
        other = _post(m, "listings", "exchange", {"listing": b["listing"], "signature": b["signature"]})
        open_indexer(m.settings, m.store, m.rpc, build=m.build).run()
        yield Scene(m, signed, listed, b["listing"], other["result"]["listing_key"])


@pytest.fixture
def fresh(scene: Scene) -> Iterator[Scene]:
    with scene.market.snapshot():
        yield scene


def _trade(s: Scene, trade_id: str, price: int = 2_000 * YUAN, days: int = 60) -> dict[str, Any]:
    m = s.market
    start = _now(m) + DAY
    return {
        "trade_id": _hash(trade_id), "asset_id": ENTERPRISE, "seller": m.address("logistics"),
        "buyer": m.address("merchant"), "price": price, "fee": 20 * YUAN,
        "terms": {"purpose": 1701, "start": start, "end": start + days * DAY, "regions": [450000]},
    }  # fmt: skip


def test_the_gateway_signs_the_sellers_listing_and_the_exchange_lists_it(scene: Scene) -> None:
    m, signed = scene.market, scene.signed
    assert signed["listing"]["seller"] == m.address("logistics") and signed["exchange"] == m.address("exchange")
    assert signed["listing"]["version"] == 1 and signed["typed_data"]["primaryType"] == "Listing"
    # The signature is the seller's key's over the digest, which a seller signing itself gets from typed-data.
    typed = _post(m, "listings/typed-data", "merchant", {"exchange": m.address("exchange"),
                                                         "listing": signed["listing"]})  # fmt: skip
    assert typed["digest"] == signed["digest"]
    own = Account.unsafe_sign_hash(bytes.fromhex(typed["digest"][2:]), dev_account(7).key).signature
    assert "0x" + bytes(own).hex() == signed["signature"]
    # The exchange listed it: the key the seller was told, the version, the event.
    result = scene.listed["result"]
    assert result == {"listing_key": signed["listing_key"], "version": 1}
    assert scene.listed["sender"] == m.address("exchange")
    assert [e["event"] for e in scene.listed["events"]] == ["ProductListed"]
    # Only the listing's seller consents: the key's participant is always the seller it signs for.
    stranger = _post(m, "listing-signatures", "logistics", {
        "exchange": m.address("exchange"), "from": m.address("merchant"), **_terms("listing C", _now(m)),
    }, code=403)  # fmt: skip
    assert stranger["error"]["code"] == "actor_mismatch"


def test_only_an_exchange_lists_and_only_with_the_sellers_signature(fresh: Scene) -> None:
    m = fresh.market
    signed = _post(m, "listing-signatures", "logistics", {"exchange": m.address("exchange"),
                                                          **_terms("listing D", _now(m))})  # fmt: skip
    body = {"listing": signed["listing"], "signature": signed["signature"]}
    merchant = _post(m, "listings", "merchant", body, code=403)
    assert merchant["error"]["code"] == "contract_refusal" and merchant["error"]["name"] == "ParticipantUnauthorized"
    assert merchant["error"]["operation"] == "Listings.list"
    # Signed by someone other than the listed seller (the merchant signs the typed data): refused, naming both.
    typed = _post(m, "listings/typed-data", "exchange", {"exchange": m.address("exchange"),
                                                         "listing": signed["listing"]})  # fmt: skip
    forged = Account.unsafe_sign_hash(bytes.fromhex(typed["digest"][2:]), dev_account(8).key).signature
    refused = _post(m, "listings", "exchange", {**body, "signature": "0x" + bytes(forged).hex()}, code=403)
    assert refused["error"]["name"] == "ListingBadSignature"
    assert refused["error"]["values"] == {"seller": m.address("logistics"), "recovered": m.address("merchant")}
    # The seller's signature over other terms: a higher price range is not what it signed.
    raised = {**signed["listing"], "offer": {**signed["listing"]["offer"], "max_price": 9_000 * YUAN}}
    changed = _post(m, "listings", "exchange", {**body, "listing": raised}, code=403)
    assert changed["error"]["name"] == "ListingBadSignature"
    # A signature that is no secp256k1 signature (v 5) is refused before anything is sent.
    bad_v_signature = signed["signature"][:-2] + "05"
    bad_v = _post(m, "listings", "exchange", {**body, "signature": bad_v_signature}, code=422)
    assert bad_v["error"]["code"] == "invalid_arguments"
    consent = {"seller": m.address("logistics"), "nonce": 1, "deadline": _now(m) + 60, "signature": bad_v_signature}
    no_consent = _post(m, "trades", "exchange", {"trade": _trade(fresh, "bad v"), "min_net": 0, "consent": consent},
                       code=422)  # fmt: skip
    assert no_consent["error"]["code"] == "invalid_arguments"  # the same for a sales consent (not a 500)
    # Neither list the same version twice.
    before = m.tx_count("exchange")
    _post(m, "listings", "exchange", body)
    again = _post(m, "listings", "exchange", body, code=422)
    assert again["error"]["name"] == "ListingStaleVersion" and m.tx_count("exchange") == before + 1


def test_the_exchange_settles_under_the_listing_by_its_key_within_its_price_range(fresh: Scene) -> None:
    m = fresh.market
    settled = _post(m, "trades/listed", "exchange", {"trade": _trade(fresh, "listed 1"), "listing_key": fresh.key})
    [row] = settled["result"]["trades"]
    assert settled["result"]["listing_key"] == fresh.key
    assert (row["mandate_id"], row["seller_amount"]) == (fresh.key, 1_980 * YUAN)
    assert row["license_id"] > 0 and row["exchange"] == m.address("exchange")
    # The same with the offer itself, at the top of the range.
    offer = fresh.signed["listing"]["offer"]
    top = _post(m, "trades/listed", "exchange", {"trade": _trade(fresh, "listed 2", price=3_000 * YUAN),
                                                 "offer": offer})  # fmt: skip
    assert top["result"]["trades"][0]["seller_amount"] == 2_980 * YUAN
    # Above the listing's range: refused, nothing settled.
    dear = _post(m, "trades/listed", "exchange", {"trade": _trade(fresh, "listed 3", price=3_500 * YUAN),
                                                  "listing_key": fresh.key}, code=422)  # fmt: skip
    assert dear["error"]["name"] == "ListingPriceOutOfRange"
    assert dear["error"]["values"]["price"] == 3_500 * YUAN and dear["error"]["values"]["maxPrice"] == 3_000 * YUAN
    # Licences longer than the listing offers.
    long = _post(m, "trades/listed", "exchange", {"trade": _trade(fresh, "listed 4", days=120),
                                                  "listing_key": fresh.key}, code=422)  # fmt: skip
    assert long["error"]["name"] == "ListingDuration"
    # A key the index does not hold; neither or both of offer and key.
    unknown = _post(m, "trades/listed", "exchange", {"trade": _trade(fresh, "listed 5"), "listing_key": _hash("no")},
                    code=404)  # fmt: skip
    assert unknown["error"]["code"] == "unknown_listing"
    neither = m.client().post(f"{TX}/trades/listed", json={"trade": _trade(fresh, "listed 6")},
                              headers=m.auth("exchange"))  # fmt: skip
    assert neither.status_code == 422
    both = m.client().post(f"{TX}/trades/listed", headers=m.auth("exchange"),
                           json={"trade": _trade(fresh, "listed 6"), "offer": offer, "listing_key": fresh.key})
    assert both.status_code == 422
    # Another key settles nothing under it: it has no listing of that id.
    merchant = _post(m, "trades/listed", "merchant", {"trade": _trade(fresh, "listed 7"), "listing_key": fresh.key},
                     code=422)  # fmt: skip
    assert merchant["error"]["name"] == "ListingNotListed"


def test_the_exchange_delists_and_nothing_sells_under_the_listing_any_more(fresh: Scene) -> None:
    m = fresh.market
    listing_id = fresh.signed["listing"]["offer"]["listing_id"]
    stranger = _post(m, f"listings/{listing_id}/delist", "merchant", {}, code=403)
    assert stranger["error"]["name"] == "ParticipantUnauthorized"
    delisted = _post(m, f"listings/{listing_id}/delist", "exchange", {"reason_hash": _hash("delisting notice")})
    assert delisted["result"] == {"listing_key": fresh.key, "version": 1, "withdrawn": False}
    after = _post(m, "trades/listed", "exchange", {"trade": _trade(fresh, "delisted 1"), "listing_key": fresh.key},
                  code=422)  # fmt: skip
    assert after["error"]["name"] == "ListingNotListed"
    twice = _post(m, f"listings/{listing_id}/delist", "exchange", {}, code=422)
    assert twice["error"]["name"] == "ListingNotListed"


def test_the_seller_withdraws_its_listing_for_good(fresh: Scene) -> None:
    m = fresh.market
    stranger = _post(m, "listings/withdraw", "merchant", {"listing": fresh.other_key}, code=403)
    assert stranger["error"]["name"] == "ListingNotSeller"
    terms_without_exchange = m.client().post(f"{TX}/listings/withdraw", json={"listing": fresh.other},
                                             headers=m.auth("logistics"))  # fmt: skip
    assert terms_without_exchange.status_code == 422
    withdrawn = _post(m, "listings/withdraw", "logistics",
                      {"listing": fresh.other_key, "reason_hash": _hash("withdrawn")})  # fmt: skip
    assert withdrawn["result"] == {"listing_key": fresh.other_key, "version": 1, "withdrawn": True}
    # For good: the exchange cannot list it again, even as a higher version the seller signed.
    amended = _post(m, "listing-signatures", "logistics", {
        "exchange": m.address("exchange"), **{k: v for k, v in fresh.other.items() if k != "seller"}, "version": 2,
    })  # fmt: skip
    again = _post(m, "listings", "exchange", {"listing": amended["listing"], "signature": amended["signature"]},
                  code=422)  # fmt: skip
    assert again["error"]["name"] == "ListingStaleVersion"
    unknown = _post(m, "listings/withdraw", "logistics", {"listing": _hash("no such listing")}, code=404)
    assert unknown["error"]["code"] == "unknown_listing"


def test_a_seller_withdraws_a_listing_given_by_its_terms(fresh: Scene) -> None:
    m = fresh.market
    body = {"listing": fresh.signed["listing"], "exchange": m.address("exchange")}
    withdrawn = _post(m, "listings/withdraw", "logistics", body)
    assert withdrawn["result"]["withdrawn"] is True and withdrawn["result"]["listing_key"] == fresh.key


# Last: it indexes blocks that its snapshot then reverts (earlier tests resolve listings from the index).
def test_the_read_api_shows_the_listings_once_indexed(fresh: Scene) -> None:
    m = fresh.market
    _post(m, "trades/listed", "exchange", {"trade": _trade(fresh, "indexed 1"), "listing_key": fresh.key})
    listing_id = fresh.signed["listing"]["offer"]["listing_id"]
    _post(m, f"listings/{listing_id}/delist", "exchange", {"reason_hash": _hash("notice")})
    _post(m, "listings/withdraw", "logistics", {"listing": fresh.other_key})
    open_indexer(m.settings, m.store, m.rpc, build=m.build).run()
    client = m.client()
    rows = {r["listing_key"]: r for r in client.get("/api/v1/listings", params={"seller": m.address("logistics")})
            .json()["data"]}  # fmt: skip
    a, b = rows[fresh.key], rows[fresh.other_key]
    assert (a["status_name"], a["sales"], a["exchange"], a["end_hash"]) == (
        "delisted", 1, m.address("exchange"), _hash("notice"),
    )  # fmt: skip
    assert (a["min_price"], a["max_price"], a["template"]["purpose"]) == (str(1_000 * YUAN), str(3_000 * YUAN), 1701)
    assert (b["status_name"], b["standing"], b["ended_by"]) == ("withdrawn", "withdrawn", m.address("logistics"))
    detail = client.get(f"/api/v1/listings/{fresh.key}").json()["data"]
    assert [t["trade_id"] for t in detail["trades"]] == [_hash("indexed 1")]
    withdrawn = client.get("/api/v1/listings", params={"standing": "withdrawn"}).json()["data"]
    assert [r["listing_key"] for r in withdrawn] == [fresh.other_key]
