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

from Crypto.Hash import keccak as _keccak
from eth_abi.abi import decode as _abi_decode
from eth_keys.datatypes import Signature
from eth_keys.exceptions import BadSignature
from eth_utils.address import to_checksum_address

from ledger.contracts.types import PAUSE_CONTRACTS
from ledger.decode import LedgerEvent
from ledger.errors import NonRetryableError
from ledger.listings import LISTING_DELISTED, LISTING_LISTED, LISTING_WITHDRAWN

__all__ = [
    "Key",
    "Projected",
    "ProjectionError",
    "Projector",
    "Row",
    "dependent_keys",
    "is_outside_mainland",
    "keys_to_load",
    "trade_key",
]

Row = dict[str, Any]
Key = tuple[Any, ...]

ZERO_ADDRESS: Final = "0x0000000000000000000000000000000000000000"
ZERO_HASH: Final = "0x" + "00" * 32

# Contract enum codes (ledger.contracts.types mirrors them).
_PARTICIPANT_ACTIVE: Final = 1
_ASSET_PENDING, _ASSET_REGISTERED, _ASSET_REJECTED, _ASSET_CANCELLED = 1, 2, 3, 4
_OBJECTION_OPEN, _OBJECTION_UPHELD, _OBJECTION_DISMISSED, _OBJECTION_PENDING = 1, 2, 3, 4
_ORDER_OPEN, _ORDER_CLOSED = 1, 2
_RECOGNISED_ACTIVE, _RECOGNISED_SUSPENDED, _RECOGNISED_CANCELLED = 1, 2, 3
_MANDATE_ACTIVE, _MANDATE_REVOKED = 1, 2
_OPERATION_AUTHORISED, _OPERATION_USED, _OPERATION_WITHDRAWN = 1, 2, 3
_GOVERNANCE_SCHEDULED, _GOVERNANCE_EXECUTED, _GOVERNANCE_CANCELLED = 1, 2, 3
_VALUATION_FILED, _VALUATION_WITHDRAWN, _VALUATION_REJECTED = 1, 2, 3
_RECOGNITION_RECOGNISED, _RECOGNITION_ENDED = 1, 2
#: quality_reports.status (IDataQuality.ReportStatus)
QUALITY_FILED, QUALITY_ACKNOWLEDGED, QUALITY_DISPUTED, QUALITY_OVERDUE = 1, 2, 3, 4
QUALITY_FIXED, QUALITY_UPHELD, QUALITY_DISMISSED, QUALITY_WITHDRAWN = 5, 6, 7, 8
#: opening_entries.status (IOpeningList.Status)
OPENING_PLANNED, OPENING_REGISTERED, OPENING_OPENED, OPENING_WITHDRAWN = 1, 2, 3, 4
#: recognition_events.kind
RECOGNISED, REMEASURED, CARRIED_OVER, DERECOGNISED = 0, 1, 2, 3
_MAX_UINT256: Final = (1 << 256) - 1
_DAY: Final = 86_400
_OUTSIDE_MAINLAND: Final = frozenset({71, 81, 82})  # contracts/libraries/Regions.sol
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


def _bytes(value: Any) -> bytes:
    return bytes(value) if isinstance(value, bytes | bytearray) else bytes.fromhex(str(value)[2:])


def _safe_signers(safe_tx_hash: bytes, signatures: bytes, threshold: int) -> list[str]:
    """The owners whose signatures a Safe checked for a transaction (the first ``threshold`` of them): an ECDSA
    signature of the hash (v 27, 28) or of its ``eth_sign`` message (v above 30), or an owner named in the
    signature (v 0: a contract's signature; v 1: a hash the owner approved)."""
    signers: list[str] = []
    for i in range(min(threshold, len(signatures) // 65)):
        r = int.from_bytes(signatures[65 * i : 65 * i + 32], "big")
        s = int.from_bytes(signatures[65 * i + 32 : 65 * i + 64], "big")
        v = signatures[65 * i + 64]
        if v in (0, 1):
            signers.append(to_checksum_address(r.to_bytes(32, "big")[12:]))
            continue
        digest = safe_tx_hash
        if v > 30:
            digest = _keccak.new(data=b"\x19Ethereum Signed Message:\n32" + safe_tx_hash, digest_bits=256).digest()
            v -= 4
        try:
            key = Signature(vrs=(v - 27, r, s)).recover_public_key_from_msg_hash(digest)
        except (BadSignature, ValueError):
            signers.append(ZERO_ADDRESS)
            continue
        signers.append(key.to_checksum_address())
    return signers


@dataclass
class Projected:
    """What a batch does to the state tables.

    ``versions[table][key]``: the record's new versions in block order, ``(block, row)``, rows with
    every data column and without the two history columns. ``facts[table]``: new fact rows, with
    ``valid_from_block`` set.
    """

    versions: dict[str, dict[Key, list[tuple[int, Row]]]] = field(default_factory=dict)
    facts: dict[str, list[Row]] = field(default_factory=dict)


def _asset(a: Mapping[str, Any]) -> Key:
    return (int(a["assetId"]),)


def _licence(a: Mapping[str, Any]) -> Key:
    return (int(a["licenseId"]),)


def _objection(a: Mapping[str, Any]) -> Key:
    return (int(a["objectionId"]),)


def _local(a: Mapping[str, Any]) -> Key:
    return (int(a["localAssetId"]),)


def _operation(a: Mapping[str, Any]) -> Key:
    return (int(a["assetId"]), a["operator"], int(a["right"]), int(a["purpose"]))


def _exclusivity_key(asset_id: int, right: int, purpose: int, parent_id: int) -> Key:
    return (asset_id, right, purpose, parent_id)


# Which versioned records an event writes: (table, key) pairs from its arguments.
_Touches = Callable[[Mapping[str, Any]], Iterable[tuple[str, Key]]]


def _one(table: str, key_of: Callable[[Mapping[str, Any]], Key]) -> _Touches:
    return lambda a: ((table, key_of(a)),)


def _granted(a: Mapping[str, Any]) -> Iterable[tuple[str, Key]]:
    t = a["terms"]
    parent = int(a["parentId"])
    yield "licence_exclusivity", _exclusivity_key(int(a["assetId"]), int(t["right"]), int(t["purpose"]), parent)
    if parent == 0:
        yield "assets", _asset(a)  # licensed_until


def _settled(a: Mapping[str, Any]) -> Iterable[tuple[str, Key]]:
    licence_id = int(a["licenseId"])
    if licence_id:  # the licence delivered: sold
        yield "licences", (licence_id,)
    consent = _hex(a["mandateId"])
    if consent != ZERO_HASH:  # a mandate's id or a listing's key: a listing counts its sales
        yield "listings", (consent,)
    if a["exchange"] != ZERO_ADDRESS:
        yield "approvals", (a["buyer"], a["exchange"])
    for share in a["shares"]:
        if share["held"]:
            yield "held_shares", (share["recipient"],)


def _transfer(a: Mapping[str, Any]) -> Iterable[tuple[str, Key]]:
    for name in ("from", "to"):
        if a[name] != ZERO_ADDRESS:
            yield "balances", (a[name],)


def _imported(a: Mapping[str, Any]) -> Iterable[tuple[str, Key]]:
    yield "recognised_records", _local(a)
    if not a["linked"] and not a["superseded"]:  # registered here by the import: the asset is marked recognised
        yield "assets", _local(a)


def _pauses(a: Mapping[str, Any]) -> Iterable[tuple[str, Key]]:
    # Every pausable contract, not only those the event names: the projector checks the whole register.
    return (("contract_pauses", (name,)) for name in PAUSE_CONTRACTS.values())


def _both(*touches: _Touches) -> _Touches:
    return lambda a: [pair for touch in touches for pair in touch(a)]


def _key_changed(a: Mapping[str, Any]) -> Iterable[tuple[str, Key]]:
    yield "participants", (a["identity"],)
    yield "participant_keys", (a["oldKey"],)
    yield "participant_keys", (a["newKey"],)


_PARTICIPANT: Final = _one("participants", lambda a: (a["account"],))
_ASSET: Final = _one("assets", _asset)
_TOUCHES: Final[dict[str, _Touches]] = {
    "ParticipantAdmitted": _both(_PARTICIPANT, _one("participant_keys", lambda a: (a["account"],))),
    "ParticipantKeyChanged": _key_changed,
    "ParticipantRolesChanged": _PARTICIPANT,
    "ParticipantStatusChanged": _PARTICIPANT,
    "DeclarationFiled": _PARTICIPANT,
    "RegistrationApplied": _ASSET,
    "AssetRegistered": _ASSET,
    "RegistrationRejected": _ASSET,
    "RegistrationChanged": _ASSET,
    "RegistrationCancelled": _ASSET,
    "RightTransferred": _ASSET,
    "ObjectionLodged": _both(_ASSET, _one("objections", _objection)),
    "ObjectionAccepted": _both(_ASSET, _one("objections", _objection)),
    "ObjectionResolved": _both(_ASSET, _one("objections", _objection)),
    "AssetFrozen": _ASSET,
    "AssetUnfrozen": _ASSET,
    "AnonymisationAttested": _ASSET,
    "PublicOperationAuthorised": _one("public_operations", _operation),
    "PublicOperationUsed": _one("public_operations", _operation),
    "LicenseGranted": _both(_one("licences", _licence), _granted),
    # and its exclusivity record, named by the licence's row: see dependent_keys
    "LicenseRevoked": _one("licences", _licence),
    "LicenseTransferred": _one("licences", _licence),
    "Transfer": _transfer,  # (keys_to_load reads Transfer inline)
    "Approval": _one("approvals", lambda a: (a["owner"], a["spender"])),
    "IssuanceLimitSet": _one("bank_issuance", lambda a: (a["bank"],)),
    "Issued": _one("bank_issuance", lambda a: (a["bank"],)),
    "Redeemed": _one("bank_issuance", lambda a: (a["bank"],)),
    "ContractsPaused": _pauses,
    "ContractsUnpaused": _pauses,
    "TradeSettled": _settled,
    "HeldSharesClaimed": _one("held_shares", lambda a: (a["recipient"],)),
    "HeldSharesReleased": _one("held_shares", lambda a: (a["recipient"],)),
    "RevenueSharesSet": _one("revenue_shares", lambda a: (int(a["assetId"]), int(a["right"]))),
    "PriceBandSet": _one("price_bands", lambda a: (int(a["kind"]),)),
    "MandateGranted": _one("mandates", lambda a: (a["mandateId"],)),
    "MandateRevoked": _one("mandates", lambda a: (a["mandateId"],)),
    "RectificationOrdered": _one("rectification_orders", lambda a: (int(a["orderId"]),)),
    "RectificationClosed": _one("rectification_orders", lambda a: (int(a["orderId"]),)),
    "CreditEventRecorded": _one("credit_scores", lambda a: (a["participant"],)),
    "AppraiserAccredited": _one("appraisers", lambda a: (a["appraiser"],)),
    "AppraiserRevoked": _one("appraisers", lambda a: (a["appraiser"],)),
    "ValuationFiled": _one("valuations", lambda a: (int(a["valuationId"]),)),
    "ValuationWithdrawn": _one("valuations", lambda a: (int(a["valuationId"]),)),
    "ValuationRejected": _one("valuations", lambda a: (int(a["valuationId"]),)),
    "AssetRecognised": _one("recognitions", _asset),
    "RecognitionRemeasured": _one("recognitions", _asset),
    "RecognitionCarriedOver": _one("recognitions", _asset),
    "AssetDerecognised": _one("recognitions", _asset),
    "DisclosureRequirementSet": _one("disclosure_requirements", lambda a: (int(a["kind"]),)),
    "ResponseWindowSet": _one("quality_settings", lambda a: ("response_window",)),
    "OpeningEntryRegistered": _one("opening_entries", lambda a: (int(a["entryId"]),)),
    "OpeningEntryOpened": _one("opening_entries", lambda a: (int(a["entryId"]),)),
    "OpeningEntryWithdrawn": _one("opening_entries", lambda a: (int(a["entryId"]),)),
    "ProductListed": _one("listings", lambda a: (_hex(a["key"]),)),
    "ProductDelisted": _one("listings", lambda a: (_hex(a["key"]),)),
    "QualityReportFiled": _one("quality_reports", lambda a: (int(a["reportId"]),)),
    "QualityReportAnswered": _one("quality_reports", lambda a: (int(a["reportId"]),)),
    "QualityReportOverdue": _both(_one("quality_reports", lambda a: (int(a["reportId"]),)),
                                  _one("quality_defaults", lambda a: (a["holder"],))),
    "QualityReportFixed": _one("quality_reports", lambda a: (int(a["reportId"]),)),
    "QualityReportRuled": _one("quality_reports", lambda a: (int(a["reportId"]),)),
    "QualityReportWithdrawn": _one("quality_reports", lambda a: (int(a["reportId"]),)),
    "AgreementSet": _one("agreements", lambda a: (int(a["originChainId"]),)),
    "AgreementRevoked": _one("agreements", lambda a: (int(a["originChainId"]),)),
    "CertificateImported": _imported,
    # the asset too: its suspension flag follows a recognised (not linked) record's
    "RecognitionSuspended": _both(_one("recognised_records", _local), _one("assets", _local)),
    "RecognitionReinstated": _both(_one("recognised_records", _local), _one("assets", _local)),
    # The governance: the access manager's operations, roles and settings.
    "OperationScheduled": _one("governance_operations", lambda a: (a["operationId"],)),
    "OperationExecuted": _one("governance_operations", lambda a: (a["operationId"],)),
    "OperationCanceled": _one("governance_operations", lambda a: (a["operationId"],)),
    "RoleGranted": _one("governance_roles", lambda a: (int(a["roleId"]), a["account"])),
    "RoleRevoked": _one("governance_roles", lambda a: (int(a["roleId"]), a["account"])),
    "RoleLabel": _one("governance_role_settings", lambda a: (int(a["roleId"]),)),
    "RoleAdminChanged": _one("governance_role_settings", lambda a: (int(a["roleId"]),)),
    "RoleGuardianChanged": _one("governance_role_settings", lambda a: (int(a["roleId"]),)),
    "RoleGrantDelayChanged": _one("governance_role_settings", lambda a: (int(a["roleId"]),)),
    "TargetFunctionRoleUpdated": _one("governance_function_roles", lambda a: (a["target"], a["selector"])),
    "TargetClosed": _one("governance_targets", lambda a: (a["target"],)),
    "TargetAdminDelayUpdated": _one("governance_targets", lambda a: (a["target"],)),
}

#: The officers' Safes' events that change a Safe's record (keyed by the Safe's name: the emitting contract).
_SAFE_EVENTS: Final = frozenset({"SafeSetup", "AddedOwner", "RemovedOwner", "ChangedThreshold",
                                 "SafeMultiSigTransaction"})  # fmt: skip


def keys_to_load(events: Iterable[LedgerEvent]) -> dict[str, set[Key]]:
    """The versioned records the events write, by table, as their arguments name them: their current
    versions must be loaded (then those of :func:`dependent_keys`)."""
    out: dict[str, set[Key]] = {}
    balances: set[Key] = set()
    for ev in events:
        name = ev.name
        if name == "Transfer":  # most events: inline, no generator
            a = ev.args
            sender, recipient = a["from"], a["to"]
            if sender != ZERO_ADDRESS:
                balances.add((sender,))
            if recipient != ZERO_ADDRESS:
                balances.add((recipient,))
            continue
        if name in _SAFE_EVENTS:
            out.setdefault("governance_safes", set()).add((ev.contract,))
            continue
        touches = _TOUCHES.get(name)
        if touches is None:
            continue
        for table, key in touches(ev.args):
            found = out.get(table)
            if found is None:
                found = out[table] = set()
            found.add(key)
    if balances:
        out["balances"] = balances
    return out


def dependent_keys(events: Iterable[LedgerEvent], current: Mapping[str, Mapping[Key, Row]]) -> dict[str, set[Key]]:
    """The versioned records the events write that their arguments do not name, found through records
    :func:`keys_to_load` named (``current``, loaded) or the batch's own events: a revoked licence's
    exclusivity record, keyed by the licence's asset, right, purpose and parent; the licences above a licence
    a settlement delivered (their ``sold_until``). A parent is known only once its child is loaded, so the
    caller asks again with what it loaded until nothing new is named (at most the depth of a licence chain)."""
    granted: dict[int, LedgerEvent] | None = None
    licences = current.get("licences", {})
    exclusivity: set[Key] = set()
    above: set[Key] = set()
    for ev in events:
        if ev.name == "LicenseRevoked":
            licence_id = int(ev.args["licenseId"])
            row = licences.get((licence_id,))
            if row is not None:
                exclusivity.add(_exclusivity_key(row["asset_id"], row["right"], row["purpose"], row["parent_id"]))
                continue
            granted = granted if granted is not None else _granted_in(events)
            g = granted.get(licence_id)
            if g is not None:
                a, t = g.args, g.args["terms"]
                exclusivity.add(_exclusivity_key(int(a["assetId"]), int(t["right"]), int(t["purpose"]),
                                                 int(a["parentId"])))  # fmt: skip
        elif ev.name == "TradeSettled" and int(ev.args["licenseId"]):
            granted = granted if granted is not None else _granted_in(events)
            licence_id = int(ev.args["licenseId"])
            while licence_id:  # up the chain, as far as what is loaded or granted in the batch tells
                row = licences.get((licence_id,))
                if row is not None:
                    licence_id = row["parent_id"]
                elif (g := granted.get(licence_id)) is not None:
                    licence_id = int(g.args["parentId"])
                else:
                    above.add((licence_id,))
                    break
    out: dict[str, set[Key]] = {}
    if exclusivity:
        out["licence_exclusivity"] = exclusivity
    if above:
        out["licences"] = above
    return out


def _granted_in(events: Iterable[LedgerEvent]) -> dict[int, LedgerEvent]:
    return {int(g.args["licenseId"]): g for g in events if g.name == "LicenseGranted"}


def trade_key(exchange: str, seller: str, buyer: str, trade_id: str) -> str:
    """The key under which TradeSettlement settles a trade once (``tradeKey``): ``keccak256(abi.encode(exchange,
    tradeId))`` on an exchange, ``keccak256(abi.encode(address(0), seller, buyer, tradeId))`` off exchange."""
    tid = bytes.fromhex(trade_id[2:])
    if exchange != ZERO_ADDRESS:
        data = _word_address(exchange) + tid
    else:
        data = bytes(32) + _word_address(seller) + _word_address(buyer) + tid
    # pycryptodome directly: eth_utils' keccak wrapper costs twice as much, once per trade.
    return "0x" + _keccak.new(data=data, digest_bits=256).digest().hex()


def _word_address(address: str) -> bytes:
    return bytes(12) + bytes.fromhex(address[2:])


def _names(register: int) -> str:
    """The contracts of a pause register by name (bits of no contract as a number), ``none`` when empty."""
    names = [name for bit, name in PAUSE_CONTRACTS.items() if register & bit]
    unknown = register & ~sum(PAUSE_CONTRACTS)
    return ", ".join([*names, *([f"unknown bits {unknown:#x}"] if unknown else [])]) or "none"


def is_outside_mainland(region: int) -> bool:
    """Whether use in ``region`` is cross-border for data export (``Regions.isOutsideMainland``: Taiwan 71,
    Hong Kong 81, Macau 82)."""
    return region // 10000 in _OUTSIDE_MAINLAND


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
        # A Safe transaction's event comes before its execution's, in the same transaction: (safe, tx) -> its row.
        self._safe_txs: dict[tuple[str, str], Row] = {}
        # A swapped owner takes the removed one's place: (safe, tx) -> the removed owner's position.
        self._removed_at: dict[tuple[str, str], int] = {}

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
                "participant_id": int(a["id"]),
                "credit_code_hash": _hex(a["creditCodeHash"]),
                "signing_key": account,
            },
        )
        self._put("participant_keys", (account,), block, {
            "address": account, "account": account, "participant_id": int(a["id"]), "added_block": block,
            "added_at": ts, "reason_hash": None, "added_by": a["by"], "replaced_block": None, "replaced_at": None,
        })  # fmt: skip

    def _on_ParticipantKeyChanged(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        identity, new = a["identity"], a["newKey"]
        p = self._edit("participants", (identity,), block)
        p["signing_key"] = new
        p["updated_block"], p["updated_at"] = block, ts
        old = self._edit("participant_keys", (a["oldKey"],), block)
        old["replaced_block"], old["replaced_at"] = block, ts
        self._put("participant_keys", (new,), block, {
            "address": new, "account": identity, "participant_id": int(a["id"]), "added_block": block,
            "added_at": ts, "reason_hash": _hex(a["reasonHash"]), "added_by": a["by"], "replaced_block": None,
            "replaced_at": None,
        })  # fmt: skip

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
        processing, operation = a["processingHolder"], a["operationHolder"]
        # Every application has an id of its own; a recognised asset is "applied for" by its holder.
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
                "processing_holder": processing,
                "operation_holder": operation,
                "disputed": False,
                "frozen": False,
                "anonymised": False,
                "suspended": False,
                "recognised": False,
                "licensed_until": 0,
                "rights_split": processing != applicant or operation != applicant,
                "open_objections": 0,
                "certificate_serial": 0,
                "registrar": None,
                "review_hash": None,
                "registered_block": None,
                "registered_at": 0,
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
        asset["rights_split"] = True  # the contract pins the other two holders at the first transfer

    # ─────────────────────────────────────────────────────────── controls: objections, freezes, attestations

    def _open_count(self, asset_id: int, open_count: int, block: int) -> None:
        asset = self._edit("assets", (asset_id,), block)
        asset["open_objections"] = open_count
        asset["disputed"] = open_count != 0

    def _on_ObjectionLodged(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset_id = int(a["assetId"])
        objection_id = int(a["objectionId"])
        status = int(a["status"])
        if status == _OBJECTION_OPEN:  # lodged with standing: the asset is disputed at once
            self._open_count(asset_id, int(a["openObjections"]), block)
        self._put(
            "objections",
            (objection_id,),
            block,
            {
                "objection_id": objection_id,
                "asset_id": asset_id,
                "objector": a["objector"],
                "status": status,
                "evidence_hash": _hex(a["evidenceHash"]),
                "lodged_block": block,
                "lodged_at": ts,
                "accepted_by": None,
                "accept_decision_hash": None,
                "accepted_block": None,
                "accepted_at": None,
                "resolved_by": None,
                "decision_hash": None,
                "resolved_block": None,
                "resolved_at": None,
            },
        )

    def _on_ObjectionAccepted(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        objection = self._edit("objections", _objection(a), block)
        objection["status"] = _OBJECTION_OPEN
        objection["accepted_by"] = a["registrar"]
        objection["accept_decision_hash"] = _hex(a["decisionHash"])
        objection["accepted_block"], objection["accepted_at"] = block, ts
        self._open_count(int(a["assetId"]), int(a["openObjections"]), block)

    def _on_ObjectionResolved(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        objection = self._edit("objections", _objection(a), block)
        was_open = objection["status"] == _OBJECTION_OPEN
        objection["status"] = _OBJECTION_UPHELD if a["upheld"] else _OBJECTION_DISMISSED
        objection["resolved_by"] = a["registrar"]
        objection["decision_hash"] = _hex(a["decisionHash"])
        objection["resolved_block"], objection["resolved_at"] = block, ts
        if was_open:  # a pending objection never counted
            self._open_count(int(a["assetId"]), int(a["openObjections"]), block)

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

    def _on_PublicOperationAuthorised(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        key = _operation(a)
        self._put("public_operations", key, block, {
            "asset_id": key[0], "operator": key[1], "right": key[2], "purpose": key[3],
            "latest_end": int(a["latestEnd"]), "status": _OPERATION_AUTHORISED,
            "decision_hash": _hex(a["decisionHash"]), "authorised_by": a["by"], "authorised_block": block,
            "authorised_at": ts, "licence_id": None, "closed_block": None,
        })  # fmt: skip

    def _on_PublicOperationUsed(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("public_operations", _operation(a), block)
        licence_id = int(a["licenseId"])
        row["latest_end"] = 0
        row["status"] = _OPERATION_USED if licence_id else _OPERATION_WITHDRAWN
        row["licence_id"] = licence_id or None
        row["closed_block"] = block

    # ─────────────────────────────────────────────────────────── licences

    def _on_LicenseGranted(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        licence_id = int(a["licenseId"])
        asset_id = int(a["assetId"])
        parent_id = int(a["parentId"])
        t = a["terms"]
        regions = [int(r) for r in t["regions"]]
        countries = [_country(c) for c in t["countries"]]
        start = max(int(t["start"]), ts)  # a licence starts at its grant at the earliest
        end = int(t["end"])
        right, purpose, exclusive = int(t["right"]), int(t["purpose"]), bool(t["exclusive"])
        self._put(
            "licences",
            (licence_id,),
            block,
            {
                "licence_id": licence_id,
                "asset_id": asset_id,
                "licensee": a["licensee"],
                "licensor": a["licensor"],
                "parent_id": parent_id,
                "depth": int(a["depth"]),
                "right": right,
                "purpose": purpose,
                "starts_at": start,
                "ends_at": end,
                "exclusive": exclusive,
                "sublicensable": bool(t["sublicensable"]),
                "transferable": bool(t["transferable"]),
                "cross_border": bool(countries) or any(is_outside_mainland(r) for r in regions),
                "regions": regions,
                "countries": countries,
                "terms_hash": _hex(t["termsHash"]),
                "revoked": False,
                "revoked_by": None,
                "revoke_reason_hash": None,
                "revoked_block": None,
                "sold": False,  # TradeSettled, right after in the same transaction, says so
                "sold_until": 0,
                "granted_block": block,
                "granted_at": ts,
            },
        )
        self._claim_period(_exclusivity_key(asset_id, right, purpose, parent_id), licence_id, start, end, exclusive,
                           block, ts)  # fmt: skip
        if parent_id == 0:
            until = -(-end // _DAY) * _DAY  # whole UTC days, rounded up; it only grows
            asset = self._get("assets", (asset_id,))
            if asset is None or until > asset["licensed_until"]:
                self._edit("assets", (asset_id,), block)["licensed_until"] = until

    def _sold(self, licence_id: int, block: int) -> None:
        """A settlement delivered the licence: a buyer paid for it. Every licence above it keeps the latest end
        of what was sold under it (AssetRegistry._markSoldUnder): before then neither its licensee nor its
        licensor can end it."""
        licence = self._edit("licences", (licence_id,), block)
        licence["sold"] = True
        end, parent_id = licence["ends_at"], licence["parent_id"]
        while parent_id:
            parent = self._get("licences", (parent_id,))
            if parent is None:
                raise ProjectionError(f"licence {parent_id} above sold licence {licence_id} is unknown")
            if parent["sold_until"] < end:
                self._edit("licences", (parent_id,), block)["sold_until"] = end
            parent_id = parent["parent_id"]

    def _claim_period(self, key: Key, licence_id: int, start: int, end: int, exclusive: bool, block: int, ts: int
                      ) -> None:  # fmt: skip
        """AssetRegistry._claimPeriod: ended exclusive licences (end <= the grant's time) are dropped, order
        kept; an exclusive one is appended, a shared one widens the span and counts as live."""
        vs = self._versions.setdefault("licence_exclusivity", {}).setdefault(key, [])
        if vs and vs[-1][0] == block:
            row = vs[-1][1]
        else:
            prev = vs[-1][1] if vs else self._current.get("licence_exclusivity", {}).get(key)
            row = (
                dict(prev) if prev is not None else
                {"asset_id": key[0], "right": key[1], "purpose": key[2], "parent_id": key[3], "shared_start": 0,
                 "shared_end": 0, "live_shared": 0, "exclusives": []}
            )  # fmt: skip
            vs.append((block, row))
        exclusives = row["exclusives"]
        if exclusives:  # a new list: the previous version keeps its own
            exclusives = row["exclusives"] = [e for e in exclusives if e[1] > ts]
        if exclusive:
            row["exclusives"] = [*exclusives, [start, end, licence_id]]
            return
        if row["live_shared"] == 0 or start < row["shared_start"]:
            row["shared_start"] = start
        if end > row["shared_end"]:
            row["shared_end"] = end
        row["live_shared"] += 1

    def _release_period(self, licence: Row, block: int) -> None:
        """AssetRegistryModule._releasePeriod: a shared licence leaves the live count (the span clears at
        zero); an exclusive one still kept is replaced by the last one kept."""
        key = _exclusivity_key(licence["asset_id"], licence["right"], licence["purpose"], licence["parent_id"])
        row = self._edit("licence_exclusivity", key, block)
        if not licence["exclusive"]:
            live = row["live_shared"] - 1
            if live == 0:
                row["shared_start"] = row["shared_end"] = 0
            row["live_shared"] = live
            return
        kept = [list(e) for e in row["exclusives"]]
        for i, e in enumerate(kept):
            if e[2] == licence["licence_id"]:
                kept[i] = kept[-1]
                kept.pop()
                break
        row["exclusives"] = kept

    def _on_LicenseRevoked(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        # The licence's own flag only: its sublicences are invalid through the parent chain, unchanged here.
        licence = self._edit("licences", _licence(a), block)
        licence["revoked"] = True
        licence["revoked_by"] = a["by"]
        licence["revoke_reason_hash"] = _hex(a["reasonHash"])
        licence["revoked_block"] = block
        self._release_period(licence, block)

    def _on_LicenseTransferred(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._edit("licences", _licence(a), block)["licensee"] = a["to"]

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

    def _bank(self, bank: str, block: int) -> Row:
        """The bank's issuance record at ``block``, to change in place (a bank without one has no limit)."""
        key = (bank,)
        vs = self._versions.setdefault("bank_issuance", {}).setdefault(key, [])
        if vs and vs[-1][0] == block:
            return vs[-1][1]
        prev = vs[-1][1] if vs else self._current.get("bank_issuance", {}).get(key)
        row: Row = dict(prev) if prev else {
            "bank": bank, "issuance_limit": 0, "outstanding": 0, "issued_total": 0, "redeemed_total": 0,
            "reserve_hash": None, "limit_set_by": None,
        }  # fmt: skip
        row["updated_block"] = block
        vs.append((block, row))
        return row

    def _outstanding(self, row: Row, outstanding: int, ev: LedgerEvent) -> None:
        """Takes the event's outstanding issuance, which must be what the bank's earlier events add up to."""
        if row["outstanding"] != outstanding:
            raise ProjectionError(
                f"{ev.name} in block {ev.block_number} (log {ev.log_index}) leaves {row['bank']} with {outstanding} "
                f"outstanding; its earlier issuances and redemptions add up to {row['outstanding']}"
            )

    def _on_IssuanceLimitSet(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._bank(a["bank"], block)
        self._outstanding(row, int(a["outstanding"]), ev)
        row["issuance_limit"] = int(a["limit"])
        row["limit_set_by"] = a["by"]

    def _on_Issued(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._bank(a["bank"], block)
        amount = int(a["amount"])
        row["outstanding"] += amount
        self._outstanding(row, int(a["outstanding"]), ev)
        row["issued_total"] += amount
        row["reserve_hash"] = _hex(a["reserveHash"])

    def _on_Redeemed(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._bank(a["bank"], block)
        amount = int(a["amount"])
        row["outstanding"] -= amount
        self._outstanding(row, int(a["outstanding"]), ev)
        row["redeemed_total"] += amount

    # ─────────────────────────────────────────────────────────── pause register

    def _on_ContractsPaused(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._pause(ev, a, block, True)

    def _on_ContractsUnpaused(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._pause(ev, a, block, False)

    def _pause(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, paused: bool) -> None:
        """Pauses (or unpauses) each contract of the event's ``contracts`` whose pause this changes (one already
        paused keeps its record: who paused it and why); the paused records must then be the event's register."""
        contracts, register = int(a["contracts"]), int(a["paused"])
        for bit, name in PAUSE_CONTRACTS.items():
            row = self._get("contract_pauses", (name,))
            if not contracts & bit or bool(row and row["paused"]) == paused:
                continue
            self._put("contract_pauses", (name,), block, {
                "contract": name, "paused": paused, "reason_hash": _hex(a["reasonHash"]), "changed_by": a["by"],
                "changed_block": block,
            })  # fmt: skip
        projected = 0
        for bit, name in PAUSE_CONTRACTS.items():
            row = self._get("contract_pauses", (name,))
            if row is not None and row["paused"]:
                projected |= bit
        if projected != register:
            raise ProjectionError(
                f"{ev.name} in block {ev.block_number} (log {ev.log_index}) leaves the pause register at "
                f"{register:#x} ({_names(register)}); the earlier pause events and this one add up to {projected:#x} "
                f"({_names(projected)})"
            )

    # ─────────────────────────────────────────────────────────── settlement

    def _payment(self, ev: LedgerEvent, key: str, trade_id: str, kind: str, payee: str, amount: int, held: bool,
                 block: int) -> None:  # fmt: skip
        self._fact(
            "payments",
            {
                "trade_key": key,
                "kind": kind,
                "payee": payee,
                "valid_from_block": block,
                "valid_to_block": None,
                "trade_id": trade_id,
                "amount": amount,
                "held": held,
                "tx_hash": ev.tx_hash,
                "log_index": ev.log_index,
            },
        )

    def _on_TradeSettled(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        trade_id = _hex(a["tradeId"])
        exchange, seller, buyer = a["exchange"], a["seller"], a["buyer"]
        key = trade_key(exchange, seller, buyer, trade_id)
        price = int(a["price"])
        fee = int(a["fee"])
        seller_amount = int(a["sellerAmount"])
        mandate = _hex(a["mandateId"])
        licence_id = int(a["licenseId"])
        listed = mandate != ZERO_HASH and self._get("listings", (mandate,)) is not None
        self._fact(
            "trades",
            {
                "trade_key": key,
                "valid_from_block": block,
                "valid_to_block": None,
                "trade_id": trade_id,
                "asset_id": int(a["assetId"]),
                "exchange": exchange,
                "on_exchange": exchange != ZERO_ADDRESS,
                "seller": seller,
                "buyer": buyer,
                "price": price,
                "fee": fee,
                "seller_amount": seller_amount,
                "right": int(a["right"]),
                "licence_id": licence_id,
                "mandate_id": None if mandate == ZERO_HASH else mandate,
                "listed": listed,
                "timestamp": ts,
                "tx_hash": ev.tx_hash,
                "log_index": ev.log_index,
            },
        )
        if listed:
            listing = self._edit("listings", (mandate,), block)
            listing["sales"] += 1
            listing["last_sale_at"] = ts
        if licence_id:  # delivered by this settlement: its licensor can no longer revoke it
            self._sold(licence_id, block)
        self._payment(ev, key, trade_id, PAYMENT_SELLER, seller, seller_amount, False, block)
        if fee != 0:
            self._payment(ev, key, trade_id, PAYMENT_FEE, exchange, fee, False, block)
        for share in a["shares"]:
            amount, held = int(share["amount"]), bool(share["held"])
            self._payment(ev, key, trade_id, PAYMENT_REVENUE_SHARE, share["recipient"], amount, held, block)
            if held:
                self._hold(share["recipient"], amount, block)
        if exchange != ZERO_ADDRESS:  # the buyer's allowance to the exchange paid the price
            allowance = self._edit("approvals", (buyer, exchange), block)
            if allowance["amount"] != _MAX_UINT256:
                left = allowance["amount"] - price
                if left < 0:
                    raise ProjectionError(f"allowance of {buyer} to {exchange} would be {left} in block {block}")
                allowance["amount"] = left

    def _hold(self, account: str, amount: int, block: int) -> None:
        prev = self._get("held_shares", (account,))
        if prev is None:
            self._put("held_shares", (account,), block, {"account": account, "amount": amount, "total_held": amount,
                                                         "total_claimed": 0, "total_released": 0})  # fmt: skip
            return
        row = self._edit("held_shares", (account,), block)
        row["amount"] += amount
        row["total_held"] += amount

    def _on_HeldSharesClaimed(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("held_shares", (a["recipient"],), block)
        claimed = int(a["amount"])
        if claimed != row["amount"]:
            raise ProjectionError(f"{a['recipient']} claimed {claimed} of held shares {row['amount']} in block {block}")
        row["amount"] = 0  # the contract pays out everything held
        row["total_claimed"] += claimed

    def _on_HeldSharesReleased(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        recipient = a["recipient"]
        row = self._edit("held_shares", (recipient,), block)
        released = int(a["amount"])
        if released != row["amount"]:
            raise ProjectionError(f"{released} of {recipient}'s held shares {row['amount']} released in block {block}")
        row["amount"] = 0  # the authority releases everything held for the revoked recipient
        row["total_released"] += released
        self._fact("held_share_releases", {
            "recipient": recipient, "log_index": ev.log_index, "valid_from_block": block, "valid_to_block": None,
            "to": a["to"], "amount": released, "by": a["by"], "decision_hash": _hex(a["decisionHash"]),
            "timestamp": ts, "tx_hash": ev.tx_hash,
        })  # fmt: skip

    def _on_RevenueSharesSet(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset_id, right = int(a["assetId"]), int(a["right"])
        shares = [{"recipient": r, "bps": int(b)} for r, b in zip(a["recipients"], a["bps"], strict=True)]
        self._put("revenue_shares", (asset_id, right), block, {
            "asset_id": asset_id, "right": right, "shares": shares, "total_bps": sum(x["bps"] for x in shares),
            "set_by": a["by"],
        })  # fmt: skip

    def _on_PriceBandSet(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        kind = int(a["kind"])
        self._put(
            "price_bands",
            (kind,),
            block,
            {"kind": kind, "min_price": int(a["min"]), "max_price": int(a["max"]), "set_by": a["by"]},
        )

    def _on_NonceUsed(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._fact(
            "used_nonces",
            {
                "account": a["account"],
                "nonce": int(a["nonce"]),
                "valid_from_block": block,
                "valid_to_block": None,
                "timestamp": ts,
                "tx_hash": ev.tx_hash,
            },
        )

    def _on_TradeRefused(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._fact(
            "trade_refusals",
            {
                "tx_hash": ev.tx_hash,
                "log_index": ev.log_index,
                "valid_from_block": block,
                "valid_to_block": None,
                "trade_id": _hex(a["tradeId"]),
                "exchange": a["exchange"],
                "source": ev.contract,
                "item_index": int(a["index"]),
                "reason": _hex(a["reason"]),
                "timestamp": ts,
            },
        )

    # ─────────────────────────────────────────────────────────── mandates

    def _on_MandateGranted(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        mandate_id = _hex(a["mandateId"])
        m = a["mandate"]
        t = m["terms"]
        terms = {
            "right": int(t["right"]), "purpose": int(t["purpose"]), "start": int(t["start"]), "end": int(t["end"]),
            "exclusive": bool(t["exclusive"]), "sublicensable": bool(t["sublicensable"]),
            "transferable": bool(t["transferable"]), "regions": [int(r) for r in t["regions"]],
            "countries": [_country(c) for c in t["countries"]], "terms_hash": _hex(t["termsHash"]),
        }  # fmt: skip
        self._put("mandates", (mandate_id,), block, {
            "mandate_id": mandate_id, "seller": a["seller"], "exchange": a["exchange"], "asset_id": int(m["assetId"]),
            "delivery": int(m["delivery"]), "right": int(m["right"]), "parent_licence_id": int(m["parentLicenseId"]),
            "terms": terms, "max_duration": int(m["maxDuration"]), "min_net": int(m["minNet"]),
            "expiry": int(m["expiry"]), "salt": int(m["salt"]), "status": _MANDATE_ACTIVE, "granted_block": block,
            "granted_at": ts, "revoked_block": None, "revoked_at": None,
        })  # fmt: skip

    def _on_MandateRevoked(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("mandates", (_hex(a["mandateId"]),), block)
        row["status"] = _MANDATE_REVOKED
        row["revoked_block"], row["revoked_at"] = block, ts

    # ─────────────────────────────────────────────────────────── valuation and recognition (art. 19)

    def _on_AppraiserAccredited(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._put("appraisers", (a["appraiser"],), block, {
            "appraiser": a["appraiser"], "accredited_at": ts, "accredited_block": block,
            "expires_at": int(a["expiresAt"]), "document_hash": _hex(a["documentHash"]), "accredited_by": a["by"],
            "revoked": False, "revoked_at": None, "revoked_by": None, "revocation_hash": None,
        })  # fmt: skip

    def _on_AppraiserRevoked(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("appraisers", (a["appraiser"],), block)
        row["revoked"], row["revoked_at"], row["revoked_by"] = True, ts, a["by"]
        row["revocation_hash"] = _hex(a["reasonHash"])

    def _on_ValuationFiled(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        valuation_id = int(a["valuationId"])
        currency = a["currency"]
        self._put("valuations", (valuation_id,), block, {
            "valuation_id": valuation_id, "asset_id": int(a["assetId"]), "appraiser": a["appraiser"],
            "method": int(a["method"]), "value": int(a["value"]),
            "currency": bytes(currency).decode("ascii") if isinstance(currency, bytes | bytearray)
            else bytes.fromhex(str(currency)[2:]).decode("ascii"),
            "base_date": int(a["baseDate"]), "valid_until": int(a["validUntil"]),
            "content_hash": _hex(a["contentHash"]), "report_hash": _hex(a["reportHash"]), "status": _VALUATION_FILED,
            "filed_block": block, "filed_at": ts, "closed_by": None, "closing_hash": None, "closed_block": None,
            "closed_at": None,
        })  # fmt: skip

    def _close_valuation(self, a: Mapping[str, Any], block: int, ts: int, status: int, by: str) -> None:
        row = self._edit("valuations", (int(a["valuationId"]),), block)
        row["status"], row["closed_by"], row["closing_hash"] = status, by, _hex(a["reasonHash"])
        row["closed_block"], row["closed_at"] = block, ts

    def _on_ValuationWithdrawn(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._close_valuation(a, block, ts, _VALUATION_WITHDRAWN, a["appraiser"])

    def _on_ValuationRejected(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._close_valuation(a, block, ts, _VALUATION_REJECTED, a["by"])

    def _recognition_event(self, ev: LedgerEvent, block: int, ts: int, **row: Any) -> None:
        self._fact("recognition_events", {
            "asset_id": int(ev.args["assetId"]), "log_index": ev.log_index, "valid_from_block": block,
            "valid_to_block": None, "counterpart": None, "category": None, "measurement": None, "reason": None,
            "previous_amount": None, "valuation_id": None, "timestamp": ts, "tx_hash": ev.tx_hash, **row,
        })  # fmt: skip

    def _on_AssetRecognised(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        asset_id, amount = int(a["assetId"]), int(a["carryingAmount"])
        self._put("recognitions", (asset_id,), block, {
            "asset_id": asset_id, "holder": a["holder"], "status": _RECOGNITION_RECOGNISED,
            "category": int(a["category"]), "carrying_amount": amount, "valuation_id": int(a["valuationId"]),
            "period_start": int(a["periodStart"]), "period_end": int(a["periodEnd"]),
            "auditor_hash": _hex(a["auditorHash"]), "recognised_block": block, "recognised_at": ts, "updated_at": ts,
        })  # fmt: skip
        self._recognition_event(ev, block, ts, kind=RECOGNISED, holder=a["holder"], category=int(a["category"]),
                                carrying_amount=amount, valuation_id=int(a["valuationId"]),
                                document_hash=_hex(a["auditorHash"]))  # fmt: skip

    def _on_RecognitionRemeasured(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("recognitions", (int(a["assetId"]),), block)
        row["carrying_amount"], row["updated_at"] = int(a["carryingAmount"]), ts
        self._recognition_event(ev, block, ts, kind=REMEASURED, holder=a["holder"], measurement=int(a["kind"]),
                                previous_amount=int(a["previousAmount"]), carrying_amount=int(a["carryingAmount"]),
                                document_hash=_hex(a["documentHash"]))  # fmt: skip

    def _on_RecognitionCarriedOver(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("recognitions", (int(a["assetId"]),), block)
        row["holder"], row["updated_at"] = a["to"], ts
        self._recognition_event(ev, block, ts, kind=CARRIED_OVER, holder=a["to"], counterpart=a["from"],
                                carrying_amount=int(a["carryingAmount"]),
                                document_hash=_hex(a["auditorHash"]))  # fmt: skip

    def _on_AssetDerecognised(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("recognitions", (int(a["assetId"]),), block)
        row["status"], row["updated_at"] = _RECOGNITION_ENDED, ts
        self._recognition_event(ev, block, ts, kind=DERECOGNISED, holder=a["holder"], reason=int(a["reason"]),
                                carrying_amount=int(a["carryingAmount"]),
                                document_hash=_hex(a["documentHash"]))  # fmt: skip

    # ─────────────────────────────────────────────────────────── information disclosure

    def _on_DisclosureRequirementSet(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        kind = int(a["kind"])
        self._put("disclosure_requirements", (kind,), block, {
            "kind": kind, "months": int(a["months"]), "grace_days": int(a["graceDays"]), "since": int(a["since"]),
            "set_by": a["by"],
        })  # fmt: skip

    def _on_DisclosureFiled(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._fact("disclosures", {
            "disclosure_id": int(a["disclosureId"]), "valid_from_block": block, "valid_to_block": None,
            "exchange": a["exchange"], "kind": int(a["kind"]), "period_start": int(a["periodStart"]),
            "period_end": int(a["periodEnd"]), "document_hash": _hex(a["documentHash"]), "filed_at": ts,
            "tx_hash": ev.tx_hash,
        })  # fmt: skip

    # ─────────────────────────────────────────────────────────── exchange listings

    def _on_ProductListed(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        key = _hex(a["key"])
        listing = a["listing"]
        offer, t = listing["offer"], listing["terms"]
        earlier = self._get("listings", (key,))
        self._put("listings", (key,), block, {
            "listing_key": key, "exchange": a["exchange"], "listing_id": _hex(offer["listingId"]),
            "seller": a["seller"], "seller_key": listing["seller"], "asset_id": int(a["assetId"]),
            "delivery": int(listing["delivery"]), "right": int(listing["right"]),
            "parent_licence_id": int(listing["parentLicenseId"]),
            "terms": {
                "right": int(t["right"]), "purpose": int(t["purpose"]), "exclusive": bool(t["exclusive"]),
                "sublicensable": bool(t["sublicensable"]), "transferable": bool(t["transferable"]),
                "regions": [int(r) for r in t["regions"]], "countries": [_country(c) for c in t["countries"]],
                "terms_hash": _hex(t["termsHash"]),
            },
            "max_duration": int(offer["maxDuration"]), "min_price": int(offer["minPrice"]),
            "max_price": int(offer["maxPrice"]), "min_net": int(offer["minNet"]), "starts_at": int(offer["start"]),
            "ends_at": int(offer["end"]), "version": int(listing["version"]),
            "document_hash": _hex(listing["documentHash"]), "status": LISTING_LISTED,
            "listed_block": earlier["listed_block"] if earlier else block,
            "listed_at": earlier["listed_at"] if earlier else ts, "amended_at": ts, "ended_by": None,
            "end_hash": None, "ended_at": None, "sales": earlier["sales"] if earlier else 0,
            "last_sale_at": earlier["last_sale_at"] if earlier else None,
        })  # fmt: skip

    def _on_ProductDelisted(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("listings", (_hex(a["key"]),), block)
        row["status"] = LISTING_WITHDRAWN if a["withdrawn"] else LISTING_DELISTED
        row["ended_by"], row["end_hash"], row["ended_at"] = a["by"], _hex(a["reasonHash"]), ts

    # ─────────────────────────────────────────────────────────── the public-data opening list

    def _on_OpeningListPublished(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._fact("opening_lists", {
            "first_entry_id": int(a["firstEntryId"]), "valid_from_block": block, "valid_to_block": None,
            "year": int(a["year"]), "list_hash": _hex(a["listHash"]), "entries": int(a["count"]),
            "published_by": a["by"], "published_at": ts, "tx_hash": ev.tx_hash,
        })  # fmt: skip

    def _on_OpeningEntryPublished(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        entry_id = int(a["entryId"])
        self._put("opening_entries", (entry_id,), block, {
            "entry_id": entry_id, "year": int(a["year"]), "department": a["department"],
            "description_hash": _hex(a["descriptionHash"]), "target_date": int(a["targetDate"]),
            "status": OPENING_PLANNED, "asset_id": None, "registered_at": None, "opened_at": None, "evidence": None,
            "evidence_ref": None, "opened_by": None, "withdrawal_hash": None, "withdrawn_at": None,
            "published_block": block, "published_at": ts,
        })  # fmt: skip

    def _on_OpeningEntryRegistered(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("opening_entries", (int(a["entryId"]),), block)
        row["status"], row["asset_id"], row["registered_at"] = OPENING_REGISTERED, int(a["assetId"]), ts

    def _on_OpeningEntryOpened(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("opening_entries", (int(a["entryId"]),), block)
        row["status"], row["opened_at"], row["opened_by"] = OPENING_OPENED, ts, a["by"]
        row["evidence"], row["evidence_ref"] = int(a["evidence"]), _hex(a["ref"])

    def _on_OpeningEntryWithdrawn(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("opening_entries", (int(a["entryId"]),), block)
        row["status"], row["withdrawal_hash"], row["withdrawn_at"] = OPENING_WITHDRAWN, _hex(a["reasonHash"]), ts

    # ─────────────────────────────────────────────────────────── data quality

    def _on_ResponseWindowSet(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._put("quality_settings", ("response_window",), block,
                  {"name": "response_window", "value": int(a["window"]), "set_by": a["by"]})  # fmt: skip

    def _on_QualityReportFiled(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        report_id = int(a["reportId"])
        self._put("quality_reports", (report_id,), block, {
            "report_id": report_id, "asset_id": int(a["assetId"]), "reporter": a["reporter"],
            "content_hash": _hex(a["contentHash"]), "problem": int(a["problem"]), "severity": int(a["severity"]),
            "evidence_hash": _hex(a["evidenceHash"]), "deadline": int(a["deadline"]), "status": QUALITY_FILED,
            "filed_block": block, "filed_at": ts, "holder": None, "answer_hash": None, "answered_at": None,
            "fixed_asset_id": None, "fix_hash": None, "ruled_by": None, "ruling_hash": None, "withdrawal_hash": None,
            "updated_at": ts,
        })  # fmt: skip

    def _quality(self, a: Mapping[str, Any], block: int, ts: int, status: int) -> Row:
        row = self._edit("quality_reports", (int(a["reportId"]),), block)
        row["status"], row["updated_at"] = status, ts
        return row

    def _on_QualityReportAnswered(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._quality(a, block, ts, QUALITY_ACKNOWLEDGED if a["acknowledged"] else QUALITY_DISPUTED)
        row["holder"], row["answer_hash"], row["answered_at"] = a["holder"], _hex(a["documentHash"]), ts

    def _on_QualityReportOverdue(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._quality(a, block, ts, QUALITY_OVERDUE)["holder"] = a["holder"]
        self._put("quality_defaults", (a["holder"],), block, {"holder": a["holder"], "defaults": int(a["defaults"])})

    def _on_QualityReportFixed(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._quality(a, block, ts, QUALITY_FIXED)
        row["holder"], row["fixed_asset_id"], row["fix_hash"] = a["holder"], int(a["fixedAssetId"]), _hex(
            a["documentHash"])

    def _on_QualityReportRuled(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._quality(a, block, ts, QUALITY_UPHELD if a["upheld"] else QUALITY_DISMISSED)
        row["ruled_by"], row["ruling_hash"] = a["by"], _hex(a["rulingHash"])

    def _on_QualityReportWithdrawn(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._quality(a, block, ts, QUALITY_WITHDRAWN)["withdrawal_hash"] = _hex(a["reasonHash"])

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
        row.update(
            registrars=[],
            threshold=0,
            version=int(a["version"]),
            active=False,
            set_by=a["by"],
            updated_block=block,
            updated_at=ts,
        )

    @staticmethod
    def _certificate(a: Mapping[str, Any]) -> Row:
        c = a["certificate"]
        return {
            "content_hash": _hex(c["contentHash"]), "category": int(c["category"]), "grade": int(c["grade"]),
            "kind": int(c["kind"]), "holding_holder": c["holdingHolder"], "processing_holder": c["processingHolder"],
            "operation_holder": c["operationHolder"], "certificate_serial": int(c["certificateSerial"]),
            "origin_registered_block": int(c["registeredBlock"]), "origin_registered_at": int(c["registeredAt"]),
            "origin_status": int(c["status"]), "issued_block": int(c["issuedBlock"]), "expires_at": int(c["expiresAt"]),
            "certificate_digest": _hex(a["certificateDigest"]), "signers": list(a["signers"]),
        }  # fmt: skip

    def _on_CertificateImported(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        local = int(a["localAssetId"])
        if a["superseded"]:  # a newer certificate of the same origin asset: the record follows it
            row = self._edit("recognised_records", (local,), block)
            row.update(self._certificate(a))
            row["superseded_by"], row["superseded_block"] = a["registrar"], block
            if row["origin_status"] == _ASSET_CANCELLED:
                row["status"] = _RECOGNISED_CANCELLED
            return
        if not a["linked"]:  # registered by this import (registerRecognised): the contract flags it recognised
            self._edit("assets", (local,), block)["recognised"] = True
        self._put("recognised_records", (local,), block, {
            "local_asset_id": local, "origin_chain_id": int(a["originChainId"]),
            "origin_asset_id": int(a["originAssetId"]), "origin_registry": a["originRegistry"],
            **self._certificate(a), "linked": bool(a["linked"]), "status": _RECOGNISED_ACTIVE,
            "imported_by": a["registrar"], "imported_block": block, "imported_at": ts, "superseded_by": None,
            "superseded_block": None, "suspended_by": None, "suspend_reason_hash": None, "suspended_block": None,
            "reinstated_by": None, "reinstate_reason_hash": None, "reinstated_block": None,
        })  # fmt: skip

    # ─────────────────────────────────────────────────────────── governance: the access manager

    def _on_OperationScheduled(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        data = _hex(a["data"])
        op_id = a["operationId"]
        self._put("governance_operations", (op_id,), block, {
            "operation_id": op_id, "nonce": int(a["nonce"]), "caller": a["caller"], "target": a["target"],
            "selector": data[:10], "data": data, "ready_at": int(a["schedule"]), "status": _GOVERNANCE_SCHEDULED,
            "scheduled_block": block, "scheduled_at": ts, "scheduled_tx": ev.tx_hash, "closed_block": None,
            "closed_at": None, "closed_tx": None,
        })  # fmt: skip

    def _close_operation(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int, status: int) -> None:
        row = self._edit("governance_operations", (a["operationId"],), block)
        row.update(status=status, closed_block=block, closed_at=ts, closed_tx=ev.tx_hash)

    def _on_OperationExecuted(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._close_operation(ev, a, block, ts, _GOVERNANCE_EXECUTED)

    def _on_OperationCanceled(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._close_operation(ev, a, block, ts, _GOVERNANCE_CANCELLED)

    def _on_RoleGranted(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        key = (int(a["roleId"]), a["account"])
        if a["newMember"]:
            self._put("governance_roles", key, block, {
                "role_id": key[0], "account": key[1], "member": True, "since": int(a["since"]),
                "execution_delay": int(a["delay"]), "delay_effect": 0, "updated_block": block, "updated_at": ts,
            })  # fmt: skip
            return
        # A member's new execution delay, from ``since`` on (a shorter one only after the difference).
        row = self._edit("governance_roles", key, block)
        row.update(execution_delay=int(a["delay"]), delay_effect=int(a["since"]), updated_block=block, updated_at=ts)

    def _on_RoleRevoked(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("governance_roles", (int(a["roleId"]), a["account"]), block)
        row.update(member=False, since=0, execution_delay=0, delay_effect=0, updated_block=block, updated_at=ts)

    def _role_settings(self, role: int, block: int) -> Row:
        if self._get("governance_role_settings", (role,)) is None:
            self._put("governance_role_settings", (role,), block, {
                "role_id": role, "label": None, "admin_role": 0, "guardian_role": 0, "grant_delay": 0,
                "updated_block": block,
            })  # fmt: skip
        row = self._edit("governance_role_settings", (role,), block)
        row["updated_block"] = block
        return row

    def _on_RoleLabel(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._role_settings(int(a["roleId"]), block)["label"] = a["label"]

    def _on_RoleAdminChanged(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._role_settings(int(a["roleId"]), block)["admin_role"] = int(a["admin"])

    def _on_RoleGuardianChanged(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._role_settings(int(a["roleId"]), block)["guardian_role"] = int(a["guardian"])

    def _on_RoleGrantDelayChanged(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._role_settings(int(a["roleId"]), block)["grant_delay"] = int(a["delay"])

    def _on_TargetFunctionRoleUpdated(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._put("governance_function_roles", (a["target"], a["selector"]), block, {
            "target": a["target"], "selector": a["selector"], "role_id": int(a["roleId"]), "updated_block": block,
        })  # fmt: skip

    def _target(self, target: str, block: int) -> Row:
        if self._get("governance_targets", (target,)) is None:
            self._put("governance_targets", (target,), block, {
                "target": target, "closed": False, "admin_delay": 0, "admin_delay_since": 0,
                "previous_admin_delay": 0, "updated_block": block,
            })  # fmt: skip
        row = self._edit("governance_targets", (target,), block)
        row["updated_block"] = block
        return row

    def _on_TargetClosed(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._target(a["target"], block)["closed"] = bool(a["closed"])

    def _on_TargetAdminDelayUpdated(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        """The new delay applies from ``since`` on; until then the one in force at this event's time does (the
        manager's ``Time.Delay``: the value before, the value after, the effect)."""
        row = self._target(a["target"], block)
        in_force = row["admin_delay"] if row["admin_delay_since"] <= ts else row["previous_admin_delay"]
        row.update(admin_delay=int(a["delay"]), admin_delay_since=int(a["since"]), previous_admin_delay=in_force)

    # ─────────────────────────────────────────────────────────── governance: the officers' Safes

    def _on_SafeSetup(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._put("governance_safes", (ev.contract,), block, {
            "safe": ev.contract, "owners": list(a["owners"]), "threshold": int(a["threshold"]), "nonce": 0,
            "updated_block": block,
        })  # fmt: skip

    def _on_AddedOwner(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("governance_safes", (ev.contract,), block)
        owners = list(row["owners"])
        # A swap puts the new owner in the removed one's place; an addition puts it first (the Safe's list).
        owners.insert(self._removed_at.pop((ev.contract, ev.tx_hash), 0), a["owner"])
        row.update(owners=owners, updated_block=block)

    def _on_RemovedOwner(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("governance_safes", (ev.contract,), block)
        owners = list(row["owners"])
        self._removed_at[(ev.contract, ev.tx_hash)] = owners.index(a["owner"])
        owners.remove(a["owner"])
        row.update(owners=owners, updated_block=block)

    def _on_ChangedThreshold(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("governance_safes", (ev.contract,), block)
        row.update(threshold=int(a["threshold"]), updated_block=block)

    def _on_SafeMultiSigTransaction(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        nonce, sender, threshold = _abi_decode(["uint256", "address", "uint256"], _bytes(a["additionalInfo"]))
        safe = self._edit("governance_safes", (ev.contract,), block)
        safe.update(nonce=int(nonce) + 1, updated_block=block)
        data = _hex(a["data"])
        row: Row = {
            "safe": ev.contract, "nonce": int(nonce), "valid_from_block": block, "valid_to_block": None,
            "safe_tx_hash": ZERO_HASH, "target": a["to"], "selector": data[:10], "data": data,
            "signers": [], "success": False, "sender": to_checksum_address(sender), "tx_hash": ev.tx_hash,
            "timestamp": ts, "_signatures": (_bytes(a["signatures"]), int(threshold)),
        }  # fmt: skip
        self._safe_txs[(ev.contract, ev.tx_hash)] = row
        self._fact("governance_safe_transactions", row)

    def _safe_executed(self, ev: LedgerEvent, a: Mapping[str, Any], success: bool) -> None:
        row = self._safe_txs.pop((ev.contract, ev.tx_hash), None)
        if row is None:  # a module's execution (the manager's) has no Safe transaction of its own
            return
        signatures, threshold = row.pop("_signatures")
        row.update(safe_tx_hash=a["txHash"], success=success,
                   signers=_safe_signers(_bytes(a["txHash"]), signatures, threshold))  # fmt: skip

    def _on_ExecutionSuccess(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._safe_executed(ev, a, True)

    def _on_ExecutionFailure(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        self._safe_executed(ev, a, False)

    def _on_RecognitionSuspended(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("recognised_records", _local(a), block)
        row.update(
            status=_RECOGNISED_SUSPENDED,
            suspended_by=a["by"],
            suspend_reason_hash=_hex(a["reasonHash"]),
            suspended_block=block,
        )
        if not row["linked"]:  # a linked record leaves the registration made here alone
            self._edit("assets", _local(a), block)["suspended"] = True

    def _on_RecognitionReinstated(self, ev: LedgerEvent, a: Mapping[str, Any], block: int, ts: int) -> None:
        row = self._edit("recognised_records", _local(a), block)
        row.update(
            status=_RECOGNISED_ACTIVE,
            reinstated_by=a["by"],
            reinstate_reason_hash=_hex(a["reasonHash"]),
            reinstated_block=block,
        )
        if not row["linked"]:
            self._edit("assets", _local(a), block)["suspended"] = False
