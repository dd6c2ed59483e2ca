"""Local calendar arithmetic across daylight-saving gaps and folds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tactful.policy.localtime import (
    day_start_timestamp,
    first_instant_at_or_after,
    is_holiday,
    zone_named,
)


@pytest.mark.parametrize(
    ("zone", "day", "clock", "expected"),
    [
        ("Asia/Shanghai", date(2026, 5, 11), time(8), datetime(2026, 5, 11, 0, 0, tzinfo=UTC)),
        # inside the spring-forward gap: the first instant after it
        ("America/New_York", date(2026, 3, 8), time(2, 30), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        # a half-hour shift at 02:00 (Lord Howe Island)
        (
            "Australia/Lord_Howe",
            date(2026, 10, 4),
            time(2, 15),
            datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
        ),
        # 01:30 happens twice in New York on 2026-11-01: the first time counts
        (
            "America/New_York",
            date(2026, 11, 1),
            time(1, 30),
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        ),
        # Santiago moves its clocks at midnight: 6 September 2026 begins at 01:00
        ("America/Santiago", date(2026, 9, 6), time(0), datetime(2026, 9, 6, 4, 0, tzinfo=UTC)),
    ],
)
def test_first_instant_at_or_after(zone: str, day: date, clock: time, expected: datetime) -> None:
    assert first_instant_at_or_after(ZoneInfo(zone), day, clock) == expected


def test_a_day_that_begins_late_starts_at_the_end_of_the_gap() -> None:
    santiago = ZoneInfo("America/Santiago")
    start = day_start_timestamp(santiago, date(2026, 9, 6))
    assert datetime.fromtimestamp(start, santiago).date() == date(2026, 9, 6)
    assert datetime.fromtimestamp(start - 1, santiago).date() == date(2026, 9, 5)


@pytest.mark.parametrize("name", ["", " UTC", "Mars/Olympus", "../../etc/passwd", "UTC\x00"])
def test_unknown_zones_are_none(name: str) -> None:
    assert zone_named(name) is None


def test_indonesian_holidays_come_from_the_holidays_package() -> None:
    assert is_holiday("ID", date(2026, 8, 17))  # Independence Day
    assert not is_holiday("ID", date(2026, 8, 18))
