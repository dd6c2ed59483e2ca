from __future__ import annotations

import threading

import pytest
from django.db import connection

from tactful.audit.models import AuditEvent
from tactful.audit.services import record_event
from tactful.audit.verification import verify_chain

THREADS = 8
EVENTS_PER_THREAD = 5


def append_events(worker: int, start: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        start.wait()
        for n in range(EVENTS_PER_THREAD):
            record_event(
                actor=f"worker:{worker}", action="test.concurrent", target=("test.thing", str(n))
            )
    except BaseException as error:  # reported to the test below, which fails on it
        errors.append(error)
    finally:
        # Each thread has its own connection; leave none open for the test database's teardown.
        connection.close()


@pytest.mark.db_concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_intact_and_gapless() -> None:
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=append_events, args=(worker, start, errors))
        for worker in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = THREADS * EVENTS_PER_THREAD
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    report = verify_chain()
    assert report.intact, report.problem
    assert report.events_checked == total
