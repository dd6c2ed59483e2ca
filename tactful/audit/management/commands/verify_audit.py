"""``manage.py verify_audit``: the same check as ``tactful audit verify``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tactful.audit.verification import verify_chain


class Command(BaseCommand):
    help = "Verify the audit hash chain; exit 1 if an event was altered, inserted or deleted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        self.stdout.write(json.dumps(report.as_json()) if options["json"] else report.describe())
        if not report.intact:
            raise CommandError("the audit chain is broken", returncode=1)
