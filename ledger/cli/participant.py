"""``ledger participant ...``: admission, status and declarations of market participants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from ledger.cli._params import (
    ADDRESS_HELP,
    HASH_HELP,
    parse_credit_code,
    parse_hash,
    parse_roles,
    resolve_account,
    resolve_address,
)
from ledger.cli._session import AsOption, JsonOption, Session, emit, fail, write_result
from ledger.cli.format import choice_name, format_amount, format_time, role_names, term
from ledger.client import LedgerClient, TxResult
from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.types import ParticipantStatus, Role

__all__ = ["app", "participant_record"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Participants (市场主体): admit, suspend, reinstate, revoke, declare, change or recover keys, show, find"
    " (by credit code).",
)

AccountArg = Annotated[str, typer.Argument(help=f"The participant: {ADDRESS_HELP}.", show_default=False)]
ReasonOption = Annotated[str, typer.Option("--reason", help=f"Reason document: {HASH_HELP}.", show_default=False)]


def _roles_text(roles: int) -> str:
    return ", ".join(term(r) for r in Role if int(r) & roles) or "none"


@app.command()
def admit(
    account: AccountArg,
    roles: Annotated[
        str,
        typer.Option(
            help="Comma-separated roles: " + ", ".join(choice_name(r) for r in Role) + "; or a bitmask.",
            show_default=False,
        ),
    ],
    region: Annotated[int, typer.Option(help="Administrative region code (6 digits, e.g. 450000 Guangxi).")],
    name: Annotated[str, typer.Option(help="The participant's name.", show_default=False)],
    credit_code: Annotated[
        str,
        typer.Option(
            help="The organisation's unified social credit code (统一社会信用代码, 18 characters); the ledger keeps"
            " its hash and admits each code once.",
            show_default=False,
        ),
    ],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Admit a participant with roles and a region (authority)."""
    code = parse_credit_code(credit_code)
    with Session() as s:
        address = resolve_address(s.settings, account, "ACCOUNT")
        mask = parse_roles(roles)
        result = s.client(actor).admit(address, mask, region, name, code)
        admitted = result.event("ParticipantAdmitted")
        write_result(
            result,
            {"account": address, "participant_id": admitted["id"], "roles": role_names(int(mask)), "region": region,
             "name": name, "credit_code": code, "credit_code_hash": "0x" + admitted["creditCodeHash"].hex()},
            [f"admitted (准入) {name} {address} as participant #{admitted['id']}, {_roles_text(int(mask))}, region"
             f" {region}, credit code {code}"],
            as_json,
        )  # fmt: skip


StatusChange = Callable[[LedgerClient, str, bytes], TxResult]


def _status_change(
    change: StatusChange, done: str, account: str, reason: str, actor: str | None, as_json: bool
) -> None:
    reason_hash = parse_hash(reason, "--reason")
    with Session() as s:
        address = resolve_address(s.settings, account, "ACCOUNT")
        result = change(s.client(actor), address, reason_hash)
        status = ParticipantStatus(result.event("ParticipantStatusChanged")["status"])
        write_result(result, {"account": address, "status": status}, [f"{done} {address}: now {term(status)}"], as_json)


@app.command()
def suspend(account: AccountArg, reason: ReasonOption, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Suspend an active participant (authority)."""
    _status_change(LedgerClient.suspend, "suspended (暂停)", account, reason, actor, as_json)


@app.command()
def reinstate(account: AccountArg, reason: ReasonOption, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Reinstate a suspended participant (authority)."""
    _status_change(LedgerClient.reinstate, "reinstated (恢复)", account, reason, actor, as_json)


@app.command()
def revoke(account: AccountArg, reason: ReasonOption, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Revoke a participant for good (authority)."""
    _status_change(LedgerClient.revoke, "revoked (撤销)", account, reason, actor, as_json)


@app.command()
def declare(
    document: Annotated[
        str, typer.Option(help=f"The signed declaration and commitment: {HASH_HELP}.", show_default=False)
    ],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """File a declaration and commitment (声明和承诺); data merchants and service providers need one to trade."""
    document_hash = parse_hash(document, "--document")
    with Session() as s:
        client = s.client(actor)
        result = client.file_declaration(document_hash)
        count = result.event("DeclarationFiled")["count"]
        write_result(
            result,
            {"account": client.address, "declarations": count},
            [f"declaration (声明和承诺) filed by {client.address} (number {count})"],
            as_json,
        )


NewKeyOption = Annotated[
    str, typer.Option("--new-key", help=f"The new key: {ADDRESS_HELP}.", show_default=False)
]


@app.command("rotate-key")
def rotate_key(
    new_key: Annotated[
        str,
        typer.Option(
            "--new-key",
            help="Keystore NAME (or dev:INDEX on the embedded chain) of the new key, which signs its consent here.",
            show_default=False,
        ),
    ],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hand the participant over to a new key (planned key change, 密钥轮换): the key it signs with now (--as) and the
    new key both sign. At once, the old key is refused everywhere and the new one holds every record of the
    participant, which stays under its identity. Consents the old key signed lapse."""
    with Session() as s:
        client = s.client(actor)
        result = client.rotate_key(resolve_account(s.settings, new_key, "--new-key"))
        _key_changed(result, as_json)


@app.command("replace-key")
def replace_key(
    account: AccountArg,
    new_key: NewKeyOption,
    reason: ReasonOption,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Recover a lost or compromised key (authority: the council, after its delay): the new key signs for the
    participant, the old one is refused from then on. The emergency officers can suspend it at once meanwhile."""
    reason_hash = parse_hash(reason, "--reason")
    with Session() as s:
        address = resolve_address(s.settings, account, "ACCOUNT")
        new = resolve_address(s.settings, new_key, "--new-key")
        _key_changed(s.client(actor).replace_key(address, new, reason_hash), as_json)


def _key_changed(result: TxResult, as_json: bool) -> None:
    e = result.event("ParticipantKeyChanged")
    write_result(
        result,
        {"identity": e["identity"], "participant_id": e["id"], "old_key": e["oldKey"], "new_key": e["newKey"],
         "reason_hash": "0x" + e["reasonHash"].hex(), "by": e["by"]},
        [f"key changed (密钥变更) for participant #{e['id']} {e['identity']}: {e['newKey']} signs for it now,"
         f" {e['oldKey']} is refused"],
        as_json,
    )  # fmt: skip


def participant_record(s: Session, address: str) -> dict[str, Any]:
    """The participant's on-chain record with its admitted name, credit and token balance; ``address`` is its
    identity or any key it signed with."""
    client = s.reader()
    p = client.get_participant(address)
    status = ParticipantStatus(p["status"])
    if status == ParticipantStatus.NONE:
        raise fail(f"{address} is not an admitted participant")
    identity = client.identity_of(address)
    admitted = s.find_events("ParticipantRegistry", "ParticipantAdmitted", identity)
    score, events = client.credit_of(identity)
    return {
        "address": identity,
        "signing_key": client.view("ParticipantRegistry", "accountOf", p["id"]),  # (the record is read already)
        "participant_id": p["id"],
        "credit_code_hash": "0x" + admitted[-1].args["creditCodeHash"].hex() if admitted else None,
        "name": admitted[-1].args["name"] if admitted else None,
        "roles": role_names(p["roles"]),
        "roles_mask": p["roles"],
        "status": choice_name(status),
        "region": p["region"],
        "declarations": p["declarations"],
        "admitted_at": p["admittedAt"],
        "updated_at": p["updatedAt"],
        "credit_score": score,
        "credit_events": events,
        "balance": client.balance_of(identity),
    }


@app.command()
def find(
    credit_code: Annotated[str, typer.Argument(help="A unified social credit code (统一社会信用代码, 18 characters).")],
    as_json: JsonOption = False,
) -> None:
    """Find the organisation admitted with a unified social credit code: its participant id and account (exit 1 when
    no organisation was admitted with it)."""
    code = parse_credit_code(credit_code, "CREDIT_CODE")
    with Session() as s:
        client = s.reader()
        participant_id = client.view("ParticipantRegistry", "idOfCreditCode", credit_code_hash(code))
        if participant_id == 0:
            raise fail(f"no participant was admitted with credit code {code}")
        r = participant_record(s, client.view("ParticipantRegistry", "accountOf", participant_id))
        address = r["address"]
        emit(
            {"credit_code": code, **r},
            [f"{code}: participant #{participant_id}, {r['name'] or '(unnamed)'} {address} ({r['status']})"],
            as_json,
        )


@app.command()
def show(account: AccountArg, as_json: JsonOption = False) -> None:
    """Show a participant: roles, status, region, declarations, credit and token balance."""
    with Session() as s:
        address = resolve_address(s.settings, account, "ACCOUNT")
        r = participant_record(s, address)
        lines = [
            f"{r['name'] or '(unnamed)'}  {r['address']}",
            f"  participant   #{r['participant_id']} (credit code hash {r['credit_code_hash']})",
            f"  signing key   {r['signing_key']}",
            f"  roles         {_roles_text(r['roles_mask'])}",
            f"  status        {term(ParticipantStatus[r['status'].upper()])}",
            f"  region        {r['region']}",
            f"  declarations  {r['declarations']}",
            f"  admitted      {format_time(r['admitted_at'])} (updated {format_time(r['updated_at'])})",
            f"  credit (信用)  score {r['credit_score']} after {r['credit_events']} event(s)",
            f"  balance       {format_amount(r['balance'])}",
        ]
        emit(r, lines, as_json)
