"""When scheduled jobs fall due, in an operating time zone. Pure: no Django, no clock.

A slot is one run a job owes: a UTC instant, and the local day it belongs to. A daily job
has exactly one slot per local day, at its local time of day; an hourly job has one slot per
elapsed hour, at its minute past the local hour. Dates are stepped as dates and hours as UTC
hours, so daylight saving changes neither skip a daily run nor repeat one:

- a local time that does not exist (clocks jump forward past it) runs when the clock reads
  that time plus the jump (02:30 becomes 03:30 on the spring day in New York);
- a local time that happens twice (clocks go back) runs at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

# Wider than any gap between two slots of the same job, daylight saving included.
_LOOK_AROUND = timedelta(days=2)


class Cadence(Enum):
    DAILY = "daily"
    HOURLY = "hourly"


@dataclass(frozen=True)
class Timing:
    """How often a job runs and when: a daily local time, or an hourly minute (`at.minute`)."""

    cadence: Cadence
    at: time

    def __post_init__(self) -> None:
        if self.at.tzinfo is not None or self.at.second or self.at.microsecond:
            raise ValueError("a job's time is a naive local time in whole minutes")
        if self.cadence is Cadence.HOURLY and self.at.hour:
            raise ValueError("an hourly job gives only its minute past the hour")

    def describe(self) -> str:
        if self.cadence is Cadence.DAILY:
            return f"daily {self.at:%H:%M}"
        return f"hourly :{self.at:%M}"


def daily(hour: int, minute: int = 0) -> Timing:
    return Timing(Cadence.DAILY, time(hour, minute))


def hourly(minute: int) -> Timing:
    return Timing(Cadence.HOURLY, time(0, minute))


@dataclass(frozen=True, order=True)
class Slot:
    """One run a job owes: `at` in UTC, and the local `day` it is that day's run of."""

    at: datetime
    day: date


def slots_between(timing: Timing, zone: ZoneInfo, start: datetime, end: datetime) -> list[Slot]:
    """The slots after `start` and at or before `end` (both aware), oldest first."""
    _require_aware(start, end)
    if timing.cadence is Cadence.DAILY:
        candidates = _daily_slots(timing.at, zone, start, end)
    else:
        candidates = _hourly_slots(timing.at.minute, zone, start, end)
    return [slot for slot in candidates if start < slot.at <= end]


def latest_slot(timing: Timing, zone: ZoneInfo, now: datetime) -> Slot:
    """The most recent slot at or before `now`."""
    return slots_between(timing, zone, now - _LOOK_AROUND, now)[-1]


def next_slot(timing: Timing, zone: ZoneInfo, now: datetime) -> Slot:
    """The first slot after `now`."""
    return slots_between(timing, zone, now, now + _LOOK_AROUND)[0]


def due_slots(
    timing: Timing,
    zone: ZoneInfo,
    *,
    last: datetime | None,
    now: datetime,
    window: timedelta,
    every_missed: bool,
) -> list[Slot]:
    """The slots to run at `now`, oldest first.

    `last` is the newest slot already run (or claimed), None for a job that never ran.
    Missed slots older than `window` are dropped. With `every_missed`, each remaining slot
    runs once (a daily job told which day it is running for); otherwise only the newest
    does. A job that never ran starts with its newest slot: there is no history to repair.
    """
    horizon = now - window
    start = horizon if last is None else max(last, horizon)
    missed = slots_between(timing, zone, start, now)
    if every_missed and last is not None:
        return missed
    return missed[-1:]


def _daily_slots(at: time, zone: ZoneInfo, start: datetime, end: datetime) -> list[Slot]:
    # One day either side: the local date at `start` may differ from the slot's day.
    day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    slots = []
    while day <= last_day:
        # fold=0: the first of two repeated times, the pre-jump offset for a missing one.
        local = datetime.combine(day, at, tzinfo=zone)
        slots.append(Slot(at=local.astimezone(UTC), day=day))
        day += timedelta(days=1)
    return slots


def _hourly_slots(minute: int, zone: ZoneInfo, start: datetime, end: datetime) -> list[Slot]:
    hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    slots = []
    while hour <= end:
        # Zones whose offset is not whole hours (India, Nepal) reach the local minute
        # at a different UTC minute.
        offset_minute = hour.astimezone(zone).minute
        candidate = hour + timedelta(minutes=(minute - offset_minute) % 60)
        local = candidate.astimezone(zone)
        if local.minute == minute:
            slots.append(Slot(at=candidate, day=local.date()))
        hour += timedelta(hours=1)
    return slots


def _require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("slot arithmetic needs aware datetimes")
