#!/usr/bin/env python3
"""The auditors' replay at scale: rebuild the state from N events into a fresh store and verify it.

Two parts, both measured and both reported:

* ``synthetic`` (N events, default 1,000,000): :class:`tests.store.synthetic.SyntheticLedger`'s
  market (every event kind of the five contracts) is written into a live index (a SQLite store, as the
  indexer would: not timed), then timed: ``audit_replay`` from the index's events table into a fresh
  store, with the running hash per block, and the comparison of every version of every record with the
  live index. There is no chain behind these events, so the contracts' views are not called here.
* ``chain`` (a real-chain subset): on an embedded anvil, the demo market (``ledger.demo``: every kind of
  operation) played ``--chain-rounds`` times and ``--chain-trades`` licence trades settled with
  ``settleBatch`` (100 a transaction), indexed (not timed), then timed: ``audit_replay`` from the chain
  (``eth_getLogs``), compared with every contract view at the head (batched ``eth_call``) and with the
  live index.

Top-level ``events``, ``seconds`` and ``differences`` are the synthetic part's (``differences`` adds the
chain part's); ``measured`` says what was timed.

``--source chain`` replays events of a real chain instead: ``index.py``'s generated chain of at least
``--events`` events (registrations, licences and ``settleBatch`` trades on the embedded anvil; kept and
reused with ``--data-dir``, and so is its live index while it holds the chain's head) is indexed into a
live SQLite store (not timed), then timed: ``audit_replay``
from ``eth_getLogs`` into a fresh store with the running hash per block, every record compared with the
contracts' views at the head (batched ``eth_call``) and with the live index. Top-level figures are then
that replay's, and nothing is synthetic.

Usage: ``python scripts/bench/replay.py [--json] [--events N] [--chain-rounds R] [--chain-trades T] [--no-chain]``
``[--source synthetic|chain] [--data-dir DIR]``
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common  # noqa: F401 - puts the project's root on the path, for tests.store.synthetic

from ledger.audit import ReplayReport, audit_replay
from ledger.decode import BlockHeader, LedgerEvent
from ledger.store import Store, open_store
from tests.store.synthetic import SyntheticLedger

_BATCH_BLOCKS = 200
_TRADES_PER_BATCH = 100
_GAS_PER_TRADE = 400_000


def build_live_index(store: Store, events: int, seed: int, events_per_block: int) -> int:
    """Applies the synthetic stream to ``store`` in batches of blocks, as the indexer would; returns the count."""
    market = SyntheticLedger(seed=seed, events_per_block=events_per_block)
    headers: list[BlockHeader] = []
    pending: list[LedgerEvent] = []
    total = 0
    for header, block_events in market.blocks(events):
        headers.append(header)
        pending.extend(block_events)
        if len(headers) == _BATCH_BLOCKS:
            store.apply(headers, pending, headers[-1])
            total += len(pending)
            headers, pending = [], []
    if headers:
        store.apply(headers, pending, headers[-1])
        total += len(pending)
    return total


def _summary(report: ReplayReport, seconds: float, cpu: float) -> dict[str, Any]:
    return {
        "events": report.events,
        "block": report.block,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "events_per_s": round(report.events / seconds) if seconds > 0 else 0,
        "differences": len(report.differences),
        "chain_check": {"status": report.chain.status, "checks": report.chain.checked, "detail": report.chain.detail},
        "index_check": {"status": report.index.status, "compared": report.index.checked},
        "records": sum(report.records.values()),
        "phase_seconds": {k: round(v, 3) for k, v in report.seconds.items()},
        "running_hash": report.running_hash,
        "first_differences": [d.line() for d in report.differences[:5]],
    }


def _replay_url(args: argparse.Namespace) -> str | None:
    """The fresh store: in-memory SQLite, or (None) the temporary SQLite file ``audit_replay`` makes by
    default. Not a named file: audit_replay would rebuild a named store's indexes for its caller."""
    return "sqlite://" if args.replay_store == "memory" else None


def synthetic_part(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    live = open_store(f"sqlite:///{work / 'live.db'}")
    try:
        t = time.perf_counter()
        total = build_live_index(live, args.events, args.seed, args.events_per_block)
        index_seconds = time.perf_counter() - t
        t, cpu = time.perf_counter(), time.process_time()
        report = audit_replay(
            deployment=None, build=None, rpc=None, live=live, source="index", checksums=args.checksums,
            replay_url=_replay_url(args),
        )  # fmt: skip
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    finally:
        live.close()
    out = _summary(report, seconds, cpu)
    out["indexing_seconds_not_measured"] = round(index_seconds, 3)
    out["generated_events"] = total
    return out


def chain_part(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from _common import bench_chain

    from ledger.contracts.deploy import write_manifest
    from ledger.demo import run_demo
    from ledger.indexer import open_indexer
    from ledger.toolchain import compile_contracts

    with bench_chain(sellers=2, recipients=2, buyers=20) as chain:
        settings = chain.settings
        build = compile_contracts(settings)
        deployment = chain.contracts.deployment
        write_manifest(deployment, settings.manifest_path)  # the demo plays on this deployment
        t = time.perf_counter()
        for _ in range(args.chain_rounds):
            run_demo(settings, rpc=chain.rpc, build=build, log=lambda _m: None)
        exchange = chain.exchanges[0]
        terms = chain.terms()
        assets = sorted(chain.assets)
        calls = []
        for start in range(0, args.chain_trades, _TRADES_PER_BATCH):
            n = min(_TRADES_PER_BATCH, args.chain_trades - start)
            trades = [
                chain.trade(assets[(start + i) % len(assets)], chain.buyers[(start + i) % len(chain.buyers)].address,
                            terms)
                for i in range(n)
            ]  # fmt: skip
            calls.append(chain.prepare_settle_batch(exchange, trades, gas=_GAS_PER_TRADE * n))
        exchange.execute_many(calls)
        setup_seconds = time.perf_counter() - t
        live = open_store(f"sqlite:///{work / 'chain-live.db'}")
        try:
            open_indexer(settings, live, chain.rpc, build=build).run()
            t, cpu = time.perf_counter(), time.process_time()
            report = audit_replay(deployment=deployment, build=build, rpc=chain.rpc, live=live, source="chain",
                                  checksums=args.checksums)  # fmt: skip
            seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        finally:
            live.close()
    out = _summary(report, seconds, cpu)
    out["demo_rounds"] = args.chain_rounds
    out["bulk_trades"] = args.chain_trades
    out["setup_seconds_not_measured"] = round(setup_seconds, 3)
    return out


def real_chain_part(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Replay and verification of ``index.py``'s generated chain (see the module doc)."""
    from index import generate_chain

    from ledger.contracts.deploy import load_manifest
    from ledger.indexer import open_indexer
    from ledger.toolchain import compile_contracts

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    build = compile_contracts()
    data_dir = Path(args.data_dir) if args.data_dir else None
    with generate_chain(args.events, data_dir, log=say) as (info, settings, rpc):
        deployment = load_manifest(settings.manifest_path)
        # The live index is kept beside the chain (with --data-dir) and reused while it holds the chain's head.
        live_path = data_dir / "live-index.db" if data_dir is not None else work / "chain-live.db"
        live = open_store(f"sqlite:///{live_path}")
        try:
            t = time.perf_counter()
            if live.checkpoint() != (info.head, info.head_hash):
                say(f"indexing {info.events:,} events into the live index {live_path} (not timed) ...")
                live.close()
                live_path.unlink(missing_ok=True)
                live = open_store(f"sqlite:///{live_path}")
                indexed = open_indexer(settings, live, rpc, build=build).run().events
            else:
                say(f"reusing the live index {live_path} (it holds block {info.head})")
                indexed = info.events
            index_seconds = time.perf_counter() - t
            say("replaying and verifying (timed) ...")
            t, cpu = time.perf_counter(), time.process_time()
            report = audit_replay(
                deployment=deployment, build=build, rpc=rpc, live=live, source="chain", checksums=args.checksums,
                replay_url=_replay_url(args),
            )  # fmt: skip
            seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        finally:
            live.close()
    out = _summary(report, seconds, cpu)
    out["chain"] = {**info.as_json(), "reused": info.reused}
    out["indexing_seconds_not_measured"] = round(index_seconds, 3)
    out["indexed_events"] = indexed
    return out


def run_real_chain(args: argparse.Namespace) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        real = real_chain_part(args, Path(tmp))
    return {
        "events": real["events"],
        "seconds": real["seconds"],
        "differences": real["differences"],
        "source": "chain",
        "goal": {"events": 1_000_000, "seconds": 60, "differences": 0},
        "measured": (
            f"real chain: {real['chain']['events']:,} events emitted on an embedded anvil ({real['chain']['trades']:,} "
            "settleBatch trades, registrations, licences), indexed into a live SQLite store (untimed), then timed: "
            f"replay from eth_getLogs into a fresh {args.replay_store} SQLite store with the running hash per block, "
            "every record compared with the contracts' views at the head (batched eth_call) and with the live index"
            + (", state checksums of both" if args.checksums else "")
            + "; nothing synthetic"
        ),
        "real_chain": real,
        "load_average_1min": {
            "before": round(load_before, 2),
            "after": round(os.getloadavg()[0], 2),
            "cores": os.cpu_count(),
        },
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.source == "chain":
        return run_real_chain(args)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        work = Path(tmp)
        synthetic = synthetic_part(args, work)
        chain = None if args.no_chain else chain_part(args, work)
    out: dict[str, Any] = {
        "events": synthetic["events"],
        "seconds": synthetic["seconds"],
        "differences": synthetic["differences"] + (chain["differences"] if chain else 0),
        "goal": {"events": 1_000_000, "seconds": 60, "differences": 0},
        "measured": (
            "synthetic: replay of the live index's events (a SQLite store of the synthetic market, built untimed) "
            f"into a fresh {args.replay_store} SQLite store, running hash per block, every record version compared "
            "with the live index"
            + (", state checksums of both" if args.checksums else "")
            + "; no contract views (no chain holds these events). chain: the demo market played "
            f"{args.chain_rounds} times and {args.chain_trades} trades settled in batches on an embedded anvil, "
            "replayed from eth_getLogs into a fresh SQLite file, checked against every contract view at the head "
            "(batched eth_call) and against the live index"
        ),
        "synthetic": synthetic,
        "load_average_1min": {
            "before": round(load_before, 2),
            "after": round(os.getloadavg()[0], 2),
            "cores": os.cpu_count(),
        },
    }
    if chain is not None:
        out["chain"] = chain
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--events", type=int, default=1_000_000, help="synthetic events to replay (1000000)")
    p.add_argument("--events-per-block", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--chain-rounds", type=int, default=2, help="demo rounds played on the real chain (2)")
    p.add_argument("--chain-trades", type=int, default=10_000, help="trades settled in batches on the real chain")
    p.add_argument("--no-chain", action="store_true", help="skip the real-chain part")
    p.add_argument(
        "--replay-store", choices=("memory", "file"), default="memory",
        help="the fresh store: in-memory SQLite (default) or audit_replay's temporary SQLite file",
    )  # fmt: skip
    p.add_argument("--checksums", action="store_true", help="also compute both stores' state checksums")
    p.add_argument(
        "--source", choices=("synthetic", "chain"), default="synthetic",
        help="synthetic: the synthetic market plus a small real chain (default); chain: a real chain of --events",
    )  # fmt: skip
    p.add_argument("--data-dir", help="--source chain: keep the generated chain here and reuse it")
    args = p.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    out = run(args)
    if args.json:
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
        return 0
    if args.source == "chain":
        r = out["real_chain"]
        print(f"real chain: {r['events']:,} events replayed and verified in {r['seconds']} s ({r['events_per_s']:,} "
              f"events/s, {r['cpu_seconds']} s CPU), {r['differences']} differences; chain check "
              f"{r['chain_check']['status']} ({r['chain_check']['checks']} checks), index "
              f"{r['index_check']['status']}; phases {r['phase_seconds']}")  # fmt: skip
        print(f"measured: {out['measured']}")
        return 0
    s = out["synthetic"]
    print(f"synthetic: {s['events']} events replayed and verified against the live index in {s['seconds']} s "
          f"({s['events_per_s']} events/s, {s['cpu_seconds']} s CPU), {s['differences']} differences; "
          f"phases {s['phase_seconds']}")  # fmt: skip
    if "chain" in out:
        c = out["chain"]
        print(f"chain: {c['events']} events from eth_getLogs, {c['chain_check']['checks']} view checks "
              f"({c['chain_check']['status']}), index {c['index_check']['status']}, {c['seconds']} s, "
              f"{c['differences']} differences")  # fmt: skip
    print(f"measured: {out['measured']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
