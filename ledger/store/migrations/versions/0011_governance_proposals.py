"""Write gateway: governance proposals collaborated on through the API (issue 12, section 1).

A table of the gateway's own (no chain state): a store at any earlier revision gets it empty.

Revision ID: 0011_governance_proposals
Revises: 0010_bank_issuance
Create Date: 2026-12-20

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0011_governance_proposals"
down_revision: str | Sequence[str] | None = "0010_bank_issuance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "governance_proposals",
        sa.Column("proposal_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("manager", sa.String(length=42), nullable=False),
        sa.Column("route", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("safe_tx_hash", sa.String(length=66), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("document", _JSON, nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_governance_proposals")),
    )
    op.create_index(
        op.f("ix_governance_proposals_state_proposal_id"), "governance_proposals", ["state", "proposal_id"],
        unique=False,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_governance_proposals_state_proposal_id"), table_name="governance_proposals")
    op.drop_table("governance_proposals")
