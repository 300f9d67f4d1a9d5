"""Audit bundles: an export verifies offline and against the node; every kind of tampering fails,
naming the first bad item."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ledger.audit import BundleError, export_bundle, verify_bundle
from tests.audit.conftest import Audited


@pytest.fixture(scope="module")
def bundle(audited: Audited, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bundle") / "b"
    head = audited.chain.head()
    header = audited.chain.rpc.call("eth_getBlockByNumber", [hex(head), False])
    from ledger.decode import BlockHeader

    export_bundle(audited.live, directory, audited.chain.world.contracts.deployment, audited.build,
                  BlockHeader.from_rpc(header))  # fmt: skip
    return directory


@pytest.fixture
def copy(bundle: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(bundle, target)
    return target


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _write_lines(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n" for r in rows))


def test_an_exported_bundle_verifies_offline_and_against_the_node(audited: Audited, bundle: Path) -> None:
    manifest = json.loads((bundle / "manifest.json").read_text())
    head = audited.chain.head()
    deployment = audited.chain.world.contracts.deployment
    assert manifest["block"]["number"] == head
    assert manifest["chain_id"] == deployment.chain_id and manifest["compiler_version"] == deployment.compiler_version
    assert deployment.governance is not None
    assert {n: c["code_hash"] for n, c in manifest["contracts"].items()} == {
        **{n: c.code_hash for n, c in deployment.contracts.items()},
        **{n: s.code_hash for n, s in deployment.governance.safes.items()},  # the officers' Safes: their events too
    }
    assert manifest["events"] == len(_lines(bundle / "events.jsonl")) > 300
    assert manifest["state_checksum"] == audited.live.state_checksum(head)
    assert set(manifest["files"]) >= {"events.jsonl", "blocks.jsonl", "state/assets.json", "abi/AssetRegistry.json"}

    offline = verify_bundle(bundle)
    assert offline.ok, offline.problems
    assert offline.events == manifest["events"] and offline.records == manifest["records"]
    assert offline.online.startswith("not checked")

    online = verify_bundle(bundle, rpc=audited.chain.rpc)
    assert online.ok, online.problems
    assert online.online.startswith("ok") and f"{manifest['events']} events read again" in online.online


def test_a_changed_event_argument_fails_naming_that_event(copy: Path) -> None:
    rows = _lines(copy / "events.jsonl")
    i = next(i for i, r in enumerate(rows) if r["name"] == "TradeSettled")
    args = rows[i]["args"]
    assert isinstance(args, dict)
    args["price"] = int(args["price"]) + 1
    _write_lines(copy / "events.jsonl", rows)

    check = verify_bundle(copy)
    assert not check.ok
    first = check.first_problem or ""
    assert first.startswith(f"events.jsonl line {i + 1} (block {rows[i]['block_number']}, log {rows[i]['log_index']}, "
                            "TradeSettled)")  # fmt: skip
    assert "changed" in first


def test_a_dropped_event_fails_naming_where_the_chain_breaks(copy: Path) -> None:
    rows = _lines(copy / "events.jsonl")
    i = next(i for i, r in enumerate(rows) if r["name"] == "LicenseRevoked")
    after = rows[i + 1]
    del rows[i]
    _write_lines(copy / "events.jsonl", rows)

    check = verify_bundle(copy)
    assert not check.ok
    first = check.first_problem or ""
    assert first.startswith(f"events.jsonl line {i + 1} (block {after['block_number']}, log {after['log_index']}")
    assert "removed" in first
    assert any(p.startswith("manifest.json events:") for p in check.problems)


def test_an_edited_state_row_fails_naming_the_row_and_field(copy: Path) -> None:
    path = copy / "state" / "licences.json"
    rows = json.loads(path.read_text())
    rows[2]["licensee"] = "0x000000000000000000000000000000000000dEaD"
    path.write_text(json.dumps(rows))

    check = verify_bundle(copy)
    assert not check.ok
    licence_id = rows[2]["licence_id"]
    assert check.first_problem == (
        f"state/licences.json row 3 (licence_id={licence_id}, valid_from_block={rows[2]['valid_from_block']}): "
        "licensee is "
        "'0x000000000000000000000000000000000000dEaD' in the bundle, "
        f"{verify_bundle_value(copy, licence_id)!r} from the events"
    )
    assert any(p.startswith("state/licences.json: SHA-256") for p in check.problems)


def verify_bundle_value(directory: Path, licence_id: int) -> str:
    """The licensee the events give the licence: the last grant's or transfer's."""
    licensee = ""
    for row in _lines(directory / "events.jsonl"):
        args = row["args"]
        assert isinstance(args, dict)
        if row["name"] == "LicenseGranted" and args["licenseId"] == licence_id:
            licensee = str(args["licensee"])
        if row["name"] == "LicenseTransferred" and args["licenseId"] == licence_id:
            licensee = str(args["to"])
    return licensee


def test_an_edited_manifest_block_hash_fails_naming_the_manifest_field(copy: Path, audited: Audited) -> None:
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["block"]["hash"] = "0x" + "ab" * 32
    (copy / "manifest.json").write_text(json.dumps(manifest, indent=2))

    check = verify_bundle(copy)
    assert not check.ok
    assert (check.first_problem or "").startswith(f"manifest.json block.hash: '0x{'ab' * 32}', but blocks.jsonl has")
    assert any(p.startswith("manifest.json bundle_digest") for p in check.problems)

    # Against the node, the block itself is named too.
    online = verify_bundle(copy, rpc=audited.chain.rpc)
    number = manifest["block"]["number"]
    assert (
        f"node: block {number} is {audited.live.block_hash(number)}, the bundle says 0x{'ab' * 32}" in online.problems
    )
    assert online.online == "failed"


def test_a_directory_without_a_manifest_is_not_a_bundle(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no manifest"):
        verify_bundle(tmp_path)


def test_export_refuses_a_non_empty_directory(audited: Audited, bundle: Path) -> None:
    from ledger.decode import BlockHeader

    header = BlockHeader.from_rpc(audited.chain.rpc.call("eth_getBlockByNumber", ["latest", False]))
    with pytest.raises(BundleError, match="not empty"):
        export_bundle(audited.live, bundle, audited.chain.world.contracts.deployment, audited.build, header)
