"""The read API after key changes (issue 12, section 2): an organisation that changed its key is one participant,
found under its identity or any key it signed with, with its current signing key, every key it had (as of any
block), and its records (balance, assets) under its identity."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from ledger.client import connect, dev_account
from ledger.contracts.types import Category, Grade, Kind, Registration, Role
from ledger.indexer import open_indexer
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import gateway_market
from tests.credit_codes import code_for

RESERVE = b"\x01" * 32


@dataclass
class Scene:
    client: TestClient
    identity: str
    second: str
    third: str
    before_change: int  # the last block before the first key change
    admitted_block: int
    asset: int  # registered by the participant before its key changes
    demo_keys: dict[str, str]  # identity -> signing key of the demo's participants whose keys it changed


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with gateway_market(tmp_path_factory.mktemp("read-keys"), compile_contracts()) as m:
        authority = m.council()
        first, second, third = dev_account(30), dev_account(31), dev_account(32)
        admitted = authority.admit(first.address, Role.DATA_HOLDER, 450100, "Guigang Harbour Data Co.",
                                   code_for(first.address))  # fmt: skip
        bank = connect(m.settings, dev_account(3), rpc=m.rpc, build=m.build)
        authority.set_issuance_limit(bank.address, 10**12)  # the demo used its limit up
        bank.issue(first.address, 12_345, RESERVE)
        asset = authority.as_(first).apply_registration(Registration(
            content_hash=b"\x07" * 32, metadata_hash=b"\x08" * 32, metadata_uri="ipfs://keys", name="Harbour calls",
            category=Category.ENTERPRISE, grade=Grade.GENERAL, kind=Kind.DATASET, region=450000,
        ))  # fmt: skip
        connect(m.settings, dev_account(1), rpc=m.rpc, build=m.build).review_registration(asset, True, b"\x09" * 32)
        before = int(m.rpc.call("eth_blockNumber"), 16)
        authority.as_(first).rotate_key(second)
        authority.replace_key(second.address, third.address, b"\x02" * 32)
        open_indexer(m.settings, m.store, m.rpc, build=m.build).run()
        with TestClient(m.app()) as client:
            demo_keys = {p["address"]: p["signing_key"] for p in m.summary.participants
                         if p["signing_key"] != p["address"]}  # fmt: skip
            assert len(demo_keys) == 2
            yield Scene(client, first.address, second.address, third.address, before, admitted.receipt.block_number,
                        asset, demo_keys)  # fmt: skip


def test_any_key_of_a_participant_names_it_with_its_keys_in_order(scene: Scene) -> None:
    for address in (scene.identity, scene.second, scene.third, scene.third.lower()):
        p = scene.client.get(f"/api/v1/participants/{address}").json()["data"]
        assert (p["account"], p["signing_key"], p["name"]) == (scene.identity, scene.third, "Guigang Harbour Data Co.")
        assert p["balance"] == "12345"
    keys = scene.client.get(f"/api/v1/participants/{scene.second}").json()["data"]["keys"]
    assert [k["address"] for k in keys] == [scene.identity, scene.second, scene.third]
    assert keys[0]["added_block"] == scene.admitted_block and keys[0]["reason_hash"] is None
    assert keys[1]["added_by"] == scene.identity and keys[1]["reason_hash"] == "0x" + "00" * 32  # planned
    assert keys[2]["reason_hash"] == "0x" + "02" * 32  # the council's recovery
    assert keys[0]["replaced_block"] == keys[1]["added_block"] and keys[1]["replaced_block"] == keys[2]["added_block"]
    assert keys[2]["replaced_block"] is None


def test_as_of_a_block_before_the_change_the_participant_signed_with_its_identity(scene: Scene) -> None:
    """An address names one participant for good (keys are never reused): a key given later names it as it was
    before, when it signed with its identity."""
    for address in (scene.identity, scene.third):
        then = scene.client.get(f"/api/v1/participants/{address}", params={"at": scene.before_change}).json()
        assert (then["data"]["account"], then["data"]["signing_key"]) == (scene.identity, scene.identity)
        assert [k["address"] for k in then["data"]["keys"]] == [scene.identity]


def test_the_participant_list_shows_each_participant_once_with_its_signing_key(scene: Scene) -> None:
    listed = scene.client.get("/api/v1/participants", params={"limit": 500}).json()["data"]
    mine = [p for p in listed if p["account"] in (scene.identity, scene.second, scene.third)]
    assert [(p["account"], p["signing_key"]) for p in mine] == [(scene.identity, scene.third)]
    # The demo changed two participants' keys (an incident's recovery, a planned rotation); nobody else's changed.
    changed = {p["account"]: p["signing_key"] for p in listed if p["signing_key"] != p["account"]}
    assert changed == {scene.identity: scene.third, **scene.demo_keys}


def test_list_filters_take_any_key_of_a_participant(scene: Scene) -> None:
    """The asset the participant registered under its first key is found by its current key and by a replaced one,
    held by its identity."""
    for address in (scene.identity, scene.second, scene.third):
        assets = scene.client.get("/api/v1/assets", params={"holder": address}).json()["data"]
        assert [(a["asset_id"], a["holding_holder"]) for a in assets] == [(scene.asset, scene.identity)]
        by_right = scene.client.get("/api/v1/assets", params={"holding_holder": address}).json()["data"]
        assert [a["asset_id"] for a in by_right] == [scene.asset]
    nobody = scene.client.get("/api/v1/assets", params={"holder": dev_account(33).address}).json()["data"]
    assert nobody == []
