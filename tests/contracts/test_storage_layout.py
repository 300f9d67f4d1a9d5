"""Storage layouts stay compatible with the last release's (contracts/layouts/), so the contracts can upgrade in
place: the comparer's rules on hand-made layouts, today's contracts against the baseline, a real incompatible edit
compiled and caught, and the EIP-170 headroom each deployed contract keeps for its upgrades."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ledger.contracts.layout import (
    Finding,
    StorageItem,
    StorageType,
    compare_layouts,
    incompatibilities,
    layout_from_json,
    layout_to_json,
    normalise,
)
from ledger.contracts.system import DEPLOYED_CONTRACTS, MODULES, SYSTEM_CONTRACTS
from ledger.contracts.upgrade import DEFAULT_BASELINE, code_change, current_layouts, load_baseline, plan_upgrade
from ledger.settings import PROJECT_ROOT
from ledger.toolchain import MAX_DEPLOYED_CODE_SIZE, Build, StorageLayouts, storage_layouts

#: Room each deployed contract keeps under EIP-170's limit, for the code its upgrades add (issue 12, section 3).
HEADROOM = 3 * 1024

U256 = StorageType("value", "uint256", 32)
U64 = StorageType("value", "uint64", 8)
U128 = StorageType("value", "uint128", 16)
ADDR = StorageType("value", "address", 20)


def var(label: str, slot: int, kind: StorageType, offset: int = 0) -> StorageItem:
    return StorageItem(label, slot, offset, kind)


def struct(name: str, *members: StorageItem) -> StorageType:
    end = max((m.end for m in members), default=0)
    return StorageType("struct", f"struct {name}", -(-end // 32) * 32, members=members)


def mapping(key: StorageType, value: StorageType) -> StorageType:
    return StorageType("mapping", f"mapping({key.label} => {value.label})", 32, key=key, value=value)


def enum(name: str, *members: str) -> StorageType:
    return StorageType("enum", f"enum {name}", 1, enum_members=members)


def array(base: StorageType, length: int) -> StorageType:
    return StorageType("array", f"{base.label}[{length}]", length * 32, base=base, length=length)


def errors(old: list[StorageItem], new: list[StorageItem], **kwargs: dict[str, str]) -> list[Finding]:
    return incompatibilities(compare_layouts(old, new, **kwargs))


def codes(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.code, f.location) for f in findings}


# --------------------------------------------------------------------------- the rules, on hand-made layouts

RECORD = struct("Record", var("owner", 0, ADDR), var("amount", 1, U256))
OLD = [var("_count", 0, U256), var("_records", 1, mapping(U256, RECORD)), var("_owner", 2, ADDR)]


def test_identical_layouts_have_no_findings() -> None:
    assert compare_layouts(OLD, list(OLD)) == []


def test_variable_appended_after_the_last_is_compatible() -> None:
    findings = compare_layouts(OLD, [*OLD, var("_new", 2, U64, offset=20)])
    assert not incompatibilities(findings)
    assert codes(findings) == {("appended", "_new")}


def test_variable_inserted_before_others_is_an_error_naming_the_moved_ones() -> None:
    new = [var("_inserted", 0, U256), var("_count", 1, U256), var("_records", 2, mapping(U256, RECORD)),
           var("_owner", 3, ADDR)]  # fmt: skip
    found = errors(OLD, new)
    assert codes(found) == {("inserted", "_inserted"), ("moved", "_count"), ("moved", "_records"),
                            ("moved", "_owner")}  # fmt: skip
    assert "storage the previous release used for `_count`" in next(f.message for f in found if f.code == "inserted")


def test_type_change_is_an_error_even_of_the_same_size() -> None:
    new = [var("_count", 0, StorageType("value", "int256", 32)), *OLD[1:]]
    assert codes(errors(OLD, new)) == {("type-changed", "_count")}


def test_address_and_contract_types_are_interchangeable() -> None:
    new = [*OLD[:2], var("_owner", 2, StorageType("value", "contract IOwner", 20))]
    assert compare_layouts(OLD, new) == []


def test_struct_member_appended_in_a_mapping_value_is_compatible() -> None:
    grown = struct("Record", var("owner", 0, ADDR), var("amount", 1, U256), var("note", 2, U256))
    findings = compare_layouts(OLD, [OLD[0], var("_records", 1, mapping(U256, grown)), OLD[2]])
    assert not incompatibilities(findings)
    assert codes(findings) == {("appended", "_records[*].note")}


def test_struct_member_inserted_is_an_error() -> None:
    shifted = struct("Record", var("owner", 0, ADDR), var("note", 1, U256), var("amount", 2, U256))
    found = errors(OLD, [OLD[0], var("_records", 1, mapping(U256, shifted)), OLD[2]])
    assert codes(found) == {("moved", "_records[*].amount"), ("inserted", "_records[*].note")}


def test_inline_struct_growing_into_the_next_variable_is_an_error() -> None:
    old = [var("_counters", 0, struct("Counters", var("a", 0, U256))), var("_next", 1, U256)]
    new = [var("_counters", 0, struct("Counters", var("a", 0, U256), var("b", 1, U256))), var("_next", 2, U256)]
    found = errors(old, new)
    assert ("struct-grown", "_counters") in codes(found)
    assert ("moved", "_next") in codes(found)
    assert "into `_next` (slot 1)" in next(f.message for f in found if f.code == "struct-grown")


def test_inline_struct_may_grow_within_its_slots_or_when_last() -> None:
    old = [var("_counters", 0, struct("Counters", var("a", 0, U64))), var("_next", 1, U256)]
    within = [var("_counters", 0, struct("Counters", var("a", 0, U64), var("b", 0, U64, offset=8))),
              var("_next", 1, U256)]  # fmt: skip
    assert not errors(old, within)
    last = [old[1], var("_tail", 2, struct("Tail", var("a", 0, U256)))]
    assert not errors(last, [old[1], var("_tail", 2, struct("Tail", var("a", 0, U256), var("b", 1, U256)))])


def test_struct_in_an_array_may_not_grow_past_its_slots() -> None:
    item = struct("Item", var("a", 0, U256))
    old = [var("_items", 0, StorageType("array", "struct Item[]", 32, base=item))]
    grown = struct("Item", var("a", 0, U256), var("b", 1, U256))
    found = errors(old, [var("_items", 0, StorageType("array", "struct Item[]", 32, base=grown))])
    assert codes(found) == {("struct-grown", "_items[*]")}


def test_enum_member_appended_is_compatible_reordered_is_an_error() -> None:
    old = [var("_status", 0, enum("Status", "Active", "Suspended"))]
    appended = compare_layouts(old, [var("_status", 0, enum("Status", "Active", "Suspended", "Revoked"))])
    assert not incompatibilities(appended)
    assert codes(appended) == {("enum-appended", "_status")}
    reordered = errors(old, [var("_status", 0, enum("Status", "Suspended", "Active"))])
    assert codes(reordered) == {("enum-changed", "_status")}
    assert "member Active (value 0) was moved, value 0 is now Suspended" in reordered[0].message


def test_enum_reordered_inside_a_mapping_key_is_an_error() -> None:
    old = [var("_byStatus", 0, mapping(enum("Status", "A", "B"), U256))]
    assert codes(errors(old, [var("_byStatus", 0, mapping(enum("Status", "B", "A"), U256))])) == {
        ("enum-changed", "_byStatus[key]")
    }


def test_mapping_key_type_change_is_an_error() -> None:
    new = [OLD[0], var("_records", 1, mapping(U64, RECORD)), OLD[2]]
    assert codes(errors(OLD, new)) == {("key-changed", "_records")}


def test_removed_variable_is_an_error() -> None:
    assert codes(errors(OLD, OLD[:2])) == {("removed", "_owner")}
    assert codes(errors(OLD, [OLD[0], OLD[2]])) == {("removed", "_records")}


def test_removed_variable_with_a_placeholder_or_a_gap_in_its_place_is_a_warning() -> None:
    placeholder = compare_layouts(OLD, [OLD[0], var("__deprecated_records", 1, OLD[1].type), OLD[2]])
    assert [(f.severity, f.code) for f in placeholder] == [("warning", "renamed")]
    gap = compare_layouts(OLD, [OLD[0], var("__gap", 1, array(U256, 1)), OLD[2]])
    assert [(f.severity, f.code) for f in gap] == [("warning", "removed-with-gap")]


def test_rename_needs_an_explicit_allowance() -> None:
    renamed = [var("_total", 0, U256), *OLD[1:]]
    assert codes(errors(OLD, renamed)) == {("renamed", "_count")}
    allowed = compare_layouts(OLD, renamed, allow_renames={"_count": "_total"})
    assert [(f.severity, f.code) for f in allowed] == [("warning", "renamed")]


def test_new_variables_may_take_a_gaps_space_as_it_shrinks() -> None:
    old = [var("_a", 0, U256), var("__gap", 1, array(U256, 3)), var("_b", 4, U256)]
    new = [var("_a", 0, U256), var("_c", 1, U256), var("__gap", 2, array(U256, 2)), var("_b", 4, U256)]
    findings = compare_layouts(old, new)
    assert not incompatibilities(findings)
    assert codes(findings) == {("appended", "_c")}


def test_normalise_resolves_solc_type_ids_without_ast_ids() -> None:
    raw = {
        "storage": [
            {"label": "_meta", "slot": "1", "offset": 0, "type": "t_mapping(t_uint256,t_struct(Meta)12_storage)"},
            {"label": "_flag", "slot": "0", "offset": 0, "type": "t_enum(Flag)7"},
            {"label": "_ids", "slot": "2", "offset": 0, "type": "t_array(t_uint64)3_storage"},
        ],
        "types": {
            "t_uint256": {"encoding": "inplace", "label": "uint256", "numberOfBytes": "32"},
            "t_uint64": {"encoding": "inplace", "label": "uint64", "numberOfBytes": "8"},
            "t_string_storage": {"encoding": "bytes", "label": "string", "numberOfBytes": "32"},
            "t_enum(Flag)7": {"encoding": "inplace", "label": "enum C.Flag", "numberOfBytes": "1"},
            "t_array(t_uint64)3_storage": {"base": "t_uint64", "encoding": "inplace", "label": "uint64[3]",
                                           "numberOfBytes": "32"},
            "t_mapping(t_uint256,t_struct(Meta)12_storage)": {
                "encoding": "mapping", "key": "t_uint256", "label": "mapping(uint256 => struct C.Meta)",
                "numberOfBytes": "32", "value": "t_struct(Meta)12_storage",
            },
            "t_struct(Meta)12_storage": {
                "encoding": "inplace", "label": "struct C.Meta", "numberOfBytes": "64",
                "members": [
                    {"astId": 9, "contract": "c:C", "label": "name", "offset": 0, "slot": "0",
                     "type": "t_string_storage"},
                    {"astId": 10, "contract": "c:C", "label": "size", "offset": 0, "slot": "1", "type": "t_uint64"},
                ],
            },
        },
    }  # fmt: skip
    flag, meta, ids = normalise(raw, {7: ["Off", "On"]})
    assert flag == var("_flag", 0, StorageType("enum", "enum C.Flag", 1, enum_members=("Off", "On")))
    assert meta.type.value == StorageType("struct", "struct C.Meta", 64, members=(
        var("name", 0, StorageType("bytes", "string", 32)), var("size", 1, U64)))  # fmt: skip
    assert meta.type.key == U256
    assert ids.type == StorageType("array", "uint64[3]", 32, base=U64, length=3)
    assert layout_from_json(layout_to_json([flag, meta, ids])) == (flag, meta, ids)


def test_code_change_tells_a_metadata_only_change_from_a_code_change(build: Build) -> None:
    code = build.contract("Supervision").deployed_bytecode
    assert code_change(code, code) == "unchanged"
    ipfs_byte = len(code) - 20  # inside the metadata's IPFS hash, before the CBOR length's two bytes
    other_meta = code[:ipfs_byte] + ("0" if code[ipfs_byte] != "0" else "1") + code[ipfs_byte + 1 :]
    assert code_change(code, other_meta) == "metadata-only"
    assert code_change(code, code[:4] + ("0" if code[4] != "0" else "1") + code[5:]) == "changed"


# --------------------------------------------------------------------------- today's contracts


@pytest.fixture(scope="module")
def layouts() -> StorageLayouts:
    return storage_layouts()


def test_every_contract_is_layout_compatible_with_the_release_baseline(layouts: StorageLayouts) -> None:
    baseline = load_baseline(DEFAULT_BASELINE)
    current = current_layouts(layouts)
    assert set(baseline.contracts) <= set(current), "a contract of the release is gone"
    problems = {
        name: [f.message for f in incompatibilities(compare_layouts(old, current[name]))]
        for name, old in baseline.contracts.items()
    }
    assert {name: found for name, found in problems.items() if found} == {}


#: Contracts added since the release the baseline records (issue 14's articles): nothing of theirs to keep yet.
SINCE_THE_RELEASE = frozenset({"Valuation", "Disclosure", "DataQuality", "Listings", "OpeningList"})


def test_the_baseline_covers_every_stateful_contract_of_its_release_and_later_ones_are_new(
    build: Build, layouts: StorageLayouts
) -> None:
    baseline = load_baseline(DEFAULT_BASELINE)
    assert set(baseline.contracts) == set(SYSTEM_CONTRACTS) - SINCE_THE_RELEASE
    plan = {c.name: c for c in plan_upgrade(build, layouts, baseline).contracts}
    for name in SINCE_THE_RELEASE:
        assert [(f.severity, f.code) for f in plan[name].findings] == [("info", "new-contract")]
        assert plan[name].compatible


def test_asset_registry_and_its_module_share_one_layout(layouts: StorageLayouts) -> None:
    current = current_layouts(layouts)
    for contract, module in MODULES.items():
        assert current[module] == current[contract]
        assert current[contract], f"{contract} has no storage?"


def test_the_build_records_the_same_layouts(layouts: StorageLayouts, build: Build) -> None:
    for name in SYSTEM_CONTRACTS:
        assert normalise(build.contract(name).storage_layout, layouts.enum_members) == normalise(
            layouts.layout(name), layouts.enum_members
        ), name


def _project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "contracts", root / "contracts", ignore=shutil.ignore_patterns("layouts"))
    return root


def _edit(path: Path, anchor: str, replacement: str) -> None:
    text = path.read_text()
    assert text.count(anchor) == 1, f"{path.name}: {anchor!r} not found once"
    path.write_text(text.replace(anchor, replacement))


def test_a_variable_inserted_before_counters_is_caught_and_one_appended_is_not(tmp_path: Path) -> None:
    root = _project_copy(tmp_path)
    _edit(root / "contracts" / "AssetRegistryBase.sol", "    Counters internal _counters;",
          "    uint256 internal _inserted;\n    Counters internal _counters;")  # fmt: skip
    _edit(root / "contracts" / "Supervision.sol", "    mapping(address participant => Credit) private _credit;",
          "    mapping(address participant => Credit) private _credit;\n    uint256 private _appended;")  # fmt: skip
    current = current_layouts(storage_layouts(project_root=root))
    baseline = load_baseline(DEFAULT_BASELINE)
    for name in ("AssetRegistry", "AssetRegistryModule"):
        found = codes(incompatibilities(compare_layouts(baseline.contracts[name], current[name])))
        assert ("inserted", "_inserted") in found
        assert ("moved", "_counters") in found
        assert ("moved", "_territories") in found
    supervision = compare_layouts(baseline.contracts["Supervision"], current["Supervision"])
    assert codes(supervision) == {("appended", "_appended")}


# --------------------------------------------------------------------------- code size


def test_every_deployed_contract_keeps_3_kb_under_the_size_limit(build: Build) -> None:
    sizes = {name: build.contract(name).deployed_size for name in DEPLOYED_CONTRACTS}
    tight = {name: size for name, size in sizes.items() if size > MAX_DEPLOYED_CODE_SIZE - HEADROOM}
    assert tight == {}, (
        f"at EVM target {build.evm_version}, these leave less than {HEADROOM:,} bytes under the "
        f"{MAX_DEPLOYED_CODE_SIZE:,}-byte limit (EIP-170): split them"
    )
