"""``asset_history``: every step of one asset's life, in order, with block, time, transaction and actor."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ledger.audit import asset_history
from ledger.store import RecordNotFound
from ledger.store.schema import events as events_table
from tests.audit.conftest import Audited, FreshIndex


def _main_asset(a: Audited) -> int:
    """The main asset of the first round of the scenario (the first whose pending objection was accepted)."""
    t = events_table
    with a.live.engine.connect() as conn:
        args = conn.execute(
            sa.select(t.c.args).where(t.c.name == "ObjectionAccepted").order_by(t.c.block_number).limit(1)
        ).scalar_one()
    return int(args["assetId"])


def test_history_lists_every_step_of_an_asset_in_order_with_its_actor(audited: Audited) -> None:
    w = audited.chain.world
    asset_id = _main_asset(audited)
    steps = asset_history(audited.live, asset_id)

    holder, merchant, registrar = w.holder.address, w.merchant.address, w.registrar.address
    exchange, supervisor = w.exchange.address, w.supervisor.address
    grant, sublicence = ("licence", "LicenseGranted", holder), ("sublicence", "LicenseGranted", merchant)
    revocation = ("revocation", "LicenseRevoked", holder)
    shares = ("revenue shares", "RevenueSharesSet", holder)
    on_exchange, off_exchange = ("trade", "TradeSettled", exchange), ("trade", "TradeSettled", holder)
    assert [(s.kind, s.event, s.actor) for s in steps] == [
        ("registration", "RegistrationApplied", holder),
        ("registration", "AssetRegistered", registrar),
        ("objection", "ObjectionLodged", merchant),  # pending: the merchant has no standing
        ("objection", "ObjectionAccepted", registrar),
        ("objection", "ObjectionResolved", registrar),
        grant, sublicence, revocation,  # one revocation: the sublicence is invalid through its parent
        grant, sublicence,  # a territory outside the mainland
        grant, ("licence transfer", "LicenseTransferred", merchant),
        grant, revocation,  # the only shared licence of its purpose
        grant, grant, grant, revocation, grant,  # exclusive licences: one revoked, one pruned by the last grant
        shares, shares, shares,
        grant, on_exchange,  # each delivered licence, then its trade
        grant, on_exchange,  # a non-atomic batch: its second trade was refused
        grant, off_exchange,  # settled by the parties themselves
        grant, on_exchange, grant, on_exchange,  # within the seller's mandate
        grant, on_exchange,
        shares, grant, on_exchange, shares,  # a share held for a revoked recipient (released: not the asset's step)
        grant, sublicence, ("sublicence", "LicenseGranted", w.holder2.address), on_exchange,  # sold two links down
        ("right transfer", "RightTransferred", holder),
        ("rectification", "RectificationOrdered", supervisor),
        ("rectification", "RectificationClosed", supervisor),
    ]  # fmt: skip
    positions = [(s.block, s.log_index) for s in steps]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    for s in steps:
        assert s.timestamp > 0 and s.time.endswith("Z")
        assert s.tx_hash.startswith("0x") and len(s.tx_hash) == 66
    trades = [s for s in steps if s.event == "TradeSettled"]
    assert "(held)" in trades[0].summary and "(held)" not in trades[1].summary  # the recipient was suspended
    assert "under mandate" in trades[3].summary and "off exchange" in trades[2].summary
    assert "(held)" in trades[-2].summary
    transfer = next(s for s in steps if s.event == "RightTransferred")
    assert transfer.args["to"] == w.holder2.address and "processing right" in transfer.summary
    receipt = audited.chain.rpc.call("eth_getTransactionReceipt", [transfer.tx_hash])
    assert int(receipt["blockNumber"], 16) == transfer.block and receipt["from"].lower() == holder.lower()


def test_history_of_a_recognised_asset_follows_its_certificates(audited: Audited) -> None:
    t = events_table
    with audited.live.engine.connect() as conn:
        args = conn.execute(
            sa.select(t.c.args).where(t.c.name == "RecognitionReinstated").order_by(t.c.block_number).limit(1)
        ).scalar_one()
    steps = asset_history(audited.live, int(args["localAssetId"]))
    assert [s.event for s in steps] == [
        "RegistrationApplied", "AssetRegistered", "CertificateImported",  # imported: registered here
        "RightTransferred", "CertificateImported",  # a newer certificate: the processing right follows it
        "RecognitionSuspended", "RecognitionReinstated",
    ]  # fmt: skip
    assert "superseded" in steps[4].summary and steps[3].actor == audited.chain.world.holder.address


def test_history_of_an_unknown_asset_is_not_found(audited: Audited) -> None:
    with pytest.raises(RecordNotFound, match="asset 999999"):
        asset_history(audited.live, 999_999)


def test_history_reads_the_same_from_either_backend(audited: Audited, fresh_index: FreshIndex) -> None:
    asset_id = _main_asset(audited)
    assert asset_history(fresh_index(), asset_id) == asset_history(audited.live, asset_id)


def test_history_of_an_asset_names_its_quality_reports_and_what_became_of_them(audited: Audited) -> None:
    t = events_table
    with audited.live.engine.connect() as conn:
        args = conn.execute(
            sa.select(t.c.args).where(t.c.name == "QualityReportFiled").order_by(t.c.block_number).limit(1)
        ).scalar_one()
    w = audited.chain.world
    holder, merchant, supervisor = w.holder.address, w.merchant.address, w.supervisor.address
    steps = [s for s in asset_history(audited.live, int(args["assetId"])) if s.kind == "quality report"]
    assert [(s.event, s.actor) for s in steps] == [
        ("QualityReportFiled", merchant), ("QualityReportAnswered", holder), ("QualityReportRuled", supervisor),
        ("QualityReportFiled", w.provider.address), ("QualityReportAnswered", holder), ("QualityReportFixed", holder),
        ("QualityReportFiled", merchant), ("QualityReportWithdrawn", merchant),
        ("QualityReportFiled", merchant), ("QualityReportOverdue", merchant),
    ]  # fmt: skip
    assert "disputed" in steps[1].summary and "dismissed" in steps[2].summary
    assert f"{holder}'s default 1" in steps[-1].summary
