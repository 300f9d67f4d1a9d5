"""Proof-checked reads of another province's registry, and the whole-registry comparison."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.types import Right
from ledger.proofs import (
    AccountProofError,
    HeaderMismatch,
    NodeCache,
    StorageProofError,
    verify_account_proof,
    verify_header,
)
from ledger.recognition import issue_certificate
from ledger.recognition.crosscheck import check_assets, compare_registry, find_recognised, local_holders_by_content
from ledger.recognition.layout import RegistryLayout
from ledger.recognition.remote import RemoteRegistry
from ledger.toolchain import Build
from tests.contracts.conftest import h
from tests.recognition.conftest import Province, Provinces


def remote(p: Province, build: Build) -> RemoteRegistry:
    layout = RegistryLayout.from_storage_layout(build.contract("AssetRegistry").storage_layout)
    return RemoteRegistry(JsonRpcClient(p.url), p.registry, layout)


def import_from(a: Province, b: Province, asset_id: int) -> int:
    cert = issue_certificate(a.world.registrar, asset_id, signers=[a.world.foreign_registrar.account])
    result = b.world.registrar.import_certificate(a.chain_id, cert.certificate.as_abi(), cert.signature_bytes())
    return int(result.event("CertificateImported")["localAssetId"])


def agree(b: Province, a: Province) -> None:
    b.world.authority.set_agreement(a.chain_id, a.registry, [r.address for r in a.registrars()], 2)


def test_proven_asset_equals_the_registry_views(provinces: Provinces, build: Build) -> None:
    a = provinces.a
    plain = a.world.registered_asset()
    split = a.world.registered_asset(processing_holder=a.world.holder2.address)
    r = remote(a, build)
    head = a.world.rpc.call("eth_getBlockByNumber", ["latest", False])
    block = r.pin(block_hash=head["hash"])
    assert block.pinned_by_user and block.number == int(head["number"], 16)
    proven = r.assets([plain, split, 10_000])
    for asset_id in (plain, split):
        view = a.world.holder.get_asset(asset_id)
        p = proven[asset_id]
        assert p.content_hash == "0x" + view["contentHash"].hex()
        assert p.holders() == (view["holdingHolder"], view["processingHolder"], view["operationHolder"])
        assert (p.status, p.category, p.grade, p.certificate_serial, p.registered_at) == (
            view["status"], view["category"], view["grade"], view["certificateSerial"], view["registeredAt"],
        )
    assert proven[split].processing_holder == a.world.holder2.address
    assert not proven[10_000].exists
    assert r.asset_count() == a.world.holder.asset_count()


# ─────────────────────────────────────────── tampering, one kind per test


@pytest.fixture
def honest(provinces: Provinces, build: Build) -> dict[str, Any]:
    a = provinces.a
    asset_id = a.world.registered_asset()
    layout = RegistryLayout.from_storage_layout(build.contract("AssetRegistry").storage_layout)
    slot = layout.content_hash_slot(asset_id)
    header = a.world.rpc.call("eth_getBlockByNumber", ["latest", False])
    answer = a.world.rpc.call("eth_getProof", [a.registry, ["0x" + slot.to_bytes(32, "big").hex()], header["number"]])
    return {"a": a, "header": header, "answer": answer, "slot": slot, "layout": layout, "asset": asset_id}


def _verify(h: dict[str, Any], answer: dict[str, Any] | None = None, **kw: Any) -> Any:
    state_root = verify_header(h["header"], h["header"]["hash"])
    kw.setdefault("address", h["a"].registry)
    kw.setdefault("slots", [h["slot"]])
    return verify_account_proof(state_root, answer or h["answer"], NodeCache(), **kw)


def _flip(node: str, at: int = 40) -> str:
    raw = bytearray(bytes.fromhex(node[2:]))
    raw[min(at, len(raw) - 1)] ^= 0x01
    return "0x" + raw.hex()


def test_honest_proof_is_accepted(honest: dict[str, Any]) -> None:
    proven = _verify(honest)
    view = honest["a"].world.holder.get_asset(honest["asset"])
    assert proven.storage[honest["slot"]] == int.from_bytes(view["contentHash"], "big")


def test_tampered_header_is_rejected(honest: dict[str, Any]) -> None:
    header = dict(honest["header"], stateRoot="0x" + "11" * 32)
    with pytest.raises(HeaderMismatch, match=r"^header:"):
        verify_header(header, honest["header"]["hash"])


def test_flipped_byte_in_an_account_proof_node_is_rejected(honest: dict[str, Any]) -> None:
    answer = copy.deepcopy(honest["answer"])
    answer["accountProof"][-1] = _flip(answer["accountProof"][-1])
    with pytest.raises(AccountProofError, match=r"^account-proof:"):
        _verify(honest, answer)


def test_flipped_byte_in_a_storage_proof_node_is_rejected(honest: dict[str, Any]) -> None:
    answer = copy.deepcopy(honest["answer"])
    proof = answer["storageProof"][0]["proof"]
    proof[-1] = _flip(proof[-1], 10)
    with pytest.raises(StorageProofError, match=r"^storage-proof:"):
        _verify(honest, answer)


def test_removed_node_is_rejected(honest: dict[str, Any]) -> None:
    answer = copy.deepcopy(honest["answer"])
    del answer["storageProof"][0]["proof"][0]
    with pytest.raises(StorageProofError):
        _verify(honest, answer)
    answer = copy.deepcopy(honest["answer"])
    del answer["accountProof"][-1]
    with pytest.raises(AccountProofError):
        _verify(honest, answer)


def test_wrong_state_root_is_rejected(honest: dict[str, Any]) -> None:
    a = honest["a"]
    a.world.registered_asset()  # a later block with another state root
    later = a.world.rpc.call("eth_getBlockByNumber", ["latest", False])
    with pytest.raises(AccountProofError):
        verify_account_proof(verify_header(later, later["hash"]), honest["answer"], address=a.registry,
                             slots=[honest["slot"]])


def test_wrong_slot_is_rejected(honest: dict[str, Any]) -> None:
    with pytest.raises(StorageProofError, match="asked for"):
        _verify(honest, slots=[honest["slot"] + 1])
    answer = copy.deepcopy(honest["answer"])
    answer["storageProof"][0]["key"] = hex(honest["slot"] + 1)
    with pytest.raises(StorageProofError):
        _verify(honest, answer, slots=None)


def test_claimed_value_that_the_proof_does_not_show_is_rejected(honest: dict[str, Any]) -> None:
    answer = copy.deepcopy(honest["answer"])
    answer["storageProof"][0]["value"] = "0x1234"
    with pytest.raises(StorageProofError, match="claims"):
        _verify(honest, answer)


def test_wrong_account_is_rejected(honest: dict[str, Any]) -> None:
    a = honest["a"]
    other = a.world.contracts.address["Supervision"]
    with pytest.raises(AccountProofError, match="asked for"):
        _verify(honest, address=other)
    answer = copy.deepcopy(honest["answer"])
    answer["address"] = other  # the registry's proof passed off as another account's
    with pytest.raises(AccountProofError):
        _verify(honest, answer, address=other)


# ─────────────────────────────────────────── whole-registry report


def test_whole_registry_report_sorts_matches_conflicts_missing_and_stale(provinces: Provinces, build: Build) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    w = a.world
    ids = {name: w.registered_asset() for name in ("match1", "match2", "moved", "cancelled", "missing", "conflict")}
    local = {name: import_from(a, b, ids[name]) for name in ("match1", "match2", "moved", "cancelled")}
    w.holder.transfer_right(ids["moved"], Right.OPERATION, w.holder2.address)
    w.holder.cancel_registration(ids["cancelled"], h("withdrawn"))
    conflict_hash = bytes(w.holder.get_asset(ids["conflict"])["contentHash"])
    b_conflict = b.world.registered_asset(b.world.holder2, content_hash=conflict_hash)
    b.world.registrar.suspend_recognised(local["cancelled"], h("re-check"))

    r = remote(a, build)
    r.pin()
    recognised = find_recognised(b.world.registrar, a.chain_id)
    assert len(recognised) == 4
    report = compare_registry(
        r, recognised, lambda hs: local_holders_by_content(b.world.registrar, hs),
        origin_chain_id=a.chain_id, local_chain_id=b.chain_id,
    )
    assert sorted(m["origin_asset_id"] for m in report.matches) == sorted([ids["match1"], ids["match2"]])
    stale = {s["origin_asset_id"]: s for s in report.stale}
    assert set(stale) == {ids["moved"], ids["cancelled"]}
    assert any("operation right moved" in x for x in stale[ids["moved"]]["reasons"])
    assert stale[ids["cancelled"]]["suspended"] and "cancelled" in stale[ids["cancelled"]]["reasons"][0]
    assert [(c["origin_asset_id"], c["local_asset_id"], c["local_holder"]) for c in report.conflicts] == [
        (ids["conflict"], b_conflict, b.world.holder2.address)
    ]
    assert [m["origin_asset_id"] for m in report.missing] == [ids["missing"]]
    data = report.to_json()
    assert data["counts"] == {"matches": 2, "conflicts": 1, "missing": 1, "stale": 2}
    assert "CONFLICT" in report.to_text() and "STALE" in report.to_text()


def test_single_asset_checks_flag_a_transfer(provinces: Provinces, build: Build) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    asset = a.world.registered_asset()
    import_from(a, b, asset)
    r = remote(a, build)
    by_origin = {x.origin_asset_id: x for x in find_recognised(b.world.registrar, a.chain_id)}
    assert check_assets(r, [asset], by_origin)[0].verdict == "match"
    a.world.holder.transfer_right(asset, Right.HOLDING, a.world.holder2.address)
    r.pin()
    check = check_assets(r, [asset], by_origin)[0]
    assert check.verdict == "stale" and "holding right moved" in check.reasons[0]


def test_wrong_hints_cost_a_round_never_a_wrong_answer(provinces: Provinces, build: Build) -> None:
    a = provinces.a
    plain = a.world.registered_asset()
    split = a.world.registered_asset(operation_holder=a.world.holder2.address)
    truth = remote(a, build).assets([plain, split])
    wrong = {plain: ("0x" + "77" * 32, True), split: ("0x" + "66" * 32, False)}
    assert remote(a, build).assets([plain, split], wrong) == truth
    right = {i: (p.content_hash, len(set(p.holders())) > 1) for i, p in truth.items()}
    assert remote(a, build).assets([plain, split], right) == truth
