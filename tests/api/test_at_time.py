"""``?at=TIME`` names the exact block: the last indexed block at or before the time (blocks share seconds
on the demo's chain: the highest of them), on every state endpoint; a time or block before the first
indexed block answers with the state before anything was recorded; a block not indexed yet is a 404.
Time parameters take exactly what their schema says: unix seconds or an RFC 3339 date-time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.params import iso_seconds
from tests.api.conftest import Demo


def _iso(seconds: int, offset_hours: int = 0, fraction: str = "") -> str:
    zone = timezone(timedelta(hours=offset_hours))
    text = datetime.fromtimestamp(seconds, UTC).astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S")
    suffix = "Z" if offset_hours == 0 else datetime.now(zone).strftime("%z")[:3] + ":00"
    return f"{text}{fraction}{suffix}"


def _blocks(demo: Demo, backend: str) -> list[tuple[int, int]]:
    return [(b.number, b.timestamp) for b in demo.stores[backend].find_blocks()]


def _expected(blocks: list[tuple[int, int]], seconds: int) -> int | None:
    """The last indexed block at or before ``seconds``: the highest number among those not later."""
    found = [n for n, ts in blocks if ts <= seconds]
    return max(found) if found else None


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == 200, (path, params, response.text)
    return response.json()


def test_at_a_time_names_the_last_indexed_block_at_or_before_it(client: TestClient, demo: Demo, backend: str) -> None:
    blocks = _blocks(demo, backend)
    by_number = dict(blocks)
    shared = [ts for ts in {t for _, t in blocks} if sum(1 for _, t in blocks if t == ts) > 1]
    assert shared, "the demo's chain has blocks within the same second (the highest one must be chosen)"
    times = sorted({ts for _, ts in blocks} | {ts - 1 for _, ts in blocks} | {ts + 1 for _, ts in blocks})
    checked = 0
    for seconds in [*times[:: max(1, len(times) // 25)], times[-1]]:
        number = _expected(blocks, seconds)
        if number is None:
            continue
        for spelt in (_iso(seconds), _iso(seconds, 8), _iso(seconds, -5, ".999999"), str(seconds)):
            path = "assets" if not spelt.isdigit() else "licences"
            param = {"at": spelt} if not spelt.isdigit() else {"valid_at": spelt}
            body = get(client, path, **param)
            if spelt.isdigit():  # a time filter, not a point in time: the current block
                continue
            assert body["block"]["number"] == number, (seconds, spelt)
            assert body["block"]["timestamp"] == by_number[number] <= seconds
        # The same state as asking for that block by number, on a list, a detail and the aggregates.
        assert get(client, "assets", at=_iso(seconds)) == get(client, "assets", at=str(number))
        assert get(client, "trades/aggregates", at=_iso(seconds)) == get(client, "trades/aggregates", at=str(number))
        checked += 1
    # Every second the chain's blocks were made in (the demo's take a few seconds), up to ten of them.
    assert checked >= min(10, len({ts for _, ts in blocks}))


def test_before_the_first_indexed_block_answers_the_state_before_anything_existed(
    client: TestClient, demo: Demo, backend: str
) -> None:
    blocks = _blocks(demo, backend)
    first, first_ts = blocks[0]
    parent = demo.stores[backend].find_blocks(first, first)[0].parent_hash
    for at in (_iso(first_ts - 1), "1970-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "0000-03-01T00:00:00Z",
               str(max(0, first - 1))):  # fmt: skip
        body = get(client, "assets", at=at)
        assert body["block"] == {"number": first - 1, "hash": parent, "timestamp": None}, at
        assert body["data"] == [] and body["next_cursor"] is None
        for path in ("participants", "licences", "trades", "orders", "revenue", "trades/aggregates"):
            assert get(client, path, at=at)["data"] == [], (path, at)
        assert client.get("/api/v1/assets/1", params={"at": at}).status_code == 404
    # At the first block itself the ledger has begun.
    assert get(client, "participants", at=_iso(first_ts))["data"]


def test_a_block_not_indexed_yet_is_a_404_and_bad_times_a_422(client: TestClient, demo: Demo) -> None:
    response = client.get("/api/v1/assets", params={"at": str(demo.head + 1)})
    assert response.status_code == 404 and "not indexed yet" in response.json()["detail"]
    for bad in ("yesterday", "2026-11-28", "2026-11-28T10:00:00", "2026-11-28T10:00Z", "2026-02-30T00:00:00Z",
                "2026-11-28T12:99:00Z", "2026-11-28 10:00:00Z", "20261128T100000Z", "-1"):  # fmt: skip
        response = client.get("/api/v1/assets", params={"at": bad})
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"] == ["query", "at"]
        assert client.get("/api/v1/trades", params={"from": bad}).status_code == 422, bad


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1970-01-01T00:00:00Z", 0),
        ("1970-01-01T08:00:00+08:00", 0),
        ("1969-12-31T19:00:00.5-05:00", 0),
        ("2026-11-28T10:00:00z", 1795860000),
        ("2026-11-28t10:00:00.123456Z", 1795860000),
        ("2016-12-31T23:59:60Z", 1483228800),  # a leap second: the next minute's first second
        ("2024-02-29T00:00:00Z", 1709164800),
        ("0000-01-01T00:00:00Z", -62167219200),
        ("9999-12-31T23:59:59Z", 253402300799),
    ],
)
def test_rfc3339_date_times_are_read_exactly(text: str, seconds: int) -> None:
    assert iso_seconds(text, "at", "a time") == seconds
