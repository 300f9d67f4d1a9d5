"""Supervision: rectification orders on participants and assets (art. 28) and credit records (art. 27)."""

from __future__ import annotations

import pytest

import ledger.contracts.errors as E
from ledger.contracts.types import OrderStatus, OrderTarget, Role
from tests.contracts.conftest import World, h

ZERO = "0x0000000000000000000000000000000000000000"


def test_rectification_order_on_a_participant_is_recorded(world: World) -> None:
    w = world
    count = w.supervisor.order_count()
    call = w.supervisor.prepare(
        "Supervision", "openOrder", int(OrderTarget.PARTICIPANT), w.merchant.address, 0, h("order document")
    )
    ordered = w.supervisor.execute(call).event("RectificationOrdered")
    order = ordered["orderId"]
    assert order == count + 1 == w.supervisor.order_count()
    assert ordered == {
        "orderId": order, "target": OrderTarget.PARTICIPANT, "participant": w.merchant.address, "assetId": 0,
        "issuedBy": w.supervisor.address, "documentHash": h("order document"),
    }  # fmt: skip
    assert w.holder.get_order(order) == {
        "target": OrderTarget.PARTICIPANT, "status": OrderStatus.OPEN, "participant": w.merchant.address,
        "assetId": 0, "issuedBy": w.supervisor.address, "openedAt": w.chain_time(), "closedAt": 0,
        "documentHash": h("order document"), "closingHash": b"\x00" * 32,
    }  # fmt: skip


def test_rectification_order_on_an_asset_is_recorded(world: World) -> None:
    w = world
    asset = w.registered_asset()
    order = w.authority.open_order(OrderTarget.ASSET, asset_id=asset, document_hash=h("asset order"))
    o = w.holder.get_order(order)
    assert (o["target"], o["status"], o["assetId"], o["participant"], o["issuedBy"]) == (
        OrderTarget.ASSET, OrderStatus.OPEN, asset, ZERO, w.authority.address,
    )  # fmt: skip


def test_order_on_a_suspended_participant_or_a_pending_asset_is_allowed(world: World) -> None:
    w = world
    on_suspended = w.supervisor.open_order(
        OrderTarget.PARTICIPANT, participant=w.suspended.address, document_hash=h("order")
    )
    pending = w.holder.apply_registration(w.registration())
    on_pending = w.supervisor.open_order(OrderTarget.ASSET, asset_id=pending, document_hash=h("order"))
    assert w.holder.get_order(on_suspended)["participant"] == w.suspended.address
    assert w.holder.get_order(on_pending)["assetId"] == pending


def test_an_order_is_closed_once(world: World) -> None:
    w = world
    order = w.supervisor.open_order(OrderTarget.PARTICIPANT, participant=w.holder.address, document_hash=h("order"))
    closed = w.authority.close_order(order, h("rectified"))  # the authority may close a supervisor's order
    assert closed.event("RectificationClosed") == {
        "orderId": order, "closedBy": w.authority.address, "closingHash": h("rectified"),
    }  # fmt: skip
    o = w.holder.get_order(order)
    assert (o["status"], o["closedAt"], o["closingHash"]) == (OrderStatus.CLOSED, w.chain_time(), h("rectified"))
    with pytest.raises(E.SupervisionOrderNotOpen) as exc:
        w.supervisor.close_order(order, h("closed again"))
    assert exc.value.orderId == order
    assert w.holder.get_order(order)["closingHash"] == h("rectified")


def test_unknown_orders_are_refused(world: World) -> None:
    w = world
    with pytest.raises(E.SupervisionUnknownOrder) as exc:
        w.supervisor.close_order(42, h("closing"))
    assert exc.value.orderId == 42
    with pytest.raises(E.SupervisionUnknownOrder):
        w.holder.get_order(42)


def test_order_target_must_be_consistent_and_known(world: World) -> None:
    w = world
    asset = w.registered_asset()
    count = w.supervisor.order_count()
    with pytest.raises(E.SupervisionInvalidTarget) as participant_with_asset:
        w.supervisor.open_order(
            OrderTarget.PARTICIPANT, participant=w.holder.address, asset_id=asset, document_hash=h("order")
        )
    assert participant_with_asset.value.values == {
        "target": OrderTarget.PARTICIPANT, "participant": w.holder.address, "assetId": asset,
    }  # fmt: skip
    with pytest.raises(E.SupervisionInvalidTarget):
        w.supervisor.open_order(
            OrderTarget.ASSET, participant=w.holder.address, asset_id=asset, document_hash=h("order")
        )
    with pytest.raises(E.ParticipantUnknown) as unknown_participant:
        w.supervisor.open_order(OrderTarget.PARTICIPANT, participant=w.outsider.address, document_hash=h("order"))
    assert unknown_participant.value.account == w.outsider.address
    with pytest.raises(E.RegistryUnknownAsset) as unknown_asset:
        w.supervisor.open_order(OrderTarget.ASSET, asset_id=asset + 100, document_hash=h("order"))
    assert unknown_asset.value.assetId == asset + 100
    assert w.supervisor.order_count() == count


def test_orders_are_for_supervisors_and_the_authority_only(world: World) -> None:
    w = world
    for client in (w.holder, w.registrar, w.exchange):
        with pytest.raises(E.ParticipantUnauthorized) as exc:
            client.open_order(OrderTarget.PARTICIPANT, participant=w.merchant.address, document_hash=h("order"))
        assert exc.value.neededRoles == Role.SUPERVISOR | Role.AUTHORITY
    order = w.supervisor.open_order(OrderTarget.PARTICIPANT, participant=w.merchant.address, document_hash=h("o"))
    with pytest.raises(E.ParticipantUnauthorized):
        w.merchant.close_order(order, h("I fixed it myself"))
    w.authority.suspend(w.supervisor.address, h("supervisor suspended"))
    with pytest.raises(E.ParticipantNotActive):
        w.supervisor.close_order(order, h("closing"))
    assert w.holder.get_order(order)["status"] == OrderStatus.OPEN
    assert w.holder.order_count() == 1


def test_credit_events_accumulate_into_a_score(world: World) -> None:
    w = world
    assert w.holder.credit_of(w.merchant.address) == (0, 0)
    first = w.supervisor.record_credit_event(w.merchant.address, 101, 10, h("timely filing"))
    assert first.event("CreditEventRecorded") == {
        "participant": w.merchant.address, "code": 101, "delta": 10, "score": 10,
        "documentHash": h("timely filing"), "by": w.supervisor.address,
    }  # fmt: skip
    second = w.authority.record_credit_event(w.merchant.address, 502, -25, h("late rectification"))
    assert second.event("CreditEventRecorded")["score"] == -15
    assert w.holder.credit_of(w.merchant.address) == (-15, 2)
    assert w.holder.credit_of(w.holder.address) == (0, 0)
    # A suspended participant still has a credit record.
    w.supervisor.record_credit_event(w.suspended.address, 503, -50, h("suspension"))
    assert w.holder.credit_of(w.suspended.address) == (-50, 1)


def test_credit_events_need_a_code_a_document_a_known_participant_and_a_supervisor(world: World) -> None:
    w = world
    with pytest.raises(E.SupervisionInvalidCode) as code:
        w.supervisor.record_credit_event(w.merchant.address, 0, 5, h("doc"))
    assert code.value.code == 0
    with pytest.raises(E.SupervisionZeroHash):
        w.supervisor.record_credit_event(w.merchant.address, 1, 5, b"\x00" * 32)
    with pytest.raises(E.ParticipantUnknown):
        w.supervisor.record_credit_event(w.outsider.address, 1, 5, h("doc"))
    with pytest.raises(E.ParticipantUnauthorized):
        w.holder.record_credit_event(w.merchant.address, 1, 5, h("doc"))
    assert w.holder.credit_of(w.merchant.address) == (0, 0)
    assert w.holder.credit_of(w.outsider.address) == (0, 0)
