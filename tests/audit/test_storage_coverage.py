"""The audit replay covers every piece of contract state: for each state variable of each contract's storage
layout, a slot that belongs to it is tampered with on the running chain (``anvil_setStorageAt``, slots computed
from the compiler's layout), and the chain check must report a difference in a record that names it
(:data:`ledger.audit.compare_chain.COVERAGE`). A contract that gains a state variable fails
:func:`test_every_state_variable_has_checks_that_read_it` until the audit checks it and this file tampers with it.

One replay of the audited chain serves every case; each tamper runs inside an ``evm_snapshot`` that is reverted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

from ledger.audit.auditor import chain_verifier
from ledger.audit.compare_chain import COVERAGE, ChainVerifier
from ledger.audit.replay import Replay, replay_into
from ledger.audit.sources import IndexSource
from ledger.audit.storage import StorageLayout, mapping_slot
from ledger.contracts.system import MODULES, SYSTEM_CONTRACTS
from ledger.contracts.types import Paused
from ledger.store import open_store
from ledger.toolchain import Build
from tests.audit.conftest import Audited

_REVOKED = 1 << 4  # AssetRegistryBase._L_REVOKED
_SOLD = 1 << 5  # AssetRegistryBase._L_SOLD
_SPLIT = 1 << 3  # AssetRegistryBase._SPLIT


@dataclass
class Tampering:
    """The audited chain, one replay of it, and what a tamper needs: layouts, addresses, the replayed rows."""

    audited: Audited
    replay: Replay
    verifier: ChainVerifier

    @property
    def rpc(self) -> Any:
        return self.audited.chain.rpc

    def layout(self, contract: str) -> StorageLayout:
        return StorageLayout(self.audited.build.contract(contract).storage_layout)

    def address(self, contract: str) -> str:
        return self.audited.chain.world.contracts.address[contract]

    def read(self, contract: str, slot: int) -> int:
        return int(self.rpc.call("eth_getStorageAt", [self.address(contract), hex(slot), "latest"]), 16)

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.replay.state.rows(table)

    def first(self, table: str, where: Callable[[Mapping[str, Any]], bool] = lambda r: True) -> dict[str, Any]:
        found = next((r for r in self.rows(table) if where(r)), None)
        assert found is not None, f"the scenario left no {table} row to tamper with"
        return found


# A tamper: (contract, slot, new word) for one slot of the variable.
Tamper = Callable[[Tampering], tuple[str, int, int]]


def _member(t: Tampering, contract: str, label: str, base: int, member: str, change: Callable[[int], int]
            ) -> tuple[str, int, int]:  # fmt: skip
    m = t.layout(contract).member(label, member)
    slot = base + m.slot
    word = t.read(contract, slot)
    return contract, slot, m.write(word, change(m.read(word)))


def _plus_one(t: Tampering, contract: str, slot: int) -> tuple[str, int, int]:
    return contract, slot, t.read(contract, slot) + 1


def _var(t: Tampering, contract: str, label: str, *keys: Any) -> int:
    return mapping_slot(t.layout(contract).slot(label), *keys)


def _exclusivity_key(r: Mapping[str, Any]) -> bytes:
    return keccak(abi_encode(["uint256", "uint8", "uint16", "uint64"],
                             [r["asset_id"], r["right"], r["purpose"], r["parent_id"]]))  # fmt: skip


def _operation_key(r: Mapping[str, Any]) -> bytes:
    return keccak(abi_encode(["uint256", "address", "uint8", "uint16"],
                             [r["asset_id"], r["operator"], r["right"], r["purpose"]]))  # fmt: skip


def _short_string(t: Tampering, contract: str, label: str) -> tuple[str, int, int]:
    slot = t.layout(contract).slot(label)
    return contract, slot, t.read(contract, slot) + (1 << 248)  # the first character, one letter on


def _unused_nonce_bit(t: Tampering) -> tuple[str, int, int]:
    """A bit of a used nonce's word that no nonce used: only the check of the whole word sees it."""
    r = max(t.rows("used_nonces"), key=lambda r: int(r["nonce"]))
    nonce = int(r["nonce"])
    slot = _var(t, "TradeSettlement", "_nonceBits", r["account"], nonce >> 8)
    return "TradeSettlement", slot, t.read("TradeSettlement", slot) | 1 << ((nonce + 1) & 0xFF)


def _merchant(t: Tampering) -> dict[str, Any]:
    merchant = t.audited.chain.world.merchant.address
    return t.first("participants", lambda r: r["account"] == merchant)


def _pending(t: Tampering) -> dict[str, Any]:
    return t.first("objections", lambda r: r["status"] == 4)


TAMPERS: dict[tuple[str, str], Tamper] = {
    ("ParticipantRegistry", "_participants"): lambda t: _member(
        t, "ParticipantRegistry", "_participants",
        _var(t, "ParticipantRegistry", "_participants", t.audited.chain.world.merchant.address), "roles",
        lambda roles: roles ^ 1),
    ("ParticipantRegistry", "_lastId"): lambda t: _plus_one(
        t, "ParticipantRegistry", t.layout("ParticipantRegistry").slot("_lastId")),
    ("ParticipantRegistry", "_accounts"): lambda t: (
        "ParticipantRegistry", _var(t, "ParticipantRegistry", "_accounts", _merchant(t)["participant_id"]), 0),
    ("ParticipantRegistry", "_identities"): lambda t: (
        "ParticipantRegistry",
        _var(t, "ParticipantRegistry", "_identities",
             t.first("participant_keys", lambda r: r["address"] != r["account"])["address"]),
        0,
    ),
    ("ParticipantRegistry", "_creditCodes"): lambda t: _plus_one(
        t, "ParticipantRegistry", _var(t, "ParticipantRegistry", "_creditCodes", _merchant(t)["credit_code_hash"])),
    ("AssetRegistry", "_counters"): lambda t: _member(
        t, "AssetRegistry", "_counters", t.layout("AssetRegistry").slot("_counters"), "certificates", lambda n: n + 1),
    ("AssetRegistry", "_assets"): lambda t: _member(
        t, "AssetRegistry", "_assets",
        _var(t, "AssetRegistry", "_assets", t.first("assets", lambda r: not r["rights_split"])["asset_id"]), "flags",
        lambda flags: flags | _SPLIT),
    ("AssetRegistry", "_contentHashes"): lambda t: _plus_one(
        t, "AssetRegistry", _var(t, "AssetRegistry", "_contentHashes", t.first("assets")["asset_id"])),
    ("AssetRegistry", "_registeredIds"): lambda t: (
        "AssetRegistry",
        _var(t, "AssetRegistry", "_registeredIds", t.first("assets", lambda r: r["status"] == 2)["content_hash"]), 0),
    ("AssetRegistry", "_meta"): lambda t: _member(
        t, "AssetRegistry", "_meta",
        _var(t, "AssetRegistry", "_meta", t.first("assets", lambda r: r["status"] == 2)["asset_id"]),
        "certificateSerial", lambda n: n + 1),
    ("AssetRegistry", "_applicants"): lambda t: (
        "AssetRegistry",
        _var(t, "AssetRegistry", "_applicants",
             t.first("assets", lambda r: r["applicant"] == r["holding_holder"])["asset_id"]),
        int(t.audited.chain.world.outsider.address, 16)),
    ("AssetRegistry", "_splitHolders"): lambda t: (
        "AssetRegistry",
        _var(t, "AssetRegistry", "_splitHolders", t.first("assets", lambda r: r["rights_split"])["asset_id"], 1),
        int(t.audited.chain.world.outsider.address, 16)),
    ("AssetRegistry", "_licenses"): lambda t: _member(
        t, "AssetRegistry", "_licenses", _var(t, "AssetRegistry", "_licenses", t.first("licences")["licence_id"]),
        "flags", lambda flags: flags ^ _REVOKED),
    ("AssetRegistry", "_children"): lambda t: _plus_one(
        t, "AssetRegistry",
        _var(t, "AssetRegistry", "_children", t.first("licences", lambda r: r["parent_id"] != 0)["parent_id"])),
    ("AssetRegistry", "_exclusivity"): lambda t: _member(
        t, "AssetRegistry", "_exclusivity",
        _var(t, "AssetRegistry", "_exclusivity", _exclusivity_key(t.first("licence_exclusivity"))), "liveShared",
        lambda n: n + 1),
    ("AssetRegistry", "_exclusiveSlots"): lambda t: _plus_one(
        t, "AssetRegistry",
        _var(t, "AssetRegistry", "_exclusiveSlots",
             _exclusivity_key(t.first("licence_exclusivity", lambda r: bool(r["exclusives"]))), 0)),
    ("AssetRegistry", "_territories"): lambda t: _plus_one(  # the regions' length: one more (zero) region
        t, "AssetRegistry",
        _var(t, "AssetRegistry", "_territories", t.first("licences", lambda r: r["sublicensable"])["licence_id"])),
    ("AssetControls", "_objectionCount"): lambda t: _plus_one(
        t, "AssetControls", t.layout("AssetControls").slot("_objectionCount")),
    ("AssetControls", "_objections"): lambda t: _member(
        t, "AssetControls", "_objections",
        _var(t, "AssetControls", "_objections", t.first("objections")["objection_id"]), "status",
        lambda status: 3 if status != 3 else 2),
    ("AssetControls", "_open"): lambda t: _plus_one(
        t, "AssetControls", _var(t, "AssetControls", "_open", t.first("assets")["asset_id"])),
    ("AssetControls", "_pending"): lambda t: _plus_one(
        t, "AssetControls", _var(t, "AssetControls", "_pending", _pending(t)["objector"])),
    ("AssetControls", "_pendingOn"): lambda t: (
        "AssetControls", _var(t, "AssetControls", "_pendingOn", _pending(t)["asset_id"], _pending(t)["objector"]), 0),
    ("AssetControls", "_operations"): lambda t: _plus_one(
        t, "AssetControls",
        _var(t, "AssetControls", "_operations",
             _operation_key(t.first("public_operations", lambda r: r["status"] == 1)))),
    ("SettlementToken", "_balances"): lambda t: _plus_one(
        t, "SettlementToken", _var(t, "SettlementToken", "_balances", t.audited.chain.world.merchant.address)),
    ("SettlementToken", "_allowances"): lambda t: _plus_one(
        t, "SettlementToken",
        _var(t, "SettlementToken", "_allowances", t.first("approvals")["owner"], t.first("approvals")["spender"])),
    ("SettlementToken", "_issuance"): lambda t: _member(
        t, "SettlementToken", "_issuance",
        _var(t, "SettlementToken", "_issuance", t.audited.chain.world.bank.address), "outstanding", lambda n: n + 1),
    ("SettlementToken", "_totalSupply"): lambda t: _plus_one(
        t, "SettlementToken", t.layout("SettlementToken").slot("_totalSupply")),
    ("SettlementToken", "_name"): lambda t: _short_string(t, "SettlementToken", "_name"),
    ("SettlementToken", "_symbol"): lambda t: _short_string(t, "SettlementToken", "_symbol"),
    ("TradeSettlement", "_nameFallback"): lambda t: (
        "TradeSettlement", t.layout("TradeSettlement").slot("_nameFallback"), 2),
    ("TradeSettlement", "_versionFallback"): lambda t: (
        "TradeSettlement", t.layout("TradeSettlement").slot("_versionFallback"), 2),
    ("TradeSettlement", "_settled"): lambda t: _plus_one(
        t, "TradeSettlement", _var(t, "TradeSettlement", "_settled", t.first("trades")["trade_key"])),
    ("TradeSettlement", "_shares"): lambda t: _member(
        t, "TradeSettlement", "_shares",
        _var(t, "TradeSettlement", "_shares", t.first("revenue_shares", lambda r: bool(r["shares"]))["asset_id"],
             t.first("revenue_shares", lambda r: bool(r["shares"]))["right"], 0),
        "bps", lambda bps: bps + 1),
    ("TradeSettlement", "_bands"): lambda t: _member(
        t, "TradeSettlement", "_bands", _var(t, "TradeSettlement", "_bands", t.first("price_bands")["kind"]), "min",
        lambda n: n + 1),
    ("TradeSettlement", "_nonceBits"): lambda t: _unused_nonce_bit(t),
    ("TradeSettlement", "_held"): lambda t: _plus_one(
        t, "TradeSettlement", _var(t, "TradeSettlement", "_held", t.first("held_shares")["account"])),
    ("MandateRegistry", "_sellers"): lambda t: (
        "MandateRegistry", _var(t, "MandateRegistry", "_sellers", t.first("mandates", lambda r: r["status"] == 2)[
            "mandate_id"]), int(t.audited.chain.world.holder.address, 16)),
    ("Supervision", "_orderCount"): lambda t: _plus_one(t, "Supervision", t.layout("Supervision").slot("_orderCount")),
    ("Supervision", "_orders"): lambda t: _member(
        t, "Supervision", "_orders", _var(t, "Supervision", "_orders", t.first("rectification_orders")["order_id"]),
        "status", lambda status: 1 if status != 1 else 2),
    ("Supervision", "_credit"): lambda t: _member(
        t, "Supervision", "_credit", _var(t, "Supervision", "_credit", t.first("credit_scores")["participant"]),
        "events", lambda n: n + 1),
    ("Valuation", "_valuationCount"): lambda t: _plus_one(
        t, "Valuation", t.layout("Valuation").slot("_valuationCount")),
    ("Valuation", "_accreditations"): lambda t: _member(
        t, "Valuation", "_accreditations", _var(t, "Valuation", "_accreditations", t.first("appraisers")["appraiser"]),
        "expiresAt", lambda n: n + 1),
    ("Valuation", "_valuations"): lambda t: _member(
        t, "Valuation", "_valuations", _var(t, "Valuation", "_valuations", t.first("valuations")["valuation_id"]),
        "status", lambda status: 1 if status != 1 else 2),
    # The scenario's recognition ended (its record stays, marked derecognised): a carrying amount changed is seen.
    ("Valuation", "_recognitions"): lambda t: _member(
        t, "Valuation", "_recognitions", _var(t, "Valuation", "_recognitions", t.first("recognitions")["asset_id"]),
        "carryingAmount", lambda n: n + 1),
    ("Disclosure", "_disclosureCount"): lambda t: _plus_one(
        t, "Disclosure", t.layout("Disclosure").slot("_disclosureCount")),
    ("Disclosure", "_requirements"): lambda t: _member(
        t, "Disclosure", "_requirements",
        _var(t, "Disclosure", "_requirements", t.first("disclosure_requirements")["kind"]), "graceDays",
        lambda n: n + 1),
    # _reportCount (uint64) and _window (uint32) share the contract's first slot, the count in its low 8 bytes.
    ("DataQuality", "_reportCount"): lambda t: _plus_one(
        t, "DataQuality", t.layout("DataQuality").slot("_reportCount")),
    ("DataQuality", "_window"): lambda t: (
        lambda slot: ("DataQuality", slot, t.read("DataQuality", slot) + (3600 << 64))
    )(t.layout("DataQuality").slot("_window")),
    ("DataQuality", "_reports"): lambda t: _member(
        t, "DataQuality", "_reports", _var(t, "DataQuality", "_reports", t.first("quality_reports")["report_id"]),
        "deadline", lambda n: n + 1),
    ("DataQuality", "_defaults"): lambda t: _plus_one(
        t, "DataQuality", _var(t, "DataQuality", "_defaults", t.first("quality_defaults")["holder"])),
    ("Listings", "_nameFallback"): lambda t: ("Listings", t.layout("Listings").slot("_nameFallback"), 2),
    ("Listings", "_versionFallback"): lambda t: ("Listings", t.layout("Listings").slot("_versionFallback"), 2),
    ("OpeningList", "_entryCount"): lambda t: _plus_one(t, "OpeningList", t.layout("OpeningList").slot("_entryCount")),
    ("OpeningList", "_entries"): lambda t: _member(
        t, "OpeningList", "_entries", _var(t, "OpeningList", "_entries", t.first("opening_entries")["entry_id"]),
        "targetDate", lambda date: date + 1),
    # A listing's version raised (the digest and version share its slot).
    ("Listings", "_listed"): lambda t: _member(
        t, "Listings", "_listed",
        _var(t, "Listings", "_listed", bytes.fromhex(t.first("listings")["listing_key"][2:])), "version",
        lambda version: version + 1),
    ("Recognition", "_recognisedCount"): lambda t: _plus_one(
        t, "Recognition", t.layout("Recognition").slot("_recognisedCount")),
    ("Recognition", "_agreements"): lambda t: _member(
        t, "Recognition", "_agreements",
        _var(t, "Recognition", "_agreements", t.first("agreements")["origin_chain_id"]), "version", lambda n: n + 1),
    ("Recognition", "_records"): lambda t: _member(
        t, "Recognition", "_records",
        _var(t, "Recognition", "_records", t.first("recognised_records")["local_asset_id"]), "status",
        lambda status: 2 if status != 2 else 1),
    ("Recognition", "_imported"): lambda t: (
        lambda r: _plus_one(t, "Recognition", _var(t, "Recognition", "_imported", r["origin_chain_id"],
                                                   r["origin_registry"], int(r["origin_asset_id"])))
    )(t.first("recognised_records")),
}  # fmt: skip


def _declared(build: Build, contract: str) -> set[str]:
    return {v["label"] for v in build.contract(contract).storage_layout["storage"]}


def test_every_state_variable_has_checks_that_read_it(build: Build) -> None:
    for contract, module in MODULES.items():  # one storage, two codes: the same declarations, slot for slot
        ours, theirs = (build.contract(n).storage_layout["storage"] for n in (contract, module))
        assert [(v["label"], v["slot"], v["offset"]) for v in ours] == [
            (v["label"], v["slot"], v["offset"]) for v in theirs
        ]
    declared = {(c, label) for c in SYSTEM_CONTRACTS if c not in MODULES.values() for label in _declared(build, c)}
    assert declared - set(COVERAGE) == set(), "state the audit does not check"
    assert set(COVERAGE) - declared == set(), "checks of state the contracts no longer have"
    assert set(TAMPERS) == set(COVERAGE), "every covered variable needs a tamper case below"


@pytest.fixture(scope="module")
def tampering(audited: Audited) -> Iterator[Tampering]:
    source = IndexSource(audited.live)
    target = source.checkpoint()
    assert target is not None
    store = open_store("sqlite://")
    try:
        replay = replay_into(store, source.batches(target), target)
        verifier = chain_verifier(audited.chain.rpc, audited.chain.world.contracts.deployment, audited.build)
        yield Tampering(audited, replay, verifier)
    finally:
        store.close()


def _verify_after(t: Tampering, tamper: Callable[[], None]) -> list[Any]:
    """The chain check's differences at a block mined after ``tamper`` (inside a snapshot, reverted after)."""
    rpc = t.rpc
    snapshot = rpc.call("evm_snapshot")
    try:
        tamper()
        rpc.call("evm_mine")
        status, differences = t.verifier.run(t.replay, t.audited.chain.head())
        assert status.status in ("ok", "differences") and status.checked > 0
        return differences
    finally:
        rpc.call("evm_revert", [snapshot])


def test_untouched_chain_shows_no_difference(tampering: Tampering) -> None:
    assert _verify_after(tampering, lambda: None) == []


@pytest.mark.parametrize("variable", sorted(COVERAGE), ids=lambda v: f"{v[0]}.{v[1]}")
def test_tampering_with_any_state_variable_is_reported(tampering: Tampering, variable: tuple[str, str]) -> None:
    contract, slot, word = TAMPERS[variable](tampering)
    assert contract == variable[0]
    before = tampering.read(contract, slot)
    assert word != before, f"the tamper of {variable} changes nothing"

    def tamper() -> None:
        tampering.rpc.call("anvil_setStorageAt", [tampering.address(contract), hex(slot), f"0x{word:064x}"])

    differences = _verify_after(tampering, tamper)
    named = [d for d in differences if d.record in COVERAGE[variable]]
    assert named, f"tampering with {contract}.{variable[1]} (slot {slot:#x}) went unnoticed: {differences[:3]}"


def test_a_tampered_sold_flag_is_a_difference_in_that_licence(tampering: Tampering) -> None:
    """A licence sold on the exchange whose sold bit is cleared (so that its licensor could revoke it): the chain
    check names the licence and the field, from getLicense."""
    sold = tampering.first("licences", lambda r: r["sold"])
    slot = _var(tampering, "AssetRegistry", "_licenses", sold["licence_id"])
    contract, slot, word = _member(tampering, "AssetRegistry", "_licenses", slot, "flags", lambda f: f & ~_SOLD)
    assert word != tampering.read(contract, slot)

    def tamper() -> None:
        tampering.rpc.call("anvil_setStorageAt", [tampering.address(contract), hex(slot), f"0x{word:064x}"])

    differences = _verify_after(tampering, tamper)
    assert [(d.record, d.key, d.field, d.expected, d.actual) for d in differences] == [
        ("licences", str(sold["licence_id"]), "sold", True, False)
    ]


def test_a_tampered_pause_register_is_a_difference_in_the_pauses_and_the_counters(tampering: Tampering) -> None:
    """The pause register shares the registry's counter slot (``_counters.paused``): a contract marked paused there
    that no event paused is reported by pausedContracts and by the slot's word."""
    slot = tampering.layout("AssetRegistry").slot("_counters")
    contract, slot, word = _member(tampering, "AssetRegistry", "_counters", slot, "paused",
                                   lambda paused: paused ^ int(Paused.RECOGNITION))  # fmt: skip
    assert word != tampering.read(contract, slot)

    def tamper() -> None:
        tampering.rpc.call("anvil_setStorageAt", [tampering.address(contract), hex(slot), f"0x{word:064x}"])

    differences = _verify_after(tampering, tamper)
    assert {d.record for d in differences} == {"contract_pauses", "counters"}
    pauses = [d for d in differences if d.record == "contract_pauses"]
    assert [(d.key, d.expected, d.actual) for d in pauses] == [("register", 0, int(Paused.RECOGNITION))]


def test_a_target_closed_in_the_managers_storage_is_a_difference_in_its_settings(tampering: Tampering) -> None:
    """The manager's ``_targets[target].closed``, set without an event: isTargetClosed reports the asset registry
    closed where the replayed records (none for it) say it is open."""
    registry = tampering.address("AssetRegistry")
    base = _var(tampering, "AccessManager", "_targets", registry)
    contract, slot, word = _member(tampering, "AccessManager", "_targets", base, "closed", lambda closed: 1)
    assert word != tampering.read(contract, slot)

    def tamper() -> None:
        tampering.rpc.call("anvil_setStorageAt", [tampering.address(contract), hex(slot), f"0x{word:064x}"])

    differences = _verify_after(tampering, tamper)
    assert [(d.record, d.key, d.field, d.expected, d.actual) for d in differences] == [
        ("governance_targets", f"{registry}, closed", None, False, True)
    ]
