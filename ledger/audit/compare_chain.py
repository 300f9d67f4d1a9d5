"""The replayed state against the contracts' own state: every piece of it, at the same block.

One view call per record: every participant (and every other account the events name: never admitted),
asset (its applicant, the content hash it claims), licence (its children, its territory if sublicensable),
exclusivity record, objection (and each objector's pending ones), authorised-operation approval, revenue-share
configuration of every right of every asset, price band, balance and held revenue shares (of every account
the events name), allowance, settled trade (by its settle-once key), used nonce, mandate, rectification order,
credit record, agreement and recognised registration (and its origin's index), the contracts' counters, the
pause register, the token's supply, the contracts' references to each other against the manifest, and the
governance (the access manager's operations, role members, role settings and function roles, the officers' Safes'
owners, thresholds and nonces). The little state no view
shows is read from storage (``eth_getStorageAt``, slots from the compiler's layout). :data:`COVERAGE` names,
for every state variable of every contract, the records whose checks read it.

Views go out many to an ``eth_call`` through the ViewBatch helper (else one by one) with the block number as
tag. A node that no longer holds the state of that block (anvil after a restart without
``node_preserve_history``) makes the check *not verifiable*, never a difference.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

import sqlalchemy as sa
from eth_abi.exceptions import DecodingError
from eth_utils.address import to_checksum_address

from ledger.audit import viewbatch
from ledger.audit._abi import Unsupported, output_decoder, static_encoder
from ledger.audit.replay import Replay
from ledger.audit.report import CheckStatus, Difference
from ledger.audit.storage import StorageLayout, mapping_slot
from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.codec import ContractCodec
from ledger.contracts.system import GOVERNANCE_SAFES, SYSTEM_CONTRACTS
from ledger.contracts.types import PAUSE_CONTRACTS
from ledger.errors import RpcRemoteError
from ledger.listings import listed_state
from ledger.store import StateView, Store
from ledger.store.schema import STATE_TABLES
from ledger.store.schema import blocks as blocks_table

__all__ = [
    "COVERAGE",
    "WIRING",
    "AuditContext",
    "ChainVerifier",
    "PendingChecks",
    "SlotCheck",
    "ViewCheck",
    "build_checks",
    "iter_checks",
]

logger = logging.getLogger(__name__)

SOURCE: Final = "chain"
ZERO_HASH: Final = "0x" + "00" * 32
ZERO_ADDRESS: Final = "0x0000000000000000000000000000000000000000"
_REVERT_CODE: Final = 3  # JSON-RPC code of an execution revert (with data)
_BATCH: Final = 400
_HELPER_ATTEMPTS: Final = 3  # failed helper batches, none ever answered: the node cannot run it
_LOCATE_AT_MOST: Final = 25  # differences whose first block is searched for (a bisection each)
_KINDS: Final = range(4)  # IAssetRegistry.Kind
_DISCLOSURE_KINDS: Final = range(4)  # IDisclosure.Kind
_DEFAULT_RESPONSE_WINDOW: Final = 15 * 86_400  # DataQuality's, until the authority sets one
_RIGHTS: Final = range(3)  # IAssetRegistry.Right
_ASSET_REGISTERED: Final = 2
_OBJECTION_PENDING: Final = 4
_MANDATE_ACTIVE: Final = 1
_DAY: Final = 86_400
# AssetRegistryBase's flags and record fields (one slot per asset).
_DISPUTED, _FROZEN, _ANONYMISED, _SPLIT, _SUSPENDED, _RECOGNISED = (1 << i for i in range(6))
_RECORD_FIELDS: Final = ("holder", "region", "category", "grade", "kind", "status", "flags", "licensedUntilDay")


@dataclass(frozen=True, slots=True)
class ViewCheck:
    """A view call and the value the replayed state says it must return."""

    record: str
    key: tuple[Any, ...]
    contract: str
    function: str
    args: tuple[Any, ...]
    expected: Any

    @property
    def label(self) -> str:
        return ", ".join(str(k) for k in self.key) if self.key else "-"


def _hash(value: Any) -> str:
    return ZERO_HASH if value is None else str(value).lower()


def _normal(value: Any) -> Any:
    """View output in the store's shapes: bytes as lowercase ``0x`` hex, tuples as lists."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value


# ─────────────────────────────────────────────────────────── expected values per record


def _participant(r: Mapping[str, Any] | None) -> dict[str, Any]:
    if r is None:  # never admitted: the contract's zero record
        return {"roles": 0, "status": 0, "region": 0, "declarations": 0, "admittedAt": 0, "updatedAt": 0, "id": 0,
                "rekeyed": False}  # fmt: skip
    return {
        "roles": r["roles"], "status": r["status"], "region": r["region"], "declarations": r["declarations"],
        "admittedAt": r["admitted_at"], "updatedAt": r["updated_at"], "id": r["participant_id"],
        "rekeyed": r["signing_key"] != r["account"],
    }  # fmt: skip


def _asset(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": r["asset_id"], "contentHash": _hash(r["content_hash"]), "category": r["category"], "grade": r["grade"],
        "kind": r["kind"], "status": r["status"], "region": r["region"], "disputed": bool(r["disputed"]),
        "frozen": bool(r["frozen"]), "anonymised": bool(r["anonymised"]), "holdingHolder": r["holding_holder"],
        "processingHolder": r["processing_holder"], "operationHolder": r["operation_holder"],
        "certificateSerial": r["certificate_serial"], "registeredAt": r["registered_at"],
        "openObjections": r["open_objections"], "suspended": bool(r["suspended"]), "applicant": r["applicant"],
        "licensedUntil": r["licensed_until"],
    }  # fmt: skip


def _licence(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": r["licence_id"], "assetId": r["asset_id"], "licensee": r["licensee"], "right": r["right"],
        "purpose": r["purpose"], "start": r["starts_at"], "end": r["ends_at"], "exclusive": bool(r["exclusive"]),
        "sublicensable": bool(r["sublicensable"]), "transferable": bool(r["transferable"]),
        "crossBorder": bool(r["cross_border"]), "revoked": bool(r["revoked"]), "depth": r["depth"],
        "parentId": r["parent_id"], "sold": bool(r["sold"]), "soldUntil": r["sold_until"],
    }  # fmt: skip


def _territory(r: Mapping[str, Any]) -> list[Any]:
    return [list(r["regions"]), ["0x" + c.encode("ascii").hex() if len(c) == 2 else c for c in r["countries"]]]


def _objection(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "assetId": r["asset_id"], "objector": r["objector"], "status": r["status"], "lodgedAt": r["lodged_at"],
        "evidenceHash": _hash(r["evidence_hash"]),
    }  # fmt: skip


def _order(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "target": r["target"], "status": r["status"], "participant": r["participant"], "assetId": r["asset_id"],
        "issuedBy": r["issued_by"], "openedAt": r["opened_at"], "closedAt": r["closed_at"] or 0,
        "documentHash": _hash(r["document_hash"]), "closingHash": _hash(r["closing_hash"]),
    }  # fmt: skip


def _shares(r: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if r is None:
        return []
    return [{"recipient": s["recipient"], "bps": int(s["bps"])} for s in r["shares"]]


def _exclusivity(r: Mapping[str, Any] | None) -> list[Any]:
    if r is None:
        return [0, 0, 0, []]
    return [r["shared_start"], r["shared_end"], r["live_shared"], [list(e) for e in r["exclusives"]]]


def _agreement(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "originChainId": r["origin_chain_id"], "originRegistry": r["origin_registry"], "threshold": r["threshold"],
        "version": r["version"], "registrars": list(r["registrars"]),
    }  # fmt: skip


def _recognised(r: Mapping[str, Any], asset: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "originChainId": r["origin_chain_id"], "originRegistry": r["origin_registry"],
        "originAssetId": r["origin_asset_id"], "localAssetId": r["local_asset_id"],
        "contentHash": _hash(asset["content_hash"]) if asset else None,
        "certificateSerial": asset["certificate_serial"] if asset else None,
        "certificateDigest": _hash(r["certificate_digest"]), "status": r["status"], "linked": bool(r["linked"]),
        "issuedBlock": r["issued_block"],
    }  # fmt: skip


def _mandate_seller(r: Mapping[str, Any] | None) -> str:
    return r["seller"] if r is not None and r["status"] == _MANDATE_ACTIVE else ZERO_ADDRESS


def _opening_entry(r: Mapping[str, Any] | None) -> dict[str, Any]:
    if r is None:
        return {"department": ZERO_ADDRESS, "targetDate": 0, "year": 0, "status": 0, "assetId": 0, "registeredAt": 0,
                "openedAt": 0}  # fmt: skip
    return {
        "department": r["department"], "targetDate": r["target_date"], "year": r["year"], "status": r["status"],
        "assetId": r["asset_id"] or 0, "registeredAt": r["registered_at"] or 0, "openedAt": r["opened_at"] or 0,
    }  # fmt: skip


def _listed(r: Mapping[str, Any] | None) -> list[Any]:
    digest, version = listed_state(r)
    return ["0x" + digest.hex(), version]


def _credit(r: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"score": r["score"], "events": r["events"]} if r is not None else {"score": 0, "events": 0}


def _accreditation(r: Mapping[str, Any] | None) -> dict[str, Any]:
    if r is None:
        return {"accreditedAt": 0, "expiresAt": 0, "revoked": False, "documentHash": _hash(None)}
    return {"accreditedAt": r["accredited_at"], "expiresAt": r["expires_at"], "revoked": r["revoked"],
            "documentHash": _hash(r["document_hash"])}  # fmt: skip


def _valuation(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"appraiser": r["appraiser"], "assetId": r["asset_id"], "validUntil": r["valid_until"],
            "status": r["status"], "method": r["method"]}  # fmt: skip


def _recognition(r: Mapping[str, Any] | None) -> dict[str, Any]:
    """``recognitionOf``: the asset's latest recognition, standing or derecognised (zeros when it never had one)."""
    if r is None:
        return {"holder": ZERO_ADDRESS, "carryingAmount": 0, "category": 0, "derecognised": False}
    return {"holder": r["holder"], "carryingAmount": int(r["carrying_amount"]), "category": r["category"],
            "derecognised": r["status"] != 1}  # fmt: skip


def _quality_report(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"reporter": r["reporter"], "assetId": r["asset_id"], "deadline": r["deadline"], "status": r["status"]}


def _requirement(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"months": r["months"], "graceDays": r["grace_days"], "since": r["since"]}


def _band(r: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"min": r["min_price"], "max": r["max_price"]} if r is not None else {"min": 0, "max": 0}


def _governance_checks(rows: Any) -> Iterator[ViewCheck]:
    """The governance's state: every operation scheduled at the access manager (how many times, its nonce), every
    member of a role (whether it is one now, its execution delay), every role's admin, guardian and grant delay,
    every target function's role, and each officers' Safe's owners (in the Safe's order), threshold and nonce.
    (A member's delay change that has not taken effect yet, which the ledger's governance never makes, would show
    as a difference until it does.)"""
    m = "AccessManager"
    for (op_id,), r in rows["governance_operations"].items():
        yield ViewCheck("governance_operations", (op_id,), m, "getNonce", (bytes.fromhex(op_id[2:]),), r["nonce"])
    for (role, account), r in rows["governance_roles"].items():
        expected = [True, r["execution_delay"]] if r["member"] else [False, 0]
        yield ViewCheck("governance_roles", (role, account), m, "hasRole", (role, account), expected)
    for (role,), r in rows["governance_role_settings"].items():
        yield ViewCheck("governance_role_settings", (role, "admin"), m, "getRoleAdmin", (role,), r["admin_role"])
        yield ViewCheck("governance_role_settings", (role, "guardian"), m, "getRoleGuardian", (role,),
                        r["guardian_role"])  # fmt: skip
        yield ViewCheck("governance_role_settings", (role, "grant delay"), m, "getRoleGrantDelay", (role,),
                        r["grant_delay"])  # fmt: skip
    for (target, selector), r in rows["governance_function_roles"].items():
        yield ViewCheck("governance_function_roles", (target, selector), m, "getTargetFunctionRole",
                        (target, bytes.fromhex(selector[2:])), r["role_id"])  # fmt: skip
    for (safe,), r in rows["governance_safes"].items():
        yield ViewCheck("governance_safes", (safe, "owners"), safe, "getOwners", (), list(r["owners"]))
        yield ViewCheck("governance_safes", (safe, "threshold"), safe, "getThreshold", (), r["threshold"])
        yield ViewCheck("governance_safes", (safe, "nonce"), safe, "nonce", (), r["nonce"])


def _target_checks(rows: Any, now: int, deployment: Iterable[str]) -> Iterator[ViewCheck]:
    """Each target's settings at the manager: whether it is closed, and its admin delay as the manager reports it at
    the compared block's time ``now`` (the record's delay from its ``admin_delay_since`` on, the previous one
    before), for every target with a record, every target of a function role and every contract of the
    ``deployment`` (addresses): a target without a record is open, with no delay."""
    m = "AccessManager"
    records = rows["governance_targets"]
    every = {t for (t,) in records} | {t for (t, _) in rows["governance_function_roles"]}
    for target in sorted(every | {to_checksum_address(a) for a in deployment}):
        r = records.get((target,))
        closed = bool(r is not None and r["closed"])
        delay = 0 if r is None else r["admin_delay"] if r["admin_delay_since"] <= now else r["previous_admin_delay"]
        yield ViewCheck("governance_targets", (target, "closed"), m, "isTargetClosed", (target,), closed)
        yield ViewCheck("governance_targets", (target, "admin delay"), m, "getTargetAdminDelay", (target,), delay)


def _timestamp(replay: Replay, block: int) -> int:
    """The time of ``block`` (the replayed store's header of it, else of the last block before it it holds)."""
    if block == replay.target.number:
        return replay.target.timestamp
    query = (sa.select(blocks_table.c.timestamp).where(blocks_table.c.number <= block)
             .order_by(blocks_table.c.number.desc()).limit(1))  # fmt: skip
    with replay.store.engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


@dataclass(frozen=True, slots=True)
class _Row:
    """A record checked with one view of one table's row: ``args`` from the key, ``expect`` from the row (None
    when the store has none at that key: the view's value for a record that does not exist)."""

    table: str
    contract: str
    function: str
    args: Callable[[tuple[Any, ...]], tuple[Any, ...]]
    expect: Callable[[Mapping[str, Any] | None], Any]


def _same(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return key


def _bytes32(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return (bytes.fromhex(key[0][2:]),)


# Records whose check is one view of one row (record name -> how); a difference in them is located by bisection.
_ROWS: Final[dict[str, _Row]] = {
    "participants": _Row("participants", "ParticipantRegistry", "getParticipant", _same, _participant),
    "assets": _Row("assets", "AssetRegistry", "getAsset", _same, lambda r: _asset(r) if r else None),
    "asset_applicants": _Row("assets", "AssetRegistry", "applicantOf", _same, lambda r: r["applicant"] if r else None),
    "licences": _Row("licences", "AssetRegistry", "getLicense", _same, lambda r: _licence(r) if r else None),
    "licence_territories": _Row("licences", "AssetRegistry", "territoryOf", _same,
                                lambda r: _territory(r) if r and r["sublicensable"] else [[], []]),
    "licence_exclusivity": _Row("licence_exclusivity", "AssetRegistry", "exclusivityOf", _same, _exclusivity),
    "objections": _Row("objections", "AssetControls", "getObjection", _same, lambda r: _objection(r) if r else None),
    "public_operations": _Row("public_operations", "AssetControls", "publicOperation", _same,
                              lambda r: r["latest_end"] if r else 0),
    "revenue_shares": _Row("revenue_shares", "TradeSettlement", "revenueShares", _same, _shares),
    "price_bands": _Row("price_bands", "TradeSettlement", "priceBand", _same, _band),
    "balances": _Row("balances", "SettlementToken", "balanceOf", _same, lambda r: int(r["balance"]) if r else 0),
    "bank_issuance": _Row("bank_issuance", "SettlementToken", "issuanceOf", _same,
                          lambda r: [int(r["issuance_limit"]), int(r["outstanding"])] if r else [0, 0]),
    "approvals": _Row("approvals", "SettlementToken", "allowance", _same, lambda r: int(r["amount"]) if r else 0),
    "held_shares": _Row("held_shares", "TradeSettlement", "heldShares", _same, lambda r: int(r["amount"]) if r else 0),
    "mandates": _Row("mandates", "MandateRegistry", "sellerOf", _bytes32, _mandate_seller),
    "rectification_orders": _Row("rectification_orders", "Supervision", "getOrder", _same,
                                 lambda r: _order(r) if r else None),
    "credit_scores": _Row("credit_scores", "Supervision", "creditOf", _same, _credit),
    "agreements": _Row("agreements", "Recognition", "getAgreement", _same, lambda r: _agreement(r) if r else None),
    "appraisers": _Row("appraisers", "Valuation", "accreditationOf", _same, _accreditation),
    "valuations": _Row("valuations", "Valuation", "getValuation", _same, lambda r: _valuation(r) if r else None),
    "recognitions": _Row("recognitions", "Valuation", "recognitionOf", _same, _recognition),
    "quality_reports": _Row("quality_reports", "DataQuality", "getReport", _same,
                            lambda r: _quality_report(r) if r else None),
    "quality_defaults": _Row("quality_defaults", "DataQuality", "defaultsOf", _same,
                             lambda r: int(r["defaults"]) if r else 0),
    "disclosure_requirements": _Row("disclosure_requirements", "Disclosure", "requirementOf", _same,
                                    lambda r: _requirement(r) if r else {"months": 0, "graceDays": 0, "since": 0}),
    "listings": _Row("listings", "Listings", "listed", _bytes32, _listed),
    "opening_entries": _Row("opening_entries", "OpeningList", "getEntry", _same, _opening_entry),
}  # fmt: skip

#: Every state variable of every system contract (solc's storage layout) and the records of the audit whose
#: checks read it: ``tests/audit/test_storage_coverage.py`` tampers with a slot of each one on a running chain
#: and expects a difference in one of these records, and fails when a contract has a variable not listed here.
#: AssetRegistryModule runs on AssetRegistry's storage (delegatecall) and declares the same variables.
COVERAGE: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("ParticipantRegistry", "_participants"): ("participants",),
    ("ParticipantRegistry", "_lastId"): ("counters",),
    ("ParticipantRegistry", "_accounts"): ("participant_ids",),
    ("ParticipantRegistry", "_creditCodes"): ("credit_codes",),
    ("ParticipantRegistry", "_identities"): ("participant_keys",),
    ("AssetRegistry", "_counters"): ("counters", "contract_pauses"),  # with the pause register (``paused``)
    ("AssetRegistry", "_assets"): ("assets", "asset_records"),
    ("AssetRegistry", "_contentHashes"): ("assets",),
    ("AssetRegistry", "_registeredIds"): ("content_hashes",),
    ("AssetRegistry", "_meta"): ("assets",),
    ("AssetRegistry", "_applicants"): ("assets", "asset_applicants"),
    ("AssetRegistry", "_splitHolders"): ("assets",),
    ("AssetRegistry", "_licenses"): ("licences",),
    ("AssetRegistry", "_children"): ("licence_children",),
    ("AssetRegistry", "_exclusivity"): ("licence_exclusivity",),
    ("AssetRegistry", "_exclusiveSlots"): ("licence_exclusivity",),
    ("AssetRegistry", "_territories"): ("licence_territories",),
    ("AssetControls", "_objectionCount"): ("counters",),
    ("AssetControls", "_objections"): ("objections",),
    ("AssetControls", "_open"): ("assets",),
    ("AssetControls", "_pending"): ("objection_pending",),
    ("AssetControls", "_pendingOn"): ("objection_pending",),
    ("AssetControls", "_operations"): ("public_operations",),
    ("SettlementToken", "_balances"): ("balances",),
    ("SettlementToken", "_allowances"): ("approvals",),
    ("SettlementToken", "_totalSupply"): ("counters",),
    ("SettlementToken", "_issuance"): ("bank_issuance",),
    ("SettlementToken", "_name"): ("deployment",),
    ("SettlementToken", "_symbol"): ("deployment",),
    ("TradeSettlement", "_nameFallback"): ("unused_storage",),
    ("TradeSettlement", "_versionFallback"): ("unused_storage",),
    ("TradeSettlement", "_settled"): ("trades",),
    ("TradeSettlement", "_shares"): ("revenue_shares",),
    ("TradeSettlement", "_bands"): ("price_bands",),
    ("TradeSettlement", "_nonceBits"): ("used_nonces", "nonce_words"),
    ("TradeSettlement", "_held"): ("held_shares",),
    ("MandateRegistry", "_sellers"): ("mandates",),
    ("Supervision", "_orderCount"): ("counters",),
    ("Supervision", "_orders"): ("rectification_orders",),
    ("Supervision", "_credit"): ("credit_scores",),
    ("Recognition", "_recognisedCount"): ("counters",),
    ("Recognition", "_agreements"): ("agreements",),
    ("Recognition", "_records"): ("recognised_records",),
    ("Recognition", "_imported"): ("recognised_origins",),
    ("Valuation", "_valuationCount"): ("counters",),
    ("Valuation", "_accreditations"): ("appraisers",),
    ("Valuation", "_valuations"): ("valuations",),
    ("Valuation", "_recognitions"): ("recognitions",),
    ("Disclosure", "_disclosureCount"): ("counters",),
    ("Disclosure", "_requirements"): ("disclosure_requirements",),
    ("DataQuality", "_reportCount"): ("counters",),
    ("DataQuality", "_window"): ("counters",),
    ("DataQuality", "_reports"): ("quality_reports",),
    ("DataQuality", "_defaults"): ("quality_defaults",),
    ("Listings", "_nameFallback"): ("unused_storage",),
    ("Listings", "_versionFallback"): ("unused_storage",),
    ("Listings", "_listed"): ("listings",),
    ("OpeningList", "_entryCount"): ("counters",),
    ("OpeningList", "_entries"): ("opening_entries",),
}

#: The contracts' references to each other (immutables): view -> the manifest's contract it must name.
WIRING: Final[tuple[tuple[str, str, str], ...]] = (
    ("AssetRegistry", "participants", "ParticipantRegistry"),
    ("AssetRegistry", "controls", "AssetControls"),
    ("AssetRegistry", "recognition", "Recognition"),
    ("AssetRegistry", "settlement", "TradeSettlement"),
    ("AssetRegistry", "module", "AssetRegistryModule"),
    ("AssetControls", "registry", "AssetRegistry"),
    ("SettlementToken", "settlement", "TradeSettlement"),
    ("TradeSettlement", "mandates", "MandateRegistry"),
    ("TradeSettlement", "listings", "Listings"),
    ("MandateRegistry", "settlement", "TradeSettlement"),
    ("Listings", "settlement", "TradeSettlement"),
)


@dataclass(frozen=True, slots=True)
class AuditContext:
    """What the checks need beyond the replayed state: the deployment's addresses (contract name -> address),
    the contracts' storage layouts (solc's output, for the state no view shows), the constructor arguments
    that set state without an event (``constants``: (contract, view) -> value, e.g. the token's name) and the
    block each contract was deployed in (``deployed_at``: a contract not deployed yet is no target to check)."""

    addresses: Mapping[str, str]
    layouts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    constants: Mapping[tuple[str, str], Any] = field(default_factory=dict)
    deployed_at: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SlotCheck:
    """A storage word (``eth_getStorageAt``) and the value the replayed state says it must hold: for contract
    state that no view shows."""

    record: str
    key: tuple[Any, ...]
    contract: str
    slot: int
    expected: int

    @property
    def label(self) -> str:
        return ", ".join(str(k) for k in self.key) if self.key else "-"


def _rows_by_key(view: StateView, table: str, columns: Sequence[str] | None = None
                 ) -> dict[tuple[Any, ...], dict[str, Any]]:  # fmt: skip
    key = STATE_TABLES[table].key
    return {tuple(r[k] for k in key): r for r in view.rows(table, columns)}


class _TableRows(dict[str, dict[tuple[Any, ...], dict[str, Any]]]):
    """Each state table's visible rows by key, read on first use."""

    _COLUMNS: Final = {"trades": ("trade_key", "timestamp"), "used_nonces": ("account", "nonce")}

    def __init__(self, view: StateView) -> None:
        super().__init__()
        self.view = view

    def __missing__(self, name: str) -> dict[tuple[Any, ...], dict[str, Any]]:
        rows = self[name] = _rows_by_key(self.view, name, self._COLUMNS.get(name))
        return rows


def build_checks(replay: Replay, at_block: int | None = None, context: AuditContext | None = None) -> list[ViewCheck]:
    """Every view check of the replayed state at ``at_block`` (default: the replay's target)."""
    return [c for c in iter_checks(replay, at_block, context) if isinstance(c, ViewCheck)]


def iter_checks(
    replay: Replay, at_block: int | None = None, context: AuditContext | None = None
) -> Iterator[ViewCheck | SlotCheck]:
    """Every check of the replayed state at ``at_block``, one at a time, each table read when its checks come
    up (so that the first checks can be on their way while the rest are built). Without ``context`` the
    checks that need the deployment (its wiring, the constructor's state, storage read directly) are left out."""
    block = replay.target.number if at_block is None else at_block
    rows = _TableRows(replay.store.as_of(block))
    accounts = replay.tracker.accounts

    # Every key a participant signed with names it: the views of records kept under an account read those of its
    # participant's identity for any of its keys.
    keys = rows["participant_keys"]
    identity_of = {address: r["account"] for (address,), r in keys.items()}

    def row_checks(record: str, keys: Iterable[tuple[Any, ...]], *, named: bool = False) -> Iterator[ViewCheck]:
        how = _ROWS[record]
        table = rows[how.table]
        for key in keys:
            row = table.get((identity_of.get(key[0], key[0]),) if named else key)
            yield ViewCheck(record, key, how.contract, how.function, how.args(key), how.expect(row))

    # Participants: every one admitted, and every other account the events name (never admitted: zeros).
    participants = rows["participants"]
    yield from row_checks("participants", sorted(participants.keys() | {(a,) for a in accounts}), named=True)
    for (address,), r in sorted(keys.items()):
        yield ViewCheck("participant_keys", (address,), "ParticipantRegistry", "identityOf", (address,), r["account"])
    # Each organisation's identity: its id names the key it signs with, its credit code names its id; the next id
    # names none.
    for (_,), r in sorted(participants.items(), key=lambda kv: kv[1]["participant_id"]):
        yield ViewCheck("participant_ids", (r["participant_id"],), "ParticipantRegistry", "accountOf",
                        (r["participant_id"],), r["signing_key"])  # fmt: skip
        yield ViewCheck("credit_codes", (r["credit_code_hash"],), "ParticipantRegistry", "idOfCreditCode",
                        (bytes.fromhex(r["credit_code_hash"][2:]),), r["participant_id"])  # fmt: skip
    yield ViewCheck("participant_ids", (len(participants) + 1,), "ParticipantRegistry", "accountOf",
                    (len(participants) + 1,), ZERO_ADDRESS)  # fmt: skip
    assets = rows["assets"]
    yield from row_checks("assets", assets)
    yield from row_checks("asset_applicants", assets)
    # The content hash each registered asset claims (and the freed ones of cancelled assets: 0).
    claimed: dict[str, int] = {}
    for (asset_id,), r in assets.items():
        if r["status"] == _ASSET_REGISTERED or r["content_hash"] not in claimed:
            claimed[r["content_hash"]] = asset_id if r["status"] == _ASSET_REGISTERED else 0
    for content_hash, asset_id in claimed.items():
        yield ViewCheck("content_hashes", (content_hash,), "AssetRegistry", "assetIdOf",
                        (bytes.fromhex(content_hash[2:]),), asset_id)  # fmt: skip

    licences = rows["licences"]
    yield from row_checks("licences", licences)
    children: dict[int, list[int]] = {lid: [] for (lid,) in licences}
    for (lid,), r in sorted(licences.items()):
        if r["parent_id"]:
            children.setdefault(int(r["parent_id"]), []).append(lid)
    for lid, kids in children.items():  # in grant order (ids grow)
        yield ViewCheck("licence_children", (lid,), "AssetRegistry", "childrenOf", (lid,), kids)
    # Territories are kept for sublicensable licences only (the parents a sublicence is held within).
    yield from row_checks("licence_territories", (k for k, r in licences.items() if r["sublicensable"]))
    yield from row_checks("licence_exclusivity", rows["licence_exclusivity"])

    objections = rows["objections"]
    yield from row_checks("objections", objections)
    pending: dict[str, list[tuple[int, int]]] = {}
    for (objection_id,), r in objections.items():
        if r["status"] == _OBJECTION_PENDING:
            pending.setdefault(r["objector"], []).append((int(r["asset_id"]), objection_id))
    for objector, asset_id in sorted({(r["objector"], int(r["asset_id"])) for r in objections.values()}):
        mine = pending.get(objector, [])
        on = next((o for a, o in mine if a == asset_id), 0)
        yield ViewCheck("objection_pending", (objector, asset_id), "AssetControls", "pendingOf", (objector, asset_id),
                        [len(mine), on])  # fmt: skip
    yield from row_checks("public_operations", rows["public_operations"])

    # Revenue shares of every right of every asset (none set: an empty list), price bands of every kind.
    yield from row_checks("revenue_shares", ((a, right) for (a,) in assets for right in _RIGHTS))
    yield from row_checks("price_bands", ((kind,) for kind in _KINDS))
    # Money: balances and held shares of every account the events name, every allowance.
    yield from row_checks("balances", sorted({(a,) for a in accounts} | rows["balances"].keys()), named=True)
    yield from row_checks("held_shares", sorted({(a,) for a in accounts} | rows["held_shares"].keys()), named=True)
    # Each bank's issuance limit and outstanding issuance (none set: zero), of every account the events name.
    yield from row_checks("bank_issuance", sorted({(a,) for a in accounts} | rows["bank_issuance"].keys()),
                          named=True)  # fmt: skip
    yield from row_checks("approvals", rows["approvals"])
    for (key,), r in rows["trades"].items():
        yield ViewCheck("trades", (key,), "TradeSettlement", "settledAt", (bytes.fromhex(key[2:]),), r["timestamp"])
    words: dict[tuple[str, int], int] = {}
    for account, nonce in rows["used_nonces"]:
        nonce = int(nonce)
        yield ViewCheck("used_nonces", (account, nonce), "TradeSettlement", "nonceUsed", (account, nonce), True)
        words[(account, nonce >> 8)] = words.get((account, nonce >> 8), 0) | 1 << (nonce & 0xFF)
    yield from row_checks("mandates", rows["mandates"])

    yield from row_checks("rectification_orders", rows["rectification_orders"])
    yield from row_checks("credit_scores", sorted(participants.keys() | rows["credit_scores"].keys()))

    # Valuation: every accreditation (and every participant's: none), report and recognition (every asset's: a
    # never recognised one has none either).
    yield from row_checks("appraisers", sorted(participants.keys() | rows["appraisers"].keys()), named=True)
    yield from row_checks("valuations", rows["valuations"])
    yield from row_checks("recognitions", sorted(assets.keys() | rows["recognitions"].keys()))
    # Disclosure: the requirement of every kind (none set: zeros).
    yield from row_checks("disclosure_requirements", ((kind,) for kind in _DISCLOSURE_KINDS))
    # Data quality: every report, every participant's defaults (none: zero).
    yield from row_checks("quality_reports", rows["quality_reports"])
    yield from row_checks("quality_defaults", sorted(participants.keys() | rows["quality_defaults"].keys()),
                          named=True)  # fmt: skip
    # Listings: every listing's sale digest (while listed) and version.
    yield from row_checks("listings", rows["listings"])
    # The opening lists: every entry.
    yield from row_checks("opening_entries", rows["opening_entries"])

    yield from row_checks("agreements", rows["agreements"])
    for (local,), r in rows["recognised_records"].items():
        yield ViewCheck("recognised_records", (local,), "Recognition", "getRecognised", (local,),
                        _recognised(r, assets.get((local,))))  # fmt: skip
        origin = (r["origin_chain_id"], r["origin_registry"], int(r["origin_asset_id"]))
        yield ViewCheck("recognised_origins", origin, "Recognition", "localAssetOf", origin, local)

    yield from _governance_checks(rows)
    # The targets of the deployment deployed by then: the ledger's contracts, the manager itself, the officers' Safes.
    deployed = context.deployed_at if context is not None else {}
    deployment = (context.addresses[n] for n in (*SYSTEM_CONTRACTS, "AccessManager", *GOVERNANCE_SAFES)
                  if context is not None and n in context.addresses and deployed.get(n, 0) <= block)  # fmt: skip
    yield from _target_checks(rows, _timestamp(replay, block), deployment)
    # The pause register (kept by the registry): the contracts whose latest pause event paused them.
    yield ViewCheck("contract_pauses", ("register",), "AssetRegistry", "pausedContracts", (), _register(rows))

    balances = sum(int(r["balance"]) for r in rows["balances"].values())
    outstanding = sum(int(r["outstanding"]) for r in rows["bank_issuance"].values())
    counters = (
        ("ParticipantRegistry", "participantCount", len(participants)),
        ("AssetRegistry", "assetCount", len(assets)), ("AssetRegistry", "licenseCount", len(licences)),
        ("AssetControls", "objectionCount", len(objections)),
        ("Supervision", "orderCount", len(rows["rectification_orders"])),
        ("Recognition", "recognisedCount", len(rows["recognised_records"])),
        ("Valuation", "valuationCount", len(rows["valuations"])),
        ("Disclosure", "disclosureCount", len(rows["disclosures"])),
        ("DataQuality", "reportCount", len(rows["quality_reports"])),
        ("OpeningList", "entryCount", len(rows["opening_entries"])),
        ("DataQuality", "responseWindow",
         int(w["value"]) if (w := rows["quality_settings"].get(("response_window",))) else _DEFAULT_RESPONSE_WINDOW),
        ("SettlementToken", "totalSupply", balances),
    )  # fmt: skip
    # Every token in circulation is some bank's outstanding issuance (a bank redeems only what it issued).
    yield ViewCheck("counters", ("outstanding issuance",), "SettlementToken", "totalSupply", (), outstanding)
    for contract, fn, expected in counters:
        yield ViewCheck("counters", (fn,), contract, fn, (), expected)

    if context is None:
        return
    for contract, fn, target in WIRING:
        if target in context.addresses:
            yield ViewCheck("deployment", (f"{contract}.{fn}",), contract, fn, (),
                            to_checksum_address(context.addresses[target]))  # fmt: skip
    for (contract, fn), value in sorted(context.constants.items()):
        yield ViewCheck("deployment", (f"{contract}.{fn}",), contract, fn, (), value)
    yield from _slot_checks(context, assets, licences, words, _register(rows))


def _register(rows: Mapping[str, Mapping[tuple[Any, ...], Mapping[str, Any]]]) -> int:
    """The pause register the replayed contract_pauses records add up to."""
    return sum(int(bit) for bit, name in PAUSE_CONTRACTS.items()
               if (r := rows["contract_pauses"].get((name,))) is not None and r["paused"])  # fmt: skip


def _slot_checks(
    context: AuditContext,
    assets: Mapping[tuple[Any, ...], Mapping[str, Any]],
    licences: Mapping[tuple[Any, ...], Mapping[str, Any]],
    words: Mapping[tuple[str, int], int],
    paused: int,
) -> Iterator[SlotCheck]:
    """The state no view shows, read from storage: the registry's certificate counter (in the word of the counters
    and the pause register) and each asset's flags that
    its rights were ever held apart and that it was registered by recognition (checked with the whole record's
    word), TradeSettlement's nonce words (all 256 bits, not only the nonces used) and its EIP-712 name and version
    fallbacks (unused: both are short), and the listings contract's."""
    if "AssetRegistry" in context.layouts:
        layout = StorageLayout(context.layouts["AssetRegistry"])
        c = {m: layout.member("_counters", m) for m in ("licenses", "assets", "certificates", "paused")}
        serial = max((int(r["certificate_serial"]) for r in assets.values()), default=0)
        counters = c["licenses"].write(0, len(licences))
        counters = c["certificates"].write(c["assets"].write(counters, len(assets)), serial)
        counters = c["paused"].write(counters, paused)
        yield SlotCheck("counters", ("AssetRegistry._counters",), "AssetRegistry", layout.slot("_counters"), counters)
        fields = {m: layout.member("_assets", m) for m in _RECORD_FIELDS}
        base = layout.slot("_assets")
        for (asset_id,), r in assets.items():
            flags = (
                _DISPUTED * bool(r["disputed"]) | _FROZEN * bool(r["frozen"]) | _ANONYMISED * bool(r["anonymised"])
                | _SPLIT * bool(r["rights_split"]) | _SUSPENDED * bool(r["suspended"])
                | _RECOGNISED * bool(r["recognised"])
            )  # fmt: skip
            values = {
                "holder": int(r["holding_holder"], 16), "region": r["region"], "category": r["category"],
                "grade": r["grade"], "kind": r["kind"], "status": r["status"], "flags": flags,
                "licensedUntilDay": int(r["licensed_until"]) // _DAY,
            }  # fmt: skip
            word = 0
            for name, member in fields.items():
                word = member.write(word, values[name])
            yield SlotCheck("asset_records", (asset_id,), "AssetRegistry", mapping_slot(base, asset_id), word)
    if "TradeSettlement" in context.layouts:
        layout = StorageLayout(context.layouts["TradeSettlement"])
        for label in ("_nameFallback", "_versionFallback"):
            yield SlotCheck("unused_storage", (f"TradeSettlement.{label}",), "TradeSettlement", layout.slot(label), 0)
        base = layout.slot("_nonceBits")
        for (account, word), bits in sorted(words.items()):
            yield SlotCheck("nonce_words", (account, word), "TradeSettlement", mapping_slot(base, account, word), bits)
    if "Listings" in context.layouts:
        layout = StorageLayout(context.layouts["Listings"])
        for label in ("_nameFallback", "_versionFallback"):
            yield SlotCheck("unused_storage", (f"Listings.{label}",), "Listings", layout.slot(label), 0)


class ChainVerifier:
    """Runs :class:`ViewCheck` s and :class:`SlotCheck` s against a node at a block, in batches. ``deployed_at``
    (contract name -> block of its deployment) leaves out the checks of contracts not deployed yet at the block
    checked. ``layouts`` (contract name -> solc's storage layout) and ``constants`` (see :class:`AuditContext`)
    add the checks of the deployment: the contracts' wiring, what their constructors set, the state read from
    storage."""

    def __init__(
        self,
        rpc: JsonRpcClient,
        codecs: Mapping[str, ContractCodec],
        addresses: Mapping[str, str],
        deployed_at: Mapping[str, int] | None = None,
        *,
        batch_views: bool = True,
        layouts: Mapping[str, Mapping[str, Any]] | None = None,
        constants: Mapping[tuple[str, str], Any] | None = None,
    ) -> None:
        self.rpc = rpc
        self.codecs = codecs
        self.addresses = addresses
        self.deployed_at = dict(deployed_at or {})
        self.context = AuditContext(addresses, dict(layouts or {}), dict(constants or {}), self.deployed_at)
        # Views run many to an eth_call through the ViewBatch helper (see ledger.audit.viewbatch) until
        # the node shows it cannot (no state overrides): then one eth_call each.
        self.batch_views = batch_views
        self._helper_worked = False
        self._helper_failures = 0
        self._encoders: dict[tuple[str, str], tuple[bytes, Callable[[Sequence[Any]], bytes] | None]] = {}
        self._decoders: dict[tuple[str, str], Callable[[bytes], Any] | None] = {}

    def _encode(self, check: ViewCheck) -> bytes:
        ident = (check.contract, check.function)
        found = self._encoders.get(ident)
        if found is None:
            fn = self.codecs[check.contract].functions[check.function]
            try:
                encoder: Callable[[Sequence[Any]], bytes] | None = static_encoder(fn.input_types)
            except Unsupported:
                encoder = None
            found = self._encoders[ident] = (fn.selector, encoder)
        selector, encoder = found
        if encoder is not None:
            try:
                return selector + encoder(check.args)
            except Unsupported:
                pass
        return self.codecs[check.contract].encode_call(check.function, *check.args)

    def _decode(self, check: ViewCheck, raw: bytes) -> Any:
        """The view's output as the checks compare it: the fast decoder's, else (types it does not
        handle, or data it leaves to eth_abi's strict decoder) the codec's, normalised."""
        ident = (check.contract, check.function)
        if ident not in self._decoders:
            try:
                self._decoders[ident] = output_decoder(self.codecs[check.contract].functions[check.function].outputs)
            except Unsupported:
                self._decoders[ident] = None
        decoder = self._decoders[ident]
        if decoder is not None:
            try:
                return decoder(raw)
            except Unsupported:
                pass
        return _normal(self.codecs[check.contract].decode_output(check.function, raw))

    def _request(self, check: ViewCheck, block: int) -> tuple[str, list[Any]]:
        data = "0x" + self._encode(check).hex()
        return "eth_call", [{"to": self.addresses[check.contract], "data": data}, hex(block)]

    def has_state(self, block: int) -> bool:
        """Whether the node can run calls against the state of ``block`` (anvil forgets old states on restart)."""
        probe = ViewCheck("probe", (), "AssetRegistry", "assetCount", (), None)
        try:
            self.rpc.call(*self._request(probe, block))
        except RpcRemoteError as exc:
            if exc.code == _REVERT_CODE:
                return True
            logger.info("no state for block %d on the node: %s", block, exc, extra={"block": block})
            return False
        return True

    def call(self, checks: Sequence[ViewCheck], block: int) -> list[Any]:
        """The normalised outputs of ``checks`` at ``block`` (an :class:`RpcRemoteError` where a call failed)."""
        out: list[Any] = []
        for i in range(0, len(checks), _BATCH):
            out.extend(self._call_batch(checks[i : i + _BATCH], block))
        return out

    def _call_batch(self, part: Sequence[ViewCheck], block: int) -> list[Any]:
        if self.batch_views:
            try:
                out = self._call_through_helper(part, block)
                self._helper_worked = True
                return out
            except (RpcRemoteError, ValueError) as exc:  # no state overrides, out of gas, a strange answer
                self._helper_failures += 1
                if not self._helper_worked and self._helper_failures >= _HELPER_ATTEMPTS:
                    self.batch_views = False
                logger.info("views through the ViewBatch helper failed (%s); calling them one by one", exc)
        return self._call_one_by_one(part, block)

    def _call_through_helper(self, part: Sequence[ViewCheck], block: int) -> list[Any]:
        targets = [self.addresses[c.contract] for c in part]
        method, params = viewbatch.request(targets, [self._encode(c) for c in part], block)
        answer = self.rpc.call(method, params, exact=False)  # a hex string, checked below
        if not isinstance(answer, str) or answer[:2] != "0x":
            raise ValueError(f"ViewBatch answer is not hex: {answer!r:.80}")
        results = viewbatch.decode_results(bytes.fromhex(answer[2:]), len(part))
        return [
            self._outcome(check, data) if ok else RpcRemoteError(
                f"eth_call: execution reverted (data 0x{data.hex()[:200]})", method="eth_call", code=_REVERT_CODE,
                data="0x" + data.hex(),
            )
            for check, (ok, data) in zip(part, results, strict=True)
        ]  # fmt: skip

    def _call_one_by_one(self, part: Sequence[ViewCheck], block: int) -> list[Any]:
        answers = self.rpc.batch([self._request(c, block) for c in part], return_exceptions=True, exact=False)
        return [
            answer if isinstance(answer, Exception) else self._outcome(check, answer)
            for check, answer in zip(part, answers, strict=True)
        ]

    def _outcome(self, check: ViewCheck, data: Any) -> Any:
        """A view's return data (bytes, or the node's answer: 0x hex) decoded, or the exception that
        decoding raised (empty data: no code at that block yet; an answer that is not hex)."""
        try:
            raw = bytes.fromhex(data[2:]) if isinstance(data, str) else data
            if not isinstance(raw, bytes):
                raise TypeError(f"eth_call answered {data!r:.80}, not hex data")
            return self._decode(check, raw)
        except (DecodingError, ValueError, TypeError) as exc:
            return exc

    def run(self, replay: Replay, block: int | None = None) -> tuple[CheckStatus, list[Difference]]:
        """All checks of the replayed state at ``block`` (default the target); differences located."""
        return self.start(replay, block).result()

    def start(self, replay: Replay, block: int | None = None, *, threads: int = 2) -> PendingChecks:
        """Builds the checks of the replayed state at ``block`` (here, reading the replayed store) and
        sends their batches from ``threads`` background threads: while one waits for the node, another
        encodes or decodes, and the caller may go on with other work (the index comparison) meanwhile."""
        at = replay.target.number if block is None else block
        if not self.has_state(at):
            return PendingChecks(self, replay, at, None, [])
        pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="audit-views")
        checks: list[ViewCheck] = []
        slots: list[SlotCheck] = []
        futures: list[Future[list[Any]]] = []
        try:
            for check in iter_checks(replay, at, self.context):  # each batch goes out as soon as it is built
                if self.deployed_at.get(check.contract, 0) > at:
                    continue
                if isinstance(check, SlotCheck):
                    slots.append(check)
                    continue
                checks.append(check)
                if len(checks) % _BATCH == 0:
                    futures.append(pool.submit(self._call_batch, checks[-_BATCH:], at))
            if len(checks) % _BATCH:
                futures.append(pool.submit(self._call_batch, checks[len(futures) * _BATCH :], at))
            slot_futures = [
                pool.submit(self.read_slots, slots[i : i + _BATCH], at) for i in range(0, len(slots), _BATCH)
            ]
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        finally:
            pool.shutdown(wait=False)  # the threads end with the last batch
        return PendingChecks(self, replay, at, checks, futures, slots, slot_futures)

    def read_slots(self, part: Sequence[SlotCheck], block: int) -> list[Any]:
        """The storage words of ``part`` at ``block`` (ints; an exception where a read failed)."""
        answers = self.rpc.batch(
            [("eth_getStorageAt", [self.addresses[c.contract], hex(c.slot), hex(block)]) for c in part],
            return_exceptions=True, exact=False,
        )  # fmt: skip
        out: list[Any] = []
        for answer in answers:
            try:
                out.append(answer if isinstance(answer, Exception) else int(answer, 16))
            except (TypeError, ValueError) as exc:
                out.append(exc)
        return out

    # ─────────────────────────────────────────────────────────── locating

    def locate(
        self, replay: Replay, found: list[tuple[ViewCheck | SlotCheck, Difference]], at: int
    ) -> list[Difference]:
        """Sets ``first_block`` of the differences of versioned records (a bisection over the blocks
        where the node still has state; facts show from the block that wrote them)."""
        out: list[Difference] = []
        searched: dict[tuple[str, tuple[Any, ...]], int | None] = {}
        for check, d in found:
            ident = (check.record, check.key)
            if ident not in searched:
                searched[ident] = self._first_block(replay, check, at) if len(searched) < _LOCATE_AT_MOST else None
            first = searched[ident]
            out.append(Difference(d.source, d.record, d.key, d.field, d.expected, d.actual, first, d.note))
        return out

    def _first_block(self, replay: Replay, check: ViewCheck | SlotCheck, at: int) -> int | None:
        record = check.record
        if record in ("trades", "used_nonces"):  # facts: there from the block that wrote them
            return _created(replay.store, record, check.key)
        if isinstance(check, SlotCheck) or (record not in _ROWS and record != "licence_children"):
            return None  # counters, pending objections, the deployment...: no one record's history to search
        table = "licences" if record == "licence_children" else _ROWS[record].table
        probe = _Prober(self, replay, record, check.key)
        lo = _created(replay.store, table, check.key)
        if lo is None or lo >= at:
            return at
        if not self.has_state(lo):
            return None
        if probe.differs(lo):
            return lo
        hi = at
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if probe.differs(mid):
                hi = mid
            else:
                lo = mid
        return hi


@dataclass
class PendingChecks:
    """Checks on their way (:meth:`ChainVerifier.start`): :meth:`result` waits for the answers and compares,
    :meth:`cancel` drops the batches not sent yet. ``checks`` is None when the node holds no state of the block;
    ``futures`` answer ``checks`` in order, a batch each, and ``slot_futures`` the ``slots``."""

    verifier: ChainVerifier
    replay: Replay
    block: int
    checks: list[ViewCheck] | None
    futures: list[Future[list[Any]]]
    slots: list[SlotCheck] = field(default_factory=list)
    slot_futures: list[Future[list[Any]]] = field(default_factory=list)

    def result(self) -> tuple[CheckStatus, list[Difference]]:
        """The status and the differences (located), once every batch has been answered."""
        if self.checks is None:
            detail = f"not verifiable against the chain at block {self.block} (no historical state)"
            return CheckStatus("not_verifiable", 0, detail), []
        found: list[tuple[ViewCheck | SlotCheck, Difference]] = []
        pairs: list[tuple[Sequence[ViewCheck | SlotCheck], list[Future[list[Any]]]]] = [
            (self.checks, self.futures), (self.slots, self.slot_futures),
        ]  # fmt: skip
        for checks, futures in pairs:
            pending = iter(checks)
            for future in futures:
                for got in future.result():
                    check = next(pending)
                    found.extend((check, d) for d in _differences(check, got))
        located = self.verifier.locate(self.replay, found, self.block)
        total = len(self.checks) + len(self.slots)
        return CheckStatus("differences" if located else "ok", total), located

    def cancel(self) -> None:
        for future in (*self.futures, *self.slot_futures):
            future.cancel()


class _Prober:
    """Evaluates one record's check at any block: the replayed store as of the block against the view."""

    def __init__(self, verifier: ChainVerifier, replay: Replay, record: str, key: tuple[Any, ...]) -> None:
        self.verifier = verifier
        self.replay = replay
        self.record = record
        self.key = key

    def differs(self, block: int) -> bool:
        check = check_at(self.replay, self.record, self.key, block)
        if check is None:
            return False
        got = self.verifier.call([check], block)[0]
        return bool(_differences(check, got))


def check_at(replay: Replay, record: str, key: tuple[Any, ...], block: int) -> ViewCheck | None:
    """The check of one record (of :data:`_ROWS`, or a licence's children) as the replayed state stood at ``block``."""
    view = replay.store.as_of(block)
    if record == "licence_children":
        kids = [int(r["licence_id"]) for r in view.find_licences(parent_id=int(key[0]))]
        return ViewCheck(record, key, "AssetRegistry", "childrenOf", key, sorted(kids))
    how = _ROWS[record]
    return ViewCheck(record, key, how.contract, how.function, how.args(key), how.expect(view.row(how.table, key)))


def _created(store: Store, table: str, key: tuple[Any, ...]) -> int | None:
    """The block of the record's first version in the replayed store (None: it has none)."""
    st = STATE_TABLES[table]
    t = st.table
    cond = [t.c[k] == v for k, v in zip(st.key, key, strict=True)]
    with store.engine.connect() as conn:
        value = conn.execute(sa.select(sa.func.min(t.c.valid_from_block)).where(*cond)).scalar_one_or_none()
    return None if value is None else int(value)


def _differences(check: ViewCheck | SlotCheck, got: Any) -> list[Difference]:
    key = check.label
    if isinstance(check, SlotCheck):
        where = f"{check.contract} storage slot 0x{check.slot:x}"
        if isinstance(got, Exception):
            reason = " ".join(str(got).split())[:200]
            return [Difference(SOURCE, check.record, key, "storage", f"0x{check.expected:064x}", None, None,
                               f"reading {where} failed: {reason}")]  # fmt: skip
        if got != check.expected:
            return [Difference(SOURCE, check.record, key, "storage", f"0x{check.expected:064x}", f"0x{got:064x}",
                               None, where)]  # fmt: skip
        return []
    if isinstance(got, Exception):
        reason = " ".join(str(got).split())[:200]
        return [Difference(SOURCE, check.record, key, None, check.expected, None, None,
                           f"{check.contract}.{check.function} failed: {reason}")]  # fmt: skip
    expected = check.expected
    if isinstance(expected, dict) and isinstance(got, dict):
        return [
            Difference(SOURCE, check.record, key, name, value, got.get(name))
            for name, value in expected.items()
            if got.get(name) != value
        ]
    if expected != got:
        return [Difference(SOURCE, check.record, key, None, expected, got)]
    return []
