"""``ledger governance ...``: proposals of the authority's actions, the officers' approvals, execution after the
council's delay, the guardian's cancellation, and the access manager's operations.

A proposal is a file (``--out``) that travels between officers: ``propose`` writes it (the proposer signs it if it
is an officer), each officer ``approve``s it on their own machine (an EIP-712 signature of the Safe transaction of
its current stage), and anyone ``execute``s it once the Safe's threshold of officers signed. The council's actions
take two rounds: ``execute`` first schedules them at the manager (visible to all, with their earliest execution
time); after the delay the officers approve again and ``execute`` has the manager carry them out. A guardian officer
may ``cancel`` a scheduled proposal meanwhile (the guardian's officers sign the cancellation, ``execute`` sends it).
Freezing an asset and suspending a participant take the emergency officers' route: one round, effective at once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from eth_utils.address import to_checksum_address

from ledger.cli._params import ADDRESS_HELP, HASH_HELP, parse_hash, resolve_address
from ledger.cli._session import AsOption, JsonOption, Session, emit, progress, tx_line
from ledger.cli.format import format_time
from ledger.contracts.system import GOVERNANCE_SAFES
from ledger.governance import Governance, Proposal, ProposalError
from ledger.governance.calls import ArgReader, CallError, encode_call
from ledger.governance.client import Operation
from ledger.governance.safe import safe_tx_hash

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Governance (治理): the officers' proposals, approvals, execution after the delay, cancellation.",
)

FileArg = Annotated[Path, typer.Argument(help="The proposal file.", show_default=False)]

def _encode(s: Session, contract: str, function: str, args: list[Any], param: str) -> tuple[str, bytes]:
    """(target, data) of one proposed call: addresses as keystore names and dev indexes too, bytes32 as text."""
    reader = ArgReader(
        owners=lambda safe: [str(o) for o in s.reader().view(safe, "getOwners")],
        address=lambda text: resolve_address(s.settings, text, param),
        hash32=lambda text: parse_hash(text, param),
    )
    try:
        return encode_call(s.contracts, contract, function, args, reader)
    except CallError as exc:
        raise typer.BadParameter(str(exc), param_hint=param) from None


def _calls_from_file(s: Session, path: Path) -> list[tuple[str, bytes]]:
    try:
        entries = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc}", param_hint="--calls") from None
    if not isinstance(entries, list) or not entries:
        raise typer.BadParameter("a non-empty JSON list of {contract, function, args}", param_hint="--calls")
    calls = []
    for entry in entries:
        if not isinstance(entry, dict) or not {"contract", "function"} <= set(entry):
            raise typer.BadParameter("each call is {contract, function, args}", param_hint="--calls")
        calls.append(_encode(s, str(entry["contract"]), str(entry["function"]), list(entry.get("args") or []),
                             "--calls"))  # fmt: skip
    return calls


def _governance(s: Session, actor: str | None = None) -> Governance:
    return Governance(s.reader(actor) if actor is None else s.client(actor))


def _load(path: Path) -> Proposal:
    try:
        return Proposal.load(path)
    except ProposalError as exc:
        raise typer.BadParameter(str(exc), param_hint="FILE") from None


def _summary(g: Governance, p: Proposal) -> dict[str, Any]:
    stage = p.stage
    state = g.safe(stage.safe)
    valid = g.valid_signers(p) if not stage.submitted else list(stage.signatures)
    now = g.chain_time()
    ops = []
    for action, op in zip(p.actions, p.operations or [b""] * len(p.actions), strict=True):
        entry: dict[str, Any] = {"contract": action.contract, "function": action.function, "args": action.args,
                                 "target": action.target}  # fmt: skip
        if op:
            entry["operation_id"] = "0x" + op.hex()
            entry["scheduled_until"] = g.schedule_of(op)
        ops.append(entry)
    return {
        "state": p.state, "route": p.route, "description": p.description, "actions": ops,
        "ready_at": p.ready_at, "ready": p.ready_at is not None and now >= p.ready_at, "chain_time": now,
        "stage": {
            "kind": stage.kind, "safe": stage.safe, "safe_address": stage.safe_address, "nonce": stage.nonce,
            "safe_nonce": state.nonce, "safe_tx_hash": "0x" + safe_tx_hash(stage.safe_tx(), p.chain_id).hex(),
            "signers": valid, "threshold": state.threshold, "officers": list(state.owners),
            "tx_hash": stage.tx_hash, "block": stage.block,
        },
        "stages": [{"kind": st.kind, "safe": st.safe, "tx_hash": st.tx_hash, "block": st.block} for st in p.stages],
    }  # fmt: skip


def _lines(summary: dict[str, Any]) -> list[str]:
    st = summary["stage"]
    lines = [f"proposal ({summary['route']} route): {summary['state']}"
             + (f" — {summary['description']}" if summary["description"] else "")]  # fmt: skip
    for a in summary["actions"]:
        args = ", ".join(f"{k}={v}" for k, v in a["args"].items())
        lines.append(f"  {a['contract']}.{a['function']}({args})")
    if summary["ready_at"]:
        when = "ready" if summary["ready"] else "not before"
        lines.append(f"  {when} {format_time(summary['ready_at'])} (chain time {format_time(summary['chain_time'])})")
    if st["tx_hash"]:
        lines.append(f"  last stage {st['kind']} sent in {st['tx_hash']} (block {st['block']})")
    else:
        lines.append(f"  {st['kind']} by the {st['safe']}: {len(st['signers'])} of {st['threshold']} signatures "
                     f"({', '.join(st['signers']) or 'none yet'}); Safe tx {st['safe_tx_hash']} nonce {st['nonce']}")
    return lines


@app.command()
def propose(
    contract: Annotated[str | None, typer.Argument(help="Contract of the deployment (ParticipantRegistry, "
                                                        "TradeSettlement, AccessManager, CouncilSafe...).",
                                                   show_default=False)] = None,
    function: Annotated[str | None, typer.Argument(help="Its function (admit, setPriceBand, grantRole, "
                                                        "addOwnerWithThreshold...).", show_default=False)] = None,
    args: Annotated[list[str] | None, typer.Argument(
        help=f"Its arguments in order: addresses as {ADDRESS_HELP} or a contract name; bytes32 as {HASH_HELP}; "
             "lists as JSON or comma-separated; roles, kinds and rights by name; an admission's credit code as its "
             "18 characters (checked, sent as its hash).", show_default=False)] = None,
    calls: Annotated[Path | None, typer.Option("--calls", help="JSON file: a list of {contract, function, args}, "
                                                               "proposed together.", show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", help="Where to write the proposal file.", show_default=False)] = Path(
        "proposal.json"),
    description: Annotated[str, typer.Option(help="What the proposal is for, for the officers.")] = "",
    no_check: Annotated[bool, typer.Option("--no-check", help="Do not first run the calls as the manager would now "
                                                              "(a refusal is reported before anything is written).")
                        ] = False,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a proposal of the authority's actions; the proposer (--as) signs it if it is one of the officers."""
    with Session() as s:
        if calls is not None:
            if contract or function or args:
                raise typer.BadParameter("give either CONTRACT FUNCTION ARGS or --calls", param_hint="--calls")
            encoded = _calls_from_file(s, calls)
        else:
            if not contract or not function:
                raise typer.BadParameter("name the contract and function (or --calls FILE)", param_hint="CONTRACT")
            encoded = [_encode(s, contract, function, list(args or []), "ARGS")]
        g = _governance(s, actor)
        proposal = g.propose(encoded, description, check=not no_check)
        signer = s.account(actor)
        officers = g.safe(proposal.stage.safe).owners
        if to_checksum_address(signer.address) in officers:
            proposal = g.sign(proposal, signer)
        else:
            progress(f"{signer.address} is not an officer of the {proposal.stage.safe}: the proposal is unsigned")
        proposal.save(out)
        summary = _summary(g, proposal)
        emit({"file": str(out), **summary}, [*_lines(summary), f"written to {out}"], as_json)


@app.command()
def approve(file: FileArg, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Sign the proposal's current stage as an officer of its Safe (the file is updated)."""
    with Session() as s:
        proposal = _load(file)
        g = _governance(s, actor)
        proposal = g.sign(proposal, s.account(actor))
        proposal.save(file)
        summary = _summary(g, proposal)
        emit({"file": str(file), **summary}, _lines(summary), as_json)


@app.command()
def execute(file: FileArg, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Send the proposal's current stage (schedule, execute or cancel) once its Safe's officers signed it; anyone
    may send it (--as only pays for the transaction)."""
    with Session() as s:
        proposal = _load(file)
        g = Governance(s.client(actor))
        done = proposal.stage.kind
        proposal, result = g.submit(proposal)
        proposal.save(file)
        summary = _summary(g, proposal)
        lines = [f"{done} (治理) sent", *_lines(summary), tx_line(result)]
        emit({"file": str(file), "sent": done, "tx": result.tx_hash, "block": result.receipt.block_number,
              "gas": result.receipt.gas_used, **summary}, lines, as_json)  # fmt: skip


@app.command()
def cancel(file: FileArg, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Sign the cancellation of a scheduled proposal as one of the guardian's officers (the first starts it);
    `execute` sends it once the guardian's threshold signed."""
    with Session() as s:
        proposal = _load(file)
        g = _governance(s, actor)
        proposal = g.begin_cancel(proposal)
        proposal = g.sign(proposal, s.account(actor))
        proposal.save(file)
        summary = _summary(g, proposal)
        emit({"file": str(file), **summary}, _lines(summary), as_json)


def _operation_json(op: Operation) -> dict[str, Any]:
    return {
        "operation_id": "0x" + op.operation_id.hex(), "nonce": op.nonce, "status": op.status, "caller": op.caller,
        "target": op.target, "contract": op.contract, "function": op.function, "args": op.args,
        "data": "0x" + op.data.hex(), "ready_at": op.ready_at, "scheduled_block": op.scheduled_block,
        "scheduled_tx": op.scheduled_tx, "closed_block": op.closed_block, "closed_tx": op.closed_tx,
    }  # fmt: skip


def _operation_line(op: Operation) -> str:
    args = ", ".join(f"{k}={v}" for k, v in op.args.items())
    return (f"0x{op.operation_id.hex()[:16]}… {op.status:<9} ready {format_time(op.ready_at)}  "
            f"{op.contract}.{op.function}({args})")  # fmt: skip


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help="Only operations in this state: pending, ready, executed, "
                                                    "cancelled, expired.", show_default=False)] = None,
    as_json: JsonOption = False,
) -> None:
    """Every operation the council scheduled at the manager, with its earliest execution time and its state."""
    if status is not None and status not in ("pending", "ready", "executed", "cancelled", "expired"):
        raise typer.BadParameter(f"{status!r} is not pending, ready, executed, cancelled or expired",
                                 param_hint="--status")  # fmt: skip
    with Session() as s:
        ops = [op for op in _governance(s).operations() if status is None or op.status == status]
        emit([_operation_json(op) for op in ops], [_operation_line(op) for op in ops] or ["no operations"], as_json)


@app.command()
def show(
    what: Annotated[str | None, typer.Argument(help="A proposal file or an operation id (0x...); none: the "
                                                    "governance's configuration.", show_default=False)] = None,
    as_json: JsonOption = False,
) -> None:
    """The governance (its Safes, officers, thresholds and the council's delay), a proposal or an operation."""
    with Session() as s:
        g = _governance(s)
        if what is None:
            _show_config(s, g, as_json)
            return
        if what.startswith("0x") and len(what) == 66 and not Path(what).exists():
            wanted = bytes.fromhex(what[2:])
            found = [op for op in g.operations() if op.operation_id == wanted]
            if not found:
                raise typer.BadParameter(f"no operation {what} was scheduled at the manager", param_hint="WHAT")
            emit([_operation_json(op) for op in found], [_operation_line(op) for op in found], as_json)
            return
        summary = _summary(g, _load(Path(what)))
        emit(summary, _lines(summary), as_json)


def _show_config(s: Session, g: Governance, as_json: bool) -> None:
    safes = {name: g.safe(name) for name in GOVERNANCE_SAFES}
    delay = g.council_delay()
    data = {
        "manager": g.manager, "delay": delay,
        "safes": {n: {"address": st.address, "officers": list(st.owners), "threshold": st.threshold,
                      "nonce": st.nonce} for n, st in safes.items()},
        "deployed": None if s.deployment.governance is None else s.deployment.governance.to_json(),
    }  # fmt: skip
    lines = [f"authority: access manager {g.manager}; the council's delay {delay} s"]
    for name, st in safes.items():
        lines.append(f"  {name:<13} {st.address}: {st.threshold} of {len(st.owners)} ({', '.join(st.owners)})")
    emit(data, lines, as_json)
