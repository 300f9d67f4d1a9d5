"""``ledger index``: index the deployment's events into the store (one-shot, or ``--follow``)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Annotated, Any

import typer

from ledger.chain.failover import connect_rpc
from ledger.cli._session import JsonOption, emit, fail, progress
from ledger.indexer import IndexReport, Progress, StartBlockError, open_indexer
from ledger.indexer.leader import LeadershipLost, open_leadership, run_elected
from ledger.settings import LedgerSettings

__all__ = ["index"]


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT/SIGTERM end the run after the batch in progress; a second SIGINT interrupts at once."""

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _summary(report: IndexReport) -> dict[str, Any]:
    checkpoint = report.checkpoint
    return {
        "chain_id": report.chain_id,
        "start_block": report.start_block,
        "checkpoint": None if checkpoint is None else {"block": checkpoint[0], "hash": checkpoint[1]},
        "blocks": report.blocks,
        "events": report.events,
        "batches": report.batches,
        "reorgs": report.reorgs,
        "rolled_back_blocks": report.rolled_back_blocks,
        "retries": report.retries,
        "seconds": round(report.seconds, 3),
        "events_per_second": round(report.events_per_second, 1),
    }


def index(
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep indexing new blocks until interrupted (Ctrl-C, SIGTERM).")
    ] = False,
    from_block: Annotated[
        int | None,
        typer.Option(
            "--from-block",
            min=0,
            show_default=False,
            help=(
                "Where an empty store starts (default: the deployment block). The state needs the whole history:"
                " starting after the deployment only suits stores that hold nothing else. A store that already"
                " holds blocks continues after its checkpoint; another start block there is an error."
            ),
        ),
    ] = None,
    show_progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            show_default=False,
            help="Progress line on stderr while backfilling (default: when stderr is a terminal).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Index the ledger's events into the store (LEDGER_DATABASE_URL; default: DATA_DIR/ledger.db).

    Reads the deployment manifest, checks the contracts on the node, then fetches, decodes and writes
    the events block range by block range; the checkpoint is committed with each range, so a restart
    continues where the last one ended. Reorgs up to LEDGER_REORG_WINDOW blocks deep are rolled back;
    only blocks with LEDGER_INDEX_CONFIRMATIONS blocks on top are indexed.

    Several indexers may run against one store (for availability): one leads (PostgreSQL: an advisory
    lock; SQLite: a lock file beside the database), the others stand by and the first to see the lock
    free takes over where the leader's last committed batch ended (LEDGER_INDEX_LEADER_POLL).
    """
    from ledger.store import open_store  # SQLAlchemy and Alembic load only for this command

    settings = LedgerSettings()
    stop = threading.Event()
    show = show_progress if show_progress is not None else sys.stderr.isatty()
    with (
        _stop_on_signals(stop),
        connect_rpc(settings, timeout=settings.index_rpc_timeout) as rpc,
        open_store(settings.effective_database_url) as store,
    ):
        indexer = open_indexer(settings, store, rpc, stop=stop, progress=Progress(sys.stderr) if show else None)
        if follow:
            progress(f"following chain {indexer.chain_id}; Ctrl-C or SIGTERM stops after the batch in progress")
        leadership = open_leadership(store, poll=settings.index_leader_poll)
        try:
            elected = run_elected(indexer, store, leadership, follow=follow, from_block=from_block)
        except StartBlockError as exc:
            raise fail(str(exc), code=2) from None
        except LeadershipLost as exc:
            raise fail(f"{exc}: stopped (another indexer continues)") from None
        report = elected if elected is not None else IndexReport(chain_id=indexer.chain_id)
    summary = _summary(report)
    cp = summary["checkpoint"]
    lines = [
        f"indexed {report.events:,} events in {report.blocks:,} blocks ({report.batches} batches) in "
        f"{report.seconds:.2f}s, {report.events_per_second:,.0f} events/s",
        f"checkpoint: block {cp['block']} {cp['hash']}" if cp else "checkpoint: none (nothing indexed)",
    ]
    if report.reorgs:
        lines.append(f"reorgs: {report.reorgs}, {report.rolled_back_blocks} blocks rolled back")
    if report.retries:
        lines.append(f"retries after node failures: {report.retries}")
    emit(summary, lines, as_json)
