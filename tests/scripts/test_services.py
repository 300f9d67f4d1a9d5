"""scripts/services.py: the PostgreSQL server that scripts/test and the benchmarks start when none is given."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "scripts" / "services.py"


def _services(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SERVICES), *args], capture_output=True, text=True, timeout=180, check=False
    )


def _start(root: Path, owner: int) -> tuple[str, Path]:
    done = _services("postgres", "start", "--root", str(root), "--fast", "--owner", str(owner))
    assert done.returncode == 0, done.stderr
    url, datadir = done.stdout.split()
    return url, Path(datadir)


def _reachable(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute("SELECT current_database()").fetchone() == ("test",)
    except psycopg.OperationalError:
        return False


@pytest.fixture
def services_root() -> Iterator[Path]:
    # Not under pytest's tmp_path: as root, the cluster runs as 'postgres', which cannot enter pytest's
    # private (0700) base directory.
    root = Path(tempfile.mkdtemp(prefix="ledger-services-test-"))
    os.chmod(root, 0o755)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_start_gives_a_loopback_server_with_the_test_database_and_stop_removes_it(services_root: Path) -> None:
    url, datadir = _start(services_root, os.getpid())
    try:
        assert url.startswith("postgresql://postgres@127.0.0.1:") and url.endswith("/test")
        assert _reachable(url)
        with psycopg.connect(url) as conn:
            listen = conn.execute("SHOW listen_addresses").fetchone()
            sockets = conn.execute("SHOW unix_socket_directories").fetchone()
        assert listen == ("127.0.0.1",) and sockets == ("",)
    finally:
        stopped = _services("postgres", "stop", str(datadir))
    assert stopped.returncode == 0, stopped.stderr
    assert not datadir.exists()
    assert not _reachable(url)


def test_a_server_whose_run_died_is_stopped_and_removed_by_the_next_start(services_root: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a pid that no longer runs: the run that started the server was killed
    orphan_url, orphan_dir = _start(services_root, dead.pid)
    live_url, live_dir = _start(services_root, os.getpid())
    try:
        assert not orphan_dir.exists() and not _reachable(orphan_url)
        assert _reachable(live_url)
    finally:
        _services("postgres", "stop", str(live_dir))
        _services("postgres", "stop", str(orphan_dir))


def test_a_kept_cluster_keeps_its_data_across_restarts(services_root: Path) -> None:
    sys.path.insert(0, str(SERVICES.parent))
    from services import postgres_server

    kept = services_root / "kept"
    with postgres_server(services_root, kept=kept) as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (42)")
    assert (kept / "data" / "PG_VERSION").exists()
    with postgres_server(services_root, kept=kept) as url, psycopg.connect(url) as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [(42,)]
