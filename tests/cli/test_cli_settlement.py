"""On-exchange settlement through the CLI: a seller's signed consent file or its standing mandate, atomic and
trade-by-trade batches, revenue shares held for an inactive recipient (claimed, or released by the authority once
it is revoked), and the refusals (exit 1 naming the contract error, nothing changed) or usage errors (exit 2,
nothing sent) when consent is missing or wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from ledger.client import dev_account
from tests.cli.conftest import Cli
from tests.cli.test_cli_operations import _balances, _register, _write

#: Licence terms with a fixed start, so that a trade file reads the same when the seller signs and the exchange settles.
TERMS = {"purpose": 1101, "start": "2035-01-01", "days": 30, "regions": [450000]}


def _trade(asset: int, trade_id: str, **overrides: Any) -> dict[str, Any]:
    return {"trade_id": trade_id, "asset_id": asset, "seller": "4", "buyer": "5", "price": "1000", "fee": "10",
            "terms": TERMS, **overrides}  # fmt: skip


def _consent(cli: Cli, tmp_path: Path, name: str, trades: Any, min_net: str, seller: str = "4") -> str:
    out = tmp_path / f"{name}.consent.json"
    cli.ok("trade", "consent", _write(tmp_path, f"{name}.json", trades), "--exchange", "2", "--min-net", min_net,
           "--out", str(out), "--as", seller)  # fmt: skip
    return str(out)


def test_a_seller_signs_a_consent_file_and_the_exchange_settles_with_it_once(chain: Cli, tmp_path: Path) -> None:
    asset = _register(chain, "consent")
    chain.ok("asset", "shares", str(asset), "--right", "processing", "--set", "6=1000", "--as", "4")
    trade = _trade(asset, "order 1")

    # Without the seller's consent there is nothing to settle with: a usage error, nothing sent.
    missing = chain.refused("trade", "settle", _write(tmp_path, "t.json", trade), "--as", "2", code=2)
    assert "needs its seller's consent" in missing.stderr
    not_seller = chain.refused("trade", "consent", _write(tmp_path, "t.json", trade), "--exchange", "2",
                               "--min-net", "0", "--as", "5", code=2)  # fmt: skip
    assert "only its seller consents" in not_seller.stderr

    consent = _consent(chain, tmp_path, "one", trade, "891")
    signed = json.loads(Path(consent).read_text())
    assert (signed["seller"], signed["exchange"]) == (dev_account(4).address, dev_account(2).address)
    assert signed["sales"][0]["min_net"] == "891.00" and len(signed["sales"]) == 1

    settled = chain.json("trade", "settle", "--consent", consent, "--as", "2")
    row = settled["trades"][0]
    assert (row["price"], row["fee"], row["seller_amount"], row["mandate_id"]) == (100_000, 1_000, 89_100, None)
    assert row["revenue_shares"] == [{"recipient": dev_account(6).address, "amount": 9_900, "held": False}]
    assert settled["refused"] == []
    shown = chain.json("license", "show", str(row["license_id"]))
    assert (shown["licensee"], shown["sold"]) == (dev_account(5).address, True)
    # The buyer paid for it: its licensor cannot revoke it.
    take_back = chain.refused("license", "revoke", str(row["license_id"]), "--reason", "changed my mind", "--as", "4")
    assert f"LicenseSold(licenseId={row['license_id']}, account={dev_account(4).address})" in take_back.stderr
    assert _balances(chain, "4", "5", "6", "2") == [89_100, 10_000_000 - 100_000, 9_900, 1_000]

    again = chain.refused("trade", "settle", "--consent", consent, "--as", "2")
    assert "SettlementTradeAlreadySettled(tradeId=0x" + keccak(text="order 1").hex() in again.stderr
    other_exchange = chain.refused("trade", "settle", "--consent", consent, "--as", "3", code=2)
    assert f"lets {dev_account(2).address} settle these sales" in other_exchange.stderr


def test_the_exchange_cannot_settle_below_the_sellers_least_net_or_other_terms(chain: Cli, tmp_path: Path) -> None:
    asset = _register(chain, "least net")
    chain.ok("asset", "shares", str(asset), "--right", "processing", "--set", "6=1000", "--as", "4")
    trade = _trade(asset, "order 9")
    consent = _consent(chain, tmp_path, "greedy", trade, "891.01")  # one fen more than the sale nets
    before = _balances(chain, "4", "5", "6", "2")
    below = chain.refused("trade", "settle", "--consent", consent, "--as", "2")
    assert "SettlementBelowMinimum(tradeId=0x" in below.stderr and "sellerAmount=89100, minNet=89101" in below.stderr
    assert _balances(chain, "4", "5", "6", "2") == before

    # The exchange's own file with other terms than the seller signed: refused before anything is sent.
    longer = _trade(asset, "order 9", terms={**TERMS, "days": 365})
    differs = chain.refused("trade", "settle", _write(tmp_path, "longer.json", longer), "--consent", consent,
                            "--as", "2", code=2)  # fmt: skip
    assert "differs from the sale" in differs.stderr

    # A cheaper price is the exchange's to set, but the least net amount still binds it.
    fair = _consent(chain, tmp_path, "fair", trade, "800")
    cheaper = _write(tmp_path, "cheaper.json", dict(trade, price="900"))
    settled = chain.json("trade", "settle", cheaper, "--consent", fair, "--as", "2")["trades"][0]
    assert (settled["price"], settled["seller_amount"]) == (90_000, 80_100)


def test_batches_settle_all_or_none_or_trade_by_trade_reporting_refusals(chain: Cli, tmp_path: Path) -> None:
    asset = _register(chain, "batch")
    first = _consent(chain, tmp_path, "first", _trade(asset, "order 1"), "0")
    chain.ok("trade", "settle", "--consent", first, "--as", "2")
    batch = [_trade(asset, "order 2"), _trade(asset, "order 1")]  # the second settled above
    consent = _consent(chain, tmp_path, "batch", batch, "0")
    before = _balances(chain, "4", "5", "2")

    failed = chain.refused("trade", "settle", "--consent", consent, "--as", "2")
    assert "SettlementBatchItemFailed(index=1" in failed.stderr
    assert "reason=SettlementTradeAlreadySettled(" in failed.stderr
    assert _balances(chain, "4", "5", "2") == before

    partial = chain.json("trade", "settle", "--consent", consent, "--non-atomic", "--as", "2")
    assert [t["trade_id"] for t in partial["trades"]] == ["0x" + keccak(text="order 2").hex()]
    assert [(r["index"], r["trade_id"], r["error"]["name"]) for r in partial["refused"]] == [
        (1, "0x" + keccak(text="order 1").hex(), "SettlementTradeAlreadySettled")
    ]
    assert _balances(chain, "4", "5", "2") == [before[0] + 99_000, before[1] - 100_000, before[2] + 1_000]

    # A consent covers exactly its sales: settling only one of the two it signed is a usage error.
    only_one = chain.refused("trade", "settle", _write(tmp_path, "one.json", [batch[0]]), "--consent", consent,
                             "--as", "2", code=2)  # fmt: skip
    assert "covers 2 sale(s)" in only_one.stderr


def test_a_standing_mandate_lets_the_exchange_sell_until_the_seller_revokes_it(chain: Cli, tmp_path: Path) -> None:
    asset = _register(chain, "mandate")
    # In force until after the licences' fixed start: a licence sold under a mandate starts by its expiry.
    granted = chain.json("mandate", "grant", str(asset), "--exchange", "2", "--min-net", "500", "--max-days", "60",
                         "--purpose", "1101", "--region", "450000", "--expiry", "2035-02-01", "--as", "4")  # fmt: skip
    mandate_id = granted["mandate_id"]
    assert (granted["status"], granted["max_duration"], granted["min_net"]) == ("in force", 60 * 86_400, "500.00")
    listed = chain.json("mandate", "list", "--seller", "4")
    assert [m["mandate_id"] for m in listed] == [mandate_id]

    trades = [_trade(asset, "m1"), _trade(asset, "m2", price="600", fee="0")]
    settled = chain.json("trade", "settle", _write(tmp_path, "m.json", trades), "--mandate", mandate_id, "--as", "2")
    assert [t["mandate_id"] for t in settled["trades"]] == [mandate_id, mandate_id]

    too_long = _trade(asset, "m3", terms={**TERMS, "days": 90})
    refused = chain.refused("trade", "settle", _write(tmp_path, "long.json", too_long), "--mandate", mandate_id,
                            "--as", "2")  # fmt: skip
    assert f"MandateDuration(mandateId={mandate_id}" in refused.stderr
    late = _trade(asset, "m6", terms={**TERMS, "start": "2035-03-01"})
    too_late = chain.refused("trade", "settle", _write(tmp_path, "late.json", late), "--mandate", mandate_id,
                             "--as", "2")  # fmt: skip
    assert f"MandateLateStart(mandateId={mandate_id}" in too_late.stderr
    outside = _trade(asset, "m4", terms={**TERMS, "purpose": 7})
    no_mandate = chain.refused("trade", "settle", _write(tmp_path, "out.json", outside), "--mandate", mandate_id,
                               "--as", "2", code=2)  # fmt: skip
    assert "lies within no mandate" in no_mandate.stderr

    stranger = chain.refused("mandate", "revoke", mandate_id, "--as", "5")
    assert f"MandateNotSeller(mandateId={mandate_id}, caller={dev_account(5).address})" in stranger.stderr
    chain.ok("mandate", "revoke", mandate_id, "--as", "4")
    assert chain.json("mandate", "show", mandate_id)["status"] == "revoked"
    assert chain.json("mandate", "list", "--in-force") == []
    revoked = chain.refused("trade", "settle", _write(tmp_path, "m5.json", _trade(asset, "m5")), "--mandate",
                            mandate_id, "--as", "2")  # fmt: skip
    assert f"MandateUnknown(mandateId={mandate_id})" in revoked.stderr


def test_an_inactive_recipients_share_is_held_and_claimed_once_reinstated(chain: Cli, tmp_path: Path) -> None:
    asset = _register(chain, "held")
    chain.ok("asset", "shares", str(asset), "--right", "processing", "--set", "6=1000", "--as", "4")
    chain.ok("participant", "suspend", "6", "--reason", "inspection")
    consent = _consent(chain, tmp_path, "held", _trade(asset, "held 1"), "0")
    row = chain.json("trade", "settle", "--consent", consent, "--as", "2")["trades"][0]
    assert row["revenue_shares"] == [{"recipient": dev_account(6).address, "amount": 9_900, "held": True}]
    assert chain.json("trade", "held", "6")["held"] == 9_900
    assert _balances(chain, "6") == [0]

    inactive = chain.refused("trade", "claim", "--as", "6")
    assert f"ParticipantNotActive(account={dev_account(6).address}, status=2)" in inactive.stderr
    chain.ok("participant", "reinstate", "6", "--reason", "rectified")
    assert chain.json("trade", "claim", "--as", "6")["amount"] == 9_900
    assert (_balances(chain, "6"), chain.json("trade", "held", "6")["held"]) == ([9_900], 0)
    nothing = chain.refused("trade", "claim", "--as", "6")
    assert f"SettlementNothingHeld(account={dev_account(6).address})" in nothing.stderr


def test_a_revoked_recipients_held_share_is_released_by_the_authority(chain: Cli, tmp_path: Path) -> None:
    asset = _register(chain, "released")
    chain.ok("asset", "shares", str(asset), "--right", "processing", "--set", "6=1000", "--as", "4")
    chain.ok("participant", "suspend", "6", "--reason", "inspection")
    consent = _consent(chain, tmp_path, "released", _trade(asset, "released 1"), "0")
    chain.ok("trade", "settle", "--consent", consent, "--as", "2")
    assert chain.json("trade", "held", "6")["held"] == 9_900

    suspended = chain.refused("trade", "release-held", "6", "--to", "4", "--decision", "decision 7")
    assert f"SettlementNotRevoked(account={dev_account(6).address}, status=2)" in suspended.stderr
    chain.ok("participant", "revoke", "6", "--reason", "dissolved")
    not_authority = chain.refused("trade", "release-held", "6", "--to", "4", "--decision", "decision 7", "--as", "4")
    assert f"ParticipantUnauthorized(account={dev_account(4).address}" in not_authority.stderr
    before = _balances(chain, "4")[0]
    released = chain.json("trade", "release-held", "6", "--to", "4", "--decision", "decision 7")
    assert {k: released[k] for k in ("recipient", "to", "amount")} == {
        "recipient": dev_account(6).address, "to": dev_account(4).address, "amount": 9_900,
    }  # fmt: skip
    assert (_balances(chain, "4")[0] - before, chain.json("trade", "held", "6")["held"]) == (9_900, 0)
    nothing = chain.refused("trade", "release-held", "6", "--to", "4", "--decision", "decision 7")
    assert f"SettlementNothingHeld(account={dev_account(6).address})" in nothing.stderr
    bad = chain.refused("trade", "release-held", "6", "--to", "4", "--decision", "0x12", code=2)
    assert "--decision" in bad.stderr


def test_an_invalidated_nonce_withdraws_the_consent(chain: Cli, tmp_path: Path) -> None:
    asset = _register(chain, "withdrawn")
    out = tmp_path / "c.json"
    chain.ok("trade", "consent", _write(tmp_path, "t.json", _trade(asset, "w1")), "--exchange", "2",
             "--min-net", "0", "--nonce", "77", "--out", str(out), "--as", "4")  # fmt: skip
    chain.ok("trade", "invalidate-nonce", "77", "--as", "4")
    withdrawn = chain.refused("trade", "settle", "--consent", str(out), "--as", "2")
    assert f"SettlementNonceUsed(account={dev_account(4).address}, nonce=77)" in withdrawn.stderr
    reused = chain.refused("trade", "consent", _write(tmp_path, "t.json", _trade(asset, "w2")), "--exchange", "2",
                           "--min-net", "0", "--nonce", "77", "--as", "4")  # fmt: skip
    assert "nonce 77" in reused.stderr and "already used" in reused.stderr
