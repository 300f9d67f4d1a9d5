"""Short runs of the benchmark scripts: they start their own node, measure, and report every figure.

The gas bench has a test of its own, against its budgets and the committed snapshot: test_gas_snapshot.py.

Timings are not asserted (the machine may be busy); the reports' shape is.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "scripts" / "bench"


def run_script(name: str, *args: str, timeout: float = 300) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(BENCH / name), "--json", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"{name} exited {done.returncode}:\n{done.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_throughput_script_reports_five_positive_rates_and_the_consent_cost_from_one_short_run() -> None:
    report = run_script(
        "throughput.py", "--seconds", "1", "--exchanges", "2", "--buyers", "40", "--senders", "8",
        "--raw-probe", "200", "--settle-chunk", "20", "--settle-inflight", "200", "--batch", "10",
        "--batch-inflight", "200", "--cost-sample", "40", "--what-if", "fast-sign", "--what-if", "log-wait",
        "--presign-settle-rate", "400", "--presign-batch-rate", "1000",
    )  # fmt: skip
    for key in ("raw_transfer_tps", "settle_tps", "settle_batch_trades_per_s", "settle_mandated_tps",
                "settle_batch_mandated_trades_per_s", "settle_to_raw_ratio",
                "what_if_fast_sign_log_wait_settle_tps"):  # fmt: skip
        assert report[key] > 0, key
    details = report["details"]
    assert set(details) == {"raw", "settle", "batch", "mandated", "mandated-batch", "settle+fast-sign+log-wait"}
    for name, d in details.items():
        assert d["count"] > 0 and d["blocks"] > 0 and d["gas_per_block_mean"] > 0, name
        assert d["node_cpu_ms_per_tx"] >= 0 and d["client_cpu_ms_per_tx"] > 0, name
    assert details["batch"]["count"] == 10 * details["batch"]["transactions"]
    assert details["mandated-batch"]["count"] == 10 * details["mandated-batch"]["transactions"]
    # The sellers' consents of (b) and (c) were signed off the clock, and what that cost is reported.
    assert report["consents"] == "presigned"
    for name in ("settle", "batch", "settle+fast-sign+log-wait"):
        d = details[name]
        assert d["consents"] == "presigned", name
        assert d["consent_presigned_trades"] >= d["count"] - d["consent_signed_in_clock_trades"], name
        assert d["consent_presign_cpu_ms_per_trade"] > 0, name
    costs = report["client_costs_per_tx"]
    for stage in ("consent_sign", "consent_sign_fast_whatif", "consent_sign_batch", "encode", "encode_mandated",
                  "sign", "sign_fast_whatif", "journal_fsync", "http_send", "wait_receipts"):  # fmt: skip
        assert costs[f"{stage}_client_us"] > 0, stage
    assert costs["exchange_total_client_us"] >= costs["encode_client_us"] + costs["sign_client_us"]


def test_proxy_overhead_script_measures_the_first_and_later_calls_through_an_erc1967_proxy() -> None:
    """Gas is deterministic: the proxy's cost is EIP-2929's cold reads (its implementation slot, 2,100; the
    implementation's account, 2,600) plus the forwarding, and a later call in the same transaction pays warm
    prices only. (The projection onto the budgeted operations reruns the gas bench: not in the suite.)"""
    overhead = run_script("proxy_overhead.py", "--skip-projection")["proxy_overhead"]
    assert 2_100 + 2_600 < overhead["first_call"] < 2_100 + 2_600 + 1_000
    assert 100 + 100 <= overhead["later_call"] < 1_000
    assert overhead["gas_proxied_once"] - overhead["gas_direct_once"] == overhead["first_call"]
