"""API keys of the write gateway: each bound to one participant and the keystore holding its signing key.

A token reads ``ldg_<key id>_<secret>``. The key id (public, 12 hex digits) finds the row; the
secret (32 random bytes, URL-safe base64) is kept only as its SHA-256 and compared in constant
time. The token is shown once, when the key is created.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from eth_utils.address import to_checksum_address

from ledger.gateway._db import writing
from ledger.gateway.errors import ApiKeyRevoked, InvalidApiKey
from ledger.store.schema import api_keys

__all__ = ["TOKEN_PREFIX", "ApiKey", "ApiKeyStore", "NewApiKey"]

TOKEN_PREFIX: Final[str] = "ldg_"
_TOKEN = re.compile(r"^ldg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored API key (never its secret)."""

    key_id: str
    account: str
    keystore: Path
    label: str
    created_at: int
    revoked_at: int | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A key just created: ``token`` is its only copy."""

    key: ApiKey
    token: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _row_to_key(row: Any) -> ApiKey:
    return ApiKey(row[0], row[1], Path(row[2]), row[3], int(row[4]), None if row[5] is None else int(row[5]))


_COLUMNS: Final = (
    api_keys.c.key_id,
    api_keys.c.account,
    api_keys.c.keystore,
    api_keys.c.label,
    api_keys.c.created_at,
    api_keys.c.revoked_at,
)


class ApiKeyStore:
    """API keys in the store's database (table ``api_keys``)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def create(self, account: str, keystore: Path, label: str = "") -> NewApiKey:
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        key = ApiKey(key_id, to_checksum_address(account), keystore.resolve(), label[:128], int(time.time()), None)
        with writing(self.engine) as conn:
            conn.execute(
                api_keys.insert().values(
                    key_id=key.key_id,
                    secret_sha256=_digest(secret),
                    account=key.account,
                    keystore=str(key.keystore),
                    label=key.label,
                    created_at=key.created_at,
                )
            )
        return NewApiKey(key, f"{TOKEN_PREFIX}{key_id}_{secret}")

    def authenticate(self, token: str) -> ApiKey:
        """The key ``token`` belongs to; :class:`InvalidApiKey` or :class:`ApiKeyRevoked` otherwise."""
        match = _TOKEN.match(token)
        if match is None:
            raise InvalidApiKey("the API key is not a gateway token (ldg_...)")
        key_id, secret = match.groups()
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(*_COLUMNS, api_keys.c.secret_sha256).where(api_keys.c.key_id == key_id)
            ).first()
        # Compare even when the id is unknown, so that timing says nothing about which ids exist.
        stored = row[6] if row is not None else "0" * 64
        if not hmac.compare_digest(stored, _digest(secret)) or row is None:
            raise InvalidApiKey("unknown API key")
        key = _row_to_key(row)
        if key.revoked:
            raise ApiKeyRevoked(f"API key {key.key_id} was revoked", key_id=key.key_id)
        return key

    def find(self, account: str | None = None) -> list[ApiKey]:
        query = sa.select(*_COLUMNS).order_by(api_keys.c.created_at, api_keys.c.key_id)
        if account is not None:
            query = query.where(api_keys.c.account == to_checksum_address(account))
        with self.engine.connect() as conn:
            return [_row_to_key(r) for r in conn.execute(query)]

    def get(self, key_id: str) -> ApiKey:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*_COLUMNS).where(api_keys.c.key_id == key_id)).first()
        if row is None:
            raise LookupError(f"no API key {key_id!r}")
        return _row_to_key(row)

    def revoke(self, key_id: str) -> ApiKey:
        """Revokes a key (idempotent); :class:`LookupError` if there is no such key."""
        with writing(self.engine) as conn:
            conn.execute(
                api_keys.update()
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=int(time.time()))
            )
        return self.get(key_id)
