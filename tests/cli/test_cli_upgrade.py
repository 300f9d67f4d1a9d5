"""``ledger upgrade plan``: the layout check against a release baseline, and whether code changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from ledger.contracts.system import SYSTEM_CONTRACTS
from ledger.contracts.upgrade import DEFAULT_BASELINE
from ledger.toolchain import compile_contracts
from tests.cli.conftest import Cli


def _doctored(tmp_path: Path, change: Any) -> Path:
    """A copy of the v1 baseline with ``change(data)`` applied."""
    data = json.loads(DEFAULT_BASELINE.read_text())
    change(data)
    path = tmp_path / "doctored.json"
    path.write_text(json.dumps(data))
    return path


def _variable(data: dict[str, Any], contract: str, label: str) -> dict[str, Any]:
    found: dict[str, Any] = next(v for v in data["contracts"][contract] if v["label"] == label)
    return found


def test_plan_without_a_deployment_checks_every_layout_and_prints_the_compiled_code_hashes(fresh_cli: Cli) -> None:
    plan = fresh_cli.json("upgrade", "plan")
    assert plan["against"] == "v1"
    assert plan["layout_compatible"] is True
    assert plan["deployed_build_key"] is None
    assert [c["contract"] for c in plan["contracts"]] == list(SYSTEM_CONTRACTS)
    build = compile_contracts()
    for c in plan["contracts"]:
        assert c["code"] == "not-deployed"
        assert c["deployed_code_hash"] is None
        assert not [f for f in c["findings"] if f["severity"] == "error"]
        assert c["compiled_code_hash"] == "0x" + keccak(hexstr=build.contract(c["contract"]).deployed_bytecode).hex()
    human = fresh_cli.ok("upgrade", "plan").stdout
    assert "layout: compatible" in human
    assert "not deployed" in human


def test_plan_against_an_incompatible_baseline_exits_1_naming_the_contracts(fresh_cli: Cli, tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        supervision = data["contracts"]["Supervision"]
        supervision.append({**supervision[-1], "label": "_legacy", "slot": 3})  # the sources no longer have it
        key = _variable(data, "ParticipantRegistry", "_participants")["type"]["key"]
        key.update(label="uint256", bytes=32)  # the sources key participants by address

    against = str(_doctored(tmp_path, change))
    result = fresh_cli("upgrade", "plan", "--against", against, "--json")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.strip() == (
        "error: storage layout incompatible with release v1: ParticipantRegistry, Supervision"
    )
    plan = json.loads(result.stdout)
    assert plan["layout_compatible"] is False
    by_name = {c["contract"]: c for c in plan["contracts"]}
    def errors(contract: str) -> list[tuple[str, str]]:  # beside them, infos on what this release appended
        return [(f["code"], f["location"]) for f in by_name[contract]["findings"] if f["severity"] == "error"]

    assert errors("Supervision") == [("removed", "_legacy")]
    assert errors("ParticipantRegistry") == [("key-changed", "_participants")]
    assert by_name["AssetRegistry"]["layout_compatible"] is True
    assert "LAYOUT INCOMPATIBLE" in fresh_cli("upgrade", "plan", "--against", against).stdout


def test_a_rename_is_refused_unless_allowed(fresh_cli: Cli, tmp_path: Path) -> None:
    against = str(_doctored(tmp_path, lambda d: _variable(d, "Supervision", "_orderCount").update(label="_total")))
    refused = fresh_cli("upgrade", "plan", "--against", against)
    assert refused.exit_code == 1
    assert "renamed to `_orderCount`" in refused.stdout
    allow = "Supervision:_total=_orderCount"
    allowed = fresh_cli.json("upgrade", "plan", "--against", against, "--allow-rename", allow)
    supervision = next(c for c in allowed["contracts"] if c["contract"] == "Supervision")
    assert [(f["severity"], f["code"]) for f in supervision["findings"]] == [("warning", "renamed")]


def test_a_missing_or_malformed_baseline_is_a_usage_error(fresh_cli: Cli, tmp_path: Path) -> None:
    assert "no layout baseline" in fresh_cli.refused("upgrade", "plan", "--against", str(tmp_path / "x.json"),
                                                     code=2).stderr  # fmt: skip
    (tmp_path / "bad.json").write_text("{}")
    fresh_cli.refused("upgrade", "plan", "--against", str(tmp_path / "bad.json"), code=2)
    fresh_cli.refused("upgrade", "plan", "--allow-rename", "Supervision_total", code=2)
