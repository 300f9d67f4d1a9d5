"""Shared test helpers and fixtures."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import NoReturn

import pytest

from ledger.settings import LedgerSettings


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now (the OS picks it, so parallel workers differ)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def services_required() -> bool:
    """Whether a missing test server or browser fails the tests that need it instead of skipping them:
    under ``scripts/test`` (which starts PostgreSQL and installs Chromium: ``LEDGER_TEST_STRICT=1``) and
    in CI (``CI=true``)."""
    return os.environ.get("LEDGER_TEST_STRICT") == "1" or os.environ.get("CI", "").lower() == "true"


def service_unavailable(reason: str) -> NoReturn:
    """Fails (under scripts/test or CI) or skips the current test because ``reason``."""
    if services_required():
        pytest.fail(f"{reason} (required under scripts/test and in CI)")
    pytest.skip(reason)


def postgres_test_url() -> str:
    """The test server's URL (``LEDGER_TEST_POSTGRES_URL``, which scripts/test sets to a server it started);
    a skip or a failure (see :func:`services_required`) when unset."""
    url = os.environ.get("LEDGER_TEST_POSTGRES_URL")
    if not url:
        service_unavailable("PostgreSQL: LEDGER_TEST_POSTGRES_URL is not set (scripts/test starts a server)")
    return url


def redis_test_url() -> str:
    """The test Redis server's URL (``LEDGER_TEST_REDIS_URL``, which scripts/test sets to a server it started);
    a skip or a failure (see :func:`services_required`) when unset."""
    url = os.environ.get("LEDGER_TEST_REDIS_URL")
    if not url:
        service_unavailable("Redis: LEDGER_TEST_REDIS_URL is not set (scripts/test starts a server)")
    return url


@pytest.fixture
def tmp_settings(tmp_path: Path) -> LedgerSettings:
    """Settings isolated in ``tmp_path`` (data, build) with a free node port; automine."""
    return LedgerSettings(
        data_dir=tmp_path / "data",
        build_dir=tmp_path / "build",
        node_port=free_port(),
        block_time=0,
        state_interval=1,
    )
