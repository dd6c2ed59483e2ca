"""The consent API: notices, consent events and emergency contacts as an integrator sees them.

Events are recorded on the real clock (as an integrator's would be); permits are asked for
with the borrower, and any contact person, moved to a zone where it is daytime now.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tactful.api.models import IdempotentRequest
from tactful.audit.models import AuditEvent
from tactful.consent import services
from tactful.consent.models import ConsentEvent, EmergencyContact, NoticeVersion, NumberRefusal
from tactful.contacts.models import Recipient
from tactful.privacy.crypto import blind_index
from tactful.testing.api import ApiClient, issue_test_key
from tactful.testing.zones import move_to_daytime, zone_where_it_is

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

CONTACT = "+8613100001234"
OTHER_CONTACT = "+8613100001235"
THIRD_CONTACT = "+8613100001236"
EVIDENCE = {"method": "app_session", "reference": "sess-7f3a9c"}


@pytest.fixture
def api(db) -> ApiClient:
    return ApiClient(issue_test_key("consent:read", "consent:write"))


def grant_body(purpose="channel_sms", **overrides):
    return {
        "purpose": purpose,
        "action": "grant",
        "language": "zh-hans",
        "notice_version": 1,
        "evidence": EVIDENCE,
        **overrides,
    }


def withdraw_body(purpose="channel_sms", **overrides):
    return {
        "purpose": purpose,
        "action": "withdraw",
        "language": "zh-hans",
        "evidence": EVIDENCE,
        **overrides,
    }


def contact_body(phone=CONTACT, **overrides):
    return {
        "phone": phone,
        "relationship": "sibling",
        "language": "zh-hans",
        "name": "李娜",
        "evidence": EVIDENCE,
        **overrides,
    }


def counts() -> tuple[int, int, int, int]:
    """What a refused request must leave as it was."""
    return (
        ConsentEvent.objects.count(),
        EmergencyContact.objects.count(),
        Recipient.objects.filter(role="emergency_contact").count(),
        AuditEvent.objects.filter(action__startswith="consent.").count(),
    )


class TestNotices:
    def test_every_purpose_has_its_current_version_in_three_languages(self, api):
        response = api.get("/consent/notices")

        assert response.status_code == 200
        notices = {notice["purpose"]: notice for notice in response.json()["notices"]}
        assert "agency_sharing" in notices
        sms = notices["channel_sms"]
        assert sms["version"] == 1
        assert [text["language"] for text in sms["translations"]] == ["en", "zh-hans", "zh-hant"]
        assert all(text["title"] and text["text"] for text in sms["translations"])

    def test_a_new_version_replaces_the_old_one(self, api):
        NoticeVersion.objects.create(
            purpose="channel_sms", version=2, published_at=timezone.now()
        ).translations.create(language="en", title="Texts", text="New words.")

        notices = {n["purpose"]: n for n in api.get("/consent/notices").json()["notices"]}

        assert notices["channel_sms"]["version"] == 2
        assert notices["channel_sms"]["translations"] == [
            {"language": "en", "title": "Texts", "text": "New words."}
        ]


class TestRecordingConsent:
    def test_a_grant_is_recorded_with_channel_api_and_the_evidence(self, api, borrower):
        response = api.post("/borrowers/b-1/consent-events", grant_body())

        assert response.status_code == 201
        body = response.json()
        event = ConsentEvent.objects.get()
        assert body["reference"] == str(event.reference)
        assert (body["purpose"], body["action"], body["notice_version"]) == (
            "channel_sms",
            "grant",
            1,
        )
        assert (event.channel, event.language, event.evidence) == ("api", "zh-hans", EVIDENCE)
        assert event.recorded_by.startswith("api-key:")
        assert body["subject"] == "borrower"
        assert body["emergency_contact"] is None

    def test_the_consent_in_force_is_derived_from_the_latest_event(self, api, borrower):
        expires = (timezone.now() + timedelta(days=90)).isoformat()
        api.post("/borrowers/b-1/consent-events", grant_body("auto_debit", expires_at=expires))
        api.post(
            "/borrowers/b-1/consent-events", grant_body("agency_sharing", scope="华信催收有限公司")
        )
        api.post("/borrowers/b-1/consent-events", grant_body("channel_sms"))
        withdrawn = api.post("/borrowers/b-1/consent-events", withdraw_body("channel_sms")).json()

        response = api.get("/borrowers/b-1/consents")

        assert response.status_code == 200
        states = {state["purpose"]: state for state in response.json()["consents"]}
        assert states["auto_debit"]["in_force"] is True
        assert states["auto_debit"]["status"] == "given"
        assert states["auto_debit"]["expires_at"] is not None
        assert states["agency_sharing"]["scope"] == "华信催收有限公司"
        assert states["channel_sms"] == {
            "purpose": "channel_sms",
            "scope": "",
            "in_force": False,
            "status": "withdrawn",
            "notice_version": 1,
            "language": "zh-hans",
            "channel": "api",
            "recorded_at": withdrawn["recorded_at"],
            "expires_at": None,
            "event": withdrawn["reference"],
        }

    def test_the_history_lists_every_event_oldest_first_from_every_channel(self, api, borrower):
        services.grant_consent(
            borrower=borrower,
            purpose="channel_sms",
            language="en",
            channel="portal",
            evidence={"method": "portal_session"},
            actor="test",
        )
        api.post("/borrowers/b-1/consent-events", withdraw_body())

        events = api.get("/borrowers/b-1/consent-events").json()["events"]

        assert [(e["channel"], e["action"]) for e in events] == [
            ("portal", "grant"),
            ("api", "withdraw"),
        ]
        assert events[1]["evidence"] == EVIDENCE

    def test_a_withdrawal_needs_no_more_than_a_grant_and_takes_an_old_notice(self, api, borrower):
        api.post("/borrowers/b-1/consent-events", grant_body())
        NoticeVersion.objects.create(purpose="channel_sms", version=2, published_at=timezone.now())

        response = api.post("/borrowers/b-1/consent-events", withdraw_body(notice_version=1))

        assert response.status_code == 201
        assert response.json()["notice_version"] == 1
        assert ConsentEvent.objects.filter(action="withdraw").get().notice.version == 1

    def test_a_retry_with_the_same_key_records_once(self, api, borrower):
        first = api.post("/borrowers/b-1/consent-events", grant_body(), key="consent-1")
        again = api.post("/borrowers/b-1/consent-events", grant_body(), key="consent-1")

        assert again.status_code == 201
        assert again.content == first.content
        assert again["Idempotent-Replayed"] == "true"
        assert ConsentEvent.objects.count() == 1

    def test_without_an_idempotency_key_nothing_is_recorded(self, api, borrower):
        response = api.post("/borrowers/b-1/consent-events", grant_body(), key=None)

        assert response.status_code == 400
        assert response.json()["code"] == "idempotency_key_required"
        assert counts() == (0, 0, 0, 0)


class TestRefusedConsent:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            (grant_body(purpose="address_book"), "purpose"),
            (grant_body(purpose="emergency_contact"), "purpose"),
            (grant_body(language="fr"), "language"),
            (grant_body(action="maybe"), "action"),
            (grant_body(expires_at="2000-01-01T00:00:00Z"), "expires_at"),
            (grant_body(expires_at="2030-01-01T00:00:00"), "expires_at"),
            (grant_body(notice_version=None), "notice_version"),
            (grant_body(notice_version=0), "notice_version"),
            (withdraw_body(expires_at="2030-01-01T00:00:00Z"), "expires_at"),
            (grant_body(purpose="agency_sharing"), "scope"),
            (grant_body(scope="华信催收"), "scope"),
            (grant_body(evidence={"method": "app_session"}), "evidence.reference"),
            (grant_body(evidence={"method": "hunch", "reference": "x-1"}), "evidence.method"),
            (grant_body(evidence={**EVIDENCE, "name": "王小明"}), "evidence.name"),
            (grant_body(evidence={**EVIDENCE, "reference": "王小明"}), "evidence.reference"),
            (grant_body(evidence={**EVIDENCE, "reference": "13100001234"}), "evidence.reference"),
            (
                grant_body(evidence={**EVIDENCE, "reference": "id-11010519491231002X"}),
                "evidence.reference",
            ),
            (grant_body(evidence={**EVIDENCE, "reference": "a@b.cn"}), "evidence.reference"),
            (grant_body(surprise=1), "surprise"),
        ],
    )
    def test_bad_input_is_422_naming_the_field_and_nothing_is_recorded(
        self, api, borrower, body, field
    ):
        response = api.post("/borrowers/b-1/consent-events", body)

        assert response.status_code == 422, response.json()
        assert response.json()["code"] == "invalid_input"
        assert field in response.json()["fields"]
        assert "王小明" not in response.json()["message"]
        assert counts() == (0, 0, 0, 0)

    def test_a_grant_on_a_replaced_notice_is_409_stale_notice_version(self, api, borrower):
        NoticeVersion.objects.create(purpose="channel_sms", version=2, published_at=timezone.now())

        response = api.post("/borrowers/b-1/consent-events", grant_body(notice_version=1))

        assert response.status_code == 409
        assert response.json()["code"] == "stale_notice_version"
        assert response.json()["fields"] == {"notice_version": "the current version is 2"}
        assert counts() == (0, 0, 0, 0)

    @pytest.mark.parametrize(
        "body", [grant_body(notice_version=7), withdraw_body(notice_version=7)]
    )
    def test_an_unknown_notice_version_is_422(self, api, borrower, body):
        response = api.post("/borrowers/b-1/consent-events", body)

        assert response.status_code == 422
        assert response.json()["code"] == "unknown_notice_version"
        assert counts() == (0, 0, 0, 0)

    def test_an_unknown_borrower_is_404_and_nothing_is_recorded(self, api, borrower):
        response = api.post("/borrowers/b-unknown/consent-events", grant_body())

        assert response.status_code == 404
        assert response.json()["code"] == "borrower_not_found"
        assert counts() == (0, 0, 0, 0)
        assert IdempotentRequest.objects.count() == 0


class TestAuthorization:
    @pytest.mark.parametrize(
        ("method", "path", "scope"),
        [
            ("get", "/consent/notices", "consent:read"),
            ("get", "/borrowers/b-1/consents", "consent:read"),
            ("get", "/borrowers/b-1/consent-events", "consent:read"),
            ("get", "/borrowers/b-1/emergency-contacts", "consent:read"),
            ("post", "/borrowers/b-1/consent-events", "consent:write"),
            ("post", "/borrowers/b-1/emergency-contacts", "consent:write"),
            (
                "delete",
                "/borrowers/b-1/emergency-contacts/3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "consent:write",
            ),
        ],
    )
    def test_no_key_is_401_and_a_key_without_the_scope_is_403(self, borrower, method, path, scope):
        other = "consent:write" if scope == "consent:read" else "consent:read"
        answers = []
        for client in (ApiClient(None), ApiClient(issue_test_key(other, "permits:write"))):
            if method == "get":
                answers.append(client.get(path))
            elif method == "post":
                answers.append(client.post(path, grant_body()))
            else:
                answers.append(client.client.delete(f"/api/v1{path}", headers=client._headers()))

        assert [answer.status_code for answer in answers] == [401, 403]
        assert [answer.json()["code"] for answer in answers] == [
            "unauthenticated",
            "forbidden_scope",
        ]
        assert scope in answers[1].json()["message"]
        assert counts() == (0, 0, 0, 0)

    @pytest.mark.parametrize("path", ["/borrowers/b-9/consents", "/borrowers/b-9/consent-events"])
    def test_an_unknown_borrower_is_404(self, api, borrower, path):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "borrower_not_found"


def delete(api: ApiClient, path: str, key: str | None = "fresh"):
    headers = api._headers()
    if key is not None:
        headers["Idempotency-Key"] = f"delete-{path}" if key == "fresh" else key
    return api.client.delete(f"/api/v1{path}", headers=headers)


class TestEmergencyContacts:
    def test_a_designation_is_stored_and_listed_masked_with_api_consents(self, api, borrower):
        response = api.post("/borrowers/b-1/emergency-contacts", contact_body())

        assert response.status_code == 201
        body = response.json()
        contact = EmergencyContact.objects.get()
        assert body["reference"] == str(contact.reference)
        assert body["phone_masked"] == "131****1234"
        assert (body["relationship"], body["status"], body["removed_at"]) == (
            "sibling",
            "invited",
            None,
        )
        assert body["recipient_id"] == str(contact.recipient.public_id)
        assert CONTACT not in response.content.decode()
        assert "李娜" not in response.content.decode()
        consents = ConsentEvent.objects.order_by("purpose")
        assert [(e.purpose, e.channel) for e in consents] == [
            ("designate_emergency_contact", "api"),
            ("locate_via_emergency_contact", "api"),
        ]
        assert consents[0].evidence == {**EVIDENCE, "step": "designation"}
        listed = api.get("/borrowers/b-1/emergency-contacts").json()
        assert listed == {"borrower_external_id": "b-1", "emergency_contacts": [body]}

    def test_the_status_follows_the_contact_s_own_answer(self, api, borrower):
        api.post("/borrowers/b-1/emergency-contacts", contact_body())
        api.post("/borrowers/b-1/emergency-contacts", contact_body(OTHER_CONTACT))
        first, second = EmergencyContact.objects.order_by("pk")
        answer(first, accept=True)
        answer(second, accept=False)

        listed = api.get("/borrowers/b-1/emergency-contacts").json()["emergency_contacts"]

        assert [contact["status"] for contact in listed] == ["accepted", "refused"]

    def test_a_retry_with_the_same_key_designates_once(self, api, borrower):
        first = api.post("/borrowers/b-1/emergency-contacts", contact_body(), key="ec-1")
        again = api.post("/borrowers/b-1/emergency-contacts", contact_body(), key="ec-1")

        assert again.content == first.content
        assert again["Idempotent-Replayed"] == "true"
        assert EmergencyContact.objects.count() == 1

    @pytest.mark.parametrize(
        ("phone", "status", "code"),
        [
            ("12345", 422, "invalid_phone"),
            ("not a number", 422, "invalid_phone"),
            ("+12025550123", 422, "own_number"),
        ],
    )
    def test_a_bad_number_is_refused_with_its_code_and_nothing_is_stored(
        self, api, borrower, phone, status, code
    ):
        response = api.post("/borrowers/b-1/emergency-contacts", contact_body(phone))

        assert response.status_code == status
        assert response.json()["code"] == code
        assert phone not in response.content.decode()
        assert counts() == (0, 0, 0, 0)

    def test_a_third_contact_is_409_and_nothing_is_stored(self, api, borrower):
        api.post("/borrowers/b-1/emergency-contacts", contact_body())
        api.post("/borrowers/b-1/emergency-contacts", contact_body(OTHER_CONTACT))
        before = counts()

        response = api.post("/borrowers/b-1/emergency-contacts", contact_body(THIRD_CONTACT))

        assert response.status_code == 409
        assert response.json()["code"] == "too_many_emergency_contacts"
        assert counts() == before

    def test_a_number_named_twice_is_409_already_designated(self, api, borrower):
        api.post("/borrowers/b-1/emergency-contacts", contact_body())
        before = counts()

        response = api.post("/borrowers/b-1/emergency-contacts", contact_body())

        assert response.json()["code"] == "already_designated"
        assert counts() == before

    def test_a_refused_number_is_409_and_nothing_is_stored(self, api, borrower):
        services.refuse_number(phone_index=blind_index("phone", CONTACT), source="test")
        before = counts()

        response = api.post("/borrowers/b-1/emergency-contacts", contact_body())

        assert response.status_code == 409
        assert response.json()["code"] == "number_refused"
        assert counts() == before

    def test_another_borrower_s_number_is_named_like_any_other(self, api, borrower):
        from tactful.testing.personas import make_borrower

        make_borrower(external_id="b-2", phone=CONTACT)

        response = api.post("/borrowers/b-1/emergency-contacts", contact_body())

        assert response.status_code == 201

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"relationship": "landlord"}, "relationship"),
            ({"language": "de"}, "language"),
            ({"name": "x" * 101}, "name"),
            ({"evidence": {"method": "app_session", "reference": "王小明"}}, "evidence.reference"),
            ({"phone": ""}, "phone"),
        ],
    )
    def test_bad_details_are_422_and_nothing_is_stored(self, api, borrower, change, field):
        response = api.post("/borrowers/b-1/emergency-contacts", contact_body(**change))

        assert response.status_code == 422
        assert field in response.json()["fields"]
        assert counts() == (0, 0, 0, 0)

    def test_removal_keeps_the_designation_as_removed(self, api, borrower):
        reference = api.post("/borrowers/b-1/emergency-contacts", contact_body()).json()[
            "reference"
        ]

        response = delete(api, f"/borrowers/b-1/emergency-contacts/{reference}")
        again = delete(api, f"/borrowers/b-1/emergency-contacts/{reference}", key="other")

        assert response.status_code == 200
        assert response.json()["status"] == "removed"
        assert response.json()["removed_at"] is not None
        assert again.status_code == 409
        assert again.json()["code"] == "already_removed"
        listed = api.get("/borrowers/b-1/emergency-contacts").json()["emergency_contacts"]
        assert [contact["status"] for contact in listed] == ["removed"]

    def test_another_borrower_s_contact_cannot_be_removed_through_this_one(self, api, borrower):
        from tactful.testing.personas import SECOND_PHONE, make_borrower

        make_borrower(external_id="b-2", phone=SECOND_PHONE)
        reference = api.post("/borrowers/b-2/emergency-contacts", contact_body()).json()[
            "reference"
        ]

        response = delete(api, f"/borrowers/b-1/emergency-contacts/{reference}")

        assert response.status_code == 404
        assert response.json()["code"] == "emergency_contact_not_found"
        assert EmergencyContact.objects.get().removed_at is None

    def test_an_unknown_borrower_is_404(self, api, borrower):
        for response in (
            api.get("/borrowers/b-9/emergency-contacts"),
            api.post("/borrowers/b-9/emergency-contacts", contact_body()),
        ):
            assert response.status_code == 404
            assert response.json()["code"] == "borrower_not_found"
        assert counts() == (0, 0, 0, 0)


def answer(contact: EmergencyContact, *, accept: bool) -> None:
    """Answer the invitation as the person would, whether or not it was texted (night)."""
    token = f"token-{contact.pk}"
    EmergencyContact.objects.filter(pk=contact.pk).update(
        invitation_digest=services.invitation_digest(token)
    )
    services.answer_invitation(token=token, accept=accept, language="zh-hans")


class TestTheGateReadsItAtTheNextDecision:
    @pytest.fixture
    def permits(self, db) -> ApiClient:
        return ApiClient(issue_test_key("permits:write"))

    def test_a_withdrawal_through_the_api_denies_the_very_next_text(
        self, api, permits, borrower, loan, recipient
    ):
        move_to_daytime(borrower)
        text = {
            "loan_external_id": loan.external_id,
            "recipient_id": str(recipient.public_id),
            "channel": "sms",
            "purpose": "reminder",
            "automated": True,
            "content": "请按时还款。",
        }
        api.post("/borrowers/b-1/consent-events", grant_body("channel_sms"))
        allowed = permits.post("/permits", text).json()

        withdrawal = api.post("/borrowers/b-1/consent-events", withdraw_body("channel_sms"))
        denied = permits.post("/permits", text).json()

        assert withdrawal.status_code == 201
        assert allowed["decision"] == "allow"
        assert denied["decision"] == "deny"
        assert denied["categories"] == ["consent"]
        assert denied["reasons"][0]["category"] == "consent"

    def test_removing_an_emergency_contact_stops_contact_at_the_very_next_decision(
        self, api, permits, borrower, loan, collector
    ):
        move_to_daytime(borrower)
        designated = api.post("/borrowers/b-1/emergency-contacts", contact_body()).json()
        contact = EmergencyContact.objects.get()
        EmergencyContact.objects.filter(pk=contact.pk).update(time_zone=zone_where_it_is(12))
        answer(contact, accept=True)
        call = {
            "loan_external_id": loan.external_id,
            "recipient_id": designated["recipient_id"],
            "channel": "call",
            "purpose": "locate",
            "collector": "wang.collector",
        }
        before = permits.post("/permits", call).json()

        delete(api, f"/borrowers/b-1/emergency-contacts/{designated['reference']}")
        after = permits.post("/permits", call).json()

        # The pack may deny a locate call for other reasons (the debtor is reachable); what
        # matters is that consent stops being one of them only while the designation holds.
        assert "consent" not in before["categories"]
        assert after["decision"] == "deny"
        assert "consent" in after["categories"]

    def test_the_contact_s_refusal_stops_contact_at_the_very_next_decision(
        self, api, permits, borrower, loan, collector
    ):
        move_to_daytime(borrower)
        designated = api.post("/borrowers/b-1/emergency-contacts", contact_body()).json()
        contact = EmergencyContact.objects.get()
        EmergencyContact.objects.filter(pk=contact.pk).update(time_zone=zone_where_it_is(12))
        answer(contact, accept=True)
        call = {
            "loan_external_id": loan.external_id,
            "recipient_id": designated["recipient_id"],
            "channel": "call",
            "purpose": "locate",
            "collector": "wang.collector",
        }
        assert "consent" not in permits.post("/permits", call).json()["categories"]

        answer(contact, accept=False)
        denied = permits.post("/permits", call).json()

        assert denied["decision"] == "deny"
        assert "consent" in denied["categories"]
        assert NumberRefusal.objects.count() == 1
        status = api.get("/borrowers/b-1/emergency-contacts").json()["emergency_contacts"][0]
        assert status["status"] == "refused"
