"""Pausing the ledger's contracts (issue 12, section 4).

The emergency officers pause contracts at once; the council unpauses them after its delay. A paused contract refuses
every participant's call that would change it, before anything else, with ``LedgerPaused`` naming the paused
contracts among those the call changes; reads, the authority's own functions and withdrawals of consent keep
working. Every state-changing function of the ledger is classified below, stated independently of the contracts,
and the classification is checked against the ABIs, so a new function cannot slip through unclassified.
"""

from __future__ import annotations

import pytest

from ledger.client.sender import Call
from ledger.contracts.revert import ContractRevert
from ledger.contracts.types import ALL_PAUSABLE, Kind, Paused, Trade
from tests.contracts.conftest import RESERVE, World, h, unique_hash
from tests.contracts.test_permission_matrix import SYSTEM, _zero

P = Paused
TRADE = P.TRADE_SETTLEMENT | P.ASSET_REGISTRY | P.SETTLEMENT_TOKEN

#: Each participant's entry point and the contracts whose pause it checks first (those its call changes).
CHECKED: dict[str, Paused] = {
    "ParticipantRegistry.fileDeclaration": P.PARTICIPANT_REGISTRY,
    "ParticipantRegistry.rotateKey": P.PARTICIPANT_REGISTRY,
    "AssetRegistry.applyRegistration": P.ASSET_REGISTRY,
    "AssetRegistry.reviewRegistration": P.ASSET_REGISTRY,
    "AssetRegistry.changeRegistration": P.ASSET_REGISTRY,
    "AssetRegistry.cancelRegistration": P.ASSET_REGISTRY,
    "AssetRegistry.transferRight": P.ASSET_REGISTRY,
    "AssetRegistry.grantLicense": P.ASSET_REGISTRY,
    "AssetRegistry.sublicense": P.ASSET_REGISTRY,
    "AssetRegistry.revokeLicense": P.ASSET_REGISTRY,
    "AssetRegistry.transferLicense": P.ASSET_REGISTRY,
    "AssetControls.lodgeObjection": P.ASSET_CONTROLS | P.ASSET_REGISTRY,
    "AssetControls.acceptObjection": P.ASSET_CONTROLS | P.ASSET_REGISTRY,
    "AssetControls.resolveObjection": P.ASSET_CONTROLS | P.ASSET_REGISTRY,
    "AssetControls.attestAnonymisation": P.ASSET_CONTROLS | P.ASSET_REGISTRY,
    "SettlementToken.issue": P.SETTLEMENT_TOKEN,
    "SettlementToken.redeem": P.SETTLEMENT_TOKEN,
    "SettlementToken.transfer": P.SETTLEMENT_TOKEN,
    "SettlementToken.transferFrom": P.SETTLEMENT_TOKEN,
    "TradeSettlement.settle": TRADE,
    "TradeSettlement.settleBatch": TRADE,
    "TradeSettlement.settleDirect": TRADE,
    "TradeSettlement.claimHeldShares": P.TRADE_SETTLEMENT | P.SETTLEMENT_TOKEN,
    "TradeSettlement.setRevenueShares": P.TRADE_SETTLEMENT,
    "MandateRegistry.grantMandate": P.MANDATE_REGISTRY,
    "MandateRegistry.settle": P.MANDATE_REGISTRY | TRADE,
    "MandateRegistry.settleBatch": P.MANDATE_REGISTRY | TRADE,
    "Supervision.openOrder": P.SUPERVISION,
    "Supervision.closeOrder": P.SUPERVISION,
    "Supervision.recordCreditEvent": P.SUPERVISION,
    "Recognition.importCertificate": P.RECOGNITION | P.ASSET_REGISTRY,
    "Recognition.suspend": P.RECOGNITION | P.ASSET_REGISTRY,
    "Recognition.reinstate": P.RECOGNITION | P.ASSET_REGISTRY,
    "Valuation.fileValuation": P.VALUATION,
    "Valuation.withdrawValuation": P.VALUATION,
    "Valuation.rejectValuation": P.VALUATION,
    "Valuation.recogniseAsset": P.VALUATION,
    "Valuation.remeasure": P.VALUATION,
    "Valuation.carryOver": P.VALUATION,
    "Valuation.derecognise": P.VALUATION,
    "Disclosure.fileDisclosure": P.DISCLOSURE,
    "DataQuality.fileReport": P.DATA_QUALITY,
    "DataQuality.answer": P.DATA_QUALITY,
    "DataQuality.markOverdue": P.DATA_QUALITY,
    "DataQuality.resolveByFix": P.DATA_QUALITY,
    "DataQuality.rule": P.DATA_QUALITY,
    "DataQuality.withdrawReport": P.DATA_QUALITY,
    "Listings.list": P.LISTINGS,
    "Listings.settle": P.LISTINGS | TRADE,
    "OpeningList.linkAsset": P.OPENING_LIST,
    "OpeningList.markOpened": P.OPENING_LIST,
    "OpeningList.markListed": P.OPENING_LIST,
}

#: The authority's own functions: the governance keeps governing while contracts are paused.
AUTHORITY_ONLY = frozenset({
    "ParticipantRegistry.admit", "ParticipantRegistry.setRoles", "ParticipantRegistry.suspend",
    "ParticipantRegistry.reinstate", "ParticipantRegistry.revoke", "ParticipantRegistry.replaceKey",
    "AssetControls.freeze", "AssetControls.unfreeze", "AssetControls.pause", "AssetControls.unpause",
    "AssetControls.authorisePublicOperation", "AssetControls.withdrawPublicOperation",
    "SettlementToken.setIssuanceLimit", "TradeSettlement.releaseHeldShares", "TradeSettlement.setPriceBand",
    "Recognition.setAgreement", "Recognition.revokeAgreement", "Valuation.accreditAppraiser",
    "Valuation.revokeAppraiser", "Disclosure.setRequirement",
    "DataQuality.setResponseWindow", "OpeningList.publish", "OpeningList.withdrawEntry",
})  # fmt: skip

#: Hooks between the contracts: only a sibling contract calls them, from an entry point that checked the pause of
#: every contract its call changes.
HOOKS = frozenset({
    "AssetRegistry.deliverRight", "AssetRegistry.deliverLicense", "AssetRegistry.setControl",
    "AssetRegistry.setPaused", "AssetRegistry.registerRecognised", "AssetRegistry.setRecognitionSuspended",
    "AssetRegistry.syncRecognised", "AssetControls.usePublicOperation", "SettlementToken.settlementPay",
    "TradeSettlement.settleCheckedFor", "TradeSettlement.settleConsented",
})  # fmt: skip

#: Withdrawing consent is never paused: it only narrows what others may do in one's name. An allowance is the
#: holder's consent and moves nothing (as OpenZeppelin's ERC20Pausable leaves it).
CONSENT = frozenset({
    "MandateRegistry.revokeMandate", "TradeSettlement.invalidateNonce", "SettlementToken.approve",
    "Listings.withdraw", "Listings.delist",
})  # fmt: skip


def _state_changing(world: World) -> set[str]:
    return {
        f"{name}.{fn.name}"
        for name in SYSTEM
        for fn in world.contracts.codecs[name].functions.values()
        if fn.mutability not in ("view", "pure")
    }


def _pause_error(world: World, exc: ContractRevert) -> tuple[str, dict[str, object]] | None:
    return world.contracts.errors.decode(exc.data)


def test_every_state_changing_function_is_classified(world: World) -> None:
    groups = [set(CHECKED), set(AUTHORITY_ONLY), set(HOOKS), set(CONSENT)]
    classified = set().union(*groups)
    assert sum(map(len, groups)) == len(classified), "a function is in two classes"
    assert _state_changing(world) == classified


def test_a_paused_contract_refuses_every_participant_entry_point_first(world: World) -> None:
    """With every contract paused, each entry point refuses with exactly the contracts it changes, whatever its
    arguments (all zero here) and whoever calls (an active data holder): the pause is checked before anything."""
    world.authority.pause(ALL_PAUSABLE, h("incident 2027-001"))
    assert world.holder.paused_contracts() == ALL_PAUSABLE
    for key, expected in CHECKED.items():
        name, function = key.split(".")
        codec = world.contracts.codecs[name]
        fn = next(f for f in codec.functions.values() if f.name == function)
        data = codec.encode_call(function, *(_zero(t) for t in fn.input_types))
        with pytest.raises(ContractRevert) as info:
            world.holder.execute(Call(world.contracts.address[name], data, 3_000_000, operation=key))
        assert _pause_error(world, info.value) == ("LedgerPaused", {"contracts": int(expected)}), key


def test_reads_and_the_authority_work_while_paused(world: World) -> None:
    w = world
    asset = w.registered_asset()
    before = w.holder.get_asset(asset)
    w.authority.pause(ALL_PAUSABLE, h("incident"))
    assert w.holder.get_asset(asset) == before
    assert w.holder.balance_of(w.holder.address) >= 0
    # The emergency path still contains the incident, and the council still governs.
    w.authority.freeze(asset, h("freeze during the incident"))
    assert w.holder.get_asset(asset)["frozen"]
    w.authority.suspend(w.merchant.address, h("suspend during the incident"))
    w.authority.set_price_band(Kind.DATASET, 1, 10**12)
    assert w.holder.price_band(Kind.DATASET) == (1, 10**12)
    # Withdrawing consent is never paused.
    w.holder.invalidate_nonce(987_654)
    assert w.holder.nonce_used(w.holder.address, 987_654)


def test_pausing_the_registry_stops_trades_that_would_change_it(world: World) -> None:
    """A settlement changes the registry (a right or a licence) and the token (payments): pausing either stops it,
    though the settlement contract itself is not paused."""
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000)
    trade = Trade(unique_hash("trade"), asset, w.holder.address, w.holder2.address, 1_000, terms=w.terms())
    for paused in (P.ASSET_REGISTRY, P.SETTLEMENT_TOKEN):
        w.authority.pause(paused, h(f"pause {paused.name}"))
        with pytest.raises(ContractRevert) as info:
            w.settle(trade, gas=3_000_000)
        assert _pause_error(w, info.value) == ("LedgerPaused", {"contracts": int(paused)})
        w.authority.unpause(paused, h(f"unpause {paused.name}"))
    assert w.settle(trade).receipt.status == 1


def test_pausing_the_token_stops_transfers_but_not_approvals(world: World) -> None:
    w = world
    w.fund(w.holder, 5_000)
    w.authority.pause(P.SETTLEMENT_TOKEN, h("token incident"))
    with pytest.raises(ContractRevert) as info:
        w.holder.transfer(w.holder2.address, 100)
    assert _pause_error(w, info.value) == ("LedgerPaused", {"contracts": int(P.SETTLEMENT_TOKEN)})
    with pytest.raises(ContractRevert):
        w.bank.issue(w.holder.address, 100, RESERVE)
    w.holder.approve(w.exchange.address, 100)
    w.authority.unpause(P.SETTLEMENT_TOKEN, h("token incident closed"))
    w.holder.transfer(w.holder2.address, 100)


def test_only_the_named_contracts_pause(world: World) -> None:
    w = world
    w.authority.pause(P.SUPERVISION | P.RECOGNITION, h("pause two"))
    assert w.holder.paused_contracts() == P.SUPERVISION | P.RECOGNITION
    asset = w.registered_asset()  # the registry still works
    assert asset > 0
    w.authority.unpause(P.RECOGNITION, h("recognition back"))
    assert w.holder.paused_contracts() == P.SUPERVISION


def test_pause_input_is_checked(world: World) -> None:
    w = world
    cases = [
        (lambda: w.authority.pause(Paused(0), h("nothing")), ("ControlsInvalidContracts", {"contracts": 0})),
        (lambda: w.authority.pause(Paused(1 << 13), h("no such contract")),
         ("ControlsInvalidContracts", {"contracts": 8192})),
        (lambda: w.authority.pause(P.SUPERVISION, b"\x00" * 32), ("ControlsZeroHash", {})),
        (lambda: w.authority.unpause(P.SUPERVISION, h("not paused")),
         ("ControlsPauseUnchanged", {"contracts": int(P.SUPERVISION), "paused": 0})),
    ]  # fmt: skip
    for call, expected in cases:
        with pytest.raises(ContractRevert) as info:
            call()
        assert w.contracts.errors.decode(info.value.data) == expected
    w.authority.pause(P.SUPERVISION, h("once"))
    with pytest.raises(ContractRevert) as info:
        w.authority.pause(P.SUPERVISION, h("twice"))
    assert w.contracts.errors.decode(info.value.data) == (
        "ControlsPauseUnchanged", {"contracts": int(P.SUPERVISION), "paused": int(P.SUPERVISION)}
    )  # fmt: skip


def test_no_participant_pauses_or_unpauses(world: World) -> None:
    w = world
    for client in (w.holder, w.registrar, w.supervisor, w.exchange):
        for function in ("pause", "unpause"):
            with pytest.raises(ContractRevert) as info:
                client.execute(client.prepare("AssetControls", function, int(P.SUPERVISION), h("x"), gas=500_000))
            name, _ = w.contracts.errors.decode(info.value.data) or ("?", {})
            assert name == "ParticipantUnauthorized", (client.address, function)
    assert w.holder.paused_contracts() == Paused(0)


def test_pause_is_the_emergency_path_and_unpause_the_council(world: World) -> None:
    """Pausing takes one Safe transaction of the emergency officers, at once; unpausing is scheduled by the council
    and executed after its delay."""
    w = world
    w.authority.pause(P.MANDATE_REGISTRY, h("mandate incident"))
    assert w.authority.last_proposal is not None and w.authority.last_proposal.route == "emergency"
    w.authority.unpause(P.MANDATE_REGISTRY, h("mandate incident closed"))
    assert w.authority.last_proposal is not None and w.authority.last_proposal.route == "council"
    assert w.holder.paused_contracts() == Paused(0)
