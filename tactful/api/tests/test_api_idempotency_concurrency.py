from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from django.db import connection

from tactful.loans.models import LedgerEntry
from tactful.testing.api import ApiClient, create_loan, issue_test_key

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

THREADS = 8
PAYMENT = {"amount": "500.00", "value_date": "2025-03-01"}


def pay(token: str, start: threading.Barrier, responses: list[TestResponse]) -> None:
    try:
        start.wait()
        responses.append(ApiClient(token).post("/loans/l-1/payments", PAYMENT, key="same-key"))
    finally:
        # Each thread has its own connection; leave none open for the test database's teardown.
        connection.close()


@pytest.mark.db_concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_parallel_retries_with_one_key_post_the_payment_once() -> None:
    create_loan("l-1")
    token = issue_test_key("payments:write")
    start = threading.Barrier(THREADS)
    responses: list[TestResponse] = []
    threads = [threading.Thread(target=pay, args=(token, start, responses)) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(responses) == THREADS
    assert LedgerEntry.objects.count() == 1
    created = [r for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code != 201]
    assert created, "one of them must have posted the payment"
    assert {r.content for r in created} == {created[0].content}
    assert {(r.status_code, r.json()["code"]) for r in refused} <= {(409, "request_in_progress")}
