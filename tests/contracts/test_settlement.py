"""TradeSettlement and SettlementToken: atomic payment and delivery on an exchange, guided prices for
public data, signed off-exchange trades, batches, and the token's participant-only transfers."""

from __future__ import annotations

import pytest
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

import ledger.contracts.errors as E
from ledger.client import LedgerClient
from ledger.client.ledger import direct_trade_typed_data
from ledger.contracts.types import Category, Delivery, Kind, Right, Role, Trade
from ledger.errors import RpcError
from tests.contracts.conftest import RESERVE, World, h, unique_hash

DAY = 86_400


def _balances(w: World, *clients: LedgerClient) -> list[int]:
    return [w.holder.balance_of(c.address) for c in clients]


def _licence_trade(w: World, asset: int, buyer: LedgerClient, price: int, fee: int = 0, **terms: object) -> Trade:
    return Trade(unique_hash("trade"), asset, w.holder.address, buyer.address, price, fee=fee, terms=w.terms(**terms))  # type: ignore[arg-type]


# ─────────────────────────────────────────── on-exchange settlement


def test_settlement_pays_seller_fee_and_two_revenue_shares_exactly(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 1_000), (w.provider.address, 250)])
    w.fund(w.holder2, 200_000)
    trade = _licence_trade(w, asset, w.holder2, 100_000, fee=1_500)
    result = w.settle(trade)
    # net = 98_500; 10% = 9_850; 2.5% = 2_462.5, rounded down; the seller takes the remainder.
    assert _balances(w, w.holder, w.merchant, w.provider, w.exchange, w.holder2) == [
        86_188, 9_850, 2_462, 1_500, 100_000,
    ]  # fmt: skip
    settled = result.event("TradeSettled")
    assert settled == {
        "tradeId": trade.trade_id, "assetId": asset, "exchange": w.exchange.address, "seller": w.holder.address,
        "buyer": w.holder2.address, "price": 100_000, "fee": 1_500, "sellerAmount": 86_188,
        "right": Right.PROCESSING, "licenseId": settled["licenseId"], "mandateId": b"\x00" * 32,
        "shares": [
            {"recipient": w.merchant.address, "amount": 9_850, "held": False},
            {"recipient": w.provider.address, "amount": 2_462, "held": False},
        ],
    }  # fmt: skip
    assert w.holder.allowance(w.holder2.address, w.exchange.address) == 100_000
    assert w.holder.is_settled(w.exchange.address, trade.trade_id)


def test_licence_delivery_grants_the_buyer_a_licence_on_the_agreed_terms(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    trade = _licence_trade(w, asset, w.holder2, 10_000, purpose=3301, exclusive=True, transferable=True)
    result = w.settle(trade)
    licence_id = result.event("TradeSettled")["licenseId"]
    granted = result.event("LicenseGranted")
    assert (granted["licenseId"], granted["licensor"], granted["licensee"]) == (
        licence_id, w.holder.address, w.holder2.address,
    )  # fmt: skip
    licence = w.holder.get_license(licence_id)
    assert (licence["licensee"], licence["purpose"], licence["exclusive"], licence["transferable"]) == (
        w.holder2.address, 3301, True, True,
    )  # fmt: skip
    # A licence starts no earlier than its grant: the later of the agreed start and the settling block's time.
    block_time = int(w.rpc.call("eth_getBlockByNumber", [hex(result.receipt.block_number), False])["timestamp"], 16)
    assert (licence["start"], licence["end"]) == (max(trade.terms.start, block_time), trade.terms.end)
    assert w.holder.is_license_valid(licence_id, w.chain_time())


def test_right_delivery_transfers_the_right_to_the_buyer(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    trade = Trade(
        h("buy operation right"),
        asset,
        w.holder.address,
        w.holder2.address,
        10_000,
        delivery=Delivery.RIGHT,
        right=Right.OPERATION,
    )
    result = w.settle(trade)
    assert result.event("RightTransferred") == {
        "assetId": asset, "right": Right.OPERATION, "from": w.holder.address, "to": w.holder2.address,
        "tradeId": h("buy operation right"),
    }  # fmt: skip
    settled = result.event("TradeSettled")
    assert (settled["right"], settled["licenseId"]) == (Right.OPERATION, 0)
    assert w.holder.holder_of(asset, Right.OPERATION) == w.holder2.address
    assert w.holder.holder_of(asset, Right.PROCESSING) == w.holder.address
    assert w.holder.license_count() == 0


def test_right_delivery_needs_the_seller_to_hold_that_right(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.merchant, 10_000)
    trade = Trade(
        h("not yours"),
        asset,
        w.holder2.address,
        w.merchant.address,
        10_000,
        delivery=Delivery.RIGHT,
        right=Right.HOLDING,
    )
    with pytest.raises(E.RegistryNotRightHolder) as exc:
        w.settle(trade)
    assert (exc.value.right, exc.value.account) == (Right.HOLDING, w.holder2.address)
    assert _balances(w, w.merchant, w.holder2) == [10_000, 0]


def test_sublicence_delivery_sells_under_the_sellers_licence(world: World) -> None:
    w = world
    asset = w.registered_asset()
    parent_terms = w.terms(sublicensable=True)
    parent = w.holder.grant_license(asset, w.holder2.address, parent_terms)
    w.fund(w.merchant, 4_000)
    trade = Trade(
        h("sublicence sale"),
        asset,
        w.holder2.address,
        w.merchant.address,
        4_000,
        fee=400,
        parent_license_id=parent,
        terms=parent_terms,
    )
    result = w.settle(trade)
    child = result.event("TradeSettled")["licenseId"]
    record = w.holder.get_license(child)
    assert (record["licensee"], record["parentId"], record["depth"]) == (w.merchant.address, parent, 1)
    assert w.holder.children_of(parent) == [child]
    assert _balances(w, w.holder2, w.exchange, w.merchant, w.holder) == [3_600, 400, 0, 0]


def test_sublicence_delivery_under_a_licence_of_another_asset_is_refused(world: World) -> None:
    w = world
    asset = w.registered_asset()
    other = w.registered_asset()
    parent_terms = w.terms(sublicensable=True)
    parent = w.holder.grant_license(other, w.holder2.address, parent_terms)
    w.fund(w.merchant, 4_000)
    trade = Trade(
        h("mismatched parent"),
        asset,
        w.holder2.address,
        w.merchant.address,
        4_000,
        parent_license_id=parent,
        terms=parent_terms,
    )
    with pytest.raises(E.LicenseExceedsParent) as exc:
        w.settle(trade)
    assert exc.value.parentId == parent
    assert w.holder.children_of(parent) == []


def test_a_trade_id_settles_once(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 20_000)
    trade = _licence_trade(w, asset, w.holder2, 10_000)
    w.settle(trade)
    licences = w.holder.license_count()
    with pytest.raises(E.SettlementTradeAlreadySettled) as exc:
        w.settle(trade)
    assert exc.value.tradeId == trade.trade_id
    # Another trade that reuses the id, even for another asset, is the same trade.
    other = w.registered_asset()
    with pytest.raises(E.SettlementTradeAlreadySettled):
        w.settle(Trade(trade.trade_id, other, w.holder.address, w.holder2.address, 1, terms=w.terms()))
    assert _balances(w, w.holder2, w.holder) == [10_000, 10_000]
    assert w.holder.license_count() == licences


def test_a_retried_submission_never_pays_twice(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 50_000)
    trade = _licence_trade(w, asset, w.holder2, 10_000)
    sender = w.exchange.sender
    # The exchange submits the same trade twice without waiting (a retry after a lost answer).
    consent = w.consent(trade)
    calls = [w.exchange.prepare_settle(trade, 0, consent, gas=2_000_000),
             w.exchange.prepare_settle(trade, 0, consent, gas=2_000_000)]  # fmt: skip
    receipts = sender.wait(sender.send(calls), calls, check=False)
    assert [r.status for r in receipts] == [1, 0]
    assert _balances(w, w.holder2, w.holder) == [40_000, 10_000]
    # Replaying the journalled raw transaction of a settled trade is refused by the node.
    again_trade = _licence_trade(w, asset, w.holder2, 5_000)
    [(tx_hash, _, raw, _)] = sender.sign([w.exchange.prepare_settle(again_trade, 0, w.consent(again_trade))])
    sender.resend_raw([raw])
    assert sender.wait([tx_hash])[0].status == 1
    [again] = sender.resend_raw([raw])
    assert isinstance(again, RpcError)
    sender.resync_nonce()
    assert _balances(w, w.holder2, w.holder) == [35_000, 15_000]


def test_settlement_is_for_exchanges_only(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    w.holder2.approve(w.holder.address, 10_000)
    trade = _licence_trade(w, asset, w.holder2, 10_000)
    with pytest.raises(E.ParticipantUnauthorized) as exc:
        w.settle(trade, exchange=w.holder)
    assert (exc.value.account, exc.value.neededRoles) == (w.holder.address, Role.EXCHANGE)
    with pytest.raises(E.ParticipantUnknown):
        w.settle(trade, exchange=w.outsider)
    assert not w.holder.is_settled(w.exchange.address, trade.trade_id)
    assert _balances(w, w.holder2) == [10_000]


def test_settlement_refuses_bad_amounts_self_trades_and_a_zero_id(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    with pytest.raises(E.SettlementInvalidAmounts) as zero_price:
        w.settle(_licence_trade(w, asset, w.holder2, 0))
    assert (zero_price.value.price, zero_price.value.fee) == (0, 0)
    with pytest.raises(E.SettlementInvalidAmounts) as big_fee:
        w.settle(_licence_trade(w, asset, w.holder2, 1_000, fee=1_001))
    assert (big_fee.value.price, big_fee.value.fee) == (1_000, 1_001)
    with pytest.raises(E.SettlementSelfTrade) as self_trade:
        w.settle(_licence_trade(w, asset, w.holder, 1_000))
    assert self_trade.value.account == w.holder.address
    with pytest.raises(E.SettlementZeroTradeId):
        w.settle(Trade(b"\x00" * 32, asset, w.holder.address, w.holder2.address, 1_000, terms=w.terms()))
    assert w.holder.license_count() == 0
    assert _balances(w, w.holder2) == [10_000]


def test_a_fee_equal_to_the_price_leaves_the_seller_nothing(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 1_000)
    result = w.settle(_licence_trade(w, asset, w.holder2, 1_000, fee=1_000))
    assert result.event("TradeSettled")["sellerAmount"] == 0
    assert _balances(w, w.holder, w.exchange, w.holder2) == [0, 1_000, 0]


# ─────────────────────────────────────────── the buyer's money


def test_buyer_without_allowance_is_refused_naming_the_price_balance_and_allowance(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 1_000)])
    w.fund(w.holder2, 10_000, approve=False)
    with pytest.raises(E.SettlementInsufficientFunds) as exc:
        w.settle(_licence_trade(w, asset, w.holder2, 10_000, fee=100))
    # The whole price, not a leg of it (the share's leg alone would have fitted).
    assert exc.value.values == {"buyer": w.holder2.address, "price": 10_000, "balance": 10_000, "allowance": 0}
    w.holder2.approve(w.exchange.address, 9_999)
    with pytest.raises(E.SettlementInsufficientFunds) as short:
        w.settle(_licence_trade(w, asset, w.holder2, 10_000))
    assert (short.value.price, short.value.allowance) == (10_000, 9_999)
    assert w.holder.license_count() == 0
    assert _balances(w, w.holder2) == [10_000]


def test_buyer_without_balance_is_refused_naming_the_price_balance_and_allowance(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 5_000)])
    w.fund(w.holder2, 453_663)
    w.holder2.approve(w.exchange.address, 10**9)
    with pytest.raises(E.SettlementInsufficientFunds) as exc:
        w.settle(_licence_trade(w, asset, w.holder2, 453_664, fee=1_000))
    assert exc.value.values == {"buyer": w.holder2.address, "price": 453_664, "balance": 453_663, "allowance": 10**9}
    assert w.holder.license_count() == 0
    assert _balances(w, w.holder2, w.holder) == [453_663, 0]


# ─────────────────────────────────────────── revenue shares


def test_revenue_shares_are_set_per_right_by_its_holder_and_replace_earlier_ones(world: World) -> None:
    w = world
    asset = w.registered_asset()
    result = w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 1_000),
                                                                    (w.provider.address, 500)])  # fmt: skip
    assert result.event("RevenueSharesSet") == {
        "assetId": asset, "right": Right.PROCESSING, "recipients": [w.merchant.address, w.provider.address],
        "bps": [1_000, 500], "by": w.holder.address,
    }  # fmt: skip
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.holder2.address, 10_000)])
    assert w.holder.revenue_shares(asset, Right.PROCESSING) == [(w.holder2.address, 10_000)]
    assert w.holder.revenue_shares(asset, Right.OPERATION) == []
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [])
    assert w.holder.revenue_shares(asset, Right.PROCESSING) == []
    with pytest.raises(E.SettlementNotRightHolder) as exc:
        w.holder2.set_revenue_shares(asset, Right.PROCESSING, [(w.holder2.address, 100)])
    assert (exc.value.assetId, exc.value.right, exc.value.account) == (asset, Right.PROCESSING, w.holder2.address)


def test_the_holding_holder_cannot_take_another_right_holders_sale_proceeds(world: World) -> None:
    """Shares are per right and set by that right's holder: once the processing right is another's, its
    holder's sales pay only the shares it set, whatever the holding holder configures."""
    w = world
    asset = w.registered_asset()
    w.holder.transfer_right(asset, Right.PROCESSING, w.holder2.address)
    with pytest.raises(E.SettlementNotRightHolder):
        w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.holder.address, 10_000)])
    w.holder.set_revenue_shares(asset, Right.HOLDING, [(w.holder.address, 10_000)])
    w.fund(w.merchant, 10_000)
    trade = Trade(unique_hash("trade"), asset, w.holder2.address, w.merchant.address, 10_000, terms=w.terms())
    settled = w.settle(trade, min_net=10_000).event("TradeSettled")
    assert (settled["sellerAmount"], settled["shares"]) == (10_000, [])
    assert _balances(w, w.holder2, w.holder) == [10_000, 0]


def test_revenue_shares_must_be_well_formed(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 100)])
    with pytest.raises(E.SettlementInvalidRevenueShares) as over:
        w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 6_000), (w.provider.address, 4_001)])
    assert (over.value.count, over.value.totalBps) == (2, 10_001)
    with pytest.raises(E.SettlementInvalidRevenueShares) as zero:
        w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 0)])
    assert (zero.value.count, zero.value.totalBps) == (1, 0)
    with pytest.raises(E.SettlementInvalidRevenueShares) as twice:
        w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 100), (w.merchant.address, 200)])
    assert (twice.value.count, twice.value.totalBps) == (2, 300)
    with pytest.raises(E.SettlementInvalidRevenueShares) as many:
        w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 1)] * 9)
    assert many.value.count == 9
    mismatch = w.holder.prepare("TradeSettlement", "setRevenueShares", asset, int(Right.PROCESSING),
                                [w.merchant.address], [1, 2])  # fmt: skip
    with pytest.raises(E.SettlementInvalidRevenueShares):
        w.holder.execute(mismatch)
    with pytest.raises(E.ParticipantUnknown):
        w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.outsider.address, 100)])
    assert w.holder.revenue_shares(asset, Right.PROCESSING) == [(w.merchant.address, 100)]


def test_a_suspended_share_recipient_has_its_share_held_and_claims_it_once_reinstated(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 1_000), (w.provider.address, 500)])
    w.authority.suspend(w.merchant.address, h("inspection"))
    w.fund(w.holder2, 10_000)
    settled = w.settle(_licence_trade(w, asset, w.holder2, 10_000)).event("TradeSettled")
    # The other holders' sale goes through; the suspended recipient's share waits for it.
    assert settled["shares"] == [
        {"recipient": w.merchant.address, "amount": 1_000, "held": True},
        {"recipient": w.provider.address, "amount": 500, "held": False},
    ]  # fmt: skip
    settlement = w.contracts.address["TradeSettlement"]
    assert _balances(w, w.holder, w.merchant, w.provider) == [8_500, 0, 500]
    assert w.holder.balance_of(settlement) == 1_000 and w.holder.held_shares(w.merchant.address) == 1_000
    with pytest.raises(E.ParticipantNotActive):
        w.merchant.claim_held_shares()
    with pytest.raises(E.SettlementNothingHeld) as nothing:
        w.provider.claim_held_shares()
    assert nothing.value.account == w.provider.address
    w.authority.reinstate(w.merchant.address, h("inspection passed"))
    claimed = w.merchant.claim_held_shares()
    assert claimed.event("HeldSharesClaimed") == {"recipient": w.merchant.address, "amount": 1_000}
    assert _balances(w, w.merchant) == [1_000]
    assert w.holder.balance_of(settlement) == 0 and w.holder.held_shares(w.merchant.address) == 0
    with pytest.raises(E.SettlementNothingHeld):
        w.merchant.claim_held_shares()


# ─────────────────────────────────────────── public data: exchange only, guided price band


def test_public_data_settles_only_within_the_guided_price_band(world: World) -> None:
    w = world
    asset = w.registered_asset(category=Category.PUBLIC)
    w.fund(w.holder2, 100_000)
    with pytest.raises(E.SettlementNoPriceBand) as none:
        w.settle(_licence_trade(w, asset, w.holder2, 10_000))
    assert none.value.kind == Kind.DATASET
    band = w.authority.set_price_band(Kind.DATASET, 5_000, 20_000)
    assert band.event("PriceBandSet") == {"kind": Kind.DATASET, "min": 5_000, "max": 20_000, "by": w.authority.address}
    assert w.holder.price_band(Kind.DATASET) == (5_000, 20_000)
    for price in (4_999, 20_001):
        with pytest.raises(E.SettlementPriceOutOfBand) as out:
            w.settle(_licence_trade(w, asset, w.holder2, price))
        assert out.value.values == {"price": price, "min": 5_000, "max": 20_000}
    assert w.holder.license_count() == 0
    assert _balances(w, w.holder2) == [100_000]
    w.settle(_licence_trade(w, asset, w.holder2, 5_000))
    w.settle(_licence_trade(w, asset, w.holder2, 20_000))
    assert _balances(w, w.holder2, w.holder) == [75_000, 25_000]


def test_public_data_never_trades_off_exchange_even_within_the_band(world: World) -> None:
    w = world
    asset = w.registered_asset(category=Category.PUBLIC)
    w.authority.set_price_band(Kind.DATASET, 1, 1_000_000)
    w.fund(w.holder2, 10_000, approve=False)
    trade = _direct_trade(w, asset)
    deadline = w.chain_time() + 3_600
    with pytest.raises(E.SettlementPublicDataOffExchange) as exc:
        w.holder2.settle_direct(trade, 1, deadline, *_signatures(w, trade, 1, deadline))
    assert exc.value.assetId == asset
    assert not w.holder.is_settled(w.exchange.address, trade.trade_id)
    assert not w.holder.nonce_used(w.holder.address, 1)
    assert _balances(w, w.holder2, w.holder) == [10_000, 0]
    assert w.holder.license_count() == 0


def test_price_band_of_one_kind_does_not_cover_another(world: World) -> None:
    w = world
    model = w.registered_asset(category=Category.PUBLIC, kind=Kind.MODEL)
    w.authority.set_price_band(Kind.DATASET, 1, 1_000_000)
    w.fund(w.holder2, 10_000)
    with pytest.raises(E.SettlementNoPriceBand) as exc:
        w.settle(_licence_trade(w, model, w.holder2, 10_000))
    assert exc.value.kind == Kind.MODEL


def test_price_bands_apply_to_public_data_only(world: World) -> None:
    w = world
    asset = w.registered_asset()  # enterprise data: self-priced (art. 19)
    w.authority.set_price_band(Kind.DATASET, 5_000, 20_000)
    w.fund(w.holder2, 100_000)
    w.settle(_licence_trade(w, asset, w.holder2, 50_000))
    assert _balances(w, w.holder) == [50_000]


def test_price_band_is_set_by_the_authority_and_must_be_well_formed(world: World) -> None:
    w = world
    with pytest.raises(E.ParticipantUnauthorized) as exc:
        w.exchange.set_price_band(Kind.DATASET, 1, 2)
    assert exc.value.neededRoles == Role.AUTHORITY
    with pytest.raises(E.SettlementInvalidBand) as inverted:
        w.authority.set_price_band(Kind.DATASET, 3, 2)
    assert (inverted.value.min, inverted.value.max) == (3, 2)
    with pytest.raises(E.SettlementInvalidBand):
        w.authority.set_price_band(Kind.DATASET, 0, 0)
    assert w.holder.price_band(Kind.DATASET) == (0, 0)
    w.authority.set_price_band(Kind.DATASET, 7, 7)
    assert w.holder.price_band(Kind.DATASET) == (7, 7)


# ─────────────────────────────────────────── off-exchange (EIP-712 signed by both parties)


def _sign(account: LocalAccount, trade: Trade, nonce: int, deadline: int, chain_id: int, contract: str) -> bytes:
    message = encode_typed_data(full_message=direct_trade_typed_data(trade, nonce, deadline, chain_id, contract))
    return bytes(account.sign_message(message).signature)


def _direct_trade(w: World, asset: int, trade_id: bytes | None = None, price: int = 5_000) -> Trade:
    return Trade(trade_id or unique_hash("direct"), asset, w.holder.address, w.holder2.address, price, terms=w.terms())


def _signatures(w: World, trade: Trade, nonce: int, deadline: int) -> tuple[bytes, bytes]:
    return w.holder.sign_direct_trade(trade, nonce, deadline), w.holder2.sign_direct_trade(trade, nonce, deadline)


def test_off_exchange_trade_pays_the_seller_without_allowance_and_uses_both_nonces(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 2_000)])
    w.fund(w.holder2, 5_000, approve=False)
    trade = _direct_trade(w, asset)
    deadline = w.chain_time() + 3_600
    result = w.holder.settle_direct(trade, 3, deadline, *_signatures(w, trade, 3, deadline))  # the seller submits
    settled = result.event("TradeSettled")
    assert (settled["exchange"], settled["fee"], settled["sellerAmount"]) == (
        "0x0000000000000000000000000000000000000000", 0, 4_000,
    )  # fmt: skip
    assert _balances(w, w.holder, w.merchant, w.holder2) == [4_000, 1_000, 0]
    assert w.holder.nonce_used(w.holder.address, 3) and w.holder.nonce_used(w.holder2.address, 3)
    assert not w.holder.nonce_used(w.holder.address, 4)


def test_off_exchange_trade_refuses_a_signature_by_the_wrong_signer(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 5_000)
    trade = _direct_trade(w, asset)
    deadline = w.chain_time() + 3_600
    buyer_sig = w.holder2.sign_direct_trade(trade, 1, deadline)
    with pytest.raises(E.SettlementBadSignature) as exc:
        w.holder2.settle_direct(trade, 1, deadline, buyer_sig, buyer_sig)
    assert (exc.value.expected, exc.value.recovered) == (w.holder.address, w.holder2.address)
    seller_sig = w.holder.sign_direct_trade(trade, 1, deadline)
    merchant_sig = w.merchant.sign_direct_trade(trade, 1, deadline)
    with pytest.raises(E.SettlementBadSignature) as exc2:
        w.holder2.settle_direct(trade, 1, deadline, seller_sig, merchant_sig)
    assert (exc2.value.expected, exc2.value.recovered) == (w.holder2.address, w.merchant.address)
    with pytest.raises(E.SettlementBadSignature) as garbage:
        w.holder2.settle_direct(trade, 1, deadline, seller_sig, b"\x01" * 65)
    assert garbage.value.expected == w.holder2.address
    assert not w.holder.is_settled(w.exchange.address, trade.trade_id)
    assert not w.holder.nonce_used(w.holder.address, 1)


def test_off_exchange_signature_covers_every_term_of_the_trade(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 5_000)
    trade = _direct_trade(w, asset, price=5_000)
    deadline = w.chain_time() + 3_600
    sigs = _signatures(w, trade, 1, deadline)
    cheaper = Trade(trade.trade_id, asset, trade.seller, trade.buyer, 4_000, terms=trade.terms)
    with pytest.raises(E.SettlementBadSignature):
        w.holder2.settle_direct(cheaper, 1, deadline, *sigs)
    with pytest.raises(E.SettlementBadSignature):
        w.holder2.settle_direct(trade, 2, deadline, *sigs)  # another nonce
    with pytest.raises(E.SettlementBadSignature):
        w.holder2.settle_direct(trade, 1, deadline + 1, *sigs)  # another deadline
    assert not w.holder.is_settled(w.exchange.address, trade.trade_id)


def test_off_exchange_signature_for_another_chain_or_contract_is_refused(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 5_000)
    trade = _direct_trade(w, asset)
    deadline = w.chain_time() + 3_600
    settlement = w.contracts.address["TradeSettlement"]
    for chain_id, contract in (
        (w.holder.chain_id + 1, settlement),
        (w.holder.chain_id, w.contracts.address["AssetRegistry"]),
    ):
        seller_sig = _sign(w.holder.account, trade, 1, deadline, chain_id, contract)
        buyer_sig = _sign(w.holder2.account, trade, 1, deadline, chain_id, contract)
        with pytest.raises(E.SettlementBadSignature) as exc:
            w.holder2.settle_direct(trade, 1, deadline, seller_sig, buyer_sig)
        assert exc.value.expected == w.holder.address
        assert exc.value.recovered != w.holder.address
    # The same helper with this chain and contract produces what the contract expects.
    assert _sign(w.holder.account, trade, 1, deadline, w.holder.chain_id, settlement) == w.holder.sign_direct_trade(
        trade, 1, deadline
    )
    assert not w.holder.is_settled(w.exchange.address, trade.trade_id)


def test_off_exchange_signature_covers_territory_lists_and_flags(world: World) -> None:
    """The EIP-712 encoding of ``uint24[]`` and ``bytes2[]`` must agree between eth-account and the contract."""
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 5_000)
    terms = w.terms(
        right=Right.OPERATION, purpose=65_535, regions=(450000, 450100, 440000), countries=("SG", "VN", "TH"),
        exclusive=True, sublicensable=True, transferable=True, terms_hash=h("cross-border terms"),
    )  # fmt: skip
    trade = Trade(unique_hash("direct"), asset, w.holder.address, w.holder2.address, 5_000, terms=terms)
    deadline = w.chain_time() + 3_600
    message = encode_typed_data(
        full_message=direct_trade_typed_data(
            trade, 77, deadline, w.holder.chain_id, w.contracts.address["TradeSettlement"]
        )
    )
    assert w.holder.hash_direct_trade(trade, 77, deadline) == keccak(
        b"\x19" + message.version + message.header + message.body
    )
    result = w.holder2.settle_direct(trade, 77, deadline, *_signatures(w, trade, 77, deadline))
    licence = w.holder.get_license(result.event("TradeSettled")["licenseId"])
    assert (licence["right"], licence["purpose"], licence["crossBorder"], licence["exclusive"]) == (
        Right.OPERATION, 65_535, True, True,
    )  # fmt: skip


def test_off_exchange_trade_past_its_deadline_is_refused(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 5_000)
    trade = _direct_trade(w, asset)
    deadline = w.chain_time() - 1
    with pytest.raises(E.SettlementExpired) as exc:
        w.holder2.settle_direct(trade, 1, deadline, *_signatures(w, trade, 1, deadline))
    assert exc.value.deadline == deadline
    assert exc.value.timestamp > deadline
    assert not w.holder.nonce_used(w.holder2.address, 1)


def test_off_exchange_nonce_is_used_once(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 20_000)
    deadline = w.chain_time() + 3_600
    first = _direct_trade(w, asset)
    w.holder2.settle_direct(first, 9, deadline, *_signatures(w, first, 9, deadline))
    second = _direct_trade(w, asset)
    with pytest.raises(E.SettlementNonceUsed) as exc:
        w.holder2.settle_direct(second, 9, deadline, *_signatures(w, second, 9, deadline))
    assert (exc.value.account, exc.value.nonce) == (w.holder.address, 9)
    assert not w.holder.is_settled(w.exchange.address, second.trade_id)
    assert _balances(w, w.holder2) == [15_000]


@pytest.mark.parametrize("party", ["seller", "buyer"])
def test_an_invalidated_nonce_can_never_settle(world: World, party: str) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 5_000)
    trade = _direct_trade(w, asset)
    deadline = w.chain_time() + 3_600
    sigs = _signatures(w, trade, 300, deadline)
    canceller = w.holder if party == "seller" else w.holder2
    result = canceller.invalidate_nonce(300)
    assert result.event("NonceUsed") == {"account": canceller.address, "nonce": 300}
    assert w.holder.nonce_used(canceller.address, 300)
    with pytest.raises(E.SettlementNonceUsed) as exc:
        w.holder2.settle_direct(trade, 300, deadline, *sigs)
    assert (exc.value.account, exc.value.nonce) == (canceller.address, 300)
    with pytest.raises(E.SettlementNonceUsed):
        canceller.invalidate_nonce(300)
    assert not w.holder.is_settled(w.exchange.address, trade.trade_id)


def test_off_exchange_trade_is_submitted_by_a_party_and_carries_no_fee(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 5_000)
    trade = _direct_trade(w, asset)
    deadline = w.chain_time() + 3_600
    sigs = _signatures(w, trade, 1, deadline)
    with pytest.raises(E.SettlementNotParty) as exc:
        w.exchange.settle_direct(trade, 1, deadline, *sigs)
    assert exc.value.caller == w.exchange.address
    with_fee = Trade(trade.trade_id, asset, trade.seller, trade.buyer, trade.price, fee=100, terms=trade.terms)
    with pytest.raises(E.SettlementFeeOffExchange) as fee:
        w.holder2.settle_direct(with_fee, 1, deadline, *_signatures(w, with_fee, 1, deadline))
    assert fee.value.fee == 100
    assert not w.holder.is_settled(w.exchange.address, trade.trade_id)


def test_off_exchange_buyer_without_balance_is_refused(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 1_000, approve=False)
    trade = _direct_trade(w, asset, price=5_000)
    deadline = w.chain_time() + 3_600
    with pytest.raises(E.SettlementInsufficientFunds) as exc:
        w.holder2.settle_direct(trade, 1, deadline, *_signatures(w, trade, 1, deadline))
    assert (exc.value.buyer, exc.value.balance, exc.value.price) == (w.holder2.address, 1_000, 5_000)
    assert not w.holder.nonce_used(w.holder.address, 1)


# ─────────────────────────────────────────── batches


def test_batch_settles_every_trade_in_one_transaction(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 30_000)
    trades = [_licence_trade(w, asset, w.holder2, 10_000, fee=100, purpose=p) for p in (1, 2, 3)]
    result = w.settle_batch(trades)
    assert [e["tradeId"] for e in result.find("TradeSettled")] == [t.trade_id for t in trades]
    assert all(w.holder.is_settled(w.exchange.address, t.trade_id) for t in trades)
    assert _balances(w, w.holder, w.exchange, w.holder2) == [29_700, 300, 0]
    assert w.holder.license_count() == 3


def test_batch_is_all_or_nothing_and_names_the_failing_trade(world: World) -> None:
    w = world
    good = w.registered_asset()
    frozen = w.registered_asset()
    w.authority.freeze(frozen, h("freeze"))
    w.fund(w.holder2, 30_000)
    trades = [
        _licence_trade(w, good, w.holder2, 10_000),
        _licence_trade(w, frozen, w.holder2, 10_000),
        _licence_trade(w, good, w.holder2, 10_000),
    ]
    with pytest.raises(E.SettlementBatchItemFailed) as exc:
        w.settle_batch(trades)
    assert (exc.value.index, exc.value.tradeId) == (1, trades[1].trade_id)
    assert w.contracts.errors.decode(exc.value.reason) == ("RegistryAssetFrozen", {"assetId": frozen})
    assert not any(w.holder.is_settled(w.exchange.address, t.trade_id) for t in trades)
    assert _balances(w, w.holder2, w.holder) == [30_000, 0]
    assert w.holder.license_count() == 0


def test_batch_item_errors_are_the_items_own(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    repeated = _licence_trade(w, asset, w.holder2, 1_000)
    with pytest.raises(E.SettlementBatchItemFailed) as duplicate:
        w.settle_batch([repeated, repeated])
    assert duplicate.value.index == 1
    key = w.holder.trade_key(w.exchange.address, w.holder.address, w.holder2.address, repeated.trade_id)
    assert w.contracts.errors.decode(duplicate.value.reason) == (
        "SettlementTradeAlreadySettled", {"tradeId": repeated.trade_id, "key": key},
    )  # fmt: skip
    expensive = [_licence_trade(w, asset, w.holder2, 6_000), _licence_trade(w, asset, w.holder2, 6_000)]
    with pytest.raises(E.SettlementBatchItemFailed) as broke:
        w.settle_batch(expensive)
    assert broke.value.index == 1
    assert w.contracts.errors.decode(broke.value.reason) == (
        "SettlementInsufficientFunds", {"buyer": w.holder2.address, "price": 6_000, "balance": 4_000,
                                        "allowance": 4_000},
    )  # fmt: skip
    assert _balances(w, w.holder2) == [10_000]


def test_batch_needs_an_exchange_and_at_least_one_trade(world: World) -> None:
    w = world
    asset = w.registered_asset()
    with pytest.raises(E.SettlementEmptyBatch):
        w.settle_batch([])
    with pytest.raises(E.ParticipantUnauthorized) as exc:
        w.settle_batch([_licence_trade(w, asset, w.holder2, 1_000)], exchange=w.holder)
    assert exc.value.neededRoles == Role.EXCHANGE


def test_batch_entry_point_and_registry_hooks_refuse_outside_callers(world: World) -> None:
    w = world
    asset = w.registered_asset()
    trade = _licence_trade(w, asset, w.holder2, 1_000)
    call = w.exchange.prepare("TradeSettlement", "settleCheckedFor", trade.as_abi(), w.exchange.address, 0)
    with pytest.raises(E.SettlementOnlySelf) as exc:
        w.exchange.execute(call)
    assert exc.value.caller == w.exchange.address
    consented = w.exchange.prepare("TradeSettlement", "settleConsented", trade.as_abi(), w.exchange.address, 0,
                                   b"\x01" * 32)  # fmt: skip
    with pytest.raises(E.SettlementOnlyConsents) as mandates:
        w.exchange.execute(consented)
    assert mandates.value.caller == w.exchange.address
    deliver = w.holder.prepare(
        "AssetRegistry", "deliverRight", h("hook"), asset, int(Right.HOLDING), w.holder.address, w.holder2.address
    )
    with pytest.raises(E.RegistryOnlyCaller) as hook:
        w.holder.execute(deliver)
    assert (hook.value.caller, hook.value.expected) == (w.holder.address, w.contracts.address["TradeSettlement"])
    pay = w.holder.prepare(
        "SettlementToken", "settlementPay", w.holder2.address, w.holder.address, [w.holder.address], [1]
    )
    with pytest.raises(E.TokenOnlySettlement):
        w.holder.execute(pay)
    assert w.holder.holder_of(asset, Right.HOLDING) == w.holder.address


# ─────────────────────────────────────────── the settlement token


def test_token_moves_only_between_active_participants(world: World) -> None:
    w = world
    w.bank.issue(w.holder.address, 1_000, RESERVE)
    w.holder.transfer(w.holder2.address, 100)
    assert _balances(w, w.holder, w.holder2) == [900, 100]
    for target in (w.outsider, w.suspended):
        with pytest.raises(E.TokenParticipantNotActive) as exc:
            w.holder.transfer(target.address, 100)
        assert exc.value.account == target.address
        with pytest.raises(E.TokenParticipantNotActive):
            w.bank.issue(target.address, 100, RESERVE)
    w.authority.suspend(w.holder2.address, h("inspection"))
    with pytest.raises(E.TokenParticipantNotActive) as sender:
        w.holder2.transfer(w.holder.address, 100)
    assert sender.value.account == w.holder2.address
    assert _balances(w, w.holder, w.holder2, w.outsider, w.suspended) == [900, 100, 0, 0]


def test_token_is_issued_and_redeemed_by_settlement_banks_only(world: World) -> None:
    w = world
    issued = w.bank.issue(w.bank.address, 5_000, RESERVE)
    assert issued.event("Issued") == {
        "bank": w.bank.address, "to": w.bank.address, "amount": 5_000, "reserveHash": RESERVE, "outstanding": 5_000,
    }  # fmt: skip
    redeemed = w.bank.redeem(2_000)
    assert redeemed.event("Redeemed") == {"bank": w.bank.address, "amount": 2_000, "outstanding": 3_000}
    assert _balances(w, w.bank) == [3_000]
    with pytest.raises(E.ParticipantUnauthorized) as exc:
        w.holder.issue(w.holder.address, 1_000, RESERVE)
    assert exc.value.neededRoles == Role.SETTLEMENT_BANK
    with pytest.raises(E.TokenRedemptionExceedsOutstanding):
        w.bank.redeem(3_001)
    assert _balances(w, w.bank, w.holder) == [3_000, 0]
    assert int(w.holder.view("SettlementToken", "decimals")) == 2


def test_issuance_names_a_reserve_attestation_and_stays_within_the_banks_limit(world: World) -> None:
    w = world
    with pytest.raises(E.TokenZeroReserveHash):
        w.bank.issue(w.holder.address, 1, bytes(32))
    w.authority.set_issuance_limit(w.bank.address, 10_000)
    assert w.bank.issuance_of(w.bank.address) == (10_000, 0)
    w.bank.issue(w.holder.address, 6_000, RESERVE)
    with pytest.raises(E.TokenIssuanceLimitExceeded) as over:
        w.bank.issue(w.holder2.address, 4_001, RESERVE)
    assert (over.value.bank, over.value.limit, over.value.outstanding) == (w.bank.address, 10_000, 10_001)
    w.bank.issue(w.bank.address, 4_000, RESERVE)  # exactly the limit
    # The limit bounds what is outstanding: redeeming makes room again.
    w.bank.redeem(3_000)
    assert w.bank.issuance_of(w.bank.address) == (10_000, 7_000)
    w.bank.issue(w.holder2.address, 3_000, RESERVE)
    # Lowered below what is outstanding: nothing more until redeemed below it.
    lowered = w.authority.set_issuance_limit(w.bank.address, 5_000)
    assert lowered.event("IssuanceLimitSet") == {
        "bank": w.bank.address, "limit": 5_000, "outstanding": 10_000, "by": w.authority.address,
    }  # fmt: skip
    with pytest.raises(E.TokenIssuanceLimitExceeded):
        w.bank.issue(w.holder.address, 1, RESERVE)
    assert int(w.bank.view("SettlementToken", "totalSupply")) == 10_000
    assert _balances(w, w.holder, w.holder2, w.bank) == [6_000, 3_000, 1_000]


def test_a_bank_without_a_limit_issues_nothing_and_redeems_only_its_own_issuance(world: World) -> None:
    w = world
    other = w.admit(20, Role.SETTLEMENT_BANK, name="Liuzhou Bank")
    assert other.issuance_of(other.address) == (0, 0)
    with pytest.raises(E.TokenIssuanceLimitExceeded) as refused:
        other.issue(w.holder.address, 1, RESERVE)
    assert (refused.value.limit, refused.value.outstanding) == (0, 1)
    # Tokens the world's bank issued, paid to the other bank, are redeemed by their issuer, not by it.
    w.bank.issue(other.address, 500, RESERVE)
    with pytest.raises(E.TokenRedemptionExceedsOutstanding) as redeem:
        other.redeem(500)
    assert (redeem.value.bank, redeem.value.amount, redeem.value.outstanding) == (other.address, 500, 0)
    # Only the authority sets a limit, and only through the council.
    with pytest.raises(E.ParticipantUnauthorized):
        w.bank.set_issuance_limit(w.bank.address, 10**18)


def test_tokens_cannot_be_approved_to_an_inactive_spender(world: World) -> None:
    w = world
    w.bank.issue(w.holder.address, 5_000, RESERVE)
    for spender in (w.suspended, w.outsider):
        with pytest.raises(E.TokenParticipantNotActive) as err:
            w.holder.approve(spender.address, 1_000)
        assert err.value.account == spender.address
        assert w.holder.allowance(w.holder.address, spender.address) == 0
