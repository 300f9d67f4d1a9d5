"""Information disclosure (art. 25, issue 14): how often exchanges must disclose each kind (with its history), and
every disclosure an exchange filed.

Nothing before this revision disclosed: the tables start empty and the indexer fills them from the Disclosure
contract's events.

Revision ID: 0017_disclosure
Revises: 0016_valuation
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0017_disclosure"
down_revision: str | Sequence[str] | None = "0016_valuation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = sa.text("valid_to_block IS NOT NULL")
_ADDRESS = sa.String(length=42)
_HASH = sa.String(length=66)


def upgrade() -> None:
    op.create_table(
        "disclosure_requirements",
        sa.Column("kind", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("months", sa.SmallInteger(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("since", sa.BigInteger(), nullable=False),
        sa.Column("set_by", _ADDRESS, nullable=False),
        sa.PrimaryKeyConstraint("kind", "valid_from_block", name=op.f("pk_disclosure_requirements")),
    )
    op.create_index(op.f("ix_disclosure_requirements_valid_from_block"), "disclosure_requirements",
                    ["valid_from_block"], unique=False)  # fmt: skip
    op.create_index(op.f("ix_disclosure_requirements_valid_to_block"), "disclosure_requirements", ["valid_to_block"],
                    unique=False, sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip
    op.create_table(
        "disclosures",
        sa.Column("disclosure_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("exchange", _ADDRESS, nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("period_start", sa.BigInteger(), nullable=False),
        sa.Column("period_end", sa.BigInteger(), nullable=False),
        sa.Column("document_hash", _HASH, nullable=False),
        sa.Column("filed_at", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", _HASH, nullable=False),
        sa.PrimaryKeyConstraint("disclosure_id", name=op.f("pk_disclosures")),
    )
    for columns in (("exchange", "kind", "period_start"), ("kind", "period_start"), ("filed_at",),
                    ("valid_from_block",)):  # fmt: skip
        op.create_index(op.f(f"ix_disclosures_{'_'.join(columns)}"), "disclosures", list(columns), unique=False)


def downgrade() -> None:
    op.drop_table("disclosures")
    op.drop_table("disclosure_requirements")
