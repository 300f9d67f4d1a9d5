"""The projection (events -> record versions) on its own: no database."""

from __future__ import annotations

import pytest

from ledger.store.projection import ProjectionError, keys_to_load
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


def test_changes_within_a_block_collapse_into_one_version_per_record() -> None:
    s = Script()
    s("ParticipantRegistry", "ParticipantAdmitted", account=ALICE, roles=64, region=450100, name="A", by=AUTHORITY)
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


def test_a_rejected_application_filed_again_keeps_its_objections_and_freeze_but_not_its_anonymisation() -> None:
    s = Script()
    apply_for(s)
    s("AssetRegistry", "AnonymisationAttested", assetId=1, provider=BOB, reportHash=H2)
    s("AssetRegistry", "ObjectionLodged", objectionId=1, assetId=1, objector=BOB, evidenceHash=H2)
    s("AssetRegistry", "AssetFrozen", assetId=1, by=AUTHORITY, reasonHash=H2)
    s("AssetRegistry", "RegistrationRejected", assetId=1, registrar=REGISTRAR, reviewHash=H2)
    s.block()
    s(
        "AssetRegistry",
        "RegistrationApplied",
        assetId=1,
        contentHash=H1,
        applicant=ALICE,
        processingHolder=BOB,
        operationHolder=ALICE,
        registration=registration(processingHolder=BOB),
    )
    asset = s.project().result().versions["assets"][(1,)][-1][1]
    assert (asset["status"], asset["frozen"], asset["disputed"], asset["open_objections"]) == (1, True, True, 1)
    assert asset["anonymised"] is False
    assert (asset["holding_holder"], asset["processing_holder"], asset["operation_holder"]) == (ALICE, BOB, ALICE)


def test_objection_resolution_takes_the_open_count_from_the_event() -> None:
    s = Script()
    apply_for(s)
    s("AssetRegistry", "ObjectionLodged", objectionId=1, assetId=1, objector=BOB, evidenceHash=H2)
    s("AssetRegistry", "ObjectionLodged", objectionId=2, assetId=1, objector=CAROL, evidenceHash=H2)
    s.block()
    s(
        "AssetRegistry",
        "ObjectionResolved",
        objectionId=1,
        assetId=1,
        registrar=REGISTRAR,
        upheld=True,
        decisionHash=H3,
        openObjections=1,
    )
    result = s.project().result()
    asset = result.versions["assets"][(1,)][-1][1]
    assert (asset["open_objections"], asset["disputed"]) == (1, True)
    first = result.versions["objections"][(1,)][-1][1]
    assert (first["status"], first["resolved_by"], first["resolved_at"]) == (2, REGISTRAR, s.timestamps[2])
    assert result.versions["objections"][(2,)][-1][1]["status"] == 1


def test_a_trade_records_seller_fee_and_revenue_share_payments() -> None:
    s = Script()
    s("TradeSettlement", "RevenueSharePaid", tradeId=H1, recipient=CAROL, amount=99)
    s(
        "TradeSettlement",
        "TradeSettled",
        tradeId=H1,
        assetId=7,
        exchange=REGISTRAR,
        seller=ALICE,
        buyer=BOB,
        price=1000,
        fee=10,
        sellerAmount=891,
        right=1,
        licenseId=3,
    )
    s(
        "TradeSettlement",
        "TradeSettled",
        tradeId=H2,
        assetId=7,
        exchange=ZERO,
        seller=ALICE,
        buyer=BOB,
        price=500,
        fee=0,
        sellerAmount=500,
        right=0,
        licenseId=0,
    )
    facts = s.project().result().facts
    payments = sorted((p["trade_id"], p["kind"], p["payee"], p["amount"]) for p in facts["payments"])
    assert payments == [
        (H1, "fee", REGISTRAR, 10),
        (H1, "revenue_share", CAROL, 99),
        (H1, "seller", ALICE, 891),
        (H2, "seller", ALICE, 500),
    ]
    assert [(t["trade_id"], t["on_exchange"]) for t in facts["trades"]] == [(H1, True), (H2, False)]


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


def test_a_balance_that_would_go_negative_is_refused() -> None:
    s = Script()
    s("SettlementToken", "Transfer", **{"from": ALICE, "to": BOB, "value": 1})
    with pytest.raises(ProjectionError, match="balance"):
        s.project()


def test_a_change_to_an_unknown_record_is_refused_with_the_event_location() -> None:
    s = Script()
    s.block()
    s("AssetRegistry", "LicenseRevoked", licenseId=9, by=AUTHORITY, causeId=0, reasonHash=H1)
    with pytest.raises(ProjectionError, match=r"licences record \(9,\) is unknown.*LicenseRevoked in block 2"):
        s.project()


def test_stored_records_are_changed_from_their_current_version_without_being_mutated() -> None:
    stored = {"account": ALICE, "balance": 10}
    s = Script()
    s("SettlementToken", "Transfer", **{"from": ALICE, "to": BOB, "value": 4})
    result = s.project({"balances": {(ALICE,): stored}}).result()
    assert result.versions["balances"][(ALICE,)][-1][1]["balance"] == 6
    assert stored == {"account": ALICE, "balance": 10}


def test_licence_grant_keeps_terms_and_territory_and_revocation_names_its_cause() -> None:
    s = Script()
    s(
        "AssetRegistry",
        "LicenseGranted",
        licenseId=1,
        assetId=1,
        licensee=BOB,
        licensor=ALICE,
        parentId=0,
        depth=0,
        terms=terms(countries=["0x434e", "0x5347"]),
    )
    s(
        "AssetRegistry",
        "LicenseGranted",
        licenseId=2,
        assetId=1,
        licensee=CAROL,
        licensor=BOB,
        parentId=1,
        depth=1,
        terms=terms(),
    )
    s.block()
    s("AssetRegistry", "LicenseRevoked", licenseId=1, by=AUTHORITY, causeId=0, reasonHash=H1)
    s("AssetRegistry", "LicenseRevoked", licenseId=2, by=AUTHORITY, causeId=1, reasonHash=H1)
    s("AssetRegistry", "LicenseTransferred", licenseId=2, **{"from": CAROL, "to": ALICE})
    versions = s.project().result().versions["licences"]
    parent = versions[(1,)][-1][1]
    assert (parent["countries"], parent["cross_border"], parent["regions"]) == (["CN", "SG"], True, [450000])
    assert (parent["revoked"], parent["revoke_cause_id"], parent["revoked_block"]) == (True, 0, 2)
    child_before, child_after = versions[(2,)][0][1], versions[(2,)][1][1]
    assert (child_before["revoked"], child_before["licensee"], child_before["cross_border"]) == (False, CAROL, False)
    assert (child_after["revoked"], child_after["revoke_cause_id"], child_after["licensee"]) == (True, 1, ALICE)


def test_keys_to_load_names_every_record_a_batch_writes() -> None:
    s = Script()
    s("SettlementToken", "Transfer", **{"from": ZERO, "to": ALICE, "value": 1})
    s("SettlementToken", "Approval", owner=ALICE, spender=BOB, value=1)
    s(
        "AssetRegistry",
        "ObjectionResolved",
        objectionId=4,
        assetId=2,
        registrar=REGISTRAR,
        upheld=False,
        decisionHash=H1,
        openObjections=0,
    )
    s("AssetRegistry", "SettlementSet", settlement=BOB, by=AUTHORITY)
    s("SettlementToken", "Issued", bank=BOB, to=ALICE, amount=1)
    assert keys_to_load(s.events) == {
        "balances": {(ALICE,)},
        "approvals": {(ALICE, BOB)},
        "objections": {(4,)},
        "assets": {(2,)},
        "contract_settings": {("AssetRegistry", "settlement")},
    }


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
