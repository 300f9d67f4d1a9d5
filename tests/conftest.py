"""Shared test helpers and fixtures."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from ledger.settings import LedgerSettings


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now (the OS picks it, so parallel workers differ)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


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
