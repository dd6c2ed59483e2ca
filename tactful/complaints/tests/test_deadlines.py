"""Complaint periods per pack, on real calendars (the `holidays` package). No database."""

from __future__ import annotations

from datetime import date

import pytest

from tactful.complaints.deadlines import (
    SlaError,
    Standing,
    add_working_days,
    deadline,
    next_extension,
    policy_for,
    standing,
    working_calendar,
)


@pytest.mark.parametrize(
    ("pack", "received", "extensions", "due"),
    [
        # cn: 15 calendar days; a period ending on a rest day ends on the next working day.
        ("cn", date(2025, 9, 1), 0, date(2025, 9, 16)),
        ("cn", date(2025, 9, 16), 0, date(2025, 10, 9)),  # Oct 1 falls in National Day week
        ("cn", date(2026, 1, 17), 0, date(2026, 2, 2)),  # Sunday 1 Feb -> Monday
        ("cn", date(2025, 9, 13), 0, date(2025, 9, 28)),  # a Sunday make-up working day (调休)
        ("cn", date(2025, 9, 16), 1, date(2025, 10, 16)),  # extended to 30 days
        ("cn", date(2025, 9, 16), 2, date(2025, 11, 17)),  # a further 30: Sat 15 Nov -> Mon
        # uk: eight weeks.
        ("uk", date(2025, 12, 1), 0, date(2026, 1, 26)),
        # id: 10 working days, Eid al-Fitr (31 Mar, 1 Apr 2025) and Nyepi not counted; + 10.
        ("id", date(2025, 3, 24), 0, date(2025, 4, 9)),
        ("id", date(2025, 3, 24), 1, date(2025, 4, 24)),
        ("id", date(2025, 6, 2), 0, date(2025, 6, 17)),
        # in: 30 calendar days.
        ("in", date(2025, 1, 31), 0, date(2025, 3, 2)),
        # A pack without a period of its own gets the strictest: 15 calendar days.
        ("ke", date(2025, 1, 1), 0, date(2025, 1, 16)),
    ],
)
def test_the_deadline_of_each_pack(pack, received, extensions, due):
    assert deadline(policy_for(pack), received, extensions) == due


def test_chinese_holidays_and_make_up_days_follow_the_official_calendar():
    is_working = working_calendar("CN")
    assert not is_working(date(2025, 10, 1))
    assert not is_working(date(2025, 1, 29))  # Spring Festival
    assert is_working(date(2025, 1, 26))  # Sunday, a make-up working day
    assert not is_working(date(2025, 1, 25))  # an ordinary Saturday


def test_working_days_skip_weekends_and_holidays():
    assert add_working_days(date(2025, 3, 24), 10, lambda day: day.weekday() < 5) == date(
        2025, 4, 7
    )


def test_an_extension_the_pack_does_not_have_is_refused():
    with pytest.raises(SlaError):
        deadline(policy_for("uk"), date(2025, 1, 1), 1)
    with pytest.raises(SlaError):
        next_extension(policy_for("cn"), 2)


def test_only_the_second_chinese_extension_needs_approval():
    cn = policy_for("cn")
    assert not next_extension(cn, 0).needs_approval
    assert next_extension(cn, 1).needs_approval


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 5, 1), Standing.ON_TIME),
        (date(2025, 5, 8), Standing.DUE_SOON),
        (date(2025, 5, 10), Standing.DUE_SOON),
        (date(2025, 5, 11), Standing.OVERDUE),
    ],
)
def test_standing_against_the_deadline(today, expected):
    assert standing(date(2025, 5, 10), today) == expected
