"""``ledger governance ...``: a proposal file travels between the dev officers (40-42 council, 40-42 emergency,
43-44 guardian) on the CLI market's chain; anyone sends its stages."""

from __future__ import annotations

from pathlib import Path

from ledger.client import dev_account
from ledger.governance.config import DEV_DELAY
from tests.cli.conftest import Cli
from tests.credit_codes import code_for


def _officer(index: int) -> str:
    return str(dev_account(index).address)


def _move_clock(chain: Cli, seconds: int) -> None:
    with chain.rpc() as rpc:
        rpc.call("evm_increaseTime", [seconds])
        rpc.call("evm_mine", [])


def test_the_council_sets_a_price_band_after_the_delay(chain: Cli, tmp_path: Path) -> None:
    path = str(tmp_path / "band.json")
    proposed = chain.json("governance", "propose", "TradeSettlement", "setPriceBand", "dataset", "100000", "2000000",
                          "--out", path, "--description", "2027 guided band", "--as", "40")  # fmt: skip
    assert (proposed["route"], proposed["state"], proposed["stage"]["kind"]) == ("council", "signing", "schedule")
    assert proposed["stage"]["signers"] == [_officer(40)] and proposed["stage"]["threshold"] == 2
    assert proposed["actions"][0]["args"] == {"kind": 0, "min": 100000, "max": 2000000}
    one = chain.refused("governance", "execute", path)
    assert "has 1 valid signature(s) of the CouncilSafe's officers; it needs 2" in one.stderr
    outsider = chain.refused("governance", "approve", path, "--as", "11")
    assert "is not an officer of the CouncilSafe" in outsider.stderr

    chain.json("governance", "approve", path, "--as", "41")
    scheduled = chain.json("governance", "execute", path, "--as", "11")  # anyone sends it
    assert (scheduled["sent"], scheduled["state"], scheduled["stage"]["kind"]) == ("schedule", "scheduled", "execute")
    pending = chain.json("governance", "list", "--status", "pending")
    assert [(op["function"], op["ready_at"]) for op in pending] == [("setPriceBand", scheduled["ready_at"])]
    assert chain.json("governance", "show", pending[0]["operation_id"])[0]["status"] == "pending"

    chain.json("governance", "approve", path, "--as", "42")
    chain.json("governance", "approve", path, "--as", "40")
    early = chain.refused("governance", "execute", path)
    assert "AccessManagerNotReady(operationId=" + pending[0]["operation_id"] in early.stderr
    assert chain.json("trade", "price-band", "dataset")["max"] == 0

    _move_clock(chain, DEV_DELAY + 1)
    executed = chain.json("governance", "execute", path)
    assert (executed["sent"], executed["state"]) == ("execute", "executed")
    band = chain.json("trade", "price-band", "dataset")
    assert (band["min"], band["max"]) == (100_000, 2_000_000)
    assert chain.json("governance", "list", "--status", "executed")[-1]["function"] == "setPriceBand"
    assert chain.json("governance", "show", path)["state"] == "executed"


def test_a_guardian_officer_cancels_a_scheduled_admission(chain: Cli, tmp_path: Path) -> None:
    path = str(tmp_path / "admit.json")
    chain.json("governance", "propose", "ParticipantRegistry", "admit", "20", "exchange", "450000", "Rogue Exchange",
               code_for(_officer(20)), "--out", path, "--as", "41")  # fmt: skip
    chain.json("governance", "approve", path, "--as", "42")
    chain.json("governance", "execute", path)
    refused = chain.refused("governance", "cancel", path, "--as", "40")
    assert "is not an officer of the GuardianSafe" in refused.stderr
    cancelling = chain.json("governance", "cancel", path, "--as", "44")
    assert (cancelling["stage"]["kind"], cancelling["stage"]["signers"]) == ("cancel", [_officer(44)])
    cancelled = chain.json("governance", "execute", path)
    assert (cancelled["sent"], cancelled["state"]) == ("cancel", "cancelled")
    assert chain.json("governance", "list", "--status", "cancelled")[-1]["function"] == "admit"
    missing = chain.refused("participant", "show", "20")
    assert "not an admitted participant" in missing.stderr


def test_one_emergency_officer_freezes_at_once_and_the_governance_is_shown(chain: Cli, tmp_path: Path) -> None:
    asset = chain.json("asset", "apply", "--as", "4", "--name", "Beihai port calls", "--category", "enterprise",
                       "--region", "450000", "--content", "port calls 2025", "--metadata", "meta",
                       "--uri", "ipfs://port")["asset_id"]  # fmt: skip
    chain.ok("asset", "review", str(asset), "--approve", "--review", "ok", "--as", "1")
    path = str(tmp_path / "freeze.json")
    proposed = chain.json("governance", "propose", "AssetControls", "freeze", str(asset), "court order 17",
                          "--out", path, "--as", "42")  # fmt: skip
    assert (proposed["route"], proposed["stage"]["safe"], proposed["stage"]["threshold"]) == (
        "emergency", "EmergencySafe", 1)
    frozen = chain.json("governance", "execute", path)
    assert frozen["state"] == "executed"
    assert chain.json("asset", "show", str(asset))["frozen"] is True
    shown = chain.json("governance", "show")
    assert shown["delay"] == DEV_DELAY
    assert shown["safes"]["CouncilSafe"]["threshold"] == 2
    assert shown["safes"]["EmergencySafe"]["officers"] == [_officer(i) for i in (40, 41, 42)]
    usage = chain("governance", "propose", "AssetControls", "freeze", str(asset), "--out", path, "--as", "42")
    assert usage.exit_code == 2 and "takes 2 argument(s)" in usage.stderr


def test_the_council_raises_a_banks_issuance_limit_and_refuses_an_officer_a_bank_role(
    chain: Cli, tmp_path: Path
) -> None:
    path = str(tmp_path / "limit.json")
    before = chain.json("token", "limit", "3")
    chain.json("governance", "propose", "SettlementToken", "setIssuanceLimit", "3", "2000000000",
               "--description", "reserve grew", "--out", path, "--as", "40")  # fmt: skip
    chain.json("governance", "approve", path, "--as", "41")
    chain.json("governance", "execute", path)
    _move_clock(chain, DEV_DELAY + 1)
    chain.json("governance", "approve", path, "--as", "40")
    chain.json("governance", "approve", path, "--as", "42")
    assert chain.json("governance", "execute", path)["state"] == "executed"
    after = chain.json("token", "limit", "3")
    assert (after["limit"], after["outstanding"]) == (2_000_000_000, before["outstanding"])
    # The council's proposal to make its own officer a bank is refused before anyone signs it.
    refused = chain.refused("governance", "propose", "ParticipantRegistry", "admit", "41", "settlement-bank",
                            "450000", "Officer's Bank", code_for(_officer(41)), "--out", str(tmp_path / "bank.json"),
                            "--as", "40")  # fmt: skip
    assert f"ParticipantOfficerConflict(account={_officer(41)}" in refused.stderr


def test_an_emergency_officer_pauses_the_registry_and_the_council_unpauses_it(chain: Cli, tmp_path: Path) -> None:
    path = str(tmp_path / "pause.json")
    proposed = chain.json("governance", "propose", "AssetControls", "pause", "AssetRegistry,MandateRegistry",
                          "incident 2027-3", "--out", path, "--as", "41")  # fmt: skip
    assert (proposed["route"], proposed["stage"]["threshold"]) == ("emergency", 1)
    assert proposed["actions"][0]["args"]["contracts"] == 0b100010
    assert chain.json("governance", "execute", path)["state"] == "executed"
    assert chain.json("paused")["paused"] == ["AssetRegistry", "MandateRegistry"]
    refused = chain.refused("asset", "apply", "--as", "4", "--name", "Wuzhou rainfall", "--category", "enterprise",
                            "--region", "450000", "--content", "rainfall 2025", "--metadata", "meta",
                            "--uri", "ipfs://rain")  # fmt: skip
    assert "LedgerPaused(contracts=2)" in refused.stderr
    # On the embedded chain the council's dev officers unpause in one command (scheduled, then executed).
    unpaused = chain.json("unpause", "AssetRegistry", "--reason", "incident closed")
    assert (unpaused["contracts"], unpaused["paused"]) == (["AssetRegistry"], ["MandateRegistry"])
    assert chain.json("paused")["paused"] == ["MandateRegistry"]
    bad = chain("pause", "Ledger", "--reason", "x")
    assert bad.exit_code == 2 and "'Ledger' is not a pausable contract" in bad.stderr
    chain.json("unpause", "all", "--reason", "all clear")
    assert chain.json("paused")["paused"] == []
    chain.ok("asset", "apply", "--as", "4", "--name", "Wuzhou rainfall", "--category", "enterprise",
             "--region", "450000", "--content", "rainfall 2025", "--metadata", "meta",
             "--uri", "ipfs://rain")  # fmt: skip
