"""The Python dependencies are locked: ``uv.lock`` matches ``pyproject.toml``, pins every package with
hashes, and pins uv itself (``scripts/setup`` installs uv from the lock's hashes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).with_name("uv")


def _check(directory: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "NO_COLOR": "1"}
    return subprocess.run(
        [str(UV), "lock", "--check", "--offline", "--python", sys.executable],
        cwd=directory, capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip


def test_lock_matches_pyproject() -> None:
    done = _check(ROOT)
    assert done.returncode == 0, done.stderr


def test_lock_check_fails_when_pyproject_changes_without_a_new_lock(tmp_path: Path) -> None:
    shutil.copy(ROOT / "uv.lock", tmp_path / "uv.lock")
    text = (ROOT / "pyproject.toml").read_text()
    assert '"orjson>=3.9",' in text
    changed = text.replace('"orjson>=3.9",', '"orjson>=3.9",\n    "ledger-not-locked>=1",')
    (tmp_path / "pyproject.toml").write_text(changed)
    done = _check(tmp_path)
    assert done.returncode != 0


def test_every_locked_package_has_hashes_and_uv_is_pinned() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    registry = [p for p in lock["package"] if "registry" in p.get("source", {})]
    assert registry
    for package in registry:
        files = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
        assert files, package["name"]
        assert all(f["hash"].startswith("sha256:") for f in files), package["name"]
    uv = next(p for p in registry if p["name"] == "uv")
    assert any("manylinux" in w["url"] and "x86_64" in w["url"] for w in uv["wheels"])
