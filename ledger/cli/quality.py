"""``ledger quality ...``: problem data traceable and attributable (问题数据可追溯、可定责), art. 9: quality reports of
an asset's content, the holder's answer by the deadline, overdue reports (the holder's defaults), fixes and rulings."""

from __future__ import annotations

from typing import Annotated

import typer

from ledger.cli._params import ADDRESS_HELP, HASH_HELP, parse_choice, parse_hash, resolve_address
from ledger.cli._session import AsOption, JsonOption, Session, emit, write_result
from ledger.cli.format import choice_name, format_time, term
from ledger.contracts.types import QualityProblem, QualitySeverity, QualityStatus

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Data quality (问题数据可追溯、可定责), art. 9: report a problem of an asset's content; the holding right's "
    "holder answers by the deadline or the report turns overdue (a default of the holder); fixes and rulings.",
)

_PROBLEMS = ", ".join(choice_name(p) for p in QualityProblem)
_SEVERITIES = ", ".join(choice_name(s) for s in QualitySeverity)
ReportArg = Annotated[int, typer.Argument(help="The quality report (its id).", min=1, show_default=False)]
DocumentOption = Annotated[str, typer.Option(help=f"The document: {HASH_HELP}.", show_default=False)]


@app.command()
def window(
    days: Annotated[int, typer.Argument(help="Days a holder has to answer a report (1-365).", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set how long a holder has to answer a quality report. The authority (through the governance)."""
    if not 1 <= days <= 365:
        raise typer.BadParameter(f"{days} is not between 1 and 365", param_hint="DAYS")
    with Session() as s:
        result = s.client(actor).set_response_window(days * 86_400)
        write_result(result, {"window_days": days}, [f"holders answer quality reports within {days} days"], as_json)


@app.command("file")
def file_report(
    asset: Annotated[int, typer.Argument(help="The asset reported (its id).", min=1, show_default=False)],
    evidence: Annotated[str, typer.Option(help=f"The evidence: {HASH_HELP}.", show_default=False)],
    problem: Annotated[str, typer.Option(help=f"What is wrong: {_PROBLEMS}.")] = "accuracy",
    severity: Annotated[str, typer.Option(help=f"How bad: {_SEVERITIES}.")] = "medium",
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Report a quality problem of an asset's registered content (any active participant); prints its id."""
    chosen = parse_choice(QualityProblem, problem, "--problem")
    level = parse_choice(QualitySeverity, severity, "--severity")
    evidence_hash = parse_hash(evidence, "--evidence")
    with Session() as s:
        client = s.client(actor)
        content = client.get_asset(asset)["contentHash"]
        result = client.execute(client.prepare("DataQuality", "fileReport", asset, content, int(chosen), int(level),
                                               evidence_hash))  # fmt: skip
        filed = result.event("QualityReportFiled")
        write_result(
            result, {"report_id": filed["reportId"], "asset_id": asset, "problem": chosen, "severity": level,
                     "deadline": filed["deadline"]},
            [f"quality report #{filed['reportId']} on asset #{asset}: {term(chosen)}, {term(level)}; the holder "
             f"answers by {format_time(filed['deadline'])}"], as_json,
        )  # fmt: skip


@app.command()
def answer(
    report: ReportArg,
    document: DocumentOption,
    dispute: Annotated[bool, typer.Option("--dispute/--acknowledge", help="Dispute the report, or acknowledge it.")]
    = False,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Acknowledge (default) or dispute a report, by its deadline. The holder of the asset's holding right."""
    document_hash = parse_hash(document, "--document")
    with Session() as s:
        result = s.client(actor).answer_quality_report(report, not dispute, document_hash)
        status = "disputed" if dispute else "acknowledged"
        write_result(result, {"report_id": report, "status": status}, [f"quality report #{report} {status}"], as_json)


@app.command()
def overdue(report: ReportArg, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Mark a report unanswered past its deadline overdue: a quality default of the asset's holder (anyone)."""
    with Session() as s:
        event = s.client(actor).mark_quality_report_overdue(report)
        o = event.event("QualityReportOverdue")
        write_result(event, {"report_id": report, "holder": o["holder"], "defaults": o["defaults"]},
                     [f"quality report #{report} overdue: {o['holder']} has {o['defaults']} default(s)"],
                     as_json)  # fmt: skip


@app.command()
def fix(
    report: ReportArg,
    corrected: Annotated[int, typer.Option(help="The corrected dataset's registered asset (yours).", min=1,
                                           show_default=False)],
    document: DocumentOption,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Resolve a report by linking the corrected dataset's registration. The holder of the holding right."""
    document_hash = parse_hash(document, "--document")
    with Session() as s:
        result = s.client(actor).resolve_quality_report(report, corrected, document_hash)
        write_result(result, {"report_id": report, "fixed_asset_id": corrected},
                     [f"quality report #{report} resolved by asset #{corrected}"], as_json)  # fmt: skip


@app.command()
def rule(
    report: ReportArg,
    ruling: Annotated[str, typer.Option(help=f"The ruling: {HASH_HELP}.", show_default=False)],
    dismiss: Annotated[bool, typer.Option("--dismiss/--uphold", help="Dismiss the report, or uphold it.")] = False,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rule on a report (also one resolved by a fix): upheld (default) or dismissed. Supervisors, the authority."""
    ruling_hash = parse_hash(ruling, "--ruling")
    with Session() as s:
        result = s.client(actor).rule_on_quality_report(report, not dismiss, ruling_hash)
        status = "dismissed" if dismiss else "upheld"
        write_result(result, {"report_id": report, "status": status}, [f"quality report #{report} {status}"], as_json)


@app.command()
def withdraw(
    report: ReportArg,
    reason: Annotated[str, typer.Option(help=f"Why: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Withdraw a report not answered yet. Its reporter."""
    reason_hash = parse_hash(reason, "--reason")
    with Session() as s:
        result = s.client(actor).withdraw_quality_report(report, reason_hash)
        write_result(result, {"report_id": report, "status": "withdrawn"}, [f"quality report #{report} withdrawn"],
                     as_json)  # fmt: skip


@app.command()
def show(report: ReportArg, as_json: JsonOption = False) -> None:
    """Show a report: its asset, reporter, deadline and status."""
    with Session() as s:
        r = s.reader().get_quality_report(report)
        status = QualityStatus(r["status"])
        record = {"report_id": report, "asset_id": r["assetId"], "reporter": r["reporter"], "deadline": r["deadline"],
                  "status": choice_name(status), "overdue_now": status == QualityStatus.FILED
                  and s.chain_time() > r["deadline"]}  # fmt: skip
        lines = [f"quality report #{report} on asset #{r['assetId']} by {r['reporter']}: {choice_name(status)}",
                 f"  the holder answers by {format_time(r['deadline'])}"]  # fmt: skip
        if record["overdue_now"]:
            lines.append("  unanswered past its deadline: `ledger quality overdue` counts the holder's default")
        emit(record, lines, as_json)


@app.command()
def defaults(
    holder: Annotated[str, typer.Argument(help=f"The holder: {ADDRESS_HELP}.")],
    as_json: JsonOption = False,
) -> None:
    """How many reports a holder left unanswered past their deadline."""
    with Session() as s:
        address = resolve_address(s.settings, holder, "HOLDER")
        count = s.reader().quality_defaults_of(address)
        emit({"holder": address, "defaults": count}, f"{address}: {count} quality default(s)", as_json)
