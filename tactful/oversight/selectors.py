"""Read paths of oversight: the dashboards' figures, summed from the daily roll-ups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from tactful.oversight.metrics import Metric, split_key
from tactful.oversight.models import DailyCount


@dataclass(frozen=True)
class DayCount:
    day: date
    parts: Mapping[str, str]
    count: int


def day_counts(metric: Metric, *, first: date, last: date, pack: str = "") -> list[DayCount]:
    """Return `metric`'s counts per day and key from `first` to `last` (included).

    Under a pack, only that pack's rows; a metric whose records carry no pack is counted
    whole whatever the pack.
    """
    rows = DailyCount.objects.filter(metric=metric.name, day__gte=first, day__lte=last)
    if pack and metric.pack_scoped:
        rows = rows.filter(pack=pack)
    grouped = rows.values_list("day", "key").annotate(n=Sum("count")).order_by("day", "key")
    return [
        DayCount(day, dict(zip(metric.parts, split_key(key), strict=True)), n)
        for day, key, n in grouped
    ]


def totals_by(
    metric: Metric,
    *parts: str,
    first: date,
    last: date,
    pack: str = "",
    where: Mapping[str, str] | None = None,
) -> dict[tuple[str, ...], int]:
    """Sum `metric` over the period by the named `parts` (keeping rows matching `where`)."""
    totals: dict[tuple[str, ...], int] = {}
    for row in day_counts(metric, first=first, last=last, pack=pack):
        if where and any(row.parts[name] != value for name, value in where.items()):
            continue
        key = tuple(row.parts[name] for name in parts)
        totals[key] = totals.get(key, 0) + row.count
    return totals


def rolled_up_packs() -> list[str]:
    """The packs any roll-up counted records under, by name."""
    packs = DailyCount.objects.exclude(pack="").values_list("pack", flat=True).distinct()
    return sorted(packs)


def last_rolled_up_day() -> date | None:
    """The newest day a roll-up holds (None before the first roll-up)."""
    latest = DailyCount.objects.order_by("-day").values_list("day", flat=True).first()
    return latest
