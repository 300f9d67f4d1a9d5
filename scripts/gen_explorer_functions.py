#!/usr/bin/env python3
"""Regenerate api/explorer/functions.js: the name of every state-changing function the governance may have
the access manager call (the ledger's contracts, the manager, the officers' Safes), by selector, for the explorer's
governance page (the read API serves selectors: it reads the store, not the build).

Run after changing a contract's functions: ``.venv/bin/python scripts/gen_explorer_functions.py``.
``tests/api/test_explorer_static.py`` fails when the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.explorer_functions import render  # noqa: E402
from ledger.toolchain import compile_contracts  # noqa: E402


def main() -> int:
    target = ROOT / "api" / "explorer" / "functions.js"
    target.write_text(render(compile_contracts()))
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
