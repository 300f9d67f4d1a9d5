"""``ledger certificate ...``: EIP-712 registration certificates for other provinces (互通互认)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ledger.chain.rpc import JsonRpcClient
from ledger.cli._session import AsOption, JsonOption, Session, emit
from ledger.recognition import (
    ChainReader,
    issue_certificate,
    read_certificate,
    sign_certificate,
    verify_against_chain,
    verify_offline,
    write_certificate,
)

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Registration certificates (登记证书) signed by registrars, verifiable by other provinces.",
)

FileArg = Annotated[Path, typer.Argument(help="Certificate file (JSON).", show_default=False)]


@app.command("issue")
def issue(
    asset_id: Annotated[int, typer.Argument(help="The registered asset's id.", min=1, show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", help="Write the certificate here (default: stdout).")] = None,
    block: Annotated[int | None, typer.Option(help="Read the asset at this block (default: latest).", min=0)] = None,
    valid_days: Annotated[
        int, typer.Option("--valid-days", help="Days another province may import it after it is issued.", min=1)
    ] = 365,
    actor: AsOption = None,
) -> None:
    """Issue a certificate of a registered asset (or of a cancelled one, which makes the provinces that recognised
    it cancel it too), signed by the registrar (``--as``). It is issued at the block read and expires after
    --valid-days; a later certificate of the same asset supersedes it."""
    with Session() as s:
        cert = issue_certificate(s.client(actor), asset_id, block="latest" if block is None else block, build=s.build,
                                 valid_for=valid_days * 86_400)  # fmt: skip
    if out is None:
        typer.echo(json.dumps(cert.to_json(), indent=2))
        return
    write_certificate(cert, out)
    typer.echo(f"certificate {cert.number} of asset #{asset_id} written to {out} (digest 0x{cert.digest().hex()})")


@app.command("sign")
def sign(
    file: FileArg,
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of updating FILE.")] = None,
    actor: AsOption = None,
) -> None:
    """Add a co-signature of another registrar (``--as``) to a certificate."""
    cert = read_certificate(file)
    with Session() as s:
        signed = sign_certificate(cert, s.account(actor))
    write_certificate(signed, out or file)
    typer.echo(f"certificate {signed.number}: {len(signed.signatures)} signature(s), written to {out or file}")


@app.command("verify")
def verify(
    file: FileArg,
    rpc_url: Annotated[
        str | None, typer.Option("--rpc-url", help="The issuing chain's JSON-RPC URL: also verify against it.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Verify a certificate offline (signatures, domain, formats) and, with --rpc-url, against the issuing
    chain (chain id, the registry's record, signers are registrars there). Exit 1 if it does not verify."""
    cert = read_certificate(file)
    if rpc_url is None:
        verified = verify_offline(cert)
    else:
        with Session() as s:
            build = s.build
        verified = verify_against_chain(cert, ChainReader(JsonRpcClient(rpc_url), build, cert.domain.registry))
    data = {
        "certificate_number": cert.number, "digest": "0x" + cert.digest().hex(), "chain_id": cert.domain.chain_id,
        "registry": cert.domain.registry, "asset_id": cert.certificate.asset_id, "signers": list(verified.signers),
        "checked_on_chain": verified.on_chain,
    }  # fmt: skip
    where = f"against chain {cert.domain.chain_id} at {rpc_url}" if verified.on_chain else "offline"
    emit(data, [
        f"certificate {cert.number} (asset #{cert.certificate.asset_id} of chain {cert.domain.chain_id}) "
        f"verified {where}",
        f"signed by {len(verified.signers)} registrar(s): {', '.join(verified.signers)}",
    ], as_json)  # fmt: skip
