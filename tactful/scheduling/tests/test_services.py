"""Claiming slots and running jobs: once per slot, failures recorded, the rest carry on."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tactful.scheduling.jobs import EnqueueTask, Job, RunCommand
from tactful.scheduling.models import JobRun, Outcome
from tactful.scheduling.services import claim_run, due_runs, run_due
from tactful.scheduling.slots import daily, hourly

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = timedelta(days=7)
# 01:30 on 2 March 2026 in Shanghai.
NIGHT = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)

PURGE = Job("purge", daily(1, 0), RunCommand("purge_expired_records"))
BROKEN = Job("broken", daily(0, 30), RunCommand("build_plan", ("--date=not-a-date",)))
BROKEN_TASK = Job(
    "broken_task", daily(0, 40), EnqueueTask("tactful.loans.tasks.snapshot_delinquency")
)
ESCALATE = Job(
    "escalate", hourly(5), EnqueueTask("tactful.complaints.tasks.escalate_due_complaints_task")
)


def test_a_second_claim_of_the_same_slot_loses():
    first = claim_run(job="purge", scheduled_for=NIGHT)
    second = claim_run(job="purge", scheduled_for=NIGHT)

    assert first is not None
    assert first.outcome == Outcome.RUNNING
    assert second is None
    assert JobRun.objects.filter(job="purge").count() == 1


def test_the_same_slot_of_another_job_is_claimed_separately():
    assert claim_run(job="purge", scheduled_for=NIGHT) is not None
    assert claim_run(job="escalate", scheduled_for=NIGHT) is not None


def test_a_slot_claimed_by_another_scheduler_is_not_run_here():
    slot = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)  # 01:00 in Shanghai
    claim_run(job="purge", scheduled_for=slot)

    assert run_due(now=NIGHT, zone=SHANGHAI, window=WEEK, jobs=[PURGE]) == []


def test_a_due_run_is_recorded_with_its_times_and_outcome():
    (run,) = run_due(now=NIGHT, zone=SHANGHAI, window=WEEK, jobs=[PURGE])

    run.refresh_from_db()
    assert run.scheduled_for == datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    assert run.outcome == Outcome.SUCCEEDED
    assert run.error_class == ""
    assert run.finished_at >= run.started_at
    assert run.duration >= timedelta(0)


def test_a_failing_job_is_recorded_as_failed_and_the_others_still_run():
    runs = run_due(now=NIGHT, zone=SHANGHAI, window=WEEK, jobs=[BROKEN, BROKEN_TASK, PURGE])

    outcomes = {run.job: (run.outcome, run.error_class) for run in runs}
    assert outcomes == {
        "broken": (Outcome.FAILED, "CommandError"),
        # Run at once by the tests' immediate backend: the task's own exception's class.
        "broken_task": (Outcome.FAILED, "TypeError"),
        "purge": (Outcome.SUCCEEDED, ""),
    }
    assert all(run.finished_at and run.duration is not None for run in runs)


def test_a_failed_job_runs_its_next_slot_as_usual():
    run_due(now=NIGHT, zone=SHANGHAI, window=WEEK, jobs=[BROKEN])

    nothing = run_due(now=NIGHT + timedelta(hours=1), zone=SHANGHAI, window=WEEK, jobs=[BROKEN])
    (tomorrow,) = run_due(now=NIGHT + timedelta(days=1), zone=SHANGHAI, window=WEEK, jobs=[BROKEN])

    assert nothing == []
    assert tomorrow.scheduled_for == datetime(2026, 3, 2, 16, 30, tzinfo=UTC)
    assert JobRun.objects.filter(job="broken").count() == 2


def test_missed_days_run_oldest_first_and_jobs_of_one_slot_in_table_order():
    plan = Job("plan", daily(0, 30), RunCommand("build_plan", day_option="--date"))
    also = Job("also", daily(0, 30), RunCommand("purge_expired_records", day_option=None))
    run_due(now=NIGHT, zone=SHANGHAI, window=WEEK, jobs=[plan, also])

    due = due_runs(now=NIGHT + timedelta(days=3), zone=SHANGHAI, window=WEEK, jobs=[plan, also])

    assert [(run.job.name, run.slot.day) for run in due] == [
        ("plan", date(2026, 3, 3)),
        ("plan", date(2026, 3, 4)),
        ("plan", date(2026, 3, 5)),
        ("also", date(2026, 3, 5)),
    ]


def test_missed_slots_beyond_the_window_are_dropped_and_logged(caplog):
    plan = Job("plan", daily(0, 30), RunCommand("build_plan", day_option="--date"))
    claim_run(job="plan", scheduled_for=NIGHT - timedelta(days=30))

    with caplog.at_level("WARNING", logger="tactful.scheduling"):
        due = due_runs(now=NIGHT, zone=SHANGHAI, window=WEEK, jobs=[plan])

    assert len(due) == 7
    assert "job plan: missed slots over 7 days old are not made up" in caplog.text


def test_a_stop_request_leaves_the_remaining_slots_for_later():
    runs = run_due(
        now=NIGHT, zone=SHANGHAI, window=WEEK, jobs=[PURGE, ESCALATE], should_stop=lambda: True
    )

    assert runs == []
    assert JobRun.objects.count() == 0


def test_an_enqueued_task_runs_with_the_slots_day(monkeypatch):
    seen = []
    monkeypatch.setattr(
        "tactful.loans.tasks.record_delinquency_snapshots",
        lambda *, as_of: seen.append(as_of) or 0,
    )
    snapshot = Job(
        "snapshot",
        daily(0, 5),
        EnqueueTask("tactful.loans.tasks.snapshot_delinquency", "as_of", day_offset=-1),
    )

    run_due(now=NIGHT, zone=SHANGHAI, window=WEEK, jobs=[snapshot])

    # The slot of 2 March records the day that closed, 1 March.
    assert seen == [date(2026, 3, 1)]


def test_run_records_hold_no_message_of_the_failure():
    run_due(now=NIGHT, zone=SHANGHAI, window=WEEK, jobs=[BROKEN])

    run = JobRun.objects.get(job="broken")
    assert "not-a-date" not in str(run.__dict__)
