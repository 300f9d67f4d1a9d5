"""Write gateway: governance proposals through HTTP only. A price band proposed, approved by two council officers
(dev accounts 40-42) with signatures made as their wallets would, scheduled, refused before the delay, executed after
it; a guardian officer (43-44) cancels a scheduled one; signatures of non-officers, of another proposal and replays are
refused, as are a stage lacking signatures and calls that do not fit; a proposal file travels between the API and
``ledger governance`` (the library the CLI runs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient

from ledger.client import dev_account
from ledger.contracts.types import Kind
from ledger.governance import Governance, Proposal
from ledger.governance.config import DEV_DELAY
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market

PROPOSALS = "/api/v1/tx/governance/proposals"
RELAYER = "transport"  # a data holder's key: a participant that relays the officers' Safe transactions


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    with gateway_market(tmp_path_factory.mktemp("gateway-governance"), compile_contracts()) as m:
        yield m


@pytest.fixture
def fresh(market: Market) -> Iterator[Market]:
    with market.snapshot():
        yield market


def _sign(index: int, typed_data: dict[str, Any]) -> dict[str, str]:
    """What officer ``index``'s wallet makes of the stage's typed data (eth_signTypedData_v4)."""
    account = dev_account(index)
    signed = Account.sign_message(encode_typed_data(full_message=typed_data), account.key)
    return {"signer": str(account.address), "signature": "0x" + bytes(signed.signature).hex()}


def _propose(client: TestClient, market: Market, **body: Any) -> dict[str, Any]:
    answer = client.post(PROPOSALS, json=body, headers=market.auth(RELAYER))
    assert answer.status_code == 201, answer.text
    proposal: dict[str, Any] = answer.json()
    return proposal


def _approve(client: TestClient, market: Market, proposal: dict[str, Any], index: int) -> dict[str, Any]:
    answer = client.post(f"{PROPOSALS}/{proposal['proposal_id']}/approvals",
                         json=_sign(index, proposal["stage"]["typed_data"]), headers=market.auth(RELAYER))  # fmt: skip
    assert answer.status_code == 200, answer.text
    approved: dict[str, Any] = answer.json()
    return approved


def _submit(client: TestClient, market: Market, proposal_id: int, idem: str | None = None) -> Any:
    headers = {**market.auth(RELAYER), **({"Idempotency-Key": idem} if idem else {})}
    return client.post(f"{PROPOSALS}/{proposal_id}/submit", json={}, headers=headers)


def _move_clock(market: Market, seconds: int) -> None:
    market.rpc.call("evm_increaseTime", [seconds])
    market.rpc.call("evm_mine", [])


def _band(market: Market) -> tuple[int, int]:
    return market.council().price_band(Kind.DATASET)


def _officer(index: int) -> str:
    return str(dev_account(index).address)


def test_two_officers_set_a_price_band_through_the_api_after_the_delay(fresh: Market) -> None:
    client = fresh.client()
    before = _band(fresh)  # the demo's
    proposal = _propose(client, fresh, contract="TradeSettlement", function="setPriceBand",
                        args=["dataset", 100_000, 2_000_000], description="2027 guided band")  # fmt: skip
    pid = proposal["proposal_id"]
    stage = proposal["stage"]
    assert (proposal["route"], proposal["state"], proposal["waiting_for"]) == ("council", "signing", "approvals")
    assert (stage["kind"], stage["safe"], stage["signatures"], stage["threshold"]) == ("schedule", "CouncilSafe", 0, 2)
    assert proposal["actions"][0]["args"] == {"kind": 0, "min": 100_000, "max": 2_000_000}
    message = encode_typed_data(full_message=stage["typed_data"])
    assert stage["safe_tx_hash"] == "0x" + keccak(b"\x19" + message.version + message.header + message.body).hex()

    one = _approve(client, fresh, proposal, 40)
    assert (one["stage"]["signers"], one["stage"]["signatures"]) == ([_officer(40)], 1)
    sent_before = fresh.tx_count(RELAYER)
    lacking = _submit(client, fresh, pid)
    assert lacking.status_code == 409, lacking.text
    error = lacking.json()["error"]
    assert (error["code"], error["signatures"], error["threshold"]) == ("signatures_missing", 1, 2)
    assert fresh.tx_count(RELAYER) == sent_before  # nothing was sent

    assert _approve(client, fresh, proposal, 41)["waiting_for"] == "submission"
    scheduled = _submit(client, fresh, pid, idem="band-schedule")
    assert scheduled.status_code == 200, scheduled.text
    result = scheduled.json()["result"]
    assert (result["sent"], result["state"], result["stage"]) == ("schedule", "scheduled", "execute")
    assert scheduled.json()["sender"] == fresh.address(RELAYER)
    replayed = _submit(client, fresh, pid, idem="band-schedule")
    assert replayed.headers["Idempotent-Replayed"] == "true" and replayed.json() == scheduled.json()

    early = _submit(client, fresh, pid)
    assert early.status_code == 409, early.text
    assert (early.json()["error"]["code"], early.json()["error"]["ready_at"]) == ("not_ready", result["ready_at"])
    shown = client.get(f"{PROPOSALS}/{pid}", headers=fresh.auth(RELAYER)).json()
    assert (shown["state"], shown["waiting_for"], shown["ready_at"]) == ("scheduled", "delay", result["ready_at"])
    assert _band(fresh) == before

    _move_clock(fresh, DEV_DELAY + 1)
    execute = _approve(client, fresh, shown, 42)
    assert execute["stage"]["kind"] == "execute" and execute["stage"]["safe_tx_hash"] != stage["safe_tx_hash"]
    _approve(client, fresh, execute, 40)
    executed = _submit(client, fresh, pid, idem="band-execute")
    assert executed.status_code == 200, executed.text
    assert (executed.json()["result"]["sent"], executed.json()["result"]["state"]) == ("execute", "executed")
    assert "PriceBandSet" in [e["event"] for e in executed.json()["events"]]
    assert _band(fresh) == (100_000, 2_000_000)

    listed = client.get(PROPOSALS, params={"state": "executed"}, headers=fresh.auth(RELAYER)).json()["proposals"]
    assert [(p["proposal_id"], p["waiting_for"]) for p in listed] == [(pid, "nothing")]
    closed = client.post(f"{PROPOSALS}/{pid}/approvals", json=_sign(41, execute["stage"]["typed_data"]),
                         headers=fresh.auth(RELAYER))  # fmt: skip
    assert (closed.status_code, closed.json()["error"]["code"]) == (409, "wrong_stage")
    again = _submit(client, fresh, pid)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "wrong_stage")


def test_a_guardian_officer_cancels_a_scheduled_proposal(fresh: Market) -> None:
    client = fresh.client()
    before = _band(fresh)
    proposal = _propose(client, fresh, calls=[
        {"contract": "TradeSettlement", "function": "setPriceBand", "args": ["dataset", 1, 5]},
        {"contract": "TradeSettlement", "function": "setPriceBand", "args": ["model", 1, 5]},
    ])  # fmt: skip
    pid = proposal["proposal_id"]
    early_cancel = client.post(f"{PROPOSALS}/{pid}/cancel", json={}, headers=fresh.auth(RELAYER))
    assert (early_cancel.status_code, early_cancel.json()["error"]["code"]) == (409, "wrong_stage")
    _approve(client, fresh, proposal, 41)
    _approve(client, fresh, proposal, 42)
    assert _submit(client, fresh, pid).json()["result"]["state"] == "scheduled"

    cancelling = client.post(f"{PROPOSALS}/{pid}/cancel", json={}, headers=fresh.auth(RELAYER))
    assert cancelling.status_code == 200, cancelling.text
    stage = cancelling.json()["stage"]
    assert (stage["kind"], stage["safe"], stage["threshold"]) == ("cancel", "GuardianSafe", 1)
    council = client.post(f"{PROPOSALS}/{pid}/approvals", json=_sign(40, stage["typed_data"]),
                          headers=fresh.auth(RELAYER))  # fmt: skip
    assert (council.status_code, council.json()["error"]["code"]) == (403, "not_an_officer")
    _approve(client, fresh, cancelling.json(), 44)
    cancelled = _submit(client, fresh, pid)
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["result"]["sent"], cancelled.json()["result"]["state"]) == ("cancel", "cancelled")
    _move_clock(fresh, DEV_DELAY + 1)
    assert _band(fresh) == before
    ops = client.get(f"{PROPOSALS}/{pid}", headers=fresh.auth(RELAYER)).json()
    assert (ops["state"], ops["waiting_for"], [s["kind"] for s in ops["stages"]]) == (
        "cancelled", "nothing", ["schedule", "execute", "cancel"])


def test_approvals_of_non_officers_other_proposals_and_replays_are_refused(fresh: Market) -> None:
    client = fresh.client()
    first = _propose(client, fresh, contract="TradeSettlement", function="setPriceBand", args=["dataset", 1, 9])
    second = _propose(client, fresh, contract="TradeSettlement", function="setPriceBand", args=["model", 1, 9])
    url = f"{PROPOSALS}/{first['proposal_id']}/approvals"
    auth = fresh.auth(RELAYER)

    outsider = client.post(url, json=_sign(11, first["stage"]["typed_data"]), headers=auth)
    assert (outsider.status_code, outsider.json()["error"]["code"]) == (403, "not_an_officer")
    assert outsider.json()["error"]["signer"] == _officer(11)
    impostor = {**_sign(11, first["stage"]["typed_data"]), "signer": _officer(40)}  # claims to be an officer
    refused = client.post(url, json=impostor, headers=auth)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "signature_mismatch")
    assert refused.json()["error"]["recovered"] == _officer(11)
    other = client.post(url, json=_sign(40, second["stage"]["typed_data"]), headers=auth)  # the other proposal's
    assert (other.status_code, other.json()["error"]["code"]) == (422, "signature_mismatch")
    assert other.json()["error"]["safe_tx_hash"] == first["stage"]["safe_tx_hash"]
    garbage = client.post(url, json={"signer": _officer(40), "signature": "0x" + "ab" * 65}, headers=auth)
    assert (garbage.status_code, garbage.json()["error"]["code"]) == (422, "signature_mismatch")

    approval = _sign(40, first["stage"]["typed_data"])
    assert client.post(url, json=approval, headers=auth).status_code == 200
    replay = client.post(url, json=approval, headers=auth)
    assert (replay.status_code, replay.json()["error"]["code"]) == (409, "duplicate_approval")
    shown = client.get(f"{PROPOSALS}/{first['proposal_id']}", headers=auth).json()
    assert (shown["stage"]["signers"], shown["stage"]["signatures"]) == ([_officer(40)], 1)
    unknown = client.post(f"{PROPOSALS}/999999/approvals", json=approval, headers=auth)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "unknown_proposal")
    no_key = client.post(url, json=approval)
    assert no_key.status_code == 401


@pytest.mark.parametrize(
    ("body", "code", "says"),
    [
        ({"contract": "Treasury", "function": "setPriceBand", "args": []}, "invalid_call", "is not a contract"),
        ({"contract": "TradeSettlement", "function": "steal", "args": []}, "invalid_call", "no state-changing"),
        ({"contract": "TradeSettlement", "function": "priceBand", "args": [0]}, "invalid_call", "no state-changing"),
        ({"contract": "TradeSettlement", "function": "setPriceBand", "args": ["dataset", "lots", 5]}, "invalid_call",
         "is not an integer"),
        ({"contract": "TradeSettlement", "function": "setPriceBand", "args": ["dataset", 5]}, "invalid_call",
         "takes 3 argument(s)"),
        ({"contract": "TradeSettlement", "function": "setPriceBand", "args": ["dataset", -1, 5]}, "invalid_call",
         "do not fit"),
        ({"contract": "TradeSettlement", "function": "setPriceBand", "args": ["gold", 1, 5]}, "invalid_call",
         "is not one of"),
        ({"contract": "ParticipantRegistry", "function": "suspend", "args": ["0xnope", "0x" + "00" * 32]},
         "invalid_call", "is not an address"),
        ({"contract": "TradeSettlement", "function": "setPriceBand", "args": ["dataset", 9, 5]}, "contract_refusal",
         "SettlementInvalidBand"),
    ],
)  # fmt: skip
def test_a_call_that_does_not_fit_or_would_fail_is_refused_and_nothing_is_stored(
    market: Market, body: dict[str, Any], code: str, says: str
) -> None:
    client = market.client()
    before = client.get(PROPOSALS, headers=market.auth(RELAYER)).json()["proposals"]
    answer = client.post(PROPOSALS, json=body, headers=market.auth(RELAYER))
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == code and says in error["message"]
    assert client.get(PROPOSALS, headers=market.auth(RELAYER)).json()["proposals"] == before


def test_a_body_of_two_shapes_is_invalid(market: Market) -> None:
    call = {"contract": "TradeSettlement", "function": "setPriceBand", "args": ["dataset", 1, 5]}
    both = {**call, "calls": [call]}
    answer = market.client().post(PROPOSALS, json=both, headers=market.auth(RELAYER))
    assert answer.status_code == 422 and "detail" in answer.json()


def test_a_proposal_file_travels_between_the_api_and_the_cli(fresh: Market, tmp_path: Any) -> None:
    client = fresh.client()
    auth = fresh.auth(RELAYER)
    created = _propose(client, fresh, contract="TradeSettlement", function="setPriceBand", args=["dataset", 3, 30])
    exported = client.get(f"{PROPOSALS}/{created['proposal_id']}/file", headers=auth)
    assert exported.status_code == 200
    path = tmp_path / "band.json"
    path.write_text(exported.text)
    # What `ledger governance approve band.json --as 41` does: load the file, sign as the officer, save it.
    governance = Governance(fresh.council())
    approved = governance.sign(Proposal.load(path), dev_account(41))
    signature = approved.stage.signatures[_officer(41)]
    posted = client.post(f"{PROPOSALS}/{created['proposal_id']}/approvals",
                         json={"signer": _officer(41), "signature": "0x" + signature.hex()}, headers=auth)  # fmt: skip
    assert posted.status_code == 200 and posted.json()["stage"]["signers"] == [_officer(41)]

    # A proposal written by `ledger governance propose ... --as 40` is imported, approved here and sent.
    encoded = (fresh.council().contracts.address["TradeSettlement"],
               fresh.council().contracts.codecs["TradeSettlement"].encode_call("setPriceBand", int(Kind.MODEL), 4, 40))
    written = governance.sign(governance.propose([encoded], "from the CLI"), dev_account(40))
    imported = client.post(f"{PROPOSALS}/import", json={"proposal": written.to_json()}, headers=auth)
    assert imported.status_code == 201, imported.text
    assert imported.json()["stage"]["signers"] == [_officer(40)]
    _approve(client, fresh, imported.json(), 42)
    assert _submit(client, fresh, imported.json()["proposal_id"]).json()["result"]["state"] == "scheduled"
    back = Proposal.from_json(client.get(f"{PROPOSALS}/{imported.json()['proposal_id']}/file", headers=auth).json())
    assert back.state == "scheduled" and back.stage.kind == "execute"
    foreign = {**written.to_json(), "chain_id": 1}
    refused = client.post(f"{PROPOSALS}/import", json={"proposal": foreign}, headers=auth)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invalid_proposal")


def test_a_stage_sent_with_the_cli_is_followed_by_the_gateway_and_never_signed_or_sent_again(fresh: Market) -> None:
    """Officers export a proposal, sign and send its schedule with ``ledger governance`` (the library the CLI
    runs): the gateway's stored copy follows the chain (scheduled, the execution next) instead of asking them to
    sign the schedule again at the next nonce; sending the execution elsewhere too leaves it executed."""
    client = fresh.client()
    auth = fresh.auth(RELAYER)
    created = _propose(client, fresh, contract="TradeSettlement", function="setPriceBand", args=["dataset", 5, 50])
    pid = created["proposal_id"]
    governance = Governance(fresh.council())
    exported = Proposal.from_json(client.get(f"{PROPOSALS}/{pid}/file", headers=auth).json())
    signed = governance.sign(governance.sign(exported, dev_account(40)), dev_account(41))
    sent, _ = governance.submit(signed)

    shown = client.get(f"{PROPOSALS}/{pid}", headers=auth).json()
    assert (shown["state"], shown["waiting_for"], shown["ready_at"]) == ("scheduled", "delay", sent.ready_at)
    assert shown["stages"][0]["tx_hash"] == sent.stages[0].tx_hash and shown["stage"]["kind"] == "execute"
    listed = client.get(PROPOSALS, headers=auth).json()["proposals"]
    assert [p["state"] for p in listed if p["proposal_id"] == pid] == ["scheduled"]
    # The schedule's signatures are of a stage that was sent: nothing to add them to.
    stale = _sign(42, created["stage"]["typed_data"])
    refused = client.post(f"{PROPOSALS}/{pid}/approvals", json=stale, headers=auth)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "signature_mismatch")

    _move_clock(fresh, DEV_DELAY + 1)
    executed, _ = governance.submit(governance.sign(governance.sign(sent, dev_account(40)), dev_account(42)))
    assert executed.state == "executed" and _band(fresh) == (5, 50)
    shown = client.get(f"{PROPOSALS}/{pid}", headers=auth).json()
    assert (shown["state"], shown["waiting_for"]) == ("executed", "nothing")
    assert shown["stage"]["tx_hash"] == executed.stage.tx_hash
    again = _submit(client, fresh, pid)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "wrong_stage")
