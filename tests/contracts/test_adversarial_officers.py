"""Attacks by the governance's own officers on the money: no officer is ever a settlement bank or an exchange.

The council (2 of the dev officers 40-42) tries to admit one of its officers, or one of the guardian's (43-44), as a
settlement bank or an exchange, or to give such a role to an officer it admitted with another role, or to one of
the Safes themselves: the participant registry refuses (``ParticipantOfficerConflict``). The other way round, it
tries to make a bank or an exchange an officer (adding it to a Safe, or swapping it in): the Safes' guard refuses
(``GovernanceGuardOfficerConflict``), and it cannot first take that guard away. Each refusal changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

import ledger.contracts.errors as E
from ledger.client import dev_account
from ledger.client.sender import Call
from ledger.contracts.types import Role
from ledger.governance import ManagerRole
from ledger.governance.config import DEV_COUNCIL, DEV_GUARDIANS
from tests.contracts.conftest import CITY, REGION, RESERVE, World, h
from tests.credit_codes import code_for

COUNCIL_OFFICER = dev_account(DEV_COUNCIL[0])
GUARDIAN_OFFICER = dev_account(DEV_GUARDIANS[1])
_SENTINEL = "0x0000000000000000000000000000000000000001"  # Safe's owner list starts at this sentinel


def module_call(w: World, safe: str, function: str, *args: Any, operation: int = 0) -> Call:
    """The council's call of ``safe``'s ``execTransactionFromModule``: the manager has the Safe call itself."""
    codec = w.contracts.codecs[safe]
    address = w.contracts.address[safe]
    inner = codec.encode_call(function, *args)
    return Call(address, codec.encode_call("execTransactionFromModule", address, 0, inner, operation))


def owners(w: World, safe: str) -> list[str]:
    return list(w.authority.view(safe, "getOwners"))


@pytest.mark.parametrize("officer", [COUNCIL_OFFICER, GUARDIAN_OFFICER], ids=["council", "guardian"])
@pytest.mark.parametrize("role", [Role.SETTLEMENT_BANK, Role.EXCHANGE | Role.SUPERVISOR], ids=["bank", "exchange"])
def test_the_council_cannot_admit_an_officer_as_a_bank_or_an_exchange(world: World, officer: Any, role: Role) -> None:
    w = world
    with pytest.raises(E.ParticipantOfficerConflict) as refused:
        w.authority.admit(officer.address, role, REGION, "Officers' Own Bank", code_for(officer.address))
    safe = "GuardianSafe" if officer is GUARDIAN_OFFICER else "CouncilSafe"
    assert (refused.value.account, refused.value.safe) == (officer.address, w.contracts.address[safe])
    assert w.authority.get_participant(officer.address)["status"] == 0


def test_an_officer_admitted_with_another_role_is_never_made_a_bank_or_an_exchange(world: World) -> None:
    w = world
    w.authority.admit(
        COUNCIL_OFFICER.address, Role.DATA_HOLDER, CITY, "An officer's department", code_for(COUNCIL_OFFICER.address)
    )
    for role in (Role.SETTLEMENT_BANK, Role.DATA_HOLDER | Role.EXCHANGE):
        with pytest.raises(E.ParticipantOfficerConflict):
            w.authority.set_roles(COUNCIL_OFFICER.address, role)
    assert w.authority.get_participant(COUNCIL_OFFICER.address)["roles"] == Role.DATA_HOLDER
    # Any other role is the council's to give.
    w.authority.set_roles(COUNCIL_OFFICER.address, Role.DATA_HOLDER | Role.SUPERVISOR)
    assert w.authority.get_participant(COUNCIL_OFFICER.address)["roles"] == Role.DATA_HOLDER | Role.SUPERVISOR


@pytest.mark.parametrize("safe", ["CouncilSafe", "GuardianSafe", "EmergencySafe"])
def test_a_safe_of_the_governance_is_never_a_bank(world: World, safe: str) -> None:
    w = world
    with pytest.raises(E.ParticipantOfficerConflict) as refused:
        w.authority.admit(
            w.contracts.address[safe],
            Role.SETTLEMENT_BANK,
            REGION,
            "The Safe's Bank",
            code_for(w.contracts.address[safe]),
        )
    assert refused.value.safe == w.contracts.address[safe]


def test_a_bank_or_an_exchange_is_never_made_an_officer(world: World) -> None:
    w = world
    council, guardian = owners(w, "CouncilSafe"), owners(w, "GuardianSafe")
    for who in (w.bank, w.exchange):
        with pytest.raises(E.GovernanceGuardOfficerConflict) as added:
            w.authority.execute(module_call(w, "CouncilSafe", "addOwnerWithThreshold", who.address, 2))
        assert (added.value.safe, added.value.owner) == (w.contracts.address["CouncilSafe"], who.address)
        # Swapped in for a guardian officer: the same.
        with pytest.raises(E.GovernanceGuardOfficerConflict):
            w.authority.execute(module_call(w, "GuardianSafe", "swapOwner", _SENTINEL, guardian[0], who.address))
    assert (owners(w, "CouncilSafe"), owners(w, "GuardianSafe")) == (council, guardian)
    # A bank the council revoked for good may serve as an officer.
    w.authority.revoke(w.bank.address, h("licence withdrawn"))
    w.authority.execute(module_call(w, "CouncilSafe", "addOwnerWithThreshold", w.bank.address, 2))
    assert w.bank.address in owners(w, "CouncilSafe")


def test_the_council_cannot_take_the_guard_away_first(world: World) -> None:
    """Without the module guard (or the transaction guard, which keeps the Safe from calling itself), the council
    could add a bank as an officer: the guard refuses to be removed, and any delegatecall by the manager."""
    w = world
    zero = "0x0000000000000000000000000000000000000000"
    for function in ("setModuleGuard", "setGuard"):
        with pytest.raises(E.GovernanceGuardForbiddenFunction) as refused:
            w.authority.execute(module_call(w, "CouncilSafe", function, zero))
        assert refused.value.selector == w.contracts.codecs["CouncilSafe"].functions[function].selector
    with pytest.raises(E.GovernanceGuardForbiddenCall) as delegated:
        w.authority.execute(module_call(w, "CouncilSafe", "getOwners", operation=1))
    assert delegated.value.safeOperation == 1


def test_an_officer_never_issues_money(world: World) -> None:
    """The end the rules serve: an officer's key issues nothing, whatever the council decided."""
    w = world
    officer = w.authority.as_(COUNCIL_OFFICER)
    with pytest.raises(E.ParticipantUnknown):
        officer.issue(officer.address, 1, RESERVE)
    assert w.bank.balance_of(officer.address) == 0


@pytest.mark.parametrize("role", [ManagerRole.COUNCIL, ManagerRole.EMERGENCY, ManagerRole.ADMIN])
def test_no_account_but_the_governances_safes_is_granted_a_manager_role(world: World, role: ManagerRole) -> None:
    """An account granted a manager role would act as the authority beside the Safes, outside their guard: an
    exchange granted the emergency role would freeze and pause at will, one granted the council's would be an officer
    that is an exchange. The Safes' guard refuses the grant when the council schedules it, and when it executes."""
    w = world
    manager = w.contracts.codecs["AccessManager"]
    for who in (w.exchange.address, w.bank.address, COUNCIL_OFFICER.address):
        grant = Call(w.contracts.address["AccessManager"], manager.encode_call("grantRole", int(role), who, 0))
        with pytest.raises(E.GovernanceGuardRoleHolder) as refused:
            w.authority.execute(grant)
        assert (refused.value.safe, refused.value.account) == (w.contracts.address["CouncilSafe"], who)
        # Nor inside one of the manager's own multicalls.
        batch = manager.encode_call("multicall", [manager.encode_call("grantRole", int(role), who, 0)])
        with pytest.raises(E.GovernanceGuardRoleHolder):
            w.authority.execute(Call(w.contracts.address["AccessManager"], batch))
        assert w.authority.view("AccessManager", "hasRole", int(role), who)[0] is False
    # The Safes themselves may still be given roles (the council gives the emergency role to its own Safe).
    council = w.contracts.address["CouncilSafe"]
    w.authority.execute(Call(w.contracts.address["AccessManager"],
                             manager.encode_call("grantRole", int(ManagerRole.EMERGENCY), council, 0)))  # fmt: skip
    assert w.authority.view("AccessManager", "hasRole", int(ManagerRole.EMERGENCY), council)[0] is True
