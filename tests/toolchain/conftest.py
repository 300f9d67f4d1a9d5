"""Fixtures for toolchain tests: a small throw-away Solidity project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ledger.settings import PROJECT_ROOT, LedgerSettings

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """``tmp_path/project``: contracts/fixture/*.sol (OpenZeppelin imports, a relative
    import, a linked library) plus the repo's contracts/compiler.json and
    hardhat.config.js, with node_modules symlinked. Safe to mutate."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES, root / "contracts" / "fixture")
    shutil.copy2(PROJECT_ROOT / "contracts" / "compiler.json", root / "contracts" / "compiler.json")
    shutil.copy2(PROJECT_ROOT / "hardhat.config.js", root / "hardhat.config.js")
    (root / "node_modules").symlink_to(PROJECT_ROOT / "node_modules", target_is_directory=True)
    return root


@pytest.fixture(scope="session")
def shared_build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One compile cache for the session: identical fixture projects compile once."""
    return tmp_path_factory.mktemp("build")


@pytest.fixture
def project_settings(tmp_path: Path, shared_build_dir: Path) -> LedgerSettings:
    return LedgerSettings(data_dir=tmp_path / "data", build_dir=shared_build_dir)
