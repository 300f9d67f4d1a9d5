"""The read API on the consequences of issue 11's rules, after the demo and a few more operations on the chain,
indexed: a sublicence whose parent was revoked is invalid (and named so), a licence sold on the exchange (its
licensor cannot revoke it) beside one granted directly, a revenue share held for an inactive recipient (and, once
it is revoked, released by the authority), a batch settled trade by trade with its refused trade and decoded error,
a pending objection, and one trade id used on and off the exchange (the old trade-id URL then names both keys)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient

from ledger.client import LedgerClient, connect, dev_account
from ledger.contracts.deploy import load_manifest
from ledger.contracts.types import Delivery, LicenseTerms, Right, Trade
from ledger.demo import ACTORS
from ledger.indexer import open_indexer
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market

YUAN = 100
DAY = 86_400


@dataclass
class Scene:
    market: Market
    client: TestClient
    revoked_parent: int
    orphan: int
    held_trade: str  # also the batch's refused trade: settled before the batch
    batch_tx: str
    shared_id: str
    pending_objection: int
    sold_licence: int
    release_block: int
    release_tx: str


def _client(m: Market, key: str) -> LedgerClient:
    index = next(a.index for a in ACTORS if a.key == key)
    return connect(m.settings, dev_account(index), rpc=m.rpc, build=m.build)


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with gateway_market(tmp_path_factory.mktemp("read-rules"), compile_contracts()) as m:
        c = {key: _client(m, key) for key in ("exchange", "transport", "logistics", "provider", "police", "merchant")}
        c["authority"] = m.council()  # the authority: the governance, through the dev officers
        a = {key: client.address for key, client in c.items()}
        now = int(m.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

        # A sublicence (sold on the exchange in the demo) whose parent, the authorised operation, is revoked: by
        # the authority, for cause (its licensor may not, while the sold sublicence lasts).
        licences = [lic for lic in m.summary.licenses if lic["parent_id"] == 0]
        parent = int(licences[0]["id"])
        orphan = next(int(t["license_id"]) for t in m.summary.trades if t["right"] == "operation" and t["license_id"])
        c["authority"].revoke_license(parent, keccak(text="operator breached its terms"))

        # A source department suspended when a public-data sale settles: its share is held for it.
        c["authority"].suspend(a["police"], keccak(text="inspection"))
        terms = LicenseTerms(right=Right.PROCESSING, purpose=1110, start=now + DAY, end=now + 31 * DAY,
                             regions=(450000,))  # fmt: skip
        held = Trade(keccak(text="held share sale"), 1, a["transport"], a["merchant"], 20_000 * YUAN, fee=200 * YUAN,
                     terms=terms)  # fmt: skip
        consent = c["transport"].sign_sales_consent([(held, 0)], a["exchange"], nonce=900, deadline=now + 3600)
        sold = int(c["exchange"].settle(held, 0, consent).event("TradeSettled")["licenseId"])

        # A batch settled trade by trade: the second trade was settled just above, so it is refused.
        fresh = Trade(keccak(text="batch sale"), 1, a["transport"], a["merchant"], 20_000 * YUAN, fee=200 * YUAN,
                      terms=LicenseTerms(right=Right.PROCESSING, purpose=1111, start=now + DAY, end=now + 31 * DAY,
                                         regions=(450000,)))  # fmt: skip
        batch = [fresh, held]
        both = c["transport"].sign_sales_consent([(t, 0) for t in batch], a["exchange"], nonce=901,
                                                 deadline=now + 3600)  # fmt: skip
        result = c["exchange"].settle_batch(batch, [0, 0], [both], [0, 0], atomic=False)

        # One trade id on the exchange and off it (scoped per exchange, or per seller and buyer): two trades.
        shared = keccak(text="order 77")
        on = Trade(shared, 2, a["logistics"], a["merchant"], 1_000 * YUAN, fee=0, delivery=Delivery.LICENSE,
                   terms=LicenseTerms(right=Right.PROCESSING, purpose=1112, start=now + DAY, end=now + 11 * DAY,
                                      regions=(450000,)))  # fmt: skip
        c["exchange"].settle(on, 0, c["logistics"].sign_sales_consent([(on, 0)], a["exchange"], nonce=902,
                                                                       deadline=now + 3600))  # fmt: skip
        off = Trade(shared, 2, a["logistics"], a["provider"], 1_000 * YUAN, terms=on.terms)
        seller_sig = c["logistics"].sign_direct_trade(off, 903, now + 3600)
        buyer_sig = c["provider"].sign_direct_trade(off, 903, now + 3600)
        c["provider"].settle_direct(off, 903, now + 3600, seller_sig, buyer_sig)

        # An objection without standing (the provider holds no right in asset 2): pending.
        pending = c["provider"].lodge_objection(2, keccak(text="evidence: routes copied"))

        # The recipient whose shares are held is revoked: the authority releases them to the transport bureau.
        c["authority"].revoke(a["police"], keccak(text="dissolved"))
        released = c["authority"].release_held_shares(a["police"], a["transport"], keccak(text="decision 12"))

        open_indexer(m.settings, m.store, m.rpc, build=m.build).run()
        with TestClient(m.app()) as client:
            yield Scene(m, client, parent, orphan, "0x" + held.trade_id.hex(), result.tx_hash, "0x" + shared.hex(),
                        pending, sold, released.receipt.block_number, released.tx_hash)  # fmt: skip
        for client_ in c.values():
            if client_.sender.journal is not None:
                client_.sender.journal.close()


def get(scene: Scene, path: str, status: int = 200, **params: Any) -> Any:
    response = scene.client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == status, response.text
    return response.json()


def test_a_sublicence_under_a_revoked_licence_is_invalid_and_names_it(scene: Scene) -> None:
    orphan = get(scene, f"licences/{scene.orphan}")["data"]
    assert (orphan["revoked"], orphan["revoked_ancestor_id"], orphan["valid"]) == (False, scene.revoked_parent, False)
    parent = get(scene, f"licences/{scene.revoked_parent}")["data"]
    assert (parent["revoked"], parent["valid"], parent["revoked_ancestor_id"]) == (True, False, None)
    assert parent["sold_until"] == orphan["ends_at"]  # what was sold under it kept it from its licensor
    assert [c["licence_id"] for c in parent["children"]] == [scene.orphan]
    now = get(scene, "status")["block"]["timestamp"]
    valid = {lic["licence_id"] for lic in get(scene, "licences", valid_at=str(now), limit=1000)["data"]}
    assert scene.orphan not in valid and scene.revoked_parent not in valid
    assert valid == {lic["licence_id"] for lic in get(scene, "licences", limit=1000)["data"] if lic["valid"]}


def _actor(key: str) -> str:
    return dev_account(next(a.index for a in ACTORS if a.key == key)).address


def test_a_share_held_for_a_suspended_recipient_shows_on_the_trade_and_the_recipient(scene: Scene) -> None:
    police = _actor("police")
    trade = get(scene, f"trades/{scene.held_trade}")["data"]
    assert trade["consent"] == "signed"
    shares = sorted((p for p in trade["payments"] if p["kind"] == "revenue_share"), key=lambda p: p["payee"] != police)
    assert [(p["payee"], p["held"]) for p in shares] == [(police, True), (shares[1]["payee"], False)]
    assert shares[1]["payee"] != police
    # Two equal sales settled while it was suspended (this one and the batch's first): twice the share is held,
    # until the authority released them (the block before its revocation and the release).
    twice = str(2 * int(shares[0]["amount"]))
    before = str(scene.release_block - 1)
    detail = get(scene, f"participants/{police}", at=before)["data"]
    assert detail["held_shares"]["amount"] == twice == detail["held_shares"]["total_held"]
    assert (detail["held_shares"]["total_claimed"], detail["held_shares"]["total_released"]) == ("0", "0")
    assert detail["held_shares"]["releases"] == []
    assert detail["revenue_received"]["held"] == twice
    assert [h["account"] for h in get(scene, "held-shares", outstanding="true", at=before)["data"]] == [police]
    revenue = get(scene, "revenue", participant=police, asset_id=1)["data"][0]
    assert revenue["held"] == twice


def test_shares_held_for_a_revoked_recipient_released_by_the_authority_show_the_release(scene: Scene) -> None:
    police, transport = _actor("police"), _actor("transport")
    authority = load_manifest(scene.market.settings.manifest_path).address("AccessManager")  # the governance
    detail = get(scene, f"participants/{police}")["data"]
    held = detail["held_shares"]
    assert (held["amount"], held["total_claimed"]) == ("0", "0")
    assert held["total_released"] == held["total_held"] != "0"
    assert held["releases"] == [{
        "to": transport, "amount": held["total_held"], "by": authority,
        "decision_hash": "0x" + keccak(text="decision 12").hex(), "block_number": scene.release_block,
        "timestamp": held["releases"][0]["timestamp"], "tx_hash": scene.release_tx,
    }]  # fmt: skip
    assert detail["status_name"] == "revoked"
    assert get(scene, "held-shares", outstanding="true")["data"] == []
    (listed,) = get(scene, "held-shares", account=police)["data"]
    assert listed == held
    # The transport bureau was paid them: its balance grew by the release.
    before = get(scene, f"participants/{transport}", at=str(scene.release_block - 1))["data"]["balance"]
    after = get(scene, f"participants/{transport}")["data"]["balance"]
    assert int(after) - int(before) == int(held["total_released"])


def test_a_licence_sold_on_the_exchange_is_sold_and_one_granted_directly_is_not(scene: Scene) -> None:
    sold = get(scene, f"licences/{scene.sold_licence}")["data"]
    assert (sold["sold"], sold["revoked"], sold["licensee"]) == (True, False, _actor("merchant"))
    assert get(scene, f"licences/{scene.revoked_parent}")["data"]["sold"] is False  # the authorised operation's
    listed = {lic["licence_id"]: lic["sold"] for lic in get(scene, "licences", limit=1000)["data"]}
    assert listed[scene.sold_licence] is True and listed[scene.revoked_parent] is False
    trades = get(scene, "trades", limit=1000)["data"]
    assert {t["licence_id"] for t in trades if t["licence_id"]} == {k for k, v in listed.items() if v}


def test_a_batch_settled_trade_by_trade_lists_its_refused_trade_with_the_error(scene: Scene) -> None:
    refusals = get(scene, "trades/refusals", tx_hash=scene.batch_tx)["data"]
    assert len(refusals) == 1
    r = refusals[0]
    assert (r["item_index"], r["trade_id"], r["source"]) == (1, scene.held_trade, "TradeSettlement")
    assert r["error"]["name"] == "SettlementTradeAlreadySettled" and r["error"]["refusal"] == "conflict"
    assert r["error"]["values"]["tradeId"] == scene.held_trade
    assert get(scene, "status")["data"]["counts"]["trade_refusals"] == 1


def test_one_trade_id_on_and_off_the_exchange_is_two_trades_with_their_own_keys(scene: Scene) -> None:
    trades = get(scene, "trades", trade_id=scene.shared_id)["data"]
    assert len(trades) == 2 and len({t["trade_key"] for t in trades}) == 2
    assert {t["consent"] for t in trades} == {"signed", "off_exchange"}
    ambiguous = get(scene, f"trades/{scene.shared_id}", status=409)["detail"]
    assert all(f"/api/v1/trades/{t['trade_key']}" in ambiguous for t in trades)
    on = next(t for t in trades if t["on_exchange"])
    assert get(scene, f"trades/{on['exchange']}/{scene.shared_id}")["data"]["trade_key"] == on["trade_key"]


def test_an_objection_without_standing_is_pending_and_blocks_nothing(scene: Scene) -> None:
    asset = get(scene, "assets/2")["data"]
    pending = next(o for o in asset["objections"] if o["objection_id"] == scene.pending_objection)
    assert (pending["status_name"], pending["accepted_by"]) == ("pending", None)
    assert asset["disputed"] is False and asset["open_objections"] == 0
