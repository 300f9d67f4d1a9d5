"""Information disclosure (art. 25): the authority sets how often exchanges disclose each kind; exchanges file
disclosures covering whole calendar months (China Standard Time). Each refusal names its rule and changes
nothing."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

import ledger.contracts.errors as E
from ledger.contracts.types import DisclosureKind
from ledger.disclosure import CST, month_start, period
from tests.contracts.conftest import World, h


def _this_month(w: World) -> tuple[int, int]:
    d = datetime.fromtimestamp(w.chain_time(), CST)
    return d.year, d.month


def _month(w: World, offset: int) -> tuple[int, int]:
    """The bounds of the month ``offset`` months from the chain's current one (China Standard Time)."""
    y, m = _this_month(w)
    return month_start(y, m + offset), month_start(y, m + offset + 1)


def test_the_authority_sets_how_often_exchanges_disclose_each_kind(world: World) -> None:
    w = world
    result = w.authority.set_disclosure_requirement(DisclosureKind.TRADE_STATISTICS, 3, 30)
    set_at = w.chain_time()
    assert result.event("DisclosureRequirementSet") == {
        "kind": DisclosureKind.TRADE_STATISTICS, "months": 3, "graceDays": 30, "since": set_at,
        "by": w.authority.address,
    }  # fmt: skip
    assert w.exchange.disclosure_requirement(DisclosureKind.TRADE_STATISTICS) == {
        "months": 3, "graceDays": 30, "since": set_at,
    }  # fmt: skip
    for months, grace in ((2, 30), (24, 30), (1, 0), (12, 367), (0, 15)):
        with pytest.raises(E.DisclosureInvalidRequirement) as exc:
            w.authority.set_disclosure_requirement(DisclosureKind.FEE_SCHEDULE, months, grace)
        assert (exc.value.months, exc.value.graceDays) == (months, grace)
    with pytest.raises(E.ParticipantUnauthorized):  # an exchange does not set its own duties
        w.exchange.set_disclosure_requirement(DisclosureKind.TRADE_STATISTICS, 12, 366)
    assert w.exchange.disclosure_requirement(DisclosureKind.TRADE_STATISTICS)["months"] == 3
    assert w.exchange.disclosure_requirement(DisclosureKind.FEE_SCHEDULE) == {"months": 0, "graceDays": 0, "since": 0}
    w.authority.set_disclosure_requirement(DisclosureKind.TRADE_STATISTICS, 0, 0)  # lifted
    assert w.exchange.disclosure_requirement(DisclosureKind.TRADE_STATISTICS)["months"] == 0


def test_an_exchange_files_a_disclosure_of_whole_months_and_may_correct_it(world: World) -> None:
    w = world
    start, end = _month(w, -1)
    first = w.exchange.file_disclosure(DisclosureKind.TRADE_STATISTICS, start, end, h("October statistics"))
    assert first == 1
    correction = w.exchange.execute(w.exchange.prepare(
        "Disclosure", "fileDisclosure", int(DisclosureKind.TRADE_STATISTICS), start, end, h("corrected statistics"),
    ))  # fmt: skip
    assert correction.event("DisclosureFiled") == {
        "disclosureId": 2, "exchange": w.exchange.address, "kind": DisclosureKind.TRADE_STATISTICS,
        "periodStart": start, "periodEnd": end, "documentHash": h("corrected statistics"),
    }  # fmt: skip
    quarter_start, _ = _month(w, -3)
    w.exchange.file_disclosure(DisclosureKind.INCIDENT, quarter_start, end, h("outage report"))
    assert w.exchange.disclosure_count() == 3


def test_only_exchanges_disclose(world: World) -> None:
    w = world
    start, end = _month(w, -1)
    for other in (w.holder, w.provider, w.supervisor, w.registrar):
        with pytest.raises(E.ParticipantUnauthorized):
            other.file_disclosure(DisclosureKind.TRADE_STATISTICS, start, end, h("statistics"))
    with pytest.raises(E.ParticipantUnknown):
        w.outsider.file_disclosure(DisclosureKind.TRADE_STATISTICS, start, end, h("statistics"))
    assert w.exchange.disclosure_count() == 0


def test_periods_are_whole_months_already_begun_and_statistics_only_of_ended_ones(world: World) -> None:
    w = world
    last_start, last_end = _month(w, -1)
    this_start, this_end = _month(w, 0)
    year_ago, _ = _month(w, -13)
    refused = [
        (DisclosureKind.TRADE_STATISTICS, last_start + 1, last_end),  # not a month's first second
        (DisclosureKind.TRADE_STATISTICS, last_start, last_end - 1),
        (DisclosureKind.TRADE_STATISTICS, last_start + 8 * 3600, last_end + 8 * 3600),  # UTC months, not CST
        (DisclosureKind.TRADE_STATISTICS, last_start, last_start),  # empty
        (DisclosureKind.TRADE_STATISTICS, last_end, last_start),
        (DisclosureKind.INCIDENT, year_ago, last_end),  # thirteen months
        (DisclosureKind.TRADE_STATISTICS, this_start, this_end),  # the month in course has not ended
        (DisclosureKind.FEE_SCHEDULE, this_end, _month(w, 1)[1]),  # next month has not begun
    ]
    for kind, start, end in refused:
        with pytest.raises(E.DisclosureInvalidPeriod) as exc:
            w.exchange.file_disclosure(kind, start, end, h("disclosure"))
        assert (exc.value.periodStart, exc.value.periodEnd) == (start, end)
    with pytest.raises(E.DisclosureZeroHash):
        w.exchange.file_disclosure(DisclosureKind.TRADE_STATISTICS, last_start, last_end, b"\0" * 32)
    assert w.exchange.disclosure_count() == 0
    # A fee schedule or rule change may cover the months in course: it announces what applies in them.
    w.exchange.file_disclosure(DisclosureKind.FEE_SCHEDULE, this_start, this_end, h("fees"))
    w.exchange.file_disclosure(DisclosureKind.RULE_CHANGE, last_start, this_end, h("rules"))
    assert w.exchange.disclosure_count() == 2


def test_the_contracts_calendar_is_the_one_the_ledger_computes(world: World) -> None:
    """The contract's month arithmetic (civil dates from a day count) against Python's calendar: the first second
    of months, quarters, halves and years from 1970 to last year (in China Standard Time) is accepted; a second either
    side is not."""
    w = world
    rng = random.Random(25)
    year, _ = _this_month(w)
    labels = ["1970-02", "1999-12", "2000-02", "2000-03", "2024-02", "2024-03"]  # 1970-01 began before the epoch
    labels += [f"{rng.randint(1971, year - 1)}-{rng.randint(1, 12):02d}" for _ in range(6)]
    labels += [f"{rng.randint(1971, year - 1)}-Q{rng.randint(1, 4)}", f"{rng.randint(1971, year - 1)}-H2", "1988"]
    for label in labels:
        start, end = period(label)
        w.exchange.file_disclosure(DisclosureKind.INCIDENT, start, end, h(label))
        for bad in ((start - 1, end), (start, end + 1)):
            with pytest.raises(E.DisclosureInvalidPeriod):
                w.exchange.file_disclosure(DisclosureKind.INCIDENT, *bad, h(label))
    assert w.exchange.disclosure_count() == len(labels)
