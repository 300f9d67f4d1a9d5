"""Visibility of versioned rows at the block a request reads."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from api.deps import BlockStamp
from ledger.store import StateView

__all__ = ["current", "named", "visible"]


def visible(table: sa.Table, stamp: BlockStamp) -> sa.ColumnElement[bool]:
    """Rows of ``table`` visible at ``stamp`` (the current versions when it is the latest block)."""
    return StateView.visible(table, stamp.at_block)


def named(column: sa.ColumnElement[Any], account: str) -> sa.ColumnElement[bool]:
    """``column`` (an account column) names the participant ``account`` names (its identity or any key it signed
    with): see :meth:`ledger.store.StateView.named`."""
    return StateView.named(column, account)


def current(table: sa.Table) -> sa.ColumnElement[bool]:
    """The current versions of ``table``'s rows."""
    return StateView.visible(table, None)
