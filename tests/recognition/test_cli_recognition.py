"""The CLI end to end across two provinces: certificate issue/sign/verify, agreement, import,
crosscheck (single and whole registry), suspension."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from typer.testing import CliRunner, Result

from ledger.cli.main import app
from ledger.contracts.types import Right
from tests.recognition.conftest import Province, Provinces

REGISTRAR, FOREIGN_REGISTRAR, REGISTRAR3 = "1", "2", "12"


def run(p: Province, *args: str, code: int = 0) -> Result:
    env: Mapping[str, str | None] = p.env
    result = CliRunner().invoke(app, list(args), env=dict(env))
    assert result.exit_code == code, f"ledger {' '.join(args)} -> {result.exit_code}\n{result.output}"
    return result


def test_certificate_agreement_import_crosscheck_and_suspend(provinces: Provinces, tmp_path: Path) -> None:
    a, b = provinces.a, provinces.b
    asset = a.world.registered_asset()
    cert = tmp_path / "cert.json"
    run(a, "certificate", "issue", str(asset), "--out", str(cert), "--as", REGISTRAR)
    run(a, "certificate", "sign", str(cert), "--as", REGISTRAR3)
    offline = json.loads(run(a, "certificate", "verify", str(cert), "--json").stdout)
    assert len(offline["signers"]) == 2 and not offline["checked_on_chain"]
    online = json.loads(run(b, "certificate", "verify", str(cert), "--rpc-url", a.url, "--json").stdout)
    assert online["checked_on_chain"]
    assert "the node is chain" in run(b, "certificate", "verify", str(cert), "--rpc-url", b.url, code=1).output

    regs = [x.address for x in a.registrars()]
    run(b, "recognition", "agreement", "set", "--origin-chain", str(a.chain_id), "--registry", a.registry,
        *(x for r in regs for x in ("--registrar", r)), "--threshold", "2", "--as", "0")
    shown = json.loads(run(b, "recognition", "agreement", "show", str(a.chain_id), "--json").stdout)
    assert shown["registrars"] == regs and shown["threshold"] == 2
    imported = json.loads(run(b, "recognition", "import", str(cert), "--as", REGISTRAR, "--json").stdout)
    local = imported["local_asset_id"]
    assert "RecognitionStaleCertificate" in run(b, "recognition", "import", str(cert), "--as", REGISTRAR,
                                                code=1).output
    listed = json.loads(run(b, "recognition", "list", "--json").stdout)
    assert [r["local_asset_id"] for r in listed] == [local]

    head = a.world.rpc.call("eth_getBlockByNumber", ["latest", False])["hash"]
    single = json.loads(run(b, "crosscheck", "--remote", a.url, "--block-hash", head, str(asset), "--json").stdout)
    assert single["verdict"] == "match" and single["pinned_by_user"]
    a.world.holder.transfer_right(asset, Right.HOLDING, a.world.holder2.address)
    report = json.loads(run(b, "crosscheck", "--remote", a.url, "--all", "--json").stdout)
    assert report["counts"]["stale"] == 1 and report["stale"][0]["local_asset_id"] == local
    assert "STALE" in run(b, "crosscheck", "--remote", a.url, "--all").stdout
    bogus = "0x" + "ab" * 32
    assert "no block" in run(b, "crosscheck", "--remote", a.url, "--block-hash", bogus, str(asset), code=1).output

    run(b, "recognition", "suspend", str(local), "--reason", "re-check flagged a transfer", "--as", REGISTRAR)
    assert json.loads(run(b, "recognition", "list", "--json").stdout)[0]["status"] == "suspended"
    run(b, "recognition", "reinstate", str(local), "--reason", "re-check cleared", "--as", REGISTRAR)
    assert json.loads(run(b, "recognition", "list", "--json").stdout)[0]["status"] == "active"

    # A newer certificate (after the transfer in A) supersedes the import: the recognised asset follows it.
    newer = tmp_path / "newer.json"
    a.world.rpc.call("evm_increaseTime", [60])  # issued later than the first
    a.world.rpc.call("anvil_mine", ["0x1"])
    run(a, "certificate", "issue", str(asset), "--out", str(newer), "--valid-days", "30", "--as", REGISTRAR)
    run(a, "certificate", "sign", str(newer), "--as", REGISTRAR3)
    followed = json.loads(run(b, "recognition", "import", str(newer), "--as", REGISTRAR, "--json").stdout)
    assert (followed["local_asset_id"], followed["superseded"]) == (local, True)
    assert json.loads(run(b, "recognition", "list", "--json").stdout)[0]["holders"][0] == a.world.holder2.address


def test_crosscheck_needs_no_local_ledger_for_one_asset_with_registry(provinces: Provinces, tmp_path: Path) -> None:
    a = provinces.a
    asset = a.world.registered_asset()
    head = a.world.rpc.call("eth_getBlockByNumber", ["latest", False])["hash"]
    env = {**a.env, "LEDGER_DATA_DIR": str(tmp_path / "empty")}
    result = CliRunner().invoke(app, ["crosscheck", "--remote", a.url, "--block-hash", head, "--registry", a.registry,
                                      str(asset), "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["verdict"].startswith("not-recognised") and data["origin"]["status_name"] == "registered"

