"""Query API: indexes for filtered lists in key order, asset histories, point-in-time by time and
search; the indexer's last seen chain head.

Revision ID: 0002_api_indexes
Revises: 0001
Create Date: 2026-11-28

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002_api_indexes"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ASSET_FILTERS = (
    "holding_holder",
    "processing_holder",
    "operation_holder",
    "category",
    "grade",
    "kind",
    "region",
    "status",
)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "indexer_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("observed_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indexer_head")),
    )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("asset_id", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE events SET asset_id = CAST(args ->> 'assetId' AS BIGINT) WHERE args ? 'assetId'"
        if op.get_bind().dialect.name == "postgresql"
        else "UPDATE events SET asset_id = CAST(json_extract(args, '$.assetId') AS INTEGER)"
        " WHERE json_type(args, '$.assetId') IS NOT NULL"
    )
    op.create_index(
        op.f("ix_events_asset_id_block_number_log_index"), "events", ["asset_id", "block_number", "log_index"]
    )
    op.create_index(op.f("ix_events_tx_hash"), "events", ["tx_hash"])
    op.create_index(op.f("ix_blocks_timestamp"), "blocks", ["timestamp"])
    for column in _ASSET_FILTERS:
        op.drop_index(op.f(f"ix_assets_{column}"), table_name="assets")
        op.create_index(op.f(f"ix_assets_{column}_asset_id"), "assets", [column, "asset_id"])
    op.create_index(op.f("ix_assets_certificate_serial"), "assets", ["certificate_serial"])
    op.drop_index(op.f("ix_trades_exchange"), table_name="trades")
    op.create_index(
        op.f("ix_trades_exchange_valid_from_block_log_index"), "trades", ["exchange", "valid_from_block", "log_index"]
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_trades_exchange_valid_from_block_log_index"), table_name="trades")
    op.create_index(op.f("ix_trades_exchange"), "trades", ["exchange"])
    op.drop_index(op.f("ix_assets_certificate_serial"), table_name="assets")
    for column in _ASSET_FILTERS:
        op.drop_index(op.f(f"ix_assets_{column}_asset_id"), table_name="assets")
        op.create_index(op.f(f"ix_assets_{column}"), "assets", [column])
    op.drop_index(op.f("ix_blocks_timestamp"), table_name="blocks")
    op.drop_index(op.f("ix_events_tx_hash"), table_name="events")
    op.drop_index(op.f("ix_events_asset_id_block_number_log_index"), table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("asset_id")
    op.drop_table("indexer_head")
