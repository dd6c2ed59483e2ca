"""Caps hold under concurrency: parallel requests for one person never exceed the cap.

Each thread has its own database connection. On PostgreSQL the person's recipient rows
are locked; on SQLite the IMMEDIATE transaction serializes writers.
"""

import threading
from collections import Counter

import pytest
from django.db import connection

from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt
from tactful.contacts.services import request_permit
from tactful.contacts.tests.conftest import NOW
from tactful.testing.personas import FIRST_PHONE, SECOND_PHONE

THREADS = 50
CN_CONNECTED_CALLS_PER_DAY = 3


def ask(loan, recipient, collector, start, decisions, errors) -> None:
    try:
        start.wait()
        permit = request_permit(
            request=PermitRequest(
                loan=loan,
                recipient=recipient,
                channel="call",
                purpose="collection",
                collector=collector,
            ),
            actor="dialer",
            now=NOW,
        )
        decisions.append(permit.decision)
    except Exception as error:  # the assertion below reports it
        errors.append(error)
    finally:
        # Each thread has its own connection; leave none open for the database's teardown.
        connection.close()


@pytest.mark.db_concurrency
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_requests_for_one_person_yield_exactly_the_cap(loan, recipient, collector):
    start = threading.Barrier(THREADS)
    decisions: list[str] = []
    errors: list[Exception] = []
    threads = [
        threading.Thread(target=ask, args=(loan, recipient, collector, start, decisions, errors))
        for _ in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Counter(decisions) == {"allow": CN_CONNECTED_CALLS_PER_DAY, "deny": THREADS - 3}
    assert ContactAttempt.objects.count() == THREADS
    assert ContactAttempt.objects.filter(decision="allow").count() == CN_CONNECTED_CALLS_PER_DAY
    denied = ContactAttempt.objects.filter(decision="deny")
    assert {tuple(attempt.categories) for attempt in denied} == {("frequency",)}


@pytest.mark.db_concurrency
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_through_both_numbers_of_one_person_yield_exactly_the_cap(
    borrower, loan, collector
):
    from tactful.borrowers.services import BorrowerDetails, upsert_borrower
    from tactful.contacts.services import recipients_for_borrower

    upsert_borrower(
        details=BorrowerDetails(
            external_id="b-1",
            name="李华",
            id_country="cn",
            national_id="11010519491231002X",
            phones=[FIRST_PHONE, SECOND_PHONE],
            timezone_override="Asia/Shanghai",
        ),
        actor="test",
    )
    numbers = recipients_for_borrower(borrower=borrower)
    assert len(numbers) == 2
    start = threading.Barrier(THREADS)
    decisions: list[str] = []
    errors: list[Exception] = []
    threads = [
        threading.Thread(
            target=ask,
            args=(loan, numbers[number % 2], collector, start, decisions, errors),
        )
        for number in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    # One person, two records: the cap is the person's, whichever number each asks through.
    assert Counter(decisions) == {"allow": CN_CONNECTED_CALLS_PER_DAY, "deny": THREADS - 3}
