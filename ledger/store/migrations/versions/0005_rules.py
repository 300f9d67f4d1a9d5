"""The contracts of issue 11 (rules against adversaries): the state they keep, all of it rebuildable from events.

Joins the three branches (0002 query indexes, 0003 gateway, 0004 recognition). Chain-state tables only;
the gateway's tables are left alone.

* ``trades``: keyed by ``trade_key`` (the contract's settle-once key; ``trade_id`` kept, indexed), with
  ``mandate_id``; ``payments``: keyed by (``trade_key``, ``kind``, ``payee``), with ``trade_id`` and ``held``;
* ``revenue_shares``: keyed by (``asset_id``, ``right``), with ``set_by``;
* ``assets``: ``suspended``, ``recognised``, ``licensed_until``, ``rights_split``; ``licences``: ``sold``,
  ``sold_until``, no ``revoke_cause_id`` (a revocation names one licence); ``objections``: the acceptance of a
  pending objection;
* ``recognised_records``: the certificate's ``origin_status``, ``issued_block``, ``expires_at``, superseding
  imports and reinstatements; values the origin signs that may exceed 64 bits as Uint256; the origin index
  includes the origin registry;
* new: ``used_nonces`` (replaces ``invalidated_nonces``), ``held_shares``, ``held_share_releases``, ``mandates``,
  ``trade_refusals``, ``public_operations``, ``licence_exclusivity``; ``contract_settings`` goes (the contracts
  name each other in immutables: no wiring events).

A store indexed from the contracts before this change cannot be carried over: its events are another
deployment's, whose state the new tables cannot describe. The upgrade refuses such a store (it holds
events) and says so; index the new deployment into a new database.

Revision ID: 0005_rules
Revises: 0002_api_indexes, 0003_gateway, 0004_recognition
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from ledger.store._store import StoreDatabaseError
from ledger.store.schema import Uint256

# revision identifiers, used by Alembic.
revision: str = "0005_rules"
down_revision: str | Sequence[str] | None = ("0002_api_indexes", "0003_gateway", "0004_recognition")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_CLOSED = sa.text("valid_to_block IS NOT NULL")
_ADDRESS = sa.String(length=42)
_HASH = sa.String(length=66)


def _history(table: str, *, versioned: bool = True) -> None:
    op.create_index(op.f(f"ix_{table}_valid_from_block"), table, ["valid_from_block"], unique=False)
    if versioned:
        op.create_index(op.f(f"ix_{table}_valid_to_block"), table, ["valid_to_block"], unique=False,
                        sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip


def _drop(table: str, *indexes: str, versioned: bool = True) -> None:
    for name in indexes:
        op.drop_index(op.f(name), table_name=table)
    op.drop_index(op.f(f"ix_{table}_valid_from_block"), table_name=table)
    if versioned:
        op.drop_index(op.f(f"ix_{table}_valid_to_block"), table_name=table, sqlite_where=_CLOSED,
                      postgresql_where=_CLOSED)  # fmt: skip
    op.drop_table(table)


def _key(*columns: sa.Column[object]) -> list[sa.Column[object]]:
    for c in columns:
        c.autoincrement = False
    return list(columns)


def _history_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
    ]


def _refuse_old_store() -> None:
    events = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM events")).scalar_one()
    if events:
        raise StoreDatabaseError(
            f"this store holds {events} events of the ledger contracts before issue 11 (another deployment, whose "
            "state the new tables cannot describe): index the new deployment into a new database (or drop this "
            "one's tables) instead of migrating it"
        )


def upgrade() -> None:
    """Upgrade schema."""
    _refuse_old_store()

    # ── replaced tables (empty: see _refuse_old_store)
    _drop("trades", "ix_trades_asset_id", "ix_trades_buyer", "ix_trades_seller", "ix_trades_timestamp",
          "ix_trades_exchange_valid_from_block_log_index", versioned=False)  # fmt: skip
    _drop("payments", "ix_payments_payee", versioned=False)
    _drop("revenue_shares")
    _drop("invalidated_nonces", versioned=False)
    _drop("contract_settings")
    _drop("recognised_records", "ix_recognised_records_content_hash",
          "ix_recognised_records_origin_chain_id_origin_asset_id", "ix_recognised_records_status")  # fmt: skip

    op.create_table(
        "trades",
        *_key(sa.Column("trade_key", _HASH, nullable=False)),
        *_history_columns(),
        sa.Column("trade_id", _HASH, nullable=False),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.Column("exchange", _ADDRESS, nullable=False),
        sa.Column("on_exchange", sa.Boolean(), nullable=False),
        sa.Column("seller", _ADDRESS, nullable=False),
        sa.Column("buyer", _ADDRESS, nullable=False),
        sa.Column("price", Uint256(), nullable=False),
        sa.Column("fee", Uint256(), nullable=False),
        sa.Column("seller_amount", Uint256(), nullable=False),
        sa.Column("right", sa.SmallInteger(), nullable=False),
        sa.Column("licence_id", sa.BigInteger(), nullable=False),
        sa.Column("mandate_id", _HASH, nullable=True),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", _HASH, nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("trade_key", name=op.f("pk_trades")),
    )
    for columns in (["trade_id"], ["asset_id"], ["seller"], ["buyer"], ["timestamp"],
                    ["exchange", "valid_from_block", "log_index"]):  # fmt: skip
        op.create_index(op.f(f"ix_trades_{'_'.join(columns)}"), "trades", columns, unique=False)
    _history("trades", versioned=False)

    op.create_table(
        "payments",
        *_key(sa.Column("trade_key", _HASH, nullable=False), sa.Column("kind", sa.String(length=16), nullable=False),
              sa.Column("payee", _ADDRESS, nullable=False)),
        *_history_columns(),
        sa.Column("trade_id", _HASH, nullable=False),
        sa.Column("amount", Uint256(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("tx_hash", _HASH, nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("trade_key", "kind", "payee", name=op.f("pk_payments")),
    )  # fmt: skip
    op.create_index(op.f("ix_payments_payee"), "payments", ["payee"], unique=False)
    _history("payments", versioned=False)

    op.create_table(
        "revenue_shares",
        *_key(sa.Column("asset_id", sa.BigInteger(), nullable=False), sa.Column("right", sa.SmallInteger(),
                                                                                nullable=False)),
        *_history_columns(),
        sa.Column("shares", _JSON, nullable=False),
        sa.Column("total_bps", sa.Integer(), nullable=False),
        sa.Column("set_by", _ADDRESS, nullable=False),
        sa.PrimaryKeyConstraint("asset_id", "right", "valid_from_block", name=op.f("pk_revenue_shares")),
    )  # fmt: skip
    _history("revenue_shares")

    op.create_table(
        "recognised_records",
        *_key(sa.Column("local_asset_id", sa.BigInteger(), nullable=False)),
        *_history_columns(),
        sa.Column("origin_chain_id", sa.BigInteger(), nullable=False),
        sa.Column("origin_asset_id", Uint256(), nullable=False),
        sa.Column("origin_registry", _ADDRESS, nullable=False),
        sa.Column("content_hash", _HASH, nullable=False),
        sa.Column("category", sa.SmallInteger(), nullable=False),
        sa.Column("grade", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("holding_holder", _ADDRESS, nullable=False),
        sa.Column("processing_holder", _ADDRESS, nullable=False),
        sa.Column("operation_holder", _ADDRESS, nullable=False),
        sa.Column("certificate_serial", Uint256(), nullable=False),
        sa.Column("origin_registered_block", Uint256(), nullable=False),
        sa.Column("origin_registered_at", Uint256(), nullable=False),
        sa.Column("origin_status", sa.SmallInteger(), nullable=False),
        sa.Column("issued_block", Uint256(), nullable=False),
        sa.Column("expires_at", Uint256(), nullable=False),
        sa.Column("certificate_digest", _HASH, nullable=False),
        sa.Column("signers", _JSON, nullable=False),
        sa.Column("linked", sa.Boolean(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("imported_by", _ADDRESS, nullable=False),
        sa.Column("imported_block", sa.BigInteger(), nullable=False),
        sa.Column("imported_at", sa.BigInteger(), nullable=False),
        sa.Column("superseded_by", _ADDRESS, nullable=True),
        sa.Column("superseded_block", sa.BigInteger(), nullable=True),
        sa.Column("suspended_by", _ADDRESS, nullable=True),
        sa.Column("suspend_reason_hash", _HASH, nullable=True),
        sa.Column("suspended_block", sa.BigInteger(), nullable=True),
        sa.Column("reinstated_by", _ADDRESS, nullable=True),
        sa.Column("reinstate_reason_hash", _HASH, nullable=True),
        sa.Column("reinstated_block", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("local_asset_id", "valid_from_block", name=op.f("pk_recognised_records")),
    )
    op.create_index(op.f("ix_recognised_records_content_hash"), "recognised_records", ["content_hash"], unique=False)
    op.create_index(
        op.f("ix_recognised_records_origin_chain_id_origin_registry_origin_asset_id"),
        "recognised_records",
        ["origin_chain_id", "origin_registry", "origin_asset_id"],
        unique=False,
    )
    op.create_index(op.f("ix_recognised_records_status"), "recognised_records", ["status"], unique=False)
    _history("recognised_records")

    # ── changed tables (batch mode: SQLite rebuilds them)
    with op.batch_alter_table("assets") as batch:
        batch.add_column(sa.Column("suspended", sa.Boolean(), nullable=False))
        batch.add_column(sa.Column("recognised", sa.Boolean(), nullable=False))
        batch.add_column(sa.Column("licensed_until", sa.BigInteger(), nullable=False))
        batch.add_column(sa.Column("rights_split", sa.Boolean(), nullable=False))
    with op.batch_alter_table("licences") as batch:
        batch.drop_column("revoke_cause_id")
        batch.add_column(sa.Column("sold", sa.Boolean(), nullable=False))
        batch.add_column(sa.Column("sold_until", sa.BigInteger(), nullable=False))
    with op.batch_alter_table("objections") as batch:
        batch.add_column(sa.Column("accepted_by", _ADDRESS, nullable=True))
        batch.add_column(sa.Column("accept_decision_hash", _HASH, nullable=True))
        batch.add_column(sa.Column("accepted_block", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("accepted_at", sa.BigInteger(), nullable=True))

    # ── new tables
    op.create_table(
        "used_nonces",
        *_key(sa.Column("account", _ADDRESS, nullable=False), sa.Column("nonce", Uint256(), nullable=False)),
        *_history_columns(),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", _HASH, nullable=False),
        sa.PrimaryKeyConstraint("account", "nonce", name=op.f("pk_used_nonces")),
    )
    _history("used_nonces", versioned=False)

    op.create_table(
        "held_shares",
        *_key(sa.Column("account", _ADDRESS, nullable=False)),
        *_history_columns(),
        sa.Column("amount", Uint256(), nullable=False),
        sa.Column("total_held", Uint256(), nullable=False),
        sa.Column("total_claimed", Uint256(), nullable=False),
        sa.Column("total_released", Uint256(), nullable=False),
        sa.PrimaryKeyConstraint("account", "valid_from_block", name=op.f("pk_held_shares")),
    )
    _history("held_shares")

    op.create_table(
        "held_share_releases",
        *_key(sa.Column("recipient", _ADDRESS, nullable=False), sa.Column("log_index", sa.Integer(), nullable=False)),
        *_history_columns(),
        sa.Column("to", _ADDRESS, nullable=False),
        sa.Column("amount", Uint256(), nullable=False),
        sa.Column("by", _ADDRESS, nullable=False),
        sa.Column("decision_hash", _HASH, nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", _HASH, nullable=False),
        sa.PrimaryKeyConstraint("recipient", "log_index", "valid_from_block", name=op.f("pk_held_share_releases")),
    )
    op.create_index(op.f("ix_held_share_releases_to"), "held_share_releases", ["to"], unique=False)
    _history("held_share_releases", versioned=False)

    op.create_table(
        "mandates",
        *_key(sa.Column("mandate_id", _HASH, nullable=False)),
        *_history_columns(),
        sa.Column("seller", _ADDRESS, nullable=False),
        sa.Column("exchange", _ADDRESS, nullable=False),
        sa.Column("asset_id", Uint256(), nullable=False),
        sa.Column("delivery", sa.SmallInteger(), nullable=False),
        sa.Column("right", sa.SmallInteger(), nullable=False),
        sa.Column("parent_licence_id", Uint256(), nullable=False),
        sa.Column("terms", _JSON, nullable=False),
        sa.Column("max_duration", sa.BigInteger(), nullable=False),
        sa.Column("min_net", Uint256(), nullable=False),
        sa.Column("expiry", sa.BigInteger(), nullable=False),
        sa.Column("salt", Uint256(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("granted_block", sa.BigInteger(), nullable=False),
        sa.Column("granted_at", sa.BigInteger(), nullable=False),
        sa.Column("revoked_block", sa.BigInteger(), nullable=True),
        sa.Column("revoked_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("mandate_id", "valid_from_block", name=op.f("pk_mandates")),
    )
    for column in ("asset_id", "exchange", "seller"):
        op.create_index(op.f(f"ix_mandates_{column}"), "mandates", [column], unique=False)
    _history("mandates")

    op.create_table(
        "trade_refusals",
        *_key(sa.Column("tx_hash", _HASH, nullable=False), sa.Column("log_index", sa.Integer(), nullable=False)),
        *_history_columns(),
        sa.Column("trade_id", _HASH, nullable=False),
        sa.Column("exchange", _ADDRESS, nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("item_index", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tx_hash", "log_index", name=op.f("pk_trade_refusals")),
    )
    op.create_index(op.f("ix_trade_refusals_exchange"), "trade_refusals", ["exchange"], unique=False)
    op.create_index(op.f("ix_trade_refusals_trade_id"), "trade_refusals", ["trade_id"], unique=False)
    _history("trade_refusals", versioned=False)

    op.create_table(
        "public_operations",
        *_key(sa.Column("asset_id", sa.BigInteger(), nullable=False), sa.Column("operator", _ADDRESS, nullable=False),
              sa.Column("right", sa.SmallInteger(), nullable=False), sa.Column("purpose", sa.Integer(),
                                                                                nullable=False)),
        *_history_columns(),
        sa.Column("latest_end", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("decision_hash", _HASH, nullable=False),
        sa.Column("authorised_by", _ADDRESS, nullable=False),
        sa.Column("authorised_block", sa.BigInteger(), nullable=False),
        sa.Column("authorised_at", sa.BigInteger(), nullable=False),
        sa.Column("licence_id", sa.BigInteger(), nullable=True),
        sa.Column("closed_block", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("asset_id", "operator", "right", "purpose", "valid_from_block",
                                name=op.f("pk_public_operations")),
    )  # fmt: skip
    op.create_index(op.f("ix_public_operations_operator"), "public_operations", ["operator"], unique=False)
    _history("public_operations")

    op.create_table(
        "licence_exclusivity",
        *_key(sa.Column("asset_id", sa.BigInteger(), nullable=False), sa.Column("right", sa.SmallInteger(),
                                                                                nullable=False),
              sa.Column("purpose", sa.Integer(), nullable=False), sa.Column("parent_id", sa.BigInteger(),
                                                                             nullable=False)),
        *_history_columns(),
        sa.Column("shared_start", sa.BigInteger(), nullable=False),
        sa.Column("shared_end", sa.BigInteger(), nullable=False),
        sa.Column("live_shared", sa.Integer(), nullable=False),
        sa.Column("exclusives", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("asset_id", "right", "purpose", "parent_id", "valid_from_block",
                                name=op.f("pk_licence_exclusivity")),
    )  # fmt: skip
    _history("licence_exclusivity")


def downgrade() -> None:
    """Downgrade schema: the tables of the contracts before issue 11, empty (a store of the new contracts
    cannot be described by them either)."""
    _refuse_old_store()
    for table, indexes, versioned in (
        ("licence_exclusivity", (), True),
        ("public_operations", ("ix_public_operations_operator",), True),
        ("trade_refusals", ("ix_trade_refusals_exchange", "ix_trade_refusals_trade_id"), False),
        ("mandates", ("ix_mandates_asset_id", "ix_mandates_exchange", "ix_mandates_seller"), True),
        ("held_share_releases", ("ix_held_share_releases_to",), False),
        ("held_shares", (), True),
        ("used_nonces", (), False),
        ("recognised_records", ("ix_recognised_records_content_hash",
                                "ix_recognised_records_origin_chain_id_origin_registry_origin_asset_id",
                                "ix_recognised_records_status"), True),
        ("revenue_shares", (), True),
        ("payments", ("ix_payments_payee",), False),
        ("trades", ("ix_trades_trade_id", "ix_trades_asset_id", "ix_trades_seller", "ix_trades_buyer",
                    "ix_trades_timestamp", "ix_trades_exchange_valid_from_block_log_index"), False),
    ):  # fmt: skip
        _drop(table, *indexes, versioned=versioned)
    with op.batch_alter_table("objections") as batch:
        for column in ("accepted_by", "accept_decision_hash", "accepted_block", "accepted_at"):
            batch.drop_column(column)
    with op.batch_alter_table("licences") as batch:
        batch.drop_column("sold")
        batch.drop_column("sold_until")
        batch.add_column(sa.Column("revoke_cause_id", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("assets") as batch:
        for column in ("suspended", "recognised", "licensed_until", "rights_split"):
            batch.drop_column(column)

    op.create_table(
        "trades",
        *_key(sa.Column("trade_id", _HASH, nullable=False)),
        *_history_columns(),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.Column("exchange", _ADDRESS, nullable=False),
        sa.Column("on_exchange", sa.Boolean(), nullable=False),
        sa.Column("seller", _ADDRESS, nullable=False),
        sa.Column("buyer", _ADDRESS, nullable=False),
        sa.Column("price", Uint256(), nullable=False),
        sa.Column("fee", Uint256(), nullable=False),
        sa.Column("seller_amount", Uint256(), nullable=False),
        sa.Column("right", sa.SmallInteger(), nullable=False),
        sa.Column("licence_id", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", _HASH, nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("trade_id", name=op.f("pk_trades")),
    )
    for columns in (["asset_id"], ["seller"], ["buyer"], ["timestamp"], ["exchange", "valid_from_block", "log_index"]):
        op.create_index(op.f(f"ix_trades_{'_'.join(columns)}"), "trades", columns, unique=False)
    _history("trades", versioned=False)
    op.create_table(
        "payments",
        *_key(sa.Column("trade_id", _HASH, nullable=False), sa.Column("kind", sa.String(length=16), nullable=False),
              sa.Column("payee", _ADDRESS, nullable=False)),
        *_history_columns(),
        sa.Column("amount", Uint256(), nullable=False),
        sa.Column("tx_hash", _HASH, nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("trade_id", "kind", "payee", name=op.f("pk_payments")),
    )  # fmt: skip
    op.create_index(op.f("ix_payments_payee"), "payments", ["payee"], unique=False)
    _history("payments", versioned=False)
    op.create_table(
        "revenue_shares",
        *_key(sa.Column("asset_id", sa.BigInteger(), nullable=False)),
        *_history_columns(),
        sa.Column("shares", _JSON, nullable=False),
        sa.Column("total_bps", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("asset_id", "valid_from_block", name=op.f("pk_revenue_shares")),
    )
    _history("revenue_shares")
    op.create_table(
        "invalidated_nonces",
        *_key(sa.Column("account", _ADDRESS, nullable=False), sa.Column("nonce", Uint256(), nullable=False)),
        *_history_columns(),
        sa.Column("tx_hash", _HASH, nullable=False),
        sa.PrimaryKeyConstraint("account", "nonce", name=op.f("pk_invalidated_nonces")),
    )
    _history("invalidated_nonces", versioned=False)
    op.create_table(
        "contract_settings",
        *_key(sa.Column("contract", sa.String(length=64), nullable=False),
              sa.Column("setting", sa.String(length=64), nullable=False)),
        *_history_columns(),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.Column("set_by", _ADDRESS, nullable=False),
        sa.PrimaryKeyConstraint("contract", "setting", "valid_from_block", name=op.f("pk_contract_settings")),
    )  # fmt: skip
    _history("contract_settings")
    op.create_table(
        "recognised_records",
        *_key(sa.Column("local_asset_id", sa.BigInteger(), nullable=False)),
        *_history_columns(),
        sa.Column("origin_chain_id", sa.BigInteger(), nullable=False),
        sa.Column("origin_asset_id", sa.BigInteger(), nullable=False),
        sa.Column("origin_registry", _ADDRESS, nullable=False),
        sa.Column("content_hash", _HASH, nullable=False),
        sa.Column("category", sa.SmallInteger(), nullable=False),
        sa.Column("grade", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("holding_holder", _ADDRESS, nullable=False),
        sa.Column("processing_holder", _ADDRESS, nullable=False),
        sa.Column("operation_holder", _ADDRESS, nullable=False),
        sa.Column("certificate_serial", sa.BigInteger(), nullable=False),
        sa.Column("origin_registered_block", sa.BigInteger(), nullable=False),
        sa.Column("origin_registered_at", sa.BigInteger(), nullable=False),
        sa.Column("certificate_digest", _HASH, nullable=False),
        sa.Column("signers", _JSON, nullable=False),
        sa.Column("linked", sa.Boolean(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("imported_by", _ADDRESS, nullable=False),
        sa.Column("imported_block", sa.BigInteger(), nullable=False),
        sa.Column("imported_at", sa.BigInteger(), nullable=False),
        sa.Column("suspended_by", _ADDRESS, nullable=True),
        sa.Column("suspend_reason_hash", _HASH, nullable=True),
        sa.Column("suspended_block", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("local_asset_id", "valid_from_block", name=op.f("pk_recognised_records")),
    )
    op.create_index(op.f("ix_recognised_records_content_hash"), "recognised_records", ["content_hash"], unique=False)
    op.create_index(op.f("ix_recognised_records_origin_chain_id_origin_asset_id"), "recognised_records",
                    ["origin_chain_id", "origin_asset_id"], unique=False)  # fmt: skip
    op.create_index(op.f("ix_recognised_records_status"), "recognised_records", ["status"], unique=False)
    _history("recognised_records")
