"""Schedulers racing for the same slot: exactly one of them gets to run it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from tactful.scheduling.models import JobRun
from tactful.scheduling.services import claim_run

SCHEDULERS = 6
SLOT = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)


def claim(start: threading.Barrier, won: list[bool], errors: list[BaseException]) -> None:
    try:
        start.wait()
        won.append(claim_run(job="build_plan", scheduled_for=SLOT) is not None)
    except BaseException as error:  # reported to the test below, which fails on it
        errors.append(error)
    finally:
        # Each thread has its own connection; leave none open for the test database's teardown.
        connection.close()


@pytest.mark.db_concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_of_one_slot_have_one_winner() -> None:
    start = threading.Barrier(SCHEDULERS)
    won: list[bool] = []
    errors: list[BaseException] = []
    threads = [threading.Thread(target=claim, args=(start, won, errors)) for _ in range(SCHEDULERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(won) == [False] * (SCHEDULERS - 1) + [True]
    assert JobRun.objects.filter(job="build_plan", scheduled_for=SLOT).count() == 1
