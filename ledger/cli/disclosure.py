"""``ledger disclosure ...``: the exchanges' information disclosure (信息披露), art. 25: the authority's required
periods, an exchange's disclosures, and its calendar of required periods (met in time, late, missed or open)."""

from __future__ import annotations

from typing import Annotated

import typer

from ledger.cli._params import ADDRESS_HELP, HASH_HELP, parse_choice, parse_hash, resolve_address
from ledger.cli._session import AsOption, JsonOption, Session, emit, write_result
from ledger.cli.format import choice_name, format_time, term
from ledger.contracts.types import DisclosureKind
from ledger.disclosure import PERIOD_LENGTHS, Filing, Requirement, calendar_of, period, period_label

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Information disclosure (信息披露), art. 25: the authority sets how often exchanges disclose each kind; "
    "exchanges file disclosures of whole calendar months (China Standard Time); each exchange's calendar shows "
    "the periods it met, late or not, and those it missed.",
)

_KINDS = ", ".join(choice_name(k) for k in DisclosureKind)
_KIND_HELP = f"What is disclosed: {_KINDS}."
_PERIOD_HELP = "A month (2026-11), quarter (2026-Q4), half (2026-H2), year (2026) or run (2026-11..2027-01), CST"


def _kind(value: str) -> DisclosureKind:
    return parse_choice(DisclosureKind, value, "KIND")


def _period(value: str) -> tuple[int, int]:
    try:
        return period(value)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--period") from None


@app.command()
def require(
    kind: Annotated[str, typer.Argument(help=_KIND_HELP, show_default=False)],
    every: Annotated[int, typer.Option(help="Months per required period: 1, 3, 6 or 12.", show_default=False)],
    grace: Annotated[int, typer.Option(help="Days after each period by which its disclosure is due (1-366).",
                                       show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Require exchanges to disclose KIND every so many months. The authority (through the governance)."""
    chosen = _kind(kind)
    if every not in PERIOD_LENGTHS:
        raise typer.BadParameter(f"{every} is not 1, 3, 6 or 12", param_hint="--every")
    if not 1 <= grace <= 366:
        raise typer.BadParameter(f"{grace} is not between 1 and 366", param_hint="--grace")
    with Session() as s:
        result = s.client(actor).set_disclosure_requirement(chosen, every, grace)
        since = result.event("DisclosureRequirementSet")["since"]
        write_result(
            result, {"kind": chosen, "months": every, "grace_days": grace, "since": since},
            [f"exchanges disclose {term(chosen)} every {every} month(s), within {grace} days; periods beginning "
             f"from {format_time(since)}"], as_json,
        )  # fmt: skip


@app.command()
def lift(
    kind: Annotated[str, typer.Argument(help=_KIND_HELP, show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Lift the requirement to disclose KIND (the periods already begun stay owed). The authority."""
    chosen = _kind(kind)
    with Session() as s:
        result = s.client(actor).set_disclosure_requirement(chosen, 0, 0)
        write_result(result, {"kind": chosen, "months": 0}, [f"{term(chosen)} no longer required"], as_json)


@app.command("file")
def file_disclosure(
    kind: Annotated[str, typer.Argument(help=_KIND_HELP, show_default=False)],
    period_text: Annotated[str, typer.Option("--period", help=_PERIOD_HELP + ".", show_default=False)],
    document: Annotated[str, typer.Option(help=f"The published document: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """File a disclosure (an exchange); a later one of the same kind and period corrects it. Prints its id."""
    chosen = _kind(kind)
    start, end = _period(period_text)
    document_hash = parse_hash(document, "--document")
    with Session() as s:
        client = s.client(actor)
        result = client.execute(client.prepare("Disclosure", "fileDisclosure", int(chosen), start, end, document_hash))
        filed = result.event("DisclosureFiled")
        write_result(
            result, {"disclosure_id": filed["disclosureId"], "exchange": filed["exchange"], "kind": chosen,
                     "period": period_label(start, end), "period_start": start, "period_end": end},
            [f"disclosure #{filed['disclosureId']}: {term(chosen)} for {period_label(start, end)} by "
             f"{filed['exchange']}"], as_json,
        )  # fmt: skip


@app.command()
def requirements(as_json: JsonOption = False) -> None:
    """Show how often exchanges must disclose each kind."""
    with Session() as s:
        reader = s.reader()
        rows = []
        for kind in DisclosureKind:
            r = reader.disclosure_requirement(kind)
            rows.append({"kind": kind, "months": r["months"], "grace_days": r["graceDays"], "since": r["since"]})
        lines = [
            f"{term(r['kind'])}: every {r['months']} month(s), within {r['grace_days']} days (since "
            f"{format_time(r['since'])})" if r["months"] else f"{term(r['kind'])}: not required"
            for r in rows
        ]  # fmt: skip
        emit(rows, lines, as_json)


@app.command("calendar")
def calendar_show(
    exchange: Annotated[str, typer.Argument(help=f"The exchange: {ADDRESS_HELP}.")],
    as_json: JsonOption = False,
) -> None:
    """Show an exchange's required periods since its admission (from the chain's events): met in time, late,
    missed, or open (not due yet)."""
    with Session() as s:
        address = resolve_address(s.settings, exchange, "EXCHANGE")
        reader = s.reader()
        identity = reader.identity_of(address)
        admitted = reader.get_participant(identity)["admittedAt"]
        logs = [*s.find_events("Disclosure", "DisclosureRequirementSet"),
                *s.find_events("Disclosure", "DisclosureFiled", None, identity)]  # fmt: skip
        times = _block_times(s, {log.block_number for log in logs})
        reqs = [Requirement(int(g.args["kind"]), g.args["months"], g.args["graceDays"], g.args["since"])
                for g in logs if g.event == "DisclosureRequirementSet"]  # fmt: skip
        filings = [Filing(g.args["disclosureId"], int(g.args["kind"]), g.args["periodStart"], g.args["periodEnd"],
                          times[g.block_number]) for g in logs if g.event == "DisclosureFiled"]  # fmt: skip
        now = s.chain_time()
        cal = calendar_of(reqs, filings, since=admitted, now=now)
        rows = [{"kind": DisclosureKind(p.kind), "period": p.label, "period_start": p.period_start,
                 "period_end": p.period_end, "due_at": p.due_at, "status": p.status, "disclosure_id": p.disclosure_id,
                 "filed_at": p.filed_at} for p in cal]  # fmt: skip
        missed = sum(1 for p in cal if p.status == "missed")
        lines = [f"exchange {identity}: {len(cal)} required period(s), {missed} missed"]
        lines += [f"  {term(DisclosureKind(p.kind))} {p.label}: {p.status.replace('_', ' ')}"
                  + (f" (#{p.disclosure_id}, {format_time(p.filed_at)})" if p.filed_at is not None
                     else f" (due {format_time(p.due_at)})") for p in cal]  # fmt: skip
        emit({"exchange": identity, "missed": missed, "periods": rows}, lines, as_json)


def _block_times(s: Session, blocks: set[int]) -> dict[int, int]:
    headers = s.rpc.batch([("eth_getBlockByNumber", [hex(b), False]) for b in sorted(blocks)]) if blocks else []
    return {int(h["number"], 16): int(h["timestamp"], 16) for h in headers}
