"""The keys participants sign with (issue 12, section 2): each participant's current key beside its identity, and a
versioned record of every key any participant ever signed with, from ParticipantAdmitted and the registry's new
ParticipantKeyChanged event.

Until this revision no participant could change its key, so each signed with its identity: the upgrade gives every
participant version its account as its key, and every participant one key record, its account's, from its
admission.

Revision ID: 0015_participant_keys
Revises: 0014_participant_identity
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0015_participant_keys"
down_revision: str | Sequence[str] | None = "0014_participant_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = sa.text("valid_to_block IS NOT NULL")


def upgrade() -> None:
    op.add_column("participants", sa.Column("signing_key", sa.String(length=42), nullable=True))
    op.execute("UPDATE participants SET signing_key = account")
    op.create_table(
        "participant_keys",
        sa.Column("address", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("account", sa.String(length=42), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("added_block", sa.BigInteger(), nullable=False),
        sa.Column("added_at", sa.BigInteger(), nullable=False),
        sa.Column("reason_hash", sa.String(length=66), nullable=True),
        sa.Column("added_by", sa.String(length=42), nullable=False),
        sa.Column("replaced_block", sa.BigInteger(), nullable=True),
        sa.Column("replaced_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("address", "valid_from_block", name=op.f("pk_participant_keys")),
    )
    op.create_index(op.f("ix_participant_keys_account"), "participant_keys", ["account"], unique=False)
    op.create_index(op.f("ix_participant_keys_valid_from_block"), "participant_keys", ["valid_from_block"],
                    unique=False)  # fmt: skip
    op.create_index(op.f("ix_participant_keys_valid_to_block"), "participant_keys", ["valid_to_block"],
                    unique=False, sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip
    # Each participant's own key, from its admission (the first version of its record).
    op.execute(
        "INSERT INTO participant_keys (address, valid_from_block, valid_to_block, account, participant_id, added_block,"
        " added_at, reason_hash, added_by, replaced_block, replaced_at)"
        " SELECT account, admitted_block, NULL, account, participant_id, admitted_block, admitted_at, NULL,"
        " admitted_by, NULL, NULL FROM participants WHERE valid_from_block = admitted_block"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_participant_keys_valid_to_block"), table_name="participant_keys",
                  sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip
    op.drop_index(op.f("ix_participant_keys_valid_from_block"), table_name="participant_keys")
    op.drop_index(op.f("ix_participant_keys_account"), table_name="participant_keys")
    op.drop_table("participant_keys")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("signing_key")
