"""The projection (events -> record versions) on its own: no database."""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

from ledger.store.projection import ProjectionError, Projector, dependent_keys, keys_to_load, trade_key
from tests.store.scripts import (
    ALICE,
    AUTHORITY,
    BOB,
    CAROL,
    H1,
    H2,
    H3,
    REGISTRAR,
    ZERO,
    Script,
    apply_for,
    registration,
    terms,
)

DAY = 86_400
MAX_UINT256 = 2**256 - 1


def test_changes_within_a_block_collapse_into_one_version_per_record() -> None:
    s = Script()
    s("ParticipantRegistry", "ParticipantAdmitted", account=ALICE, roles=64, region=450100, name="A", by=AUTHORITY,
      id=1, creditCodeHash="0x" + "01" * 32)
    s("ParticipantRegistry", "ParticipantRolesChanged", account=ALICE, roles=80, by=AUTHORITY)
    s.block()
    s("ParticipantRegistry", "DeclarationFiled", account=ALICE, documentHash=H1, count=1)
    s("ParticipantRegistry", "ParticipantStatusChanged", account=ALICE, status=2, reasonHash=H2, by=AUTHORITY)
    versions = s.project().result().versions["participants"][(ALICE,)]
    assert [(block, row["roles"], row["declarations"], row["status"]) for block, row in versions] == [
        (1, 80, 0, 1),
        (2, 80, 1, 2),
    ]
    assert versions[1][1]["updated_at"] == s.timestamps[2]
    assert versions[1][1]["admitted_block"] == 1


def _applied(s: Script, asset_id: int, processing: str = ALICE) -> None:
    s("AssetRegistry", "RegistrationApplied", assetId=asset_id, contentHash=H1, applicant=ALICE,
      processingHolder=processing, operationHolder=ALICE,
      registration=registration(processingHolder=processing if processing != ALICE else ZERO))  # fmt: skip


def test_every_application_is_a_new_asset_and_the_split_flag_follows_the_rights() -> None:
    s = Script()
    _applied(s, 1)
    _applied(s, 2, processing=BOB)  # a competing application for the same content hash, rights held apart
    s.block()
    s("AssetRegistry", "RightTransferred", assetId=1, right=0, **{"from": ALICE, "to": CAROL}, tradeId="0x" + "00" * 32)
    versions = s.project().result().versions["assets"]
    one, two = versions[(1,)][-1][1], versions[(2,)][-1][1]
    assert (one["status"], one["content_hash"], two["content_hash"]) == (1, H1, H1)
    assert (versions[(1,)][0][1]["rights_split"], two["rights_split"]) == (False, True)
    # The holding right moved: the contract pins the others and keeps the first applicant.
    assert (one["rights_split"], one["holding_holder"], one["applicant"]) == (True, CAROL, ALICE)
    assert (one["suspended"], one["licensed_until"], one["open_objections"], one["disputed"]) == (False, 0, 0, False)


def _lodged(s: Script, objection_id: int, objector: str, status: int, open_count: int) -> None:
    s("AssetControls", "ObjectionLodged", objectionId=objection_id, assetId=1, objector=objector, evidenceHash=H2,
      status=status, openObjections=open_count)  # fmt: skip


def _resolved(s: Script, objection_id: int, open_count: int, upheld: bool = True) -> None:
    s("AssetControls", "ObjectionResolved", objectionId=objection_id, assetId=1, registrar=REGISTRAR, upheld=upheld,
      decisionHash=H3, openObjections=open_count)  # fmt: skip


def test_a_pending_objection_disputes_the_asset_only_once_accepted() -> None:
    s = Script()
    apply_for(s)
    _lodged(s, 1, BOB, 4, 0)  # pending: no standing
    s.block()
    pending = s.project().result()
    assert pending.versions["assets"][(1,)][-1][1]["disputed"] is False
    assert pending.versions["objections"][(1,)][-1][1]["status"] == 4
    s("AssetControls", "ObjectionAccepted", objectionId=1, assetId=1, registrar=REGISTRAR, decisionHash=H1,
      openObjections=1)  # fmt: skip
    result = s.project().result()
    asset = result.versions["assets"][(1,)][-1][1]
    objection = result.versions["objections"][(1,)][-1][1]
    assert (asset["disputed"], asset["open_objections"]) == (True, 1)
    assert (objection["status"], objection["accepted_by"], objection["accepted_block"]) == (1, REGISTRAR, 2)
    assert objection["accepted_at"] == s.timestamps[2]


def test_objection_resolution_takes_the_open_count_from_the_event_and_a_pending_one_never_counted() -> None:
    s = Script()
    apply_for(s)
    _lodged(s, 1, BOB, 1, 1)  # with standing: open at once
    _lodged(s, 2, CAROL, 1, 2)
    _lodged(s, 3, AUTHORITY, 4, 2)
    s.block()
    _resolved(s, 1, 1)
    s.block()
    _resolved(s, 3, 1, upheld=False)  # still pending: the asset is not touched
    result = s.project().result()
    assets = result.versions["assets"][(1,)]
    assert [(block, a["open_objections"], a["disputed"]) for block, a in assets] == [(1, 2, True), (2, 1, True)]
    first = result.versions["objections"][(1,)][-1][1]
    assert (first["status"], first["resolved_by"], first["resolved_at"]) == (2, REGISTRAR, s.timestamps[2])
    assert result.versions["objections"][(2,)][-1][1]["status"] == 1
    assert result.versions["objections"][(3,)][-1][1]["status"] == 3


def _settled(s: Script, trade_id: str, exchange: str, *, price: int = 1000, fee: int = 10, shares: Any = (),
             mandate: str = "0x" + "00" * 32, licence: int = 0) -> None:  # fmt: skip
    paid = [{"recipient": r, "amount": a, "held": h} for r, a, h in shares]
    s("TradeSettlement", "TradeSettled", tradeId=trade_id, assetId=7, exchange=exchange, seller=ALICE, buyer=BOB,
      price=price, fee=fee, sellerAmount=price - fee - sum(a for _, a, _ in shares), right=1, licenseId=licence,
      mandateId=mandate, shares=paid)  # fmt: skip


def test_trade_key_is_the_contracts_settle_once_key() -> None:
    exchange_key = "0x" + keccak(abi_encode(["address", "bytes32"], [REGISTRAR, bytes.fromhex(H1[2:])])).hex()
    direct_key = "0x" + keccak(abi_encode(["address", "address", "address", "bytes32"],
                                          [ZERO, ALICE, BOB, bytes.fromhex(H1[2:])])).hex()  # fmt: skip
    assert trade_key(REGISTRAR, ALICE, BOB, H1) == exchange_key
    assert trade_key(ZERO, ALICE, BOB, H1) == direct_key


def test_a_trade_records_payments_holds_shares_of_inactive_recipients_and_spends_the_allowance() -> None:
    s = Script()
    s("SettlementToken", "Approval", owner=BOB, spender=REGISTRAR, value=5000)
    s("SettlementToken", "Approval", owner=BOB, spender=AUTHORITY, value=MAX_UINT256)
    s.block()
    _settled(s, H1, REGISTRAR, shares=[(CAROL, 99, False), (AUTHORITY, 40, True)], mandate=H2)
    _settled(s, H1, AUTHORITY, price=700, shares=[(AUTHORITY, 10, True)])  # the same id on another exchange
    _settled(s, H2, ZERO, price=500, fee=0)
    result = s.project().result()
    facts = result.facts
    key = trade_key(REGISTRAR, ALICE, BOB, H1)
    assert [(t["trade_key"], t["trade_id"], t["on_exchange"], t["mandate_id"]) for t in facts["trades"]] == [
        (key, H1, True, H2),
        (trade_key(AUTHORITY, ALICE, BOB, H1), H1, True, None),
        (trade_key(ZERO, ALICE, BOB, H2), H2, False, None),
    ]
    paid = [p for p in facts["payments"] if p["trade_key"] == key]
    payments = sorted((p["kind"], p["payee"], p["amount"], p["held"]) for p in paid)
    assert payments == [("fee", REGISTRAR, 10, False), ("revenue_share", AUTHORITY, 40, True),
                        ("revenue_share", CAROL, 99, False), ("seller", ALICE, 851, False)]  # fmt: skip
    held = result.versions["held_shares"][(AUTHORITY,)][-1][1]
    assert (held["amount"], held["total_held"], held["total_claimed"]) == (50, 50, 0)
    allowances = result.versions["approvals"]
    assert allowances[(BOB, REGISTRAR)][-1][1]["amount"] == 4000
    assert allowances[(BOB, AUTHORITY)][-1][1]["amount"] == MAX_UINT256  # unlimited: the contract spends nothing


def test_held_shares_are_claimed_whole() -> None:
    s = Script()
    s("SettlementToken", "Approval", owner=BOB, spender=REGISTRAR, value=5000)
    _settled(s, H1, REGISTRAR, shares=[(CAROL, 99, True)])
    s.block()
    s("TradeSettlement", "HeldSharesClaimed", recipient=CAROL, amount=99)
    versions = s.project().result().versions["held_shares"][(CAROL,)]
    assert [(b, r["amount"], r["total_held"], r["total_claimed"]) for b, r in versions] == [
        (1, 99, 99, 0),
        (2, 0, 99, 99),
    ]
    s("TradeSettlement", "HeldSharesClaimed", recipient=CAROL, amount=5)
    with pytest.raises(ProjectionError, match="claimed 5 of held shares 0"):
        s.project()


def test_held_shares_of_a_revoked_recipient_are_released_whole_and_each_release_is_recorded() -> None:
    s = Script()
    s("SettlementToken", "Approval", owner=BOB, spender=REGISTRAR, value=5000)
    _settled(s, H1, REGISTRAR, shares=[(CAROL, 99, True)])
    s.block()
    s("TradeSettlement", "HeldSharesReleased", recipient=CAROL, to=ALICE, amount=99, by=AUTHORITY, decisionHash=H2)
    result = s.project().result()
    versions = result.versions["held_shares"][(CAROL,)]
    assert [(b, r["amount"], r["total_held"], r["total_claimed"], r["total_released"]) for b, r in versions] == [
        (1, 99, 99, 0, 0), (2, 0, 99, 0, 99),
    ]  # fmt: skip
    (release,) = result.facts["held_share_releases"]
    assert release == {
        "recipient": CAROL, "log_index": 0, "valid_from_block": 2, "valid_to_block": None, "to": ALICE, "amount": 99,
        "by": AUTHORITY, "decision_hash": H2, "timestamp": s.timestamps[2], "tx_hash": H3,
    }  # fmt: skip
    assert keys_to_load(s.events[-1:]) == {"held_shares": {(CAROL,)}}
    s("TradeSettlement", "HeldSharesReleased", recipient=CAROL, to=ALICE, amount=1, by=AUTHORITY, decisionHash=H2)
    with pytest.raises(ProjectionError, match=r"1 of .* held shares 0 released"):
        s.project()


def test_a_licence_delivered_by_a_settlement_is_sold_and_one_granted_directly_is_not() -> None:
    s = Script()
    apply_for(s)
    now = s.timestamps[1]
    s("SettlementToken", "Approval", owner=BOB, spender=REGISTRAR, value=5000)
    _granted(s, 1, start=now, end=now + DAY)
    _granted(s, 2, start=now, end=now + DAY)
    _settled(s, H1, REGISTRAR, licence=2)  # the grant above is this settlement's delivery
    s.block()
    _settled(s, H2, REGISTRAR, licence=1)  # a batch's later block: the licence's stored row is edited
    assert keys_to_load(s.events[-1:]) == {"licences": {(1,)}, "approvals": {(BOB, REGISTRAR)}}
    result = s.project().result()
    licences = result.versions["licences"]
    assert [(b, r["sold"]) for b, r in licences[(2,)]] == [(1, True)]
    assert [(b, r["sold"]) for b, r in licences[(1,)]] == [(1, False), (2, True)]
    assert [t["licence_id"] for t in result.facts["trades"]] == [2, 1]
    s.block()
    _settled(s, H3, REGISTRAR, licence=9)  # a licence the events never granted
    with pytest.raises(ProjectionError, match=r"licences record \(9,\) is unknown.*TradeSettled"):
        s.project()


def test_an_allowance_that_would_go_negative_is_refused() -> None:
    s = Script()
    s("SettlementToken", "Approval", owner=BOB, spender=REGISTRAR, value=999)
    _settled(s, H1, REGISTRAR)
    with pytest.raises(ProjectionError, match="allowance"):
        s.project()


def test_used_nonces_and_refused_trades_are_facts() -> None:
    s = Script()
    s("TradeSettlement", "NonceUsed", account=ALICE, nonce=2**255)
    s("MandateRegistry", "TradeRefused", tradeId=H1, exchange=REGISTRAR, index=3, reason="0xdeadbeef")
    facts = s.project().result().facts
    assert [(n["account"], n["nonce"], n["timestamp"]) for n in facts["used_nonces"]] == [
        (ALICE, 2**255, s.timestamps[1])
    ]
    refusal = facts["trade_refusals"][0]
    assert (refusal["source"], refusal["item_index"], refusal["reason"], refusal["log_index"]) == (
        "MandateRegistry", 3, "0xdeadbeef", 1,
    )  # fmt: skip


def test_transfers_move_balances_and_mints_and_burns_touch_one_side() -> None:
    s = Script()
    s("SettlementToken", "Transfer", **{"from": ZERO, "to": ALICE, "value": 2**200})
    s("SettlementToken", "Transfer", **{"from": ALICE, "to": BOB, "value": 5})
    s.block()
    s("SettlementToken", "Transfer", **{"from": BOB, "to": ZERO, "value": 5})
    versions = s.project().result().versions["balances"]
    assert [(b, r["balance"]) for b, r in versions[(ALICE,)]] == [(1, 2**200 - 5)]
    assert [(b, r["balance"]) for b, r in versions[(BOB,)]] == [(1, 5), (2, 0)]
    assert (ZERO,) not in versions


def test_a_banks_limit_issuances_and_redemptions_keep_its_outstanding_issuance_with_history() -> None:
    s = Script()
    s("SettlementToken", "IssuanceLimitSet", bank=BOB, limit=1_000, outstanding=0, by=AUTHORITY)
    s("SettlementToken", "Issued", bank=BOB, to=ALICE, amount=600, reserveHash=H1, outstanding=600)
    s.block()
    s("SettlementToken", "Redeemed", bank=BOB, amount=100, outstanding=500)
    s("SettlementToken", "Issued", bank=BOB, to=ALICE, amount=400, reserveHash=H3, outstanding=900)
    s("SettlementToken", "IssuanceLimitSet", bank=BOB, limit=800, outstanding=900, by=AUTHORITY)
    versions = s.project().result().versions["bank_issuance"][(BOB,)]
    assert [(b, r["issuance_limit"], r["outstanding"], r["issued_total"], r["redeemed_total"], r["reserve_hash"])
            for b, r in versions] == [(1, 1_000, 600, 600, 0, H1), (2, 800, 900, 1_000, 100, H3)]  # fmt: skip
    assert versions[-1][1]["limit_set_by"] == AUTHORITY and versions[-1][1]["updated_block"] == 2


def test_an_outstanding_issuance_its_earlier_events_do_not_add_up_to_is_refused() -> None:
    s = Script()
    s("SettlementToken", "Issued", bank=BOB, to=ALICE, amount=5, reserveHash=H1, outstanding=5)
    s("SettlementToken", "Redeemed", bank=BOB, amount=1, outstanding=3)
    with pytest.raises(ProjectionError, match=r"Redeemed in block 1 \(log 1\) leaves .* with 3 outstanding.* 4"):
        s.project()


# Bits of the pause register (ledger.contracts.types.Paused): the asset registry, the controls, the token.
_REGISTRY, _CONTROLS, _TOKEN = 1 << 1, 1 << 2, 1 << 3


def _pause_rows(p: Projector) -> dict[str, list[tuple[int, bool, str, int]]]:
    """Each contract's new pause versions: (block, paused, reason hash, changed block)."""
    versions = p.result().versions.get("contract_pauses", {})
    return {name: [(b, r["paused"], r["reason_hash"], r["changed_block"]) for b, r in vs]
            for (name,), vs in versions.items()}  # fmt: skip


def test_pauses_change_only_the_contracts_whose_pause_changes_with_history() -> None:
    """Pausing the registry and the controls, then the controls (already paused: its record stays) and the token,
    then unpausing the registry and the token: each contract's versions, who changed it and why."""
    s = Script()
    s("AssetControls", "ContractsPaused", contracts=_REGISTRY | _CONTROLS, paused=_REGISTRY | _CONTROLS, by=AUTHORITY,
      reasonHash=H1)  # fmt: skip
    s.block()
    s("AssetControls", "ContractsPaused", contracts=_CONTROLS | _TOKEN, paused=_REGISTRY | _CONTROLS | _TOKEN,
      by=AUTHORITY, reasonHash=H2)  # fmt: skip
    s.block()
    s("AssetControls", "ContractsUnpaused", contracts=_REGISTRY | _TOKEN | 1, paused=_CONTROLS, by=REGISTRAR,
      reasonHash=H3)  # fmt: skip
    assert _pause_rows(s.project()) == {
        "AssetRegistry": [(1, True, H1, 1), (3, False, H3, 3)],
        "AssetControls": [(1, True, H1, 1)],
        "SettlementToken": [(2, True, H2, 2), (3, False, H3, 3)],
    }  # ParticipantRegistry (bit 0) was never paused: unpausing it changes nothing, it has no record
    last = s.project().result().versions["contract_pauses"][("SettlementToken",)][-1][1]
    assert (last["contract"], last["changed_by"]) == ("SettlementToken", REGISTRAR)


def test_a_pause_register_the_earlier_pause_events_do_not_add_up_to_is_refused() -> None:
    """The event's register names the token paused, but no pause event paused it (one was missed): refused. The
    same for a register that leaves out a contract the events paused, checked against the stored records."""
    s = Script()
    s("AssetControls", "ContractsPaused", contracts=_REGISTRY, paused=_REGISTRY | _TOKEN, by=AUTHORITY, reasonHash=H1)
    with pytest.raises(ProjectionError, match=r"ContractsPaused in block 1 \(log 0\) leaves the pause register at "
                       r"0xa \(AssetRegistry, SettlementToken\); .* add up to 0x2 \(AssetRegistry\)"):  # fmt: skip
        s.project()
    s = Script()
    s("AssetControls", "ContractsUnpaused", contracts=_REGISTRY, paused=0, by=AUTHORITY, reasonHash=H1)
    stored = {"contract_pauses": {
        ("AssetRegistry",): {"contract": "AssetRegistry", "paused": True, "reason_hash": H2, "changed_by": AUTHORITY,
                             "changed_block": 0},
        ("Supervision",): {"contract": "Supervision", "paused": True, "reason_hash": H2, "changed_by": AUTHORITY,
                           "changed_block": 0},
    }}  # fmt: skip
    with pytest.raises(ProjectionError, match=r"register at 0x0 \(none\); .* add up to 0x40 \(Supervision\)"):
        s.project(stored)
    stored["contract_pauses"][("Supervision",)]["paused"] = False
    assert _pause_rows(s.project(stored)) == {"AssetRegistry": [(1, False, H1, 1)]}


def test_a_balance_that_would_go_negative_is_refused() -> None:
    s = Script()
    s("SettlementToken", "Transfer", **{"from": ALICE, "to": BOB, "value": 1})
    with pytest.raises(ProjectionError, match="balance"):
        s.project()


def test_a_change_to_an_unknown_record_is_refused_with_the_event_location() -> None:
    s = Script()
    s.block()
    s("AssetRegistry", "LicenseRevoked", licenseId=9, by=AUTHORITY, reasonHash=H1)
    with pytest.raises(ProjectionError, match=r"licences record \(9,\) is unknown.*LicenseRevoked in block 2"):
        s.project()


def test_stored_records_are_changed_from_their_current_version_without_being_mutated() -> None:
    stored = {"account": ALICE, "balance": 10}
    s = Script()
    s("SettlementToken", "Transfer", **{"from": ALICE, "to": BOB, "value": 4})
    result = s.project({"balances": {(ALICE,): stored}}).result()
    assert result.versions["balances"][(ALICE,)][-1][1]["balance"] == 6
    assert stored == {"account": ALICE, "balance": 10}


def _granted(s: Script, licence_id: int, parent: int = 0, **kw: Any) -> None:
    s("AssetRegistry", "LicenseGranted", licenseId=licence_id, assetId=1, licensee=BOB if not parent else CAROL,
      licensor=ALICE if not parent else BOB, parentId=parent, depth=1 if parent else 0, terms=terms(**kw))  # fmt: skip


def test_a_licence_starts_at_its_grant_at_the_earliest_and_revocation_is_its_own_flag() -> None:
    s = Script()
    apply_for(s)
    now = s.timestamps[1]
    _granted(s, 1, start=now - 100, end=now + DAY, countries=["0x434e", "0x5347"])
    _granted(s, 2, parent=1, start=now + 50, end=now + DAY, regions=[810000])  # Hong Kong: outside the mainland
    s.block()
    s("AssetRegistry", "LicenseRevoked", licenseId=1, by=AUTHORITY, reasonHash=H1)
    s("AssetRegistry", "LicenseTransferred", licenseId=2, **{"from": CAROL, "to": ALICE})
    versions = s.project().result().versions["licences"]
    parent = versions[(1,)][-1][1]
    assert (parent["starts_at"], parent["countries"], parent["cross_border"]) == (now, ["CN", "SG"], True)
    assert (parent["revoked"], parent["revoked_by"], parent["revoked_block"]) == (True, AUTHORITY, 2)
    child = versions[(2,)][-1][1]
    assert (child["starts_at"], child["cross_border"], child["regions"]) == (now + 50, True, [810000])
    assert (child["revoked"], child["licensee"]) == (False, ALICE)  # invalid through its parent, not flagged


def test_licensed_until_follows_the_latest_ending_top_level_licence_in_whole_days_and_never_falls() -> None:
    s = Script()
    apply_for(s)
    now = s.timestamps[1]
    midnight = (now // DAY + 1) * DAY
    _granted(s, 1, start=now, end=midnight + 10 * DAY + 1)
    _granted(s, 2, start=now, end=midnight + 5 * DAY)
    _granted(s, 3, parent=1, start=now, end=midnight + 20 * DAY)  # a sublicence: not the asset's own
    versions = s.project().result().versions["assets"][(1,)]
    assert versions[-1][1]["licensed_until"] == midnight + 11 * DAY


def _exclusivity(s: Script, parent: int = 0, purpose: int = 1101) -> dict[str, Any]:
    found: dict[str, Any] = s.project().result().versions["licence_exclusivity"][(1, 1, purpose, parent)][-1][1]
    return found


def test_exclusivity_mirrors_the_contract_span_live_count_pruning_and_swap() -> None:
    s = Script()
    apply_for(s)
    t = s.timestamps
    _granted(s, 1, start=t[1] + 100, end=t[1] + 200)
    _granted(s, 2, start=t[1] + 50, end=t[1] + 150)
    assert {k: _exclusivity(s)[k] for k in ("shared_start", "shared_end", "live_shared")} == {
        "shared_start": t[1] + 50, "shared_end": t[1] + 200, "live_shared": 2,
    }  # fmt: skip
    _granted(s, 3, purpose=1201, start=t[1], end=t[1] + 12, exclusive=True)  # ends with block 1
    _granted(s, 4, purpose=1201, start=t[1] + 1000, end=t[1] + 2000, exclusive=True)
    _granted(s, 5, purpose=1201, start=t[1] + 3000, end=t[1] + 4000, exclusive=True)
    assert _exclusivity(s, purpose=1201)["exclusives"] == [[t[1], t[1] + 12, 3], [t[1] + 1000, t[1] + 2000, 4],
                                                          [t[1] + 3000, t[1] + 4000, 5]]  # fmt: skip
    s.block()  # block 2 starts at t[1] + 12: licence 3 has ended
    t = s.timestamps
    s("AssetRegistry", "LicenseRevoked", licenseId=4, by=AUTHORITY, reasonHash=H1)  # the last one takes its place
    assert _exclusivity(s, purpose=1201)["exclusives"] == [[t[1], t[1] + 12, 3], [t[1] + 3000, t[1] + 4000, 5]]
    _granted(s, 6, purpose=1201, start=t[2] + 5000, end=t[2] + 6000, exclusive=True)  # prunes the ended one
    assert _exclusivity(s, purpose=1201)["exclusives"] == [[t[1] + 3000, t[1] + 4000, 5], [t[2] + 5000, t[2] + 6000, 6]]
    s("AssetRegistry", "LicenseRevoked", licenseId=1, by=AUTHORITY, reasonHash=H1)
    assert _exclusivity(s)["live_shared"] == 1
    s("AssetRegistry", "LicenseRevoked", licenseId=2, by=AUTHORITY, reasonHash=H1)  # none live: the span clears
    assert {k: _exclusivity(s)[k] for k in ("shared_start", "shared_end", "live_shared")} == {
        "shared_start": 0, "shared_end": 0, "live_shared": 0,
    }  # fmt: skip
    _granted(s, 7, parent=5, start=t[2] + 3000, end=t[2] + 3500)  # under a parent: a key of its own
    assert _exclusivity(s, parent=5)["live_shared"] == 1


def test_keys_to_load_names_every_record_a_batch_writes_and_dependent_keys_the_rest() -> None:
    s = Script()
    s("SettlementToken", "Transfer", **{"from": ZERO, "to": ALICE, "value": 1})
    s("SettlementToken", "Approval", owner=ALICE, spender=BOB, value=1)
    _resolved(s, 4, 0)
    s("SettlementToken", "Issued", bank=BOB, to=ALICE, amount=1, reserveHash=H1, outstanding=1)
    _settled(s, H1, REGISTRAR, shares=[(CAROL, 1, True), (ALICE, 1, False)], licence=8)
    s("TradeSettlement", "RevenueSharesSet", assetId=2, right=2, recipients=[CAROL], bps=[5], by=ALICE)
    s("AssetRegistry", "LicenseGranted", licenseId=8, assetId=3, licensee=BOB, licensor=ALICE, parentId=0, depth=0,
      terms=terms(purpose=1201))  # fmt: skip
    s("AssetRegistry", "LicenseRevoked", licenseId=8, by=AUTHORITY, reasonHash=H1)
    s("AssetRegistry", "LicenseRevoked", licenseId=9, by=AUTHORITY, reasonHash=H1)
    s("Recognition", "RecognitionSuspended", localAssetId=6, by=REGISTRAR, reasonHash=H1)
    _imported(s, 10)  # registered by the import: the asset is marked recognised
    _imported(s, 11, linked=True)
    _imported(s, 12, superseded=True)
    s("AssetControls", "ContractsPaused", contracts=_TOKEN, paused=_TOKEN, by=AUTHORITY, reasonHash=H1)
    s("Valuation", "AppraiserAccredited", appraiser=CAROL, expiresAt=9, documentHash=H1, by=AUTHORITY)
    s("Valuation", "ValuationWithdrawn", valuationId=5, appraiser=CAROL, reasonHash=H1)
    s("Valuation", "RecognitionCarriedOver", assetId=7, to=BOB, carryingAmount=1, auditorHash=H1,
      **{"from": ALICE})  # fmt: skip
    s("Disclosure", "DisclosureRequirementSet", kind=2, months=3, graceDays=30, since=9, by=AUTHORITY)
    s("Disclosure", "DisclosureFiled", disclosureId=1, exchange=BOB, kind=0, periodStart=1, periodEnd=2,
      documentHash=H1)  # fmt: skip
    s("DataQuality", "ResponseWindowSet", window=86_400, by=AUTHORITY)
    s("DataQuality", "QualityReportAnswered", reportId=3, holder=BOB, acknowledged=True, documentHash=H1)
    s("DataQuality", "QualityReportOverdue", reportId=4, holder=ALICE, defaults=2, by=BOB)
    s("Listings", "ProductDelisted", key=H2, version=1, by=BOB, withdrawn=False, reasonHash=H1)
    _settled(s, H2, REGISTRAR, mandate=H3)  # a trade citing a consent: a listing's key (or a mandate's id, not stored)
    s("OpeningList", "OpeningEntryRegistered", entryId=5, assetId=9, department=ALICE)
    s("OpeningList", "OpeningEntryWithdrawn", entryId=6, reasonHash=H1, by=AUTHORITY)
    keys = keys_to_load(s.events)
    assert keys == {
        "balances": {(ALICE,)},
        "bank_issuance": {(BOB,)},
        "approvals": {(ALICE, BOB), (BOB, REGISTRAR)},
        "objections": {(4,)},
        "assets": {(1,), (3,), (6,), (10,)},
        "held_shares": {(CAROL,)},
        "revenue_shares": {(2, 2)},
        "licences": {(8,), (9,)},
        "licence_exclusivity": {(3, 1, 1201, 0)},
        "recognised_records": {(6,), (10,), (11,), (12,)},
        # every contract's pause, not only the token's: the projector checks the whole register
        "contract_pauses": {("ParticipantRegistry",), ("AssetRegistry",), ("AssetControls",), ("SettlementToken",),
                            ("TradeSettlement",), ("MandateRegistry",), ("Supervision",), ("Recognition",),
                            ("Valuation",), ("Disclosure",), ("DataQuality",), ("Listings",), ("OpeningList",)},
        "appraisers": {(CAROL,)},
        "valuations": {(5,)},
        "recognitions": {(7,)},
        "disclosure_requirements": {(2,)},  # a disclosure is a new fact: nothing of it to load
        "quality_settings": {("response_window",)},
        "quality_reports": {(3,), (4,)},
        "quality_defaults": {(ALICE,)},
        "listings": {(H2,), (H3,)},
        "opening_entries": {(5,), (6,)},
    }
    # Licence 9 was granted before the batch: its exclusivity record is named by its stored row.
    stored = {"licences": {(9,): {"asset_id": 4, "right": 2, "purpose": 7, "parent_id": 1}}}
    assert dependent_keys(s.events, stored) == {"licence_exclusivity": {(3, 1, 1201, 0), (4, 2, 7, 1)}}


def test_a_sublicence_sold_names_the_licences_above_it_one_link_at_a_time_until_the_top() -> None:
    """The licences above a sold sublicence are not in the settlement's arguments: each is named once the one
    below it is loaded (the store asks again until nothing new is named), and none is asked for twice."""
    s = Script()
    s("AssetRegistry", "LicenseGranted", licenseId=21, assetId=7, licensee=BOB, licensor=ALICE, parentId=20,
      depth=2, terms=terms(purpose=1201))  # fmt: skip
    _settled(s, H1, REGISTRAR, licence=21)
    assert keys_to_load(s.events)["licences"] == {(21,)}
    assert dependent_keys(s.events, {}) == {"licences": {(20,)}}  # granted in the batch under licence 20
    loaded: dict[str, dict[Any, Any]] = {"licences": {(20,): {"parent_id": 15}}}
    assert dependent_keys(s.events, loaded) == {"licences": {(15,)}}
    loaded["licences"][(15,)] = {"parent_id": 0}
    assert dependent_keys(s.events, loaded) == {}


def test_credit_events_count_up_and_keep_the_contract_score() -> None:
    s = Script()
    for delta, score in ((-10, -10), (5, -5)):
        s(
            "Supervision",
            "CreditEventRecorded",
            participant=ALICE,
            code=3,
            delta=delta,
            score=score,
            documentHash=H1,
            by=AUTHORITY,
        )
    result = s.project().result()
    assert result.versions["credit_scores"][(ALICE,)] == [(1, {"participant": ALICE, "score": -5, "events": 2})]
    assert [(e["seq"], e["delta"], e["score"]) for e in result.facts["credit_events"]] == [(1, -10, -10), (2, 5, -5)]


def test_a_revoked_mandate_may_be_granted_again() -> None:
    s = Script()
    mandate = {"seller": ALICE, "exchange": REGISTRAR, "assetId": 2**255, "delivery": 1, "right": 1,
               "parentLicenseId": 2**64 - 1, "terms": terms(countries=["0x434e"]), "maxDuration": 30 * DAY,
               "minNet": 10, "expiry": 2**40 - 1, "salt": 2**256 - 1}  # fmt: skip
    s("MandateRegistry", "MandateGranted", mandateId=H1, seller=ALICE, exchange=REGISTRAR, mandate=mandate)
    s.block()
    s("MandateRegistry", "MandateRevoked", mandateId=H1, seller=ALICE)
    s.block()
    s("MandateRegistry", "MandateGranted", mandateId=H1, seller=ALICE, exchange=REGISTRAR, mandate=mandate)
    versions = s.project().result().versions["mandates"][(H1,)]
    assert [(b, r["status"], r["revoked_block"]) for b, r in versions] == [(1, 1, None), (2, 2, 2), (3, 1, None)]
    row = versions[-1][1]
    # Values a seller chooses freely are kept exactly (uint256, uint64 beyond 63 bits).
    assert (row["asset_id"], row["parent_licence_id"], row["salt"]) == (2**255, 2**64 - 1, 2**256 - 1)
    assert row["terms"]["countries"] == ["CN"]


def test_an_authorised_operation_is_used_or_withdrawn() -> None:
    s = Script()
    for operator in (BOB, CAROL):
        s("AssetControls", "PublicOperationAuthorised", assetId=1, operator=operator, right=2, purpose=2001,
          latestEnd=10**9, decisionHash=H1, by=AUTHORITY)  # fmt: skip
    s.block()
    s("AssetControls", "PublicOperationUsed", assetId=1, operator=BOB, right=2, purpose=2001, licenseId=4)
    s("AssetControls", "PublicOperationUsed", assetId=1, operator=CAROL, right=2, purpose=2001, licenseId=0)
    versions = s.project().result().versions["public_operations"]
    used, withdrawn = versions[(1, BOB, 2, 2001)][-1][1], versions[(1, CAROL, 2, 2001)][-1][1]
    assert (used["latest_end"], used["status"], used["licence_id"], used["closed_block"]) == (0, 2, 4, 2)
    assert (withdrawn["latest_end"], withdrawn["status"], withdrawn["licence_id"]) == (0, 3, None)
    assert versions[(1, BOB, 2, 2001)][0][1]["latest_end"] == 10**9


def _certificate(status: int = 2, issued: int = 100) -> dict[str, Any]:
    return {"assetId": 2**70, "contentHash": H1, "category": 1, "grade": 0, "kind": 0, "holdingHolder": ALICE,
            "processingHolder": ALICE, "operationHolder": ALICE, "certificateSerial": 2**64 - 1, "registeredBlock": 5,
            "registeredAt": 7, "status": status, "issuedBlock": issued, "expiresAt": issued + DAY}  # fmt: skip


def _imported(s: Script, local: int, *, linked: bool = False, superseded: bool = False, **cert: Any) -> None:
    s("Recognition", "CertificateImported", localAssetId=local, originChainId=9, originAssetId=2**70,
      originRegistry=BOB, certificate=_certificate(**cert), certificateDigest=H2, signers=[CAROL], linked=linked,
      registrar=REGISTRAR, superseded=superseded)  # fmt: skip


def test_recognition_follows_newer_certificates_and_suspends_the_asset_unless_linked() -> None:
    s = Script()
    apply_for(s, 1)
    apply_for(s, 2)
    _imported(s, 1)
    _imported(s, 2, linked=True)
    s.block()
    s("Recognition", "RecognitionSuspended", localAssetId=1, by=REGISTRAR, reasonHash=H1)
    s("Recognition", "RecognitionSuspended", localAssetId=2, by=REGISTRAR, reasonHash=H1)
    s.block()
    s("Recognition", "RecognitionReinstated", localAssetId=2, by=REGISTRAR, reasonHash=H3)
    _imported(s, 1, superseded=True, status=4, issued=200)  # the origin cancelled it
    result = s.project().result()
    assets = result.versions["assets"]
    assert [(b, a["suspended"]) for b, a in assets[(1,)]] == [(1, False), (2, True)]
    assert len(assets[(2,)]) == 1  # a linked record leaves the local registration alone
    assert (assets[(1,)][-1][1]["recognised"], assets[(2,)][-1][1]["recognised"]) == (True, False)
    one = result.versions["recognised_records"][(1,)][-1][1]
    assert (one["status"], one["origin_status"], one["issued_block"], one["superseded_block"]) == (3, 4, 200, 3)
    assert (one["origin_asset_id"], one["certificate_serial"], one["imported_block"]) == (2**70, 2**64 - 1, 1)
    two = result.versions["recognised_records"][(2,)][-1][1]
    assert (two["status"], two["reinstated_by"], two["reinstated_block"], two["suspended_block"]) == (
        1, REGISTRAR, 3, 2,
    )  # fmt: skip
