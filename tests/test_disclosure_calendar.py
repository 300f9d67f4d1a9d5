"""The disclosure calendar (ledger.disclosure): periods written as users write them, and each exchange's required
periods with their due dates and what met them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledger.disclosure import DAY, Filing, PeriodStatus, Requirement, calendar_of, month_start, period, period_label

STATS, FEES = 0, 3


def test_periods_are_calendar_months_in_china_standard_time() -> None:
    assert period("2026-11") == (month_start(2026, 11), month_start(2026, 12))
    assert month_start(2026, 11) == int(datetime(2026, 10, 31, 16, tzinfo=UTC).timestamp())  # 00:00 +08:00
    assert month_start(2026, 13) == month_start(2027, 1) and month_start(2026, 0) == month_start(2025, 12)
    assert period("2026-Q4") == (month_start(2026, 10), month_start(2027, 1))
    assert period("2026-h1") == (month_start(2026, 1), month_start(2026, 7))
    assert period("2026") == (month_start(2026, 1), month_start(2027, 1))
    for label in ("2026-11", "2026-Q4", "2026-H2", "2026"):
        assert period_label(*period(label)) == label
    assert period_label(month_start(2026, 11), month_start(2027, 2)) == "2026-11..2027-01"
    assert period("2026-11..2027-01") == (month_start(2026, 11), month_start(2027, 2))
    assert period("2026-Q4..2027-H1") == (month_start(2026, 10), month_start(2027, 7))
    for bad in ("2026-13", "2026-Q5", "26-11", "2026/11", "", "2026-H3", "2027-01..2026-11", "2026-11.."):
        with pytest.raises(ValueError, match=r"period|month"):
            period(bad)


def test_required_periods_since_the_later_of_the_requirement_and_the_admission() -> None:
    """Quarterly statistics required from mid-February 2026, 30 days' grace; the exchange was admitted before.
    Q1 began before the requirement: the first required quarter is Q2."""
    req = [Requirement(STATS, 3, 30, month_start(2026, 2) + 14 * DAY)]
    q2, q3 = period("2026-Q2"), period("2026-Q3")
    filings = [
        Filing(1, STATS, *q2, q2[1] + 10 * DAY),  # in time
        Filing(2, STATS, *q3, q3[1] + 31 * DAY),  # late
        Filing(3, STATS, *q2, q2[1] + 40 * DAY),  # a correction: Q2 stays met by the first
    ]
    now = month_start(2027, 2) + 5 * DAY  # Q4's due date (2027-01-30) has passed
    cal = calendar_of(req, filings, since=month_start(2025, 6), now=now)
    assert [(p.label, p.status, p.disclosure_id) for p in cal] == [
        ("2026-Q2", PeriodStatus.ON_TIME, 1),
        ("2026-Q3", PeriodStatus.LATE, 2),
        ("2026-Q4", PeriodStatus.MISSED, None),
    ]
    assert cal[0].due_at == q2[1] + 30 * DAY
    # Just before Q4's due date, it is open rather than missed.
    early = calendar_of(req, filings, since=0, now=month_start(2027, 1) + 29 * DAY)
    assert early[-1].status == PeriodStatus.OPEN
    # An exchange admitted in August owes from Q4 on.
    assert [p.label for p in calendar_of(req, filings, since=month_start(2026, 8) + 1, now=now)] == ["2026-Q4"]


def test_a_requirement_changed_or_lifted_applies_from_then_on_and_a_wider_filing_meets_a_narrower_period() -> None:
    """A requirement covers the periods that begin while it stands: monthly fee schedules until 2 March (January to
    March), yearly ones after (the first year to begin is 2027). The quarter's schedule filed in January meets
    January only: a disclosure meets the periods it covers that had begun when it was filed, and a monthly duty is
    not discharged for the months ahead. February's, filed on 3 March, is in time (due on the 11th)."""
    reqs = [
        Requirement(FEES, 1, 10, month_start(2026, 1)),
        Requirement(FEES, 12, 60, month_start(2026, 3) + DAY),  # yearly from then: the next year to begin is 2027
        Requirement(STATS, 1, 5, month_start(2026, 1)),
        Requirement(STATS, 0, 0, month_start(2026, 2) + DAY),  # lifted during February, which it still covers
    ]
    filings = [
        Filing(7, FEES, *period("2026-Q1"), month_start(2026, 1) + DAY),  # a schedule for the quarter
        Filing(8, FEES, *period("2026-02"), month_start(2026, 3) + 2 * DAY),
    ]
    now = month_start(2028, 6)
    cal = calendar_of(reqs, filings, since=0, now=now)
    assert [(p.kind, p.label, p.status) for p in cal] == [
        (STATS, "2026-01", PeriodStatus.MISSED),
        (STATS, "2026-02", PeriodStatus.MISSED),
        (FEES, "2026-01", PeriodStatus.ON_TIME),
        (FEES, "2026-02", PeriodStatus.ON_TIME),  # due 11 March
        (FEES, "2026-03", PeriodStatus.MISSED),
        (FEES, "2027", PeriodStatus.MISSED),
    ]
