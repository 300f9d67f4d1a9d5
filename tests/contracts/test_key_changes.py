"""Key changes (issue 12, section 2): a participant hands its records to a new key, planned (both keys sign, at once)
or recovered by the council (after its delay, the emergency officers suspending the old key meanwhile). The ledger
records participants by identity, the account each was admitted with: after the change the new key exercises every
right, licence, balance, allowance, revenue share, objection, role and declaration, and the old key is refused
everywhere, the node's permissioning included."""

from __future__ import annotations

import pytest
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount

import ledger.contracts.errors as E
from ledger.client import LedgerClient, dev_account
from ledger.client.ledger import key_change_typed_data
from ledger.contracts.types import ParticipantStatus, Right, Role, Trade
from tests.contracts.conftest import CITY, RESERVE, World, h, unique_hash

ZERO = "0x0000000000000000000000000000000000000000"


def _rotate(w: World, client: LedgerClient, index: int) -> LedgerClient:
    """``client``'s participant changes to dev account ``index``; the client of the new key."""
    new = dev_account(index)
    result = client.rotate_key(new)
    identity = client.identity_of(new.address)
    assert result.event("ParticipantKeyChanged") == {
        "identity": identity, "oldKey": client.address, "newKey": new.address,
        "id": client.get_participant(identity)["id"], "reasonHash": b"\0" * 32, "by": client.address,
    }  # fmt: skip
    return w.authority.as_(new)


def _trade(w: World, asset: int, seller: LedgerClient, buyer: LedgerClient, price: int, **kw: object) -> Trade:
    return Trade(unique_hash("trade"), asset, seller.address, buyer.address, price, terms=w.terms(), **kw)  # type: ignore[arg-type]


def test_a_planned_key_change_hands_every_record_of_the_holder_to_the_new_key(world: World) -> None:
    """The holder holds an asset, has licensed it, holds a licence of another asset, tokens, an allowance to the
    exchange and revenue shares; it moves to a new key. Every one of those is the new key's; the old key can use
    none of them, and names the same organisation in every record."""
    w = world
    old = w.holder
    identity = old.address
    asset = w.registered_asset()
    licence = old.grant_license(asset, w.holder2.address, w.terms())
    held = w.holder2.grant_license(w.registered_asset(w.holder2), old.address, w.terms(transferable=True))
    w.fund(old, 50_000)
    record = old.get_participant(identity)

    new = _rotate(w, old, 30)

    # The organisation is the same: its id, roles, declarations and status, now under the new key.
    assert new.get_participant(new.address) == {**record, "rekeyed": True, "updatedAt": w.chain_time()}
    assert new.identity_of(new.address) == new.identity_of(identity) == identity
    assert new.view("ParticipantRegistry", "accountOf", record["id"]) == new.address
    assert new.key_of(identity) == new.address
    # Its records stay under its identity and are the new key's to use.
    assert new.balance_of(new.address) == new.balance_of(identity) == 50_000
    assert new.allowance(new.address, w.exchange.address) == 50_000
    second = new.grant_license(asset, w.merchant.address, w.terms(purpose=1201))
    assert new.get_license(second)["licensee"] == w.merchant.address
    assert new.revoke_license(licence, h("licensee breached the terms")).event("LicenseRevoked")["by"] == identity
    assert new.transfer_license(held, w.merchant.address).event("LicenseTransferred")["from"] == identity
    new.transfer(w.merchant.address, 1_000)
    assert new.balance_of(identity) == 49_000
    new.set_revenue_shares(asset, Right.PROCESSING, [(w.provider.address, 500)])
    assert new.view("TradeSettlement", "revenueShares", asset, Right.PROCESSING) == [
        {"recipient": w.provider.address, "bps": 500}
    ]

    # The old key is refused everywhere, for the records it used to hold too.
    with pytest.raises(E.ParticipantKeyReplaced) as replaced:
        old.grant_license(asset, w.merchant.address, w.terms(purpose=1301))
    assert (replaced.value.account, replaced.value.identity) == (identity, identity)
    with pytest.raises(E.TokenParticipantNotActive):
        old.transfer(w.merchant.address, 1)
    with pytest.raises(E.TokenParticipantNotActive):
        old.approve(w.merchant.address, 1)
    with pytest.raises(E.ParticipantKeyReplaced):
        old.file_declaration(h("declaration"))
    with pytest.raises(E.ParticipantKeyReplaced):
        old.apply_registration(w.registration())
    with pytest.raises(E.ParticipantKeyReplaced):
        old.rotate_key(dev_account(31))
    with pytest.raises(E.ParticipantKeyReplaced):
        old.lodge_objection(asset, h("evidence"))
    assert not old.transaction_allowed(identity, w.contracts.address["AssetRegistry"])
    assert new.transaction_allowed(new.address, w.contracts.address["AssetRegistry"])
    # Nobody can take the old key (or the new one) as a key of its own, nor be admitted under it.
    with pytest.raises(E.ParticipantKeyTaken):
        w.merchant.rotate_key(dev_account(30))
    with pytest.raises(E.ParticipantAlreadyAdmitted):
        w.authority.admit(dev_account(30).address, Role.DATA_HOLDER, CITY, "Squatter Co.", "91450100MA5KA00032")


def test_trades_settle_under_identities_whatever_keys_sign_and_a_trade_id_never_settles_twice(world: World) -> None:
    """The seller, the buyer and the exchange each change key. Consents the seller's old key signed lapse; the new
    key's settle, paying the same organisations. An exchange that changed key cannot settle again a trade id it
    settled before (the buyer would pay twice)."""
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 100_000)
    first = _trade(w, asset, w.holder, w.holder2, 10_000)
    w.settle(first)

    seller = _rotate(w, w.holder, 31)
    buyer = _rotate(w, w.holder2, 32)
    exchange = _rotate(w, w.exchange, 33)
    # The exchange's new key settles the same trade id again: refused, the trade is the organisation's.
    replay = Trade(first.trade_id, asset, seller.address, buyer.address, 10_000, terms=w.terms())
    with pytest.raises(E.SettlementTradeAlreadySettled):
        exchange.settle(replay, 0, w.consent(replay, signer=seller, exchange=exchange))
    assert exchange.is_settled(exchange.address, first.trade_id)
    assert exchange.is_settled(w.exchange.address, first.trade_id)
    # A consent the seller's old key signs is refused: the old key no longer signs for it.
    second = _trade(w, asset, w.holder, buyer, 10_000)
    with pytest.raises(E.ParticipantKeyReplaced):
        exchange.settle(second, 0, w.consent(second, signer=w.holder, exchange=exchange))
    # The new keys trade: the organisations (identities) are paid and recorded.
    third = _trade(w, asset, seller, buyer, 20_000)
    result = exchange.settle(third, 0, w.consent(third, signer=seller, exchange=exchange))
    settled = result.event("TradeSettled")
    assert (settled["seller"], settled["buyer"], settled["exchange"]) == (
        w.holder.address, w.holder2.address, w.exchange.address
    )
    licence = settled["licenseId"]
    assert exchange.get_license(licence)["licensee"] == w.holder2.address
    assert exchange.balance_of(seller.address) == 30_000
    assert exchange.balance_of(buyer.address) == 70_000
    # The allowance the buyer's old key gave the exchange's old key is the organisations': it paid both trades.
    assert exchange.allowance(buyer.address, exchange.address) == 70_000


def test_the_council_recovers_a_compromised_key_after_the_emergency_officers_suspend_it(world: World) -> None:
    """The merchant's key is stolen. The emergency officers suspend it at once; the council replaces the key (after
    its delay) and reinstates the merchant. The thief's key is refused everywhere, the new key holds everything: the
    revenue share held for the merchant while it was suspended, its pending objection and its declaration."""
    w = world
    thief = w.merchant
    identity = thief.address
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(identity, 1_000)])
    pending = thief.lodge_objection(asset, h("evidence"))
    suspended = w.authority.suspend(identity, h("emergency: key stolen"))
    assert w.authority.last_proposal is not None and w.authority.last_proposal.route == "emergency"
    assert suspended.event("ParticipantStatusChanged")["status"] == ParticipantStatus.SUSPENDED
    w.fund(w.holder2, 10_000)
    w.settle(_trade(w, asset, w.holder, w.holder2, 10_000))
    assert w.holder.view("TradeSettlement", "heldShares", identity) == 1_000

    new_key = dev_account(34)
    result = w.authority.replace_key(identity, new_key.address, h("council decision: key recovery"))
    assert w.authority.last_proposal is not None and w.authority.last_proposal.route == "council"
    assert result.event("ParticipantKeyChanged") == {
        "identity": identity, "oldKey": identity, "newKey": new_key.address,
        "id": w.holder.get_participant(identity)["id"], "reasonHash": h("council decision: key recovery"),
        "by": w.contracts.address["AccessManager"],
    }  # fmt: skip
    w.authority.reinstate(new_key.address, h("review: key replaced"))
    merchant = w.authority.as_(new_key)
    assert merchant.get_participant(new_key.address)["status"] == ParticipantStatus.ACTIVE
    with pytest.raises(E.ParticipantKeyReplaced):
        thief.claim_held_shares()
    assert merchant.claim_held_shares().event("HeldSharesClaimed") == {"recipient": identity, "amount": 1_000}
    assert merchant.balance_of(identity) == 1_000
    # The pending objection is the organisation's: another by the new key on that asset is the same objector's.
    with pytest.raises(E.ControlsObjectionAlreadyPending):
        merchant.lodge_objection(asset, h("more evidence"))
    assert merchant.view("AssetControls", "pendingOf", new_key.address, asset) == (1, pending)
    # Its declaration stands: the merchant (an intermediary) still trades.
    merchant.grant_license(w.registered_asset(merchant), w.holder2.address, w.terms())
    with pytest.raises(E.TokenParticipantNotActive):
        thief.transfer(w.holder.address, 1)
    assert not thief.transaction_allowed(identity, w.contracts.address["TradeSettlement"])


def test_a_second_change_retires_the_intermediate_key_too(world: World) -> None:
    w = world
    first = _rotate(w, w.provider, 35)
    second = _rotate(w, first, 36)
    for retired in (w.provider, first):
        with pytest.raises(E.ParticipantKeyReplaced) as replaced:
            retired.file_declaration(h("declaration"))
        assert replaced.value.identity == w.provider.address
        assert not retired.transaction_allowed(retired.address, w.contracts.address["AssetRegistry"])
    second.file_declaration(h("declaration"))
    assert second.get_participant(first.address)["declarations"] == 2  # the provider's first, and this one
    assert second.identity_of(first.address) == w.provider.address
    # A retired key cannot come back, neither by the organisation nor by the council.
    with pytest.raises(E.ParticipantKeyTaken):
        second.rotate_key(dev_account(35))
    with pytest.raises(E.ParticipantKeyTaken):
        w.authority.replace_key(w.provider.address, w.provider.address, h("decision"))


def test_key_changes_that_would_take_or_block_what_is_not_the_callers_are_refused(world: World) -> None:
    w = world
    new = dev_account(37)
    identity = w.holder.address
    # The new key did not consent (another key signed, or nothing usable).
    impostor = dev_account(38)
    with pytest.raises(E.ParticipantBadKeySignature) as bad:
        w.holder._tx("ParticipantRegistry", "rotateKey", new.address, _signature(w, w.holder, impostor, new.address))
    assert bad.value.newKey == new.address
    # Another participant's key, even with its consent, or the authority's: refused.
    with pytest.raises(E.ParticipantKeyTaken):
        w.holder.rotate_key(w.holder2.account)
    with pytest.raises(E.ParticipantKeyTaken):
        w.authority.replace_key(identity, w.contracts.address["AccessManager"], h("decision"))
    # Only the authority recovers a key, and not its own; a revoked participant's stays revoked.
    with pytest.raises(E.ParticipantUnauthorized):
        w.registrar.replace_key(identity, new.address, h("decision"))
    with pytest.raises(E.ParticipantAuthorityReserved):
        w.authority.replace_key(w.contracts.address["AccessManager"], new.address, h("decision"))
    with pytest.raises(E.ParticipantZeroHash):
        w.authority.replace_key(identity, new.address, b"\0" * 32)
    w.authority.revoke(w.holder2.address, h("revoked"))
    with pytest.raises(E.ParticipantInvalidStatus):
        w.authority.replace_key(w.holder2.address, new.address, h("decision"))
    # A suspended participant cannot change its key itself (the council can).
    with pytest.raises(E.ParticipantNotActive):
        w.suspended.rotate_key(new)
    # An officer of the governance's Safes may not become an exchange's or a bank's key.
    officer = dev_account(40)
    with pytest.raises(E.ParticipantOfficerConflict):
        w.authority.replace_key(w.exchange.address, officer.address, h("decision"))
    assert w.holder.get_participant(identity)["rekeyed"] is False
    assert w.holder.key_of(identity) == identity


def _signature(w: World, client: LedgerClient, signer: LocalAccount, new_key: str) -> bytes:
    """``signer``'s signature of ``client``'s change to ``new_key`` (a consent the new key did not give, when
    ``signer`` is not it)."""
    message = encode_typed_data(full_message=key_change_typed_data(
        client.address, client.address, new_key, client.chain_id, w.contracts.address["ParticipantRegistry"]
    ))  # fmt: skip
    return bytes(signer.sign_message(message).signature)


def test_tokens_issued_to_a_new_key_reach_its_organisation(world: World) -> None:
    w = world
    buyer = _rotate(w, w.holder2, 39)
    w.bank.issue(buyer.address, 5_000, RESERVE)
    assert buyer.balance_of(w.holder2.address) == 5_000
    with pytest.raises(E.TokenParticipantNotActive):
        w.bank.issue(w.holder2.address, 1, RESERVE)


def test_a_thief_racing_the_recovery_keeps_only_what_it_moved_before_the_recovery_landed(world: World) -> None:
    """The merchant's key is stolen and the officers go straight to the council's recovery, without the emergency
    suspension. During the council's delay the thief moves tokens and hands the participant to a second key of its
    own, hoping to outrun the recovery. The recovery still lands on the organisation: it was scheduled naming the
    stolen key, it replaces whatever key signs then, and it retires the thief's second key too. After it, neither
    of the thief's keys can act; the new key holds the rest, and the transfers the thief made stand (what the
    suspension is for)."""
    w = world
    thief = w.merchant
    identity = thief.address
    w.fund(thief, 10_000, approve=False)
    council, g = w.authority, w.authority.governance
    new_key, second = dev_account(47), dev_account(48)
    recovery = council.prepare("ParticipantRegistry", "replaceKey", identity, new_key.address, h("key stolen"))
    proposal = g.propose([(str(recovery.to), recovery.data)], "key recovery")
    for officer in [council.officers[o] for o in g.safe(proposal.stage.safe).owners if o in council.officers][:2]:
        proposal = g.sign(proposal, officer)
    proposal, _ = g.submit(proposal)
    assert proposal.state == "scheduled" and proposal.ready_at is not None

    # The thief, during the delay: moves tokens, then changes the key to one of its own and moves more.
    thief.transfer(w.holder.address, 4_000)
    thief.rotate_key(second)
    thief2 = w.authority.as_(second)
    thief2.transfer(w.holder.address, 1_000)
    with pytest.raises(E.ParticipantKeyReplaced):  # the stolen key itself is retired by the thief's own rotation
        thief.file_declaration(h("declaration"))

    g.wait_until(proposal.ready_at, dev_clock=True)
    for officer in [council.officers[o] for o in g.safe(proposal.stage.safe).owners if o in council.officers][:2]:
        proposal = g.sign(proposal, officer)
    proposal, executed = g.submit(proposal)
    assert proposal.state == "executed"
    changed = executed.event("ParticipantKeyChanged")
    assert (changed["identity"], changed["oldKey"], changed["newKey"]) == (identity, second.address, new_key.address)

    merchant = w.authority.as_(new_key)
    assert merchant.key_of(identity) == new_key.address
    assert merchant.identity_of(second.address) == identity
    for stolen in (thief, thief2):
        with pytest.raises(E.TokenParticipantNotActive):
            stolen.transfer(w.holder.address, 1)
        with pytest.raises(E.ParticipantKeyReplaced):
            stolen.rotate_key(dev_account(49))
        assert not stolen.transaction_allowed(stolen.address, w.contracts.address["SettlementToken"])
    assert merchant.balance_of(identity) == 5_000
    merchant.transfer(w.holder.address, 5_000)
    assert merchant.balance_of(identity) == 0


def test_a_participant_whose_key_is_an_officers_is_never_made_an_exchange_or_a_bank(world: World) -> None:
    """A data holder may sign with a key that is also an officer's of the governance's Safes (nothing forbids it
    its roles). The council may then not make it an exchange or a bank: the check asks the key it signs with now,
    not only its identity, or an officer could settle trades or issue money by way of a key change."""
    w = world
    officer = dev_account(40)
    assert w.holder2.rotate_key(officer).event("ParticipantKeyChanged")["newKey"] == officer.address
    for role in (Role.EXCHANGE, Role.SETTLEMENT_BANK):
        with pytest.raises(E.ParticipantOfficerConflict) as refused:
            w.authority.set_roles(w.holder2.address, role)
        assert refused.value.account == officer.address
    assert w.holder2.get_participant(officer.address)["roles"] == Role.DATA_HOLDER
