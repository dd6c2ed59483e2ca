"""The scheduled jobs: what runs when, in the operating time zone (SCHEDULE_TIME_ZONE).

Each job either calls a management command or enqueues a Django Task. A job whose action
is told the day it runs for (`day_option`, `day_argument`) and runs daily catches up: each
day missed while no scheduler ran is run once, oldest first. Any other job runs only its
newest missed slot. docs/operations.md has this table in prose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus

from tactful.scheduling.slots import Cadence, Timing, daily, hourly


class TaskFailed(Exception):
    """A task run at once (the immediate backend) failed; `error_class` names its exception."""

    def __init__(self, error_class: str) -> None:
        super().__init__(error_class)
        self.error_class = error_class


@dataclass(frozen=True)
class RunCommand:
    """Call `manage.py COMMAND ARGUMENTS`, with `DAY_OPTION=YYYY-MM-DD` when it takes a day."""

    command: str
    arguments: tuple[str, ...] = ()
    day_option: str | None = None

    @property
    def takes_day(self) -> bool:
        return self.day_option is not None

    def describe(self) -> str:
        day = [f"{self.day_option}=DAY"] if self.day_option else []
        return " ".join(["manage.py", self.command, *self.arguments, *day])

    def run(self, day: date) -> None:
        day_arguments = [f"{self.day_option}={day.isoformat()}"] if self.day_option else []
        # What commands print is for a person at a terminal; the run's row is the record.
        call_command(
            self.command, *self.arguments, *day_arguments, stdout=StringIO(), stderr=StringIO()
        )


@dataclass(frozen=True)
class EnqueueTask:
    """Enqueue the task at `path`, its `day_argument` the slot's day plus `day_offset` days."""

    path: str
    day_argument: str | None = None
    day_offset: int = 0

    @property
    def takes_day(self) -> bool:
        return self.day_argument is not None

    def describe(self) -> str:
        if self.day_argument is None:
            return f"task {self.path}"
        day = "DAY" if not self.day_offset else f"DAY{self.day_offset:+d}"
        return f"task {self.path}({self.day_argument}={day})"

    def run(self, day: date) -> None:
        kwargs = {}
        if self.day_argument is not None:
            kwargs[self.day_argument] = (day + timedelta(days=self.day_offset)).isoformat()
        result = import_string(self.path).enqueue(**kwargs)
        # Queued for db_worker, the run's success is the enqueueing; the immediate backend
        # has already run it and says how that went.
        if result.status == TaskResultStatus.FAILED:
            raise TaskFailed(result.errors[-1].exception_class_path.rsplit(".", 1)[-1])


Action = RunCommand | EnqueueTask


@dataclass(frozen=True)
class Job:
    name: str
    timing: Timing
    action: Action

    @property
    def every_missed(self) -> bool:
        """Whether each missed slot runs (daily, told its day) or only the newest."""
        return self.timing.cadence is Cadence.DAILY and self.action.takes_day


# In the order they run when several are due at once. After midnight, the day that
# closed is recorded before the new day's collections and plan change anything.
JOBS: tuple[Job, ...] = (
    Job(
        "snapshot_delinquency",
        daily(0, 5),
        EnqueueTask("tactful.loans.tasks.snapshot_delinquency", "as_of", day_offset=-1),
    ),
    Job("repayment_day", daily(0, 15), RunCommand("repayment_day", day_option="--as-of")),
    Job("build_plan", daily(0, 30), RunCommand("build_plan", day_option="--date")),
    # Takes no day: erasure is due once retention has ended, whenever it runs.
    Job("purge_expired_records", daily(1, 0), RunCommand("purge_expired_records")),
    # Takes no day either: it prepares this month and the next three (PostgreSQL's monthly
    # partitions, docs/capacity.md), so months of missed runs still lose nothing.
    Job("prepare_partitions", daily(1, 10), RunCommand("prepare_partitions")),
    # A signed checkpoint of the audit chain's head, stored outside the database: the
    # newest hour of events is the most a truncation could remove unseen.
    Job("audit_checkpoint", hourly(0), RunCommand("audit_checkpoint")),
    # On the hour: quiet hours end on the hour, so a held apology leaves when they do.
    Job(
        "send_due_complaint_replies",
        hourly(0),
        EnqueueTask("tactful.complaints.tasks.send_due_replies_task"),
    ),
    Job(
        "escalate_due_complaints",
        hourly(5),
        EnqueueTask("tactful.complaints.tasks.escalate_due_complaints_task"),
    ),
    Job(
        "retry_complaint_acknowledgements",
        hourly(10),
        EnqueueTask("tactful.complaints.tasks.retry_acknowledgements_task"),
    ),
    Job(
        "send_due_invitations",
        hourly(15),
        EnqueueTask("tactful.consent.tasks.send_due_invitations_task"),
    ),
    # Yesterday's and today's figures of the oversight dashboards, counted again: the
    # hour's records join today's, and the day that closed is final from 00:25.
    Job(
        "roll_up_oversight", hourly(25), EnqueueTask("tactful.oversight.tasks.roll_up_recent_task")
    ),
)
