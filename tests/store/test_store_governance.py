"""The governance's events (the access manager's, the officers' Safes') projected into the governance tables."""

from __future__ import annotations

from eth_abi.abi import encode as abi_encode
from eth_account import Account
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.store.projection import keys_to_load
from tests.store.scripts import ALICE, BOB, CAROL, H3, Script

MANAGER = to_checksum_address("0x000000000000000000000000000000000000AC00")
REGISTRY = to_checksum_address("0x000000000000000000000000000000000000AC01")
COUNCIL = to_checksum_address("0x000000000000000000000000000000000000AC02")
OP = "0x" + "ab" * 32


def test_an_operation_is_scheduled_then_executed_or_cancelled_and_scheduled_again() -> None:
    s = Script()
    s("AccessManager", "OperationScheduled", operationId=OP, nonce=1, schedule=2_000, caller=COUNCIL,
      target=REGISTRY, data="0x4016a75000ff")  # fmt: skip
    s.block()
    s("AccessManager", "OperationCanceled", operationId=OP, nonce=1)
    s.block()
    s("AccessManager", "OperationScheduled", operationId=OP, nonce=2, schedule=3_000, caller=COUNCIL,
      target=REGISTRY, data="0x4016a75000ff")  # fmt: skip
    s.block()
    s("AccessManager", "OperationExecuted", operationId=OP, nonce=2)
    versions = s.project().result().versions["governance_operations"][(OP,)]
    assert [(b, r["nonce"], r["status"], r["ready_at"], r["closed_block"]) for b, r in versions] == [
        (1, 1, 1, 2_000, None), (2, 1, 3, 2_000, 2), (3, 2, 1, 3_000, None), (4, 2, 2, 3_000, 4),
    ]  # fmt: skip
    first = versions[0][1]
    assert (first["caller"], first["target"], first["selector"], first["data"]) == (
        COUNCIL, REGISTRY, "0x4016a750", "0x4016a75000ff")
    assert versions[1][1]["closed_tx"] == H3 and versions[0][1]["scheduled_at"] == s.timestamps[1]


def test_roles_their_members_and_settings_and_the_functions_they_may_call() -> None:
    s = Script()
    s("AccessManager", "RoleGranted", roleId=0, account=ALICE, delay=0, since=100, newMember=True)
    s("AccessManager", "RoleLabel", roleId=1, label="COUNCIL")
    s("AccessManager", "RoleGuardianChanged", roleId=1, guardian=2)
    s("AccessManager", "TargetFunctionRoleUpdated", target=REGISTRY, selector="0x4016a750", roleId=1)
    s("AccessManager", "RoleGranted", roleId=1, account=COUNCIL, delay=60, since=100, newMember=True)
    s.block()
    s("AccessManager", "RoleGranted", roleId=1, account=COUNCIL, delay=120, since=500, newMember=False)
    s("AccessManager", "RoleRevoked", roleId=0, account=ALICE)
    result = s.project().result().versions
    council = result["governance_roles"][(1, COUNCIL)]
    assert [(b, r["member"], r["execution_delay"], r["delay_effect"]) for b, r in council] == [
        (1, True, 60, 0), (2, True, 120, 500)]  # fmt: skip
    assert result["governance_roles"][(0, ALICE)][-1][1]["member"] is False
    settings = result["governance_role_settings"][(1,)][-1][1]
    assert (settings["label"], settings["guardian_role"], settings["admin_role"]) == ("COUNCIL", 2, 0)
    assert result["governance_function_roles"][(REGISTRY, "0x4016a750")][-1][1]["role_id"] == 1


def test_a_targets_closed_flag_and_admin_delay_with_the_delay_in_force_before_a_new_one_takes_effect() -> None:
    """Closed, then a 10-minute admin delay (in force from its ``since``), then a 1-minute one set after the first
    took effect (the 10 minutes stay in force until then), then reopened; a target never changed has no record."""
    s = Script()
    t1 = s.timestamps[1]
    s("AccessManager", "TargetClosed", target=REGISTRY, closed=True)
    s("AccessManager", "TargetAdminDelayUpdated", target=REGISTRY, delay=600, since=t1)
    s.block()
    s("AccessManager", "TargetAdminDelayUpdated", target=REGISTRY, delay=60, since=t1 + 10_000)
    s.block()
    s("AccessManager", "TargetClosed", target=REGISTRY, closed=False)
    versions = s.project().result().versions["governance_targets"]
    assert list(versions) == [(REGISTRY,)]
    assert [(b, r["closed"], r["admin_delay"], r["admin_delay_since"], r["previous_admin_delay"], r["updated_block"])
            for b, r in versions[(REGISTRY,)]] == [
        (1, True, 600, t1, 0, 1), (2, True, 60, t1 + 10_000, 600, 2), (3, False, 60, t1 + 10_000, 600, 3),
    ]  # fmt: skip
    assert versions[(REGISTRY,)][0][1]["target"] == REGISTRY
    assert keys_to_load(s.events) == {"governance_targets": {(REGISTRY,)}}
    # A delay set before the one pending took effect keeps the one in force before both.
    stored = {"governance_targets": {(REGISTRY,): {
        "target": REGISTRY, "closed": False, "admin_delay": 600, "admin_delay_since": t1 + 10**9,
        "previous_admin_delay": 30, "updated_block": 0,
    }}}  # fmt: skip
    s = Script()
    s("AccessManager", "TargetAdminDelayUpdated", target=REGISTRY, delay=60, since=t1 + 100)
    row = s.project(stored).result().versions["governance_targets"][(REGISTRY,)][-1][1]
    assert (row["admin_delay"], row["previous_admin_delay"], row["closed"]) == (60, 30, False)


def test_a_safes_officers_threshold_and_transactions_with_their_signers() -> None:
    officers = [Account.from_key(keccak(text=f"officer {i}")) for i in range(3)]
    owners = [to_checksum_address(o.address) for o in officers]
    s = Script()
    s("CouncilSafe", "SafeSetup", initiator=ALICE, owners=owners[:2], threshold=2, initializer=MANAGER,
      fallbackHandler="0x" + "00" * 20)  # fmt: skip
    s.block()
    safe_tx_hash = keccak(text="a Safe transaction")
    signers = sorted(officers[:2], key=lambda a: int(a.address, 16))
    signatures = b"".join(bytes(a.unsafe_sign_hash(safe_tx_hash).signature) for a in signers)
    s("CouncilSafe", "SafeMultiSigTransaction", to=MANAGER, value=0, data="0xf801a698aa", operation=0, safeTxGas=0,
      baseGas=0, gasPrice=0, gasToken="0x" + "00" * 20, refundReceiver="0x" + "00" * 20,
      signatures="0x" + signatures.hex(),
      additionalInfo="0x" + abi_encode(["uint256", "address", "uint256"], [0, BOB, 2]).hex())  # fmt: skip
    s("CouncilSafe", "ExecutionSuccess", txHash="0x" + safe_tx_hash.hex(), payment=0)
    s.block()
    # The council adds a third officer and raises the threshold, then swaps the first for Carol (in place).
    s("CouncilSafe", "AddedOwner", owner=owners[2])
    s("CouncilSafe", "ChangedThreshold", threshold=3)
    s.block()
    s("CouncilSafe", "RemovedOwner", owner=owners[0])
    s("CouncilSafe", "AddedOwner", owner=CAROL)
    projector = s.project()
    result = projector.result()
    safe = result.versions["governance_safes"][("CouncilSafe",)]
    assert [(b, r["owners"], r["threshold"], r["nonce"]) for b, r in safe] == [
        (1, owners[:2], 2, 0), (2, owners[:2], 2, 1), (3, [owners[2], *owners[:2]], 3, 1),
        (4, [owners[2], CAROL, owners[1]], 3, 1),
    ]  # fmt: skip
    (tx,) = result.facts["governance_safe_transactions"]
    assert (tx["safe"], tx["nonce"], tx["target"], tx["selector"], tx["sender"], tx["success"]) == (
        "CouncilSafe", 0, MANAGER, "0xf801a698", BOB, True)
    assert tx["signers"] == [to_checksum_address(a.address) for a in signers]
    assert tx["safe_tx_hash"] == "0x" + safe_tx_hash.hex() and "_signatures" not in tx
    assert keys_to_load(s.events[3:4]) == {"governance_safes": {("CouncilSafe",)}}  # AddedOwner
    assert keys_to_load(s.events[:0]) == {}
