"""``ledger apikey create|list|show|rotate|update|revoke|usage``: API keys of the write gateway, kept
(hashed) in the store.

Each key acts as one participant and signs with the key in that participant's keystore file; the
API server decrypts it with LEDGER_KEYSTORE_PASSWORD. The token is printed once, at creation and at
each rotation. Keys expire (LEDGER_GATEWAY_KEY_DAYS by default), are scoped (read-only, every write,
or listed operations) and rotate with a grace period for the previous secret.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from eth_utils.address import to_checksum_address

from api.gateway import ApiKey, ApiKeyRevoked, ApiKeyStore
from api.gateway.keys import READ, WRITE
from api.gateway.meter import UsageDay, open_meter
from ledger.cli._params import (
    ADDRESS_HELP,
    dev_keys_allowed,
    keystore_address,
    keystore_dir,
    parse_duration,
    resolve_address,
)
from ledger.cli._session import JsonOption, emit, fail, progress
from ledger.client.accounts import create_keystore, dev_account, load_keystore
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


def _iso(seconds: float | None) -> str | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _key_row(key: ApiKey) -> dict[str, object]:
    return {
        "key_id": key.key_id, "account": key.account, "keystore": str(key.keystore), "label": key.label,
        "status": key.status(time.time()), "scopes": list(key.scopes), "created_at": key.created_at,
        "expires_at": key.expires_at, "revoked_at": key.revoked_at, "rotated_at": key.rotated_at,
        "previous_secret_valid_until": key.previous_valid_until,
    }  # fmt: skip


def _key_line(key: ApiKey) -> str:
    expiry = "never expires" if key.expires_at is None else f"expires {_iso(key.expires_at)}"
    return (
        f"{key.key_id}  {key.account}  {key.status(time.time()):<7}  {expiry}  scopes {','.join(key.scopes)}"
        f"  {key.label}"
    )


ScopeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--scope",
        help=(
            "What the key may call; repeat for several: 'read' (no transactions), 'write' (every operation, the"
            " default) or an operation name such as settle_trade or review_registration (`ledger apikey"
            " operations` lists them)."
        ),
    ),
]
ExpiresOption = Annotated[
    str | None,
    typer.Option(
        "--expires-in",
        help="Lifetime from now: 90d, 24h, 30m or seconds (default at creation: LEDGER_GATEWAY_KEY_DAYS days).",
    ),
]
NoExpiryOption = Annotated[bool, typer.Option("--no-expiry", help="The key never expires.")]


def _scopes(values: list[str] | None) -> list[str] | None:
    """The scopes given, each checked against the gateway's operations (exit 2 on an unknown one)."""
    if not values:
        return None
    from api.routes.gateway import operations  # the web stack only when scopes are given

    known = set(operations())
    names = [v.strip() for value in values for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in known and n not in (READ, WRITE)]
    if unknown:
        raise typer.BadParameter(
            f"unknown operation {', '.join(unknown)} (read, write, or one of `ledger apikey operations`)",
            param_hint="--scope",
        )
    return names


def _expiry(expires_in: str | None, no_expiry: bool, default_days: float | None) -> tuple[bool, int | None]:
    """Whether an expiry was chosen (given, or a default), and it: unix seconds, or None for never."""
    if no_expiry and expires_in is not None:
        raise typer.BadParameter("give --expires-in or --no-expiry, not both", param_hint="--no-expiry")
    if no_expiry:
        return True, None
    if expires_in is not None:
        return True, int(time.time()) + parse_duration(expires_in, "--expires-in")
    if default_days is None:
        return False, None
    return True, None if default_days == 0 else int(time.time() + default_days * 86_400)


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
    scope: ScopeOption = None,
    expires_in: ExpiresOption = None,
    no_expiry: NoExpiryOption = False,
    as_json: JsonOption = False,
) -> None:
    """Create an API key for a participant and print its token (shown once: store it now)."""
    settings = LedgerSettings()
    scopes = _scopes(scope) or [WRITE]
    _, expires_at = _expiry(expires_in, no_expiry, settings.gateway_key_days)
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
        new = ApiKeyStore(store.engine).create(address, path, label, scopes=scopes, expires_at=expires_at)
    emit(
        {**_key_row(new.key), "token": new.token},
        [
            f"API key {new.key.key_id} acts as {new.key.account} (keystore {new.key.keystore})",
            _key_line(new.key),
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
    lines = [_key_line(k) for k in keys] or ["no API keys"]
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


def _get(engine: sa.Engine, key_id: str) -> ApiKey:
    try:
        return ApiKeyStore(engine).get(key_id)
    except LookupError:
        raise fail(f"no API key {key_id!r}") from None


@app.command("show")
def show(
    key_id: Annotated[str, typer.Argument(help="The key's id (the 12 hex digits after ldg_).")],
    as_json: JsonOption = False,
) -> None:
    """One API key: participant, status, scopes, expiry, rotation."""
    settings = LedgerSettings()
    with open_store(settings.effective_database_url) as store:
        key = _get(store.engine, key_id)
    lines = [_key_line(key)]
    if key.previous_valid_until is not None and key.previous_valid_until > time.time():
        until = _iso(key.previous_valid_until)
        lines.append(f"rotated {_iso(key.rotated_at)}: the previous secret works until {until}")
    emit(_key_row(key), lines, as_json)


@app.command("rotate")
def rotate(
    key_id: Annotated[str, typer.Argument(help="The key's id (the 12 hex digits after ldg_).")],
    grace: Annotated[
        str,
        typer.Option(
            "--grace",
            help="How long the current secret stays valid beside the new one: 24h (the default), 7d, 0 (refused now).",
        ),
    ] = "24h",
    as_json: JsonOption = False,
) -> None:
    """Give the key a new secret and print its token (shown once). Same key id, participant, scopes, expiry,
    rate limit and usage; the current secret keeps working for --grace, then is refused."""
    settings = LedgerSettings()
    seconds = parse_duration(grace, "--grace")
    with open_store(settings.effective_database_url) as store:
        _get(store.engine, key_id)
        try:
            new = ApiKeyStore(store.engine).rotate(key_id, seconds)
        except ApiKeyRevoked as exc:
            raise fail(str(exc)) from None
    emit(
        {**_key_row(new.key), "token": new.token},
        [
            f"API key {key_id} rotated: the previous secret works until {_iso(new.key.previous_valid_until)}",
            new.token,
            "The new token is shown only now.",
        ],
        as_json,
    )


@app.command("update")
def update(
    key_id: Annotated[str, typer.Argument(help="The key's id (the 12 hex digits after ldg_).")],
    scope: ScopeOption = None,
    expires_in: ExpiresOption = None,
    no_expiry: NoExpiryOption = False,
    label: Annotated[str | None, typer.Option("--label", help="A new note on who uses the key.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Change a key's scopes (--scope replaces them), expiry (from now) or label; the token stays the same."""
    settings = LedgerSettings()
    scopes = _scopes(scope)
    chosen, expires_at = _expiry(expires_in, no_expiry, None)
    with open_store(settings.effective_database_url) as store:
        _get(store.engine, key_id)
        keys = ApiKeyStore(store.engine)
        key = (
            keys.update(key_id, scopes=scopes, label=label, expires_at=expires_at)
            if chosen
            else keys.update(key_id, scopes=scopes, label=label)
        )
    emit(_key_row(key), [_key_line(key)], as_json)


def _usage_row(u: UsageDay) -> dict[str, object]:
    return {"key_id": u.key_id, "day": u.day, "requests": u.requests, "refused": u.refused,
            "last_used_at": _iso(u.last_used_at)}  # fmt: skip


@app.command("usage")
def usage(
    key_id: Annotated[str | None, typer.Argument(help="Only this key (default: every key).")] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=400, help="UTC days back, today included.")] = 30,
    as_json: JsonOption = False,
) -> None:
    """Requests per key and UTC day: admitted, refused by the rate limit, last use. Counted by every API
    process in the store's database, or in Redis when LEDGER_REDIS_URL is set."""
    settings = LedgerSettings()
    with open_store(settings.effective_database_url) as store:
        meter = open_meter(settings, store.engine)
        try:
            found = meter.usage(key_id, days)
        finally:
            meter.close()
    rows = [_usage_row(u) for u in found]
    lines = [
        f"{u.key_id}  {u.day}  {u.requests:>8} requests  {u.refused:>6} refused  last {_iso(u.last_used_at)}"
        for u in found
    ] or ["no usage"]
    emit(rows, lines, as_json)


@app.command("operations")
def list_operations(as_json: JsonOption = False) -> None:
    """The operation names a key can be scoped to (besides read and write)."""
    from api.routes.gateway import operations

    names = operations()
    emit(names, names, as_json)
