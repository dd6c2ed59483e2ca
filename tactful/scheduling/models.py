"""One row per run of a scheduled job: claimed by inserting it, finished by updating it.

The unique (job, scheduled_for) pair is the lock: whichever scheduler inserts the row
first runs the slot, any other gets an integrity error and moves on. Rows hold no
personal data and no error messages, only the failing exception's class name.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

ERROR_CLASS_LENGTH = 100


class Outcome(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class JobRun(models.Model):
    job = models.CharField(max_length=80)
    # The slot this run is for (UTC); a catch-up run's slot lies before its start.
    scheduled_for = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.RUNNING)
    error_class = models.CharField(max_length=ERROR_CLASS_LENGTH, blank=True)
    duration = models.DurationField(null=True, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering: ClassVar[list[str]] = ["-scheduled_for", "job"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["job", "scheduled_for"], name="one_run_per_job_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.scheduled_for:%Y-%m-%d %H:%M}Z ({self.outcome})"
