"""A short run of scripts/bench/network.py on a fresh 4-node network (3 signers): every key is reported."""

from __future__ import annotations

from tests.bench.test_bench_smoke import run_script


def test_network_bench_reports_every_figure() -> None:
    report = run_script("network.py", "--transfers", "300", "--finality-samples", "3", "--no-settle-check", timeout=400)
    for key in ("validators", "block_period_s", "raw_transfer_tps", "settle_tps", "settle_batch_trades_per_s",
                "finality_p50_ms", "finality_p99_ms", "failover_seconds"):  # fmt: skip
        assert key in report, key
    assert (report["nodes"], report["validators"]) == (4, 3) and report["raw_transfer_tps"] > 0
    assert 0 < report["failover_seconds"] < 30
    assert report["finality_p50_ms"] <= report["finality_p99_ms"]
