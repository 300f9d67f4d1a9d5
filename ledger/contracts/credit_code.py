"""Unified social credit codes (统一社会信用代码, GB 32100-2015): the 18-character identifier every organisation in
China is registered under. The participant registry keeps one organisation per code (the keccak-256 of the code's
18 ASCII characters, upper case) and refuses a second admission of it under another key.

The code: a registration authority character, an organisation-type character, the six-digit administrative division
code, the nine-character organisation code (GB 11714), and a check character: 31 minus the weighted sum of the first
17 modulo 31, over the 31 characters ``0-9`` and the capitals without I, O, S, V and Z.
"""

from __future__ import annotations

from typing import Final

from eth_utils.crypto import keccak

__all__ = [
    "CHARACTERS",
    "PATTERN",
    "InvalidCreditCode",
    "check_character",
    "credit_code_hash",
    "lookup_hash",
    "normalise_credit_code",
]

CHARACTERS: Final[str] = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: 18 of the code's characters, in either case (the check character is not a regular expression's to check).
PATTERN: Final[str] = r"^[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{18}$"
_VALUE: Final[dict[str, int]] = {c: i for i, c in enumerate(CHARACTERS)}
_WEIGHTS: Final[tuple[int, ...]] = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class InvalidCreditCode(ValueError):
    """Not a unified social credit code; the message says why."""


def check_character(first17: str) -> str:
    """The check character of a code's first 17 characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return CHARACTERS[(31 - total % 31) % 31]


def normalise_credit_code(code: str) -> str:
    """``code`` in upper case without surrounding spaces, once it is a well-formed code with the right check
    character; :class:`InvalidCreditCode` naming what is wrong otherwise."""
    text = code.strip().upper()
    if len(text) != 18:
        raise InvalidCreditCode(
            f"{code!r} is not a unified social credit code (统一社会信用代码): it has {len(text)} characters, not 18"
        )
    wrong = sorted({c for c in text if c not in _VALUE})
    if wrong:
        raise InvalidCreditCode(
            f"{code!r} is not a unified social credit code: {', '.join(map(repr, wrong))} cannot appear in one"
            " (digits and capitals without I, O, S, V, Z)"
        )
    if not text[2:8].isdigit():
        raise InvalidCreditCode(f"{code!r} is not a unified social credit code: characters 3-8 are a region code")
    expected = check_character(text[:17])
    if text[17] != expected:
        raise InvalidCreditCode(
            f"{code!r} is not a unified social credit code: its check character is {text[17]!r}, the first 17"
            f" characters give {expected!r} (a typing error?)"
        )
    return text


def credit_code_hash(code: str) -> bytes:
    """What the participant registry keeps of ``code``: keccak-256 of its normalised characters."""
    return keccak(normalise_credit_code(code).encode("ascii"))


def lookup_hash(code: str) -> str:
    """The stored hash (0x hex) a lookup by ``code`` (matching :data:`PATTERN`) compares with, its check character
    not checked: a mistyped code names no organisation, rather than an error a search or a query has not promised."""
    return "0x" + keccak(code.strip().upper().encode("ascii")).hex()
