"""When could a denied attempt go ahead? The earliest later instant that passes the timed rules.

Given the same history, the counts behind frequency caps and cooling-off periods can only
fall as days pass, so they clear from some local date on. From that date, the answer is
the first opening of the (intersected) time window on an allowed day. The search walks
days, never minutes, and gives up after a horizon (then there is no answer: None).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tactful.policy.localtime import first_instant_at_or_after, is_holiday
from tactful.policy.rules import CountRule, Situation, TimeWindowRule

HORIZON_DAYS = 400
_DAY_SECONDS = 24 * 3600
_ALL_WEEKDAYS = frozenset(range(7))


@dataclass(frozen=True)
class Window:
    """The local times at which every time-window rule of an attempt is satisfied."""

    start: int  # seconds after local midnight, included
    end: int  # excluded
    weekdays: frozenset[int]
    holidays: frozenset[str]

    @classmethod
    def of(cls, rules: Sequence[TimeWindowRule]) -> Window | None:
        """Return the intersection of the rules' windows, or None when it is empty."""
        window = cls(0, _DAY_SECONDS, _ALL_WEEKDAYS, frozenset())
        for rule in rules:
            window = cls(
                max(window.start, rule.start),
                min(window.end, rule.end),
                window.weekdays & rule.weekdays,
                window.holidays | frozenset(rule.holidays),
            )
        if window.start >= window.end or not window.weekdays:
            return None
        return window

    def allows_day(self, day: date) -> bool:
        """Return True when contact may happen at some time of local `day`."""
        if day.weekday() not in self.weekdays:
            return False
        return not any(is_holiday(country, day) for country in self.holidays)

    def opening_time(self) -> time:
        """Return the local clock time at which the window opens."""
        return time(self.start // 3600, self.start % 3600 // 60, self.start % 60)


def next_allowed_at(
    situation: Situation,
    window: Window | None,
    counts: Sequence[CountRule],
    *,
    horizon_days: int = HORIZON_DAYS,
) -> datetime | None:
    """Return the earliest instant after now at which the timed rules all pass, if any.

    `window` is the intersection of the attempt's time windows (`Window.of`); None means
    they never open.
    """
    if window is None:
        return None
    cleared = max([situation.today, *(rule.clears_on(situation) for rule in counts)])
    return first_opening(situation, window, cleared, horizon_days=horizon_days)


def first_opening(
    situation: Situation, window: Window, earliest: date, *, horizon_days: int = HORIZON_DAYS
) -> datetime | None:
    """Return the first instant after now, on local `earliest` or later, inside `window`."""
    day = earliest
    last = situation.today + timedelta(days=horizon_days)
    while day <= last:
        if window.allows_day(day):
            found = _first_open_instant(situation, window, day)
            if found is not None:
                return found
        day += timedelta(days=1)
    return None


def _first_open_instant(situation: Situation, window: Window, day: date) -> datetime | None:
    """Return the first instant after now inside the window on local `day`, if any."""
    if day == situation.today:
        if situation.seconds >= window.end:
            return None
        if situation.seconds >= window.start:
            # Inside the window already; callers reach this only if nothing else blocks.
            return situation.now + timedelta(microseconds=1)
    opening = first_instant_at_or_after(situation.zone, day, window.opening_time())
    local = opening.astimezone(situation.zone)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    # A daylight-saving gap can push the opening past the end of the window or the day.
    if local.date() != day or seconds >= window.end or opening <= situation.now:
        return None
    return opening
