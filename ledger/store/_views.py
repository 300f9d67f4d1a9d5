"""Reads of the projected state, current or as it stood at a block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from eth_utils.address import to_checksum_address
from sqlalchemy.engine import Engine

from ledger.errors import NonRetryableError
from ledger.store import schema as s

__all__ = ["RecordNotFound", "StateView"]

_HOLDER_COLUMNS = ("holding_holder", "processing_holder", "operation_holder")


class RecordNotFound(NonRetryableError, LookupError):
    """No such record in the store (at the block asked about)."""


def _address(value: str) -> str:
    return to_checksum_address(value)


def _hash(value: str | bytes) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value.lower()


class StateView:
    """The state at the end of block ``at_block`` (None: the current state).

    ``get_*`` return one record as a dict (columns by name, history columns included) or raise
    :class:`RecordNotFound`; ``find_*`` return lists, maybe empty, in key order. Address
    arguments may be in any case.
    """

    def __init__(self, engine: Engine, at_block: int | None) -> None:
        self.engine = engine
        self.at_block = at_block

    @staticmethod
    def visible(table: sa.Table, at_block: int | None) -> sa.ColumnElement[bool]:
        """Rows of ``table`` visible at the end of ``at_block``: ``valid_from <= N < coalesce(valid_to, inf)``."""
        if at_block is None:
            return table.c.valid_to_block.is_(None)
        return sa.and_(
            table.c.valid_from_block <= at_block,
            sa.or_(table.c.valid_to_block.is_(None), table.c.valid_to_block > at_block),
        )

    def _rows(self, table: sa.Table, *where: sa.ColumnElement[bool], order_by: Any = None) -> list[dict[str, Any]]:
        query = sa.select(table).where(self.visible(table, self.at_block), *where)
        query = query.order_by(*(order_by if order_by is not None else table.primary_key.columns))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def _one(self, table: sa.Table, what: str, *where: sa.ColumnElement[bool]) -> dict[str, Any]:
        rows = self._rows(table, *where)
        if not rows:
            at = "" if self.at_block is None else f" at block {self.at_block}"
            raise RecordNotFound(f"no {what}{at}")
        return rows[0]

    def rows(self, table: str, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Every visible row of a state table (by name), in key order; ``columns``: only those.

        On SQLite the rows come from the driver's cursor with the columns' own result conversions, the
        same values as through SQLAlchemy's result objects at a fraction of the cost (an audit reads
        every record)."""
        t = s.STATE_TABLES[table].table
        selected = list(t.columns) if columns is None else [t.c[name] for name in columns]
        query = sa.select(*selected).where(self.visible(t, self.at_block)).order_by(*t.primary_key.columns)
        if self.engine.dialect.name != "sqlite":
            with self.engine.connect() as conn:
                return [dict(r._mapping) for r in conn.execute(query)]
        dialect = self.engine.dialect
        sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        names = [c.name for c in selected]
        convert = [(i, f) for i, c in enumerate(selected) if (f := c.type.result_processor(dialect, None)) is not None]
        with self.engine.connect() as conn:
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                raw = cur.execute(sql).fetchall()
            finally:
                cur.close()
        if not convert:
            return [dict(zip(names, r, strict=True)) for r in raw]
        out: list[dict[str, Any]] = []
        for r in raw:
            values = list(r)
            for i, f in convert:
                values[i] = f(values[i])
            out.append(dict(zip(names, values, strict=True)))
        return out

    # ─────────────────────────────────────────────────────────── participants

    def get_participant(self, account: str) -> dict[str, Any]:
        t = s.participants
        return self._one(t, f"participant {account}", t.c.account == _address(account))

    def find_participants(
        self, *, role: int | None = None, region: int | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        """Participants holding any of the ``role`` bits, in ``region``, with ``status``."""
        t = s.participants
        where: list[sa.ColumnElement[bool]] = []
        if role is not None:
            where.append(t.c.roles.op("&")(int(role)) != 0)
        if region is not None:
            where.append(t.c.region == region)
        if status is not None:
            where.append(t.c.status == status)
        return self._rows(t, *where)

    def find_declarations(self, account: str) -> list[dict[str, Any]]:
        t = s.declarations
        return self._rows(t, t.c.account == _address(account))

    # ─────────────────────────────────────────────────────────── assets

    def get_asset(self, asset_id: int) -> dict[str, Any]:
        t = s.assets
        return self._one(t, f"asset {asset_id}", t.c.asset_id == asset_id)

    def find_assets(
        self,
        *,
        holder: str | None = None,
        right: int | None = None,
        category: int | None = None,
        grade: int | None = None,
        kind: int | None = None,
        region: int | None = None,
        status: int | None = None,
        registered_from: int | None = None,
        registered_to: int | None = None,
    ) -> list[dict[str, Any]]:
        """Assets matching every filter given. ``holder`` holds ``right`` (any of the three if None);
        ``registered_from``/``registered_to`` bound the registration time (unix seconds, inclusive)."""
        t = s.assets
        where: list[sa.ColumnElement[bool]] = []
        if holder is not None:
            who = _address(holder)
            columns = _HOLDER_COLUMNS if right is None else (_HOLDER_COLUMNS[right],)
            where.append(sa.or_(*(t.c[c] == who for c in columns)))
        for column, value in (
            ("category", category), ("grade", grade), ("kind", kind), ("region", region), ("status", status)
        ):  # fmt: skip
            if value is not None:
                where.append(t.c[column] == value)
        if registered_from is not None:
            where.append(t.c.registered_at >= registered_from)
        if registered_to is not None:
            where.append(sa.and_(t.c.registered_at <= registered_to, t.c.registered_block.is_not(None)))
        return self._rows(t, *where)

    def find_objections(self, *, asset_id: int | None = None, status: int | None = None) -> list[dict[str, Any]]:
        t = s.objections
        where: list[sa.ColumnElement[bool]] = []
        if asset_id is not None:
            where.append(t.c.asset_id == asset_id)
        if status is not None:
            where.append(t.c.status == status)
        return self._rows(t, *where)

    def get_objection(self, objection_id: int) -> dict[str, Any]:
        t = s.objections
        return self._one(t, f"objection {objection_id}", t.c.objection_id == objection_id)

    def find_freezes(self, asset_id: int) -> list[dict[str, Any]]:
        """The asset's freezes and unfreezes, oldest first."""
        t = s.freezes
        return self._rows(t, t.c.asset_id == asset_id, order_by=(t.c.valid_from_block, t.c.log_index))

    # ─────────────────────────────────────────────────────────── licences

    def get_licence(self, licence_id: int) -> dict[str, Any]:
        t = s.licences
        return self._one(t, f"licence {licence_id}", t.c.licence_id == licence_id)

    def find_licences(
        self,
        *,
        asset_id: int | None = None,
        licensee: str | None = None,
        licensor: str | None = None,
        parent_id: int | None = None,
        revoked: bool | None = None,
    ) -> list[dict[str, Any]]:
        t = s.licences
        where: list[sa.ColumnElement[bool]] = []
        if asset_id is not None:
            where.append(t.c.asset_id == asset_id)
        if licensee is not None:
            where.append(t.c.licensee == _address(licensee))
        if licensor is not None:
            where.append(t.c.licensor == _address(licensor))
        if parent_id is not None:
            where.append(t.c.parent_id == parent_id)
        if revoked is not None:
            where.append(t.c.revoked == revoked)
        return self._rows(t, *where)

    # ─────────────────────────────────────────────────────────── trades and money

    def get_trade(self, trade_id: str | bytes) -> dict[str, Any]:
        t = s.trades
        return self._one(t, f"trade {_hash(trade_id)}", t.c.trade_id == _hash(trade_id))

    def is_settled(self, trade_id: str | bytes) -> bool:
        t = s.trades
        return bool(self._rows(t, t.c.trade_id == _hash(trade_id)))

    def find_trades(
        self,
        *,
        asset_id: int | None = None,
        party: str | None = None,
        exchange: str | None = None,
        time_from: int | None = None,
        time_to: int | None = None,
    ) -> list[dict[str, Any]]:
        """Trades, oldest first; ``party`` is seller or buyer; time bounds inclusive (unix seconds)."""
        t = s.trades
        where: list[sa.ColumnElement[bool]] = []
        if asset_id is not None:
            where.append(t.c.asset_id == asset_id)
        if party is not None:
            who = _address(party)
            where.append(sa.or_(t.c.seller == who, t.c.buyer == who))
        if exchange is not None:
            where.append(t.c.exchange == _address(exchange))
        if time_from is not None:
            where.append(t.c.timestamp >= time_from)
        if time_to is not None:
            where.append(t.c.timestamp <= time_to)
        return self._rows(t, *where, order_by=(t.c.valid_from_block, t.c.log_index))

    def find_payments(self, *, trade_id: str | bytes | None = None, payee: str | None = None) -> list[dict[str, Any]]:
        t = s.payments
        where: list[sa.ColumnElement[bool]] = []
        if trade_id is not None:
            where.append(t.c.trade_id == _hash(trade_id))
        if payee is not None:
            where.append(t.c.payee == _address(payee))
        return self._rows(t, *where)

    def revenue_shares(self, asset_id: int) -> list[tuple[str, int]]:
        """The asset's revenue shares ``(recipient, bps)`` in order; empty when none are set."""
        t = s.revenue_shares
        rows = self._rows(t, t.c.asset_id == asset_id)
        return [(share["recipient"], int(share["bps"])) for share in rows[0]["shares"]] if rows else []

    def price_band(self, kind: int) -> tuple[int, int]:
        """``(min, max)`` of the guided price band for public data of ``kind``; ``(0, 0)`` when unset."""
        t = s.price_bands
        rows = self._rows(t, t.c.kind == kind)
        return (rows[0]["min_price"], rows[0]["max_price"]) if rows else (0, 0)

    def balance_of(self, account: str) -> int:
        t = s.balances
        rows = self._rows(t, t.c.account == _address(account))
        return int(rows[0]["balance"]) if rows else 0

    def find_balances(self) -> dict[str, int]:
        """Every account's balance (accounts that ever held tokens)."""
        return {r["account"]: int(r["balance"]) for r in self._rows(s.balances)}

    def find_invalidated_nonces(self, account: str) -> list[int]:
        t = s.invalidated_nonces
        return [int(r["nonce"]) for r in self._rows(t, t.c.account == _address(account))]

    # ─────────────────────────────────────────────────────────── supervision

    def get_order(self, order_id: int) -> dict[str, Any]:
        t = s.rectification_orders
        return self._one(t, f"rectification order {order_id}", t.c.order_id == order_id)

    def find_orders(
        self, *, participant: str | None = None, asset_id: int | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        t = s.rectification_orders
        where: list[sa.ColumnElement[bool]] = []
        if participant is not None:
            where.append(t.c.participant == _address(participant))
        if asset_id is not None:
            where.append(t.c.asset_id == asset_id)
        if status is not None:
            where.append(t.c.status == status)
        return self._rows(t, *where)

    def credit_of(self, participant: str) -> tuple[int, int]:
        """``(score, events)`` like the contract's ``creditOf``; ``(0, 0)`` before any credit event."""
        t = s.credit_scores
        rows = self._rows(t, t.c.participant == _address(participant))
        return (int(rows[0]["score"]), int(rows[0]["events"])) if rows else (0, 0)

    def find_credit_events(self, participant: str) -> list[dict[str, Any]]:
        t = s.credit_events
        return self._rows(t, t.c.participant == _address(participant))

    # ─────────────────────────────────────────────────────────── events

    def find_events(
        self,
        *,
        name: str | None = None,
        contract: str | None = None,
        tx_hash: str | None = None,
        from_block: int | None = None,
    ) -> list[dict[str, Any]]:
        """Stored events up to the view's block, in log order."""
        t = s.events
        query = sa.select(t).order_by(t.c.block_number, t.c.log_index)
        if self.at_block is not None:
            query = query.where(t.c.block_number <= self.at_block)
        if name is not None:
            query = query.where(t.c.name == name)
        if contract is not None:
            query = query.where(t.c.contract == contract)
        if tx_hash is not None:
            query = query.where(t.c.tx_hash == tx_hash.lower())
        if from_block is not None:
            query = query.where(t.c.block_number >= from_block)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]
