"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Three kinds of table:

* bookkeeping: ``blocks`` (indexed headers), ``events`` (every decoded log, append-only) and
  ``checkpoint`` (one row: the last block whose events are all in the store);
* versioned state (:data:`VERSIONED`): one row per version of a record, keyed by the record's id
  and ``valid_from_block``; ``valid_to_block`` is NULL for the current version and otherwise the
  block of the next version. The version visible at block N is the one with
  ``valid_from_block <= N < coalesce(valid_to_block, infinity)``;
* facts (:data:`FACTS`): rows that never change once written (trades, payments, declarations,
  freeze actions, credit events, ...). They carry the same two columns (``valid_to_block`` stays
  NULL) so that point-in-time reads and reorg rollback treat every state table alike.

Types: addresses are checksummed ``0x`` strings, hashes ``0x`` hex strings, token amounts and
other uint256 values :class:`Uint256` (NUMERIC(78,0) on PostgreSQL), enum values their
``uint8`` code, timestamps unix seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

__all__ = [
    "FACTS",
    "STATE_TABLES",
    "VERSIONED",
    "StateTable",
    "Uint256",
    "agreements",
    "api_key_usage",
    "api_keys",
    "bank_issuance",
    "blocks",
    "checkpoint",
    "contract_pauses",
    "crosscheck_reports",
    "crosscheck_results",
    "events",
    "gateway_rate_limits",
    "gateway_requests",
    "governance_function_roles",
    "governance_operations",
    "governance_proposals",
    "governance_role_settings",
    "governance_roles",
    "governance_safe_transactions",
    "governance_safes",
    "governance_targets",
    "indexer_head",
    "indexer_leader",
    "metadata",
    "recognised_records",
    "revenue_totals",
    "trade_aggregates",
]

_INT64_MAX: Final = (1 << 63) - 1
_UINT256_DIGITS: Final = 78


class _SqliteUint256(UserDefinedType[Any]):
    """Declared ``BLOB`` so that SQLite applies no numeric affinity (which would turn big integers into REAL)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "BLOB"


class Uint256(TypeDecorator[int]):
    """An unsigned 256-bit integer, exact on both backends.

    PostgreSQL: ``NUMERIC(78, 0)``. SQLite has no such type: values that fit in a signed 64-bit
    integer are stored as INTEGER, larger ones as 78-digit zero-padded decimal TEXT, in a column
    without affinity. SQLite orders every INTEGER before every TEXT and padded TEXT by value, so
    comparisons and ORDER BY stay exact.
    """

    impl = sa.Numeric(_UINT256_DIGITS, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SqliteUint256())
        return dialect.type_descriptor(sa.Numeric(_UINT256_DIGITS, 0, asdecimal=True))

    def process_bind_param(self, value: int | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite" or value <= _INT64_MAX:
            return value
        return str(value).zfill(_UINT256_DIGITS)

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)


def _address() -> sa.String:
    return sa.String(42)


def _hash() -> sa.String:
    return sa.String(66)


_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# ─────────────────────────────────────────────────────────── bookkeeping

blocks = sa.Table(
    "blocks",
    metadata,
    sa.Column("number", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("hash", _hash(), nullable=False),
    sa.Column("parent_hash", _hash(), nullable=False),
    sa.Column("timestamp", sa.BigInteger, nullable=False),
    sa.Index(None, "timestamp"),  # the API's ?at=<time>
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("block_number", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("log_index", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("block_hash", _hash(), nullable=False),
    sa.Column("tx_hash", _hash(), nullable=False),
    sa.Column("contract", sa.String(64), nullable=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("args", _JSON, nullable=False),
    # The event's ``assetId`` argument, if it has one: an asset's history without scanning the JSON.
    sa.Column("asset_id", sa.BigInteger, nullable=True),
    sa.Index(None, "name", "block_number"),
    sa.Index(None, "asset_id", "block_number", "log_index"),
    sa.Index(None, "tx_hash"),
)

checkpoint = sa.Table(
    "checkpoint",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("block_number", sa.BigInteger, nullable=False),
    sa.Column("block_hash", _hash(), nullable=False),
)

# The newest chain head the indexer saw (one row), so that readers can tell its lag without asking
# the chain. Not state: a rollback leaves it alone, the next poll overwrites it.
indexer_head = sa.Table(
    "indexer_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("chain_id", sa.BigInteger, nullable=False),
    sa.Column("block_number", sa.BigInteger, nullable=False),
    sa.Column("block_hash", _hash(), nullable=False),
    sa.Column("timestamp", sa.BigInteger, nullable=False),
    sa.Column("observed_at", sa.Float, nullable=False),
)

# The indexer that leads (one row): indexers of one PostgreSQL store elect a leader with an advisory lock,
# and each write of the leader checks that the epoch is still its own (ledger.indexer.leader). Not state:
# a rollback leaves it alone. Migration 0008_indexer_leader.
indexer_leader = sa.Table(
    "indexer_leader",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("epoch", sa.BigInteger, nullable=False),
    sa.Column("holder", sa.String(256), nullable=False),
    sa.Column("since", sa.Float, nullable=False),
)


# ─────────────────────────────────────────────────────────── state


def _history_columns(*, in_key: bool) -> list[sa.Column[Any]]:
    return [
        sa.Column("valid_from_block", sa.BigInteger, primary_key=in_key, autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger, nullable=True),
    ]


def _versioned(
    name: str, key: list[sa.Column[Any]], *columns: sa.Column[Any], indexes: list[str | tuple[str, ...]]
) -> sa.Table:
    for c in key:
        c.primary_key = True
        c.autoincrement = False
    return sa.Table(
        name,
        metadata,
        *key,
        *_history_columns(in_key=True),
        *columns,
        *(sa.Index(None, *((c,) if isinstance(c, str) else c)) for c in indexes),
        sa.Index(None, "valid_from_block"),
        # Only closed versions: a reorg rollback reopens the versions closed above its target.
        sa.Index(
            None,
            "valid_to_block",
            sqlite_where=sa.text("valid_to_block IS NOT NULL"),
            postgresql_where=sa.text("valid_to_block IS NOT NULL"),
        ),
    )


def _fact(
    name: str,
    key: list[sa.Column[Any]],
    *columns: sa.Column[Any],
    indexes: list[str | tuple[str, ...]],
    block_in_key: bool = False,
) -> sa.Table:
    for c in key:
        c.primary_key = True
        c.autoincrement = False
    return sa.Table(
        name,
        metadata,
        *key,
        *_history_columns(in_key=block_in_key),
        *columns,
        *(sa.Index(None, *((c,) if isinstance(c, str) else c)) for c in indexes),
        sa.Index(None, "valid_from_block"),
    )


def _c(name: str, type_: Any, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, type_, nullable=nullable)


participants = _versioned(
    "participants",
    [_c("account", _address())],
    _c("name", sa.String(256)),
    _c("roles", sa.Integer),
    _c("region", sa.Integer),
    _c("status", sa.SmallInteger),
    _c("declarations", sa.Integer),
    _c("status_reason_hash", _hash(), nullable=True),
    _c("admitted_by", _address()),
    _c("admitted_block", sa.BigInteger),
    _c("admitted_at", sa.BigInteger),
    _c("updated_block", sa.BigInteger),
    _c("updated_at", sa.BigInteger),
    # The organisation's participant id and the hash of its unified social credit code: never NULL (migration 0014
    # refuses a store indexed before them); nullable only because SQLite adds a NOT NULL column to a table only
    # with a default, and a rebuild of the table would have to carry its partial index.
    _c("participant_id", sa.Integer, nullable=True),
    _c("credit_code_hash", _hash(), nullable=True),
    # The key that signs for it now (its account, the identity under which every record names it, until its first
    # key change): never NULL, nullable for the reason above (migration 0015 fills it in).
    _c("signing_key", _address(), nullable=True),
    indexes=["region", "status", "roles", "participant_id", "credit_code_hash"],
)

# Every key a participant ever signed with, its identity's own included (ParticipantAdmitted, ParticipantKeyChanged):
# which participant an address names, and since when and until when it signed for it.
participant_keys = _versioned(
    "participant_keys",
    [_c("address", _address())],
    _c("account", _address()),
    _c("participant_id", sa.Integer),
    _c("added_block", sa.BigInteger),
    _c("added_at", sa.BigInteger),
    # The key change that made it the participant's key (NULL for the identity's own key, given at admission):
    # the council's decision for a recovery (zero for a planned change) and who made it (the authority, or the old
    # key).
    _c("reason_hash", _hash(), nullable=True),
    _c("added_by", _address()),
    _c("replaced_block", sa.BigInteger, nullable=True),
    _c("replaced_at", sa.BigInteger, nullable=True),
    indexes=["account"],
)

declarations = _fact(
    "declarations",
    [_c("account", _address()), _c("seq", sa.Integer)],
    _c("document_hash", _hash()),
    _c("timestamp", sa.BigInteger),
    _c("tx_hash", _hash()),
    indexes=[],
)

assets = _versioned(
    "assets",
    [_c("asset_id", sa.BigInteger)],
    _c("content_hash", _hash()),
    _c("name", sa.String(512)),
    _c("category", sa.SmallInteger),
    _c("grade", sa.SmallInteger),
    _c("kind", sa.SmallInteger),
    _c("region", sa.Integer),
    _c("status", sa.SmallInteger),
    _c("metadata_uri", sa.String(1024)),
    _c("metadata_hash", _hash()),
    _c("applicant", _address()),
    _c("holding_holder", _address()),
    _c("processing_holder", _address()),
    _c("operation_holder", _address()),
    _c("disputed", sa.Boolean),
    _c("frozen", sa.Boolean),
    _c("anonymised", sa.Boolean),
    # Recognition suspension (RecognitionSuspended / RecognitionReinstated of a recognised, not linked, asset).
    _c("suspended", sa.Boolean),
    # Registered by recognition of another province's certificate (CertificateImported, not linked): its rights
    # follow the origin's certificates and are not transferred here (the contract's recognised flag; never cleared).
    _c("recognised", sa.Boolean),
    # The end, rounded up to a whole UTC day, of the latest-ending top-level licence ever granted (never falls).
    _c("licensed_until", sa.BigInteger),
    # The contract's split flag: set once the processing or operation right was ever held apart from the
    # holding right (at application, at import, or by any right transfer); never cleared.
    _c("rights_split", sa.Boolean),
    _c("open_objections", sa.Integer),
    _c("certificate_serial", sa.BigInteger),
    _c("registrar", _address(), nullable=True),
    _c("review_hash", _hash(), nullable=True),
    _c("registered_block", sa.BigInteger, nullable=True),
    _c("registered_at", sa.BigInteger),
    _c("applied_block", sa.BigInteger),
    _c("applied_at", sa.BigInteger),
    _c("anonymisation_report_hash", _hash(), nullable=True),
    _c("cancel_reason_hash", _hash(), nullable=True),
    # Filter columns paired with the key: the API's filtered lists walk them in key order (keyset
    # pagination) instead of sorting every match.
    indexes=[
        "content_hash",
        ("holding_holder", "asset_id"),
        ("processing_holder", "asset_id"),
        ("operation_holder", "asset_id"),
        ("category", "asset_id"),
        ("grade", "asset_id"),
        ("kind", "asset_id"),
        ("region", "asset_id"),
        ("status", "asset_id"),
        "registered_at",
        "certificate_serial",
    ],
)

licences = _versioned(
    "licences",
    [_c("licence_id", sa.BigInteger)],
    _c("asset_id", sa.BigInteger),
    _c("licensee", _address()),
    _c("licensor", _address()),
    _c("parent_id", sa.BigInteger),
    _c("depth", sa.SmallInteger),
    _c("right", sa.SmallInteger),
    _c("purpose", sa.Integer),
    _c("starts_at", sa.BigInteger),
    _c("ends_at", sa.BigInteger),
    _c("exclusive", sa.Boolean),
    _c("sublicensable", sa.Boolean),
    _c("transferable", sa.Boolean),
    _c("cross_border", sa.Boolean),
    _c("regions", _JSON),
    _c("countries", _JSON),
    _c("terms_hash", _hash()),
    _c("revoked", sa.Boolean),
    _c("revoked_by", _address(), nullable=True),
    _c("revoke_reason_hash", _hash(), nullable=True),
    _c("revoked_block", sa.BigInteger, nullable=True),
    # Delivered by a settlement (TradeSettled names it): a buyer paid for it, so its licensor cannot revoke it.
    _c("sold", sa.Boolean),
    # The latest end of the sublicences sold under it, at any depth (0: none): until then its licensee and
    # licensor cannot end it (LicenseSublicenceSold), only the authority.
    _c("sold_until", sa.BigInteger),
    _c("granted_block", sa.BigInteger),
    _c("granted_at", sa.BigInteger),
    indexes=["asset_id", "licensee", "licensor", "parent_id"],
)

# One row per settled trade, keyed as the contract settles it once: keccak256(abi.encode(exchange, tradeId))
# on an exchange, keccak256(abi.encode(address(0), seller, buyer, tradeId)) off exchange (TradeSettlement.tradeKey).
trades = _fact(
    "trades",
    [_c("trade_key", _hash())],
    _c("trade_id", _hash()),
    _c("asset_id", sa.BigInteger),
    _c("exchange", _address()),
    _c("on_exchange", sa.Boolean),
    _c("seller", _address()),
    _c("buyer", _address()),
    _c("price", Uint256()),
    _c("fee", Uint256()),
    _c("seller_amount", Uint256()),
    _c("right", sa.SmallInteger),
    _c("licence_id", sa.BigInteger),
    # The seller's mandate, or the exchange's listing, the sale used (MandateRegistry, Listings: ``listed``); NULL for
    # a signed consent or an off-exchange trade.
    _c("mandate_id", _hash(), nullable=True),
    _c("listed", sa.Boolean),  # migration 0019_listings
    _c("timestamp", sa.BigInteger),
    _c("tx_hash", _hash()),
    _c("log_index", sa.Integer),
    indexes=["trade_id", "asset_id", "seller", "buyer", ("exchange", "valid_from_block", "log_index"), "timestamp"],
)

# What a trade paid: the seller (kind "seller"), the exchange's fee ("fee") and each revenue share
# ("revenue_share"; ``held``: the recipient was not active and the settlement contract holds it).
payments = _fact(
    "payments",
    [_c("trade_key", _hash()), _c("kind", sa.String(16)), _c("payee", _address())],
    _c("trade_id", _hash()),
    _c("amount", Uint256()),
    _c("held", sa.Boolean),
    _c("tx_hash", _hash()),
    _c("log_index", sa.Integer),
    indexes=["payee"],
)

# Per asset and right (the revenue shares of sales of that right).
revenue_shares = _versioned(
    "revenue_shares",
    [_c("asset_id", sa.BigInteger), _c("right", sa.SmallInteger)],
    _c("shares", _JSON),
    _c("total_bps", sa.Integer),
    _c("set_by", _address()),
    indexes=[],
)

balances = _versioned(
    "balances",
    [_c("account", _address())],
    _c("balance", Uint256()),
    indexes=[],
)

# Each settlement bank's issuance (IssuanceLimitSet, Issued, Redeemed): the limit the council set, what it has
# outstanding (issued less redeemed, what its reserves back), the reserve attestation its latest issuance named.
# Migration 0010_bank_issuance.
bank_issuance = _versioned(
    "bank_issuance",
    [_c("bank", _address())],
    _c("issuance_limit", Uint256()),
    _c("outstanding", Uint256()),
    _c("issued_total", Uint256()),
    _c("redeemed_total", Uint256()),
    _c("reserve_hash", _hash(), nullable=True),
    _c("limit_set_by", _address(), nullable=True),
    _c("updated_block", sa.BigInteger),
    indexes=[],
)

# The ledger's pause register (AssetControls' ContractsPaused and ContractsUnpaused; the register itself is kept by
# the asset registry), one record per contract (its name in the manifest, a name of PAUSE_CONTRACTS) whose pause
# ever changed: whether it is paused, and who changed that, why (the reason's hash) and when. A contract without a
# record was never paused. Migration 0012_contract_pauses.
contract_pauses = _versioned(
    "contract_pauses",
    [_c("contract", sa.String(32))],
    _c("paused", sa.Boolean),
    _c("reason_hash", _hash()),
    _c("changed_by", _address()),
    _c("changed_block", sa.BigInteger),
    indexes=[],
)

# The token's allowances: set by Approval events, less what on-exchange settlements spent (the buyer's
# allowance to the exchange; an unlimited one stays). A plain transferFrom spends one without an event.
approvals = _versioned(
    "approvals",
    [_c("owner", _address()), _c("spender", _address())],
    _c("amount", Uint256()),
    indexes=["spender"],
)

objections = _versioned(
    "objections",
    [_c("objection_id", sa.BigInteger)],
    _c("asset_id", sa.BigInteger),
    _c("objector", _address()),
    _c("status", sa.SmallInteger),
    _c("evidence_hash", _hash()),
    _c("lodged_block", sa.BigInteger),
    _c("lodged_at", sa.BigInteger),
    # A pending objection (lodged without standing) accepted by a registrar: open from then on.
    _c("accepted_by", _address(), nullable=True),
    _c("accept_decision_hash", _hash(), nullable=True),
    _c("accepted_block", sa.BigInteger, nullable=True),
    _c("accepted_at", sa.BigInteger, nullable=True),
    _c("resolved_by", _address(), nullable=True),
    _c("decision_hash", _hash(), nullable=True),
    _c("resolved_block", sa.BigInteger, nullable=True),
    _c("resolved_at", sa.BigInteger, nullable=True),
    indexes=["asset_id", "objector", "status"],
)

freezes = _fact(
    "freezes",
    [_c("asset_id", sa.BigInteger), _c("log_index", sa.Integer)],
    _c("frozen", sa.Boolean),
    _c("by", _address()),
    _c("reason_hash", _hash()),
    _c("timestamp", sa.BigInteger),
    _c("tx_hash", _hash()),
    indexes=[],
    block_in_key=True,
)

rectification_orders = _versioned(
    "rectification_orders",
    [_c("order_id", sa.BigInteger)],
    _c("target", sa.SmallInteger),
    _c("participant", _address()),
    _c("asset_id", sa.BigInteger),
    _c("issued_by", _address()),
    _c("status", sa.SmallInteger),
    _c("document_hash", _hash()),
    _c("opened_block", sa.BigInteger),
    _c("opened_at", sa.BigInteger),
    _c("closed_by", _address(), nullable=True),
    _c("closing_hash", _hash(), nullable=True),
    _c("closed_block", sa.BigInteger, nullable=True),
    _c("closed_at", sa.BigInteger),
    indexes=["participant", "asset_id", "status"],
)

credit_events = _fact(
    "credit_events",
    [_c("participant", _address()), _c("seq", sa.Integer)],
    _c("code", sa.Integer),
    _c("delta", sa.BigInteger),
    _c("score", sa.BigInteger),
    _c("document_hash", _hash()),
    _c("recorded_by", _address()),
    _c("timestamp", sa.BigInteger),
    _c("tx_hash", _hash()),
    indexes=["code"],
)

# ─────────────────────────────────────────────────────────── valuation and accounting recognition (art. 19)

# Accredited appraisers (资产评估机构), by identity. Migration 0016_valuation.
appraisers = _versioned(
    "appraisers",
    [_c("appraiser", _address())],
    _c("accredited_at", sa.BigInteger),
    _c("accredited_block", sa.BigInteger),
    _c("expires_at", sa.BigInteger),
    _c("document_hash", _hash()),
    _c("accredited_by", _address()),
    _c("revoked", sa.Boolean),
    _c("revoked_at", sa.BigInteger, nullable=True),
    _c("revoked_by", _address(), nullable=True),
    _c("revocation_hash", _hash(), nullable=True),
    indexes=["expires_at"],
)

# Valuation reports: every figure of the filing (the contract keeps only what its rules read).
valuations = _versioned(
    "valuations",
    [_c("valuation_id", sa.BigInteger)],
    _c("asset_id", sa.BigInteger),
    _c("appraiser", _address()),
    _c("method", sa.SmallInteger),
    _c("value", Uint256()),
    _c("currency", sa.String(3)),
    _c("base_date", sa.BigInteger),
    _c("valid_until", sa.BigInteger),
    _c("content_hash", _hash()),
    _c("report_hash", _hash()),
    _c("status", sa.SmallInteger),
    _c("filed_block", sa.BigInteger),
    _c("filed_at", sa.BigInteger),
    _c("closed_by", _address(), nullable=True),
    _c("closing_hash", _hash(), nullable=True),
    _c("closed_block", sa.BigInteger, nullable=True),
    _c("closed_at", sa.BigInteger, nullable=True),
    indexes=[("asset_id", "valuation_id"), ("appraiser", "valuation_id"), "status"],
)

# Each asset's recognition (入表) in its holder's accounts; ``status`` 2 once derecognised.
recognitions = _versioned(
    "recognitions",
    [_c("asset_id", sa.BigInteger)],
    _c("holder", _address()),
    _c("status", sa.SmallInteger),
    _c("category", sa.SmallInteger),
    _c("carrying_amount", Uint256()),
    _c("valuation_id", sa.BigInteger),
    _c("period_start", sa.BigInteger),
    _c("period_end", sa.BigInteger),
    _c("auditor_hash", _hash()),
    _c("recognised_block", sa.BigInteger),
    _c("recognised_at", sa.BigInteger),
    _c("updated_at", sa.BigInteger),
    indexes=[("holder", "status"), "status"],
)

# Every change of a recognition: recognised, remeasured, carried over, derecognised (``kind``).
recognition_events = _fact(
    "recognition_events",
    [_c("asset_id", sa.BigInteger), _c("log_index", sa.Integer)],
    _c("kind", sa.SmallInteger),
    _c("holder", _address()),
    _c("counterpart", _address(), nullable=True),
    _c("category", sa.SmallInteger, nullable=True),
    _c("measurement", sa.SmallInteger, nullable=True),
    _c("reason", sa.SmallInteger, nullable=True),
    _c("previous_amount", Uint256(), nullable=True),
    _c("carrying_amount", Uint256()),
    _c("valuation_id", sa.BigInteger, nullable=True),
    _c("document_hash", _hash()),
    _c("timestamp", sa.BigInteger),
    _c("tx_hash", _hash()),
    indexes=["holder", "timestamp"],
    block_in_key=True,
)

# ─────────────────────────────────────────────────────────── information disclosure (art. 25)

# How often exchanges must disclose each kind (every ``months`` calendar months, due ``grace_days`` after each
# period; ``months`` 0: not required), with its history: the calendar applies each version to the periods that
# begin from its ``since``. Migration 0017_disclosure.
disclosure_requirements = _versioned(
    "disclosure_requirements",
    [_c("kind", sa.SmallInteger)],
    _c("months", sa.SmallInteger),
    _c("grace_days", sa.Integer),
    _c("since", sa.BigInteger),
    _c("set_by", _address()),
    indexes=[],
)

# The exchanges' disclosures (never changed: a correction is a later disclosure of the same kind and period).
disclosures = _fact(
    "disclosures",
    [_c("disclosure_id", sa.BigInteger)],
    _c("exchange", _address()),
    _c("kind", sa.SmallInteger),
    _c("period_start", sa.BigInteger),
    _c("period_end", sa.BigInteger),
    _c("document_hash", _hash()),
    _c("filed_at", sa.BigInteger),
    _c("tx_hash", _hash()),
    indexes=[("exchange", "kind", "period_start"), ("kind", "period_start"), "filed_at"],
)

# ─────────────────────────────────────────────────────────── data quality (art. 9)

# Quality reports against assets' content, with every answer, fix, ruling or withdrawal. Migration 0018_data_quality.
quality_reports = _versioned(
    "quality_reports",
    [_c("report_id", sa.BigInteger)],
    _c("asset_id", sa.BigInteger),
    _c("reporter", _address()),
    _c("content_hash", _hash()),
    _c("problem", sa.SmallInteger),
    _c("severity", sa.SmallInteger),
    _c("evidence_hash", _hash()),
    _c("deadline", sa.BigInteger),
    _c("status", sa.SmallInteger),
    _c("filed_block", sa.BigInteger),
    _c("filed_at", sa.BigInteger),
    _c("holder", _address(), nullable=True),  # who answered, defaulted or fixed it: the holding right's holder then
    _c("answer_hash", _hash(), nullable=True),
    _c("answered_at", sa.BigInteger, nullable=True),
    _c("fixed_asset_id", sa.BigInteger, nullable=True),
    _c("fix_hash", _hash(), nullable=True),
    _c("ruled_by", _address(), nullable=True),
    _c("ruling_hash", _hash(), nullable=True),
    _c("withdrawal_hash", _hash(), nullable=True),
    _c("updated_at", sa.BigInteger),
    indexes=[("asset_id", "report_id"), ("content_hash",), ("reporter", "report_id"), ("status", "deadline")],
)

# Each holder's quality defaults (reports left unanswered past their deadline).
quality_defaults = _versioned(
    "quality_defaults",
    [_c("holder", _address())],
    _c("defaults", sa.BigInteger),
    indexes=[],
)

# The holders' response window the authority set (none: the contract's default).
quality_settings = _versioned(
    "quality_settings",
    [_c("name", sa.String(32))],
    _c("value", sa.BigInteger),
    _c("set_by", _address()),
    indexes=[],
)

# ─────────────────────────────────────────────────────────── exchange listings (art. 16-17)

# Each exchange's product listings: a version per amendment, delisting or withdrawal, and per sale (``sales`` counts
# the trades that referenced it). ``seller`` is the seller's identity, ``seller_key`` the key that signed; ``terms``
# the licence template (start and end zero); ``status`` listed (0), delisted by the exchange (1) or withdrawn by the
# seller (2). Migration 0019_listings.
listings = _versioned(
    "listings",
    [_c("listing_key", _hash())],
    _c("exchange", _address()),
    _c("listing_id", _hash()),
    _c("seller", _address()),
    _c("seller_key", _address()),
    _c("asset_id", sa.BigInteger),
    _c("delivery", sa.SmallInteger),
    _c("right", sa.SmallInteger),
    _c("parent_licence_id", sa.BigInteger),
    _c("terms", _JSON),
    _c("max_duration", sa.BigInteger),
    _c("min_price", Uint256()),
    _c("max_price", Uint256()),
    _c("min_net", Uint256()),
    _c("starts_at", sa.BigInteger),
    _c("ends_at", sa.BigInteger),
    _c("version", sa.BigInteger),
    _c("document_hash", _hash()),
    _c("status", sa.SmallInteger),
    _c("listed_block", sa.BigInteger),
    _c("listed_at", sa.BigInteger),
    _c("amended_at", sa.BigInteger),
    _c("ended_by", _address(), nullable=True),
    _c("end_hash", _hash(), nullable=True),
    _c("ended_at", sa.BigInteger, nullable=True),
    _c("sales", sa.BigInteger),
    _c("last_sale_at", sa.BigInteger, nullable=True),
    indexes=[("exchange", "listed_block"), ("asset_id",), ("seller",), ("status", "ends_at")],
)

# ─────────────────────────────────────────────────────────── the public-data opening list (art. 10)

# Each year's published lists (a list may be published in parts: each publication is a row). Migration 0020.
opening_lists = _fact(
    "opening_lists",
    [_c("first_entry_id", sa.BigInteger)],
    _c("year", sa.Integer),
    _c("list_hash", _hash()),
    _c("entries", sa.Integer),
    _c("published_by", _address()),
    _c("published_at", sa.BigInteger),
    _c("tx_hash", _hash()),
    indexes=["year"],
)

# The lists' entries and their progress: ``status`` planned (1), registered (2: ``asset_id`` linked), opened (3:
# ``evidence`` 0 a licence, 1 a listing; ``evidence_ref`` the licence id or the listing key), withdrawn (4).
opening_entries = _versioned(
    "opening_entries",
    [_c("entry_id", sa.BigInteger)],
    _c("year", sa.Integer),
    _c("department", _address()),
    _c("description_hash", _hash()),
    _c("target_date", sa.BigInteger),
    _c("status", sa.SmallInteger),
    _c("asset_id", sa.BigInteger, nullable=True),
    _c("registered_at", sa.BigInteger, nullable=True),
    _c("opened_at", sa.BigInteger, nullable=True),
    _c("evidence", sa.SmallInteger, nullable=True),
    _c("evidence_ref", _hash(), nullable=True),
    _c("opened_by", _address(), nullable=True),
    _c("withdrawal_hash", _hash(), nullable=True),
    _c("withdrawn_at", sa.BigInteger, nullable=True),
    _c("published_block", sa.BigInteger),
    _c("published_at", sa.BigInteger),
    indexes=[("year", "department"), ("department",), ("asset_id",), ("status", "target_date")],
)

credit_scores = _versioned(
    "credit_scores",
    [_c("participant", _address())],
    _c("score", sa.BigInteger),
    _c("events", sa.Integer),
    indexes=["score"],
)

price_bands = _versioned(
    "price_bands",
    [_c("kind", sa.SmallInteger)],
    _c("min_price", Uint256()),
    _c("max_price", Uint256()),
    _c("set_by", _address()),
    indexes=[],
)

# Every nonce bit TradeSettlement wrote (NonceUsed): invalidated by its account, or used by either party of an
# off-exchange trade.
used_nonces = _fact(
    "used_nonces",
    [_c("account", _address()), _c("nonce", Uint256())],
    _c("timestamp", sa.BigInteger),
    _c("tx_hash", _hash()),
    indexes=[],
)

# Revenue shares held for recipients that were not active when paid, until the recipient claims them once active
# again (HeldSharesClaimed) or the authority releases a revoked recipient's to another account (HeldSharesReleased).
held_shares = _versioned(
    "held_shares",
    [_c("account", _address())],
    _c("amount", Uint256()),
    _c("total_held", Uint256()),
    _c("total_claimed", Uint256()),
    _c("total_released", Uint256()),
    indexes=[],
)

# Each release of a revoked recipient's held shares by the authority (HeldSharesReleased): all it held, paid to
# ``to`` on the decision whose hash it records.
held_share_releases = _fact(
    "held_share_releases",
    [_c("recipient", _address()), _c("log_index", sa.Integer)],
    _c("to", _address()),
    _c("amount", Uint256()),
    _c("by", _address()),
    _c("decision_hash", _hash()),
    _c("timestamp", sa.BigInteger),
    _c("tx_hash", _hash()),
    indexes=["to"],
    block_in_key=True,
)

# Standing mandates of sellers to exchanges (MandateRegistry), keyed by their id (the hash of their terms).
# ``status`` 1 in force, 2 revoked (a revoked mandate may be granted again: a new version).
mandates = _versioned(
    "mandates",
    [_c("mandate_id", _hash())],
    _c("seller", _address()),
    _c("exchange", _address()),
    _c("asset_id", Uint256()),
    _c("delivery", sa.SmallInteger),
    _c("right", sa.SmallInteger),
    _c("parent_licence_id", Uint256()),
    _c("terms", _JSON),
    _c("max_duration", sa.BigInteger),
    _c("min_net", Uint256()),
    _c("expiry", sa.BigInteger),
    _c("salt", Uint256()),
    _c("status", sa.SmallInteger),
    _c("granted_block", sa.BigInteger),
    _c("granted_at", sa.BigInteger),
    _c("revoked_block", sa.BigInteger, nullable=True),
    _c("revoked_at", sa.BigInteger, nullable=True),
    indexes=["seller", "exchange", "asset_id"],
)

# Trades of a non-atomic batch that were refused (TradeRefused, from TradeSettlement or MandateRegistry):
# ``reason`` is the encoded error (0x hex), ``item_index`` the trade's index in the batch.
trade_refusals = _fact(
    "trade_refusals",
    [_c("tx_hash", _hash()), _c("log_index", sa.Integer)],
    _c("trade_id", _hash()),
    _c("exchange", _address()),
    _c("source", sa.String(64)),
    _c("item_index", sa.BigInteger),
    _c("reason", sa.Text),
    _c("timestamp", sa.BigInteger),
    indexes=["trade_id", "exchange"],
)

# The authority's approvals of authorised-operation licences of public data (AssetControls), keyed as the
# contract keys them. ``latest_end`` is the view's value (0 once used or withdrawn); ``status`` 1 authorised,
# 2 used (by licence ``licence_id``), 3 withdrawn.
public_operations = _versioned(
    "public_operations",
    [
        _c("asset_id", sa.BigInteger),
        _c("operator", _address()),
        _c("right", sa.SmallInteger),
        _c("purpose", sa.Integer),
    ],
    _c("latest_end", sa.BigInteger),
    _c("status", sa.SmallInteger),
    _c("decision_hash", _hash()),
    _c("authorised_by", _address()),
    _c("authorised_block", sa.BigInteger),
    _c("authorised_at", sa.BigInteger),
    _c("licence_id", sa.BigInteger, nullable=True),
    _c("closed_block", sa.BigInteger, nullable=True),
    indexes=["operator"],
)

# The registry's exclusivity record per (asset, right, purpose, parent licence): the span of the live shared
# licences (zeros once none is live), how many are live, and the kept exclusive licences as
# [[start, end, licence id], ...] in the contract's slot order (pruned of ended ones at every grant under the
# key, a revoked one swapped with the last). AssetRegistry.exclusivityOf returns the same.
licence_exclusivity = _versioned(
    "licence_exclusivity",
    [
        _c("asset_id", sa.BigInteger),
        _c("right", sa.SmallInteger),
        _c("purpose", sa.Integer),
        _c("parent_id", sa.BigInteger),
    ],
    _c("shared_start", sa.BigInteger),
    _c("shared_end", sa.BigInteger),
    _c("live_shared", sa.Integer),
    _c("exclusives", _JSON),
    indexes=[],
)

# Cross-province recognition (contracts/Recognition.sol). Migration 0004_recognition.
agreements = _versioned(
    "agreements",
    [_c("origin_chain_id", sa.BigInteger)],
    _c("origin_registry", _address()),
    _c("registrars", _JSON),
    _c("threshold", sa.SmallInteger),
    _c("version", sa.Integer),
    _c("active", sa.Boolean),
    _c("set_by", _address()),
    _c("updated_block", sa.BigInteger),
    _c("updated_at", sa.BigInteger),
    indexes=[],
)

# Keyed by the local asset (Recognition._records); (origin chain, origin registry, origin asset) names the
# origin (Recognition.localAssetOf). The certificate fields are those of the certificate in force (a newer
# one supersedes it); values signed by the origin that may exceed 64 bits are Uint256.
recognised_records = _versioned(
    "recognised_records",
    [_c("local_asset_id", sa.BigInteger)],
    _c("origin_chain_id", sa.BigInteger),
    _c("origin_asset_id", Uint256()),
    _c("origin_registry", _address()),
    _c("content_hash", _hash()),
    _c("category", sa.SmallInteger),
    _c("grade", sa.SmallInteger),
    _c("kind", sa.SmallInteger),
    _c("holding_holder", _address()),
    _c("processing_holder", _address()),
    _c("operation_holder", _address()),
    _c("certificate_serial", Uint256()),
    _c("origin_registered_block", Uint256()),
    _c("origin_registered_at", Uint256()),
    # The origin asset's status in the certificate (2 registered, 4 cancelled), the origin block whose state it
    # states (a certificate of a later block supersedes it) and its expiry time.
    _c("origin_status", sa.SmallInteger),
    _c("issued_block", Uint256()),
    _c("expires_at", Uint256()),
    _c("certificate_digest", _hash()),
    _c("signers", _JSON),
    _c("linked", sa.Boolean),
    # 1 active, 2 suspended, 3 cancelled (a newer certificate said the origin cancelled the asset).
    _c("status", sa.SmallInteger),
    _c("imported_by", _address()),
    _c("imported_block", sa.BigInteger),
    _c("imported_at", sa.BigInteger),
    _c("superseded_by", _address(), nullable=True),
    _c("superseded_block", sa.BigInteger, nullable=True),
    _c("suspended_by", _address(), nullable=True),
    _c("suspend_reason_hash", _hash(), nullable=True),
    _c("suspended_block", sa.BigInteger, nullable=True),
    _c("reinstated_by", _address(), nullable=True),
    _c("reinstate_reason_hash", _hash(), nullable=True),
    _c("reinstated_block", sa.BigInteger, nullable=True),
    indexes=[("origin_chain_id", "origin_registry", "origin_asset_id"), "content_hash", "status"],
)

# ─────────────────────────────────────────────────────────── trade aggregates

# Running totals kept by the store in the same transaction as the trades and payments they sum
# (ledger.store.aggregates), versioned per block like every state record, so that a point-in-time read,
# a reorg rollback and the audit replay treat them alike. Migration 0006_trade_aggregates.

# Trades per UTC day, asset category (the asset's at the trade's block), exchange (the zero address for
# off-exchange trades) and right sold: count, sum of prices, exchange fees, revenue shares paid out at
# settlement and revenue shares held for recipients that were not active (the split of the prices is
# seller amounts + fees + revenue shares + held shares).
trade_aggregates = _versioned(
    "trade_aggregates",
    [_c("day", sa.BigInteger), _c("category", sa.SmallInteger), _c("exchange", _address()),
     _c("right", sa.SmallInteger)],
    _c("trades", sa.BigInteger),
    _c("volume", Uint256()),
    _c("fees", Uint256()),
    _c("revenue_shares", Uint256()),
    _c("held_shares", Uint256()),
    indexes=[],
)  # fmt: skip
# The current totals by day, without walking the closed versions.
sa.Index(
    "ix_trade_aggregates_current_day",
    trade_aggregates.c.day,
    sqlite_where=sa.text("valid_to_block IS NULL"),
    postgresql_where=sa.text("valid_to_block IS NULL"),
)

# Settlement payments received per payee, asset and right sold: as seller, as exchange fees, as revenue
# shares paid out at settlement, and as revenue shares held for it at settlement while it was not active
# (what happens to those later, claimed or released, is ``held_shares``: per account, not per asset).
revenue_totals = _versioned(
    "revenue_totals",
    [_c("payee", _address()), _c("asset_id", sa.BigInteger), _c("right", sa.SmallInteger)],
    _c("seller", Uint256()),
    _c("fee", Uint256()),
    _c("revenue_share", Uint256()),
    _c("held", Uint256()),
    _c("payments", sa.BigInteger),
    indexes=["asset_id"],
)


# The governance (the access manager and the officers' Safes). Migration 0009_governance.

# Operations scheduled at the access manager, keyed by the manager's operation id (a hash of the caller, target
# and call data): the latest scheduling of it (``nonce``), when it may be executed (``ready_at``), and whether it
# was executed or cancelled. 1 scheduled, 2 executed, 3 cancelled; a scheduled one expires a week after it is
# ready (the manager's ``expiration()``), which a reader tells from the time.
governance_operations = _versioned(
    "governance_operations",
    [_c("operation_id", _hash())],
    _c("nonce", sa.BigInteger),
    _c("caller", _address()),
    _c("target", _address()),
    _c("selector", sa.String(10)),
    _c("data", sa.Text),
    _c("ready_at", sa.BigInteger),
    _c("status", sa.SmallInteger),
    _c("scheduled_block", sa.BigInteger),
    _c("scheduled_at", sa.BigInteger),
    _c("scheduled_tx", _hash()),
    _c("closed_block", sa.BigInteger, nullable=True),
    _c("closed_at", sa.BigInteger, nullable=True),
    _c("closed_tx", _hash(), nullable=True),
    indexes=["status", "target", "ready_at"],
)

# Members of the manager's roles (0 admin, 1 council, 2 guardian, 3 emergency...): since when, with which
# execution delay (the last one granted; ``delay_effect``: when it takes effect, 0 for a new member).
governance_roles = _versioned(
    "governance_roles",
    [_c("role_id", Uint256()), _c("account", _address())],
    _c("member", sa.Boolean),
    _c("since", sa.BigInteger),
    _c("execution_delay", sa.BigInteger),
    _c("delay_effect", sa.BigInteger),
    _c("updated_block", sa.BigInteger),
    _c("updated_at", sa.BigInteger),
    indexes=["account"],
)

# Each role's label, admin role, guardian role and grant delay, as last set.
governance_role_settings = _versioned(
    "governance_role_settings",
    [_c("role_id", Uint256())],
    _c("label", sa.String(256), nullable=True),
    _c("admin_role", Uint256()),
    _c("guardian_role", Uint256()),
    _c("grant_delay", sa.BigInteger),
    _c("updated_block", sa.BigInteger),
    indexes=[],
)

# The role each function of each target requires at the manager (``setTargetFunctionRole``).
governance_function_roles = _versioned(
    "governance_function_roles",
    [_c("target", _address()), _c("selector", sa.String(10))],
    _c("role_id", Uint256()),
    _c("updated_block", sa.BigInteger),
    indexes=["role_id"],
)

# The officers' Safes, by their name in the deployment: owners (in the Safe's order) and threshold, and how many
# Safe transactions each executed (its nonce).
governance_safes = _versioned(
    "governance_safes",
    [_c("safe", sa.String(32))],
    _c("owners", _JSON),
    _c("threshold", sa.Integer),
    _c("nonce", sa.BigInteger),
    _c("updated_block", sa.BigInteger),
    indexes=[],
)

# Each target's settings at the manager (``setTargetClosed``, ``setTargetAdminDelay``), one record per target whose
# settings ever changed: whether it is closed (every restricted call to it refused), and its admin delay as the
# manager keeps it: ``admin_delay`` from ``admin_delay_since`` on, ``previous_admin_delay`` before that (the delay
# in force when it was set). A target without a record is open, with no admin delay. Migration
# 0013_governance_targets.
governance_targets = _versioned(
    "governance_targets",
    [_c("target", _address())],
    _c("closed", sa.Boolean),
    _c("admin_delay", sa.BigInteger),
    _c("admin_delay_since", sa.BigInteger),
    _c("previous_admin_delay", sa.BigInteger),
    _c("updated_block", sa.BigInteger),
    indexes=[],
)

# Every transaction an officers' Safe executed: the call it made (to the manager), the Safe transaction's hash and
# the officers whose signatures carried it.
governance_safe_transactions = _fact(
    "governance_safe_transactions",
    [_c("safe", sa.String(32)), _c("nonce", sa.BigInteger)],
    _c("safe_tx_hash", _hash()),
    _c("target", _address()),
    _c("selector", sa.String(10)),
    _c("data", sa.Text),
    _c("signers", _JSON),
    _c("success", sa.Boolean),
    _c("sender", _address()),
    _c("tx_hash", _hash()),
    _c("timestamp", sa.BigInteger),
    indexes=["tx_hash"],
)


@dataclass(frozen=True, slots=True)
class StateTable:
    """A state table and the columns that name one record (without ``valid_from_block``)."""

    table: sa.Table
    key: tuple[str, ...]
    versioned: bool

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def data_columns(self) -> tuple[str, ...]:
        """Every column but the two history columns, key first."""
        return tuple(c.name for c in self.table.columns if c.name not in ("valid_from_block", "valid_to_block"))


def _state(table: sa.Table, *, versioned: bool) -> StateTable:
    key = tuple(c.name for c in table.primary_key.columns if c.name != "valid_from_block")
    return StateTable(table, key, versioned)


VERSIONED: Final[tuple[StateTable, ...]] = (
    *(
        _state(t, versioned=True)
        for t in (
            participants, participant_keys, assets, licences, revenue_shares, balances, bank_issuance, approvals,
            objections,
            rectification_orders, credit_scores, price_bands, agreements, recognised_records, held_shares, mandates,
            public_operations, licence_exclusivity, governance_operations, governance_roles,
            governance_role_settings, governance_function_roles, governance_safes, governance_targets, contract_pauses,
            appraisers, valuations, recognitions, disclosure_requirements, quality_reports, quality_defaults,
            quality_settings, listings, opening_entries,
        )
    ),
    # Kept by ledger.store.aggregates, not the projector:
    _state(trade_aggregates, versioned=True),
    _state(revenue_totals, versioned=True),
)  # fmt: skip
FACTS: Final[tuple[StateTable, ...]] = tuple(
    _state(t, versioned=False)
    for t in (
        declarations, trades, payments, freezes, credit_events, used_nonces, trade_refusals, held_share_releases,
        governance_safe_transactions, recognition_events, disclosures, opening_lists,
    )
)  # fmt: skip
STATE_TABLES: Final[dict[str, StateTable]] = {s.name: s for s in (*VERSIONED, *FACTS)}


# ─────────────────────────────────────────────────────────── write gateway (not chain state)

# API keys of the write gateway: one participant and its keystore per key; only a hash of the
# key's secret is kept. Migration 0003_gateway.
api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True, autoincrement=False),
    sa.Column("secret_sha256", sa.String(64), nullable=False),
    sa.Column("account", _address(), nullable=False, index=True),
    sa.Column("keystore", sa.String(1024), nullable=False),
    sa.Column("label", sa.String(128), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("revoked_at", sa.BigInteger, nullable=True),
    # Lifecycle (migration 0007_api_key_lifecycle): unix seconds after which the key is refused (NULL:
    # never); what it may call (["read"], ["write"] or operation names); after a rotation, the previous
    # secret's hash and until when it is still accepted.
    sa.Column("expires_at", sa.BigInteger, nullable=True),
    sa.Column("scopes", _JSON, nullable=False),
    sa.Column("rotated_at", sa.BigInteger, nullable=True),
    sa.Column("previous_secret_sha256", sa.String(64), nullable=True),
    sa.Column("previous_valid_until", sa.BigInteger, nullable=True),
)

# Token buckets shared by every API process (migration 0007_api_key_lifecycle): one row per bucket
# ("key:<key id>"), its tokens at ``updated_at`` (unix seconds of the database's clock on PostgreSQL) and
# whether the last request was admitted. Unused when LEDGER_REDIS_URL is set (the buckets live in Redis).
gateway_rate_limits = sa.Table(
    "gateway_rate_limits",
    metadata,
    sa.Column("bucket", sa.String(64), primary_key=True, autoincrement=False),
    sa.Column("tokens", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("admitted", sa.Boolean, nullable=False),
)

# Requests per API key and UTC day (YYYY-MM-DD): admitted, refused by the rate limit, and the last time.
api_key_usage = sa.Table(
    "api_key_usage",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True, autoincrement=False),
    sa.Column("day", sa.String(10), primary_key=True, autoincrement=False),
    sa.Column("requests", sa.BigInteger, nullable=False),
    sa.Column("refused", sa.BigInteger, nullable=False),
    sa.Column("last_used_at", sa.Float, nullable=False),
)

# One row per (API key, Idempotency-Key): the request's fingerprint, the signed transaction's hash
# (written before it is sent) and, once known, the response returned to every retry.
gateway_requests = sa.Table(
    "gateway_requests",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True, autoincrement=False),
    sa.Column("idempotency_key", sa.String(255), primary_key=True, autoincrement=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("operation", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("lease_until", sa.Float, nullable=False),
    sa.Column("tx_hash", _hash(), nullable=True),
    sa.Column("raw_tx", sa.Text, nullable=True),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("response", _JSON, nullable=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)

# Governance proposals collaborated on through the gateway (``/api/v1/tx/governance/proposals``, migration
# 0011_governance_proposals): the proposal file (``document``, format data-rights-ledger/governance-proposal@1,
# with every stage's signatures) and, for listing, its state, current stage and that stage's SafeTx hash. ``version``
# grows with every change (concurrent approvals are written one after the other, never over each other).
governance_proposals = sa.Table(
    "governance_proposals",
    metadata,
    sa.Column("proposal_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("chain_id", sa.BigInteger, nullable=False),
    sa.Column("manager", _address(), nullable=False),
    sa.Column("route", sa.String(16), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("safe_tx_hash", _hash(), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("document", _JSON, nullable=False),
    sa.Column("created_by", sa.String(32), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.BigInteger, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index(None, "state", "proposal_id"),
)

# ─────────────────────────────────────────────────────────── cross-checks (not chain state)

# Proof-verified cross-checks of another province's registry (``ledger crosscheck --save``): one
# row per run, one result per origin asset checked. Migration 0004_recognition.
crosscheck_reports = sa.Table(
    "crosscheck_reports",
    metadata,
    sa.Column("report_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("origin_chain_id", sa.BigInteger, nullable=False),
    sa.Column("origin_registry", _address(), nullable=False),
    sa.Column("block_number", sa.BigInteger, nullable=False),
    sa.Column("block_hash", _hash(), nullable=False),
    sa.Column("pinned_by_user", sa.Boolean, nullable=False),
    sa.Column("scope", sa.String(16), nullable=False),
    sa.Column("checked_at", sa.BigInteger, nullable=False),
    sa.Column("counts", _JSON, nullable=False),
    sa.Index(None, "origin_chain_id", "report_id"),
)

crosscheck_results = sa.Table(
    "crosscheck_results",
    metadata,
    sa.Column("report_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("origin_asset_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("local_asset_id", sa.BigInteger, nullable=True),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("details", _JSON, nullable=False),
    sa.Index(None, "local_asset_id", "report_id"),
)
