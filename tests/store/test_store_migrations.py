"""Migration 0005_rules (the contracts of issue 11): an empty store of the schema before it is brought to the
declared schema; a store that indexed the contracts before it is refused, with what to do instead."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from ledger.store import StoreDatabaseError, open_store
from ledger.store._engine import MIGRATIONS_DIR, create_store_engine, write_options
from ledger.store.schema import metadata

_BEFORE = ("0002_api_indexes", "0003_gateway", "0004_recognition")


def _upgrade(url: str, *targets: str) -> None:
    engine = create_store_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.connect().execution_options(**write_options()) as conn, conn.begin():
            cfg.attributes["connection"] = conn
            for target in targets:
                command.upgrade(cfg, target)
    finally:
        engine.dispose()


def test_an_empty_store_of_the_previous_schema_is_migrated_to_the_declared_one(store_url: str) -> None:
    _upgrade(store_url, *_BEFORE)
    store = open_store(store_url)  # runs 0005_rules
    try:
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata) == []
            tables = set(sa.inspect(conn).get_table_names())
        assert {"used_nonces", "held_shares", "mandates", "licence_exclusivity"} <= tables
        assert not {"invalidated_nonces", "contract_settings"} & tables
    finally:
        store.close()


def test_a_store_of_the_old_contracts_is_refused_not_migrated(store_url: str) -> None:
    _upgrade(store_url, *_BEFORE)
    engine = create_store_engine(store_url)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO events (block_number, log_index, block_hash, tx_hash, contract, name, args)"
            " VALUES (1, 0, :h, :h, 'TradeSettlement', 'NonceInvalidated', '{}')"
        ), {"h": "0x" + "11" * 32})  # fmt: skip
    engine.dispose()
    with pytest.raises(StoreDatabaseError, match=r"before issue 11.*new database"):
        open_store(store_url)
