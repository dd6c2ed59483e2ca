"""Background work of oversight, run by the scheduler every hour."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from tactful.oversight.services import roll_up_recent


@task()
def roll_up_recent_task() -> int:
    """Rebuild yesterday's and today's roll-ups; return how many rows were written."""
    return roll_up_recent(now=timezone.now())
