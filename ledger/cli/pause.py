"""``ledger pause``, ``ledger unpause``, ``ledger paused``: the ledger's pause register (暂停).

The emergency officers pause contracts at once; the council unpauses them after its delay. A paused contract refuses
every participant's call that would change it; reads, the authority's own functions and withdrawals of consent keep
working.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ledger.cli._params import HASH_HELP, parse_hash
from ledger.cli._session import AsOption, JsonOption, Session, emit, write_result
from ledger.contracts.types import PAUSE_CONTRACTS, Paused

__all__ = ["pause", "paused", "unpause"]

_NAMES = ", ".join(PAUSE_CONTRACTS.values())
ContractsArg = Annotated[
    list[str],
    typer.Argument(help=f"The contracts ({_NAMES}; or all), by name, separated by spaces or commas.",
                   show_default=False),
]  # fmt: skip
ReasonOption = Annotated[str, typer.Option("--reason", help=f"The reason document: {HASH_HELP}.", show_default=False)]


def _bits(names: list[str]) -> Paused:
    try:
        return Paused.of([part for name in names for part in name.split(",") if part.strip()])
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="CONTRACTS") from None


def _change(names: list[str], reason: str, actor: str | None, as_json: bool, *, on: bool) -> None:
    contracts = _bits(names)
    reason_hash = parse_hash(reason, "--reason")
    with Session() as s:
        client = s.client(actor)
        result = client.pause(contracts, reason_hash) if on else client.unpause(contracts, reason_hash)
        after = Paused(int(result.event("ContractsPaused" if on else "ContractsUnpaused")["paused"]))
        verb = "paused (暂停)" if on else "unpaused (恢复)"
        write_result(
            result,
            {"contracts": contracts.contract_names, "paused": after.contract_names},
            [f"{verb}: {', '.join(contracts.contract_names)}",
             f"paused now: {', '.join(after.contract_names) or 'none'}"],
            as_json,
        )  # fmt: skip


def pause(contracts: ContractsArg, reason: ReasonOption, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Pause contracts at once (the authority's emergency officers): each refuses every participant's change."""
    _change(contracts, reason, actor, as_json, on=True)


def unpause(contracts: ContractsArg, reason: ReasonOption, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Unpause contracts (the authority's council, after its delay)."""
    _change(contracts, reason, actor, as_json, on=False)


def paused(
    block: Annotated[str, typer.Option(help="Block number, or latest.")] = "latest",
    as_json: JsonOption = False,
) -> None:
    """Which of the ledger's contracts are paused (read from the chain)."""
    at: str | int = int(block) if block.isdigit() else block
    with Session() as s:
        register = s.reader().paused_contracts(block=at)
        names = register.contract_names
        emit({"paused": names, "block": block}, [f"paused: {', '.join(names)}" if names else "no contract is paused"],
             as_json)  # fmt: skip
