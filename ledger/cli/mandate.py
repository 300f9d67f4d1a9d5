"""``ledger mandate ...``: standing mandates (挂牌委托) a seller gives an exchange to sell on its behalf.

A mandate names the asset, the delivery (a right, or licences cut from one template of terms, each at
most ``--max-days`` long), the least the seller nets on each sale and an expiry; its id is the hash of
these terms. The exchange settles sales within it with ``ledger trade settle FILE --mandate ID``; the
seller revokes it at any time.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Annotated, Any

import typer

from ledger.cli._files import mandate_from_json, mandate_to_json, read_json
from ledger.cli._params import (
    ADDRESS_HELP,
    AMOUNT_HELP,
    HASH_HELP,
    TIME_HELP,
    parse_amount,
    parse_choice,
    parse_hash,
    parse_time,
    resolve_address,
)
from ledger.cli._session import AsOption, JsonOption, Session, emit, write_result
from ledger.cli.format import format_time, term
from ledger.contracts.types import ZERO_HASH, Delivery, LicenseTerms, Mandate, Right, Trade

__all__ = ["app", "load_mandate", "mandate_covers", "mandate_from_event"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Standing mandates (挂牌委托) of sellers to exchanges: grant, revoke, list, show.",
)

MandateArg = Annotated[
    str, typer.Argument(help="The mandate: its id (0x + 64 hex digits) or a file of `ledger mandate show --json`.",
                        show_default=False)
]  # fmt: skip


def _countries(values: Any) -> tuple[str, ...]:
    return tuple(c.decode("ascii") if isinstance(c, bytes) else str(c) for c in values)


def _template(t: LicenseTerms) -> tuple[object, ...]:
    """What every licence sold under a mandate must match: its terms but for start and end."""
    return (Right(t.right), t.purpose, t.exclusive, t.sublicensable, t.transferable, tuple(t.regions),
            _countries(t.countries), t.terms_hash)  # fmt: skip


def mandate_covers(m: Mandate, t: Trade) -> bool:
    """Whether trade ``t`` lies within mandate ``m`` (seller, asset, delivery, right or licence template, parent
    licence); the contract also checks the exchange, the expiry and the licence's length."""
    if (m.seller, m.asset_id, m.delivery, m.parent_license_id) != (t.seller, t.asset_id, t.delivery,
                                                                    t.parent_license_id):  # fmt: skip
        return False
    if t.delivery == Delivery.RIGHT:
        return m.right == t.right
    return _template(m.terms) == _template(t.terms)


def mandate_from_event(args: dict[str, Any]) -> Mandate:
    """The mandate of a MandateGranted event."""
    m = args["mandate"]
    t = m["terms"]
    terms = LicenseTerms(
        right=Right(t["right"]), purpose=int(t["purpose"]), start=int(t["start"]), end=int(t["end"]),
        regions=tuple(int(r) for r in t["regions"]), countries=_countries(t["countries"]),
        exclusive=bool(t["exclusive"]), sublicensable=bool(t["sublicensable"]), transferable=bool(t["transferable"]),
        terms_hash=bytes(t["termsHash"]),
    )  # fmt: skip
    return Mandate(
        seller=m["seller"], exchange=m["exchange"], asset_id=int(m["assetId"]), delivery=Delivery(m["delivery"]),
        right=Right(m["right"]), min_net=int(m["minNet"]), expiry=int(m["expiry"]),
        max_duration=int(m["maxDuration"]), parent_license_id=int(m["parentLicenseId"]), terms=terms,
        salt=int(m["salt"]),
    )  # fmt: skip


def _is_id(value: str) -> bool:
    return value.startswith(("0x", "0X")) and len(value) == 66


def _record(s: Session, mandate_id: bytes) -> dict[str, Any]:
    """The mandate with this id, its status and the transactions that granted (and revoked) it."""
    granted = s.find_events("MandateRegistry", "MandateGranted", mandate_id)
    if not granted:
        raise typer.BadParameter(f"no mandate 0x{mandate_id.hex()} was ever granted here", param_hint="MANDATE")
    event = granted[-1]
    return _describe(s, mandate_id, mandate_from_event(event.args), event.block_number, event.transaction_hash)


def _describe(s: Session, mandate_id: bytes, m: Mandate, block: int, tx: str) -> dict[str, Any]:
    revoked = s.find_events("MandateRegistry", "MandateRevoked", mandate_id)
    status = "revoked" if revoked else "expired" if m.expiry < s.chain_time() else "in force"
    return {
        "mandate_id": "0x" + mandate_id.hex(),
        **mandate_to_json(m),
        "status": status,
        "granted_block": block,
        "granted_tx": tx,
        **({"revoked_block": revoked[-1].block_number, "revoked_tx": revoked[-1].transaction_hash} if revoked else {}),
    }


def load_mandate(s: Session, value: str) -> tuple[Mandate, bytes]:
    """A mandate and its id, from its id (looked up in the MandateGranted events) or a file."""
    if _is_id(value):
        mandate_id = parse_hash(value, "--mandate")
        granted = s.find_events("MandateRegistry", "MandateGranted", mandate_id)
        if not granted:
            raise typer.BadParameter(f"no mandate {value} was ever granted here", param_hint="--mandate")
        return mandate_from_event(granted[-1].args), mandate_id
    mandate, named = mandate_from_json(s, read_json(value, "--mandate"), value)
    mandate_id = s.reader().mandate_id(mandate)
    if named is not None and named != mandate_id:
        raise typer.BadParameter(
            f"{value} names mandate 0x{named.hex()} but its terms hash to 0x{mandate_id.hex()}", param_hint="--mandate"
        )
    return mandate, mandate_id


def _lines(r: dict[str, Any]) -> list[str]:
    what = (
        f"licences of {term(Right[r['right'].upper()])}, at most {r['max_duration'] // 86400} day(s) each"
        if r["delivery"] == "license"
        else f"transfer of {term(Right[r['right'].upper()])}"
    )
    lines = [
        f"mandate (挂牌委托) {r['mandate_id']}: {r['status']}",
        f"  seller    {r['seller']}",
        f"  exchange  {r['exchange']}",
        f"  asset     #{r['asset_id']}" + (f", sublicences of licence #{r['parent_license_id']}"
                                           if r["parent_license_id"] else ""),
        f"  sells     {what}",
        f"  least net ¥{r['min_net']} a sale",
        f"  expiry    {format_time(r['expiry'])}",
    ]  # fmt: skip
    if r["delivery"] == "license":
        t = r["terms"]
        lines.append(f"  template  purpose {t['purpose']}, territory "
                     f"{', '.join([*(str(x) for x in t['regions']), *t['countries']]) or '-'}"
                     + "".join(f", {f}" for f in ("exclusive", "sublicensable", "transferable") if t[f]))  # fmt: skip
    return lines


@app.command()
def grant(
    asset_id: Annotated[int, typer.Argument(help="The asset.", min=1, show_default=False)],
    exchange: Annotated[str, typer.Option(help=f"The exchange mandated: {ADDRESS_HELP}.", show_default=False)],
    min_net: Annotated[
        str,
        typer.Option(
            "--min-net",
            help=f"The least you net on each sale (after fee and shares), {AMOUNT_HELP}.",
            show_default=False,
        ),
    ],
    delivery: Annotated[str, typer.Option(help="license (licences cut from the template) or right.")] = "license",
    right: Annotated[str, typer.Option(help="The right licensed or transferred.")] = "processing",
    max_days: Annotated[
        int | None, typer.Option("--max-days", help="License: the longest licence sold, in days.", min=1)
    ] = None,
    purpose: Annotated[int, typer.Option(help="License: purpose code.", min=0, max=65535)] = 0,
    region: Annotated[list[int] | None, typer.Option("--region", help="License: region code; repeat.")] = None,
    country: Annotated[list[str] | None, typer.Option("--country", help="License: ISO country code; repeat.")] = None,
    exclusive: Annotated[bool, typer.Option("--exclusive", help="License: exclusive licences.")] = False,
    sublicensable: Annotated[bool, typer.Option("--sublicensable", help="License: sublicensable.")] = False,
    transferable: Annotated[bool, typer.Option("--transferable", help="License: transferable.")] = False,
    terms: Annotated[str | None, typer.Option("--terms", help=f"License: the licence contract, {HASH_HELP}.")] = None,
    parent_license: Annotated[
        int, typer.Option("--parent-license", help="Sell sublicences of this licence of yours.", min=0)
    ] = 0,
    expiry: Annotated[
        str, typer.Option(help=f"Last time a sale may settle under it, and a licence sold under it start: {TIME_HELP}.")
    ] = "+30d",
    salt: Annotated[
        int | None, typer.Option(help="Tells apart mandates with the same terms. Default: random.", min=0)
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Also write the mandate (JSON) here, for the exchange.")] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Give an exchange a standing mandate to sell an asset's right or licences of it for you (the seller)."""
    how = parse_choice(Delivery, delivery, "--delivery")
    which = parse_choice(Right, right, "--right")
    if how == Delivery.LICENSE and max_days is None:
        raise typer.BadParameter("licence mandates need --max-days", param_hint="--max-days")
    with Session() as s:
        client = s.client(actor)
        template = LicenseTerms(
            right=which, purpose=purpose, start=0, end=0, regions=tuple(region or ()),
            countries=tuple(c.upper() for c in country or ()), exclusive=exclusive, sublicensable=sublicensable,
            transferable=transferable, terms_hash=parse_hash(terms, "--terms") if terms is not None else ZERO_HASH,
        ) if how == Delivery.LICENSE else LicenseTerms(right=Right.PROCESSING, purpose=0, start=0, end=0)  # fmt: skip
        mandate = Mandate(
            seller=client.address, exchange=resolve_address(s.settings, exchange, "--exchange"), asset_id=asset_id,
            delivery=how, right=which, min_net=parse_amount(min_net, "--min-net", allow_zero=True),
            expiry=parse_time(expiry, s.chain_time, "--expiry"), max_duration=(max_days or 0) * 86400,
            parent_license_id=parent_license, terms=template,
            salt=salt if salt is not None else secrets.randbits(64),
        )  # fmt: skip
        result = client.execute(client.prepare("MandateRegistry", "grantMandate", mandate.as_abi()))
        mandate_id = bytes(result.event("MandateGranted")["mandateId"])
        record = _describe(s, mandate_id, mandate, result.receipt.block_number, result.tx_hash)
        if out is not None:
            out.write_text(json.dumps(record, indent=2) + "\n")
        write_result(result, record, [
            f"mandate (挂牌委托) {record['mandate_id']} granted to {mandate.exchange}"
            + (f"; written to {out}" if out is not None else ""), *_lines(record)[1:],
        ], as_json)  # fmt: skip


@app.command()
def revoke(mandate: MandateArg, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Revoke a mandate you gave (the seller): no sale settles under it any more."""
    with Session() as s:
        mandate_id = parse_hash(mandate, "MANDATE") if _is_id(mandate) else load_mandate(s, mandate)[1]
        result = s.client(actor).revoke_mandate(mandate_id)
        write_result(result, {"mandate_id": mandate_id}, [f"mandate 0x{mandate_id.hex()} revoked"], as_json)


@app.command()
def show(mandate: MandateArg, as_json: JsonOption = False) -> None:
    """Show a mandate: its terms and whether it is in force, revoked or expired."""
    with Session() as s:
        mandate_id = parse_hash(mandate, "MANDATE") if _is_id(mandate) else load_mandate(s, mandate)[1]
        record = _record(s, mandate_id)
        emit(record, _lines(record), as_json)


@app.command("list")
def list_(
    seller: Annotated[str | None, typer.Option(help=f"Only this seller's: {ADDRESS_HELP}.")] = None,
    exchange: Annotated[str | None, typer.Option(help=f"Only those given to this exchange: {ADDRESS_HELP}.")] = None,
    in_force: Annotated[bool, typer.Option("--in-force", help="Only mandates in force.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Mandates granted on this ledger, with their status (in force, revoked, expired)."""
    with Session() as s:
        who = resolve_address(s.settings, seller, "--seller") if seller else None
        where = resolve_address(s.settings, exchange, "--exchange") if exchange else None
        records = [
            _describe(s, bytes(e.args["mandateId"]), mandate_from_event(e.args), e.block_number, e.transaction_hash)
            for e in s.find_events("MandateRegistry", "MandateGranted", None, who, where)
        ]
        if in_force:
            records = [r for r in records if r["status"] == "in force"]
    emit(records, [
        f"{r['mandate_id']}  {r['status']:<8}  asset #{r['asset_id']} {r['delivery']} of {r['right']}, "
        f"seller {r['seller']} -> exchange {r['exchange']}, least net ¥{r['min_net']}, until "
        f"{format_time(r['expiry'])}" for r in records
    ] or ["no mandates"], as_json)  # fmt: skip
