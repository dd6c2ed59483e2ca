"""Run the day's help-to-repay work: collections, points, promises, expiries, notices."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tactful.repayment import services


class Command(BaseCommand):
    help = "Collect auto-debits, award and expire points, settle promises, send notices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="YYYY-MM-DD; today (UTC) if omitted")

    def handle(self, *args: Any, **options: Any) -> None:
        day = _day(options["as_of"])
        # Shared with BATCH_HELPERS task workers; its totals so far if they are still on it.
        report = services.run_auto_debits(as_of=day, helpers=settings.BATCH_HELPERS)
        self.stdout.write(
            f"auto-debit {day}: {report.mandates} mandates, {report.attempts} attempts, "
            f"{report.resumed} resumed, "
            f"{report.collected} collected ({report.amount_collected}), {report.failed} failed, "
            f"{report.unknown} unknown"
        )
        self.stdout.write(f"points awarded: {services.award_points(as_of=day)}")
        self.stdout.write(f"promises settled: {services.settle_promises(as_of=day)}")
        self.stdout.write(f"points expiries: {services.record_expiries(as_of=day)}")
        self.stdout.write(f"upcoming notices sent: {services.send_upcoming_notices(today=day)}")


def _day(text: str | None) -> date:
    if text is None:
        return timezone.now().date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of must be a date written YYYY-MM-DD, got {text!r}") from None
