"""Compile pipeline: cache hits, cache keys, errors, lookups, the bin/solc wrapper."""

from __future__ import annotations

import json
import os
import random
import shutil
import stat
import string
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import solcx

import ledger.toolchain.compile as compile_mod
from ledger.errors import CompilationError, NonRetryableError
from ledger.settings import PROJECT_ROOT, LedgerSettings
from ledger.toolchain import BUNDLED_SOLC, SOLC_SETTINGS, SOLC_VERSION, compile_contracts

FIXTURE = "contracts/fixture/FixtureToken.sol"


def _forbid_compiler(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"compiler invoked on a cache hit: {args[:1]}")

    monkeypatch.setattr(solcx, "compile_standard", boom)
    monkeypatch.setattr(compile_mod, "_run_solc", boom)
    monkeypatch.setattr(subprocess, "Popen", boom)


def test_pinned_settings() -> None:
    assert SOLC_VERSION == "0.8.28"
    assert SOLC_SETTINGS["optimizer"] == {"enabled": True, "runs": 200}
    assert SOLC_SETTINGS["evmVersion"] == "cancun"
    assert isinstance(SOLC_SETTINGS.get("viaIR", False), bool)  # the contracts author decides
    assert SOLC_SETTINGS["metadata"] == {"bytecodeHash": "ipfs"}
    assert "remappings" not in SOLC_SETTINGS  # resolver-only, see compiler.json _comment


def test_second_compile_is_cache_hit(
    project: Path, project_settings: LedgerSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = compile_contracts(project_settings, project_root=project, force=True)
    assert not first.cache_hit
    assert first.directory == project_settings.build_dir / first.key
    assert (first.directory / "build-info.json").is_file()

    _forbid_compiler(monkeypatch)
    started = time.perf_counter()
    second = compile_contracts(project_settings, project_root=project)
    elapsed = time.perf_counter() - started
    assert second.cache_hit
    assert second.key == first.key
    assert elapsed < 1.0, elapsed
    assert second.names() == first.names()
    for fqn in first.names():
        assert second.contracts[fqn] == first.contracts[fqn]


def test_changed_source_changes_key(project: Path, project_settings: LedgerSettings) -> None:
    before = compile_contracts(project_settings, project_root=project)
    path = project / FIXTURE
    path.write_bytes(path.read_bytes() + b"\n// touched\n")
    after = compile_contracts(project_settings, project_root=project)
    assert after.key != before.key
    assert not after.cache_hit
    # Only the metadata hash changes (source content is part of it).
    token_before = before.contract("FixtureToken")
    token_after = after.contract("FixtureToken")
    assert token_before.deployed_bytecode != token_after.deployed_bytecode
    assert token_before.deployed_bytecode[:-200] == token_after.deployed_bytecode[:-200]


def test_cache_key_covers_names_settings_and_compiler() -> None:
    sources = {"contracts/A.sol": "contract A {}"}
    base = compile_mod.cache_key(sources, SOLC_SETTINGS, "0.8.28+x")
    assert compile_mod.cache_key({"contracts/B.sol": "contract A {}"}, SOLC_SETTINGS, "0.8.28+x") != base
    assert compile_mod.cache_key(sources, {**SOLC_SETTINGS, "evmVersion": "paris"}, "0.8.28+x") != base
    assert compile_mod.cache_key(sources, SOLC_SETTINGS, "0.8.28+y") != base
    assert compile_mod.cache_key(dict(sources), dict(SOLC_SETTINGS), "0.8.28+x") == base


def test_syntax_error_names_the_file(project: Path, project_settings: LedgerSettings) -> None:
    (project / "contracts" / "Broken.sol").write_text(
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.28;\ncontract Broken { uint x = }\n"
    )
    with pytest.raises(CompilationError) as info:
        compile_contracts(project_settings, project_root=project)
    assert "contracts/Broken.sol" in str(info.value)
    assert info.value.errors and info.value.errors[0]["type"] == "ParserError"
    assert isinstance(info.value, NonRetryableError)


def test_unresolved_import_names_the_file(project: Path, project_settings: LedgerSettings) -> None:
    (project / "contracts" / "Orphan.sol").write_text(
        'pragma solidity 0.8.28;\nimport "./missing/Nothing.sol";\ncontract Orphan {}\n'
    )
    with pytest.raises(CompilationError, match=r"contracts/Orphan\.sol.*missing/Nothing\.sol"):
        compile_contracts(project_settings, project_root=project)


def test_build_contents_and_lookup(project: Path, project_settings: LedgerSettings) -> None:
    build = compile_contracts(project_settings, project_root=project)
    token = build.contract("FixtureToken")
    assert token.source == FIXTURE
    assert token is build.contract(f"{FIXTURE}:FixtureToken")
    assert token.bytecode.startswith("0x6080") and token.deployed_bytecode.startswith("0x6080")
    assert "__$" in token.bytecode  # FixtureMath must be linked
    assert token.link_references
    assert token.compiler_version.startswith("0.8.28+commit.")
    assert json.loads(token.metadata)["settings"]["evmVersion"] == "cancun"
    assert any(item["label"] == "_balances" for item in token.storage_layout["storage"])
    assert token.method_identifiers["mint(address,uint256)"] == "40c10f19"
    assert 0 < token.deployed_size < compile_mod.MAX_DEPLOYED_CODE_SIZE
    # library contracts are part of the build, under hardhat's source names
    assert build.contract("@openzeppelin/contracts/token/ERC20/ERC20.sol:ERC20").bytecode == "0x"
    assert not any(name.startswith("node_modules/") for name in build.names())
    # the commented-out and in-string "imports" were not followed
    assert not any("Missing" in n or "NotAnImport" in n or "DoesNotExist" in n for n in build.names())
    with pytest.raises(KeyError):
        build.contract("NoSuchContract")
    # cached artifacts mirror hardhat's layout
    assert (build.directory / "artifacts" / FIXTURE / "FixtureToken.json").is_file()


def test_large_contract_warning(
    project: Path, project_settings: LedgerSettings, caplog: pytest.LogCaptureFixture
) -> None:
    # ~25 KB of runtime code: a long, incompressible constant string, alone in the project (nothing else to
    # compile with it).
    shutil.rmtree(project / "contracts" / "fixture")
    blob = "".join(random.Random(1).choices(string.ascii_letters, k=25_000))
    (project / "contracts" / "Huge.sol").write_text(
        "pragma solidity 0.8.28;\ncontract Huge {\n"
        f'  function blob() external pure returns (string memory) {{ return "{blob}"; }}\n}}\n'
    )
    with caplog.at_level("WARNING", logger="ledger.toolchain.compile"):
        build = compile_contracts(project_settings, project_root=project)
    assert build.contract("Huge").deployed_size > compile_mod.MAX_DEPLOYED_CODE_SIZE
    assert any("Huge" in r.getMessage() and "EIP-170" in r.getMessage() for r in caplog.records)


def test_other_solc_binary_same_bytecode(project: Path, project_settings: LedgerSettings, tmp_path: Path) -> None:
    """settings.solc_binary: any solc-compatible executable (here a shim around bin/solc
    standing in for a native solc) is identified by `--version` and gives the same code."""
    shim = tmp_path / "solc-native"
    shim.write_text(f'#!/bin/sh\nexec "{BUNDLED_SOLC}" "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    default = compile_contracts(project_settings, project_root=project)
    other = compile_contracts(project_settings.model_copy(update={"solc_binary": shim}), project_root=project)
    assert other.key != default.key  # compiler identity is part of the key
    for fqn in default.names():
        assert other.contracts[fqn].bytecode == default.contracts[fqn].bytecode
        assert other.contracts[fqn].deployed_bytecode == default.contracts[fqn].deployed_bytecode


def test_wrong_solc_version_rejected(project: Path, project_settings: LedgerSettings, tmp_path: Path) -> None:
    fake = tmp_path / "solc-0.8.20"
    fake.write_text(
        "#!/bin/sh\necho 'solc, the solidity compiler commandline interface'\n"
        "echo 'Version: 0.8.20+commit.a1b79de6.Linux.g++'\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(CompilationError, match="not the pinned version"):
        compile_contracts(project_settings.model_copy(update={"solc_binary": fake}), project_root=project)


# ----------------------------------------------------------------------------- bin/solc


def test_bin_solc_version_parsed_by_solcx() -> None:
    out = subprocess.run([str(BUNDLED_SOLC), "--version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("solc, the solidity compiler commandline interface\nVersion: 0.8.28+commit.")
    assert str(solcx.wrapper.get_solc_version(BUNDLED_SOLC)) == "0.8.28"
    assert str(solcx.wrapper.get_solc_version(BUNDLED_SOLC, with_commit_hash=True)).startswith("0.8.28+commit.")


def test_bin_solc_standard_json_stdout_is_pure_json_and_reads_imports(tmp_path: Path) -> None:
    """From an unrelated cwd: `urls` sources and remapped npm imports come from disk."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "A.sol").write_text(
        'pragma solidity 0.8.28;\nimport {Ownable} from "oz/access/Ownable.sol";\n'
        "contract A is Ownable { constructor() Ownable(msg.sender) {} }\n"
    )
    std_input = {
        "language": "Solidity",
        "sources": {"src/A.sol": {"urls": ["src/A.sol"]}},
        "settings": {
            "remappings": ["oz/=node_modules/@openzeppelin/contracts/"],
            "outputSelection": {"*": {"*": ["evm.bytecode.object"]}},
        },
    }
    proc = subprocess.run(
        [str(BUNDLED_SOLC), "--standard-json", "--base-path", str(tmp_path), "--allow-paths", str(tmp_path)],
        input=json.dumps(std_input),
        capture_output=True,
        text=True,
        cwd="/",
        check=True,
    )
    output = json.loads(proc.stdout)  # nothing but JSON on stdout
    assert not [e for e in output.get("errors", []) if e["severity"] == "error"], output["errors"]
    assert output["contracts"]["src/A.sol"]["A"]["evm"]["bytecode"]["object"]
    assert "node_modules/@openzeppelin/contracts/access/Ownable.sol" in output["sources"]


def test_bin_solc_unknown_option_maps_to_solcx_error() -> None:
    with pytest.raises(solcx.exceptions.UnknownOption):
        solcx.wrapper.solc_wrapper(solc_binary=BUNDLED_SOLC, frobnicate=True)


def test_bin_solc_located_from_own_path(tmp_path: Path) -> None:
    link = tmp_path / "solc"
    os.symlink(BUNDLED_SOLC, link)
    out = subprocess.run([str(link), "--version"], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert "0.8.28" in out.stdout
    assert PROJECT_ROOT / "bin" / "solc" == BUNDLED_SOLC


def test_storage_layouts_are_analysed_once_and_again_after_a_source_changes_or_the_cache_is_damaged(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = LedgerSettings(data_dir=tmp_path / "data", build_dir=tmp_path / "analysis-build")
    first = compile_mod.storage_layouts(settings, project_root=project)
    cached = list((settings.build_dir / "analysis").glob("*.json"))
    assert len(cached) == 1

    with monkeypatch.context() as m:
        _forbid_compiler(m)
        assert compile_mod.storage_layouts(settings, project_root=project) == first

    cached[0].write_text('{"contracts": ')  # cut short: analysed again, and the cache file replaced
    runs: list[int] = []
    real = compile_mod._run_solc

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(compile_mod, "_run_solc", counted)
    assert compile_mod.storage_layouts(settings, project_root=project) == first
    assert runs == [1]
    json.loads(cached[0].read_text())

    source = next((project / "contracts").rglob("*.sol"))
    source.write_text(source.read_text() + "\n// changed\n")
    compile_mod.storage_layouts(settings, project_root=project)
    assert runs == [1, 1]
    assert len(list((settings.build_dir / "analysis").glob("*.json"))) == 2
