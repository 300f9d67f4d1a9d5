"""``audit_replay``: the replayed state equals the contracts' own and the live index's, and every
difference is reported with the block where it first appears."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ledger.audit import Difference, TargetBlockError, audit_replay
from ledger.contracts.system import SYSTEM_CONTRACTS
from ledger.store import Store, open_store
from ledger.store.schema import assets as assets_table
from ledger.store.schema import events as events_table
from ledger.store.schema import revenue_totals, trade_aggregates
from tests.audit.conftest import Audited, FreshIndex
from tests.indexer.scenario import EVENT_TYPES


def _view(a: Audited, contract: str, fn: str, *args: Any, block: int | None = None) -> Any:
    codec = a.chain.world.contracts.codecs[contract]
    data = "0x" + codec.encode_call(fn, *args).hex()
    tag = "latest" if block is None else hex(block)
    raw = a.chain.rpc.call("eth_call", [{"to": a.chain.world.contracts.address[contract], "data": data}, tag])
    return codec.decode_output(fn, bytes.fromhex(raw[2:]))


def test_replay_from_the_chain_matches_the_contracts_and_the_live_index(audited: Audited) -> None:
    report = audited.replay()
    assert report.differences == []
    assert report.ok and report.first_block is None
    head = audited.chain.head()
    assert report.block == head and report.source == "chain"
    assert set(report.events_by_name) == EVENT_TYPES  # the scenario covers every event type
    assert report.chain.status == "ok" and report.chain.checked > 100
    assert report.index.status == "ok" and report.index.checked > report.events
    assert report.running_hash == report.index_running_hash
    assert report.state_checksum == report.index_state_checksum == audited.live.state_checksum(head)
    assert report.records["assets"] == _view(audited, "AssetRegistry", "assetCount")
    assert report.records["licences"] == _view(audited, "AssetRegistry", "licenseCount")
    assert report.records["trades"] == report.events_by_name["TradeSettled"]
    # Each release of a revoked recipient's held shares is a record, checked with heldShares and the balances.
    assert report.records["held_share_releases"] == report.events_by_name["HeldSharesReleased"] > 0


def test_replay_from_the_index_gives_the_same_state_and_running_hash(audited: Audited) -> None:
    from_chain = audited.replay(check_index=False)
    from_index = audited.replay(source="index")
    assert from_index.ok and from_index.chain.status == "ok"
    assert from_index.source == "index"
    assert (from_index.state_checksum, from_index.running_hash) == (from_chain.state_checksum, from_chain.running_hash)


def test_replay_at_an_earlier_block_is_verified_against_that_block_on_a_live_node(audited: Audited) -> None:
    block = audited.after_first_round
    report = audited.replay(at=block)
    assert report.ok, [d.line() for d in report.differences]
    assert report.block == block
    assert report.chain.status == "ok" and report.index.status == "ok"
    assert report.records["assets"] == _view(audited, "AssetRegistry", "assetCount", block=block)
    assert report.records["assets"] < _view(audited, "AssetRegistry", "assetCount")
    assert report.state_checksum == audited.live.state_checksum(block)


def test_replay_at_a_time_audits_the_last_block_at_or_before_it(audited: Audited) -> None:
    block = audited.after_first_round
    header = audited.chain.rpc.call("eth_getBlockByNumber", [hex(block), False])
    moment = datetime.fromtimestamp(int(header["timestamp"], 16) + 1800, UTC)  # the next block is an hour later
    report = audited.replay(at=moment)
    assert report.ok
    assert report.block == block and report.block_time == int(header["timestamp"], 16)


def test_replay_at_the_deployment_block_checks_only_the_contracts_deployed_by_then(audited: Audited) -> None:
    deployment = audited.chain.world.contracts.deployment
    report = audited.replay(at=deployment.deployment_block)
    assert report.ok, [d.line() for d in report.differences]
    # The contracts are created in one batch, so the first block may hold several: the access manager first (its
    # constructor made the deployer its first admin), the participant registry (which names the manager the
    # authority) if it made that block too. The governance's Safes and roles came in later blocks.
    first = {name for name, c in deployment.contracts.items() if c.block == deployment.deployment_block}
    assert "AccessManager" in first
    assert report.records["participants"] == (1 if "ParticipantRegistry" in first else 0)
    assert report.records["governance_roles"] == 1
    later = audited.replay(at=max(c.block for c in deployment.contracts.values()))
    assert report.chain.status == later.chain.status == "ok"
    assert 3 <= report.chain.checked <= later.chain.checked
    # Only what existed then was asked about: a ledger contract deployed later adds checks (the Safe's singleton,
    # factory and guard deployed later have no views of their own to check).
    if set(SYSTEM_CONTRACTS) - first:
        assert report.chain.checked < later.chain.checked


def test_replay_refuses_a_block_beyond_the_head(audited: Audited) -> None:
    with pytest.raises(TargetBlockError, match="beyond the chain's head"):
        audited.replay(at=audited.chain.head() + 10)


def _index_diffs(report_diffs: list[Difference]) -> list[Difference]:
    return [d for d in report_diffs if d.source == "index"]


def test_a_corrupted_index_row_is_a_difference_from_the_block_where_it_first_appears(
    audited: Audited, fresh_index: FreshIndex
) -> None:
    live = fresh_index()
    with live.engine.connect() as conn:
        # An asset with at least three versions; corrupt the middle one's holding-right holder.
        t = assets_table
        counts = conn.execute(
            sa.select(t.c.asset_id, sa.func.count()).group_by(t.c.asset_id).having(sa.func.count() >= 3)
        ).all()
        asset_id = int(counts[0][0])
        versions = conn.execute(
            sa.select(t.c.valid_from_block, t.c.valid_to_block).where(t.c.asset_id == asset_id)
            .order_by(t.c.valid_from_block)
        ).all()  # fmt: skip
    corrupted_from, corrupted_to = int(versions[1][0]), int(versions[1][1])
    outsider = "0x000000000000000000000000000000000000dEaD"
    with live.engine.begin() as conn:
        conn.execute(
            t.update().where(t.c.asset_id == asset_id, t.c.valid_from_block == corrupted_from)
            .values(holding_holder=outsider)
        )  # fmt: skip

    report = audited.replay(live=live)
    assert not report.ok and report.index.status == "differences"
    assert report.chain.status == "ok"  # the replay itself matches the contracts
    [diff] = _index_diffs(report.differences)
    assert (diff.record, diff.key, diff.field) == ("assets", f"asset_id={asset_id}", "holding_holder")
    assert diff.actual == outsider and diff.expected != outsider
    assert diff.first_block == corrupted_from == report.first_block
    # As of a block before the corrupted version the index is right; within its range it is not.
    assert audited.replay(live=live, at=corrupted_from - 1, check_chain=False).ok
    assert not audited.replay(live=live, at=corrupted_to - 1, check_chain=False).ok


def test_the_trade_aggregates_are_replayed_and_a_wrong_total_is_a_difference(
    audited: Audited, fresh_index: FreshIndex
) -> None:
    live = fresh_index()
    t = trade_aggregates
    with live.engine.connect() as conn:
        cell = conn.execute(
            sa.select(t.c.day, t.c.category, t.c.exchange, t.c.right, t.c.valid_from_block, t.c.volume)
            .where(t.c.valid_to_block.is_(None)).order_by(t.c.valid_from_block).limit(1)
        ).one()  # fmt: skip
    report = audited.replay(live=live, check_chain=False)
    assert report.ok, report.differences
    with live.engine.begin() as conn:
        conn.execute(
            t.update().where(t.c.day == cell.day, t.c.category == cell.category, t.c.exchange == cell.exchange,
                             t.c.right == cell.right, t.c.valid_from_block == cell.valid_from_block)
            .values(volume=int(cell.volume) + 1)
        )  # fmt: skip
    report = audited.replay(live=live, check_chain=False)
    [diff] = _index_diffs(report.differences)
    assert (diff.record, diff.field, diff.first_block) == ("trade_aggregates", "volume", cell.valid_from_block)
    assert (diff.expected, diff.actual) == (int(cell.volume), int(cell.volume) + 1)


def test_the_revenue_totals_of_held_shares_are_replayed_and_a_wrong_one_is_a_difference(
    audited: Audited, fresh_index: FreshIndex
) -> None:
    live = fresh_index()
    r = revenue_totals
    with live.engine.connect() as conn:  # the scenario holds shares for a suspended recipient
        row = conn.execute(
            sa.select(r.c.payee, r.c.asset_id, r.c.right, r.c.valid_from_block, r.c.held)
            .where(r.c.held > 0).order_by(r.c.valid_from_block).limit(1)
        ).one()  # fmt: skip
    report = audited.replay(live=live, check_chain=False)
    assert report.ok, report.differences
    with live.engine.begin() as conn:
        conn.execute(
            r.update().where(r.c.payee == row.payee, r.c.asset_id == row.asset_id, r.c.right == row.right,
                             r.c.valid_from_block == row.valid_from_block).values(held=0)
        )  # fmt: skip
    report = audited.replay(live=live, check_chain=False)
    [diff] = _index_diffs(report.differences)
    assert (diff.record, diff.field, diff.first_block) == ("revenue_totals", "held", row.valid_from_block)
    assert (diff.expected, diff.actual) == (int(row.held), 0)


def test_an_event_missing_from_the_index_is_named_and_breaks_the_balances_from_its_block(
    audited: Audited, fresh_index: FreshIndex
) -> None:
    live = fresh_index()
    t = events_table
    exchange = audited.chain.world.exchange.address
    with live.engine.connect() as conn:
        # A late fee paid to the exchange (which never spends it): without it, no balance goes below zero.
        block, log_index = next(
            (row.block_number, row.log_index)
            for row in conn.execute(
                sa.select(t.c.block_number, t.c.log_index, t.c.args)
                .where(t.c.name == "Transfer")
                .order_by(t.c.block_number.desc(), t.c.log_index.desc())
            )
            if row.args["to"] == exchange
        )
    with live.engine.begin() as conn:
        conn.execute(t.delete().where(t.c.block_number == block, t.c.log_index == log_index))

    from_chain = audited.replay(live=live)
    missing = [d for d in from_chain.differences if d.record == "event"]
    assert [(d.key.split(" (")[0], d.first_block, d.note) for d in missing] == [
        (f"block {block} log {log_index}", block, "missing from the live index")
    ]
    assert from_chain.running_hash != from_chain.index_running_hash

    # Replayed from that index instead, the state lacks the transfer: the contracts' balances disagree
    # from the block of the lost event on.
    from_index = audited.replay(live=live, source="index", check_index=False)
    balances = [d for d in from_index.differences if d.source == "chain" and d.record == "balances"]
    assert len(balances) == 2  # sender and recipient
    assert {d.first_block for d in balances} == {block}


def test_an_altered_event_in_the_index_is_named_and_changes_its_running_hash(
    audited: Audited, fresh_index: FreshIndex
) -> None:
    live = fresh_index()
    t = events_table
    with live.engine.connect() as conn:
        block, log_index, tx_hash = conn.execute(
            sa.select(t.c.block_number, t.c.log_index, t.c.tx_hash).where(t.c.name == "Transfer")
            .order_by(t.c.block_number).limit(1).offset(2)
        ).one()  # fmt: skip
    forged = "0x" + "ab" * 32
    with live.engine.begin() as conn:  # same number of events, one field different
        conn.execute(t.update().where(t.c.block_number == block, t.c.log_index == log_index).values(tx_hash=forged))

    report = audited.replay(live=live)
    altered = [d for d in report.differences if d.record == "event"]
    assert [(d.key.split(" (")[0], d.field, d.expected, d.actual, d.first_block) for d in altered] == [
        (f"block {block} log {log_index}", "tx_hash", tx_hash, forged, block)
    ]
    assert report.running_hash != report.index_running_hash


def _store_rows(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_replay_leaves_the_live_index_untouched(audited: Audited) -> None:
    before = (audited.live.checkpoint(), _store_rows(audited.live, events_table), audited.live.state_checksum())
    audited.replay()
    assert (audited.live.checkpoint(), _store_rows(audited.live, events_table), audited.live.state_checksum()) == before


def test_replay_reports_a_lagging_index_and_audits_the_block_both_hold(
    audited: Audited, fresh_index: FreshIndex
) -> None:
    live = fresh_index()
    live.rollback(audited.after_first_round)
    report = audited.replay(live=live)
    assert report.ok and report.block == audited.after_first_round
    assert any("latest block both hold" in n for n in report.notes)


def test_replay_without_a_node_needs_the_index_as_source(audited: Audited) -> None:
    deployment = audited.chain.world.contracts.deployment
    with pytest.raises(TargetBlockError, match="needs a node"):
        audit_replay(deployment=deployment, build=audited.build, rpc=None, live=audited.live)
    report = audit_replay(deployment=deployment, build=audited.build, rpc=None, live=audited.live, source="index")
    assert report.ok and report.chain.status == "skipped" and report.index.status == "ok"


def test_the_reader_process_yields_what_the_chain_source_reads_in_process(audited: Audited) -> None:
    from ledger.audit import ChainSource, abis_of
    from ledger.audit._canonical import HashChain
    from ledger.audit.sources import worker_batches

    source = ChainSource(audited.chain.rpc, audited.chain.world.contracts.deployment, abis_of(audited.build),
                         span=7, max_logs=50)  # fmt: skip
    target = source.head()
    in_process = list(source.batches(target))
    in_worker = list(worker_batches(source, target))
    assert len(in_worker) == len(in_process) > 3  # small ranges: several batches cross the process boundary
    assert [(b.headers, b.events) for b in in_worker] == [(b.headers, b.events) for b in in_process]
    # Each batch comes with the running hashes over its events, as the replay would compute them.
    expected, adopted = HashChain(), HashChain()
    for batch in in_worker:
        assert batch.segment is not None
        expected.extend(batch.events)
        adopted.adopt(batch.segment)
    assert (adopted.blocks, adopted.head, adopted.events) == (expected.blocks, expected.head, expected.events)


def test_a_reader_process_failure_is_raised_in_the_caller(audited: Audited) -> None:
    from ledger.audit import ChainSource, abis_of
    from ledger.audit.sources import worker_batches
    from ledger.chain import JsonRpcClient
    from ledger.errors import RpcTransportError
    from ledger.indexer import RetriesExhaustedError, RetryPolicy
    from tests.conftest import free_port

    deployment = audited.chain.world.contracts.deployment
    target = ChainSource(audited.chain.rpc, deployment, abis_of(audited.build)).head()
    with JsonRpcClient(f"http://127.0.0.1:{free_port()}", timeout=1) as dead:
        source = ChainSource(dead, deployment, abis_of(audited.build), retry=RetryPolicy(attempts=1, base_delay=0.01))
        with pytest.raises((RetriesExhaustedError, RpcTransportError), match=r"127\.0\.0\.1"):
            list(worker_batches(source, target))


def test_a_replay_store_the_caller_keeps_is_left_with_every_index(audited: Audited, tmp_path: Path) -> None:
    """The replay drops the query indexes while it writes; a named store file keeps them afterwards."""
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    report = audited.replay(replay_url=url, check_chain=False)
    assert report.ok
    kept = open_store(url)
    fresh = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        assert _indexes(kept) == _indexes(fresh) != set()
        assert kept.checkpoint() == audited.live.checkpoint()
        assert kept.state_checksum() == audited.live.state_checksum()
    finally:
        kept.close()
        fresh.close()


def _indexes(store: Store) -> set[tuple[str, str]]:
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        return {(r[0], r[1]) for r in rows}
