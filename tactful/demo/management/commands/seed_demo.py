"""``manage.py seed_demo``: the same as ``tactful demo seed``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tactful.demo.seed import seed_demo
from tactful.errors import ServiceError


class Command(BaseCommand):
    help = "Create a fictional portfolio (and, in demo mode, the demo staff). Safe to repeat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--borrowers", type=int, default=200)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD, not after today")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = seed_demo(
                borrowers=options["borrowers"],
                seed=options["seed"],
                today=options["today"],
                progress=self.stdout.write,
            )
        except ServiceError as error:
            raise CommandError(error.message, returncode=2) from None
        self.stdout.write("\n".join(summary.describe()))
