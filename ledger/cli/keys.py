"""``ledger keys new|list``: encrypted keystore files in DATA_DIR/keystores/<name>.json."""

from __future__ import annotations

from typing import Annotated

import typer

from ledger.cli._params import keystore_address, keystore_dir, keystore_path
from ledger.cli._session import JsonOption, Session, emit, fail, progress
from ledger.client.accounts import create_keystore
from ledger.errors import LedgerError

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True, help="Signing keys: encrypted keystore files usable with --as NAME."
)

#: Ether given to a new key on the embedded chain, so that it can pay for gas.
_DEV_FUNDING_WEI = 100 * 10**18


@app.command("new")
def new(
    name: Annotated[str, typer.Argument(help="Keystore name (file DATA_DIR/keystores/NAME.json).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing keystore of that name.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Create a new key, encrypted with LEDGER_KEYSTORE_PASSWORD (or a prompted password).

    On the embedded chain the new address is funded with ether for gas if the node runs;
    it still has to be admitted (`ledger participant admit`) before it can act.
    """
    with Session() as session:
        settings = session.settings
        path = keystore_path(settings, name)
        if path.exists() and not force:
            raise fail(f"keystore {path} already exists (use --force to overwrite it)")
        password = settings.keystore_password
        if password is None:
            password = typer.prompt(
                f"password for keystore {name!r}", hide_input=True, confirmation_prompt=True, err=True
            )
        account = create_keystore(path, password)
        funded = False
        if settings.embedded:
            try:
                _fund(session, account.address)
                funded = True
            except LedgerError as exc:
                progress(f"not funded with gas ether ({exc}); once the node runs: `ledger keys fund {name}`")
        emit(
            {"name": name, "address": account.address, "path": str(path), "funded": funded},
            [f"{name}  {account.address}  ({path})"],
            as_json,
        )


def _fund(session: Session, address: str) -> None:
    session.rpc.call("anvil_setBalance", [address, hex(_DEV_FUNDING_WEI)])


@app.command("fund")
def fund(name: Annotated[str, typer.Argument(help="Keystore name.")]) -> None:
    """Give a keystore's address ether for gas (embedded chain only)."""
    with Session() as session:
        if not session.settings.embedded:
            raise fail("funding is only possible on the embedded chain")
        address = keystore_address(keystore_path(session.settings, name))
        _fund(session, address)
        progress(f"funded {name} ({address}) with {_DEV_FUNDING_WEI // 10**18} ether for gas")


@app.command("list")
def list_keys(as_json: JsonOption = False) -> None:
    """List the keystores (names and addresses; no password needed)."""
    with Session() as session:
        directory = keystore_dir(session.settings)
        rows = [
            {"name": p.stem, "address": keystore_address(p), "path": str(p)} for p in sorted(directory.glob("*.json"))
        ]
        lines = [f"{r['name']}  {r['address']}" for r in rows] or [f"no keystores in {directory}"]
        emit(rows, lines, as_json)
