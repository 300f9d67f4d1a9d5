"""Made-up unified social credit codes (统一社会信用代码) that pass the code's check, one per account: what the tests
and benchmarks admit their participants with."""

from __future__ import annotations

from ledger.contracts.credit_code import CHARACTERS, check_character

__all__ = ["code_for"]


def code_for(account: str, region: int = 450100) -> str:
    """A company's code (registration authority 9, type 1) in ``region``, whose organisation code is drawn from
    ``account``: distinct accounts get distinct codes (31^9 organisation codes)."""
    n = int(account, 16)
    organisation = ""
    for _ in range(9):
        n, digit = divmod(n, len(CHARACTERS))
        organisation += CHARACTERS[digit]
    first17 = f"91{region:06d}{organisation}"
    return first17 + check_character(first17)
