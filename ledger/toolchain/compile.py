"""Compile ``contracts/**/*.sol`` with the pinned solc, with a content-addressed cache.

The standard-json input is built exactly the way Hardhat 2 builds it, so that the
bytecode (metadata hash included) is identical to ``npx hardhat compile``:

* source unit names are project-relative (``contracts/Foo.sol``) or npm-style
  (``@openzeppelin/contracts/access/Ownable.sol``), never ``node_modules/...``;
* every source of the import graph is given as ``content`` (read byte-exact);
* ``settings`` is the ``settings`` object of ``contracts/compiler.json``, which
  ``hardhat.config.js`` also uses.

The resolver remappings of ``compiler.json`` only say where on disk an import
prefix lives; they are not handed to solc (they would rename source units and
change the metadata hash).
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import solcx
from solcx.exceptions import SolcError

from ledger.errors import CompilationError
from ledger.settings import PROJECT_ROOT, LedgerSettings

__all__ = [
    "BUNDLED_SOLC",
    "COMPILER_CONFIG",
    "COMPILER_CONFIG_PATH",
    "MAX_DEPLOYED_CODE_SIZE",
    "SOLC_SETTINGS",
    "SOLC_VERSION",
    "Build",
    "CompiledContract",
    "StorageLayouts",
    "analysis_errors",
    "build_standard_input",
    "cache_key",
    "cached_build",
    "compile_contracts",
    "compiler_identity",
    "load_compiler_config",
    "solc_settings_for",
    "storage_layouts",
]

logger = logging.getLogger(__name__)

COMPILER_CONFIG_PATH: Final[Path] = PROJECT_ROOT / "contracts" / "compiler.json"
BUNDLED_SOLC: Final[Path] = PROJECT_ROOT / "bin" / "solc"
MAX_DEPLOYED_CODE_SIZE: Final[int] = 24_576  # EIP-170
_CACHE_FORMAT: Final[int] = 1
_INDEX_FILE: Final[str] = "index.json"
_BUILD_INFO_FILE: Final[str] = "build-info.json"


@dataclass(frozen=True)
class CompilerConfig:
    """Contents of ``contracts/compiler.json``."""

    version: str
    settings: Mapping[str, Any]
    remappings: tuple[tuple[str, str], ...]


def load_compiler_config(path: Path = COMPILER_CONFIG_PATH) -> CompilerConfig:
    """Read the pinned compiler version, solc settings and resolver remappings."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    remappings: list[tuple[str, str]] = []
    for entry in raw.get("remappings", []):
        prefix, sep, target = str(entry).partition("=")
        if not sep or not prefix:
            raise CompilationError(f"{path}: bad remapping {entry!r} (expected 'prefix=target')")
        remappings.append((prefix, target))
    return CompilerConfig(
        version=str(raw["version"]),
        settings=MappingProxyType(raw["settings"]),
        remappings=tuple(remappings),
    )


COMPILER_CONFIG: Final[CompilerConfig] = load_compiler_config()
SOLC_VERSION: Final[str] = COMPILER_CONFIG.version
SOLC_SETTINGS: Final[Mapping[str, Any]] = COMPILER_CONFIG.settings


@dataclass(frozen=True)
class CompiledContract:
    """One contract of a build. Bytecodes are ``0x``-prefixed hex (``"0x"`` if abstract)."""

    name: str
    source: str
    abi: tuple[dict[str, Any], ...]
    bytecode: str
    deployed_bytecode: str
    metadata: str
    storage_layout: Mapping[str, Any]
    compiler_version: str
    method_identifiers: Mapping[str, str] = field(default_factory=dict)
    link_references: Mapping[str, Any] = field(default_factory=dict)
    devdoc: Mapping[str, Any] = field(default_factory=dict)
    userdoc: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fully_qualified_name(self) -> str:
        return f"{self.source}:{self.name}"

    @property
    def deployed_size(self) -> int:
        """Size of the runtime code in bytes (what EIP-170 limits)."""
        return (len(self.deployed_bytecode) - 2) // 2

    def to_json(self) -> dict[str, Any]:
        return {
            "contractName": self.name,
            "sourceName": self.source,
            "abi": list(self.abi),
            "bytecode": self.bytecode,
            "deployedBytecode": self.deployed_bytecode,
            "linkReferences": dict(self.link_references),
            "methodIdentifiers": dict(self.method_identifiers),
            "metadata": self.metadata,
            "storageLayout": dict(self.storage_layout),
            "devdoc": dict(self.devdoc),
            "userdoc": dict(self.userdoc),
            "compilerVersion": self.compiler_version,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CompiledContract:
        return cls(
            name=data["contractName"],
            source=data["sourceName"],
            abi=tuple(data["abi"]),
            bytecode=data["bytecode"],
            deployed_bytecode=data["deployedBytecode"],
            metadata=data["metadata"],
            storage_layout=data.get("storageLayout") or {},
            compiler_version=data["compilerVersion"],
            method_identifiers=data.get("methodIdentifiers") or {},
            link_references=data.get("linkReferences") or {},
            devdoc=data.get("devdoc") or {},
            userdoc=data.get("userdoc") or {},
        )


@dataclass(frozen=True)
class Build:
    """Result of :func:`compile_contracts`; ``contracts`` is keyed by ``source:Name``."""

    key: str
    directory: Path
    cache_hit: bool
    compiler_version: str
    contracts: Mapping[str, CompiledContract]
    project_sources: tuple[str, ...]
    evm_version: str = str(SOLC_SETTINGS.get("evmVersion", "cancun"))

    def oversized(self) -> list[CompiledContract]:
        """The project's contracts whose runtime code exceeds EIP-170's 24,576 bytes (undeployable)."""
        return [c for c in self if c.source in self.project_sources and c.deployed_size > MAX_DEPLOYED_CODE_SIZE]

    def contract(self, name: str) -> CompiledContract:
        """Look up by fully qualified name (``contracts/Foo.sol:Foo``) or by bare name.

        A bare name must be unique; if it is not, the one defined in the project's
        own sources (not a library) wins, if that is unique.
        """
        if ":" in name:
            try:
                return self.contracts[name]
            except KeyError:
                raise KeyError(f"no contract {name!r} in build {self.key[:12]}") from None
        matches = [c for c in self.contracts.values() if c.name == name]
        if len(matches) > 1:
            own = [c for c in matches if c.source in self.project_sources]
            if len(own) == 1:
                return own[0]
            fqns = ", ".join(sorted(c.fully_qualified_name for c in matches))
            raise KeyError(f"contract name {name!r} is ambiguous: {fqns}")
        if not matches:
            raise KeyError(f"no contract {name!r} in build {self.key[:12]}")
        return matches[0]

    def names(self) -> list[str]:
        """Fully qualified names of all contracts, sorted."""
        return sorted(self.contracts)

    def __iter__(self) -> Any:
        return iter(self.contracts[k] for k in sorted(self.contracts))

    def __len__(self) -> int:
        return len(self.contracts)


# --------------------------------------------------------------------------- sources

_TOKEN_RE = re.compile(
    r"""
      (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
    | (?P<semi>;)
    | (?P<other>[^\s])
    """,
    re.DOTALL | re.VERBOSE,
)


def _imports_of(content: str) -> list[str]:
    """Paths of the import directives (the first string literal of each ``import ...;``),
    ignoring comments and look-alikes inside string literals."""
    paths: list[str] = []
    in_import = False
    found = False
    for m in _TOKEN_RE.finditer(content):
        kind = m.lastgroup
        if kind == "comment":
            continue
        if not in_import:
            in_import = kind == "word" and m.group() == "import"
            found = False
        elif kind == "semi":
            in_import = False
        elif kind == "string" and not found:
            literal = m.group()[1:-1]
            paths.append(re.sub(r"\\(.)", r"\1", literal))
            found = True
    return paths


def _import_to_source_name(importer: str, imported: str) -> str:
    """solc's (and hardhat's) rule: only ``./`` and ``../`` imports are relative."""
    if imported.startswith("./") or imported.startswith("../"):
        name = posixpath.normpath(posixpath.join(posixpath.dirname(importer), imported))
        if name.startswith("../") or name == "..":
            raise CompilationError(f"{importer}: import {imported!r} escapes the source tree")
        return name
    return posixpath.normpath(imported)


class _Resolver:
    def __init__(self, project_root: Path, remappings: Iterable[tuple[str, str]]) -> None:
        self.project_root = project_root
        self.remappings = sorted(remappings, key=lambda r: len(r[0]), reverse=True)
        roots = [project_root]
        if PROJECT_ROOT.resolve() != project_root.resolve():
            roots.append(PROJECT_ROOT)  # a project copy without node_modules still finds libraries
        self.roots = roots

    def locate(self, source_name: str) -> Path:
        candidates: list[Path] = []
        for prefix, target in self.remappings:
            if source_name.startswith(prefix):
                rel = target + source_name[len(prefix) :]
                candidates = [root / rel for root in self.roots]
                break
        else:
            first = source_name.split("/", 1)[0]
            if "node_modules" not in source_name and (self.project_root / first).exists():
                candidates = [self.project_root / source_name]
            else:
                rel = source_name.removeprefix("node_modules/")
                candidates = [root / "node_modules" / rel for root in self.roots]
        for candidate in candidates:
            if candidate.is_file():
                return candidate
        raise CompilationError(
            f"cannot find source {source_name!r}; looked at: " + ", ".join(str(c) for c in candidates)
        )


def _read_source(path: Path) -> str:
    # Byte-exact (no newline translation): the metadata hash covers the raw content.
    return path.read_bytes().decode("utf-8")


def _collect_sources(
    project_root: Path, contracts_dir: Path, remappings: Iterable[tuple[str, str]]
) -> tuple[dict[str, str], tuple[str, ...]]:
    """Project sources plus their transitive imports: ``{source name: content}``."""
    root = project_root.resolve()
    cdir = contracts_dir.resolve()
    try:
        cdir.relative_to(root)
    except ValueError:
        raise CompilationError(f"contracts dir {cdir} is not inside project root {root}") from None
    resolver = _Resolver(root, remappings)
    project_names = tuple(
        sorted(p.relative_to(root).as_posix() for p in cdir.rglob("*.sol") if "node_modules" not in p.parts)
    )
    sources: dict[str, str] = {}
    pending = [(name, root / name) for name in project_names]
    while pending:
        name, path = pending.pop()
        if name in sources:
            continue
        content = _read_source(path)
        sources[name] = content
        for imported in _imports_of(content):
            dep = _import_to_source_name(name, imported)
            if dep not in sources:
                try:
                    pending.append((dep, resolver.locate(dep)))
                except CompilationError as exc:
                    raise CompilationError(f"{name}: unresolved import {imported!r}: {exc}") from None
    return dict(sorted(sources.items())), project_names


def _plain(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Deep copy made of plain dicts/lists (``SOLC_SETTINGS`` is a read-only proxy)."""
    result: dict[str, Any] = copy.deepcopy(dict(settings))
    return result


def build_standard_input(sources: Mapping[str, str], settings: Mapping[str, Any] = SOLC_SETTINGS) -> dict[str, Any]:
    """The solc standard-json input, shaped like Hardhat's (sorted sources, ``content``)."""
    return {
        "language": "Solidity",
        "sources": {name: {"content": sources[name]} for name in sorted(sources)},
        "settings": _plain(settings),
    }


# --------------------------------------------------------------------------- compiler


def _solc_binary(settings: LedgerSettings | None, override: Path | None) -> Path:
    if override is not None:
        return override
    if settings is not None and settings.solc_binary is not None:
        return settings.solc_binary
    return BUNDLED_SOLC


@lru_cache(maxsize=8)
def _native_version(path: str, mtime_ns: int, size: int) -> str:
    del mtime_ns, size  # part of the cache key only
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise CompilationError(f"cannot run solc {path!r} --version: {exc}") from exc
    match = re.search(r"Version:\s*(\S+)", out)
    if not match:
        raise CompilationError(f"cannot parse the version printed by {path}: {out!r}")
    return match.group(1)


def compiler_identity(solc_binary: Path) -> str:
    """Long version of the compiler, obtained without running it for the bundled solcjs.

    Bundled ``bin/solc``: read from ``node_modules/solc`` (package version + soljson
    size), so a cache hit needs no subprocess. Native solc: ``solc --version``
    (memoised on path, mtime and size).
    """
    if solc_binary.resolve() == BUNDLED_SOLC.resolve():
        pkg = PROJECT_ROOT / "node_modules" / "solc"
        try:
            version = json.loads((pkg / "package.json").read_text(encoding="utf-8"))["version"]
            soljson_size = (pkg / "soljson.js").stat().st_size
        except (OSError, ValueError, KeyError) as exc:
            raise CompilationError(f"bundled solcjs not installed under {pkg} (run npm ci): {exc}") from exc
        return f"{version}+solcjs.soljson-{soljson_size}"
    try:
        st = solc_binary.stat()
    except OSError as exc:
        raise CompilationError(f"solc binary {solc_binary} not found: {exc}") from exc
    return _native_version(str(solc_binary), st.st_mtime_ns, st.st_size)


def _check_version(identity: str) -> None:
    base = identity.split("+", 1)[0].split("-", 1)[0]
    if base != SOLC_VERSION:
        raise CompilationError(f"solc {identity} is not the pinned version {SOLC_VERSION} (contracts/compiler.json)")


def cache_key(sources: Mapping[str, str], settings: Mapping[str, Any], compiler: str) -> str:
    """sha256 over source names and contents, solc settings and compiler identity."""
    h = hashlib.sha256()
    h.update(f"ledger-compile-cache/{_CACHE_FORMAT}\n".encode())
    h.update(json.dumps(_plain(settings), sort_keys=True, separators=(",", ":")).encode())
    h.update(b"\0" + compiler.encode() + b"\0")
    for name in sorted(sources):
        data = sources[name].encode("utf-8")
        h.update(f"{len(name)}:{name}:{len(data)}:".encode())
        h.update(data)
    return h.hexdigest()


def _run_solc(std_input: dict[str, Any], solc_binary: Path, allow_paths: list[str]) -> tuple[dict[str, Any], str]:
    logger.info("compiling %d sources with %s", len(std_input["sources"]), solc_binary)
    try:
        output: dict[str, Any] = solcx.compile_standard(std_input, solc_binary=solc_binary, allow_paths=allow_paths)
    except SolcError as exc:
        errors = [e for e in (exc.error_dict or []) if e.get("severity") == "error"]
        if errors:
            text = "\n".join(str(e.get("formattedMessage") or e.get("message")) for e in errors)
            files = sorted({str(e.get("sourceLocation", {}).get("file")) for e in errors if e.get("sourceLocation")})
            where = f" in {', '.join(files)}" if files else ""
            raise CompilationError(f"solc reported {len(errors)} error(s){where}:\n{text}", errors) from exc
        raise CompilationError(f"solc failed: {exc}") from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise CompilationError(f"cannot run solc {solc_binary}: {exc}") from exc
    return output, _version_from_metadata(output)


def _version_from_metadata(output: Mapping[str, Any]) -> str:
    """``0.8.28+commit.7893614a`` as recorded in the metadata (platform-independent)."""
    for per_file in output.get("contracts", {}).values():
        for data in per_file.values():
            try:
                return str(json.loads(data["metadata"])["compiler"]["version"])
            except (KeyError, ValueError, TypeError):
                continue
    return SOLC_VERSION


def _contracts_from_output(output: Mapping[str, Any], long_version: str) -> dict[str, CompiledContract]:
    result: dict[str, CompiledContract] = {}
    for source, per_file in output.get("contracts", {}).items():
        for name, data in per_file.items():
            evm = data.get("evm", {})
            contract = CompiledContract(
                name=name,
                source=source,
                abi=tuple(data.get("abi", [])),
                bytecode="0x" + evm.get("bytecode", {}).get("object", ""),
                deployed_bytecode="0x" + evm.get("deployedBytecode", {}).get("object", ""),
                metadata=data.get("metadata", ""),
                storage_layout=data.get("storageLayout") or {},
                compiler_version=long_version,
                method_identifiers=evm.get("methodIdentifiers") or {},
                link_references=evm.get("bytecode", {}).get("linkReferences") or {},
                devdoc=data.get("devdoc") or {},
                userdoc=data.get("userdoc") or {},
            )
            result[contract.fully_qualified_name] = contract
    return result


def _artifact_relpath(contract: CompiledContract) -> str:
    return f"artifacts/{contract.source}/{contract.name}.json"


def _write_cache(
    build_dir: Path,
    key: str,
    std_input: Mapping[str, Any],
    output: Mapping[str, Any],
    contracts: Mapping[str, CompiledContract],
    project_sources: tuple[str, ...],
    long_version: str,
) -> Path:
    final = build_dir / key
    build_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{key[:12]}-", dir=build_dir))
    try:
        index: dict[str, Any] = {
            "format": _CACHE_FORMAT,
            "key": key,
            "compilerVersion": long_version,
            "projectSources": list(project_sources),
            "contracts": {},
        }
        for fqn, contract in sorted(contracts.items()):
            rel = _artifact_relpath(contract)
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(contract.to_json(), indent=1), encoding="utf-8")
            index["contracts"][fqn] = rel
        build_info = {
            "format": _CACHE_FORMAT,
            "key": key,
            "solcVersion": SOLC_VERSION,
            "solcLongVersion": long_version,
            "input": std_input,
            "errors": list(output.get("errors", [])),
        }
        (tmp / _BUILD_INFO_FILE).write_text(json.dumps(build_info), encoding="utf-8")
        (tmp / _INDEX_FILE).write_text(json.dumps(index, indent=1), encoding="utf-8")
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / _INDEX_FILE).is_file():  # not a concurrent writer's identical result
                shutil.rmtree(final, ignore_errors=True)
                os.rename(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def solc_settings_for(evm_version: str | None) -> dict[str, Any]:
    """compiler.json's solc settings with ``evmVersion`` replaced (None: as pinned there)."""
    settings = _plain(SOLC_SETTINGS)
    if evm_version is not None:
        settings["evmVersion"] = evm_version
    return settings


def _read_cache(directory: Path, key: str, evm_version: str) -> Build | None:
    index_path = directory / _INDEX_FILE
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
        if index.get("format") != _CACHE_FORMAT or index.get("key") != key:
            return None
        contracts = {
            fqn: CompiledContract.from_json(json.loads((directory / rel).read_text(encoding="utf-8")))
            for fqn, rel in index["contracts"].items()
        }
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("ignoring unreadable compile cache %s: %s", directory, exc)
        return None
    return Build(
        key=key,
        directory=directory,
        cache_hit=True,
        compiler_version=index["compilerVersion"],
        contracts=MappingProxyType(contracts),
        project_sources=tuple(index["projectSources"]),
        evm_version=evm_version,
    )


def cached_build(key: str, settings: LedgerSettings | None = None, *, evm_version: str | None = None) -> Build | None:
    """Build ``key`` as the compile cache (``settings.build_dir``) holds it, or None if it holds no such build
    (a deployment manifest names the build it deployed: this finds that build's code again)."""
    if not re.fullmatch(r"[0-9a-f]{64}", key):
        return None
    settings = settings if settings is not None else LedgerSettings()
    target = evm_version or str(solc_settings_for(settings.evm_version).get("evmVersion", "cancun"))
    return _read_cache(settings.build_dir.resolve() / key, key, target)


def _warn_code_size(build: Build) -> None:
    for contract in build:
        if contract.deployed_size > MAX_DEPLOYED_CODE_SIZE:
            logger.warning(
                "%s: deployed bytecode is %d bytes at EVM target %s, above the EIP-170 limit of %d;"
                " it cannot be deployed",
                contract.fully_qualified_name,
                contract.deployed_size,
                build.evm_version,
                MAX_DEPLOYED_CODE_SIZE,
            )


def compile_contracts(
    settings: LedgerSettings | None = None,
    *,
    project_root: Path | None = None,
    contracts_dir: Path | None = None,
    build_dir: Path | None = None,
    solc_binary: Path | None = None,
    force: bool = False,
) -> Build:
    """Compile every ``.sol`` under ``contracts_dir`` (default ``<project_root>/contracts``).

    Results are cached under ``<build_dir>/<key>/``; a cache hit does not run the
    compiler. ``solc_binary`` (else ``settings.solc_binary``, else ``bin/solc``)
    must be solc :data:`SOLC_VERSION`. Raises :class:`CompilationError`.
    """
    settings = settings if settings is not None else LedgerSettings()
    root = (project_root or PROJECT_ROOT).resolve()
    cdir = (contracts_dir or root / "contracts").resolve()
    bdir = (build_dir or settings.build_dir).resolve()
    binary = _solc_binary(settings, solc_binary)

    started = time.perf_counter()
    sources, project_sources = _collect_sources(root, cdir, COMPILER_CONFIG.remappings)
    if not project_sources:
        raise CompilationError(f"no .sol files under {cdir}")
    identity = compiler_identity(binary)
    _check_version(identity)
    solc_settings = solc_settings_for(settings.evm_version)
    evm_version = str(solc_settings.get("evmVersion", "cancun"))
    key = cache_key(sources, solc_settings, identity)
    directory = bdir / key

    if not force:
        cached = _read_cache(directory, key, evm_version)
        if cached is not None:
            logger.debug("compile cache hit %s (%.3fs)", key[:12], time.perf_counter() - started)
            _warn_code_size(cached)
            return cached

    std_input = build_standard_input(sources, solc_settings)
    output, long_version = _run_solc(std_input, binary, [str(root), str(PROJECT_ROOT)])
    extra = sorted(set(output.get("sources", {})) - set(sources))
    if extra:
        # solc pulled files through the import callback that our resolver missed:
        # the source set would differ from hardhat's, so refuse rather than diverge.
        raise CompilationError(f"import resolution mismatch, solc also loaded: {', '.join(extra)}")
    for warning in output.get("errors", []):
        if warning.get("severity") != "error":
            logger.info("solc: %s", str(warning.get("formattedMessage", warning.get("message"))).strip())
    contracts = _contracts_from_output(output, long_version)
    directory = _write_cache(bdir, key, std_input, output, contracts, project_sources, long_version)
    build = Build(
        key=key,
        directory=directory,
        cache_hit=False,
        compiler_version=long_version,
        contracts=MappingProxyType(contracts),
        project_sources=project_sources,
        evm_version=evm_version,
    )
    logger.info("compiled %d contracts in %.1fs (cache %s)", len(contracts), time.perf_counter() - started, key[:12])
    _warn_code_size(build)
    return build


def analysis_errors(settings: LedgerSettings | None = None, *, project_root: Path | None = None) -> list[str]:
    """Type-checks the sources for the settings' EVM target without generating code (seconds, where a
    compile takes minutes): solc's error messages, empty if the analysis passes. Code generation can
    still fail afterwards (e.g. a stack too deep), which only :func:`compile_contracts` finds."""
    settings = settings if settings is not None else LedgerSettings()
    root = (project_root or PROJECT_ROOT).resolve()
    sources, _ = _collect_sources(root, root / "contracts", COMPILER_CONFIG.remappings)
    solc_settings = solc_settings_for(settings.evm_version)
    solc_settings["outputSelection"] = {"*": {"": ["ast"]}}
    try:
        _run_solc(
            build_standard_input(sources, solc_settings), _solc_binary(settings, None), [str(root), str(PROJECT_ROOT)]
        )
    except CompilationError as exc:
        return [str(e.get("formattedMessage") or e.get("message")) for e in exc.errors] or [str(exc)]
    return []


@dataclass(frozen=True)
class StorageLayouts:
    """solc's ``storageLayout`` of every contract of a source tree (keyed ``source:Name``), and the members of
    every enum it defines (keyed by the enum's AST id, which solc's storage type ids end with:
    ``t_enum(Right)28037``); the storage layout alone does not say how many members an enum has."""

    layouts: Mapping[str, Mapping[str, Any]]
    enum_members: Mapping[int, tuple[str, ...]]
    project_sources: tuple[str, ...]

    def layout(self, name: str) -> Mapping[str, Any]:
        """By fully qualified name, or by bare name if one project source defines it."""
        if name in self.layouts:
            return self.layouts[name]
        own = [fqn for fqn in self.layouts if fqn.rsplit(":", 1)[-1] == name and fqn.split(":", 1)[0] in
               self.project_sources]  # fmt: skip
        if len(own) != 1:
            raise KeyError(f"no single project contract named {name!r} (found {len(own)})")
        return self.layouts[own[0]]


def _enum_members(node: Any, found: dict[int, tuple[str, ...]]) -> None:
    if isinstance(node, dict):
        if node.get("nodeType") == "EnumDefinition" and isinstance(node.get("id"), int):
            found[node["id"]] = tuple(str(m.get("name")) for m in node.get("members", []))
        for value in node.values():
            _enum_members(value, found)
    elif isinstance(node, list):
        for item in node:
            _enum_members(item, found)


def _cached_analysis(
    build_dir: Path, std_input: dict[str, Any], solc_binary: Path, allow_paths: list[str]
) -> dict[str, Any]:
    """solc's output for ``std_input``, kept under ``<build_dir>/analysis/`` by the hash of the input and of the
    compiler (its path, size and modification time): the same sources are analysed once (``ledger upgrade plan``
    runs in a second, not five). A damaged cache file is analysed again and replaced."""
    stat = solc_binary.stat() if solc_binary.exists() else None
    h = hashlib.sha256(json.dumps(std_input, sort_keys=True).encode())
    h.update(f"{solc_binary.resolve()}:{stat and stat.st_size}:{stat and stat.st_mtime_ns}".encode())
    path = build_dir / "analysis" / f"{h.hexdigest()}.json"
    try:
        cached: dict[str, Any] = json.loads(path.read_text())
        return cached
    except (OSError, ValueError):
        pass
    output, _ = _run_solc(std_input, solc_binary, allow_paths)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "w") as f:
            json.dump(output, f)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only build directory: the analysis still stands
        logger.warning("cannot cache solc's analysis in %s: %s", path.parent, exc)
    return output


def storage_layouts(
    settings: LedgerSettings | None = None, *, project_root: Path | None = None, contracts_dir: Path | None = None
) -> StorageLayouts:
    """The storage layouts of the contracts under ``contracts_dir`` (default ``<project_root>/contracts``), from
    solc's analysis alone (no code generation: seconds, where :func:`compile_contracts` takes minutes; the layout
    is the same). Raises :class:`CompilationError` if the sources do not compile."""
    settings = settings if settings is not None else LedgerSettings()
    root = (project_root or PROJECT_ROOT).resolve()
    cdir = (contracts_dir or root / "contracts").resolve()
    sources, project_sources = _collect_sources(root, cdir, COMPILER_CONFIG.remappings)
    if not project_sources:
        raise CompilationError(f"no .sol files under {cdir}")
    solc_settings = solc_settings_for(settings.evm_version)
    solc_settings["outputSelection"] = {"*": {"*": ["storageLayout"], "": ["ast"]}}
    std_input = build_standard_input(sources, solc_settings)
    binary = _solc_binary(settings, None)
    output = _cached_analysis(settings.build_dir.resolve(), std_input, binary, [str(root), str(PROJECT_ROOT)])
    layouts = {
        f"{source}:{name}": data.get("storageLayout") or {"storage": [], "types": None}
        for source, per_file in output.get("contracts", {}).items()
        for name, data in per_file.items()
    }
    enums: dict[int, tuple[str, ...]] = {}
    for unit in output.get("sources", {}).values():
        _enum_members(unit.get("ast"), enums)
    return StorageLayouts(MappingProxyType(layouts), MappingProxyType(enums), project_sources)
