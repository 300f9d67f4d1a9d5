"""The ledger's pause register (issue 12, section 4): each contract's pause, with history, rebuilt from
AssetControls' ContractsPaused and ContractsUnpaused events.

AssetControls gained these two events and changed no other: a store indexed before them holds every other
record as it is, and no pause events (a deployment before the register had none to emit), so it is upgraded
as it is, with an empty table.

Revision ID: 0012_contract_pauses
Revises: 0011_governance_proposals
Create Date: 2026-12-09

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012_contract_pauses"
down_revision: str | Sequence[str] | None = "0011_governance_proposals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = sa.text("valid_to_block IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "contract_pauses",
        sa.Column("contract", sa.String(length=32), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("reason_hash", sa.String(length=66), nullable=False),
        sa.Column("changed_by", sa.String(length=42), nullable=False),
        sa.Column("changed_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("contract", "valid_from_block", name=op.f("pk_contract_pauses")),
    )
    op.create_index(op.f("ix_contract_pauses_valid_from_block"), "contract_pauses", ["valid_from_block"],
                    unique=False)  # fmt: skip
    op.create_index(op.f("ix_contract_pauses_valid_to_block"), "contract_pauses", ["valid_to_block"], unique=False,
                    sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip


def downgrade() -> None:
    op.drop_index(op.f("ix_contract_pauses_valid_to_block"), table_name="contract_pauses", sqlite_where=_CLOSED,
                  postgresql_where=_CLOSED)  # fmt: skip
    op.drop_index(op.f("ix_contract_pauses_valid_from_block"), table_name="contract_pauses")
    op.drop_table("contract_pauses")
