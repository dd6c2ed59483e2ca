"""Anonymise the records of borrowers who asked for erasure, once retention has ended."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tactful.rights.services import purge_expired_records


class Command(BaseCommand):
    help = "Anonymise records whose retention ended after an erasure request."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = purge_expired_records()
        self.stdout.write(f"purged {purged} borrower(s)")
