#!/usr/bin/env python3
"""Backfill speed of the real indexer: a chain of N ledger events on the embedded anvil, indexed into
SQLite and into PostgreSQL, each from an empty database.

The chain (``generate_chain``): the bench market of ``_common.bench_chain`` (participants admitted,
assets registered with revenue shares, buyers funded), then rounds of real transactions until the
deployment's contracts have emitted at least ``--events`` events: registrations applied and reviewed,
licences granted, and licence trades settled with ``TradeSettlement.settleBatch`` (100 a transaction,
from two exchanges, each seller consenting once a batch; each trade emits its settlement with the revenue
shares in it, its licence and four payments: about 6 events a trade).
Transactions are signed locally and sent in JSON-RPC batches with mining paused, then mined with
``evm_mine``. With ``--data-dir`` the chain is kept there (anvil ``--state``, the deployment
manifest and ``bench-chain.json``) and a later run asking for the same number of events reuses it.

Measured per store, end to end through :func:`ledger.indexer.open_indexer` (deployment check not
timed): ``eth_getLogs`` over adaptive ranges plus the block headers (fetch), ABI decoding (decode),
and ``Store.apply`` with the checkpoint, one transaction per range (write). ``*_events_per_s`` is
decoded events committed per second of the whole run. The script checks that each store holds as
many events as the chain emitted and that both stores' state checksums agree.

Usage: ``python scripts/bench/index.py [--json] [--events N] [--data-dir DIR]``
``[--postgres URL | --no-postgres] [--batch-blocks N] [--max-logs N]``

Overlapping the next range's fetch and decode with the current write (a prefetch thread) was tried and
measured on this 2-core machine (alternating runs, same chain): 24,309 vs 24,370 events/s with the
default ranges, 18,150 vs 24,829 with ranges read one by one (``--batch-blocks 8``): no faster (the
threads contend for the GIL and for the cores anvil needs), so the indexer reads and writes in turn.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from _common import (
    POSTGRES_HELP,
    REGION,
    BenchChain,
    bench_account,
    bench_chain,
    free_port,
    h,
    postgres_base,
    registration,
    send_signed,
    setup_logging,
    wait_receipts,
)
from sqlalchemy.engine import make_url

from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.client import Call
from ledger.contracts.deploy import event_contracts, load_manifest, write_manifest
from ledger.contracts.types import (
    AccountingCategory,
    DisclosureKind,
    LicenseTerms,
    Measurement,
    OpeningEntry,
    Right,
    Role,
    ValuationMethod,
    compact_signature,
)
from ledger.disclosure import CST, month_start
from ledger.indexer import IndexerConfig, open_indexer
from ledger.settings import LedgerSettings
from ledger.store import normalize_database_url, open_store
from ledger.store.schema import events as events_table
from ledger.toolchain import Build, compile_contracts
from tests.credit_codes import code_for

logger = logging.getLogger("bench")

MARKER = "bench-chain.json"
# 2: the rounds value and recognise assets (art. 19); 3: exchanges disclose (art. 25); 4: quality (art. 9); 5: the
# exchanges list products and sell under their listings (art. 16-17), the council publishes an opening list (art. 10)
_MARKER_VERSION = 5
# reports answered (art. 9)
# Five settleBatch transactions (declared 20M gas each, using about 15.4M) fill a block: about 3,000 events.
_BLOCK_GAS_LIMIT = 100_000_000
_TRADES_PER_TX = 100
_GAS_PER_TRADE = 200_000
_TXS_PER_BLOCK = 5
_GAS = {"applyRegistration": 300_000, "reviewRegistration": 150_000, "grantLicense": 400_000,
        "fileValuation": 200_000, "recogniseAsset": 200_000, "remeasure": 150_000,
        "fileDisclosure": 100_000, "fileReport": 150_000, "answer": 120_000, "list": 200_000,
        "settleListed": 400_000}  # fmt: skip
_YEAR = 365 * 86_400
# Keep the state of the last blocks only (anvil otherwise keeps a state per block: gigabytes at a million
# events); blocks, receipts and logs are all kept, and views at the head work.
_NODE_ARGS = ["--quiet", "--prune-history", "64"]


@dataclass(frozen=True)
class ChainInfo:
    """A generated chain: where it lives and what it holds."""

    data_dir: Path
    events: int  # logs emitted by the deployment's contracts, deployment block included
    head: int
    head_hash: str
    trades: int
    registrations: int
    licences: int
    generation_seconds: float
    reused: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "events": self.events, "head": self.head, "head_hash": self.head_hash, "trades": self.trades,
            "registrations": self.registrations, "licences": self.licences,
            "generation_seconds": round(self.generation_seconds, 1),
        }  # fmt: skip


def chain_settings(data_dir: Path) -> LedgerSettings:
    """The settings of a bench chain kept in ``data_dir`` (a new port every time)."""
    return LedgerSettings(
        data_dir=data_dir, node_port=free_port(), block_time=0, block_gas_limit=_BLOCK_GAS_LIMIT,
        state_interval=86_400,
    )  # fmt: skip


def _logs_between(rpc: JsonRpcClient, addresses: list[str], first: int, last: int) -> int:
    return len(rpc.call("eth_getLogs", [{"address": addresses, "fromBlock": hex(first), "toBlock": hex(last)}]))


def registration_content(chain: BenchChain, asset_id: int) -> bytes:
    """The registered content hash of a bench asset (what a report on it values)."""
    content: bytes = chain.registrar.get_asset(asset_id)["contentHash"]
    return content


def _fill(chain: BenchChain, target: int, counted: int, log: Any) -> tuple[int, int, int, int]:
    """Publishes an opening list, then sends rounds of registrations, licences, valuation reports with the sellers'
    accounting recognitions (or a later amortisation), quality reports the sellers answer, each exchange's disclosure
    of last month's trade statistics, a listing and a sale under it, and batch trades until
    ``counted`` reaches ``target``.

    Returns (events, trades, registrations, licences)."""
    rpc = chain.rpc
    # An appraiser (a service provider the council admits and accredits, while blocks are still mined on demand).
    appraiser_account = bench_account("appraiser", 0)
    rpc.call("anvil_setBalance", [appraiser_account.address, hex(10**24)])
    before = chain.block_number()
    chain.authority.admit(appraiser_account.address, Role.SERVICE_PROVIDER, REGION, "Bench Appraisal Co.",
                          code_for(appraiser_account.address))  # fmt: skip
    chain.authority.accredit_appraiser(appraiser_account.address, chain.chain_time() + 10 * _YEAR, h("accreditation"))
    chain.authority.set_disclosure_requirement(DisclosureKind.TRADE_STATISTICS, 1, 15)
    # Next year's opening list: an entry of each seller (the bench's sellers are data holders).
    chain.authority.publish_opening_list(
        datetime.fromtimestamp(chain.chain_time(), CST).year + 1, h("opening list"),
        [OpeningEntry(s.address, h(f"data of seller {i}"), chain.chain_time() + _YEAR) for i, s in
         enumerate(chain.sellers)],
    )  # fmt: skip
    addresses = list(event_contracts(chain.contracts.deployment).values())
    counted += _logs_between(rpc, addresses, before + 1, chain.block_number())
    appraiser = chain.client(appraiser_account)
    recognised: dict[int, int] = {}  # asset -> its carrying amount
    rpc.call("anvil_setAutomine", [False])
    exchanges = chain.exchanges
    sellers = chain.sellers
    assets = sorted(chain.assets)
    owned = {id(s): [a for a in assets if chain.assets[a] is s] for s in sellers}
    buyers = [b.address for b in chain.buyers]
    registrar = chain.registrar
    trades = registrations = licences = 0
    round_no = 0
    started = time.monotonic()

    def mine(work: list[tuple[Any, list[Call]]]) -> list[dict[str, Any]]:
        hashes = send_signed(rpc, work)
        rpc.call("anvil_mine", [hex(-(-len(hashes) // _TXS_PER_BLOCK))])
        return wait_receipts(rpc, hashes, timeout=600)

    while counted < target:
        round_no += 1
        now = chain.chain_time()
        terms = LicenseTerms(right=Right.PROCESSING, purpose=1101, start=now, end=now + 365 * 86400,
                             regions=(REGION,), terms_hash=h("standard terms v1"))  # fmt: skip
        # Registrations and licences: about a tenth of a full round's events; rounds shrink near the target
        # (a trade emits about 6 events).
        remaining = target - counted
        per_seller = max(1, min(20, remaining // 2000))
        txs_per_exchange = max(1, min(20, -(-remaining // (600 * len(exchanges)))))
        work: list[tuple[Any, list[Call]]] = []
        for si, seller in enumerate(sellers):
            calls = [
                seller.prepare("AssetRegistry", "applyRegistration",
                               registration(f"r{round_no}s{si}a{i}").as_abi(), gas=_GAS["applyRegistration"])
                for i in range(per_seller)
            ]  # fmt: skip
            mine_ = owned[id(seller)]
            calls += [
                seller.prepare("AssetRegistry", "grantLicense", mine_[(round_no + i) % len(mine_)],
                               buyers[(round_no + i) % len(buyers)], terms.as_abi(), gas=_GAS["grantLicense"])
                for i in range(per_seller)
            ]  # fmt: skip
            licences += per_seller
            work.append((seller.sender, calls))
        # A report on one asset of each seller (the appraiser holds no right in any).
        valued = [owned[id(seller)][round_no % len(owned[id(seller)])] for seller in sellers]
        work.append((appraiser.sender, [
            appraiser.prepare("Valuation", "fileValuation", a, int(ValuationMethod.INCOME), 10**8 + round_no, b"CNY",
                              now - 86_400, now + 300 * 86_400, registration_content(chain, a), h(f"report {a}"),
                              gas=_GAS["fileValuation"])
            for a in valued
        ] + [  # and reports a quality problem of each, which its seller answers below
            appraiser.prepare("DataQuality", "fileReport", a, registration_content(chain, a), 0, 1, h(f"evidence {a}"),
                              gas=_GAS["fileReport"])
            for a in valued
        ]))  # fmt: skip
        receipts = mine(work)
        counted += sum(len(r["logs"]) for r in receipts)
        reports = {
            int(e.args["assetId"]): int(e.args["valuationId"])
            for r in receipts
            for e in chain.contracts.decode_logs(r["logs"])
            if e.event == "ValuationFiled"
        }
        quality = {
            int(e.args["assetId"]): int(e.args["reportId"])
            for r in receipts
            for e in chain.contracts.decode_logs(r["logs"])
            if e.event == "QualityReportFiled"
        }
        applied = [
            int(e.args["assetId"])
            for r in receipts
            for e in chain.contracts.decode_logs(r["logs"])
            if e.event == "RegistrationApplied"
        ]
        registrations += len(applied)
        review = [
            registrar.prepare("AssetRegistry", "reviewRegistration", a, True, h("review"),
                              gas=_GAS["reviewRegistration"])
            for a in applied
        ]  # fmt: skip
        # Trades: up to 2,000 a round per exchange.
        work = [(registrar.sender, review)]
        for seller in sellers:  # its valued asset recognised on the report, or amortised if it already is
            asset = next(a for a in valued if chain.assets[a] is seller)
            if asset in recognised:
                recognised[asset] -= 1_000
                call = seller.prepare("Valuation", "remeasure", asset, int(Measurement.AMORTISATION),
                                      recognised[asset], h(f"amortisation {round_no}"), gas=_GAS["remeasure"])
            else:
                recognised[asset] = 9 * 10**7
                call = seller.prepare("Valuation", "recogniseAsset", asset, int(AccountingCategory.INTANGIBLE_ASSET),
                                      recognised[asset], now - 86_400, now + 90 * 86_400, reports[asset],
                                      h("audit"), gas=_GAS["recogniseAsset"])
            answer = seller.prepare("DataQuality", "answer", quality[asset], True, h(f"answer {round_no}"),
                                    gas=_GAS["answer"])  # fmt: skip
            work.append((seller.sender, [call, answer]))
        today = datetime.fromtimestamp(now, CST)
        last_month = (month_start(today.year, today.month - 1), month_start(today.year, today.month))
        for e, ex in enumerate(exchanges):  # last month's statistics (a correction of the last round's, within a month)
            calls = [ex.prepare("Disclosure", "fileDisclosure", int(DisclosureKind.TRADE_STATISTICS), *last_month,
                                h(f"statistics {round_no}"), gas=_GAS["fileDisclosure"])]  # fmt: skip
            # A product of a seller listed with its signature, and a licence sold under the listing (after it: the
            # exchange's own transactions run in nonce order).
            listed = assets[(round_no * len(exchanges) + e) % len(assets)]
            listing = chain.listing(listed, terms, tag=f"r{round_no}e{e}")
            r, vs = compact_signature(chain.assets[listed].sign_listing(listing, ex.address))
            calls += [
                ex.prepare("Listings", "list", listing.as_abi(), r, vs, gas=_GAS["list"]),
                ex.prepare_settle_listed(chain.trade(listed, buyers[(round_no + e) % len(buyers)], terms),
                                         listing.offer, gas=_GAS["settleListed"]),
            ]  # fmt: skip
            for _ in range(txs_per_exchange):
                batch = [
                    chain.trade(assets[(trades + i) % len(assets)], buyers[(trades + i) % len(buyers)], terms)
                    for i in range(_TRADES_PER_TX)
                ]
                trades += _TRADES_PER_TX
                calls.append(chain.prepare_settle_batch(ex, batch, gas=_GAS_PER_TRADE * _TRADES_PER_TX))
            work.append((ex.sender, calls))
        receipts = mine(work)
        counted += sum(len(r["logs"]) for r in receipts)
        elapsed = time.monotonic() - started
        log(f"chain: {counted:,} events after round {round_no} ({trades:,} trades), {elapsed:.0f}s")
    rpc.call("anvil_setAutomine", [True])
    return counted, trades, registrations, licences


@contextlib.contextmanager
def generate_chain(
    events: int, data_dir: Path | None = None, *, log: Any = None
) -> Iterator[tuple[ChainInfo, LedgerSettings, JsonRpcClient]]:
    """A running anvil whose deployment has emitted at least ``events`` events (see the module doc).

    With ``data_dir`` the chain is kept there, and reused when its marker says it was generated for the
    same ``events`` and the same contract build; otherwise it lives in a temporary directory."""
    say = log or (lambda _m: None)
    build_key = compile_contracts().key
    with contextlib.ExitStack() as stack:
        if data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-index-chain-")))
        data_dir.mkdir(parents=True, exist_ok=True)
        marker = data_dir / MARKER
        saved = json.loads(marker.read_text()) if marker.is_file() else None
        if saved is not None and (
            saved.get("version") != _MARKER_VERSION or saved.get("target") != events or saved.get("build") != build_key
        ):
            say(f"chain: {data_dir} holds a chain of other contracts or for another event count; generating anew")
            saved = None
        if saved is None:
            for path in (marker, data_dir / "node", data_dir / "deployment.json", data_dir / "journal.jsonl"):
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
            # The new chain is measured on the node that made it (a large state takes minutes to dump and
            # load); the node saves it on the way out, and the marker is written after a clean stop only.
            with _generate(events, data_dir, say) as (info, settings, rpc):
                yield info, settings, rpc
            if (data_dir / "node" / "state.json.bak").is_file():
                marker.write_text(
                    json.dumps({"version": _MARKER_VERSION, "target": events, "build": build_key, **info.as_json()})
                )
            return
        settings = chain_settings(data_dir)
        node = stack.enter_context(EmbeddedNode(settings, extra_args=_NODE_ARGS))
        rpc = node.client(timeout=120)
        stack.callback(rpc.close)
        head = rpc.call("eth_getBlockByNumber", [hex(saved["head"]), False])
        if head is None or head["hash"] != saved["head_hash"]:
            raise RuntimeError(f"the chain in {data_dir} does not hold block {saved['head']} {saved['head_hash']}")
        info = ChainInfo(
            data_dir=data_dir, events=saved["events"], head=saved["head"], head_hash=saved["head_hash"],
            trades=saved["trades"], registrations=saved["registrations"], licences=saved["licences"],
            generation_seconds=saved["generation_seconds"], reused=True,
        )  # fmt: skip
        yield info, settings, rpc


@contextlib.contextmanager
def _generate(events: int, data_dir: Path, say: Any) -> Iterator[tuple[ChainInfo, LedgerSettings, JsonRpcClient]]:
    started = time.monotonic()
    small = events < 50_000  # a short run (the test suite's): a smaller market to set up
    with bench_chain(
        exchanges=2, sellers=2 if small else 4, assets_per_seller=5 if small else 25, recipients=2,
        buyers=10 if small else 50, keep_dir=data_dir, block_gas_limit=_BLOCK_GAS_LIMIT, quiet=False,
        extra_node_args=_NODE_ARGS,
    ) as chain:  # fmt: skip
        chain.node.stop_timeout = 1800  # the state dump on stop: minutes for a million events
        deployment = chain.contracts.deployment
        write_manifest(deployment, chain.settings.manifest_path)
        addresses = list(event_contracts(deployment).values())  # what the indexer reads: the governance's too
        counted = _logs_between(chain.rpc, addresses, deployment.deployment_block, chain.block_number())
        say(f"chain: set-up done, {counted} events")
        counted, trades, registrations, licences = _fill(chain, events, counted, say)
        head = chain.rpc.call("eth_getBlockByNumber", ["latest", False])
        info = ChainInfo(
            data_dir=data_dir, events=counted, head=int(head["number"], 16), head_hash=head["hash"], trades=trades,
            registrations=registrations, licences=licences, generation_seconds=time.monotonic() - started,
            reused=False,
        )  # fmt: skip
        yield info, chain.settings, chain.rpc


# ───────────────────────────────────────────────────────────── measuring


@contextlib.contextmanager
def postgres_database(base: str) -> Iterator[str]:
    """A fresh PostgreSQL database next to ``base``'s, dropped afterwards."""
    admin = sa.create_engine(normalize_database_url(base), isolation_level="AUTOCOMMIT")
    name = f"bench_index_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(normalize_database_url(base)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(
    url: str, settings: LedgerSettings, rpc: JsonRpcClient, build: Build, config: IndexerConfig
) -> dict[str, Any]:
    with open_store(url) as store:
        indexer = open_indexer(settings, store, rpc, build=build, config=config)
        cpu = time.process_time()
        report = indexer.run()
        cpu = time.process_time() - cpu
        with store.engine.connect() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(events_table)).scalar_one()
        checksum = store.state_checksum()
    return {
        "events": report.events,
        "stored_events": int(stored),
        "blocks": report.blocks,
        "batches": report.batches,
        "seconds": round(report.seconds, 3),
        "events_per_s": round(report.events / report.seconds) if report.seconds > 0 else 0,
        "fetch_seconds": round(report.fetch_seconds, 3),
        "decode_seconds": round(report.decode_seconds, 3),
        "write_seconds": round(report.write_seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "retries": report.retries,
        "state_checksum": checksum,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    say = (lambda m: print(m, file=sys.stderr)) if not args.quiet else (lambda _m: None)
    load_before = os.getloadavg()
    build = compile_contracts()
    config = IndexerConfig(batch_blocks=args.batch_blocks, max_logs=args.max_logs)
    data_dir = Path(args.data_dir) if args.data_dir else None
    with generate_chain(args.events, data_dir, log=say) as (info, settings, rpc):
        load_manifest(settings.manifest_path)
        results: dict[str, Any] = {}
        with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
            say("indexing into SQLite ...")
            results["sqlite"] = measure(f"sqlite:///{Path(tmp) / 'ledger.db'}", settings, rpc, build, config)
            say(f"sqlite: {results['sqlite']}")
        if not args.no_postgres:
            with postgres_base(args.postgres) as base, postgres_database(base) as url:
                say("indexing into PostgreSQL ...")
                results["postgres"] = measure(url, settings, rpc, build, config)
                say(f"postgres: {results['postgres']}")
    sqlite, pg = results["sqlite"], results.get("postgres")
    out: dict[str, Any] = {
        "events": info.events,
        "sqlite_events_per_s": sqlite["events_per_s"],
        "postgres_events_per_s": pg["events_per_s"] if pg else None,
        "goal": {"sqlite_events_per_s": 20_000, "postgres_events_per_s": 10_000},
        "chain": {**info.as_json(), "reused": info.reused},
        "sqlite": sqlite,
        "postgres": pg,
        "counts_match_chain": all(r["events"] == r["stored_events"] == info.events for r in results.values()),
        "checksums_agree": pg is None or pg["state_checksum"] == sqlite["state_checksum"],
        "config": {"batch_blocks": config.batch_blocks, "max_logs": config.max_logs},
        "load_average": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in os.getloadavg()],
            "cores": os.cpu_count(),
        },
    }
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--events", type=int, default=200_000, help="events the chain must hold at least (200000)")
    p.add_argument("--data-dir", help="keep the generated chain here and reuse it (default: a temporary dir)")
    p.add_argument(
        "--postgres",
        help=POSTGRES_HELP + "; a fresh database is created next to this URL's and dropped",
    )
    p.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    p.add_argument("--batch-blocks", type=int, default=IndexerConfig().batch_blocks)
    p.add_argument("--max-logs", type=int, default=IndexerConfig().max_logs, help="logs per eth_getLogs range")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args(argv)
    setup_logging(args.verbose)
    out = run(args)
    ok = out["counts_match_chain"] and out["checksums_agree"]
    if args.json:
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
        return 0 if ok else 1
    print(f"chain: {out['events']:,} events ({out['chain']['trades']:,} trades), head {out['chain']['head']}")
    for name in ("sqlite", "postgres"):
        r = out[name]
        if r is None:
            continue
        print(f"{name}: {r['events']:,} events in {r['seconds']} s = {r['events_per_s']:,} events/s "
              f"(fetch {r['fetch_seconds']} s, decode {r['decode_seconds']} s, write {r['write_seconds']} s, "
              f"{r['batches']} batches)")  # fmt: skip
    print(f"counts match the chain: {out['counts_match_chain']}; checksums agree: {out['checksums_agree']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
