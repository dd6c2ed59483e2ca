"""The permit API on the real clock: borrowers get a zone where it is day (or night) now."""

import uuid

import pytest

from tactful.api.models import IdempotentRequest
from tactful.audit.models import AuditEvent
from tactful.contacts.models import ContactAttempt, ContactOutcome
from tactful.contacts.services import lift_hold, place_hold
from tactful.testing.api import ApiClient, create_loan, issue_test_key
from tactful.testing.personas import SECOND_PHONE, make_borrower
from tactful.testing.zones import move_to_daytime, move_to_night

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db) -> ApiClient:
    return ApiClient(issue_test_key("permits:write", "permits:read"))


@pytest.fixture
def daytime(borrower):
    return move_to_daytime(borrower)


def permit_body(loan, recipient, **overrides):
    return {
        "loan_external_id": loan.external_id,
        "recipient_id": str(recipient.public_id),
        "channel": "call",
        "purpose": "collection",
        "collector": "wang.collector",
        **overrides,
    }


def nothing_recorded() -> bool:
    return ContactAttempt.objects.count() == 0 and IdempotentRequest.objects.count() == 0


class TestPostPermit:
    def test_an_allowed_permit_is_created_with_its_verification_code(
        self, api, daytime, loan, recipient, collector
    ):
        response = api.post("/permits", permit_body(loan, recipient))

        assert response.status_code == 201
        body = response.json()
        attempt = ContactAttempt.objects.get()
        assert body["decision"] == "allow"
        assert body["permit_id"] == str(attempt.permit_id)
        assert body["verification_code"] == attempt.verification_code
        assert (body["categories"], body["reasons"], body["next_allowed_at"]) == ([], [], None)
        assert (body["pack"], body["loan_external_id"]) == ("cn", "l-1")
        assert attempt.requested_by.startswith("api-key:")
        assert attempt.collector == collector

    def test_a_denial_is_a_recorded_201_with_reasons_and_next_allowed_at(
        self, api, borrower, loan, recipient, collector, sms_outbox
    ):
        move_to_night(borrower)

        response = api.post("/permits", permit_body(loan, recipient))

        body = response.json()
        assert response.status_code == 201
        assert body["decision"] == "deny"
        assert body["categories"] == ["time_window"]
        assert body["reasons"][0] == {
            "rule": "cn.gbt45251.quiet_hours",
            "category": "time_window",
            "citation": body["reasons"][0]["citation"],
            "message": "Contact is allowed only from 08:00 to 22:00, recipient's local time.",
        }
        assert body["next_allowed_at"].endswith("Z")
        assert ContactAttempt.objects.get().decision == "deny"
        assert sms_outbox.sent == []

    def test_a_retry_with_the_same_key_gets_the_same_permit(
        self, api, daytime, loan, recipient, collector
    ):
        first = api.post("/permits", permit_body(loan, recipient), key="dial-1")
        again = api.post("/permits", permit_body(loan, recipient), key="dial-1")

        assert again.status_code == 201
        assert again.content == first.content
        assert again["Idempotent-Replayed"] == "true"
        assert ContactAttempt.objects.count() == 1

    def test_without_an_idempotency_key_nothing_is_recorded(
        self, api, daytime, loan, recipient, collector
    ):
        response = api.post("/permits", permit_body(loan, recipient), key=None)

        assert response.status_code == 400
        assert response.json()["code"] == "idempotency_key_required"
        assert nothing_recorded()

    def test_an_unknown_collector_is_a_recorded_data_gap(self, api, daytime, loan, recipient):
        response = api.post("/permits", permit_body(loan, recipient, collector="nobody"))

        assert response.status_code == 201
        assert response.json()["categories"] == ["data_gap"]
        assert ContactAttempt.objects.get().collector is None

    def test_an_automated_text_needs_no_collector(self, api, daytime, loan, recipient):
        body = permit_body(loan, recipient, channel="sms", automated=True, content="您好。")
        del body["collector"]

        response = api.post("/permits", body)

        assert response.json()["decision"] == "allow"
        assert ContactAttempt.objects.get().content == "您好。"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"channel": "fax"}, "channel"),
            ({"purpose": "shaming"}, "purpose"),
            ({"recipient_id": "not-a-uuid"}, "recipient_id"),
            ({"loan_external_id": "bad id!"}, "loan_external_id"),
            ({"automated": "yes"}, "automated"),
            ({"content": "a\x00b"}, "content"),
            ({"content": "x" * 2001}, "content"),
            ({"surprise": 1}, "surprise"),
            ({"automated": True}, "collector"),
        ],
    )
    def test_bad_input_is_422_with_field_errors_and_nothing_is_recorded(
        self, api, daytime, loan, recipient, collector, change, field
    ):
        response = api.post("/permits", permit_body(loan, recipient, **change))

        assert response.status_code == 422
        assert response.json()["code"] == "invalid_input"
        assert field in response.json()["fields"]
        assert nothing_recorded()

    def test_a_loan_of_another_borrower_is_422(self, api, daytime, recipient, collector):
        other_loan = create_loan("l-2", make_borrower(external_id="b-2", phone=SECOND_PHONE))

        response = api.post("/permits", permit_body(other_loan, recipient))

        assert response.status_code == 422
        assert set(response.json()["fields"]) == {"loan_external_id"}
        assert nothing_recorded()

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"loan_external_id": "l-unknown"}, "loan_not_found"),
            ({"recipient_id": str(uuid.UUID(int=7))}, "recipient_not_found"),
        ],
    )
    def test_unknown_ids_are_404_and_nothing_is_recorded(
        self, api, daytime, loan, recipient, collector, change, code
    ):
        response = api.post("/permits", permit_body(loan, recipient, **change))

        assert response.status_code == 404
        assert response.json()["code"] == code
        assert nothing_recorded()

    @pytest.mark.parametrize("scopes", [(), ("permits:read",), ("loans:write",)])
    def test_a_key_without_permits_write_cannot_ask(
        self, daytime, loan, recipient, collector, scopes
    ):
        client = ApiClient(issue_test_key(*scopes) if scopes else None)

        response = client.post("/permits", permit_body(loan, recipient))

        assert response.status_code == (403 if scopes else 401)
        assert nothing_recorded()

    def test_a_hold_takes_effect_at_the_very_next_decision_and_so_does_its_lift(
        self, api, daytime, loan, recipient, collector
    ):
        before = api.post("/permits", permit_body(loan, recipient)).json()
        hold = place_hold(kind="complaint", loan=loan, source="complaints", actor="test")
        held = api.post("/permits", permit_body(loan, recipient)).json()
        lift_hold(hold=hold, reason="complaint resolved", actor="test")
        after = api.post("/permits", permit_body(loan, recipient)).json()

        assert [before["decision"], held["decision"], after["decision"]] == [
            "allow",
            "deny",
            "allow",
        ]
        assert held["categories"] == ["hold"]
        assert held["reasons"][0]["rule"] == "cn.tactful.holds"


class TestPostOutcome:
    @pytest.fixture
    def permit(self, api, daytime, loan, recipient, collector):
        return api.post("/permits", permit_body(loan, recipient)).json()

    def test_an_outcome_is_recorded_once(self, api, permit):
        path = f"/permits/{permit['permit_id']}/outcome"

        first = api.post(path, {"outcome": "no_answer"})
        second = api.post(path, {"outcome": "connected"})

        assert first.status_code == 201
        assert first.json()["outcome"] == "no_answer"
        assert second.status_code == 409
        assert second.json()["code"] == "outcome_already_reported"
        assert ContactOutcome.objects.get().outcome == "no_answer"

    def test_a_permanent_failure_is_kept(self, api, permit):
        response = api.post(
            f"/permits/{permit['permit_id']}/outcome",
            {"outcome": "failed", "permanent_failure": True},
        )

        assert response.status_code == 201
        assert ContactOutcome.objects.get().permanent_failure is True

    def test_a_denied_permit_takes_no_outcome(self, api, borrower, loan, recipient, collector):
        move_to_night(borrower)
        denied = api.post("/permits", permit_body(loan, recipient)).json()

        response = api.post(f"/permits/{denied['permit_id']}/outcome", {"outcome": "connected"})

        assert response.status_code == 409
        assert response.json()["code"] == "permit_denied"
        assert ContactOutcome.objects.count() == 0

    def test_an_unknown_permit_is_404(self, api):
        response = api.post(f"/permits/{uuid.UUID(int=1)}/outcome", {"outcome": "connected"})

        assert response.status_code == 404
        assert response.json()["code"] == "permit_not_found"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"outcome": "hung_up"}, "outcome"),
            ({}, "outcome"),
            ({"outcome": "failed", "permanent_failure": "true"}, "permanent_failure"),
        ],
    )
    def test_bad_input_is_422(self, api, permit, body, field):
        response = api.post(f"/permits/{permit['permit_id']}/outcome", body)

        assert response.status_code == 422
        assert field in response.json()["fields"]
        assert ContactOutcome.objects.count() == 0


class TestNextAllowed:
    def path(self, recipient):
        return f"/recipients/{recipient.public_id}/next-allowed"

    def test_a_dry_run_decides_and_records_nothing(self, api, daytime, loan, recipient, collector):
        events = AuditEvent.objects.count()

        response = api.get(
            self.path(recipient),
            channel="call",
            purpose="collection",
            loan="l-1",
            collector="wang.collector",
        )

        body = response.json()
        assert response.status_code == 200
        assert (body["decision"], body["next_allowed_at"]) == ("allow", None)
        assert body["recipient_id"] == str(recipient.public_id)
        assert ContactAttempt.objects.count() == 0
        assert AuditEvent.objects.count() == events

    def test_at_night_it_says_when_the_window_opens(
        self, api, borrower, loan, recipient, collector
    ):
        move_to_night(borrower)

        body = api.get(
            self.path(recipient),
            channel="sms",
            purpose="reminder",
            loan="l-1",
            automated="true",
        ).json()

        assert body["decision"] == "deny"
        assert body["categories"] == ["time_window"]
        assert body["next_allowed_at"] is not None

    def test_the_cap_shows_in_the_dry_run(self, api, daytime, loan, recipient, collector):
        for _ in range(3):
            api.post("/permits", permit_body(loan, recipient))

        body = api.get(
            self.path(recipient),
            channel="call",
            purpose="collection",
            loan="l-1",
            collector="wang.collector",
        ).json()

        assert body["categories"] == ["frequency"]
        assert ContactAttempt.objects.count() == 3

    def test_unknown_recipient_and_bad_query(self, api, daytime, loan, recipient):
        unknown = api.get(
            f"/recipients/{uuid.UUID(int=3)}/next-allowed", channel="call", purpose="service"
        )
        bad = api.get(self.path(recipient), channel="pigeon", purpose="service")

        assert (unknown.status_code, unknown.json()["code"]) == (404, "recipient_not_found")
        assert bad.status_code == 422
        assert "channel" in bad.json()["fields"]

    def test_a_write_only_key_cannot_read(self, daytime, recipient):
        client = ApiClient(issue_test_key("permits:write"))

        response = client.get(self.path(recipient), channel="call", purpose="service")

        assert response.status_code == 403


class TestBorrowerRecipients:
    def test_the_recipients_are_listed_with_masked_numbers(self, api, borrower):
        response = api.get("/borrowers/b-1/recipients")

        body = response.json()
        assert response.status_code == 200
        [listed] = body["recipients"]
        assert listed["phone_masked"] == "202****0123"
        assert listed["role"] == "debtor"
        assert listed["primary"] is True
        assert listed["time_zone"] == "Asia/Shanghai"
        assert "2025550123" not in response.content.decode()

    def test_the_ids_are_stable(self, api, borrower):
        first = api.get("/borrowers/b-1/recipients").json()
        second = api.get("/borrowers/b-1/recipients").json()

        assert first == second

    def test_an_unknown_borrower_is_404(self, api):
        response = api.get("/borrowers/nobody/recipients")

        assert (response.status_code, response.json()["code"]) == (404, "borrower_not_found")
