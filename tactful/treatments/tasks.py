"""Background work of the treatments app: the nightly plan."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from tactful.treatments.services import NIGHTLY_ACTOR, build_daily_plan


@task()
def build_nightly_plan(plan_date: str | None = None) -> str:
    """Build the plan of `plan_date` (ISO date; default today) and return its reference."""
    now = timezone.now()
    day = date.fromisoformat(plan_date) if plan_date else timezone.localdate(now)
    plan = build_daily_plan(plan_date=day, at=now, actor=NIGHTLY_ACTOR)
    return str(plan.reference)
