"""The annual public-data opening list (art. 10, issue 14): each year's published lists and their entries with
their progress (planned, registered, opened, withdrawn).

Nothing before this revision published a list: the tables start empty and the indexer fills them from the
OpeningList contract's events.

Revision ID: 0020_opening_list
Revises: 0019_listings
Create Date: 2026-12-08

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0020_opening_list"
down_revision: str | Sequence[str] | None = "0019_listings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = sa.text("valid_to_block IS NOT NULL")
_ADDRESS = sa.String(length=42)
_HASH = sa.String(length=66)


def upgrade() -> None:
    op.create_table(
        "opening_lists",
        sa.Column("first_entry_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("list_hash", _HASH, nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("published_by", _ADDRESS, nullable=False),
        sa.Column("published_at", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", _HASH, nullable=False),
        sa.PrimaryKeyConstraint("first_entry_id", name=op.f("pk_opening_lists")),
    )
    op.create_index(op.f("ix_opening_lists_year"), "opening_lists", ["year"], unique=False)
    op.create_index(op.f("ix_opening_lists_valid_from_block"), "opening_lists", ["valid_from_block"], unique=False)
    op.create_table(
        "opening_entries",
        sa.Column("entry_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("department", _ADDRESS, nullable=False),
        sa.Column("description_hash", _HASH, nullable=False),
        sa.Column("target_date", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("asset_id", sa.BigInteger(), nullable=True),
        sa.Column("registered_at", sa.BigInteger(), nullable=True),
        sa.Column("opened_at", sa.BigInteger(), nullable=True),
        sa.Column("evidence", sa.SmallInteger(), nullable=True),
        sa.Column("evidence_ref", _HASH, nullable=True),
        sa.Column("opened_by", _ADDRESS, nullable=True),
        sa.Column("withdrawal_hash", _HASH, nullable=True),
        sa.Column("withdrawn_at", sa.BigInteger(), nullable=True),
        sa.Column("published_block", sa.BigInteger(), nullable=False),
        sa.Column("published_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", "valid_from_block", name=op.f("pk_opening_entries")),
    )
    for columns in (("year", "department"), ("department",), ("asset_id",), ("status", "target_date")):
        op.create_index(op.f(f"ix_opening_entries_{'_'.join(columns)}"), "opening_entries", list(columns),
                        unique=False)  # fmt: skip
    op.create_index(op.f("ix_opening_entries_valid_from_block"), "opening_entries", ["valid_from_block"], unique=False)
    op.create_index(op.f("ix_opening_entries_valid_to_block"), "opening_entries", ["valid_to_block"], unique=False,
                    sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip


def downgrade() -> None:
    op.drop_table("opening_entries")
    op.drop_table("opening_lists")
