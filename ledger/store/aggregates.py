"""Trade aggregates kept by the store: running totals per (UTC day, asset category, exchange, right sold)
and per (payee, asset, right sold), versioned per block, written in the same transaction as the trades and
payments they sum.

The store calls :func:`project_aggregates` with each batch's projection, before writing it: the batch's
new trades and payments become per-block deltas of the totals they change, added to the stored current
totals, and the resulting versions join the projection (so they are written, closed, rolled back on a
reorg and compared by the audit replay like every other versioned record). :func:`rebuild_aggregates`
computes the same tables from the stored trades and payments in one go (a migration of an existing store,
or rows written around :meth:`ledger.store.Store.apply`, e.g. by the API benchmark); the two agree by
construction: both go through :func:`accumulate`.

A trade counts under the category its asset had at the trade's block, under its exchange (the zero
address for an off-exchange trade) and under the right it sold. Payments belong to their trade by its key
(``trade_key``: a trade id is unique only per exchange, or per seller and buyer off exchange). Revenue-share
payments count in their trade's cell as ``revenue_shares``, or as ``held_shares`` when the recipient was not
active and the settlement contract holds the share for it; per recipient in ``revenue_totals`` likewise
(``revenue_share`` or ``held``). What becomes of a held share later (claimed by its recipient, or released
by the authority) changes ``held_shares`` per account, not these totals: they say what each settlement paid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import sqlalchemy as sa

from ledger.store._bulk import BulkWriter
from ledger.store.projection import PAYMENT_FEE, PAYMENT_REVENUE_SHARE, PAYMENT_SELLER, Key, Projected, Row
from ledger.store.schema import assets, payments, revenue_totals, trade_aggregates, trades

__all__ = [
    "DAY",
    "REVENUE_TOTALS",
    "TRADE_AGGREGATES",
    "UNKNOWN_CATEGORY",
    "accumulate",
    "project_aggregates",
    "rebuild_aggregates",
]

DAY: Final = 86_400
UNKNOWN_CATEGORY: Final = -1  # a trade of an asset the store does not hold (incomplete events)

TRADE_AGGREGATES: Final = trade_aggregates.name
REVENUE_TOTALS: Final = revenue_totals.name

_CELL_KEY: Final = ("day", "category", "exchange", "right")
_CELL_VALUES: Final = ("trades", "volume", "fees", "revenue_shares", "held_shares")
_REVENUE_KEY: Final = ("payee", "asset_id", "right")
_REVENUE_VALUES: Final = ("seller", "fee", "revenue_share", "held", "payments")
_REVENUE_COLUMN: Final = {PAYMENT_SELLER: 0, PAYMENT_FEE: 1, PAYMENT_REVENUE_SHARE: 2}
_HELD: Final = 3  # the revenue_totals value a held share adds to

Deltas = dict[Key, dict[int, list[int]]]  # record key -> block -> value deltas


def _add(deltas: Deltas, key: Key, block: int, values: Sequence[int]) -> None:
    per_block = deltas.setdefault(key, {})
    acc = per_block.get(block)
    if acc is None:
        per_block[block] = list(values)
    else:
        for i, v in enumerate(values):
            acc[i] += v


def accumulate(
    deltas: Deltas, current: Mapping[Key, Row], key_columns: Sequence[str], value_columns: Sequence[str]
) -> dict[Key, list[tuple[int, Row]]]:
    """Each record's new versions, one per block with a delta, in block order: its current totals
    (zero for a record not stored yet) plus the deltas up to that block."""
    out: dict[Key, list[tuple[int, Row]]] = {}
    for key, per_block in deltas.items():
        stored = current.get(key)
        totals = [0] * len(value_columns) if stored is None else [int(stored[c]) for c in value_columns]
        versions: list[tuple[int, Row]] = []
        for block in sorted(per_block):
            for i, v in enumerate(per_block[block]):
                totals[i] += v
            row: Row = dict(zip(key_columns, key, strict=True))
            row.update(zip(value_columns, totals, strict=True))
            versions.append((block, row))
        out[key] = versions
    return out


class _Totals:
    """Per-block deltas of the trade cells and of the revenue totals."""

    def __init__(self) -> None:
        self.cells: Deltas = {}
        self.revenue: Deltas = {}

    def trade(self, block: int, cell: Key, price: int, fee: int) -> None:
        _add(self.cells, cell, block, (1, price, fee, 0, 0))

    def payment(self, block: int, cell: Key, asset_id: int, kind: str, payee: str, amount: int, held: bool) -> None:
        """A payment of the trade counted in ``cell`` (whose last part is the right sold)."""
        if kind == PAYMENT_REVENUE_SHARE:
            _add(self.cells, cell, block, (0, 0, 0, 0, amount) if held else (0, 0, 0, amount, 0))
        values = [0, 0, 0, 0, 1]
        values[_HELD if held else _REVENUE_COLUMN[kind]] = amount
        _add(self.revenue, (payee, asset_id, cell[3]), block, values)


def _cell(timestamp: int, category: int, exchange: str, right: int) -> Key:
    return (timestamp // DAY, category, exchange, right)


def _load_current(
    writer: BulkWriter, table: sa.Table, key_columns: Sequence[str], value_columns: Sequence[str], keys: Iterable[Key]
) -> tuple[dict[Key, Row], dict[Key, int]]:
    columns = [*key_columns, *value_columns, "valid_from_block"]
    rows: dict[Key, Row] = {}
    froms: dict[Key, int] = {}
    n = len(key_columns)
    for values in writer.fetch_current(table, key_columns, columns, list(keys)):
        key = tuple(values[:n])
        rows[key] = dict(zip(columns, values, strict=True))
        froms[key] = int(values[-1])
    return rows, froms


def _stored_categories(writer: BulkWriter, asset_ids: Iterable[int]) -> dict[int, int]:
    """The stored current category of each asset (those the store holds)."""
    rows = writer.fetch_current(assets, ("asset_id",), ("asset_id", "category"), [(a,) for a in asset_ids])
    return {int(a): int(c) for a, c in rows}


def project_aggregates(writer: BulkWriter, projected: Projected) -> dict[str, dict[Key, int]]:
    """Adds to ``projected`` (in place) the new versions of the aggregates its trades and payments change,
    and returns the ``valid_from_block`` of the stored current versions they supersede, by table (for the
    store's :meth:`~ledger.store.Store._write_projection`). Runs inside the batch's transaction, before
    the projection is written: stored rows are the state at the batch's floor."""
    trade_rows = projected.facts.get(trades.name, [])
    payment_rows = projected.facts.get(payments.name, [])
    if not trade_rows and not payment_rows:
        return {}
    asset_versions = projected.versions.get(assets.name, {})
    # Stored versions are the state at the batch's floor: an asset's category at a trade's block is its
    # last version in the batch at or before that block, else the stored one.
    stored_category = _stored_categories(writer, {int(t["asset_id"]) for t in trade_rows})

    def category_of(asset_id: int, block: int) -> int:
        found: int | None = None
        for version_block, row in asset_versions.get((asset_id,), ()):
            if version_block > block:
                break
            found = int(row["category"])
        if found is not None:
            return found
        if asset_id not in stored_category:
            stored_category.update(_stored_categories(writer, {asset_id}))
        return stored_category.get(asset_id, UNKNOWN_CATEGORY)

    def cell_of_trade(trade_key: str) -> tuple[Key, int] | None:
        rows = writer.fetch_current(
            trades, ("trade_key",), ("asset_id", "exchange", "right", "timestamp", "valid_from_block"),
            [(trade_key,)],
        )  # fmt: skip
        if not rows:
            return None
        asset_id, exchange, right, timestamp, block = rows[0]
        category = category_of(int(asset_id), int(block))
        return _cell(int(timestamp), category, str(exchange), int(right)), int(asset_id)

    totals = _Totals()
    batch: dict[str, tuple[Key, int]] = {}  # trade key -> (cell, asset)
    for t in trade_rows:
        block = int(t["valid_from_block"])
        asset_id = int(t["asset_id"])
        cell = _cell(int(t["timestamp"]), category_of(asset_id, block), str(t["exchange"]), int(t["right"]))
        batch[str(t["trade_key"])] = (cell, asset_id)
        totals.trade(block, cell, int(t["price"]), int(t["fee"]))
    for p in payment_rows:
        key = str(p["trade_key"])
        found = batch.get(key) or cell_of_trade(key)
        if found is not None:  # else a payment of a trade the store does not hold: nothing to count it under
            block, (cell, asset_id) = int(p["valid_from_block"]), found
            totals.payment(block, cell, asset_id, str(p["kind"]), str(p["payee"]), int(p["amount"]), bool(p["held"]))
    cell_deltas, revenue_deltas = totals.cells, totals.revenue
    out: dict[str, dict[Key, int]] = {}
    for table, key_columns, value_columns, deltas in (
        (trade_aggregates, _CELL_KEY, _CELL_VALUES, cell_deltas),
        (revenue_totals, _REVENUE_KEY, _REVENUE_VALUES, revenue_deltas),
    ):
        if not deltas:
            continue
        current, froms = _load_current(writer, table, key_columns, value_columns, deltas)
        projected.versions[table.name] = accumulate(deltas, current, key_columns, value_columns)
        out[table.name] = froms
    return out


def rebuild_aggregates(conn: sa.Connection) -> None:
    """Recomputes both aggregate tables, with their whole history, from the stored trades and payments (in
    ``conn``'s transaction): the same rows :func:`project_aggregates` would have written batch by batch.
    Streams both tables once (a million trades: a few seconds), keeping only the totals in memory."""
    t, a, p = trades, assets, payments
    at_trade_block = sa.and_(
        a.c.asset_id == t.c.asset_id,
        a.c.valid_from_block <= t.c.valid_from_block,
        sa.or_(a.c.valid_to_block.is_(None), a.c.valid_to_block > t.c.valid_from_block),
    )
    with_asset = t.outerjoin(a, at_trade_block)
    category = sa.func.coalesce(a.c.category, UNKNOWN_CATEGORY)
    totals = _Totals()
    trade_query = sa.select(
        t.c.valid_from_block, t.c.timestamp, category, t.c.exchange, t.c.right, t.c.price, t.c.fee
    ).select_from(with_asset)
    for block, timestamp, cat, exchange, right, price, fee in conn.execute(
        trade_query.execution_options(yield_per=20_000)
    ):
        totals.trade(int(block), _cell(int(timestamp), int(cat), str(exchange), int(right)), int(price), int(fee))
    payment_query = sa.select(
        p.c.valid_from_block, t.c.timestamp, category, t.c.exchange, t.c.right, t.c.asset_id, p.c.kind, p.c.payee,
        p.c.amount, p.c.held,
    ).select_from(p.join(with_asset, t.c.trade_key == p.c.trade_key))  # fmt: skip
    for block, timestamp, cat, exchange, right, asset_id, kind, payee, amount, held in conn.execute(
        payment_query.execution_options(yield_per=20_000)
    ):
        cell = _cell(int(timestamp), int(cat), str(exchange), int(right))
        totals.payment(int(block), cell, int(asset_id), str(kind), str(payee), int(amount), bool(held))
    conn.execute(trade_aggregates.delete())
    conn.execute(revenue_totals.delete())
    writer = BulkWriter(conn)
    for table, key_columns, value_columns, deltas in (
        (trade_aggregates, _CELL_KEY, _CELL_VALUES, totals.cells),
        (revenue_totals, _REVENUE_KEY, _REVENUE_VALUES, totals.revenue),
    ):
        rows: list[Row] = []
        for versions in accumulate(deltas, {}, key_columns, value_columns).values():
            last = len(versions) - 1
            for i, (block, row) in enumerate(versions):
                row["valid_from_block"] = block
                row["valid_to_block"] = versions[i + 1][0] if i < last else None
                rows.append(row)
        writer.insert(table, rows)
