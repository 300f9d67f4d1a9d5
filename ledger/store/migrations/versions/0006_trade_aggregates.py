"""Trade aggregates kept by the store: totals per (day, category, exchange, right) and per (payee, asset,
right), with history; computed from the stored trades and payments for a store that already holds some.

After 0005_rules: the totals sum the trades and payments of the issue-11 contracts (trades by their key,
revenue shares held for inactive recipients apart).

Revision ID: 0006_trade_aggregates
Revises: 0005_rules
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ledger.store.aggregates import rebuild_aggregates
from ledger.store.schema import Uint256

# revision identifiers, used by Alembic.
revision: str = "0006_trade_aggregates"
down_revision: str | Sequence[str] | None = "0005_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = sa.text("valid_to_block IS NOT NULL")
_CURRENT = sa.text("valid_to_block IS NULL")


def _history(table: str) -> None:
    op.create_index(op.f(f"ix_{table}_valid_from_block"), table, ["valid_from_block"], unique=False)
    op.create_index(op.f(f"ix_{table}_valid_to_block"), table, ["valid_to_block"], unique=False,
                    sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "trade_aggregates",
        sa.Column("day", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("category", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("exchange", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("right", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("trades", sa.BigInteger(), nullable=False),
        sa.Column("volume", Uint256(), nullable=False),
        sa.Column("fees", Uint256(), nullable=False),
        sa.Column("revenue_shares", Uint256(), nullable=False),
        sa.Column("held_shares", Uint256(), nullable=False),
        sa.PrimaryKeyConstraint("day", "category", "exchange", "right", "valid_from_block",
                                name=op.f("pk_trade_aggregates")),
    )  # fmt: skip
    _history("trade_aggregates")
    op.create_index("ix_trade_aggregates_current_day", "trade_aggregates", ["day"], unique=False,
                    sqlite_where=_CURRENT, postgresql_where=_CURRENT)  # fmt: skip
    op.create_table(
        "revenue_totals",
        sa.Column("payee", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("asset_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("right", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("seller", Uint256(), nullable=False),
        sa.Column("fee", Uint256(), nullable=False),
        sa.Column("revenue_share", Uint256(), nullable=False),
        sa.Column("held", Uint256(), nullable=False),
        sa.Column("payments", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("payee", "asset_id", "right", "valid_from_block", name=op.f("pk_revenue_totals")),
    )
    op.create_index(op.f("ix_revenue_totals_asset_id"), "revenue_totals", ["asset_id"], unique=False)
    _history("revenue_totals")
    # A store indexed before this revision: its totals from the trades and payments it holds.
    rebuild_aggregates(op.get_bind())


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("revenue_totals")
    op.drop_table("trade_aggregates")
