"""Batches, history, point-in-time reads and reorg rollback, on SQLite and PostgreSQL.

The event stream is :class:`SyntheticLedger`'s: every event kind of the five contracts, consistent
enough for the projection, deterministic per seed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ledger.decode import BlockHeader, LedgerEvent
from ledger.errors import RetryableError
from ledger.store import ProjectionError, Store, StoreConsistencyError, StoreUnavailableError, open_store
from ledger.store.schema import STATE_TABLES, metadata
from tests.conftest import free_port
from tests.store.conftest import apply_in_batches, sqlite_url
from tests.store.synthetic import SyntheticLedger

EVENTS = 3000  # ~50 blocks of ~60 events


@pytest.fixture(scope="module")
def stream() -> tuple[list[BlockHeader], list[LedgerEvent]]:
    return SyntheticLedger(seed=7, participants=40).batch(EVENTS)


@pytest.fixture(scope="module")
def reference(
    stream: tuple[list[BlockHeader], list[LedgerEvent]], tmp_path_factory: pytest.TempPathFactory
) -> dict[int | None, str]:
    """Checksums of a straight run into SQLite, one block per batch: after every block and at the end."""
    headers, events = stream
    store = open_store(sqlite_url(tmp_path_factory.mktemp("reference") / "ledger.db"))
    sums: dict[int | None, str] = {}
    by_block: dict[int, list[LedgerEvent]] = {}
    for e in events:
        by_block.setdefault(e.block_number, []).append(e)
    for h in headers:
        store.apply([h], by_block.get(h.number, []), h)
        sums[h.number] = store.state_checksum()
    sums[None] = store.state_checksum()
    store.close()
    return sums


def test_open_store_creates_every_table_and_opening_again_changes_nothing(store: Store, store_url: str) -> None:
    with store.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    assert {"blocks", "events", "checkpoint", *STATE_TABLES} <= tables
    assert store.checkpoint() is None
    again = open_store(store_url)
    try:
        assert again.state_checksum() == store.state_checksum()
    finally:
        again.close()


def test_migrations_build_exactly_the_declared_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


def test_batching_does_not_change_the_projected_state(
    store: Store, stream: tuple[list[BlockHeader], list[LedgerEvent]], reference: dict[int | None, str]
) -> None:
    headers, events = stream
    apply_in_batches(store, headers, events, blocks_per_batch=17)
    assert store.checkpoint() == (headers[-1].number, headers[-1].hash)
    # the same digest as the SQLite run with one block per batch: backend- and batching-independent
    assert store.state_checksum() == reference[None]


def test_state_at_an_earlier_block_equals_the_state_when_that_block_was_the_last(
    store: Store, stream: tuple[list[BlockHeader], list[LedgerEvent]], reference: dict[int | None, str]
) -> None:
    headers, events = stream
    apply_in_batches(store, headers, events, blocks_per_batch=50)
    for h in headers[:: max(1, len(headers) // 7)]:
        assert store.state_checksum(at_block=h.number) == reference[h.number], f"block {h.number}"


def test_rollback_restores_the_state_of_the_target_block_and_replay_converges(
    store: Store, stream: tuple[list[BlockHeader], list[LedgerEvent]], reference: dict[int | None, str]
) -> None:
    headers, events = stream
    apply_in_batches(store, headers, events, blocks_per_batch=9)
    target = headers[len(headers) // 3]
    store.rollback(target.number)
    assert store.checkpoint() == (target.number, target.hash)
    assert store.state_checksum() == reference[target.number]
    assert store.block_hash(target.number + 1) is None
    assert not store.as_of().find_events(from_block=target.number + 1)
    # the indexer resumes from the checkpoint with the same events
    rest = [h for h in headers if h.number > target.number]
    apply_in_batches(store, rest, [e for e in events if e.block_number > target.number], blocks_per_batch=13)
    assert store.state_checksum() == reference[None]


def test_rollback_then_another_branch_gives_the_state_of_a_straight_run_of_that_branch(
    store: Store, stream: tuple[list[BlockHeader], list[LedgerEvent]], tmp_path: Path
) -> None:
    headers, events = stream
    fork = headers[len(headers) // 2].number
    apply_in_batches(store, headers, events, blocks_per_batch=10)
    # the other branch: the next five blocks mined again with other hashes, then nothing
    rehashed: dict[int, BlockHeader] = {}
    parent = store.block_hash(fork) or ""
    for h in headers:
        if fork < h.number <= fork + 5:
            rehashed[h.number] = BlockHeader(h.number, "0x" + f"{h.number:x}".rjust(64, "f"), parent, h.timestamp + 1)
            parent = rehashed[h.number].hash
    branch = [
        LedgerEvent(e.block_number, rehashed[e.block_number].hash, e.tx_hash, e.log_index, e.contract, e.name, e.args)
        for e in events
        if e.block_number in rehashed
    ]
    store.rollback(fork)
    apply_in_batches(store, list(rehashed.values()), branch, blocks_per_batch=2)

    straight = open_store(sqlite_url(tmp_path / "straight.db"))
    try:
        kept = [h for h in headers if h.number <= fork]
        apply_in_batches(straight, kept, [e for e in events if e.block_number <= fork], blocks_per_batch=10)
        apply_in_batches(straight, list(rehashed.values()), branch, blocks_per_batch=5)
        assert store.state_checksum() == straight.state_checksum()
        assert store.checkpoint() == straight.checkpoint() == (fork + 5, parent)
    finally:
        straight.close()
    old_tail = {e.tx_hash for e in events if e.block_number > fork + 5}
    assert not old_tail & {e["tx_hash"] for e in store.as_of().find_events(from_block=fork + 1)}


def test_rollback_to_a_block_without_a_stored_header_stops_at_the_stored_header_below(store: Store) -> None:
    headers, events = SyntheticLedger(seed=3).batch(300)
    first = headers[0]
    # a batch whose checkpoint lies past empty blocks the indexer gave no headers for
    empty_tip = BlockHeader(first.number + 4, "0x" + "c4" * 32, "0x" + "c3" * 32, first.timestamp + 40)
    store.apply([first], [e for e in events if e.block_number == first.number], empty_tip)
    assert store.checkpoint() == (empty_tip.number, empty_tip.hash)
    store.rollback(first.number + 2)
    assert store.checkpoint() == (first.number, first.hash)
    assert store.state_checksum() == store.state_checksum(at_block=first.number + 2)
    store.rollback(first.number - 1)
    assert store.checkpoint() is None
    assert store.as_of().find_events() == []
    assert all(not store.as_of().rows(t) for t in STATE_TABLES)


def test_a_failing_batch_leaves_the_store_as_it_was(
    store: Store, stream: tuple[list[BlockHeader], list[LedgerEvent]]
) -> None:
    headers, events = stream
    first = [e for e in events if e.block_number <= headers[4].number]
    store.apply(headers[:5], first, headers[4])
    before = (store.checkpoint(), store.state_checksum())
    bad_block = headers[5]
    broken = LedgerEvent(
        bad_block.number,
        bad_block.hash,
        "0x" + "ab" * 32,
        999,
        "AssetRegistry",
        "LicenseRevoked",
        {"licenseId": 10**9, "by": "0x" + "00" * 20, "causeId": 0, "reasonHash": "0x" + "00" * 32},
    )
    batch = [e for e in events if e.block_number == bad_block.number] + [broken]
    with pytest.raises(ProjectionError):
        store.apply([bad_block], batch, bad_block)
    assert (store.checkpoint(), store.state_checksum()) == before
    assert store.block_hash(bad_block.number) is None


def test_apply_refuses_events_at_or_below_the_checkpoint_and_contradicting_headers(
    store: Store, stream: tuple[list[BlockHeader], list[LedgerEvent]]
) -> None:
    headers, events = stream
    apply_in_batches(store, headers[:5], [e for e in events if e.block_number <= headers[4].number], 5)
    before = store.state_checksum()
    again = [e for e in events if e.block_number == headers[4].number]
    with pytest.raises(StoreConsistencyError, match="at or below the checkpoint"):
        store.apply([headers[4]], again, headers[4])
    forged = BlockHeader(headers[2].number, "0x" + "ee" * 32, headers[2].parent_hash, headers[2].timestamp)
    with pytest.raises(StoreConsistencyError, match="stored hash"):
        store.apply([forged, headers[5]], [], headers[5])
    nxt = [e for e in events if e.block_number == headers[6].number]
    with pytest.raises(StoreConsistencyError, match="below the batch's last event"):
        store.apply([headers[5], headers[6]], nxt, headers[5])
    with pytest.raises(StoreConsistencyError, match="above the checkpoint"):
        store.apply([headers[5], headers[6]], [], headers[5])
    assert store.state_checksum() == before
    assert store.checkpoint() == (headers[4].number, headers[4].hash)


def test_a_log_given_twice_is_refused_and_nothing_of_its_batch_is_kept(
    store: Store, stream: tuple[list[BlockHeader], list[LedgerEvent]]
) -> None:
    headers, events = stream
    first = [e for e in events if e.block_number == headers[0].number]
    with pytest.raises(StoreConsistencyError):
        store.apply([headers[0]], [*first, first[-1]], headers[0])
    assert store.checkpoint() is None
    assert store.as_of().find_events() == []
    store.apply([headers[0]], first, headers[0])
    assert len(store.as_of().find_events()) == len(first)


def test_an_unreachable_database_is_a_retryable_error() -> None:
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere?connect_timeout=2")
    assert isinstance(caught.value, RetryableError)


def test_an_empty_batch_moves_the_checkpoint_and_keeps_the_header(store: Store) -> None:
    header = BlockHeader(5, "0x" + "05" * 32, "0x" + "04" * 32, 1_700_000_000)
    store.apply([], [], header)
    assert store.checkpoint() == (5, header.hash)
    assert store.find_blocks() == [header]


def test_uint256_amounts_beyond_64_bits_are_exact_and_ordered(store: Store) -> None:
    big, small = 2**255 + 12345, 2**63 + 1
    alice = "0x00000000000000000000000000000000000A11cE"
    bob = "0x0000000000000000000000000000000000000B0b"
    header = BlockHeader(1, "0x" + "01" * 32, "0x" + "00" * 32, 1_700_000_000)
    mint = [
        LedgerEvent(
            1,
            header.hash,
            "0x" + "aa" * 32,
            i,
            "SettlementToken",
            "Transfer",
            {"from": "0x" + "00" * 20, "to": who, "value": value},
        )
        for i, (who, value) in enumerate(((alice, big), (bob, small)))
    ]
    store.apply([header], mint, header)
    assert store.as_of().balance_of(alice) == big
    assert store.as_of().find_balances() == {alice: big, bob: small}
    t = STATE_TABLES["balances"].table
    with store.engine.connect() as conn:
        ordered = conn.execute(sa.select(t.c.account).order_by(t.c.balance.desc())).scalars().all()
        above = conn.execute(sa.select(t.c.account).where(t.c.balance > 2**64)).scalars().all()
    assert ordered == [alice, bob]
    assert above == [alice]
    assert store.as_of().find_events(name="Transfer")[0]["args"]["value"] == big


def test_sqlite_store_uses_wal_and_normal_sync(tmp_path: Path) -> None:
    store = open_store(sqlite_url(tmp_path / "x.db"))
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        store.close()
