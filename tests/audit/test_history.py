"""``asset_history``: every step of one asset's life, in order, with block, time, transaction and actor."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ledger.audit import asset_history
from ledger.store import RecordNotFound
from ledger.store.schema import events as events_table
from tests.audit.conftest import Audited, FreshIndex


def _first_changed_asset(a: Audited) -> int:
    """The main asset of the first round of the scenario (the only kind of asset whose registration changes)."""
    t = events_table
    with a.live.engine.connect() as conn:
        args = conn.execute(
            sa.select(t.c.args).where(t.c.name == "RegistrationChanged").order_by(t.c.block_number).limit(1)
        ).scalar_one()
    return int(args["assetId"])


def test_history_lists_every_step_of_an_asset_in_order_with_its_actor(audited: Audited) -> None:
    w = audited.chain.world
    asset_id = _first_changed_asset(audited)
    steps = asset_history(audited.live, asset_id)

    got = [(s.kind, s.event, s.actor) for s in steps]
    holder, merchant, registrar, supervisor = (
        w.holder.address,
        w.merchant.address,
        w.registrar.address,
        w.supervisor.address,
    )
    revocations = [g for g in got if g[1] == "LicenseRevoked"]
    assert revocations == [("revocation", "LicenseRevoked", holder)] * 2  # the licence and, by cascade, its sublicence
    assert [g for g in got if g[1] != "LicenseRevoked"] == [
        ("registration", "RegistrationApplied", holder),
        ("registration", "AssetRegistered", registrar),
        ("registration", "RegistrationChanged", holder),
        ("objection", "ObjectionLodged", merchant),
        ("objection", "ObjectionResolved", registrar),
        ("licence", "LicenseGranted", holder),
        ("sublicence", "LicenseGranted", merchant),
        ("licence", "LicenseGranted", holder),
        ("licence transfer", "LicenseTransferred", merchant),
        ("revenue shares", "RevenueSharesSet", holder),
        ("payment", "RevenueSharePaid", None),
        ("licence", "LicenseGranted", holder),  # delivered by the trade
        ("trade", "TradeSettled", w.exchange.address),
        ("right transfer", "RightTransferred", holder),
        ("rectification", "RectificationOrdered", supervisor),
        ("rectification", "RectificationClosed", supervisor),
    ]
    assert [s.event for s in steps].index("LicenseRevoked") == 7  # after the sublicence, before the next grant
    positions = [(s.block, s.log_index) for s in steps]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    for s in steps:
        assert s.timestamp > 0 and s.time.endswith("Z")
        assert s.tx_hash.startswith("0x") and len(s.tx_hash) == 66
    transfer = next(s for s in steps if s.event == "RightTransferred")
    assert transfer.args["to"] == w.holder2.address and "processing right" in transfer.summary
    receipt = audited.chain.rpc.call("eth_getTransactionReceipt", [transfer.tx_hash])
    assert int(receipt["blockNumber"], 16) == transfer.block and receipt["from"].lower() == holder.lower()


def test_history_of_an_unknown_asset_is_not_found(audited: Audited) -> None:
    with pytest.raises(RecordNotFound, match="asset 999999"):
        asset_history(audited.live, 999_999)


def test_history_reads_the_same_from_either_backend(audited: Audited, fresh_index: FreshIndex) -> None:
    asset_id = _first_changed_asset(audited)
    assert asset_history(fresh_index(), asset_id) == asset_history(audited.live, asset_id)
