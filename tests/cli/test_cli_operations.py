"""Operation commands against a running node: what they change on chain, what they print, and how
refusals come out (exit 1, the contract error's name and values, nothing changed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from ledger.client import dev_account
from tests.cli.conftest import Cli


def _register(cli: Cli, label: str, owner: str = "4", category: str = "enterprise") -> int:
    applied = cli.json("asset", "apply", "--as", owner, "--name", f"Dataset {label}", "--category", category,
                       "--region", "450000", "--content", f"content {label}", "--metadata", f"metadata {label}",
                       "--uri", f"https://example.org/{label}.json")  # fmt: skip
    asset_id = int(applied["asset_id"])
    cli.ok("asset", "review", str(asset_id), "--approve", "--review", "review ok", "--as", "1")
    return asset_id


def _balances(cli: Cli, *accounts: str) -> list[int]:
    return [int(cli.json("token", "balance", a)["balance"]) for a in accounts]


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def test_refused_operation_exits_1_with_the_error_name_and_changes_nothing(chain: Cli) -> None:
    result = chain.refused("participant", "admit", "20", "--roles", "data-holder", "--region", "450100",
                           "--name", "Nobody", "--as", "4")  # fmt: skip
    holder = dev_account(4).address
    assert result.stderr.strip() == (
        f"error: ParticipantRegistry.admit refused: ParticipantUnauthorized(account={holder}, neededRoles=1)"
    )
    missing = chain.refused("participant", "show", "20")
    assert "not an admitted participant" in missing.stderr


def test_suspended_participant_cannot_receive_tokens_until_reinstated(chain: Cli) -> None:
    suspended = chain.json("participant", "suspend", "5", "--reason", "@" + __file__)
    assert suspended["status"] == "suspended"
    before = [chain.json("token", "balance", a)["balance"] for a in ("3", "5")]
    refused = chain.refused("token", "issue", "--to", "5", "--amount", "10", "--as", "3")
    assert f"TokenParticipantNotActive(account={dev_account(5).address})" in refused.stderr
    assert [chain.json("token", "balance", a)["balance"] for a in ("3", "5")] == before
    assert chain.json("participant", "reinstate", "5", "--reason", "rectified")["status"] == "active"
    chain.ok("token", "issue", "--to", "5", "--amount", "10", "--as", "3")
    assert chain.json("token", "balance", "5")["balance"] == before[1] + 1_000


def test_registration_review_and_show_through_the_cli(chain: Cli) -> None:
    applied = chain.ok("asset", "apply", "--as", "4", "--name", "Nanning parking occupancy", "--category", "public",
                       "--region", "450000", "--content", "parking 2025", "--metadata", "meta",
                       "--uri", "https://example.org/parking.json")  # fmt: skip
    assert applied.stdout.startswith("applied (登记申请) for asset #")
    asset_id = int(applied.stdout.split("#")[1].split()[0])
    assert chain.json("asset", "show", str(asset_id))["status"] == "pending"

    reviewed = chain.json("asset", "review", str(asset_id), "--approve", "--review", "review ok", "--as", "1")
    shown = chain.json("asset", "show", str(asset_id))
    assert reviewed["certificate"] == shown["certificate"]
    assert shown["certificate"].startswith("DR-450000-") and len(shown["certificate"]) == len("DR-450000-") + 8
    assert shown["content_hash"] == "0x" + keccak(text="parking 2025").hex()
    assert (shown["name"], shown["category"], shown["status"]) == ("Nanning parking occupancy", "public", "registered")
    assert set(shown["holders"].values()) == {dev_account(4).address}

    again = chain.refused("asset", "review", str(asset_id), "--approve", "--review", "twice", "--as", "1")
    assert "RegistryInvalidStatus" in again.stderr


def test_licence_sublicence_and_cascading_revocation(chain: Cli) -> None:
    asset = _register(chain, "licences")
    parent = chain.json("license", "grant", str(asset), "--to", "6", "--purpose", "1101", "--region", "450000",
                        "--sublicensable", "--as", "4")["license_id"]  # fmt: skip
    child = chain.json("license", "sublicense", str(parent), "--to", "5", "--purpose", "1101", "--region", "450000",
                       "--days", "30", "--as", "6")["license_id"]  # fmt: skip
    assert chain.json("license", "show", str(parent))["children"] == [child]
    assert chain.json("license", "valid", str(child))["valid"] is True
    assert chain.json("license", "valid", str(child), "--at", "+400d")["valid"] is False

    too_wide = chain.refused("license", "sublicense", str(parent), "--to", "5", "--purpose", "9999",
                             "--region", "450000", "--as", "6")  # fmt: skip
    assert "LicenseExceedsParent" in too_wide.stderr

    revoked = chain.json("license", "revoke", str(parent), "--reason", "breach", "--as", "4")
    assert revoked["revoked"] == [parent, child]
    assert chain.json("license", "valid", str(child))["valid"] is False


def test_settle_from_a_file_pays_fee_and_revenue_shares_then_a_failing_batch_changes_nothing(
    chain: Cli, tmp_path: Path
) -> None:
    asset = _register(chain, "trade")
    chain.ok("asset", "shares", str(asset), "--set", "6=1000", "--as", "4")
    trade = {"trade_id": "order 1", "asset_id": asset, "seller": "4", "buyer": "5", "price": "1000", "fee": "10",
             "terms": {"purpose": 1101, "days": 30, "regions": [450000]}}  # fmt: skip
    settled = chain.json("trade", "settle", _write(tmp_path, "one.json", trade), "--as", "2")
    row = settled["trades"][0]
    assert (row["price"], row["fee"], row["seller_amount"]) == (100_000, 1_000, 89_100)
    assert row["revenue_shares"] == [{"recipient": dev_account(6).address, "amount": 9_900}]
    licence = chain.json("license", "show", str(row["license_id"]))
    assert (licence["licensee"], licence["purpose"]) == (dev_account(5).address, 1101)
    before = _balances(chain, "4", "5", "6", "2")
    assert before == [89_100, 10_000_000 - 100_000, 9_900, 1_000]

    batch = [dict(trade, trade_id="order 2"), dict(trade, trade_id="order 1")]  # the second settled already
    failed = chain.refused("trade", "settle", _write(tmp_path, "batch.json", batch), "--as", "2")
    assert "SettlementBatchItemFailed(index=1" in failed.stderr
    assert "reason=SettlementTradeAlreadySettled(" in failed.stderr
    assert _balances(chain, "4", "5", "6", "2") == before

    ok_batch = chain.json("trade", "settle", _write(tmp_path, "ok.json", batch[:1]), "--as", "2")
    assert [t["trade_id"] for t in ok_batch["trades"]] == ["0x" + keccak(text="order 2").hex()]


def test_off_exchange_trade_signed_by_both_parties_settles_once(chain: Cli, tmp_path: Path) -> None:
    asset = _register(chain, "direct")
    trade = _write(tmp_path, "direct.json", {
        "trade_id": "direct 1", "asset_id": asset, "seller": "4", "buyer": "5", "price": "250.50",
        "terms": {"purpose": 1301, "days": 10, "regions": [450000], "countries": ["vn"]},
    })  # fmt: skip
    envelope = tmp_path / "envelope.json"
    chain.ok("trade", "direct-sign", trade, "--nonce", "7", "--as", "4", "--out", str(envelope))
    unsigned = chain.refused("trade", "direct-settle", str(envelope), "--as", "5", code=2)
    assert "buyer's signature" in unsigned.stderr
    chain.ok("trade", "direct-sign", str(envelope), "--as", "5", "--out", str(envelope))
    assert set(json.loads(envelope.read_text())["signatures"]) == {"seller", "buyer"}

    settled = chain.json("trade", "direct-settle", str(envelope), "--as", "5")["trades"][0]
    assert (settled["exchange"], settled["seller_amount"]) == ("0x" + "00" * 20, 25_050)
    licence = chain.json("license", "show", str(settled["license_id"]))
    assert (licence["cross_border"], licence["countries"]) == (True, ["VN"])
    replay = chain.refused("trade", "direct-settle", str(envelope), "--as", "4")
    assert "SettlementNonceUsed" in replay.stderr

    outsider = chain.refused("trade", "direct-sign", trade, "--as", "6", code=2)
    assert "neither the seller nor the buyer" in outsider.stderr


def test_price_band_objection_freeze_and_supervision(chain: Cli) -> None:
    assert chain.json("trade", "price-band", "dataset")["max"] == 0
    chain.ok("trade", "price-band", "dataset", "--min", "100", "--max", "5000")
    assert chain.json("trade", "price-band", "dataset")["min"] == 10_000

    asset = _register(chain, "supervised")
    objection = chain.json("asset", "object", str(asset), "--evidence", "@" + __file__, "--as", "5")["objection_id"]
    assert chain.json("asset", "show", str(asset))["disputed"] is True
    chain.ok("asset", "resolve", str(objection), "--dismissed", "--decision", "no merit", "--as", "1")
    chain.ok("asset", "freeze", str(asset), "--reason", "inspection")
    frozen = chain.refused("license", "grant", str(asset), "--to", "6", "--region", "450000", "--as", "4")
    assert f"RegistryAssetFrozen(assetId={asset})" in frozen.stderr

    order = chain.json("supervise", "order-open", "--asset", str(asset), "--document", "order")["order_id"]
    assert chain.json("supervise", "order-show", str(order))["status"] == "open"
    chain.ok("supervise", "order-close", str(order), "--closing", "done")
    assert chain.json("supervise", "order-show", str(order))["status"] == "closed"
    assert chain.json("supervise", "credit", "6", "--code", "201", "--delta", "-5", "--document", "x")["score"] == -5
    assert chain.json("supervise", "credit-show", "6")["score"] == -5


def test_keystore_accounts_act_with_their_password_on_the_embedded_and_an_external_chain(chain: Cli) -> None:
    created = chain.json("keys", "new", "alice")
    assert created["funded"] is True
    assert chain.json("keys", "list") == [{"name": "alice", "address": created["address"], "path": created["path"]}]
    chain.ok("participant", "admit", "alice", "--roles", "data-merchant", "--region", "450100", "--name", "Alice")
    chain.ok("participant", "declare", "--document", "alice declaration", "--as", "alice")
    assert chain.json("participant", "show", created["address"])["declarations"] == 1

    wrong = chain.refused("participant", "declare", "--document", "again", "--as", "alice",
                          env={"LEDGER_KEYSTORE_PASSWORD": "wrong"})  # fmt: skip
    assert "wrong password" in wrong.stderr

    external = {"LEDGER_RPC_URL": chain.rpc_url}
    chain.ok("participant", "declare", "--document", "external", "--as", "alice", env=external)
    assert chain.json("participant", "show", "alice", env=external)["declarations"] == 2
    dev = chain.refused("participant", "show", "4", env=external, code=2)
    assert "only for the embedded chain" in dev.stderr
    needs_signer = chain.refused("participant", "declare", "--document", "x", env=external, code=2)
    assert "required on an external chain" in needs_signer.stderr
