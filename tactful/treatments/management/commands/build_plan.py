"""``manage.py build_plan``: build the day's plan now (for cron or a systemd timer).

The nightly plan is the task `tactful.treatments.tasks.build_nightly_plan`; a scheduler
runs this command once a night (or enqueues the task). It is idempotent: a day already
planned is left as it is, and a plan left half built is finished.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tactful.screening.strategy import StrategyError
from tactful.treatments.services import NIGHTLY_ACTOR, build_daily_plan


class Command(BaseCommand):
    help = "Build the day's contact plan (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="plan date, YYYY-MM-DD (default: today, UTC)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else now.date()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from None
        try:
            # Shared with BATCH_HELPERS task workers (`db_worker`).
            plan = build_daily_plan(
                plan_date=day, at=now, actor=NIGHTLY_ACTOR, helpers=settings.BATCH_HELPERS
            )
        except StrategyError as error:
            raise CommandError(str(error)) from None
        if not plan.complete:
            self.stdout.write(f"plan {plan.plan_date} ({plan.pack}): task workers finish the rest")
            return
        counts = ", ".join(f"{key} {value}" for key, value in plan.summary.items())
        self.stdout.write(f"plan {plan.plan_date} ({plan.pack}, model {plan.model_id}): {counts}")
