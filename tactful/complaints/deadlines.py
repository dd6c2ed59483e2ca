"""When a complaint must be answered, per rule pack. Pure: no Django, no clock.

Each pack has a first period and, for some, extensions. A period counts calendar days or
working days; working days come from the `holidays` package (weekends, public holidays
and, for China, the make-up working days 调休 that `holidays` lists as `weekend_workdays`).

| pack | first period | extensions |
|---|---|---|
| cn | 15 days | to 30 days with a recorded reason; a further 30 with approval |
| uk | 8 weeks (56 days) | none |
| id | 10 working days | a further 10 working days with a recorded reason |
| in | 30 days | none |

Under `cn`, a period that ends on a rest day (weekend or statutory holiday, not a make-up
working day) ends on the next working day instead (民法典 art. 203). Packs without a complaint
period of their own get the strictest one (`cn`'s 15 days, calendar, no roll-forward).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache

import holidays

WorkingDay = Callable[[date], bool]


class Unit(Enum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class Extension:
    """A longer period a complaint may be given: `days` more, on a reason or an approval."""

    days: int
    needs_approval: bool


@dataclass(frozen=True)
class SlaPolicy:
    pack: str
    unit: Unit
    days: int
    extensions: tuple[Extension, ...] = ()
    # Where the period is read by calendar days but may not end on a rest day.
    roll_to_working_day: bool = False
    country: str | None = None
    citation: str = ""

    @property
    def max_extensions(self) -> int:
        return len(self.extensions)


class SlaError(ValueError):
    """A request the policy cannot answer (an extension the pack does not have)."""


POLICIES: dict[str, SlaPolicy] = {
    "cn": SlaPolicy(
        pack="cn",
        unit=Unit.CALENDAR_DAYS,
        days=15,
        extensions=(Extension(15, needs_approval=False), Extension(30, needs_approval=True)),
        roll_to_working_day=True,
        country="CN",
        citation="银行业保险业消费投诉处理管理办法 (2020) art. 25; 民法典 art. 203",
    ),
    "uk": SlaPolicy(
        pack="uk",
        unit=Unit.CALENDAR_DAYS,
        days=56,
        country="GB",
        citation="FCA DISP 1.6.2R (final response within eight weeks)",
    ),
    "id": SlaPolicy(
        pack="id",
        unit=Unit.WORKING_DAYS,
        days=10,
        extensions=(Extension(10, needs_approval=False),),
        country="ID",
        citation="POJK 22/2023 (10 working days, extendable by 10 working days)",
    ),
    "in": SlaPolicy(
        pack="in",
        unit=Unit.CALENDAR_DAYS,
        days=30,
        country="IN",
        citation="RBI Integrated Ombudsman Scheme 2021 cl. 10 (30 days)",
    ),
}
FALLBACK = SlaPolicy(pack="*", unit=Unit.CALENDAR_DAYS, days=15, citation="strictest period")


def policy_for(pack: str) -> SlaPolicy:
    """Return the complaint period of `pack`; the strictest one for a pack without its own."""
    return POLICIES.get(pack, FALLBACK)


def deadline(
    policy: SlaPolicy,
    received_on: date,
    extensions: int = 0,
    is_working_day: WorkingDay | None = None,
) -> date:
    """Return the last day (in the pack's local calendar) on which the answer is due.

    The day of receipt is not counted. `extensions` is how many of the policy's
    extensions were granted, in order.
    """
    if not 0 <= extensions <= policy.max_extensions:
        raise SlaError(f"pack {policy.pack} allows at most {policy.max_extensions} extension(s)")
    days = policy.days + sum(extension.days for extension in policy.extensions[:extensions])
    working = is_working_day or working_calendar(policy.country)
    if policy.unit is Unit.WORKING_DAYS:
        return add_working_days(received_on, days, working)
    last = received_on + timedelta(days=days)
    if policy.roll_to_working_day:
        while not working(last):
            last += timedelta(days=1)
    return last


def add_working_days(start: date, days: int, is_working_day: WorkingDay) -> date:
    """Return the `days`-th working day after `start` (not counting `start`)."""
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def next_extension(policy: SlaPolicy, granted: int) -> Extension:
    """Return the extension that would be granted next; raise SlaError if none is left."""
    if granted >= policy.max_extensions:
        raise SlaError(f"pack {policy.pack} has no further extension")
    return policy.extensions[granted]


class Standing(Enum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


# A complaint this many days or fewer from its deadline is due soon (escalated, shown at risk).
DUE_SOON_DAYS = 2


def standing(due: date, today: date, warn_days: int = DUE_SOON_DAYS) -> Standing:
    """Tell whether a complaint due on `due` is on time, due within `warn_days`, or late."""
    if today > due:
        return Standing.OVERDUE
    if (due - today).days <= warn_days:
        return Standing.DUE_SOON
    return Standing.ON_TIME


def working_calendar(country: str | None) -> WorkingDay:
    """Return a test for working days in `country`: Monday–Friday without public holidays,
    plus the make-up working days `holidays` knows (China). None: every weekday works."""
    if country is None:
        return _is_weekday
    return _holiday_calendar(country).is_working_day


def _is_weekday(day: date) -> bool:
    return day.weekday() < 5


@lru_cache(maxsize=8)
def _holiday_calendar(country: str) -> holidays.HolidayBase:
    # Years are filled in lazily by `holidays` as dates are looked up.
    return holidays.country_holidays(country)
