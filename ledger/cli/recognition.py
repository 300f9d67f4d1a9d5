"""``ledger recognition ...``: agreements with other provinces and imports of their certificates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ledger.cli._params import ADDRESS_HELP, HASH_HELP, parse_hash, resolve_address
from ledger.cli._session import AsOption, JsonOption, Session, emit, write_result
from ledger.recognition import read_certificate, verify_offline
from ledger.recognition.crosscheck import find_recognised

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Mutual recognition (互通互认): agreements with other provinces, imported registrations, suspension and "
    "reinstatement.",
)
agreement = typer.Typer(rich_markup_mode=None, no_args_is_help=True, help="Recognition agreements (authority).")
app.add_typer(agreement, name="agreement")


@agreement.command("set")
def agreement_set(
    origin_chain: Annotated[int, typer.Option("--origin-chain", help="The other province's chain id.", min=1)],
    registry: Annotated[str, typer.Option(help="Its AssetRegistry address.", show_default=False)],
    registrar: Annotated[
        list[str], typer.Option("--registrar", help=f"One of its registrars (repeat): {ADDRESS_HELP}.")
    ],
    threshold: Annotated[int, typer.Option(help="Signatures needed (M of N).", min=1, max=255)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record (or replace) the agreement with another province: whose signatures count, how many."""
    with Session() as s:
        regs = [resolve_address(s.settings, r, "--registrar") for r in registrar]
        origin_registry = resolve_address(s.settings, registry, "--registry")
        result = s.client(actor).set_agreement(origin_chain, origin_registry, regs, threshold)
        version = int(result.event("AgreementSet")["version"])
        write_result(
            result,
            {"origin_chain_id": origin_chain, "registry": origin_registry, "registrars": regs, "threshold": threshold,
             "version": version},
            [f"agreement with chain {origin_chain} (v{version}): {threshold} of {len(regs)} registrars"],
            as_json,
        )  # fmt: skip


@agreement.command("show")
def agreement_show(
    origin_chain: Annotated[int, typer.Argument(help="The other province's chain id.", min=1, show_default=False)],
    as_json: JsonOption = False,
) -> None:
    """Show the agreement with another province."""
    with Session() as s:
        a = s.reader().get_agreement(origin_chain)
    data = {
        "origin_chain_id": origin_chain, "registry": a["originRegistry"], "registrars": list(a["registrars"]),
        "threshold": int(a["threshold"]), "version": int(a["version"]), "active": int(a["threshold"]) > 0,
    }  # fmt: skip
    lines = (
        [f"chain {origin_chain}: registry {a['originRegistry']}, {a['threshold']} of {len(a['registrars'])} "
         f"registrars (v{a['version']})", *(f"  {r}" for r in a["registrars"])]
        if data["active"] else [f"no agreement with chain {origin_chain}" + (" (revoked)" if a["version"] else "")]
    )  # fmt: skip
    emit(data, lines, as_json)


@agreement.command("revoke")
def agreement_revoke(
    origin_chain: Annotated[int, typer.Argument(help="The other province's chain id.", min=1, show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """End the agreement: no further imports from that province."""
    with Session() as s:
        result = s.client(actor).revoke_agreement(origin_chain)
        write_result(result, {"origin_chain_id": origin_chain}, [f"agreement with chain {origin_chain} revoked"],
                     as_json)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Certificate file of the other province.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import another province's certificate (registrars): the asset is registered here as recognised."""
    cert = read_certificate(file)
    verify_offline(cert)
    with Session() as s:
        result = s.client(actor).import_certificate(cert.domain.chain_id, cert.certificate.as_abi(),
                                                     cert.signature_bytes())
        ev = result.event("CertificateImported")
        local = int(ev["localAssetId"])
        write_result(
            result,
            {"local_asset_id": local, "origin_chain_id": cert.domain.chain_id,
             "origin_asset_id": cert.certificate.asset_id, "certificate_number": cert.number,
             "signers": list(ev["signers"]), "linked": bool(ev["linked"]), "superseded": bool(ev["superseded"]),
             "origin_status": "cancelled" if cert.certificate.status == 4 else "registered"},
            [(f"certificate {cert.number} supersedes the one in force for asset #{local}"
              + (": the origin cancelled it, cancelled here too" if cert.certificate.status == 4 else "")
              if ev["superseded"] else f"certificate {cert.number} recognised as asset #{local}")
             + (" (linked to the existing local registration)" if ev["linked"] else "")
             + f", {len(ev['signers'])} registrar signature(s) counted"],
            as_json,
        )  # fmt: skip


LocalAssetArg = Annotated[int, typer.Argument(help="The recognised asset's local id.", min=1, show_default=False)]


@app.command("suspend")
def suspend(
    local_asset_id: LocalAssetArg,
    reason: Annotated[str, typer.Option(help=f"The re-check report: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Suspend a recognised registration after a re-check flagged it (registrars of the asset's region, the
    authority): the asset can be neither licensed, traded nor transferred (unless linked to a registration
    made here)."""
    reason_hash = parse_hash(reason, "--reason")
    with Session() as s:
        result = s.client(actor).suspend_recognised(local_asset_id, reason_hash)
        write_result(result, {"local_asset_id": local_asset_id, "status": "suspended"},
                     [f"recognition of asset #{local_asset_id} suspended"], as_json)


@app.command("reinstate")
def reinstate(
    local_asset_id: LocalAssetArg,
    reason: Annotated[str, typer.Option(help=f"The decision: {HASH_HELP}.", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Lift the suspension of a recognised registration (registrars of the asset's region, the authority)."""
    reason_hash = parse_hash(reason, "--reason")
    with Session() as s:
        result = s.client(actor).reinstate_recognised(local_asset_id, reason_hash)
        write_result(result, {"local_asset_id": local_asset_id, "status": "active"},
                     [f"recognition of asset #{local_asset_id} reinstated"], as_json)


@app.command("list")
def list_(
    origin_chain: Annotated[int | None, typer.Option("--origin-chain", help="Only this origin chain.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Recognised registrations held here, with their origin."""
    with Session() as s:
        found = find_recognised(s.reader(), origin_chain)
    emit([r.to_json() for r in found], [
        f"#{r.local_asset_id}  chain {r.origin_chain_id} asset {r.origin_asset_id}  {r.content_hash}"
        + ("" if r.status == "active" else f"  {r.status.upper()}")
        for r in found
    ] or ["no recognised registrations"], as_json)  # fmt: skip
