"""``ledger apikey create|list|revoke``: API keys of the write gateway, kept (hashed) in the store.

Each key acts as one participant and signs with the key in that participant's keystore file; the
API server decrypts it with LEDGER_KEYSTORE_PASSWORD. The token is printed once, at creation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from eth_utils.address import to_checksum_address

from ledger.cli._params import (
    ADDRESS_HELP,
    dev_keys_allowed,
    keystore_address,
    keystore_dir,
    resolve_address,
)
from ledger.cli._session import JsonOption, emit, fail, progress
from ledger.client.accounts import create_keystore, dev_account, load_keystore
from ledger.gateway import ApiKey, ApiKeyStore
from ledger.settings import LedgerSettings
from ledger.store import open_store

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="API keys of the write gateway (POST /api/v1/tx/...): one participant and its keystore per key.",
)

#: Dev accounts looked at when an embedded-chain account has no keystore yet.
_DEV_ACCOUNTS = 20


def _key_row(key: ApiKey) -> dict[str, object]:
    return {
        "key_id": key.key_id, "account": key.account, "keystore": str(key.keystore), "label": key.label,
        "created_at": key.created_at, "revoked_at": key.revoked_at,
    }  # fmt: skip


def _find_keystore(settings: LedgerSettings, account: str) -> Path | None:
    for path in sorted(keystore_dir(settings).glob("*.json")):
        try:
            if keystore_address(path) == account:
                return path
        except typer.BadParameter:
            continue
    return None


def _dev_keystore(settings: LedgerSettings, account: str, password: str) -> Path | None:
    """A keystore for a dev account on the embedded chain (written on first use)."""
    if not dev_keys_allowed(settings):
        return None
    for index in range(_DEV_ACCOUNTS):
        dev = dev_account(index)
        if dev.address == account:
            path = keystore_dir(settings) / f"dev-{index}.json"
            create_keystore(path, password, bytes(dev.key))
            progress(f"wrote keystore {path} for dev account {index}")
            return path
    return None


def _password(settings: LedgerSettings) -> str:
    if settings.keystore_password is not None:
        return settings.keystore_password
    progress("LEDGER_KEYSTORE_PASSWORD is not set: the API server needs it to sign with this key")
    password: str = typer.prompt("keystore password", hide_input=True, err=True)
    return password


@app.command("create")
def create(
    account: Annotated[str, typer.Option("--account", help=f"The participant the key acts as: {ADDRESS_HELP}.")],
    keystore: Annotated[
        Path | None,
        typer.Option(
            "--keystore",
            help="Keystore file with the participant's signing key (default: the one in DATA_DIR/keystores "
            "holding that address; on the embedded chain a dev account's is written if missing).",
        ),
    ] = None,
    label: Annotated[str, typer.Option("--label", help="A note on who uses the key (at most 128 characters).")] = "",
    as_json: JsonOption = False,
) -> None:
    """Create an API key for a participant and print its token (shown once: store it now)."""
    settings = LedgerSettings()
    address = resolve_address(settings, account, "--account")
    password = _password(settings)
    if keystore is not None:
        if keystore_address(keystore) != address:
            raise typer.BadParameter(f"{keystore} holds another account than {address}", param_hint="--keystore")
        path: Path | None = keystore
    else:
        path = _find_keystore(settings, address) or _dev_keystore(settings, address, password)
    if path is None:
        raise fail(f"no keystore holds {address}: create one (`ledger keys new NAME`) or pass --keystore", code=2)
    loaded = load_keystore(path, password)  # the server must be able to open it with this password
    if to_checksum_address(loaded.address) != address:
        raise fail(f"{path} holds another account than {address}", code=2)
    with open_store(settings.effective_database_url) as store:
        new = ApiKeyStore(store.engine).create(address, path, label)
    emit(
        {**_key_row(new.key), "token": new.token},
        [
            f"API key {new.key.key_id} acts as {new.key.account} (keystore {new.key.keystore})",
            new.token,
            "The token is shown only now; send it as `Authorization: Bearer <token>` or `X-API-Key: <token>`.",
        ],
        as_json,
    )


@app.command("list")
def list_keys(
    account: Annotated[
        str | None, typer.Option("--account", help=f"Only this participant's keys: {ADDRESS_HELP}.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List API keys (ids, participants, keystores; never the tokens)."""
    settings = LedgerSettings()
    address = resolve_address(settings, account, "--account") if account is not None else None
    with open_store(settings.effective_database_url) as store:
        keys = ApiKeyStore(store.engine).find(address)
    rows = [_key_row(k) for k in keys]
    lines = [f"{k.key_id}  {k.account}  {'revoked' if k.revoked else 'active '}  {k.label}" for k in keys] or [
        "no API keys"
    ]
    emit(rows, lines, as_json)


@app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (the 12 hex digits after ldg_).")],
    as_json: JsonOption = False,
) -> None:
    """Revoke an API key: its requests are refused from now on (403)."""
    settings = LedgerSettings()
    with open_store(settings.effective_database_url) as store:
        try:
            key = ApiKeyStore(store.engine).revoke(key_id)
        except LookupError:
            raise fail(f"no API key {key_id!r}") from None
    emit(_key_row(key), [f"revoked API key {key.key_id} of {key.account}"], as_json)
