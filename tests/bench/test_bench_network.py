"""A short run of scripts/bench/network.py on a fresh 4-node network (3 signers): every key is reported, the
ledger's contracts deployed at london and settling with the sellers' consents."""

from __future__ import annotations

from tests.bench.test_bench_smoke import run_script


def test_network_bench_reports_every_figure() -> None:
    report = run_script(
        "network.py", "--transfers", "300", "--finality-samples", "3", "--seconds", "2", "--buyers", "10",
        "--settle-chunk", "20", "--settle-inflight", "100", "--batch", "20", "--batch-inflight", "200",
        timeout=600,
    )  # fmt: skip
    for key in ("validators", "block_period_s", "raw_transfer_tps", "settle_tps", "settle_batch_trades_per_s",
                "finality_p50_ms", "finality_p99_ms", "failover_seconds"):  # fmt: skip
        assert key in report, key
    assert (report["nodes"], report["validators"], report["evm_version"]) == (4, 3, "london")
    assert report["raw_transfer_tps"] > 0 and report["settle_tps"] > 0 and report["settle_batch_trades_per_s"] > 0
    assert report["phases"]["settle"]["consents"] == "presigned" and report["phases"]["settle_batch"]["batch"] == 20
    assert 0 < report["failover_seconds"] < 30
    assert report["finality_p50_ms"] <= report["finality_p99_ms"]
