"""Write gateway, issue 11: no sale without its seller's consent. A seller's key has the gateway sign its consent
(or fetches the typed data to sign itself), an exchange's key settles with it, alone or in batches that are
atomic or trade by trade; standing mandates; revenue shares held for an inactive recipient and claimed (or, once it
is revoked, released by the authority); a sold licence its licensor cannot revoke; objections pending until
accepted; authorised operation of public data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from eth_account import Account

from ledger.client import dev_account
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market

TX = "/api/v1/tx"
YUAN = 100
DAY = 86_400


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    with gateway_market(tmp_path_factory.mktemp("gateway-settlement"), compile_contracts()) as m:
        yield m


@pytest.fixture
def fresh(market: Market) -> Iterator[Market]:
    with market.snapshot():
        yield market


def h(n: int) -> str:
    return "0x" + f"{n:064x}"


def now(market: Market) -> int:
    return int(market.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)


def enterprise_trade(m: Market, trade_id: str, *, buyer: str = "merchant", days: int = 30,
                     price: int = 1_000 * YUAN, purpose: int = 1106) -> dict[str, Any]:  # fmt: skip
    """A licence of the demo's enterprise asset (2, held by the logistics company) sold on the exchange."""
    start = now(m) + DAY  # a fixed start: the same terms when signed and when settled
    return {
        "trade_id": trade_id, "asset_id": 2, "seller": m.address("logistics"), "buyer": m.address(buyer),
        "price": price, "fee": 10 * YUAN,
        "terms": {"purpose": purpose, "start": start, "end": start + days * DAY, "regions": [450000]},
    }  # fmt: skip


def sign(m: Market, seller: str, trades: list[dict[str, Any]], min_net: int, **extra: Any) -> dict[str, Any]:
    r = m.client().post(f"{TX}/consents", json={
        "exchange": m.address("exchange"), "sales": [{"trade": t, "min_net": min_net} for t in trades],
        "deadline": now(m) + 3600, **extra,
    }, headers=m.auth(seller))  # fmt: skip
    assert r.status_code == 200, r.text
    consent: dict[str, Any] = r.json()["consent"]
    return consent


def test_a_sellers_key_signs_its_consent_and_the_exchange_settles_with_it_once(fresh: Market) -> None:
    client = fresh.client()
    trade = enterprise_trade(fresh, h(801))
    not_seller = client.post(f"{TX}/consents", json={
        "exchange": fresh.address("exchange"), "sales": [{"trade": trade, "min_net": 0}], "deadline": now(fresh) + 60,
    }, headers=fresh.auth("merchant"))  # fmt: skip
    assert not_seller.status_code == 403 and not_seller.json()["error"]["code"] == "actor_mismatch"

    consent = sign(fresh, "logistics", [trade], 980 * YUAN, nonce=424242)
    assert (consent["seller"], consent["nonce"]) == (fresh.address("logistics"), 424242)
    used = client.post(f"{TX}/trades/nonces/invalidate", json={"nonce": 7}, headers=fresh.auth("logistics"))
    assert used.status_code == 200, used.text
    reuse = client.post(f"{TX}/consents", json={
        "exchange": fresh.address("exchange"), "sales": [{"trade": trade, "min_net": 0}], "nonce": 7,
        "deadline": now(fresh) + 60,
    }, headers=fresh.auth("logistics"))  # fmt: skip
    assert reuse.status_code == 409 and reuse.json()["error"]["code"] == "nonce_used"

    body = {"trade": trade, "min_net": 980 * YUAN, "consent": consent}
    settled = client.post(f"{TX}/trades", json=body, headers=fresh.auth("exchange"))
    assert settled.status_code == 200, settled.text
    row = settled.json()["result"]["trades"][0]
    assert (row["trade_id"], row["seller_amount"], row["mandate_id"]) == (h(801), 990 * YUAN, None)
    assert row["license_id"] > 0 and row["exchange"] == fresh.address("exchange")

    again = client.post(f"{TX}/trades", json=body, headers=fresh.auth("exchange"))
    assert again.status_code == 409 and again.json()["error"]["name"] == "SettlementTradeAlreadySettled"
    # The exchange cannot raise its fee (or lower the price) below what the seller consented to net.
    greedy = {**body, "trade": {**trade, "trade_id": h(802), "fee": 50 * YUAN}}
    greedy["consent"] = sign(fresh, "logistics", [greedy["trade"]], 980 * YUAN)
    below = client.post(f"{TX}/trades", json=greedy, headers=fresh.auth("exchange"))
    assert below.status_code == 409 and below.json()["error"]["name"] == "SettlementBelowMinimum"
    assert below.json()["error"]["values"] == {"tradeId": h(802), "sellerAmount": 950 * YUAN, "minNet": 980 * YUAN}
    # Nor settle a sale the consent does not name: the signature does not recover to the seller.
    other = {**body, "trade": {**trade, "trade_id": h(803)}}
    forged = client.post(f"{TX}/trades", json=other, headers=fresh.auth("exchange"))
    assert forged.status_code == 403 and forged.json()["error"]["name"] == "SettlementBadSignature"


def test_a_seller_signs_the_consents_typed_data_itself(fresh: Market) -> None:
    client = fresh.client()
    trade = enterprise_trade(fresh, h(811))
    terms = {"exchange": fresh.address("exchange"), "sales": [{"trade": trade, "min_net": 0}], "nonce": 2**70 + 3,
             "deadline": now(fresh) + 3600}  # fmt: skip
    typed = client.post(f"{TX}/consents/typed-data", json=terms, headers=fresh.auth("exchange"))
    assert typed.status_code == 200, typed.text
    as_text = client.post(f"{TX}/consents/typed-data", json={**terms, "nonce": str(2**70 + 3)},
                          headers=fresh.auth("exchange"))  # fmt: skip
    assert as_text.status_code == 422  # a request's own integers are JSON integers
    data = typed.json()
    assert data["typed_data"]["primaryType"] == "SalesConsent"
    assert data["typed_data"]["message"]["nonce"] == str(2**70 + 3)
    signature = Account.unsafe_sign_hash(bytes.fromhex(data["digest"][2:]), dev_account(7).key).signature.hex()
    # as the API writes it back: beyond 2^53 a decimal string, which a consent accepts
    consent = {"seller": fresh.address("logistics"), "nonce": str(2**70 + 3), "deadline": terms["deadline"],
               "signature": "0x" + signature.removeprefix("0x")}  # fmt: skip
    settled = client.post(f"{TX}/trades", json={"trade": trade, "min_net": 0, "consent": consent},
                          headers=fresh.auth("exchange"))  # fmt: skip
    assert settled.status_code == 200, settled.text


def test_batches_are_atomic_or_settle_trade_by_trade_reporting_each_refusal(fresh: Market) -> None:
    client = fresh.client()
    first = enterprise_trade(fresh, h(821))
    client.post(f"{TX}/trades", json={"trade": first, "min_net": 0, "consent": sign(fresh, "logistics", [first], 0)},
                headers=fresh.auth("exchange")).raise_for_status()  # fmt: skip
    trades = [enterprise_trade(fresh, h(822), purpose=1107), first]  # the second settled above
    consent = sign(fresh, "logistics", trades, 0)
    body = {"trades": [{"trade": t, "min_net": 0, "consent": 0} for t in trades], "consents": [consent]}

    before = fresh.head()
    atomic = client.post(f"{TX}/trades/batch", json=body, headers=fresh.auth("exchange"))
    assert atomic.status_code == 409, atomic.text
    error = atomic.json()["error"]
    assert (error["name"], error["item"]["index"], error["item"]["trade_id"]) == ("SettlementBatchItemFailed", 1,
                                                                                   h(821))  # fmt: skip
    assert error["item"]["error"]["name"] == "SettlementTradeAlreadySettled"
    assert fresh.head() == before  # refused at estimation: nothing sent

    partial = client.post(f"{TX}/trades/batch", json={**body, "atomic": False}, headers=fresh.auth("exchange"))
    assert partial.status_code == 200, partial.text
    result = partial.json()["result"]
    assert [t["trade_id"] for t in result["trades"]] == [h(822)]
    assert [(r["index"], r["trade_id"], r["error"]["name"]) for r in result["refused"]] == [
        (1, h(821), "SettlementTradeAlreadySettled")
    ]
    assert "TradeRefused" in [e["event"] for e in partial.json()["events"]]

    bad_index = client.post(f"{TX}/trades/batch", json={**body, "trades": [{**body["trades"][0], "consent": 3}]},
                            headers=fresh.auth("exchange"))  # fmt: skip
    assert bad_index.status_code == 422 and bad_index.json()["error"]["code"] == "invalid_arguments"


def test_a_standing_mandate_settles_sales_within_it_until_its_seller_revokes_it(fresh: Market) -> None:
    client = fresh.client()
    terms = {"exchange": fresh.address("exchange"), "asset_id": 2, "template": {"purpose": 1106, "regions": [450000]},
             "max_duration": 60 * DAY, "min_net": 500 * YUAN, "expiry": now(fresh) + 10 * DAY, "salt": 5}  # fmt: skip
    granted = client.post(f"{TX}/mandates", json=terms, headers=fresh.auth("logistics"))
    assert granted.status_code == 200, granted.text
    mandate_id = granted.json()["result"]["mandate_id"]
    assert [e["event"] for e in granted.json()["events"]] == ["MandateGranted"]
    mandate = {**terms, "seller": fresh.address("logistics")}

    one = client.post(f"{TX}/trades/mandated", json={"trade": enterprise_trade(fresh, h(831)), "mandate": mandate},
                      headers=fresh.auth("exchange"))  # fmt: skip
    assert one.status_code == 200, one.text
    assert one.json()["result"]["trades"][0]["mandate_id"] == mandate_id

    batch = {"trades": [{"trade": enterprise_trade(fresh, h(832)), "mandate": 0},
                        {"trade": enterprise_trade(fresh, h(833), days=90), "mandate": 0}],
             "mandates": [mandate], "atomic": False}  # fmt: skip
    partial = client.post(f"{TX}/trades/mandated/batch", json=batch, headers=fresh.auth("exchange"))
    assert partial.status_code == 200, partial.text
    refused = partial.json()["result"]["refused"]
    assert [(r["index"], r["error"]["name"]) for r in refused] == [(1, "MandateDuration")]
    assert refused[0]["error"]["values"]["maxDuration"] == 60 * DAY

    stranger = client.post(f"{TX}/mandates/{mandate_id}/revoke", json={}, headers=fresh.auth("merchant"))
    assert stranger.status_code == 403 and stranger.json()["error"]["name"] == "MandateNotSeller"
    revoked = client.post(f"{TX}/mandates/{mandate_id}/revoke", json={}, headers=fresh.auth("logistics"))
    assert revoked.status_code == 200, revoked.text
    after = client.post(f"{TX}/trades/mandated", json={"trade": enterprise_trade(fresh, h(834)), "mandate": mandate},
                        headers=fresh.auth("exchange"))  # fmt: skip
    assert after.status_code == 404 and after.json()["error"]["name"] == "MandateUnknown"


def test_an_inactive_recipients_share_is_held_then_claimed(fresh: Market) -> None:
    client = fresh.client()
    police = fresh.address("police")
    suspend = client.post(f"{TX}/participants/{police}/suspend", json={"document_hash": h(1)},
                          headers=fresh.auth("authority"))  # fmt: skip
    assert suspend.status_code == 200, suspend.text
    start = now(fresh) + DAY
    trade = {"trade_id": h(841), "asset_id": 1, "seller": fresh.address("transport"),
             "buyer": fresh.address("merchant"), "price": 20_000 * YUAN, "fee": 200 * YUAN,
             "terms": {"purpose": 1109, "start": start, "end": start + 30 * DAY, "regions": [450000]}}  # fmt: skip
    consent = sign(fresh, "transport", [trade], 0)
    settled = client.post(f"{TX}/trades", json={"trade": trade, "min_net": 0, "consent": consent},
                          headers=fresh.auth("exchange"))  # fmt: skip
    assert settled.status_code == 200, settled.text
    shares = settled.json()["result"]["trades"][0]["shares"]
    assert shares == [{"recipient": police, "amount": 3_960 * YUAN, "held": True},
                      {"recipient": fresh.address("urban"), "amount": 1_980 * YUAN, "held": False}]  # fmt: skip

    inactive = client.post(f"{TX}/held-shares/claim", json={}, headers=fresh.auth("police"))
    assert inactive.status_code == 403 and inactive.json()["error"]["name"] == "ParticipantNotActive"
    client.post(f"{TX}/participants/{police}/reinstate", json={"document_hash": h(2)},
                headers=fresh.auth("authority")).raise_for_status()  # fmt: skip
    claimed = client.post(f"{TX}/held-shares/claim", json={}, headers=fresh.auth("police"))
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["result"] == {"amount": 3_960 * YUAN}
    nothing = client.post(f"{TX}/held-shares/claim", json={}, headers=fresh.auth("police"))
    assert nothing.status_code == 409 and nothing.json()["error"]["name"] == "SettlementNothingHeld"


def test_a_revoked_recipients_held_share_is_released_by_the_authority_and_a_sold_licence_stays(
    fresh: Market,
) -> None:
    client = fresh.client()
    police, transport = fresh.address("police"), fresh.address("transport")
    authority = fresh.auth("authority")
    client.post(f"{TX}/participants/{police}/suspend", json={"document_hash": h(1)},
                headers=authority).raise_for_status()  # fmt: skip
    start = now(fresh) + DAY
    trade = {"trade_id": h(851), "asset_id": 1, "seller": transport, "buyer": fresh.address("merchant"),
             "price": 20_000 * YUAN, "fee": 200 * YUAN,
             "terms": {"purpose": 1119, "start": start, "end": start + 30 * DAY, "regions": [450000]}}  # fmt: skip
    settled = client.post(f"{TX}/trades", json={"trade": trade, "min_net": 0, "consent": sign(fresh, "transport",
                                                                                             [trade], 0)},
                          headers=fresh.auth("exchange"))  # fmt: skip
    assert settled.status_code == 200, settled.text
    sold = settled.json()["result"]["trades"][0]["license_id"]

    # A buyer paid for the licence: its licensor cannot take it back.
    revoke = client.post(f"{TX}/licences/{sold}/revoke", json={"document_hash": h(2)}, headers=fresh.auth("transport"))
    assert revoke.status_code == 403 and revoke.json()["error"]["name"] == "LicenseSold", revoke.text

    release = {"to": transport, "decision_hash": h(3)}
    suspended = client.post(f"{TX}/held-shares/{police}/release", json=release, headers=authority)
    assert suspended.status_code == 409 and suspended.json()["error"]["name"] == "SettlementNotRevoked"
    client.post(f"{TX}/participants/{police}/revoke", json={"document_hash": h(4)},
                headers=authority).raise_for_status()  # fmt: skip
    unrecorded = client.post(f"{TX}/held-shares/{police}/release", json={"to": transport, "decision_hash": h(0)},
                             headers=authority)  # fmt: skip
    assert unrecorded.status_code == 422 and unrecorded.json()["error"]["name"] == "SettlementZeroHash"
    not_authority = client.post(f"{TX}/held-shares/{police}/release", json=release, headers=fresh.auth("exchange"))
    assert not_authority.status_code == 403, not_authority.text
    released = client.post(f"{TX}/held-shares/{police}/release", json=release, headers=authority)
    assert released.status_code == 200, released.text
    assert released.json()["result"] == {"amount": 3_960 * YUAN, "to": transport}
    assert "HeldSharesReleased" in [e["event"] for e in released.json()["events"]]
    again = client.post(f"{TX}/held-shares/{police}/release", json=release, headers=authority)
    assert again.status_code == 409 and again.json()["error"]["name"] == "SettlementNothingHeld"


def test_objections_without_standing_wait_for_a_registrar(fresh: Market) -> None:
    client = fresh.client()
    lodged = client.post(f"{TX}/assets/2/objections", json={"document_hash": h(11)}, headers=fresh.auth("police"))
    assert lodged.status_code == 200, lodged.text
    result = lodged.json()["result"]
    assert (result["status"], result["open_objections"]) == ("pending", 0)
    objection = result["objection_id"]
    accepted = client.post(f"{TX}/objections/{objection}/accept", json={"decision_hash": h(12)},
                           headers=fresh.auth("registrar"))  # fmt: skip
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["events"][0]["args"]["openObjections"] == 1
    twice = client.post(f"{TX}/objections/{objection}/accept", json={"decision_hash": h(12)},
                        headers=fresh.auth("registrar"))  # fmt: skip
    assert twice.status_code == 409 and twice.json()["error"]["name"] == "ControlsObjectionNotPending"
    resolved = client.post(f"{TX}/objections/{objection}/resolve", json={"upheld": False, "decision_hash": h(13)},
                           headers=fresh.auth("registrar"))  # fmt: skip
    assert resolved.status_code == 200, resolved.text
    # The holder has standing: its objection is open at once.
    standing = client.post(f"{TX}/assets/2/objections", json={"document_hash": h(14)}, headers=fresh.auth("logistics"))
    assert standing.json()["result"]["status"] == "open"


def test_public_data_is_licensed_off_exchange_only_within_an_authorised_operation(fresh: Market) -> None:
    client = fresh.client()
    start = now(fresh)
    grant = {"licensee": fresh.address("provider"),
             "terms": {"right": "operation", "purpose": 2002, "start": start, "end": start + 100 * DAY,
                       "regions": [450000]}}  # fmt: skip
    refused = client.post(f"{TX}/assets/1/licences", json=grant, headers=fresh.auth("transport"))
    assert refused.status_code == 403 and refused.json()["error"]["name"] == "ControlsNoPublicOperation"
    approval = {"operator": fresh.address("provider"), "purpose": 2002, "latest_end": start + 200 * DAY,
                "decision_hash": h(21)}  # fmt: skip
    approved = client.post(f"{TX}/assets/1/public-operations", json=approval, headers=fresh.auth("authority"))
    assert approved.status_code == 200, approved.text
    assert [e["event"] for e in approved.json()["events"]] == ["PublicOperationAuthorised"]
    granted = client.post(f"{TX}/assets/1/licences", json=grant, headers=fresh.auth("transport"))
    assert granted.status_code == 200, granted.text
    assert "PublicOperationUsed" in [e["event"] for e in granted.json()["events"]]
    again = client.post(f"{TX}/assets/1/licences", json=grant, headers=fresh.auth("transport"))
    assert again.status_code == 403 and again.json()["error"]["name"] == "ControlsNoPublicOperation"


def test_revenue_shares_name_the_right_whose_sales_pay_them(fresh: Market) -> None:
    client = fresh.client()
    shares = {"shares": [{"recipient": fresh.address("urban"), "bps": 500}]}
    missing = client.post(f"{TX}/assets/2/revenue-shares", json=shares, headers=fresh.auth("logistics"))
    assert missing.status_code == 422 and ["body", "right"] in [d["loc"] for d in missing.json()["detail"]]
    ok = client.post(f"{TX}/assets/2/revenue-shares", json={**shares, "right": "processing"},
                     headers=fresh.auth("logistics"))  # fmt: skip
    assert ok.status_code == 200, ok.text
    assert ok.json()["events"][0]["args"]["right"] == 1
    # The operation right of asset 2 was sold to the merchant in the demo: only its holder sets its shares.
    not_holder = client.post(f"{TX}/assets/2/revenue-shares", json={**shares, "right": "operation"},
                             headers=fresh.auth("logistics"))  # fmt: skip
    assert not_holder.json()["error"]["name"] == "SettlementNotRightHolder"


def test_an_indexed_mandate_is_named_by_its_id(fresh: Market) -> None:
    client = fresh.client()
    mandates = client.get("/api/v1/mandates").json()["data"]
    assert len(mandates) == 1  # the demo's: 90-day processing licences of the personal-information asset 3
    mandate = mandates[0]
    start = now(fresh) + DAY
    trade = {"trade_id": h(851), "asset_id": 3, "seller": fresh.address("logistics"),
             "buyer": fresh.address("merchant"), "price": 20_000 * YUAN, "fee": 200 * YUAN,
             "terms": {"purpose": 1201, "start": start, "end": start + 30 * DAY, "regions": [450000],
                       "terms_hash": mandate["template"]["terms_hash"]}}  # fmt: skip
    settled = client.post(f"{TX}/trades/mandated", json={"trade": trade, "mandate": mandate["mandate_id"]},
                          headers=fresh.auth("exchange"))  # fmt: skip
    assert settled.status_code == 200, settled.text
    assert settled.json()["result"]["trades"][0]["mandate_id"] == mandate["mandate_id"]
    unknown = client.post(f"{TX}/trades/mandated", json={"trade": {**trade, "trade_id": h(852)}, "mandate": h(9)},
                          headers=fresh.auth("exchange"))  # fmt: skip
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_mandate"
