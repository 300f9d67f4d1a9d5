"""The audit's default block is the newest final one: never a block the engine may still replace."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ledger.audit import resolve_target
from ledger.decode.records import BlockHeader


class _Chain:
    deployment = SimpleNamespace(deployment_block=3)

    def head(self) -> BlockHeader:
        return self.header(20)

    def header(self, number: int) -> BlockHeader:
        return BlockHeader(number, f"0x{number:064x}", f"0x{number - 1:064x}", 1_000 + number)


def test_clique_audits_three_blocks_deep_and_sealed_engines_at_the_head() -> None:
    chain: Any = _Chain()
    notes: list[str] = []
    assert resolve_target(None, chain, None, notes, final_depth=3).number == 18
    assert "newest final block 18" in notes[0]
    assert resolve_target(None, chain, None, [], final_depth=1).number == 20
    assert resolve_target(12, chain, None, [], final_depth=3).number == 12  # an explicit block is kept
