"""The rights desk: who may open it, what it lists, completing and rejecting a correction."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.borrowers import services as borrower_services
from tactful.borrowers.models import CORRECTABLE_FIELDS, Borrower, PhoneNumber
from tactful.contacts.tests.conftest import NOW
from tactful.errors import Conflict, InvalidInput
from tactful.privacy.crypto import encrypt
from tactful.rights import selectors as rights_read
from tactful.rights import services as rights
from tactful.rights.models import (
    RightsKind,
    RightsRequest,
    RightsRequestEvent,
    RightsStatus,
    RightsSubject,
)
from tactful.testing.personas import (
    SECOND_PHONE,
    VALID_CN_ID,
    make_borrower,
    make_staff,
    sign_in_borrower,
    sign_in_staff,
)

pytestmark = pytest.mark.django_db

DESK = "/staff/rights/"
NEW_NAME = "李小华"
NEW_ID = "110105198001010016"
NEW_PHONE = "+12025550177"
REASON = "The borrower asked us to check their identity document first"
REJECTION = "We could not match the new name to your identity document."


@pytest.fixture
def officer(db):
    return make_staff("zhou.compliance", Role.COMPLIANCE)


@pytest.fixture
def correction(borrower):
    return rights.request_correction(
        borrower=borrower, field="name", value=NEW_NAME, note="我改名了", now=NOW
    )


@pytest.fixture
def desk_client(client, officer):
    sign_in_staff(client, officer)
    return client


def ask(borrower, field, value):
    return rights.request_correction(borrower=borrower, field=field, value=value, now=NOW)


def pages(request):
    base = f"{DESK}{request.reference}/"
    return [
        ("get", DESK),
        ("get", base),
        ("post", base + "reveal/"),
        ("post", base + "complete/"),
        ("post", base + "reject/"),
    ]


def steps(request):
    return list(RightsRequestEvent.objects.filter(request=request).values_list("status", flat=True))


def call(client, method, url, **extra):
    data = {"part": "requested_value", "reason": REASON} if method == "post" else None
    return getattr(client, method)(url, data, **extra)


class TestAccess:
    def test_anonymous_visitors_go_to_the_staff_sign_in(self, client, correction):
        for method, url in pages(correction):
            response = call(client, method, url)
            assert response.status_code == 302
            assert response["Location"].startswith("/staff/login/")
        assert steps(correction) == [RightsStatus.RECEIVED]

    def test_a_signed_in_borrower_is_not_staff(self, client, borrower, correction):
        sign_in_borrower(client, borrower)
        for method, url in pages(correction):
            response = call(client, method, url)
            assert response.status_code == 302
            assert response["Location"].startswith("/staff/login/")
        assert steps(correction) == [RightsStatus.RECEIVED]

    @pytest.mark.parametrize("role", [Role.COLLECTOR, Role.SUPERVISOR])
    def test_collectors_and_supervisors_are_forbidden(self, client, correction, role):
        sign_in_staff(client, make_staff(f"someone.{role}", role))
        for method, url in pages(correction):
            assert call(client, method, url).status_code == 403
        assert steps(correction) == [RightsStatus.RECEIVED]
        assert not AuditEvent.objects.filter(action="pii.revealed").exists()

    def test_staff_who_skipped_the_code_sign_in_again(self, client, correction):
        sign_in_staff(client, make_staff("mei", Role.COMPLIANCE), verified=False)
        response = client.get(DESK)
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/")

    @pytest.mark.parametrize("role", [Role.COMPLIANCE, Role.ADMIN])
    def test_compliance_and_admins_open_the_desk(self, client, correction, role):
        sign_in_staff(client, make_staff(f"someone.{role}", role))
        assert client.get(DESK).status_code == 200
        assert client.get(f"{DESK}{correction.reference}/").status_code == 200

    @pytest.mark.parametrize("role", [Role.COMPLIANCE, Role.ADMIN])
    def test_the_staff_home_links_to_the_desk(self, client, role):
        sign_in_staff(client, make_staff(f"someone.{role}", role))
        assert f'href="{DESK}"' in client.get("/staff/").content.decode()

    def test_collectors_get_no_link(self, client):
        sign_in_staff(client, make_staff("wang", Role.COLLECTOR))
        assert f'href="{DESK}"' not in client.get("/staff/").content.decode()

    @pytest.mark.parametrize("action", ["reveal/", "complete/", "reject/"])
    def test_posts_need_a_csrf_token(self, officer, correction, action):
        client = Client(enforce_csrf_checks=True)
        sign_in_staff(client, officer)
        data = {"part": "requested_value", "reason": REASON}
        response = client.post(f"{DESK}{correction.reference}/{action}", data)
        assert response.status_code == 403
        assert steps(correction) == [RightsStatus.RECEIVED]
        assert not AuditEvent.objects.filter(action="pii.revealed").exists()

    def test_an_unknown_request_is_404(self, desk_client):
        assert desk_client.get(f"{DESK}00000000-0000-0000-0000-000000000000/").status_code == 404

    def test_the_services_refuse_other_roles(self, correction):
        collector = make_staff("wang", Role.COLLECTOR)
        with pytest.raises(rights.NotRightsStaff):
            rights.complete_correction(request=correction, actor=collector, now=NOW)
        with pytest.raises(rights.NotRightsStaff):
            rights.reject_request(request=correction, reason=REJECTION, actor=collector, now=NOW)
        assert steps(correction) == [RightsStatus.RECEIVED]


class TestDesk:
    def test_waiting_requests_show_their_age_and_deadline(self, borrower, correction):
        desk = rights_read.desk(now=NOW + timedelta(days=14))
        [row] = desk.waiting
        assert row.request == correction
        assert row.age_days == 14
        assert row.due_on == NOW.date() + timedelta(days=rights_read.RESPONSE_DAYS)
        assert row.needs_attention  # due tomorrow
        assert not rights_read.desk(now=NOW + timedelta(days=2)).waiting[0].needs_attention

    def test_erasures_in_progress_show_what_is_scheduled(self, borrower, loan):
        rights.request_erasure(borrower=borrower, now=NOW)
        desk = rights_read.desk(now=NOW)
        [row] = desk.erasing
        assert row.status == RightsStatus.PARTLY_ERASED
        assert row.retention is not None
        assert row.retention.until is None  # the loan is outstanding
        assert desk.waiting == []

    def test_third_party_requests_and_answers_are_listed_but_not_downloads(self, borrower):
        stop = RightsRequest.objects.create(
            subject=RightsSubject.THIRD_PARTY,
            phone_index="a" * 64,
            kind=RightsKind.STOP_CONTACT,
            requested_at=NOW,
            requested_by="third_party",
        )
        RightsRequestEvent.objects.create(
            request=stop, status=RightsStatus.COMPLETED, recorded_at=NOW, recorded_by="third_party"
        )
        rights.record_export(borrower=borrower, now=NOW)
        [row] = rights_read.desk(now=NOW).answered
        assert row.request.kind == RightsKind.STOP_CONTACT

    def test_the_page_lists_them_with_the_value_masked(self, desk_client, correction):
        page = desk_client.get(DESK).content.decode()
        assert f"{DESK}{correction.reference}/" in page
        assert "b-1" in page
        assert "2026-03-17" in page  # received 2026-03-02, 15 days to answer
        assert NEW_NAME not in page
        detail = desk_client.get(f"{DESK}{correction.reference}/").content.decode()
        assert "李**" in detail
        assert NEW_NAME not in detail
        assert "我改名了" not in detail

    def test_national_ids_are_masked_but_for_their_last_four(self, desk_client, borrower):
        request = ask(borrower, "national_id", NEW_ID)
        detail = desk_client.get(f"{DESK}{request.reference}/").content.decode()
        assert "****0016" in detail
        assert NEW_ID not in detail
        assert VALID_CN_ID not in detail

    def test_an_address_shows_only_its_region(self, desk_client, borrower):
        request = ask(borrower, "address", "上海市浦东新区虚构路 88 号 3 室")
        detail = desk_client.get(f"{DESK}{request.reference}/").content.decode()
        assert "上海市****" in detail
        assert "虚构路" not in detail


class TestReveal:
    def test_the_value_is_shown_once_and_the_reveal_audited_without_it(
        self, desk_client, officer, correction
    ):
        url = f"{DESK}{correction.reference}/reveal/"
        response = desk_client.post(url, {"part": "requested_value", "reason": REASON})
        assert response.status_code == 200
        assert NEW_NAME in response.content.decode()
        event = AuditEvent.objects.get(action="pii.revealed")
        assert event.actor == f"user:{officer.pk}"
        assert event.payload == {"field": "requested_value", "reason": REASON}
        assert event.object_id == str(correction.pk)

    @pytest.mark.parametrize(("part", "shown"), [("note", "我改名了"), ("current_value", "李华")])
    def test_the_note_and_the_current_value_can_be_revealed(
        self, desk_client, correction, part, shown
    ):
        url = f"{DESK}{correction.reference}/reveal/"
        response = desk_client.post(url, {"part": part, "reason": REASON})
        assert response.status_code == 200
        assert shown in response.content.decode()
        assert AuditEvent.objects.filter(action="pii.revealed").count() == 1

    @pytest.mark.parametrize(
        "data", [{"part": "requested_value", "reason": "because"}, {"part": "name"}, {}]
    )
    def test_without_a_reason_nothing_is_shown_or_recorded(self, desk_client, correction, data):
        response = desk_client.post(f"{DESK}{correction.reference}/reveal/", data)
        assert response.status_code == 400
        assert NEW_NAME not in response.content.decode()
        assert not AuditEvent.objects.filter(action="pii.revealed").exists()


class TestComplete:
    def test_completing_applies_the_value_and_appends_a_step(
        self, desk_client, officer, borrower, correction
    ):
        response = desk_client.post(f"{DESK}{correction.reference}/complete/")
        assert response.status_code == 302
        assert Borrower.objects.get(pk=borrower.pk).name == NEW_NAME
        received, completed = RightsRequestEvent.objects.filter(request=correction).order_by("pk")
        assert (received.status, received.recorded_by) == ("received", f"borrower:{borrower.pk}")
        assert (completed.status, completed.recorded_by) == ("completed", f"user:{officer.pk}")
        assert rights_read.status_of(correction) == RightsStatus.COMPLETED
        audited = AuditEvent.objects.get(action="rights.completed")
        assert audited.payload == {"kind": "correction", "status": "completed", "field": "name"}
        updated = AuditEvent.objects.filter(action="borrower.updated").last()
        assert updated is not None
        assert updated.payload["changed"] == ["name"]

    def test_a_second_completion_is_a_clear_error(self, desk_client, officer, correction):
        rights.complete_correction(request=correction, actor=officer, now=NOW)
        with pytest.raises(Conflict) as refused:
            rights.complete_correction(request=correction, actor=officer, now=NOW)
        assert refused.value.code == "already_answered"
        url = f"{DESK}{correction.reference}/complete/"
        response = desk_client.post(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 409
        assert "This request has already been answered." in response.content.decode()
        assert steps(correction) == [RightsStatus.RECEIVED, RightsStatus.COMPLETED]

    def test_a_rejected_request_cannot_be_completed(self, officer, correction):
        rights.reject_request(request=correction, reason=REJECTION, actor=officer, now=NOW)
        with pytest.raises(Conflict):
            rights.complete_correction(request=correction, actor=officer, now=NOW)
        assert Borrower.objects.get(pk=correction.borrower_id).name == "李华"

    def test_an_erasure_cannot_be_completed_from_the_desk(self, officer, borrower):
        erasure = rights.request_erasure(borrower=borrower, now=NOW)
        with pytest.raises(Conflict) as refused:
            rights.complete_correction(request=erasure, actor=officer, now=NOW)
        assert refused.value.code == "already_answered"
        assert steps(erasure) == [RightsStatus.RECEIVED, RightsStatus.PARTLY_ERASED]

    def test_a_national_id_is_validated_and_its_index_follows(self, officer, borrower):
        request = ask(borrower, "national_id", NEW_ID.lower())
        rights.complete_correction(request=request, actor=officer, now=NOW)
        stored = Borrower.objects.get(pk=borrower.pk)
        assert stored.national_id == NEW_ID
        assert Borrower.objects.filter(national_id_index=stored.national_id_index).count() == 1
        assert stored.national_id_index != borrower.national_id_index

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [
            ("national_id", "110105198001010017", "invalid_national_id"),
            ("phone", "12345", "invalid_phone"),
            ("phone", SECOND_PHONE, "phone_taken"),
            ("language", "Klingon", "invalid_language"),
            ("time_zone", "Mars/Olympus_Mons", "invalid_time_zone"),
        ],
    )
    def test_a_bad_value_stores_nothing(self, desk_client, borrower, field, value, code):
        make_borrower(external_id="b-other", phone=SECOND_PHONE, name="赵敏")
        request = ask(borrower, field, value)
        before = list(Borrower.objects.filter(pk=borrower.pk).values())
        numbers = list(PhoneNumber.objects.filter(borrower=borrower).values())
        with pytest.raises(InvalidInput) as refused:
            rights.complete_correction(request=request, actor=make_staff("x", Role.ADMIN))
        assert refused.value.code == code
        assert value not in refused.value.message
        response = desk_client.post(f"{DESK}{request.reference}/complete/")
        assert response.status_code == 400
        assert list(Borrower.objects.filter(pk=borrower.pk).values()) == before
        assert list(PhoneNumber.objects.filter(borrower=borrower).values()) == numbers
        assert steps(request) == [RightsStatus.RECEIVED]
        assert not AuditEvent.objects.filter(action="rights.completed").exists()

    def test_a_phone_number_replaces_the_primary_one(self, officer, borrower):
        old = PhoneNumber.objects.get(borrower=borrower)
        request = ask(borrower, "phone", NEW_PHONE)
        rights.complete_correction(request=request, actor=officer, now=NOW)
        [number] = PhoneNumber.objects.filter(borrower=borrower)
        assert (number.e164, number.is_primary) == (NEW_PHONE, True)
        assert number.pk != old.pk

    def test_a_second_number_asked_for_becomes_the_primary_one(self, officer, borrower):
        PhoneNumber.objects.create(borrower=borrower, e164=NEW_PHONE, region="us")
        request = ask(borrower, "phone", NEW_PHONE)
        rights.complete_correction(request=request, actor=officer, now=NOW)
        [number] = PhoneNumber.objects.filter(borrower=borrower)
        assert (number.e164, number.is_primary) == (NEW_PHONE, True)

    @pytest.mark.parametrize(
        ("field", "value", "attribute", "stored"),
        [
            ("language", "English", "preferred_language", "en"),
            ("language", "繁体中文", "preferred_language", "zh-hant"),
            ("language", "zh-hant", "preferred_language", "zh-hant"),
            ("time_zone", "Asia/Hong_Kong", "timezone_override", "Asia/Hong_Kong"),
        ],
    )
    def test_language_and_time_zone(self, officer, borrower, field, value, attribute, stored):
        request = ask(borrower, field, value)
        rights.complete_correction(request=request, actor=officer, now=NOW)
        assert getattr(Borrower.objects.get(pk=borrower.pk), attribute) == stored

    def test_a_field_made_correctable_later_works_through_its_model_field(
        self, officer, borrower, monkeypatch
    ):
        monkeypatch.setattr(
            borrower_services, "CORRECTABLE_FIELDS", (*CORRECTABLE_FIELDS, "id_country")
        )

        def asked(value):
            return RightsRequest.objects.create(
                borrower=borrower,
                kind=RightsKind.CORRECTION,
                field="id_country",
                value_encrypted=encrypt(value),
                requested_at=NOW,
                requested_by=f"borrower:{borrower.pk}",
            )

        with pytest.raises(InvalidInput):  # the model field allows 2 characters
            rights.complete_correction(request=asked("hkg"), actor=officer, now=NOW)
        rights.complete_correction(request=asked("hk"), actor=officer, now=NOW)
        assert Borrower.objects.get(pk=borrower.pk).id_country == "hk"

    def test_the_borrower_is_texted_that_an_answer_is_ready(
        self, officer, borrower, correction, sms_outbox
    ):
        rights.complete_correction(request=correction, actor=officer, now=NOW)
        [message] = sms_outbox.sent
        assert message.to == borrower.phone_numbers.get().e164
        assert "/portal/privacy/rights/" in message.body
        assert NEW_NAME not in message.body


class TestReject:
    @pytest.mark.parametrize("reason", ["", "   ", "no"])
    def test_a_rejection_needs_a_reason(self, desk_client, correction, reason):
        response = desk_client.post(f"{DESK}{correction.reference}/reject/", {"reason": reason})
        assert response.status_code == 400
        assert steps(correction) == [RightsStatus.RECEIVED]

    def test_the_service_needs_one_too(self, officer, correction):
        with pytest.raises(InvalidInput):
            rights.reject_request(request=correction, reason=" ", actor=officer, now=NOW)
        assert steps(correction) == [RightsStatus.RECEIVED]

    def test_the_borrower_reads_the_status_and_the_reason(
        self, client, desk_client, borrower, correction
    ):
        url = f"{DESK}{correction.reference}/reject/"
        assert desk_client.post(url, {"reason": REJECTION}).status_code == 302
        rejected = RightsRequestEvent.objects.filter(request=correction).last()
        assert rejected is not None
        assert (rejected.status, rejected.reason) == ("rejected", REJECTION)
        assert Borrower.objects.get(pk=borrower.pk).name == "李华"
        audited = AuditEvent.objects.get(action="rights.rejected")
        assert REJECTION not in json.dumps(audited.payload, ensure_ascii=False)

        borrower_client = Client()
        sign_in_borrower(borrower_client, borrower)
        page = borrower_client.get("/portal/privacy/rights/", HTTP_ACCEPT_LANGUAGE="en")
        assert REJECTION in page.content.decode()
        assert "Rejected" in page.content.decode()

    def test_the_borrower_sees_a_completed_request(self, client, officer, borrower, correction):
        rights.complete_correction(request=correction, actor=officer, now=NOW)
        sign_in_borrower(client, borrower)
        page = client.get("/portal/privacy/rights/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Completed" in page
        assert NEW_NAME in page  # the corrected name is now what we hold

    def test_an_answered_request_cannot_be_rejected(self, desk_client, officer, correction):
        rights.complete_correction(request=correction, actor=officer, now=NOW)
        url = f"{DESK}{correction.reference}/reject/"
        assert desk_client.post(url, {"reason": REJECTION}).status_code == 409
        assert steps(correction) == [RightsStatus.RECEIVED, RightsStatus.COMPLETED]


def test_no_value_or_reason_reaches_the_logs_or_the_audit_trail(desk_client, borrower, caplog):
    for logger in ("", "django", "django.db.backends", "tactful"):
        caplog.set_level(logging.DEBUG, logger=logger)
    named = ask(borrower, "name", NEW_NAME)
    numbered = ask(borrower, "national_id", NEW_ID)
    refused = ask(borrower, "time_zone", "Asia/Hong_Kong")
    # Every SQL statement is logged with its parameters: what reaches the database is too.
    with CaptureQueriesContext(connection):
        desk_client.post(f"{DESK}{named.reference}/reveal/", {"part": "note", "reason": REASON})
        desk_client.post(f"{DESK}{named.reference}/complete/")
        desk_client.post(f"{DESK}{numbered.reference}/complete/")
    desk_client.post(f"{DESK}{refused.reference}/reject/", {"reason": REJECTION})

    assert Borrower.objects.get(pk=borrower.pk).national_id == NEW_ID
    logged = caplog.text
    payloads = json.dumps([event.payload for event in AuditEvent.objects.all()], ensure_ascii=False)
    for secret in (NEW_NAME, NEW_ID, VALID_CN_ID):
        assert secret not in logged
        assert secret not in payloads
    assert REJECTION not in logged
    assert REJECTION not in payloads
