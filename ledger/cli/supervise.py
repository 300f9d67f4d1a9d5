"""``ledger supervise ...``: rectification orders (责令整改) and credit events (信用记录)."""

from __future__ import annotations

from typing import Annotated

import typer

from ledger.cli._params import ADDRESS_HELP, HASH_HELP, parse_hash, resolve_address
from ledger.cli._session import AsOption, JsonOption, Session, emit, write_result
from ledger.cli.format import format_time, term
from ledger.contracts.types import ZERO_ADDRESS, OrderStatus, OrderTarget

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Supervision (监管): rectification orders and credit events (supervisors and the authority).",
)


@app.command("order-open")
def order_open(
    document: Annotated[str, typer.Option(help=f"The order document: {HASH_HELP}.", show_default=False)],
    participant: Annotated[str | None, typer.Option(help=f"Order a participant to rectify: {ADDRESS_HELP}.")] = None,
    asset: Annotated[int | None, typer.Option(help="Order rectification of an asset (its id).", min=1)] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open a rectification order (责令整改) against a participant or an asset; prints the order id."""
    if (participant is None) == (asset is None):
        raise typer.BadParameter("give exactly one of --participant and --asset", param_hint="--participant/--asset")
    doc = parse_hash(document, "--document")
    with Session() as s:
        if participant is not None:
            target, who, asset_id = (
                OrderTarget.PARTICIPANT,
                resolve_address(s.settings, participant, "--participant"),
                0,
            )
            label = f"participant {who}"
        else:
            target, who, asset_id = OrderTarget.ASSET, ZERO_ADDRESS, int(asset or 0)
            label = f"asset #{asset_id}"
        client = s.client(actor)
        result = client.execute(client.prepare("Supervision", "openOrder", int(target), who, asset_id, doc))
        order_id = int(result.event("RectificationOrdered")["orderId"])
        write_result(
            result,
            {"order_id": order_id, "target": target, "participant": who, "asset_id": asset_id},
            [f"rectification order (责令整改) #{order_id} opened against {label}"],
            as_json,
        )


@app.command("order-close")
def order_close(
    order_id: Annotated[int, typer.Argument(help="Order id.", min=1, show_default=False)],
    closing: Annotated[str, typer.Option(help=f"The closing report: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Close a rectification order once the rectification is done."""
    closing_hash = parse_hash(closing, "--closing")
    with Session() as s:
        result = s.client(actor).close_order(order_id, closing_hash)
        write_result(result, {"order_id": order_id}, [f"rectification order #{order_id} closed (已整改)"], as_json)


@app.command("order-show")
def order_show(
    order_id: Annotated[int, typer.Argument(help="Order id.", min=1, show_default=False)],
    as_json: JsonOption = False,
) -> None:
    """Show a rectification order."""
    with Session() as s:
        o = s.reader().get_order(order_id)
        target, status = OrderTarget(o["target"]), OrderStatus(o["status"])
        record = {
            "id": order_id, "target": target, "status": status, "participant": o["participant"],
            "asset_id": o["assetId"], "issued_by": o["issuedBy"], "opened_at": o["openedAt"],
            "closed_at": o["closedAt"], "document_hash": o["documentHash"], "closing_hash": o["closingHash"],
        }  # fmt: skip
        subject = f"participant {o['participant']}" if target == OrderTarget.PARTICIPANT else f"asset #{o['assetId']}"
        lines = [
            f"rectification order (责令整改) #{order_id}: {term(status)}",
            f"  against  {subject}",
            f"  by       {o['issuedBy']} on {format_time(o['openedAt'])}",
            f"  closed   {format_time(o['closedAt'])}",
        ]
        emit(record, lines, as_json)


@app.command()
def credit(
    account: Annotated[str, typer.Argument(help=f"The participant: {ADDRESS_HELP}.", show_default=False)],
    code: Annotated[int, typer.Option(help="Event code in the credit catalogue (1-65535).", min=1, max=65535)],
    delta: Annotated[int, typer.Option(help="Change of the credit score (negative for violations).")],
    document: Annotated[str, typer.Option(help=f"Supporting document: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a credit event (信用记录) against a participant."""
    document_hash = parse_hash(document, "--document")
    with Session() as s:
        address = resolve_address(s.settings, account, "ACCOUNT")
        result = s.client(actor).record_credit_event(address, code, delta, document_hash)
        score = result.event("CreditEventRecorded")["score"]
        write_result(
            result,
            {"account": address, "code": code, "delta": delta, "score": score},
            [f"credit event (信用记录) code {code}, {delta:+d} for {address}: score now {score}"],
            as_json,
        )


@app.command("credit-show")
def credit_show(
    account: Annotated[str, typer.Argument(help=f"The participant: {ADDRESS_HELP}.", show_default=False)],
    as_json: JsonOption = False,
) -> None:
    """Show a participant's credit score and number of credit events."""
    with Session() as s:
        address = resolve_address(s.settings, account, "ACCOUNT")
        score, events = s.reader().credit_of(address)
        emit(
            {"account": address, "score": score, "events": events},
            f"{address}  credit score {score} after {events} event(s)",
            as_json,
        )
