#!/usr/bin/env python3
"""Events per second from raw logs into the store: decode (``ledger.decode.EventDecoder``) and
``Store.apply`` (blocks, events, projection, checkpoint; one transaction a batch), on SQLite and,
when reachable, PostgreSQL.

The events are :class:`tests.store.synthetic.SyntheticLedger`'s (every event kind of the five
contracts, trade-heavy), encoded into ``eth_getLogs`` entries with the compiled ABIs before the
clock starts. Each backend starts from an empty database (a temporary SQLite file; a fresh
PostgreSQL schema, dropped afterwards). Reported per backend: ``events_per_s`` (decode + apply,
wall clock), ``apply_events_per_s`` (apply alone) and the CPU seconds of this process; and
``decode_events_per_s`` once. The final state checksums of both backends must agree.

Usage: ``python scripts/bench/store.py [--json] [--events N] [--batch-blocks B]``
``[--postgres URL | --no-postgres]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from _common import POSTGRES_HELP, postgres_base, postgres_schema

from ledger.contracts.codec import ContractCodec
from ledger.contracts.system import SYSTEM_CONTRACTS, contract_abi
from ledger.decode import BlockHeader, EventDecoder
from ledger.store import open_store
from ledger.toolchain import compile_contracts
from tests.store.synthetic import SyntheticLedger, encode_logs


def measure(
    url: str, decoder: EventDecoder, batches: list[tuple[list[BlockHeader], list[dict[str, Any]]]]
) -> dict[str, Any]:
    store = open_store(url)
    try:
        events = 0
        apply_s = 0.0
        wall = time.perf_counter()
        cpu = time.process_time()
        for headers, logs in batches:
            decoded = decoder.decode(logs)
            t = time.perf_counter()
            store.apply(headers, decoded, headers[-1])
            apply_s += time.perf_counter() - t
            events += len(decoded)
        wall = time.perf_counter() - wall
        cpu = time.process_time() - cpu
        return {
            "events": events,
            "seconds": round(wall, 3),
            "events_per_s": round(events / wall),
            "apply_events_per_s": round(events / apply_s),
            "cpu_s": round(cpu, 3),
            "checksum": store.state_checksum(),
        }
    finally:
        store.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    build = compile_contracts()
    codecs = {n: ContractCodec(contract_abi(build, n)) for n in SYSTEM_CONTRACTS}
    addresses = {n: "0x" + f"{i + 1:040x}" for i, n in enumerate(SYSTEM_CONTRACTS)}
    market = SyntheticLedger(seed=args.seed, events_per_block=args.events_per_block)
    batches: list[tuple[list[BlockHeader], list[dict[str, Any]]]] = []
    headers: list[BlockHeader] = []
    pending: list[Any] = []
    for header, block_events in market.blocks(args.events):
        headers.append(header)
        pending.extend(block_events)
        if len(headers) == args.batch_blocks:
            batches.append((headers, encode_logs(pending, codecs, addresses)))
            headers, pending = [], []
    if headers:
        batches.append((headers, encode_logs(pending, codecs, addresses)))
    decoder = EventDecoder({a: (n, codecs[n]) for n, a in addresses.items()})
    t = time.perf_counter()
    total = sum(len(decoder.decode(logs)) for _, logs in batches)
    out: dict[str, Any] = {
        "events": total,
        "batches": len(batches),
        "batch_blocks": args.batch_blocks,
        "decode_events_per_s": round(total / (time.perf_counter() - t)),
    }
    with tempfile.TemporaryDirectory() as tmp:
        out["sqlite"] = measure(f"sqlite:///{Path(tmp) / 'ledger.db'}", decoder, batches)
    if not args.no_postgres:
        try:
            with postgres_base(args.postgres) as base, postgres_schema(base, "bench") as url:
                out["postgresql"] = measure(url, decoder, batches)
        except sa.exc.OperationalError as exc:
            out["postgresql"] = {"error": str(exc).splitlines()[0]}
    if "checksum" in out.get("postgresql", {}):
        out["checksums_agree"] = out["postgresql"]["checksum"] == out["sqlite"]["checksum"]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--events", type=int, default=100_000, help="events to index (100000)")
    p.add_argument("--batch-blocks", type=int, default=200, help="blocks per Store.apply (200)")
    p.add_argument("--events-per-block", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--postgres",
        help=POSTGRES_HELP + "; a scratch schema is created in it",
    )
    p.add_argument("--no-postgres", action="store_true")
    args = p.parse_args(argv)
    out = run(args)
    if args.json:
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
        return 0
    print(f"{out['events']} events in {out['batches']} batches of {out['batch_blocks']} blocks")
    print(f"decode only: {out['decode_events_per_s']} events/s")
    for backend in ("sqlite", "postgresql"):
        r = out.get(backend)
        if r is None:
            continue
        if "error" in r:
            print(f"{backend}: not measured ({r['error']})")
            continue
        print(
            f"{backend}: {r['events_per_s']} events/s decode+apply ({r['seconds']} s, {r['cpu_s']} s CPU here),"
            f" apply alone {r['apply_events_per_s']} events/s"
        )
    if "checksums_agree" in out:
        print(f"state checksums agree: {out['checksums_agree']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
