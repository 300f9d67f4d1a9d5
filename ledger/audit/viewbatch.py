"""Many view calls in one ``eth_call``: the ViewBatch helper (``ledger/audit/sol/ViewBatch.sol``) placed
at an unused address with the call's state override, never deployed.

A node spends most of a small ``eth_call`` on the call itself (parsing, setting up the state at the
block, the EVM), not on the view: one execution running hundreds of views by ``STATICCALL`` checks a
million records several times faster. Nodes without state overrides answer with an error, and the
caller goes back to one ``eth_call`` per view.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Final

from eth_utils.crypto import keccak

from ledger.settings import PROJECT_ROOT
from ledger.toolchain import compile_contracts

__all__ = ["VIEW_BATCH_ADDRESS", "decode_results", "encode_run", "request", "runtime_code"]

SOURCES: Final = PROJECT_ROOT / "ledger" / "audit" / "sol"
# An address no key or creation can produce in practice: the last 20 bytes of a hash of the helper's name.
VIEW_BATCH_ADDRESS: Final = "0x" + keccak(b"ledger.audit.ViewBatch")[12:].hex()
_SELECTOR: Final = keccak(b"run(address[],bytes[])")[:4]
_WORD: Final = 32


@functools.cache
def runtime_code() -> str:
    """The helper's runtime code (``0x`` hex), compiled with the project's pinned compiler (cached)."""
    return compile_contracts(contracts_dir=SOURCES).contract("ViewBatch").deployed_bytecode


def _word(value: int) -> bytes:
    return value.to_bytes(_WORD, "big")


def encode_run(targets: Sequence[str], calls: Sequence[bytes]) -> bytes:
    """Call data of ``run(targets, calls)`` (addresses as ``0x`` hex)."""
    n = len(calls)
    if len(targets) != n:
        raise ValueError(f"{len(targets)} targets for {n} calls")
    addresses = b"".join(bytes(12) + bytes.fromhex(t[2:]) for t in targets)
    offsets: list[bytes] = []
    tails: list[bytes] = []
    position = _WORD * n
    for call in calls:
        padded = call + bytes(-len(call) % _WORD)
        offsets.append(_word(position))
        tails.append(_word(len(call)) + padded)
        position += _WORD + len(padded)
    return b"".join(
        (_SELECTOR, _word(2 * _WORD), _word(3 * _WORD + _WORD * n), _word(n), addresses, _word(n), *offsets, *tails)
    )


def request(targets: Sequence[str], calls: Sequence[bytes], block: int) -> tuple[str, list[Any]]:
    """The ``eth_call`` (method, params) that runs ``calls`` at ``block`` through the helper."""
    data = "0x" + encode_run(targets, calls).hex()
    override = {VIEW_BATCH_ADDRESS: {"code": runtime_code()}}
    return "eth_call", [{"to": VIEW_BATCH_ADDRESS, "data": data}, hex(block), override]


def _read_word(data: bytes, at: int) -> int:
    if at < 0 or at + _WORD > len(data):
        raise ValueError(f"ViewBatch answer: word at byte {at} beyond its {len(data)} bytes")
    return int.from_bytes(data[at : at + _WORD], "big")


def decode_results(data: bytes, count: int) -> list[tuple[bool, bytes]]:
    """``(ok, return data)`` of each of ``count`` calls from ``run``'s return data; ``ValueError`` if it
    is not what ``run`` returns for that many calls."""
    ok_at = _read_word(data, 0)
    results_at = _read_word(data, _WORD)
    if _read_word(data, ok_at) != count or _read_word(data, results_at) != count:
        raise ValueError(f"ViewBatch answer: expected {count} results")
    out: list[tuple[bool, bytes]] = []
    base = results_at + _WORD
    for i in range(count):
        flag = _read_word(data, ok_at + _WORD * (i + 1))
        if flag > 1:
            raise ValueError(f"ViewBatch answer: flag {flag} of call {i} is not a bool")
        start = base + _read_word(data, base + _WORD * i)
        length = _read_word(data, start)
        if start + _WORD + length > len(data):
            raise ValueError(f"ViewBatch answer: result {i} ends beyond the data")
        out.append((flag == 1, data[start + _WORD : start + _WORD + length]))
    return out
