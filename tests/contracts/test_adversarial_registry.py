"""Adversarial suite, registration and objections (issue 11, rules 4, 6, 7, 9, 10, 13 and 14): a hostile but
admitted participant cancels away others' stakes, launders data across the border, attests or reviews its own
asset, squats content hashes, blocks others with objections, backdates licences or revives rejected
applications. Each attack is mined and reverts with its own custom error, nothing changed; next to it, the
legitimate path works.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pytest

import ledger.contracts.errors as E
from ledger.client import LedgerClient, TxResult
from ledger.contracts.types import AssetStatus, Category, Grade, LicenseTerms, ObjectionStatus, Right, Role, Trade
from tests.contracts.attack import Watch, nested, refused, send
from tests.contracts.conftest import CITY, OTHER_REGION, REGION, World, h, unique_hash

DAY = 86_400


def licence_trade(w: World, asset: int, buyer: LedgerClient | None = None) -> Trade:
    buyer = buyer or w.holder2
    return Trade(unique_hash("trade"), asset, w.holder.address, buyer.address, 1_000, terms=w.terms())


def grant(client: LedgerClient, asset: int, licensee: str, terms: LicenseTerms) -> partial[TxResult]:
    return partial(send, client, "AssetRegistry", "grantLicense", asset, licensee, terms.as_abi())


def cancel(client: LedgerClient, asset: int) -> partial[TxResult]:
    return partial(send, client, "AssetRegistry", "cancelRegistration", asset, h("cancel"))


def lodge(client: LedgerClient, asset: int, licence: int = 0) -> partial[TxResult]:
    return partial(send, client, "AssetControls", "lodgeObjection", asset, h(f"evidence by {client.address}"), licence)


# ─────────────────────────────────────────── rule 4: cancellation respects other holders and disputes


def test_r4_the_holding_holder_cannot_cancel_away_a_dispute_another_holder_or_a_licence(world: World) -> None:
    w = world
    disputed = w.registered_asset()
    w.supervisor.lodge_objection(disputed, h("evidence"))
    refused(w, E.RegistryAssetDisputed, cancel(w.holder, disputed), Watch(assets=[disputed]), assetId=disputed,
            openObjections=1)  # fmt: skip
    # Nor can it move the asset to an accomplice while it is disputed.
    refused(w, E.RegistryAssetDisputed,
            partial(send, w.holder, "AssetRegistry", "transferRight", disputed, int(Right.HOLDING), w.merchant.address),
            Watch(assets=[disputed]))  # fmt: skip

    shared = w.registered_asset()
    w.holder.transfer_right(shared, Right.PROCESSING, w.holder2.address)
    refused(w, E.RegistryRightHeldByOther, cancel(w.holder, shared), Watch(assets=[shared]), assetId=shared,
            right=Right.PROCESSING, holder=w.holder2.address)  # fmt: skip

    licensed = w.registered_asset()
    licence = w.holder.grant_license(licensed, w.holder2.address, w.terms(days=30))
    until = w.holder.get_asset(licensed)["licensedUntil"]
    assert until >= w.chain_time() + 30 * DAY
    view = Watch(assets=[licensed], licences=[licence])
    refused(w, E.RegistryAssetLicensed, cancel(w.holder, licensed), view, assetId=licensed, licensedUntil=until)
    # Revoking the licence first does not open the way: the licensee's stake is judged by what was granted.
    w.holder.revoke_license(licence, h("revoked to cancel"))
    refused(w, E.RegistryAssetLicensed, cancel(w.holder, licensed), view, assetId=licensed, licensedUntil=until)

    frozen = w.registered_asset()
    w.authority.freeze(frozen, h("inspection"))
    refused(w, E.RegistryAssetFrozen, cancel(w.holder, frozen), Watch(assets=[frozen]), assetId=frozen)

    # A registrar of the region decides, stakes or not; the holder alone cancels once nobody else has a stake.
    w.registrar.cancel_registration(licensed, h("registrar's decision"))
    clean = w.registered_asset()
    w.holder.cancel_registration(clean, h("withdrawn"))
    w.rpc.call("evm_increaseTime", [32 * DAY])
    later = w.registered_asset()
    w.holder.grant_license(later, w.holder2.address, w.terms(days=1))
    w.rpc.call("evm_increaseTime", [3 * DAY])
    w.holder.cancel_registration(later, h("the licence ended"))
    assert w.holder.get_asset(later)["status"] == AssetStatus.CANCELLED


# ─────────────────────────────────────────── rule 6: cross-border means cross-border


@pytest.mark.parametrize("region", [810000, 820000, 710000, 810100])
def test_r6_important_data_cannot_leave_through_hong_kong_macau_or_taiwan(world: World, region: int) -> None:
    w = world
    asset = w.registered_asset(grade=Grade.IMPORTANT)
    view = Watch(assets=[asset])
    refused(w, E.LicenseCrossBorderForbidden, grant(w.holder, asset, w.holder2.address, w.terms(regions=(region,))),
            view, assetId=asset, grade=Grade.IMPORTANT)  # fmt: skip
    refused(w, E.LicenseCrossBorderForbidden,
            grant(w.holder, asset, w.holder2.address, w.terms(regions=(REGION, region))), view)  # fmt: skip
    # The same grant over general data is allowed, and flagged cross-border.
    general = w.registered_asset()
    licence = w.holder.grant_license(general, w.holder2.address, w.terms(regions=(region,)))
    assert w.holder.get_license(licence)["crossBorder"]


def test_r6_unknown_region_codes_are_refused_and_a_sublicence_cannot_add_the_border(world: World) -> None:
    w = world
    asset = w.registered_asset()
    for region in (990000, 100000, 45000, 1_000_000, 0, 720000):
        refused(w, E.LicenseInvalidRegion, grant(w.holder, asset, w.holder2.address, w.terms(regions=(region,))),
                Watch(assets=[asset]), region=region)  # fmt: skip
    bad = w.registration(region=990000)
    refused(w, E.RegistryInvalidRegion, partial(send, w.holder, "AssetRegistry", "applyRegistration", bad.as_abi()),
            region=990000)  # fmt: skip
    parent_terms = w.terms(sublicensable=True, regions=(REGION, CITY))
    parent = w.holder.grant_license(asset, w.holder2.address, parent_terms)
    refused(w, E.LicenseExceedsParent,
            partial(send, w.holder2, "AssetRegistry", "sublicense", parent, w.merchant.address,
                    replace(parent_terms, regions=(REGION, 810000)).as_abi()),
            Watch(assets=[asset], licences=[parent]), parentId=parent)  # fmt: skip
    w.holder2.sublicense(parent, w.merchant.address, replace(parent_terms, regions=(CITY,)))


# ─────────────────────────────────────────── rule 7: third party means third party


def test_r7_an_asset_is_not_attested_by_its_applicant_or_a_right_holder(world: World) -> None:
    w = world
    dual = w.admit(21, Role.SERVICE_PROVIDER | Role.DATA_HOLDER, CITY, "Self-Attesting Data Co.", declare=True)
    own = dual.apply_registration(w.registration(category=Category.PERSONAL))
    w.registrar.review_registration(own, True, h("review"))
    view = Watch(assets=[own])
    refused(w, E.ControlsAttesterConflict,
            partial(send, dual, "AssetControls", "attestAnonymisation", own, h("my own report")), view,
            assetId=own, provider=dual.address)  # fmt: skip
    named = w.holder.apply_registration(w.registration(category=Category.PERSONAL, operation_holder=w.provider.address))
    refused(w, E.ControlsAttesterConflict,
            partial(send, w.provider, "AssetControls", "attestAnonymisation", named, h("report")),
            Watch(assets=[named]), assetId=named, provider=w.provider.address)  # fmt: skip
    # An independent, declared provider attests.
    w.provider.attest_anonymisation(own, h("independent report"))
    assert w.holder.get_asset(own)["anonymised"]


def test_r7_a_registrar_reviews_nothing_it_applied_for_or_holds_a_right_in(world: World) -> None:
    w = world
    dual = w.admit(22, Role.REGISTRAR | Role.DATA_HOLDER, REGION, "Registrar With Data Co.")
    own = dual.apply_registration(w.registration())
    refused(w, E.RegistryRegistrarConflict,
            partial(send, dual, "AssetRegistry", "reviewRegistration", own, True, h("approve my own")),
            Watch(assets=[own]), assetId=own, registrar=dual.address)  # fmt: skip
    named = w.holder.apply_registration(w.registration(operation_holder=dual.address))
    refused(w, E.RegistryRegistrarConflict,
            partial(send, dual, "AssetRegistry", "reviewRegistration", named, True, h("approve")),
            Watch(assets=[named]), assetId=named, registrar=dual.address)  # fmt: skip
    # ...nor decides objections over them.
    w.registrar.review_registration(named, True, h("impartial review"))
    objection = w.holder2.lodge_objection(named, h("evidence"))
    view = Watch(assets=[named], objections=[objection], objectors=[w.holder2.address])
    for function, args in (("acceptObjection", (h("accept"),)), ("resolveObjection", (False, h("dismiss")))):
        refused(w, E.ControlsRegistrarConflict, partial(send, dual, "AssetControls", function, objection, *args),
                view, assetId=named, registrar=dual.address)  # fmt: skip
    w.registrar.review_registration(own, True, h("impartial review"))
    assert w.holder.get_asset(own)["status"] == AssetStatus.REGISTERED


def test_r7_a_registrar_does_not_accept_its_own_objection(world: World) -> None:
    """Beyond the list: a registrar of the region lodges an objection without standing (pending: it blocks
    nothing) and then accepts it itself, disputing the asset; or dismisses or upholds it itself."""
    w = world
    asset = w.registered_asset()
    objection = w.registrar.lodge_objection(asset, h("my own evidence"))
    assert w.holder.get_objection(objection)["status"] == ObjectionStatus.PENDING
    view = Watch(assets=[asset], objections=[objection], objectors=[w.registrar.address])
    refused(w, E.ControlsRegistrarConflict,
            partial(send, w.registrar, "AssetControls", "acceptObjection", objection, h("accepted by myself")),
            view, assetId=asset, registrar=w.registrar.address)  # fmt: skip
    refused(w, E.ControlsRegistrarConflict,
            partial(send, w.registrar, "AssetControls", "resolveObjection", objection, True, h("upheld by myself")),
            view, assetId=asset, registrar=w.registrar.address)  # fmt: skip
    # Another registrar of the region decides it.
    other = w.admit(23, Role.REGISTRAR, REGION, "Second Guangxi Registration Desk")
    other.accept_objection(objection, h("accepted"))
    assert w.holder.get_asset(asset)["disputed"]


# ─────────────────────────────────────────── rule 9: content hashes cannot be squatted


def test_r9_a_squatters_application_holds_no_content_hash(world: World) -> None:
    w = world
    content = unique_hash("the holder's dataset")
    squatted = w.holder2.apply_registration(w.registration(content_hash=content))
    # Withdrawing the squat burns nothing; a second squat waits beside the rightful application.
    w.holder2.cancel_registration(squatted, h("withdrawn"))
    squatted = w.holder2.apply_registration(w.registration(content_hash=content))
    rightful = w.holder.apply_registration(w.registration(content_hash=content))
    w.registrar.review_registration(rightful, True, h("the holder's evidence holds"))
    assert w.holder.asset_id_of(content) == rightful
    refused(w, E.RegistryContentHashRegistered,
            partial(send, w.registrar, "AssetRegistry", "reviewRegistration", squatted, True, h("approve")),
            Watch(assets=[squatted, rightful]), contentHash=content, assetId=rightful)  # fmt: skip
    refused(w, E.RegistryContentHashRegistered,
            partial(send, w.holder2, "AssetRegistry", "applyRegistration",
                    w.registration(content_hash=content).as_abi()),
            Watch(assets=[rightful]), contentHash=content, assetId=rightful)  # fmt: skip


def test_r9_a_registered_squat_that_is_cancelled_frees_the_hash_for_the_rightful_holder(world: World) -> None:
    w = world
    content = unique_hash("the holder's dataset")
    squat = w.registered_asset(w.holder2, content_hash=content)
    w.holder2.cancel_registration(squat, h("withdrawn after the objection"))
    assert w.holder.asset_id_of(content) == 0
    rightful = w.registered_asset(w.holder, content_hash=content)
    assert w.holder.asset_id_of(content) == rightful


# ─────────────────────────────────────────── rule 10: objections cannot be used to grief


def test_r10_an_objection_without_standing_blocks_nothing_and_is_limited(world: World) -> None:
    w = world
    assets = [w.registered_asset() for _ in range(4)]
    first = w.holder2.lodge_objection(assets[0], h("evidence"))
    assert w.holder.get_objection(first)["status"] == ObjectionStatus.PENDING
    watch = Watch(assets=assets, objectors=[w.holder2.address])
    refused(w, E.ControlsObjectionAlreadyPending, lodge(w.holder2, assets[0]), watch, assetId=assets[0],
            objector=w.holder2.address, objectionId=first)  # fmt: skip
    w.holder2.lodge_objection(assets[1], h("evidence"))
    w.holder2.lodge_objection(assets[2], h("evidence"))
    refused(w, E.ControlsPendingLimit, lodge(w.holder2, assets[3]), watch, objector=w.holder2.address, pending=3,
            max=3)  # fmt: skip
    # A second admitted account (the limit is per account: the ledger knows no organisation above accounts)
    # adds pending objections of its own, which block nothing either.
    second = w.admit(24, Role.DATA_HOLDER, CITY, "Liuzhou Logistics Co. (second account)")
    for asset in assets[:3]:
        second.lodge_objection(asset, h("evidence"))
    w.fund(w.merchant, 10_000)
    for asset in assets[:3]:
        assert not w.holder.get_asset(asset)["disputed"]
        w.holder.grant_license(asset, w.holder2.address, w.terms())
    w.settle(licence_trade(w, assets[0], w.merchant))


def test_r10_standing_cannot_be_borrowed(world: World) -> None:
    """Objecting "as a licensee" with a licence of another asset, someone else's licence, a revoked one, one
    under a revoked parent, one not yet started."""
    w = world
    asset = w.registered_asset()
    other = w.registered_asset()
    elsewhere = w.holder.grant_license(other, w.holder2.address, w.terms())
    anothers = w.holder.grant_license(asset, w.merchant.address, w.terms(purpose=2))
    revoked = w.holder.grant_license(asset, w.holder2.address, w.terms(purpose=3))
    w.holder.revoke_license(revoked, h("revoked"))
    parent_terms = w.terms(purpose=4, sublicensable=True)
    parent = w.holder.grant_license(asset, w.merchant.address, parent_terms)
    orphan = w.merchant.sublicense(parent, w.holder2.address, replace(parent_terms, sublicensable=False))
    w.holder.revoke_license(parent, h("parent revoked"))
    now = w.chain_time()
    future = w.holder.grant_license(asset, w.holder2.address, w.terms(purpose=5, start=now + 30 * DAY,
                                                                      end=now + 60 * DAY))  # fmt: skip
    watch = Watch(assets=[asset], objectors=[w.holder2.address], extra=[w.holder.objection_count])
    for licence in (elsewhere, anothers, revoked, orphan, future):
        refused(w, E.ControlsNoStanding, lodge(w.holder2, asset, licence), watch, licenseId=licence,
                account=w.holder2.address)  # fmt: skip
    # A licensee with a valid licence of its own has standing: its objection disputes the asset at once.
    valid = w.holder.grant_license(asset, w.holder2.address, w.terms(purpose=6))
    objection = w.holder2.lodge_objection(asset, h("evidence"), valid)
    assert w.holder.get_objection(objection)["status"] == ObjectionStatus.OPEN


def test_r10_only_a_registrar_of_the_region_accepts_and_a_holder_with_standing_blocks(world: World) -> None:
    w = world
    asset = w.registered_asset()
    pending = w.merchant.lodge_objection(asset, h("evidence"))
    view = Watch(assets=[asset], objections=[pending], objectors=[w.merchant.address])
    refused(w, E.ControlsWrongRegion,
            partial(send, w.foreign_registrar, "AssetControls", "acceptObjection", pending, h("accept")), view,
            registrar=w.foreign_registrar.address, registrarRegion=OTHER_REGION, assetRegion=REGION)  # fmt: skip
    refused(w, E.ParticipantUnauthorized,
            partial(send, w.supervisor, "AssetControls", "acceptObjection", pending, h("accept")), view)  # fmt: skip
    # The processing right's holder has standing: its objection blocks licences and trades until resolved.
    w.holder.transfer_right(asset, Right.PROCESSING, w.holder2.address)
    blocking = w.holder2.lodge_objection(asset, h("my right is disputed"))
    w.fund(w.merchant, 10_000)
    trade = Trade(unique_hash("trade"), asset, w.holder2.address, w.merchant.address, 1_000, terms=w.terms())
    consent = w.consent(trade)
    refused(w, E.RegistryAssetDisputed, partial(w.exchange.settle, trade, 0, consent, gas=3_000_000),
            Watch(assets=[asset], trades=[(w.exchange.address, trade.trade_id)]), assetId=asset,
            openObjections=1)  # fmt: skip
    w.registrar.resolve_objection(blocking, False, h("dismissed"))
    w.exchange.settle(trade, 0, consent)


def test_r10_a_batch_settles_every_valid_trade_and_reports_the_disputed_one(world: World) -> None:
    w = world
    good = w.registered_asset()
    disputed = w.registered_asset()
    w.supervisor.lodge_objection(disputed, h("evidence"))
    w.fund(w.holder2, 10_000)
    trades = [licence_trade(w, good), licence_trade(w, disputed), licence_trade(w, good)]
    view = Watch(assets=[good, disputed], trades=[(w.exchange.address, t.trade_id) for t in trades])
    err = refused(w, E.SettlementBatchItemFailed, partial(w.settle_batch, trades, gas=3_000_000), view, index=1,
                  tradeId=trades[1].trade_id)  # fmt: skip
    assert nested(w, err.reason) == ("RegistryAssetDisputed", {"assetId": disputed,
                                                                               "openObjections": 1})  # fmt: skip
    result = w.settle_batch(trades, atomic=False)
    assert [e["tradeId"] for e in result.find("TradeSettled")] == [trades[0].trade_id, trades[2].trade_id]
    (refusal,) = result.find("TradeRefused")
    assert (refusal["index"], refusal["tradeId"], refusal["exchange"]) == (1, trades[1].trade_id, w.exchange.address)
    assert nested(w, refusal["reason"])[0] == "RegistryAssetDisputed"
    assert not w.holder.is_settled(w.exchange.address, trades[1].trade_id)


# ─────────────────────────────────────────── rule 13: a licence is never valid before it existed


def test_r13_a_backdated_licence_starts_when_it_is_granted(world: World) -> None:
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    backdated = w.terms(start=now - 365 * DAY, end=now + 30 * DAY)
    result = w.holder.execute(w.holder.prepare("AssetRegistry", "grantLicense", asset, w.holder2.address,
                                               backdated.as_abi()))  # fmt: skip
    licence = result.event("LicenseGranted")["licenseId"]
    granted_at = int(w.rpc.call("eth_getBlockByNumber", [hex(result.receipt.block_number), False])["timestamp"], 16)
    assert w.holder.get_license(licence)["start"] == granted_at
    assert not w.holder.is_license_valid(licence, now - 100 * DAY)
    assert not w.holder.is_license_valid(licence, granted_at - 1)
    assert w.holder.is_license_valid(licence, granted_at)
    # A licence wholly in the past is no licence at all.
    past = w.terms(start=now - 365 * DAY, end=now - DAY)
    refused(w, E.LicenseInvalidPeriod, grant(w.holder, asset, w.merchant.address, past), Watch(assets=[asset]),
            end=now - DAY)  # fmt: skip
    # A backdated sublicence starts no earlier than now either (and so within its parent).
    parent_terms = w.terms(purpose=7, sublicensable=True)
    parent = w.holder.grant_license(asset, w.merchant.address, parent_terms)
    child_terms = replace(parent_terms, start=now - 365 * DAY, sublicensable=False)
    child = w.merchant.sublicense(parent, w.holder2.address, child_terms)
    assert w.holder.get_license(child)["start"] >= w.holder.get_license(parent)["start"]
    assert not w.holder.is_license_valid(child, now - DAY)


# ─────────────────────────────────────────── rule 14: rejected applications are not revived


def test_r14_a_rejected_application_is_final_and_a_new_filing_gets_a_new_id(world: World) -> None:
    w = world
    content = unique_hash("rejected dataset")
    rejected = w.holder.apply_registration(w.registration(content_hash=content))
    w.registrar.review_registration(rejected, False, h("incomplete"))
    view = Watch(assets=[rejected])
    refused(w, E.RegistryInvalidStatus,
            partial(send, w.registrar, "AssetRegistry", "reviewRegistration", rejected, True, h("approve after all")),
            view, assetId=rejected, status=AssetStatus.REJECTED)  # fmt: skip
    for who in (w.holder, w.registrar):
        refused(w, E.RegistryInvalidStatus, cancel(who, rejected), view, assetId=rejected,
                status=AssetStatus.REJECTED)  # fmt: skip
    # Another participant files the same content: a new id, its own application; the rejected one stays the
    # applicant's. The applicant files again, under a new id, and that one is approved.
    theirs = w.holder2.apply_registration(w.registration(content_hash=content))
    again = w.holder.apply_registration(w.registration(content_hash=content))
    assert len({rejected, theirs, again}) == 3
    assert (w.holder.applicant_of(rejected), w.holder.applicant_of(theirs)) == (w.holder.address, w.holder2.address)
    w.registrar.review_registration(again, True, h("complete now"))
    assert w.holder.asset_id_of(content) == again
    assert w.holder.get_asset(rejected)["status"] == AssetStatus.REJECTED
