"""The public-data opening list (开放重点清单, art. 10) through the CLI: the authority (the dev council) publishes a
year's list from a JSON or YAML file; a department links the public-data asset it registered (no one else can: a
contract refusal exits 1 naming its error); the entry is shown opened by a licence of the asset (a licence of another
asset is no evidence) or by the exchange's listing of it; the authority withdraws an entry. A bad list file or bad
options exit 2 before anything is sent; nothing changes either way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ledger.client import dev_account
from tests.cli.conftest import Cli
from tests.cli.test_cli_listing import _nonces
from tests.cli.test_cli_operations import _register, _write

YEAR = 2036


def _list(**overrides: Any) -> dict[str, Any]:
    """The list of 2036: data holders 4 (two entries) and 5 (one)."""
    return {
        "year": YEAR, "list_hash": "public-data opening list 2036",
        "entries": [
            {"department": "4", "description_hash": "bus and metro ridership", "target_date": "+180d"},
            {"department": "5", "description_hash": "freight volumes", "target_date": "+270d"},
            {"department": "4", "description_hash": "parking spaces", "target_date": "+300d"},
        ],
        **overrides,
    }  # fmt: skip


def _publish(cli: Cli, tmp_path: Path) -> list[int]:
    published = cli.json("opening", "publish", _write(tmp_path, "list.json", _list()))
    assert published["year"] == YEAR and len(published["entry_ids"]) == 3
    return [int(i) for i in published["entry_ids"]]


def _public_licence(cli: Cli, asset: int) -> int:
    """The authorised operation's licence of public ``asset`` (held by 4), to 6."""
    cli.ok("asset", "authorise-operation", str(asset), "--operator", "6", "--purpose", "2001", "--latest-end", "+365d",
           "--decision", "operation decision")  # fmt: skip
    return int(cli.json("license", "grant", str(asset), "--to", "6", "--right", "operation", "--purpose", "2001",
                        "--region", "450000", "--days", "300", "--as", "4")["license_id"])  # fmt: skip


def test_the_department_links_its_asset_and_the_entry_is_opened_by_a_licence(chain: Cli, tmp_path: Path) -> None:
    first, second, _ = _publish(chain, tmp_path)
    shown = chain.json("opening", "show", str(first))
    assert (shown["status"], shown["department"], shown["year"], shown["overdue"]) == (
        "planned", dev_account(4).address, YEAR, False,
    )  # fmt: skip
    assert shown["asset_id"] is None and shown["evidence"] is None
    asset = _register(chain, "opening", category="public")
    enterprise = _register(chain, "opening enterprise")

    # Another data holder is not the entry's department; an enterprise asset is no public data.
    stranger = chain.refused("opening", "link", str(first), str(asset), "--as", "5")
    assert f"OpeningNotDepartment(entryId={first}, caller={dev_account(5).address})" in stranger.stderr
    not_public = chain.refused("opening", "link", str(first), str(enterprise), "--as", "4")
    assert f"OpeningInvalidAsset(entryId={first}, assetId={enterprise})" in not_public.stderr
    linked = chain.json("opening", "link", str(first), str(asset), "--as", "4")
    assert (linked["entry_id"], linked["asset_id"], linked["status"]) == (first, asset, "registered")
    assert chain.json("opening", "show", str(first))["asset_id"] == asset

    # A licence of another asset shows nothing; one of the entry's asset opens it.
    other = int(chain.json("license", "grant", str(enterprise), "--to", "6", "--purpose", "1101", "--region",
                           "450000", "--as", "4")["license_id"])  # fmt: skip
    bad = chain.refused("opening", "opened", str(first), "--licence", str(other), "--as", "6")
    assert f"OpeningNoEvidence(entryId={first})" in bad.stderr
    licence = _public_licence(chain, asset)
    opened = chain.json("opening", "opened", str(first), "--licence", str(licence), "--as", "6")
    assert (opened["status"], opened["evidence"], opened["licence_id"], opened["asset_id"]) == (
        "opened", "licence", licence, asset,
    )  # fmt: skip
    shown = chain.json("opening", "show", str(first))
    assert shown["status"] == "opened"
    assert shown["evidence"] == {"kind": "licence", "by": dev_account(6).address, "licence_id": licence}
    human = chain.ok("opening", "show", str(first)).stdout
    assert f"opening-list entry #{first} of {YEAR}" in human and f"by licence #{licence}" in human
    twice = chain.refused("opening", "opened", str(first), "--licence", str(licence), "--as", "6")
    assert f"OpeningInvalidStatus(entryId={first}, status=3)" in twice.stderr

    # The list, filtered by year, department and status.
    listed = chain.json("opening", "list", "--year", str(YEAR))["entries"]
    assert [(r["entry_id"], r["status"]) for r in listed] == [(first, "opened"), (second, "planned"),
                                                              (second + 1, "planned")]  # fmt: skip
    theirs = chain.json("opening", "list", "--year", str(YEAR), "--department", "5")["entries"]
    assert [r["entry_id"] for r in theirs] == [second]
    assert [r["entry_id"] for r in chain.json("opening", "list", "--status", "opened")["entries"]] == [first]
    assert chain.json("opening", "list", "--year", "2199")["entries"] == []
    assert "no opening-list entries" in chain.ok("opening", "list", "--year", "2199").stdout


def test_an_entry_is_opened_by_a_listing_and_the_authority_withdraws_another(chain: Cli, tmp_path: Path) -> None:
    first, _, third = _publish(chain, tmp_path)
    asset = _register(chain, "opening listed", category="public")
    chain.ok("opening", "link", str(first), str(asset), "--as", "4")
    chain.ok("trade", "price-band", "dataset", "--min", "100", "--max", "100000")
    signed_file = tmp_path / "listing.signed.json"
    listing = {
        "seller": "4", "asset_id": asset, "terms": {"purpose": 1101, "regions": [450000]},
        "listing_id": "opening listing", "min_price": "500", "max_price": "2000", "min_net": "400",
        "end": "+60d", "max_days": 60, "document_hash": "opening listing document",
    }  # fmt: skip
    chain.ok("listing", "sign", _write(tmp_path, "listing.json", listing), "--exchange", "2", "--out",
             str(signed_file), "--as", "4")  # fmt: skip
    signed = json.loads(signed_file.read_text())
    # Not listed yet: no evidence.
    unlisted = chain.refused("opening", "opened", str(first), "--listing", str(signed_file), "--as", "6")
    assert f"OpeningNoEvidence(entryId={first})" in unlisted.stderr
    key = chain.json("listing", "list", str(signed_file), "--as", "2")["listing_key"]
    opened = chain.json("opening", "opened", str(first), "--listing", key, "--as", "6")
    assert (opened["evidence"], opened["listing_key"], opened["asset_id"]) == ("listing", key, asset)
    assert key == signed["listing_key"]
    assert chain.json("opening", "show", str(first))["evidence"]["listing_key"] == key

    # Withdrawing is the authority's (the dev council by default): a data holder cannot.
    holder = chain.refused("opening", "withdraw", str(third), "--reason", "merged", "--as", "4")
    assert "ParticipantUnauthorized(" in holder.stderr
    withdrawn = chain.json("opening", "withdraw", str(third), "--reason", "merged into the first entry")
    assert (withdrawn["entry_id"], withdrawn["status"]) == (third, "withdrawn")
    shown = chain.json("opening", "show", str(third))
    assert shown["status"] == "withdrawn" and shown["withdrawal_reason_hash"].startswith("0x")
    opened_one = chain.refused("opening", "withdraw", str(first), "--reason", "too late")
    assert f"OpeningInvalidStatus(entryId={first}, status=3)" in opened_one.stderr
    assert [r["entry_id"] for r in chain.json("opening", "list", "--status", "withdrawn")["entries"]] == [third]


def test_a_yaml_list_is_published_too(chain: Cli, tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text(
        f"year: {YEAR}\nlist_hash: yaml list\nentries:\n"
        "  - department: '5'\n    description_hash: river levels\n    target_date: 2040-01-01\n"
    )
    published = chain.json("opening", "publish", str(path))
    [entry] = published["entry_ids"]
    assert published["entries"][0]["department"] == dev_account(5).address
    shown = chain.json("opening", "show", str(entry))
    assert (shown["year"], shown["department"], shown["status"]) == (YEAR, dev_account(5).address, "planned")


def test_bad_input_is_a_usage_error_and_sends_nothing(chain: Cli, tmp_path: Path) -> None:
    nonces = _nonces(chain, 0, 4, 6)
    entry = {"department": "4", "description_hash": "x", "target_date": "+30d"}
    cases: list[tuple[tuple[str, ...], str]] = [
        (("publish", _write(tmp_path, "a.json", _list(colour="red"))), "unknown field(s) colour"),
        (("publish", _write(tmp_path, "b.json", _list(year=1999))), "is not a year from 2000 to 2199"),
        (("publish", _write(tmp_path, "c.json", _list(entries=[]))), "expected a non-empty list of entries"),
        (("publish", _write(tmp_path, "d.json", _list(entries=[{**entry, "target_date": "2001-01-01"}]))),
         "is not in the future"),
        (("publish", _write(tmp_path, "e.json", _list(entries=[{**entry, "target_date": "soon"}]))),
         "is not a time"),
        (("publish", _write(tmp_path, "f.json", _list(entries=[{**entry, "department": "nobody"}]))),
         "entries[0].department"),
        (("publish", _write(tmp_path, "g.json", _list(entries=[{**entry, "size": 3}]))), "unknown field(s) size"),
        (("publish", _write(tmp_path, "h.json", {k: v for k, v in _list().items() if k != "list_hash"})),
         "missing 'list_hash'"),
        (("publish", str(tmp_path / "missing.json")), "cannot read"),
        (("opened", "1"), "give --licence or --listing"),
        (("opened", "1", "--licence", "1", "--listing", "0x" + "ab" * 32), "give --licence or --listing"),
        (("opened", "1", "--licence", "1", "--exchange", "2"), "--exchange goes with --listing"),
        (("opened", "1", "--listing", "0x" + "ab" * 32), "was ever listed here"),
        (("withdraw", "1", "--reason", "0x" + "00" * 32), "the reason's hash is zero"),
        (("list", "--status", "late"), "is not one of"),
        (("show", "0"), "greater than or equal to 1"),
    ]  # fmt: skip
    for args, message in cases:
        acting = ("--as", "4") if args[0] not in ("list", "show") else ()
        result = chain.refused("opening", *args, *acting, code=2)
        assert message in " ".join(result.stderr.replace("│", " ").split()), (args, result.stderr)
    (tmp_path / "broken.json").write_text("{not json")
    assert "is not JSON" in chain.refused("opening", "publish", str(tmp_path / "broken.json"), code=2).stderr
    (tmp_path / "broken.yaml").write_text("year: [2036\n")
    assert "is not YAML" in chain.refused("opening", "publish", str(tmp_path / "broken.yaml"), code=2).stderr
    unknown = chain.refused("opening", "show", "999")
    assert "no opening-list entry #999" in unknown.stderr
    assert _nonces(chain, 0, 4, 6) == nonces
