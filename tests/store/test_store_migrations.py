"""Migrations from every earlier head to the declared schema. 0005_rules (the contracts of issue 11): an
empty store of the schema before it is brought to the declared schema; a store that indexed the contracts
before it is refused, with what to do instead. After it, in one line: 0006_trade_aggregates (a store indexed
at 0005_rules gets the totals of the trades it holds), 0007_api_key_lifecycle, 0008_indexer_leader,
0009_governance (a store that holds events is refused, with what to do instead; its downgrade drops the
governance's tables), 0010_bank_issuance (the same, for the settlement banks' issuance), 0011_governance_proposals
(the gateway's governance proposals: a table of its own, empty), 0012_contract_pauses (a store holding events is
upgraded as it is: the pause events are new, none is in it), 0013_governance_targets (the manager's target settings
rebuilt from the TargetClosed and TargetAdminDelayUpdated events the store already holds), 0014_participant_identity
(participant ids and credit codes: a store holding an admission of the old contracts is refused),
0015_participant_keys (each participant's signing key, and the keys' records: every participant signed with its
account until then), 0016_valuation (appraisers, valuation reports and accounting recognitions: new tables, empty
in a store of any events, since no earlier contract valued an asset)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from ledger.store import StoreDatabaseError, open_store
from ledger.store._engine import MIGRATIONS_DIR, create_store_engine, write_options
from ledger.store.schema import blocks, events, metadata, revenue_totals, trade_aggregates
from tests.store.conftest import apply_in_batches
from tests.store.synthetic import SyntheticLedger

_BEFORE = ("0002_api_indexes", "0003_gateway", "0004_recognition")
_HEAD = "0020_opening_list"
# Every head a store may have been left at: main's three branches, then each revision after 0005_rules.
_EARLIER_HEADS = [
    _BEFORE, ("0005_rules",), ("0006_trade_aggregates",), ("0007_api_key_lifecycle",), ("0008_indexer_leader",),
    ("0009_governance",), ("0010_bank_issuance",), ("0011_governance_proposals",), ("0012_contract_pauses",),
    ("0013_governance_targets",), ("0014_participant_identity",), ("0015_participant_keys",), ("0016_valuation",),
    ("0017_disclosure",), ("0018_data_quality",), ("0019_listings",),
]
_GOVERNANCE_TABLES = {
    "governance_operations", "governance_roles", "governance_role_settings", "governance_function_roles",
    "governance_safes", "governance_safe_transactions",
}  # fmt: skip


def _alembic(url: str, run: Callable[[Config], None]) -> None:
    engine = create_store_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.connect().execution_options(**write_options()) as conn, conn.begin():
            cfg.attributes["connection"] = conn
            run(cfg)
    finally:
        engine.dispose()


def _upgrade(url: str, *targets: str) -> None:
    def run(cfg: Config) -> None:
        for target in targets:
            command.upgrade(cfg, target)

    _alembic(url, run)


@contextmanager
def _connected(url: str, *, begin: bool = False) -> Iterator[sa.Connection]:
    """A connection to the store at ``url`` (in a transaction committed on exit when ``begin``), on an engine of
    its own that is disposed of after."""
    engine = create_store_engine(url)
    try:
        with engine.begin() if begin else engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def _execute(url: str, statement: str, **params: object) -> None:
    with _connected(url, begin=True) as conn:
        conn.execute(sa.text(statement), params)


def _one_event(url: str, contract: str, name: str) -> None:
    """Stores one event of ``contract`` named ``name`` (its arguments do not matter to the migrations)."""
    insert = (
        "INSERT INTO events (block_number, log_index, block_hash, tx_hash, contract, name, args)"
        " VALUES (1, 0, :h, :h, :contract, :name, '{}')"
    )
    _execute(url, insert, h="0x" + "11" * 32, contract=contract, name=name)


def _versions(url: str) -> set[str]:
    with _connected(url) as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


@pytest.mark.parametrize("heads", _EARLIER_HEADS, ids=lambda h: "+".join(x.split("_")[0] for x in h))
def test_an_empty_store_at_any_earlier_head_is_migrated_to_the_declared_schema(
    store_url: str, heads: tuple[str, ...]
) -> None:
    _upgrade(store_url, *heads)
    assert _versions(store_url) == set(heads)
    store = open_store(store_url)
    try:
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata) == []
    finally:
        store.close()
    assert _versions(store_url) == {_HEAD}


def test_a_store_indexed_at_0005_rules_gets_the_totals_of_its_trades(store_url: str) -> None:
    headers, events = SyntheticLedger(seed=3, participants=30).batch(2000)
    assert any(e.name == "TradeSettled" for e in events)
    store = open_store(store_url)
    try:
        apply_in_batches(store, headers, events, blocks_per_batch=5)
        kept = _aggregate_versions(store.engine)
    finally:
        store.close()
    assert kept[trade_aggregates.name] and kept[revenue_totals.name]
    _alembic(store_url, lambda cfg: command.downgrade(cfg, "0005_rules"))  # the store as 0005_rules left it
    assert _versions(store_url) == {"0005_rules"}
    # 0006_trade_aggregates computes them from the stored trades and payments. (Up to 0008 only: 0009_governance
    # refuses a store that holds events, tested below.)
    _upgrade(store_url, "0008_indexer_leader")
    engine = create_store_engine(store_url)
    try:
        assert _aggregate_versions(engine) == kept
    finally:
        engine.dispose()


def _aggregate_versions(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(map(str, row)) for row in conn.execute(sa.select(t)))
            for t in (trade_aggregates, revenue_totals)
        }


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
    _one_event(store_url, "TradeSettlement", "NonceInvalidated")
    with pytest.raises(StoreDatabaseError, match=r"before issue 11.*new database"):
        open_store(store_url)


def test_a_store_of_a_deployment_before_the_governance_is_refused_not_migrated(store_url: str) -> None:
    """Migration 0009_governance: a store that indexed a deployment without the governance never read the access
    manager's or the Safes' events; it is refused, with what to do instead, and left as it was."""
    _upgrade(store_url, *_BEFORE, "0008_indexer_leader")
    _one_event(store_url, "ParticipantRegistry", "ParticipantAdmitted")
    with pytest.raises(StoreDatabaseError, match=r"1 events indexed before the store kept the ledger's governance.*"
                       r"new database"):  # fmt: skip
        open_store(store_url)
    assert _versions(store_url) == {"0008_indexer_leader"}


def test_the_governance_downgrade_drops_its_tables_and_the_upgrade_makes_them_again(store_url: str) -> None:
    open_store(store_url).close()
    _alembic(store_url, lambda cfg: command.downgrade(cfg, "0008_indexer_leader"))
    assert _versions(store_url) == {"0008_indexer_leader"}
    with _connected(store_url) as conn:
        inspector = sa.inspect(conn)
        tables = set(inspector.get_table_names())
        indexes = {i["name"] for t in tables for i in inspector.get_indexes(t)}
    assert not _GOVERNANCE_TABLES & tables and "indexer_leader" in tables
    assert not [i for i in indexes if i and "governance" in i]
    store = open_store(store_url)
    try:
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata) == []
            assert set(sa.inspect(conn).get_table_names()) >= _GOVERNANCE_TABLES
    finally:
        store.close()
    assert _versions(store_url) == {_HEAD}


def test_a_store_indexed_before_the_banks_issuance_limits_is_refused_and_the_downgrade_drops_its_table(
    store_url: str,
) -> None:
    """Migration 0010_bank_issuance: a store holding events was indexed from a deployment whose token had no issuance
    limits (its Issued and Redeemed events were different); it is refused and left as it was. An empty one gets the
    table, which its downgrade drops."""
    _upgrade(store_url, *_BEFORE, "0009_governance")
    _one_event(store_url, "SettlementToken", "Issued")
    with pytest.raises(StoreDatabaseError, match=r"1 events indexed before settlement banks had issuance limits.*"
                       r"new database"):  # fmt: skip
        open_store(store_url)
    assert _versions(store_url) == {"0009_governance"}
    _execute(store_url, "DELETE FROM events")
    open_store(store_url).close()
    assert _versions(store_url) == {_HEAD}
    _alembic(store_url, lambda cfg: command.downgrade(cfg, "0009_governance"))
    with _connected(store_url) as conn:
        assert "bank_issuance" not in set(sa.inspect(conn).get_table_names())


def test_a_store_indexed_before_the_pause_register_is_upgraded_as_it_is_and_the_downgrade_drops_its_table(
    store_url: str,
) -> None:
    """Migration 0012_contract_pauses: AssetControls only gained the pause events, so a store indexed before them
    (its events and records kept) gets an empty table of pauses; the downgrade drops it."""
    _upgrade(store_url, *_BEFORE, "0010_bank_issuance")
    _one_event(store_url, "AssetControls", "AssetFrozen")
    balance = "INSERT INTO balances (account, valid_from_block, balance) VALUES (:a, 1, 5)"
    _execute(store_url, balance, a="0x" + "22" * 20)
    store = open_store(store_url)
    try:
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT COUNT(*) FROM events")).scalar_one() == 1
            assert conn.execute(sa.text("SELECT COUNT(*) FROM balances")).scalar_one() == 1
            assert conn.execute(sa.text("SELECT COUNT(*) FROM contract_pauses")).scalar_one() == 0
        assert store.as_of().rows("contract_pauses") == []
    finally:
        store.close()
    assert _versions(store_url) == {_HEAD}
    _alembic(store_url, lambda cfg: command.downgrade(cfg, "0011_governance_proposals"))
    with _connected(store_url) as conn:
        assert "contract_pauses" not in set(sa.inspect(conn).get_table_names())
        assert conn.execute(sa.text("SELECT COUNT(*) FROM events")).scalar_one() == 1
    assert _versions(store_url) == {"0011_governance_proposals"}


def test_a_store_holding_the_managers_target_events_gets_their_records_rebuilt_and_the_downgrade_drops_them(
    store_url: str,
) -> None:
    """Migration 0013_governance_targets: the store already holds the manager's TargetClosed and
    TargetAdminDelayUpdated events, so the upgrade rebuilds each target's versions from them (one per block, the
    delay in force before a new one as the manager had it at the event's time); the downgrade drops the table."""
    _upgrade(store_url, *_BEFORE, "0012_contract_pauses")
    registry, controls = "0x" + "aa" * 20, "0x" + "bb" * 20
    h = "0x" + "11" * 32
    engine = create_store_engine(store_url)
    with engine.begin() as conn:
        conn.execute(sa.insert(blocks), [{"number": n, "hash": h, "parent_hash": h, "timestamp": 1000 * n}
                                         for n in (3, 5, 7)])  # fmt: skip
        logs = [
            (3, 0, "TargetClosed", {"target": registry, "closed": True}),
            (3, 1, "TargetAdminDelayUpdated", {"target": registry, "delay": 600, "since": 3000}),
            (3, 2, "TargetClosed", {"target": controls, "closed": False}),
            (5, 0, "TargetAdminDelayUpdated", {"target": registry, "delay": 60, "since": 9000}),
            (7, 0, "TargetClosed", {"target": registry, "closed": False}),
            (7, 1, "RoleGranted", {"roleId": 1, "account": registry, "delay": 0, "since": 0, "newMember": True}),
        ]
        conn.execute(sa.insert(events), [
            {"block_number": b, "log_index": i, "block_hash": h, "tx_hash": h, "contract": "AccessManager",
             "name": name, "args": args} for b, i, name, args in logs
        ])  # fmt: skip
    engine.dispose()
    store = open_store(store_url)
    try:
        with store.engine.connect() as conn:
            found = conn.execute(sa.text(
                "SELECT target, valid_from_block, valid_to_block, closed, admin_delay, admin_delay_since,"
                " previous_admin_delay, updated_block FROM governance_targets ORDER BY target, valid_from_block"
            )).all()  # fmt: skip
        assert [tuple(r) for r in found] == [
            (registry, 3, 5, True, 600, 3000, 0, 3),
            (registry, 5, 7, True, 60, 9000, 600, 5),  # 600 took effect at 3000, before block 5's time
            (registry, 7, None, False, 60, 9000, 600, 7),
            (controls, 3, None, False, 0, 0, 0, 3),
        ]
        assert store.as_of(4).row("governance_targets", (registry,))["closed"] is True
    finally:
        store.close()
    assert _versions(store_url) == {_HEAD}
    _alembic(store_url, lambda cfg: command.downgrade(cfg, "0012_contract_pauses"))
    with _connected(store_url) as conn:
        assert "governance_targets" not in set(sa.inspect(conn).get_table_names())
        assert conn.execute(sa.text("SELECT COUNT(*) FROM events")).scalar_one() == 6
    assert _versions(store_url) == {"0012_contract_pauses"}


def test_a_store_holding_admissions_without_identities_is_refused_and_an_empty_one_gets_the_columns(
    store_url: str,
) -> None:
    """Migration 0014_participant_identity: a store holding a ParticipantAdmitted event was indexed from a registry
    whose admissions carried no participant id nor credit code; it is refused, named and left as it was. Without one
    it gets both columns, which the downgrade drops."""
    _upgrade(store_url, *_BEFORE, "0013_governance_targets")
    _one_event(store_url, "ParticipantRegistry", "ParticipantAdmitted")
    with pytest.raises(StoreDatabaseError, match=r"1 participant admissions indexed before participants had ids.*"
                       r"new database"):  # fmt: skip
        open_store(store_url)
    assert _versions(store_url) == {"0013_governance_targets"}
    _execute(store_url, "UPDATE events SET name = 'ParticipantRolesChanged'")  # other events are kept as they are
    open_store(store_url).close()
    assert _versions(store_url) == {_HEAD}
    with _connected(store_url) as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("participants")}
        assert {"participant_id", "credit_code_hash"} <= columns
        assert conn.execute(sa.text("SELECT COUNT(*) FROM events")).scalar_one() == 1
    _alembic(store_url, lambda cfg: command.downgrade(cfg, "0013_governance_targets"))
    with _connected(store_url) as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("participants")}
        assert not {"participant_id", "credit_code_hash"} & columns


def test_a_store_of_participants_gets_their_accounts_as_signing_keys_and_one_key_record_each(store_url: str) -> None:
    """Migration 0015_participant_keys: until then no participant could change its key, so each version of each
    participant signs with its account, and each participant has one key record, its account's, from its
    admission (a later version of its record, here a role change, adds none). The downgrade drops both."""
    _upgrade(store_url, *_BEFORE, "0014_participant_identity")
    insert = (
        "INSERT INTO participants (account, valid_from_block, valid_to_block, name, roles, region, status,"
        " declarations, admitted_by, admitted_block, admitted_at, updated_block, updated_at, participant_id,"
        " credit_code_hash) VALUES (:account, :block, :to, 'Co.', :roles, 450100, 1, 0, :by, 3, 1000, :block, 1000,"
        " 2, :code)"
    )
    account, by = "0x" + "AB" * 20, "0x" + "CD" * 20
    _execute(store_url, insert, account=account, block=3, to=9, roles=1, by=by, code="0x" + "01" * 32)
    _execute(store_url, insert, account=account, block=9, to=None, roles=3, by=by, code="0x" + "01" * 32)
    open_store(store_url).close()
    assert _versions(store_url) == {_HEAD}
    with _connected(store_url) as conn:
        keys = conn.execute(sa.text("SELECT signing_key FROM participants")).scalars().all()
        assert keys == [account, account]
        records = conn.execute(sa.text(
            "SELECT address, account, participant_id, added_block, added_at, added_by, reason_hash,"
            " replaced_block, valid_from_block, valid_to_block FROM participant_keys"
        )).all()  # fmt: skip
        assert [tuple(r) for r in records] == [(account, account, 2, 3, 1000, by, None, None, 3, None)]
    _alembic(store_url, lambda cfg: command.downgrade(cfg, "0014_participant_identity"))
    with _connected(store_url) as conn:
        assert "signing_key" not in {c["name"] for c in sa.inspect(conn).get_columns("participants")}
        assert "participant_keys" not in sa.inspect(conn).get_table_names()


_VALUATION_TABLES = {"appraisers", "valuations", "recognitions", "recognition_events"}


def test_a_store_holding_events_gets_the_valuation_tables_empty_and_the_downgrade_drops_them(store_url: str) -> None:
    """Migration 0016_valuation: no contract before it valued or recognised an asset, so a store holding events is
    upgraded as it is, with the four tables empty; the downgrade drops them and keeps the rest."""
    _upgrade(store_url, *_BEFORE, "0015_participant_keys")
    _one_event(store_url, "ParticipantRegistry", "DeclarationFiled")
    open_store(store_url).close()
    assert _versions(store_url) == {_HEAD}
    with _connected(store_url) as conn:
        assert set(sa.inspect(conn).get_table_names()) >= _VALUATION_TABLES
        for table in _VALUATION_TABLES:
            assert conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 0
        assert conn.execute(sa.text("SELECT COUNT(*) FROM events")).scalar_one() == 1
    _alembic(store_url, lambda cfg: command.downgrade(cfg, "0015_participant_keys"))
    with _connected(store_url) as conn:
        names = set(sa.inspect(conn).get_table_names())
        assert not _VALUATION_TABLES & names and {"events", "participant_keys"} <= names


@pytest.mark.parametrize(
    ("base", "revision", "tables"),
    [("0016_valuation", "0017_disclosure", {"disclosure_requirements", "disclosures"}),
     ("0017_disclosure", "0018_data_quality", {"quality_reports", "quality_defaults", "quality_settings"}),
     ("0018_data_quality", "0019_listings", {"listings"}),
     ("0019_listings", "0020_opening_list", {"opening_lists", "opening_entries"})],
    ids=["0017", "0018", "0019", "0020"],
)  # fmt: skip
def test_a_store_holding_events_gets_the_tables_of_a_new_article_empty_and_the_downgrade_drops_them(
    store_url: str, base: str, revision: str, tables: set[str],
) -> None:
    """Migrations 0017_disclosure to 0020_opening_list: no contract before them took a disclosure, a quality
    report, a listing or an opening list, so a store holding events is upgraded as it is, with their tables empty; each
    downgrade drops its own tables and keeps the rest."""
    _upgrade(store_url, *_BEFORE, base)
    _one_event(store_url, "ParticipantRegistry", "DeclarationFiled")
    open_store(store_url).close()
    assert _versions(store_url) == {_HEAD}
    with _connected(store_url) as conn:
        assert set(sa.inspect(conn).get_table_names()) >= tables
        for table in tables:
            assert conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 0
        assert conn.execute(sa.text("SELECT COUNT(*) FROM events")).scalar_one() == 1
    _alembic(store_url, lambda cfg: command.downgrade(cfg, base))
    with _connected(store_url) as conn:
        names = set(sa.inspect(conn).get_table_names())
        assert not tables & names and names >= _VALUATION_TABLES
