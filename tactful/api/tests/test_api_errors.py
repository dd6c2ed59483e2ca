import re

import pytest
from django.test import Client

from tactful.api.borrowers import router as borrowers_api
from tactful.api.errors import validation_problems
from tactful.borrowers.models import Borrower
from tactful.testing.api import API, borrower_body, create_loan

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    return body


@pytest.mark.parametrize(
    "body", ['{"name": ', "not json", b"\xff\xfe", '{"n": NaN}', "[" * 100_000 + "]" * 100_000]
)
def test_a_body_that_is_not_json_is_malformed(client, body):
    response = client.put("/borrowers/b-1", body)
    assert_error(response, 400, "malformed_json")
    assert Borrower.objects.count() == 0


@pytest.mark.parametrize("body", ["[]", '"text"', "12", "null"])
def test_json_that_is_not_an_object_is_invalid_input_on_the_body(client, body):
    error = assert_error(client.put("/borrowers/b-1", body), 422, "invalid_input")
    assert list(error["fields"]) == ["body"]


def test_validation_errors_name_each_field_by_its_dotted_path(client):
    body = borrower_body(phones=["+8613123456789", 7], preferred_language="fr", surname="王")
    error = assert_error(client.put("/borrowers/b-1", body), 422, "invalid_input")
    assert set(error["fields"]) == {"phones.1", "preferred_language", "surname"}
    assert "phones.1:" in error["message"]


def test_service_field_names_use_the_same_dotted_paths(client):
    body = borrower_body(phones=["+8613123456789", "12"])
    error = assert_error(client.put("/borrowers/b-1", body), 422, "invalid_input")
    assert set(error["fields"]) == {"phones.1"}


def test_a_bad_path_or_query_parameter_is_invalid_input(client):
    create_loan()
    error = assert_error(client.get("/loans/l-1", as_of="31/01/2025"), 422, "invalid_input")
    assert error["fields"] == {"as_of": "must be a date written YYYY-MM-DD"}
    error = assert_error(client.get("/loans/bad%20id"), 422, "invalid_input")
    assert set(error["fields"]) == {"external_id"}


def test_an_unknown_object_or_path_is_not_found(client):
    assert_error(client.get("/loans/nope"), 404, "not_found")
    assert_error(client.get("/no/such/path"), 404, "not_found")
    assert_error(client.get("/loans/a%2Fb"), 404, "not_found")


def test_an_unexpected_failure_is_a_json_500_that_does_not_leak_its_message(client, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("王小明 11010519491231002X")

    monkeypatch.setattr(borrowers_api, "upsert_borrower", explode)
    body = assert_error(client.put("/borrowers/b-1", borrower_body()), 500, "internal_error")
    assert "王小明" not in body["message"]


def test_validation_problems_join_several_problems_of_one_field():
    errors = [
        {"loc": ("body", "body", "amount"), "msg": "first", "type": "x"},
        {"loc": ("body", "body", "amount"), "msg": "second", "type": "x"},
        {"loc": ("query", "as_of"), "msg": "bad", "type": "x"},
    ]
    assert validation_problems(errors) == {"amount": "first; second", "as_of": "bad"}


def test_the_openapi_schema_describes_every_operation_and_both_key_schemes(client):
    schema = client.client.get(f"{API}/openapi.json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert operations == {
        "putBorrower",
        "putLoan",
        "getLoanStatus",
        "getLoanSchedule",
        "getLoanDelinquency",
        "postPayment",
        "postReversal",
        "postFee",
        "postPermit",
        "postPermitOutcome",
        "getNextAllowed",
        "getBorrowerRecipients",
        "uploadRecording",
        "getRecording",
        "planBudget",
        "getRepaymentStatus",
        "getOffers",
        "postOffers",
        "acceptOffer",
        "getPauses",
        "postPause",
        "resumePause",
        "getPromises",
        "postPromise",
        "getMandates",
        "postMandate",
        "cancelMandate",
        "getPoints",
        "redeemPoints",
        "postComplaint",
        "getConsentNotices",
        "getBorrowerConsents",
        "getBorrowerConsentEvents",
        "postBorrowerConsentEvent",
        "getEmergencyContacts",
        "postEmergencyContact",
        "deleteEmergencyContact",
        "getBorrowerPersonalData",
        "postRightsRequest",
        "getRightsRequests",
        "getBorrowerContactLedger",
        "postVerification",
    }
    assert set(schema["components"]["securitySchemes"]) == {"BearerApiKey", "HeaderApiKey"}
    payment = schema["paths"]["/api/v1/loans/{external_id}/payments"]["post"]
    assert {"in": "header", "name": "Idempotency-Key", "required": True}.items() <= next(
        p for p in payment["parameters"] if p["name"] == "Idempotency-Key"
    ).items()


def test_the_docs_page_loads_its_scripts_from_our_own_static_files(client):
    response = client.client.get(f"{API}/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert re.findall(r"https?://", html) == []


def test_an_unsupported_method_is_a_json_405_that_names_the_allowed_ones(client):
    response = client.client.delete(
        f"{API}/loans/l-1", headers={"Authorization": f"Bearer {client.token}"}
    )
    body = assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
    assert "GET" in body["message"]


def test_api_posts_need_no_csrf_token_because_keys_are_not_cookies(client):
    create_loan()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"{API}/loans/l-1/payments",
        {"amount": "10.00", "value_date": "2025-02-15"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}", "Idempotency-Key": "csrf-1"},
    )
    assert response.status_code == 201
