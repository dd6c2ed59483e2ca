"""Hardship pauses: spans of days on which days past due do not grow.

A pause covers the days ``starts_on <= day < ends_on``; ``ends_on`` is the day ageing
resumes (the planned end, or an earlier explicit resumption). On a paused day nothing
ages, so a loan's days past due are the days since its oldest past-due installment
fell due *minus the paused days among them*. With an installment due on 1 January and
a pause from 5 to 8 January, days past due are 4 on 5, 6, 7 and 8 January and 5 on
9 January. An installment that falls due inside a pause starts ageing when it ends.

Nothing about what is *owed* changes: a pause never moves a due date or a payment;
replaying the ledger as of any day, then subtracting the paused days, gives that
day's figure, so backdated payments and backdated pauses both land correctly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tactful.money.delinquency import DEFAULT_BUCKETS, BucketScheme, is_past_due
from tactful.money.ledger import Due, Entry, InstallmentState, replay


class PauseError(ValueError):
    """A pause that may not be recorded; ``code`` names the rule, ``field`` the input."""

    def __init__(self, code: str, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.code = code
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Pause:
    """Days ``starts_on`` (included) to ``ends_on`` (excluded) on which nothing ages."""

    starts_on: date
    ends_on: date

    def __post_init__(self) -> None:
        if self.ends_on <= self.starts_on:
            raise PauseError("pause_too_short", "ends_on", "a pause must end after it starts")

    @property
    def days(self) -> int:
        """Return how many days the pause covers."""
        return (self.ends_on - self.starts_on).days

    def overlaps(self, other: Pause) -> bool:
        """Tell whether the two pauses share at least one day."""
        return self.starts_on < other.ends_on and other.starts_on < self.ends_on

    def covers(self, day: date) -> bool:
        """Tell whether ``day`` is paused."""
        return self.starts_on <= day < self.ends_on


@dataclass(frozen=True)
class PauseLimits:
    """How far back a pause may start and how long it may last (from the rule pack)."""

    max_backdate_days: int
    max_days: int


def paused_days(start: date, end: date, pauses: Sequence[Pause]) -> int:
    """Return how many days of ``start <= day < end`` are paused."""
    total = 0
    for pause in pauses:
        first = max(start, pause.starts_on)
        last = min(end, pause.ends_on)
        total += max(0, (last - first).days)
    return total


def days_past_due_paused(
    installments: Sequence[InstallmentState], as_of: date, pauses: Sequence[Pause]
) -> int:
    """Return the days past due on ``as_of``, not counting paused days."""
    overdue = [i.due_date for i in installments if is_past_due(i, as_of)]
    if not overdue:
        return 0
    oldest = min(overdue)
    return (as_of - oldest).days - paused_days(oldest, as_of, pauses)


def paused_history(
    dues: Sequence[Due],
    entries: Sequence[Entry],
    pauses: Sequence[Pause],
    start: date,
    end: date,
    scheme: BucketScheme = DEFAULT_BUCKETS,
) -> list[tuple[date, int, str]]:
    """Return ``(day, days past due, bucket)`` for every day from ``start`` to ``end``.

    Each day is replayed as of that day, so a backdated payment or reversal changes the
    history from its value date on, and the paused days are left out of the count.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    history = []
    day = start
    while day <= end:
        days = days_past_due_paused(replay(dues, entries, day).installments, day, pauses)
        history.append((day, days, scheme.bucket_for(days).label))
        day += timedelta(days=1)
    return history


def check_new_pause(
    new: Pause,
    existing: Sequence[Pause],
    *,
    today: date,
    last_reset: date,
    limits: PauseLimits,
) -> None:
    """Raise ``PauseError`` unless ``new`` may be recorded beside ``existing``.

    A pause may start at most ``limits.max_backdate_days`` before ``today``, never
    after it, never before ``last_reset`` (the loan's start or its latest re-ageing:
    days before a reset were already judged), lasts at most ``limits.max_days``, and
    shares no day with another pause.
    """
    if new.starts_on > today:
        raise PauseError("pause_in_future", "starts_on", "a pause cannot start after today")
    if (today - new.starts_on).days > limits.max_backdate_days:
        raise PauseError(
            "backdate_too_far",
            "starts_on",
            f"a pause may start at most {limits.max_backdate_days} days ago",
        )
    if new.starts_on < last_reset:
        raise PauseError(
            "backdate_before_reset",
            "starts_on",
            f"a pause cannot start before {last_reset.isoformat()}, when days past due were "
            "last reset",
        )
    if new.days > limits.max_days:
        raise PauseError(
            "pause_too_long", "ends_on", f"a pause may last at most {limits.max_days} days"
        )
    clash = next((pause for pause in existing if pause.overlaps(new)), None)
    if clash is not None:
        raise PauseError(
            "pause_overlaps",
            "starts_on",
            f"overlaps the pause from {clash.starts_on.isoformat()} to {clash.ends_on.isoformat()}",
        )


def resumed(pause: Pause, resumes_on: date) -> Pause | None:
    """Return ``pause`` ended early on ``resumes_on`` (None: resumed the day it started).

    A pause resumed on its first day covers no day at all; raise ``PauseError`` for a
    resumption before the start or after the planned end.
    """
    if not pause.starts_on <= resumes_on <= pause.ends_on:
        raise PauseError(
            "resume_outside_pause",
            "resumes_on",
            f"must be from {pause.starts_on.isoformat()} to {pause.ends_on.isoformat()}",
        )
    return Pause(pause.starts_on, resumes_on) if resumes_on > pause.starts_on else None
