"""Short runs of the benchmark scripts: they start their own node, measure, and report every figure.

Timings are not asserted (the machine may be busy); the reports' shape and the gas cases are.
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


def test_gas_script_reports_positive_gas_for_every_budgeted_operation_and_its_variants() -> None:
    report = run_script("gas.py")
    required = [
        "register_asset", "grant_license", "grant_license_first_for_purpose", "settle_trade", "settle_trade_cold",
        "settle_batch_100_per_trade", "admit", "review_registration", "sublicense", "revoke_license",
        "transfer_right", "lodge_objection", "resolve_objection", "freeze", "settle_direct", "token_transfer_steady",
    ]  # fmt: skip
    for key in required:
        assert isinstance(report[key], int) and report[key] > 0, key
    assert set(report["budgets"]) == {"register_asset", "grant_license", "settle_trade", "settle_batch_100_per_trade"}
    assert report["over_budget"] == [k for k, b in report["budgets"].items() if report[k] > b]
    assert report["batch_size"] == 100
    # The cases are the ones named: a first licence of a purpose creates a record a later one reuses,
    # first payments create balances, and a batch shares the transaction's base cost.
    assert report["grant_license_first_for_purpose"] > report["grant_license"]
    assert report["settle_trade_cold"] > report["settle_trade"]
    assert report["settle_batch_100_per_trade"] < report["settle_trade"]
    assert report["settle_batch_tx"] // 100 == report["settle_batch_100_per_trade"]


def test_throughput_script_reports_three_positive_rates_from_one_short_run() -> None:
    report = run_script(
        "throughput.py", "--seconds", "1", "--exchanges", "2", "--buyers", "40", "--senders", "8",
        "--raw-probe", "200", "--settle-chunk", "20", "--settle-inflight", "200", "--batch", "10",
        "--batch-inflight", "200", "--cost-sample", "40", "--what-if", "fast-sign", "--what-if", "log-wait",
    )  # fmt: skip
    for key in ("raw_transfer_tps", "settle_tps", "settle_batch_trades_per_s", "settle_to_raw_ratio",
                "what_if_fast_sign_log_wait_settle_tps"):  # fmt: skip
        assert report[key] > 0, key
    details = report["details"]
    assert set(details) == {"raw", "settle", "batch", "settle+fast-sign+log-wait"}
    for name, d in details.items():
        assert d["count"] > 0 and d["blocks"] > 0 and d["gas_per_block_mean"] > 0, name
        assert d["node_cpu_ms_per_tx"] >= 0 and d["client_cpu_ms_per_tx"] > 0, name
    assert details["batch"]["count"] == 10 * details["batch"]["transactions"]
    costs = report["client_costs_per_tx"]
    for stage in ("encode", "sign", "sign_fast_whatif", "journal_fsync", "http_send", "wait_receipts"):
        assert costs[f"{stage}_client_us"] > 0, stage
