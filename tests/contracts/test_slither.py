"""Slither's findings and the reviewed exclusions (contracts/slither-exclusions.toml) agree, and the claims some
exclusions rest on hold.

``scripts/test`` runs ``scripts/slither_check.py`` before pytest and fails on a finding no exclusion covers; this
test fails on the file itself: an entry without a known detector, well-formed locations and a written reason, or
an entry (or one of its locations) that covers no finding any more. It reuses the findings that run kept for the
same build (``build/slither/findings.json``), else runs Slither (and Hardhat, when the build is not current).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from ledger.client.sender import Call
from ledger.settings import LedgerSettings
from ledger.toolchain import compile_contracts
from tests.contracts.conftest import World

ROOT = Path(__file__).resolve().parents[2]


def _slither_check() -> ModuleType:
    scripts = str(ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    return importlib.import_module("slither_check")


def test_every_exclusion_names_a_detector_its_locations_and_a_reason() -> None:
    sc = _slither_check()
    exclusions = sc.load_exclusions()  # raises, naming each malformed entry
    assert exclusions
    detectors = sc.known_detectors()
    for e in exclusions:
        assert e.detector in detectors and e.locations and len(e.reason.split()) >= 12


def test_exclusions_reject_an_unknown_detector_a_bad_location_and_a_missing_reason(tmp_path: Path) -> None:
    sc = _slither_check()
    path = tmp_path / "exclusions.toml"
    path.write_text(
        '[[exclude]]\ndetector = "no-such-detector"\nlocations = ["A.b"]\nreason = "' + "word " * 12 + '"\n'
        '[[exclude]]\ndetector = "timestamp"\nlocations = ["A.b(uint256)"]\nreason = "' + "word " * 12 + '"\n'
        '[[exclude]]\ndetector = "timestamp"\nlocations = ["A.c"]\nreason = "a false positive"\n'
        '[[exclude]]\ndetector = "timestamp"\nlocations = []\nreason = "' + "word " * 12 + '"\n'
    )  # fmt: skip
    try:
        sc.load_exclusions(path)
    except sc.SlitherCheckError as exc:
        problems = str(exc).splitlines()
    else:
        raise AssertionError("a malformed exclusions file was accepted")
    assert len(problems) == 4, problems
    assert "exclusion 1" in problems[0] and "detector" in problems[0]
    assert "bad location 'A.b(uint256)'" in problems[1]
    assert "exclusion 3" in problems[2] and "reason" in problems[2]
    assert "exclusion 4" in problems[3] and "locations" in problems[3]


def test_an_exclusion_covers_only_its_detector_place_and_text_and_an_unused_one_is_stale() -> None:
    sc = _slither_check()
    finding = sc.Finding("timestamp", "Low", "Medium", "A.f", "A.f() uses timestamp: block.timestamp > deadline")
    other = sc.Finding("timestamp", "Low", "Medium", "A.g", "A.g() uses timestamp: block.timestamp > expiry")
    used = sc.Exclusion("timestamp", ("A.f", "A.h"), "reason", match="deadline")
    report = sc.check([finding, other], [used])
    assert report.uncovered == [other]
    assert report.stale == [(used, "A.h")]
    assert not report.ok
    assert sc.check([finding], [sc.Exclusion("timestamp", ("A.f",), "reason", match="expiry")]).uncovered == [finding]


def test_an_unstable_exclusion_covers_its_finding_when_it_comes_and_is_not_stale_when_it_does_not() -> None:
    sc = _slither_check()
    finding = sc.Finding("timestamp", "Low", "Medium", "A.f", "A.f() uses timestamp: refused = refusal.length != 0")
    unstable = sc.Exclusion("timestamp", ("A.f",), "reason", match="refusal.length", unstable=True)
    assert sc.check([finding], [unstable]).ok
    assert sc.check([], [unstable]).ok
    assert not sc.check([], [sc.Exclusion("timestamp", ("A.f",), "reason")]).ok


def test_every_slither_finding_is_excluded_with_a_reason_and_every_exclusion_is_in_use() -> None:
    sc = _slither_check()
    exclusions = sc.load_exclusions()
    findings, _ = sc.analyse()
    report = sc.check(findings, exclusions)
    lines = [f"not covered: {f.line()}" for f in report.uncovered]
    lines += [f"stale: {e.detector} at {loc} (covers no finding: remove it)" for e, loc in report.stale]
    assert report.ok, "\n".join([*lines, f"see {sc.EXCLUSIONS.relative_to(ROOT)} and scripts/slither_check.py"])


def test_registry_and_module_share_one_storage_layout() -> None:
    """The module runs by delegatecall on the registry's storage (Slither's uninitialized-state and unused-state
    exclusions rest on this): every variable must sit in the same slot, at the same offset, with the same type."""
    build = compile_contracts(LedgerSettings())

    def layout(name: str) -> list[tuple[str, str, int, str]]:
        storage = build.contract(name).storage_layout["storage"]
        return [(s["label"], s["slot"], s["offset"], s["type"]) for s in storage]

    registry, module = layout("AssetRegistry"), layout("AssetRegistryModule")
    assert registry and registry == module


def test_no_ether_can_be_sent_to_the_registry_through_its_payable_fallback(world: World) -> None:
    """OpenZeppelin Proxy's fallback is payable, but the module it delegates to accepts no value (Slither's
    locked-ether exclusion): a plain transfer, a call of a module function and an unknown call, each with value,
    are mined and revert, and the registry holds no ether."""
    w = world
    registry = w.contracts.address["AssetRegistry"]
    asset_count = w.contracts.codecs["AssetRegistry"].encode_call("assetCount")
    unknown = bytes.fromhex("deadbeef")
    calls = [Call(to=registry, data=data, gas=200_000, value=10**15) for data in (b"", asset_count, unknown)]
    receipts = w.holder.sender.wait(w.holder.sender.send(calls), calls, check=False)
    assert [r.status for r in receipts] == [0, 0, 0]
    assert int(w.rpc.call("eth_getBalance", [registry, "latest"]), 16) == 0
