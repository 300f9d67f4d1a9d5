"""Indexer leader election: the epoch of the indexer that leads (fences the writes of a deposed one).

Revision ID: 0008_indexer_leader
Revises: 0007_api_key_lifecycle
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008_indexer_leader"
down_revision: str | Sequence[str] | None = "0007_api_key_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "indexer_leader",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(length=256), nullable=False),
        sa.Column("since", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indexer_leader")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("indexer_leader")
