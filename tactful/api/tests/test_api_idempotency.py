import hashlib
import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tactful.accounts.models import ApiKey
from tactful.api.idempotency import CLAIM_LEASE
from tactful.api.models import IdempotentRequest
from tactful.loans import services
from tactful.loans.models import LedgerEntry
from tactful.testing.api import ApiClient, create_borrower, create_loan, issue_test_key

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PAYMENT = {"amount": "500.00", "value_date": "2025-03-01", "external_reference": "bank-1"}
PAYMENTS = "/loans/l-1/payments"


@pytest.fixture(autouse=True)
def loan():
    return create_loan("l-1")


def test_a_retry_with_the_same_key_and_body_gets_the_first_response_again_exactly(client):
    first = client.post(PAYMENTS, PAYMENT, key="pay-1")
    # Same body, other key order and spacing: the canonical JSON is the same.
    retry = client.post(
        PAYMENTS,
        '{"value_date":"2025-03-01",  "external_reference": "bank-1", "amount": "500.00"}',
        key="pay-1",
    )
    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert retry["Idempotent-Replayed"] == "true"
    assert LedgerEntry.objects.count() == 1
    assert IdempotentRequest.objects.get().status_code == 201


def test_the_same_key_with_another_body_is_a_conflict_and_changes_nothing(client):
    client.post(PAYMENTS, PAYMENT, key="pay-1")
    response = client.post(PAYMENTS, {**PAYMENT, "amount": "600.00"}, key="pay-1")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert LedgerEntry.objects.count() == 1


def test_the_same_key_on_another_path_is_a_conflict(client):
    create_loan("l-2", borrower=create_borrower("b-2", "+12025550123"))
    client.post(PAYMENTS, PAYMENT, key="pay-1")
    response = client.post("/loans/l-2/payments", PAYMENT, key="pay-1")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("key", [None, "", "x" * 201, "with space", "非ASCII"])
def test_a_money_post_without_a_usable_key_is_refused_and_stores_nothing(client, key):
    if key is None:
        response = client.post(PAYMENTS, PAYMENT, key=None)
    else:
        response = client.client.post(
            "/api/v1" + PAYMENTS,
            PAYMENT,
            content_type="application/json",
            headers={"Authorization": f"Bearer {client.token}", "Idempotency-Key": key},
        )
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    assert LedgerEntry.objects.count() == 0
    assert IdempotentRequest.objects.count() == 0


def test_a_key_is_private_to_the_api_key_that_used_it(client):
    other = ApiClient(issue_test_key("payments:write"))
    assert client.post(PAYMENTS, PAYMENT, key="pay-1").status_code == 201
    assert other.post(PAYMENTS, PAYMENT, key="pay-1").status_code == 201
    assert LedgerEntry.objects.count() == 2


def claim(key: str, *, age: timedelta) -> IdempotentRequest:
    """Store the claim a request for PAYMENT leaves while it runs, or after it crashed."""
    canonical = json.dumps(PAYMENT, sort_keys=True, separators=(",", ":"))
    return IdempotentRequest.objects.create(
        api_key=ApiKey.objects.get(),
        key=key,
        method="POST",
        path=f"/api/v1{PAYMENTS}",
        body_digest=hashlib.sha256(canonical.encode()).hexdigest(),
        claim_token=uuid.uuid4(),
        claimed_at=timezone.now() - age,
    )


def test_a_request_still_in_progress_with_the_key_is_a_conflict(client):
    claim("pay-1", age=timedelta(seconds=1))
    response = client.post(PAYMENTS, PAYMENT, key="pay-1")
    assert response.status_code == 409
    assert response.json()["code"] == "request_in_progress"
    assert LedgerEntry.objects.count() == 0


def test_a_claim_left_by_a_crashed_request_is_taken_over_after_the_lease(client):
    claim("pay-1", age=CLAIM_LEASE + timedelta(seconds=1))
    response = client.post(PAYMENTS, PAYMENT, key="pay-1")
    assert response.status_code == 201
    assert LedgerEntry.objects.count() == 1
    assert IdempotentRequest.objects.get().status_code == 201


def test_a_failure_inside_the_effect_stores_neither_effect_nor_record(client, monkeypatch):
    # Fail after the entry and its audit events are written, inside the same transaction.
    real_record_events = services.record_events

    def crash(*, events):
        real_record_events(events=events)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "record_events", crash)
    response = client.post(PAYMENTS, PAYMENT, key="pay-1")

    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "disk on fire" not in response.content.decode()
    assert LedgerEntry.objects.count() == 0
    assert IdempotentRequest.objects.count() == 0

    monkeypatch.setattr(services, "record_events", real_record_events)
    assert client.post(PAYMENTS, PAYMENT, key="pay-1").status_code == 201
    assert LedgerEntry.objects.count() == 1


def test_a_refused_business_request_is_stored_and_replayed(client):
    future = (timezone.now().date() + timedelta(days=3)).isoformat()
    first = client.post(PAYMENTS, {**PAYMENT, "value_date": future}, key="pay-1")
    retry = client.post(PAYMENTS, {**PAYMENT, "value_date": future}, key="pay-1")
    assert first.status_code == retry.status_code == 422
    assert first.json()["fields"] == {"value_date": "must not be in the future"}
    assert retry.content == first.content
    assert LedgerEntry.objects.count() == 0


def test_input_refused_by_the_schema_is_not_stored_so_the_key_stays_usable(client):
    refused = client.post(PAYMENTS, {**PAYMENT, "amount": "-5"}, key="pay-1")
    assert refused.status_code == 422
    assert IdempotentRequest.objects.count() == 0
    assert client.post(PAYMENTS, PAYMENT, key="pay-1").status_code == 201


def test_an_unknown_loan_is_not_found_and_not_stored(client):
    response = client.post("/loans/nope/payments", PAYMENT, key="pay-1")
    assert response.status_code == 404
    assert IdempotentRequest.objects.count() == 0
    assert ApiKey.objects.count() == 1
