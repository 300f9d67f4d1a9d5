"""Unified social credit codes (统一社会信用代码, GB 32100-2015): the check the client makes before an admission is
sent, and the hash the registry keeps."""

from __future__ import annotations

import re

import pytest
from eth_utils.crypto import keccak

from ledger.contracts.credit_code import (
    CHARACTERS,
    PATTERN,
    InvalidCreditCode,
    check_character,
    credit_code_hash,
    lookup_hash,
    normalise_credit_code,
)
from tests.credit_codes import code_for

#: Codes as organisations print them on their business licences (each passes the check).
PRINTED = ["91330100799655058B", "9144030071526726XG", "914403001922038216", "91110108551385082Q"]


@pytest.mark.parametrize("code", PRINTED)
def test_printed_codes_pass_and_are_kept_as_the_hash_of_their_upper_case(code: str) -> None:
    assert normalise_credit_code(f"  {code.lower()} ") == code
    assert credit_code_hash(code.lower()) == keccak(code.encode("ascii"))


def test_every_single_character_typo_of_a_code_is_caught() -> None:
    """The check character catches any one character typed wrong (31 is prime, and each weight is below it)."""
    code = PRINTED[0]
    for i in range(17):
        for c in CHARACTERS:
            if c == code[i] or (2 <= i < 8 and not c.isdigit()):
                continue
            typo = code[:i] + c + code[i + 1 :]
            with pytest.raises(InvalidCreditCode, match="check character"):
                normalise_credit_code(typo)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("91330100799655058", "it has 17 characters, not 18"),
        ("91330100799655058BB", "it has 19 characters, not 18"),
        ("9133010079965505OB", "'O' cannot appear"),
        ("91AB0100799655058B", "characters 3-8 are a region code"),
        ("91330100799655058C", "its check character is 'C', the first 17 characters give 'B'"),
    ],
)
def test_a_malformed_code_is_refused_naming_what_is_wrong(code: str, says: str) -> None:
    with pytest.raises(InvalidCreditCode, match=says):
        credit_code_hash(code)


def test_made_up_codes_pass_and_differ_per_account() -> None:
    accounts = [f"0x{n:040x}" for n in range(1, 200)]
    codes = [code_for(a) for a in accounts]
    assert len(set(codes)) == len(codes)
    assert all(normalise_credit_code(c) == c and check_character(c[:17]) == c[17] for c in codes)


def test_a_lookup_hashes_a_code_as_the_registry_keeps_it_and_a_mistyped_one_without_refusing() -> None:
    """Queries and search compare with the stored hash: a code finds its organisation in either case; a code whose
    check character is wrong finds none (no error a query has not promised)."""
    code = PRINTED[1]
    assert lookup_hash(f" {code.lower()}") == "0x" + credit_code_hash(code).hex()
    typo = code[:17] + "0"
    assert re.match(PATTERN, typo) and lookup_hash(typo) == "0x" + keccak(typo.encode()).hex()
    with pytest.raises(InvalidCreditCode):
        credit_code_hash(typo)
