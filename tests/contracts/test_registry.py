"""AssetRegistry: the registration lifecycle, the three separately held rights, objections, freezes
and the anonymisation gate on personal-information data."""

from __future__ import annotations

from typing import Any

import pytest

import ledger.contracts.errors as E
from ledger.contracts.types import AssetStatus, Category, ObjectionStatus, Right, Role, Trade
from tests.contracts.conftest import OTHER_REGION, REGION, World, h, unique_hash


def _asset_id_of(w: World, content_hash: bytes) -> int:
    return int(w.holder.view("AssetRegistry", "assetIdOf", content_hash))


def _objection_count(w: World) -> int:
    return w.holder.objection_count()


def _holders(w: World, asset: int) -> tuple[str, str, str]:
    return (
        w.holder.holder_of(asset, Right.HOLDING),
        w.holder.holder_of(asset, Right.PROCESSING),
        w.holder.holder_of(asset, Right.OPERATION),
    )


# ─────────────────────────────────────────── application and review


def test_application_is_pending_with_the_applicant_holding_all_three_rights(world: World) -> None:
    w = world
    registration = w.registration()
    count = w.holder.asset_count()
    result = w.holder.execute(w.holder.prepare("AssetRegistry", "applyRegistration", registration.as_abi()))
    applied = result.event("RegistrationApplied")
    asset = applied["assetId"]
    assert asset == count + 1 == w.holder.asset_count()
    assert applied["contentHash"] == registration.content_hash
    assert applied["applicant"] == applied["processingHolder"] == applied["operationHolder"] == w.holder.address
    assert applied["registration"]["name"] == registration.name
    assert applied["registration"]["metadataURI"] == registration.metadata_uri
    a = w.holder.get_asset(asset)
    assert a["status"] == AssetStatus.PENDING
    assert a["contentHash"] == registration.content_hash
    assert (a["category"], a["grade"], a["kind"], a["region"]) == (
        registration.category, registration.grade, registration.kind, REGION,
    )  # fmt: skip
    assert (a["certificateSerial"], a["registeredAt"], a["openObjections"], a["licensedUntil"]) == (0, 0, 0, 0)
    assert not (a["disputed"] or a["frozen"] or a["anonymised"] or a["suspended"])
    assert a["applicant"] == w.holder.address
    assert _holders(w, asset) == (w.holder.address,) * 3
    # A pending application does not hold the content hash; only registration does.
    assert _asset_id_of(w, registration.content_hash) == 0
    w.registrar.review_registration(asset, True, h("review"))
    assert _asset_id_of(w, registration.content_hash) == asset


def test_application_may_name_separate_processing_and_operation_holders(world: World) -> None:
    w = world
    asset = w.holder.apply_registration(
        w.registration(processing_holder=w.merchant.address, operation_holder=w.holder2.address)
    )
    assert _holders(w, asset) == (w.holder.address, w.merchant.address, w.holder2.address)
    a = w.holder.get_asset(asset)
    assert (a["holdingHolder"], a["processingHolder"], a["operationHolder"]) == _holders(w, asset)


def test_application_refuses_right_holders_that_cannot_trade(world: World) -> None:
    w = world
    count = w.holder.asset_count()
    with pytest.raises(E.ParticipantUnauthorized) as exc:
        w.holder.apply_registration(w.registration(processing_holder=w.registrar.address))
    assert exc.value.account == w.registrar.address
    with pytest.raises(E.ParticipantUnknown):
        w.holder.apply_registration(w.registration(operation_holder=w.outsider.address))
    with pytest.raises(E.ParticipantNotActive):
        w.holder.apply_registration(w.registration(operation_holder=w.suspended.address))
    undeclared = w.admit(20, Role.DATA_MERCHANT, name="Undeclared Merchant Ltd.")
    with pytest.raises(E.ParticipantDeclarationMissing):
        w.holder.apply_registration(w.registration(processing_holder=undeclared.address))
    assert w.holder.asset_count() == count


def test_only_data_holders_and_merchants_apply(world: World) -> None:
    w = world
    for client in (w.provider, w.registrar, w.exchange, w.supervisor, w.authority):
        with pytest.raises(E.ParticipantUnauthorized) as exc:
            client.apply_registration(w.registration())
        assert exc.value.account == client.address
        assert exc.value.neededRoles == Role.DATA_HOLDER | Role.DATA_MERCHANT
    with pytest.raises(E.ParticipantUnknown):
        w.outsider.apply_registration(w.registration())
    assert w.holder.asset_count() == 0
    merchant_asset = w.merchant.apply_registration(w.registration())
    assert w.holder.get_asset(merchant_asset)["holdingHolder"] == w.merchant.address


def test_approval_registers_the_asset_with_a_certificate_serial(world: World) -> None:
    w = world
    first = w.holder.apply_registration(w.registration())
    second = w.holder2.apply_registration(w.registration())
    result = w.registrar.review_registration(second, True, h("review 2"))
    assert result.event("AssetRegistered") == {
        "assetId": second, "registrar": w.registrar.address, "certificateSerial": 1, "reviewHash": h("review 2"),
    }  # fmt: skip
    w.registrar.review_registration(first, True, h("review 1"))
    a1, a2 = w.holder.get_asset(first), w.holder.get_asset(second)
    assert a1["status"] == a2["status"] == AssetStatus.REGISTERED
    assert (a2["certificateSerial"], a1["certificateSerial"]) == (1, 2)
    assert a1["registeredAt"] == w.chain_time()


def test_only_a_registrar_of_the_assets_region_reviews(world: World) -> None:
    w = world
    asset = w.holder.apply_registration(w.registration())
    with pytest.raises(E.RegistryWrongRegion) as exc:
        w.foreign_registrar.review_registration(asset, True, h("review"))
    assert exc.value.values == {
        "registrar": w.foreign_registrar.address, "registrarRegion": OTHER_REGION, "assetRegion": REGION,
    }  # fmt: skip
    with pytest.raises(E.ParticipantUnauthorized) as exc2:
        w.holder.review_registration(asset, True, h("self-approval"))
    assert exc2.value.neededRoles == Role.REGISTRAR
    assert w.holder.get_asset(asset)["status"] == AssetStatus.PENDING
    # An application for Guangdong is the Guangdong registrar's.
    guangdong = w.holder.apply_registration(w.registration(region=OTHER_REGION))
    with pytest.raises(E.RegistryWrongRegion):
        w.registrar.review_registration(guangdong, True, h("review"))
    w.foreign_registrar.review_registration(guangdong, True, h("review"))
    assert w.holder.get_asset(guangdong)["status"] == AssetStatus.REGISTERED


def test_review_applies_only_to_pending_applications(world: World) -> None:
    w = world
    asset = w.registered_asset()
    with pytest.raises(E.RegistryInvalidStatus) as exc:
        w.registrar.review_registration(asset, False, h("second review"))
    assert (exc.value.assetId, exc.value.status) == (asset, AssetStatus.REGISTERED)
    assert w.holder.get_asset(asset)["status"] == AssetStatus.REGISTERED


def test_a_rejected_application_is_final_and_a_new_one_gets_a_new_id(world: World) -> None:
    w = world
    registration = w.registration()
    asset = w.holder.apply_registration(registration)
    rejected = w.registrar.review_registration(asset, False, h("incomplete"))
    assert rejected.event("RegistrationRejected") == {
        "assetId": asset, "registrar": w.registrar.address, "reviewHash": h("incomplete"),
    }  # fmt: skip
    assert w.holder.get_asset(asset)["status"] == AssetStatus.REJECTED
    with pytest.raises(E.RegistryInvalidStatus):
        w.holder.grant_license(asset, w.holder2.address, w.terms())
    with pytest.raises(E.RegistryInvalidStatus):
        w.registrar.review_registration(asset, True, h("second look"))
    again = w.holder.apply_registration(registration)
    assert again == asset + 1 == w.holder.asset_count()
    assert w.holder.get_asset(asset)["status"] == AssetStatus.REJECTED
    w.registrar.review_registration(again, True, h("complete"))
    assert w.holder.get_asset(again)["status"] == AssetStatus.REGISTERED
    assert _asset_id_of(w, registration.content_hash) == again


def test_competing_applications_for_a_content_hash_go_to_the_registrar_and_one_registration_holds_it(
    world: World,
) -> None:
    w = world
    registration = w.registration()
    squatter = w.holder2.apply_registration(registration)
    rightful = w.holder.apply_registration(w.registration(content_hash=registration.content_hash))
    assert rightful == squatter + 1
    w.registrar.review_registration(rightful, True, h("the applicant owns the data"))
    assert _asset_id_of(w, registration.content_hash) == rightful
    # The competing application can no longer be approved, nor can a new one be filed.
    with pytest.raises(E.RegistryContentHashRegistered) as exc:
        w.registrar.review_registration(squatter, True, h("approve the other"))
    assert (exc.value.contentHash, exc.value.assetId) == (registration.content_hash, rightful)
    with pytest.raises(E.RegistryContentHashRegistered):
        w.holder2.apply_registration(w.registration(content_hash=registration.content_hash))
    w.registrar.review_registration(squatter, False, h("not the holder"))
    assert w.holder.get_asset(squatter)["status"] == AssetStatus.REJECTED
    # Cancellation frees the content hash (a registrar can undo a wrong registration).
    w.registrar.cancel_registration(rightful, h("registered in error"))
    assert _asset_id_of(w, registration.content_hash) == 0
    again = w.holder.apply_registration(w.registration(content_hash=registration.content_hash))
    w.registrar.review_registration(again, True, h("review"))
    assert _asset_id_of(w, registration.content_hash) == again


def test_change_registration_is_for_the_holding_holder_of_a_registered_unfrozen_asset(world: World) -> None:
    w = world
    asset = w.registered_asset()
    result = w.holder.change_registration(asset, h("metadata v2"), "ipfs://v2")
    assert result.event("RegistrationChanged") == {
        "assetId": asset, "by": w.holder.address, "metadataHash": h("metadata v2"), "metadataURI": "ipfs://v2",
    }  # fmt: skip
    with pytest.raises(E.RegistryNotRightHolder) as exc:
        w.holder2.change_registration(asset, h("metadata v3"), "ipfs://v3")
    assert (exc.value.assetId, exc.value.right, exc.value.account) == (asset, Right.HOLDING, w.holder2.address)
    pending = w.holder.apply_registration(w.registration())
    with pytest.raises(E.RegistryInvalidStatus) as status:
        w.holder.change_registration(pending, h("metadata v2"), "ipfs://v2")
    assert status.value.status == AssetStatus.PENDING
    w.authority.freeze(asset, h("freeze"))
    with pytest.raises(E.RegistryAssetFrozen):
        w.holder.change_registration(asset, h("metadata v3"), "ipfs://v3")


def test_cancellation_by_the_holder_or_a_registrar_of_the_region(world: World) -> None:
    w = world
    mine = w.registered_asset()
    result = w.holder.cancel_registration(mine, h("withdrawn"))
    assert result.event("RegistrationCancelled") == {
        "assetId": mine,
        "by": w.holder.address,
        "reasonHash": h("withdrawn"),
    }
    assert w.holder.get_asset(mine)["status"] == AssetStatus.CANCELLED
    with pytest.raises(E.RegistryInvalidStatus) as twice:
        w.holder.cancel_registration(mine, h("again"))
    assert twice.value.status == AssetStatus.CANCELLED
    theirs = w.registered_asset(owner=w.holder2)
    with pytest.raises(E.ParticipantUnauthorized):  # not the holder, so it would have to be a registrar
        w.holder.cancel_registration(theirs, h("not mine"))
    with pytest.raises(E.RegistryWrongRegion):
        w.foreign_registrar.cancel_registration(theirs, h("not my region"))
    assert w.holder.get_asset(theirs)["status"] == AssetStatus.REGISTERED
    w.registrar.cancel_registration(theirs, h("court order"))
    assert w.holder.get_asset(theirs)["status"] == AssetStatus.CANCELLED
    pending = w.holder.apply_registration(w.registration())
    w.holder.cancel_registration(pending, h("changed my mind"))
    assert w.holder.get_asset(pending)["status"] == AssetStatus.CANCELLED


def test_frozen_asset_is_cancelled_by_the_registrar_but_not_the_holder(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.authority.freeze(asset, h("freeze"))
    with pytest.raises(E.RegistryAssetFrozen):
        w.holder.cancel_registration(asset, h("escape the freeze"))
    assert w.holder.get_asset(asset)["status"] == AssetStatus.REGISTERED
    w.registrar.cancel_registration(asset, h("cancelled by the registrar"))
    assert w.holder.get_asset(asset)["status"] == AssetStatus.CANCELLED


def test_cancelled_asset_can_no_longer_be_licensed_and_its_licences_lapse(world: World) -> None:
    w = world
    asset = w.registered_asset()
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms())
    now = w.chain_time()
    assert w.holder.is_license_valid(licence, now)
    w.registrar.cancel_registration(asset, h("a registrar's decision"))
    assert not w.holder.is_license_valid(licence, now)
    with pytest.raises(E.RegistryInvalidStatus) as exc:
        w.holder.grant_license(asset, w.merchant.address, w.terms())
    assert exc.value.status == AssetStatus.CANCELLED
    with pytest.raises(E.RegistryInvalidStatus):
        w.holder.transfer_right(asset, Right.OPERATION, w.holder2.address)


# ─────────────────────────────────────────── the three rights


def test_each_right_is_transferred_on_its_own(world: World) -> None:
    w = world
    asset = w.registered_asset()
    result = w.holder.transfer_right(asset, Right.PROCESSING, w.holder2.address)
    assert result.event("RightTransferred") == {
        "assetId": asset, "right": Right.PROCESSING, "from": w.holder.address, "to": w.holder2.address,
        "tradeId": b"\x00" * 32,
    }  # fmt: skip
    assert _holders(w, asset) == (w.holder.address, w.holder2.address, w.holder.address)
    w.holder.transfer_right(asset, Right.OPERATION, w.merchant.address)
    assert _holders(w, asset) == (w.holder.address, w.holder2.address, w.merchant.address)
    w.holder.transfer_right(asset, Right.HOLDING, w.provider.address)
    assert _holders(w, asset) == (w.provider.address, w.holder2.address, w.merchant.address)
    # Each holder passes on only its own right.
    w.holder2.transfer_right(asset, Right.PROCESSING, w.holder.address)
    assert _holders(w, asset) == (w.provider.address, w.holder.address, w.merchant.address)


def test_transfer_right_is_refused_to_anyone_but_the_current_holder_of_that_right(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.transfer_right(asset, Right.OPERATION, w.holder2.address)
    with pytest.raises(E.RegistryNotRightHolder) as exc:
        w.holder.transfer_right(asset, Right.OPERATION, w.merchant.address)
    assert (exc.value.assetId, exc.value.right, exc.value.account) == (asset, Right.OPERATION, w.holder.address)
    with pytest.raises(E.RegistryNotRightHolder):
        w.holder2.transfer_right(asset, Right.HOLDING, w.merchant.address)
    with pytest.raises(E.RegistrySameHolder) as same:
        w.holder2.transfer_right(asset, Right.OPERATION, w.holder2.address)
    assert same.value.holder == w.holder2.address
    assert _holders(w, asset) == (w.holder.address, w.holder.address, w.holder2.address)


def test_rights_go_only_to_active_declared_traders(world: World) -> None:
    w = world
    asset = w.registered_asset()
    with pytest.raises(E.ParticipantUnauthorized):
        w.holder.transfer_right(asset, Right.PROCESSING, w.registrar.address)
    with pytest.raises(E.ParticipantUnknown):
        w.holder.transfer_right(asset, Right.PROCESSING, w.outsider.address)
    with pytest.raises(E.ParticipantNotActive):
        w.holder.transfer_right(asset, Right.PROCESSING, w.suspended.address)
    undeclared = w.admit(20, Role.SERVICE_PROVIDER, name="Undeclared Services")
    with pytest.raises(E.ParticipantDeclarationMissing):
        w.holder.transfer_right(asset, Right.PROCESSING, undeclared.address)
    assert _holders(w, asset) == (w.holder.address,) * 3


def test_the_new_holding_holder_controls_the_registration(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.transfer_right(asset, Right.HOLDING, w.holder2.address)
    assert _holders(w, asset) == (w.holder2.address, w.holder.address, w.holder.address)  # the others stay
    assert w.holder.applicant_of(asset) == w.holder.address  # the applicant is remembered
    w.holder2.change_registration(asset, h("metadata by new holder"), "ipfs://new-holder")
    with pytest.raises(E.RegistryNotRightHolder):
        w.holder.change_registration(asset, h("metadata by old holder"), "ipfs://old-holder")
    with pytest.raises(E.SettlementNotRightHolder):
        w.holder.set_revenue_shares(asset, Right.HOLDING, [(w.merchant.address, 100)])
    w.holder2.set_revenue_shares(asset, Right.HOLDING, [(w.merchant.address, 100)])
    assert w.holder.revenue_shares(asset, Right.HOLDING) == [(w.merchant.address, 100)]


def test_only_the_holder_of_a_right_grants_licences_of_it(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.transfer_right(asset, Right.PROCESSING, w.holder2.address)
    with pytest.raises(E.RegistryNotRightHolder) as exc:
        w.holder.grant_license(asset, w.merchant.address, w.terms(right=Right.PROCESSING))
    assert (exc.value.right, exc.value.account) == (Right.PROCESSING, w.holder.address)
    processing = w.holder2.grant_license(asset, w.merchant.address, w.terms(right=Right.PROCESSING))
    operation = w.holder.grant_license(asset, w.merchant.address, w.terms(right=Right.OPERATION))
    assert w.holder.get_license(processing)["right"] == Right.PROCESSING
    assert w.holder.get_license(operation)["right"] == Right.OPERATION


# ─────────────────────────────────────────── objections


def _blocked(w: World, asset: int, error: type[E.ContractRevert], **values: Any) -> None:
    """Licences, trades and transfers of ``asset`` are all refused with ``error``."""
    licences = w.holder.license_count()
    holders = _holders(w, asset)
    attempts = [
        lambda: w.holder.grant_license(asset, w.holder2.address, w.terms()),
        lambda: w.holder.transfer_right(asset, Right.OPERATION, w.holder2.address),
        lambda: w.settle(
            Trade(unique_hash("trade"), asset, w.holder.address, w.holder2.address, 1_000, terms=w.terms())
        ),
    ]
    for attempt in attempts:
        with pytest.raises(error) as exc:
            attempt()
        for key, value in values.items():
            assert getattr(exc.value, key) == value
    assert w.holder.license_count() == licences
    assert _holders(w, asset) == holders


def test_objections_dispute_the_asset_until_every_one_is_resolved(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    lodged = w.supervisor.execute(
        w.supervisor.prepare("AssetControls", "lodgeObjection", asset, h("evidence A"), 0)
    ).event("ObjectionLodged")
    first = lodged["objectionId"]
    # A supervisor has standing: the objection is open, and disputes the asset, at once.
    assert lodged == {
        "objectionId": first, "assetId": asset, "objector": w.supervisor.address, "evidenceHash": h("evidence A"),
        "status": ObjectionStatus.OPEN, "openObjections": 1,
    }  # fmt: skip
    pending = w.holder2.lodge_objection(asset, h("evidence B"))
    assert w.holder.get_objection(pending)["status"] == ObjectionStatus.PENDING
    assert w.holder.get_asset(asset)["openObjections"] == 1
    accepted = w.registrar.accept_objection(pending, h("accepted"))
    assert accepted.event("ObjectionAccepted") == {
        "objectionId": pending, "assetId": asset, "registrar": w.registrar.address, "decisionHash": h("accepted"),
        "openObjections": 2,
    }  # fmt: skip
    second = pending
    a = w.holder.get_asset(asset)
    assert (a["disputed"], a["openObjections"]) == (True, 2)
    _blocked(w, asset, E.RegistryAssetDisputed, assetId=asset, openObjections=2)

    resolved = w.registrar.resolve_objection(first, True, h("upheld"))
    assert resolved.event("ObjectionResolved") == {
        "objectionId": first, "assetId": asset, "registrar": w.registrar.address, "upheld": True,
        "decisionHash": h("upheld"), "openObjections": 1,
    }  # fmt: skip
    assert w.holder.get_asset(asset)["disputed"]
    _blocked(w, asset, E.RegistryAssetDisputed, openObjections=1)

    w.registrar.resolve_objection(second, False, h("dismissed"))
    a = w.holder.get_asset(asset)
    assert (a["disputed"], a["openObjections"]) == (False, 0)
    assert w.holder.get_objection(first)["status"] == ObjectionStatus.UPHELD
    assert w.holder.get_objection(second)["status"] == ObjectionStatus.DISMISSED
    w.holder.grant_license(asset, w.holder2.address, w.terms())


def test_objection_record_names_objector_asset_and_evidence(world: World) -> None:
    w = world
    asset = w.registered_asset()
    count = _objection_count(w)
    objection = w.provider.lodge_objection(asset, h("evidence"))
    assert objection == count + 1 == _objection_count(w)
    o = w.holder.get_objection(objection)
    assert o == {
        "assetId": asset, "objector": w.provider.address, "status": ObjectionStatus.PENDING,
        "lodgedAt": w.chain_time(), "evidenceHash": h("evidence"),
    }  # fmt: skip


def test_objection_is_resolved_once_by_a_registrar_of_the_region(world: World) -> None:
    w = world
    asset = w.registered_asset()
    objection = w.holder2.lodge_objection(asset, h("evidence"))
    with pytest.raises(E.ControlsWrongRegion):
        w.foreign_registrar.resolve_objection(objection, True, h("decision"))
    with pytest.raises(E.ControlsWrongRegion):
        w.foreign_registrar.accept_objection(objection, h("decision"))
    with pytest.raises(E.ParticipantUnauthorized):
        w.supervisor.resolve_objection(objection, True, h("decision"))
    assert w.holder.get_objection(objection)["status"] == ObjectionStatus.PENDING
    w.registrar.resolve_objection(objection, False, h("decision"))  # a pending one may be dismissed outright
    with pytest.raises(E.ControlsObjectionNotOpen) as exc:
        w.registrar.resolve_objection(objection, True, h("second decision"))
    assert exc.value.objectionId == objection
    with pytest.raises(E.ControlsObjectionNotPending):
        w.registrar.accept_objection(objection, h("late acceptance"))
    assert w.holder.get_objection(objection)["status"] == ObjectionStatus.DISMISSED


def test_objection_needs_a_pending_or_registered_asset_and_an_active_objector(world: World) -> None:
    w = world
    pending = w.holder.apply_registration(w.registration())
    w.supervisor.lodge_objection(pending, h("evidence"))
    assert w.holder.get_asset(pending)["disputed"]
    cancelled = w.registered_asset()
    w.holder.cancel_registration(cancelled, h("withdrawn"))
    count = _objection_count(w)
    with pytest.raises(E.ControlsInvalidStatus):
        w.holder2.lodge_objection(cancelled, h("evidence"))
    with pytest.raises(E.ParticipantUnknown):
        w.outsider.lodge_objection(pending, h("evidence"))
    with pytest.raises(E.ParticipantNotActive):
        w.suspended.lodge_objection(pending, h("evidence"))
    assert _objection_count(w) == count
    assert not w.holder.get_asset(cancelled)["disputed"]


def test_a_pending_application_can_be_disputed_and_frozen(world: World) -> None:
    w = world
    asset = w.holder.apply_registration(w.registration())
    w.supervisor.lodge_objection(asset, h("evidence"))
    w.authority.freeze(asset, h("freeze"))
    a = w.holder.get_asset(asset)
    assert (a["status"], a["disputed"], a["frozen"], a["openObjections"]) == (AssetStatus.PENDING, True, True, 1)


# ─────────────────────────────────────────── freeze


def test_freeze_blocks_licences_trades_and_transfers_until_unfrozen(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    frozen = w.authority.freeze(asset, h("rectification order"))
    assert frozen.event("AssetFrozen") == {
        "assetId": asset,
        "by": w.authority.address,
        "reasonHash": h("rectification order"),
    }
    assert w.holder.get_asset(asset)["frozen"]
    _blocked(w, asset, E.RegistryAssetFrozen, assetId=asset)
    unfrozen = w.authority.unfreeze(asset, h("rectified"))
    assert unfrozen.event("AssetUnfrozen")["reasonHash"] == h("rectified")
    assert not w.holder.get_asset(asset)["frozen"]
    w.holder.grant_license(asset, w.holder2.address, w.terms())


def test_freeze_and_unfreeze_apply_once_each(world: World) -> None:
    w = world
    asset = w.registered_asset()
    with pytest.raises(E.ControlsFreezeState) as exc:
        w.authority.unfreeze(asset, h("not frozen"))
    assert (exc.value.assetId, exc.value.frozen) == (asset, False)
    w.authority.freeze(asset, h("freeze"))
    with pytest.raises(E.ControlsFreezeState) as exc2:
        w.authority.freeze(asset, h("freeze again"))
    assert exc2.value.frozen is True
    assert w.holder.get_asset(asset)["frozen"]


def test_freeze_is_for_the_authority_only(world: World) -> None:
    w = world
    asset = w.registered_asset()
    for client in (w.supervisor, w.registrar, w.holder):
        with pytest.raises(E.ParticipantUnauthorized) as exc:
            client.freeze(asset, h("freeze"))
        assert exc.value.neededRoles == Role.AUTHORITY
    assert not w.holder.get_asset(asset)["frozen"]
    cancelled = w.registered_asset()
    w.holder.cancel_registration(cancelled, h("withdrawn"))
    with pytest.raises(E.ControlsInvalidStatus):
        w.authority.freeze(cancelled, h("freeze"))


def test_frozen_asset_licences_cannot_be_sublicensed_or_transferred(world: World) -> None:
    w = world
    asset = w.registered_asset()
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms(sublicensable=True, transferable=True))
    w.authority.freeze(asset, h("freeze"))
    with pytest.raises(E.RegistryAssetFrozen):
        w.holder2.sublicense(licence, w.merchant.address, w.terms())
    with pytest.raises(E.RegistryAssetFrozen):
        w.holder2.transfer_license(licence, w.merchant.address)
    assert w.holder.get_license(licence)["licensee"] == w.holder2.address
    assert w.holder.children_of(licence) == []


# ─────────────────────────────────────────── personal-information data


def test_personal_data_needs_an_anonymisation_attestation_before_licence_or_trade(world: World) -> None:
    w = world
    asset = w.holder.apply_registration(w.registration(category=Category.PERSONAL))
    w.registrar.review_registration(asset, True, h("review"))
    w.fund(w.holder2, 10_000)
    _blocked(w, asset, E.RegistryNotAnonymised, assetId=asset)
    result = w.provider.attest_anonymisation(asset, h("anonymisation report"))
    assert result.event("AnonymisationAttested") == {
        "assetId": asset, "provider": w.provider.address, "reportHash": h("anonymisation report"),
    }  # fmt: skip
    assert w.holder.get_asset(asset)["anonymised"]
    w.holder.grant_license(asset, w.holder2.address, w.terms())
    w.settle(
        Trade(h("personal"), asset, w.holder.address, w.holder2.address, 1_000, terms=w.terms(purpose=2202))
    )
    assert w.holder.is_settled(w.exchange.address, h("personal"))


def test_anonymisation_needs_the_providers_declaration_on_file(world: World) -> None:
    w = world
    personal = w.holder.apply_registration(w.registration(category=Category.PERSONAL))
    newcomer = w.admit(20, Role.SERVICE_PROVIDER)
    with pytest.raises(E.ParticipantDeclarationMissing) as err:
        newcomer.attest_anonymisation(personal, h("report"))
    assert err.value.account == newcomer.address
    assert not w.holder.get_asset(personal)["anonymised"]
    newcomer.file_declaration(h("commitment"))
    newcomer.attest_anonymisation(personal, h("report"))
    assert w.holder.get_asset(personal)["anonymised"]


def test_anonymisation_is_attested_by_a_service_provider_for_personal_data_only(world: World) -> None:
    w = world
    enterprise = w.registered_asset()
    with pytest.raises(E.ControlsNotPersonalData) as exc:
        w.provider.attest_anonymisation(enterprise, h("report"))
    assert (exc.value.assetId, exc.value.category) == (enterprise, Category.ENTERPRISE)
    personal = w.holder.apply_registration(w.registration(category=Category.PERSONAL))
    with pytest.raises(E.ParticipantUnauthorized) as exc2:
        w.holder.attest_anonymisation(personal, h("self-attested"))
    assert exc2.value.neededRoles == Role.SERVICE_PROVIDER
    assert not w.holder.get_asset(personal)["anonymised"]
    w.provider.attest_anonymisation(personal, h("report"))  # a pending application may be attested
    assert w.holder.get_asset(personal)["anonymised"]
