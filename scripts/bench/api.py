#!/usr/bin/env python3
"""Read API latency under an open-loop load, on SQLite and PostgreSQL: one replica, or N behind HAProxy.

Per backend: a fresh store gets ``--events`` synthetic ledger events through ``Store.apply``
(:class:`tests.store.synthetic.SyntheticLedger`: participants, assets, licences, trades, objections,
freezes, orders ... with their projected state), then assets and trades written straight into the
tables (SQLite ``executemany``, PostgreSQL ``COPY``) up to ``--assets`` assets and ``--trades``
trades, then ``ANALYZE``. The API runs in subprocesses (uvicorn, one worker each unless ``--workers``,
loopback): one, or ``--replicas N`` behind HAProxy (Debian's, started by scripts/services.py with the
same configuration as the tests: round robin, /ready health checks); this process sends requests on a
fixed schedule (open loop: a slow answer does not delay the next request, and
latency counts from the scheduled send time) mixing asset detail (40 %), filtered asset lists of 20
(40 %: category, status+category, holder, kind+region, frozen) and trade aggregates (20 %: per day,
category or exchange, some over a period). The load starts as soon as every API process answers ``/ready``: its first
``--warmup`` seconds (default 10, same mix and rate) are the warm-up, reported as ``warmup_p99_ms``; the
measurement follows.

Reported per backend (``sqlite``, ``postgres``), for ``--replicas N`` at ``--rate`` (default 200 a second
per replica): ``p50_ms``, ``p99_ms``, ``requests``, ``errors``, ``warmup_p99_ms``, ``rps`` (answered a
second), per-kind percentiles, the 1-minute load average before and after (``load_1m``); with N > 1 also
the same figures of one replica at ``--single-rate`` (default 200) measured in the same run, on the same
store, just before (``single_replica``); and the set-up figures (rows, seconds).

Usage: ``python scripts/bench/api.py [--json] [--assets N] [--events N] [--trades N] [--seconds S]``
``[--replicas N] [--rate R] [--single-rate R] [--postgres URL | --no-postgres] [--reuse DIR]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from _common import POSTGRES_HELP, free_port, postgres_base, postgres_schema, services
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from sqlalchemy.engine import make_url

from ledger.store import Store, normalize_database_url, open_store
from ledger.store import schema as s
from ledger.store._engine import write_options
from ledger.store.aggregates import rebuild_aggregates
from ledger.store.projection import trade_key
from tests.store.synthetic import SyntheticLedger

ROOT = Path(__file__).resolve().parents[2]
DAY = 86_400
_MASK256 = (1 << 256) - 1


def log(message: str) -> None:
    print(f"bench/api: {message}", file=sys.stderr, flush=True)


# ─────────────────────────────────────────────────────────── populating the store


def _hex(i: int, salt: int) -> str:
    return f"0x{((i + 1) * 0x9E3779B97F4A7C15 * (salt | 1) + salt) & _MASK256:064x}"


def _pool(n: int) -> list[str]:
    return [to_checksum_address(keccak(text=f"bench-api/holder/{i}")[-20:]) for i in range(n)]


ASSET_COLUMNS = (
    "asset_id", "valid_from_block", "valid_to_block", "content_hash", "name", "category", "grade", "kind", "region",
    "status", "metadata_uri", "metadata_hash", "applicant", "holding_holder", "processing_holder",
    "operation_holder", "disputed", "frozen", "anonymised", "suspended", "recognised", "licensed_until",
    "rights_split",
    "open_objections", "certificate_serial", "registrar",
    "review_hash", "registered_block", "registered_at", "applied_block", "applied_at",
    "anonymisation_report_hash", "cancel_reason_hash",
)  # fmt: skip
TRADE_COLUMNS = (
    "trade_key", "valid_from_block", "valid_to_block", "trade_id", "asset_id", "exchange", "on_exchange", "seller",
    "buyer", "price", "fee", "seller_amount", "right", "licence_id", "mandate_id", "listed", "timestamp", "tx_hash",
    "log_index",
)  # fmt: skip
_REGIONS = (450000, 450100, 450200, 440000)
_STATUSES = (2,) * 17 + (1, 1, 4)  # 85 % registered, 10 % pending, 5 % cancelled


def asset_rows(
    first_id: int, count: int, block: int, now: int, holders: list[str], seed: int
) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    registrar = holders[0]
    for i in range(count):
        asset_id = first_id + i
        status = _STATUSES[rng.randrange(len(_STATUSES))]
        owner = holders[rng.randrange(len(holders))]
        registered = status != 1
        applied_at = now - rng.randrange(365 * DAY)
        processing = holders[rng.randrange(len(holders))] if rng.random() < 0.3 else owner
        operation = holders[rng.randrange(len(holders))] if rng.random() < 0.3 else owner
        yield (
            asset_id, block, None, _hex(asset_id, 1), f"Bulk dataset {asset_id}: Guangxi logistics flows",
            rng.randrange(3), rng.randrange(3), rng.randrange(4), _REGIONS[rng.randrange(4)], status,
            f"ipfs://bench/{asset_id}", _hex(asset_id, 3), owner, owner, processing, operation,
            rng.random() < 0.01, rng.random() < 0.01, False, False, False, 0, processing != owner or operation != owner,
            0,
            asset_id if registered else 0, registrar if registered else None,
            _hex(asset_id, 5) if registered else None, block if registered else None,
            applied_at + 3600 if registered else 0, block, applied_at, None, None,
        )  # fmt: skip


def trade_rows(
    count: int, first_asset: int, assets: int, block: int, now: int, holders: list[str], exchanges: list[str], seed: int
) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    zero = "0x" + "00" * 20
    for i in range(count):
        exchange = exchanges[rng.randrange(len(exchanges))] if rng.random() < 0.85 else zero
        price = rng.randrange(1_000, 10_000_000)
        fee = price // 100 if exchange != zero else 0
        seller, buyer = holders[rng.randrange(len(holders))], holders[rng.randrange(len(holders))]
        trade_id = _hex(i, 7)
        yield (
            trade_key(exchange, seller, buyer, trade_id), block, None, trade_id, first_asset + rng.randrange(assets),
            exchange, exchange != zero, seller, buyer, price, fee, price - fee, rng.randrange(3), 0, None, False,
            now - rng.randrange(365 * DAY), _hex(i, 9), 1_000_000 + i,
        )  # fmt: skip


def bulk_insert(store: Store, table: sa.Table, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> int:
    """Writes ``rows`` in one transaction: PostgreSQL COPY, SQLite executemany in chunks."""
    written = 0
    names = ", ".join(f'"{c}"' for c in columns)
    raw = store.engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        if store.dialect == "postgresql":
            with driver.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            driver.commit()
        else:
            sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
            driver.execute("BEGIN IMMEDIATE")
            chunk: list[tuple[Any, ...]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == 50_000:
                    driver.executemany(sql, chunk)
                    written += len(chunk)
                    chunk = []
            if chunk:
                driver.executemany(sql, chunk)
                written += len(chunk)
            driver.execute("COMMIT")
    finally:
        raw.close()
    return written


def stored_info(url: str) -> dict[str, Any] | None:
    """What a store populated by an earlier run (``--reuse``) holds, or None if it is empty."""
    store = open_store(url)
    try:
        if store.checkpoint() is None:
            return None
        with store.engine.connect() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(s.events)).scalar_one()
            assets = conn.execute(
                sa.select(sa.func.count()).select_from(s.assets).where(s.assets.c.valid_to_block.is_(None))
            ).scalar_one()
            trades = conn.execute(sa.select(sa.func.count()).select_from(s.trades)).scalar_one()
            top = conn.execute(sa.select(sa.func.max(s.assets.c.asset_id))).scalar_one()
        return {
            "events": int(count), "assets": int(assets), "trades": int(trades), "max_asset_id": int(top),
            "holders": _pool(50), "apply_seconds": None, "bulk_seconds": None,
        }  # fmt: skip
    finally:
        store.close()


def populate(url: str, args: argparse.Namespace) -> dict[str, Any]:
    if args.reuse is not None:
        found = stored_info(url)
        if found is not None:
            log("  reusing the store populated by an earlier run")
            return found
    started = time.perf_counter()
    store = open_store(url)
    try:
        ledger = SyntheticLedger(seed=args.seed, participants=1000, events_per_block=60)
        events = 0
        while events < args.events:
            headers, evs = ledger.batch(min(20_000, args.events - events))
            store.apply(headers, evs, headers[-1])
            events += len(evs)
        events_s = time.perf_counter() - started
        checkpoint = store.checkpoint()
        assert checkpoint is not None
        block = checkpoint[0]
        with store.engine.connect() as conn:
            now = int(conn.execute(sa.select(s.blocks.c.timestamp).where(s.blocks.c.number == block)).scalar_one())
            max_id = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(s.assets.c.asset_id), 0))).scalar_one())
            ledger_assets = int(conn.execute(sa.select(sa.func.count(sa.distinct(s.assets.c.asset_id)))).scalar_one())
            ledger_trades = int(conn.execute(sa.select(sa.func.count()).select_from(s.trades)).scalar_one())
        holders = _pool(2_000) + list(ledger.traders)
        t = time.perf_counter()
        extra_assets = max(0, args.assets - ledger_assets)
        bulk_insert(
            store, s.assets, ASSET_COLUMNS, asset_rows(max_id + 1, extra_assets, block, now, holders, args.seed)
        )
        extra_trades = max(0, args.trades - ledger_trades)
        trades = trade_rows(
            extra_trades, max_id + 1, max(1, extra_assets), block, now, holders, ledger.exchanges, args.seed
        )
        bulk_insert(store, s.trades, TRADE_COLUMNS, trades)
        # The trades written around Store.apply: their totals, as the indexer would have kept them.
        with store.engine.connect().execution_options(**write_options()) as conn, conn.begin():
            rebuild_aggregates(conn)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        bulk_s = time.perf_counter() - t
        return {
            "events": events,
            "assets": ledger_assets + extra_assets,
            "trades": ledger_trades + extra_trades,
            "max_asset_id": max_id + extra_assets,
            "holders": holders[:50],
            "apply_seconds": round(events_s, 1),
            "bulk_seconds": round(bulk_s, 1),
        }
    finally:
        store.close()


# ─────────────────────────────────────────────────────────── load


@contextmanager
def api_servers(url: str, data_dir: Path, replicas: int, workers: int) -> Iterator[list[str]]:
    """``replicas`` API processes over the store at ``url``, each until it answers ``/ready``; their base URLs."""
    env = {**os.environ, "LEDGER_DATABASE_URL": url, "LEDGER_DATA_DIR": str(data_dir)}
    procs: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for _ in range(replicas):
            port = free_port()
            command = [
                sys.executable, "-m", "uvicorn", "--factory", "api.main:app_factory", "--host", "127.0.0.1",
                "--port", str(port), "--log-level", "warning", "--no-access-log", "--workers", str(workers),
            ]  # fmt: skip
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            procs.append((proc, f"http://127.0.0.1:{port}"))
        deadline = time.monotonic() + 120
        for proc, base in procs:
            while True:
                if proc.poll() is not None:
                    tail = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                    raise RuntimeError(f"the API exited: {tail}")
                try:
                    if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the API did not become ready in 120 s")
                time.sleep(0.05)
        yield [base for _, base in procs]
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def serving(url: str, data_dir: Path, replicas: int, workers: int) -> Iterator[str]:
    """Where to send the load: the one API process, or HAProxy in front of ``replicas`` of them (every
    replica up in its health checks)."""
    with api_servers(url, data_dir, replicas, workers) as bases:
        if replicas == 1:
            yield bases[0]
            return
        backends = [b.removeprefix("http://") for b in bases]
        with services.haproxy_balancer(backends, data_dir / "services", inter_ms=500) as balancer:
            deadline = time.monotonic() + 30
            while set(balancer.server_states().values()) != {"UP"}:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"HAProxy does not see every replica up: {balancer.server_states()}")
                time.sleep(0.05)
            yield balancer.url


def request_mix(info: dict[str, Any], seed: int) -> Callable[[], tuple[str, str]]:
    rng = random.Random(seed)
    top = int(info["max_asset_id"])
    holders: list[str] = info["holders"]
    categories, kinds = ("public", "enterprise", "personal"), ("dataset", "model", "service", "verification_product")

    def lists() -> str:
        choice = rng.randrange(5)
        if choice == 0:
            return f"/api/v1/assets?category={rng.choice(categories)}&limit=20"
        if choice == 1:
            return f"/api/v1/assets?status=registered&category={rng.choice(categories)}&limit=20"
        if choice == 2:
            return f"/api/v1/assets?holder={rng.choice(holders)}&limit=20"
        if choice == 3:
            return f"/api/v1/assets?kind={rng.choice(kinds)}&region={rng.choice(_REGIONS)}&limit=20"
        return "/api/v1/assets?frozen=true&limit=20"

    def aggregates() -> str:
        by = rng.choice(("day", "category", "exchange"))
        if rng.random() < 0.5:
            return f"/api/v1/trades/aggregates?group_by={by}"
        return f"/api/v1/trades/aggregates?group_by={by}&from=2025-03-01T00:00:00Z&to=2025-06-30T00:00:00Z"

    def next_request() -> tuple[str, str]:
        r = rng.random()
        if r < 0.4:
            return "detail", f"/api/v1/assets/{rng.randrange(1, top + 1)}"
        if r < 0.8:
            return "list", lists()
        return "aggregate", aggregates()

    return next_request


class _Connections:
    """Keep-alive HTTP/1.1 connections to the server, written and parsed by hand: httpx costs
    several times the server's CPU per request, and a load generator that falls behind its
    schedule measures itself."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.host, self.port = host, port
        self.idle: asyncio.LifoQueue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.LifoQueue()
        self.size = size
        self.opened = 0

    async def get(self, path: str) -> int:
        reused = not self.idle.empty() or self.opened >= self.size
        if reused:
            reader, writer = await self.idle.get()
        else:
            self.opened += 1
            reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            status = await self._exchange(reader, writer, path)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            writer.close()
            if not reused:
                self.opened -= 1
                raise
            # The server closes keep-alive connections idle for a few seconds: one retry on a new one.
            reader, writer = await asyncio.open_connection(self.host, self.port)
            try:
                status = await self._exchange(reader, writer, path)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                writer.close()
                self.opened -= 1
                raise
        self.idle.put_nowait((reader, writer))
        return status

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await reader.readexactly(length)
        return status

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait()[1].close()


async def _drive(
    base: str, rate: float, seconds: float, next_request: Callable[[], tuple[str, str]], failures: dict[str, int]
) -> list[tuple[str, float, bool]]:
    """Sends ``rate`` requests a second for ``seconds`` on a fixed schedule; counts failures by kind
    and status (or exception) into ``failures``."""
    results: list[tuple[str, float, bool]] = []
    host, port = base.removeprefix("http://").rsplit(":", 1)
    pool = _Connections(host, int(port), 256)
    loop = asyncio.get_running_loop()

    async def one(kind: str, path: str, scheduled: float) -> None:
        try:
            status = await pool.get(path)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            status = 0
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
        if status != 200:
            failures[f"{kind} {status}"] = failures.get(f"{kind} {status}", 0) + 1
        results.append((kind, loop.time() - scheduled, status == 200))

    tasks = []
    start = loop.time() + 0.05
    for i in range(int(rate * seconds)):
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        kind, path = next_request()
        tasks.append(asyncio.create_task(one(kind, path, scheduled)))
    await asyncio.gather(*tasks)
    pool.close()
    return results


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarise(results: list[tuple[str, float, bool]]) -> dict[str, Any]:
    latencies = [r[1] * 1000 for r in results]
    out: dict[str, Any] = {
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "requests": len(results),
        "errors": sum(1 for r in results if not r[2]),
    }
    for kind in ("detail", "list", "aggregate"):
        mine = [r[1] * 1000 for r in results if r[0] == kind]
        out[f"{kind}_p50_ms"] = round(percentile(mine, 0.50), 2)
        out[f"{kind}_p99_ms"] = round(percentile(mine, 0.99), 2)
    out["max_ms"] = round(max(latencies, default=0.0), 1)
    return out


def load_run(url: str, info: dict[str, Any], args: argparse.Namespace, tmp: Path, replicas: int, rate: float
             ) -> dict[str, Any]:  # fmt: skip
    """Starts ``replicas`` API processes (behind HAProxy when more than one), drives the warm-up as soon as
    they are ready, then the measurement; their figures."""
    log(f"  {replicas} replica(s){' behind HAProxy' if replicas > 1 else ''}, {rate:g} requests/s")
    load_before = os.getloadavg()[0]
    with serving(url, tmp, replicas, args.workers) as base:
        mix = request_mix(info, args.seed)
        warm_failures: dict[str, int] = {}
        warm = asyncio.run(_drive(base, rate, args.warmup, mix, warm_failures)) if args.warmup > 0 else []
        failures: dict[str, int] = {}
        started = time.monotonic()
        results = asyncio.run(_drive(base, rate, args.seconds, mix, failures))
        elapsed = time.monotonic() - started
    report = summarise(results)
    report["warmup_p99_ms"] = round(percentile([r[1] * 1000 for r in warm], 0.99), 2)
    report["warmup_errors"] = sum(1 for r in warm if not r[2])
    report["rps"] = round(sum(1 for r in results if r[2]) / elapsed, 1)
    report["failures"] = failures
    report["rate"] = rate
    report["replicas"] = replicas
    report["workers"] = args.workers
    report["seconds"] = args.seconds
    report["load_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    log(
        f"    warm-up p99 {report['warmup_p99_ms']} ms; p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms,"
        f" {report['requests']} requests, {report['errors']} errors, {report['rps']} answered/s"
        f" (load {report['load_1m'][0]} -> {report['load_1m'][1]})"
    )
    return report


def measure(url: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    log(
        f"populating {make_url(url).get_backend_name()}: {args.events} events, {args.assets} assets,"
        f" {args.trades} trades"
    )
    info = populate(url, args)
    log(
        f"  {info['events']} events (applied in {info['apply_seconds']}s), {info['assets']} assets,"
        f" {info['trades']} trades (bulk rows in {info['bulk_seconds']}s)"
    )
    single: dict[str, Any] | None = None
    if args.replicas > 1 and args.single_rate > 0:
        single = load_run(url, info, args, tmp, 1, args.single_rate)
    report = load_run(url, info, args, tmp, args.replicas, args.rate or 200.0 * args.replicas)
    if single is not None:
        report["single_replica"] = single
    report.update({k: info[k] for k in ("events", "assets", "trades", "apply_seconds", "bulk_seconds")})
    return report


@contextmanager
def kept_postgres_schema(base: str, name: str) -> Iterator[str]:
    """A schema that outlives the run (``--reuse``)."""
    admin = sa.create_engine(normalize_database_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{name}"'))
    admin.dispose()
    yield (
        make_url(normalize_database_url(base))
        .update_query_dict({"options": f"-csearch_path={name}"})
        .render_as_string(hide_password=False)
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        where = Path(tmp) if args.reuse is None else Path(args.reuse)
        where.mkdir(parents=True, exist_ok=True)
        out["sqlite"] = measure(f"sqlite:///{where / 'api.db'}", args, Path(tmp))
        if not args.no_postgres:
            kept = None if args.reuse is None else where / "postgres"
            with postgres_base(args.postgres, kept) as base:
                schema = (
                    postgres_schema(base, "bench_api")
                    if args.reuse is None
                    else kept_postgres_schema(base, "bench_api_reuse")
                )
                with schema as url:
                    out["postgres"] = measure(url, args, Path(tmp))
    out["goal"] = {"p50_ms": 5, "p99_ms": 25, "errors": 0, "warmup_p99_ms": 50}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--assets", type=int, default=1_000_000, help="assets in the store (1000000)")
    p.add_argument("--events", type=int, default=1_000_000, help="synthetic events applied (1000000)")
    p.add_argument("--trades", type=int, default=1_000_000, help="trades in the store (1000000)")
    p.add_argument("--seconds", type=float, default=60, help="measured seconds of load (60)")
    p.add_argument("--warmup", type=float, default=10, help="seconds of load before measuring (10)")
    p.add_argument("--replicas", type=int, default=1, help="API processes, behind HAProxy when more than one (1)")
    p.add_argument("--rate", type=float, default=0, help="requests per second (default: 200 per replica)")
    p.add_argument(
        "--single-rate",
        type=float,
        default=200,
        help="with --replicas N > 1: also one replica at this rate, in the same run (200; 0: not)",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1)")
    p.add_argument("--postgres", help=POSTGRES_HELP)
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument(
        "--reuse",
        metavar="DIR",
        help="keep the stores (DIR/api.db, PostgreSQL schema bench_api_reuse; when no server is given, the"
        " started server's cluster in DIR/postgres) and reuse them when populated",
    )
    args = p.parse_args(argv)
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for backend in ("sqlite", "postgres"):
            if backend not in report:
                continue
            r = report[backend]
            for label, figures in (("", r.get("single_replica")), ("", r)):
                if figures is None:
                    continue
                name = f"{backend} {figures['replicas']}x {figures['rate']:g}/s"
                print(
                    f"{name:<24} p50 {figures['p50_ms']:>7.2f} ms  p99 {figures['p99_ms']:>7.2f} ms"
                    f"  warm-up p99 {figures['warmup_p99_ms']:>7.2f} ms  {figures['requests']} requests"
                    f"  {figures['errors']} errors  {figures['rps']} rps  load {figures['load_1m']}{label}"
                )
            print(f"{'':<24} ({r['assets']} assets, {r['events']} events, {r['trades']} trades)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
