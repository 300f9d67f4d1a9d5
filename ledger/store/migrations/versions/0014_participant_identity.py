"""Each participant's identity (issue 12, section 2): its participant id and the hash of its unified social credit
code (统一社会信用代码), from the ParticipantAdmitted event that now carries both.

The event's signature changed with them (and the registry's constructor, which admits the authority), so a store
holding a ParticipantAdmitted event was indexed from a deployment before them, whose participants have neither: the
upgrade refuses it; index a new deployment into a new database. A store without one gets the two columns.

Revision ID: 0014_participant_identity
Revises: 0013_governance_targets
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ledger.store._store import StoreDatabaseError

# revision identifiers, used by Alembic.
revision: str = "0014_participant_identity"
down_revision: str | Sequence[str] | None = "0013_governance_targets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    query = "SELECT COUNT(*) FROM events WHERE contract = 'ParticipantRegistry' AND name = 'ParticipantAdmitted'"
    admitted = op.get_bind().execute(sa.text(query)).scalar_one()
    if admitted:
        raise StoreDatabaseError(
            f"this store holds {admitted} participant admissions indexed before participants had ids and credit codes"
            " (issue 12: the registry's ParticipantAdmitted event changed), whose records a migration cannot complete:"
            " index the deployment into a new database (set LEDGER_DATABASE_URL to an empty one, or remove"
            " DATA_DIR/ledger.db) and run `ledger index` again"
        )
    op.add_column("participants", sa.Column("participant_id", sa.Integer(), nullable=True))
    op.add_column("participants", sa.Column("credit_code_hash", sa.String(length=66), nullable=True))
    op.create_index(op.f("ix_participants_participant_id"), "participants", ["participant_id"], unique=False)
    op.create_index(op.f("ix_participants_credit_code_hash"), "participants", ["credit_code_hash"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_participants_credit_code_hash"), table_name="participants")
    op.drop_index(op.f("ix_participants_participant_id"), table_name="participants")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("credit_code_hash")
        batch.drop_column("participant_id")
