"""``scripts/bench/api.py`` in a tiny mode: a small store per backend, a few seconds of load on two replicas
behind HAProxy and on one; the report has the agreed keys for both backends and both set-ups and no
request failed (timings are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.store.conftest import postgres_admin, postgres_base_url  # noqa: F401 - postgres_admin is a fixture

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.usefixtures("postgres_admin")  # PostgreSQL reachable (skipped locally, required in CI)
def test_api_bench_reports_latency_percentiles_for_sqlite_and_postgres() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench" / "api.py"), "--json", "--assets", "3000", "--events", "3000",
         "--trades", "3000", "--seconds", "2", "--warmup", "1", "--replicas", "2", "--rate", "50", "--single-rate",
         "25", "--postgres", postgres_base_url()],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    keys = {"p50_ms", "p99_ms", "requests", "errors", "warmup_p99_ms", "rps", "load_1m"}
    for backend in ("sqlite", "postgres"):
        r = report[backend]
        single = r["single_replica"]
        assert keys <= set(r) and keys <= set(single)
        assert (r["replicas"], r["requests"], r["errors"]) == (2, 100, 0)
        assert (single["replicas"], single["requests"], single["errors"]) == (1, 50, 0)
        for figures in (r, single):
            assert 0 < figures["p50_ms"] <= figures["p99_ms"] and figures["warmup_p99_ms"] > 0 and figures["rps"] > 0
        assert r["assets"] >= 3000 and r["events"] >= 3000 and r["trades"] >= 3000
