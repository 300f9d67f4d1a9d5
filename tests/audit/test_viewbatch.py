"""The ViewBatch helper: many views in one eth_call give exactly what one eth_call each gives, and a
node that cannot run it (no state overrides) gets one call per view."""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi import encode

from ledger.audit import viewbatch
from ledger.audit.compare_chain import ChainVerifier, ViewCheck, build_checks
from ledger.audit.replay import replay_into
from ledger.audit.sources import ChainSource
from ledger.contracts.codec import ContractCodec
from ledger.contracts.system import SYSTEM_CONTRACTS, contract_abi
from ledger.errors import RpcRemoteError
from ledger.store import open_store
from tests.audit.conftest import Audited


def test_call_data_and_answers_match_the_abi() -> None:
    targets = ["0x" + "11" * 20, "0x" + "22" * 20, "0x" + "33" * 20]
    calls = [b"\x01\x02\x03\x04", b"", b"\xaa" * 70]
    assert viewbatch.encode_run(targets, calls)[4:] == encode(["address[]", "bytes[]"], [targets, calls])
    answer = encode(["bool[]", "bytes[]"], [[True, False, True], calls])
    assert viewbatch.decode_results(answer, 3) == [(True, calls[0]), (False, calls[1]), (True, calls[2])]
    with pytest.raises(ValueError, match="expected 2 results"):
        viewbatch.decode_results(answer, 2)
    with pytest.raises(ValueError, match="beyond"):
        viewbatch.decode_results(answer[:-40], 3)
    with pytest.raises(ValueError, match="2 targets for 3 calls"):
        viewbatch.encode_run(targets[:2], calls)


def _verifier(audited: Audited, *, batch_views: bool) -> ChainVerifier:
    build, deployment = audited.build, audited.chain.world.contracts.deployment
    codecs = {name: ContractCodec(contract_abi(build, name)) for name in SYSTEM_CONTRACTS}
    addresses = {name: deployment.address(name) for name in SYSTEM_CONTRACTS}
    return ChainVerifier(audited.chain.rpc, codecs, addresses, batch_views=batch_views)


def _checks(audited: Audited) -> tuple[list[ViewCheck], int]:
    from ledger.audit import abis_of

    source = ChainSource(audited.chain.rpc, audited.chain.world.contracts.deployment, abis_of(audited.build))
    target = source.head()
    store = open_store("sqlite://")
    replay = replay_into(store, source.batches(target), target)
    return build_checks(replay), target.number


def _comparable(values: list[Any]) -> list[Any]:
    return [("error", type(v).__name__) if isinstance(v, Exception) else v for v in values]


def test_views_through_the_helper_answer_as_one_call_each(audited: Audited) -> None:
    checks, block = _checks(audited)
    missing = ViewCheck("assets", (10**9,), "AssetRegistry", "getAsset", (10**9,), None)  # reverts: no such asset
    checks.append(missing)
    batched = _verifier(audited, batch_views=True)
    through_helper = batched.call(checks, block)
    assert batched.batch_views and batched._helper_worked
    one_by_one = _verifier(audited, batch_views=False).call(checks, block)
    assert len(checks) > 100
    assert _comparable(through_helper) == _comparable(one_by_one)
    failed = through_helper[-1]
    assert isinstance(failed, RpcRemoteError) and failed.code == 3 and failed.data not in (None, "0x")


def test_a_node_that_cannot_run_the_helper_gets_one_call_per_view(
    audited: Audited, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks, block = _checks(audited)
    monkeypatch.setattr(viewbatch, "runtime_code", lambda: "0xfe")  # INVALID: every helper call fails
    verifier = _verifier(audited, batch_views=True)
    got = verifier.call(checks, block)
    assert _comparable(got) == _comparable(_verifier(audited, batch_views=False).call(checks, block))
    for _ in range(3):
        verifier.call(checks[:1], block)
    assert not verifier.batch_views  # gave up on the helper: it never answered
