"""ParticipantRegistry: admission, roles, suspension, reinstatement, revocation, declarations, and
what a participant that is not active can no longer do."""

from __future__ import annotations

import pytest

import ledger.contracts.errors as E
from ledger.client import LedgerClient, dev_account
from ledger.contracts.credit_code import InvalidCreditCode, credit_code_hash
from ledger.contracts.deploy import AUTHORITY_CREDIT_CODE
from ledger.contracts.types import ParticipantStatus, Right, Role, Trade
from tests.contracts.conftest import CITY, REGION, RESERVE, World, h
from tests.credit_codes import code_for

ZERO = "0x0000000000000000000000000000000000000000"


def _is_active(w: World, account: str) -> bool:
    return bool(w.authority.view("ParticipantRegistry", "isActive", account))


# ─────────────────────────────────────────── admission and roles


def test_admit_records_roles_region_and_active_status(world: World) -> None:
    w = world
    newcomer = dev_account(20).address
    roles = Role.DATA_HOLDER | Role.DATA_MERCHANT
    result = w.authority.admit(newcomer, roles, CITY, "Beihai Fisheries Co.", code_for(newcomer))
    p = w.authority.get_participant(newcomer)
    assert p["roles"] == Role.DATA_HOLDER | Role.DATA_MERCHANT
    assert p["status"] == ParticipantStatus.ACTIVE
    assert p["region"] == CITY
    assert p["declarations"] == 0
    assert p["admittedAt"] == p["updatedAt"] == w.chain_time()
    assert result.event("ParticipantAdmitted") == {
        "account": newcomer,
        "roles": int(Role.DATA_HOLDER | Role.DATA_MERCHANT),
        "region": CITY,
        "name": "Beihai Fisheries Co.",
        "by": w.authority.address,
        "id": p["id"],
        "creditCodeHash": credit_code_hash(code_for(newcomer)),
    }
    assert _is_active(w, newcomer)


def test_each_organisation_gets_the_next_participant_id_and_its_credit_code_is_kept(world: World) -> None:
    """Ids count admissions from 1 (the authority, at deployment) and are never reused; each names its account and
    each credit code its id, and the registry counts the organisations it admitted."""
    w = world
    count = w.holder.view("ParticipantRegistry", "participantCount")
    assert count == 11  # the authority and the world's ten participants
    authority = w.contracts.address["AccessManager"]  # the governance holds the authority role
    assert w.holder.view("ParticipantRegistry", "accountOf", 1) == authority
    assert w.holder.get_participant(authority)["id"] == 1
    assert w.holder.view("ParticipantRegistry", "idOfCreditCode", credit_code_hash(AUTHORITY_CREDIT_CODE)) == 1
    assert w.holder.get_participant(w.holder.address)["id"] == w.holder.view(
        "ParticipantRegistry", "idOfCreditCode", credit_code_hash(code_for(w.holder.address))
    )
    first, second = dev_account(20).address, dev_account(21).address
    w.authority.admit(first, Role.DATA_HOLDER, CITY, "Qinzhou Port Co.", code_for(first))
    w.authority.admit(second, Role.DATA_MERCHANT, CITY, "Fangchenggang Data Co.", "91450100MA5KA00032")
    ids = [w.holder.get_participant(a)["id"] for a in (first, second)]
    assert ids == [count + 1, count + 2]
    assert [w.holder.view("ParticipantRegistry", "accountOf", i) for i in ids] == [first, second]
    assert w.holder.view("ParticipantRegistry", "idOfCreditCode", credit_code_hash("91450100ma5ka00032")) == ids[1]
    assert w.holder.view("ParticipantRegistry", "participantCount") == count + 2
    assert w.holder.view("ParticipantRegistry", "accountOf", count + 3) == ZERO
    assert w.holder.view("ParticipantRegistry", "idOfCreditCode", credit_code_hash("91450100MA5KD0009U")) == 0


def test_an_organisation_cannot_be_admitted_a_second_time_under_another_key(world: World) -> None:
    """The attack: an organisation already on the ledger (the holder) gets a second account admitted under its own
    credit code, a second identity beside the first (to trade with itself, or to go on acting while its first
    account is suspended). The registry refuses it, naming the organisation's id, and admits nothing; so it does for
    the suspended participant's code and a zero hash."""
    w = world
    newcomer = dev_account(20).address
    holder = w.holder.get_participant(w.holder.address)
    count = w.holder.view("ParticipantRegistry", "participantCount")
    for organisation in (w.holder.address, w.suspended.address):
        code = credit_code_hash(code_for(organisation))
        with pytest.raises(E.ParticipantCreditCodeTaken) as taken:
            w.authority.admit(newcomer, Role.DATA_HOLDER, CITY, "Nanning Transport Bureau (2)", code_for(organisation))
        assert (taken.value.creditCodeHash, taken.value.id) == (
            code, w.holder.get_participant(organisation)["id"]
        )  # fmt: skip
    no_code = w.authority.prepare(
        "ParticipantRegistry", "admit", newcomer, int(Role.DATA_HOLDER), CITY, "No Code Co.", b"\x00" * 32
    )
    with pytest.raises(E.ParticipantZeroHash):
        w.authority.execute(no_code)
    assert w.holder.get_participant(newcomer)["status"] == ParticipantStatus.NONE
    assert w.holder.view("ParticipantRegistry", "participantCount") == count
    assert w.holder.get_participant(w.holder.address) == holder


def test_a_malformed_credit_code_is_refused_before_anything_is_sent(world: World) -> None:
    """The client checks the code's 18 characters and its check character: a typing error is named, not admitted
    as another organisation."""
    w = world
    newcomer = dev_account(20).address
    count = w.holder.view("ParticipantRegistry", "participantCount")
    for code, says in [
        ("91450100MA5KA00033", "its check character is '3', the first 17 characters give '2'"),
        ("91450100MA5KA0003", "it has 17 characters, not 18"),
        ("91450100MA5KI00032", "'I' cannot appear"),
    ]:
        with pytest.raises(InvalidCreditCode, match=says):
            w.authority.admit(newcomer, Role.DATA_HOLDER, CITY, "Typo Co.", code)
    assert w.holder.view("ParticipantRegistry", "participantCount") == count
    assert w.holder.get_participant(newcomer)["status"] == ParticipantStatus.NONE


def test_admit_is_for_the_authority_only(world: World) -> None:
    w = world
    newcomer = dev_account(20).address
    with pytest.raises(E.ParticipantUnauthorized) as exc:
        w.registrar.admit(newcomer, Role.DATA_HOLDER, CITY, "Sneaky Co.", code_for(newcomer))
    assert exc.value.account == w.registrar.address
    assert exc.value.neededRoles == Role.AUTHORITY
    with pytest.raises(E.ParticipantUnknown) as unknown:
        w.outsider.admit(newcomer, Role.DATA_HOLDER, CITY, "Sneaky Co.", code_for(newcomer))
    assert unknown.value.account == w.outsider.address
    assert w.authority.get_participant(newcomer)["status"] == ParticipantStatus.NONE


def test_admit_refuses_an_account_admitted_before(world: World) -> None:
    w = world
    before = w.authority.get_participant(w.holder.address)
    with pytest.raises(E.ParticipantAlreadyAdmitted) as exc:
        w.authority.admit(w.holder.address, Role.SUPERVISOR, REGION, "Second Admission", code_for(w.holder.address))
    assert exc.value.account == w.holder.address
    # A suspended account cannot be admitted afresh either.
    with pytest.raises(E.ParticipantAlreadyAdmitted):
        w.authority.admit(w.suspended.address, Role.DATA_HOLDER, CITY, "Fresh Start Co.", code_for(w.suspended.address))
    assert w.authority.get_participant(w.holder.address) == before


def test_set_roles_replaces_the_role_set(world: World) -> None:
    w = world
    result = w.authority.set_roles(w.holder2.address, Role.DATA_HOLDER | Role.SUPERVISOR)
    assert result.event("ParticipantRolesChanged") == {
        "account": w.holder2.address,
        "roles": int(Role.DATA_HOLDER | Role.SUPERVISOR),
        "by": w.authority.address,
    }
    assert w.authority.get_participant(w.holder2.address)["roles"] == Role.DATA_HOLDER | Role.SUPERVISOR
    # The new role works at once, and a dropped role is gone at once.
    w.holder2.record_credit_event(w.holder.address, 1, 5, h("credit"))
    w.authority.set_roles(w.holder2.address, Role.SUPERVISOR)
    with pytest.raises(E.ParticipantUnauthorized) as exc:
        w.holder2.apply_registration(w.registration())
    assert exc.value.account == w.holder2.address


def test_set_roles_needs_a_known_account_and_the_authority(world: World) -> None:
    w = world
    with pytest.raises(E.ParticipantUnknown) as exc:
        w.authority.set_roles(w.outsider.address, Role.DATA_HOLDER)
    assert exc.value.account == w.outsider.address
    with pytest.raises(E.ParticipantUnauthorized):
        w.supervisor.set_roles(w.holder.address, Role.SUPERVISOR)
    assert w.authority.get_participant(w.holder.address)["roles"] == Role.DATA_HOLDER


def test_authority_cannot_strip_its_own_authority_role(world: World) -> None:
    w = world
    with pytest.raises(E.ParticipantSelfAction) as exc:
        w.authority.set_roles(w.authority.address, Role.SUPERVISOR)
    assert exc.value.account == w.authority.address
    assert w.authority.get_participant(w.authority.address)["roles"] == Role.AUTHORITY
    # Adding roles to itself while keeping authority is fine.
    w.authority.set_roles(w.authority.address, Role.AUTHORITY | Role.SUPERVISOR)
    assert w.authority.get_participant(w.authority.address)["roles"] == Role.AUTHORITY | Role.SUPERVISOR


# ─────────────────────────────────────────── suspension, reinstatement, revocation


def test_suspend_then_reinstate_round_trip(world: World) -> None:
    w = world
    suspended = w.authority.suspend(w.holder2.address, h("inspection finding"))
    assert suspended.event("ParticipantStatusChanged") == {
        "account": w.holder2.address,
        "status": ParticipantStatus.SUSPENDED,
        "reasonHash": h("inspection finding"),
        "by": w.authority.address,
    }
    assert w.authority.get_participant(w.holder2.address)["status"] == ParticipantStatus.SUSPENDED
    assert not _is_active(w, w.holder2.address)
    reinstated = w.authority.reinstate(w.holder2.address, h("rectified"))
    assert reinstated.event("ParticipantStatusChanged")["status"] == ParticipantStatus.ACTIVE
    assert _is_active(w, w.holder2.address)
    # Active again: it can act.
    w.holder2.apply_registration(w.registration())


def test_suspend_needs_an_active_participant_and_reinstate_a_suspended_one(world: World) -> None:
    w = world
    with pytest.raises(E.ParticipantInvalidStatus) as exc:
        w.authority.suspend(w.suspended.address, h("again"))
    assert (exc.value.account, exc.value.status) == (w.suspended.address, ParticipantStatus.SUSPENDED)
    with pytest.raises(E.ParticipantInvalidStatus) as exc2:
        w.authority.reinstate(w.holder.address, h("not suspended"))
    assert (exc2.value.account, exc2.value.status) == (w.holder.address, ParticipantStatus.ACTIVE)
    with pytest.raises(E.ParticipantUnknown):
        w.authority.suspend(w.outsider.address, h("never admitted"))
    assert w.authority.get_participant(w.holder.address)["status"] == ParticipantStatus.ACTIVE
    assert w.authority.get_participant(w.suspended.address)["status"] == ParticipantStatus.SUSPENDED


def test_revocation_is_final(world: World) -> None:
    w = world
    w.authority.revoke(w.holder2.address, h("licence withdrawn"))
    assert w.authority.get_participant(w.holder2.address)["status"] == ParticipantStatus.REVOKED
    with pytest.raises(E.ParticipantInvalidStatus) as exc:
        w.authority.reinstate(w.holder2.address, h("please"))
    assert exc.value.status == ParticipantStatus.REVOKED
    with pytest.raises(E.ParticipantInvalidStatus):
        w.authority.revoke(w.holder2.address, h("twice"))
    with pytest.raises(E.ParticipantInvalidStatus):
        w.authority.suspend(w.holder2.address, h("after revocation"))
    with pytest.raises(E.ParticipantNotActive) as acting:
        w.holder2.apply_registration(w.registration())
    assert acting.value.status == ParticipantStatus.REVOKED
    assert w.authority.get_participant(w.holder2.address)["status"] == ParticipantStatus.REVOKED


def test_a_suspended_participant_can_be_revoked(world: World) -> None:
    w = world
    w.authority.revoke(w.suspended.address, h("no rectification"))
    assert w.authority.get_participant(w.suspended.address)["status"] == ParticipantStatus.REVOKED


def test_status_changes_are_for_the_authority_only_and_never_on_itself(world: World) -> None:
    w = world
    with pytest.raises(E.ParticipantUnauthorized):
        w.supervisor.suspend(w.holder.address, h("supervisor overreach"))
    for change in (w.authority.suspend, w.authority.revoke):
        with pytest.raises(E.ParticipantSelfAction) as exc:
            change(w.authority.address, h("self"))
        assert exc.value.account == w.authority.address
    assert w.authority.get_participant(w.authority.address)["status"] == ParticipantStatus.ACTIVE
    assert w.authority.get_participant(w.holder.address)["status"] == ParticipantStatus.ACTIVE


def test_nobody_else_is_admitted_as_authority_or_given_the_role(world: World) -> None:
    """The authority is the governance (its access manager) alone: a second authority would act alone and at once,
    around the council's quorum and delay."""
    w = world
    newcomer = dev_account(20).address
    for roles in (Role.AUTHORITY, Role.AUTHORITY | Role.SUPERVISOR):
        with pytest.raises(E.ParticipantAuthorityReserved) as exc:
            w.authority.admit(newcomer, roles, REGION, "Deputy Director", code_for(newcomer))
        assert exc.value.account == newcomer
    assert w.authority.get_participant(newcomer)["status"] == ParticipantStatus.NONE
    with pytest.raises(E.ParticipantAuthorityReserved) as exc:
        w.authority.set_roles(w.supervisor.address, Role.SUPERVISOR | Role.AUTHORITY)
    assert exc.value.account == w.supervisor.address
    assert w.authority.get_participant(w.supervisor.address)["roles"] == Role.SUPERVISOR
    assert w.authority.get_participant(w.authority.address)["roles"] == Role.AUTHORITY


# ─────────────────────────────────────────── what a suspended participant can no longer do


def _asset_with_licence(w: World, owner: LedgerClient) -> tuple[int, int]:
    asset = w.registered_asset(owner=owner)
    licence = owner.grant_license(asset, w.merchant.address, w.terms(sublicensable=True, transferable=True))
    return asset, licence


def test_suspended_holder_can_no_longer_register_grant_transfer_or_change(world: World) -> None:
    w = world
    asset, _ = _asset_with_licence(w, w.holder2)
    w.authority.suspend(w.holder2.address, h("inspection"))
    before = w.holder.get_asset(asset)
    licences = w.holder.license_count()
    attempts = [
        lambda: w.holder2.apply_registration(w.registration()),
        lambda: w.holder2.grant_license(asset, w.holder.address, w.terms()),
        lambda: w.holder2.transfer_right(asset, Right.OPERATION, w.holder.address),
        lambda: w.holder2.change_registration(asset, h("new metadata"), "ipfs://new"),
        lambda: w.holder2.cancel_registration(asset, h("cancel")),
        lambda: w.holder2.file_declaration(h("declaration")),
        lambda: w.holder2.lodge_objection(asset, h("evidence")),
        lambda: w.holder2.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 100)]),
        lambda: w.holder2.invalidate_nonce(1),
    ]
    for attempt in attempts:
        with pytest.raises(E.ParticipantNotActive) as exc:
            attempt()
        assert (exc.value.account, exc.value.status) == (w.holder2.address, ParticipantStatus.SUSPENDED)
    assert w.holder.get_asset(asset) == before
    assert w.holder.license_count() == licences


def test_suspended_participant_cannot_receive_licences_rights_or_tokens(world: World) -> None:
    w = world
    asset = w.registered_asset()
    with pytest.raises(E.ParticipantNotActive) as exc:
        w.holder.grant_license(asset, w.suspended.address, w.terms())
    assert exc.value.account == w.suspended.address
    with pytest.raises(E.ParticipantNotActive):
        w.holder.transfer_right(asset, Right.PROCESSING, w.suspended.address)
    with pytest.raises(E.TokenParticipantNotActive) as token:
        w.bank.issue(w.suspended.address, 100, RESERVE)
    assert token.value.account == w.suspended.address
    w.bank.issue(w.holder.address, 100, RESERVE)
    with pytest.raises(E.TokenParticipantNotActive):
        w.holder.transfer(w.suspended.address, 100)
    assert w.holder.holder_of(asset, Right.PROCESSING) == w.holder.address
    assert w.holder.balance_of(w.suspended.address) == 0
    assert w.holder.balance_of(w.holder.address) == 100


def test_suspended_licensee_cannot_sublicense_transfer_or_trade(world: World) -> None:
    w = world
    asset, licence = _asset_with_licence(w, w.holder)
    w.fund(w.holder2, 10_000)
    w.authority.suspend(w.merchant.address, h("inspection"))
    with pytest.raises(E.ParticipantNotActive):
        w.merchant.sublicense(licence, w.holder2.address, w.terms())
    with pytest.raises(E.ParticipantNotActive):
        w.merchant.transfer_license(licence, w.holder2.address)
    trade = Trade(
        h("sub-sale"), asset, w.merchant.address, w.holder2.address, 1_000, parent_license_id=licence, terms=w.terms()
    )
    with pytest.raises(E.ParticipantNotActive) as exc:
        w.settle(trade)
    assert exc.value.account == w.merchant.address
    assert w.holder.children_of(licence) == []
    assert w.holder.get_license(licence)["licensee"] == w.merchant.address
    assert not w.holder.is_settled(w.exchange.address, h("sub-sale"))


def test_suspended_buyer_or_seller_cannot_settle_a_trade(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    w.authority.suspend(w.holder2.address, h("inspection"))
    trade = Trade(h("t-suspended-buyer"), asset, w.holder.address, w.holder2.address, 1_000, terms=w.terms())
    with pytest.raises(E.ParticipantNotActive) as exc:
        w.settle(trade)
    assert exc.value.account == w.holder2.address
    w.authority.reinstate(w.holder2.address, h("rectified"))
    w.authority.suspend(w.holder.address, h("inspection"))
    with pytest.raises(E.ParticipantNotActive) as exc2:
        w.settle(trade)
    assert exc2.value.account == w.holder.address
    assert not w.holder2.is_settled(w.exchange.address, h("t-suspended-buyer"))
    assert w.holder2.balance_of(w.holder2.address) == 10_000


def test_suspended_registrar_and_exchange_cannot_act(world: World) -> None:
    w = world
    asset = w.holder.apply_registration(w.registration())
    w.authority.suspend(w.registrar.address, h("registrar audit"))
    with pytest.raises(E.ParticipantNotActive) as exc:
        w.registrar.review_registration(asset, True, h("review"))
    assert exc.value.account == w.registrar.address
    w.authority.reinstate(w.registrar.address, h("audit closed"))
    w.registrar.review_registration(asset, True, h("review"))
    w.fund(w.holder2, 1_000)
    w.authority.suspend(w.exchange.address, h("exchange audit"))
    with pytest.raises(E.ParticipantNotActive) as exc2:
        w.settle(Trade(h("t-exchange"), asset, w.holder.address, w.holder2.address, 1_000, terms=w.terms()))
    assert exc2.value.account == w.exchange.address
    assert not w.holder.is_settled(w.exchange.address, h("t-exchange"))


def test_reinstated_participant_keeps_its_assets_and_can_trade_again(world: World) -> None:
    w = world
    w.authority.reinstate(w.suspended.address, h("rectified"))
    asset = w.registered_asset(owner=w.suspended)
    w.fund(w.holder2, 5_000)
    result = w.settle(
        Trade(h("t-back"), asset, w.suspended.address, w.holder2.address, 5_000, terms=w.terms())
    )
    assert result.event("TradeSettled")["sellerAmount"] == 5_000
    assert w.holder.balance_of(w.suspended.address) == 5_000


# ─────────────────────────────────────────── transactionAllowed (Besu account permissioning)


def test_transaction_allowed_only_for_active_participants_and_deploys_only_for_the_authority(world: World) -> None:
    w = world
    registry = w.contracts.address["AssetRegistry"]
    assert w.authority.transaction_allowed(w.holder.address, registry)
    assert w.authority.transaction_allowed(w.authority.address, ZERO)  # the authority deploys
    assert not w.authority.transaction_allowed(w.holder.address, ZERO)  # nobody else does
    assert not w.authority.transaction_allowed(w.suspended.address, registry)
    assert not w.authority.transaction_allowed(w.outsider.address, registry)
    w.authority.revoke(w.holder2.address, h("revoked"))
    assert not w.authority.transaction_allowed(w.holder2.address, registry)
    w.authority.suspend(w.holder.address, h("suspended"))
    assert not w.authority.transaction_allowed(w.holder.address, registry)
    w.authority.reinstate(w.holder.address, h("reinstated"))
    assert w.authority.transaction_allowed(w.holder.address, registry)


# ─────────────────────────────────────────── declarations (art. 26)


def test_file_declaration_counts_each_filing(world: World) -> None:
    w = world
    first = w.holder.file_declaration(h("declaration 1"))
    assert first.event("DeclarationFiled") == {
        "account": w.holder.address, "documentHash": h("declaration 1"), "count": 1,
    }  # fmt: skip
    second = w.holder.file_declaration(h("declaration 2"))
    assert second.event("DeclarationFiled")["count"] == 2
    assert w.holder.get_participant(w.holder.address)["declarations"] == 2


def test_file_declaration_needs_an_admitted_active_account(world: World) -> None:
    w = world
    with pytest.raises(E.ParticipantUnknown):
        w.outsider.file_declaration(h("declaration"))
    with pytest.raises(E.ParticipantNotActive):
        w.suspended.file_declaration(h("declaration"))
    assert w.holder.get_participant(w.suspended.address)["declarations"] == 1


def test_merchant_without_declaration_cannot_receive_a_licence_or_right_until_it_files_one(world: World) -> None:
    w = world
    merchant = w.admit(20, Role.DATA_MERCHANT, name="Undeclared Merchant Ltd.")
    asset = w.registered_asset()
    with pytest.raises(E.ParticipantDeclarationMissing) as exc:
        w.holder.grant_license(asset, merchant.address, w.terms())
    assert exc.value.account == merchant.address
    with pytest.raises(E.ParticipantDeclarationMissing):
        w.holder.transfer_right(asset, Right.OPERATION, merchant.address)
    w.fund(merchant, 1_000)
    with pytest.raises(E.ParticipantDeclarationMissing):
        w.settle(Trade(h("t-undeclared"), asset, w.holder.address, merchant.address, 1_000, terms=w.terms()))
    assert w.holder.license_count() == 0
    assert w.holder.holder_of(asset, Right.OPERATION) == w.holder.address
    merchant.file_declaration(h("merchant declaration"))
    licence = w.holder.grant_license(asset, merchant.address, w.terms())
    assert w.holder.get_license(licence)["licensee"] == merchant.address


def test_merchant_without_declaration_may_apply_but_not_grant(world: World) -> None:
    w = world
    merchant = w.admit(20, Role.DATA_MERCHANT, name="Undeclared Merchant Ltd.")
    asset = w.registered_asset(owner=merchant)
    with pytest.raises(E.ParticipantDeclarationMissing) as exc:
        merchant.grant_license(asset, w.holder.address, w.terms())
    assert exc.value.account == merchant.address
    assert merchant.license_count() == 0


def test_data_holder_needs_no_declaration(world: World) -> None:
    w = world
    assert w.holder.get_participant(w.holder2.address)["declarations"] == 0
    asset = w.registered_asset()
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms())
    assert w.holder.get_license(licence)["licensee"] == w.holder2.address


def test_views_in_one_batch_answer_as_each_view_alone_and_raise_the_typed_revert(world: World) -> None:
    w = world
    calls = [("ParticipantRegistry", "getParticipant", (w.holder.address,)),
             ("ParticipantRegistry", "isActive", (dev_account(20).address,)),
             ("ParticipantRegistry", "requireRole", (w.holder.address, int(Role.DATA_HOLDER)))]  # fmt: skip
    assert w.outsider.views(calls) == [w.outsider.view(c, f, *args) for c, f, args in calls]
    with pytest.raises(E.ParticipantUnauthorized) as exc:  # the second call reverts: its own error, not the batch's
        w.outsider.views([calls[0], ("ParticipantRegistry", "requireRole", (w.holder.address, int(Role.EXCHANGE)))])
    assert (exc.value.account, exc.value.neededRoles) == (w.holder.address, Role.EXCHANGE)
