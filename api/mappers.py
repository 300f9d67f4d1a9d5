"""Store rows -> response models.

Built with ``model_construct``: the rows come from the store's typed columns, so per-field
validation would only cost time (the models' field types document the API; tests check them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from sqlalchemy import RowMapping

from api import schemas as m
from api.reasons import decode_reason
from ledger import listings
from ledger.contracts.types import (
    AccountingCategory,
    AssetStatus,
    Category,
    Delivery,
    Derecognition,
    Grade,
    Kind,
    Measurement,
    ObjectionStatus,
    OrderStatus,
    OrderTarget,
    ParticipantStatus,
    QualityProblem,
    QualitySeverity,
    QualityStatus,
    Right,
    ValuationMethod,
    ValuationStatus,
)

__all__ = [
    "ChainState",
    "appraiser",
    "asset",
    "credit_event",
    "declaration",
    "freeze",
    "held_shares",
    "licence",
    "mandate",
    "objection",
    "order",
    "participant",
    "payment",
    "public_operation",
    "recognised_total",
    "recognition",
    "recognition_event",
    "refusal",
    "revenue_shares",
    "trade",
    "valuation",
]

_OPERATION_STATUS = {1: "authorised", 2: "used", 3: "withdrawn"}

Row = Mapping[str, Any] | RowMapping


def participant(r: Row) -> m.ParticipantOut:
    return m.ParticipantOut.model_construct(**participant_fields(r))


def participant_fields(r: Row) -> dict[str, Any]:
    return {
        "account": r["account"],
        "name": r["name"],
        "roles": r["roles"],
        "role_names": m.role_names(r["roles"]),
        "region": r["region"],
        "status": r["status"],
        "status_name": m.enum_name(ParticipantStatus, r["status"]),
        "declarations": r["declarations"],
        "status_reason_hash": r["status_reason_hash"],
        "admitted_by": r["admitted_by"],
        "admitted_block": r["admitted_block"],
        "admitted_at": r["admitted_at"],
        "updated_block": r["updated_block"],
        "updated_at": r["updated_at"],
        "participant_id": r["participant_id"],
        "credit_code_hash": r["credit_code_hash"],
        "signing_key": r["signing_key"],
    }


def key(r: Row) -> m.KeyOut:
    return m.KeyOut.model_construct(
        address=r["address"], added_block=r["added_block"], added_at=r["added_at"], added_by=r["added_by"],
        reason_hash=r["reason_hash"], replaced_block=r["replaced_block"], replaced_at=r["replaced_at"],
    )  # fmt: skip


def declaration(r: Row) -> m.DeclarationOut:
    return m.DeclarationOut.model_construct(
        seq=r["seq"],
        document_hash=r["document_hash"],
        block_number=r["valid_from_block"],
        timestamp=r["timestamp"],
        tx_hash=r["tx_hash"],
    )


def credit_event(r: Row) -> m.CreditEventOut:
    return m.CreditEventOut.model_construct(
        seq=r["seq"],
        code=r["code"],
        delta=r["delta"],
        score=r["score"],
        document_hash=r["document_hash"],
        recorded_by=r["recorded_by"],
        block_number=r["valid_from_block"],
        timestamp=r["timestamp"],
        tx_hash=r["tx_hash"],
    )


def asset_fields(r: Row) -> dict[str, Any]:
    return {
        "asset_id": r["asset_id"],
        "name": r["name"],
        "content_hash": r["content_hash"],
        "category": r["category"],
        "category_name": m.enum_name(Category, r["category"]),
        "grade": r["grade"],
        "grade_name": m.enum_name(Grade, r["grade"]),
        "kind": r["kind"],
        "kind_name": m.enum_name(Kind, r["kind"]),
        "region": r["region"],
        "status": r["status"],
        "status_name": m.enum_name(AssetStatus, r["status"]),
        "applicant": r["applicant"],
        "holding_holder": r["holding_holder"],
        "processing_holder": r["processing_holder"],
        "operation_holder": r["operation_holder"],
        "disputed": r["disputed"],
        "frozen": r["frozen"],
        "anonymised": r["anonymised"],
        "suspended": r["suspended"],
        "licensed_until": r["licensed_until"],
        "open_objections": r["open_objections"],
        "certificate_serial": r["certificate_serial"],
        "registrar": r["registrar"],
        "registered_block": r["registered_block"],
        "registered_at": r["registered_at"],
        "applied_block": r["applied_block"],
        "applied_at": r["applied_at"],
        "metadata_uri": r["metadata_uri"],
        "metadata_hash": r["metadata_hash"],
        "updated_block": r["valid_from_block"],
    }


def asset(r: Row) -> m.AssetSummary:
    return m.AssetSummary.model_construct(**asset_fields(r))


class ChainState:
    """What a licence's validity depends on beyond its own row: the rows of the licences above it and the status
    of its asset, at the time ``now`` (the answer's block time)."""

    def __init__(self, now: int, licences: Mapping[int, Row], asset_status: Mapping[int, int]) -> None:
        self.now = now
        self.licences = licences
        self.asset_status = asset_status

    def revoked_ancestor(self, r: Row) -> int | None:
        parent = self.licences.get(int(r["parent_id"] or 0))
        while parent is not None:
            if parent["revoked"]:
                return int(parent["licence_id"])
            parent = self.licences.get(int(parent["parent_id"] or 0))
        return None

    def valid(self, r: Row) -> bool:
        """``isLicenseValid(id, now)``: the licence and every licence above it started, not ended, not revoked,
        and the asset registered."""
        if self.asset_status.get(int(r["asset_id"])) != AssetStatus.REGISTERED:
            return False
        node: Row | None = r
        while node is not None:
            if node["revoked"] or not node["starts_at"] <= self.now < node["ends_at"]:
                return False
            parent_id = int(node["parent_id"] or 0)
            if not parent_id:
                return True
            node = self.licences.get(parent_id)
        return False  # a parent not in the store: cannot be shown valid


def licence_fields(r: Row, chain: ChainState) -> dict[str, Any]:
    return {
        "licence_id": r["licence_id"],
        "asset_id": r["asset_id"],
        "parent_id": r["parent_id"],
        "depth": r["depth"],
        "licensor": r["licensor"],
        "licensee": r["licensee"],
        "right": r["right"],
        "right_name": m.enum_name(Right, r["right"]),
        "purpose": r["purpose"],
        "starts_at": r["starts_at"],
        "ends_at": r["ends_at"],
        "exclusive": r["exclusive"],
        "sublicensable": r["sublicensable"],
        "transferable": r["transferable"],
        "cross_border": r["cross_border"],
        "regions": list(r["regions"] or []),
        "countries": list(r["countries"] or []),
        "terms_hash": r["terms_hash"],
        "revoked": r["revoked"],
        "revoked_by": r["revoked_by"],
        "revoke_reason_hash": r["revoke_reason_hash"],
        "revoked_block": r["revoked_block"],
        "sold": r["sold"],
        "sold_until": r["sold_until"] or None,
        "revoked_ancestor_id": chain.revoked_ancestor(r),
        "valid": chain.valid(r),
        "granted_block": r["granted_block"],
        "granted_at": r["granted_at"],
    }


def licence(r: Row, chain: ChainState) -> m.LicenceOut:
    return m.LicenceOut.model_construct(**licence_fields(r, chain))


def licence_tree(rows: Sequence[Row], chain: ChainState) -> list[m.LicenceNode]:
    """Licences as a forest: roots are the licences whose parent is not among ``rows``."""
    children: dict[int, list[Row]] = {}
    ids = {r["licence_id"] for r in rows}
    roots: list[Row] = []
    for r in sorted(rows, key=lambda x: x["licence_id"]):
        if r["parent_id"] and r["parent_id"] in ids:
            children.setdefault(r["parent_id"], []).append(r)
        else:
            roots.append(r)

    def node(r: Row) -> m.LicenceNode:
        return m.LicenceNode.model_construct(
            **licence_fields(r, chain), children=[node(c) for c in children.get(r["licence_id"], [])]
        )

    return [node(r) for r in roots]


def trade_fields(r: Row) -> dict[str, Any]:
    consent = ("listing" if r["listed"] else "mandate") if r["mandate_id"] else (
        "signed" if r["on_exchange"] else "off_exchange")  # fmt: skip
    return {
        "trade_key": r["trade_key"],
        "trade_id": r["trade_id"],
        "asset_id": r["asset_id"],
        "exchange": r["exchange"],
        "on_exchange": r["on_exchange"],
        "seller": r["seller"],
        "buyer": r["buyer"],
        "price": str(r["price"]),
        "fee": str(r["fee"]),
        "seller_amount": str(r["seller_amount"]),
        "right": r["right"],
        "right_name": m.enum_name(Right, r["right"]),
        "licence_id": r["licence_id"],
        "consent": consent,
        "mandate_id": r["mandate_id"],
        "timestamp": r["timestamp"],
        "block_number": r["valid_from_block"],
        "tx_hash": r["tx_hash"],
        "log_index": r["log_index"],
    }


def trade(r: Row) -> m.TradeOut:
    return m.TradeOut.model_construct(**trade_fields(r))


def payment(r: Row) -> m.PaymentOut:
    return m.PaymentOut.model_construct(kind=r["kind"], payee=r["payee"], amount=str(r["amount"]), held=r["held"])


def refusal(r: Row) -> m.TradeRefusalOut:
    return m.TradeRefusalOut.model_construct(
        tx_hash=r["tx_hash"], log_index=r["log_index"], block_number=r["valid_from_block"], timestamp=r["timestamp"],
        trade_id=r["trade_id"], exchange=r["exchange"], source=r["source"], item_index=r["item_index"],
        reason=r["reason"], error=m.RefusalError.model_construct(**decode_reason(r["reason"])),
    )  # fmt: skip


def revenue_shares(rows: Sequence[Row]) -> list[m.RevenueShareOut]:
    """The shares of each right's row (``revenue_shares``: asset, right, shares), by right."""
    return [
        m.RevenueShareOut.model_construct(
            right=r["right"], right_name=m.enum_name(Right, r["right"]), recipient=x["recipient"], bps=int(x["bps"])
        )
        for r in sorted(rows, key=lambda x: x["right"])
        for x in r["shares"] or []
    ]


def public_operation(r: Row) -> m.PublicOperationOut:
    return m.PublicOperationOut.model_construct(
        asset_id=r["asset_id"], operator=r["operator"], right=r["right"], right_name=m.enum_name(Right, r["right"]),
        purpose=r["purpose"], latest_end=r["latest_end"], status=r["status"],
        status_name=_OPERATION_STATUS.get(r["status"]), decision_hash=r["decision_hash"],
        authorised_by=r["authorised_by"], authorised_block=r["authorised_block"], authorised_at=r["authorised_at"],
        licence_id=r["licence_id"], closed_block=r["closed_block"],
    )  # fmt: skip


def mandate_fields(r: Row, now: int) -> dict[str, Any]:
    status = int(r["status"])
    name = "revoked" if status == 2 else "expired" if int(r["expiry"]) < now else "in_force"
    template = {k: v for k, v in dict(r["terms"] or {}).items() if k not in ("right", "start", "end")}
    return {
        "mandate_id": r["mandate_id"], "seller": r["seller"], "exchange": r["exchange"], "asset_id": r["asset_id"],
        "delivery": r["delivery"], "delivery_name": m.enum_name(Delivery, r["delivery"]), "right": r["right"],
        "right_name": m.enum_name(Right, r["right"]), "parent_licence_id": r["parent_licence_id"],
        "template": template, "max_duration": r["max_duration"], "min_net": str(r["min_net"]),
        "expiry": r["expiry"], "salt": str(r["salt"]), "status": status, "status_name": name,
        "granted_block": r["granted_block"], "granted_at": r["granted_at"], "revoked_block": r["revoked_block"],
        "revoked_at": r["revoked_at"],
    }  # fmt: skip


_LISTING_STATUS: Final = ("listed", "delisted", "withdrawn")
_HOLDER_COLUMNS: Final = ("holding_holder", "processing_holder", "operation_holder")


def listing_fields(r: Row, asset: Row | None, now: int) -> dict[str, Any]:
    """A listing's record with where it stands at time ``now``, given its asset's record then (None: unknown)."""
    held = None
    if asset is not None and not r["parent_licence_id"]:
        held = asset[_HOLDER_COLUMNS[int(r["right"])]] == r["seller"]
    standing = listings.standing(dict(r), None if asset is None else dict(asset), now)
    template = {k: v for k, v in dict(r["terms"] or {}).items() if k != "right"}
    return {
        "listing_key": r["listing_key"], "exchange": r["exchange"], "listing_id": r["listing_id"],
        "seller": r["seller"], "seller_key": r["seller_key"], "asset_id": r["asset_id"], "delivery": r["delivery"],
        "delivery_name": m.enum_name(Delivery, r["delivery"]), "right": r["right"],
        "right_name": m.enum_name(Right, r["right"]), "parent_licence_id": r["parent_licence_id"],
        "template": template, "max_duration": r["max_duration"], "min_price": str(r["min_price"]),
        "max_price": str(r["max_price"]), "min_net": str(r["min_net"]), "starts_at": r["starts_at"],
        "ends_at": r["ends_at"], "version": r["version"], "document_hash": r["document_hash"],
        "status": r["status"], "status_name": _LISTING_STATUS[int(r["status"])], "standing": standing,
        "seller_holds": held, "listed_block": r["listed_block"], "listed_at": r["listed_at"],
        "amended_at": r["amended_at"], "ended_by": r["ended_by"], "end_hash": r["end_hash"],
        "ended_at": r["ended_at"], "sales": r["sales"], "last_sale_at": r["last_sale_at"],
    }  # fmt: skip


def listing(r: Row, asset: Row | None, now: int) -> m.ListingOut:
    return m.ListingOut.model_construct(**listing_fields(r, asset, now))


def listing_version(r: Row) -> m.ListingVersionOut:
    return m.ListingVersionOut.model_construct(
        version=r["version"], block=r["valid_from_block"], listed_at=r["amended_at"], min_price=str(r["min_price"]),
        max_price=str(r["max_price"]), min_net=str(r["min_net"]), starts_at=r["starts_at"], ends_at=r["ends_at"],
        max_duration=r["max_duration"], document_hash=r["document_hash"],
    )  # fmt: skip


_OPENING_STATUS: Final = ("none", "planned", "registered", "opened", "withdrawn")
_OPENING_EVIDENCE: Final = ("licence", "listing")


def opening_entry(r: Row, now: int) -> m.OpeningEntryOut:
    status = int(r["status"])
    return m.OpeningEntryOut.model_construct(
        entry_id=r["entry_id"], year=r["year"], department=r["department"], description_hash=r["description_hash"],
        target_date=r["target_date"], status=status, status_name=_OPENING_STATUS[status],
        overdue=status in (1, 2) and now > int(r["target_date"]),
        opened_late=status == 3 and int(r["opened_at"]) > int(r["target_date"]), asset_id=r["asset_id"],
        registered_at=r["registered_at"], opened_at=r["opened_at"],
        evidence=None if r["evidence"] is None else _OPENING_EVIDENCE[int(r["evidence"])],
        evidence_ref=r["evidence_ref"], opened_by=r["opened_by"], withdrawal_hash=r["withdrawal_hash"],
        withdrawn_at=r["withdrawn_at"], published_block=r["published_block"], published_at=r["published_at"],
    )  # fmt: skip


def opening_list(r: Row) -> m.OpeningListOut:
    return m.OpeningListOut.model_construct(
        year=r["year"], list_hash=r["list_hash"], first_entry_id=r["first_entry_id"], entries=r["entries"],
        published_by=r["published_by"], published_at=r["published_at"], tx_hash=r["tx_hash"],
    )  # fmt: skip


def mandate(r: Row, now: int) -> m.MandateOut:
    return m.MandateOut.model_construct(**mandate_fields(r, now))


def objection(r: Row) -> m.ObjectionOut:
    return m.ObjectionOut.model_construct(
        objection_id=r["objection_id"],
        asset_id=r["asset_id"],
        objector=r["objector"],
        status=r["status"],
        status_name=m.enum_name(ObjectionStatus, r["status"]),
        evidence_hash=r["evidence_hash"],
        lodged_block=r["lodged_block"],
        lodged_at=r["lodged_at"],
        accepted_by=r["accepted_by"],
        accept_decision_hash=r["accept_decision_hash"],
        accepted_block=r["accepted_block"],
        accepted_at=r["accepted_at"],
        resolved_by=r["resolved_by"],
        decision_hash=r["decision_hash"],
        resolved_block=r["resolved_block"],
        resolved_at=r["resolved_at"],
    )


def freeze(r: Row) -> m.FreezeOut:
    return m.FreezeOut.model_construct(
        frozen=r["frozen"],
        by=r["by"],
        reason_hash=r["reason_hash"],
        block_number=r["valid_from_block"],
        log_index=r["log_index"],
        timestamp=r["timestamp"],
        tx_hash=r["tx_hash"],
    )


def issuance(r: Row | None) -> m.IssuanceOut | None:
    """A settlement bank's issuance record (its bank_issuance row), None when it has none."""
    if r is None:
        return None
    limit, outstanding = int(r["issuance_limit"]), int(r["outstanding"])
    return m.IssuanceOut.model_construct(
        limit=str(limit), outstanding=str(outstanding), available=str(max(limit - outstanding, 0)),
        issued_total=str(int(r["issued_total"])), redeemed_total=str(int(r["redeemed_total"])),
        reserve_hash=r["reserve_hash"], limit_set_by=r["limit_set_by"], updated_block=int(r["updated_block"]),
    )  # fmt: skip


def held_shares(account: str, r: Row | None, releases: Sequence[Row]) -> m.HeldSharesOut:
    """``account``'s held revenue shares (``r``: its held_shares row, None when nothing was ever held for it) and
    the authority's releases of them (held_share_releases rows, oldest first)."""
    return m.HeldSharesOut.model_construct(
        account=account,
        amount=str(int(r["amount"]) if r else 0),
        total_held=str(int(r["total_held"]) if r else 0),
        total_claimed=str(int(r["total_claimed"]) if r else 0),
        total_released=str(int(r["total_released"]) if r else 0),
        releases=[
            m.HeldShareReleaseOut.model_construct(
                to=x["to"], amount=str(int(x["amount"])), by=x["by"], decision_hash=x["decision_hash"],
                block_number=x["valid_from_block"], timestamp=x["timestamp"], tx_hash=x["tx_hash"],
            )
            for x in releases
        ],
    )  # fmt: skip


def order(r: Row) -> m.OrderOut:
    return m.OrderOut.model_construct(
        order_id=r["order_id"],
        target=r["target"],
        target_name=m.enum_name(OrderTarget, r["target"]),
        participant=r["participant"],
        asset_id=r["asset_id"],
        issued_by=r["issued_by"],
        status=r["status"],
        status_name=m.enum_name(OrderStatus, r["status"]),
        document_hash=r["document_hash"],
        opened_block=r["opened_block"],
        opened_at=r["opened_at"],
        closed_by=r["closed_by"],
        closing_hash=r["closing_hash"],
        closed_block=r["closed_block"],
        closed_at=r["closed_at"],
    )


# ─────────────────────────────────────────────────────────── valuation and recognition (art. 19)

#: recognition_events.kind (ledger.store.projection)
_RECOGNITION_KINDS: Final = ("recognised", "remeasured", "carried_over", "derecognised")


def appraiser(r: Row, now: int) -> m.AppraiserOut:
    return m.AppraiserOut.model_construct(
        appraiser=r["appraiser"], in_force=not r["revoked"] and r["expires_at"] > now,
        accredited_at=r["accredited_at"], accredited_block=r["accredited_block"], expires_at=r["expires_at"],
        document_hash=r["document_hash"], accredited_by=r["accredited_by"], revoked=r["revoked"],
        revoked_at=r["revoked_at"], revoked_by=r["revoked_by"], revocation_hash=r["revocation_hash"],
    )  # fmt: skip


def valuation(r: Row, now: int) -> m.ValuationOut:
    return m.ValuationOut.model_construct(
        valuation_id=r["valuation_id"], asset_id=r["asset_id"], appraiser=r["appraiser"], method=r["method"],
        method_name=m.enum_name(ValuationMethod, r["method"]), value=str(r["value"]), currency=r["currency"],
        base_date=r["base_date"], valid_until=r["valid_until"], content_hash=r["content_hash"],
        report_hash=r["report_hash"], status=r["status"], status_name=m.enum_name(ValuationStatus, r["status"]),
        usable=r["status"] == ValuationStatus.FILED and r["valid_until"] > now, filed_block=r["filed_block"],
        filed_at=r["filed_at"], closed_by=r["closed_by"], closing_hash=r["closing_hash"],
        closed_block=r["closed_block"], closed_at=r["closed_at"],
    )  # fmt: skip


def recognition(r: Row) -> m.RecognitionOut:
    return m.RecognitionOut.model_construct(
        asset_id=r["asset_id"], holder=r["holder"], status=r["status"],
        status_name="recognised" if r["status"] == 1 else "derecognised", category=r["category"],
        category_name=m.enum_name(AccountingCategory, r["category"]), carrying_amount=str(r["carrying_amount"]),
        valuation_id=r["valuation_id"], period_start=r["period_start"], period_end=r["period_end"],
        auditor_hash=r["auditor_hash"], recognised_block=r["recognised_block"], recognised_at=r["recognised_at"],
        updated_at=r["updated_at"],
    )  # fmt: skip


def recognition_event(r: Row) -> m.RecognitionEventOut:
    previous = r["previous_amount"]
    return m.RecognitionEventOut.model_construct(
        asset_id=r["asset_id"], block=r["valid_from_block"], log_index=r["log_index"],
        kind=_RECOGNITION_KINDS[r["kind"]], holder=r["holder"], counterpart=r["counterpart"],
        category_name=m.enum_name(AccountingCategory, r["category"]),
        measurement_name=m.enum_name(Measurement, r["measurement"]),
        reason_name=m.enum_name(Derecognition, r["reason"]),
        previous_amount=None if previous is None else str(previous), carrying_amount=str(r["carrying_amount"]),
        valuation_id=r["valuation_id"], document_hash=r["document_hash"], timestamp=r["timestamp"],
        tx_hash=r["tx_hash"],
    )  # fmt: skip


def recognised_total(r: Row) -> m.RecognisedTotalOut:
    return m.RecognisedTotalOut.model_construct(
        holder=r["holder"], category=r["category"], category_name=m.enum_name(AccountingCategory, r["category"]),
        assets=int(r["assets"]), carrying_amount=str(int(r["carrying_amount"])),
    )  # fmt: skip


# ─────────────────────────────────────────────────────────── governance

#: The access manager forgets a scheduled operation a week after it became ready (``expiration()``).
GOVERNANCE_EXPIRATION = 7 * 86_400
_GOVERNANCE_STATUS = {2: "executed", 3: "cancelled"}


def governance_status(r: Row, now: int) -> str:
    """pending, ready, expired (a scheduled operation, by the time ``now``), executed or cancelled."""
    done = _GOVERNANCE_STATUS.get(int(r["status"]))
    if done is not None:
        return done
    ready = int(r["ready_at"])
    if now < ready:
        return "pending"
    return "ready" if now < ready + GOVERNANCE_EXPIRATION else "expired"


def governance_operation(r: Row, now: int) -> m.GovernanceOperationOut:
    return m.GovernanceOperationOut.model_construct(
        operation_id=r["operation_id"], nonce=r["nonce"], status=governance_status(r, now), caller=r["caller"],
        target=r["target"], selector=r["selector"], data=r["data"], ready_at=r["ready_at"],
        scheduled_block=r["scheduled_block"], scheduled_at=r["scheduled_at"], scheduled_tx=r["scheduled_tx"],
        closed_block=r["closed_block"], closed_at=r["closed_at"], closed_tx=r["closed_tx"],
    )  # fmt: skip


def governance_target(r: Row, now: int) -> m.GovernanceTargetOut:
    """A target's settings at the time ``now``: the admin delay last set once its time has come, the one before it
    until then (shown as the next one)."""
    since = int(r["admin_delay_since"])
    pending = now < since
    return m.GovernanceTargetOut.model_construct(
        target=r["target"], closed=bool(r["closed"]),
        admin_delay=int(r["previous_admin_delay"] if pending else r["admin_delay"]),
        next_admin_delay=int(r["admin_delay"]) if pending else None, next_admin_delay_since=since if pending else None,
        updated_block=int(r["updated_block"]),
    )  # fmt: skip


def governance_safe_transaction(r: Row) -> m.GovernanceSafeTransactionOut:
    return m.GovernanceSafeTransactionOut.model_construct(
        safe=r["safe"], nonce=r["nonce"], safe_tx_hash=r["safe_tx_hash"], target=r["target"],
        selector=r["selector"], signers=list(r["signers"]), success=bool(r["success"]), sender=r["sender"],
        tx_hash=r["tx_hash"], block=r["valid_from_block"], timestamp=r["timestamp"],
    )  # fmt: skip


def quality_report(r: Row, now: int) -> m.QualityReportOut:
    return m.QualityReportOut.model_construct(
        report_id=r["report_id"], asset_id=r["asset_id"], content_hash=r["content_hash"], reporter=r["reporter"],
        problem=r["problem"], problem_name=m.enum_name(QualityProblem, r["problem"]), severity=r["severity"],
        severity_name=m.enum_name(QualitySeverity, r["severity"]), evidence_hash=r["evidence_hash"],
        deadline=r["deadline"], status=r["status"], status_name=m.enum_name(QualityStatus, r["status"]),
        past_deadline=r["status"] == QualityStatus.OVERDUE or (r["status"] == QualityStatus.FILED
                                                               and now > r["deadline"]),
        filed_block=r["filed_block"], filed_at=r["filed_at"], holder=r["holder"], answer_hash=r["answer_hash"],
        answered_at=r["answered_at"], fixed_asset_id=r["fixed_asset_id"], fix_hash=r["fix_hash"],
        ruled_by=r["ruled_by"], ruling_hash=r["ruling_hash"], withdrawal_hash=r["withdrawal_hash"],
    )  # fmt: skip
