"""Rebuild the oversight dashboards' daily roll-ups for a range of days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tactful.errors import InvalidInput
from tactful.oversight.services import operating_zone, rebuild_rollups


class Command(BaseCommand):
    help = "Count the dashboards' figures again from the records, day by day (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", help="YYYY-MM-DD; default: yesterday")
        parser.add_argument("--to", dest="last", help="YYYY-MM-DD; default: today")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.now().astimezone(operating_zone()).date()
        first = _day(options["first"], "--from") or today - timedelta(days=1)
        last = _day(options["last"], "--to") or today
        try:
            rows = rebuild_rollups(first=first, last=last)
        except InvalidInput as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"roll-ups {first} to {last}: {rows} rows")


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} must be a date written YYYY-MM-DD, got {text!r}") from None
