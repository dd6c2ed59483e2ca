"""`manage.py rotate_pii_index_key`: re-index personal data under the current index key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tactful.privacy.services.index_rotation import (
    BATCH_SIZE,
    IndexRotationReport,
    rotate_pii_index_key,
)


class Command(BaseCommand):
    help = (
        "Recompute every blind index under the current index key (the first in "
        "PII_INDEX_KEYS), carry refusals over where their number is still held, and say "
        "which previous keys index-only rows still depend on. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        report = rotate_pii_index_key(batch_size=options["batch_size"], progress=self._progress)
        self._summary(report)

    def _progress(self, kind: str, done: int, total: int) -> None:
        self.stdout.write(f"  {kind}: {done}/{total} looked at")

    def _summary(self, report: IndexRotationReport) -> None:
        self.stdout.write(f"Current index key: {report.key_id}")
        for kind, count in report.reindexed.items():
            self.stdout.write(f"  {kind}: {count} re-indexed")
        for kind, count in report.carried_over.items():
            self.stdout.write(f"  {kind}: {count} carried over to the current key")
        for kind, row_ids in report.conflicts.items():
            listed = ", ".join(str(row_id) for row_id in row_ids)
            self.stdout.write(
                self.style.ERROR(
                    f"  {kind}: rows {listed} hold a value another row already holds under "
                    "the current key; resolve them by hand, then run this again"
                )
            )
        self._dependencies(report)

    def _dependencies(self, report: IndexRotationReport) -> None:
        for key_id, counts in sorted(report.depending.items()):
            if counts.get("refusals"):
                verdict = "keep it: these refusals are of numbers held nowhere else"
            else:
                verdict = "no refusal depends on it: it can be removed"
            self.stdout.write(
                f"Previous key {key_id}: still depending on it: {_described(counts)}; {verdict}"
            )
        for key_id, counts in sorted(report.unconfigured.items()):
            self.stdout.write(
                f"Key {key_id} is no longer configured; made under it and not checkable "
                f"without it: {_described(counts)}"
            )
        if not report.conflicts:
            self.stdout.write(
                self.style.SUCCESS("Every held value is indexed under the current key.")
            )


def _described(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items())) or "nothing"
