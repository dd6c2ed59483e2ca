"""Local calendar arithmetic for the gate: zones, day boundaries, holidays.

Rules speak in the recipient's local time; history and ``now`` are instants. These helpers
turn one into the other, correctly across daylight-saving changes, and cache what is
costly so that ``decide()`` stays in microseconds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from tactful.time_zones import is_iana_zone

_CACHE_LIMIT = 8192
_day_starts: dict[tuple[str, date], float] = {}


@lru_cache(maxsize=1024)
def zone_named(name: str) -> ZoneInfo | None:
    """Return the IANA zone called `name`, or None when there is no such zone."""
    if not is_iana_zone(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@lru_cache(maxsize=4096)
def first_instant_at_or_after(zone: ZoneInfo, day: date, clock: time) -> datetime:
    """Return the first instant (UTC) whose local date is `day` and local time >= `clock`.

    Where `clock` falls in a daylight-saving gap, that is the moment the gap ends; where it
    occurs twice, its first occurrence.
    """
    wall = datetime.combine(day, clock)
    before = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the earlier reading
    if _local(before, zone) == wall:
        return before
    # `wall` does not exist locally: the answer is the end of the gap, which lies between
    # the reading with the later offset and `before`.
    return _end_of_gap(zone, wall.replace(tzinfo=zone, fold=1).astimezone(UTC), before)


def _end_of_gap(zone: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """Return the first instant in [low, high] whose UTC offset equals high's (a transition)."""
    target = high.astimezone(zone).utcoffset()
    low_s, high_s = int(low.timestamp()), int(high.timestamp())
    while low_s < high_s:
        middle = (low_s + high_s) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == target:
            high_s = middle
        else:
            low_s = middle + 1
    return datetime.fromtimestamp(high_s, UTC)


def _local(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def day_start_timestamp(zone: ZoneInfo, day: date) -> float:
    """Return the POSIX time at which local `day` begins in `zone` (cached)."""
    key = (zone.key, day)
    found = _day_starts.get(key)
    if found is None:
        if len(_day_starts) >= _CACHE_LIMIT:
            _day_starts.clear()
        found = first_instant_at_or_after(zone, day, time(0)).timestamp()
        _day_starts[key] = found
    return found


@lru_cache(maxsize=256)
def holidays_of(country: str, year: int) -> frozenset[date]:
    """Return the public holidays of `country` in `year`, as the `holidays` package lists them."""
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_holiday(country: str, day: date) -> bool:
    """Return True when `day` is a public holiday of `country`."""
    return day in holidays_of(country, day.year)
