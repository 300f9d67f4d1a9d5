#!/usr/bin/env python3
"""Servers that the test suite and the benchmarks need, started on loopback when none is given.

Nothing runs when a session or CI starts, so ``scripts/test`` and the benchmarks start what they use
and stop it at the end. Standard library only: ``scripts/test`` calls it before anything is imported
from the project.

PostgreSQL: Debian's server binaries (``postgresql``, installed with apt-get when missing). Each server
belongs to one run: a fresh cluster (``initdb``, trust authentication for ``postgres`` on loopback only,
no Unix socket) in a directory of its own, on a free port, with a ``test`` database. When run as root,
the cluster runs as the ``postgres`` system user (PostgreSQL refuses to run as root). A cluster whose
owning run died without stopping it (kill -9) is stopped and removed by the next start.

    services.py postgres start [--root DIR] [--fast] [--owner PID]   prints "URL DATADIR"
    services.py postgres stop DATADIR

``--fast`` turns off fsync, synchronous commit and full-page writes: for throwaway test data only.
From Python: ``with postgres_server(root) as url: ...``.

Redis: Debian's ``redis-server`` (installed with apt-get when missing), one server per run in a directory
of its own, on a free loopback port, without persistence (no RDB snapshots, no append-only file); an
orphan of a killed run is stopped by the next start, like PostgreSQL's.

    services.py redis start [--root DIR] [--owner PID]   prints "URL DIR"
    services.py redis stop DIR

From Python: ``with redis_server(root) as url: ...``.

HAProxy: Debian's ``haproxy`` (installed with apt-get when missing) in front of API replicas, on a free
loopback port (or ``--port``): round robin, health checks on each replica's ``/ready`` (a replica that is
down, or whose store is unreachable or not indexed yet, gets no requests), reads (GET, HEAD) retried on
another replica when one fails before answering (a replica killed with requests in flight), writes retried
only when they could not be sent (``retry-on conn-failure``: a POST is never sent twice by the balancer).

    services.py haproxy start --backend HOST:PORT [--backend ...] [--port P] [--root DIR] [--owner PID]
                                                                               prints "URL DIR"
    services.py haproxy stop DIR
    services.py haproxy install                                                prints the binary's path

From Python: ``with haproxy_balancer(["127.0.0.1:8001", ...]) as balancer: balancer.url ...``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "Balancer",
    "PostgresServer",
    "RedisServer",
    "ServiceError",
    "haproxy_balancer",
    "postgres_server",
    "redis_server",
    "start_haproxy",
    "start_postgres",
    "start_redis",
    "stop_haproxy",
    "stop_postgres",
    "stop_redis",
]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = ROOT / "build" / "services"
DATABASE = "test"
SUPERUSER = "postgres"
OWNER_FILE = "ledger-owner.pid"  # inside the cluster directory: the pid of the run that owns the server
START_TIMEOUT = 60.0


class ServiceError(RuntimeError):
    """A server could not be installed, started or stopped; the message says which step and why."""


def log(message: str) -> None:
    print(f"services: {message}", file=sys.stderr, flush=True)


@dataclasses.dataclass(frozen=True)
class PostgresServer:
    url: str
    datadir: Path
    port: int


def _is_root() -> bool:
    return os.geteuid() == 0


def _as_cluster_user(command: list[str]) -> list[str]:
    """``command`` run as the user that owns clusters: ``postgres`` when we are root, else ourselves."""
    if not _is_root():
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ServiceError("running as root, but runuser (util-linux) is missing to run PostgreSQL as 'postgres'")
    return [runuser, "-u", SUPERUSER, "--", *command]


def _bindir() -> Path | None:
    """The newest installed PostgreSQL server's bin directory (Debian's layout, then pg_config, then PATH)."""
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(Path(p).parts[-3]))
    if debian:
        return Path(debian[-1]).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if found and (Path(found) / "postgres").exists():
            return Path(found)
    postgres = shutil.which("postgres")
    return Path(postgres).resolve().parent if postgres else None


def _apt_install(*packages: str) -> None:
    apt = shutil.which("apt-get")
    if apt is None:
        raise ServiceError(f"{' '.join(packages)} is not installed and there is no apt-get to install it")
    sudo = [] if _is_root() else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*sudo, apt, "install", "-y", "-qq", "--no-install-recommends", *packages]
    log(f"installing Debian's {' '.join(packages)} with apt-get")
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode == 0:
        return
    subprocess.run([*sudo, apt, "update", "-qq"], env=env, capture_output=True, check=False)
    done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise ServiceError(f"apt-get install {' '.join(packages)} failed (exit {done.returncode}): {tail}")


def postgres_bindir() -> Path:
    """PostgreSQL's server binaries, installing Debian's ``postgresql`` when none is found."""
    found = _bindir()
    if found is None:
        _apt_install("postgresql")
        found = _bindir()
    if found is None:
        raise ServiceError("PostgreSQL's server binaries (initdb, pg_ctl, postgres) are still missing after apt-get")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run(command: list[str], what: str, timeout: float = START_TIMEOUT) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-4:])
        raise ServiceError(f"{what} failed (exit {done.returncode}): {tail}")


def _cluster_parent(root: Path) -> Path:
    """A directory for clusters that the cluster user can reach: ``root`` when it can, else a temporary one
    (root's own checkout may sit in a directory ``postgres`` cannot enter)."""
    root.mkdir(parents=True, exist_ok=True)
    if not _is_root():
        return root
    reachable = subprocess.run(_as_cluster_user(["test", "-w", str(root), "-a", "-x", str(root)]), check=False)
    if reachable.returncode != 0:
        os.chmod(root, 0o1777)  # sticky and world-writable, like /tmp: each cluster directory stays private
        reachable = subprocess.run(_as_cluster_user(["test", "-w", str(root), "-a", "-x", str(root)]), check=False)
    if reachable.returncode == 0:
        return root
    return Path(tempfile.gettempdir())


def _reap_orphans(parent: Path, bindir: Path) -> None:
    """Stops and removes clusters left by runs that died without stopping them."""
    for owner_file in parent.glob(f"ledger-pg-*/{OWNER_FILE}"):
        try:
            owner = int(owner_file.read_text().strip())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        log(f"stopping PostgreSQL left running by a dead run (pid {owner}) in {owner_file.parent}")
        with contextlib.suppress(ServiceError, subprocess.TimeoutExpired):
            stop_postgres(owner_file.parent, bindir)
        shutil.rmtree(owner_file.parent, ignore_errors=True)


def start_postgres(
    root: Path = DEFAULT_ROOT, *, fast: bool = False, owner: int | None = None, kept: Path | None = None
) -> PostgresServer:
    """Initialises a cluster of its own under ``root`` and starts it on a free loopback port, with database
    ``test``. ``owner`` is the pid whose death makes the cluster an orphan (default: the caller).

    ``kept``: a directory whose cluster outlives the run (benchmarks' ``--reuse``): created the first time,
    started again (on a new free port) later; :func:`stop_postgres` with ``remove=False`` keeps it."""
    bindir = postgres_bindir()
    if kept is None:
        parent = _cluster_parent(root)
        _reap_orphans(parent, bindir)
        datadir = Path(tempfile.mkdtemp(prefix="ledger-pg-", dir=parent))
    else:
        datadir = kept.resolve()
        datadir.mkdir(parents=True, exist_ok=True)
        if _is_root() and subprocess.run(_as_cluster_user(["test", "-x", str(datadir)]), check=False).returncode:
            raise ServiceError(f"the '{SUPERUSER}' user cannot enter {datadir}: keep the cluster elsewhere")
        if (datadir / "data" / "postmaster.pid").exists():  # left running by a killed run: stop it first
            with contextlib.suppress(ServiceError, subprocess.TimeoutExpired):
                stop_postgres(datadir, bindir, remove=False)
    (datadir / OWNER_FILE).write_text(f"{owner or os.getpid()}\n")
    cluster = datadir / "data"
    if _is_root():
        entry = pwd.getpwnam(SUPERUSER)
        os.chown(datadir, entry.pw_uid, entry.pw_gid)
    initialised = (cluster / "PG_VERSION").exists()
    try:
        if not initialised:
            _run(
                _as_cluster_user([
                    str(bindir / "initdb"), "-D", str(cluster), "--auth=trust", "-U", SUPERUSER, "-E", "UTF8",
                    "--locale=C", "--no-sync",
                ]),
                "initdb",
            )  # fmt: skip
        options = ["-c listen_addresses=127.0.0.1", "-c unix_socket_directories=''", "-c max_connections=200"]
        if fast:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        for attempt in range(3):  # a free port can be taken by someone else before the server binds it
            port = _free_port()
            started = subprocess.run(
                _as_cluster_user([
                    str(bindir / "pg_ctl"), "-D", str(cluster), "-l", str(datadir / "server.log"), "-w",
                    "-t", str(int(START_TIMEOUT)), "-o", " ".join([f"-p {port}", *options]), "start",
                ]),
                capture_output=True, text=True, timeout=START_TIMEOUT + 10, check=False,
            )  # fmt: skip
            if started.returncode == 0:
                break
            if attempt == 2:
                server_log = (datadir / "server.log").read_text(errors="replace").strip().splitlines()[-4:]
                raise ServiceError(f"pg_ctl start failed (exit {started.returncode}): {' | '.join(server_log)}")
        url = f"postgresql://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}"
        if not initialised:
            createdb = [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, DATABASE]
            _run(createdb, "createdb")
    except BaseException:
        with contextlib.suppress(Exception):
            stop_postgres(datadir, bindir, remove=kept is None)
        raise
    return PostgresServer(url=url, datadir=datadir, port=port)


def stop_postgres(datadir: Path, bindir: Path | None = None, *, remove: bool = True) -> None:
    """Stops the server of a :func:`start_postgres` directory (fast shutdown) and removes the directory
    (unless ``remove`` is false: a kept cluster)."""
    cluster = datadir / "data"
    if (cluster / "postmaster.pid").exists():
        pg_ctl = str((bindir or postgres_bindir()) / "pg_ctl")
        stopped = subprocess.run(
            _as_cluster_user([pg_ctl, "-D", str(cluster), "-m", "fast", "-w", "-t", "30", "stop"]),
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        if stopped.returncode != 0 and (cluster / "postmaster.pid").exists():
            _run(_as_cluster_user([pg_ctl, "-D", str(cluster), "-m", "immediate", "-w", "stop"]), "pg_ctl stop")
    if remove:
        shutil.rmtree(datadir, ignore_errors=True)
    else:
        (datadir / OWNER_FILE).unlink(missing_ok=True)


@contextlib.contextmanager
def postgres_server(root: Path = DEFAULT_ROOT, *, fast: bool = False, kept: Path | None = None) -> Iterator[str]:
    """A PostgreSQL server of the caller's own for the ``with`` block: its URL (database ``test``).
    ``kept``: the cluster's directory, kept after the block (see :func:`start_postgres`)."""
    server = start_postgres(root, fast=fast, kept=kept)
    log(f"PostgreSQL started at {server.url} ({server.datadir})")
    try:
        yield server.url
    finally:
        stop_postgres(server.datadir, remove=kept is None)
        log(f"PostgreSQL at {server.url} stopped")


# ─────────────────────────────────────────────────────────── Redis


@dataclasses.dataclass(frozen=True)
class RedisServer:
    url: str
    directory: Path
    port: int
    pid: int


def redis_binary() -> Path:
    """Debian's ``redis-server``, installed with apt-get when missing."""
    found = shutil.which("redis-server")
    if found is None:
        _apt_install("redis-server")
        found = shutil.which("redis-server")
    if found is None:
        raise ServiceError("redis-server is still missing after apt-get install redis-server")
    return Path(found)


def _redis_ping(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _stop_pid(pid_file: Path, timeout: float = 15.0) -> None:
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _reap_orphaned(parent: Path, prefix: str, pid_name: str) -> None:
    """Stops the servers of ``<prefix>*`` directories whose owning run died, and removes the directories."""
    for owner_file in parent.glob(f"{prefix}*/{OWNER_FILE}"):
        try:
            owner = int(owner_file.read_text().strip())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        log(f"stopping a server left running by a dead run (pid {owner}) in {owner_file.parent}")
        _stop_pid(owner_file.parent / pid_name)
        shutil.rmtree(owner_file.parent, ignore_errors=True)


def start_redis(root: Path = DEFAULT_ROOT, *, owner: int | None = None) -> RedisServer:
    """A Redis server of its own under ``root``, on a free loopback port, without persistence."""
    binary = redis_binary()
    root.mkdir(parents=True, exist_ok=True)
    _reap_orphaned(root, "ledger-redis-", "redis.pid")
    directory = Path(tempfile.mkdtemp(prefix="ledger-redis-", dir=root))
    (directory / OWNER_FILE).write_text(f"{owner or os.getpid()}\n")
    try:
        for attempt in range(3):
            port = _free_port()
            started = subprocess.run(
                [str(binary), "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                 "--daemonize", "yes", "--pidfile", str(directory / "redis.pid"), "--logfile",
                 str(directory / "redis.log"), "--dir", str(directory), "--protected-mode", "yes"],
                capture_output=True, text=True, timeout=START_TIMEOUT, check=False,
            )  # fmt: skip
            deadline = time.monotonic() + 15
            while started.returncode == 0 and time.monotonic() < deadline and not _redis_ping(port):
                time.sleep(0.05)
            if started.returncode == 0 and _redis_ping(port):
                pid = int((directory / "redis.pid").read_text().strip())
                return RedisServer(f"redis://127.0.0.1:{port}/0", directory, port, pid)
            _stop_pid(directory / "redis.pid")
            if attempt == 2:
                tail = (directory / "redis.log").read_text(errors="replace").strip().splitlines()[-3:]
                raise ServiceError(f"redis-server did not start (exit {started.returncode}): {' | '.join(tail)}")
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    raise ServiceError("redis-server did not start")


def stop_redis(directory: Path) -> None:
    """Stops the server of a :func:`start_redis` directory and removes the directory."""
    _stop_pid(directory / "redis.pid")
    shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def redis_server(root: Path = DEFAULT_ROOT) -> Iterator[str]:
    """A Redis server of the caller's own for the ``with`` block: its URL."""
    server = start_redis(root)
    log(f"Redis started at {server.url} ({server.directory})")
    try:
        yield server.url
    finally:
        stop_redis(server.directory)
        log(f"Redis at {server.url} stopped")


# ─────────────────────────────────────────────────────────── HAProxy


@dataclasses.dataclass(frozen=True)
class Balancer:
    url: str
    directory: Path
    port: int
    pid: int
    backends: tuple[str, ...]

    def server_states(self) -> dict[str, str]:
        """Each replica's state as HAProxy sees it (``UP``, ``DOWN``, ...), by ``host:port``."""
        return haproxy_server_states(self.directory, self.backends)


HAPROXY_CONFIG = """\
# Written by scripts/services.py: HAProxy in front of the ledger's API replicas.
global
    maxconn 4096
    nbthread {threads}
    pidfile {directory}/haproxy.pid
    stats socket {directory}/admin.sock mode 600 level admin

defaults
    mode http
    option http-keep-alive
    option forwardfor
    option redispatch 1
    retries 3
    timeout connect 2s
    timeout client 75s
    timeout server 75s
    timeout queue 15s
    timeout http-keep-alive 15s
    timeout http-request 15s
    default-server inter {inter}ms fastinter {fastinter}ms downinter {inter}ms fall 2 rise 2 maxconn {maxconn}

frontend api
    bind 127.0.0.1:{port}
    acl read method GET HEAD
    use_backend replicas if read
    default_backend replicas_writes

# Reads: a request that failed before any answer (refused connection, a replica that died with it in
# flight, no answer in time) is sent again to another replica.
backend replicas
    balance roundrobin
    option httpchk GET /ready
    http-check expect status 200
    retry-on conn-failure empty-response response-timeout
{servers}

# Writes: retried only when they could not be sent; a POST in flight on a replica that dies is answered
# 502/503 and the client retries it (with its Idempotency-Key, the gateway never sends it twice).
backend replicas_writes
    balance roundrobin
    retry-on conn-failure
{tracking}
"""


def haproxy_binary() -> Path:
    """Debian's ``haproxy``, installed with apt-get when missing."""
    found = shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if Path(p).exists()), None
    )
    if found is None:
        _apt_install("haproxy")
        found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if found is None:
        raise ServiceError("haproxy is still missing after apt-get install haproxy")
    return Path(found)


def haproxy_config(
    backends: list[str], port: int, directory: Path, *, inter_ms: int = 1000, maxconn: int = 64, threads: int = 2
) -> str:
    """HAProxy's configuration for ``backends`` (``host:port`` of each API replica) on ``port``."""
    servers = "\n".join(f"    server r{i} {b} check" for i, b in enumerate(backends))
    tracking = "\n".join(f"    server r{i} {b} track replicas/r{i}" for i, b in enumerate(backends))
    return HAPROXY_CONFIG.format(
        threads=threads, directory=directory, inter=inter_ms, fastinter=max(100, inter_ms // 4), maxconn=maxconn,
        port=port, servers=servers, tracking=tracking,
    )  # fmt: skip


def _haproxy_command(directory: Path, command: str) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(directory / "admin.sock"))
        sock.sendall(command.encode() + b"\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def haproxy_server_states(directory: Path, backends: tuple[str, ...]) -> dict[str, str]:
    """The state of each server of the read backend (``UP``, ``DOWN``, ``MAINT``...), by its address."""
    out: dict[str, str] = {}
    lines = _haproxy_command(directory, "show stat").splitlines()
    header = lines[0].lstrip("# ").split(",") if lines else []
    for line in lines[1:]:
        row = dict(zip(header, line.split(","), strict=False))
        if row.get("pxname") == "replicas" and row.get("svname", "").startswith("r"):
            index = int(row["svname"][1:])
            out[backends[index]] = row.get("status", "").split(" ")[0]
    return out


def start_haproxy(
    backends: list[str],
    root: Path = DEFAULT_ROOT,
    *,
    port: int | None = None,
    owner: int | None = None,
    inter_ms: int = 1000,
    maxconn: int = 64,
) -> Balancer:
    """HAProxy in front of ``backends``, in a directory of its own under ``root``, daemonised."""
    binary = haproxy_binary()
    root.mkdir(parents=True, exist_ok=True)
    _reap_orphaned(root, "ledger-haproxy-", "haproxy.pid")
    directory = Path(tempfile.mkdtemp(prefix="ledger-haproxy-", dir=root))
    (directory / OWNER_FILE).write_text(f"{owner or os.getpid()}\n")
    try:
        for attempt in range(3):
            listen = port or _free_port()
            config = directory / "haproxy.cfg"
            config.write_text(haproxy_config(backends, listen, directory, inter_ms=inter_ms, maxconn=maxconn))
            _run([str(binary), "-c", "-q", "-f", str(config)], "haproxy -c (configuration check)")
            started = subprocess.run(
                [str(binary), "-D", "-f", str(config)], capture_output=True, text=True, timeout=START_TIMEOUT,
                check=False,
            )  # fmt: skip
            deadline = time.monotonic() + 15
            while started.returncode == 0 and time.monotonic() < deadline and not (directory / "admin.sock").exists():
                time.sleep(0.05)
            if started.returncode == 0 and (directory / "haproxy.pid").exists():
                pid = int((directory / "haproxy.pid").read_text().split()[0])
                return Balancer(f"http://127.0.0.1:{listen}", directory, listen, pid, tuple(backends))
            _stop_pid(directory / "haproxy.pid")
            if attempt == 2 or port is not None:
                tail = " | ".join((started.stderr or started.stdout).strip().splitlines()[-3:])
                raise ServiceError(f"haproxy did not start (exit {started.returncode}): {tail}")
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    raise ServiceError("haproxy did not start")


def stop_haproxy(directory: Path) -> None:
    """Stops the balancer of a :func:`start_haproxy` directory and removes the directory."""
    _stop_pid(directory / "haproxy.pid")
    shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def haproxy_balancer(backends: list[str], root: Path = DEFAULT_ROOT, **options: Any) -> Iterator[Balancer]:
    """HAProxy in front of ``backends`` for the ``with`` block."""
    balancer = start_haproxy(backends, root, **options)
    log(f"HAProxy at {balancer.url} in front of {', '.join(backends)}")
    try:
        yield balancer
    finally:
        stop_haproxy(balancer.directory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="service", required=True)
    pg = sub.add_parser("postgres").add_subparsers(dest="action", required=True)
    start = pg.add_parser("start", help='start a server of its own; prints "URL DATADIR"')
    start.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    start.add_argument("--fast", action="store_true", help="no fsync (throwaway test data)")
    start.add_argument("--owner", type=int, help="pid whose death makes the server an orphan (default: the caller)")
    stop = pg.add_parser("stop", help="stop the server of DATADIR and remove it")
    stop.add_argument("datadir", type=Path)
    rd = sub.add_parser("redis").add_subparsers(dest="action", required=True)
    rstart = rd.add_parser("start", help='start a server of its own; prints "URL DIR"')
    rstart.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    rstart.add_argument("--owner", type=int, help="pid whose death makes the server an orphan (default: the caller)")
    rstop = rd.add_parser("stop", help="stop the server of DIR and remove it")
    rstop.add_argument("directory", type=Path)
    ha = sub.add_parser("haproxy").add_subparsers(dest="action", required=True)
    hstart = ha.add_parser("start", help='start a balancer in front of --backend replicas; prints "URL DIR"')
    hstart.add_argument("--backend", action="append", required=True, help="HOST:PORT of an API replica (repeat)")
    hstart.add_argument("--port", type=int, help="listen port on 127.0.0.1 (default: a free one)")
    hstart.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    hstart.add_argument("--owner", type=int, help="pid whose death makes the balancer an orphan (default: the caller)")
    hstop = ha.add_parser("stop", help="stop the balancer of DIR and remove it")
    hstop.add_argument("directory", type=Path)
    ha.add_parser("install", help="install Debian's haproxy when missing; prints the binary's path")
    args = parser.parse_args(argv)
    try:
        if args.service == "postgres" and args.action == "start":
            server = start_postgres(args.root, fast=args.fast, owner=args.owner or os.getppid())
            print(server.url, server.datadir)
        elif args.service == "postgres":
            stop_postgres(args.datadir)
        elif args.service == "redis" and args.action == "start":
            redis = start_redis(args.root, owner=args.owner or os.getppid())
            print(redis.url, redis.directory)
        elif args.service == "redis":
            stop_redis(args.directory)
        elif args.action == "install":
            print(haproxy_binary())
        elif args.action == "start":
            balancer = start_haproxy(args.backend, args.root, port=args.port, owner=args.owner or os.getppid())
            print(balancer.url, balancer.directory)
        else:
            stop_haproxy(args.directory)
    except (ServiceError, subprocess.TimeoutExpired) as exc:
        log(f"{args.service} {args.action}: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
