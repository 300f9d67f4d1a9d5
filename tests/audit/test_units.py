"""Pure pieces of the audit: the event hash chain, version-history comparison, exact JSON, ``--at``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledger.audit import GENESIS, HashChain, TargetBlockError, event_encoding, first_difference, parse_at
from ledger.audit._canonical import ChainSegment, loads_exact
from ledger.decode import LedgerEvent


def _ev(block: int, index: int, **args: object) -> LedgerEvent:
    return LedgerEvent(block, f"0x{block:064x}", "0x" + "11" * 32, index, "SettlementToken", "Transfer", dict(args))


def test_the_running_hash_of_a_block_covers_exactly_the_events_up_to_it() -> None:
    events = [_ev(1, 0, value=1), _ev(1, 1, value=2), _ev(3, 0, value=3)]
    chain = HashChain()
    chain.extend(events)
    one_by_one = HashChain()
    for e in events:
        one_by_one.add(e)
    assert chain.blocks == one_by_one.blocks and chain.head == one_by_one.head and chain.events == 3
    assert set(chain.blocks) == {1, 3}
    assert chain.at(0) == GENESIS and chain.at(2) == chain.blocks[1] and chain.at(99) == chain.head

    altered = HashChain()
    altered.extend([events[0], _ev(1, 1, value=20), events[2]])
    assert altered.blocks[1] != chain.blocks[1] and altered.blocks[3] != chain.blocks[3]
    shorter = HashChain()
    shorter.extend([events[0], events[2]])
    assert shorter.blocks[3] != chain.blocks[3]


def test_event_encoding_is_canonical_and_keeps_big_integers_exact() -> None:
    big = 2**255 + 7
    a = _ev(5, 2, value=big, note="数据")
    b = LedgerEvent(5, a.block_hash, a.tx_hash, 2, a.contract, a.name, {"note": "数据", "value": big})
    assert event_encoding(a) == event_encoding(b)
    assert str(big).encode() in event_encoding(a)
    assert loads_exact(f'{{"v":{big},"s":"x:{big}"}}') == {"v": big, "s": f"x:{big}"}
    assert loads_exact(b'{"v":12}') == {"v": 12}


def test_first_difference_is_the_first_block_where_the_visible_records_differ() -> None:
    ours = [(5, 9, ("a",)), (9, None, ("b",))]
    assert first_difference(ours, list(ours)) is None
    assert first_difference(ours, [(5, 9, ("a",)), (9, 12, ("x",)), (12, None, ("b",))]) == 9
    assert first_difference(ours, [(5, 12, ("a",)), (12, None, ("b",))]) == 9  # a change seen late
    assert first_difference(ours, [(7, 9, ("a",)), (9, None, ("b",))]) == 5  # created late
    # Same values at every block, cut differently: the first boundary only one side has.
    assert first_difference([(5, None, ("a",))], [(5, 8, ("a",)), (8, None, ("a",))]) == 8


def test_at_is_a_block_number_or_a_zoned_time() -> None:
    assert parse_at(None) is None
    assert parse_at("1234") == 1234
    assert parse_at("2026-11-28T10:00:00Z") == datetime(2026, 11, 28, 10, tzinfo=UTC)
    with pytest.raises(TargetBlockError, match="time zone"):
        parse_at("2026-11-28T10:00:00")
    with pytest.raises(TargetBlockError, match="block number or an ISO 8601 time"):
        parse_at("yesterday")


def test_segments_hashed_elsewhere_continue_the_chain_only_where_it_stands() -> None:
    events = [_ev(1, 0, a=1), _ev(1, 1, a=2), _ev(2, 0, a=3), _ev(3, 0, a=4)]
    whole = HashChain()
    whole.extend(events)
    first = ChainSegment.over(GENESIS, events[:2])
    second = ChainSegment.over(first.end, events[2:])
    pieced = HashChain()
    pieced.adopt(first.then(second))
    assert (pieced.blocks, pieced.head, pieced.events) == (whole.blocks, whole.head, whole.events)
    with pytest.raises(ValueError, match="does not continue"):
        HashChain().adopt(second)  # starts after the first segment, not at genesis
    with pytest.raises(ValueError, match="does not continue"):
        second.then(first)
