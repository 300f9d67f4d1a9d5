"""``ledger token ...``: the settlement token (结算币), a claim on yuan held by settlement banks."""

from __future__ import annotations

from typing import Annotated

import typer

from ledger.cli._params import ADDRESS_HELP, AMOUNT_HELP, HASH_HELP, parse_amount, parse_hash, resolve_address
from ledger.cli._session import AsOption, JsonOption, Session, emit, write_result
from ledger.cli.format import format_amount

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True,
    help="Settlement token (结算币): issue, redeem, approve, transfer, balance, issuance limits.",
)

AmountOption = Annotated[str, typer.Option("--amount", help=f"Amount in {AMOUNT_HELP}.", show_default=False)]


@app.command()
def issue(
    to: Annotated[str, typer.Option("--to", help=f"The receiving participant: {ADDRESS_HELP}.", show_default=False)],
    amount: AmountOption,
    reserve: Annotated[
        str,
        typer.Option("--reserve", help=f"The reserve attestation (储备证明) backing it: {HASH_HELP}.",
                     show_default=False),
    ],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Issue tokens against yuan received (settlement banks), within the bank's issuance limit."""
    with Session() as s:
        address = resolve_address(s.settings, to, "--to")
        value = parse_amount(amount, "--amount")
        reserve_hash = parse_hash(reserve, "--reserve")
        result = s.client(actor).issue(address, value, reserve_hash)
        outstanding = int(result.event("Issued")["outstanding"])
        write_result(
            result,
            {"to": address, "amount": value, "reserve_hash": "0x" + reserve_hash.hex(), "outstanding": outstanding},
            [f"issued (发行) {format_amount(value)} to {address}; outstanding {format_amount(outstanding)}"],
            as_json,
        )


@app.command()
def redeem(amount: AmountOption, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Redeem tokens from your own balance against yuan paid out (settlement banks; at most your outstanding
    issuance)."""
    with Session() as s:
        value = parse_amount(amount, "--amount")
        client = s.client(actor)
        result = client.redeem(value)
        outstanding = int(result.event("Redeemed")["outstanding"])
        write_result(
            result,
            {"bank": client.address, "amount": value, "outstanding": outstanding},
            [f"redeemed (赎回) {format_amount(value)}; outstanding {format_amount(outstanding)}"],
            as_json,
        )


@app.command()
def limit(
    bank: Annotated[str, typer.Argument(help=f"The settlement bank: {ADDRESS_HELP}.", show_default=False)],
    new_limit: Annotated[
        str | None,
        typer.Option("--set", help=f"Set its issuance limit to this, {AMOUNT_HELP} (authority).", show_default=False),
    ] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a settlement bank's issuance limit (发行额度) and outstanding issuance (issued less redeemed, what its
    reserves back), or set the limit with --set (the authority: on the embedded chain `--as council` goes through
    the governance; elsewhere the officers propose `SettlementToken setIssuanceLimit BANK UNITS`)."""
    with Session() as s:
        address = resolve_address(s.settings, bank, "BANK")
        if new_limit is not None:
            value = parse_amount(new_limit, "--set", allow_zero=True)
            result = s.client(actor).set_issuance_limit(address, value)
            outstanding = int(result.event("IssuanceLimitSet")["outstanding"])
            write_result(
                result,
                {"bank": address, "limit": value, "outstanding": outstanding},
                [f"issuance limit (发行额度) of {address}: {format_amount(value)} "
                 f"(outstanding {format_amount(outstanding)})"],
                as_json,
            )  # fmt: skip
            return
        current, outstanding = s.reader().issuance_of(address)
        emit(
            {"bank": address, "limit": current, "outstanding": outstanding,
             "available": max(current - outstanding, 0)},
            f"{address}  limit {format_amount(current)}  outstanding {format_amount(outstanding)}",
            as_json,
        )  # fmt: skip


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
