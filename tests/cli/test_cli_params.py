"""Parsing of command-line values and the rendering shared by the CLI and the demo."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from eth_utils.crypto import keccak

from ledger.cli._params import parse_amount, parse_choice, parse_hash, parse_roles, parse_time
from ledger.cli.format import certificate_number, format_amount, term
from ledger.contracts.types import Category, Grade, Kind, Role


def test_hash_is_hex_as_is_or_keccak_of_a_file_or_of_text(tmp_path: Path) -> None:
    raw = "0x" + "ab" * 32
    assert parse_hash(raw, "--x") == bytes.fromhex("ab" * 32)
    document = tmp_path / "doc.pdf"
    document.write_bytes(b"%PDF-1.7 \x00\xff")
    assert parse_hash(f"@{document}", "--x") == keccak(b"%PDF-1.7 \x00\xff")
    assert parse_hash("review passed", "--x") == keccak(text="review passed")
    assert parse_hash("审核通过", "--x") == keccak("审核通过".encode())
    for bad in ("0x12", "0x" + "zz" * 32, "", f"@{tmp_path / 'missing'}"):
        with pytest.raises(typer.BadParameter):
            parse_hash(bad, "--x")


def test_amounts_are_yuan_with_at_most_two_decimals() -> None:
    assert parse_amount("1,500.5", "--a") == 150_050
    assert parse_amount(12, "--a") == 1_200
    assert parse_amount("0", "--a", allow_zero=True) == 0
    for bad in ("0", "-1", "1.001", "ten", "nan", "inf"):
        with pytest.raises(typer.BadParameter):
            parse_amount(bad, "--a")
    assert format_amount(150_050) == "¥1,500.50"
    assert format_amount(-5) == "-¥0.05"


def test_times_are_unix_iso_now_or_relative() -> None:
    now = 1_700_000_000
    assert parse_time("now", now, "--t") == now
    assert parse_time("+90", now, "--t") == now + 90
    assert parse_time("+2h", now, "--t") == now + 7_200
    assert parse_time("+3d", now, "--t") == now + 3 * 86_400
    assert parse_time("1800000000", now, "--t") == 1_800_000_000
    assert parse_time("2024-01-01", now, "--t") == 1_704_067_200
    assert parse_time("2024-01-01T08:00:00+08:00", now, "--t") == 1_704_067_200
    with pytest.raises(typer.BadParameter):
        parse_time("tomorrow", now, "--t")


def test_enum_and_role_names() -> None:
    assert parse_choice(Kind, "Verification_Product", "--k") is Kind.VERIFICATION_PRODUCT
    assert parse_choice(Category, "2", "--c") is Category.PERSONAL
    assert parse_roles("data-holder, data-merchant") == Role.DATA_HOLDER | Role.DATA_MERCHANT
    assert parse_roles("65") == Role.AUTHORITY | Role.DATA_HOLDER
    for bad in ("0", "256", "banker", ""):
        with pytest.raises(typer.BadParameter):
            parse_roles(bad)


def test_certificate_number_and_terms() -> None:
    assert certificate_number(450000, 3) == "DR-450000-00000003"
    assert certificate_number(450000, 0) == ""
    assert term(Category.PUBLIC) == "public (公共数据)"
    assert term(Grade.GENERAL) == "general (一般数据)"  # same value as Category.PUBLIC, its own term
