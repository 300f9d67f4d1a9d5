"""Write gateway: API key expiry, scopes and rotation; rate-limit buckets and usage shared by every API process.

Revision ID: 0007_api_key_lifecycle
Revises: 0006_trade_aggregates
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0007_api_key_lifecycle"
down_revision: str | Sequence[str] | None = "0006_trade_aggregates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("expires_at", sa.BigInteger(), nullable=True))
        # Keys made before scopes existed could call every operation: they keep that.
        batch.add_column(sa.Column("scopes", _JSON, nullable=False, server_default=sa.text("'[\"write\"]'")))
        batch.add_column(sa.Column("rotated_at", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("previous_secret_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("previous_valid_until", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("api_keys") as batch:
        batch.alter_column("scopes", server_default=None, existing_type=_JSON, existing_nullable=False)
    op.create_table(
        "gateway_rate_limits",
        sa.Column("bucket", sa.String(length=64), autoincrement=False, nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("admitted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", name=op.f("pk_gateway_rate_limits")),
    )
    op.create_table(
        "api_key_usage",
        sa.Column("key_id", sa.String(length=32), autoincrement=False, nullable=False),
        sa.Column("day", sa.String(length=10), autoincrement=False, nullable=False),
        sa.Column("requests", sa.BigInteger(), nullable=False),
        sa.Column("refused", sa.BigInteger(), nullable=False),
        sa.Column("last_used_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key_id", "day", name=op.f("pk_api_key_usage")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("api_key_usage")
    op.drop_table("gateway_rate_limits")
    with op.batch_alter_table("api_keys") as batch:
        for column in ("previous_valid_until", "previous_secret_sha256", "rotated_at", "scopes", "expires_at"):
            batch.drop_column(column)
