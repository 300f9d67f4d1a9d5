#!/usr/bin/env python3
"""Soak: kill -9 the indexer CYCLES times at random points while it backfills; never a gap, a duplicate or a
state other than a clean run's.

    .venv/bin/python scripts/soak/kill_indexer.py --cycles 200 [--mode cli|fork]
        [--postgres postgresql://postgres@127.0.0.1/test] [--seed 1]

Starts an embedded chain with thousands of events, indexes it once in-process (the clean run), then runs
``ledger index`` again and again on a SQLite file (or a database on the PostgreSQL server of --postgres),
killing it with SIGKILL at random moments and checking the store after every kill; a run that reaches the
head is checked against the clean run and the store is emptied for the next round. ``--mode cli`` (default)
starts ``python -m ledger.cli index`` afresh each time; ``fork`` forks it from a warm forkserver (more kills
a minute). The suite runs the same loop (tests/indexer/test_crash.py). Prints a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ledger.indexer import open_indexer  # noqa: E402
from ledger.store import open_store  # noqa: E402
from ledger.toolchain import compile_contracts  # noqa: E402
from tests.indexer.conftest import FAST, chain_rows  # noqa: E402
from tests.indexer.scenario import running_chain  # noqa: E402
from tests.indexer.test_crash import make_crash_chain, run_crash_cycles  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=50, help="how many times to kill the indexer")
    parser.add_argument("--postgres", help="PostgreSQL server URL to create the databases on (default: SQLite)")
    parser.add_argument("--mode", choices=["cli", "fork"], default="cli")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    created: list[str] = []

    with tempfile.TemporaryDirectory() as tmp:

        def new_url() -> str:
            if args.postgres is None:
                return f"sqlite:///{Path(tmp) / f'ledger-{uuid.uuid4().hex[:8]}.db'}"
            import psycopg

            name = f"ledger_soak_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            created.append(name)
            return f"{args.postgres.rsplit('/', 1)[0]}/{name}"

        build = compile_contracts()
        try:
            with running_chain(Path(tmp) / "chain", build) as chain:
                make_crash_chain(chain)
                expected = chain_rows(chain, build)
                with open_store(new_url()) as clean:
                    open_indexer(chain.settings, clean, chain.rpc, build=build, config=FAST).run()
                    checksums: dict[int | None, str] = {}

                    def reference(block: int | None) -> str:
                        if block not in checksums:
                            checksums[block] = clean.state_checksum(block)
                        return checksums[block]

                    stats = run_crash_cycles(
                        chain,
                        new_url,
                        reference,
                        expected,
                        kills=args.cycles,
                        rng=random.Random(args.seed),
                        mode=args.mode,
                        scratch=Path(tmp),
                    )
        finally:
            if args.postgres is not None and created:
                import psycopg

                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    for name in created:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps({
        "database": "postgresql" if args.postgres else "sqlite",
        "mode": args.mode,
        "kills": stats.kills,
        "completed_runs": stats.completed_runs,
        "rounds": stats.rounds,
        "distinct_checkpoints_at_kill": len(set(stats.checkpoints)),
        "events": len(expected),
        "gaps": 0,
        "duplicates": 0,
        "state_mismatches": 0,
        "seconds": round(stats.seconds, 1),
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
