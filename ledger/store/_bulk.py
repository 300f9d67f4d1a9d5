"""Bulk writes on the DB-API cursor of a SQLAlchemy connection, inside its transaction.

SQLAlchemy's executemany builds and processes a parameter dict per row, which costs more than
the database's own work at the indexer's rates. Here each table's statement is rendered once and
rows go in as tuples: ``executemany`` on SQLite, ``COPY ... FROM STDIN`` on PostgreSQL. Values are
converted the way the column types would (JSON text, SQLite's big-integer encoding) by
per-column converters computed once per table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any, Final

import orjson
import sqlalchemy as sa

from ledger.store._engine import json_dumps
from ledger.store.schema import Uint256

__all__ = ["BulkWriter"]

_INT64_MAX: Final = (1 << 63) - 1


def _sqlite_uint256(value: int | None) -> Any:
    if value is None or value <= _INT64_MAX:
        return value
    return str(value).zfill(78)


def _json(value: Any) -> str:
    return json_dumps(value)


def _pg_array_type(column: sa.Column[Any]) -> str:
    t = column.type
    if isinstance(t, sa.SmallInteger):
        return "smallint[]"
    if isinstance(t, sa.BigInteger):
        return "bigint[]"
    if isinstance(t, sa.Integer):
        return "integer[]"
    if isinstance(t, Uint256):
        return "numeric[]"
    return "text[]"


def _to_int(value: Any) -> Any:
    return None if value is None else int(value)


def _to_bool(value: Any) -> Any:
    return None if value is None else bool(value)


def _json_loads(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


_CHUNK: Final = 500  # SQLite: keys per SELECT ... IN (...), well under the bound-parameter limit


class BulkWriter:
    """Reads and writes many rows at once on ``conn``'s driver connection (same transaction)."""

    def __init__(self, conn: sa.Connection) -> None:
        self.dialect = conn.dialect.name
        self._raw: Any = conn.connection.driver_connection
        self._quote = conn.dialect.identifier_preparer.quote

    def _converters(self, table: sa.Table, columns: Sequence[str]) -> list[tuple[int, Callable[[Any], Any]]]:
        out: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(columns):
            t = table.c[name].type
            if isinstance(t, sa.JSON) or isinstance(getattr(t, "impl", None), sa.JSON):
                out.append((i, _json))
            elif isinstance(t, Uint256) and self.dialect == "sqlite":
                out.append((i, _sqlite_uint256))
        return out

    def _tuples(self, table: sa.Table, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
        get = itemgetter(*columns)
        converters = self._converters(table, columns)
        if len(columns) == 1:
            return [(get(r),) for r in rows]
        if not converters:
            return [get(r) for r in rows]
        out: list[tuple[Any, ...]] = []
        for r in rows:
            values = list(get(r))
            for i, convert in converters:
                values[i] = convert(values[i])
            out.append(tuple(values))
        return out

    def _result_converters(self, table: sa.Table, columns: Sequence[str]) -> list[tuple[int, Callable[[Any], Any]]]:
        out: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(columns):
            t = table.c[name].type
            if isinstance(t, sa.JSON) or isinstance(getattr(t, "impl", None), sa.JSON):
                out.append((i, _json_loads))
            elif isinstance(t, Uint256):
                out.append((i, _to_int))
            elif isinstance(t, sa.Boolean) and self.dialect == "sqlite":
                out.append((i, _to_bool))
        return out

    def fetch_current(
        self, table: sa.Table, key: Sequence[str], columns: Sequence[str], keys: Sequence[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """``columns`` of the current versions (``valid_to_block IS NULL``) of the records ``keys``, as
        Python values of the column types (JSON parsed, uint256 as int, booleans as bool)."""
        if not keys:
            return []
        q = self._quote
        name = q(table.name)
        select = f"SELECT {', '.join(f'{name}.{q(c)}' for c in columns)} FROM {name}"
        rows: list[tuple[Any, ...]] = []
        if self.dialect == "postgresql":
            arrays = [list(column) for column in zip(*keys, strict=True)]
            if len(key) == 1:
                sql = f"{select} WHERE {q(key[0])} = ANY(%s::{_pg_array_type(table.c[key[0]])})"
            else:
                source = ", ".join(f"%s::{_pg_array_type(table.c[c])}" for c in key)
                alias = ", ".join(f"v{i}" for i in range(len(key)))
                cond = " AND ".join(f"{name}.{q(c)} = v.v{i}" for i, c in enumerate(key))
                sql = f"{select} JOIN unnest({source}) AS v({alias}) ON {cond}"
            sql += f" {'AND' if len(key) == 1 else 'WHERE'} {name}.valid_to_block IS NULL"
            with self._raw.cursor() as cur:
                cur.execute(sql, arrays)
                rows = cur.fetchall()
        else:
            cur = self._raw.cursor()
            try:
                for i in range(0, len(keys), _CHUNK):
                    chunk = keys[i : i + _CHUNK]
                    if len(key) == 1:
                        cond = f"{q(key[0])} IN ({', '.join('?' for _ in chunk)})"
                        params: list[Any] = [k[0] for k in chunk]
                    else:
                        one = "(" + ", ".join("?" for _ in key) + ")"
                        cond = f"({', '.join(q(c) for c in key)}) IN (VALUES {', '.join(one for _ in chunk)})"
                        params = [v for k in chunk for v in k]
                    cur.execute(f"{select} WHERE {cond} AND valid_to_block IS NULL", params)
                    rows.extend(cur.fetchall())
            finally:
                cur.close()
        converters = self._result_converters(table, columns)
        if not converters:
            return rows
        out: list[tuple[Any, ...]] = []
        for r in rows:
            values = list(r)
            for i, convert in converters:
                values[i] = convert(values[i])
            out.append(tuple(values))
        return out

    def insert(self, table: sa.Table, rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> None:
        """Inserts ``rows`` (dicts with at least ``columns``; default: every column of the table)."""
        if not rows:
            return
        cols = list(columns) if columns is not None else [c.name for c in table.columns]
        self.insert_tuples(table, cols, self._tuples(table, cols, rows))

    def insert_tuples(self, table: sa.Table, cols: Sequence[str], tuples: Sequence[tuple[Any, ...]]) -> None:
        """Inserts rows given as tuples of ``cols``, values already in the database's form (JSON as text)."""
        if not tuples:
            return
        names = ", ".join(self._quote(c) for c in cols)
        if self.dialect == "postgresql":
            with self._raw.cursor() as cur, cur.copy(f"COPY {self._quote(table.name)} ({names}) FROM STDIN") as copy:
                for t in tuples:
                    copy.write_row(t)
        else:
            marks = ", ".join("?" for _ in cols)
            cur = self._raw.cursor()
            try:
                cur.executemany(f"INSERT INTO {self._quote(table.name)} ({names}) VALUES ({marks})", tuples)
            finally:
                cur.close()

    def close_versions(self, table: sa.Table, key: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        """Sets ``valid_to_block`` of versions: ``rows`` are ``(*key values, valid_from_block, valid_to_block)``."""
        if not rows:
            return
        q = self._quote
        name = q(table.name)
        match = [*key, "valid_from_block"]
        if self.dialect == "postgresql":
            # One statement for the whole batch: the keys travel as arrays.
            fields = [*match, "valid_to_block"]
            types = [_pg_array_type(table.c[c]) for c in fields]
            arrays = [list(column) for column in zip(*rows, strict=True)]
            source = ", ".join(f"%s::{t}" for t in types)
            alias = ", ".join(f"v{i}" for i in range(len(fields)))
            cond = " AND ".join(f"{name}.{q(c)} = v.v{i}" for i, c in enumerate(match))
            sql = f"UPDATE {name} SET valid_to_block = v.v{len(match)} FROM unnest({source}) AS v({alias}) WHERE {cond}"
            with self._raw.cursor() as cur:
                cur.execute(sql, arrays)
            return
        cond = " AND ".join(f"{q(c)} = ?" for c in match)
        sql = f"UPDATE {name} SET valid_to_block = ? WHERE {cond}"
        params = [(r[-1], *r[:-1]) for r in rows]
        cur = self._raw.cursor()
        try:
            cur.executemany(sql, params)
        finally:
            cur.close()
