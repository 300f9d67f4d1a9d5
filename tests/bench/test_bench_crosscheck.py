"""A tiny run of scripts/bench/crosscheck.py: two embedded chains, seeded differences, every figure reported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_crosscheck_script_reports_rates_and_the_seeded_report() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench" / "crosscheck.py"), "--json", "--assets", "400",
         "--checks", "100", "--group", "50", "--unbatched", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["proof_checks_per_s"] > 0 and report["registry_10k_seconds"] > 0
    assert report["proof_checks_per_s_unbatched"] > 0
    seeded, counts = report["seeded"], report["registry_counts"]
    assert (counts["missing"], counts["conflicts"], counts["stale"]) == (
        seeded["missing"], seeded["conflicts"], seeded["stale"],
    )
    assert counts["matches"] == report["assets"] - seeded["missing"] - seeded["conflicts"] - seeded["stale"]
    assert sum(report["check_verdicts"].values()) == report["checks"] == 100
