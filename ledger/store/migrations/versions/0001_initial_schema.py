"""Initial schema: blocks, events, checkpoint and the versioned state tables.

Revision ID: 0001
Revises:
Create Date: 2025-06-01

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from ledger.store.schema import Uint256

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "approvals",
        sa.Column("owner", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("spender", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("amount", Uint256(), nullable=False),
        sa.PrimaryKeyConstraint("owner", "spender", "valid_from_block", name=op.f("pk_approvals")),
    )
    op.create_index(op.f("ix_approvals_spender"), "approvals", ["spender"], unique=False)
    op.create_index(op.f("ix_approvals_valid_from_block"), "approvals", ["valid_from_block"], unique=False)
    op.create_index(
        op.f("ix_approvals_valid_to_block"),
        "approvals",
        ["valid_to_block"],
        unique=False,
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )

    op.create_table(
        "assets",
        sa.Column("asset_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("content_hash", sa.String(length=66), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("category", sa.SmallInteger(), nullable=False),
        sa.Column("grade", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("region", sa.Integer(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("metadata_uri", sa.String(length=1024), nullable=False),
        sa.Column("metadata_hash", sa.String(length=66), nullable=False),
        sa.Column("applicant", sa.String(length=42), nullable=False),
        sa.Column("holding_holder", sa.String(length=42), nullable=False),
        sa.Column("processing_holder", sa.String(length=42), nullable=False),
        sa.Column("operation_holder", sa.String(length=42), nullable=False),
        sa.Column("disputed", sa.Boolean(), nullable=False),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.Column("anonymised", sa.Boolean(), nullable=False),
        sa.Column("open_objections", sa.Integer(), nullable=False),
        sa.Column("certificate_serial", sa.BigInteger(), nullable=False),
        sa.Column("registrar", sa.String(length=42), nullable=True),
        sa.Column("review_hash", sa.String(length=66), nullable=True),
        sa.Column("registered_block", sa.BigInteger(), nullable=True),
        sa.Column("registered_at", sa.BigInteger(), nullable=False),
        sa.Column("applied_block", sa.BigInteger(), nullable=False),
        sa.Column("applied_at", sa.BigInteger(), nullable=False),
        sa.Column("anonymisation_report_hash", sa.String(length=66), nullable=True),
        sa.Column("cancel_reason_hash", sa.String(length=66), nullable=True),
        sa.PrimaryKeyConstraint("asset_id", "valid_from_block", name=op.f("pk_assets")),
    )
    op.create_index(op.f("ix_assets_category"), "assets", ["category"], unique=False)
    op.create_index(op.f("ix_assets_content_hash"), "assets", ["content_hash"], unique=False)
    op.create_index(op.f("ix_assets_grade"), "assets", ["grade"], unique=False)
    op.create_index(op.f("ix_assets_holding_holder"), "assets", ["holding_holder"], unique=False)
    op.create_index(op.f("ix_assets_kind"), "assets", ["kind"], unique=False)
    op.create_index(op.f("ix_assets_operation_holder"), "assets", ["operation_holder"], unique=False)
    op.create_index(op.f("ix_assets_processing_holder"), "assets", ["processing_holder"], unique=False)
    op.create_index(op.f("ix_assets_region"), "assets", ["region"], unique=False)
    op.create_index(op.f("ix_assets_registered_at"), "assets", ["registered_at"], unique=False)
    op.create_index(op.f("ix_assets_status"), "assets", ["status"], unique=False)
    op.create_index(op.f("ix_assets_valid_from_block"), "assets", ["valid_from_block"], unique=False)
    op.create_index(
        op.f("ix_assets_valid_to_block"),
        "assets",
        ["valid_to_block"],
        unique=False,
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )

    op.create_table(
        "balances",
        sa.Column("account", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("balance", Uint256(), nullable=False),
        sa.PrimaryKeyConstraint("account", "valid_from_block", name=op.f("pk_balances")),
    )
    op.create_index(op.f("ix_balances_valid_from_block"), "balances", ["valid_from_block"], unique=False)
    op.create_index(
        op.f("ix_balances_valid_to_block"),
        "balances",
        ["valid_to_block"],
        unique=False,
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )

    op.create_table(
        "blocks",
        sa.Column("number", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("parent_hash", sa.String(length=66), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_blocks")),
    )
    op.create_table(
        "checkpoint",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkpoint")),
    )
    op.create_table(
        "contract_settings",
        sa.Column("contract", sa.String(length=64), autoincrement=False, nullable=False),
        sa.Column("setting", sa.String(length=64), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.Column("set_by", sa.String(length=42), nullable=False),
        sa.PrimaryKeyConstraint("contract", "setting", "valid_from_block", name=op.f("pk_contract_settings")),
    )
    op.create_index(
        op.f("ix_contract_settings_valid_from_block"), "contract_settings", ["valid_from_block"], unique=False
    )
    op.create_index(
        op.f("ix_contract_settings_valid_to_block"),
        "contract_settings",
        ["valid_to_block"],
        unique=False,
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )

    op.create_table(
        "credit_events",
        sa.Column("participant", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("code", sa.Integer(), nullable=False),
        sa.Column("delta", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.BigInteger(), nullable=False),
        sa.Column("document_hash", sa.String(length=66), nullable=False),
        sa.Column("recorded_by", sa.String(length=42), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("participant", "seq", name=op.f("pk_credit_events")),
    )
    op.create_index(op.f("ix_credit_events_code"), "credit_events", ["code"], unique=False)
    op.create_index(op.f("ix_credit_events_valid_from_block"), "credit_events", ["valid_from_block"], unique=False)

    op.create_table(
        "credit_scores",
        sa.Column("participant", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("score", sa.BigInteger(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("participant", "valid_from_block", name=op.f("pk_credit_scores")),
    )
    op.create_index(op.f("ix_credit_scores_score"), "credit_scores", ["score"], unique=False)
    op.create_index(op.f("ix_credit_scores_valid_from_block"), "credit_scores", ["valid_from_block"], unique=False)
    op.create_index(
        op.f("ix_credit_scores_valid_to_block"),
        "credit_scores",
        ["valid_to_block"],
        unique=False,
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )

    op.create_table(
        "declarations",
        sa.Column("account", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("document_hash", sa.String(length=66), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("account", "seq", name=op.f("pk_declarations")),
    )
    op.create_index(op.f("ix_declarations_valid_from_block"), "declarations", ["valid_from_block"], unique=False)

    op.create_table(
        "events",
        sa.Column("block_number", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("log_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("contract", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column(
            "args", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("block_number", "log_index", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_name_block_number"), "events", ["name", "block_number"], unique=False)

    op.create_table(
        "freezes",
        sa.Column("asset_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("log_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.Column("by", sa.String(length=42), nullable=False),
        sa.Column("reason_hash", sa.String(length=66), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("asset_id", "log_index", "valid_from_block", name=op.f("pk_freezes")),
    )
    op.create_index(op.f("ix_freezes_valid_from_block"), "freezes", ["valid_from_block"], unique=False)

    op.create_table(
        "invalidated_nonces",
        sa.Column("account", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("nonce", Uint256(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("account", "nonce", name=op.f("pk_invalidated_nonces")),
    )
    op.create_index(
        op.f("ix_invalidated_nonces_valid_from_block"), "invalidated_nonces", ["valid_from_block"], unique=False
    )

    op.create_table(
        "licences",
        sa.Column("licence_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.Column("licensee", sa.String(length=42), nullable=False),
        sa.Column("licensor", sa.String(length=42), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=False),
        sa.Column("depth", sa.SmallInteger(), nullable=False),
        sa.Column("right", sa.SmallInteger(), nullable=False),
        sa.Column("purpose", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.BigInteger(), nullable=False),
        sa.Column("ends_at", sa.BigInteger(), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("sublicensable", sa.Boolean(), nullable=False),
        sa.Column("transferable", sa.Boolean(), nullable=False),
        sa.Column("cross_border", sa.Boolean(), nullable=False),
        sa.Column(
            "regions", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "countries", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("terms_hash", sa.String(length=66), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("revoked_by", sa.String(length=42), nullable=True),
        sa.Column("revoke_cause_id", sa.BigInteger(), nullable=True),
        sa.Column("revoke_reason_hash", sa.String(length=66), nullable=True),
        sa.Column("revoked_block", sa.BigInteger(), nullable=True),
        sa.Column("granted_block", sa.BigInteger(), nullable=False),
        sa.Column("granted_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("licence_id", "valid_from_block", name=op.f("pk_licences")),
    )
    op.create_index(op.f("ix_licences_asset_id"), "licences", ["asset_id"], unique=False)
    op.create_index(op.f("ix_licences_licensee"), "licences", ["licensee"], unique=False)
    op.create_index(op.f("ix_licences_licensor"), "licences", ["licensor"], unique=False)
    op.create_index(op.f("ix_licences_parent_id"), "licences", ["parent_id"], unique=False)
    op.create_index(op.f("ix_licences_valid_from_block"), "licences", ["valid_from_block"], unique=False)
    op.create_index(
        op.f("ix_licences_valid_to_block"),
        "licences",
        ["valid_to_block"],
        unique=False,
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )

    op.create_table(
        "objections",
        sa.Column("objection_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.Column("objector", sa.String(length=42), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("evidence_hash", sa.String(length=66), nullable=False),
        sa.Column("lodged_block", sa.BigInteger(), nullable=False),
        sa.Column("lodged_at", sa.BigInteger(), nullable=False),
        sa.Column("resolved_by", sa.String(length=42), nullable=True),
        sa.Column("decision_hash", sa.String(length=66), nullable=True),
        sa.Column("resolved_block", sa.BigInteger(), nullable=True),
        sa.Column("resolved_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("objection_id", "valid_from_block", name=op.f("pk_objections")),
    )
    op.create_index(op.f("ix_objections_asset_id"), "objections", ["asset_id"], unique=False)
    op.create_index(op.f("ix_objections_objector"), "objections", ["objector"], unique=False)
    op.create_index(op.f("ix_objections_status"), "objections", ["status"], unique=False)
    op.create_index(op.f("ix_objections_valid_from_block"), "objections", ["valid_from_block"], unique=False)
    op.create_index(
        op.f("ix_objections_valid_to_block"),
        "objections",
        ["valid_to_block"],
        unique=False,
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )

    op.create_table(
        "participants",
        sa.Column("account", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("roles", sa.Integer(), nullable=False),
        sa.Column("region", sa.Integer(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("declarations", sa.Integer(), nullable=False),
        sa.Column("status_reason_hash", sa.String(length=66), nullable=True),
        sa.Column("admitted_by", sa.String(length=42), nullable=False),
        sa.Column("admitted_block", sa.BigInteger(), nullable=False),
        sa.Column("admitted_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account", "valid_from_block", name=op.f("pk_participants")),
    )
    op.create_index(op.f("ix_participants_region"), "participants", ["region"], unique=False)
    op.create_index(op.f("ix_participants_roles"), "participants", ["roles"], unique=False)
    op.create_index(op.f("ix_participants_status"), "participants", ["status"], unique=False)
    op.create_index(op.f("ix_participants_valid_from_block"), "participants", ["valid_from_block"], unique=False)
    op.create_index(
        op.f("ix_participants_valid_to_block"),
        "participants",
        ["valid_to_block"],
        unique=False,
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )

    op.create_table(
        "payments",
        sa.Column("trade_id", sa.String(length=66), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), autoincrement=False, nullable=False),
        sa.Column("payee", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("amount", Uint256(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("trade_id", "kind", "payee", name=op.f("pk_payments")),
    )
    op.create_index(op.f("ix_payments_payee"), "payments", ["payee"], unique=False)
    op.create_index(op.f("ix_payments_valid_from_block"), "payments", ["valid_from_block"], unique=False)

    op.create_table(
        "price_bands",
        sa.Column("kind", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("min_price", Uint256(), nullable=False),
        sa.Column("max_price", Uint256(), nullable=False),
        sa.Column("set_by", sa.String(length=42), nullable=False),
        sa.PrimaryKeyConstraint("kind", "valid_from_block", name=op.f("pk_price_bands")),
    )
    op.create_index(op.f("ix_price_bands_valid_from_block"), "price_bands", ["valid_from_block"], unique=False)
    op.create_index(
        op.f("ix_price_bands_valid_to_block"),
        "price_bands",
        ["valid_to_block"],
        unique=False,
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )

    op.create_table(
        "rectification_orders",
        sa.Column("order_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("target", sa.SmallInteger(), nullable=False),
        sa.Column("participant", sa.String(length=42), nullable=False),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.Column("issued_by", sa.String(length=42), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("document_hash", sa.String(length=66), nullable=False),
        sa.Column("opened_block", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", sa.BigInteger(), nullable=False),
        sa.Column("closed_by", sa.String(length=42), nullable=True),
        sa.Column("closing_hash", sa.String(length=66), nullable=True),
        sa.Column("closed_block", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "valid_from_block", name=op.f("pk_rectification_orders")),
    )
    op.create_index(op.f("ix_rectification_orders_asset_id"), "rectification_orders", ["asset_id"], unique=False)
    op.create_index(op.f("ix_rectification_orders_participant"), "rectification_orders", ["participant"], unique=False)
    op.create_index(op.f("ix_rectification_orders_status"), "rectification_orders", ["status"], unique=False)
    op.create_index(
        op.f("ix_rectification_orders_valid_from_block"), "rectification_orders", ["valid_from_block"], unique=False
    )
    op.create_index(
        op.f("ix_rectification_orders_valid_to_block"),
        "rectification_orders",
        ["valid_to_block"],
        unique=False,
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )

    op.create_table(
        "revenue_shares",
        sa.Column("asset_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column(
            "shares", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("total_bps", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("asset_id", "valid_from_block", name=op.f("pk_revenue_shares")),
    )
    op.create_index(op.f("ix_revenue_shares_valid_from_block"), "revenue_shares", ["valid_from_block"], unique=False)
    op.create_index(
        op.f("ix_revenue_shares_valid_to_block"),
        "revenue_shares",
        ["valid_to_block"],
        unique=False,
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )

    op.create_table(
        "trades",
        sa.Column("trade_id", sa.String(length=66), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.Column("exchange", sa.String(length=42), nullable=False),
        sa.Column("on_exchange", sa.Boolean(), nullable=False),
        sa.Column("seller", sa.String(length=42), nullable=False),
        sa.Column("buyer", sa.String(length=42), nullable=False),
        sa.Column("price", Uint256(), nullable=False),
        sa.Column("fee", Uint256(), nullable=False),
        sa.Column("seller_amount", Uint256(), nullable=False),
        sa.Column("right", sa.SmallInteger(), nullable=False),
        sa.Column("licence_id", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("trade_id", name=op.f("pk_trades")),
    )
    op.create_index(op.f("ix_trades_asset_id"), "trades", ["asset_id"], unique=False)
    op.create_index(op.f("ix_trades_buyer"), "trades", ["buyer"], unique=False)
    op.create_index(op.f("ix_trades_exchange"), "trades", ["exchange"], unique=False)
    op.create_index(op.f("ix_trades_seller"), "trades", ["seller"], unique=False)
    op.create_index(op.f("ix_trades_timestamp"), "trades", ["timestamp"], unique=False)
    op.create_index(op.f("ix_trades_valid_from_block"), "trades", ["valid_from_block"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_trades_valid_from_block"), table_name="trades")
    op.drop_index(op.f("ix_trades_timestamp"), table_name="trades")
    op.drop_index(op.f("ix_trades_seller"), table_name="trades")
    op.drop_index(op.f("ix_trades_exchange"), table_name="trades")
    op.drop_index(op.f("ix_trades_buyer"), table_name="trades")
    op.drop_index(op.f("ix_trades_asset_id"), table_name="trades")

    op.drop_table("trades")
    op.drop_index(
        op.f("ix_revenue_shares_valid_to_block"),
        table_name="revenue_shares",
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )
    op.drop_index(op.f("ix_revenue_shares_valid_from_block"), table_name="revenue_shares")

    op.drop_table("revenue_shares")
    op.drop_index(
        op.f("ix_rectification_orders_valid_to_block"),
        table_name="rectification_orders",
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )
    op.drop_index(op.f("ix_rectification_orders_valid_from_block"), table_name="rectification_orders")
    op.drop_index(op.f("ix_rectification_orders_status"), table_name="rectification_orders")
    op.drop_index(op.f("ix_rectification_orders_participant"), table_name="rectification_orders")
    op.drop_index(op.f("ix_rectification_orders_asset_id"), table_name="rectification_orders")

    op.drop_table("rectification_orders")
    op.drop_index(
        op.f("ix_price_bands_valid_to_block"),
        table_name="price_bands",
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )
    op.drop_index(op.f("ix_price_bands_valid_from_block"), table_name="price_bands")

    op.drop_table("price_bands")
    op.drop_index(op.f("ix_payments_valid_from_block"), table_name="payments")
    op.drop_index(op.f("ix_payments_payee"), table_name="payments")

    op.drop_table("payments")
    op.drop_index(
        op.f("ix_participants_valid_to_block"),
        table_name="participants",
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )
    op.drop_index(op.f("ix_participants_valid_from_block"), table_name="participants")
    op.drop_index(op.f("ix_participants_status"), table_name="participants")
    op.drop_index(op.f("ix_participants_roles"), table_name="participants")
    op.drop_index(op.f("ix_participants_region"), table_name="participants")

    op.drop_table("participants")
    op.drop_index(
        op.f("ix_objections_valid_to_block"),
        table_name="objections",
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )
    op.drop_index(op.f("ix_objections_valid_from_block"), table_name="objections")
    op.drop_index(op.f("ix_objections_status"), table_name="objections")
    op.drop_index(op.f("ix_objections_objector"), table_name="objections")
    op.drop_index(op.f("ix_objections_asset_id"), table_name="objections")

    op.drop_table("objections")
    op.drop_index(
        op.f("ix_licences_valid_to_block"),
        table_name="licences",
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )
    op.drop_index(op.f("ix_licences_valid_from_block"), table_name="licences")
    op.drop_index(op.f("ix_licences_parent_id"), table_name="licences")
    op.drop_index(op.f("ix_licences_licensor"), table_name="licences")
    op.drop_index(op.f("ix_licences_licensee"), table_name="licences")
    op.drop_index(op.f("ix_licences_asset_id"), table_name="licences")

    op.drop_table("licences")
    op.drop_index(op.f("ix_invalidated_nonces_valid_from_block"), table_name="invalidated_nonces")

    op.drop_table("invalidated_nonces")
    op.drop_index(op.f("ix_freezes_valid_from_block"), table_name="freezes")

    op.drop_table("freezes")
    op.drop_index(op.f("ix_events_name_block_number"), table_name="events")

    op.drop_table("events")
    op.drop_index(op.f("ix_declarations_valid_from_block"), table_name="declarations")

    op.drop_table("declarations")
    op.drop_index(
        op.f("ix_credit_scores_valid_to_block"),
        table_name="credit_scores",
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )
    op.drop_index(op.f("ix_credit_scores_valid_from_block"), table_name="credit_scores")
    op.drop_index(op.f("ix_credit_scores_score"), table_name="credit_scores")

    op.drop_table("credit_scores")
    op.drop_index(op.f("ix_credit_events_valid_from_block"), table_name="credit_events")
    op.drop_index(op.f("ix_credit_events_code"), table_name="credit_events")

    op.drop_table("credit_events")
    op.drop_index(
        op.f("ix_contract_settings_valid_to_block"),
        table_name="contract_settings",
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )
    op.drop_index(op.f("ix_contract_settings_valid_from_block"), table_name="contract_settings")

    op.drop_table("contract_settings")
    op.drop_table("checkpoint")
    op.drop_table("blocks")
    op.drop_index(
        op.f("ix_balances_valid_to_block"),
        table_name="balances",
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )
    op.drop_index(op.f("ix_balances_valid_from_block"), table_name="balances")

    op.drop_table("balances")
    op.drop_index(
        op.f("ix_assets_valid_to_block"),
        table_name="assets",
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )
    op.drop_index(op.f("ix_assets_valid_from_block"), table_name="assets")
    op.drop_index(op.f("ix_assets_status"), table_name="assets")
    op.drop_index(op.f("ix_assets_registered_at"), table_name="assets")
    op.drop_index(op.f("ix_assets_region"), table_name="assets")
    op.drop_index(op.f("ix_assets_processing_holder"), table_name="assets")
    op.drop_index(op.f("ix_assets_operation_holder"), table_name="assets")
    op.drop_index(op.f("ix_assets_kind"), table_name="assets")
    op.drop_index(op.f("ix_assets_holding_holder"), table_name="assets")
    op.drop_index(op.f("ix_assets_grade"), table_name="assets")
    op.drop_index(op.f("ix_assets_content_hash"), table_name="assets")
    op.drop_index(op.f("ix_assets_category"), table_name="assets")

    op.drop_table("assets")
    op.drop_index(
        op.f("ix_approvals_valid_to_block"),
        table_name="approvals",
        sqlite_where=sa.text("valid_to_block IS NOT NULL"),
        postgresql_where=sa.text("valid_to_block IS NOT NULL"),
    )
    op.drop_index(op.f("ix_approvals_valid_from_block"), table_name="approvals")
    op.drop_index(op.f("ix_approvals_spender"), table_name="approvals")

    op.drop_table("approvals")
