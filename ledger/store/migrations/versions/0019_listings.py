"""Exchange listings (art. 16-17, issue 14): each exchange's product listings with every amendment, delisting,
withdrawal and sale; a trade records whether the consent it cites is a listing (``trades.listed``).

Nothing before this revision listed a product: the table starts empty and the indexer fills it from the Listings
contract's events (and the TradeSettled events that cite a listing); every trade before it is not listed (the column
keeps its default, false, which also spares SQLite rebuilding the trades table).

Revision ID: 0019_listings
Revises: 0018_data_quality
Create Date: 2026-12-08

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from ledger.store.schema import Uint256

# revision identifiers, used by Alembic.
revision: str = "0019_listings"
down_revision: str | Sequence[str] | None = "0018_data_quality"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = sa.text("valid_to_block IS NOT NULL")
_ADDRESS = sa.String(length=42)
_HASH = sa.String(length=66)
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("trades", sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "listings",
        sa.Column("listing_key", _HASH, autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("exchange", _ADDRESS, nullable=False),
        sa.Column("listing_id", _HASH, nullable=False),
        sa.Column("seller", _ADDRESS, nullable=False),
        sa.Column("seller_key", _ADDRESS, nullable=False),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.Column("delivery", sa.SmallInteger(), nullable=False),
        sa.Column("right", sa.SmallInteger(), nullable=False),
        sa.Column("parent_licence_id", sa.BigInteger(), nullable=False),
        sa.Column("terms", _JSON, nullable=False),
        sa.Column("max_duration", sa.BigInteger(), nullable=False),
        sa.Column("min_price", Uint256(), nullable=False),
        sa.Column("max_price", Uint256(), nullable=False),
        sa.Column("min_net", Uint256(), nullable=False),
        sa.Column("starts_at", sa.BigInteger(), nullable=False),
        sa.Column("ends_at", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("document_hash", _HASH, nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("listed_block", sa.BigInteger(), nullable=False),
        sa.Column("listed_at", sa.BigInteger(), nullable=False),
        sa.Column("amended_at", sa.BigInteger(), nullable=False),
        sa.Column("ended_by", _ADDRESS, nullable=True),
        sa.Column("end_hash", _HASH, nullable=True),
        sa.Column("ended_at", sa.BigInteger(), nullable=True),
        sa.Column("sales", sa.BigInteger(), nullable=False),
        sa.Column("last_sale_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("listing_key", "valid_from_block", name=op.f("pk_listings")),
    )
    for columns in (("exchange", "listed_block"), ("asset_id",), ("seller",), ("status", "ends_at")):
        op.create_index(op.f(f"ix_listings_{'_'.join(columns)}"), "listings", list(columns), unique=False)
    op.create_index(op.f("ix_listings_valid_from_block"), "listings", ["valid_from_block"], unique=False)
    op.create_index(op.f("ix_listings_valid_to_block"), "listings", ["valid_to_block"], unique=False,
                    sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip


def downgrade() -> None:
    op.drop_table("listings")
    with op.batch_alter_table("trades") as batch:
        batch.drop_column("listed")
