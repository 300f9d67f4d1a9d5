"""The full history of one asset, read from a store's events (the live index): every registration
step, right transfer, licence, sublicence, transfer and revocation of a licence, trade (with the revenue
shares it paid), revenue-share setting, objection (lodged, accepted, resolved), freeze, authorised operation,
recognition, rectification order, valuation report, accounting recognition and quality report, in log order,
with block, time, transaction and actor."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa

from ledger.audit._canonical import loads_exact
from ledger.store import RecordNotFound, Store
from ledger.store.schema import blocks as blocks_table
from ledger.store.schema import events as events_table

__all__ = ["HistoryStep", "asset_history"]

ZERO_ADDRESS: Final = "0x0000000000000000000000000000000000000000"
ZERO_HASH: Final = "0x" + "00" * 32
_RIGHTS: Final = ("holding", "processing", "operation")
_PENDING: Final = 4  # IAssetControls.ObjectionStatus.Pending

# Events naming the asset, and which argument is the actor.
_BY_ASSET: Final[dict[str, tuple[str, str]]] = {
    "RegistrationApplied": ("registration", "applicant"),
    "AssetRegistered": ("registration", "registrar"),
    "RegistrationRejected": ("registration", "registrar"),
    "RegistrationChanged": ("registration", "by"),
    "RegistrationCancelled": ("registration", "by"),
    "AnonymisationAttested": ("registration", "provider"),
    "RightTransferred": ("right transfer", "from"),
    "LicenseGranted": ("licence", "licensor"),
    "TradeSettled": ("trade", "exchange"),
    "RevenueSharesSet": ("revenue shares", "by"),
    "ObjectionLodged": ("objection", "objector"),
    "ObjectionAccepted": ("objection", "registrar"),
    "ObjectionResolved": ("objection", "registrar"),
    "AssetFrozen": ("freeze", "by"),
    "AssetUnfrozen": ("freeze", "by"),
    "PublicOperationAuthorised": ("authorised operation", "by"),
    "PublicOperationUsed": ("authorised operation", ""),
    "RectificationOrdered": ("rectification", "issuedBy"),
    "ValuationFiled": ("valuation", "appraiser"),
    "AssetRecognised": ("accounting recognition", "holder"),
    "RecognitionRemeasured": ("accounting recognition", "holder"),
    "RecognitionCarriedOver": ("accounting recognition", "to"),
    "AssetDerecognised": ("accounting recognition", "holder"),
    "QualityReportFiled": ("quality report", "reporter"),
}
# Events naming the asset as a recognised registration.
_BY_LOCAL: Final[dict[str, tuple[str, str]]] = {
    "CertificateImported": ("recognition", "registrar"),
    "RecognitionSuspended": ("recognition", "by"),
    "RecognitionReinstated": ("recognition", "by"),
}
# Events naming a licence, a trade or an order of the asset instead.
_BY_LICENCE: Final[dict[str, tuple[str, str]]] = {
    "LicenseRevoked": ("revocation", "by"),
    "LicenseTransferred": ("licence transfer", "from"),
}
_BY_ORDER: Final[dict[str, tuple[str, str]]] = {"RectificationClosed": ("rectification", "closedBy")}
_BY_VALUATION: Final[dict[str, tuple[str, str]]] = {
    "ValuationWithdrawn": ("valuation", "appraiser"),
    "ValuationRejected": ("valuation", "by"),
}
_BY_QUALITY_REPORT: Final[dict[str, tuple[str, str]]] = {
    "QualityReportAnswered": ("quality report", "holder"),
    "QualityReportOverdue": ("quality report", "by"),
    "QualityReportFixed": ("quality report", "holder"),
    "QualityReportRuled": ("quality report", "by"),
    "QualityReportWithdrawn": ("quality report", "reporter"),
}
_METHODS: Final = ("cost", "income", "market", "combined")
_PROBLEMS: Final = ("accuracy", "completeness", "timeliness", "consistency", "compliance")
_SEVERITIES: Final = ("low", "medium", "high", "critical")
_CATEGORIES: Final = ("intangible asset", "inventory", "development cost")
_MEASUREMENTS: Final = ("impairment", "amortisation")
_DERECOGNITIONS: Final = ("disposal", "holding right transferred", "other")


@dataclass(frozen=True, slots=True)
class HistoryStep:
    """One event of the asset's history."""

    block: int
    log_index: int
    timestamp: int
    tx_hash: str
    kind: str
    event: str
    actor: str | None
    summary: str
    args: dict[str, Any]

    @property
    def time(self) -> str:
        return datetime.fromtimestamp(self.timestamp, UTC).isoformat().replace("+00:00", "Z")

    def to_json(self) -> dict[str, Any]:
        return {
            "block": self.block, "log_index": self.log_index, "time": self.time, "timestamp": self.timestamp,
            "tx": self.tx_hash, "kind": self.kind, "event": self.event, "actor": self.actor, "summary": self.summary,
            "args": self.args,
        }  # fmt: skip


def _select(conn: sa.Connection, names: Iterable[str], field: str, values: Iterable[Any], *, text: bool = False
            ) -> list[tuple[int, int, str, str, dict[str, Any], int]]:  # fmt: skip
    wanted = list(values)
    if not wanted:
        return []
    t = events_table
    arg = t.c.args[field].as_string() if text else t.c.args[field].as_integer()
    query = (
        sa.select(t.c.block_number, t.c.log_index, t.c.tx_hash, t.c.name, sa.type_coerce(t.c.args, sa.Text),
                  blocks_table.c.timestamp)
        .join(blocks_table, blocks_table.c.number == t.c.block_number, isouter=True)
        .where(t.c.name.in_(list(names)), arg.in_(wanted))
    )  # fmt: skip
    out = []
    for block, index, tx, name, args, ts in conn.execute(query):
        parsed = loads_exact(args) if isinstance(args, str | bytes) else args
        out.append((int(block), int(index), str(tx), str(name), parsed, int(ts or 0)))
    return out


def asset_history(store: Store, asset_id: int) -> list[HistoryStep]:
    """Every event of asset ``asset_id`` in log order; :class:`RecordNotFound` if none names it."""
    with store.engine.connect() as conn:
        rows = _select(conn, _BY_ASSET, "assetId", [asset_id])
        if not rows:
            raise RecordNotFound(f"no events of asset {asset_id} in the index")
        licences = {int(a["licenseId"]) for _, _, _, name, a, _ in rows if name == "LicenseGranted"}
        orders = {int(a["orderId"]) for _, _, _, name, a, _ in rows if name == "RectificationOrdered"}
        valuations = {int(a["valuationId"]) for _, _, _, name, a, _ in rows if name == "ValuationFiled"}
        reports = {int(a["reportId"]) for _, _, _, name, a, _ in rows if name == "QualityReportFiled"}
        rows += _select(conn, _BY_LICENCE, "licenseId", licences)
        rows += _select(conn, _BY_ORDER, "orderId", orders)
        rows += _select(conn, _BY_VALUATION, "valuationId", valuations)
        rows += _select(conn, _BY_QUALITY_REPORT, "reportId", reports)
        rows += _select(conn, _BY_LOCAL, "localAssetId", [asset_id])
    rows.sort(key=lambda r: (r[0], r[1]))
    kinds = {**_BY_ASSET, **_BY_LICENCE, **_BY_ORDER, **_BY_VALUATION, **_BY_QUALITY_REPORT, **_BY_LOCAL}
    steps: list[HistoryStep] = []
    for block, index, tx, name, a, ts in rows:
        kind, actor_arg = kinds[name]
        actor = a.get(actor_arg) if actor_arg else None
        if name == "LicenseGranted" and int(a["depth"]) > 0:
            kind = "sublicence"
        if name == "TradeSettled" and actor == ZERO_ADDRESS:
            actor = a["seller"]  # off exchange: the parties settled it themselves
        steps.append(HistoryStep(block, index, ts, tx, kind, name, actor, _summary(name, a), a))
    return steps


def _summary(name: str, a: Mapping[str, Any]) -> str:
    match name:
        case "RegistrationApplied":
            r = a["registration"]
            return f"applied for registration of {r['name']!r} (region {r['region']})"
        case "AssetRegistered":
            return f"registered, certificate serial {a['certificateSerial']}"
        case "RegistrationRejected":
            return "application rejected"
        case "RegistrationChanged":
            return f"registration changed: metadata {a['metadataURI']}"
        case "RegistrationCancelled":
            return "registration cancelled"
        case "AnonymisationAttested":
            return "anonymisation attested"
        case "RightTransferred":
            via = "" if a["tradeId"] == ZERO_HASH else f" by trade {a['tradeId'][:10]}…"
            return f"{_RIGHTS[int(a['right'])]} right {a['from']} -> {a['to']}{via}"
        case "LicenseGranted":
            parent = f" under licence {a['parentId']}" if int(a["parentId"]) else ""
            t = a["terms"]
            return (f"licence {a['licenseId']} to {a['licensee']}{parent}: {_RIGHTS[int(t['right'])]} right, "
                    f"purpose {t['purpose']}, {t['start']}..{t['end']}")  # fmt: skip
        case "LicenseRevoked":
            return f"licence {a['licenseId']} revoked (its sublicences with it)"
        case "LicenseTransferred":
            return f"licence {a['licenseId']} {a['from']} -> {a['to']}"
        case "TradeSettled":
            where = "on exchange" if a["exchange"] != ZERO_ADDRESS else "off exchange"
            what = f"licence {a['licenseId']}" if int(a["licenseId"]) else f"{_RIGHTS[int(a['right'])]} right"
            paid = "".join(
                f", share {s['amount']} to {s['recipient']}" + (" (held)" if s["held"] else "") for s in a["shares"]
            )
            mandate = "" if a["mandateId"] == ZERO_HASH else f" under mandate {a['mandateId'][:10]}…"
            return (f"trade {a['tradeId'][:10]}… {where}{mandate}: {what}, {a['seller']} -> {a['buyer']}, "
                    f"price {a['price']}, fee {a['fee']}{paid}")  # fmt: skip
        case "RevenueSharesSet":
            shares = ", ".join(f"{r} {b} bps" for r, b in zip(a["recipients"], a["bps"], strict=True))
            return f"revenue shares of the {_RIGHTS[int(a['right'])]} right set: {shares or 'none'}"
        case "ObjectionLodged":
            pending = " (pending: no standing)" if int(a["status"]) == _PENDING else ""
            return f"objection {a['objectionId']} lodged{pending}"
        case "ObjectionAccepted":
            return f"objection {a['objectionId']} accepted ({a['openObjections']} open)"
        case "ObjectionResolved":
            verdict = "upheld" if a["upheld"] else "dismissed"
            return f"objection {a['objectionId']} {verdict} ({a['openObjections']} still open)"
        case "AssetFrozen":
            return "frozen"
        case "AssetUnfrozen":
            return "unfrozen"
        case "PublicOperationAuthorised":
            return (f"authorised operation approved: {a['operator']}, {_RIGHTS[int(a['right'])]} right, "
                    f"purpose {a['purpose']}, ending by {a['latestEnd']}")  # fmt: skip
        case "PublicOperationUsed":
            used = f"used by licence {a['licenseId']}" if int(a["licenseId"]) else "withdrawn"
            return f"authorised operation of {a['operator']} {used}"
        case "CertificateImported":
            how = "superseded by a newer certificate" if a["superseded"] else "recognised"
            return f"{how} from chain {a['originChainId']}, origin asset {a['originAssetId']}"
        case "RecognitionSuspended":
            return "recognition suspended"
        case "RecognitionReinstated":
            return "recognition reinstated"
        case "RectificationOrdered":
            return f"rectification order {a['orderId']} opened"
        case "RectificationClosed":
            return f"rectification order {a['orderId']} closed"
        case "ValuationFiled":
            currency = bytes.fromhex(str(a["currency"])[2:]).decode("ascii", "replace")
            return (f"valuation report {a['valuationId']} filed: {a['value']} {currency} (smallest unit) by the "
                    f"{_METHODS[int(a['method'])]} approach, base date {a['baseDate']}, valid until "
                    f"{a['validUntil']}")  # fmt: skip
        case "ValuationWithdrawn":
            return f"valuation report {a['valuationId']} withdrawn by its appraiser"
        case "ValuationRejected":
            return f"valuation report {a['valuationId']} rejected"
        case "AssetRecognised":
            return (f"recognised in {a['holder']}'s accounts as {_CATEGORIES[int(a['category'])]} at "
                    f"{a['carryingAmount']} fen, on valuation report {a['valuationId']}")  # fmt: skip
        case "RecognitionRemeasured":
            return (f"{_MEASUREMENTS[int(a['kind'])]}: carrying amount {a['previousAmount']} -> "
                    f"{a['carryingAmount']} fen")  # fmt: skip
        case "RecognitionCarriedOver":
            return f"recognition carried over {a['from']} -> {a['to']} at {a['carryingAmount']} fen"
        case "AssetDerecognised":
            return (f"derecognised from {a['holder']}'s accounts ({_DERECOGNITIONS[int(a['reason'])]}) at "
                    f"{a['carryingAmount']} fen")  # fmt: skip
        case "QualityReportFiled":
            return (f"quality report {a['reportId']}: {_PROBLEMS[int(a['problem'])]} "
                    f"({_SEVERITIES[int(a['severity'])]}), to be answered by {a['deadline']}")  # fmt: skip
        case "QualityReportAnswered":
            return f"quality report {a['reportId']} {'acknowledged' if a['acknowledged'] else 'disputed'}"
        case "QualityReportOverdue":
            return f"quality report {a['reportId']} overdue: {a['holder']}'s default {a['defaults']}"
        case "QualityReportFixed":
            return f"quality report {a['reportId']} resolved by the corrected dataset, asset {a['fixedAssetId']}"
        case "QualityReportRuled":
            return f"quality report {a['reportId']} {'upheld' if a['upheld'] else 'dismissed'}"
        case "QualityReportWithdrawn":
            return f"quality report {a['reportId']} withdrawn by its reporter"
    return name
