"""``scripts/bench/replay.py`` on a small stream: it reports events, seconds and zero differences for both parts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_replay_bench_reports_events_seconds_and_no_differences() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench" / "replay.py"), "--json", "--events", "3000",
         "--chain-rounds", "1", "--chain-trades", "200"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["events"] >= 3000 and report["seconds"] > 0 and report["differences"] == 0
    assert report["synthetic"]["index_check"]["status"] == "ok"
    chain = report["chain"]
    assert chain["events"] > 200 * 5 and chain["differences"] == 0
    assert chain["chain_check"]["status"] == "ok" and chain["chain_check"]["checks"] > 200
    assert chain["index_check"]["status"] == "ok"
    assert "no contract views" in report["measured"]
