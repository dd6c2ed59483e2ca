import pytest
from django.utils import timezone

from tactful.accounts.models import ApiKey
from tactful.api.keys import SCOPES, revoke_key
from tactful.api.models import IdempotentRequest
from tactful.audit.models import AuditEvent
from tactful.borrowers.models import Borrower
from tactful.loans.models import LedgerEntry
from tactful.testing.api import ApiClient, borrower_body, create_loan, issue_test_key

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PAYMENT = {"amount": "100.00", "value_date": "2025-03-01"}


def nothing_stored(events_before: int) -> bool:
    return (
        Borrower.objects.filter(external_id="b-new").count() == 0
        and LedgerEntry.objects.count() == 0
        and IdempotentRequest.objects.count() == 0
        and AuditEvent.objects.count() == events_before
    )


def test_a_request_without_a_key_is_unauthenticated_and_stores_nothing():
    events = AuditEvent.objects.count()
    response = ApiClient(None).put("/borrowers/b-new", borrower_body())
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert nothing_stored(events)


@pytest.mark.parametrize(
    "token",
    ["nonsense", "tk_", "tk_abcdef12_", "tk_00000000_" + "x" * 43, "Basic dXNlcjpwYXNz"],
)
def test_an_unknown_or_malformed_key_is_unauthenticated(token):
    issue_test_key()
    events = AuditEvent.objects.count()
    response = ApiClient(token).put("/borrowers/b-new", borrower_body())
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": response.json()["message"],
        "fields": {},
    }
    assert nothing_stored(events)


def test_a_key_with_the_right_prefix_and_a_wrong_secret_is_unauthenticated():
    token = issue_test_key()
    prefix = token.split("_")[1]
    response = ApiClient(f"tk_{prefix}_wrong-secret").get("/loans/l-1")
    assert response.status_code == 401


def test_a_revoked_key_is_unauthenticated_from_the_next_request_on():
    loan = create_loan()
    token = issue_test_key()
    client = ApiClient(token)
    assert client.get(f"/loans/{loan.external_id}").status_code == 200
    revoke_key(prefix=token.split("_")[1], actor="test", reason="leaked")
    events = AuditEvent.objects.count()

    response = client.post(f"/loans/{loan.external_id}/payments", PAYMENT)

    assert response.status_code == 401
    assert LedgerEntry.objects.count() == 0
    assert IdempotentRequest.objects.count() == 0
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("method", "path", "scope_needed"),
    [
        ("put", "/borrowers/b-new", "borrowers:write"),
        ("put", "/loans/l-1", "loans:write"),
        ("get", "/loans/l-1", "loans:read"),
        ("get", "/loans/l-1/schedule", "loans:read"),
        ("get", "/loans/l-1/delinquency", "loans:read"),
        ("post", "/loans/l-1/payments", "payments:write"),
        ("post", "/loans/l-1/fees", "payments:write"),
        (
            "post",
            "/loans/l-1/entries/3fa85f64-5717-4562-b3fc-2c963f66afa6/reversal",
            "payments:write",
        ),
        ("get", "/borrowers/b-1/consents", "consent:read"),
        ("post", "/borrowers/b-1/consent-events", "consent:write"),
        ("get", "/borrowers/b-1/personal-data", "rights:export"),
        ("get", "/borrowers/b-1/rights-requests", "rights:read"),
        ("post", "/borrowers/b-1/rights-requests", "rights:write"),
        ("get", "/borrowers/b-1/contact-ledger", "rights:read"),
        ("post", "/verifications", "verifications:read"),
    ],
)
def test_a_key_without_the_scope_is_forbidden_and_stores_nothing(method, path, scope_needed):
    create_loan()
    other_scopes = [scope for scope in SCOPES if scope != scope_needed]
    client = ApiClient(issue_test_key(*other_scopes))
    events = AuditEvent.objects.count()

    if method == "get":
        response = client.get(path)
    elif method == "put":
        response = client.put(path, borrower_body())
    else:
        response = client.post(path, PAYMENT)

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_scope"
    assert scope_needed in response.json()["message"]
    assert nothing_stored(events)
    assert ApiKey.objects.get().last_used_at is None


def test_the_key_may_come_as_an_x_api_key_header():
    create_loan()
    token = issue_test_key("loans:read")
    response = ApiClient(None).client.get("/api/v1/loans/l-1", headers={"X-API-Key": token})
    assert response.status_code == 200


def test_a_used_key_records_when_it_was_last_used():
    create_loan()
    client = ApiClient(issue_test_key("loans:read"))
    before = timezone.now()
    client.get("/loans/l-1")
    assert ApiKey.objects.get().last_used_at >= before


def test_actions_are_attributed_to_the_key_prefix_in_the_audit_trail():
    token = issue_test_key("borrowers:write")
    ApiClient(token).put("/borrowers/b-new", borrower_body())
    event = AuditEvent.objects.get(action="borrower.created")
    assert event.actor == f"api-key:{token.split('_')[1]}"
