"""Which month a report covers: its first and last instants in the pack's own zone.

A month is read in the zone of the pack's calendar (its `time_zone`, the zone its
complaints' days are counted in), so a report of `cn` for May counts from 1 May 00:00 in
Asia/Shanghai to 1 June 00:00 there. Only a month that has ended there can be reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from tactful.contacts.packs import pack_time_zone
from tactful.errors import InvalidInput
from tactful.policy.pack_digests import SHIPPED

LANGUAGES = ("zh-hans", "zh-hant", "en")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class Period:
    """The month `month` (its first day) of `pack`, from `start` to `end` (UTC, end excluded)."""

    pack: str
    month: date
    zone: ZoneInfo
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def next_month(self) -> date:
        return _next_month(self.month)


def packs() -> list[str]:
    """The packs a report can be issued for: those this version ships."""
    return sorted(SHIPPED)


def parse_month(text: str) -> date | None:
    """Return the first day of the month written `YYYY-MM`, or None if it is not one."""
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        return None
    return date(int(match[1]), int(match[2]), 1)


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidInput(
            {"language": f"{language!r} is not one of {', '.join(LANGUAGES)}"},
            code="unknown_language",
        )
    return language


def period_of(*, pack: str, month: str, now: datetime) -> Period:
    """Return the period of `month` (`YYYY-MM`) for `pack`; InvalidInput naming the problem."""
    if pack not in SHIPPED:
        raise InvalidInput(
            {"pack": f"{pack!r} is not a rule pack (one of {', '.join(packs())})"},
            code="unknown_pack",
        )
    first = parse_month(month)
    if first is None:
        raise InvalidInput({"month": f"{month!r} is not a month written YYYY-MM"}, "bad_month")
    zone = pack_time_zone(pack)
    period = Period(pack, first, zone, _instant(first, zone), _instant(_next_month(first), zone))
    if period.end > now:
        raise InvalidInput(
            {"month": f"{period.label} has not ended yet in {zone.key}"}, code="month_not_over"
        )
    return period


def _instant(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)
