#!/usr/bin/env python3
"""Slither over the Hardhat build of ``contracts/``, against the reviewed exclusions.

Compiles ``contracts/`` with Hardhat (offline: the pinned solcjs of ``node_modules/solc``, see
``hardhat.config.js``) into a build directory of its own (``build/slither/``), runs every Slither detector on
that build (crytic-compile reads Hardhat's build-info: no compiler is fetched or selected at run time), and
compares the findings with ``contracts/slither-exclusions.toml``:

* a finding that no exclusion covers fails the run: fix it, or add an exclusion that says why it stays;
* an exclusion (any one of its locations) that covers no finding fails the run too: stale exclusions go.

Findings whose every element lies in a dependency (``node_modules``: OpenZeppelin Contracts) are left out; the
exclusions file says why. Slither's other ways of hiding a finding are switched off, so that the exclusions file
is the only one: ``// slither-disable`` comments (``--show-ignored-findings``), its triage database and a
``slither.config.json`` (the run names empty ones of its own).

The findings of a build are kept in ``build/slither/findings.json`` (keyed by the build-info, Slither's version
and this script's arguments), so that the test of the exclusions file (``tests/contracts/test_slither.py``)
reuses the run ``scripts/test`` made just before; ``--fresh`` ignores them.

Usage: ``python scripts/slither_check.py [--json] [--fresh] [-v]``. Exit status 0 when every finding is covered
and every exclusion used, 1 when not, 2 when Slither or the build could not run.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger("slither_check")

ROOT = Path(__file__).resolve().parents[1]
EXCLUSIONS = ROOT / "contracts" / "slither-exclusions.toml"
BUILD_DIR = ROOT / "build" / "slither"
#: The location of a finding not tied to one contract (``pragma``: the versions of every source).
CODEBASE = "<codebase>"
_LOCATION = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*){0,2}$")
_MIN_REASON_WORDS = 12
_KEYS = {"detector", "locations", "match", "reason", "unstable"}
#: Slither's arguments besides its input and output: changing them invalidates the kept findings.
_SLITHER_ARGS = ("--compile-force-framework", "hardhat", "--hardhat-ignore-compile", "--show-ignored-findings",
                 "--disable-color")  # fmt: skip


class SlitherCheckError(Exception):
    """Slither or the build could not run, or the exclusions file is malformed (exit status 2)."""


@dataclass(frozen=True)
class Finding:
    """One Slither result: which detector, how bad, where (see :func:`location_of`) and Slither's text."""

    detector: str
    impact: str
    confidence: str
    location: str
    description: str

    def line(self) -> str:
        text = " ".join(self.description.split())
        return f"[{self.impact}/{self.confidence}] {self.detector} at {self.location}: {text}"


@dataclass(frozen=True)
class Exclusion:
    """A reviewed finding that stays: the detector, where (one or more locations), why, and optionally a text the
    finding's description must contain (to tell one finding from another of the same detector and place).

    ``unstable``: Slither reports the finding in some runs and not in others on the same sources (its taint analysis
    depends on the order it visits the code), so the exclusion is not reported stale when it covers nothing."""

    detector: str
    locations: tuple[str, ...]
    reason: str
    match: str = ""
    unstable: bool = False

    def covers(self, finding: Finding, location: str) -> bool:
        return (
            finding.detector == self.detector and finding.location == location and self.match in finding.description
        )


@dataclass
class Report:
    findings: list[Finding]
    dependency_findings: int
    uncovered: list[Finding] = field(default_factory=list)
    #: (exclusion, location) pairs that cover no finding
    stale: list[tuple[Exclusion, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.uncovered and not self.stale


# ─────────────────────────────────────────────────────────── exclusions


def known_detectors() -> set[str]:
    from slither.detectors import all_detectors  # type: ignore[import-untyped]
    from slither.detectors.abstract_detector import AbstractDetector  # type: ignore[import-untyped]

    classes: list[Any] = [d for d in vars(all_detectors).values() if isinstance(d, type)]
    return {str(d.ARGUMENT) for d in classes if issubclass(d, AbstractDetector) and d is not AbstractDetector}


def load_exclusions(path: Path = EXCLUSIONS, detectors: set[str] | None = None) -> list[Exclusion]:
    """The exclusions of ``path``; raises :class:`SlitherCheckError` naming every entry that does not name a known
    detector, one or more well-formed locations and a written reason (at least twelve words)."""
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SlitherCheckError(f"{path}: {exc}") from exc
    entries = data.get("exclude", [])
    problems: list[str] = [f"{path}: unknown top-level key {k!r}" for k in data if k != "exclude"]
    if not isinstance(entries, list):
        raise SlitherCheckError(f"{path}: `exclude` must be an array of tables ([[exclude]])")
    known = known_detectors() if detectors is None else detectors
    out: list[Exclusion] = []
    seen: set[tuple[str, str, str]] = set()
    for i, e in enumerate(entries, 1):
        where = f"{path.name} exclusion {i} ({e.get('detector', '?')})"
        unknown = set(e) - _KEYS
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        detector, locations, reason, match = e.get("detector"), e.get("locations"), e.get("reason"), e.get("match", "")
        if not isinstance(detector, str) or detector not in known:
            problems.append(f"{where}: `detector` must name one of Slither's detectors, not {detector!r}")
        if not isinstance(locations, list) or not locations:
            problems.append(f"{where}: `locations` must list one or more Contract, Contract.function or "
                            f"Contract.function.variable (or {CODEBASE!r})")  # fmt: skip
            locations = []
        for loc in locations:
            if not isinstance(loc, str) or not (loc == CODEBASE or _LOCATION.match(loc)):
                problems.append(f"{where}: bad location {loc!r}")
            elif (str(detector), loc, str(match)) in seen:
                problems.append(f"{where}: {loc} is excluded twice for {detector}")
            else:
                seen.add((str(detector), loc, str(match)))
        if not isinstance(reason, str) or len(reason.split()) < _MIN_REASON_WORDS:
            problems.append(f"{where}: `reason` must say why the finding stays (at least {_MIN_REASON_WORDS} words)")
        if not isinstance(match, str):
            problems.append(f"{where}: `match` must be a text")
        unstable = e.get("unstable", False)
        if not isinstance(unstable, bool):
            problems.append(f"{where}: `unstable` must be true or false")
        if isinstance(detector, str) and isinstance(reason, str) and isinstance(match, str):
            out.append(Exclusion(detector, tuple(str(x) for x in locations), reason, match, unstable is True))
    if problems:
        raise SlitherCheckError("\n".join(problems))
    return out


def check(findings: Sequence[Finding], exclusions: Sequence[Exclusion], dependency_findings: int = 0) -> Report:
    """Which findings no exclusion covers, and which exclusion locations cover no finding."""
    report = Report(list(findings), dependency_findings)
    used: set[tuple[int, str]] = set()
    for f in findings:
        covering = [(i, loc) for i, e in enumerate(exclusions) for loc in e.locations if e.covers(f, loc)]
        if not covering:
            report.uncovered.append(f)
        used.update(covering)
    report.stale = [
        (e, loc) for i, e in enumerate(exclusions) for loc in e.locations if (i, loc) not in used and not e.unstable
    ]
    return report


# ─────────────────────────────────────────────────────────── findings


def location_of(result: dict[str, Any]) -> str:
    """``Contract``, ``Contract.member`` or ``Contract.function.variable`` of a result's first element (a node
    stands for its function), or :data:`CODEBASE` for a result not tied to a contract."""
    element = result["elements"][0] if result.get("elements") else None
    if element is None or element.get("type") == "pragma":
        return CODEBASE
    names: list[str] = []
    node: dict[str, Any] | None = element
    while node is not None:
        if node.get("type") != "node":
            names.append(str(node["name"]))
        if node.get("type") == "contract":
            break
        node = node.get("type_specific_fields", {}).get("parent")
    return ".".join(reversed(names))


def parse_results(slither_json: dict[str, Any]) -> tuple[list[Finding], int]:
    """Our findings, and how many were left out as lying wholly in dependencies."""
    if not slither_json.get("success"):
        raise SlitherCheckError(f"slither failed: {slither_json.get('error')}")
    findings: list[Finding] = []
    in_dependencies = 0
    for r in slither_json.get("results", {}).get("detectors", []):
        elements = r.get("elements") or []
        if elements and all(e.get("source_mapping", {}).get("is_dependency") for e in elements):
            in_dependencies += 1
            continue
        findings.append(Finding(r["check"], r["impact"], r["confidence"], location_of(r), r["description"]))
    findings.sort(key=lambda f: (f.detector, f.location, f.description))
    return findings, in_dependencies


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One run at a time per checkout: a second one waits rather than read a build the first is writing."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _sources_digest() -> str:
    """What the Hardhat build depends on: the contracts, the compiler settings, Hardhat's configuration and the
    npm lockfile (which pins solc, OpenZeppelin and Hardhat)."""
    digest = hashlib.sha256()
    contracts = ROOT / "contracts"
    files = sorted(p for p in contracts.rglob("*") if p.suffix == ".sol" or p == contracts / "compiler.json")
    for p in [*files, ROOT / "hardhat.config.js", ROOT / "package-lock.json"]:
        digest.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes() + b"\0")
    return digest.hexdigest()


def _hardhat_compile(build_dir: Path) -> Path:
    """The build's artifacts directory, compiled afresh (``--force``) unless the build is of these very sources.

    Always the whole build, never Hardhat's incremental one: after an incremental compile the build-info files of
    earlier compilations stay beside the new one, holding older copies of the changed sources, and crytic-compile
    reads them all (and fails on their source maps)."""
    artifacts = build_dir / "artifacts"
    stamp = build_dir / "sources.sha256"
    want = _sources_digest()
    if stamp.exists() and stamp.read_text() == want and len(list((artifacts / "build-info").glob("*.json"))) == 1:
        return artifacts
    stamp.unlink(missing_ok=True)
    env = {
        **os.environ,
        "LEDGER_HARDHAT_DIR": str(build_dir),
        "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true",
        "HARDHAT_HIDE_SOLIDITY_SURVEY_MESSAGE": "true",
        "CI": "true",
    }
    started = time.monotonic()
    done = subprocess.run(
        ["npx", "--no-install", "hardhat", "compile", "--force", "--quiet"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=1800, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SlitherCheckError(f"hardhat compile failed:\n{done.stdout}\n{done.stderr}")
    logger.info("hardhat compile: %.1fs", time.monotonic() - started)
    infos = list((artifacts / "build-info").glob("*.json"))
    if len(infos) != 1:
        raise SlitherCheckError(f"hardhat wrote {len(infos)} build-info files under {artifacts}, expected one")
    compiled = set(json.loads(infos[0].read_text())["input"]["sources"])
    ours = {str(p.relative_to(ROOT)) for p in (ROOT / "contracts").rglob("*.sol")}
    if not ours <= compiled:
        raise SlitherCheckError(f"the Hardhat build lacks {sorted(ours - compiled)}: Slither would not see them")
    stamp.write_text(want)
    return artifacts


def _slither_binary() -> str:
    beside = Path(sys.executable).with_name("slither")
    found = str(beside) if beside.exists() else shutil.which("slither")
    if not found:
        raise SlitherCheckError("slither is not installed (slither-analyzer, a test dependency): run ./scripts/setup")
    return found


def _cache_key(artifacts: Path) -> str:
    from importlib.metadata import version

    digest = hashlib.sha256()
    for p in sorted((artifacts / "build-info").glob("*.json")):
        digest.update(p.name.encode() + b"\0" + p.read_bytes())
    digest.update(json.dumps([version("slither-analyzer"), version("crytic-compile"), _SLITHER_ARGS]).encode())
    return digest.hexdigest()


def _run_slither(artifacts: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="slither-") as tmp:
        t = Path(tmp)
        (t / "config.json").write_text("{}")  # instead of a slither.config.json that might exclude detectors
        out = t / "results.json"
        cmd = [
            _slither_binary(), ".", *_SLITHER_ARGS,
            "--hardhat-artifacts-directory", str(artifacts),
            "--config-file", str(t / "config.json"),
            "--triage-database", str(t / "triage.json"),
            "--sarif-input", str(t / "none.sarif"),
            "--sarif-triage", str(t / "none.sarifexplorer"),
            "--json", str(out),
        ]  # fmt: skip
        started = time.monotonic()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL,
                              check=False)  # fmt: skip
        logger.info("slither: %.1fs", time.monotonic() - started)
        if not out.exists():
            raise SlitherCheckError(f"slither wrote no results (exit {done.returncode}):\n{done.stderr[-5000:]}")
        results: dict[str, Any] = json.loads(out.read_text())
        return results


def analyse(*, fresh: bool = False, build_dir: Path = BUILD_DIR) -> tuple[list[Finding], int]:
    """Compiles with Hardhat (unless the build is of these sources) and runs Slither, or reuses the findings kept
    for this very build. Returns our findings and the number left out as lying wholly in dependencies."""
    with _locked(build_dir):
        artifacts = _hardhat_compile(build_dir)
        key = _cache_key(artifacts)
        kept = build_dir / "findings.json"
        if not fresh and kept.exists():
            data = json.loads(kept.read_text())
            if data.get("key") == key:
                logger.info("slither: findings of this build kept in %s", kept)
                return [Finding(**f) for f in data["findings"]], int(data["dependency_findings"])
        findings, in_dependencies = parse_results(_run_slither(artifacts))
        kept.write_text(json.dumps({"key": key, "findings": [asdict(f) for f in findings],
                                    "dependency_findings": in_dependencies}, indent=1))  # fmt: skip
        return findings, in_dependencies


# ─────────────────────────────────────────────────────────── command line


def _print_report(report: Report, exclusions: Sequence[Exclusion], path: Path) -> None:
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    write = sys.stdout.write
    write(f"slither: {len(report.findings)} findings in our contracts ({report.dependency_findings} more lie wholly "
          f"in OpenZeppelin and are not ours to fix); {len(exclusions)} reviewed exclusions in {rel}\n")  # fmt: skip
    if report.uncovered:
        write(f"slither: {len(report.uncovered)} finding(s) no exclusion covers:\n")
        for f in report.uncovered:
            write(f"  {f.line()}\n")
        write(f"slither: fix each one, or add an exclusion (detector, locations, reason) to {rel} if it must stay\n")
    if report.stale:
        write(f"slither: {len(report.stale)} exclusion location(s) cover no finding now; remove them from {rel}:\n")
        for e, loc in report.stale:
            match = f" matching {e.match!r}" if e.match else ""
            write(f"  {e.detector} at {loc}{match}\n")
    if report.ok:
        write("slither: every finding is covered by a reviewed exclusion, and every exclusion is in use\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the findings and the verdict as JSON")
    parser.add_argument("--fresh", action="store_true", help="run Slither even if this build's findings are kept")
    parser.add_argument("--exclusions", type=Path, default=EXCLUSIONS, help="the exclusions file (%(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log the steps and their times on stderr")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(name)s: %(message)s")  # fmt: skip
    started = time.monotonic()
    try:
        exclusions = load_exclusions(args.exclusions)
        findings, in_dependencies = analyse(fresh=args.fresh)
    except SlitherCheckError as exc:
        sys.stderr.write(f"slither: {exc}\n")
        return 2
    report = check(findings, exclusions, in_dependencies)
    if args.json:
        sys.stdout.write(json.dumps({
            "ok": report.ok,
            "findings": [asdict(f) for f in report.findings],
            "dependency_findings": report.dependency_findings,
            "uncovered": [asdict(f) for f in report.uncovered],
            "stale": [{"detector": e.detector, "location": loc, "match": e.match} for e, loc in report.stale],
        }, indent=2) + "\n")  # fmt: skip
    else:
        _print_report(report, exclusions, args.exclusions)
    logger.info("done in %.1fs", time.monotonic() - started)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
