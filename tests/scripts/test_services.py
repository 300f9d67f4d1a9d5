"""scripts/services.py: the PostgreSQL server that scripts/test and the benchmarks start when none is given."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
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


def _ping(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False
    finally:
        client.close()


def test_redis_start_gives_a_loopback_server_without_persistence_and_orphans_are_reaped(services_root: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = _services("redis", "start", "--root", str(services_root), "--owner", str(dead.pid))
    assert orphan.returncode == 0, orphan.stderr
    orphan_url, orphan_dir = orphan.stdout.split()
    live = _services("redis", "start", "--root", str(services_root), "--owner", str(os.getpid()))
    assert live.returncode == 0, live.stderr
    url, directory = live.stdout.split()
    try:
        assert url.startswith("redis://127.0.0.1:") and _ping(url)
        assert not Path(orphan_dir).exists() and not _ping(orphan_url)
        import redis

        client = redis.Redis.from_url(url)
        assert client.config_get("save") == {"save": ""} and client.config_get("appendonly") == {"appendonly": "no"}
        client.close()
    finally:
        stopped = _services("redis", "stop", directory)
    assert stopped.returncode == 0 and not Path(directory).exists() and not _ping(url)


def test_haproxy_balances_over_the_replicas_that_answer_ready(services_root: Path) -> None:
    import http.server
    import threading
    import urllib.request

    class Replica(http.server.BaseHTTPRequestHandler):
        ready = True

        def do_GET(self) -> None:
            status = 200 if self.path != "/ready" or type(self).ready else 503
            body = f"{self.server.server_port}".encode()  # type: ignore[attr-defined]
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class NotReady(Replica):
        ready = False

    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), h) for h in (Replica, Replica, NotReady)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    backends = [f"127.0.0.1:{s.server_port}" for s in servers]
    sys.path.insert(0, str(SERVICES.parent))
    from services import haproxy_balancer

    try:
        with haproxy_balancer(backends, services_root, inter_ms=200) as balancer:
            deadline = time.monotonic() + 20
            wanted = {backends[0]: "UP", backends[1]: "UP", backends[2]: "DOWN"}
            while balancer.server_states() != wanted:
                assert time.monotonic() < deadline, balancer.server_states()
                time.sleep(0.1)
            seen = {urllib.request.urlopen(f"{balancer.url}/x", timeout=5).read().decode() for _ in range(20)}
            assert seen == {str(servers[0].server_port), str(servers[1].server_port)}
            directory = balancer.directory
        assert not directory.exists()
    finally:
        for server in servers:
            server.shutdown()
