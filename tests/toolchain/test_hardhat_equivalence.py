"""The Python pipeline and `npx hardhat compile` produce byte-identical code."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from ledger.settings import PROJECT_ROOT, LedgerSettings
from ledger.toolchain import SOLC_SETTINGS, Build, compile_contracts


def _hardhat_compile(root: Path) -> Path:
    env = {
        **os.environ,
        "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true",
        "HARDHAT_HIDE_SOLIDITY_SURVEY_MESSAGE": "true",
        "CI": "true",  # no banners / prompts
    }
    proc = subprocess.run(
        ["npx", "--no-install", "hardhat", "compile", "--force"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, f"hardhat compile failed:\n{proc.stdout}\n{proc.stderr}"
    return root / "build" / "hardhat" / "artifacts"


def _without_output_selection(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in settings.items() if k != "outputSelection"}


def _assert_equivalent(build: Build, artifacts: Path) -> None:
    assert len(build) > 0
    mismatches = []
    for contract in build:
        path = artifacts / contract.source / f"{contract.name}.json"
        assert path.is_file(), f"hardhat has no artifact for {contract.fully_qualified_name}"
        hardhat = json.loads(path.read_text())
        if hardhat["bytecode"] != contract.bytecode:
            mismatches.append(f"{contract.fully_qualified_name}: bytecode")
        if hardhat["deployedBytecode"] != contract.deployed_bytecode:
            mismatches.append(f"{contract.fully_qualified_name}: deployedBytecode")
    assert not mismatches, mismatches

    # Same source unit names and the same solc settings in hardhat's single build-info.
    infos = [json.loads(p.read_text()) for p in (artifacts / "build-info").glob("*.json")]
    hh_sources = set().union(*(info["input"]["sources"] for info in infos))
    py_sources = set(json.loads((build.directory / "build-info.json").read_text())["input"]["sources"])
    assert hh_sources == py_sources
    for info in infos:
        assert _without_output_selection(info["input"]["settings"]) == _without_output_selection(dict(SOLC_SETTINGS))


def _snapshot(contracts: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(contracts.rglob("*")) if p.is_file()}


def test_project_contracts_match_hardhat() -> None:
    contracts = PROJECT_ROOT / "contracts"
    for _attempt in range(3):  # contracts/ may be edited while this runs: retry then
        before = _snapshot(contracts)
        artifacts = _hardhat_compile(PROJECT_ROOT)
        # The project's own compile cache: a cached build is still this pipeline's output.
        build = compile_contracts(LedgerSettings())
        if _snapshot(contracts) == before:
            break
    _assert_equivalent(build, artifacts)


def test_openzeppelin_fixture_matches_hardhat(project: Path, project_settings: LedgerSettings) -> None:
    """Fixture using OpenZeppelin, relative imports and a linked library."""
    artifacts = _hardhat_compile(project)
    build = compile_contracts(project_settings, project_root=project)
    assert build.contract("@openzeppelin/contracts/access/Ownable.sol:Ownable")
    assert "__$" in build.contract("FixtureToken").bytecode
    _assert_equivalent(build, artifacts)
