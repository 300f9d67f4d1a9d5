"""keccak-256 for hot loops: pycryptodome called directly (about twice as fast as eth_utils' wrapper)."""

from __future__ import annotations

from Crypto.Hash import keccak as _keccak

__all__ = ["keccak256"]


def keccak256(data: bytes) -> bytes:
    return bytes(_keccak.new(data=data, digest_bits=256).digest())
