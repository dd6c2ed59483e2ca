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


def ask_at_once(loan, recipients, collector) -> tuple[list[str], list[Exception]]:
    """Ask for THREADS call permits at one moment, through `recipients` in turn."""
    start = threading.Barrier(THREADS)
    decisions: list[str] = []
    errors: list[Exception] = []
    threads = [
        threading.Thread(
            target=ask,
            args=(loan, recipients[number % len(recipients)], collector, start, decisions, errors),
        )
        for number in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return decisions, errors


@pytest.mark.db_concurrency
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_requests_for_one_person_yield_exactly_the_cap(loan, recipient, collector):
    decisions, errors = ask_at_once(loan, [recipient], collector)

    assert errors == []
    assert Counter(decisions) == {"allow": CN_CONNECTED_CALLS_PER_DAY, "deny": THREADS - 3}
    assert ContactAttempt.objects.count() == THREADS
    assert ContactAttempt.objects.filter(decision="allow").count() == CN_CONNECTED_CALLS_PER_DAY
    denied = ContactAttempt.objects.filter(decision="deny")
    assert {tuple(attempt.categories) for attempt in denied} == {("frequency",)}


@pytest.mark.db_concurrency
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_through_both_numbers_of_one_person_yield_exactly_the_cap(
    both_numbers, loan, collector
):
    assert len(both_numbers) == 2
    decisions, errors = ask_at_once(loan, both_numbers, collector)

    assert errors == []
    # One person, two records: the cap is the person's, whichever number each asks through.
    assert Counter(decisions) == {"allow": CN_CONNECTED_CALLS_PER_DAY, "deny": THREADS - 3}
