"""Exchange listings (挂牌, art. 16-17) through the CLI: the seller signs a listing file for the exchange, which lists
it, settles trades under it (within its price range) and delists it; the seller withdraws another for good. A
contract's refusal exits 1 naming its error; a bad listing file, a missing signature or a trade the listing does not
sell exit 2 before anything is sent; nothing changes either way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eth_account import Account

from ledger.client import dev_account
from tests.cli.conftest import Cli
from tests.cli.test_cli_operations import _balances, _register, _write

#: Licence terms of the trades sold under the listings: the listings' template, a fixed 30-day period.
TERMS = {"purpose": 1101, "start": "2035-01-01", "days": 30, "regions": [450000]}


def _listing(asset: int, label: str, **overrides: Any) -> dict[str, Any]:
    """Processing licences of ``asset`` (held by 4), at most 60 days each, at 500 to 2,000 yuan, until mid-2035."""
    return {
        "seller": "4", "asset_id": asset, "terms": {"purpose": 1101, "regions": [450000]}, "listing_id": label,
        "min_price": "500", "max_price": "2000", "min_net": "400", "end": "2035-06-01", "max_days": 60,
        "document_hash": f"{label} document", **overrides,
    }  # fmt: skip


def _trade(asset: int, trade_id: str, **overrides: Any) -> dict[str, Any]:
    return {"trade_id": trade_id, "asset_id": asset, "seller": "4", "buyer": "5", "price": "1000", "fee": "10",
            "terms": TERMS, **overrides}  # fmt: skip


def _sign(cli: Cli, tmp_path: Path, name: str, listing: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The seller (4) signs ``listing`` for the exchange (2): the signed file and its contents."""
    out = tmp_path / f"{name}.signed.json"
    cli.ok("listing", "sign", _write(tmp_path, f"{name}.json", listing), "--exchange", "2", "--out", str(out),
           "--as", "4")  # fmt: skip
    return str(out), json.loads(out.read_text())


def _nonces(cli: Cli, *accounts: int) -> list[int]:
    with cli.rpc() as rpc:
        return [int(rpc.call("eth_getTransactionCount", [dev_account(a).address, "latest"]), 16) for a in accounts]


def test_the_exchange_lists_a_signed_listing_and_settles_under_it_until_it_delists(chain: Cli, tmp_path: Path) -> None:
    asset = _register(chain, "listed")
    signed_file, signed = _sign(chain, tmp_path, "one", _listing(asset, "listing 1"))
    assert (signed["seller"], signed["exchange"]) == (dev_account(4).address, dev_account(2).address)
    assert (signed["min_price"], signed["max_duration"], signed["version"]) == ("500.00", 60 * 86_400, 1)
    assert signed["terms"]["start"] == 0 and len(bytes.fromhex(signed["signature"][2:])) == 65
    # Without --json, the first line printed is the signature.
    again = chain.ok("listing", "sign", signed_file, "--exchange", "2", "--as", "4")
    assert again.stdout.splitlines()[0] == signed["signature"]
    key = signed["listing_key"]
    assert chain.json("listing", "show", key)["status"] == "never listed"

    # Only an exchange lists; only with the seller's signature over these very terms.
    not_exchange = chain.refused("listing", "list", signed_file, "--as", "6")
    assert f"ParticipantUnauthorized(account={dev_account(6).address}" in not_exchange.stderr
    forged = Account.unsafe_sign_hash(bytes.fromhex(signed["digest"][2:]), dev_account(5).key).signature
    someone_else = chain.refused("listing", "list", signed_file, "--signature", "0x" + bytes(forged).hex(),
                                 "--as", "2")  # fmt: skip
    assert (f"ListingBadSignature(seller={dev_account(4).address}, recovered={dev_account(5).address})"
            in someone_else.stderr)  # fmt: skip
    dearer = _write(tmp_path, "dearer.json", {**signed, "max_price": "5000.00"})
    assert "ListingBadSignature" in chain.refused("listing", "list", dearer, "--as", "2").stderr
    assert chain.json("listing", "show", key)["status"] == "never listed"

    listed = chain.json("listing", "list", signed_file, "--as", "2")
    assert (listed["listing_key"], listed["version"], listed["seller"]) == (key, 1, dev_account(4).address)
    shown = chain.json("listing", "show", key)
    assert (shown["status"], shown["version"], shown["exchange"]) == ("listed", 1, dev_account(2).address)
    assert len(bytes.fromhex(shown["digest"][2:])) == 28 and any(bytes.fromhex(shown["digest"][2:]))
    assert shown["listing"]["listing_id"] == signed["listing_id"]
    human = chain.ok("listing", "show", key).stdout
    assert f"listing (挂牌) {key}: listed at version 1" in human and "at most 60 day(s) each" in human

    before = _balances(chain, "4", "5", "2")
    settled = chain.json("listing", "settle", _write(tmp_path, "t1.json", _trade(asset, "order 1")), "--listing", key,
                         "--as", "2")  # fmt: skip
    [row] = settled["trades"]
    assert (row["listing_key"], row["price"], row["seller_amount"]) == (key, 100_000, 99_000)
    assert _balances(chain, "4", "5", "2") == [before[0] + 99_000, before[1] - 100_000, before[2] + 1_000]
    # By the signed file too; above the listing's price range, refused.
    top = chain.ok("listing", "settle", _write(tmp_path, "t2.json", _trade(asset, "order 2", price="2000")),
                   "--listing", signed_file, "--as", "2")  # fmt: skip
    assert f"under listing {key} (挂牌)" in top.stdout and "price ¥2,000.00" in top.stdout
    dear = chain.refused("listing", "settle", _write(tmp_path, "t3.json", _trade(asset, "order 3", price="2500")),
                         "--listing", key, "--as", "2")  # fmt: skip
    assert "ListingPriceOutOfRange(" in dear.stderr and "price=250000" in dear.stderr
    # A trade the listing does not sell (another purpose) is a usage error: nothing is sent.
    nonces = _nonces(chain, 2)
    other = _trade(asset, "order 4", terms={**TERMS, "purpose": 7})
    usage = chain.refused("listing", "settle", _write(tmp_path, "t4.json", other), "--listing", key, "--as", "2",
                          code=2)  # fmt: skip
    assert "is not what listing" in usage.stderr and _nonces(chain, 2) == nonces

    stranger = chain.refused("listing", "delist", key, "--as", "6")
    assert f"ParticipantUnauthorized(account={dev_account(6).address}" in stranger.stderr
    delisted = chain.json("listing", "delist", key, "--reason", "delisting notice", "--as", "2")
    assert (delisted["listing_key"], delisted["version"], delisted["withdrawn"]) == (key, 1, False)
    assert chain.json("listing", "show", key)["status"] == "delisted"
    after = chain.refused("listing", "settle", _write(tmp_path, "t5.json", _trade(asset, "order 5")), "--listing",
                          key, "--as", "2")  # fmt: skip
    assert "ListingNotListed(" in after.stderr


def test_the_seller_withdraws_its_listing_for_good(chain: Cli, tmp_path: Path) -> None:
    asset = _register(chain, "withdrawn")
    signed_file, signed = _sign(chain, tmp_path, "two", _listing(asset, "listing 2"))
    key = chain.json("listing", "list", signed_file, "--as", "2")["listing_key"]
    # The exchange amends it: a higher version the seller signed again.
    amended_file, _ = _sign(chain, tmp_path, "two-v2", _listing(asset, "listing 2", version=2, max_price="3000"))
    assert chain.json("listing", "list", amended_file, "--as", "2")["version"] == 2
    stale = chain.refused("listing", "withdraw", signed_file, "--as", "4")  # version 1 is no longer the listing's
    assert "ListingNotListed(" in stale.stderr

    stranger = chain.refused("listing", "withdraw", key, "--as", "5")
    assert f"ListingNotSeller(listingId={signed['listing_id']}, caller={dev_account(5).address})" in stranger.stderr
    withdrawn = chain.json("listing", "withdraw", key, "--reason", "no longer for sale", "--as", "4")
    assert (withdrawn["version"], withdrawn["withdrawn"], withdrawn["by"]) == (2, True, dev_account(4).address)
    shown = chain.json("listing", "show", key)
    assert (shown["status"], shown["version"]) == ("withdrawn", 2**32 - 1)
    # For good: not even a higher version the seller signs lists again.
    third, _ = _sign(chain, tmp_path, "two-v3", _listing(asset, "listing 2", version=3))
    assert "ListingStaleVersion(" in chain.refused("listing", "list", third, "--as", "2").stderr


def test_bad_listings_are_usage_errors_and_change_nothing(chain: Cli, tmp_path: Path) -> None:
    asset = _register(chain, "usage")
    nonces = _nonces(chain, 2, 4)
    cases: list[tuple[tuple[str, ...], str]] = [
        (("sign", _write(tmp_path, "a.json", {**_listing(asset, "a"), "colour": "red"}), "--exchange", "2"),
         "unknown field(s) colour"),
        (("sign", _write(tmp_path, "b.json", {k: v for k, v in _listing(asset, "b").items() if k != "max_days"}),
          "--exchange", "2"), "a licence listing needs max_days"),
        (("sign", _write(tmp_path, "c.json", _listing(asset, "c", terms={**TERMS})), "--exchange", "2"),
         "has no period"),
        (("sign", _write(tmp_path, "d.json", _listing(asset, "d", max_price="many")), "--exchange", "2"),
         "is not an amount"),
        (("sign", _write(tmp_path, "e.json", _listing(asset, "e", seller="5")), "--exchange", "2"),
         "only its seller signs it"),
        (("list", _write(tmp_path, "f.json", _listing(asset, "f"))), "needs its seller's signature"),
        (("list", _write(tmp_path, "g.json", _listing(asset, "g")), "--signature", "0x1234"), "65-byte signature"),
        (("delist", "0x" + "ab" * 32), "was ever listed here"),
        (("withdraw", _write(tmp_path, "h.json", _listing(asset, "h"))), "give --exchange"),
        (("settle", _write(tmp_path, "t.json", [_trade(asset, "x")] * 2), "--listing", "0x" + "ab" * 32),
         "one trade at a time"),
        (("sign", str(tmp_path / "missing.json"), "--exchange", "2"), "cannot read"),
    ]  # fmt: skip
    for args, message in cases:
        result = chain.refused("listing", *args, "--as", "4", code=2)
        assert message in " ".join(result.stderr.replace("│", " ").split()), (args, result.stderr)
    (tmp_path / "broken.json").write_text("{not json")
    assert "is not JSON" in chain.refused("listing", "sign", str(tmp_path / "broken.json"), "--exchange", "2",
                                          "--as", "4", code=2).stderr  # fmt: skip
    assert _nonces(chain, 2, 4) == nonces
