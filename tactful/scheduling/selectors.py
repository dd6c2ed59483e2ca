from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Max

from tactful.scheduling.models import JobRun


def last_slots(jobs: Iterable[str]) -> dict[str, datetime]:
    """The newest slot each job has run or claimed; jobs that never ran are missing."""
    runs = JobRun.objects.filter(job__in=list(jobs))
    rows = runs.values("job").annotate(last=Max("scheduled_for"))
    return {row["job"]: row["last"] for row in rows}


def last_run(job: str) -> JobRun | None:
    return JobRun.objects.filter(job=job).order_by("-scheduled_for").first()
