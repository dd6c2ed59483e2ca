"""`manage.py rotate_pii_keys`: re-encrypt personal data under the first key in PII_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tactful.privacy.services import rotate_pii_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted personal value under the current key (the first in "
        "PII_KEYS). Put the new key first, run this, then remove the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = rotate_pii_keys()
        self.stdout.write(f"Current key: {report.key_id}")
        for kind, count in report.rewritten.items():
            self.stdout.write(f"  {kind}: {count} re-encrypted")
        self.stdout.write(self.style.SUCCESS("Every encrypted value now uses the current key."))
