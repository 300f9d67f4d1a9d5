"""Art. 10 through the read API, over the demo's market (the authority published next year's opening list: the
transport bureau's ridership data, registered and opened by the authorised-operation licence of it, and the urban
management bureau's case data, planned): the entries and their progress by department; the clock moved past the
urban bureau's target date makes its entry overdue, while an earlier block shows it planned in time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledger.indexer import open_indexer
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market

DAY = 86_400


@dataclass
class Scene:
    market: Market
    client: TestClient
    year: int
    before_travel: int


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with gateway_market(tmp_path_factory.mktemp("read-opening"), compile_contracts()) as m:
        [first, _] = m.client().get("/api/v1/opening-list").json()["data"]
        before = m.head()
        m.rpc.call("evm_increaseTime", [300 * DAY])
        m.rpc.call("evm_mine", [])
        open_indexer(m.settings, m.store, m.rpc, build=m.build).run()
        with TestClient(m.app()) as reader:
            yield Scene(m, reader, first["year"], before)


def get(scene: Scene, path: str, code: int = 200, **params: Any) -> Any:
    response = scene.client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == code, response.text
    return response.json()


def test_the_entries_with_their_status_evidence_and_overdue_flag(scene: Scene) -> None:
    m = scene.market
    transport, urban = get(scene, "opening-list", year=scene.year)["data"]
    assert (transport["department"], transport["status_name"], transport["evidence"], transport["overdue"]) == (
        m.address("transport"), "opened", "licence", False,
    )  # fmt: skip
    assert transport["asset_id"] and transport["opened_by"] == m.address("merchant")
    assert (urban["department"], urban["status_name"], urban["asset_id"], urban["overdue"]) == (
        m.address("urban"), "planned", None, True,
    )  # fmt: skip
    then = get(scene, f"opening-list/{urban['entry_id']}", at=str(scene.before_travel))["data"]
    assert (then["status_name"], then["overdue"]) == ("planned", False)
    assert [e["entry_id"] for e in get(scene, "opening-list", status="overdue")["data"]] == [urban["entry_id"]]
    assert [e["entry_id"] for e in get(scene, "opening-list", status="opened")["data"]] == [transport["entry_id"]]
    assert [e["entry_id"] for e in get(scene, "opening-list", department=m.address("urban"))["data"]] == [
        urban["entry_id"]]  # fmt: skip
    assert get(scene, "opening-list", year=scene.year + 1)["data"] == []
    get(scene, "opening-list/999", code=404)
    get(scene, "opening-list", code=422, year=1999)


def test_progress_by_department(scene: Scene) -> None:
    m = scene.market
    progress = get(scene, "opening-list/progress", year=scene.year)["data"]
    [published] = progress["lists"]
    assert (published["year"], published["entries"]) == (scene.year, 2)
    rows = {r["department"]: r for r in progress["departments"]}
    assert {k: rows[m.address("transport")][k] for k in ("entries", "opened", "overdue", "planned")} == {
        "entries": 1, "opened": 1, "overdue": 0, "planned": 0}  # fmt: skip
    assert {k: rows[m.address("urban")][k] for k in ("entries", "opened", "overdue", "planned")} == {
        "entries": 1, "opened": 0, "overdue": 1, "planned": 1}  # fmt: skip
    assert (progress["total"]["entries"], progress["total"]["opened"], progress["total"]["overdue"]) == (2, 1, 1)
    earlier = get(scene, "opening-list/progress", year=scene.year, at=str(scene.before_travel))["data"]
    assert earlier["total"]["overdue"] == 0
