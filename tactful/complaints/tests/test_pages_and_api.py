"""The intake channels end to end, and who may open which page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tactful.accounts.roles import Role
from tactful.complaints import services
from tactful.complaints.models import Complaint, Status
from tactful.contacts.models import Hold
from tactful.one_time_codes.models import OneTimeCode
from tactful.testing.api import ApiClient, issue_test_key
from tactful.testing.personas import (
    SECOND_PHONE,
    make_borrower,
    make_staff,
    sign_in_borrower,
    sign_in_staff,
)
from tactful.testing.zones import move_to_daytime

pytestmark = pytest.mark.django_db


@pytest.fixture
def daytime(borrower):
    return move_to_daytime(borrower)


@pytest.fixture
def api(db):
    return ApiClient(issue_test_key("permits:write", "permits:read", "complaints:write"))


def _ask_to_call(api, loan, recipient):
    return api.post(
        "/permits",
        {
            "loan_external_id": loan.external_id,
            "recipient_id": str(recipient.public_id),
            "channel": "call",
            "purpose": "collection",
            "collector": "wang.collector",
        },
    ).json()


def test_a_complaint_on_the_public_page_stops_contact_at_once(
    daytime, loan, recipient, collector, api
):
    first = _ask_to_call(api, loan, recipient)
    assert first["decision"] == "allow"

    page = Client().post(
        "/complaints/new/",
        {
            "category": "harassment",
            "description": "一天打了十次。",
            "verification_codes": first["verification_code"],
            "submission_token": "t-1",
        },
    )

    complaint = Complaint.objects.get()
    assert page.status_code == 302
    assert page.url == f"/complaints/{complaint.reference}/"
    after = _ask_to_call(api, loan, recipient)
    assert after["decision"] == "deny"
    assert "hold" in after["categories"]
    assert Client().get(page.url).status_code == 200


def test_the_same_form_sent_twice_files_one_complaint(db):
    body = {"category": "privacy", "description": "泄露了我的信息", "submission_token": "t-2"}
    Client().post("/complaints/new/", body)
    Client().post("/complaints/new/", body)
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "files"),
    [
        ({"category": "privacy", "description": ""}, {}),
        ({"category": "privacy", "description": "x" * 5001}, {}),
        ({"category": "privacy", "description": "x", "verification_codes": "ABCDEFGH"}, {}),
        (
            {"category": "privacy", "description": "x"},
            {"attachment": SimpleUploadedFile("a.exe", b"MZ")},
        ),
        (
            {
                "category": "privacy",
                "description": "x",
                "phone": "+12025550123",
                "identity_code": "123456",
            },
            {},
        ),
    ],
)
def test_bad_public_input_shows_an_error_and_stores_nothing(db, body, files):
    page = Client().post("/complaints/new/", {**body, **files})
    assert page.status_code == 200
    assert "field-error" in page.content.decode()
    assert not Complaint.objects.exists()
    assert not Hold.objects.exists()


def test_a_public_code_identifies_the_complainant(
    daytime, loan, recipient, sms_outbox, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/complaints/new/", {"phone": "+12025550123", "send_code": "1"})
    assert sent.status_code == 200
    code = next(m.body for m in sms_outbox.sent).split("是 ")[1][:6]
    client.post(
        "/complaints/new/",
        {
            "category": "harassment",
            "description": "太多电话",
            "phone": "+12025550123",
            "identity_code": code,
        },
    )
    complaint = Complaint.objects.get()
    assert complaint.complainant_kind == "borrower"
    assert OneTimeCode.objects.get().used_at is not None


def test_an_unknown_number_gets_the_same_answer_and_no_text(db, sms_outbox):
    page = Client().post("/complaints/new/", {"phone": "+12025550188", "send_code": "1"})
    assert page.status_code == 200
    assert sms_outbox.sent == []


def test_the_api_files_a_complaint_idempotently(daytime, loan, api):
    body = {
        "category": "wrong_amount",
        "description": "罚息算错了",
        "borrower_external_id": "b-1",
        "complainant": "borrower",
    }
    first = api.post("/complaints", body, key="c-1")
    again = api.post("/complaints", body, key="c-1")
    assert first.status_code == 201
    assert again.json() == first.json()
    assert first.json()["holds"] == 1
    assert Complaint.objects.count() == 1


def test_the_api_refuses_unknown_codes_and_other_scopes(db, api):
    refused = api.post(
        "/complaints", {"category": "other", "description": "x", "verification_codes": ["ZZZZZZZZ"]}
    )
    assert refused.status_code == 422
    assert "verification_codes" in refused.json()["fields"]
    other = ApiClient(issue_test_key("permits:write")).post(
        "/complaints", {"category": "other", "description": "x"}
    )
    assert other.status_code == 403
    assert not Complaint.objects.exists()


def test_a_borrower_sees_only_their_own_complaints(borrower, loan):
    mine = services.file_complaint(
        intake=services.Intake(
            channel="portal",
            category="other",
            description="我的",
            borrower=borrower,
            complainant_kind="borrower",
        ),
        actor="t",
    ).complaint
    other = make_borrower(external_id="b-2", phone=SECOND_PHONE)
    theirs = services.file_complaint(
        intake=services.Intake(
            channel="portal",
            category="other",
            description="别人的",
            borrower=other,
            complainant_kind="borrower",
        ),
        actor="t",
    ).complaint
    client = Client()
    sign_in_borrower(client, borrower)

    assert client.get(f"/portal/complaints/{mine.reference}/").status_code == 200
    assert client.get(f"/portal/complaints/{theirs.reference}/").status_code == 404
    listing = client.get("/portal/complaints/").content.decode()
    assert mine.number in listing
    assert theirs.number not in listing


def test_a_borrower_files_from_the_portal(borrower, loan):
    client = Client()
    sign_in_borrower(client, borrower)
    page = client.post(
        "/portal/complaints/", {"category": "disclosure", "description": "告诉了我同事"}
    )
    complaint = Complaint.objects.get()
    assert page.status_code == 302
    assert complaint.borrower == borrower
    assert complaint.channel == "portal"
    # The complainant reads their own words back on the complaint's page.
    for language, heading in (("zh-hans", "您告诉我们的内容"), ("en", "What you told us")):
        shown = client.get(page["Location"], HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert heading in shown
        assert "告诉了我同事" in shown


def test_a_rating_refused_is_explained_in_the_readers_language(borrower, loan):
    client = Client()
    sign_in_borrower(client, borrower)
    client.post("/portal/complaints/", {"category": "disclosure", "description": "告诉了我同事"})
    complaint = Complaint.objects.get()
    page = client.post(
        f"/complaints/{complaint.reference}/", {"score": "5"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "我们答复您的投诉之后，您才可以评价处理情况。" in page
    assert "can be rated once it is resolved" not in page


def test_the_portal_page_needs_a_signed_in_borrower(db):
    assert Client().get("/portal/complaints/").url == "/portal/sign-in/"


def test_collectors_never_see_complaints(call, collector):
    complaint = services.file_complaint(
        intake=services.Intake(
            channel="public",
            category="other",
            description="x",
            verification_codes=[call.verification_code],
        ),
        actor="t",
    ).complaint
    client = Client()
    sign_in_staff(client, collector)
    for path in (
        "/staff/complaints/",
        f"/staff/complaints/{complaint.reference}/",
        "/staff/complaints/reports/",
        "/staff/complaints/reports/export.csv",
    ):
        assert client.get(path).status_code == 403, path


def test_a_collector_records_a_phone_complaint_without_seeing_it_after(collector, borrower, loan):
    client = Client()
    sign_in_staff(client, collector)
    page = client.post(
        "/staff/complaints/new/",
        {
            "received_via": "staff",
            "complainant_kind": "borrower",
            "borrower_external_id": "b-1",
            "category": "harassment",
            "description": "电话里投诉",
        },
    )
    assert page.status_code == 302
    assert page.url == "/staff/"
    assert Complaint.objects.get().channel == "staff"


def test_a_regulator_referral_from_a_third_party_is_recorded_and_holds_their_number(
    collector, borrower, loan
):
    from tactful.consent.services import designate_emergency_contact
    from tactful.contacts.models import Hold, Recipient

    contact = designate_emergency_contact(
        borrower=borrower,
        phone="+8613123456789",
        relationship="friend",
        language="zh-hans",
        actor="t",
    )
    client = Client()
    sign_in_staff(client, collector)
    fields = {
        "received_via": "regulator",
        "complainant_kind": "third_party",
        "phone_region": "CN",
        "complainant_phone": "131 2345 6789",
        "category": "contacted_others",
        "description": "监管转办：紧急联系人被多次致电",
    }
    missing = client.post("/staff/complaints/new/", fields, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 200
    assert "Give the regulator&#x27;s reference." in missing.content.decode()
    assert not Complaint.objects.exists()
    page = client.post(
        "/staff/complaints/new/", {**fields, "referral_reference": "12378-2026-000451"}
    )
    assert page.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.referral_reference) == ("regulator", "12378-2026-000451")
    assert complaint.complainant_kind == "third_party"
    recipient = Recipient.objects.get(emergency_contact=contact)
    assert Hold.objects.filter(recipient=recipient, kind="complaint").exists()


def test_a_malformed_number_on_the_staff_form_is_refused(collector, borrower):
    client = Client()
    sign_in_staff(client, collector)
    page = client.post(
        "/staff/complaints/new/",
        {
            "received_via": "staff",
            "complainant_kind": "third_party",
            "phone_region": "CN",
            "complainant_phone": "12345",
            "category": "harassment",
            "description": "电话里投诉",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "This does not look like a mobile phone number." in page.content.decode()
    assert not Complaint.objects.exists()


def test_an_officer_investigates_and_exports(call, officer, second_officer):
    complaint = services.file_complaint(
        intake=services.Intake(
            channel="public",
            category="abusive_language",
            description="骂人",
            verification_codes=[call.verification_code],
        ),
        actor="t",
    ).complaint
    client = Client()
    sign_in_staff(client, officer)
    page = client.get(f"/staff/complaints/{complaint.reference}/")
    assert page.status_code == 200
    assert call.verification_code in page.content.decode()
    assert "wang.collector" in page.content.decode()
    client.post(f"/staff/complaints/{complaint.reference}/act/", {"action": "investigate"})
    client.post(
        f"/staff/complaints/{complaint.reference}/act/",
        {"action": "resolve", "resolve-resolution": "not_upheld", "resolve-summary": "无证据"},
    )
    client.post(f"/staff/complaints/{complaint.reference}/act/", {"action": "close"})
    assert Complaint.objects.get().status == Status.CLOSED
    csv = client.get("/staff/complaints/reports/export.csv?pack=cn")
    assert csv.status_code == 200
    assert complaint.number in csv.content.decode()
    xlsx = client.get("/staff/complaints/reports/export.xlsx")
    assert xlsx.content[:2] == b"PK"
    report = client.get("/staff/complaints/reports/")
    assert report.status_code == 200


def test_supervisors_cannot_open_the_investigation(call):
    supervisor = make_staff("sun.supervisor", Role.SUPERVISOR)
    client = Client()
    sign_in_staff(client, supervisor)
    assert client.get("/staff/complaints/").status_code == 403


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", "当前状态下无法进行这一步。"),
        ("zh-hant", "目前狀態下無法進行這一步。"),
        ("en", "This step is not possible in the complaint's current state."),
    ],
)
def test_a_refused_step_is_explained_in_the_officers_language(call, officer, language, words):
    complaint = services.file_complaint(
        intake=services.Intake(
            channel="public",
            category="abusive_language",
            description="骂人",
            verification_codes=[call.verification_code],
        ),
        actor="t",
    ).complaint
    client = Client()
    sign_in_staff(client, officer)
    client.cookies["django_language"] = language
    page = client.post(
        f"/staff/complaints/{complaint.reference}/act/",
        {"action": "close"},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    ).content.decode()
    assert words.replace("'", "&#x27;") in page
    assert "this step needs" not in page


def test_an_officer_opens_the_evidence_sent_and_nobody_else_does(call, officer, collector):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tactful.audit.models import AuditEvent

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    complaint = services.file_complaint(
        intake=services.Intake(
            channel="public",
            category="abusive_language",
            description="截图在附件里",
            verification_codes=[call.verification_code],
            attachments=[SimpleUploadedFile("shot.png", png, content_type="image/png")],
        ),
        actor="t",
    ).complaint
    other = services.file_complaint(
        intake=services.Intake(channel="public", category="other", description="另一项"),
        actor="t",
    ).complaint
    attachment = complaint.attachments.get()
    client = Client()
    sign_in_staff(client, officer)
    page = client.get(f"/staff/complaints/{complaint.reference}/").content.decode()
    link = f"/staff/complaints/{complaint.reference}/attachments/{attachment.pk}/"
    assert f'href="{link}"' in page
    assert f'href="{link}?view=1"' in page
    viewed = client.get(f"{link}?view=1")
    assert viewed["Content-Disposition"].startswith("inline;")
    assert viewed["Content-Security-Policy"].startswith("sandbox;")
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(response.content).hexdigest() == attachment.sha256
    assert AuditEvent.objects.filter(action="complaint.attachment_opened").exists()
    # Through another complaint's address it is not found; a collector gets no door at all.
    assert (
        client.get(f"/staff/complaints/{other.reference}/attachments/{attachment.pk}/").status_code
        == 404
    )
    collector_client = Client()
    sign_in_staff(collector_client, collector)
    assert collector_client.get(link).status_code == 403


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", "联系了家人、朋友或同事"), ("en", "1 complaint on")],
)
def test_the_report_names_categories_and_counts_in_words(officer, borrower, loan, language, words):
    services.file_complaint(
        intake=services.Intake(channel="public", category="contacted_others", description="x"),
        actor="t",
    )
    client = Client()
    sign_in_staff(client, officer)
    client.cookies["django_language"] = language
    page = client.get("/staff/complaints/reports/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words in page
    for raw in ("contacted_others", ">category<", "1 complaints"):
        assert raw not in page
