"""``ledger valuation ...``: appraisers' accreditation, valuation reports (数据资产评估) and their accounting
recognition (入表), art. 19."""

from __future__ import annotations

from typing import Annotated, Any

import typer

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
from ledger.cli.format import choice_name, format_amount, format_time, term
from ledger.contracts.types import (
    ZERO_ADDRESS,
    AccountingCategory,
    Derecognition,
    Measurement,
    ValuationMethod,
    ValuationStatus,
)

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Valuation (数据资产评估) and accounting recognition (入表), art. 19: accredit appraisers, file, withdraw or "
    "reject reports; recognise, remeasure, carry over and derecognise assets.",
)

_METHODS = ", ".join(choice_name(m) for m in ValuationMethod)
_CATEGORIES = ", ".join(choice_name(c) for c in AccountingCategory)
_MEASUREMENTS = ", ".join(choice_name(m) for m in Measurement)
_REASONS = ", ".join(choice_name(r) for r in Derecognition)


def _currency(value: str) -> str:
    code = value.strip()
    if len(code) != 3 or not code.isascii() or not code.isupper() or not code.isalpha():
        raise typer.BadParameter(f"{value!r} is not an ISO 4217 code (three capital letters, e.g. CNY)",
                                 param_hint="--currency")  # fmt: skip
    return code


# ─────────────────────────────────────────────────────────── appraisers


@app.command()
def accredit(
    appraiser: Annotated[str, typer.Argument(help=f"The appraiser, a service provider: {ADDRESS_HELP}.")],
    until: Annotated[str, typer.Option(help=f"When the accreditation ends: {TIME_HELP}.", show_default=False)],
    document: Annotated[str, typer.Option(help=f"The accreditation certificate: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Accredit an appraiser (资产评估机构), or renew its accreditation. The authority (through the governance)."""
    document_hash = parse_hash(document, "--document")
    with Session() as s:
        address = resolve_address(s.settings, appraiser, "APPRAISER")
        expires = parse_time(until, s.chain_time, "--until")
        result = s.client(actor).accredit_appraiser(address, expires, document_hash)
        identity = result.event("AppraiserAccredited")["appraiser"]
        write_result(
            result, {"appraiser": identity, "expires_at": expires},
            [f"appraiser {identity} accredited (评估机构备案) until {format_time(expires)}"], as_json,
        )  # fmt: skip


@app.command("revoke-appraiser")
def revoke_appraiser(
    appraiser: Annotated[str, typer.Argument(help=f"The appraiser: {ADDRESS_HELP}.")],
    reason: Annotated[str, typer.Option(help=f"The decision: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revoke an appraiser's accreditation. The authority (through the governance)."""
    reason_hash = parse_hash(reason, "--reason")
    with Session() as s:
        address = resolve_address(s.settings, appraiser, "APPRAISER")
        result = s.client(actor).revoke_appraiser(address, reason_hash)
        identity = result.event("AppraiserRevoked")["appraiser"]
        write_result(result, {"appraiser": identity}, [f"accreditation of {identity} revoked"], as_json)


@app.command("appraiser")
def appraiser_show(
    appraiser: Annotated[str, typer.Argument(help=f"The appraiser: {ADDRESS_HELP}.")],
    as_json: JsonOption = False,
) -> None:
    """Show an appraiser's accreditation: in force, expired, revoked or none."""
    with Session() as s:
        address = resolve_address(s.settings, appraiser, "APPRAISER")
        reader = s.reader()
        a = reader.accreditation_of(address)
        now = s.chain_time()
        if a["expiresAt"] == 0:
            state = "none"
        elif a["revoked"]:
            state = "revoked"
        else:
            state = "in force" if a["expiresAt"] > now else "expired"
        record = {
            "appraiser": address, "state": state, "accredited_at": a["accreditedAt"], "expires_at": a["expiresAt"],
            "revoked": a["revoked"], "document_hash": a["documentHash"],
        }  # fmt: skip
        lines = [f"appraiser {address}: accreditation {state}"]
        if a["expiresAt"]:
            lines.append(f"  from {format_time(a['accreditedAt'])} until {format_time(a['expiresAt'])}")
        emit(record, lines, as_json)


# ─────────────────────────────────────────────────────────── reports


@app.command("file")
def file_report(
    asset: Annotated[int, typer.Argument(help="The asset valued (its id).", min=1, show_default=False)],
    value: Annotated[str, typer.Option(help=f"The appraised value: {AMOUNT_HELP}.", show_default=False)],
    report: Annotated[str, typer.Option(help=f"The valuation report: {HASH_HELP}.", show_default=False)],
    base_date: Annotated[str, typer.Option(help=f"The valuation base date (评估基准日): {TIME_HELP}.",
                                           show_default=False)],
    valid_until: Annotated[str, typer.Option(
        help=f"When the report stops supporting a recognition, at most a year after the base date: {TIME_HELP}.",
        show_default=False)],
    method: Annotated[str, typer.Option(help=f"The valuation approach: {_METHODS}.")] = "income",
    currency: Annotated[str, typer.Option(help="ISO 4217 code of the value.")] = "CNY",
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """File a valuation report on an asset (an accredited appraiser holding no right in it); prints its id. The
    report is for the asset's registered content (its content hash is read from the ledger)."""
    chosen = parse_choice(ValuationMethod, method, "--method")
    amount = parse_amount(value, "--value")
    code = _currency(currency)
    report_hash = parse_hash(report, "--report")
    with Session() as s:
        base = parse_time(base_date, s.chain_time, "--base-date")
        until = parse_time(valid_until, s.chain_time, "--valid-until")
        client = s.client(actor)
        content = client.get_asset(asset)["contentHash"]
        result = client.execute(client.prepare(
            "Valuation", "fileValuation", asset, int(chosen), amount, code.encode("ascii"), base, until, content,
            report_hash,
        ))  # fmt: skip
        valuation_id = int(result.event("ValuationFiled")["valuationId"])
        write_result(
            result, {"valuation_id": valuation_id, "asset_id": asset, "method": chosen, "value": amount,
                     "currency": code, "base_date": base, "valid_until": until},
            [f"valuation report #{valuation_id} filed (评估报告备案): asset #{asset} at {format_amount(amount)} "
             f"{code} by {term(chosen)}, valid until {format_time(until)}"], as_json,
        )  # fmt: skip


ValuationIdArg = Annotated[int, typer.Argument(help="The report's id.", min=1, show_default=False)]


def _close(valuation_id: int, reason: str, actor: str | None, as_json: bool, *, withdraw: bool) -> None:
    reason_hash = parse_hash(reason, "--reason")
    with Session() as s:
        client = s.client(actor)
        close = client.withdraw_valuation if withdraw else client.reject_valuation
        result = close(valuation_id, reason_hash)
        done = "withdrawn" if withdraw else "rejected"
        write_result(result, {"valuation_id": valuation_id}, [f"valuation report #{valuation_id} {done}"], as_json)


@app.command()
def withdraw(
    valuation_id: ValuationIdArg,
    reason: Annotated[str, typer.Option(help=f"Why: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Withdraw a filed report (its appraiser)."""
    _close(valuation_id, reason, actor, as_json, withdraw=True)


@app.command()
def reject(
    valuation_id: ValuationIdArg,
    reason: Annotated[str, typer.Option(help=f"The supervisor's decision: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reject a filed report (supervisors and the authority)."""
    _close(valuation_id, reason, actor, as_json, withdraw=False)


@app.command()
def show(
    valuation_id: ValuationIdArg,
    as_json: JsonOption = False,
) -> None:
    """Show a valuation report: what the contract keeps, and the figures its filing recorded."""
    with Session() as s:
        reader = s.reader()
        v = reader.get_valuation(valuation_id)
        filed = s.find_events("Valuation", "ValuationFiled", valuation_id)
        details: dict[str, Any] = filed[-1].args if filed else {}
        status, method = ValuationStatus(v["status"]), ValuationMethod(v["method"])
        usable = status == ValuationStatus.FILED and v["validUntil"] > s.chain_time()
        record = {
            "id": valuation_id, "asset_id": v["assetId"], "appraiser": v["appraiser"], "status": status,
            "method": method, "valid_until": v["validUntil"], "usable": usable,
            "value": details.get("value"), "currency": details["currency"].decode() if details else None,
            "base_date": details.get("baseDate"), "content_hash": details.get("contentHash"),
            "report_hash": details.get("reportHash"),
        }  # fmt: skip
        lines = [
            f"valuation report #{valuation_id} on asset #{v['assetId']}: {term(status)}"
            + ("" if usable else " (cannot support a recognition)"),
            f"  appraiser   {v['appraiser']}",
            f"  method      {term(method)}",
        ]
        if details:
            lines += [
                f"  value       {format_amount(details['value'])} {record['currency']}",
                f"  base date   {format_time(details['baseDate'])}",
            ]
        lines.append(f"  valid until {format_time(v['validUntil'])}")
        emit(record, lines, as_json)


# ─────────────────────────────────────────────────────────── accounting recognition


@app.command()
def recognise(
    asset: Annotated[int, typer.Argument(help="The asset (its id).", min=1, show_default=False)],
    valuation: Annotated[int, typer.Option(help="The valuation report it relies on (its id).", min=1,
                                           show_default=False)],
    amount: Annotated[str, typer.Option(help=f"The carrying amount: {AMOUNT_HELP}.", show_default=False)],
    period_start: Annotated[str, typer.Option(help=f"The reporting period's start: {TIME_HELP}.",
                                              show_default=False)],
    period_end: Annotated[str, typer.Option(help=f"The reporting period's end: {TIME_HELP}.", show_default=False)],
    auditor: Annotated[str, typer.Option(help=f"The auditor's opinion: {HASH_HELP}.", show_default=False)],
    category: Annotated[str, typer.Option(help=f"Balance-sheet category: {_CATEGORIES}.")] = "intangible-asset",
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Recognise an asset in the holder's accounts (入表): the holding right's holder, on a valid report of it."""
    chosen = parse_choice(AccountingCategory, category, "--category")
    fen = parse_amount(amount, "--amount")
    auditor_hash = parse_hash(auditor, "--auditor")
    with Session() as s:
        start = parse_time(period_start, s.chain_time, "--period-start")
        end = parse_time(period_end, s.chain_time, "--period-end")
        result = s.client(actor).recognise_asset(
            asset, chosen, fen, period_start=start, period_end=end, valuation_id=valuation, auditor_hash=auditor_hash
        )
        holder = result.event("AssetRecognised")["holder"]
        write_result(
            result, {"asset_id": asset, "holder": holder, "category": chosen, "carrying_amount": fen,
                     "valuation_id": valuation},
            [f"asset #{asset} recognised (入表) by {holder} as {term(chosen)} at {format_amount(fen)} yuan"], as_json,
        )  # fmt: skip


@app.command()
def remeasure(
    asset: Annotated[int, typer.Argument(help="The asset (its id).", min=1, show_default=False)],
    amount: Annotated[str, typer.Option(help=f"The new, lower, carrying amount: {AMOUNT_HELP}.", show_default=False)],
    document: Annotated[str, typer.Option(help=f"The measurement's document: {HASH_HELP}.", show_default=False)],
    kind: Annotated[str, typer.Option(help=f"What lowers it: {_MEASUREMENTS}.")] = "impairment",
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record an impairment or amortisation of a recognised asset (its holder)."""
    chosen = parse_choice(Measurement, kind, "--kind")
    fen = parse_amount(amount, "--amount", allow_zero=True)
    document_hash = parse_hash(document, "--document")
    with Session() as s:
        result = s.client(actor).remeasure(asset, chosen, fen, document_hash)
        before = result.event("RecognitionRemeasured")["previousAmount"]
        write_result(
            result, {"asset_id": asset, "kind": chosen, "previous_amount": before, "carrying_amount": fen},
            [f"asset #{asset}: {term(chosen)} {format_amount(before)} -> {format_amount(fen)} yuan"], as_json,
        )  # fmt: skip


@app.command("carry-over")
def carry_over(
    asset: Annotated[int, typer.Argument(help="The asset (its id).", min=1, show_default=False)],
    auditor: Annotated[str, typer.Option(help=f"The auditor's opinion: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Carry the former holder's recognition over (the holding right's new holder)."""
    auditor_hash = parse_hash(auditor, "--auditor")
    with Session() as s:
        result = s.client(actor).carry_over(asset, auditor_hash)
        moved = result.event("RecognitionCarriedOver")
        write_result(
            result, {"asset_id": asset, "from": moved["from"], "to": moved["to"],
                     "carrying_amount": moved["carryingAmount"]},
            [f"asset #{asset}: recognition carried over from {moved['from']} to {moved['to']} at "
             f"{format_amount(moved['carryingAmount'])} yuan"], as_json,
        )  # fmt: skip


@app.command()
def derecognise(
    asset: Annotated[int, typer.Argument(help="The asset (its id).", min=1, show_default=False)],
    document: Annotated[str, typer.Option(help=f"The derecognition's document: {HASH_HELP}.", show_default=False)],
    reason: Annotated[str, typer.Option(help=f"Why: {_REASONS}.")] = "disposal",
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """End the asset's recognition (its holder, also after it transferred the holding right)."""
    chosen = parse_choice(Derecognition, reason, "--reason")
    document_hash = parse_hash(document, "--document")
    with Session() as s:
        result = s.client(actor).derecognise(asset, chosen, document_hash)
        ended = result.event("AssetDerecognised")
        write_result(
            result, {"asset_id": asset, "holder": ended["holder"], "reason": chosen,
                     "carrying_amount": ended["carryingAmount"]},
            [f"asset #{asset} derecognised ({term(chosen)}) by {ended['holder']}"], as_json,
        )  # fmt: skip


@app.command("recognition")
def recognition_show(
    asset: Annotated[int, typer.Argument(help="The asset (its id).", min=1, show_default=False)],
    as_json: JsonOption = False,
) -> None:
    """Show the asset's current recognition (入表) and whether its holder still holds the holding right."""
    with Session() as s:
        reader = s.reader()
        r = reader.recognition_of(asset)
        if r["holder"] == ZERO_ADDRESS:
            emit({"asset_id": asset, "recognised": False}, f"asset #{asset} is recognised in no one's accounts",
                 as_json)  # fmt: skip
            return
        if r["derecognised"]:
            emit(
                {"asset_id": asset, "recognised": False, "derecognised_by": r["holder"],
                 "derecognised_amount": r["carryingAmount"]},
                [f"asset #{asset} is recognised in no one's accounts: {r['holder']} derecognised it at "
                 f"{format_amount(r['carryingAmount'])} yuan",
                 "  its recognising it again may not exceed that amount"],
                as_json,
            )  # fmt: skip
            return
        holding = reader.get_asset(asset)["holdingHolder"]
        category = AccountingCategory(r["category"])
        record = {
            "asset_id": asset, "recognised": True, "holder": r["holder"], "category": category,
            "carrying_amount": r["carryingAmount"], "holder_holds_the_asset": holding == r["holder"],
        }  # fmt: skip
        lines = [
            f"asset #{asset} recognised (入表) by {r['holder']} as {term(category)}",
            f"  carrying amount {format_amount(r['carryingAmount'])} yuan",
        ]
        if holding != r["holder"]:
            lines.append(f"  the holding right is now {holding}'s: to be carried over or derecognised")
        emit(record, lines, as_json)
