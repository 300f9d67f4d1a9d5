"""Gas is enforced, not only printed: every operation that ``scripts/bench/gas.py`` measures stays within its
budget and equals the committed snapshot, ``scripts/bench/gas-snapshot.json``.

Any difference from the snapshot fails, a saving as much as a growth (as Foundry's ``forge snapshot --check``
does): the snapshot is updated in the change that moves the gas, so that its review shows what became cheaper or
dearer. The measurement is the bench's own (imported, not copied): a fresh anvil with a fixed clock and fixed
keys, so that two runs give the same numbers to the unit. One run, about 20-40 s; one test, so that pytest-xdist
does not run the bench once per worker.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _gas() -> ModuleType:
    bench = str(ROOT / "scripts" / "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)  # gas.py imports its sibling _common
    return importlib.import_module("gas")


def test_every_operation_is_within_its_budget_and_equal_to_the_gas_snapshot() -> None:
    gas = _gas()
    report = gas.run()
    measured: dict[str, int] = gas.operations(report)
    failures = [f"over budget: {line}" for line in gas.over_budget(report)]
    differences = gas.snapshot_differences(report, gas.load_snapshot())
    failures += [f"snapshot: {line}" for line in differences]
    # The cases are the ones named: a first licence of a purpose creates a record a later one reuses, first
    # payments create balances, a batch shares the transaction's base cost, and revoking a licence does not
    # visit its sublicences.
    relations = {
        "grant_license_first_for_purpose > grant_license": (
            measured["grant_license_first_for_purpose"] > measured["grant_license"]
        ),
        "settle_trade_cold > settle_trade": measured["settle_trade_cold"] > measured["settle_trade"],
        "settle_batch_100_per_trade < settle_trade": measured["settle_batch_100_per_trade"] < measured["settle_trade"],
        "settle_batch_tx // 100 == settle_batch_100_per_trade": (
            measured["settle_batch_tx"] // 100 == measured["settle_batch_100_per_trade"]
        ),
        "revoke_license_1000_children < revoke_license_cascade * 2": (
            measured["revoke_license_1000_children"] < 2 * measured["revoke_license_cascade"]
        ),
    }
    failures += [f"not the case it names: {name}" for name, holds in relations.items() if not holds]
    hint = (
        f"Budgets are gas.py's BUDGETS. If the change of gas is intended, update the snapshot and commit it in the "
        f"same change: {gas.UPDATE_COMMAND}"
    )
    assert not failures, "\n".join([*failures, hint] if differences else failures)


def test_snapshot_check_names_every_difference_saving_included_and_missing_or_new_operations() -> None:
    gas = _gas()
    snapshot = {"register_asset": 97_000, "grant_license": 108_000, "revoke_license": 52_000}
    report = {"register_asset": 97_000, "grant_license": 107_990, "freeze": 64_000, "batch_size": 100, "notes": {}}
    assert gas.snapshot_differences(report, snapshot) == [
        "grant_license: 107,990 gas, snapshot 108,000 (-10, -0.01%)",
        "freeze: 64,000 gas, not in the snapshot",
        "revoke_license: in the snapshot (52,000 gas) but not measured",
    ]
    assert gas.snapshot_differences({**snapshot, "batch_size": 100}, snapshot) == []
    over = gas.over_budget({"register_asset": 100_001, "grant_license": 110_000})
    assert "register_asset: 100,001 gas, budget 100,000" in over
    assert not any(line.startswith("grant_license:") for line in over)  # at the budget is within it
    assert "settle_trade: budgeted but not measured" in over
