"""The EVM target is a compile setting per network: in the cache key, the build, and Hardhat's config."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from ledger.settings import LedgerSettings
from ledger.toolchain import compile_contracts


def _hardhat(root: Path, evm_version: str) -> Path:
    env = {**os.environ, "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true", "HARDHAT_HIDE_SOLIDITY_SURVEY_MESSAGE": "true",
           "CI": "true", "LEDGER_EVM_VERSION": evm_version}  # fmt: skip
    proc = subprocess.run(
        ["npx", "--no-install", "hardhat", "compile", "--force"], cwd=root, env=env, capture_output=True, text=True,
        timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, f"hardhat compile failed:\n{proc.stdout}\n{proc.stderr}"
    return root / "build" / "hardhat" / "artifacts"


def test_london_target_changes_the_key_and_hardhat_gives_the_same_bytecode(
    project: Path, project_settings: LedgerSettings
) -> None:
    cancun = compile_contracts(project_settings, project_root=project)
    london_settings = project_settings.model_copy(update={"evm_version": "london"})
    london = compile_contracts(london_settings, project_root=project)
    assert (cancun.evm_version, london.evm_version) == ("cancun", "london")
    assert cancun.key != london.key
    token = london.contract("FixtureToken")
    assert token.deployed_bytecode != cancun.contract("FixtureToken").deployed_bytecode
    info = json.loads((london.directory / "build-info.json").read_text())
    assert info["input"]["settings"]["evmVersion"] == "london"
    artifacts = _hardhat(project, "london")
    for contract in london:
        hardhat = json.loads((artifacts / contract.source / f"{contract.name}.json").read_text())
        assert hardhat["deployedBytecode"] == contract.deployed_bytecode, contract.fully_qualified_name
        assert hardhat["bytecode"] == contract.bytecode, contract.fully_qualified_name
    assert compile_contracts(london_settings, project_root=project).cache_hit


def test_deploy_refuses_a_contract_above_the_size_limit_at_the_target_naming_it(tmp_path: Path) -> None:
    from types import MappingProxyType

    import pytest

    from ledger.contracts.deploy import ContractTooLarge, Deployment, check_code_size
    from ledger.toolchain import Build, CompiledContract

    def contract(name: str, size: int) -> CompiledContract:
        code = "0x" + "00" * size
        return CompiledContract(name, f"contracts/{name}.sol", (), code, code, "", {}, "0.8.28")

    big, small = contract("AssetRegistry", 24_577), contract("TradeSettlement", 24_576)
    build = Build("k", tmp_path, False, "0.8.28", MappingProxyType({c.fully_qualified_name: c for c in (big, small)}),
                  (big.source, small.source), evm_version="london")  # fmt: skip
    with pytest.raises(ContractTooLarge, match=r"london, AssetRegistry 24,577 bytes exceeds") as refused:
        check_code_size(build)
    assert refused.value.oversized == {"AssetRegistry": 24_577}
    # A manifest written before the EVM target was recorded (one of the governance's, version 2) was compiled for
    # cancun.
    from ledger.contracts.deploy import MANIFEST_VERSION
    from ledger.governance.deployment import GovernanceRecord

    governance = GovernanceRecord(manager="0x", guard="0x", delay=60, safes={}, setup_tx="0x", setup_block=1)
    old = {"version": MANIFEST_VERSION, "chain_id": 1, "deployment_block": 1, "deployment_block_hash": "0x",
           "deployer": "0x", "compiler_version": "v", "build_key": "k", "created_at": "t", "contracts": {},
           "governance": governance.to_json()}  # fmt: skip
    assert Deployment.from_json(old).evm_version == "cancun"
