"""The main path: register, license, settle on and off exchange."""

from __future__ import annotations

import pytest

import ledger.contracts.errors as E
from ledger.contracts.types import AssetStatus, Category, Delivery, Right, Trade
from tests.contracts.conftest import RESERVE, World, h


def test_registration_then_licence_then_settlement_pays_everyone(world: World) -> None:
    w = world
    asset = w.registered_asset()
    assert w.holder.get_asset(asset)["status"] == AssetStatus.REGISTERED
    w.bank.issue(w.holder2.address, 1_000_000, RESERVE)
    w.holder2.approve(w.exchange.address, 1_000_000)
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 1000)])
    trade = Trade(h("t1"), asset, w.holder.address, w.holder2.address, 10_000, fee=200, terms=w.terms())
    result = w.settle(trade)
    settled = result.event("TradeSettled")
    assert settled["sellerAmount"] == 10_000 - 200 - 980
    assert w.holder.balance_of(w.holder.address) == 8_820
    assert w.holder.balance_of(w.merchant.address) == 980
    assert w.holder.balance_of(w.exchange.address) == 200
    licence = w.holder.get_license(settled["licenseId"])
    assert licence["licensee"] == w.holder2.address
    with pytest.raises(E.SettlementTradeAlreadySettled):
        w.settle(trade)
    assert w.holder.balance_of(w.holder2.address) == 1_000_000 - 10_000


def test_off_exchange_trade_with_both_signatures_transfers_the_right(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.bank.issue(w.holder2.address, 50_000, RESERVE)
    trade = Trade(h("direct"), asset, w.holder.address, w.holder2.address, 5_000, delivery=Delivery.RIGHT,
                  right=Right.OPERATION)
    deadline = w.chain_time() + 3600
    seller_sig = w.holder.sign_direct_trade(trade, 1, deadline)
    buyer_sig = w.holder2.sign_direct_trade(trade, 1, deadline)
    assert w.holder.hash_direct_trade(trade, 1, deadline) is not None
    w.holder2.settle_direct(trade, 1, deadline, seller_sig, buyer_sig)
    assert w.holder.holder_of(asset, Right.OPERATION) == w.holder2.address
    assert w.holder.holder_of(asset, Right.HOLDING) == w.holder.address


def test_public_data_cannot_trade_off_exchange(world: World) -> None:
    w = world
    asset = w.registered_asset(category=Category.PUBLIC)
    w.bank.issue(w.holder2.address, 50_000, RESERVE)
    trade = Trade(h("public-direct"), asset, w.holder.address, w.holder2.address, 5_000, terms=w.terms())
    deadline = w.chain_time() + 3600
    sigs = (w.holder.sign_direct_trade(trade, 1, deadline), w.holder2.sign_direct_trade(trade, 1, deadline))
    with pytest.raises(E.SettlementPublicDataOffExchange):
        w.holder2.settle_direct(trade, 1, deadline, *sigs)
    assert not w.holder.is_settled(w.exchange.address, h("public-direct"))
