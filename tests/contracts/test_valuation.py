"""Valuation and accounting recognition (art. 19): accredited appraisers file reports on assets in which they hold
no right; holders recognise assets in their accounts on a valid report, measure them again, carry them over or
derecognise them. Each refusal names its rule and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

import ledger.contracts.errors as E
from ledger.client import LedgerClient, dev_account
from ledger.contracts.types import (
    AccountingCategory,
    Derecognition,
    Measurement,
    Right,
    ValuationMethod,
    ValuationStatus,
)
from tests.contracts.conftest import World, h

DAY = 86_400
YEAR = 365 * DAY
FEN = 100  # one yuan


def _accredit(w: World, appraiser: LedgerClient, days: int = 400) -> int:
    expires = w.chain_time() + days * DAY
    w.authority.accredit_appraiser(appraiser.address, expires, h("accreditation certificate"))
    return expires


def _file(w: World, appraiser: LedgerClient, asset: int, **kw: Any) -> int:
    now = w.chain_time()
    args: dict[str, Any] = dict(
        base_date=now - 10 * DAY, valid_until=now + 300 * DAY,
        content_hash=w.holder.get_asset(asset)["contentHash"], report_hash=h("valuation report"),
    )  # fmt: skip
    args.update(kw)
    method = args.pop("method", ValuationMethod.INCOME)
    value = args.pop("value", 1_250_000 * FEN)
    return appraiser.file_valuation(asset, method, value, **args)


def _recognise(w: World, holder: LedgerClient, asset: int, valuation: int, amount: int = 900_000 * FEN) -> Any:
    now = w.chain_time()
    return holder.recognise_asset(
        asset, AccountingCategory.INTANGIBLE_ASSET, amount, period_start=now - 30 * DAY, period_end=now + 60 * DAY,
        valuation_id=valuation, auditor_hash=h("auditor's opinion"),
    )  # fmt: skip


@pytest.fixture
def valued(world: World) -> tuple[World, int, int]:
    """The holder's registered asset, valued by the accredited provider."""
    _accredit(world, world.provider)
    asset = world.registered_asset()
    return world, asset, _file(world, world.provider, asset)


def test_the_authority_accredits_a_service_provider_for_a_term(world: World) -> None:
    w = world
    assert w.holder.accreditation_of(w.provider.address)["expiresAt"] == 0
    expires = w.chain_time() + 400 * DAY
    result = w.authority.accredit_appraiser(w.provider.address, expires, h("accreditation certificate"))
    assert result.event("AppraiserAccredited") == {
        "appraiser": w.provider.address, "expiresAt": expires, "documentHash": h("accreditation certificate"),
        "by": w.authority.address,
    }  # fmt: skip
    assert w.holder.accreditation_of(w.provider.address) == {
        "accreditedAt": w.chain_time(), "expiresAt": expires, "revoked": False,
        "documentHash": h("accreditation certificate"),
    }  # fmt: skip


def test_only_the_authority_accredits_and_only_service_providers(world: World) -> None:
    w = world
    expires = w.chain_time() + 400 * DAY
    for outsider in (w.supervisor, w.registrar, w.provider):
        with pytest.raises(E.ParticipantUnauthorized):
            outsider.accredit_appraiser(w.provider.address, expires, h("self-accreditation"))
    for not_provider in (w.holder, w.suspended, w.outsider):
        with pytest.raises(E.ValuationNotServiceProvider) as exc:
            w.authority.accredit_appraiser(not_provider.address, expires, h("accreditation"))
        assert exc.value.appraiser == not_provider.address
    with pytest.raises(E.ValuationInvalidPeriod):
        w.authority.accredit_appraiser(w.provider.address, w.chain_time(), h("accreditation"))
    with pytest.raises(E.ValuationZeroHash):
        w.authority.accredit_appraiser(w.provider.address, expires, b"\0" * 32)
    assert w.holder.accreditation_of(w.provider.address)["expiresAt"] == 0


def test_an_accredited_appraiser_files_a_report_the_contract_keeps_and_the_event_details(world: World) -> None:
    w = world
    _accredit(w, w.provider)
    asset = w.registered_asset()
    content = w.holder.get_asset(asset)["contentHash"]
    now = w.chain_time()
    result = w.provider.execute(w.provider.prepare(
        "Valuation", "fileValuation", asset, int(ValuationMethod.MARKET), 1_250_000 * FEN, b"CNY", now - 5 * DAY,
        now + 200 * DAY, content, h("valuation report"),
    ))  # fmt: skip
    filed = result.event("ValuationFiled")
    valuation = filed["valuationId"]
    assert valuation == w.holder.valuation_count()
    assert filed == {
        "valuationId": valuation, "assetId": asset, "appraiser": w.provider.address,
        "method": ValuationMethod.MARKET, "value": 1_250_000 * FEN, "currency": b"CNY", "baseDate": now - 5 * DAY,
        "validUntil": now + 200 * DAY, "contentHash": content, "reportHash": h("valuation report"),
    }  # fmt: skip
    assert w.holder.get_valuation(valuation) == {
        "appraiser": w.provider.address, "assetId": asset, "validUntil": now + 200 * DAY,
        "status": ValuationStatus.FILED, "method": ValuationMethod.MARKET,
    }  # fmt: skip
    with pytest.raises(E.ValuationUnknown):
        w.holder.get_valuation(valuation + 1)


def test_appraisers_without_an_accreditation_in_force_are_refused(world: World) -> None:
    w = world
    asset = w.registered_asset()
    with pytest.raises(E.ValuationNotAccredited):  # never accredited
        _file(w, w.provider, asset)
    _accredit(w, w.provider, days=30)
    w.authority.revoke_appraiser(w.provider.address, h("revoked: report falsified"))
    assert w.holder.accreditation_of(w.provider.address)["revoked"]
    with pytest.raises(E.ValuationNotAccredited):  # revoked
        _file(w, w.provider, asset)
    _accredit(w, w.provider, days=30)  # renewed
    valuation = _file(w, w.provider, asset)
    w.rpc.call("evm_increaseTime", [31 * DAY])
    w.rpc.call("evm_mine", [])
    with pytest.raises(E.ValuationNotAccredited):  # expired
        _file(w, w.provider, asset)
    assert w.holder.valuation_count() == valuation
    with pytest.raises(E.ValuationNotAccredited):  # nothing left to revoke
        w.authority.revoke_appraiser(w.provider.address, h("revoked"))
    with pytest.raises(E.ParticipantUnauthorized):  # not a service provider at all
        _file(w, w.holder2, asset)


def test_an_appraiser_holding_a_right_in_the_asset_may_not_value_it(world: World) -> None:
    w = world
    _accredit(w, w.provider)
    asset = w.registered_asset()
    w.holder.transfer_right(asset, Right.OPERATION, w.provider.address)
    count = w.holder.valuation_count()
    with pytest.raises(E.ValuationConflictOfInterest) as exc:
        _file(w, w.provider, asset)
    assert (exc.value.assetId, exc.value.appraiser) == (asset, w.provider.address)
    assert w.holder.valuation_count() == count


def test_report_input_is_checked(world: World) -> None:
    w = world
    _accredit(w, w.provider)
    asset = w.registered_asset()
    now = w.chain_time()
    count = w.holder.valuation_count()
    with pytest.raises(E.ValuationContentMismatch) as mismatch:
        _file(w, w.provider, asset, content_hash=h("other content"))
    assert mismatch.value.assetContentHash == w.holder.get_asset(asset)["contentHash"]
    for period in (
        dict(base_date=now + DAY),  # a base date to come
        dict(valid_until=now),  # already over
        dict(base_date=now - 10 * DAY, valid_until=now + 357 * DAY),  # beyond a year after the base date
    ):
        with pytest.raises(E.ValuationInvalidPeriod):
            _file(w, w.provider, asset, **period)
    with pytest.raises(E.ValuationInvalidAmount):
        _file(w, w.provider, asset, value=0)
    for currency in ("cny", "C1Y"):
        with pytest.raises(E.ValuationInvalidAmount):
            _file(w, w.provider, asset, currency=currency)
    with pytest.raises(E.ValuationZeroHash):
        _file(w, w.provider, asset, report_hash=b"\0" * 32)
    pending = w.holder.apply_registration(w.registration())
    with pytest.raises(E.ValuationAssetNotRegistered):
        _file(w, w.provider, pending, content_hash=w.holder.get_asset(pending)["contentHash"])
    with pytest.raises(E.RegistryUnknownAsset):
        _file(w, w.provider, 10**6, content_hash=h("nothing"))
    assert w.holder.valuation_count() == count
    assert _file(w, w.provider, asset, currency="USD", base_date=now - 10 * DAY, valid_until=now + 356 * DAY)


def test_its_appraiser_withdraws_a_report_and_a_supervisor_rejects_one(valued: tuple[World, int, int]) -> None:
    w, asset, valuation = valued
    with pytest.raises(E.ValuationNotAppraiser):
        w.holder.withdraw_valuation(valuation, h("not mine"))
    with pytest.raises(E.ParticipantUnauthorized):
        w.holder.reject_valuation(valuation, h("not a supervisor"))
    withdrawn = w.provider.withdraw_valuation(valuation, h("error in the income model"))
    assert withdrawn.event("ValuationWithdrawn") == {
        "valuationId": valuation, "appraiser": w.provider.address, "reasonHash": h("error in the income model"),
    }  # fmt: skip
    with pytest.raises(E.ValuationNotFiled) as exc:
        w.supervisor.reject_valuation(valuation, h("too late"))
    assert exc.value.status == ValuationStatus.WITHDRAWN
    second = _file(w, w.provider, asset)
    rejected = w.supervisor.reject_valuation(second, h("inflated value"))
    assert rejected.event("ValuationRejected") == {
        "valuationId": second, "by": w.supervisor.address, "reasonHash": h("inflated value"),
    }  # fmt: skip
    assert w.holder.get_valuation(second)["status"] == ValuationStatus.REJECTED
    with pytest.raises(E.ValuationNotFiled):
        w.provider.withdraw_valuation(second, h("withdrawn after rejection"))


def test_the_holder_recognises_its_asset_on_a_valid_report(valued: tuple[World, int, int]) -> None:
    w, asset, valuation = valued
    now = w.chain_time()
    result = w.holder.execute(w.holder.prepare(
        "Valuation", "recogniseAsset", asset, int(AccountingCategory.INVENTORY), 900_000 * FEN, now - 30 * DAY,
        now + 60 * DAY, valuation, h("auditor's opinion"),
    ))  # fmt: skip
    assert result.event("AssetRecognised") == {
        "assetId": asset, "holder": w.holder.address, "valuationId": valuation,
        "category": AccountingCategory.INVENTORY, "carryingAmount": 900_000 * FEN, "periodStart": now - 30 * DAY,
        "periodEnd": now + 60 * DAY, "auditorHash": h("auditor's opinion"),
    }  # fmt: skip
    assert w.holder.recognition_of(asset) == {
        "holder": w.holder.address, "carryingAmount": 900_000 * FEN, "category": AccountingCategory.INVENTORY,
        "derecognised": False,
    }  # fmt: skip
    with pytest.raises(E.ValuationAlreadyRecognised):
        _recognise(w, w.holder, asset, valuation)


def test_recognition_needs_the_holding_right_and_a_report_of_that_asset_still_valid(
    valued: tuple[World, int, int],
) -> None:
    w, asset, valuation = valued
    nothing = {"holder": "0x" + "00" * 20, "carryingAmount": 0, "category": 0, "derecognised": False}
    with pytest.raises(E.ValuationNotHolder):  # the provider valued it; the holder holds it
        _recognise(w, w.provider, asset, valuation)
    other = w.registered_asset()
    other_valuation = _file(w, w.provider, other)
    with pytest.raises(E.ValuationNotUsable) as exc:
        _recognise(w, w.holder, asset, other_valuation)
    assert (exc.value.valuationId, exc.value.assetId) == (other_valuation, asset)
    w.provider.withdraw_valuation(other_valuation, h("withdrawn"))
    with pytest.raises(E.ValuationNotFiled):
        _recognise(w, w.holder, other, other_valuation)
    with pytest.raises(E.ValuationUnknown):
        _recognise(w, w.holder, asset, 10**6)
    with pytest.raises(E.ValuationInvalidAmount):
        _recognise(w, w.holder, asset, valuation, amount=0)
    w.rpc.call("evm_increaseTime", [301 * DAY])  # past the report's validity
    w.rpc.call("evm_mine", [])
    with pytest.raises(E.ValuationNotUsable):
        _recognise(w, w.holder, asset, valuation)
    assert w.holder.recognition_of(asset) == nothing


def test_a_disputed_asset_is_not_recognised(valued: tuple[World, int, int]) -> None:
    w, asset, valuation = valued
    w.supervisor.execute(w.supervisor.prepare("AssetControls", "lodgeObjection", asset, h("ownership claim"), 0))
    with pytest.raises(E.ValuationAssetDisputed):
        _recognise(w, w.holder, asset, valuation)


def test_measurements_only_lower_the_carrying_amount_and_only_its_holder_makes_them(
    valued: tuple[World, int, int],
) -> None:
    w, asset, valuation = valued
    _recognise(w, w.holder, asset, valuation, amount=900_000 * FEN)
    result = w.holder.remeasure(asset, Measurement.AMORTISATION, 850_000 * FEN, h("amortisation schedule"))
    assert result.event("RecognitionRemeasured") == {
        "assetId": asset, "holder": w.holder.address, "kind": Measurement.AMORTISATION,
        "previousAmount": 900_000 * FEN, "carryingAmount": 850_000 * FEN, "documentHash": h("amortisation schedule"),
    }  # fmt: skip
    for amount in (850_000 * FEN, 950_000 * FEN):
        with pytest.raises(E.ValuationInvalidMeasurement):
            w.holder.remeasure(asset, Measurement.IMPAIRMENT, amount, h("impairment test"))
    with pytest.raises(E.ValuationNotRecognised):
        w.holder2.remeasure(asset, Measurement.IMPAIRMENT, 1, h("impairment test"))
    w.holder.remeasure(asset, Measurement.IMPAIRMENT, 0, h("fully impaired"))
    assert w.holder.recognition_of(asset)["carryingAmount"] == 0


def test_after_the_holding_right_moves_the_new_holder_carries_over_or_records_its_own(world: World) -> None:
    """The former holder cannot measure an asset it no longer holds, nor keep the new holder from its books; the
    new holder carries the recognition over, or its own recognition ends the former one."""
    w = world
    _accredit(w, w.provider)
    for carry in (True, False):
        asset = w.registered_asset()
        valuation = _file(w, w.provider, asset)
        _recognise(w, w.holder, asset, valuation, amount=500_000 * FEN)
        w.holder.transfer_right(asset, Right.HOLDING, w.holder2.address)
        with pytest.raises(E.ValuationNotHolder):
            w.holder.remeasure(asset, Measurement.IMPAIRMENT, 1, h("impairment"))
        with pytest.raises(E.ValuationNotHolder):
            w.merchant.carry_over(asset, h("not the new holder"))
        if carry:
            moved = w.holder2.carry_over(asset, h("merger audit"))
            assert moved.event("RecognitionCarriedOver") == {
                "assetId": asset, "from": w.holder.address, "to": w.holder2.address,
                "carryingAmount": 500_000 * FEN, "auditorHash": h("merger audit"),
            }  # fmt: skip
            assert w.holder.recognition_of(asset)["holder"] == w.holder2.address
            with pytest.raises(E.ValuationNotRecognised):  # the former holder's books no longer carry it
                w.holder.derecognise(asset, Derecognition.DISPOSAL, h("disposal"))
        else:
            own = _recognise(w, w.holder2, asset, valuation, amount=620_000 * FEN)
            assert own.event("AssetDerecognised") == {
                "assetId": asset, "holder": w.holder.address, "reason": Derecognition.HOLDING_TRANSFERRED,
                "carryingAmount": 500_000 * FEN, "documentHash": h("auditor's opinion"),
            }  # fmt: skip
            assert w.holder.recognition_of(asset) == {
                "holder": w.holder2.address, "carryingAmount": 620_000 * FEN,
                "category": AccountingCategory.INTANGIBLE_ASSET, "derecognised": False,
            }  # fmt: skip


def test_the_former_holder_derecognises_after_a_transfer_and_then_the_new_holder_recognises(
    valued: tuple[World, int, int],
) -> None:
    w, asset, valuation = valued
    _recognise(w, w.holder, asset, valuation, amount=500_000 * FEN)
    w.holder.transfer_right(asset, Right.HOLDING, w.holder2.address)
    with pytest.raises(E.ValuationNotRecognised):
        w.holder2.derecognise(asset, Derecognition.OTHER, h("not its books"))
    ended = w.holder.derecognise(asset, Derecognition.HOLDING_TRANSFERRED, h("sale contract"))
    assert ended.event("AssetDerecognised")["carryingAmount"] == 500_000 * FEN
    with pytest.raises(E.ValuationNotRecognised):  # nothing left to carry over
        w.holder2.carry_over(asset, h("audit"))
    _recognise(w, w.holder2, asset, valuation)
    assert w.holder.recognition_of(asset)["holder"] == w.holder2.address


def test_an_appraiser_that_changes_key_keeps_its_accreditation_and_its_reports(
    valued: tuple[World, int, int],
) -> None:
    w, asset, valuation = valued
    new_key = dev_account(36)
    w.provider.rotate_key(new_key)
    provider = w.authority.as_(new_key)
    identity = w.provider.address
    assert provider.accreditation_of(new_key.address) == provider.accreditation_of(identity)
    with pytest.raises(E.ParticipantKeyReplaced):
        _file(w, w.provider, asset)
    second = _file(w, provider, asset)
    assert provider.get_valuation(second)["appraiser"] == identity
    with pytest.raises(E.ParticipantKeyReplaced):
        w.provider.withdraw_valuation(valuation, h("old key"))
    provider.withdraw_valuation(valuation, h("new key"))


def test_a_holder_cannot_raise_its_carrying_amount_by_derecognising_and_recognising_again(
    valued: tuple[World, int, int],
) -> None:
    """The attack: impair the asset, derecognise it, recognise it again at the report's full value. Measurements
    only lower the carrying amount; a holder's new recognition after its own derecognition is held to the amount it
    derecognised (a reclassification, say from inventory to intangible asset), until another holder recognises the
    asset."""
    w, asset, valuation = valued
    _recognise(w, w.holder, asset, valuation, amount=900_000 * FEN)
    w.holder.remeasure(asset, Measurement.IMPAIRMENT, 200_000 * FEN, h("impairment test"))
    w.holder.derecognise(asset, Derecognition.OTHER, h("reclassification"))
    ended = {"holder": w.holder.address, "carryingAmount": 200_000 * FEN,
             "category": AccountingCategory.INTANGIBLE_ASSET, "derecognised": True}  # fmt: skip
    assert w.holder.recognition_of(asset) == ended
    with pytest.raises(E.ValuationRecognitionRaised) as exc:
        _recognise(w, w.holder, asset, valuation, amount=900_000 * FEN)
    assert (exc.value.assetId, exc.value.formerAmount, exc.value.carryingAmount) == (
        asset, 200_000 * FEN, 900_000 * FEN,
    )  # fmt: skip
    assert w.holder.recognition_of(asset) == ended
    for refused in (  # a derecognised record is nobody's to measure, derecognise or carry over
        lambda: w.holder.remeasure(asset, Measurement.IMPAIRMENT, 1, h("impairment")),
        lambda: w.holder.derecognise(asset, Derecognition.OTHER, h("again")),
    ):
        with pytest.raises(E.ValuationNotRecognised):
            refused()
    again = _recognise(w, w.holder, asset, valuation, amount=200_000 * FEN)
    assert again.find("AssetDerecognised") == []  # it had ended already
    assert w.holder.recognition_of(asset)["carryingAmount"] == 200_000 * FEN
    # Once another holder has recognised it, the former holder's amount no longer binds anyone.
    w.holder.derecognise(asset, Derecognition.DISPOSAL, h("sale"))
    w.holder.transfer_right(asset, Right.HOLDING, w.holder2.address)
    with pytest.raises(E.ValuationNotRecognised):
        w.holder2.carry_over(asset, h("nothing to carry over"))
    _recognise(w, w.holder2, asset, valuation, amount=700_000 * FEN)
    w.holder2.transfer_right(asset, Right.HOLDING, w.holder.address)
    _recognise(w, w.holder, asset, valuation, amount=800_000 * FEN)
    assert w.holder.recognition_of(asset)["carryingAmount"] == 800_000 * FEN
