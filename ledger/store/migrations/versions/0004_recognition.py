"""Cross-province recognition: agreements with other provinces and recognised registrations.

Revision ID: 0004_recognition
Revises: 0001
Create Date: 2026-11-28

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0004_recognition"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_CLOSED = sa.text("valid_to_block IS NOT NULL")


def _history(table: str) -> None:
    op.create_index(op.f(f"ix_{table}_valid_from_block"), table, ["valid_from_block"], unique=False)
    op.create_index(op.f(f"ix_{table}_valid_to_block"), table, ["valid_to_block"], unique=False,
                    sqlite_where=_CLOSED, postgresql_where=_CLOSED)


def _drop_history(table: str) -> None:
    op.drop_index(op.f(f"ix_{table}_valid_to_block"), table_name=table, sqlite_where=_CLOSED,
                  postgresql_where=_CLOSED)
    op.drop_index(op.f(f"ix_{table}_valid_from_block"), table_name=table)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "agreements",
        sa.Column("origin_chain_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("origin_registry", sa.String(length=42), nullable=False),
        sa.Column("registrars", _JSON, nullable=False),
        sa.Column("threshold", sa.SmallInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("set_by", sa.String(length=42), nullable=False),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("origin_chain_id", "valid_from_block", name=op.f("pk_agreements")),
    )
    _history("agreements")
    op.create_table(
        "recognised_records",
        sa.Column("local_asset_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("origin_chain_id", sa.BigInteger(), nullable=False),
        sa.Column("origin_asset_id", sa.BigInteger(), nullable=False),
        sa.Column("origin_registry", sa.String(length=42), nullable=False),
        sa.Column("content_hash", sa.String(length=66), nullable=False),
        sa.Column("category", sa.SmallInteger(), nullable=False),
        sa.Column("grade", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("holding_holder", sa.String(length=42), nullable=False),
        sa.Column("processing_holder", sa.String(length=42), nullable=False),
        sa.Column("operation_holder", sa.String(length=42), nullable=False),
        sa.Column("certificate_serial", sa.BigInteger(), nullable=False),
        sa.Column("origin_registered_block", sa.BigInteger(), nullable=False),
        sa.Column("origin_registered_at", sa.BigInteger(), nullable=False),
        sa.Column("certificate_digest", sa.String(length=66), nullable=False),
        sa.Column("signers", _JSON, nullable=False),
        sa.Column("linked", sa.Boolean(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("imported_by", sa.String(length=42), nullable=False),
        sa.Column("imported_block", sa.BigInteger(), nullable=False),
        sa.Column("imported_at", sa.BigInteger(), nullable=False),
        sa.Column("suspended_by", sa.String(length=42), nullable=True),
        sa.Column("suspend_reason_hash", sa.String(length=66), nullable=True),
        sa.Column("suspended_block", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("local_asset_id", "valid_from_block", name=op.f("pk_recognised_records")),
    )
    op.create_index(op.f("ix_recognised_records_content_hash"), "recognised_records", ["content_hash"], unique=False)
    op.create_index(op.f("ix_recognised_records_origin_chain_id_origin_asset_id"), "recognised_records",
                    ["origin_chain_id", "origin_asset_id"], unique=False)
    op.create_index(op.f("ix_recognised_records_status"), "recognised_records", ["status"], unique=False)
    _history("recognised_records")
    op.create_table(
        "crosscheck_reports",
        sa.Column("report_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("origin_chain_id", sa.BigInteger(), nullable=False),
        sa.Column("origin_registry", sa.String(length=42), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("pinned_by_user", sa.Boolean(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("checked_at", sa.BigInteger(), nullable=False),
        sa.Column("counts", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_crosscheck_reports")),
    )
    op.create_index(op.f("ix_crosscheck_reports_origin_chain_id_report_id"), "crosscheck_reports",
                    ["origin_chain_id", "report_id"], unique=False)
    op.create_table(
        "crosscheck_results",
        sa.Column("report_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("origin_asset_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("local_asset_id", sa.BigInteger(), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("details", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("report_id", "origin_asset_id", name=op.f("pk_crosscheck_results")),
    )
    op.create_index(op.f("ix_crosscheck_results_local_asset_id_report_id"), "crosscheck_results",
                    ["local_asset_id", "report_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_crosscheck_results_local_asset_id_report_id"), table_name="crosscheck_results")
    op.drop_table("crosscheck_results")
    op.drop_index(op.f("ix_crosscheck_reports_origin_chain_id_report_id"), table_name="crosscheck_reports")
    op.drop_table("crosscheck_reports")
    _drop_history("recognised_records")
    op.drop_index(op.f("ix_recognised_records_status"), table_name="recognised_records")
    op.drop_index(op.f("ix_recognised_records_origin_chain_id_origin_asset_id"), table_name="recognised_records")
    op.drop_index(op.f("ix_recognised_records_content_hash"), table_name="recognised_records")
    op.drop_table("recognised_records")
    _drop_history("agreements")
    op.drop_table("agreements")
