"""``scripts/bench/store.py`` on a small stream: it measures both backends and their states agree."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from tests.store.conftest import postgres_base_url

ROOT = Path(__file__).resolve().parents[2]


def test_store_bench_reports_rates_for_both_backends_with_equal_checksums(postgres_admin: sa.Engine) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench" / "store.py"), "--json", "--events", "3000",
         "--batch-blocks", "10", "--postgres", postgres_base_url()],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["events"] >= 3000 and report["decode_events_per_s"] > 0
    for backend in ("sqlite", "postgresql"):
        assert report[backend]["events"] == report["events"]
        assert report[backend]["events_per_s"] > 0 and report[backend]["apply_events_per_s"] > 0
    assert report["checksums_agree"] is True
