"""JSON parsing that is fast and exact (pure, no I/O)."""

from __future__ import annotations

import json
import re
from typing import Any, Final

import orjson

__all__ = ["loads_exact"]

# orjson turns integers beyond 64 bits into floats, so a text that may hold one goes to the standard
# library. "May hold one": a run of 19 digits or more that ends where a JSON number ends (before ',',
# ']', '}' or white space; a string would end with '"'). Bytes are checked by mapping every digit to '0'
# and those delimiters to ':' (one C pass) and looking for 19 zeros and a colon: ten times faster than a
# regular expression over the hundreds of megabytes of a large eth_getLogs answer. A false alarm (such
# digits inside a string) only costs the slower parser.
_DIGITS: Final = 19
_TABLE: Final = bytes(
    ord("0") if chr(c).isdigit() and c < 128 else ord(":") if c in b",]} \t\r\n" else ord("x") for c in range(256)
)
_NEEDLE: Final = b"0" * _DIGITS + b":"
_TAIL: Final = b"0" * _DIGITS
_BIG_NUMBER_TEXT: Final = re.compile(r"\d{19,}(?:[,\]}\s]|$)")


def may_hold_big_int(text: str | bytes) -> bool:
    """Whether ``text`` may hold a JSON integer beyond 64 bits (false alarms possible, misses not)."""
    if isinstance(text, str):
        return _BIG_NUMBER_TEXT.search(text) is not None
    mapped = text.translate(_TABLE)
    return _NEEDLE in mapped or mapped.endswith(_TAIL)


def loads_exact(text: str | bytes) -> Any:
    """Parses JSON keeping integers of any size exact (orjson where no integer can exceed 64 bits, the
    standard library otherwise). Raises ``ValueError`` on bad JSON."""
    return json.loads(text) if may_hold_big_int(text) else orjson.loads(text)
