"""Database URLs, engines and migrations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from ledger._json import loads_exact
from ledger.errors import NonRetryableError

__all__ = [
    "MIGRATIONS_DIR",
    "StoreConfigError",
    "create_store_engine",
    "json_default",
    "json_dumps",
    "migrate",
    "normalize_database_url",
]

MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"

_WRITE_OPTION: Final = "ledger_write"


class StoreConfigError(NonRetryableError):
    """The database URL names a backend the store does not support."""


def normalize_database_url(url: str) -> str:
    """The SQLAlchemy URL to use: plain ``postgresql://`` (and ``postgres://``) mean psycopg 3."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        elif parsed.drivername != "postgresql+psycopg":
            raise StoreConfigError(f"PostgreSQL driver {parsed.drivername!r}: expected postgresql+psycopg (psycopg 3)")
    elif backend != "sqlite":
        raise StoreConfigError(f"database URL {parsed.render_as_string()!r}: expected sqlite:/// or postgresql://")
    return parsed.render_as_string(hide_password=False)


def json_default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_dumps(value: Any) -> str:
    """Compact JSON, bytes as ``0x`` hex (the JSON columns' serializer). orjson when it can (integers
    within 64 bits, no bytes), the standard library otherwise."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"), default=json_default)


def create_store_engine(url: str) -> Engine:
    """An engine for the store. SQLite: WAL, ``synchronous=NORMAL``, explicit transactions
    (``BEGIN IMMEDIATE`` for writes, so that a writer never fails half-way on a lock upgrade)."""
    url = normalize_database_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        path = make_url(url).database
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url, json_serializer=json_dumps, json_deserializer=loads_exact, connect_args={"timeout": 30}
        )
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(url, json_serializer=json_dumps, json_deserializer=loads_exact, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Transactions are begun explicitly below; pysqlite's own would not cover DDL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            # Larger pages suit the wide version rows (takes effect on a new database only), and a
            # 64 MB WAL between checkpoints folds repeated writes of hot index pages together.
            "page_size=16384",
            "wal_autocheckpoint=4000",
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "busy_timeout=30000",
            "cache_size=-65536",
            "temp_store=MEMORY",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def write_options() -> dict[str, Any]:
    """Execution options of a connection that will write (SQLite takes the write lock up front)."""
    return {_WRITE_OPTION: True}


def migrate(engine: Engine) -> None:
    """Runs the Alembic migrations up to every head, in one transaction.

    Each feature that added tables (the write gateway, cross-province recognition, ...) kept its
    migrations on its own branch off ``0001`` until ``0005_rules`` joined them (later revisions follow it
    in one line); ``heads`` (not ``head``) stays the target, so a store on any of those branches is brought
    up to date."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect().execution_options(**write_options()) as connection, connection.begin():
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")
