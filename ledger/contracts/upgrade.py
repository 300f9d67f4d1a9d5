"""Release baselines of the contracts' storage layouts, and the plan of an upgrade against one.

A release baseline (``contracts/layouts/<release>.json``) holds the normalised storage layout
(:mod:`ledger.contracts.layout`) of each of the ledger's stateful contracts as that release deployed them. An
upgrade in place must keep it: :func:`plan_upgrade` checks the current sources' layouts against the baseline, that
each module still shares its contract's storage exactly, and which contracts' code would change.

Whether the code changes is judged on the compiled runtime code, without solc's metadata trailer (a comment or a
whitespace edit changes only the metadata: ``metadata-only``): the deployment manifest names the build it deployed
(``build_key``), and that build, if the compile cache still holds it, is compared with the current one. The code
hash on chain (the manifest's ``code_hash``) covers the immutables the constructor filled in, so it never equals
the hash of freshly compiled code; the plan shows both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from eth_utils.crypto import keccak

from ledger.contracts.deploy import Deployment
from ledger.contracts.layout import (
    Finding,
    StorageItem,
    compare_layouts,
    incompatibilities,
    layout_from_json,
    layout_to_json,
    normalise,
)
from ledger.contracts.system import MODULES, SYSTEM_CONTRACTS
from ledger.errors import NonRetryableError
from ledger.settings import PROJECT_ROOT
from ledger.toolchain import Build, StorageLayouts

__all__ = [
    "BASELINE_DIR",
    "CURRENT_RELEASE",
    "DEFAULT_BASELINE",
    "Baseline",
    "BaselineError",
    "CodeChange",
    "ContractPlan",
    "UpgradePlan",
    "code_change",
    "current_layouts",
    "load_baseline",
    "make_baseline",
    "plan_upgrade",
    "write_baseline",
]

BASELINE_DIR: Final[Path] = PROJECT_ROOT / "contracts" / "layouts"
#: The release deployed last: upgrades are checked against its baseline unless told otherwise.
CURRENT_RELEASE: Final[str] = "v1"
DEFAULT_BASELINE: Final[Path] = BASELINE_DIR / f"{CURRENT_RELEASE}.json"
_FORMAT: Final[int] = 1

CodeChange = Literal["unchanged", "metadata-only", "changed", "unknown", "not-deployed"]


class BaselineError(NonRetryableError):
    """A release baseline file is missing or malformed."""


@dataclass(frozen=True)
class Baseline:
    """The storage layouts of a release's stateful contracts, by contract name."""

    release: str
    compiler_version: str
    contracts: Mapping[str, tuple[StorageItem, ...]]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "release": self.release,
            "compiler_version": self.compiler_version,
            "contracts": {name: layout_to_json(layout) for name, layout in sorted(self.contracts.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Baseline:
        if data.get("format") != _FORMAT:
            raise BaselineError(f"layout baseline format {data.get('format')!r}, expected {_FORMAT}")
        return cls(
            release=str(data["release"]),
            compiler_version=str(data.get("compiler_version", "")),
            contracts={name: layout_from_json(layout) for name, layout in data["contracts"].items()},
        )


def current_layouts(layouts: StorageLayouts) -> dict[str, tuple[StorageItem, ...]]:
    """The normalised layout of each of the ledger's contracts (``SYSTEM_CONTRACTS``) in ``layouts``."""
    return {name: normalise(layouts.layout(name), layouts.enum_members) for name in SYSTEM_CONTRACTS}


def make_baseline(release: str, layouts: StorageLayouts, compiler_version: str) -> Baseline:
    return Baseline(release, compiler_version, current_layouts(layouts))


def write_baseline(baseline: Baseline, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(baseline.to_json(), indent=1) + "\n", encoding="utf-8")


def load_baseline(path: Path) -> Baseline:
    """Raises :class:`BaselineError` if ``path`` is missing or not a baseline."""
    try:
        return Baseline.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise BaselineError(f"no layout baseline at {path}") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BaselineError(f"layout baseline {path} is malformed: {exc!r}") from None


def _without_metadata(runtime: str) -> str:
    """Runtime code without solc's CBOR metadata trailer (its length is the code's last two bytes)."""
    code = runtime.removeprefix("0x")
    if len(code) < 4:
        return code
    trailer = (int(code[-4:], 16) + 2) * 2
    return code[:-trailer] if trailer <= len(code) else code


def code_change(old_runtime: str, new_runtime: str) -> CodeChange:
    """How two compilations' runtime code of one contract differ (immutables unset in both)."""
    if old_runtime == new_runtime:
        return "unchanged"
    if _without_metadata(old_runtime) == _without_metadata(new_runtime):
        return "metadata-only"
    return "changed"


def _compiled_hash(runtime: str) -> str:
    return "0x" + keccak(hexstr=runtime).hex()


@dataclass(frozen=True)
class ContractPlan:
    """One contract of an upgrade: its layout check and whether its code changes."""

    name: str
    findings: tuple[Finding, ...]
    code: CodeChange
    code_note: str
    #: keccak256 of the runtime code as compiled now (immutables unset).
    compiled_code_hash: str
    #: keccak256 of the code on chain as the deployment manifest records it (immutables filled in).
    deployed_code_hash: str | None

    @property
    def compatible(self) -> bool:
        return not incompatibilities(self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "contract": self.name,
            "layout_compatible": self.compatible,
            "findings": [f.to_json() for f in self.findings],
            "code": self.code,
            "code_note": self.code_note,
            "compiled_code_hash": self.compiled_code_hash,
            "deployed_code_hash": self.deployed_code_hash,
        }


@dataclass(frozen=True)
class UpgradePlan:
    release: str
    build_key: str
    deployed_build_key: str | None
    contracts: tuple[ContractPlan, ...]

    @property
    def compatible(self) -> bool:
        return all(c.compatible for c in self.contracts)

    def to_json(self) -> dict[str, Any]:
        return {
            "against": self.release,
            "build_key": self.build_key,
            "deployed_build_key": self.deployed_build_key,
            "layout_compatible": self.compatible,
            "contracts": [c.to_json() for c in self.contracts],
        }


def _layout_findings(
    name: str,
    current: Mapping[str, tuple[StorageItem, ...]],
    baseline: Baseline,
    allow_renames: Mapping[str, str],
) -> list[Finding]:
    old = baseline.contracts.get(name)
    if old is None:
        return [Finding("info", "new-contract", name, f"{name} is not in release {baseline.release}: nothing to keep")]
    findings = compare_layouts(old, current[name], allow_renames=allow_renames)
    for module_of, module in MODULES.items():
        if name == module and current[module] != current[module_of]:
            differences = compare_layouts(current[module_of], current[module])
            detail = "; ".join(f.message for f in differences) or "the layouts' types differ"
            message = (f"{module} runs on {module_of}'s storage (delegatecall): their layouts must be identical, "
                       f"they differ: {detail}")  # fmt: skip
            findings.append(Finding("error", "module-storage", name, message))
    return findings


def _code(
    name: str, build: Build, deployment: Deployment | None, deployed_build: Build | None
) -> tuple[CodeChange, str]:
    if deployment is None:
        return "not-deployed", "no deployment manifest"
    if deployment.build_key == build.key:
        return "unchanged", "the deployment's build"
    if deployed_build is None:
        return "unknown", f"the deployment's build {deployment.build_key[:12]} is not in the compile cache"
    try:
        old = deployed_build.contract(name).deployed_bytecode
    except KeyError:
        return "changed", f"not in the deployment's build {deployment.build_key[:12]}"
    change = code_change(old, build.contract(name).deployed_bytecode)
    return change, f"compared with the deployment's build {deployment.build_key[:12]}"


def plan_upgrade(
    build: Build,
    layouts: StorageLayouts,
    baseline: Baseline,
    *,
    deployment: Deployment | None = None,
    deployed_build: Build | None = None,
    allow_renames: Mapping[str, Mapping[str, str]] | None = None,
) -> UpgradePlan:
    """The plan of upgrading the ledger's contracts from ``baseline``'s release to the current sources (``build``
    and ``layouts`` come from the same sources). ``allow_renames``: contract name -> {path: new name}."""
    current = current_layouts(layouts)
    allowed = allow_renames or {}
    plans: list[ContractPlan] = []
    names: Sequence[str] = [*SYSTEM_CONTRACTS, *sorted(set(baseline.contracts) - set(SYSTEM_CONTRACTS))]
    for name in names:
        if name not in current:
            plans.append(ContractPlan(name, (Finding("error", "contract-removed", name, f"{name} of release "
                         f"{baseline.release} is no longer a contract of the ledger: its state would be "
                         "orphaned"),), "changed", "removed", "", None))  # fmt: skip
            continue
        code, note = _code(name, build, deployment, deployed_build)
        deployed = deployment.contracts.get(name) if deployment is not None else None
        plans.append(ContractPlan(
            name,
            tuple(_layout_findings(name, current, baseline, allowed.get(name, {}))),
            code,
            note,
            _compiled_hash(build.contract(name).deployed_bytecode),
            deployed.code_hash if deployed is not None else None,
        ))  # fmt: skip
    return UpgradePlan(
        release=baseline.release,
        build_key=build.key,
        deployed_build_key=deployment.build_key if deployment is not None else None,
        contracts=tuple(plans),
    )
