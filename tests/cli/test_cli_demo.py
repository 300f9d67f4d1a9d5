"""``ledger demo`` / :func:`ledger.demo.run_demo`: the scenario on a fresh chain, then again on the same chain."""

from __future__ import annotations

import re

import pytest

from ledger.demo import ACTORS, DemoError, run_demo
from ledger.settings import LedgerSettings
from tests.cli.conftest import Cli, start_node


def _balance(summary: dict[str, object], name: str) -> int:
    balances = summary["balances"]
    assert isinstance(balances, list)
    return int(next(b["balance"] for b in balances if b["name"] == name))


def test_demo_runs_on_a_fresh_chain_and_again_on_the_same_chain(fresh_cli: Cli) -> None:
    cli = fresh_cli
    start_node(cli)  # no deployment yet: the demo deploys

    first = cli.json("demo")
    assert [p["admitted_now"] for p in first["participants"]] == [False] + [True] * (len(ACTORS) - 1)
    assert [a["label"] for a in first["assets"]] == ["public", "enterprise", "personal", "model"]
    assert all(re.fullmatch(r"DR-450000-\d{8}", a["certificate"]) for a in first["assets"])
    assert len(first["licenses"]) == 1  # the authorised-operation licence (its sublicence is sold on the exchange)
    venues = sorted(t["venue"] for t in first["trades"])
    assert len(venues) == 8 and sum("off exchange" in v for v in venues) == 1
    assert sum("under the listing" in v for v in venues) == 1
    assert sum("standing mandate" in v for v in venues) == 2
    public = [t for t in first["trades"] if t["asset_id"] == first["assets"][0]["id"]]
    # the source departments' shares are of sales of the processing right; the operation sublicence pays none
    assert sorted((t["right"], len(t["revenue_shares"])) for t in public) == [
        ("operation", 0), ("processing", 2), ("processing", 2)
    ]
    assert any("RegistryAssetFrozen" in e["text"] for e in first["events"])
    assert any("SettlementBadSignature" in e["text"] for e in first["events"])  # no sale without consent
    # The incident: paused at once by the emergency officers, a change refused meanwhile, resumed by the council.
    texts = [e["text"] for e in first["events"]]
    paused = next(i for i, t in enumerate(texts) if "trade settlement paused" in t)
    refused = next(i for i, t in enumerate(texts) if "LedgerPaused(contracts=16)" in t)
    resumed = next(i for i, t in enumerate(texts) if "trade settlement resumed" in t)
    assert paused < refused < resumed
    assert cli.json("paused")["paused"] == []
    # Its cause: the police detachment's key was exposed. Suspended at once, its key replaced by the council and
    # reinstated; the exposed key is refused after. The supervisor rotated its key on schedule.
    police, supervisor = (next(p for p in first["participants"] if p["key"] == k) for k in ("police", "supervisor"))
    replaced = next(i for i, t in enumerate(texts) if "replaced (密钥更换)" in t)
    exposed = next(i for i, t in enumerate(texts) if "ParticipantKeyReplaced" in t)
    assert texts.index(next(t for t in texts if "suspended (暂停资格)" in t)) < replaced < resumed < exposed
    assert police["address"] in texts[exposed] and police["signing_key"] in texts[replaced]
    assert any("rotated its signing key" in t and supervisor["signing_key"] in t for t in texts)
    for p in (police, supervisor):
        shown = cli.json("participant", "show", p["address"])
        assert (shown["status"], shown["signing_key"]) == ("active", p["signing_key"])
        assert p["signing_key"] != p["address"]
    exchange_fees = sum(t["fee"] for t in first["trades"])
    assert _balance(first, "Beibu Gulf Big Data Exchange") == exchange_fees

    second = cli.ok("demo")
    assert "already admitted" in second.stdout
    assert "certificate DR-450000-0000000" in second.stdout
    assert "settled (交易结算) off exchange" in second.stdout
    again = cli.json("demo")  # a third run, machine-readable
    assert not any(p["admitted_now"] for p in again["participants"])
    assert min(a["id"] for a in again["assets"]) > max(a["id"] for a in first["assets"])
    assert _balance(again, "Beibu Gulf Big Data Exchange") == 3 * exchange_fees
    # Each run finds the keys the one before changed, and changes them again.
    keys = [{p["key"]: p["signing_key"] for p in run["participants"]} for run in (first, again)]
    assert {k for k in keys[0] if keys[0][k] != keys[1][k]} == {"police", "supervisor"}
    assert again["run"] != first["run"]


def test_demo_refuses_a_chain_where_its_accounts_have_other_roles(fresh_cli: Cli) -> None:
    cli = fresh_cli
    start_node(cli)
    cli.ok("deploy")
    merchant = next(a for a in ACTORS if a.key == "merchant")
    cli.ok("participant", "admit", str(merchant.index), "--roles", "exchange", "--region", "450000", "--name", "X",
           "--credit-code", merchant.credit_code)  # fmt: skip
    result = cli.refused("demo")
    assert f"dev account {merchant.index}" in result.stderr
    assert cli.json("participant", "show", str(merchant.index))["roles"] == ["exchange"]


def test_run_demo_needs_dev_keys() -> None:
    settings = LedgerSettings(rpc_url="http://127.0.0.1:1")
    with pytest.raises(DemoError):
        run_demo(settings)
