"""``ledger license ...``: licences (授权许可) of the processing or operation right, and sublicences."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ledger.cli._params import ADDRESS_HELP, HASH_HELP, TIME_HELP, parse_choice, parse_hash, parse_time, resolve_address
from ledger.cli._session import AsOption, JsonOption, Session, emit, write_result
from ledger.cli.format import format_time, term
from ledger.contracts.types import ZERO_HASH, LicenseTerms, Right

__all__ = ["app", "license_record"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Licences (授权许可): grant, sublicense, revoke, surrender, transfer, show, valid.",
)

LicenseArg = Annotated[int, typer.Argument(help="Licence id.", min=1, show_default=False)]
ToOption = Annotated[str, typer.Option("--to", help=f"The licensee: {ADDRESS_HELP}.", show_default=False)]
RightOption = Annotated[str, typer.Option(help="processing (加工使用权) or operation (产品经营权).")]
PurposeOption = Annotated[int, typer.Option(help="Purpose code of the use licensed (0-65535).", min=0, max=65535)]
StartOption = Annotated[str, typer.Option(help=f"Start of the term: {TIME_HELP}.")]
EndOption = Annotated[
    str | None, typer.Option(help=f"End of the term, exclusive: {TIME_HELP}. Default: start + --days.")
]
DaysOption = Annotated[int, typer.Option(help="Length of the term in days when --end is not given.", min=1)]
RegionOption = Annotated[
    list[int] | None, typer.Option("--region", help="Region code where the licence applies; repeat for several.")
]
CountryOption = Annotated[
    list[str] | None,
    typer.Option("--country", help="ISO country code outside China (cross-border use, 跨境); repeat for several."),
]
ExclusiveOption = Annotated[bool, typer.Option("--exclusive", help="Exclusive for its right, purpose and term.")]
SublicensableOption = Annotated[bool, typer.Option("--sublicensable", help="The licensee may sublicense.")]
TransferableOption = Annotated[bool, typer.Option("--transferable", help="The licensee may transfer it.")]
TermsOption = Annotated[str | None, typer.Option("--terms", help=f"The licence contract: {HASH_HELP}.")]


def build_terms(
    s: Session,
    *,
    right: str,
    purpose: int,
    start: str,
    end: str | None,
    days: int,
    regions: list[int] | None,
    countries: list[str] | None,
    exclusive: bool,
    sublicensable: bool,
    transferable: bool,
    terms: str | None,
) -> LicenseTerms:
    begin = parse_time(start, s.chain_time, "--start")
    finish = parse_time(end, s.chain_time, "--end") if end is not None else begin + days * 86400
    return LicenseTerms(
        right=parse_choice(Right, right, "--right"),
        purpose=purpose,
        start=begin,
        end=finish,
        regions=tuple(regions or ()),
        countries=tuple(c.upper() for c in countries or ()),
        exclusive=exclusive,
        sublicensable=sublicensable,
        transferable=transferable,
        terms_hash=parse_hash(terms, "--terms") if terms is not None else ZERO_HASH,
    )


def describe_terms(t: LicenseTerms) -> str:
    territory = ", ".join([*(str(r) for r in t.regions), *t.countries]) or "nowhere"
    flags = [n for n, on in (("exclusive", t.exclusive), ("sublicensable", t.sublicensable),
                             ("transferable", t.transferable)) if on]  # fmt: skip
    return (
        f"{term(t.right)}, purpose {t.purpose}, {format_time(t.start)} to {format_time(t.end)}, "
        f"territory {territory}" + (f", {', '.join(flags)}" if flags else "")
    )


@app.command()
def grant(
    asset_id: Annotated[int, typer.Argument(help="Asset id.", min=1, show_default=False)],
    to: ToOption,
    right: RightOption = "processing",
    purpose: PurposeOption = 0,
    start: StartOption = "now",
    end: EndOption = None,
    days: DaysOption = 365,
    region: RegionOption = None,
    country: CountryOption = None,
    exclusive: ExclusiveOption = False,
    sublicensable: SublicensableOption = False,
    transferable: TransferableOption = False,
    terms: TermsOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Grant a licence of a right you hold on an asset; prints the licence id.

    Over public data only the authorised operation the authority approved (`ledger asset authorise-operation`);
    other licences of public data are sold on an exchange.
    """
    with Session() as s:
        licensee = resolve_address(s.settings, to, "--to")
        t = build_terms(s, right=right, purpose=purpose, start=start, end=end, days=days, regions=region,
                        countries=country, exclusive=exclusive, sublicensable=sublicensable,
                        transferable=transferable, terms=terms)  # fmt: skip
        client = s.client(actor)
        result = client.execute(client.prepare("AssetRegistry", "grantLicense", asset_id, licensee, t.as_abi()))
        license_id = int(result.event("LicenseGranted")["licenseId"])
        write_result(
            result,
            {"license_id": license_id, "asset_id": asset_id, "licensee": licensee},
            [f"licence (授权许可) #{license_id} on asset #{asset_id} granted to {licensee}: {describe_terms(t)}"],
            as_json,
        )


@app.command()
def sublicense(
    parent_id: Annotated[int, typer.Argument(help="Your licence to sublicense.", min=1, show_default=False)],
    to: ToOption,
    right: RightOption = "processing",
    purpose: PurposeOption = 0,
    start: StartOption = "now",
    end: EndOption = None,
    days: DaysOption = 365,
    region: RegionOption = None,
    country: CountryOption = None,
    exclusive: ExclusiveOption = False,
    sublicensable: SublicensableOption = False,
    transferable: TransferableOption = False,
    terms: TermsOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Sublicense (转授权) within your sublicensable licence (same right and purpose, within its term)."""
    with Session() as s:
        licensee = resolve_address(s.settings, to, "--to")
        t = build_terms(s, right=right, purpose=purpose, start=start, end=end, days=days, regions=region,
                        countries=country, exclusive=exclusive, sublicensable=sublicensable,
                        transferable=transferable, terms=terms)  # fmt: skip
        client = s.client(actor)
        result = client.execute(client.prepare("AssetRegistry", "sublicense", parent_id, licensee, t.as_abi()))
        granted = result.event("LicenseGranted")
        license_id = int(granted["licenseId"])
        write_result(
            result,
            {"license_id": license_id, "parent_id": parent_id, "asset_id": granted["assetId"], "licensee": licensee},
            [
                f"sublicence (转授权) #{license_id} under licence #{parent_id} granted to {licensee}: "
                f"{describe_terms(t)}"
            ],
            as_json,
        )


def _descendants(s: Session, license_id: int) -> list[int]:
    """Every sublicence under a licence, at any depth, in breadth-first order."""
    reader = s.reader()
    found: list[int] = []
    frontier = [license_id]
    while frontier:
        children = [c for parent in frontier for c in reader.children_of(parent)]
        found.extend(children)
        frontier = children
    return found


def _revoke(license_id: int, reason: str, actor: str | None, as_json: bool, verb: str) -> None:
    reason_hash = parse_hash(reason, "--reason")
    with Session() as s:
        result = s.client(actor).revoke_license(license_id, reason_hash)
        revoked = [int(e["licenseId"]) for e in result.find("LicenseRevoked")]
        invalid = _descendants(s, license_id)
        write_result(
            result,
            {"license_id": license_id, "revoked": revoked, "invalidated_sublicences": invalid},
            [f"{verb} licence(s) {', '.join(f'#{i}' for i in revoked)}"
             + (f"; sublicence(s) {', '.join(f'#{i}' for i in invalid)} no longer valid" if invalid else "")],
            as_json,
        )  # fmt: skip


@app.command()
def revoke(
    license_id: LicenseArg,
    reason: Annotated[str, typer.Option(help=f"The reason document: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revoke a licence (the holder of the licensed right, the parent's licensee, the authority, or the licensee
    itself); every sublicence under it is no longer valid."""
    _revoke(license_id, reason, actor, as_json, "revoked (撤销授权)")


@app.command()
def surrender(
    license_id: LicenseArg,
    reason: Annotated[str, typer.Option(help=f"The reason document: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Give up a licence you hold (the licensee); its sublicences are no longer valid."""
    _revoke(license_id, reason, actor, as_json, "surrendered (放弃授权)")


@app.command()
def transfer(
    license_id: LicenseArg,
    to: Annotated[str, typer.Option("--to", help=f"The new licensee: {ADDRESS_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Transfer a transferable licence to another participant (the licensee)."""
    with Session() as s:
        address = resolve_address(s.settings, to, "--to")
        result = s.client(actor).transfer_license(license_id, address)
        write_result(
            result,
            {"license_id": license_id, "to": address},
            [f"licence #{license_id} transferred to {address}"],
            as_json,
        )


def license_record(s: Session, license_id: int) -> dict[str, Any]:
    client = s.reader()
    lic = client.get_license(license_id)
    granted = s.find_events("AssetRegistry", "LicenseGranted", license_id)
    terms = granted[0].args["terms"] if granted else {}
    now = s.chain_time()
    return {
        "id": license_id,
        "asset_id": lic["assetId"],
        "licensee": lic["licensee"],
        "licensor": granted[0].args["licensor"] if granted else None,
        "right": Right(lic["right"]),
        "purpose": lic["purpose"],
        "start": lic["start"],
        "end": lic["end"],
        "regions": list(terms.get("regions", [])),
        "countries": [c.decode("ascii") if isinstance(c, bytes) else c for c in terms.get("countries", [])],
        "terms_hash": terms.get("termsHash"),
        "exclusive": lic["exclusive"],
        "sublicensable": lic["sublicensable"],
        "transferable": lic["transferable"],
        "cross_border": lic["crossBorder"],
        "revoked": lic["revoked"],
        "sold": lic["sold"],
        "sold_until": lic["soldUntil"] or None,
        "depth": lic["depth"],
        "parent_id": lic["parentId"],
        "children": client.children_of(license_id),
        "revoked_ancestor": _revoked_ancestor(client, lic["parentId"]),
        "valid_now": client.is_license_valid(license_id, now),
    }


def _revoked_ancestor(client: Any, parent_id: int) -> int | None:
    """The nearest revoked licence above a sublicence (it makes the sublicence invalid), None if none is."""
    while parent_id:
        parent = client.get_license(parent_id)
        if parent["revoked"]:
            return parent_id
        parent_id = parent["parentId"]
    return None


@app.command()
def show(license_id: LicenseArg, as_json: JsonOption = False) -> None:
    """Show a licence: asset, licensee, right, term, territory, flags (sold: delivered by a settlement, so its
    licensor cannot revoke it), parent and sublicences, and until when a sublicence sold under it keeps it from
    being ended."""
    with Session() as s:
        r = license_record(s, license_id)
        flags = [f for f in ("exclusive", "sublicensable", "transferable", "cross_border", "sold", "revoked") if r[f]]
        territory = ", ".join([*(str(x) for x in r["regions"]), *r["countries"]]) or "-"
        lines = [
            f"licence #{license_id} on asset #{r['asset_id']}: {'valid' if r['valid_now'] else 'NOT valid'} now",
            f"  licensee   {r['licensee']}" + (f" (from {r['licensor']})" if r["licensor"] else ""),
            f"  right      {term(r['right'])}, purpose {r['purpose']}",
            f"  term       {format_time(r['start'])} to {format_time(r['end'])}",
            f"  territory  {territory}",
            f"  flags      {', '.join(flags) or 'none'}",
            f"  parent     {'#' + str(r['parent_id']) if r['parent_id'] else 'none'} (depth {r['depth']})"
            + (f"; licence #{r['revoked_ancestor']} above it is revoked" if r["revoked_ancestor"] else ""),
            f"  sublicences {', '.join(f'#{c}' for c in r['children']) or 'none'}",
        ]
        if r["sold_until"]:
            lines.append(f"  sold under it until {format_time(r['sold_until'])}: only the authority can end it before")
        emit(r, lines, as_json)


@app.command()
def valid(
    license_id: LicenseArg,
    at: Annotated[str, typer.Option(help=f"When: {TIME_HELP}.")] = "now",
    as_json: JsonOption = False,
) -> None:
    """Whether a licence is valid at a time (not revoked, within its term, parents valid, asset registered)."""
    with Session() as s:
        when = parse_time(at, s.chain_time, "--at")
        ok = s.reader().is_license_valid(license_id, when)
        emit(
            {"license_id": license_id, "at": when, "valid": ok},
            f"licence #{license_id} is {'valid' if ok else 'NOT valid'} at {format_time(when)}",
            as_json,
        )
