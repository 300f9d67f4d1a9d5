"""Two indexers against one store: one leads, the other stands by and takes over when the leader dies.

``kill -9`` of the leading ``ledger index --follow`` in the middle of its backfill: the standby takes over
within seconds, and the store ends with exactly the chain's events (no gap, no duplicate) and the state
checksum of a single clean run. A deposed leader that still runs cannot write (the epoch fences it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ledger.decode import BlockHeader
from ledger.indexer import open_indexer
from ledger.indexer.leader import FileLeadership, LeadershipLost, PostgresLeadership
from ledger.settings import PROJECT_ROOT
from ledger.store import Store, open_store
from ledger.store.schema import indexer_leader
from ledger.toolchain import Build
from tests.conftest import service_unavailable
from tests.indexer.conftest import FAST, chain_rows
from tests.indexer.scenario import Chain, running_chain
from tests.indexer.test_crash import make_crash_chain
from tests.store.conftest import create_postgres_schema, drop_postgres_schema


@pytest.fixture(scope="module")
def leader_chain(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    with running_chain(tmp_path_factory.mktemp("leader-chain"), build) as chain:
        make_crash_chain(chain)
        yield chain


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = create_postgres_schema("leader_test")
    if url is None:
        service_unavailable("PostgreSQL not reachable")
    try:
        yield url
    finally:
        drop_postgres_schema(url)


def _indexer(chain: Chain, url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update({
        "LEDGER_DATA_DIR": str(chain.settings.data_dir), "LEDGER_NODE_PORT": str(chain.settings.node_port),
        "LEDGER_DATABASE_URL": url, "LEDGER_INDEX_BATCH_BLOCKS": "2", "LEDGER_INDEX_MAX_LOGS": "400",
        "LEDGER_INDEX_LEADER_POLL": "0.2", "PYTHONPATH": str(PROJECT_ROOT),
    })  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "ledger.cli", "--verbose", "index", "--follow", "--no-progress"],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
        )  # fmt: skip


def _leader(store: Store) -> tuple[int, str] | None:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(indexer_leader.c.epoch, indexer_leader.c.holder)).first()
    return None if row is None else (int(row[0]), str(row[1]))


def _wait(what: str, condition: object, timeout: float) -> float:
    started = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - started < timeout, f"{what}: not within {timeout} s"
        time.sleep(0.02)
    return time.monotonic() - started


def test_kill_9_of_the_leader_mid_backfill_the_standby_takes_over_without_gap_or_duplicate(
    leader_chain: Chain, build: Build, pg_url: str, tmp_path: Path
) -> None:
    clean = open_store(f"sqlite:///{tmp_path / 'clean.db'}")
    open_indexer(leader_chain.settings, clean, leader_chain.rpc, build=build, config=FAST).run()
    expected = [(r[0], r[1]) for r in chain_rows(leader_chain, build)]
    head = leader_chain.head()
    first = expected[0][0]
    store = open_store(pg_url)
    procs = [_indexer(leader_chain, pg_url, tmp_path / f"indexer-{i}.log") for i in range(2)]
    try:
        _wait("a leader elected", lambda: _leader(store) is not None, 60)
        # Mid-backfill: a few batches committed, most of the chain still to go.
        _wait("backfill under way", lambda: (store.checkpoint() or (0, ""))[0] > first + (head - first) // 10, 60)
        epoch, holder = _leader(store) or (0, "")
        checkpoint_at_kill = (store.checkpoint() or (0, ""))[0]
        assert checkpoint_at_kill < head, "the backfill ended before the kill: make the chain longer"
        pid = int(holder.rsplit(":", 1)[1])
        leader = next(p for p in procs if p.pid == pid)
        standby = next(p for p in procs if p.pid != pid)
        leader.send_signal(signal.SIGKILL)
        leader.wait()
        killed = time.monotonic()
        takeover = _wait("the standby took over", lambda: (_leader(store) or (0, ""))[0] == epoch + 1, 30)
        assert (_leader(store) or (0, ""))[1].endswith(f":{standby.pid}")
        print(f"takeover after kill -9: {takeover:.2f} s (checkpoint {checkpoint_at_kill} of {head} at the kill)")
        assert takeover < 5.0, f"takeover took {takeover:.1f} s"
        _wait("the new leader reached the head", lambda: (store.checkpoint() or (0, ""))[0] == head, 120)
        assert standby.poll() is None
        # No gap, no duplicate, and the state of a single clean run.
        keys = [(r["block_number"], r["log_index"]) for r in store.as_of().find_events()]
        assert keys == expected
        assert store.state_checksum() == clean.state_checksum()
        assert time.monotonic() - killed < 150
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        store.close()
        clean.close()
    logs = "".join((tmp_path / f"indexer-{i}.log").read_text() for i in range(2))
    assert "standing by" in logs or "leading the indexing" in logs


def test_a_deposed_leader_cannot_write(pg_url: str) -> None:
    store = open_store(pg_url)
    other = open_store(pg_url)
    stop = threading.Event()
    try:
        first, second = PostgresLeadership(store.engine, poll=0.05), PostgresLeadership(other.engine, poll=0.05)
        assert first.acquire(stop)
        waiting = threading.Event()
        threading.Timer(0.3, waiting.set).start()
        assert not second.acquire(waiting)  # the lock is held: the second stands by
        store.fence = first.fence
        block = BlockHeader(1, "0x" + "11" * 32, "0x" + "00" * 32, 1_800_000_000)
        store.apply([block], [], block)
        # The first leader's lock session dies (a partition), but the process goes on and tries to write.
        first._drop()
        assert second.acquire(stop) and second.epoch == (first.epoch or 0) + 1
        following = BlockHeader(2, "0x" + "22" * 32, block.hash, 1_800_000_001)
        with pytest.raises(LeadershipLost):
            store.apply([following], [], following)
        assert store.checkpoint() == (1, block.hash)  # nothing of the deposed leader's batch
        other.fence = second.fence
        other.apply([following], [], following)
        assert other.checkpoint() == (2, following.hash)
        second.release()
    finally:
        store.close()
        other.close()


def test_a_lock_file_elects_one_indexer_of_a_sqlite_store(tmp_path: Path) -> None:
    first, second = FileLeadership(tmp_path / "l.lock", poll=0.05), FileLeadership(tmp_path / "l.lock", poll=0.05)
    assert first.acquire(threading.Event())
    waiting = threading.Event()
    threading.Timer(0.3, waiting.set).start()
    assert not second.acquire(waiting)
    first.release()
    assert second.acquire(threading.Event())
    assert (tmp_path / "l.lock").read_text().strip() == second.holder
    second.release()
