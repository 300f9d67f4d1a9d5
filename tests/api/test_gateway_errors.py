"""Write gateway: operations that succeed (ids and events in the answer), contract refusals as
403/404/409/422 naming the error and its values, batch items, validation paths, node outages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ledger.contracts.types import Paused
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market
from tests.conftest import free_port

TX = "/api/v1/tx"
YUAN = 100
DAY = 86_400


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    with gateway_market(tmp_path_factory.mktemp("gateway-errors"), compile_contracts()) as m:
        yield m


@pytest.fixture
def fresh(market: Market) -> Iterator[Market]:
    with market.snapshot():
        yield market


def h(n: int) -> str:
    return "0x" + f"{n:064x}"


def now(market: Market) -> int:
    return int(market.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)


def licence_trade(market: Market, trade_id: str, price: int = 10_000 * YUAN) -> dict[str, Any]:
    start = now(market)
    return {
        "trade_id": trade_id, "asset_id": 1, "seller": market.address("transport"),
        "buyer": market.address("logistics"), "price": price, "fee": 100 * YUAN,
        "terms": {"right": "processing", "purpose": 1105, "start": start, "end": start + 30 * DAY,
                  "regions": [450000], "terms_hash": h(77)},
    }  # fmt: skip


def test_registration_review_and_licence_answer_with_ids_and_events(fresh: Market) -> None:
    client = fresh.client()
    applied = client.post(
        f"{TX}/assets",
        json={"content_hash": h(1001), "metadata_hash": h(1002), "metadata_uri": "ipfs://meta", "name": "Bus stops",
              "category": "enterprise", "grade": "general", "kind": "dataset", "region": 450000},
        headers=fresh.auth("urban"),
    )  # fmt: skip
    assert applied.status_code == 200, applied.text
    body = applied.json()
    asset_id = body["result"]["asset_id"]
    assert body["outcome"] == "success" and body["sender"] == fresh.address("urban")
    assert body["events"][0]["event"] == "RegistrationApplied"
    assert body["events"][0]["args"]["assetId"] == asset_id

    reviewed = client.post(
        f"{TX}/assets/{asset_id}/review",
        json={"approve": True, "review_hash": h(1003)},
        headers=fresh.auth("registrar"),
    )
    assert reviewed.status_code == 200, reviewed.text
    assert "AssetRegistered" in [e["event"] for e in reviewed.json()["events"]]

    start = now(fresh)
    granted = client.post(
        f"{TX}/assets/{asset_id}/licences",
        json={"licensee": fresh.address("merchant"),
              "terms": {"purpose": 7, "start": start, "end": start + DAY, "regions": [450000]}},
        headers=fresh.auth("urban"),
    )  # fmt: skip
    assert granted.status_code == 200, granted.text
    assert granted.json()["result"]["licence_id"] > 0


def test_permission_refusal_is_403_with_the_error_and_values(fresh: Market) -> None:
    r = fresh.client().post(f"{TX}/assets/1/freeze", json={"document_hash": h(1)}, headers=fresh.auth("exchange"))
    assert r.status_code == 403
    error = r.json()["error"]
    assert (error["code"], error["name"], error["refusal"]) == (
        "contract_refusal",
        "ParticipantUnauthorized",
        "permission",
    )
    assert error["values"] == {"account": fresh.address("exchange"), "neededRoles": 1}
    assert error["operation"] == "AssetControls.freeze"
    assert error["tx_hash"] is None  # refused before anything was sent


def test_state_conflict_is_409(fresh: Market) -> None:
    r = fresh.client().post(
        f"{TX}/assets/2/review", json={"approve": True, "review_hash": "0x" + "11" * 32},
        headers=fresh.auth("registrar"),
    )  # fmt: skip
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["name"] == "RegistryInvalidStatus"
    assert error["values"]["assetId"] == 2


def test_a_write_to_a_paused_contract_is_409_and_sends_nothing(fresh: Market) -> None:
    fresh.council().pause(Paused.ASSET_REGISTRY, bytes.fromhex("22" * 32))
    before = fresh.tx_count("urban")
    r = fresh.client().post(
        f"{TX}/assets",
        json={"content_hash": h(2001), "metadata_hash": h(2002), "metadata_uri": "ipfs://meta", "name": "Ferries",
              "category": "enterprise", "grade": "general", "kind": "dataset", "region": 450000},
        headers=fresh.auth("urban"),
    )  # fmt: skip
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert (error["name"], error["values"]) == ("LedgerPaused", {"contracts": int(Paused.ASSET_REGISTRY)})
    assert fresh.tx_count("urban") == before


def test_no_single_key_acts_as_the_authority_through_the_gateway(fresh: Market) -> None:
    """The authority is the governance: an admission through an API key (here dev account 0's, the deployer's) is
    refused by the registry, and nothing is sent."""
    r = fresh.client().post(
        f"{TX}/participants",
        json={"account": fresh.address("merchant"), "roles": ["data-merchant"], "region": 450100, "name": "again",
              "credit_code": "91450100MA5KD0009U"},
        headers=fresh.auth("authority"),
    )  # fmt: skip
    assert r.status_code == 404
    error = r.json()["error"]
    assert error["name"] == "ParticipantUnknown"
    assert error["values"]["account"] == fresh.address("authority")


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("91450100MA5KD0009T", "its check character is 'T', the first 17 characters give 'U'"),
        ("91450100MA5KD0009", "at least 18 characters"),
        ("91450100MA5KD000IU", "String should match pattern"),
    ],
)
def test_a_malformed_credit_code_is_422_naming_the_field_and_sends_nothing(fresh: Market, code: str, says: str) -> None:
    before = fresh.tx_count("authority")
    r = fresh.client().post(
        f"{TX}/participants",
        json={"account": fresh.address("merchant"), "roles": ["data-merchant"], "region": 450100, "name": "again",
              "credit_code": code},
        headers=fresh.auth("authority"),
    )  # fmt: skip
    assert r.status_code == 422
    [detail] = r.json()["detail"]
    assert detail["loc"] == ["body", "credit_code"] and says in detail["msg"]
    assert fresh.tx_count("authority") == before


def test_invalid_terms_are_422_with_the_error(fresh: Market) -> None:
    start = now(fresh)
    r = fresh.client().post(
        f"{TX}/assets/1/licences",
        json={"licensee": fresh.address("merchant"),
              "terms": {"purpose": 1, "start": start + DAY, "end": start, "regions": [450000]}},
        headers=fresh.auth("transport"),
    )  # fmt: skip
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["name"] == "LicenseInvalidPeriod" and error["refusal"] == "invalid"
    assert error["values"] == {"start": start + DAY, "end": start}


def test_unknown_record_is_404(fresh: Market) -> None:
    r = fresh.client().post(
        f"{TX}/assets/987654/review", json={"approve": True, "review_hash": h(2)}, headers=fresh.auth("registrar")
    )
    assert r.status_code == 404
    assert r.json()["error"]["name"] == "RegistryUnknownAsset"
    assert r.json()["error"]["values"] == {"assetId": 987654}


def test_validation_errors_are_422_with_field_paths(fresh: Market) -> None:
    trade = licence_trade(fresh, h(600))
    trade["price"] = -5
    trade["terms"]["regions"] = ["x"]
    del trade["buyer"]
    r = fresh.client().post(f"{TX}/trades", json={"trade": trade, "extra": 1}, headers=fresh.auth("exchange"))
    assert r.status_code == 422
    locs = {tuple(d["loc"]) for d in r.json()["detail"]}
    assert ("body", "consent") in locs and ("body", "min_net") in locs  # no sale without its seller's consent
    assert ("body", "trade", "price") in locs
    assert ("body", "trade", "buyer") in locs
    assert ("body", "trade", "terms", "regions", 0) in locs
    assert ("body", "extra") in locs


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "amount": 2**256}, "amount"),  # beyond uint256
        ({"to": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "amount": -1}, "amount"),
        ({"to": "0x70997970C51812DC3a010C7d01b50e0d17dc79C8", "amount": 1}, "to"),  # bad EIP-55 checksum
        ({"to": "0x1234", "amount": 1}, "to"),
    ],
)
def test_out_of_range_values_and_bad_checksums_are_422(fresh: Market, body: dict[str, Any], field: str) -> None:
    r = fresh.client().post(f"{TX}/token/transfer", json=body, headers=fresh.auth("merchant"))
    assert r.status_code == 422
    assert [d["loc"] for d in r.json()["detail"]] == [["body", field]]


def test_node_unavailable_is_503_with_retry_after(fresh: Market) -> None:
    client = fresh.client(node_port=free_port())  # nothing listens there
    r = client.post(f"{TX}/declarations", json={"document_hash": h(3)}, headers={
        **fresh.auth("merchant"), "Idempotency-Key": "down-1"})  # fmt: skip
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "unavailable"
    assert int(r.headers["Retry-After"]) >= 1
    # nothing was sent, so the key is free again: once the node is back, the retry runs
    again = fresh.client().post(f"{TX}/declarations", json={"document_hash": h(3)}, headers={
        **fresh.auth("merchant"), "Idempotency-Key": "down-1"})  # fmt: skip
    assert again.status_code == 200, again.text


def test_an_off_exchange_trade_signed_from_the_typed_data_settles(fresh: Market) -> None:
    from eth_account import Account

    from ledger.client import dev_account

    client = fresh.client()
    start = now(fresh)
    trade = {
        "trade_id": h(700), "asset_id": 2, "seller": fresh.address("logistics"), "buyer": fresh.address("provider"),
        "price": 10_000 * YUAN,
        "terms": {"purpose": 1301, "start": start, "end": start + 30 * DAY, "regions": [450000]},
    }  # fmt: skip
    terms = {"trade": trade, "nonce": 2**70 + 1, "deadline": start + 3600}
    typed = client.post(f"{TX}/trades/direct/typed-data", json=terms, headers=fresh.auth("provider"))
    assert typed.status_code == 200, typed.text
    data = typed.json()
    assert data["typed_data"]["primaryType"] == "DirectTrade"
    assert data["typed_data"]["message"]["nonce"] == str(2**70 + 1)  # beyond 2^53: a decimal string
    digest = bytes.fromhex(data["digest"][2:])
    seller = Account.unsafe_sign_hash(digest, dev_account(7).key).signature.hex()
    buyer = Account.unsafe_sign_hash(digest, dev_account(9).key).signature.hex()
    body = {
        **terms,
        "seller_signature": "0x" + seller.removeprefix("0x"),
        "buyer_signature": "0x" + buyer.removeprefix("0x"),
    }
    settled = client.post(f"{TX}/trades/direct", json=body, headers=fresh.auth("provider"))
    assert settled.status_code == 200, settled.text
    assert settled.json()["result"]["trades"][0]["trade_id"] == h(700)

    # the same signatures for another price: the contract refuses them
    tampered = {**body, "trade": {**trade, "trade_id": h(701), "price": 10_001 * YUAN}}
    refused = client.post(f"{TX}/trades/direct", json=tampered, headers=fresh.auth("provider"))
    assert refused.status_code in (403, 422), refused.text
    assert refused.json()["error"]["name"] == "SettlementBadSignature"


def test_a_certificate_of_another_province_is_imported_under_an_agreement(fresh: Market) -> None:
    from ledger.client import dev_account
    from ledger.recognition.certificates import Certificate, CertificateDomain, CertificateFile, sign_certificate

    client = fresh.client()
    origin_registry = "0x" + "ab" * 20
    registrars = [dev_account(i) for i in (11, 12, 13)]
    # The agreement is the authority's: the council sets it, through the governance.
    set_ = fresh.council().set_agreement(4501, origin_registry, [a.address for a in registrars], 2)
    assert set_.event("AgreementSet")["threshold"] == 2

    holder = fresh.address("logistics")
    cert = CertificateFile(
        CertificateDomain(4501, origin_registry),
        # status registered, issued (time or block: positional), expiry
        Certificate(9, h(4242), 1, 0, 0, holder, holder, holder, 9, 120, now(fresh) - DAY, 2, 100, now(fresh) + DAY),
    )
    once = sign_certificate(cert, registrars[0])
    below = client.post(f"{TX}/recognition/certificates", json={"certificate": once.to_json()},
                        headers=fresh.auth("registrar"))  # fmt: skip
    assert below.status_code in (403, 422), below.text
    assert below.json()["error"]["name"] == "RecognitionBelowThreshold"

    twice = sign_certificate(once, registrars[2])
    imported = client.post(f"{TX}/recognition/certificates", json={"certificate": twice.to_json()},
                           headers=fresh.auth("registrar"))  # fmt: skip
    assert imported.status_code == 200, imported.text
    asset_id = imported.json()["result"]["asset_id"]
    again = client.post(f"{TX}/recognition/certificates", json={"certificate": twice.to_json()},
                        headers=fresh.auth("registrar"))  # fmt: skip
    assert again.status_code in (409, 422), again.text
    assert again.json()["error"]["name"] == "RecognitionStaleCertificate"
    assert again.json()["error"]["values"]["localAssetId"] == asset_id

    garbage = client.post(f"{TX}/recognition/certificates", json={"certificate": {"format": "nope"}},
                          headers=fresh.auth("registrar"))  # fmt: skip
    assert garbage.status_code == 422
    assert garbage.json()["error"]["code"] == "invalid_certificate"

    suspended = client.post(f"{TX}/recognition/assets/{asset_id}/suspend", json={"document_hash": h(5)},
                            headers=fresh.auth("registrar"))  # fmt: skip
    assert suspended.status_code == 200, suspended.text
    reinstated = client.post(f"{TX}/recognition/assets/{asset_id}/reinstate", json={"document_hash": h(6)},
                             headers=fresh.auth("registrar"))  # fmt: skip
    assert [e["event"] for e in reinstated.json()["events"]] == ["RecognitionReinstated"]
    again = client.post(f"{TX}/recognition/assets/{asset_id}/reinstate", json={"document_hash": h(6)},
                        headers=fresh.auth("registrar"))  # fmt: skip
    assert again.json()["error"]["name"] == "RecognitionInvalidStatus"


def test_a_transaction_mined_and_reverted_answers_with_its_hash_and_block(fresh: Market) -> None:
    from api.gateway import Gateway, Operation

    gateway = Gateway(fresh.settings, fresh.store.engine)
    key = gateway.keys.authenticate(fresh.tokens["merchant"])
    before = fresh.tx_count("merchant")
    # a fixed gas limit skips the estimate, so the refusal happens on chain
    reply = gateway.submit(key, Operation("AssetControls", "freeze", (1, bytes(32)), gas=300_000), "mined", "f" * 64)
    gateway.close()
    assert reply.status == 403
    error = reply.body["error"]
    assert error["name"] == "ParticipantUnauthorized"
    assert error["tx_hash"] is not None and error["block_number"] > 0
    assert fresh.tx_count("merchant") == before + 1
