"""The generated Python exceptions match the contracts' custom errors."""

from __future__ import annotations

from pathlib import Path

from eth_abi import encode

import ledger.contracts.errors as E
from ledger.client.sender import decode_revert
from ledger.contracts.errors_gen import render
from ledger.contracts.revert import UnknownRevert
from ledger.toolchain import Build


def test_generated_errors_module_is_up_to_date(build: Build) -> None:
    path = Path(E.__file__)
    assert path.read_text() == render(build), "run scripts/gen_errors.py after changing contract errors"


def test_revert_data_decodes_to_the_typed_exception_with_its_values(session_world) -> None:  # type: ignore[no-untyped-def]
    errors = session_world.contracts.errors
    selector = next(s for s, e in errors.by_selector.items() if e.name == "RegistryAssetFrozen")
    exc = decode_revert(errors, selector + encode(["uint256"], [42]), "grantLicense")
    assert isinstance(exc, E.RegistryAssetFrozen)
    assert exc.assetId == 42
    assert exc.refusal == "conflict"
    assert "RegistryAssetFrozen(assetId=42)" in str(exc)


def test_unknown_revert_data_is_reported_raw(session_world) -> None:  # type: ignore[no-untyped-def]
    exc = decode_revert(session_world.contracts.errors, bytes.fromhex("deadbeef"), "x")
    assert isinstance(exc, UnknownRevert)
    assert "deadbeef" in str(exc)
