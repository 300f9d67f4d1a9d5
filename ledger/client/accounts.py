"""Signing keys: encrypted keystore files, and anvil's public dev keys for the embedded chain only."""

from __future__ import annotations

import json
import os
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from ledger.errors import NonRetryableError

__all__ = ["DEV_MNEMONIC", "KeystoreError", "create_keystore", "dev_account", "dev_accounts", "load_keystore"]

#: The well-known development mnemonic of anvil and Hardhat. Its keys are public: never use them on a real chain.
DEV_MNEMONIC = "test test test test test test test test test test test junk"

Account.enable_unaudited_hdwallet_features()

_dev_cache: dict[int, LocalAccount] = {}


class KeystoreError(NonRetryableError):
    """A keystore file is missing, malformed, or its password is wrong."""


def dev_account(index: int) -> LocalAccount:
    """Dev account ``index`` of :data:`DEV_MNEMONIC` (anvil funds 0-9; any index derives)."""
    if index not in _dev_cache:
        _dev_cache[index] = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return _dev_cache[index]


def dev_accounts(count: int, start: int = 0) -> list[LocalAccount]:
    return [dev_account(i) for i in range(start, start + count)]


def create_keystore(path: Path, password: str, private_key: bytes | None = None) -> LocalAccount:
    """Writes an encrypted (scrypt) keystore file readable only by its owner and returns the account."""
    account: LocalAccount = Account.from_key(private_key) if private_key else Account.create()
    data = Account.encrypt(account.key, password)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh)
    return account


def load_keystore(path: Path, password: str) -> LocalAccount:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise KeystoreError(f"keystore {path} does not exist") from exc
    except (OSError, ValueError) as exc:
        raise KeystoreError(f"keystore {path} is not a readable JSON keystore: {exc}") from exc
    try:
        key = Account.decrypt(data, password)
    except ValueError as exc:
        raise KeystoreError(f"keystore {path}: wrong password or corrupt file") from exc
    account: LocalAccount = Account.from_key(key)
    return account
