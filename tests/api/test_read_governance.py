"""The read API's governance routes over the demo's index: the council's operations (the demo's admissions, price
band and authorised-operation approvals, each scheduled and executed after the delay), the roles and their
members, the officers' Safes and their transactions, and the pause register (the demo's incident: trade
settlement paused and resumed; more pauses are read in tests/store/test_store_end_to_end.py and
tests/api/test_explorer.py). The targets' settings at the manager (the demo changes none) are read over a
deployment of their own: the council closes one target and gives another an admin delay, which the store, the
API (now, before, and once the delay is in force) and the audit replay agree on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from ledger.audit import audit_replay
from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.client import Call, Contracts, dev_account, make_sender
from ledger.contracts.deploy import deploy_system, write_manifest
from ledger.contracts.types import PAUSE_CONTRACTS
from ledger.governance import CouncilClient
from ledger.governance.config import DEV_COUNCIL, DEV_DELAY, DEV_GUARDIANS, GovernanceConfig
from ledger.indexer import open_indexer
from ledger.settings import LedgerSettings
from ledger.store import open_store
from ledger.toolchain import Build, compile_contracts
from tests.conftest import free_port

_TARGET_DELAY = 3_600
_SETBACK = 5 * 86_400  # the manager's minSetback(): a new admin delay takes effect this long after it is set


def test_the_governance_its_roles_safes_and_latest_transactions(client: TestClient) -> None:
    body = client.get("/api/v1/governance").json()["data"]
    roles = {r["role_id"]: r for r in body["roles"]}
    assert {"0", "1", "2", "3"} <= set(roles)
    assert (roles["1"]["label"], roles["1"]["guardian_role"]) == ("COUNCIL", "2")
    council_members = roles["1"]["members"]
    assert len(council_members) == 1 and council_members[0]["execution_delay"] == DEV_DELAY
    assert roles["0"]["members"] == [dict(council_members[0])]  # the deployer renounced: the council alone
    safes = {s["safe"]: s for s in body["safes"]}
    council = [str(dev_account(i).address) for i in DEV_COUNCIL]
    assert sorted(safes["CouncilSafe"]["owners"]) == sorted(council) and safes["CouncilSafe"]["threshold"] == 2
    assert safes["EmergencySafe"]["threshold"] == 1
    assert sorted(safes["GuardianSafe"]["owners"]) == sorted(str(dev_account(i).address) for i in DEV_GUARDIANS)
    assert body["pending"] == 0 and body["recent"]
    latest = body["recent"][0]
    assert latest["success"] and set(latest["signers"]) <= set(council)


def test_operations_are_listed_with_their_state_and_one_is_shown(client: TestClient) -> None:
    executed = client.get("/api/v1/governance/operations", params={"status": "executed", "limit": 1000}).json()
    ops = executed["data"]
    assert ops and all(o["status"] == "executed" and o["ready_at"] == o["scheduled_at"] + DEV_DELAY for o in ops)
    admit = "0xcaa903b6"  # ParticipantRegistry.admit(address,uint16,uint24,string,bytes32)
    assert any(o["selector"] == admit for o in ops)
    assert client.get("/api/v1/governance/operations", params={"status": "pending"}).json()["data"] == []
    one = client.get(f"/api/v1/governance/operations/{ops[0]['operation_id']}").json()["data"]
    assert one == ops[0]
    missing = client.get("/api/v1/governance/operations/0x" + "00" * 32)
    assert missing.status_code == 404
    assert client.get("/api/v1/governance/operations", params={"status": "soon"}).status_code == 422


def test_the_pause_register_shows_the_demos_incident_now_and_then(client: TestClient) -> None:
    """The demo's incident: trade settlement paused by the emergency officers, resumed by the council."""
    body = client.get("/api/v1/governance/pauses").json()["data"]
    assert (body["pause_register"], body["paused_contracts"]) == (0, [])
    assert [(c["contract"], c["bit"]) for c in body["contracts"]] == [(n, int(b)) for b, n in PAUSE_CONTRACTS.items()]
    assert all(not c["paused"] for c in body["contracts"])
    changed = {c["contract"]: c for c in body["contracts"] if c["history"]}
    assert list(changed) == ["TradeSettlement"]
    history = changed["TradeSettlement"]["history"]
    assert [h["paused"] for h in history] == [True, False] * (len(history) // 2)  # each demo run's incident
    history = history[:2]
    assert changed["TradeSettlement"]["changed_block"] >= history[1]["block"] > history[0]["block"]
    assert history[0]["changed_by"] == history[1]["changed_by"]  # the access manager, for either route
    during = client.get("/api/v1/governance/pauses", params={"at": str(history[0]["block"])}).json()["data"]
    assert (during["pause_register"], during["paused_contracts"]) == (16, ["TradeSettlement"])
    status = client.get("/api/v1/status", params={"at": str(history[1]["block"] - 1)}).json()["data"]
    assert status["paused_contracts"] == ["TradeSettlement"]
    before = client.get("/api/v1/governance/pauses", params={"at": str(history[0]["block"] - 1)}).json()["data"]
    assert before["paused_contracts"] == [] and client.get(
        "/api/v1/governance/pauses", params={"at": "0"}).json()["data"]["paused_contracts"] == []


@dataclass
class Targets:
    """A deployment whose council closed MandateRegistry and gave Supervision an admin delay, indexed up to
    ``set_block`` (the delay pending), then again after the clock passed its effect (``head``)."""

    rpc: JsonRpcClient
    council: CouncilClient
    settings: LedgerSettings
    build: Build
    before: int  # the last block before the council's changes
    set_block: int
    head: int


@pytest.fixture(scope="module")
def targets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Targets]:
    settings = LedgerSettings(data_dir=tmp_path_factory.mktemp("targets"), node_port=free_port(), block_time=0)
    build = compile_contracts()
    with EmbeddedNode(settings) as node:
        rpc = node.client(timeout=30)
        sender = make_sender(settings, rpc, dev_account(0))
        deployment = deploy_system(rpc, sender, build, governance=GovernanceConfig.from_settings(settings))
        write_manifest(deployment, settings.manifest_path)
        contracts = Contracts.from_build(deployment, build)
        sender.errors = contracts.errors
        council = CouncilClient(rpc, contracts, sender)
        manager, codec = contracts.address["AccessManager"], contracts.codecs["AccessManager"]
        before = int(rpc.call("eth_blockNumber"), 16)
        council.execute_many([
            Call(manager, codec.encode_call("setTargetClosed", contracts.address["MandateRegistry"], True)),
            Call(manager, codec.encode_call("setTargetAdminDelay", contracts.address["Supervision"], _TARGET_DELAY)),
        ])  # fmt: skip
        set_block = int(rpc.call("eth_blockNumber"), 16)
        yield Targets(rpc, council, settings, build, before, set_block, set_block)


def test_a_closed_target_and_an_admin_delay_are_indexed_answered_by_the_api_and_audited(
    targets: Targets, tmp_path: Path
) -> None:
    """The store keeps both targets' settings (Supervision's delay pending, the one before it, none, in force);
    GET /api/v1/governance lists them now and none before the council's changes; the audit replay finds no
    difference against isTargetClosed and getTargetAdminDelay, while the delay is pending and once it is in force."""
    council, contracts = targets.council, targets.council.contracts
    mandates, supervision = contracts.address["MandateRegistry"], contracts.address["Supervision"]
    assert council.view("AccessManager", "isTargetClosed", mandates) is True
    store = open_store(f"sqlite:///{tmp_path / 'ledger.db'}")
    try:
        open_indexer(targets.settings, store, targets.rpc, build=targets.build).run()
        rows = {r["target"]: r for r in store.as_of().rows("governance_targets")}
        assert set(rows) == {mandates, supervision}
        assert rows[mandates]["closed"] is True and rows[mandates]["admin_delay"] == 0
        delay = rows[supervision]
        assert (delay["closed"], delay["admin_delay"], delay["previous_admin_delay"]) == (False, _TARGET_DELAY, 0)
        set_at = delay["admin_delay_since"] - _SETBACK
        assert delay["updated_block"] == rows[mandates]["updated_block"] <= targets.set_block
        assert store.as_of(targets.before).rows("governance_targets") == []

        with TestClient(create_app(LedgerSettings(data_dir=tmp_path), store=store)) as api:
            body = api.get("/api/v1/governance").json()["data"]
            by_target = {t["target"]: t for t in body["targets"]}
            assert by_target[mandates] == {
                "target": mandates, "closed": True, "admin_delay": 0, "next_admin_delay": None,
                "next_admin_delay_since": None, "updated_block": delay["updated_block"],
            }  # fmt: skip
            assert (by_target[supervision]["closed"], by_target[supervision]["admin_delay"]) == (False, 0)
            assert by_target[supervision]["next_admin_delay"] == _TARGET_DELAY
            assert by_target[supervision]["next_admin_delay_since"] == set_at + _SETBACK
            before = api.get("/api/v1/governance", params={"at": targets.before}).json()["data"]
            assert before["targets"] == []

        report = audit_replay(deployment=contracts.deployment, build=targets.build, rpc=targets.rpc, live=store)
        assert report.differences == [], [d.line() for d in report.differences]
        assert (report.events_by_name["TargetClosed"], report.events_by_name["TargetAdminDelayUpdated"]) == (1, 1)

        # Past the setback the manager reports the new delay: the store's record is unchanged, the answer is not.
        council.governance.wait_until(set_at + _SETBACK, dev_clock=True)
        assert council.view("AccessManager", "getTargetAdminDelay", supervision) == _TARGET_DELAY
        open_indexer(targets.settings, store, targets.rpc, build=targets.build).run()
        with TestClient(create_app(LedgerSettings(data_dir=tmp_path), store=store)) as api:
            later = {t["target"]: t for t in api.get("/api/v1/governance").json()["data"]["targets"]}
            assert (later[supervision]["admin_delay"], later[supervision]["next_admin_delay"]) == (_TARGET_DELAY, None)
            then = api.get("/api/v1/governance", params={"at": targets.set_block}).json()["data"]["targets"]
            assert {t["target"]: t["admin_delay"] for t in then} == {mandates: 0, supervision: 0}
        report = audit_replay(deployment=contracts.deployment, build=targets.build, rpc=targets.rpc, live=store)
        assert report.differences == [], [d.line() for d in report.differences]
    finally:
        store.close()
