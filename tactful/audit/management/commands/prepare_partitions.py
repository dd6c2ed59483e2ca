"""``manage.py prepare_partitions``: the coming months' partitions, or a list of them all."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tactful.audit.partitions import (
    DEFAULT_SUFFIX,
    MONTHS_AHEAD,
    Partition,
    is_supported,
    partitions,
    prepare_months,
)


class Command(BaseCommand):
    help = (
        "Create the monthly partitions of attempts, ledger entries and audit events for this "
        "month (UTC) and the next ones, and for any month whose rows the default partitions "
        "hold (PostgreSQL; the scheduler runs it every day). --list shows every partition."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--months",
            type=int,
            default=MONTHS_AHEAD,
            help=f"how many months after this one to prepare (default {MONTHS_AHEAD})",
        )
        parser.add_argument("--list", action="store_true", help="list them; create nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if not is_supported():
            self.stdout.write("this database is not PostgreSQL: its tables are not partitioned")
            return
        if options["list"]:
            self._list(partitions())
            return
        if options["months"] < 0:
            raise CommandError("--months must not be negative", returncode=2)
        created = prepare_months(today=timezone.now().date(), ahead=options["months"])
        for name in created:
            self.stdout.write(f"created {name}")
        self.stdout.write(f"{len(created)} partitions created; every month is prepared")

    def _list(self, found: list[Partition]) -> None:
        table = None
        for partition in found:
            if partition.table != table:
                table = partition.table
                self.stdout.write(f"{table}:")
            self.stdout.write(f"  {partition.name:<40} {partition.bounds:<64} {_rows(partition)}")


def _rows(partition: Partition) -> str:
    if partition.name.endswith(DEFAULT_SUFFIX):
        return f"{partition.rows} rows"
    if partition.rows < 0:
        return "not analysed yet"
    return f"about {partition.rows} rows"
