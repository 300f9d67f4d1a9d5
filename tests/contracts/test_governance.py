"""Governance: no single key changes the rules.

The authority is the access manager; the council's Safe (2 of 3 dev officers) schedules and, after the delay,
executes; the guardian's Safe (1 of 2) cancels meanwhile; the emergency officers' Safe (1 of the council's 3)
freezes an asset or suspends a participant at once, and the council reverses it. Every refusal names its error.
"""

from __future__ import annotations

from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

import ledger.contracts.errors as E
from ledger.client import LedgerClient, TxResult, dev_account
from ledger.client.sender import Call
from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.deploy import verify_deployment
from ledger.contracts.revert import ContractRevert
from ledger.contracts.system import GOVERNANCE_SAFES, MODULES, SYSTEM_CONTRACTS
from ledger.contracts.types import Kind, ParticipantStatus, Role
from ledger.governance import Governance, GovernanceError, ManagerRole, Proposal, SafeRevert, SafeTx
from ledger.governance.config import DEV_COUNCIL, DEV_DELAY, DEV_GUARDIANS
from ledger.governance.roles import EMERGENCY_FUNCTIONS, MANAGER_CANCELLABLE
from ledger.governance.safe import pack_signatures, safe_revert, safe_tx_hash, sign_safe_tx
from ledger.toolchain import Build
from tests.contracts.conftest import REGION, World, h
from tests.credit_codes import code_for

OFFICERS = [dev_account(i) for i in DEV_COUNCIL]
GUARDIANS = [dev_account(i) for i in DEV_GUARDIANS]
NEWCOMER = dev_account(20)


def gov(w: World) -> Governance:
    return w.authority.governance


def call_data(w: World, contract: str, function: str, *args: Any) -> tuple[str, bytes]:
    return w.contracts.address[contract], w.contracts.codecs[contract].encode_call(function, *args)


def admit_exchange(w: World) -> tuple[str, bytes]:
    code = credit_code_hash(code_for(NEWCOMER.address))
    return call_data(
        w, "ParticipantRegistry", "admit", NEWCOMER.address, int(Role.EXCHANGE), REGION, "Rogue Exchange", code
    )


def price_band(w: World) -> tuple[str, bytes]:
    return call_data(w, "TradeSettlement", "setPriceBand", int(Kind.DATASET), 1, 10**12)


def sign_all(g: Governance, p: Proposal, signers: list[LocalAccount]) -> Proposal:
    for account in signers:
        p = g.sign(p, account)
    return p


def exec_safe(
    w: World, safe: str, to: str, data: bytes, signers: list[LocalAccount], relay: LedgerClient | None = None
) -> TxResult:
    """``safe`` sends ``data`` to ``to``, signed by ``signers``, relayed by ``relay`` (default: the outsider, who
    only pays): the Safe's refusals come back as :class:`SafeRevert`, the manager's and the ledger's typed."""
    g = gov(w)
    state = g.safe(safe)
    tx = SafeTx(safe=state.address, to=to, data=data, nonce=state.nonce)
    signatures = pack_signatures({a.address: sign_safe_tx(a, tx, w.authority.chain_id) for a in signers})
    codec = w.contracts.codecs[safe]
    client = relay or w.outsider
    try:
        return client.execute(Call(state.address, codec.encode_call("execTransaction", *tx.exec_args(signatures))))
    except ContractRevert as exc:
        raise safe_revert(exc) from None


def manager_call(w: World, function: str, *args: Any) -> bytes:
    return w.contracts.codecs["AccessManager"].encode_call(function, *args)


def participant(w: World, account: str) -> dict[str, Any]:
    return w.authority.get_participant(account)


# ─────────────────────────────────────────── as deployed


def test_the_manager_is_the_only_authority_and_the_deployer_keeps_no_role(world: World, build: Build) -> None:
    w = world
    manager = w.contracts.address["AccessManager"]
    assert participant(w, manager)["roles"] == Role.AUTHORITY
    assert participant(w, manager)["status"] == ParticipantStatus.ACTIVE
    deployer = w.contracts.deployment.deployer
    assert participant(w, deployer)["status"] == ParticipantStatus.NONE
    for role in ManagerRole:
        assert w.authority.view("AccessManager", "hasRole", int(role), deployer)[0] is False
    council, guardian, emergency = (w.contracts.address[n] for n in GOVERNANCE_SAFES)
    assert w.authority.view("AccessManager", "hasRole", int(ManagerRole.ADMIN), council) == (True, DEV_DELAY)
    assert w.authority.view("AccessManager", "hasRole", int(ManagerRole.COUNCIL), council) == (True, DEV_DELAY)
    assert w.authority.view("AccessManager", "hasRole", int(ManagerRole.GUARDIAN), guardian) == (True, 0)
    assert w.authority.view("AccessManager", "hasRole", int(ManagerRole.EMERGENCY), emergency) == (True, 0)
    assert w.authority.view("AccessManager", "getRoleGuardian", int(ManagerRole.COUNCIL)) == ManagerRole.GUARDIAN
    for name, (owners, threshold) in {
        "CouncilSafe": (OFFICERS, 2), "GuardianSafe": (GUARDIANS, 1), "EmergencySafe": (OFFICERS, 1),
    }.items():  # fmt: skip
        state = gov(w).safe(name)
        assert sorted(state.owners) == sorted(a.address for a in owners) and state.threshold == threshold
        assert w.authority.view(name, "isModuleEnabled", manager) is True
    record = w.contracts.deployment.governance
    assert record is not None
    assert record.delay == DEV_DELAY and record.safe("CouncilSafe").threshold == 2
    assert verify_deployment(w.rpc, w.contracts.deployment, build) == w.contracts.deployment  # type: ignore[arg-type]


def test_every_state_changing_function_is_the_councils_but_freeze_and_suspend(world: World) -> None:
    w = world
    role = {}
    for name in SYSTEM_CONTRACTS:
        if name in MODULES.values():
            continue
        for fn in w.contracts.codecs[name].functions.values():
            if fn.mutability in ("view", "pure"):
                continue
            got = w.authority.view("AccessManager", "getTargetFunctionRole", w.contracts.address[name], fn.selector)
            role[f"{name}.{fn.name}"] = got
    emergency = {f"{c}.{f}" for c, fs in EMERGENCY_FUNCTIONS.items() for f in fs}
    assert {k for k, v in role.items() if v == ManagerRole.EMERGENCY} == emergency
    assert all(v == ManagerRole.COUNCIL for k, v in role.items() if k not in emergency)
    manager = w.contracts.address["AccessManager"]
    m = w.contracts.codecs["AccessManager"]
    for fn in MANAGER_CANCELLABLE:
        assert w.authority.view("AccessManager", "getTargetFunctionRole", manager, m.functions[fn].selector) == 1
    # Revoking a role is not the guardian's to cancel: a guardian that cancels everything can itself be removed.
    assert w.authority.view("AccessManager", "getTargetFunctionRole", manager, m.functions["revokeRole"].selector) == 0


# ─────────────────────────────────────────── one officer, or M before the delay, is not enough


@pytest.mark.parametrize("change", ["admit an exchange", "change a price band"])
def test_a_single_officer_cannot_change_the_rules(world: World, change: str) -> None:
    w = world
    target, data = admit_exchange(w) if change == "admit an exchange" else price_band(w)
    officer = w.authority.as_(OFFICERS[0])
    before = (participant(w, NEWCOMER.address), w.authority.price_band(Kind.DATASET))
    # Directly: an officer is not a participant, let alone the authority.
    with pytest.raises(E.ParticipantUnknown) as unknown:
        officer.execute(Call(target, data))
    assert unknown.value.account == OFFICERS[0].address
    # At the manager: an officer holds no role there.
    for function, args in (("schedule", (target, data, 0)), ("execute", (target, data))):
        with pytest.raises(E.AccessManagerUnauthorizedCall) as refused:
            officer.execute(Call(w.contracts.address["AccessManager"], manager_call(w, function, *args)))
        assert (refused.value.caller, refused.value.target, refused.value.selector) == (
            OFFICERS[0].address, target, data[:4])
    # Through the council's Safe with one signature of the two it needs.
    with pytest.raises(SafeRevert) as short:
        exec_safe(w, "CouncilSafe", w.contracts.address["AccessManager"], manager_call(w, "schedule", target, data, 0),
                  [OFFICERS[0]])  # fmt: skip
    assert short.value.code == "GS020"
    # Through the emergency officers' Safe, which one officer may move: not one of its powers.
    for function, args in (("schedule", (target, data, 0)), ("execute", (target, data))):
        with pytest.raises(E.AccessManagerUnauthorizedCall) as refused:
            exec_safe(w, "EmergencySafe", w.contracts.address["AccessManager"], manager_call(w, function, *args),
                      [OFFICERS[0]])  # fmt: skip
        assert refused.value.caller == w.contracts.address["EmergencySafe"]
    # And the library refuses the proposal a single officer can carry: the council's route needs two.
    g = gov(w)
    p = g.sign(g.propose([(target, data)]), OFFICERS[0])
    with pytest.raises(GovernanceError, match="has 1 valid signature"):
        g.submit(p)
    assert (participant(w, NEWCOMER.address), w.authority.price_band(Kind.DATASET)) == before


def test_the_council_before_the_delay_is_refused_and_after_it_succeeds(world: World) -> None:
    w = world
    g = gov(w)
    p = sign_all(g, g.propose([admit_exchange(w), price_band(w)], "exchange and band"), OFFICERS[:2])
    p, scheduled = g.submit(p)
    events = scheduled.find("OperationScheduled")
    assert [e["operationId"] for e in events] == list(p.operations)
    assert p.ready_at == scheduled_time(w, scheduled) + DEV_DELAY == events[0]["schedule"]
    # Anyone sees the pending change and its earliest execution time.
    pending = [op for op in g.operations() if op.operation_id in p.operations]
    assert [(op.status, op.function, op.ready_at) for op in pending] == [
        ("pending", "admit", p.ready_at), ("pending", "setPriceBand", p.ready_at)]
    assert p.state == "scheduled" and p.stage.kind == "execute"
    # The council's second round, before the delay: the manager refuses.
    p = sign_all(g, p, OFFICERS[1:])
    with pytest.raises(E.AccessManagerNotReady) as early:
        g.submit(p)
    assert early.value.operationId == p.operations[0]
    assert participant(w, NEWCOMER.address)["status"] == ParticipantStatus.NONE
    # After it: executed.
    g.wait_until(p.ready_at, dev_clock=True)
    p, executed = g.submit(p)
    assert p.state == "executed"
    assert executed.event("ParticipantAdmitted")["by"] == w.contracts.address["AccessManager"]
    assert participant(w, NEWCOMER.address)["roles"] == Role.EXCHANGE
    assert w.authority.price_band(Kind.DATASET) == (1, 10**12)
    assert [op.status for op in g.operations() if op.operation_id in p.operations] == ["executed", "executed"]
    # Executed once: again, it is no longer scheduled.
    with pytest.raises(E.AccessManagerNotScheduled):
        exec_safe(w, "CouncilSafe", g.manager, manager_call(w, "execute", *admit_exchange(w)), OFFICERS[:2])


def scheduled_time(w: World, result: TxResult) -> int:
    block = w.rpc.call("eth_getBlockByNumber", [hex(result.receipt.block_number), False])
    return int(block["timestamp"], 16)


def test_the_guardian_cancels_a_scheduled_change(world: World) -> None:
    w = world
    g = gov(w)
    p = sign_all(g, g.propose([admit_exchange(w)]), OFFICERS[1:])
    p, _ = g.submit(p)
    # Neither a council officer nor the emergency officers' Safe may cancel it.
    cancelling = g.begin_cancel(p)
    assert cancelling.stage.safe == "GuardianSafe"
    with pytest.raises(GovernanceError, match="not an officer of the GuardianSafe"):
        g.sign(cancelling, OFFICERS[0])
    with pytest.raises(E.AccessManagerUnauthorizedCancel) as refused:
        exec_safe(w, "EmergencySafe", g.manager,
                  manager_call(w, "cancel", w.contracts.address["CouncilSafe"], *admit_exchange(w)), [OFFICERS[0]])
    assert refused.value.msgsender == w.contracts.address["EmergencySafe"]
    # One guardian officer cancels it (the guardian's threshold is 1 of 2).
    cancelling = g.sign(cancelling, GUARDIANS[1])
    cancelled, result = g.submit(cancelling)
    assert cancelled.state == "cancelled"
    assert [e["operationId"] for e in result.find("OperationCanceled")] == list(p.operations)
    assert g.schedule_of(p.operations[0]) == 0
    assert [op.status for op in g.operations() if op.operation_id in p.operations] == ["cancelled"]
    # After the delay, the council's execution finds nothing scheduled.
    g.wait_until(p.ready_at or 0, dev_clock=True)
    p = sign_all(g, p, OFFICERS[:2])
    with pytest.raises(E.AccessManagerNotScheduled):
        g.submit(p)
    assert participant(w, NEWCOMER.address)["status"] == ParticipantStatus.NONE


def test_a_guardian_cannot_cancel_the_revocation_of_a_role(world: World) -> None:
    """So a guardian that cancels everything can itself be removed by the council, after the delay."""
    w = world
    g = gov(w)
    revoke = (g.manager, manager_call(w, "revokeRole", int(ManagerRole.GUARDIAN), w.contracts.address["GuardianSafe"]))
    p, _ = g.submit(sign_all(g, g.propose([revoke]), OFFICERS[:2]))
    cancelling = g.sign(g.begin_cancel(p), GUARDIANS[0])
    with pytest.raises(E.AccessManagerUnauthorizedCancel):
        g.submit(cancelling)
    g.wait_until(p.ready_at or 0, dev_clock=True)
    g.submit(sign_all(g, p, OFFICERS[:2]))
    assert w.authority.view("AccessManager", "hasRole", int(ManagerRole.GUARDIAN),
                            w.contracts.address["GuardianSafe"])[0] is False  # fmt: skip


# ─────────────────────────────────────────── the emergency path


def test_an_emergency_freeze_by_one_officer_takes_effect_at_once_and_the_council_reverses_it(world: World) -> None:
    w = world
    g = gov(w)
    asset = w.registered_asset()
    freeze = call_data(w, "AssetControls", "freeze", asset, h("emergency: leaked personal data"))
    p = g.propose([freeze])
    assert p.route == "emergency" and p.stage.safe == "EmergencySafe" and not p.operations
    before = w.chain_time()
    p, result = g.submit(g.sign(p, OFFICERS[2]))
    assert p.state == "executed"
    assert result.event("AssetFrozen") == {"assetId": asset, "by": w.contracts.address["AccessManager"],
                                           "reasonHash": h("emergency: leaked personal data")}  # fmt: skip
    assert w.holder.get_asset(asset)["frozen"] is True
    assert scheduled_time(w, result) - before <= 1  # at once: no delay, no second round
    # The emergency officers cannot lift it: unfreezing is the council's, after its delay.
    unfreeze = call_data(w, "AssetControls", "unfreeze", asset, h("review: no leak"))
    with pytest.raises(E.AccessManagerUnauthorizedCall):
        exec_safe(w, "EmergencySafe", g.manager, manager_call(w, "execute", *unfreeze), [OFFICERS[0]])
    reversed_ = w.authority.unfreeze(asset, h("review: no leak"))
    assert reversed_.event("AssetUnfrozen")["by"] == w.contracts.address["AccessManager"]
    assert w.authority.last_proposal is not None and w.authority.last_proposal.route == "council"
    assert w.holder.get_asset(asset)["frozen"] is False


def test_an_emergency_suspension_by_one_officer_and_its_reversal_by_the_council(world: World) -> None:
    w = world
    g = gov(w)
    suspend = call_data(w, "ParticipantRegistry", "suspend", w.exchange.address, h("emergency: fraud report"))
    _, result = g.submit(g.sign(g.propose([suspend]), OFFICERS[0]))
    assert result.event("ParticipantStatusChanged")["status"] == ParticipantStatus.SUSPENDED
    assert participant(w, w.exchange.address)["status"] == ParticipantStatus.SUSPENDED
    # An emergency action needs its reason: the registry refuses a zero hash.
    with pytest.raises(E.ParticipantZeroHash):
        g.propose([call_data(w, "ParticipantRegistry", "suspend", w.holder.address, b"\0" * 32)])
    w.authority.reinstate(w.exchange.address, h("review: report unfounded"))
    assert participant(w, w.exchange.address)["status"] == ParticipantStatus.ACTIVE


# ─────────────────────────────────────────── outsiders


def test_an_outsider_can_neither_sign_schedule_execute_nor_cancel(world: World) -> None:
    w = world
    g = gov(w)
    target, data = admit_exchange(w)
    outsider = w.outsider
    with pytest.raises(GovernanceError, match="is not an officer of the CouncilSafe"):
        g.sign(g.propose([(target, data)]), outsider.account)
    with pytest.raises(SafeRevert) as forged:
        exec_safe(w, "CouncilSafe", g.manager, manager_call(w, "schedule", target, data, 0),
                  [OFFICERS[0], outsider.account])  # fmt: skip
    assert forged.value.code == "GS026"
    for function, args in (("schedule", (target, data, 0)), ("execute", (target, data))):
        with pytest.raises(E.AccessManagerUnauthorizedCall):
            outsider.execute(Call(g.manager, manager_call(w, function, *args)))
    with pytest.raises(E.ParticipantUnknown):
        outsider.execute(Call(target, data))
    p, _ = g.submit(sign_all(g, g.propose([(target, data)]), OFFICERS[:2]))
    with pytest.raises(E.AccessManagerUnauthorizedCancel) as cancel:
        outsider.execute(Call(g.manager, manager_call(w, "cancel", w.contracts.address["CouncilSafe"], target, data)))
    assert cancel.value.msgsender == outsider.address
    assert g.schedule_of(p.operations[0]) == p.ready_at


# ─────────────────────────────────────────── the governance changes only through itself


def test_the_councils_quorum_changes_only_through_the_manager_after_the_delay(world: World) -> None:
    w = world
    g = gov(w)
    council = w.contracts.address["CouncilSafe"]
    safe = w.contracts.codecs["CouncilSafe"]
    change = safe.encode_call("changeThreshold", 3)
    # Two officers cannot change their Safe at once: the guard lets it call nothing but the manager.
    with pytest.raises(E.GovernanceGuardForbiddenCall) as direct:
        exec_safe(w, "CouncilSafe", council, change, OFFICERS[:2])
    assert (direct.value.safe, direct.value.to, direct.value.safeOperation) == (council, council, 0)
    # Nor give up the council's roles at once.
    with pytest.raises(E.GovernanceGuardForbiddenFunction) as renounce:
        exec_safe(w, "CouncilSafe", g.manager, manager_call(w, "renounceRole", int(ManagerRole.ADMIN), council),
                  OFFICERS[:2])  # fmt: skip
    assert renounce.value.selector == w.contracts.codecs["AccessManager"].functions["renounceRole"].selector
    # Through the manager, with the delay: a fourth officer and a threshold of 3.
    newcomer = dev_account(45)
    add = safe.encode_call("execTransactionFromModule", council, 0,
                           safe.encode_call("addOwnerWithThreshold", newcomer.address, 3), 0)  # fmt: skip
    w.authority.execute(Call(council, add))
    state = g.safe("CouncilSafe")
    assert newcomer.address in state.owners and state.threshold == 3
    # Now two officers no longer schedule anything.
    p = sign_all(g, g.propose([price_band(w)]), OFFICERS[:2])
    with pytest.raises(GovernanceError, match="needs 3"):
        g.submit(p)
    with pytest.raises(SafeRevert) as short:
        exec_safe(w, "CouncilSafe", g.manager, manager_call(w, "schedule", *price_band(w), 0), OFFICERS[:2])
    assert short.value.code == "GS020"


def test_a_stage_overtaken_by_another_safe_transaction_is_renewed_and_signed_again(world: World) -> None:
    w = world
    g = gov(w)
    first = sign_all(g, g.propose([price_band(w)]), OFFICERS[:1])
    other = sign_all(g, g.propose([admit_exchange(w)]), OFFICERS[:2])
    g.submit(other)  # takes the nonce both were made at
    with pytest.raises(GovernanceError, match="sign it again"):
        g.submit(first)
    renewed = g.sign(first, OFFICERS[1])
    assert renewed.stage.nonce == first.stage.nonce + 1 and list(renewed.stage.signatures) == [OFFICERS[1].address]
    renewed = g.sign(renewed, OFFICERS[0])
    scheduled, _ = g.submit(renewed)
    assert scheduled.state == "scheduled"
    assert safe_tx_hash(scheduled.stages[0].safe_tx(), w.authority.chain_id) == bytes(
        w.authority.view("CouncilSafe", "getTransactionHash", *_hash_args(scheduled.stages[0].safe_tx())))


def test_a_stage_sent_from_another_copy_of_the_proposal_is_caught_up_not_renewed_and_sent_again(
    world: World,
) -> None:
    """Officers pass a proposal around as files and through the gateway: a copy that did not see its stage sent
    (by another officer's CLI, by the gateway) must follow what the chain did. Renewing it instead would have the
    officers sign the same change again at the next nonce, and an emergency action would be taken twice."""
    w = world
    g = gov(w)
    p = sign_all(g, g.propose([price_band(w)], "band"), OFFICERS[:2])
    stale = p
    p, _ = g.submit(p)  # sent from one copy
    caught = g.renew(stale)
    assert caught.state == "scheduled" and caught.ready_at == p.ready_at
    assert caught.stages[0].tx_hash == p.stages[0].tx_hash and caught.stages[0].block == p.stages[0].block
    assert caught.stage.kind == "execute" and caught.stage.nonce == p.stage.nonce and not caught.stage.signatures
    # Signing the stale copy signs the execution, not the schedule again.
    signed = g.sign(stale, OFFICERS[0])
    assert signed.stage.kind == "execute" and list(signed.stage.signatures) == [OFFICERS[0].address]

    # Both stages sent from the other copy, the execution after other Safe transactions took some nonces: the
    # stale copy still finds it and is executed, and has nothing left to sign.
    g.wait_until(p.ready_at, dev_clock=True)
    g.submit(sign_all(g, g.propose([admit_exchange(w)]), OFFICERS[:2]))  # takes the execution's nonce
    p = sign_all(g, p, OFFICERS[:2])
    p, executed = g.submit(p)
    assert p.state == "executed"
    caught = g.renew(stale)
    assert caught.state == "executed" and caught.stage.tx_hash == executed.tx_hash
    with pytest.raises(GovernanceError, match="nothing left to sign"):
        g.sign(stale, OFFICERS[0])

    # An emergency action sent from one copy is not taken again from another.
    target = call_data(w, "ParticipantRegistry", "suspend", w.merchant.address, h("emergency"))
    e = sign_all(g, g.propose([target]), OFFICERS[:1])
    copy = e
    e, _ = g.submit(e)
    assert e.state == "executed" and g.renew(copy).state == "executed"


def _hash_args(tx: SafeTx) -> tuple[Any, ...]:
    return (tx.to, tx.value, tx.data, int(tx.operation), tx.safe_tx_gas, tx.base_gas, tx.gas_price, tx.gas_token,
            tx.refund_receiver, tx.nonce)  # fmt: skip


def test_a_proposal_round_trips_through_its_file(world: World, tmp_path: Any) -> None:
    w = world
    g = gov(w)
    p = sign_all(g, g.propose([admit_exchange(w), price_band(w)], "two changes"), OFFICERS[:1])
    path = tmp_path / "proposal.json"
    p.save(path)
    loaded = Proposal.load(path)
    assert loaded == p
    assert [a.function for a in loaded.actions] == ["admit", "setPriceBand"]
    assert loaded.actions[0].args["account"] == NEWCOMER.address
