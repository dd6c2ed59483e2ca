"""``manage.py demo_totp USERNAME``: the code a demo user's authenticator app would show."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tactful.demo.staff import current_code
from tactful.errors import ServiceError


class Command(BaseCommand):
    help = "Print the current sign-in code of a demo staff user (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "username", help="collector, collector2, supervisor, compliance, compliance2 or admin"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            code = current_code(options["username"])
        except ServiceError as error:
            raise CommandError(error.message) from None
        self.stdout.write(code.code)
        self.stderr.write(f"(valid for about {code.seconds_left} more seconds)")
