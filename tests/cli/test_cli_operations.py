"""Operation commands against a running node: what they change on chain, what they print, and how
refusals come out (exit 1, the contract error's name and values, nothing changed)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from ledger.client import dev_account
from ledger.disclosure import CST, period
from tests.cli.conftest import Cli
from tests.credit_codes import code_for


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
                           "--name", "Nobody", "--credit-code", code_for(dev_account(20).address),
                           "--as", "4")  # fmt: skip
    holder = dev_account(4).address
    assert result.stderr.strip() == (
        f"error: ParticipantRegistry.admit refused: ParticipantUnauthorized(account={holder}, neededRoles=1)"
    )
    missing = chain.refused("participant", "show", "20")
    assert "not an admitted participant" in missing.stderr


def test_admission_names_the_participant_id_and_refuses_a_second_identity_or_a_mistyped_code(chain: Cli) -> None:
    """The CLI checks the credit code before sending (a usage error naming the wrong check character); an admitted
    organisation gets the next participant id, shown with its code's hash; its code cannot be admitted again under
    another account."""
    newcomer, other = dev_account(20).address, dev_account(21).address
    code = code_for(newcomer)
    typo = code[:17] + ("0" if code[17] != "0" else "1")
    mistyped = chain.refused("participant", "admit", "20", "--roles", "data-holder", "--region", "450100",
                             "--name", "Qinzhou Port Co.", "--credit-code", typo, code=2)  # fmt: skip
    assert "check character" in mistyped.stderr
    admitted = chain.json("participant", "admit", "20", "--roles", "data-holder", "--region", "450100",
                          "--name", "Qinzhou Port Co.", "--credit-code", code.lower())  # fmt: skip
    assert admitted["credit_code"] == code and admitted["participant_id"] == 8  # the authority, then six, then it
    shown = chain.json("participant", "show", "20")
    assert (shown["participant_id"], shown["credit_code_hash"]) == (8, admitted["credit_code_hash"])
    again = chain.refused("participant", "admit", "21", "--roles", "data-holder", "--region", "450100",
                          "--name", "Qinzhou Port Co. (2)", "--credit-code", code)  # fmt: skip
    assert f"ParticipantCreditCodeTaken(creditCodeHash={admitted['credit_code_hash']}, id=8)" in again.stderr
    assert "not an admitted participant" in chain.refused("participant", "show", other).stderr
    found = chain.json("participant", "find", code.lower())
    assert (found["participant_id"], found["address"], found["name"]) == (8, newcomer, "Qinzhou Port Co.")
    nobody = chain.refused("participant", "find", code_for(other))
    assert "no participant was admitted with credit code" in nobody.stderr


def test_suspended_participant_cannot_receive_tokens_until_reinstated(chain: Cli) -> None:
    suspended = chain.json("participant", "suspend", "5", "--reason", "@" + __file__)
    assert suspended["status"] == "suspended"
    before = [chain.json("token", "balance", a)["balance"] for a in ("3", "5")]
    refused = chain.refused("token", "issue", "--to", "5", "--amount", "10", "--reserve", "r", "--as", "3")
    assert f"TokenParticipantNotActive(account={dev_account(5).address})" in refused.stderr
    assert [chain.json("token", "balance", a)["balance"] for a in ("3", "5")] == before
    assert chain.json("participant", "reinstate", "5", "--reason", "rectified")["status"] == "active"
    chain.ok("token", "issue", "--to", "5", "--amount", "10", "--reserve", "r", "--as", "3")
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
    assert shown["applicant"] == dev_account(4).address
    assert (shown["suspended"], shown["licensed_until"]) == (False, 0)
    assert shown["revenue_shares"] == {"holding": [], "processing": [], "operation": []}

    again = chain.refused("asset", "review", str(asset_id), "--approve", "--review", "twice", "--as", "1")
    assert "RegistryInvalidStatus" in again.stderr


def test_licence_sublicence_and_revocation_invalidating_the_subtree(chain: Cli) -> None:
    asset = _register(chain, "licences")
    parent = chain.json("license", "grant", str(asset), "--to", "6", "--purpose", "1101", "--region", "450000",
                        "--sublicensable", "--as", "4")["license_id"]  # fmt: skip
    child = chain.json("license", "sublicense", str(parent), "--to", "5", "--purpose", "1101", "--region", "450000",
                       "--days", "30", "--as", "6")["license_id"]  # fmt: skip
    assert chain.json("license", "show", str(parent))["children"] == [child]
    assert chain.json("license", "valid", str(child))["valid"] is True
    assert chain.json("license", "valid", str(child), "--at", "+400d")["valid"] is False
    assert chain.json("asset", "show", str(asset))["licensed_until"] > 0  # the holder cannot cancel it alone

    too_wide = chain.refused("license", "sublicense", str(parent), "--to", "5", "--purpose", "9999",
                             "--region", "450000", "--as", "6")  # fmt: skip
    assert "LicenseExceedsParent" in too_wide.stderr

    # One LicenseRevoked for the parent; the sublicence is invalid because its parent is revoked.
    revoked = chain.json("license", "revoke", str(parent), "--reason", "breach", "--as", "4")
    assert (revoked["revoked"], revoked["invalidated_sublicences"]) == ([parent], [child])
    shown = chain.json("license", "show", str(child))
    assert (shown["revoked"], shown["revoked_ancestor"], shown["valid_now"]) == (False, parent, False)
    assert chain.json("license", "valid", str(child))["valid"] is False


def test_a_licensee_surrenders_its_licence_and_nobody_else_may(chain: Cli) -> None:
    asset = _register(chain, "surrender")
    licence = chain.json("license", "grant", str(asset), "--to", "6", "--purpose", "1101", "--region", "450000",
                         "--as", "4")["license_id"]  # fmt: skip
    outsider = chain.refused("license", "surrender", str(licence), "--reason", "not mine", "--as", "5")
    assert f"LicenseNotAuthorized(licenseId={licence}, account={dev_account(5).address})" in outsider.stderr
    done = chain.ok("license", "surrender", str(licence), "--reason", "no longer needed", "--as", "6")
    assert done.stdout.startswith(f"surrendered (放弃授权) licence(s) #{licence}")
    assert chain.json("license", "show", str(licence))["revoked"] is True


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
    assert (licence["cross_border"], licence["countries"], licence["sold"]) == (True, ["VN"], True)
    replay = chain.refused("trade", "direct-settle", str(envelope), "--as", "4")
    assert "SettlementNonceUsed" in replay.stderr

    outsider = chain.refused("trade", "direct-sign", trade, "--as", "6", code=2)
    assert "neither the seller nor the buyer" in outsider.stderr


def test_price_band_objections_freeze_and_supervision(chain: Cli) -> None:
    assert chain.json("trade", "price-band", "dataset")["max"] == 0
    chain.ok("trade", "price-band", "dataset", "--min", "100", "--max", "5000")
    assert chain.json("trade", "price-band", "dataset")["min"] == 10_000

    asset = _register(chain, "supervised")
    # Without standing (5 holds nothing in the asset) an objection waits for a registrar and blocks nothing.
    lodged = chain.json("asset", "object", str(asset), "--evidence", "@" + __file__, "--as", "5")
    objection = lodged["objection_id"]
    assert (lodged["status"], lodged["open_objections"]) == ("pending", 0)
    assert chain.json("asset", "show", str(asset))["disputed"] is False
    twice = chain.refused("asset", "object", str(asset), "--evidence", "again", "--as", "5")
    assert f"ControlsObjectionAlreadyPending(assetId={asset}" in twice.stderr
    assert chain.json("asset", "objection", str(objection))["status"] == "pending"

    accepted = chain.json("asset", "accept", str(objection), "--decision", "admissible", "--as", "1")
    assert (accepted["status"], accepted["open_objections"]) == ("open", 1)
    assert chain.json("asset", "show", str(asset))["disputed"] is True
    disputed = chain.refused("license", "grant", str(asset), "--to", "6", "--region", "450000", "--as", "4")
    assert f"RegistryAssetDisputed(assetId={asset}, openObjections=1)" in disputed.stderr
    not_pending = chain.refused("asset", "accept", str(objection), "--decision", "again", "--as", "1")
    assert f"ControlsObjectionNotPending(objectionId={objection})" in not_pending.stderr
    chain.ok("asset", "resolve", str(objection), "--dismissed", "--decision", "no merit", "--as", "1")
    assert chain.json("asset", "objection", str(objection))["status"] == "dismissed"
    assert chain.json("asset", "show", str(asset))["disputed"] is False

    # A licensee naming its licence has standing: its objection is open at once.
    licence = chain.json("license", "grant", str(asset), "--to", "6", "--purpose", "1101", "--region", "450000",
                         "--as", "4")["license_id"]  # fmt: skip
    standing = chain.json("asset", "object", str(asset), "--evidence", "licence breach", "--standing-licence",
                          str(licence), "--as", "6")  # fmt: skip
    assert (standing["status"], standing["open_objections"]) == ("open", 1)
    chain.ok("asset", "resolve", str(standing["objection_id"]), "--upheld", "--decision", "upheld", "--as", "1")

    chain.ok("asset", "freeze", str(asset), "--reason", "inspection")
    frozen = chain.refused("license", "grant", str(asset), "--to", "6", "--region", "450000", "--as", "4")
    assert f"RegistryAssetFrozen(assetId={asset})" in frozen.stderr

    order = chain.json("supervise", "order-open", "--asset", str(asset), "--document", "order")["order_id"]
    assert chain.json("supervise", "order-show", str(order))["status"] == "open"
    chain.ok("supervise", "order-close", str(order), "--closing", "done")
    assert chain.json("supervise", "order-show", str(order))["status"] == "closed"
    assert chain.json("supervise", "credit", "6", "--code", "201", "--delta", "-5", "--document", "x")["score"] == -5
    assert chain.json("supervise", "credit-show", "6")["score"] == -5


def test_public_data_is_licensed_off_exchange_only_as_an_authorised_operation(chain: Cli) -> None:
    asset = _register(chain, "public", category="public")
    unapproved = chain.refused("license", "grant", str(asset), "--to", "6", "--right", "operation", "--purpose",
                               "2001", "--region", "450000", "--as", "4")  # fmt: skip
    assert f"ControlsNoPublicOperation(assetId={asset}, operator={dev_account(6).address}, right=2" in unapproved.stderr
    transfer = chain.refused("asset", "transfer-right", str(asset), "--right", "operation", "--to", "6", "--as", "4")
    assert f"RegistryPublicDataOffExchange(assetId={asset})" in transfer.stderr

    approved = chain.json("asset", "authorise-operation", str(asset), "--operator", "6", "--purpose", "2001",
                          "--latest-end", "+365d", "--decision", "operation decision")  # fmt: skip
    shown = chain.json("asset", "operation", str(asset), "--operator", "6", "--purpose", "2001")
    assert shown["latest_end"] == approved["latest_end"] > 0
    too_long = chain.refused("license", "grant", str(asset), "--to", "6", "--right", "operation", "--purpose",
                             "2001", "--region", "450000", "--days", "400", "--as", "4")  # fmt: skip
    assert "ControlsNoPublicOperation" in too_long.stderr
    chain.ok("license", "grant", str(asset), "--to", "6", "--right", "operation", "--purpose", "2001",
             "--region", "450000", "--days", "300", "--as", "4")  # fmt: skip
    assert chain.json("asset", "operation", str(asset), "--operator", "6", "--purpose", "2001")["latest_end"] == 0
    used = chain.refused("license", "grant", str(asset), "--to", "6", "--right", "operation", "--purpose",
                         "2001", "--region", "450000", "--days", "30", "--as", "4")  # fmt: skip
    assert "ControlsNoPublicOperation" in used.stderr


def test_keystore_accounts_act_with_their_password_on_the_embedded_and_an_external_chain(chain: Cli) -> None:
    created = chain.json("keys", "new", "alice")
    assert created["funded"] is True
    assert chain.json("keys", "list") == [{"name": "alice", "address": created["address"], "path": created["path"]}]
    chain.ok("participant", "admit", "alice", "--roles", "data-merchant", "--region", "450100", "--name", "Alice",
             "--credit-code", code_for(created["address"]))  # fmt: skip
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


def test_a_bank_issues_within_its_limit_against_a_reserve_attestation(chain: Cli) -> None:
    shown = chain.json("token", "limit", "3")
    assert (shown["limit"], shown["outstanding"], shown["available"]) == (1_000_000_000, 10_000_000, 990_000_000)
    refused = chain.refused("token", "issue", "--to", "5", "--amount", "9,900,000.01", "--reserve", "r", "--as", "3")
    assert (f"TokenIssuanceLimitExceeded(bank={dev_account(3).address}, limit=1000000000, "
            "outstanding=1000000001)") in refused.stderr  # fmt: skip
    issued = chain.json("token", "issue", "--to", "3", "--amount", "9,900,000", "--reserve", "@" + __file__,
                        "--as", "3")  # fmt: skip
    assert issued["outstanding"] == 1_000_000_000 and issued["reserve_hash"].startswith("0x")
    redeemed = chain.json("token", "redeem", "--amount", "0.5", "--as", "3")
    assert redeemed["outstanding"] == 999_999_950
    lowered = chain.json("token", "limit", "3", "--set", "0")
    assert (lowered["limit"], lowered["outstanding"]) == (0, 999_999_950)


def test_a_participant_changes_its_key_and_the_council_recovers_it_through_the_cli(chain: Cli) -> None:
    """A planned key change (the old and the new keystore both sign), then a recovery by the council: each time the
    participant keeps its identity and records, and the replaced key is refused."""
    old, new = chain.json("keys", "new", "carol"), chain.json("keys", "new", "carol-2")
    chain.ok("participant", "admit", "carol", "--roles", "data-holder", "--region", "450100", "--name", "Carol Co.",
             "--credit-code", code_for(old["address"]))  # fmt: skip
    changed = chain.json("participant", "rotate-key", "--new-key", "carol-2", "--as", "carol")
    assert (changed["identity"], changed["old_key"], changed["new_key"]) == (old["address"], old["address"],
                                                                            new["address"])  # fmt: skip
    shown = chain.json("participant", "show", "carol-2")
    assert (shown["address"], shown["signing_key"], shown["status"]) == (old["address"], new["address"], "active")
    refused = chain.refused("participant", "declare", "--document", "d", "--as", "carol")
    assert f"ParticipantKeyReplaced(account={old['address']}, identity={old['address']})" in refused.stderr
    chain.ok("participant", "declare", "--document", "d", "--as", "carol-2")

    recovered = chain.json("participant", "replace-key", old["address"], "--new-key", "30", "--reason", "key lost")
    assert (recovered["old_key"], recovered["new_key"]) == (new["address"], dev_account(30).address)
    assert chain.json("participant", "show", "30")["declarations"] == 1
    assert "ParticipantKeyReplaced" in chain.refused("participant", "declare", "--document", "e", "--as",
                                                     "carol-2").stderr  # fmt: skip


def test_valuation_and_accounting_recognition(chain: Cli) -> None:
    """Art. 19 from the command line: the authority accredits an appraiser (7, a service provider), which values
    holder 4's asset; 4 recognises it in its accounts, amortises it, and after selling the holding right to 5 the
    new holder carries the recognition over."""
    code = code_for(dev_account(7).address)
    chain.ok("participant", "admit", "7", "--roles", "service-provider", "--region", "450100", "--name",
             "Guangxi Asset Appraisal Co.", "--credit-code", code)  # fmt: skip
    chain.ok("participant", "declare", "--document", "appraiser declaration", "--as", "7")
    asset = _register(chain, "valued")
    unaccredited = chain.refused("valuation", "file", str(asset), "--value", "1,250,000", "--report", "report",
                                 "--base-date", "now", "--valid-until", "+300d", "--as", "7")  # fmt: skip
    assert f"ValuationNotAccredited(appraiser={dev_account(7).address})" in unaccredited.stderr
    chain.ok("valuation", "accredit", "7", "--until", "+400d", "--document", "accreditation certificate")
    assert chain.json("valuation", "appraiser", "7")["state"] == "in force"

    filed = chain.json("valuation", "file", str(asset), "--value", "1,250,000", "--method", "market", "--report",
                       "report", "--base-date", "now", "--valid-until", "+300d", "--as", "7")  # fmt: skip
    valuation = filed["valuation_id"]
    shown = chain.json("valuation", "show", str(valuation))
    assert (shown["asset_id"], shown["value"], shown["currency"], shown["method"], shown["status"], shown["usable"]) \
        == (asset, 125_000_000, "CNY", "market", "filed", True)
    bad_currency = chain.refused("valuation", "file", str(asset), "--value", "1", "--currency", "yuan", "--report",
                                 "r", "--base-date", "now", "--valid-until", "+1d", "--as", "7", code=2)  # fmt: skip
    assert "ISO 4217" in bad_currency.stderr

    not_holder = chain.refused("valuation", "recognise", str(asset), "--valuation", str(valuation), "--amount",
                               "900,000", "--period-start", "now", "--period-end", "+90d", "--auditor", "audit",
                               "--as", "5")  # fmt: skip
    assert f"ValuationNotHolder(assetId={asset}" in not_holder.stderr
    recognised = chain.json("valuation", "recognise", str(asset), "--valuation", str(valuation), "--amount",
                            "900,000", "--period-start", "now", "--period-end", "+90d", "--auditor", "audit",
                            "--category", "inventory", "--as", "4")  # fmt: skip
    assert (recognised["carrying_amount"], recognised["category"]) == (90_000_000, "inventory")
    chain.ok("valuation", "remeasure", str(asset), "--amount", "850,000", "--kind", "amortisation", "--document",
             "schedule", "--as", "4")  # fmt: skip
    higher = chain.refused("valuation", "remeasure", str(asset), "--amount", "900,000", "--document", "up",
                           "--as", "4")  # fmt: skip
    assert "ValuationInvalidMeasurement(carryingAmount=85000000, newAmount=90000000)" in higher.stderr

    chain.ok("asset", "transfer-right", str(asset), "--right", "holding", "--to", "5", "--as", "4")
    stale = chain.json("valuation", "recognition", str(asset))
    assert (stale["holder"], stale["holder_holds_the_asset"]) == (dev_account(4).address, False)
    chain.ok("valuation", "carry-over", str(asset), "--auditor", "merger audit", "--as", "5")
    now = chain.json("valuation", "recognition", str(asset))
    assert (now["holder"], now["carrying_amount"], now["holder_holds_the_asset"]) == (
        dev_account(5).address, 85_000_000, True,
    )  # fmt: skip
    chain.ok("valuation", "derecognise", str(asset), "--document", "disposal", "--as", "5")
    ended = chain.json("valuation", "recognition", str(asset))
    assert (ended["recognised"], ended["derecognised_by"], ended["derecognised_amount"]) == (
        False, dev_account(5).address, 85_000_000,
    )  # fmt: skip
    refused = chain.refused("valuation", "reject", str(valuation), "--reason", "inflated", "--as", "4")
    assert "ParticipantUnauthorized" in refused.stderr
    chain.ok("valuation", "withdraw", str(valuation), "--reason", "superseded", "--as", "7")
    assert chain.json("valuation", "show", str(valuation))["status"] == "withdrawn"


def test_information_disclosure(chain: Cli) -> None:
    """Art. 25 from the command line: the authority requires monthly trade statistics; the exchange (2) discloses
    last month's; its calendar lists what it owes; a holder cannot disclose, and a period that is not whole months
    is refused before anything is sent."""
    required = chain.json("disclosure", "require", "trade-statistics", "--every", "1", "--grace", "15")
    assert (required["kind"], required["months"], required["grace_days"]) == ("trade-statistics", 1, 15)
    bad = chain.refused("disclosure", "require", "fee-schedule", "--every", "2", "--grace", "15", code=2)
    assert "1, 3, 6 or 12" in bad.stderr
    shown = {r["kind"]: r for r in chain.json("disclosure", "requirements")}
    assert (shown["trade-statistics"]["months"], shown["fee-schedule"]["months"]) == (1, 0)

    now = datetime.fromtimestamp(required["since"], CST)  # the chain's time when the requirement was set
    last_month = f"{now.year if now.month > 1 else now.year - 1}-{(now.month - 2) % 12 + 1:02d}"
    filed = chain.json("disclosure", "file", "trade-statistics", "--period", last_month, "--document", "statistics",
                       "--as", "2")  # fmt: skip
    assert (filed["exchange"], filed["period"], filed["period_start"]) == (
        dev_account(2).address, last_month, period(last_month)[0],
    )  # fmt: skip
    this_month = f"{now.year}-{now.month:02d}"
    not_ended = chain.refused("disclosure", "file", "trade-statistics", "--period", this_month, "--document", "s",
                              "--as", "2")  # fmt: skip
    assert "DisclosureInvalidPeriod" in not_ended.stderr
    assert "ParticipantUnauthorized" in chain.refused("disclosure", "file", "incident", "--period", last_month,
                                                      "--document", "x", "--as", "4").stderr  # fmt: skip
    assert "no month 13" in chain.refused("disclosure", "file", "incident", "--period", "2026-13",
                                              "--document", "x", "--as", "2", code=2).stderr  # fmt: skip
    calendar = chain.json("disclosure", "calendar", "2")
    assert calendar["exchange"] == dev_account(2).address
    # Required from now on: the months that began before the requirement owe nothing; none has ended since.
    assert (calendar["missed"], calendar["periods"]) == (0, [])
    lifted = chain.json("disclosure", "lift", "trade-statistics")
    assert lifted["months"] == 0


def test_data_quality_reports(chain: Cli) -> None:
    """Art. 9 from the command line: the merchant (6) reports a problem of holder 4's asset; a non-holder cannot
    answer; 4 disputes it and the authority (this market has no supervisor) upholds it; a second report is fixed by
    the corrected dataset's registration; a third is withdrawn by its reporter."""
    asset = _register(chain, "quality")
    filed = chain.json("quality", "file", str(asset), "--problem", "completeness", "--severity", "high",
                       "--evidence", "missing months", "--as", "6")  # fmt: skip
    report = filed["report_id"]
    assert (filed["asset_id"], filed["problem"], filed["severity"]) == (asset, "completeness", "high")
    not_holder = chain.refused("quality", "answer", str(report), "--document", "not mine", "--as", "5")
    assert f"QualityNotHolder(reportId={report}" in not_holder.stderr
    chain.ok("quality", "answer", str(report), "--dispute", "--document", "the months are there", "--as", "4")
    assert chain.json("quality", "show", str(report))["status"] == "disputed"
    chain.ok("quality", "rule", str(report), "--ruling", "the data lacks them")
    assert chain.json("quality", "show", str(report))["status"] == "upheld"

    second = chain.json("quality", "file", str(asset), "--evidence", "wrong totals", "--as", "6")["report_id"]
    corrected = _register(chain, "quality corrected")
    chain.ok("quality", "fix", str(second), "--corrected", str(corrected), "--document", "corrected", "--as", "4")
    assert chain.json("quality", "show", str(second))["status"] == "fixed"
    third = chain.json("quality", "file", str(asset), "--evidence", "typo", "--as", "6")["report_id"]
    chain.ok("quality", "withdraw", str(third), "--reason", "my mistake", "--as", "6")
    assert chain.json("quality", "show", str(third))["status"] == "withdrawn"
    bad = chain.refused("quality", "file", str(asset), "--problem", "taste", "--evidence", "x", "--as", "6", code=2)
    assert "accuracy, completeness" in bad.stderr
    assert chain.json("quality", "defaults", "4") == {"holder": dev_account(4).address, "defaults": 0}
