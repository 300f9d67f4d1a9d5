"""``ledger serve``: the API on the configured port over the data directory's store; not ready
until something is indexed; stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_ledger_serve_answers_health_and_is_not_ready_on_an_empty_store(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "LEDGER_DATA_DIR": str(tmp_path), "LEDGER_API_PORT": str(port)}
    env.pop("LEDGER_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ledger.cli", "serve"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                health = httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "ledger serve did not answer in 60 s"
                time.sleep(0.1)
        assert health.json() == {"status": "ok"}
        ready = httpx.get(f"{base}/ready", timeout=5)
        assert ready.status_code == 503 and ready.json()["reason"] == "nothing indexed yet"
        status = httpx.get(f"{base}/api/v1/status", timeout=5)
        assert status.status_code == 503
        assert "ledger_store_up 1.0" in httpx.get(f"{base}/metrics", timeout=5).text
        assert (tmp_path / "ledger.db").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    # uvicorn shuts down gracefully, then re-raises the signal it caught (exit by SIGTERM).
    assert proc.returncode in (0, -signal.SIGTERM), err.decode()[-2000:]
    assert "Traceback" not in err.decode()
    assert f"serving the ledger API on {base}" in err.decode()


def test_ledger_serve_with_workers_runs_that_many_replicas_on_one_port(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "LEDGER_DATA_DIR": str(tmp_path), "LEDGER_API_PORT": str(port)}
    env.pop("LEDGER_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ledger.cli", "serve", "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # two interpreters importing the web stack on a busy machine
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "ledger serve --workers 2 did not answer in 120 s"
            time.sleep(0.1)
        # Both workers answer alike (new connections are spread over them by the kernel).
        answers = {httpx.get(f"{base}/ready", timeout=5).text for _ in range(10)}
        assert len(answers) == 1 and "nothing indexed yet" in answers.pop()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode in (0, -signal.SIGTERM), err.decode()[-2000:]
    assert "Traceback" not in err.decode()
    assert f"serving the ledger API on {base} with 2 worker processes" in err.decode()
