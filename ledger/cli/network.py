"""``ledger network init|start|stop|status|env``: a multi-node consortium network on this machine.

``init`` writes a complete network definition into a folder (validator keystores, genesis, static
nodes, per-node configuration); ``start`` runs every node (geth v1.13 with Clique, built by
``scripts/build-engine``) on 127.0.0.1 with its own ports and data dir; ``status`` shows each node's
head, peers and whether it is a validator; ``env`` prints the LEDGER_* settings that point the
Python layer at all the nodes (failover between them). ``--engine besu-qbft`` writes the Besu QBFT
production kit instead (nothing to start here: Besu runs in the members' data centres).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

import typer

from ledger.cli._session import JsonOption, emit, fail, progress
from ledger.client.accounts import dev_accounts
from ledger.errors import LedgerError
from ledger.network.definition import load_definition, write_clique_network
from ledger.network.runner import LocalNetwork
from ledger.settings import LedgerSettings

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True, help="A multi-node consortium network (init, start, stop, status)."
)

_EXIT_NOT_RUNNING: Final[int] = 3
DirArgument = Annotated[Path, typer.Argument(help="The network folder.", show_default=False)]


@app.command()
def init(
    directory: DirArgument,
    validators: Annotated[int, typer.Option("--validators", "-n", min=1, help="How many validator nodes.")] = 4,
    nodes: Annotated[
        int | None,
        typer.Option("--nodes", min=1, help="Nodes in all (default: the validators); the others follow and serve."),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="clique (geth v1.13, runs here) or besu-qbft (the Besu production kit).")
    ] = "clique",
    chain_id: Annotated[int, typer.Option("--chain-id", help="The network's chain id (one per province).")] = 4501,
    block_period: Annotated[int, typer.Option("--block-period", min=1, help="Seconds between blocks.")] = 1,
    gas_limit: Annotated[int, typer.Option("--gas-limit", help="Block gas limit (a 100-trade batch: ~15M).")] = (
        400_000_000
    ),
    base_port: Annotated[int, typer.Option("--base-port", help="Node i: p2p base+i, RPC base+100+i.")] = 30400,
    fund: Annotated[
        list[str] | None, typer.Option("--fund", help="An address to fund in the genesis (repeat).")
    ] = None,
    dev_funds: Annotated[
        int,
        typer.Option(
            "--dev-funds", help="Also fund the first N public dev accounts (a test network only; never in production)."
        ),
    ] = 0,
    province: Annotated[
        int | None, typer.Option("--province", help="besu-qbft: the province's region code (e.g. 450000).")
    ] = None,
    light_kdf: Annotated[bool, typer.Option("--light-kdf", help="Cheaper keystore encryption (tests only).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write a network definition into DIRECTORY (which must not hold one yet)."""
    funded = list(fund or []) + [a.address for a in dev_accounts(dev_funds)]
    try:
        if engine == "clique":
            definition = write_clique_network(
                directory, validators=validators, chain_id=chain_id, block_period_s=block_period,
                gas_limit=gas_limit, base_port=base_port, funded=funded, light_kdf=light_kdf, nodes=nodes,
            )  # fmt: skip
        elif engine == "besu-qbft":
            from ledger.network.besu import write_besu_kit

            kit = write_besu_kit(
                directory, validators=validators, chain_id=chain_id, block_period_s=block_period,
                gas_limit=gas_limit, funded=funded, province=province, light_kdf=light_kdf,
            )  # fmt: skip
            emit(kit, [f"Besu QBFT kit for chain {chain_id} written to {directory}", f"see {directory}/README.md"],
                 as_json)  # fmt: skip
            return
        else:
            raise fail(f"unknown engine {engine!r}: clique or besu-qbft (GoQuorum cannot be built here)", 2)
    except LedgerError as exc:
        raise fail(str(exc)) from None
    lines = [
        f"{engine} network, chain {definition.chain_id}, {len(definition.nodes)} nodes,"
        f" {len(definition.validators)} validators, in {directory}"
    ]
    lines += [
        f"  {n.name}  {n.address}  rpc {n.rpc_url}  p2p {n.p2p_port}" + ("  validator" if n.validator else "")
        for n in definition.nodes
    ]
    lines.append(f"start it with `ledger network start {directory}`")
    emit(definition.to_json(), lines, as_json)


def _network(directory: Path) -> LocalNetwork:
    try:
        return LocalNetwork(load_definition(directory), LedgerSettings())
    except LedgerError as exc:
        raise fail(str(exc)) from None


@app.command()
def start(
    directory: DirArgument,
    node: Annotated[list[str] | None, typer.Option("--node", help="Only this node (repeat).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Start the network's nodes in the background (each keeps a pid file and a log in its folder)."""
    network = _network(directory)
    try:
        network.start(node or None)
    except LedgerError as exc:
        raise fail(str(exc)) from None
    progress(f"started; `ledger network status {directory}`; `ledger network env {directory}` for the settings")
    _show(network, as_json)


@app.command()
def stop(
    directory: DirArgument,
    node: Annotated[list[str] | None, typer.Option("--node", help="Only this node (repeat).")] = None,
) -> None:
    """Stop the nodes cleanly (SIGTERM: geth writes its state and exits)."""
    network = _network(directory)
    names = node or network.definition.names()
    stopped = [name for name in names if network.stop_node(name)]
    progress(f"stopped {', '.join(stopped)}" if stopped else "no node was running")


def _show(network: LocalNetwork, as_json: bool) -> bool:
    states = network.statuses()
    d = network.definition
    lines = [f"{d.engine} network, chain {d.chain_id}, block period {d.block_period_s}s, EVM {d.evm_version}"]
    for s in states:
        if not s.running:
            lines.append(f"  {s.name}  stopped          {s.rpc_url}")
            continue
        role = {True: "validator", False: "not a validator", None: "?"}[s.validator]
        lines.append(f"  {s.name}  block {s.block}  peers {s.peers}  {role}  {s.rpc_url}  pid {s.pid}")
    emit({"engine": d.engine, "chain_id": d.chain_id, "nodes": [s.to_json() for s in states]}, lines, as_json)
    return any(s.running for s in states)


@app.command()
def status(directory: DirArgument, as_json: JsonOption = False) -> None:
    """Each node's head block, peer count and whether it is a validator. Exit status 3 if none runs."""
    if not _show(_network(directory), as_json):
        raise typer.Exit(_EXIT_NOT_RUNNING)


@app.command()
def env(directory: DirArgument, as_json: JsonOption = False) -> None:
    """The LEDGER_* settings for this network (`eval "$(ledger network env DIR)"`)."""
    values = _network(directory).definition.env()
    emit(values, [f"export {k}={v}" for k, v in values.items()], as_json)
