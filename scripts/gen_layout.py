#!/usr/bin/env python3
"""Record a release's storage layouts: contracts/layouts/<release>.json (see ledger/contracts/upgrade.py).

Run once per release, from the sources that release deploys: ``.venv/bin/python scripts/gen_layout.py --release v2``.
A baseline is the record upgrades are checked against (tests/contracts/test_storage_layout.py,
``ledger upgrade plan``), so an existing one is not overwritten without ``--force``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ledger.contracts.upgrade import BASELINE_DIR, make_baseline, write_baseline  # noqa: E402
from ledger.toolchain import SOLC_VERSION, storage_layouts  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", required=True, help="Release name, e.g. v1 (the file's name).")
    parser.add_argument("--force", action="store_true", help="Overwrite an existing baseline of that release.")
    args = parser.parse_args()
    target = BASELINE_DIR / f"{args.release}.json"
    if target.exists() and not args.force:
        print(f"{target.relative_to(ROOT)} exists: a release's baseline is not rewritten (--force)", file=sys.stderr)
        return 2
    write_baseline(make_baseline(args.release, storage_layouts(), SOLC_VERSION), target)
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
