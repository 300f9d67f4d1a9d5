"""Parsing of command-line values: hashes, amounts, times, enum names, accounts and addresses.

Every parser raises :class:`typer.BadParameter` (a usage error: exit status 2) for bad input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Final, TypeVar

import typer
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import is_hex_address, to_checksum_address
from eth_utils.crypto import keccak

from ledger.cli.format import TOKEN_DECIMALS, choice_name
from ledger.client.accounts import dev_account, load_keystore
from ledger.contracts.credit_code import InvalidCreditCode, normalise_credit_code
from ledger.contracts.types import Role
from ledger.settings import LedgerSettings

__all__ = [
    "ACCOUNT_HELP",
    "ADDRESS_HELP",
    "AMOUNT_HELP",
    "COUNCIL",
    "HASH_HELP",
    "TIME_HELP",
    "dev_keys_allowed",
    "keystore_dir",
    "keystore_path",
    "parse_amount",
    "parse_choice",
    "parse_duration",
    "parse_hash",
    "parse_roles",
    "parse_time",
    "resolve_account",
    "resolve_address",
]

HASH_HELP: Final[str] = (
    "0x followed by 64 hex digits (used as is), @FILE (keccak256 of the file's bytes), "
    "or any other text (keccak256 of its UTF-8 bytes)"
)
AMOUNT_HELP: Final[str] = "yuan, up to 2 decimals (the settlement token's unit is 0.01)"
TIME_HELP: Final[str] = (
    "unix seconds, ISO 8601 date/time (UTC unless it says otherwise), 'now', or +N, +Nm, +Nh, +Nd from now "
    "(seconds, minutes, hours, days; now = the latest block's time)"
)
ACCOUNT_HELP: Final[str] = (
    "who signs: a dev account index (embedded chain only; 0 = the deployer, 40-44 the dev officers), 'council' (the "
    "authority, through the governance with the dev officers' keys; the default on the embedded chain) or the name "
    "of a keystore in DATA_DIR/keystores (password from LEDGER_KEYSTORE_PASSWORD or a prompt)"
)
#: ``--as council``: the authority, acting through the governance with the dev officers' keys.
COUNCIL: Final[str] = "council"
ADDRESS_HELP: Final[str] = "0x address, keystore name, or dev account index (embedded chain only)"

_KEYSTORE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_RELATIVE = re.compile(r"^\+(\d+)([smhd]?)$")
_UNITS: Final[dict[str, int]] = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

E = TypeVar("E", bound=Enum)


def parse_credit_code(value: str, param: str = "--credit-code") -> str:
    """A unified social credit code (统一社会信用代码), normalised; a usage error naming what is wrong otherwise."""
    try:
        return normalise_credit_code(value)
    except InvalidCreditCode as exc:
        raise typer.BadParameter(str(exc), param_hint=param) from None


def parse_hash(value: str, param: str) -> bytes:
    """A 32-byte document hash; see :data:`HASH_HELP`."""
    if value.startswith(("0x", "0X")):
        digits = value[2:]
        if len(digits) != 64 or not all(c in "0123456789abcdefABCDEF" for c in digits):
            raise typer.BadParameter(f"{value!r} starts with 0x but is not 32 bytes of hex", param_hint=param)
        return bytes.fromhex(digits)
    if value.startswith("@"):
        path = Path(value[1:])
        try:
            return keccak(path.read_bytes())
        except OSError as exc:
            raise typer.BadParameter(f"cannot read {path}: {exc.strerror}", param_hint=param) from None
    if not value:
        raise typer.BadParameter("empty text: give a hash, @FILE or some text", param_hint=param)
    return keccak(text=value)


def parse_amount(value: str | int | float, param: str, *, allow_zero: bool = False) -> int:
    """Yuan (``1500``, ``1,500.50``) to token units (fen)."""
    text = str(value).replace(",", "").replace("_", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise typer.BadParameter(f"{value!r} is not an amount ({AMOUNT_HELP})", param_hint=param) from None
    units = amount * 10**TOKEN_DECIMALS
    if not amount.is_finite() or units != units.to_integral_value():
        raise typer.BadParameter(f"{value!r}: at most {TOKEN_DECIMALS} decimals", param_hint=param)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise typer.BadParameter(f"{value!r}: must be {'zero or ' if allow_zero else ''}positive", param_hint=param)
    return int(units)


def parse_time(value: str | int, now: int | Callable[[], int], param: str) -> int:
    """Unix seconds from a :data:`TIME_HELP` value; relative values count from ``now`` (called only if needed)."""
    if isinstance(value, int):
        return value
    text = value.strip()
    if text == "now":
        return now() if callable(now) else now
    if text.isdigit():
        return int(text)
    rel = _RELATIVE.match(text)
    if rel:
        return (now() if callable(now) else now) + int(rel.group(1)) * _UNITS[rel.group(2)]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a time ({TIME_HELP})", param_hint=param) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


_DURATION = re.compile(r"^(\d+)([smhd]?)$")


def parse_duration(value: str, param: str) -> int:
    """Seconds from ``90d``, ``24h``, ``30m``, ``45s`` or a plain number of seconds."""
    found = _DURATION.match(value.strip())
    if found is None:
        raise typer.BadParameter(f"{value!r} is not a duration (e.g. 90d, 24h, 30m, 3600)", param_hint=param)
    return int(found.group(1)) * _UNITS[found.group(2)]


def parse_choice(enum: type[E], value: str, param: str) -> E:
    """An enum member by its CLI name (case-insensitive; ``_`` and ``-`` alike) or number."""
    wanted = value.strip().lower().replace("_", "-")
    for member in enum:
        if choice_name(member) == wanted or str(member.value) == wanted:
            return member
    names = ", ".join(choice_name(m) for m in enum)
    raise typer.BadParameter(f"{value!r} is not one of: {names}", param_hint=param)


def parse_roles(value: str, param: str = "--roles") -> Role:
    """A comma-separated list of role names (``data-holder,data-merchant``) or a bitmask number."""
    if value.strip().isdigit():
        mask = int(value)
        if mask == 0 or mask >= 1 << len(Role):
            raise typer.BadParameter(f"{value!r} is not a role mask", param_hint=param)
        return Role(mask)
    roles = Role(0)
    for part in value.split(","):
        if part.strip():
            roles |= parse_choice(Role, part, param)
    if not roles:
        raise typer.BadParameter("no roles given", param_hint=param)
    return roles


# ──────────────────────────────────────────────────────────── accounts


def dev_keys_allowed(settings: LedgerSettings) -> bool:
    """anvil's public dev keys are used on the embedded chain (or when LEDGER_DEV_KEYS=on)."""
    return settings.dev_keys == "on" or (settings.dev_keys == "auto" and settings.embedded)


def keystore_dir(settings: LedgerSettings) -> Path:
    return settings.data_dir / "keystores"


def keystore_path(settings: LedgerSettings, name: str, param: str = "NAME") -> Path:
    if not _KEYSTORE_NAME.match(name):
        raise typer.BadParameter(
            f"{name!r} is not a keystore name (letters, digits, '.', '_', '-'; at most 64)", param_hint=param
        )
    return keystore_dir(settings) / f"{name}.json"


def _dev_index(settings: LedgerSettings, value: str, param: str) -> int | None:
    if not value.isdigit():
        return None
    if not dev_keys_allowed(settings):
        raise typer.BadParameter(
            f"{value!r}: dev account indexes are only for the embedded chain (LEDGER_RPC_URL is set); "
            "use a keystore name",
            param_hint=param,
        )
    return int(value)


def _keystore_password(settings: LedgerSettings, name: str) -> str:
    if settings.keystore_password is not None:
        return settings.keystore_password
    password: str = typer.prompt(f"password of keystore {name!r}", hide_input=True, err=True)
    return password


def resolve_account(settings: LedgerSettings, value: str | None, param: str = "--as") -> LocalAccount:
    """The signing account for ``--as`` (see :data:`ACCOUNT_HELP`); unset: dev account 0 (the deployer, which relays
    the dev officers' Safe transactions) on the embedded chain."""
    if value is None:
        if not dev_keys_allowed(settings):
            raise typer.BadParameter("required on an external chain: name a keystore", param_hint=param)
        return dev_account(0)
    index = _dev_index(settings, value, param)
    if index is not None:
        return dev_account(index)
    path = keystore_path(settings, value, param)
    if not path.is_file():
        raise typer.BadParameter(
            f"no keystore named {value!r} in {keystore_dir(settings)} (create one with `ledger keys new {value}`)",
            param_hint=param,
        )
    return load_keystore(path, _keystore_password(settings, value))


def keystore_address(path: Path) -> str:
    """The address recorded in a keystore file (no password needed)."""
    try:
        data = json.loads(path.read_text())
        return to_checksum_address("0x" + str(data["address"]).removeprefix("0x"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise typer.BadParameter(f"keystore {path} has no readable address: {exc}") from None


def resolve_address(settings: LedgerSettings, value: str, param: str) -> str:
    """An account address from a :data:`ADDRESS_HELP` value."""
    text = value.strip()
    if is_hex_address(text):
        return to_checksum_address(text)
    index = _dev_index(settings, text, param)
    if index is not None:
        return to_checksum_address(dev_account(index).address)
    if _KEYSTORE_NAME.match(text):
        path = keystore_dir(settings) / f"{text}.json"
        if path.is_file():
            return keystore_address(path)
    raise typer.BadParameter(f"{value!r} is not an address, a dev account index or a keystore name", param_hint=param)


def new_account() -> LocalAccount:
    account: LocalAccount = Account.create()
    return account
