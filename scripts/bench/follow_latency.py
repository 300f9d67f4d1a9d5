#!/usr/bin/env python3
"""Follow-mode latency: how long after a transaction is sent its event can be read from the store.

Starts an embedded chain (a block per transaction), an indexer following it into a SQLite store (or
the PostgreSQL database of ``--database-url``), then sends ``--samples`` token issues one at a time
and polls the store (every 5 ms) until the issue's event is there. The clock starts before the
transaction is sent, so the figure includes mining and is an upper bound of "block mined -> queryable".

Usage: ``python scripts/bench/follow_latency.py [--samples 200] [--database-url URL] [--json]``
Prints p50/p99/max in milliseconds; the goal is p99 < 1000 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ledger.indexer import IndexerConfig, open_indexer  # noqa: E402
from ledger.store import open_store  # noqa: E402
from ledger.toolchain import compile_contracts  # noqa: E402
from tests.contracts.conftest import RESERVE  # noqa: E402
from tests.indexer.scenario import running_chain  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--poll-interval", type=float, default=IndexerConfig().poll_interval)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    build = compile_contracts()
    with tempfile.TemporaryDirectory() as tmp, running_chain(Path(tmp) / "chain", build) as chain:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'ledger.db'}"
        with open_store(url) as store, open_store(url) as reader:
            stop = threading.Event()
            config = IndexerConfig(poll_interval=args.poll_interval)
            indexer = open_indexer(chain.settings, store, chain.rpc, build=build, config=config, stop=stop)
            thread = threading.Thread(target=indexer.run, kwargs={"follow": True}, daemon=True)
            thread.start()
            bank, merchant = chain.world.bank, chain.world.merchant.address
            latencies: list[float] = []
            try:
                for i in range(args.samples):
                    call = bank.prepare("SettlementToken", "issue", merchant, 1 + i, RESERVE, gas=200_000)
                    started = time.perf_counter()
                    [tx_hash] = bank.sender.send([call])
                    while not reader.as_of().find_events(tx_hash=tx_hash):
                        time.sleep(0.005)
                    latencies.append(time.perf_counter() - started)
                    time.sleep(0.05)  # let the indexer go back to polling
            finally:
                stop.set()
                thread.join(timeout=10)
    ms = sorted(1000 * x for x in latencies)
    result = {
        "samples": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p99_ms": round(ms[min(len(ms) - 1, int(0.99 * len(ms)))], 1),
        "max_ms": round(ms[-1], 1),
        "poll_interval_s": args.poll_interval,
        "database": url.split(":", 1)[0],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['samples']} samples: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, max "
            f"{result['max_ms']} ms (poll every {args.poll_interval}s, {result['database']})"
        )
    return 0 if result["p99_ms"] < 1000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
