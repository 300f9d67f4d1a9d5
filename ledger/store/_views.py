"""Reads of the projected state, current or as it stood at a block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from eth_utils.address import to_checksum_address
from sqlalchemy.engine import Engine

from ledger.contracts.types import PAUSE_CONTRACTS
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

    @staticmethod
    def named(column: sa.ColumnElement[Any], account: str) -> sa.ColumnElement[bool]:
        """``column`` (an account column) names the participant ``account`` names. Records are kept under a
        participant's identity, and any key it signed with names it too: keys are never reused, so an address names
        one participant for good, whatever the block. An address no participant had names itself."""
        k = s.participant_keys
        address = _address(account)
        identity = sa.select(k.c.account).where(k.c.address == address).limit(1).scalar_subquery()
        return column == sa.func.coalesce(identity, address)

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
        convert = [
            (i, f)
            for i, c in enumerate(selected)
            # The dialect's own type: a Uint256 beyond 64 bits is padded text on SQLite, not a NUMERIC.
            if (f := c.type.dialect_impl(dialect).result_processor(dialect, None)) is not None
        ]
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

    def row(self, table: str, key: Sequence[Any]) -> dict[str, Any] | None:
        """The visible row of record ``key`` (values of the table's key columns, in order) of a state table
        (by name), or None."""
        st = s.STATE_TABLES[table]
        t = st.table
        rows = self._rows(t, *(t.c[k] == v for k, v in zip(st.key, key, strict=True)))
        return rows[0] if rows else None

    # ─────────────────────────────────────────────────────────── participants

    def get_participant(self, account: str) -> dict[str, Any]:
        t = s.participants
        return self._one(t, f"participant {account}", self.named(t.c.account, account))

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
        return self._rows(t, self.named(t.c.account, account))

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
            columns = _HOLDER_COLUMNS if right is None else (_HOLDER_COLUMNS[right],)
            where.append(sa.or_(*(self.named(t.c[c], holder) for c in columns)))
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
            where.append(self.named(t.c.licensee, licensee))
        if licensor is not None:
            where.append(self.named(t.c.licensor, licensor))
        if parent_id is not None:
            where.append(t.c.parent_id == parent_id)
        if revoked is not None:
            where.append(t.c.revoked == revoked)
        return self._rows(t, *where)

    # ─────────────────────────────────────────────────────────── trades and money

    def get_trade(self, trade_key: str | bytes) -> dict[str, Any]:
        """The trade settled under ``trade_key`` (see :func:`ledger.store.projection.trade_key`)."""
        t = s.trades
        return self._one(t, f"trade {_hash(trade_key)}", t.c.trade_key == _hash(trade_key))

    def is_settled(self, trade_key: str | bytes) -> bool:
        t = s.trades
        return bool(self._rows(t, t.c.trade_key == _hash(trade_key)))

    def find_trades(
        self,
        *,
        asset_id: int | None = None,
        party: str | None = None,
        exchange: str | None = None,
        trade_id: str | bytes | None = None,
        time_from: int | None = None,
        time_to: int | None = None,
    ) -> list[dict[str, Any]]:
        """Trades, oldest first; ``party`` is seller or buyer; ``trade_id`` the exchange's (or the parties') id,
        unique per exchange only; time bounds inclusive (unix seconds)."""
        t = s.trades
        where: list[sa.ColumnElement[bool]] = []
        if asset_id is not None:
            where.append(t.c.asset_id == asset_id)
        if party is not None:
            where.append(sa.or_(self.named(t.c.seller, party), self.named(t.c.buyer, party)))
        if exchange is not None:
            where.append(self.named(t.c.exchange, exchange))
        if trade_id is not None:
            where.append(t.c.trade_id == _hash(trade_id))
        if time_from is not None:
            where.append(t.c.timestamp >= time_from)
        if time_to is not None:
            where.append(t.c.timestamp <= time_to)
        return self._rows(t, *where, order_by=(t.c.valid_from_block, t.c.log_index))

    def find_payments(
        self, *, trade_key: str | bytes | None = None, payee: str | None = None
    ) -> list[dict[str, Any]]:
        t = s.payments
        where: list[sa.ColumnElement[bool]] = []
        if trade_key is not None:
            where.append(t.c.trade_key == _hash(trade_key))
        if payee is not None:
            where.append(self.named(t.c.payee, payee))
        return self._rows(t, *where)

    def find_trade_refusals(self, *, exchange: str | None = None) -> list[dict[str, Any]]:
        """Trades of non-atomic batches that were refused, oldest first."""
        t = s.trade_refusals
        where = [] if exchange is None else [t.c.exchange == _address(exchange)]
        return self._rows(t, *where, order_by=(t.c.valid_from_block, t.c.log_index))

    def revenue_shares(self, asset_id: int, right: int) -> list[tuple[str, int]]:
        """The revenue shares ``(recipient, bps)`` of sales of ``right`` of the asset, in order; empty when none."""
        t = s.revenue_shares
        rows = self._rows(t, t.c.asset_id == asset_id, t.c.right == right)
        return [(share["recipient"], int(share["bps"])) for share in rows[0]["shares"]] if rows else []

    def held_shares(self, account: str) -> int:
        """Revenue shares held for ``account`` (like the contract's ``heldShares``); 0 when none."""
        t = s.held_shares
        rows = self._rows(t, self.named(t.c.account, account))
        return int(rows[0]["amount"]) if rows else 0

    def price_band(self, kind: int) -> tuple[int, int]:
        """``(min, max)`` of the guided price band for public data of ``kind``; ``(0, 0)`` when unset."""
        t = s.price_bands
        rows = self._rows(t, t.c.kind == kind)
        return (rows[0]["min_price"], rows[0]["max_price"]) if rows else (0, 0)

    def balance_of(self, account: str) -> int:
        t = s.balances
        rows = self._rows(t, self.named(t.c.account, account))
        return int(rows[0]["balance"]) if rows else 0

    def issuance_of(self, bank: str) -> tuple[int, int]:
        """``bank``'s issuance limit and outstanding issuance (like the token's ``issuanceOf``); zeros when none."""
        t = s.bank_issuance
        rows = self._rows(t, self.named(t.c.bank, bank))
        return (int(rows[0]["issuance_limit"]), int(rows[0]["outstanding"])) if rows else (0, 0)

    def paused_contracts(self) -> int:
        """The pause register (like the asset registry's ``pausedContracts``): the bits of the paused contracts,
        :data:`ledger.contracts.types.PAUSE_CONTRACTS`; 0 when none is."""
        t = s.contract_pauses
        paused = {r["contract"] for r in self._rows(t, t.c.paused.is_(True))}
        return sum(int(bit) for bit, name in PAUSE_CONTRACTS.items() if name in paused)

    def find_balances(self) -> dict[str, int]:
        """Every account's balance (accounts that ever held tokens)."""
        return {r["account"]: int(r["balance"]) for r in self._rows(s.balances)}

    def find_used_nonces(self, account: str) -> list[int]:
        """The nonces of ``account`` TradeSettlement marked used (invalidated, or signed in off-exchange trades)."""
        t = s.used_nonces
        return [int(r["nonce"]) for r in self._rows(t, t.c.account == _address(account))]

    def allowance(self, owner: str, spender: str) -> int:
        t = s.approvals
        rows = self._rows(t, self.named(t.c.owner, owner), self.named(t.c.spender, spender))
        return int(rows[0]["amount"]) if rows else 0

    # ─────────────────────────────────────────────────────────── mandates, public operation, exclusivity

    def get_mandate(self, mandate_id: str | bytes) -> dict[str, Any]:
        t = s.mandates
        return self._one(t, f"mandate {_hash(mandate_id)}", t.c.mandate_id == _hash(mandate_id))

    def find_mandates(self, *, seller: str | None = None, exchange: str | None = None) -> list[dict[str, Any]]:
        t = s.mandates
        where: list[sa.ColumnElement[bool]] = []
        if seller is not None:
            where.append(t.c.seller == _address(seller))
        if exchange is not None:
            where.append(t.c.exchange == _address(exchange))
        return self._rows(t, *where)

    def public_operation(self, asset_id: int, operator: str, right: int, purpose: int) -> int:
        """The latest end of the authority's unused approval (like ``publicOperation``); 0 when none."""
        t = s.public_operations
        rows = self._rows(
            t, t.c.asset_id == asset_id, self.named(t.c.operator, operator), t.c.right == right, t.c.purpose == purpose
        )
        return int(rows[0]["latest_end"]) if rows else 0

    def exclusivity(self, asset_id: int, right: int, purpose: int, parent_id: int = 0) -> dict[str, Any]:
        """The exclusivity record of (asset, right, purpose, parent), like ``exclusivityOf``: ``shared_start``,
        ``shared_end``, ``live_shared`` and ``exclusives`` ([start, end, licence id] in the contract's order)."""
        t = s.licence_exclusivity
        rows = self._rows(
            t, t.c.asset_id == asset_id, t.c.right == right, t.c.purpose == purpose, t.c.parent_id == parent_id
        )
        if not rows:
            return {"shared_start": 0, "shared_end": 0, "live_shared": 0, "exclusives": []}
        r = rows[0]
        return {k: r[k] for k in ("shared_start", "shared_end", "live_shared", "exclusives")}

    def asset_id_of(self, content_hash: str | bytes) -> int:
        """The registered asset holding ``content_hash`` (like ``assetIdOf``): only a registered asset claims
        its content hash, and its cancellation frees it; 0 when none."""
        t = s.assets
        rows = self._rows(t, t.c.content_hash == _hash(content_hash), t.c.status == 2)
        return int(rows[0]["asset_id"]) if rows else 0

    def pending_of(self, objector: str, asset_id: int) -> tuple[int, int]:
        """Like ``pendingOf``: how many pending objections ``objector`` has in all, and its pending one on
        the asset (0 if none)."""
        t = s.objections
        rows = self._rows(t, self.named(t.c.objector, objector), t.c.status == 4)
        on = [int(r["objection_id"]) for r in rows if int(r["asset_id"]) == asset_id]
        return len(rows), (on[0] if on else 0)

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
            where.append(self.named(t.c.participant, participant))
        if asset_id is not None:
            where.append(t.c.asset_id == asset_id)
        if status is not None:
            where.append(t.c.status == status)
        return self._rows(t, *where)

    def credit_of(self, participant: str) -> tuple[int, int]:
        """``(score, events)`` like the contract's ``creditOf``; ``(0, 0)`` before any credit event."""
        t = s.credit_scores
        rows = self._rows(t, self.named(t.c.participant, participant))
        return (int(rows[0]["score"]), int(rows[0]["events"])) if rows else (0, 0)

    def find_credit_events(self, participant: str) -> list[dict[str, Any]]:
        t = s.credit_events
        return self._rows(t, self.named(t.c.participant, participant))

    # ─────────────────────────────────────────────────────────── valuation and recognition (art. 19)

    def accreditation_of(self, appraiser: str) -> dict[str, Any]:
        """Like ``accreditationOf``: the appraiser's accreditation (zeros when it never had one)."""
        t = s.appraisers
        rows = self._rows(t, self.named(t.c.appraiser, appraiser))
        if not rows:
            return {"accredited_at": 0, "expires_at": 0, "revoked": False, "document_hash": "0x" + "00" * 32}
        return rows[0]

    def get_valuation(self, valuation_id: int) -> dict[str, Any]:
        t = s.valuations
        return self._one(t, f"valuation report {valuation_id}", t.c.valuation_id == valuation_id)

    def quality_defaults_of(self, holder: str) -> int:
        """Like ``defaultsOf``: the reports ``holder`` (its identity or any key it signed with) left unanswered past
        their deadline."""
        t = s.quality_defaults
        rows = self._rows(t, self.named(t.c.holder, holder))
        return int(rows[0]["defaults"]) if rows else 0

    def recognition_of(self, asset_id: int) -> dict[str, Any] | None:
        """The asset's latest recognition, standing (status 1) or derecognised (None when it was never recognised),
        like ``recognitionOf`` (zeros then)."""
        t = s.recognitions
        rows = self._rows(t, t.c.asset_id == asset_id)
        return rows[0] if rows else None

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
