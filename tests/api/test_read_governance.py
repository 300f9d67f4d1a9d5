"""The read API's governance routes over the demo's index: the council's operations (the demo's admissions, price
band and authorised-operation approvals, each scheduled and executed after the delay), the roles and their
members, the officers' Safes and their transactions, and the pause register (the demo pauses nothing; pauses are
read in tests/store/test_store_end_to_end.py and tests/api/test_explorer.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ledger.client import dev_account
from ledger.contracts.types import PAUSE_CONTRACTS
from ledger.governance.config import DEV_COUNCIL, DEV_DELAY, DEV_GUARDIANS


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
    admit = "0x4016a750"  # ParticipantRegistry.admit
    assert any(o["selector"] == admit for o in ops)
    assert client.get("/api/v1/governance/operations", params={"status": "pending"}).json()["data"] == []
    one = client.get(f"/api/v1/governance/operations/{ops[0]['operation_id']}").json()["data"]
    assert one == ops[0]
    missing = client.get("/api/v1/governance/operations/0x" + "00" * 32)
    assert missing.status_code == 404
    assert client.get("/api/v1/governance/operations", params={"status": "soon"}).status_code == 422


def test_the_pauses_of_a_ledger_never_paused_name_every_contract_running(client: TestClient) -> None:
    body = client.get("/api/v1/governance/pauses").json()["data"]
    assert (body["pause_register"], body["paused_contracts"]) == (0, [])
    assert [(c["contract"], c["bit"]) for c in body["contracts"]] == [(n, int(b)) for b, n in PAUSE_CONTRACTS.items()]
    assert all(not c["paused"] and c["history"] == [] and c["changed_block"] is None for c in body["contracts"])
    assert client.get("/api/v1/governance/pauses", params={"at": "0"}).json()["data"]["paused_contracts"] == []
