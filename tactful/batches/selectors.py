"""How far the batch runs have got (for the `batch_runs` command and the benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q

from tactful.batches.models import BatchRun
from tactful.batches.services import MAX_TRIES


@dataclass(frozen=True)
class RunProgress:
    reference: str
    job: str
    key: str
    items: int
    chunks: int
    done: int
    given_up: int
    created_at: datetime
    finished_at: datetime | None
    last_done_at: datetime | None


def recent_runs(*, limit: int = 20, unfinished_only: bool = False) -> list[RunProgress]:
    """Return the newest runs with their progress, one query."""
    runs = BatchRun.objects.order_by("-created_at")
    if unfinished_only:
        runs = runs.filter(finished_at__isnull=True)
    annotated = runs.annotate(
        done=Count("chunk_rows", filter=Q(chunk_rows__done_at__isnull=False)),
        given_up=Count(
            "chunk_rows",
            filter=Q(chunk_rows__done_at__isnull=True, chunk_rows__tries__gte=MAX_TRIES),
        ),
        last_done_at=Max("chunk_rows__done_at"),
    )[:limit]
    return [
        RunProgress(
            reference=str(run.reference),
            job=run.job,
            key=run.key,
            items=run.items,
            chunks=run.chunks,
            done=run.done,
            given_up=run.given_up,
            created_at=run.created_at,
            finished_at=run.finished_at,
            last_done_at=run.last_done_at,
        )
        for run in annotated
    ]


def unfinished_runs(*, job: str | None = None) -> list[BatchRun]:
    runs = BatchRun.objects.filter(finished_at__isnull=True).order_by("created_at")
    if job is not None:
        runs = runs.filter(job=job)
    return list(runs)


def run_by_reference(reference: str) -> BatchRun | None:
    return BatchRun.objects.filter(reference=reference).first()
