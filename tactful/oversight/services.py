"""The one write path of oversight: rebuild the daily roll-ups of a range of days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from tactful.errors import InvalidInput
from tactful.oversight.metrics import METRICS, Window, join_key
from tactful.oversight.models import DailyCount

# A rebuild holds its days' rows locked in one transaction; a longer range goes in pieces.
MAX_REBUILD_DAYS = 400


def operating_zone() -> ZoneInfo:
    """The zone the roll-ups' days run in: the scheduler's (SCHEDULE_TIME_ZONE)."""
    return ZoneInfo(settings.SCHEDULE_TIME_ZONE)


def window(first: date, last: date) -> Window:
    """Return the days `first` to `last` in the operating zone, with the instants they span."""
    zone = operating_zone()
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    return Window(first, last, start, end, zone)


def rebuild_rollups(*, first: date, last: date) -> int:
    """Recount every metric for the days `first` to `last` (included); return the rows written.

    Idempotent: the days' rows are deleted and counted again from the records in one
    transaction, so readers see either the old counts or the new ones, never a mix.
    """
    if last < first:
        raise InvalidInput(
            {"last": "the last day comes before the first"}, code="rollup_range_reversed"
        )
    if (last - first).days >= MAX_REBUILD_DAYS:
        raise InvalidInput(
            {"last": f"rebuild at most {MAX_REBUILD_DAYS} days at once"},
            code="rollup_range_too_long",
        )
    rows = [
        DailyCount(day=day, pack=pack, metric=name, key=key, count=count)
        for (name, day, pack, key), count in _counted(window(first, last)).items()
    ]
    with transaction.atomic():
        DailyCount.objects.filter(day__gte=first, day__lte=last).delete()
        DailyCount.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _counted(days: Window) -> dict[tuple[str, date, str, str], int]:
    """Every metric's grouped counts by (metric, day, pack, key).

    Summed again here, over the grouped rows: two groups of the database may join into one
    key (a list of categories stored in two spellings), and the key is unique.
    """
    counted: dict[tuple[str, date, str, str], int] = {}
    for metric in METRICS:
        for day, pack, parts, count in metric.count(days):
            key = (metric.name, day, pack or "", join_key(parts))
            counted[key] = counted.get(key, 0) + count
    return counted


def roll_up_recent(*, now: datetime) -> int:
    """Rebuild yesterday and today in the operating zone (the scheduler's hourly job)."""
    today = now.astimezone(operating_zone()).date()
    return rebuild_rollups(first=today - timedelta(days=1), last=today)
