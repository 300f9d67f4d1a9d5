"""The governance (issue 12, section 1): the access manager's operations, roles, role settings and function
roles, the officers' Safes and their transactions, all rebuildable from the manager's and the Safes' events.

A store that already holds events was indexed before the store kept these records: a deployment from before the
governance has no manager or Safes at all, and a store of a governance deployment indexed before this revision (or
brought down below it, which drops the tables) has their events but no records to carry over. The upgrade refuses
such a store and says so; index the deployment into a new database.

Revision ID: 0009_governance
Revises: 0008_indexer_leader
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from ledger.store._store import StoreDatabaseError
from ledger.store.schema import Uint256

# revision identifiers, used by Alembic.
revision: str = "0009_governance"
down_revision: str | Sequence[str] | None = "0008_indexer_leader"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_CLOSED = sa.text("valid_to_block IS NOT NULL")
_ADDRESS = sa.String(length=42)
_HASH = sa.String(length=66)
_SELECTOR = sa.String(length=10)
_SAFE = sa.String(length=32)


def _history_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("valid_from_block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("valid_to_block", sa.BigInteger(), nullable=True),
    ]


def _history(table: str, *, versioned: bool = True) -> None:
    op.create_index(op.f(f"ix_{table}_valid_from_block"), table, ["valid_from_block"], unique=False)
    if versioned:
        op.create_index(op.f(f"ix_{table}_valid_to_block"), table, ["valid_to_block"], unique=False,
                        sqlite_where=_CLOSED, postgresql_where=_CLOSED)  # fmt: skip


def _key(*columns: sa.Column[object]) -> list[sa.Column[object]]:
    for c in columns:
        c.autoincrement = False
    return list(columns)


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def _refuse_old_store() -> None:
    events = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM events")).scalar_one()
    if events:
        raise StoreDatabaseError(
            f"this store holds {events} events indexed before the store kept the ledger's governance (issue 12: the "
            "access manager's operations and roles, the officers' Safes), whose records a migration cannot rebuild: "
            "index the deployment into a new database (set LEDGER_DATABASE_URL to an empty one, or remove "
            "DATA_DIR/ledger.db) and run `ledger index` again"
        )


def upgrade() -> None:
    _refuse_old_store()
    op.create_table(
        "governance_operations",
        *_key(sa.Column("operation_id", _HASH, nullable=False)),
        *_history_columns(),
        sa.Column("nonce", sa.BigInteger(), nullable=False),
        sa.Column("caller", _ADDRESS, nullable=False),
        sa.Column("target", _ADDRESS, nullable=False),
        sa.Column("selector", _SELECTOR, nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("ready_at", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("scheduled_block", sa.BigInteger(), nullable=False),
        sa.Column("scheduled_at", sa.BigInteger(), nullable=False),
        sa.Column("scheduled_tx", _HASH, nullable=False),
        sa.Column("closed_block", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", sa.BigInteger(), nullable=True),
        sa.Column("closed_tx", _HASH, nullable=True),
        sa.PrimaryKeyConstraint("operation_id", "valid_from_block", name=op.f("pk_governance_operations")),
    )
    for column in ("ready_at", "status", "target"):
        _index("governance_operations", column)
    _history("governance_operations")

    op.create_table(
        "governance_roles",
        *_key(sa.Column("role_id", Uint256(), nullable=False), sa.Column("account", _ADDRESS, nullable=False)),
        *_history_columns(),
        sa.Column("member", sa.Boolean(), nullable=False),
        sa.Column("since", sa.BigInteger(), nullable=False),
        sa.Column("execution_delay", sa.BigInteger(), nullable=False),
        sa.Column("delay_effect", sa.BigInteger(), nullable=False),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("role_id", "account", "valid_from_block", name=op.f("pk_governance_roles")),
    )
    _index("governance_roles", "account")
    _history("governance_roles")

    op.create_table(
        "governance_role_settings",
        *_key(sa.Column("role_id", Uint256(), nullable=False)),
        *_history_columns(),
        sa.Column("label", sa.String(length=256), nullable=True),
        sa.Column("admin_role", Uint256(), nullable=False),
        sa.Column("guardian_role", Uint256(), nullable=False),
        sa.Column("grant_delay", sa.BigInteger(), nullable=False),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("role_id", "valid_from_block", name=op.f("pk_governance_role_settings")),
    )
    _history("governance_role_settings")

    op.create_table(
        "governance_function_roles",
        *_key(sa.Column("target", _ADDRESS, nullable=False), sa.Column("selector", _SELECTOR, nullable=False)),
        *_history_columns(),
        sa.Column("role_id", Uint256(), nullable=False),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("target", "selector", "valid_from_block", name=op.f("pk_governance_function_roles")),
    )
    _index("governance_function_roles", "role_id")
    _history("governance_function_roles")

    op.create_table(
        "governance_safes",
        *_key(sa.Column("safe", _SAFE, nullable=False)),
        *_history_columns(),
        sa.Column("owners", _JSON, nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.BigInteger(), nullable=False),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("safe", "valid_from_block", name=op.f("pk_governance_safes")),
    )
    _history("governance_safes")

    op.create_table(
        "governance_safe_transactions",
        *_key(sa.Column("safe", _SAFE, nullable=False), sa.Column("nonce", sa.BigInteger(), nullable=False)),
        *_history_columns(),
        sa.Column("safe_tx_hash", _HASH, nullable=False),
        sa.Column("target", _ADDRESS, nullable=False),
        sa.Column("selector", _SELECTOR, nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("signers", _JSON, nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("sender", _ADDRESS, nullable=False),
        sa.Column("tx_hash", _HASH, nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("safe", "nonce", name=op.f("pk_governance_safe_transactions")),
    )
    _index("governance_safe_transactions", "tx_hash")
    _history("governance_safe_transactions", versioned=False)


def downgrade() -> None:
    for table, indexes, versioned in (
        ("governance_safe_transactions", ["tx_hash"], False),
        ("governance_safes", [], True),
        ("governance_function_roles", ["role_id"], True),
        ("governance_role_settings", [], True),
        ("governance_roles", ["account"], True),
        ("governance_operations", ["ready_at", "status", "target"], True),
    ):
        for column in indexes:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_index(op.f(f"ix_{table}_valid_from_block"), table_name=table)
        if versioned:
            op.drop_index(op.f(f"ix_{table}_valid_to_block"), table_name=table, sqlite_where=_CLOSED,
                          postgresql_where=_CLOSED)  # fmt: skip
        op.drop_table(table)
