"""Problem data traceable and attributable (art. 9): any participant reports a quality problem of an asset's
content; the holding right's holder answers by the authority's deadline or the report is overdue (a default counted
against it); a fix links the corrected dataset's registration, a supervisor rules. Each refusal names its rule and
changes nothing."""

from __future__ import annotations

import pytest

import ledger.contracts.errors as E
from ledger.contracts.types import QualityProblem, QualitySeverity, QualityStatus, Right
from tests.contracts.conftest import World, h

DAY = 86_400


def _report(w: World, asset: int, reporter: object | None = None, **kw: object) -> int:
    client = reporter or w.merchant
    content = kw.pop("content", w.holder.get_asset(asset)["contentHash"])
    return client.file_quality_report(asset, content, kw.pop("problem", QualityProblem.ACCURACY),  # type: ignore[attr-defined]
                                      kw.pop("severity", QualitySeverity.HIGH), kw.pop("evidence", h("evidence")))


def _travel(w: World, seconds: int) -> None:
    w.rpc.call("evm_increaseTime", [seconds])
    w.rpc.call("evm_mine", [])


def test_a_participant_reports_a_problem_of_the_assets_content_with_a_deadline_for_its_holder(world: World) -> None:
    w = world
    asset = w.registered_asset()
    content = w.holder.get_asset(asset)["contentHash"]
    result = w.merchant.execute(w.merchant.prepare(
        "DataQuality", "fileReport", asset, content, int(QualityProblem.COMPLETENESS), int(QualitySeverity.CRITICAL),
        h("missing months"),
    ))  # fmt: skip
    filed_at = w.chain_time()
    assert result.event("QualityReportFiled") == {
        "reportId": 1, "assetId": asset, "reporter": w.merchant.address, "contentHash": content,
        "problem": QualityProblem.COMPLETENESS, "severity": QualitySeverity.CRITICAL,
        "evidenceHash": h("missing months"), "deadline": filed_at + 15 * DAY,
    }  # fmt: skip
    assert w.holder.get_quality_report(1) == {
        "reporter": w.merchant.address, "assetId": asset, "deadline": filed_at + 15 * DAY,
        "status": QualityStatus.FILED,
    }  # fmt: skip
    w.authority.set_response_window(30 * DAY)
    assert w.holder.response_window() == 30 * DAY
    second = _report(w, asset, w.provider)
    assert w.holder.get_quality_report(second)["deadline"] == w.chain_time() + 30 * DAY


def test_report_input_is_checked(world: World) -> None:
    w = world
    asset = w.registered_asset()
    with pytest.raises(E.QualityContentMismatch):
        _report(w, asset, content=h("another dataset"))
    with pytest.raises(E.QualityZeroHash):
        _report(w, asset, evidence=b"\0" * 32)
    pending = w.holder.apply_registration(w.registration())
    with pytest.raises(E.QualityAssetNotRegistered):
        _report(w, pending, content=h("whatever"))
    with pytest.raises(E.ParticipantUnknown):
        _report(w, asset, w.outsider)
    with pytest.raises(E.ParticipantNotActive):
        _report(w, asset, w.suspended)
    for window in (DAY - 1, 366 * DAY):
        with pytest.raises(E.QualityInvalidWindow):
            w.authority.set_response_window(window)
    with pytest.raises(E.ParticipantUnauthorized):  # the holders' deadline is the authority's to set
        w.holder.set_response_window(365 * DAY)
    assert (w.holder.quality_report_count(), w.holder.response_window()) == (0, 15 * DAY)


def test_only_the_holding_rights_holder_answers_and_only_by_the_deadline(world: World) -> None:
    w = world
    asset = w.registered_asset()
    report = _report(w, asset)
    for other in (w.merchant, w.holder2, w.supervisor):
        with pytest.raises(E.QualityNotHolder):
            other.answer_quality_report(report, False, h("not mine to answer"))
    answered = w.holder.answer_quality_report(report, False, h("the months are in the appendix"))
    assert answered.event("QualityReportAnswered") == {
        "reportId": report, "holder": w.holder.address, "acknowledged": False,
        "documentHash": h("the months are in the appendix"),
    }  # fmt: skip
    assert w.holder.get_quality_report(report)["status"] == QualityStatus.DISPUTED
    with pytest.raises(E.QualityInvalidStatus):  # answered once
        w.holder.answer_quality_report(report, True, h("second thoughts"))
    late = _report(w, asset)
    _travel(w, 16 * DAY)
    with pytest.raises(E.QualityDeadlinePassed):
        w.holder.answer_quality_report(late, True, h("too late"))
    assert w.holder.get_quality_report(late)["status"] == QualityStatus.FILED


def test_a_report_left_unanswered_is_overdue_and_counts_a_default_against_the_holder(world: World) -> None:
    w = world
    asset = w.registered_asset()
    report = _report(w, asset)
    with pytest.raises(E.QualityDeadlineNotPassed):
        w.merchant.mark_quality_report_overdue(report)
    _travel(w, 16 * DAY)
    overdue = w.merchant.mark_quality_report_overdue(report)
    assert overdue.event("QualityReportOverdue") == {
        "reportId": report, "holder": w.holder.address, "defaults": 1, "by": w.merchant.address,
    }  # fmt: skip
    assert (w.holder.get_quality_report(report)["status"], w.holder.quality_defaults_of(w.holder.address)) == (
        QualityStatus.OVERDUE, 1,
    )  # fmt: skip
    with pytest.raises(E.QualityInvalidStatus):  # counted once
        w.merchant.mark_quality_report_overdue(report)
    with pytest.raises(E.QualityUnknownReport):
        w.merchant.mark_quality_report_overdue(99)


def test_the_holder_links_the_corrected_datasets_registration_and_a_supervisor_may_still_rule(world: World) -> None:
    """The holder cannot close a report by linking another participant's asset, a pending one or the reported one;
    and because the contract cannot tell a correction from an unrelated asset of the holder, a supervisor can still
    rule on a report so resolved."""
    w = world
    asset = w.registered_asset()
    report = _report(w, asset)
    w.holder.answer_quality_report(report, True, h("we will correct it"))
    others = w.client_of(w.holder2.address).apply_registration(w.registration())
    w.registrar.review_registration(others, True, h("review"))
    pending = w.holder.apply_registration(w.registration())
    for bad in (others, pending, asset):
        with pytest.raises(E.QualityInvalidFix) as exc:
            w.holder.resolve_quality_report(report, bad, h("fix"))
        assert exc.value.fixedAssetId == bad
    with pytest.raises(E.RegistryUnknownAsset):
        w.holder.resolve_quality_report(report, 10**6, h("fix"))
    corrected = w.registered_asset()
    with pytest.raises(E.QualityNotHolder):
        w.holder2.resolve_quality_report(report, corrected, h("not its asset"))
    fixed = w.holder.resolve_quality_report(report, corrected, h("corrected dataset registered"))
    assert fixed.event("QualityReportFixed") == {
        "reportId": report, "holder": w.holder.address, "fixedAssetId": corrected,
        "documentHash": h("corrected dataset registered"),
    }  # fmt: skip
    with pytest.raises(E.QualityInvalidStatus):
        w.holder.resolve_quality_report(report, corrected, h("again"))
    with pytest.raises(E.ParticipantUnauthorized):
        w.merchant.rule_on_quality_report(report, True, h("a reporter does not rule"))
    ruled = w.supervisor.rule_on_quality_report(report, True, h("the fix is an unrelated dataset"))
    assert ruled.event("QualityReportRuled")["upheld"] is True
    assert w.holder.get_quality_report(report)["status"] == QualityStatus.UPHELD
    with pytest.raises(E.QualityInvalidStatus):
        w.supervisor.rule_on_quality_report(report, False, h("ruled once"))


def test_after_a_transfer_the_new_holder_answers_and_its_reporter_may_withdraw_until_answered(world: World) -> None:
    w = world
    asset = w.registered_asset()
    report = _report(w, asset)
    with pytest.raises(E.QualityNotReporter):
        w.provider.withdraw_quality_report(report, h("not its report"))
    w.holder.transfer_right(asset, Right.HOLDING, w.holder2.address)
    with pytest.raises(E.QualityNotHolder):
        w.holder.answer_quality_report(report, True, h("no longer its data"))
    w.holder2.answer_quality_report(report, True, h("acknowledged by the new holder"))
    with pytest.raises(E.QualityInvalidStatus):
        w.merchant.withdraw_quality_report(report, h("answered already"))
    second = _report(w, asset)
    w.merchant.withdraw_quality_report(second, h("my mistake"))
    assert w.holder.get_quality_report(second)["status"] == QualityStatus.WITHDRAWN
    with pytest.raises(E.QualityInvalidStatus):
        w.supervisor.rule_on_quality_report(second, True, h("withdrawn"))
