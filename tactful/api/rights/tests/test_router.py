"""The rights API: a borrower's copy of their data, corrections, erasure, and the contact ledger.

Requests are recorded on the real clock, as an integrator's would be; permits and staff
answers that need a time of day pass an explicit daytime `NOW`.
"""

import json
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tactful.accounts.roles import Role
from tactful.api.keys import SCOPES
from tactful.api.models import IdempotentRequest
from tactful.audit.documents import check_signature
from tactful.audit.models import AuditEvent
from tactful.consent import services
from tactful.consent.models import EmergencyContact
from tactful.contacts import evidence
from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import recipients_for_borrower, request_permit
from tactful.contacts.tests.conftest import NOW
from tactful.rights import selectors as rights_read
from tactful.rights import services as rights
from tactful.rights.models import RightsRequest, RightsStatus
from tactful.testing.api import API, ApiClient, issue_test_key
from tactful.testing.personas import (
    FIRST_PHONE,
    SECOND_PHONE,
    VALID_CN_ID,
    make_borrower,
    make_staff,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

CONTACT = "+8613100001234"
NEW_NAME = "李小华"
NOTE = "户口本上的名字改了"
EVIDENCE = {"method": "app_session", "reference": "sess-7f3a9c"}
REJECTION = "The name on the ID card you sent is still 李华."
REQUESTS = "/borrowers/b-1/rights-requests"


def TRUSTED() -> dict[str, bytes]:  # noqa: N802
    return settings.AUDIT_KEYS.trusted_public_keys


@pytest.fixture
def api(db) -> ApiClient:
    return ApiClient(issue_test_key("rights:read", "rights:write"))


@pytest.fixture
def exporter(db) -> ApiClient:
    return ApiClient(issue_test_key("rights:export"))


@pytest.fixture
def other_borrower(db):
    return make_borrower(external_id="b-2", phone=SECOND_PHONE, name="赵敏")


def correction(**overrides):
    return {
        "kind": "correction",
        "field": "name",
        "value": NEW_NAME,
        "note": NOTE,
        "evidence": EVIDENCE,
        **overrides,
    }


def erasure(**overrides):
    return {"kind": "erasure", "evidence": EVIDENCE, **overrides}


def designate(borrower):
    return services.designate_emergency_contact(
        borrower=borrower,
        phone=CONTACT,
        relationship="sibling",
        language="zh-hans",
        actor="test",
        name="张伟",
        now=NOW,
    )


def text(recipient):
    return request_permit(
        request=PermitRequest(
            loan=None,
            recipient=recipient,
            channel="sms",
            purpose="service",
            automated=True,
            content="您好，这是一条服务通知。",
        ),
        actor="t",
        now=NOW,
    )


def counts() -> tuple[int, int, int]:
    """What a refused request must leave as it was."""
    return (
        RightsRequest.objects.count(),
        AuditEvent.objects.filter(action__startswith="rights.").count(),
        EmergencyContact.objects.filter(removed_at__isnull=False).count(),
    )


def get_in_english(client: ApiClient, path: str):
    """GET as an integrator asking for English, whatever language an earlier test left on."""
    return client.client.get(f"{API}{path}", headers={**client._headers(), "Accept-Language": "en"})


def readable(response) -> str:
    """The body with Chinese written as itself, not as JSON escapes."""
    return json.dumps(response.json(), ensure_ascii=False)


def prefix_of(client: ApiClient) -> str:
    assert client.token is not None
    return client.token.split("_")[1]


class TestPersonalData:
    def test_the_answer_is_the_portal_s_export_and_is_recorded_as_one(
        self, exporter, borrower, loan
    ):
        designate(borrower)
        with translation.override("en"):
            expected = rights_read.export_of(borrower, now=NOW)

        response = get_in_english(exporter, "/borrowers/b-1/personal-data")

        assert response.status_code == 200
        document = response.json()
        # Made at another instant: the time differs, and so the signature over it.
        varying = ("generated_at", "signature")
        assert {k: v for k, v in document.items() if k not in varying} == {
            k: v for k, v in expected.items() if k not in varying
        }
        assert document["borrower"]["national_id"] == VALID_CN_ID
        assert document["emergency_contacts"][0]["phone"] == CONTACT
        [request] = RightsRequest.objects.all()
        assert (request.kind, rights_read.status_of(request)) == ("export", RightsStatus.COMPLETED)
        assert request.requested_by == f"api-key:{prefix_of(exporter)}"
        event = AuditEvent.objects.get(action="rights.completed")
        assert event.actor == f"api-key:{prefix_of(exporter)}"
        assert VALID_CN_ID not in json.dumps(event.payload)
        assert check_signature(document, TRUSTED()).verifies

    def test_no_other_scope_implies_the_export(self, borrower):
        everything_else = [scope for scope in SCOPES if scope != "rights:export"]

        response = ApiClient(issue_test_key(*everything_else)).get("/borrowers/b-1/personal-data")

        assert response.status_code == 403
        assert response.json()["code"] == "forbidden_scope"
        assert counts() == (0, 0, 0)

    def test_another_borrower_s_data_is_never_in_the_answer(
        self, exporter, borrower, other_borrower
    ):
        second = readable(exporter.get("/borrowers/b-2/personal-data"))
        first = readable(exporter.get("/borrowers/b-1/personal-data"))

        assert "赵敏" in second
        assert "李华" not in second
        assert FIRST_PHONE not in second
        assert "赵敏" not in first
        assert SECOND_PHONE not in first

    def test_an_unknown_borrower_is_404_and_nothing_is_recorded(self, exporter, borrower):
        response = exporter.get("/borrowers/b-9/personal-data")

        assert response.status_code == 404
        assert response.json()["code"] == "borrower_not_found"
        assert counts() == (0, 0, 0)


class TestCorrections:
    def test_a_correction_waits_on_the_desk_with_its_value_kept_encrypted(self, api, borrower):
        response = api.post(REQUESTS, correction())

        assert response.status_code == 201
        body = response.json()
        request = RightsRequest.objects.get()
        assert body["reference"] == str(request.reference)
        assert {k: body[k] for k in ("kind", "field", "status", "channel", "evidence")} == {
            "kind": "correction",
            "field": "name",
            "status": "received",
            "channel": "api",
            "evidence": EVIDENCE,
        }
        assert body["rejection_reason"] is None
        assert body["status_changed_at"] == body["requested_at"]
        assert NEW_NAME not in readable(response)
        assert NOTE not in readable(response)
        assert NEW_NAME not in request.value_encrypted
        assert (request.requested_by, request.evidence) == (f"api-key:{prefix_of(api)}", EVIDENCE)
        assert [row.request for row in rights_read.desk().waiting] == [request]

    def test_a_retry_with_the_same_key_records_once(self, api, borrower):
        first = api.post(REQUESTS, correction(), key="rights-1")
        again = api.post(REQUESTS, correction(), key="rights-1")

        assert again.status_code == 201
        assert again.content == first.content
        assert again["Idempotent-Replayed"] == "true"
        assert RightsRequest.objects.count() == 1

    def test_without_an_idempotency_key_nothing_is_recorded(self, api, borrower):
        response = api.post(REQUESTS, correction(), key=None)

        assert response.status_code == 400
        assert response.json()["code"] == "idempotency_key_required"
        assert counts() == (0, 0, 0)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            (correction(field="salary"), "field"),
            (correction(field=None), "field"),
            (correction(value=None), "value"),
            (correction(value="   "), "value"),
            (correction(value="李" * 201), "value"),
            (correction(note="x" * 1001), "note"),
            (correction(note="bad\x00note"), "note"),
            (correction(kind="rename"), "kind"),
            (correction(evidence={"method": "app_session"}), "evidence.reference"),
            (correction(evidence={**EVIDENCE, "reference": "13100001234"}), "evidence.reference"),
            (correction(evidence={**EVIDENCE, "name": NEW_NAME}), "evidence.name"),
            (erasure(field="name"), "field"),
            (erasure(value=NEW_NAME), "value"),
            (correction(surprise=1), "surprise"),
            ({"kind": "correction", "field": "name", "value": NEW_NAME}, "evidence"),
        ],
    )
    def test_bad_input_is_422_naming_the_field_and_nothing_is_stored(
        self, api, borrower, body, field
    ):
        response = api.post(REQUESTS, body)

        assert response.status_code == 422, response.json()
        assert response.json()["code"] == "invalid_input"
        assert field in response.json()["fields"]
        assert NEW_NAME not in readable(response)
        assert counts() == (0, 0, 0)
        assert IdempotentRequest.objects.count() == 0

    def test_an_unknown_borrower_is_404_and_nothing_is_stored(self, api, borrower):
        response = api.post("/borrowers/b-9/rights-requests", correction())

        assert response.status_code == 404
        assert response.json()["code"] == "borrower_not_found"
        assert counts() == (0, 0, 0)
        assert IdempotentRequest.objects.count() == 0


class TestErasure:
    def test_an_erasure_erases_contacts_at_once_and_a_second_one_is_409(self, api, borrower):
        contact = designate(borrower)

        response = api.post(REQUESTS, erasure())
        again = api.post(REQUESTS, erasure())

        assert response.status_code == 201
        body = response.json()
        assert (body["kind"], body["status"], body["field"]) == ("erasure", "partly_erased", None)
        contact.refresh_from_db()
        assert contact.removed_at is not None
        assert contact.phone_encrypted == contact.name_encrypted == ""
        assert again.status_code == 409
        assert again.json()["code"] == "erasure_pending"
        assert RightsRequest.objects.filter(kind="erasure").count() == 1

    def test_an_erasure_asked_for_in_the_portal_is_pending_for_the_api_too(self, api, borrower):
        rights.request_erasure(borrower=borrower)
        before = counts()

        response = api.post(REQUESTS, erasure())

        assert response.json()["code"] == "erasure_pending"
        assert counts() == before

    def test_portal_requests_are_still_the_borrower_s_own(self, borrower):
        request = rights.request_erasure(borrower=borrower)

        assert request.requested_by == f"borrower:{borrower.pk}"
        assert request.evidence == {}
        assert {event.recorded_by for event in request.events.all()} == {f"borrower:{borrower.pk}"}


class TestListing:
    def test_each_request_says_where_it_stands_and_only_a_rejection_has_a_reason(
        self, api, borrower
    ):
        officer = make_staff("zhou.compliance", Role.COMPLIANCE)
        refused = rights.request_correction(borrower=borrower, field="name", value="x", now=NOW)
        rights.reject_request(
            request=refused, reason=REJECTION, actor=officer, now=NOW + timedelta(hours=1)
        )
        api.post(REQUESTS, correction(field="address", value="上海市浦东新区世纪大道100号"))
        rights.record_export(borrower=borrower)

        response = api.get(REQUESTS)

        assert response.status_code == 200
        listed = response.json()["rights_requests"]
        assert [(r["kind"], r["field"], r["status"], r["channel"]) for r in listed] == [
            ("export", None, "completed", "portal"),
            ("correction", "address", "received", "api"),
            ("correction", "name", "rejected", "portal"),
        ]
        assert [r["rejection_reason"] for r in listed] == [None, None, REJECTION]
        assert listed[2]["status_changed_at"].startswith("2026-03-02T06:30:00")
        assert listed[1]["evidence"] == EVIDENCE
        assert listed[2]["evidence"] is None
        assert "世纪大道" not in readable(response)

    def test_another_borrower_s_requests_are_never_listed(self, api, borrower, other_borrower):
        rights.request_correction(borrower=other_borrower, field="name", value="赵小敏")

        response = api.get(REQUESTS)

        assert response.json() == {"borrower_external_id": "b-1", "rights_requests": []}

    def test_an_unknown_borrower_is_404(self, api, borrower):
        response = api.get("/borrowers/b-9/rights-requests")
        assert response.status_code == 404
        assert response.json()["code"] == "borrower_not_found"


class TestContactLedger:
    def test_the_ledger_is_the_portal_s_evidence_file_and_passes_the_audit_check(
        self, api, borrower, recipient, other_borrower
    ):
        first = text(recipient)
        [theirs] = recipients_for_borrower(borrower=other_borrower)
        text(theirs)

        response = get_in_english(api, "/borrowers/b-1/contact-ledger")

        assert response.status_code == 200
        document = response.json()
        assert [entry["permit_id"] for entry in document["entries"]] == [str(first.permit_id)]
        with translation.override("en"):
            expected = evidence.contact_record_json(borrower)
        assert document["entries"][0]["channel"] == "Text message"
        assert document["entries"] == expected["entries"]
        assert document["format"] == "tactful.contact-ledger/1"
        report = evidence.verify_export(document, trusted_keys=TRUSTED())
        assert report.matches, report.problem
        assert report.entries_checked == 1
        assert FIRST_PHONE not in response.content.decode()

    def test_a_changed_entry_no_longer_passes(self, api, borrower, recipient):
        text(recipient)
        document = api.get("/borrowers/b-1/contact-ledger").json()
        document["entries"][0]["decision"] = "deny"

        assert not evidence.verify_export(document, trusted_keys=TRUSTED()).matches

    def test_a_consent_key_cannot_read_the_ledger(self, borrower):
        client = ApiClient(issue_test_key("consent:read", "consent:write"))

        response = client.get("/borrowers/b-1/contact-ledger")

        assert response.status_code == 403
        assert "rights:read" in response.json()["message"]

    def test_an_unknown_borrower_is_404(self, api, borrower):
        response = api.get("/borrowers/b-9/contact-ledger")
        assert response.json()["code"] == "borrower_not_found"


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("get", "/borrowers/b-1/personal-data", "rights:export"),
        ("get", REQUESTS, "rights:read"),
        ("post", REQUESTS, "rights:write"),
        ("get", "/borrowers/b-1/contact-ledger", "rights:read"),
    ],
)
def test_no_key_is_401_and_a_key_with_every_other_scope_is_403(borrower, method, path, scope):
    others = [other for other in SCOPES if other != scope]
    answers = []
    for client in (ApiClient(None), ApiClient(issue_test_key(*others))):
        if method == "get":
            answers.append(client.get(path))
        else:
            answers.append(client.post(path, correction()))

    assert [answer.status_code for answer in answers] == [401, 403]
    assert [answer.json()["code"] for answer in answers] == ["unauthenticated", "forbidden_scope"]
    assert scope in answers[1].json()["message"]
    assert counts() == (0, 0, 0)
    assert IdempotentRequest.objects.count() == 0


def test_no_personal_data_reaches_the_logs(borrower, recipient, caplog):
    for logger in ("", "django", "django.db.backends", "tactful"):
        caplog.set_level(logging.DEBUG, logger=logger)
    client = ApiClient(issue_test_key())
    designate(borrower)
    text(recipient)
    # Every SQL statement is logged with its parameters: what reaches the database is too.
    with CaptureQueriesContext(connection):
        client.post(REQUESTS, correction(field="national_id", value="110105194912310037"))
        client.post(REQUESTS, correction(value=NEW_NAME, note=NOTE))
        client.post(REQUESTS, correction(field="phone", value="not a number at all", note="x"))
        client.post(REQUESTS, correction(field="salary", value=NEW_NAME))
        client.get("/borrowers/b-1/personal-data")
        client.get(REQUESTS)
        client.get("/borrowers/b-1/contact-ledger")
        client.post(REQUESTS, erasure())

    logged = "\n".join(
        f"{record.name} {record.getMessage()} {getattr(record, 'params', '')}"
        for record in caplog.records
    )
    assert "django.db.backends" in logged  # the SQL was captured, so the scan means something
    for secret in (NEW_NAME, NOTE, "李华", "张伟", VALID_CN_ID, "110105194912310037", CONTACT):
        assert secret not in logged
    for number in (FIRST_PHONE, FIRST_PHONE[1:], CONTACT[3:]):
        assert number not in logged
