"""Show the batch runs and how far they got; with --drain, work on the unfinished ones.

`manage.py batch_runs --drain` is how a run whose workers were killed is finished by
hand (a `db_worker` does the same through the task `drain_batch_run`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tactful.batches import selectors, services


class Command(BaseCommand):
    help = "List batch runs with their progress; --drain works on the unfinished ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--drain", action="store_true", help="do the unfinished runs' chunks")
        parser.add_argument("--job", help="only runs of this job (e.g. repayment.auto_debit)")
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["drain"]:
            for run in selectors.unfinished_runs(job=options["job"]):
                done = services.drain(run, progress=self._progress(run.job))
                self.stdout.write(f"{run.job} {run.key}: this worker did {done} chunks")
        for row in selectors.recent_runs(limit=options["limit"]):
            if options["job"] and row.job != options["job"]:
                continue
            state = "finished" if row.finished_at else "unfinished"
            stuck = f", {row.given_up} given up" if row.given_up else ""
            self.stdout.write(
                f"{row.reference} {row.job} {row.key}: {row.done}/{row.chunks} chunks "
                f"({row.items} items{stuck}), {state}"
            )

    def _progress(self, job: str) -> services.Progress:
        def report(done: int, total: int) -> None:
            self.stderr.write(f"\r{job}: {done}/{total} chunks", ending="")
            if done == total:
                self.stderr.write("")

        return report
