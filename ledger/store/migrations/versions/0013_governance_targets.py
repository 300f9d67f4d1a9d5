"""Each target's settings at the access manager (closed, admin delay), with history, rebuilt from the manager's
TargetClosed and TargetAdminDelayUpdated events.

The indexer has stored every event of the manager since 0009_governance, these two among them, so a store indexed
before this revision holds all it needs: the upgrade rebuilds each target's versions from its ``events`` table
(one version per block, the record as it stood at the end of the block, as the projector writes them). The
delay in force before a new one takes effect is the one the manager had at the event's block time, so the rebuild
reads the ``blocks`` table's timestamps too; a store whose events name a block it holds no header of is refused.
The rebuild is written out here rather than run through the projector, which will change after this revision.

Revision ID: 0013_governance_targets
Revises: 0012_contract_pauses
Create Date: 2026-12-10

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from ledger.store._store import StoreDatabaseError

# revision identifiers, used by Alembic.
revision: str = "0013_governance_targets"
down_revision: str | Sequence[str] | None = "0012_contract_pauses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = sa.text("valid_to_block IS NOT NULL")
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_EVENTS = ("TargetClosed", "TargetAdminDelayUpdated")


def upgrade() -> None:
    targets = op.create_table(
        "governance_targets",
        sa.Column("target", sa.String(length=42), autoincrement=False, nullable=False),
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("admin_delay", sa.BigInteger(), nullable=False),
        sa.Column("admin_delay_since", sa.BigInteger(), nullable=False),
        sa.Column("previous_admin_delay", sa.BigInteger(), nullable=False),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("target", "valid_from_block", name=op.f("pk_governance_targets")),
    )
    op.create_index(op.f("ix_governance_targets_valid_from_block"), "governance_targets", ["valid_from_block"],
                    unique=False)  # fmt: skip
    op.create_index(op.f("ix_governance_targets_valid_to_block"), "governance_targets", ["valid_to_block"],
                    unique=False, sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip
    assert targets is not None
    rows = _rebuild()
    if rows:
        op.bulk_insert(targets, rows)


def _rebuild() -> list[dict[str, Any]]:
    """Every version of every target's record, from the stored events of the manager (in chain order)."""
    events = sa.table("events", sa.column("block_number", sa.BigInteger()), sa.column("log_index", sa.Integer()),
                      sa.column("contract", sa.String()), sa.column("name", sa.String()), sa.column("args", _JSON))
    blocks = sa.table("blocks", sa.column("number", sa.BigInteger()), sa.column("timestamp", sa.BigInteger()))
    found = op.get_bind().execute(
        sa.select(events.c.block_number, events.c.name, events.c.args, blocks.c.timestamp)
        .select_from(events.outerjoin(blocks, blocks.c.number == events.c.block_number))
        .where(events.c.contract == "AccessManager", events.c.name.in_(_EVENTS))
        .order_by(events.c.block_number, events.c.log_index)
    ).all()  # fmt: skip
    versions: dict[str, list[dict[str, Any]]] = {}
    for block, name, args, timestamp in found:
        if timestamp is None:
            raise StoreDatabaseError(
                f"this store holds a {name} event in block {block} but no header of that block, which the rebuild "
                "of the access manager's target settings needs: index the deployment into a new database"
            )
        target = args["target"]
        vs = versions.setdefault(target, [])
        last = vs[-1] if vs else None
        if last is None or last["valid_from_block"] != block:
            last = dict(last) if last is not None else {
                "target": target, "closed": False, "admin_delay": 0, "admin_delay_since": 0, "previous_admin_delay": 0,
            }  # fmt: skip
            if vs:
                vs[-1]["valid_to_block"] = block
            last.update(valid_from_block=block, valid_to_block=None)
            vs.append(last)
        last["updated_block"] = block
        if name == "TargetClosed":
            last["closed"] = bool(args["closed"])
        else:
            in_force = last["admin_delay"] if last["admin_delay_since"] <= timestamp else last["previous_admin_delay"]
            last.update(admin_delay=int(args["delay"]), admin_delay_since=int(args["since"]),
                        previous_admin_delay=in_force)  # fmt: skip
    return [row for vs in versions.values() for row in vs]


def downgrade() -> None:
    op.drop_index(op.f("ix_governance_targets_valid_to_block"), table_name="governance_targets", sqlite_where=_CLOSED,
                  postgresql_where=_CLOSED)  # fmt: skip
    op.drop_index(op.f("ix_governance_targets_valid_from_block"), table_name="governance_targets")
    op.drop_table("governance_targets")
