"""Saving cross-check results into the store, where the query API finds them (not chain state)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from ledger.recognition.crosscheck import AssetCheck, CrosscheckReport
from ledger.recognition.remote import PinnedBlock
from ledger.store import schema as s

__all__ = ["save_checks", "save_report"]


def _save(engine: sa.Engine, *, origin_chain_id: int, registry: str, block: PinnedBlock, scope: str,
          counts: dict[str, int], results: Sequence[dict[str, Any]]) -> int:
    with engine.begin() as conn:
        report_id = int(conn.execute(
            sa.insert(s.crosscheck_reports).values(
                origin_chain_id=origin_chain_id, origin_registry=registry, block_number=block.number,
                block_hash=block.hash, pinned_by_user=block.pinned_by_user, scope=scope,
                checked_at=int(time.time()), counts=counts,
            ).returning(s.crosscheck_reports.c.report_id)
        ).scalar_one())  # fmt: skip
        if results:
            conn.execute(sa.insert(s.crosscheck_results), [{"report_id": report_id, **r} for r in results])
    return report_id


def save_report(engine: sa.Engine, report: CrosscheckReport) -> int:
    """Saves a whole-registry report; returns its id."""
    results = [
        {"origin_asset_id": x["origin_asset_id"], "local_asset_id": x.get("local_asset_id"), "verdict": verdict,
         "details": {k: v for k, v in x.items() if k not in ("origin_asset_id", "local_asset_id")}}
        for verdict, items in (("match", report.matches), ("conflict", report.conflicts), ("missing", report.missing),
                               ("stale", report.stale))
        for x in items
    ]  # fmt: skip
    return _save(engine, origin_chain_id=report.origin_chain_id, registry=report.origin_registry, block=report.block,
                 scope="registry", counts=report.counts(), results=results)


def save_checks(engine: sa.Engine, origin_chain_id: int, registry: str, block: PinnedBlock,
                checks: Sequence[AssetCheck]) -> int:
    """Saves single-asset checks as one report; returns its id."""
    counts: dict[str, int] = {}
    results = []
    for c in checks:
        verdict = c.verdict.split(" ")[0]
        counts[verdict] = counts.get(verdict, 0) + 1
        results.append({"origin_asset_id": c.origin.asset_id,
                        "local_asset_id": c.local.local_asset_id if c.local else None, "verdict": verdict,
                        "details": {"reasons": list(c.reasons), "origin": c.origin.to_json()}})  # fmt: skip
    return _save(engine, origin_chain_id=origin_chain_id, registry=registry, block=block, scope="assets",
                 counts=counts, results=results)
