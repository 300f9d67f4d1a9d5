#!/usr/bin/env python3
"""Regenerate ledger/contracts/errors.py: one Python exception class per contract custom error.

Run after changing a contract's errors: ``.venv/bin/python scripts/gen_errors.py``.
``tests/contracts/test_errors_module.py`` fails when the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ledger.contracts.errors_gen import render  # noqa: E402
from ledger.toolchain import compile_contracts  # noqa: E402


def main() -> int:
    target = ROOT / "ledger" / "contracts" / "errors.py"
    target.write_text(render(compile_contracts()))
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
