"""API keys of the write gateway: each bound to one participant and the keystore holding its signing key.

A token reads ``ldg_<key id>_<secret>``. The key id (public, 12 hex digits) finds the row; the
secret (32 random bytes, URL-safe base64) is kept only as its SHA-256 and compared in constant
time. The token is shown once, when the key is created or rotated.

A key may expire (``expires_at``), is scoped (``read``: no transactions; ``write``: every operation;
or the names of the operations it may call, e.g. ``settle_trade``), and can be rotated: a new secret
under the same key id, the previous one still accepted for a grace period so that its users can switch
without a gap.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from eth_utils.address import to_checksum_address

from api.gateway._db import writing
from api.gateway.errors import ApiKeyExpired, ApiKeyRevoked, InvalidApiKey
from ledger.store.schema import api_keys

__all__ = ["READ", "TOKEN_PREFIX", "WRITE", "ApiKey", "ApiKeyStore", "NewApiKey"]

TOKEN_PREFIX: Final[str] = "ldg_"
READ: Final = "read"  # scope: calls that send no transaction
WRITE: Final = "write"  # scope: every operation
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
    expires_at: int | None = None
    scopes: tuple[str, ...] = (WRITE,)
    rotated_at: int | None = None
    previous_valid_until: int | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def status(self, now: float) -> str:
        """``active``, ``expired`` or ``revoked``."""
        return "revoked" if self.revoked else "expired" if self.expired(now) else "active"

    def allows(self, operation: str | None) -> bool:
        """Whether the key may call ``operation`` (None: a call that sends no transaction, which every key may)."""
        return operation is None or WRITE in self.scopes or operation in self.scopes


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A key just created: ``token`` is its only copy."""

    key: ApiKey
    token: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _row_to_key(row: Any) -> ApiKey:
    return ApiKey(
        row[0], row[1], Path(row[2]), row[3], int(row[4]), _opt_int(row[5]), _opt_int(row[6]),
        tuple(str(s) for s in row[7]), _opt_int(row[8]), _opt_int(row[9]),
    )  # fmt: skip


_COLUMNS: Final = (
    api_keys.c.key_id,
    api_keys.c.account,
    api_keys.c.keystore,
    api_keys.c.label,
    api_keys.c.created_at,
    api_keys.c.revoked_at,
    api_keys.c.expires_at,
    api_keys.c.scopes,
    api_keys.c.rotated_at,
    api_keys.c.previous_valid_until,
)
_N: Final = len(_COLUMNS)


def normalise_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """Sorted, without duplicates; ``write`` covers every operation, ``read`` adds nothing to operations."""
    given = {s.strip() for s in scopes if s.strip()}
    if WRITE in given:
        return (WRITE,)
    operations = sorted(given - {READ})
    return tuple(operations) if operations else (READ,)


class _Unset:
    """The default of :meth:`ApiKeyStore.update`'s ``expires_at`` (None there means: never expires)."""


_UNSET: Final = _Unset()


class ApiKeyStore:
    """API keys in the store's database (table ``api_keys``)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def create(
        self,
        account: str,
        keystore: Path,
        label: str = "",
        *,
        scopes: Iterable[str] = (WRITE,),
        expires_at: int | None = None,
    ) -> NewApiKey:
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        key = ApiKey(
            key_id, to_checksum_address(account), keystore.resolve(), label[:128], int(time.time()), None,
            expires_at, normalise_scopes(scopes),
        )  # fmt: skip
        with writing(self.engine) as conn:
            conn.execute(
                api_keys.insert().values(
                    key_id=key.key_id,
                    secret_sha256=_digest(secret),
                    account=key.account,
                    keystore=str(key.keystore),
                    label=key.label,
                    created_at=key.created_at,
                    expires_at=key.expires_at,
                    scopes=list(key.scopes),
                )
            )
        return NewApiKey(key, f"{TOKEN_PREFIX}{key_id}_{secret}")

    def authenticate(self, token: str, now: float | None = None) -> ApiKey:
        """The key ``token`` belongs to; :class:`InvalidApiKey`, :class:`ApiKeyRevoked` or
        :class:`ApiKeyExpired` otherwise. After a rotation the previous secret is accepted until
        ``previous_valid_until``."""
        match = _TOKEN.match(token)
        if match is None:
            raise InvalidApiKey("the API key is not a gateway token (ldg_...)")
        key_id, secret = match.groups()
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(*_COLUMNS, api_keys.c.secret_sha256, api_keys.c.previous_secret_sha256).where(
                    api_keys.c.key_id == key_id
                )
            ).first()
        now = time.time() if now is None else now
        digest = _digest(secret)
        # Compare even when the id is unknown, so that timing says nothing about which ids exist.
        current = hmac.compare_digest(row[_N] if row is not None else "0" * 64, digest)
        previous = hmac.compare_digest((row[_N + 1] if row is not None else None) or "1" * 64, digest)
        if row is None:
            raise InvalidApiKey("unknown API key")
        key = _row_to_key(row)
        if not current:
            if not previous:
                raise InvalidApiKey("unknown API key")
            if key.previous_valid_until is None or now >= key.previous_valid_until:
                raise InvalidApiKey(f"API key {key.key_id} was rotated: its previous secret is no longer accepted")
        if key.revoked:
            raise ApiKeyRevoked(f"API key {key.key_id} was revoked", key_id=key.key_id)
        if key.expired(now):
            raise ApiKeyExpired(
                f"API key {key.key_id} expired at {_iso(key.expires_at)}", key_id=key.key_id, expires_at=key.expires_at
            )
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

    def rotate(self, key_id: str, grace_seconds: int, now: float | None = None) -> NewApiKey:
        """A new secret for the key (same id, scopes, expiry); the current one stays accepted for
        ``grace_seconds`` (0: refused at once). A secret from before an earlier rotation is refused from
        now on. :class:`LookupError` for an unknown key, :class:`ApiKeyRevoked` for a revoked one."""
        key = self.get(key_id)
        if key.revoked:
            raise ApiKeyRevoked(f"API key {key.key_id} was revoked: create a new one", key_id=key.key_id)
        at = int(time.time() if now is None else now)
        secret = secrets.token_urlsafe(32)
        with writing(self.engine) as conn:
            conn.execute(
                api_keys.update()
                .where(api_keys.c.key_id == key_id)
                .values(
                    previous_secret_sha256=api_keys.c.secret_sha256,
                    previous_valid_until=at + max(0, grace_seconds),
                    secret_sha256=_digest(secret),
                    rotated_at=at,
                )
            )
        return NewApiKey(self.get(key_id), f"{TOKEN_PREFIX}{key_id}_{secret}")

    def update(
        self,
        key_id: str,
        *,
        expires_at: int | _Unset | None = _UNSET,
        scopes: Iterable[str] | None = None,
        label: str | None = None,
    ) -> ApiKey:
        """Changes a key's expiry (None: never), scopes or label; :class:`LookupError` if there is no such key."""
        self.get(key_id)
        values: dict[str, Any] = {}
        if not isinstance(expires_at, _Unset):
            values["expires_at"] = expires_at
        if scopes is not None:
            values["scopes"] = list(normalise_scopes(scopes))
        if label is not None:
            values["label"] = label[:128]
        if values:
            with writing(self.engine) as conn:
                conn.execute(api_keys.update().where(api_keys.c.key_id == key_id).values(**values))
        return self.get(key_id)


def _iso(seconds: int | None) -> str:
    if seconds is None:
        return "never"
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
