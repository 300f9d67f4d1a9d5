"""Settlement banks' issuance (issue 12, section 1, "Money"): each bank's issuance limit set by the council, its
outstanding issuance (issued less redeemed) and the reserve attestation its latest issuance named, with history,
rebuilt from the token's IssuanceLimitSet, Issued and Redeemed events.

The token's Issued and Redeemed events changed with the limits (they carry the reserve attestation and the bank's
outstanding issuance), so a store that already holds events was indexed from a deployment before them, whose
records this table cannot hold: the upgrade refuses it; index a new deployment into a new database.

Revision ID: 0010_bank_issuance
Revises: 0009_governance
Create Date: 2026-12-08

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ledger.store._store import StoreDatabaseError
from ledger.store.schema import Uint256

# revision identifiers, used by Alembic.
revision: str = "0010_bank_issuance"
down_revision: str | Sequence[str] | None = "0009_governance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = sa.text("valid_to_block IS NOT NULL")
_ADDRESS = sa.String(length=42)
_HASH = sa.String(length=66)


def upgrade() -> None:
    events = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM events")).scalar_one()
    if events:
        raise StoreDatabaseError(
            f"this store holds {events} events indexed before settlement banks had issuance limits (issue 12: the "
            "token's Issued and Redeemed events changed), whose records a migration cannot rebuild: index the "
            "deployment into a new database (set LEDGER_DATABASE_URL to an empty one, or remove DATA_DIR/ledger.db) "
            "and run `ledger index` again"
        )
    op.create_table(
        "bank_issuance",
        sa.Column("bank", _ADDRESS, autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("issuance_limit", Uint256(), nullable=False),
        sa.Column("outstanding", Uint256(), nullable=False),
        sa.Column("issued_total", Uint256(), nullable=False),
        sa.Column("redeemed_total", Uint256(), nullable=False),
        sa.Column("reserve_hash", _HASH, nullable=True),
        sa.Column("limit_set_by", _ADDRESS, nullable=True),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("bank", "valid_from_block", name=op.f("pk_bank_issuance")),
    )
    op.create_index(op.f("ix_bank_issuance_valid_from_block"), "bank_issuance", ["valid_from_block"], unique=False)
    op.create_index(op.f("ix_bank_issuance_valid_to_block"), "bank_issuance", ["valid_to_block"], unique=False,
                    sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip


def downgrade() -> None:
    op.drop_index(op.f("ix_bank_issuance_valid_to_block"), table_name="bank_issuance", sqlite_where=_CLOSED,
                  postgresql_where=_CLOSED)  # fmt: skip
    op.drop_index(op.f("ix_bank_issuance_valid_from_block"), table_name="bank_issuance")
    op.drop_table("bank_issuance")
