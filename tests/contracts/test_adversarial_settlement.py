"""Adversarial suite, settlement (issue 11, rules 1-3, 8 and 12): a hostile but admitted participant tries to
move a right or sell a licence without its holder's consent, to take another's proceeds, to block others'
sales or trade ids, or to replay what was signed once. Each attack is sent as a transaction with an explicit
gas limit, mined, and reverts with its own custom error, nothing changed; next to it, the legitimate path
works, so the rule is not merely "everything refused".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

from eth_account.messages import encode_typed_data

import ledger.contracts.errors as E
from ledger.client import LedgerClient, TxResult
from ledger.client.ledger import sales_consent_typed_data
from ledger.contracts.types import (
    Delivery,
    Mandate,
    ParticipantStatus,
    Right,
    Role,
    SalesConsent,
    Trade,
    compact_signature,
)
from tests.contracts.attack import ATTACK_GAS, ZERO, Watch, nested, refused, send
from tests.contracts.conftest import REGION, RESERVE, World, h, unique_hash

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def licence_trade(w: World, asset: int, *, seller: LedgerClient | None = None, buyer: LedgerClient | None = None,
                  price: int = 10_000, fee: int = 0, **terms: object) -> Trade:  # fmt: skip
    seller, buyer = seller or w.holder, buyer or w.holder2
    return Trade(unique_hash("trade"), asset, seller.address, buyer.address, price, fee=fee, terms=w.terms(**terms))  # type: ignore[arg-type]


def right_trade(w: World, asset: int, right: Right = Right.PROCESSING, price: int = 10_000) -> Trade:
    return Trade(unique_hash("trade"), asset, w.holder.address, w.holder2.address, price, delivery=Delivery.RIGHT,
                 right=right)  # fmt: skip


def second_exchange(w: World) -> LedgerClient:
    return w.admit(20, Role.EXCHANGE, REGION, "Qinzhou Port Data Exchange")


def watch_trade(w: World, asset: int, *trades: Trade, exchange: LedgerClient | None = None, **kw: object) -> Watch:
    ex = (exchange or w.exchange).address
    return Watch(assets=[asset], trades=[(ex, t.trade_id) for t in trades], **kw)  # type: ignore[arg-type]


# ─────────────────────────────────────────── rule 1: no right moves, no licence is granted, without consent


def test_r1_an_exchange_alone_cannot_move_a_holders_right(world: World) -> None:
    """The exchange matches a "sale" of the holder's processing right to a buyer of its choosing and signs the
    consent itself, first in its own name, then in the holder's."""
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    trade = right_trade(w, asset)
    own = w.consent(trade, signer=w.exchange)
    refused(w, E.SettlementBadSignature, lambda: w.exchange.settle(trade, 0, own, gas=ATTACK_GAS),
            watch_trade(w, asset, trade), expected=w.holder.address, recovered=w.exchange.address)  # fmt: skip
    forged = replace(own, seller=w.holder.address)
    refused(w, E.SettlementBadSignature, lambda: w.exchange.settle(trade, 0, forged, gas=ATTACK_GAS),
            watch_trade(w, asset, trade), expected=w.holder.address, recovered=w.exchange.address)  # fmt: skip
    # With the holder's own consent the same sale settles.
    w.settle(trade)
    assert w.holder.holder_of(asset, Right.PROCESSING) == w.holder2.address


def test_r1_a_consent_to_one_licence_does_not_grant_another(world: World) -> None:
    """The holder consented to a one-year shared licence; the exchange delivers a ten-year exclusive,
    sublicensable one under the same trade id."""
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    trade = licence_trade(w, asset)
    consent = w.consent(trade)
    bigger = replace(trade, terms=w.terms(days=3650, exclusive=True, sublicensable=True))
    err = refused(w, E.SettlementBadSignature, lambda: w.exchange.settle(bigger, 0, consent, gas=ATTACK_GAS),
                  watch_trade(w, asset, trade))  # fmt: skip
    assert err.expected == w.holder.address and err.recovered != w.holder.address
    other_asset = replace(trade, asset_id=w.registered_asset())
    refused(w, E.SettlementBadSignature, lambda: w.exchange.settle(other_asset, 0, consent, gas=ATTACK_GAS),
            watch_trade(w, asset, trade), expected=w.holder.address)  # fmt: skip
    licence = w.exchange.settle(trade, 0, consent).event("TradeSettled")["licenseId"]
    assert w.holder.get_license(licence)["exclusive"] is False


def test_r1_a_consent_is_bound_to_its_exchange_chain_and_settlement_contract(world: World) -> None:
    """Replays of a consent: by another exchange of this ledger, and signatures made for another chain id or
    another settlement contract (another province's deployment at the same address on another chain)."""
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    rival = second_exchange(w)
    w.holder2.approve(rival.address, 10_000)
    trade = licence_trade(w, asset)
    consent = w.consent(trade)
    view = watch_trade(w, asset, trade, exchange=rival)
    refused(w, E.SettlementBadSignature, lambda: rival.settle(trade, 0, consent, gas=ATTACK_GAS), view,
            expected=w.holder.address)  # fmt: skip

    def signed_for(chain_id: int, settlement: str) -> SalesConsent:
        message = sales_consent_typed_data([(trade, 0)], w.exchange.address, 7, consent.deadline, chain_id, settlement)
        signature = w.holder.account.sign_message(encode_typed_data(full_message=message)).signature
        return SalesConsent(w.holder.address, 7, consent.deadline, bytes(signature))

    settlement = w.contracts.address["TradeSettlement"]
    for foreign in (signed_for(w.holder.chain_id + 1, settlement),
                    signed_for(w.holder.chain_id, w.contracts.address["MandateRegistry"])):  # fmt: skip
        err = refused(w, E.SettlementBadSignature, partial(w.exchange.settle, trade, 0, foreign, gas=ATTACK_GAS),
                      watch_trade(w, asset, trade))  # fmt: skip
        assert err.expected == w.holder.address and err.recovered != w.holder.address
    # The same consent, on this chain, by the exchange it names:
    w.exchange.settle(trade, 0, signed_for(w.holder.chain_id, settlement))
    assert w.holder.is_settled(w.exchange.address, trade.trade_id)
    assert not w.holder.is_settled(rival.address, trade.trade_id)


def test_r1_a_withdrawn_expired_or_used_consent_settles_nothing(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 30_000)
    withdrawn = licence_trade(w, asset)
    withdrawn_nonce = 10**9 + 41  # far from the world's counter, which numbers the other consents
    consent = w.consent(withdrawn, nonce=withdrawn_nonce)
    w.holder.invalidate_nonce(withdrawn_nonce)
    refused(w, E.SettlementNonceUsed, lambda: w.exchange.settle(withdrawn, 0, consent, gas=ATTACK_GAS),
            watch_trade(w, asset, withdrawn), account=w.holder.address, nonce=withdrawn_nonce)  # fmt: skip
    late = licence_trade(w, asset)
    expired = w.consent(late, deadline=w.chain_time() - 1)
    refused(w, E.SettlementExpired, lambda: w.exchange.settle(late, 0, expired, gas=ATTACK_GAS),
            watch_trade(w, asset, late), deadline=expired.deadline)  # fmt: skip
    # A used consent: its trade id settled once; the consent does not cover any other trade id.
    used = licence_trade(w, asset)
    consent = w.consent(used)
    w.exchange.settle(used, 0, consent)
    key = w.holder.trade_key(w.exchange.address, w.holder.address, w.holder2.address, used.trade_id)
    refused(w, E.SettlementTradeAlreadySettled, lambda: w.exchange.settle(used, 0, consent, gas=ATTACK_GAS),
            watch_trade(w, asset, used), tradeId=used.trade_id, key=key)  # fmt: skip
    again = replace(used, trade_id=unique_hash("another id"))
    refused(w, E.SettlementBadSignature, lambda: w.exchange.settle(again, 0, consent, gas=ATTACK_GAS),
            watch_trade(w, asset, again), expected=w.holder.address)  # fmt: skip


def test_r1_a_malleable_or_differently_encoded_signature_is_no_second_consent(world: World) -> None:
    """The other (high-s) signature of the same digest, in the EIP-2098 form the consent takes and in the 65-byte
    form an off-exchange trade takes, and a 64-byte compact signature where 65 bytes are due: none counts."""
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    trade = licence_trade(w, asset)
    consent = w.consent(trade)
    r, vs = compact_signature(consent.signature)
    s, parity = int.from_bytes(vs, "big") & ((1 << 255) - 1), vs[0] >> 7
    twin_vs = ((SECP256K1_N - s) | ((1 - parity) << 255)) % (1 << 256)
    twin = (consent.seller, consent.nonce, consent.deadline, r, twin_vs.to_bytes(32, "big"))
    err = refused(w, E.SettlementBadSignature,
                  lambda: send(w.exchange, "TradeSettlement", "settle", trade.as_abi(), 0, twin),
                  watch_trade(w, asset, trade))  # fmt: skip
    assert err.expected == w.holder.address and err.recovered != w.holder.address

    direct = licence_trade(w, asset)
    deadline = w.chain_time() + 3600
    seller_sig = w.holder.sign_direct_trade(direct, 5, deadline)
    buyer_sig = w.holder2.sign_direct_trade(direct, 5, deadline)
    high_s = (
        seller_sig[:32]
        + (SECP256K1_N - int.from_bytes(seller_sig[32:64], "big")).to_bytes(32, "big")
        + bytes([55 - seller_sig[64]])
    )
    compact = b"".join(compact_signature(seller_sig))
    view = Watch(assets=[asset], nonces=[(w.holder.address, 5), (w.holder2.address, 5)])
    for bad in (high_s, compact):
        refused(w, E.SettlementBadSignature,
                partial(send, w.holder2, "TradeSettlement", "settleDirect", direct.as_abi(), 5, deadline, bad,
                        buyer_sig),
                view, expected=w.holder.address, recovered=ZERO)  # fmt: skip
    w.holder2.settle_direct(direct, 5, deadline, seller_sig, buyer_sig)
    assert w.holder.nonce_used(w.holder.address, 5) and w.holder.nonce_used(w.holder2.address, 5)


def test_r1_a_batch_consent_covers_its_sellers_trades_only_and_all_of_them(world: World) -> None:
    """The exchange slips another seller's trade under a seller's consent, or settles only part of what a consent
    covers (to sell the rest later under other terms)."""
    w = world
    mine = w.registered_asset()
    theirs = w.registered_asset(w.holder2)
    w.fund(w.merchant, 30_000)
    a = licence_trade(w, mine, buyer=w.merchant)
    b = licence_trade(w, theirs, seller=w.holder2, buyer=w.merchant)
    # The holder signs a consent listing both sales (the sale terms do not name their seller).
    consent = w.consent([a, b], signer=w.holder)
    view = Watch(assets=[mine, theirs], trades=[(w.exchange.address, a.trade_id), (w.exchange.address, b.trade_id)])
    err = refused(w, E.SettlementBatchItemFailed,
                  lambda: w.exchange.settle_batch([a, b], [0, 0], [consent], [0, 0], gas=ATTACK_GAS), view,
                  index=1, tradeId=b.trade_id)  # fmt: skip
    assert nested(w, err.reason) == ("SettlementBadSignature", {"expected": w.holder2.address,
                                                                "recovered": w.holder.address})  # fmt: skip
    # A consent to sales [a, c] does not cover [a] alone.
    c = licence_trade(w, mine, buyer=w.merchant)
    pair = w.consent([a, c])
    err = refused(w, E.SettlementBatchItemFailed,
                  lambda: w.exchange.settle_batch([a], [0], [pair], [0], gas=ATTACK_GAS), view, index=0)  # fmt: skip
    assert nested(w, err.reason)[0] == "SettlementBadSignature"
    # Settled trade by trade, the holder's own sale goes through and the other seller's is refused and reported.
    result = w.exchange.settle_batch([a, b], [0, 0], [consent], [0, 0], atomic=False)
    assert [e["tradeId"] for e in result.find("TradeSettled")] == [a.trade_id]
    (refusal,) = result.find("TradeRefused")
    assert (refusal["index"], nested(w, refusal["reason"])[0]) == (1, "SettlementBadSignature")
    assert w.holder.license_count() == 1 and not w.holder.is_settled(w.exchange.address, b.trade_id)


def test_r1_the_settlement_and_registry_hooks_refuse_a_direct_call(world: World) -> None:
    """Bypassing the consent checks by calling what they guard: the mandate entry point, the batch entry point,
    and the registry's delivery hooks."""
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    trade = right_trade(w, asset)
    view = watch_trade(w, asset, trade)
    ex = w.exchange
    refused(w, E.SettlementOnlyConsents,
            lambda: send(ex, "TradeSettlement", "settleConsented", trade.as_abi(), ex.address, 0, b"\x01" * 32),
            view, caller=ex.address)  # fmt: skip
    refused(w, E.SettlementOnlySelf,
            lambda: send(ex, "TradeSettlement", "settleCheckedFor", trade.as_abi(), ex.address, 0), view,
            caller=ex.address)  # fmt: skip
    settlement = w.contracts.address["TradeSettlement"]
    refused(w, E.RegistryOnlyCaller,
            lambda: send(ex, "AssetRegistry", "deliverRight", trade.trade_id, asset, int(Right.PROCESSING),
                         w.holder.address, w.holder2.address),
            view, caller=ex.address, expected=settlement)  # fmt: skip
    refused(w, E.RegistryOnlyCaller,
            lambda: send(ex, "AssetRegistry", "deliverLicense", asset, 0, w.holder.address, w.holder2.address,
                         w.terms().as_abi()),
            view, caller=ex.address, expected=settlement)  # fmt: skip


def test_r1_a_mandate_covers_exactly_what_its_seller_gave(world: World) -> None:
    """A standing mandate (asset, licence template, longest period, least net, exchange, expiry) used for another
    asset, another right, another template, a longer licence, a lower price, by another exchange, after its
    revocation or expiry; a mandate the exchange made up; a mandate granted in another seller's name."""
    w = world
    asset = w.registered_asset()
    other = w.registered_asset()
    rival = second_exchange(w)
    w.fund(w.holder2, 100_000)
    w.holder2.approve(rival.address, 100_000)
    terms = w.terms(days=30)
    m = w.mandate(asset, w.holder, terms, min_net=5_000, days=30)
    mid = w.holder.grant_mandate(m)
    ex = w.exchange

    def sale(**kw: object) -> Trade:
        fields: dict[str, object] = {"trade_id": unique_hash("mandated"), "asset_id": asset,
                                     "seller": w.holder.address, "buyer": w.holder2.address, "price": 6_000,
                                     "terms": terms}  # fmt: skip
        fields.update(kw)
        return Trade(**fields)  # type: ignore[arg-type]

    def attempt(t: Trade, mandate: Mandate = m, by: LedgerClient = ex) -> Callable[[], TxResult]:
        return partial(by.settle_mandated, t, mandate, gas=ATTACK_GAS)

    view = Watch(assets=[asset, other], mandates=[mid])
    for t in (sale(asset_id=other), sale(terms=w.terms(days=30, purpose=4242)),
              sale(terms=w.terms(days=30, exclusive=True)), sale(delivery=Delivery.RIGHT, right=Right.PROCESSING),
              sale(seller=w.holder2.address, buyer=w.merchant.address)):  # fmt: skip
        refused(w, E.MandateMismatch, attempt(t), view, mandateId=mid)
    refused(w, E.MandateMismatch, attempt(sale(), by=rival), view, mandateId=mid)
    longer = sale(terms=w.terms(days=31))
    refused(w, E.MandateDuration, attempt(longer), view, mandateId=mid, maxDuration=30 * 86_400)
    # A licence starting after the mandate's expiry would tie the asset up beyond the mandate's life.
    late_start = m.expiry + 86_400
    late = sale(terms=replace(terms, start=late_start, end=late_start + 10 * 86_400))
    refused(w, E.MandateLateStart, attempt(late), view, mandateId=mid, start=late_start, expiry=m.expiry)
    cheap = sale(price=4_999)
    refused(w, E.SettlementBelowMinimum, attempt(cheap), view, tradeId=cheap.trade_id, sellerAmount=4_999,
            minNet=5_000)  # fmt: skip
    made_up = replace(m, min_net=0, salt=m.salt + 1)
    refused(w, E.MandateUnknown, attempt(sale(), made_up), view, mandateId=w.holder.mandate_id(made_up))
    in_anothers_name = replace(m, salt=m.salt + 2)
    refused(w, E.MandateInvalid, lambda: send(w.holder2, "MandateRegistry", "grantMandate", in_anothers_name.as_abi()),
            view, mandateId=w.holder.mandate_id(in_anothers_name))  # fmt: skip
    refused(w, E.MandateNotSeller, lambda: send(ex, "MandateRegistry", "revokeMandate", mid), view,
            mandateId=mid, caller=ex.address)  # fmt: skip
    # Within the mandate, the exchange sells without a signature per sale.
    ok = sale()
    settled = ex.settle_mandated(ok, m).event("TradeSettled")
    assert (settled["mandateId"], settled["sellerAmount"]) == (mid, 6_000)
    # Once revoked, or expired, it sells nothing more.
    w.holder.revoke_mandate(mid)
    refused(w, E.MandateUnknown, attempt(sale()), view, mandateId=mid)
    short = w.mandate(asset, w.holder, terms, days=30, expiry=w.chain_time() + 60)
    short_id = w.holder.grant_mandate(short)
    w.rpc.call("evm_increaseTime", [120])
    refused(w, E.MandateExpired, attempt(sale(), short), Watch(assets=[asset], mandates=[short_id]),
            mandateId=short_id, expiry=short.expiry)  # fmt: skip


def test_r1_a_mandate_or_consent_sells_nothing_while_its_exchange_or_seller_is_suspended(world: World) -> None:
    """A standing mandate and a signed consent outlive a suspension of the exchange or of the seller: neither is
    used while it lasts, and both work again after reinstatement."""
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 30_000)
    terms = w.terms()
    m = w.mandate(asset, w.holder, terms)
    mid = w.holder.grant_mandate(m)
    mandated = Trade(unique_hash("mandated"), asset, w.holder.address, w.holder2.address, 1_000, terms=terms)
    signed = licence_trade(w, asset, price=1_000)
    consent = w.consent(signed)
    view = Watch(assets=[asset], mandates=[mid], trades=[(w.exchange.address, t.trade_id) for t in (mandated, signed)])
    for party in (w.exchange, w.holder):
        w.authority.suspend(party.address, h("inspection"))
        refused(w, E.ParticipantNotActive, partial(w.exchange.settle_mandated, mandated, m, gas=ATTACK_GAS), view,
                account=party.address, status=ParticipantStatus.SUSPENDED)  # fmt: skip
        refused(w, E.ParticipantNotActive, partial(w.exchange.settle, signed, 0, consent, gas=ATTACK_GAS), view,
                account=party.address, status=ParticipantStatus.SUSPENDED)  # fmt: skip
        w.authority.reinstate(party.address, h("inspection passed"))
    w.exchange.settle_mandated(mandated, m)
    w.exchange.settle(signed, 0, consent)


def test_r1_off_exchange_both_parties_sign_every_term(world: World) -> None:
    """The buyer of an off-exchange trade settles it with a seller signature it made itself, or with the seller's
    signature of a cheaper price."""
    w = world
    asset = w.registered_asset()
    w.bank.issue(w.holder2.address, 10_000, RESERVE)
    trade = licence_trade(w, asset, price=10_000)
    deadline = w.chain_time() + 3600
    buyer_sig = w.holder2.sign_direct_trade(trade, 9, deadline)
    view = Watch(assets=[asset], nonces=[(w.holder.address, 9), (w.holder2.address, 9)])
    refused(w, E.SettlementBadSignature,
            lambda: send(w.holder2, "TradeSettlement", "settleDirect", trade.as_abi(), 9, deadline, buyer_sig,
                         buyer_sig),
            view, expected=w.holder.address, recovered=w.holder2.address)  # fmt: skip
    cheaper = replace(trade, price=1)
    seller_sig = w.holder.sign_direct_trade(trade, 9, deadline)
    err = refused(w, E.SettlementBadSignature,
                  lambda: send(w.holder2, "TradeSettlement", "settleDirect", cheaper.as_abi(), 9, deadline,
                               seller_sig, w.holder2.sign_direct_trade(cheaper, 9, deadline)),
                  view)  # fmt: skip
    assert err.expected == w.holder.address and err.recovered != w.holder.address
    w.holder2.settle_direct(trade, 9, deadline, seller_sig, buyer_sig)
    assert w.holder.balance_of(w.holder.address) == 10_000


# ─────────────────────────────────────────── rule 2: a seller gets what it agreed to


def test_r2_a_share_change_between_consent_and_settlement_is_refused(world: World) -> None:
    """A licensee sells a sublicence netting at least 9,000; before the exchange settles, the right's holder
    (who sets that right's shares) raises its own share to 90 %; the exchange also tries a bigger fee and a
    lower price. The seller's least net amount, part of what it signed, refuses each."""
    w = world
    asset = w.registered_asset()
    parent_terms = w.terms(sublicensable=True)
    parent = w.holder.grant_license(asset, w.merchant.address, parent_terms)
    w.fund(w.holder2, 30_000)
    trade = Trade(unique_hash("sublicence"), asset, w.merchant.address, w.holder2.address, 10_000,
                  parent_license_id=parent, terms=parent_terms)  # fmt: skip
    consent = w.consent(trade, min_net=9_000)
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.holder.address, 9_000)])
    view = watch_trade(w, asset, trade, licences=[parent])
    refused(w, E.SettlementBelowMinimum, lambda: w.exchange.settle(trade, 9_000, consent, gas=ATTACK_GAS), view,
            tradeId=trade.trade_id, sellerAmount=1_000, minNet=9_000)  # fmt: skip
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.holder.address, 500)])
    for squeezed in (replace(trade, fee=1_000), replace(trade, price=9_400)):
        refused(w, E.SettlementBelowMinimum,
                partial(w.exchange.settle, squeezed, 9_000, consent, gas=ATTACK_GAS), view,
                tradeId=trade.trade_id, minNet=9_000)  # fmt: skip
    # Nor can the seller's floor be lowered by the exchange: it is inside the signed sale.
    refused(w, E.SettlementBadSignature, lambda: w.exchange.settle(trade, 0, consent, gas=ATTACK_GAS), view,
            expected=w.merchant.address)  # fmt: skip
    # At a 5 % share the seller nets 9,500 >= 9,000: the sale settles as signed.
    settled = w.exchange.settle(trade, 9_000, consent).event("TradeSettled")
    assert settled["sellerAmount"] == 9_500


def test_r2_the_holding_holder_cannot_set_the_shares_of_a_right_it_sold(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.transfer_right(asset, Right.PROCESSING, w.holder2.address)
    view = Watch(assets=[asset], extra=[lambda: w.holder.revenue_shares(asset, Right.PROCESSING)])
    refused(w, E.SettlementNotRightHolder,
            lambda: send(w.holder, "TradeSettlement", "setRevenueShares", asset, int(Right.PROCESSING),
                         [w.holder.address], [10_000]),
            view, assetId=asset, right=Right.PROCESSING, account=w.holder.address)  # fmt: skip
    w.holder2.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 100)])


# ─────────────────────────────────────────── rule 3: an inactive share recipient blocks nobody


def test_r3_a_suspended_recipient_blocks_no_sale_and_claims_only_once_active(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 1_000)])
    w.authority.suspend(w.merchant.address, h("inspection"))
    w.fund(w.holder2, 10_000)
    settled = w.settle(licence_trade(w, asset)).event("TradeSettled")
    assert settled["shares"] == [{"recipient": w.merchant.address, "amount": 1_000, "held": True}]
    # The suspended recipient claims; a bystander claims; a never-admitted account claims.
    refused(w, E.ParticipantNotActive, lambda: send(w.merchant, "TradeSettlement", "claimHeldShares"),
            account=w.merchant.address, status=ParticipantStatus.SUSPENDED)  # fmt: skip
    refused(w, E.SettlementNothingHeld, lambda: send(w.provider, "TradeSettlement", "claimHeldShares"),
            account=w.provider.address)  # fmt: skip
    refused(w, E.ParticipantUnknown, lambda: send(w.outsider, "TradeSettlement", "claimHeldShares"),
            account=w.outsider.address)  # fmt: skip
    w.authority.reinstate(w.merchant.address, h("inspection passed"))
    w.merchant.claim_held_shares()
    assert w.merchant.balance_of(w.merchant.address) == 1_000
    refused(w, E.SettlementNothingHeld, lambda: send(w.merchant, "TradeSettlement", "claimHeldShares"),
            account=w.merchant.address)  # fmt: skip


def test_r3_a_revoked_recipient_neither_blocks_sales_nor_keeps_the_asset_hostage(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 1_000)])
    w.authority.revoke(w.merchant.address, h("licence to operate withdrawn"))
    w.fund(w.holder2, 20_000)
    assert w.settle(licence_trade(w, asset)).event("TradeSettled")["shares"][0]["held"]
    # The right's holder (not the revoked party) replaces the shares; later sales pay nobody inactive.
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.provider.address, 1_000)])
    assert w.settle(licence_trade(w, asset)).event("TradeSettled")["shares"] == [
        {"recipient": w.provider.address, "amount": 1_000, "held": False}]  # fmt: skip
    # What was held for the revoked recipient is not stuck: the authority releases it as its decision says,
    # nobody else can, and only once.
    view = Watch(assets=[asset])
    refused(w, E.ParticipantUnauthorized,
            lambda: send(w.holder, "TradeSettlement", "releaseHeldShares", w.merchant.address, w.holder.address,
                         h("mine now")),
            view, account=w.holder.address, neededRoles=int(Role.AUTHORITY))  # fmt: skip
    refused(w, E.SettlementNotRevoked,
            lambda: send(w.authority, "TradeSettlement", "releaseHeldShares", w.provider.address,
                         w.holder.address, h("decision")),
            view, account=w.provider.address, status=ParticipantStatus.ACTIVE)  # fmt: skip
    released = w.authority.release_held_shares(w.merchant.address, w.supervisor.address, h("court ruling"))
    assert released.event("HeldSharesReleased")["amount"] == 1_000
    assert w.holder.held_shares(w.merchant.address) == 0
    assert w.holder.balance_of(w.supervisor.address) == 1_000
    refused(w, E.SettlementNothingHeld,
            lambda: send(w.authority, "TradeSettlement", "releaseHeldShares", w.merchant.address,
                         w.supervisor.address, h("court ruling")),
            view, account=w.merchant.address)  # fmt: skip


# ─────────────────────────────────────────── rule 8: trade ids cannot be squatted


def test_r8_another_exchange_cannot_burn_a_trade_id_and_is_settled_answers_for_the_exact_trade(world: World) -> None:
    w = world
    asset = w.registered_asset()
    rival = second_exchange(w)
    w.fund(w.holder2, 30_000)
    w.holder2.approve(rival.address, 10_000)
    trade = licence_trade(w, asset)
    # The rival settles a trade of its own under the id the exchange announced for its trade first.
    rival.settle(trade, 0, w.consent(trade, exchange=rival))
    assert w.holder.is_settled(rival.address, trade.trade_id)
    assert not w.holder.is_settled(w.exchange.address, trade.trade_id)
    # The exchange's trade is still its own to settle, once.
    w.settle(trade)
    consent = w.consent(trade)
    key = w.holder.trade_key(w.exchange.address, ZERO, ZERO, trade.trade_id)
    refused(w, E.SettlementTradeAlreadySettled, lambda: w.exchange.settle(trade, 0, consent, gas=ATTACK_GAS),
            watch_trade(w, asset, trade), tradeId=trade.trade_id, key=key)  # fmt: skip
    assert not w.holder.is_settled(ZERO, trade.trade_id)
    assert not w.holder.is_direct_settled(w.holder.address, w.holder2.address, trade.trade_id)


def test_r8_an_off_exchange_trade_id_is_the_two_parties_own(world: World) -> None:
    """A third party (with its own counterpart) settles an off-exchange trade under the id two others agreed on."""
    w = world
    asset = w.registered_asset()
    squatter_asset = w.registered_asset(w.merchant)
    w.bank.issue(w.holder2.address, 10_000, RESERVE)
    w.bank.issue(w.provider.address, 10_000, RESERVE)
    trade = licence_trade(w, asset)
    squat = replace(licence_trade(w, squatter_asset, seller=w.merchant, buyer=w.provider), trade_id=trade.trade_id)
    deadline = w.chain_time() + 3600
    w.provider.settle_direct(squat, 1, deadline, w.merchant.sign_direct_trade(squat, 1, deadline),
                             w.provider.sign_direct_trade(squat, 1, deadline))  # fmt: skip
    assert not w.holder.is_direct_settled(w.holder.address, w.holder2.address, trade.trade_id)
    seller_sig, buyer_sig = (c.sign_direct_trade(trade, 2, deadline) for c in (w.holder, w.holder2))
    w.holder2.settle_direct(trade, 2, deadline, seller_sig, buyer_sig)
    assert w.holder.is_direct_settled(w.holder.address, w.holder2.address, trade.trade_id)
    # A replay of the very same signed trade under fresh nonces is the same trade: refused.
    key = w.holder.trade_key(ZERO, w.holder.address, w.holder2.address, trade.trade_id)
    s3, b3 = (c.sign_direct_trade(trade, 3, deadline) for c in (w.holder, w.holder2))
    refused(w, E.SettlementTradeAlreadySettled,
            lambda: send(w.holder2, "TradeSettlement", "settleDirect", trade.as_abi(), 3, deadline, s3, b3),
            Watch(assets=[asset], nonces=[(w.holder.address, 3)]), tradeId=trade.trade_id, key=key)  # fmt: skip


# ─────────────────────────────────────────── rule 12: consumed nonces are in the events


def test_r12_every_consumed_nonce_is_an_event_and_is_not_consumed_twice(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.bank.issue(w.holder2.address, 10_000, RESERVE)
    trade = licence_trade(w, asset)
    deadline = w.chain_time() + 3600
    seller_sig, buyer_sig = (c.sign_direct_trade(trade, 77, deadline) for c in (w.holder, w.holder2))
    result = w.holder.settle_direct(trade, 77, deadline, seller_sig, buyer_sig)
    assert result.find("NonceUsed") == [{"account": w.holder.address, "nonce": 77},
                                        {"account": w.holder2.address, "nonce": 77}]  # fmt: skip
    assert w.holder.invalidate_nonce(78).event("NonceUsed") == {"account": w.holder.address, "nonce": 78}
    view = Watch(assets=[asset], nonces=[(w.holder.address, 77), (w.holder.address, 78)])
    refused(w, E.SettlementNonceUsed, lambda: send(w.holder, "TradeSettlement", "invalidateNonce", 78), view,
            account=w.holder.address, nonce=78)  # fmt: skip
    other = licence_trade(w, asset)
    s2, b2 = (c.sign_direct_trade(other, 77, deadline) for c in (w.holder, w.holder2))
    refused(w, E.SettlementNonceUsed,
            lambda: send(w.holder, "TradeSettlement", "settleDirect", other.as_abi(), 77, deadline, s2, b2), view,
            account=w.holder.address, nonce=77)  # fmt: skip


def test_beyond_the_list_a_seller_cannot_take_back_a_licence_the_buyer_paid_for(world: World) -> None:
    """The licensor of a sold licence (right holder, or the licensee that sold a sublicence) cannot revoke it;
    the authority can, for cause, and the buyer can surrender it. A licence granted without a sale stays
    revocable by its licensor."""
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    w.fund(w.merchant, 10_000)
    licence = w.settle(licence_trade(w, asset, sublicensable=True)).event("TradeSettled")["licenseId"]
    assert w.holder.get_license(licence)["sold"]
    refused(w, E.LicenseSold,
            lambda: send(w.holder, "AssetRegistry", "revokeLicense", licence, h("changed my mind")),
            Watch(assets=[asset], licences=[licence]), licenseId=licence, account=w.holder.address)  # fmt: skip
    # The buyer sells a sublicence on the exchange: it cannot take that one back either.
    parent = w.holder.get_license(licence)
    sub_terms = w.terms(days=5, start=parent["start"])
    sub = Trade(unique_hash("sub"), asset, w.holder2.address, w.merchant.address, 5_000, 100, Delivery.LICENSE,
                Right.PROCESSING, licence, sub_terms)  # fmt: skip
    sublicence = w.settle(sub).event("TradeSettled")["licenseId"]
    refused(w, E.LicenseSold,
            lambda: send(w.holder2, "AssetRegistry", "revokeLicense", sublicence, h("changed my mind")),
            Watch(assets=[asset], licences=[licence, sublicence]), licenseId=sublicence,
            account=w.holder2.address)  # fmt: skip
    # A licence granted directly (no sale) stays its licensor's to revoke.
    given = w.holder.grant_license(asset, w.provider.address, w.terms(days=5, purpose=77))
    assert not w.holder.get_license(given)["sold"]
    w.holder.revoke_license(given, h("ended"))
    # The buyer surrenders; the authority revokes for cause.
    w.merchant.revoke_license(sublicence, h("surrendered"))
    w.authority.revoke_license(licence, h("breach established"))
    assert not w.holder.is_license_valid(licence, w.chain_time())


def test_beyond_the_list_a_licensee_that_sold_a_sublicence_cannot_void_it_by_giving_up_its_own_licence(
    world: World,
) -> None:
    """A sublicence is valid only while its parent is: the licensee that sold one must not void it, once paid,
    by surrendering its own licence, nor may the parent's licensor revoke the parent from under the buyer. Both
    are refused until the sold sublicence ends; the authority can still revoke for cause, and once the sold
    sublicence has ended, the licence is given up as before."""
    w = world
    asset = w.registered_asset()
    w.fund(w.merchant, 10_000)
    # Granted, not sold: its licensor could revoke it, and its licensee surrender it, until it sells under it.
    granted = w.holder.grant_license(asset, w.holder2.address, w.terms(days=30, sublicensable=True))
    parent = w.holder.get_license(granted)
    sub = Trade(unique_hash("sub"), asset, w.holder2.address, w.merchant.address, 5_000, 100, Delivery.LICENSE,
                Right.PROCESSING, granted, w.terms(days=5, start=parent["start"]))  # fmt: skip
    sublicence = w.settle(sub).event("TradeSettled")["licenseId"]
    sold_until = w.holder.get_license(sublicence)["end"]
    assert w.holder.get_license(granted)["soldUntil"] == sold_until
    assert w.holder.balance_of(w.holder2.address) == 5_000 - 100  # the seller was paid
    watch = Watch(assets=[asset], licences=[granted, sublicence])
    for who, why in ((w.holder2, "surrendered after selling"), (w.holder, "revoked from under the buyer")):
        refused(w, E.LicenseSublicenceSold,
                lambda who=who, why=why: send(who, "AssetRegistry", "revokeLicense", granted, h(why)), watch,
                licenseId=granted, soldUntil=sold_until)  # fmt: skip
    assert w.holder.is_license_valid(sublicence, w.chain_time())
    # Once the sold sublicence has ended, the licence can be given up as any other.
    w.rpc.call("evm_setNextBlockTimestamp", [sold_until + 1])
    w.rpc.call("evm_mine")
    assert not w.holder.is_license_valid(sublicence, w.chain_time())
    w.holder2.revoke_license(granted, h("no longer needed"))
    assert not w.holder.is_license_valid(granted, w.chain_time())


def test_beyond_the_list_the_authority_still_revokes_a_licence_with_a_sold_sublicence_for_cause(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    buyer = w.admit(12, Role.DATA_MERCHANT, name="Qinzhou Port Analytics", declare=True)
    w.fund(buyer, 10_000)
    licence = w.settle(licence_trade(w, asset, sublicensable=True)).event("TradeSettled")["licenseId"]
    parent = w.holder.get_license(licence)
    middle = w.holder2.sublicense(licence, w.merchant.address,
                                  w.terms(days=20, start=parent["start"], sublicensable=True))  # fmt: skip
    sub = Trade(unique_hash("sub"), asset, w.merchant.address, buyer.address, 2_000, 0, Delivery.LICENSE,
                Right.PROCESSING, middle, w.terms(days=3, start=w.holder.get_license(middle)["start"]))  # fmt: skip
    sublicence = w.settle(sub).event("TradeSettled")["licenseId"]
    end = w.holder.get_license(sublicence)["end"]
    # Every ancestor of the sold sublicence knows it: no link above it can be given up or taken back.
    assert [w.holder.get_license(x)["soldUntil"] for x in (licence, middle)] == [end, end]
    watch = Watch(assets=[asset], licences=[licence, middle, sublicence])
    refused(w, E.LicenseSublicenceSold,
            lambda: send(w.holder2, "AssetRegistry", "revokeLicense", middle, h("taken back")), watch,
            licenseId=middle, soldUntil=end)  # fmt: skip
    refused(w, E.LicenseSublicenceSold,
            lambda: send(w.holder2, "AssetRegistry", "revokeLicense", licence, h("surrendered")), watch,
            licenseId=licence, soldUntil=end)  # fmt: skip
    w.authority.revoke_license(licence, h("breach established"))
    assert not w.holder.is_license_valid(sublicence, w.chain_time())
