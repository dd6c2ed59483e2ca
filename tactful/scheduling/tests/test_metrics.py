"""Each finished run of a scheduled job is counted by job and outcome, and timed."""

from datetime import timedelta

import pytest

from tactful.scheduling.services import run_due
from tactful.scheduling.tests.test_services import BROKEN, NIGHT, PURGE, SHANGHAI
from tactful.testing.metrics import sample

pytestmark = pytest.mark.django_db


def runs(job: str, outcome: str) -> float:
    return sample("tactful_scheduler_job_runs_total", job=job, outcome=outcome)


def test_runs_are_counted_by_job_and_outcome_and_timed():
    before = {
        "purge": runs("purge", "succeeded"),
        "broken": runs("broken", "failed"),
        "timed": sample("tactful_scheduler_job_duration_seconds_count", job="purge"),
    }

    run_due(now=NIGHT, zone=SHANGHAI, window=timedelta(days=7), jobs=[BROKEN, PURGE])

    assert runs("purge", "succeeded") == before["purge"] + 1
    assert runs("broken", "failed") == before["broken"] + 1
    assert runs("broken", "succeeded") == 0
    assert (
        sample("tactful_scheduler_job_duration_seconds_count", job="purge") == before["timed"] + 1
    )
