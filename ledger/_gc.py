"""Pausing the cyclic garbage collector around bulk work (no I/O)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pauses the cyclic garbage collector for the block. For bulk work that allocates millions of
    container objects which all stay alive (or go by reference counting): collections in between find
    nothing and can cost a third of the work. Nests: an inner pause leaves the outer one in force."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
