"""Short runs of the indexing and replay benchmarks on a real (small) chain: every figure reported, and
the stores hold exactly the events the chain emitted. Timings are not asserted."""

from __future__ import annotations

import os

from tests.bench.test_bench_smoke import run_script


def _postgres_args() -> list[str]:
    url = os.environ.get("LEDGER_TEST_POSTGRES_URL")
    return ["--postgres", url] if url else ["--no-postgres"]


def test_index_script_backfills_a_real_chain_into_each_store_and_splits_the_time() -> None:
    args = _postgres_args()
    report = run_script("index.py", "--events", "3000", "--quiet", *args)
    assert report["events"] >= 3000
    assert report["events"] == report["chain"]["events"]
    stores = ["sqlite"] if "--no-postgres" in args else ["sqlite", "postgres"]
    for name in stores:
        r = report[name]
        assert report[f"{name}_events_per_s"] == r["events_per_s"] > 0
        assert r["events"] == r["stored_events"] == report["events"], name
        for phase in ("fetch_seconds", "decode_seconds", "write_seconds"):
            assert r[phase] > 0, (name, phase)
    if "--no-postgres" in args:
        assert report["postgres_events_per_s"] is None
    assert report["counts_match_chain"] and report["checksums_agree"]


def test_replay_script_replays_a_real_chain_and_finds_no_difference() -> None:
    report = run_script("replay.py", "--source", "chain", "--events", "3000")
    real = report["real_chain"]
    assert report["source"] == "chain"
    assert report["events"] == real["events"] == real["chain"]["events"] == real["indexed_events"] >= 3000
    assert report["differences"] == 0 and report["seconds"] > 0
    assert real["chain_check"]["status"] == "ok" and real["chain_check"]["checks"] > 0
    assert real["index_check"]["status"] == "ok"
