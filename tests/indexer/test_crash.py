"""Crash safety: ``kill -9`` the indexer (``python -m ledger.cli index``) at random points while it backfills
thousands of events; after every kill the store holds exactly the chain's events up to its checkpoint (no
gap, no duplicate) and the state as of the checkpoint equals a clean run's; runs to the end reach the
clean run's checksum.

The suite kills a ``ledger index`` forked from a warm forkserver (the CLI's code from argument parsing on,
without the interpreter's ~1 s start-up) 5 times on SQLite and 3 times on PostgreSQL, and ``python -m
ledger.cli index`` started afresh twice; ``scripts/soak/kill_indexer.py --cycles N`` runs the loop longer.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import multiprocessing.context
import multiprocessing.process
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ledger.indexer import open_indexer
from ledger.settings import PROJECT_ROOT
from ledger.store import open_store
from ledger.toolchain import Build
from tests.indexer.conftest import FAST, StoreFactory, chain_rows, event_rows
from tests.indexer.scenario import Chain, bulk_trades, every_event_round, running_chain


def make_crash_chain(chain: Chain) -> None:
    """Thousands of events over a few hundred blocks, with stretches of empty blocks between."""
    every_event_round(chain.world)
    for _ in range(6):
        bulk_trades(chain.world, 200, per_batch=20)
        chain.mine(25)
    every_event_round(chain.world)


@dataclass
class CrashStats:
    kills: int = 0
    completed_runs: int = 0
    rounds: int = 0
    checkpoints: list[int | None] = field(default_factory=list)
    seconds: float = 0.0


def _env(chain: Chain, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update({
        "LEDGER_DATA_DIR": str(chain.settings.data_dir),
        "LEDGER_NODE_PORT": str(chain.settings.node_port),
        "LEDGER_DATABASE_URL": url,
        "LEDGER_INDEX_BATCH_BLOCKS": "2",  # small ranges: many commits, so kills land between and inside them
        "LEDGER_INDEX_MAX_LOGS": "400",
        "PYTHONPATH": str(PROJECT_ROOT),
    })  # fmt: skip
    return env


class IndexerRun:
    """One ``ledger index --no-progress --json`` run, stdout and stderr in files.

    ``cli``: ``python -m ledger.cli index`` in a fresh interpreter. ``fork``: the same command (the
    CLI's code, from argument parsing on) in a process forked from a forkserver that has the ledger
    already imported: no interpreter start-up, so a kill costs a tenth of the time and the kill
    moments fall inside the backfill.
    """

    _context: multiprocessing.context.ForkServerContext | None = None

    def __init__(self, mode: str, env: dict[str, str], out: Path) -> None:
        self.out, self.err = out.with_suffix(".out"), out.with_suffix(".err")
        self.proc: subprocess.Popen[bytes] | multiprocessing.process.BaseProcess
        if mode == "cli":
            with self.out.open("wb") as stdout, self.err.open("wb") as stderr:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "ledger.cli", "index", "--no-progress", "--json"],
                    env=env, stdout=stdout, stderr=stderr, cwd=PROJECT_ROOT,
                )  # fmt: skip
        else:
            self.proc = self.forkserver().Process(target=_run_cli, args=(env, str(self.out), str(self.err)))
            self.proc.start()

    @classmethod
    def forkserver(cls) -> multiprocessing.context.ForkServerContext:
        if cls._context is None:
            cls._context = multiprocessing.get_context("forkserver")
            cls._context.set_forkserver_preload(["ledger.cli.main", "ledger.store", "ledger.indexer"])
        return cls._context

    def wait(self, timeout: float) -> int | None:
        """The exit status, or None if still running after ``timeout`` seconds."""
        if isinstance(self.proc, subprocess.Popen):
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                return None
        self.proc.join(timeout)
        return self.proc.exitcode

    def kill(self) -> None:
        """SIGKILL, then reap."""
        if isinstance(self.proc, subprocess.Popen):
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        else:
            self.proc.kill()
            self.proc.join()

    def output(self) -> tuple[str, str]:
        return self.out.read_text(), self.err.read_text()


def _run_cli(env: dict[str, str], out: str, err: str) -> None:
    """In the forked process: stdout/stderr to files, the environment of a fresh process, then the CLI."""
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - lives as long as the process
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    os.environ.clear()
    os.environ.update(env)
    from ledger.cli.main import app

    app(["index", "--no-progress", "--json"])


def check_consistent(
    url: str, expected_rows: list[tuple[object, ...]], reference_checksum: Callable[[int | None], str]
) -> int | None:
    """Asserts the store at ``url`` holds exactly the chain's events up to its checkpoint and the clean
    run's state as of it; returns the checkpoint block."""
    with open_store(url) as store:
        checkpoint = store.checkpoint()
        keys = [(r["block_number"], r["log_index"]) for r in store.as_of().find_events()]
        if checkpoint is None:
            assert keys == []
            return None
        block = checkpoint[0]
        expected = [(r[0], r[1]) for r in expected_rows if r[0] <= block]  # type: ignore[operator]
        assert keys == expected, f"gap or duplicate below checkpoint {block}"
        assert store.block_hash(block) == checkpoint[1]
        assert store.state_checksum(block) == reference_checksum(block)
        return block


def run_crash_cycles(
    chain: Chain,
    new_url: Callable[[], str],
    reference_checksum: Callable[[int | None], str],
    expected_rows: list[tuple[object, ...]],
    *,
    kills: int,
    rng: random.Random,
    mode: str,
    scratch: Path,
) -> CrashStats:
    """Kills ``ledger index`` runs (``mode`` ``cli`` or ``fork``, see :class:`IndexerRun`) at random
    moments until ``kills`` kills happened, checking the store after each. A run that gets to the end
    is checked against the clean run and the next round starts on an emptied database (rolled back
    below its first block: cheaper than a new PostgreSQL database)."""
    stats = CrashStats()
    started = time.monotonic()
    runs = itertools.count()

    def run(url: str) -> IndexerRun:
        return IndexerRun(mode, _env(chain, url), scratch / f"run-{next(runs)}")

    def finish(url: str) -> None:
        """Runs to the end on ``url`` and checks the result against the clean run."""
        done = run(url)
        status = done.wait(300)
        assert status == 0, done.output()[1]
        with open_store(url) as store:
            assert store.state_checksum() == reference_checksum(None)
            assert event_rows(store) == expected_rows

    def empty(url: str) -> None:
        with open_store(url) as store:
            store.rollback(-1)
            assert store.checkpoint() is None and store.as_of().find_events() == []

    # Two complete runs first; the second's start-up and backfill times (the first one's include starting
    # the forkserver and creating the tables) place the kill moments.
    url = new_url()
    for attempt in range(2):
        t0 = time.monotonic()
        full = run(url)
        assert full.wait(300) == 0, full.output()[1]
        indexing = json.loads(full.output()[0])["seconds"]
        startup = time.monotonic() - t0 - indexing
        if attempt == 0:
            empty(url)
    empty(url)
    head = chain.head()
    first = expected_rows[0][0]
    reached: int | None = None
    stalls = 0  # kills in a row that found no progress: start-up took longer than estimated, wait longer
    stats.rounds = 1
    while stats.kills < kills:
        proc = run(url)
        # Mostly while it backfills what is left; some during start-up, some after the last commit.
        left = (head - (first if reached is None else reached)) / max(1, head - first)  # type: ignore[operator]
        patience = 1 + 0.5 * stalls
        status = proc.wait(patience * rng.uniform(0.5 * startup, startup + 1.1 * left * indexing))
        if status is None:
            proc.kill()
            stats.kills += 1
            before, reached = reached, check_consistent(url, expected_rows, reference_checksum)
            stats.checkpoints.append(reached)
            stalls = stalls + 1 if reached == before else 0
            if reached != head:
                continue
        else:
            assert status == 0, proc.output()[1]
            stats.completed_runs += 1
        finish(url)  # a no-op run at the head: the store must be complete
        empty(url)
        reached, stalls = None, 0
        stats.rounds += 1
    finish(url)
    stats.seconds = time.monotonic() - started
    return stats


@pytest.fixture(scope="module")
def crash_chain(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    with running_chain(tmp_path_factory.mktemp("crash-chain"), build) as chain:
        make_crash_chain(chain)
        yield chain


#: A short run of the loop in the suite (each kill costs 10-20 s of a busy machine: the three took 360 s of a worker
#: with 10, 6 and 3 kills); ``scripts/soak/kill_indexer.py --cycles N`` runs it as long as one wants.
@pytest.mark.parametrize(
    ("stores", "mode", "kills"),
    [("sqlite", "fork", 5), ("postgres", "fork", 3), ("sqlite", "cli", 2)],
    indirect=["stores"],
)
def test_kill_9_at_random_points_leaves_no_gap_no_duplicate_and_the_clean_state(
    crash_chain: Chain, stores: StoreFactory, build: Build, tmp_path: Path, mode: str, kills: int
) -> None:
    clean = stores.open()
    open_indexer(crash_chain.settings, clean, crash_chain.rpc, build=build, config=FAST).run()
    expected = chain_rows(crash_chain, build)
    assert len(expected) > 5_000
    checksums: dict[int | None, str] = {}

    def reference(block: int | None) -> str:
        if block not in checksums:
            checksums[block] = clean.state_checksum(block)
        return checksums[block]

    def new_url() -> str:
        url = stores.fresh().url
        assert url is not None
        return url

    stats = run_crash_cycles(
        crash_chain, new_url, reference, expected, kills=kills, rng=random.Random(kills), mode=mode, scratch=tmp_path
    )
    assert stats.kills == kills
    # The kills hit at many points of the backfill (and some before the first or after the last commit).
    # A killed CLI process spends much of its short life importing, so only the forked runner's many
    # kills are required to land at several distinct checkpoints.
    if mode == "fork":
        assert len({c for c in stats.checkpoints if c is not None}) >= max(1, kills // 5), stats.checkpoints
