"""The job table names real commands and tasks, and gives each the day it expects."""

import inspect

import pytest
from django.core.management import get_commands, load_command_class
from django.utils.module_loading import import_string

from tactful.scheduling.jobs import JOBS, EnqueueTask, RunCommand
from tactful.scheduling.slots import Cadence

COMMANDS = [job for job in JOBS if isinstance(job.action, RunCommand)]
TASKS = [job for job in JOBS if isinstance(job.action, EnqueueTask)]


def test_job_names_are_unique():
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("job", COMMANDS, ids=lambda job: job.name)
def test_a_command_job_names_a_command_that_takes_its_day(job):
    action = job.action
    command = load_command_class(get_commands()[action.command], action.command)
    day = [f"{action.day_option}=2026-03-02"] if action.day_option else []

    options = command.create_parser("manage.py", action.command).parse_args(
        [*action.arguments, *day]
    )

    if action.day_option:
        assert "2026-03-02" in vars(options).values()


@pytest.mark.parametrize("job", TASKS, ids=lambda job: job.name)
def test_a_task_job_names_a_task_that_takes_its_day(job):
    task = import_string(job.action.path)
    parameters = inspect.signature(task.func).parameters
    if job.action.day_argument:
        assert job.action.day_argument in parameters
    else:
        assert all(p.default is not inspect.Parameter.empty for p in parameters.values())


def test_the_jobs_of_the_readme_are_all_scheduled():
    daily = {job.name for job in JOBS if job.timing.cadence is Cadence.DAILY}
    hourly = {job.name for job in JOBS if job.timing.cadence is Cadence.HOURLY}

    assert daily == {
        "snapshot_delinquency",
        "repayment_day",
        "build_plan",
        "purge_expired_records",
        "prepare_partitions",
    }
    assert hourly == {
        "audit_checkpoint",
        "escalate_due_complaints",
        "send_due_complaint_replies",
        "send_due_invitations",
        "retry_complaint_acknowledgements",
        "roll_up_oversight",
    }


def test_only_jobs_told_their_day_catch_up_every_missed_day():
    catching_up = {job.name for job in JOBS if job.every_missed}

    assert catching_up == {"snapshot_delinquency", "repayment_day", "build_plan"}


def test_actions_describe_what_they_run():
    described = {job.name: job.action.describe() for job in JOBS}

    assert described["build_plan"] == "manage.py build_plan --date=DAY"
    assert described["snapshot_delinquency"] == (
        "task tactful.loans.tasks.snapshot_delinquency(as_of=DAY-1)"
    )
    assert described["escalate_due_complaints"] == (
        "task tactful.complaints.tasks.escalate_due_complaints_task"
    )
