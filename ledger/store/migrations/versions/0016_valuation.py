"""Valuation and accounting recognition (art. 19, issue 14): accredited appraisers, valuation reports with every
figure their filing recorded, each asset's recognition in its holder's accounts, and every change of a recognition.

Nothing before this revision valued or recognised an asset: the tables start empty and the indexer fills them from
the Valuation contract's events.

Revision ID: 0016_valuation
Revises: 0015_participant_keys
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ledger.store.schema import Uint256

# revision identifiers, used by Alembic.
revision: str = "0016_valuation"
down_revision: str | Sequence[str] | None = "0015_participant_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = sa.text("valid_to_block IS NOT NULL")
_ADDRESS = sa.String(length=42)
_HASH = sa.String(length=66)


def _history() -> list[sa.Column[int]]:
    return [
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
    ]


def _indexes(table: str, columns: list[tuple[str, ...]], *, versioned: bool) -> None:
    for cols in [*columns, ("valid_from_block",)]:
        op.create_index(op.f(f"ix_{table}_{'_'.join(cols)}"), table, list(cols), unique=False)
    if versioned:
        op.create_index(op.f(f"ix_{table}_valid_to_block"), table, ["valid_to_block"], unique=False,
                        sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip


_INDEXES: dict[str, tuple[list[tuple[str, ...]], bool]] = {
    "appraisers": ([("expires_at",)], True),
    "valuations": ([("asset_id", "valuation_id"), ("appraiser", "valuation_id"), ("status",)], True),
    "recognitions": ([("holder", "status"), ("status",)], True),
    "recognition_events": ([("holder",), ("timestamp",)], False),
}


def upgrade() -> None:
    op.create_table(
        "appraisers",
        sa.Column("appraiser", _ADDRESS, autoincrement=False, nullable=False),
        *_history(),
        sa.Column("accredited_at", sa.BigInteger(), nullable=False),
        sa.Column("accredited_block", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("document_hash", _HASH, nullable=False),
        sa.Column("accredited_by", _ADDRESS, nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", sa.BigInteger(), nullable=True),
        sa.Column("revoked_by", _ADDRESS, nullable=True),
        sa.Column("revocation_hash", _HASH, nullable=True),
        sa.PrimaryKeyConstraint("appraiser", "valid_from_block", name=op.f("pk_appraisers")),
    )
    op.create_table(
        "valuations",
        sa.Column("valuation_id", sa.BigInteger(), autoincrement=False, nullable=False),
        *_history(),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.Column("appraiser", _ADDRESS, nullable=False),
        sa.Column("method", sa.SmallInteger(), nullable=False),
        sa.Column("value", Uint256(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("base_date", sa.BigInteger(), nullable=False),
        sa.Column("valid_until", sa.BigInteger(), nullable=False),
        sa.Column("content_hash", _HASH, nullable=False),
        sa.Column("report_hash", _HASH, nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("filed_block", sa.BigInteger(), nullable=False),
        sa.Column("filed_at", sa.BigInteger(), nullable=False),
        sa.Column("closed_by", _ADDRESS, nullable=True),
        sa.Column("closing_hash", _HASH, nullable=True),
        sa.Column("closed_block", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("valuation_id", "valid_from_block", name=op.f("pk_valuations")),
    )
    op.create_table(
        "recognitions",
        sa.Column("asset_id", sa.BigInteger(), autoincrement=False, nullable=False),
        *_history(),
        sa.Column("holder", _ADDRESS, nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("category", sa.SmallInteger(), nullable=False),
        sa.Column("carrying_amount", Uint256(), nullable=False),
        sa.Column("valuation_id", sa.BigInteger(), nullable=False),
        sa.Column("period_start", sa.BigInteger(), nullable=False),
        sa.Column("period_end", sa.BigInteger(), nullable=False),
        sa.Column("auditor_hash", _HASH, nullable=False),
        sa.Column("recognised_block", sa.BigInteger(), nullable=False),
        sa.Column("recognised_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("asset_id", "valid_from_block", name=op.f("pk_recognitions")),
    )
    op.create_table(
        "recognition_events",
        sa.Column("asset_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("log_index", sa.Integer(), autoincrement=False, nullable=False),
        *_history(),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("holder", _ADDRESS, nullable=False),
        sa.Column("counterpart", _ADDRESS, nullable=True),
        sa.Column("category", sa.SmallInteger(), nullable=True),
        sa.Column("measurement", sa.SmallInteger(), nullable=True),
        sa.Column("reason", sa.SmallInteger(), nullable=True),
        sa.Column("previous_amount", Uint256(), nullable=True),
        sa.Column("carrying_amount", Uint256(), nullable=False),
        sa.Column("valuation_id", sa.BigInteger(), nullable=True),
        sa.Column("document_hash", _HASH, nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", _HASH, nullable=False),
        sa.PrimaryKeyConstraint("asset_id", "log_index", "valid_from_block", name=op.f("pk_recognition_events")),
    )
    for table, (columns, versioned) in _INDEXES.items():
        _indexes(table, columns, versioned=versioned)


def downgrade() -> None:
    for table in reversed(_INDEXES):
        op.drop_table(table)
