"""``ledger asset ...``: data-property registration (产权登记), rights, objections, freezes, revenue shares."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ledger.cli._params import (
    ADDRESS_HELP,
    HASH_HELP,
    TIME_HELP,
    parse_choice,
    parse_hash,
    parse_time,
    resolve_address,
)
from ledger.cli._session import AsOption, JsonOption, Session, emit, fail, write_result
from ledger.cli.format import TERMS, certificate_number, choice_name, format_time, term
from ledger.contracts.types import AssetStatus, Category, Grade, Kind, ObjectionStatus, Registration, Right

__all__ = ["app", "asset_record"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Data assets (数据资产): registration lifecycle, rights, objections, freezes, anonymisation, revenue shares, "
    "authorised operation of public data.",
)

AssetArg = Annotated[int, typer.Argument(help="Asset id.", min=1, show_default=False)]


def _hash_option(name: str, what: str) -> Any:
    return typer.Option(f"--{name}", help=f"{what}: {HASH_HELP}.", show_default=False)


def _names(enum: Any) -> str:
    return ", ".join(choice_name(m) for m in enum)


def _label(s: Session, asset_id: int) -> str:
    applied = s.find_events("AssetRegistry", "RegistrationApplied", asset_id)
    return f"asset #{asset_id}" + (f" {applied[-1].args['registration']['name']!r}" if applied else "")


@app.command()
def apply(
    name: Annotated[str, typer.Option(help="The data resource's name.", show_default=False)],
    category: Annotated[str, typer.Option(help=f"{_names(Category)} (公共/企业/个人信息数据).", show_default=False)],
    region: Annotated[int, typer.Option(help="Region code; reviewed by that region's registrar.", show_default=False)],
    content: Annotated[str, _hash_option("content", "The data's content hash")],
    metadata: Annotated[str, _hash_option("metadata", "The metadata document")],
    uri: Annotated[str, typer.Option(help="Where the metadata document is published.", show_default=False)],
    grade: Annotated[str, typer.Option(help=f"Security grade: {_names(Grade)}.")] = "general",
    kind: Annotated[str, typer.Option(help=f"{_names(Kind)}.")] = "dataset",
    processing_holder: Annotated[
        str | None, typer.Option(help=f"Holder of the processing right if not you: {ADDRESS_HELP}.")
    ] = None,
    operation_holder: Annotated[
        str | None, typer.Option(help=f"Holder of the operation right if not you: {ADDRESS_HELP}.")
    ] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apply for registration of a data resource (data holders and merchants); prints the asset id."""
    with Session() as s:
        registration = Registration(
            content_hash=parse_hash(content, "--content"),
            metadata_hash=parse_hash(metadata, "--metadata"),
            metadata_uri=uri,
            name=name,
            category=parse_choice(Category, category, "--category"),
            grade=parse_choice(Grade, grade, "--grade"),
            kind=parse_choice(Kind, kind, "--kind"),
            region=region,
            **({"processing_holder": resolve_address(s.settings, processing_holder, "--processing-holder")}
               if processing_holder else {}),
            **({"operation_holder": resolve_address(s.settings, operation_holder, "--operation-holder")}
               if operation_holder else {}),
        )  # fmt: skip
        client = s.client(actor)
        result = client.execute(client.prepare("AssetRegistry", "applyRegistration", registration.as_abi()))
        asset_id = int(result.event("RegistrationApplied")["assetId"])
        write_result(
            result,
            {"asset_id": asset_id, "name": name},
            [
                f"applied (登记申请) for asset #{asset_id} {name!r}: {term(registration.category)}, "
                f"{term(registration.grade)}, {term(registration.kind)}; pending review in region {region}"
            ],
            as_json,
        )


@app.command()
def review(
    asset_id: AssetArg,
    review_doc: Annotated[str, _hash_option("review", "The review report")],
    decision: Annotated[
        bool | None, typer.Option("--approve/--reject", help="Register the asset, or reject the application.")
    ] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Review a pending application (the registrar of the asset's region)."""
    if decision is None:
        raise typer.BadParameter("give --approve or --reject", param_hint="--approve/--reject")
    review_hash = parse_hash(review_doc, "--review")
    with Session() as s:
        client = s.client(actor)
        result = client.review_registration(asset_id, decision, review_hash)
        label = _label(s, asset_id)
        if decision:
            asset = client.get_asset(asset_id)
            cert = certificate_number(asset["region"], asset["certificateSerial"])
            write_result(
                result,
                {"asset_id": asset_id, "registered": True, "certificate": cert},
                [f"registered (产权登记) {label}, certificate {cert}"],
                as_json,
            )
        else:
            write_result(
                result,
                {"asset_id": asset_id, "registered": False},
                [f"rejected (驳回) the application for {label}"],
                as_json,
            )


@app.command()
def change(
    asset_id: AssetArg,
    metadata: Annotated[str, _hash_option("metadata", "The new metadata document")],
    uri: Annotated[str, typer.Option(help="Where the new metadata document is published.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record changed metadata of a registered asset (变更登记; holding-right holder)."""
    metadata_hash = parse_hash(metadata, "--metadata")
    with Session() as s:
        result = s.client(actor).change_registration(asset_id, metadata_hash, uri)
        write_result(
            result,
            {"asset_id": asset_id, "uri": uri},
            [f"changed (变更登记) {_label(s, asset_id)}: metadata now at {uri}"],
            as_json,
        )


@app.command()
def cancel(
    asset_id: AssetArg,
    reason: Annotated[str, _hash_option("reason", "The reason document")],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Cancel a registration (注销登记; holding-right holder or the region's registrar)."""
    reason_hash = parse_hash(reason, "--reason")
    with Session() as s:
        result = s.client(actor).cancel_registration(asset_id, reason_hash)
        write_result(result, {"asset_id": asset_id}, [f"cancelled (注销登记) {_label(s, asset_id)}"], as_json)


@app.command("transfer-right")
def transfer_right(
    asset_id: AssetArg,
    right: Annotated[str, typer.Option(help=f"{_names(Right)}.", show_default=False)],
    to: Annotated[str, typer.Option(help=f"The new holder: {ADDRESS_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Transfer one of the three rights to another participant, without payment (current holder)."""
    with Session() as s:
        which = parse_choice(Right, right, "--right")
        address = resolve_address(s.settings, to, "--to")
        result = s.client(actor).transfer_right(asset_id, which, address)
        write_result(
            result,
            {"asset_id": asset_id, "right": which, "to": address},
            [f"transferred {term(which)} of {_label(s, asset_id)} to {address}"],
            as_json,
        )


@app.command("object")
def lodge_objection(
    asset_id: AssetArg,
    evidence: Annotated[str, _hash_option("evidence", "The evidence")],
    standing_licence: Annotated[
        int, typer.Option("--standing-licence", min=0,
                          help="Your own valid licence of the asset, when that is your standing (0: none).")
    ] = 0,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Lodge an objection (异议) against a registration (any active participant); prints its id.

    With standing (you hold a right in the asset or name your valid licence of it; supervisors and the
    authority) it is open at once and the asset is disputed; otherwise it is pending until a registrar of
    the asset's region accepts it (`ledger asset accept`), and blocks nothing meanwhile.
    """
    evidence_hash = parse_hash(evidence, "--evidence")
    with Session() as s:
        client = s.client(actor)
        result = client.execute(
            client.prepare("AssetControls", "lodgeObjection", asset_id, evidence_hash, standing_licence)
        )
        args = result.event("ObjectionLodged")
        objection_id, status = int(args["objectionId"]), ObjectionStatus(args["status"])
        effect = (
            f"the asset is disputed ({args['openObjections']} open objection(s)): it can be neither licensed nor "
            "traded until resolved"
            if status == ObjectionStatus.OPEN
            else "pending a registrar's acceptance: it blocks nothing yet"
        )
        write_result(
            result,
            {"asset_id": asset_id, "objection_id": objection_id, "status": status,
             "open_objections": args["openObjections"]},
            [f"objection (异议) #{objection_id} lodged against {_label(s, asset_id)}: {term(status)}; {effect}"],
            as_json,
        )  # fmt: skip


DecisionOption = Annotated[str, _hash_option("decision", "The decision")]
ObjectionArg = Annotated[int, typer.Argument(help="Objection id.", min=1, show_default=False)]


@app.command()
def accept(
    objection_id: ObjectionArg, decision_doc: DecisionOption, actor: AsOption = None, as_json: JsonOption = False
) -> None:
    """Accept a pending objection (异议受理; a registrar of the asset's region): the asset is disputed until it
    is resolved."""
    decision_hash = parse_hash(decision_doc, "--decision")
    with Session() as s:
        result = s.client(actor).accept_objection(objection_id, decision_hash)
        args = result.event("ObjectionAccepted")
        write_result(
            result,
            {"objection_id": objection_id, "asset_id": args["assetId"], "status": ObjectionStatus.OPEN,
             "open_objections": args["openObjections"]},
            [f"objection #{objection_id} on asset #{args['assetId']} accepted (异议受理): the asset is disputed, "
             f"{args['openObjections']} open objection(s)"],
            as_json,
        )  # fmt: skip


@app.command()
def resolve(
    objection_id: ObjectionArg,
    decision_doc: DecisionOption,
    upheld: Annotated[
        bool | None, typer.Option("--upheld/--dismissed", help="Whether the objection is upheld.")
    ] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Resolve an open or pending objection (a registrar of the asset's region)."""
    if upheld is None:
        raise typer.BadParameter("give --upheld or --dismissed", param_hint="--upheld/--dismissed")
    decision_hash = parse_hash(decision_doc, "--decision")
    with Session() as s:
        result = s.client(actor).resolve_objection(objection_id, upheld, decision_hash)
        args = result.event("ObjectionResolved")
        status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        write_result(
            result,
            {
                "objection_id": objection_id,
                "asset_id": args["assetId"],
                "status": status,
                "open_objections": args["openObjections"],
            },
            [
                f"objection #{objection_id} on asset #{args['assetId']} resolved: {term(status)}; "
                f"{args['openObjections']} still open"
            ],
            as_json,
        )


@app.command()
def objection(objection_id: ObjectionArg, as_json: JsonOption = False) -> None:
    """Show an objection: asset, objector, status (pending, open, upheld, dismissed), evidence."""
    with Session() as s:
        o = s.reader().get_objection(objection_id)
        status = ObjectionStatus(o["status"])
        if status == ObjectionStatus.NONE:
            raise fail(f"no objection #{objection_id}")
        record = {"id": objection_id, "asset_id": o["assetId"], "objector": o["objector"], "status": status,
                  "lodged_at": o["lodgedAt"], "evidence_hash": o["evidenceHash"]}  # fmt: skip
        emit(record, [
            f"objection (异议) #{objection_id} on asset #{o['assetId']}: {term(status)}",
            f"  objector  {o['objector']}, lodged {format_time(o['lodgedAt'])}",
            f"  evidence  0x{bytes(o['evidenceHash']).hex()}",
        ], as_json)  # fmt: skip


def _freeze(action: str, zh: str, asset_id: int, reason: str, actor: str | None, as_json: bool) -> None:
    reason_hash = parse_hash(reason, "--reason")
    with Session() as s:
        client = s.client(actor)
        result = client.freeze(asset_id, reason_hash) if action == "froze" else client.unfreeze(asset_id, reason_hash)
        write_result(
            result,
            {"asset_id": asset_id, "frozen": action == "froze"},
            [f"{action} ({zh}) {_label(s, asset_id)}"],
            as_json,
        )


@app.command()
def freeze(
    asset_id: AssetArg,
    reason: Annotated[str, _hash_option("reason", "The reason document")],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Freeze an asset: no trades, licences or changes (authority)."""
    _freeze("froze", "冻结", asset_id, reason, actor, as_json)


@app.command()
def unfreeze(
    asset_id: AssetArg,
    reason: Annotated[str, _hash_option("reason", "The reason document")],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Unfreeze an asset (authority)."""
    _freeze("unfroze", "解冻", asset_id, reason, actor, as_json)


@app.command()
def attest(
    asset_id: AssetArg,
    report: Annotated[str, _hash_option("report", "The anonymisation report")],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Attest that personal-information data is anonymised (匿名化; service providers)."""
    report_hash = parse_hash(report, "--report")
    with Session() as s:
        result = s.client(actor).attest_anonymisation(asset_id, report_hash)
        write_result(
            result,
            {"asset_id": asset_id, "anonymised": True},
            [f"anonymisation attested (匿名化处理) for {_label(s, asset_id)}"],
            as_json,
        )


def asset_record(s: Session, asset_id: int) -> dict[str, Any]:
    """An asset's on-chain record with its name, metadata URI, certificate number and revenue shares per right."""
    client = s.reader()
    a = client.get_asset(asset_id)
    if AssetStatus(a["status"]) == AssetStatus.NONE:
        raise fail(f"no asset #{asset_id}")
    applied = s.find_events("AssetRegistry", "RegistrationApplied", asset_id)
    changed = s.find_events("AssetRegistry", "RegistrationChanged", asset_id)
    registration = applied[-1].args["registration"] if applied else {}
    uri = changed[-1].args["metadataURI"] if changed else registration.get("metadataURI")
    return {
        "id": asset_id,
        "name": registration.get("name"),
        "metadata_uri": uri,
        "content_hash": a["contentHash"],
        "category": Category(a["category"]),
        "grade": Grade(a["grade"]),
        "kind": Kind(a["kind"]),
        "status": AssetStatus(a["status"]),
        "region": a["region"],
        "certificate": certificate_number(a["region"], a["certificateSerial"]),
        "registered_at": a["registeredAt"],
        "applicant": a["applicant"],
        "holders": {
            "holding": a["holdingHolder"],
            "processing": a["processingHolder"],
            "operation": a["operationHolder"],
        },
        "disputed": a["disputed"],
        "open_objections": a["openObjections"],
        "frozen": a["frozen"],
        "anonymised": a["anonymised"],
        "suspended": a["suspended"],
        "licensed_until": a["licensedUntil"],
        "revenue_shares": {
            choice_name(right): [{"recipient": r, "bps": b} for r, b in client.revenue_shares(asset_id, right)]
            for right in Right
        },
    }


def _shares_text(shares: list[dict[str, Any]]) -> str:
    return ", ".join(f"{x['recipient']} {x['bps'] / 100:g}%" for x in shares) or "none"


@app.command()
def show(asset_id: AssetArg, as_json: JsonOption = False) -> None:
    """Show an asset: category, grade, status, certificate, right holders, flags, revenue shares."""
    with Session() as s:
        r = asset_record(s, asset_id)
        flags = [f for f in ("disputed", "frozen", "suspended", "anonymised") if r[f]]
        lines = [
            f"asset #{asset_id} {r['name']!r}",
            f"  category     {term(r['category'])}, {term(r['grade'])}, {term(r['kind'])}",
            f"  status       {term(r['status'])}" + (f", certificate {r['certificate']}" if r["certificate"] else ""),
            f"  region       {r['region']}"
            + (f", registered {format_time(r['registered_at'])}" if r["registered_at"] else ""),
            f"  content      0x{r['content_hash'].hex()}",
            f"  metadata     {r['metadata_uri']}",
            f"  applicant    {r['applicant']}",
            *(
                f"  {choice_name(right):<12} {r['holders'][choice_name(right)]}  ({TERMS[(Right, right.name)]})"
                for right in Right
            ),
            f"  flags        {', '.join(flags) or 'none'}"
            + (f" ({r['open_objections']} open objection(s))" if r["open_objections"] else ""),
            f"  licensed     until {format_time(r['licensed_until'])} (the holder cannot cancel it alone before)"
            if r["licensed_until"]
            else "  licensed     never",
            *(
                f"  shares       {right}: {_shares_text(shares)} (收益分配)"
                for right, shares in r["revenue_shares"].items()
                if shares
            ),
        ]
        emit(r, lines, as_json)


@app.command()
def shares(
    asset_id: AssetArg,
    right: Annotated[
        str | None,
        typer.Option(help=f"The right whose sales (and licences) pay the shares: {_names(Right)}. "
                     "Required with --set/--clear; shown for every right without it."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help=f"RECIPIENT=BPS (recipient: {ADDRESS_HELP}; bps of the price net of the "
            "exchange fee); repeat for several. Replaces the current shares.",
            show_default=False,
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove all revenue shares of the right.")] = False,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show an asset's revenue shares (收益分配) per right, or set them with --right and --set/--clear (the
    holder of that right). A recipient that is not active when a sale settles has its share held for it."""
    with Session() as s:
        which = parse_choice(Right, right, "--right") if right is not None else None
        if set_ or clear:
            if set_ and clear:
                raise typer.BadParameter("--set and --clear exclude each other", param_hint="--clear")
            if which is None:
                raise typer.BadParameter("say whose sales pay the shares: --right", param_hint="--right")
            pairs: list[tuple[str, int]] = []
            for item in set_ or []:
                recipient, sep, bps = item.rpartition("=")
                if not sep or not bps.strip().isdigit():
                    raise typer.BadParameter(f"{item!r} is not RECIPIENT=BPS", param_hint="--set")
                pairs.append((resolve_address(s.settings, recipient, "--set"), int(bps)))
            result = s.client(actor).set_revenue_shares(asset_id, which, pairs)
            listed = ", ".join(f"{a} {b / 100:g}%" for a, b in pairs) or "none"
            write_result(
                result,
                {"asset_id": asset_id, "right": which,
                 "revenue_shares": [{"recipient": a, "bps": b} for a, b in pairs]},
                [f"revenue shares (收益分配) of sales of the {term(which)} of asset #{asset_id} set: {listed}"],
                as_json,
            )  # fmt: skip
            return
        reader = s.reader()
        rights = [which] if which is not None else list(Right)
        current = {choice_name(r): reader.revenue_shares(asset_id, r) for r in rights}
        rows = {r: [{"recipient": a, "bps": b} for a, b in listed] for r, listed in current.items()}
        lines = [f"{right:<10}  {a}  {b:>5} bps ({b / 100:g}%)" for right, listed in current.items() for a, b in listed]
        emit({"asset_id": asset_id, "revenue_shares": rows}, lines or [f"asset #{asset_id}: no revenue shares"],
             as_json)  # fmt: skip


# ──────────────────────────────────────────────────────────── authorised operation of public data


OperatorOption = Annotated[str, typer.Option(help=f"The authorised operator: {ADDRESS_HELP}.", show_default=False)]
OpRightOption = Annotated[str, typer.Option(help="The right licensed: processing or operation.")]
OpPurposeOption = Annotated[int, typer.Option(help="Purpose code of the licence.", min=0, max=65535)]


@app.command("authorise-operation")
def authorise_operation(
    asset_id: AssetArg,
    operator: OperatorOption,
    decision_doc: DecisionOption,
    latest_end: Annotated[
        str, typer.Option("--latest-end", help=f"The latest end of the licence approved: {TIME_HELP}.",
                          show_default=False)
    ],
    right: OpRightOption = "operation",
    purpose: OpPurposeOption = 0,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve an authorised operation of public data (公共数据授权运营; the authority): its holder may then
    grant the operator one zero-price licence of that right and purpose, ending no later than --latest-end.
    It is the only licence of public data granted off an exchange."""
    decision_hash = parse_hash(decision_doc, "--decision")
    with Session() as s:
        who = resolve_address(s.settings, operator, "--operator")
        which = parse_choice(Right, right, "--right")
        end = parse_time(latest_end, s.chain_time, "--latest-end")
        result = s.client(actor).authorise_public_operation(asset_id, who, which, purpose, end, decision_hash)
        write_result(
            result,
            {"asset_id": asset_id, "operator": who, "right": which, "purpose": purpose, "latest_end": end},
            [f"authorised operation (公共数据授权运营) of {_label(s, asset_id)} approved for {who}: one licence of "
             f"the {term(which)}, purpose {purpose}, ending by {format_time(end)}"],
            as_json,
        )  # fmt: skip


@app.command("withdraw-operation")
def withdraw_operation(
    asset_id: AssetArg,
    operator: OperatorOption,
    right: OpRightOption = "operation",
    purpose: OpPurposeOption = 0,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Withdraw an approval of authorised operation not yet used (the authority)."""
    with Session() as s:
        who = resolve_address(s.settings, operator, "--operator")
        which = parse_choice(Right, right, "--right")
        result = s.client(actor).withdraw_public_operation(asset_id, who, which, purpose)
        write_result(result, {"asset_id": asset_id, "operator": who, "right": which, "purpose": purpose},
                     [f"authorised operation of asset #{asset_id} by {who} withdrawn"], as_json)  # fmt: skip


@app.command("operation")
def operation(
    asset_id: AssetArg,
    operator: OperatorOption,
    right: OpRightOption = "operation",
    purpose: OpPurposeOption = 0,
    as_json: JsonOption = False,
) -> None:
    """Show whether an operator holds an unused approval of authorised operation, and until when."""
    with Session() as s:
        who = resolve_address(s.settings, operator, "--operator")
        which = parse_choice(Right, right, "--right")
        end = s.reader().public_operation(asset_id, who, which, purpose)
        emit({"asset_id": asset_id, "operator": who, "right": which, "purpose": purpose, "latest_end": end},
             f"{who}: approved for one licence of the {term(which)} of asset #{asset_id}, purpose {purpose}, ending "
             f"by {format_time(end)}" if end else f"{who}: no unused approval for asset #{asset_id}, {term(which)}, "
             f"purpose {purpose}", as_json)  # fmt: skip
