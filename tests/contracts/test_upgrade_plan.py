"""plan_upgrade: whether each contract's code changes from the deployment's build, beside the layout check."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from ledger.contracts.deploy import DeployedContract, Deployment
from ledger.contracts.system import SYSTEM_CONTRACTS
from ledger.contracts.upgrade import DEFAULT_BASELINE, load_baseline, plan_upgrade
from ledger.toolchain import Build, StorageLayouts, storage_layouts


@pytest.fixture(scope="module")
def layouts() -> StorageLayouts:
    return storage_layouts()


def _deployment(build_key: str) -> Deployment:
    contracts = {name: DeployedContract(name, "0x" + "11" * 20, "0x" + "ab" * 32, "0x", "0x", 1)
                 for name in SYSTEM_CONTRACTS}  # fmt: skip
    return Deployment(1337, 1, "0x", "0x" + "22" * 20, "0.8.28", build_key, "2026-01-01T00:00:00+00:00", contracts)


def _with_runtime(build: Build, name: str, runtime: str) -> Build:
    contract = build.contract(name)
    changed = dict(build.contracts)
    changed[contract.fully_qualified_name] = dataclasses.replace(contract, deployed_bytecode=runtime)
    return dataclasses.replace(build, key="f" * 64, contracts=MappingProxyType(changed))


def test_the_deployments_own_build_changes_no_code(build: Build, layouts: StorageLayouts) -> None:
    plan = plan_upgrade(build, layouts, load_baseline(DEFAULT_BASELINE), deployment=_deployment(build.key))
    assert plan.compatible
    assert {c.code for c in plan.contracts} == {"unchanged"}
    assert {c.deployed_code_hash for c in plan.contracts} == {"0x" + "ab" * 32}


def test_code_is_compared_with_the_deployments_build_when_the_cache_has_it(
    build: Build, layouts: StorageLayouts
) -> None:
    deployed = _with_runtime(build, "Supervision", "0x6000" + build.contract("Supervision").deployed_bytecode[6:])
    plan = plan_upgrade(build, layouts, load_baseline(DEFAULT_BASELINE), deployment=_deployment(deployed.key),
                        deployed_build=deployed)  # fmt: skip
    codes = {c.name: c.code for c in plan.contracts}
    assert codes.pop("Supervision") == "changed"
    assert set(codes.values()) == {"unchanged"}


def test_code_change_is_unknown_without_the_deployments_build(build: Build, layouts: StorageLayouts) -> None:
    plan = plan_upgrade(build, layouts, load_baseline(DEFAULT_BASELINE), deployment=_deployment("e" * 64))
    assert {c.code for c in plan.contracts} == {"unknown"}
    assert "not in the compile cache" in plan.contracts[0].code_note
