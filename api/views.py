"""Visibility of versioned rows at the block a request reads."""

from __future__ import annotations

import sqlalchemy as sa

from api.deps import BlockStamp
from ledger.store import StateView

__all__ = ["current", "visible"]


def visible(table: sa.Table, stamp: BlockStamp) -> sa.ColumnElement[bool]:
    """Rows of ``table`` visible at ``stamp`` (the current versions when it is the latest block)."""
    return StateView.visible(table, stamp.at_block)


def current(table: sa.Table) -> sa.ColumnElement[bool]:
    """The current versions of ``table``'s rows."""
    return StateView.visible(table, None)
