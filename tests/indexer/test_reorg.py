"""Reorgs (anvil_reorg, anvil_rollback), met while following and at start-up: the store is rolled back to
the fork point and ends up with exactly the new chain's events and state; deeper than the window: a stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from ledger.indexer import Indexer, IndexReport, ReorgTooDeepError
from ledger.toolchain import Build
from tests.contracts.conftest import RESERVE
from tests.indexer.conftest import FAST, IndexerMaker, StoreFactory, TestStore, chain_rows, event_rows
from tests.indexer.scenario import Chain, every_event_round


def issue_blocks(chain: Chain, count: int, amount: int = 7) -> None:
    """``count`` blocks with one token issue each (Issued and Transfer events); sent one by one, since
    pipelined transactions may share blocks."""
    w = chain.world
    for i in range(count):
        w.bank.issue(w.merchant.address, amount + i, RESERVE)


def reorg(chain: Chain, depth: int) -> None:
    """``anvil_reorg``: the last ``depth`` blocks are replaced by as many new ones, half of the removed
    transactions mined again one block later than before (their events move), the rest dropped."""
    rpc, head = chain.rpc, chain.head()
    hashes = [
        tx
        for n in range(head - depth + 1, head + 1)
        for tx in rpc.call("eth_getBlockByNumber", [hex(n), False])["transactions"]
    ]
    raws = [rpc.call("eth_getRawTransactionByHash", [tx]) for tx in hashes[: depth // 2]]
    old_head = rpc.call("eth_getBlockByNumber", [hex(head), False])["hash"]
    rpc.call("anvil_reorg", [depth, [[raw, i + 1] for i, raw in enumerate(raws)]])
    chain.world.reset_nonces()
    assert rpc.call("eth_getBlockByNumber", [hex(head), False])["hash"] != old_head


def rollback(chain: Chain, depth: int) -> None:
    """``anvil_rollback`` of ``depth`` blocks, then fewer new blocks with other events (a shorter chain)."""
    chain.rpc.call("anvil_rollback", [depth])
    chain.world.reset_nonces()
    issue_blocks(chain, max(1, depth // 3), amount=1000)


CHANGES: dict[str, Callable[[Chain, int], None]] = {"anvil_reorg": reorg, "anvil_rollback": rollback}


@pytest.fixture
def active_chain(fresh_chain: Chain) -> Chain:
    """70 blocks with token issues, then a round of every event type (one transaction a block), so that a
    reorg of 1 or 60 blocks removes and moves events of many kinds."""
    issue_blocks(fresh_chain, 70)
    every_event_round(fresh_chain.world)
    return fresh_chain


def _head_hash(chain: Chain) -> tuple[int, str]:
    block = chain.rpc.call("eth_getBlockByNumber", ["latest", False])
    return int(block["number"], 16), block["hash"]


def _assert_matches_chain(
    chain: Chain, store: TestStore, stores: StoreFactory, make: IndexerMaker, build: Build
) -> None:
    assert store.checkpoint() == _head_hash(chain)
    assert event_rows(store) == chain_rows(chain, build)
    clean = stores.fresh().open()
    make(chain, clean).run()
    assert store.state_checksum() == clean.state_checksum()


class Follower:
    """An indexer in follow mode on a thread; ``stop()`` returns its report (or raises its error)."""

    def __init__(self, indexer: Indexer) -> None:
        self.indexer = indexer
        self.report: IndexReport | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.report = self.indexer.run(follow=True)
        except BaseException as exc:
            self.error = exc

    def wait_for(self, store: TestStore, checkpoint: tuple[int, str], timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while store.checkpoint() != checkpoint:
            if self.error is not None:
                raise self.error
            assert time.monotonic() < deadline, f"store at {store.checkpoint()}, chain at {checkpoint}"
            time.sleep(0.02)

    def stop(self) -> IndexReport:
        self.indexer.stop.set()
        self.thread.join(timeout=15)
        assert not self.thread.is_alive()
        if self.error is not None:
            raise self.error
        assert self.report is not None
        return self.report


@pytest.fixture
def followers() -> Iterator[list[Follower]]:
    made: list[Follower] = []
    yield made
    for f in made:
        f.indexer.stop.set()
        f.thread.join(timeout=15)


@pytest.mark.parametrize("depth", [1, 60])
def test_reorg_and_rollback_while_following_are_rolled_back_and_reindexed(
    active_chain: Chain,
    stores: StoreFactory,
    make_indexer: IndexerMaker,
    build: Build,
    followers: list[Follower],
    depth: int,
) -> None:
    store = stores.open()
    follower = Follower(make_indexer(active_chain, store, stop=threading.Event()))
    followers.append(follower)
    follower.wait_for(store, _head_hash(active_chain))
    for change in CHANGES.values():
        before = event_rows(store)
        change(active_chain, depth)
        follower.wait_for(store, _head_hash(active_chain))
        assert event_rows(store) != before
        assert event_rows(store) == chain_rows(active_chain, build)
    report = follower.stop()
    assert report.reorgs == 2 and report.rolled_back_blocks >= 2 * depth
    _assert_matches_chain(active_chain, store, stores, make_indexer, build)


@pytest.mark.parametrize("depth", [1, 60])
def test_a_reorg_while_stopped_is_found_and_rolled_back_at_start_up(
    active_chain: Chain, stores: StoreFactory, make_indexer: IndexerMaker, build: Build, depth: int
) -> None:
    make_indexer(active_chain, stores.open()).run()
    for change in CHANGES.values():
        stopped_at = stores.open().checkpoint()
        assert stopped_at == _head_hash(active_chain)
        change(active_chain, depth)

        report = make_indexer(active_chain, stores.open()).run()
        assert report.reorgs == 1
        assert report.rolled_back_blocks == depth  # back to the fork point, not further
        assert report.start_block == stopped_at[0] - depth + 1
        store = stores.open()
        assert store.checkpoint() == _head_hash(active_chain)
        assert event_rows(store) == chain_rows(active_chain, build)
    _assert_matches_chain(active_chain, stores.open(), stores, make_indexer, build)


@pytest.mark.parametrize("while_following", [False, True])
def test_a_reorg_deeper_than_the_window_stops_the_indexer_naming_both_hashes(
    active_chain: Chain,
    stores: StoreFactory,
    make_indexer: IndexerMaker,
    followers: list[Follower],
    while_following: bool,
) -> None:
    config = replace(FAST, reorg_window=10)
    store = stores.open()
    if while_following:
        follower = Follower(make_indexer(active_chain, store, config=config, stop=threading.Event()))
        followers.append(follower)
        follower.wait_for(store, _head_hash(active_chain))
    else:
        make_indexer(active_chain, store, config=config).run()
    checkpoint = store.checkpoint()
    assert checkpoint is not None
    before = store.state_checksum()

    reorg(active_chain, 20)
    new_hash = active_chain.rpc.call("eth_getBlockByNumber", [hex(checkpoint[0]), False])["hash"]
    with pytest.raises(ReorgTooDeepError) as info:
        if while_following:
            deadline = time.monotonic() + 15
            while follower.error is None and time.monotonic() < deadline:
                time.sleep(0.02)
            follower.stop()
        else:
            make_indexer(active_chain, store, config=config).run()
    message = str(info.value)
    assert checkpoint[1] in message and new_hash in message and "10 blocks" in message
    assert (info.value.stored_hash, info.value.chain_hash) == (checkpoint[1], new_hash)
    assert store.checkpoint() == checkpoint and store.state_checksum() == before
