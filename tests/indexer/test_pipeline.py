"""Backfill and restart: the store ends up with exactly the chain's events, whatever the batching."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from ledger.indexer import IndexerConfig, RetryPolicy, StartBlockError
from ledger.toolchain import Build
from tests.indexer.conftest import IndexerMaker, StoreFactory, chain_rows, event_rows
from tests.indexer.fakestore import FakeStore
from tests.indexer.scenario import EVENT_TYPES, Chain


def test_backfill_stores_every_event_of_the_chain_once(
    busy_chain: Chain, stores: StoreFactory, make_indexer: IndexerMaker, build: Build
) -> None:
    store = stores.open()
    report = make_indexer(busy_chain, store).run()
    head = busy_chain.head()
    expected = chain_rows(busy_chain, build)
    assert {row[5] for row in expected} == EVENT_TYPES
    assert event_rows(store) == expected
    assert store.checkpoint() == (head, busy_chain.rpc.call("eth_getBlockByNumber", [hex(head), False])["hash"])
    assert report.events == len(expected) and report.checkpoint == store.checkpoint()
    assert report.batches > 3  # small first ranges, grown on the way
    for number in {row[0] for row in expected}:
        assert store.block_hash(number) == next(r[2] for r in expected if r[0] == number)


def test_batching_does_not_change_the_state(
    busy_chain: Chain, stores: StoreFactory, make_indexer: IndexerMaker
) -> None:
    one_batch = stores.open()
    whole = make_indexer(busy_chain, one_batch, config=IndexerConfig(batch_blocks=1_000_000, max_logs=10**9)).run()
    small = stores.fresh().open()
    report = make_indexer(busy_chain, small, config=IndexerConfig(batch_blocks=1, max_logs=8)).run()
    # How many blocks the scenario fills depends on how the node packed its transactions.
    assert report.batches >= 10 * whole.batches
    assert small.state_checksum() == one_batch.state_checksum()
    assert event_rows(small) == event_rows(one_batch)


def test_restart_continues_after_the_checkpoint_without_gap_or_duplicate(
    busy_chain: Chain, stores: StoreFactory, make_indexer: IndexerMaker, build: Build
) -> None:
    store = stores.open()
    stop = threading.Event()
    if isinstance(store, FakeStore):
        store.before_apply = lambda n: stop.set() if n == 4 else None
    else:
        original = store.apply
        count = [0]

        def apply_then_stop(*args: object) -> None:
            original(*args)  # type: ignore[arg-type]
            count[0] += 1
            if count[0] == 4:
                stop.set()

        store.apply = apply_then_stop  # type: ignore[method-assign]
    first = make_indexer(busy_chain, store, stop=stop).run()
    partial = store.checkpoint()
    assert partial is not None and partial[0] < busy_chain.head()
    assert first.checkpoint == partial

    reopened = stores.open()
    second = make_indexer(busy_chain, reopened).run()
    assert second.start_block == partial[0] + 1
    rows = event_rows(reopened)
    assert rows == chain_rows(busy_chain, build)
    assert first.events + second.events == len(rows)
    clean = stores.fresh().open()
    make_indexer(busy_chain, clean).run()
    assert reopened.state_checksum() == clean.state_checksum()


def test_from_block_starts_an_empty_store_there_and_must_continue_a_full_one(
    busy_chain: Chain, stores: StoreFactory, make_indexer: IndexerMaker, build: Build
) -> None:
    rows = chain_rows(busy_chain, build)
    store = stores.open()
    # The real stores' projection needs the whole history: start them before the deployment.
    start = rows[len(rows) // 2][0] if isinstance(store, FakeStore) else 0
    report = make_indexer(busy_chain, store).run(from_block=start)
    assert report.start_block == start
    assert event_rows(store) == [r for r in rows if r[0] >= start]
    before = store.state_checksum()
    with pytest.raises(StartBlockError, match=f"continues at {busy_chain.head() + 1}"):
        make_indexer(busy_chain, store).run(from_block=start)
    assert store.state_checksum() == before
    make_indexer(busy_chain, store).run(from_block=busy_chain.head() + 1)  # the block it continues at is fine


def test_confirmations_hold_back_the_newest_blocks(
    busy_chain: Chain, stores: StoreFactory, make_indexer: IndexerMaker, build: Build
) -> None:
    store = stores.open()
    config = IndexerConfig(confirmations=5, retry=RetryPolicy(attempts=2, base_delay=0.01))
    make_indexer(busy_chain, store, config=config).run()
    head = busy_chain.head()
    checkpoint = store.checkpoint()
    assert checkpoint is not None and checkpoint[0] == head - 5
    assert event_rows(store) == chain_rows(busy_chain, build, to_block=head - 5)


def test_follow_mode_stores_new_events_as_blocks_arrive(
    fresh_chain: Chain, stores: StoreFactory, make_indexer: IndexerMaker, build: Build
) -> None:
    store = stores.open()
    stop = threading.Event()
    indexer = make_indexer(fresh_chain, store, stop=stop)
    thread = threading.Thread(target=indexer.run, kwargs={"follow": True})
    thread.start()
    try:
        for _ in range(3):
            fresh_chain.world.registered_asset()
            head = fresh_chain.head()
            _wait_for(lambda h=head: (store.checkpoint() or (0, ""))[0] >= h, timeout=10)  # type: ignore[misc]
            assert event_rows(store) == chain_rows(fresh_chain, build)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def _wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"condition not met within {timeout}s")
