"""``ledger opening ...``: the annual public-data opening list (公共数据开放重点清单, art. 10).

The authority (through the governance) publishes a year's list from a file; each entry's department links the
public-data asset it registered for it; anyone shows an entry opened by a licence of that asset or by an exchange's
listing of it in force; the authority withdraws an entry not opened::

    ledger opening publish list-2027.json                     # the authority (`--as council` on a dev chain)
    ledger opening link 3 12 --as 4                           # the department links its asset #12 to entry #3
    ledger opening opened 3 --licence 41 --as 6               # opened by licence #41 of the asset
    ledger opening opened 3 --listing 0x<key> --as 6          # ... or by a listing of it in force
    ledger opening withdraw 4 --reason "merged into entry 3"  # the authority
    ledger opening show 3
    ledger opening list --year 2027 --department 4

A list file (JSON, or YAML when its name ends in ``.yaml``/``.yml``): the year, the hash of the published list
(a hash, ``@FILE`` or text, hashed) and its entries, each a department (an address or dev account index), the hash
of the data's description (or its text) and a target date (a time; in the future)::

    {"year": 2027, "list_hash": "@opening-list-2027.pdf",
     "entries": [{"department": "4", "description_hash": "bus and metro ridership", "target_date": "2027-06-30"},
                 {"department": "5", "description_hash": "freight volumes", "target_date": "+270d"}]}
"""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Final

import typer

from ledger.cli._files import check_keys, json_field, read_json
from ledger.cli._params import ADDRESS_HELP, HASH_HELP, parse_hash, parse_time, resolve_address
from ledger.cli._session import AsOption, JsonOption, Session, emit, fail, write_result
from ledger.cli.format import choice_name, format_time
from ledger.cli.listing import load_listing
from ledger.client import LedgerClient, TxResult
from ledger.contracts.types import OpeningEntry, OpeningEvidence, OpeningStatus

__all__ = ["app", "opening_list_from_json"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="The annual public-data opening list (公共数据开放重点清单), art. 10: publish, link, opened, withdraw, show, "
    "list.",
)

_LIST_FIELDS: Final = frozenset({"year", "list_hash", "entries"})
_ENTRY_FIELDS: Final = frozenset({"department", "description_hash", "target_date"})
_MAX_ENTRIES: Final = 500
_STATUS_HELP: Final = "planned, registered, opened, withdrawn or overdue (planned or registered past the target date)"

EntryArg = Annotated[
    int, typer.Argument(min=1, help="The entry's id (`ledger opening list` shows them).", show_default=False)
]


def _read_list(path: str) -> Any:
    """A list file: YAML for a ``.yaml``/``.yml`` name, else JSON ('-' for stdin)."""
    if not path.lower().endswith((".yaml", ".yml")):
        return read_json(path)
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        raise typer.BadParameter(
            f"{path}: reading YAML needs PyYAML; give the list as JSON", param_hint="FILE"
        ) from None
    try:
        return yaml.safe_load(Path(path).read_text())
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc.strerror}", param_hint="FILE") from None
    except yaml.YAMLError as exc:
        raise typer.BadParameter(f"{path} is not YAML: {' '.join(str(exc).split())}", param_hint="FILE") from None


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise typer.BadParameter(f"{where}: {value!r} is not text", param_hint="FILE")
    return str(value)


def opening_list_from_json(s: Session, data: Any, where: str) -> tuple[int, bytes, list[OpeningEntry]]:
    """The year, list hash and entries a list file describes (module docstring); target dates in the future."""
    d = check_keys(data, _LIST_FIELDS, where)
    year = json_field(d, "year", where)
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2199:
        raise typer.BadParameter(f"{where}.year: {year!r} is not a year from 2000 to 2199", param_hint="FILE")
    list_hash = parse_hash(_text(json_field(d, "list_hash", where), f"{where}.list_hash"), f"{where}.list_hash")
    items = json_field(d, "entries", where)
    if not isinstance(items, list) or not items:
        raise typer.BadParameter(f"{where}.entries: expected a non-empty list of entries", param_hint="FILE")
    if len(items) > _MAX_ENTRIES:
        raise typer.BadParameter(f"{where}.entries: {len(items)} entries, at most {_MAX_ENTRIES} a list",
                                 param_hint="FILE")  # fmt: skip
    now = s.chain_time()
    entries = []
    for i, item in enumerate(items):
        at = f"{where}.entries[{i}]"
        e = check_keys(item, _ENTRY_FIELDS, at)
        department = resolve_address(s.settings, _text(json_field(e, "department", at), f"{at}.department"),
                                     f"{at}.department")  # fmt: skip
        description = parse_hash(_text(json_field(e, "description_hash", at), f"{at}.description_hash"),
                                 f"{at}.description_hash")  # fmt: skip
        target = json_field(e, "target_date", at)
        if isinstance(target, date):  # YAML reads an unquoted date (or date and time) as one
            target = target.isoformat()
        if isinstance(target, bool) or not isinstance(target, (str, int)):
            raise typer.BadParameter(f"{at}.target_date: {target!r} is not a time", param_hint="FILE")
        target_date = parse_time(target, now, f"{at}.target_date")
        if target_date <= now:
            raise typer.BadParameter(f"{at}.target_date: {format_time(target_date)} is not in the future (the "
                                     f"chain's time is {format_time(now)})", param_hint="FILE")  # fmt: skip
        if target_date >= 2**40:
            raise typer.BadParameter(f"{at}.target_date: {target_date} is too far", param_hint="FILE")
        entries.append(OpeningEntry(department, description, target_date))
    return year, list_hash, entries


def _entry(s: Session, reader: LedgerClient, entry_id: int) -> dict[str, Any]:
    """An entry as the chain holds it now, with what it was published with and how it was opened."""
    if entry_id > reader.opening_entry_count():
        raise fail(f"no opening-list entry #{entry_id}")
    e = reader.opening_entry(entry_id)
    [published] = s.find_events("OpeningList", "OpeningEntryPublished", entry_id)
    status = OpeningStatus(int(e["status"]))
    record: dict[str, Any] = {
        "entry_id": entry_id, "year": int(e["year"]), "department": e["department"],
        "description_hash": bytes(published.args["descriptionHash"]), "target_date": int(e["targetDate"]),
        "status": choice_name(status),
        "overdue": status in (OpeningStatus.PLANNED, OpeningStatus.REGISTERED) and s.chain_time() > e["targetDate"],
        "asset_id": int(e["assetId"]) or None, "registered_at": int(e["registeredAt"]) or None,
        "opened_at": int(e["openedAt"]) or None, "evidence": None, "withdrawal_reason_hash": None,
    }  # fmt: skip
    if status == OpeningStatus.OPENED:
        opened = s.find_events("OpeningList", "OpeningEntryOpened", entry_id)[-1].args
        kind = OpeningEvidence(int(opened["evidence"]))
        ref = bytes(opened["ref"])
        record["evidence"] = {"kind": choice_name(kind), "by": opened["by"],
                              **({"licence_id": int.from_bytes(ref, "big")} if kind == OpeningEvidence.LICENCE
                                 else {"listing_key": ref})}  # fmt: skip
    elif status == OpeningStatus.WITHDRAWN:
        withdrawn = s.find_events("OpeningList", "OpeningEntryWithdrawn", entry_id)[-1].args
        record["withdrawal_reason_hash"] = bytes(withdrawn["reasonHash"])
    return record


def _entry_lines(r: dict[str, Any]) -> list[str]:
    status = r["status"] + (" (OVERDUE)" if r["overdue"] else "")
    lines = [
        f"opening-list entry #{r['entry_id']} of {r['year']} (开放重点清单): {status}",
        f"  department   {r['department']}",
        f"  data         description 0x{r['description_hash'].hex()}",
        f"  target date  {format_time(r['target_date'])}",
    ]
    if r["asset_id"] is not None:
        lines.append(f"  asset        #{r['asset_id']}, linked {format_time(r['registered_at'])}")
    evidence = r["evidence"]
    if evidence is not None:
        shown = (f"licence #{evidence['licence_id']}" if evidence["kind"] == "licence"
                 else f"listing 0x{evidence['listing_key'].hex()}")  # fmt: skip
        late = " (late)" if r["opened_at"] > r["target_date"] else ""
        lines.append(f"  opened       {format_time(r['opened_at'])}{late}, by {shown}, shown by {evidence['by']}")
    if r["withdrawal_reason_hash"] is not None:
        lines.append(f"  withdrawn    reason 0x{r['withdrawal_reason_hash'].hex()}")
    return lines


@app.command()
def publish(
    file: Annotated[
        str, typer.Argument(help="The list file (JSON or YAML, '-' for JSON on stdin).", show_default=False)
    ],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Publish a year's opening list (the authority, through the governance). Prints the entries' ids."""
    data = _read_list(file)
    with Session() as s:
        year, list_hash, entries = opening_list_from_json(s, data, file)
        client = s.client(actor)
        result = client.execute(client.prepare("OpeningList", "publish", year, list_hash,
                                               [e.as_abi() for e in entries]))  # fmt: skip
        ids = [int(e["entryId"]) for e in result.find("OpeningEntryPublished")]
        record = {"year": year, "list_hash": list_hash, "entry_ids": ids,
                  "entries": [{"entry_id": i, "department": e.department, "description_hash": e.description_hash,
                               "target_date": e.target_date} for i, e in zip(ids, entries, strict=True)]}  # fmt: skip
        write_result(result, record, [
            f"the {year} opening list (开放重点清单) published: {len(ids)} entr{'y' if len(ids) == 1 else 'ies'}",
            *(f"  entry #{i}: {e.department} by {format_time(e.target_date)}" for i, e in zip(ids, entries,
                                                                                            strict=True)),
        ], as_json)  # fmt: skip


@app.command()
def link(
    entry: EntryArg,
    asset: Annotated[
        int,
        typer.Argument(
            min=0, help="The registered public-data asset whose holding right you hold.", show_default=False
        ),
    ],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Link the public-data asset you registered for ENTRY (its department): the entry is then registered."""
    with Session() as s:
        result = s.client(actor).link_opening_asset(entry, asset)
        write_result(result, {"entry_id": entry, "asset_id": asset, "status": "registered"},
                     [f"entry #{entry}: asset #{asset} linked (registered, 已登记)"], as_json)  # fmt: skip


def _opened(result: TxResult) -> dict[str, Any]:
    opened = result.event("OpeningEntryOpened")
    kind = OpeningEvidence(int(opened["evidence"]))
    ref = bytes(opened["ref"])
    return {"entry_id": int(opened["entryId"]), "asset_id": int(opened["assetId"]), "status": "opened",
            "evidence": choice_name(kind),
            **({"licence_id": int.from_bytes(ref, "big")} if kind == OpeningEvidence.LICENCE
               else {"listing_key": ref})}  # fmt: skip


@app.command()
def opened(
    entry: EntryArg,
    licence: Annotated[
        int | None,
        typer.Option("--licence", "--license", min=0, show_default=False, help="A licence of the entry's asset."),
    ] = None,
    listing: Annotated[
        str | None,
        typer.Option(
            "--listing",
            show_default=False,
            help="A listing of the entry's asset in force: its key (as `ledger listing list` printed it) or a listing "
            "file.",
        ),
    ] = None,
    exchange: Annotated[
        str | None,
        typer.Option(
            help=f"A listing file's exchange, when the file names none: {ADDRESS_HELP}.",
            show_default=False,
        ),
    ] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show ENTRY opened (any active participant): by a licence of its asset, or by an exchange's listing of it in
    force."""
    if (licence is None) == (listing is None):
        raise typer.BadParameter("give --licence or --listing (one of them)", param_hint="--licence/--listing")
    if licence is not None and exchange is not None:
        raise typer.BadParameter("--exchange goes with --listing", param_hint="--exchange")
    with Session() as s:
        if licence is not None:
            result = s.client(actor).mark_opened(entry, licence)
        else:
            assert listing is not None
            where, found, _ = load_listing(s, listing, exchange, param="--listing")
            if where is None:
                raise typer.BadParameter("give --exchange: the listing file names no exchange", param_hint="--exchange")
            result = s.client(actor).mark_listed(entry, where, found)
        record = _opened(result)
        shown = (f"licence #{record['licence_id']}" if "licence_id" in record
                 else f"listing 0x{record['listing_key'].hex()}")  # fmt: skip
        write_result(result, record, [f"entry #{entry} opened (已开放): asset #{record['asset_id']}, by {shown}"],
                     as_json)  # fmt: skip


@app.command()
def withdraw(
    entry: EntryArg,
    reason: Annotated[str, typer.Option(help=f"Why (kept off chain): {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Withdraw a planned or registered entry (the authority, through the governance)."""
    reason_hash = parse_hash(reason, "--reason")
    if not any(reason_hash):
        raise typer.BadParameter("the reason's hash is zero", param_hint="--reason")
    with Session() as s:
        result = s.client(actor).withdraw_opening_entry(entry, reason_hash)
        write_result(result, {"entry_id": entry, "status": "withdrawn", "reason_hash": reason_hash},
                     [f"entry #{entry} withdrawn"], as_json)  # fmt: skip


@app.command()
def show(entry: EntryArg, as_json: JsonOption = False) -> None:
    """Show an entry: its department, data, target date and status (overdue: planned or registered past it), the
    asset linked and how it was opened."""
    with Session() as s:
        record = _entry(s, s.reader(), entry)
        emit(record, _entry_lines(record), as_json)


@app.command("list")
def list_(
    year: Annotated[
        int | None, typer.Option(min=2000, max=2199, help="Only entries of this year's list.", show_default=False)
    ] = None,
    department: Annotated[
        str | None, typer.Option(help=f"Only this department's entries: {ADDRESS_HELP}.", show_default=False)
    ] = None,
    status: Annotated[
        str | None, typer.Option(help=f"Only entries that are {_STATUS_HELP}.", show_default=False)
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The entries of the published lists, from the chain, by id; with each year's progress."""
    wanted = status.strip().lower() if status is not None else None
    if wanted is not None and wanted not in ("planned", "registered", "opened", "withdrawn", "overdue"):
        raise typer.BadParameter(f"{status!r} is not one of: {_STATUS_HELP}", param_hint="--status")
    with Session() as s:
        who = resolve_address(s.settings, department, "--department") if department is not None else None
        reader = s.reader()
        published = s.find_events("OpeningList", "OpeningEntryPublished", None, year, who)
        rows = [_entry(s, reader, int(p.args["entryId"])) for p in published]
        if wanted == "overdue":
            rows = [r for r in rows if r["overdue"]]
        elif wanted is not None:
            rows = [r for r in rows if r["status"] == wanted]
        rows.sort(key=lambda r: int(r["entry_id"]))

        def lines() -> list[str]:
            if not rows:
                return ["no opening-list entries"]
            out = []
            for r in rows:
                state = r["status"] + (" OVERDUE" if r["overdue"] else "")
                asset = f", asset #{r['asset_id']}" if r["asset_id"] is not None else ""
                out.append(f"#{r['entry_id']:<4} {r['year']}  {r['department']}  by {format_time(r['target_date'])}"
                           f"  {state}{asset}")  # fmt: skip
            return out

        emit({"entries": rows}, lines, as_json)
