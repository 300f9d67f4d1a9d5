"""Data quality (art. 9, issue 14): quality reports against assets' content with their answers, fixes, rulings and
withdrawals; each holder's quality defaults; the holders' response window.

Nothing before this revision reported a quality problem: the tables start empty and the indexer fills them from the
DataQuality contract's events.

Revision ID: 0018_data_quality
Revises: 0017_disclosure
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0018_data_quality"
down_revision: str | Sequence[str] | None = "0017_disclosure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = sa.text("valid_to_block IS NOT NULL")
_ADDRESS = sa.String(length=42)
_HASH = sa.String(length=66)
_TABLES = ("quality_reports", "quality_defaults", "quality_settings")


def _history() -> list[sa.Column[int]]:
    return [
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "quality_reports",
        sa.Column("report_id", sa.BigInteger(), autoincrement=False, nullable=False),
        *_history(),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.Column("reporter", _ADDRESS, nullable=False),
        sa.Column("content_hash", _HASH, nullable=False),
        sa.Column("problem", sa.SmallInteger(), nullable=False),
        sa.Column("severity", sa.SmallInteger(), nullable=False),
        sa.Column("evidence_hash", _HASH, nullable=False),
        sa.Column("deadline", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("filed_block", sa.BigInteger(), nullable=False),
        sa.Column("filed_at", sa.BigInteger(), nullable=False),
        sa.Column("holder", _ADDRESS, nullable=True),
        sa.Column("answer_hash", _HASH, nullable=True),
        sa.Column("answered_at", sa.BigInteger(), nullable=True),
        sa.Column("fixed_asset_id", sa.BigInteger(), nullable=True),
        sa.Column("fix_hash", _HASH, nullable=True),
        sa.Column("ruled_by", _ADDRESS, nullable=True),
        sa.Column("ruling_hash", _HASH, nullable=True),
        sa.Column("withdrawal_hash", _HASH, nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("report_id", "valid_from_block", name=op.f("pk_quality_reports")),
    )
    op.create_table(
        "quality_defaults",
        sa.Column("holder", _ADDRESS, autoincrement=False, nullable=False),
        *_history(),
        sa.Column("defaults", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("holder", "valid_from_block", name=op.f("pk_quality_defaults")),
    )
    op.create_table(
        "quality_settings",
        sa.Column("name", sa.String(length=32), autoincrement=False, nullable=False),
        *_history(),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("set_by", _ADDRESS, nullable=False),
        sa.PrimaryKeyConstraint("name", "valid_from_block", name=op.f("pk_quality_settings")),
    )
    for columns in (("asset_id", "report_id"), ("content_hash",), ("reporter", "report_id"), ("status", "deadline")):
        op.create_index(op.f(f"ix_quality_reports_{'_'.join(columns)}"), "quality_reports", list(columns), unique=False)
    for table in _TABLES:
        op.create_index(op.f(f"ix_{table}_valid_from_block"), table, ["valid_from_block"], unique=False)
        op.create_index(op.f(f"ix_{table}_valid_to_block"), table, ["valid_to_block"], unique=False,
                        sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.drop_table(table)
