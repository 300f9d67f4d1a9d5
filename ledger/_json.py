"""JSON parsing that is fast and exact (pure, no I/O)."""

from __future__ import annotations

import json
import re
from typing import Any, Final

import orjson

__all__ = ["loads_exact"]

# A JSON number of 19 digits or more (beyond 64 bits, maybe) outside a string: compact JSON puts a
# number right after ':', ',' or '[' (a node's answer may add a space). Only then is the slower,
# exact parser needed.
_BIG_NUMBER: Final = re.compile(rb"[:,\[]\s*-?\d{19,}")
_BIG_NUMBER_TEXT: Final = re.compile(r"[:,\[]\s*-?\d{19,}")


def loads_exact(text: str | bytes) -> Any:
    """Parses JSON keeping integers of any size exact (orjson would turn those beyond 64 bits into
    floats, so a text that may hold one goes to the standard library). Raises ``ValueError`` on bad JSON."""
    big = _BIG_NUMBER_TEXT.search(text) if isinstance(text, str) else _BIG_NUMBER.search(text)
    return json.loads(text) if big else orjson.loads(text)
