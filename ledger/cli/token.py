"""``ledger token ...``: the settlement token (结算币), a claim on yuan held by settlement banks."""

from __future__ import annotations

from typing import Annotated

import typer

from ledger.cli._params import ADDRESS_HELP, AMOUNT_HELP, parse_amount, resolve_address
from ledger.cli._session import AsOption, JsonOption, Session, emit, write_result
from ledger.cli.format import format_amount

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True, help="Settlement token (结算币): issue, approve, transfer, balance."
)

AmountOption = Annotated[str, typer.Option("--amount", help=f"Amount in {AMOUNT_HELP}.", show_default=False)]


@app.command()
def issue(
    to: Annotated[str, typer.Option("--to", help=f"The receiving participant: {ADDRESS_HELP}.", show_default=False)],
    amount: AmountOption,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Issue tokens against yuan received (settlement banks)."""
    with Session() as s:
        address = resolve_address(s.settings, to, "--to")
        value = parse_amount(amount, "--amount")
        result = s.client(actor).issue(address, value)
        write_result(
            result, {"to": address, "amount": value}, [f"issued (发行) {format_amount(value)} to {address}"], as_json
        )


@app.command()
def approve(
    spender: Annotated[
        str, typer.Option("--spender", help=f"Who may spend (an exchange): {ADDRESS_HELP}.", show_default=False)
    ],
    amount: Annotated[str, typer.Option("--amount", help=f"Allowance in {AMOUNT_HELP}; 0 withdraws it.")],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Allow an exchange to take up to AMOUNT from you to settle your purchases (replaces the allowance)."""
    with Session() as s:
        address = resolve_address(s.settings, spender, "--spender")
        value = parse_amount(amount, "--amount", allow_zero=True)
        client = s.client(actor)
        result = client.approve(address, value)
        write_result(
            result,
            {"owner": client.address, "spender": address, "amount": value},
            [f"{client.address} allows {address} to spend {format_amount(value)}"],
            as_json,
        )


@app.command()
def transfer(
    to: Annotated[str, typer.Option("--to", help=f"The receiving participant: {ADDRESS_HELP}.", show_default=False)],
    amount: AmountOption,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Transfer tokens to another active participant."""
    with Session() as s:
        address = resolve_address(s.settings, to, "--to")
        value = parse_amount(amount, "--amount")
        client = s.client(actor)
        result = client.transfer(address, value)
        write_result(
            result,
            {"from": client.address, "to": address, "amount": value},
            [f"transferred {format_amount(value)} from {client.address} to {address}"],
            as_json,
        )


@app.command()
def balance(
    account: Annotated[str | None, typer.Argument(help=f"Whose balance: {ADDRESS_HELP}. Default: --as.")] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Token balance of an account."""
    with Session() as s:
        address = resolve_address(s.settings, account or actor or "0", "ACCOUNT")
        value = s.reader().balance_of(address)
        emit(
            {"account": address, "balance": value, "display": format_amount(value)},
            f"{address}  {format_amount(value)}",
            as_json,
        )
