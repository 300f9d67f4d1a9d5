"""Ledger events -> state rows: a pure function of the events and the records they touch (no I/O).

The store loads the current version of every record a batch touches (:func:`keys_to_load`),
hands them to a :class:`Projector` with the batch's block timestamps, applies the events in
order and writes :meth:`Projector.result`. The audit replay runs the same code into a fresh
store, so a replay and the indexer agree by construction.

Versions are per block, not per event: several changes of one record within a block collapse
into one version (the record as it stood at the end of the block), which is what a point-in-time
read at block granularity can see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from ledger.decode import LedgerEvent
from ledger.errors import NonRetryableError

__all__ = ["Key", "Projected", "ProjectionError", "Projector", "Row", "keys_to_load"]

Row = dict[str, Any]
Key = tuple[Any, ...]

ZERO_ADDRESS: Final = "0x0000000000000000000000000000000000000000"

# Contract enum codes (ledger.contracts.types mirrors them).
_PARTICIPANT_ACTIVE: Final = 1
_ASSET_PENDING, _ASSET_REGISTERED, _ASSET_REJECTED, _ASSET_CANCELLED = 1, 2, 3, 4
_OBJECTION_OPEN, _OBJECTION_UPHELD, _OBJECTION_DISMISSED = 1, 2, 3
_ORDER_OPEN, _ORDER_CLOSED = 1, 2
_RECOGNISED_ACTIVE, _RECOGNISED_SUSPENDED = 1, 2
_HOLDER_COLUMN: Final = ("holding_holder", "processing_holder", "operation_holder")

PAYMENT_SELLER: Final = "seller"
PAYMENT_FEE: Final = "fee"
PAYMENT_REVENUE_SHARE: Final = "revenue_share"


class ProjectionError(NonRetryableError):
    """An event does not fit the state it is applied to (a record it changes is unknown, a balance
    would go negative): the events are incomplete or out of order."""


def _hex(value: Any) -> str:
    """``0x`` hex of bytes; hex strings pass through (decoded events already carry hex)."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    return str(value)


def _country(value: Any) -> str:
    """A ``bytes2`` country code as its two letters (``0x434e`` -> ``CN``)."""
    raw = bytes(value) if isinstance(value, bytes | bytearray) else bytes.fromhex(str(value)[2:])
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        return "0x" + raw.hex()


@dataclass
class Projected:
    """What a batch does to the state tables.

    ``versions[table][key]``: the record's new versions in block order, ``(block, row)``, rows with
    every data column and without the two history columns. ``facts[table]``: new fact rows, with
    ``valid_from_block`` set.
    """

    versions: dict[str, dict[Key, list[tuple[int, Row]]]] = field(default_factory=dict)
    facts: dict[str, list[Row]] = field(default_factory=dict)


# Which versioned records an event writes: (table, function of the args giving the key).
_Touch = tuple[str, Callable[[Mapping[str, Any]], Key | None]]


def _account(name: str) -> Callable[[Mapping[str, Any]], Key | None]:
    return lambda a: (a[name],)


def _asset(a: Mapping[str, Any]) -> Key:
    return (int(a["assetId"]),)


def _licence(a: Mapping[str, Any]) -> Key:
    return (int(a["licenseId"]),)


def _nonzero(name: str) -> Callable[[Mapping[str, Any]], Key | None]:
    return lambda a: None if a[name] == ZERO_ADDRESS else (a[name],)


_TOUCHES: Final[dict[str, tuple[_Touch, ...]]] = {
    "ParticipantAdmitted": (("participants", _account("account")),),
    "ParticipantRolesChanged": (("participants", _account("account")),),
    "ParticipantStatusChanged": (("participants", _account("account")),),
    "DeclarationFiled": (("participants", _account("account")),),
    "RegistrationApplied": (("assets", _asset),),
    "AssetRegistered": (("assets", _asset),),
    "RegistrationRejected": (("assets", _asset),),
    "RegistrationChanged": (("assets", _asset),),
    "RegistrationCancelled": (("assets", _asset),),
    "RightTransferred": (("assets", _asset),),
    "ObjectionLodged": (("assets", _asset), ("objections", lambda a: (int(a["objectionId"]),))),
    "ObjectionResolved": (("assets", _asset), ("objections", lambda a: (int(a["objectionId"]),))),
    "AssetFrozen": (("assets", _asset),),
    "AssetUnfrozen": (("assets", _asset),),
    "AnonymisationAttested": (("assets", _asset),),
    "LicenseGranted": (("licences", _licence),),
    "LicenseRevoked": (("licences", _licence),),
    "LicenseTransferred": (("licences", _licence),),
    "Transfer": (("balances", _nonzero("from")), ("balances", _nonzero("to"))),
    "Approval": (("approvals", lambda a: (a["owner"], a["spender"])),),
    "RevenueSharesSet": (("revenue_shares", _asset),),
    "PriceBandSet": (("price_bands", lambda a: (int(a["kind"]),)),),
    "RectificationOrdered": (("rectification_orders", lambda a: (int(a["orderId"]),)),),
    "RectificationClosed": (("rectification_orders", lambda a: (int(a["orderId"]),)),),
    "CreditEventRecorded": (("credit_scores", _account("participant")),),
    "AgreementSet": (("agreements", lambda a: (int(a["originChainId"]),)),),
    "AgreementRevoked": (("agreements", lambda a: (int(a["originChainId"]),)),),
    "CertificateImported": (("recognised_records", lambda a: (int(a["localAssetId"]),)),),
    "RecognitionSuspended": (("recognised_records", lambda a: (int(a["localAssetId"]),)),),
}


def keys_to_load(events: Iterable[LedgerEvent]) -> dict[str, set[Key]]:
    """The versioned records the events write, by table: their current versions must be loaded."""
    out: dict[str, set[Key]] = {}
    for ev in events:
        if ev.name == "SettlementSet":
            out.setdefault("contract_settings", set()).add((ev.contract, "settlement"))
            continue
        for table, key_of in _TOUCHES.get(ev.name, ()):
            key = key_of(ev.args)
            if key is not None:
                out.setdefault(table, set()).add(key)
    return out


class Projector:
    """Applies events in order to the records they touch, keeping every record's versions per block.

    ``current[table][key]`` is the record's current stored version (data columns only), for every
    key :func:`keys_to_load` named that exists; ``timestamps`` maps each event's block number to
    its timestamp.
    """

    def __init__(self, current: Mapping[str, Mapping[Key, Row]], timestamps: Mapping[int, int]) -> None:
        self._current = current
        self._timestamps = timestamps
        self._versions: dict[str, dict[Key, list[tuple[int, Row]]]] = {}
        self._facts: dict[str, list[Row]] = {}
        self._handlers: dict[str, Callable[[LedgerEvent, Mapping[str, Any], int, int], None]] = {
            name[4:]: getattr(self, name) for name in dir(self) if name.startswith("_on_")
        }
        self._ev: LedgerEvent | None = None

    # ─────────────────────────────────────────────────────────── driving

    def apply(self, events: Iterable[LedgerEvent]) -> None:
        handlers = self._handlers
        timestamps = self._timestamps
        for ev in events:
            handler = handlers.get(ev.name)
            if handler is None:
                continue  # stored in the events table, changes no state
            block = ev.block_number
            try:
                ts = timestamps[block]
            except KeyError:
                raise ProjectionError(f"no header for block {block} of event {ev.name} (log {ev.log_index})") from None
            self._ev = ev
            handler(ev, ev.args, block, ts)

    def result(self) -> Projected:
        return Projected(versions=self._versions, facts=self._facts)

    # ─────────────────────────────────────────────────────────── record access

    def _get(self, table: str, key: Key) -> Row | None:
        versions = self._versions.get(table)
        if versions is not None:
            vs = versions.get(key)
            if vs:
                return vs[-1][1]
        return self._current.get(table, {}).get(key)

    def _put(self, table: str, key: Key, block: int, row: Row) -> None:
        vs = self._versions.setdefault(table, {}).setdefault(key, [])
        if vs and vs[-1][0] == block:
            vs[-1] = (block, row)
        else:
            vs.append((block, row))

    def _edit(self, table: str, key: Key, block: int) -> Row:
        """The record's version at ``block``, to change in place (copied from the last one if needed)."""
        vs = self._versions.setdefault(table, {}).setdefault(key, [])
        if vs and vs[-1][0] == block:
            return vs[-1][1]
        prev = vs[-1][1] if vs else self._current.get(table, {}).get(key)
        if prev is None:
            ev = self._ev
            where = f" by {ev.name} in block {ev.block_number} (log {ev.log_index})" if ev else ""
            raise ProjectionError(f"{table} record {key} is unknown but changed{where}")
        row = dict(prev)
        vs.append((block, row))
        return row

    def _fact(self, table: str, row: Row) -> None:
        self._facts.setdefault(table, []).append(row)

    # ─────────────────────────────────────────────────────────── participants

    def _on_ParticipantAdmitted(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        account = a["account"]
        self._put(
            "participants",
            (account,),
            block,
            {
                "account": account,
                "name": a["name"],
                "roles": int(a["roles"]),
                "region": int(a["region"]),
                "status": _PARTICIPANT_ACTIVE,
                "declarations": 0,
                "status_reason_hash": None,
                "admitted_by": a["by"],
                "admitted_block": block,
                "admitted_at": ts,
                "updated_block": block,
                "updated_at": ts,
            },
        )

    def _on_ParticipantRolesChanged(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        p = self._edit("participants", (a["account"],), block)
        p["roles"] = int(a["roles"])
        p["updated_block"], p["updated_at"] = block, ts

    def _on_ParticipantStatusChanged(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        p = self._edit("participants", (a["account"],), block)
        p["status"] = int(a["status"])
        p["status_reason_hash"] = _hex(a["reasonHash"])
        p["updated_block"], p["updated_at"] = block, ts

    def _on_DeclarationFiled(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        account = a["account"]
        count = int(a["count"])
        p = self._edit("participants", (account,), block)
        p["declarations"] = count
        p["updated_block"], p["updated_at"] = block, ts
        self._fact(
            "declarations",
            {
                "account": account,
                "seq": count,
                "valid_from_block": block,
                "valid_to_block": None,
                "document_hash": _hex(a["documentHash"]),
                "timestamp": ts,
                "tx_hash": ev.tx_hash,
            },
        )

    # ─────────────────────────────────────────────────────────── assets

    def _on_RegistrationApplied(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset_id = int(a["assetId"])
        r = a["registration"]
        applicant = a["applicant"]
        # A rejected application filed again keeps its id, its objections and its freeze (the
        # contract carries both flags over) and its review record.
        prev = self._get("assets", (asset_id,))
        self._put(
            "assets",
            (asset_id,),
            block,
            {
                "asset_id": asset_id,
                "content_hash": _hex(a["contentHash"]),
                "name": r["name"],
                "category": int(r["category"]),
                "grade": int(r["grade"]),
                "kind": int(r["kind"]),
                "region": int(r["region"]),
                "status": _ASSET_PENDING,
                "metadata_uri": r["metadataURI"],
                "metadata_hash": _hex(r["metadataHash"]),
                "applicant": applicant,
                "holding_holder": applicant,
                "processing_holder": a["processingHolder"],
                "operation_holder": a["operationHolder"],
                "disputed": bool(prev and prev["disputed"]),
                "frozen": bool(prev and prev["frozen"]),
                "anonymised": False,
                "open_objections": prev["open_objections"] if prev else 0,
                "certificate_serial": prev["certificate_serial"] if prev else 0,
                "registrar": None,
                "review_hash": None,
                "registered_block": prev["registered_block"] if prev else None,
                "registered_at": prev["registered_at"] if prev else 0,
                "applied_block": block,
                "applied_at": ts,
                "anonymisation_report_hash": None,
                "cancel_reason_hash": None,
            },
        )

    def _on_AssetRegistered(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset = self._edit("assets", _asset(a), block)
        asset["status"] = _ASSET_REGISTERED
        asset["certificate_serial"] = int(a["certificateSerial"])
        asset["registrar"] = a["registrar"]
        asset["review_hash"] = _hex(a["reviewHash"])
        asset["registered_block"], asset["registered_at"] = block, ts

    def _on_RegistrationRejected(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset = self._edit("assets", _asset(a), block)
        asset["status"] = _ASSET_REJECTED
        asset["registrar"] = a["registrar"]
        asset["review_hash"] = _hex(a["reviewHash"])

    def _on_RegistrationChanged(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset = self._edit("assets", _asset(a), block)
        asset["metadata_hash"] = _hex(a["metadataHash"])
        asset["metadata_uri"] = a["metadataURI"]

    def _on_RegistrationCancelled(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset = self._edit("assets", _asset(a), block)
        asset["status"] = _ASSET_CANCELLED
        asset["cancel_reason_hash"] = _hex(a["reasonHash"])

    def _on_RightTransferred(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset = self._edit("assets", _asset(a), block)
        asset[_HOLDER_COLUMN[int(a["right"])]] = a["to"]

    def _on_ObjectionLodged(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset_id = int(a["assetId"])
        objection_id = int(a["objectionId"])
        asset = self._edit("assets", (asset_id,), block)
        asset["open_objections"] += 1
        asset["disputed"] = True
        self._put(
            "objections",
            (objection_id,),
            block,
            {
                "objection_id": objection_id,
                "asset_id": asset_id,
                "objector": a["objector"],
                "status": _OBJECTION_OPEN,
                "evidence_hash": _hex(a["evidenceHash"]),
                "lodged_block": block,
                "lodged_at": ts,
                "resolved_by": None,
                "decision_hash": None,
                "resolved_block": None,
                "resolved_at": None,
            },
        )

    def _on_ObjectionResolved(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        objection = self._edit("objections", (int(a["objectionId"]),), block)
        objection["status"] = _OBJECTION_UPHELD if a["upheld"] else _OBJECTION_DISMISSED
        objection["resolved_by"] = a["registrar"]
        objection["decision_hash"] = _hex(a["decisionHash"])
        objection["resolved_block"], objection["resolved_at"] = block, ts
        asset = self._edit("assets", _asset(a), block)
        open_count = int(a["openObjections"])
        asset["open_objections"] = open_count
        asset["disputed"] = open_count != 0

    def _freeze(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int, frozen: bool) -> None:
        asset_id = int(a["assetId"])
        self._edit("assets", (asset_id,), block)["frozen"] = frozen
        self._fact(
            "freezes",
            {
                "asset_id": asset_id,
                "log_index": ev.log_index,
                "valid_from_block": block,
                "valid_to_block": None,
                "frozen": frozen,
                "by": a["by"],
                "reason_hash": _hex(a["reasonHash"]),
                "timestamp": ts,
                "tx_hash": ev.tx_hash,
            },
        )

    def _on_AssetFrozen(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._freeze(ev, a, block, ts, True)

    def _on_AssetUnfrozen(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._freeze(ev, a, block, ts, False)

    def _on_AnonymisationAttested(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset = self._edit("assets", _asset(a), block)
        asset["anonymised"] = True
        asset["anonymisation_report_hash"] = _hex(a["reportHash"])

    # ─────────────────────────────────────────────────────────── licences

    def _on_LicenseGranted(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        licence_id = int(a["licenseId"])
        t = a["terms"]
        countries = [_country(c) for c in t["countries"]]
        self._put(
            "licences",
            (licence_id,),
            block,
            {
                "licence_id": licence_id,
                "asset_id": int(a["assetId"]),
                "licensee": a["licensee"],
                "licensor": a["licensor"],
                "parent_id": int(a["parentId"]),
                "depth": int(a["depth"]),
                "right": int(t["right"]),
                "purpose": int(t["purpose"]),
                "starts_at": int(t["start"]),
                "ends_at": int(t["end"]),
                "exclusive": bool(t["exclusive"]),
                "sublicensable": bool(t["sublicensable"]),
                "transferable": bool(t["transferable"]),
                "cross_border": bool(countries),
                "regions": [int(r) for r in t["regions"]],
                "countries": countries,
                "terms_hash": _hex(t["termsHash"]),
                "revoked": False,
                "revoked_by": None,
                "revoke_cause_id": None,
                "revoke_reason_hash": None,
                "revoked_block": None,
                "granted_block": block,
                "granted_at": ts,
            },
        )

    def _on_LicenseRevoked(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        licence = self._edit("licences", _licence(a), block)
        licence["revoked"] = True
        licence["revoked_by"] = a["by"]
        licence["revoke_cause_id"] = int(a["causeId"])
        licence["revoke_reason_hash"] = _hex(a["reasonHash"])
        licence["revoked_block"] = block

    def _on_LicenseTransferred(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._edit("licences", _licence(a), block)["licensee"] = a["to"]

    def _on_SettlementSet(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        key = (ev.contract, "settlement")
        self._put(
            "contract_settings",
            key,
            block,
            {"contract": ev.contract, "setting": "settlement", "value": a["settlement"], "set_by": a["by"]},
        )

    # ─────────────────────────────────────────────────────────── token

    def _add_balance(self, account: str, delta: int, block: int) -> None:
        key = (account,)
        vs = self._versions.setdefault("balances", {}).setdefault(key, [])
        if vs and vs[-1][0] == block:
            row = vs[-1][1]
        else:
            prev = vs[-1][1] if vs else self._current.get("balances", {}).get(key)
            row = {"account": account, "balance": prev["balance"] if prev else 0}
            vs.append((block, row))
        balance = row["balance"] + delta
        if balance < 0:
            raise ProjectionError(f"balance of {account} would be {balance} in block {block}")
        row["balance"] = balance

    def _on_Transfer(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        value = int(a["value"])
        sender, recipient = a["from"], a["to"]
        if sender != ZERO_ADDRESS:
            self._add_balance(sender, -value, block)
        if recipient != ZERO_ADDRESS:
            self._add_balance(recipient, value, block)

    def _on_Approval(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        owner, spender = a["owner"], a["spender"]
        self._put("approvals", (owner, spender), block, {"owner": owner, "spender": spender, "amount": int(a["value"])})

    # ─────────────────────────────────────────────────────────── settlement

    def _payment(self, ev: LedgerEvent, trade_id: str, kind: str, payee: str, amount: int, block: int) -> None:
        self._fact(
            "payments",
            {
                "trade_id": trade_id,
                "kind": kind,
                "payee": payee,
                "valid_from_block": block,
                "valid_to_block": None,
                "amount": amount,
                "tx_hash": ev.tx_hash,
                "log_index": ev.log_index,
            },
        )

    def _on_TradeSettled(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        trade_id = _hex(a["tradeId"])
        exchange = a["exchange"]
        fee = int(a["fee"])
        seller_amount = int(a["sellerAmount"])
        self._fact(
            "trades",
            {
                "trade_id": trade_id,
                "valid_from_block": block,
                "valid_to_block": None,
                "asset_id": int(a["assetId"]),
                "exchange": exchange,
                "on_exchange": exchange != ZERO_ADDRESS,
                "seller": a["seller"],
                "buyer": a["buyer"],
                "price": int(a["price"]),
                "fee": fee,
                "seller_amount": seller_amount,
                "right": int(a["right"]),
                "licence_id": int(a["licenseId"]),
                "timestamp": ts,
                "tx_hash": ev.tx_hash,
                "log_index": ev.log_index,
            },
        )
        self._payment(ev, trade_id, PAYMENT_SELLER, a["seller"], seller_amount, block)
        if fee != 0:
            self._payment(ev, trade_id, PAYMENT_FEE, exchange, fee, block)

    def _on_RevenueSharePaid(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._payment(ev, _hex(a["tradeId"]), PAYMENT_REVENUE_SHARE, a["recipient"], int(a["amount"]), block)

    def _on_RevenueSharesSet(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset_id = int(a["assetId"])
        shares = [{"recipient": r, "bps": int(b)} for r, b in zip(a["recipients"], a["bps"], strict=True)]
        self._put(
            "revenue_shares",
            (asset_id,),
            block,
            {"asset_id": asset_id, "shares": shares, "total_bps": sum(s["bps"] for s in shares)},
        )

    def _on_PriceBandSet(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        kind = int(a["kind"])
        self._put(
            "price_bands",
            (kind,),
            block,
            {"kind": kind, "min_price": int(a["min"]), "max_price": int(a["max"]), "set_by": a["by"]},
        )

    def _on_NonceInvalidated(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._fact(
            "invalidated_nonces",
            {
                "account": a["account"],
                "nonce": int(a["nonce"]),
                "valid_from_block": block,
                "valid_to_block": None,
                "tx_hash": ev.tx_hash,
            },
        )

    # ─────────────────────────────────────────────────────────── supervision

    def _on_RectificationOrdered(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        order_id = int(a["orderId"])
        self._put(
            "rectification_orders",
            (order_id,),
            block,
            {
                "order_id": order_id,
                "target": int(a["target"]),
                "participant": a["participant"],
                "asset_id": int(a["assetId"]),
                "issued_by": a["issuedBy"],
                "status": _ORDER_OPEN,
                "document_hash": _hex(a["documentHash"]),
                "opened_block": block,
                "opened_at": ts,
                "closed_by": None,
                "closing_hash": None,
                "closed_block": None,
                "closed_at": 0,
            },
        )

    def _on_RectificationClosed(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        order = self._edit("rectification_orders", (int(a["orderId"]),), block)
        order["status"] = _ORDER_CLOSED
        order["closed_by"] = a["closedBy"]
        order["closing_hash"] = _hex(a["closingHash"])
        order["closed_block"], order["closed_at"] = block, ts

    def _on_CreditEventRecorded(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        participant = a["participant"]
        prev = self._get("credit_scores", (participant,))
        count = (prev["events"] if prev else 0) + 1
        score = int(a["score"])
        self._put("credit_scores", (participant,), block, {"participant": participant, "score": score, "events": count})
        self._fact(
            "credit_events",
            {
                "participant": participant,
                "seq": count,
                "valid_from_block": block,
                "valid_to_block": None,
                "code": int(a["code"]),
                "delta": int(a["delta"]),
                "score": score,
                "document_hash": _hex(a["documentHash"]),
                "recorded_by": a["by"],
                "timestamp": ts,
                "tx_hash": ev.tx_hash,
            },
        )

    # ─────────────────────────────────────────────────────────── recognition (other provinces)

    def _on_AgreementSet(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        chain_id = int(a["originChainId"])
        self._put("agreements", (chain_id,), block, {
            "origin_chain_id": chain_id, "origin_registry": a["originRegistry"], "registrars": list(a["registrars"]),
            "threshold": int(a["threshold"]), "version": int(a["version"]), "active": True, "set_by": a["by"],
            "updated_block": block, "updated_at": ts,
        })  # fmt: skip

    def _on_AgreementRevoked(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("agreements", (int(a["originChainId"]),), block)
        row.update(registrars=[], threshold=0, version=int(a["version"]), active=False, set_by=a["by"],
                   updated_block=block, updated_at=ts)

    def _on_CertificateImported(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        local = int(a["localAssetId"])
        c = a["certificate"]
        self._put("recognised_records", (local,), block, {
            "local_asset_id": local, "origin_chain_id": int(a["originChainId"]),
            "origin_asset_id": int(a["originAssetId"]), "origin_registry": a["originRegistry"],
            "content_hash": _hex(c["contentHash"]), "category": int(c["category"]), "grade": int(c["grade"]),
            "kind": int(c["kind"]), "holding_holder": c["holdingHolder"], "processing_holder": c["processingHolder"],
            "operation_holder": c["operationHolder"], "certificate_serial": int(c["certificateSerial"]),
            "origin_registered_block": int(c["registeredBlock"]), "origin_registered_at": int(c["registeredAt"]),
            "certificate_digest": _hex(a["certificateDigest"]), "signers": list(a["signers"]),
            "linked": bool(a["linked"]), "status": _RECOGNISED_ACTIVE, "imported_by": a["registrar"],
            "imported_block": block, "imported_at": ts, "suspended_by": None, "suspend_reason_hash": None,
            "suspended_block": None,
        })  # fmt: skip

    def _on_RecognitionSuspended(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("recognised_records", (int(a["localAssetId"]),), block)
        row.update(status=_RECOGNISED_SUSPENDED, suspended_by=a["by"], suspend_reason_hash=_hex(a["reasonHash"]),
                   suspended_block=block)
