"""``ledger upgrade ...``: what an upgrade in place would change, checked against the last release (升级计划)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ledger.cli._session import JsonOption, emit, fail
from ledger.contracts.deploy import load_manifest
from ledger.contracts.upgrade import DEFAULT_BASELINE, BaselineError, UpgradePlan, load_baseline, plan_upgrade
from ledger.settings import PROJECT_ROOT, LedgerSettings
from ledger.toolchain import cached_build, compile_contracts, storage_layouts

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Upgrades in place (升级): the storage layout check against the last release, and what code changes.",
)

_CODE = {
    "unchanged": "code unchanged",
    "metadata-only": "code unchanged (metadata only)",
    "changed": "CODE CHANGES",
    "unknown": "code change unknown",
    "not-deployed": "not deployed",
}


def _allowances(values: list[str]) -> dict[str, dict[str, str]]:
    allowed: dict[str, dict[str, str]] = {}
    for value in values:
        contract, colon, rest = value.partition(":")
        path, equals, new = rest.partition("=")
        if not (colon and equals and contract and path and new):
            raise typer.BadParameter(f"{value!r}: expected CONTRACT:PATH=NEW_NAME", param_hint="--allow-rename")
        allowed.setdefault(contract, {})[path] = new
    return allowed


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _lines(plan: UpgradePlan, against: Path) -> list[str]:
    deployed = f"deployed build {plan.deployed_build_key[:12]}" if plan.deployed_build_key else "no deployment manifest"
    lines = [f"upgrade plan against release {plan.release} ({_shown(against)}): build {plan.build_key[:12]}, "
             f"{deployed}"]  # fmt: skip
    width = max(len(c.name) for c in plan.contracts)
    for c in plan.contracts:
        layout = "layout compatible" if c.compatible else "LAYOUT INCOMPATIBLE"
        lines.append(f"  {c.name:<{width}}  {layout:<19}  {_CODE[c.code]} ({c.code_note})")
        if c.compiled_code_hash:
            lines.append(f"  {'':<{width}}  compiled code hash {c.compiled_code_hash}")
        if c.deployed_code_hash:
            lines.append(f"  {'':<{width}}  deployed code hash {c.deployed_code_hash}")
        lines += [f"  {'':<{width}}  {f.severity}: {f.message}" for f in c.findings]
    lines.append("layout: compatible" if plan.compatible else "layout: INCOMPATIBLE: the upgrade would corrupt state")
    lines.append("(immutables and constants are code, not storage: changing them leaves the layout as it is; the "
                 "compiled code hash has the immutables unset, the code on chain has them filled in)")  # fmt: skip
    return lines


@app.command("plan")
def plan(
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            metavar="BASELINE",
            help=f"The release baseline to check against [default: {_shown(DEFAULT_BASELINE)}].",
            show_default=False,
        ),
    ] = None,
    allow_rename: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-rename",
            metavar="CONTRACT:PATH=NEW",
            help="Allow a renamed variable or struct member (PATH as the check prints it: _total, "
            "_assets[*].owner). Repeatable.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """For each of the ledger's contracts: whether its storage layout is compatible with the release's (OpenZeppelin's
    upgrade rules), and whether its code changes from the deployment's (DATA_DIR/deployment.json, if any). Exit
    status 1 when any layout is incompatible."""
    path = against if against is not None else DEFAULT_BASELINE
    allowed = _allowances(allow_rename or [])
    try:
        baseline = load_baseline(path)
    except BaselineError as exc:
        raise typer.BadParameter(str(exc), param_hint="--against") from None
    settings = LedgerSettings()
    deployment = load_manifest(settings.manifest_path) if settings.manifest_path.exists() else None
    deployed_build = (
        cached_build(deployment.build_key, settings, evm_version=deployment.evm_version)
        if deployment is not None
        else None
    )
    result = plan_upgrade(
        compile_contracts(settings),
        storage_layouts(settings),
        baseline,
        deployment=deployment,
        deployed_build=deployed_build,
        allow_renames=allowed,
    )
    emit(result.to_json(), _lines(result, path), as_json)
    if not result.compatible:
        bad = ", ".join(c.name for c in result.contracts if not c.compatible)
        raise fail(f"storage layout incompatible with release {result.release}: {bad}")
