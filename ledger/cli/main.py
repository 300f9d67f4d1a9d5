"""The ``ledger`` command: thin commands over the library.

Data goes to stdout, logs and progress to stderr. Exit status: 0 success, 1 the ledger refused
or failed (one line on stderr; a contract's refusal names its custom error and values), 2 bad
usage (unknown option, malformed value, bad input file).

Configuration comes from ``LEDGER_*`` environment variables (:class:`ledger.settings.LedgerSettings`),
e.g. ``LEDGER_DATA_DIR``, ``LEDGER_NODE_PORT``, ``LEDGER_RPC_URL`` (an external chain: keystores only).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Annotated, Any

import pydantic
import typer
from typer.core import TyperGroup

from ledger.chain.retry import retrying
from ledger.cli import (
    apikey,
    asset,
    audit,
    certificate,
    disclosure,
    governance,
    keys,
    license,
    listing,
    mandate,
    network,
    node,
    opening,
    participant,
    quality,
    recognition,
    supervise,
    token,
    trade,
    upgrade,
    valuation,
)
from ledger.cli._session import AsOption, JsonOption, Session, describe_error, emit, fail, progress
from ledger.cli.crosscheck import crosscheck
from ledger.cli.index import index
from ledger.cli.pause import pause, paused, unpause
from ledger.cli.serve import serve
from ledger.client import make_sender
from ledger.contracts.deploy import authority_identity, deploy_system, ensure_deployed, write_manifest
from ledger.contracts.system import GOVERNANCE_SAFES, SYSTEM_CONTRACTS
from ledger.demo import run_demo
from ledger.errors import LedgerError
from ledger.governance import GovernanceConfig
from ledger.settings import LedgerSettings
from ledger.toolchain import MAX_DEPLOYED_CODE_SIZE, compile_contracts

__all__ = ["app", "main"]


class LedgerGroup(TyperGroup):
    """Turns ledger errors into one line on stderr and exit status 1; bad settings into status 2."""

    def invoke(self, ctx: Any) -> Any:  # a click Context (Typer vendors click privately)
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            try:
                settings: LedgerSettings | None = LedgerSettings()
            except pydantic.ValidationError:
                settings = None
            raise fail(describe_error(exc, settings)) from None
        except pydantic.ValidationError as exc:
            problems = "; ".join(
                f"LEDGER_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
            )
            raise fail(f"invalid setting: {problems}", code=2) from None


app = typer.Typer(
    cls=LedgerGroup,
    name="ledger",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Permissioned ledger for data-property rights (数据产权登记、授权与交易结算).",
    epilog="Settings: LEDGER_* environment variables (LEDGER_DATA_DIR, LEDGER_NODE_PORT, LEDGER_RPC_URL, ...).",
)
app.add_typer(node.app, name="node")
app.add_typer(network.app, name="network")
app.add_typer(keys.app, name="keys")
app.add_typer(participant.app, name="participant")
app.add_typer(asset.app, name="asset")
app.add_typer(license.app, name="license")
app.add_typer(token.app, name="token")
app.add_typer(trade.app, name="trade")
app.add_typer(mandate.app, name="mandate")
app.add_typer(listing.app, name="listing")
app.add_typer(opening.app, name="opening")
app.add_typer(supervise.app, name="supervise")
app.add_typer(valuation.app, name="valuation")
app.add_typer(disclosure.app, name="disclosure")
app.add_typer(quality.app, name="quality")
app.add_typer(audit.app, name="audit")
app.add_typer(apikey.app, name="apikey")
app.add_typer(certificate.app, name="certificate")
app.add_typer(recognition.app, name="recognition")
app.add_typer(governance.app, name="governance")
app.add_typer(upgrade.app, name="upgrade")
app.command("crosscheck")(crosscheck)
app.command("index")(index)
app.command("serve")(serve)
app.command("pause")(pause)
app.command("unpause")(unpause)
app.command("paused")(paused)


@app.callback()
def _options(
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More logging on stderr (-vv: debug).")
    ] = 0,
) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(stream=sys.stderr, level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)


@app.command("compile")
def compile_(
    force: Annotated[bool, typer.Option("--force", help="Recompile even if the cache is current.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Compile the contracts with the pinned solc (cached by content)."""
    settings = LedgerSettings()
    started = time.perf_counter()
    build = compile_contracts(settings, force=force)
    elapsed = time.perf_counter() - started
    own = [c for c in build if c.source in build.project_sources]
    rows = [{"contract": c.fully_qualified_name, "deployed_size": c.deployed_size,
             "too_large": c.deployed_size > MAX_DEPLOYED_CODE_SIZE} for c in own]  # fmt: skip
    width = max((len(r["contract"]) for r in rows), default=10)
    lines = [
        f"build {build.key[:16]}  solc {build.compiler_version}  cache {'hit' if build.cache_hit else 'miss'}  "
        f"{elapsed:.2f}s  -> {build.directory}"
    ]
    lines += [f"  {r['contract']:<{width}}  {r['deployed_size']:>6} bytes" + ("  TOO LARGE (EIP-170)"
              if r["too_large"] else "") for r in rows]  # fmt: skip
    emit(
        {
            "key": build.key,
            "compiler_version": build.compiler_version,
            "cache_hit": build.cache_hit,
            "directory": str(build.directory),
            "contracts": rows,
        },
        lines,
        as_json,
    )


@app.command()
def deploy(
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Deploy a new system even if the manifest's contracts are on this chain.")
    ] = False,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Deploy the contracts and their governance, or verify the existing deployment.

    The authority is the access manager; its roles go to the officers' Safes of the LEDGER_GOVERNANCE_* settings
    (on the embedded chain, dev officers 40-44 unless set): the council, the guardian, the emergency officers. The
    signer only pays for the deployment and keeps no role. Writes DATA_DIR/deployment.json (contracts, governance).
    Without --fresh a deployment already on this chain is verified (code hashes, ABI, governance) and reused.
    """
    with Session() as s:
        account = s.account(actor)
        config = GovernanceConfig.from_settings(s.settings)
        table = s.error_table()
        build = s.build
        path = s.settings.manifest_path
        before = path.read_text() if path.exists() else None
        s.rpc.call("eth_chainId")  # no node at all is told at once (with its hint), not after retries
        rpc = retrying(s.rpc)  # a node that drops a connection or answers 503 for a moment costs a pause
        sender = make_sender(s.settings, rpc, account, table)
        try:
            if fresh:
                progress(f"deploying a fresh system as {account.address}")
                deployment = deploy_system(
                    rpc, sender, build, governance=config, recognised_chain_ids=s.settings.recognised_chain_ids,
                    **authority_identity(s.settings),
                )  # fmt: skip
                write_manifest(deployment, path)
            else:
                deployment = ensure_deployed(
                    rpc, sender, build, path, governance=config,
                    recognised_chain_ids=s.settings.recognised_chain_ids, **authority_identity(s.settings),
                )  # fmt: skip
        finally:
            if sender.journal is not None:
                sender.journal.close()
        # Verified: the manifest's contracts were found on chain (its block numbers may have been
        # rewritten if the chain mined the deployment again); deployed: new contracts.
        previous = json.loads(before).get("contracts", {}) if before is not None else {}
        same = previous and all(
            previous.get(name, {}).get("tx_hash") == c.tx_hash for name, c in deployment.contracts.items()
        )
        action = "verified" if not fresh and same else "deployed"
        g = deployment.governance
        assert g is not None  # a deployment made or verified here records its governance
        lines = [
            f"{action} (部署) the ledger on chain {deployment.chain_id} at block {deployment.deployment_block}, "
            f"authority: access manager {g.manager} (the council's delay {g.delay} s)",
            *(f"  {name:<20} {deployment.contracts[name].address}" for name in SYSTEM_CONTRACTS),
            *(f"  {name:<20} {g.safe(name).address}: {g.safe(name).threshold} of {len(g.safe(name).owners)} "
              f"officers as deployed" for name in GOVERNANCE_SAFES),
            f"manifest {path}",
        ]  # fmt: skip
        emit({"action": action, "manifest": str(path), **deployment.to_json()}, lines, as_json)


@app.command()
def demo(as_json: JsonOption = False) -> None:
    """Run a realistic market scenario on the embedded chain (re-runnable; deploys first if needed).

    Admits an authority's registrar, exchange, bank, two data holders, a merchant, a service
    provider and a supervisor (dev accounts 1-10, reused when already admitted), registers public,
    enterprise and personal-information data, licenses, settles on and off exchange, and exercises
    objections, freezes, rectification orders and credit events.
    """
    with Session() as s:
        summary = run_demo(s.settings, rpc=s.rpc, build=s.build, log=progress)
        emit(summary.to_json(), summary.lines(), as_json)


def main() -> None:
    """Console entry point (``python -m ledger.cli``)."""
    app()


if __name__ == "__main__":
    main()
