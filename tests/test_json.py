"""``ledger._json.loads_exact``: orjson's speed, the standard library's exact integers."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ledger._json import loads_exact, may_hold_big_int

_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**300), max_value=2**300) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(_values, st.sampled_from([None, 0, 2]), st.booleans())
def test_every_integer_comes_back_exact(value: Any, indent: int | None, as_bytes: bool) -> None:
    text = json.dumps(value, indent=indent)
    parsed = loads_exact(text.encode() if as_bytes else text)
    assert parsed == value
    assert json.dumps(parsed) == json.dumps(value)  # no integer became a float


def test_only_texts_that_may_hold_a_big_integer_take_the_slow_parser() -> None:
    big = 2**64
    for text in (f"[{big}]", f'{{"a": {big} }}', f'{{"a":{big}}}', f"{big}", f"[-{big}]"):
        assert may_hold_big_int(text) and may_hold_big_int(text.encode())
    for text in ('{"data":"0x00000000000000000000000000000000000000000001"}', f"[{10**17}]", '"12345678901234567890"'):
        assert not may_hold_big_int(text) and not may_hold_big_int(text.encode())
