"""``manage.py scheduler``: run the scheduled jobs (tactful/scheduling/jobs.py) when due.

- no option: run until SIGTERM or SIGINT, looking for due jobs every 30 seconds;
- ``--once [--now ISO]``: run what is due, then exit (cron, tests); one line per run, nothing
  when nothing was due; status 1 if a run failed;
- ``--list [--now ISO]``: print each job, its next slot and its last run.

Any number of schedulers may run: each slot is claimed by inserting its row, once.
"""

from __future__ import annotations

import logging
import signal
import time
from datetime import datetime, timedelta
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from tactful.scheduling.jobs import JOBS, Job
from tactful.scheduling.models import JobRun, Outcome
from tactful.scheduling.selectors import last_run
from tactful.scheduling.services import run_due
from tactful.scheduling.slots import next_slot

TICK_SECONDS = 30
# How soon a stop request ends a sleep between ticks.
NAP_SECONDS = 0.5
logger = logging.getLogger("tactful.scheduling")


class Command(BaseCommand):
    help = "Run the scheduled jobs when they are due (docs/operations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="run what is due, then exit")
        mode.add_argument("--list", action="store_true", help="print the jobs and their runs")
        parser.add_argument(
            "--now",
            help="the moment to act at, ISO 8601 (without an offset: in SCHEDULE_TIME_ZONE); "
            "only with --once or --list",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        zone = ZoneInfo(settings.SCHEDULE_TIME_ZONE)
        if options["now"] and not (options["once"] or options["list"]):
            raise CommandError("--now goes with --once or --list")
        now = _moment(options["now"], zone) if options["now"] else timezone.now()
        if options["list"]:
            self._list(now, zone)
        elif options["once"]:
            self._once(now, zone)
        else:
            self._loop(zone)

    def _once(self, now: datetime, zone: ZoneInfo) -> None:
        runs = run_due(now=now, zone=zone, window=_window(), jobs=JOBS)
        # Nothing due prints nothing: cron mails whatever a job prints.
        for run in runs:
            self.stdout.write(_run_line(run, zone))
        failed = [run for run in runs if run.outcome == Outcome.FAILED]
        if failed:
            raise CommandError(f"{len(failed)} of {len(runs)} run(s) failed", returncode=1)

    def _loop(self, zone: ZoneInfo) -> None:
        stop = _StopRequest()
        logger.info("scheduler started: %d jobs, times in %s", len(JOBS), zone.key)
        while not stop.requested:
            _tick(zone, stop)
            stop.sleep(TICK_SECONDS)
        logger.info("scheduler stopped")

    def _list(self, now: datetime, zone: ZoneInfo) -> None:
        self.stdout.write(f"Times in {zone.key}; now {_local(now, zone)}.")
        for job in JOBS:
            self.stdout.write("")
            self.stdout.write(_job_lines(job, now, zone))


class _StopRequest:
    """Set by SIGTERM or SIGINT: the job running finishes, nothing new starts."""

    def __init__(self) -> None:
        self.requested = False
        signal.signal(signal.SIGTERM, self._request)
        signal.signal(signal.SIGINT, self._request)

    def _request(self, signum: int, frame: FrameType | None) -> None:
        # Only a flag: a handler that takes a lock can deadlock the code it interrupted.
        self.requested = True

    def is_requested(self) -> bool:
        return self.requested

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.requested and time.monotonic() < deadline:
            time.sleep(min(NAP_SECONDS, max(deadline - time.monotonic(), 0)))


def _tick(zone: ZoneInfo, stop: _StopRequest) -> None:
    # A long-lived process must drop connections the database has given up on.
    close_old_connections()
    try:
        run_due(
            now=timezone.now(),
            zone=zone,
            window=_window(),
            jobs=JOBS,
            should_stop=stop.is_requested,
        )
    except Exception as error:  # the database away, say: try again at the next tick
        logger.error("scheduler tick failed: %s", type(error).__name__)
    finally:
        close_old_connections()


def _window() -> timedelta:
    return timedelta(days=settings.SCHEDULE_CATCH_UP_DAYS)


def _moment(text: str, zone: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now must be an ISO 8601 date and time, got {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _job_lines(job: Job, now: datetime, zone: ZoneInfo) -> str:
    catch_up = "every missed day" if job.every_missed else "only the newest missed slot"
    upcoming = next_slot(job.timing, zone, now)
    run = last_run(job.name)
    return "\n".join(
        [
            f"{job.name}  {job.timing.describe()}; after downtime, {catch_up}",
            f"  runs  {job.action.describe()}",
            f"  next  {_local(upcoming.at, zone)}",
            f"  last  {_run_summary(run, zone) if run else 'never'}",
        ]
    )


def _run_line(run: JobRun, zone: ZoneInfo) -> str:
    return f"{run.job}  {_run_summary(run, zone)}"


def _run_summary(run: JobRun, zone: ZoneInfo) -> str:
    summary = f"{_local(run.scheduled_for, zone)}  {run.outcome}"
    if run.error_class:
        summary += f" ({run.error_class})"
    if run.duration is not None:
        summary += f" in {run.duration.total_seconds():.1f} s"
    return summary


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M %Z}"
