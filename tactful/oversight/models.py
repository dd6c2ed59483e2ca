"""The daily roll-ups the oversight dashboards read: one count per day, pack, metric and key.

A derived table: `services.rebuild_rollups` deletes and recounts whole days from the
records, so nothing here is a record of its own and any day can be rebuilt at will.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyCount(models.Model):
    """How many records of `metric` with the key parts `key` fell on `day` under `pack`.

    `day` is a day in the operating time zone (SCHEDULE_TIME_ZONE); `pack` is empty for
    records that carry no pack (consents, promises, debits); `key` joins the metric's parts
    (`metrics.py`) with "|".
    """

    day = models.DateField()
    pack = models.CharField(max_length=32, blank=True)
    metric = models.CharField(max_length=32)
    key = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["metric", "day", "pack", "key"], name="one_count_per_day_and_key"
            ),
        ]
        # The unique index serves a metric's days; this one the rebuild's range and the newest day.
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.metric} {self.day} {self.pack} {self.key}: {self.count}"
