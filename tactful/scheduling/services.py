"""Run the scheduled jobs that are due: claim each slot by inserting its row, then run it.

A failing job is recorded as failed, with its exception's class name only (messages may
carry personal data), and the others still run; its next slot runs as usual.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from tactful.scheduling.jobs import JOBS, Job, TaskFailed
from tactful.scheduling.models import ERROR_CLASS_LENGTH, JobRun, Outcome
from tactful.scheduling.selectors import last_slots
from tactful.scheduling.slots import Slot, due_slots
from tactful.telemetry import metrics

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueRun:
    job: Job
    slot: Slot


def due_runs(
    *, now: datetime, zone: ZoneInfo, window: timedelta, jobs: Sequence[Job] = JOBS
) -> list[DueRun]:
    """What is due at `now`, oldest slot first, jobs of the same slot in table order."""
    last = last_slots(job.name for job in jobs)
    runs: list[DueRun] = []
    for job in jobs:
        if job.name in last and last[job.name] < now - window:
            logger.warning(
                "job %s: missed slots over %d days old are not made up", job.name, window.days
            )
        slots = due_slots(
            job.timing,
            zone,
            last=last.get(job.name),
            now=now,
            window=window,
            every_missed=job.every_missed,
        )
        runs.extend(DueRun(job, slot) for slot in slots)
    position = {job.name: index for index, job in enumerate(jobs)}
    return sorted(runs, key=lambda run: (run.slot.at, position[run.job.name]))


def run_due(
    *,
    now: datetime,
    zone: ZoneInfo,
    window: timedelta,
    jobs: Sequence[Job] = JOBS,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[JobRun]:
    """Claim and run every due slot; return the runs this process made."""
    made = []
    for due in due_runs(now=now, zone=zone, window=window, jobs=jobs):
        if should_stop():
            break
        run = claim_run(job=due.job.name, scheduled_for=due.slot.at)
        if run is None:
            logger.info("job %s, slot %s: claimed elsewhere", due.job.name, due.slot.at.isoformat())
            continue
        made.append(_perform(run, due))
    return made


def claim_run(*, job: str, scheduled_for: datetime) -> JobRun | None:
    """Insert the slot's row; None when another scheduler inserted it first."""
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                job=job, scheduled_for=scheduled_for, started_at=timezone.now()
            )
    except IntegrityError:
        return None


def _perform(run: JobRun, due: DueRun) -> JobRun:
    slot = due.slot.at.isoformat()
    logger.info("job %s, slot %s: started", run.job, slot)
    started = time.monotonic()
    try:
        due.job.action.run(due.slot.day)
    except Exception as error:  # any job's failure is recorded; the others still run
        _finish(run, time.monotonic() - started, error_class=_error_class(error))
        logger.warning("job %s, slot %s: failed with %s", run.job, slot, run.error_class)
        return run
    seconds = time.monotonic() - started
    _finish(run, seconds)
    logger.info("job %s, slot %s: succeeded in %.1f s", run.job, slot, seconds)
    return run


def _finish(run: JobRun, seconds: float, *, error_class: str = "") -> None:
    run.finished_at = timezone.now()
    run.duration = timedelta(seconds=seconds)
    run.outcome = Outcome.FAILED if error_class else Outcome.SUCCEEDED
    run.error_class = error_class[:ERROR_CLASS_LENGTH]
    run.save(update_fields=["finished_at", "duration", "outcome", "error_class"])
    metrics.record_job_run(job=run.job, outcome=run.outcome, seconds=seconds)


def _error_class(error: Exception) -> str:
    # The class name only: an exception's message may quote the data it choked on.
    if isinstance(error, TaskFailed):
        return error.error_class
    return type(error).__name__
