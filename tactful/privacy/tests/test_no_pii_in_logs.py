"""No name, national ID or phone number reaches the logs, even at DEBUG with SQL logged."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.borrowers.models import Borrower
from tactful.contacts.services import certify_collector, recipients_for_borrower
from tactful.testing.api import CN_ID, ApiClient, borrower_body, create_loan, issue_test_key
from tactful.testing.personas import make_staff
from tactful.testing.zones import move_to_daytime

pytestmark = pytest.mark.django_db
PHONE = "+12025550123"
NAME = "王小明"


def pii_fragments() -> list[str]:
    # The national digits alone too, in case something logs a number without its "+".
    return [NAME, CN_ID, PHONE, PHONE.lstrip("+"), PHONE[2:]]


def upsert_borrower_through_the_api() -> Borrower:
    api = ApiClient(issue_test_key("borrowers:write"))
    response = api.put("/borrowers/b-1", borrower_body(phones=[PHONE]))
    assert response.status_code in (200, 201)
    return Borrower.objects.get(external_id="b-1")


def request_a_permit(borrower: Borrower) -> None:
    collector = make_staff("wang.collector", Role.COLLECTOR)
    certify_collector(
        collector=collector,
        certificate_number="CBA-2026-0001",
        valid_from=timezone.now() - timedelta(days=30),
        valid_until=timezone.now() + timedelta(days=365),
        actor="test",
    )
    loan = create_loan("l-1", borrower)
    move_to_daytime(borrower)
    [recipient] = recipients_for_borrower(borrower=borrower)
    api = ApiClient(issue_test_key("permits:write"))
    body = {
        "loan_external_id": loan.external_id,
        "recipient_id": str(recipient.public_id),
        "channel": "call",
        "purpose": "collection",
        "collector": collector.username,
    }
    assert api.post("/permits", body).status_code == 201


def sign_in_to_the_portal(client, sms_outbox, capture_on_commit) -> None:
    with capture_on_commit(execute=True):
        client.post("/portal/sign-in/", {"phone_region": "US", "phone": PHONE})
    code = re.search(r"\b(\d{6})\b", sms_outbox.sent[-1].body)
    assert code is not None
    response = client.post("/portal/sign-in/code/", {"phone": PHONE, "code": code.group(1)})
    assert response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200


def test_a_representative_flow_logs_no_personal_data(
    client, sms_outbox, caplog, django_capture_on_commit_callbacks
):
    for logger in ("", "django", "django.db.backends", "tactful"):
        caplog.set_level(logging.DEBUG, logger=logger)
    # Capturing queries also logs every SQL statement with its parameters at DEBUG, so what
    # reaches the database is scanned too.
    with CaptureQueriesContext(connection):
        borrower = upsert_borrower_through_the_api()
        request_a_permit(borrower)
        sign_in_to_the_portal(client, sms_outbox, django_capture_on_commit_callbacks)

    logged = "\n".join(
        f"{record.name} {record.getMessage()} {getattr(record, 'params', '')}"
        for record in caplog.records
    )
    assert "django.db.backends" in logged  # the SQL was captured, so the scan means something
    for fragment in pii_fragments():
        assert fragment not in logged, f"personal data in the logs: {fragment[:2]}…"
