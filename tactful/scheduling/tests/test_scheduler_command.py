"""``manage.py scheduler``: --once on the real jobs, --list, --now, and the loop's clean stop."""

import os
import signal
import threading
import time
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tactful.demo.seed import seed_demo
from tactful.loans.models import DelinquencySnapshot
from tactful.scheduling.jobs import Job, RunCommand
from tactful.scheduling.management.commands import scheduler
from tactful.scheduling.models import JobRun, Outcome
from tactful.scheduling.slots import daily
from tactful.treatments.models import DailyPlan

# 01:30 on 30 June 2025 in Shanghai: every job's slot of that night has passed.
NIGHT = "2025-06-30T01:30:00+08:00"
ALL_JOBS = {
    "snapshot_delinquency",
    "repayment_day",
    "build_plan",
    "purge_expired_records",
    "prepare_partitions",
    "audit_checkpoint",
    "escalate_due_complaints",
    "send_due_complaint_replies",
    "send_due_invitations",
    "retry_complaint_acknowledgements",
    "roll_up_oversight",
}


def scheduler_output(*arguments: str) -> str:
    out = StringIO()
    call_command("scheduler", *arguments, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_once_runs_every_real_job_due_and_records_it():
    seed_demo(borrowers=3, seed=7, today=date(2025, 6, 29))

    output = scheduler_output("--once", "--now", NIGHT)

    runs = {run.job: run for run in JobRun.objects.all()}
    assert set(runs) == ALL_JOBS
    assert {run.outcome for run in runs.values()} == {Outcome.SUCCEEDED}
    # The snapshot is of the day that closed, the plan of the day that began.
    assert DelinquencySnapshot.objects.filter(as_of=date(2025, 6, 29)).exists()
    assert DailyPlan.objects.filter(plan_date=date(2025, 6, 30)).exists()
    assert "build_plan  2025-06-30 00:30 CST  succeeded" in output


@pytest.mark.django_db
def test_once_again_finds_nothing_due_and_prints_nothing():
    scheduler_output("--once", "--now", NIGHT)

    assert scheduler_output("--once", "--now", NIGHT) == ""
    assert JobRun.objects.count() == len(ALL_JOBS)


@pytest.mark.django_db
def test_once_after_two_missed_nights_makes_up_each_day_of_a_dated_job():
    scheduler_output("--once", "--now", NIGHT)

    scheduler_output("--once", "--now", "2025-07-02T02:00:00+08:00")

    plans = JobRun.objects.filter(job="build_plan").order_by("scheduled_for")
    purges = JobRun.objects.filter(job="purge_expired_records")
    assert [run.scheduled_for.date() for run in plans] == [
        date(2025, 6, 29),
        date(2025, 6, 30),
        date(2025, 7, 1),
    ]  # 00:30 in Shanghai falls on the UTC day before
    assert purges.count() == 2  # the night of 30 June, then only the newest of the two missed
    assert set(DailyPlan.objects.values_list("plan_date", flat=True)) == {
        date(2025, 6, 30),
        date(2025, 7, 1),
        date(2025, 7, 2),
    }


@pytest.mark.django_db
def test_once_exits_with_status_one_when_a_run_failed(monkeypatch):
    broken = Job("broken", daily(0, 30), RunCommand("build_plan", ("--date=not-a-date",)))
    monkeypatch.setattr(scheduler, "JOBS", (broken,))

    with pytest.raises(CommandError, match="1 of 1 run") as failure:
        scheduler_output("--once", "--now", NIGHT)

    assert failure.value.returncode == 1
    assert JobRun.objects.get(job="broken").error_class == "CommandError"


@pytest.mark.django_db
def test_list_prints_each_job_its_next_slot_and_last_run():
    scheduler_output("--once", "--now", NIGHT)

    output = scheduler_output("--list", "--now", "2025-06-30T12:00:00+08:00")

    assert "Times in Asia/Shanghai; now 2025-06-30 12:00 CST." in output
    assert "build_plan  daily 00:30; after downtime, every missed day" in output
    assert "  runs  manage.py build_plan --date=DAY" in output
    assert "  next  2025-07-01 00:30 CST" in output
    assert "  last  2025-06-30 00:30 CST  succeeded in " in output
    assert "escalate_due_complaints  hourly :05; after downtime, only the newest" in output
    assert "  next  2025-06-30 12:05 CST" in output
    for job in ALL_JOBS:
        assert f"\n{job}  " in output


@pytest.mark.django_db
def test_list_of_jobs_that_never_ran():
    output = scheduler_output("--list", "--now", NIGHT)

    assert output.count("  last  never") == len(ALL_JOBS)


@pytest.mark.django_db
def test_now_without_an_offset_is_read_in_the_operating_zone(settings):
    settings.SCHEDULE_TIME_ZONE = "America/New_York"

    output = scheduler_output("--list", "--now", "2026-11-01T01:30")

    assert "Times in America/New_York; now 2026-11-01 01:30 EDT." in output


def test_now_must_be_a_moment():
    with pytest.raises(CommandError, match="--now must be an ISO 8601"):
        scheduler_output("--once", "--now", "tomorrow")


def test_now_goes_with_once_or_list():
    with pytest.raises(CommandError, match="--now goes with --once or --list"):
        scheduler_output("--now", NIGHT)


def test_once_and_list_exclude_each_other():
    with pytest.raises(CommandError):
        scheduler_output("--once", "--list")


def test_the_loop_stops_cleanly_on_sigterm(monkeypatch):
    ticks = []

    def tick(zone, stop):
        ticks.append(datetime.now(UTC))
        os.kill(os.getpid(), signal.SIGTERM)  # as a service manager would, between ticks

    monkeypatch.setattr(scheduler, "_tick", tick)
    before = (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT))
    try:
        scheduler_output()
    finally:
        signal.signal(signal.SIGTERM, before[0])
        signal.signal(signal.SIGINT, before[1])

    assert len(ticks) == 1


def test_a_stop_request_cuts_the_sleep_short():
    before = (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT))
    stopper = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
    try:
        stop = scheduler._StopRequest()
        started = time.monotonic()
        stopper.start()
        stop.sleep(30)
    finally:
        stopper.cancel()
        signal.signal(signal.SIGTERM, before[0])
        signal.signal(signal.SIGINT, before[1])

    assert stop.requested
    assert time.monotonic() - started < 5
