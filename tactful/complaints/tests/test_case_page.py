"""The complaint desk's pages: one form per step, only valid steps, held messages, the queue."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tactful.accounts.roles import Role
from tactful.complaints import services
from tactful.complaints.models import Complaint, Remediation, Reply, Status
from tactful.testing.personas import make_staff, sign_in_staff
from tactful.testing.zones import move_to_daytime, move_to_night

pytestmark = pytest.mark.django_db


def _file(borrower, **extra):
    intake = services.Intake(
        channel="portal",
        category=extra.pop("category", "harassment"),
        description="一天打了十次电话。",
        borrower=borrower,
        complainant_kind="borrower",
        **extra,
    )
    return services.file_complaint(intake=intake, actor="t").complaint


def _officer_client(officer, language="zh-hans"):
    client = Client()
    sign_in_staff(client, officer)
    client.cookies["django_language"] = language
    return client


def _steps(page):
    return set(re.findall(r'name="action" value="([a-z_]+)"', page.content.decode()))


def _act(client, complaint, action, **fields):
    body = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(f"/staff/complaints/{complaint.reference}/act/", body)


def test_only_the_steps_the_state_allows_are_offered(borrower, loan, officer, call):
    move_to_daytime(borrower)
    complaint = _file(borrower, verification_codes=[call.verification_code])
    client = _officer_client(officer)
    url = f"/staff/complaints/{complaint.reference}/"

    received = _steps(client.get(url))
    assert {"investigate", "assign", "request_information", "lift_holds"} <= received
    assert not received & {"resolve", "close", "apology", "waiver", "reopen"}

    _act(client, complaint, "investigate")
    investigating = _steps(client.get(url))
    assert "resolve" in investigating
    assert "investigate" not in investigating

    _act(client, complaint, "resolve", resolution="upheld", summary="属实。")
    resolved = _steps(client.get(url))
    assert {"apology", "waiver", "compensation", "correction", "close", "reopen"} <= resolved
    assert "resolve" not in resolved


def test_each_step_checks_its_own_fields_in_the_officers_language(borrower, loan, officer):
    move_to_daytime(borrower)
    complaint = _file(borrower)
    client = _officer_client(officer)
    _act(client, complaint, "investigate")

    page = _act(client, complaint, "resolve", resolution="upheld", summary="")
    assert page.status_code == 422
    text = page.content.decode()
    assert "这个字段是必填项。" in text  # Django's own "This field is required." in zh-Hans
    assert 'id="id_resolve-summary"' in text
    assert Complaint.objects.get().status == Status.INVESTIGATING

    # A wrong type is refused by the form, and nothing is written.
    complaint.refresh_from_db()
    _act(client, complaint, "resolve", resolution="upheld", summary="属实。")
    refused = _act(client, complaint, "waiver", installment="one", amount="-5")
    assert refused.status_code == 422
    assert not Remediation.objects.exists()


def test_an_apology_at_night_is_held_and_both_pages_say_when_it_goes(
    borrower, loan, officer, sms_outbox, django_capture_on_commit_callbacks
):
    move_to_night(borrower)
    complaint = _file(borrower)
    client = _officer_client(officer, "en")
    _act(client, complaint, "investigate")
    _act(client, complaint, "resolve", resolution="upheld", summary="We called too often.")
    with django_capture_on_commit_callbacks(execute=True):
        done = _act(client, complaint, "apology")
    assert done.status_code == 302
    reply = Reply.objects.get(kind="apology")
    assert reply.waiting
    page = client.get(done["Location"]).content.decode()
    assert "the message is held. It will be sent on" in page
    assert 'data-held="apology"' in page
    assert "apology" not in _steps(client.get(done["Location"]))
    assert not sms_outbox.sent

    status_page = Client().get(f"/complaints/{complaint.reference}/", HTTP_ACCEPT_LANGUAGE="en")
    borrower.refresh_from_db()
    local = reply.send_at.astimezone(ZoneInfo(borrower.time_zone))
    assert f"at {local:%H:%M} your time" in status_page.content.decode()


def test_the_complainant_answers_the_officers_question_on_their_page(
    borrower, loan, officer, sms_outbox, django_capture_on_commit_callbacks
):
    move_to_daytime(borrower)
    complaint = _file(borrower)
    client = _officer_client(officer)
    with django_capture_on_commit_callbacks(execute=True):
        _act(client, complaint, "request_information", question="电话是几点打来的？")
    assert all("几点" not in message.body for message in sms_outbox.sent)

    status_url = f"/complaints/{complaint.reference}/"
    assert "电话是几点打来的？" in Client().get(status_url).content.decode()
    assert Client().post(status_url, {"answer": ""}).status_code == 400
    assert Client().post(status_url, {"answer": "晚上十点"}).status_code == 302
    officer_page = client.get(f"/staff/complaints/{complaint.reference}/").content.decode()
    assert "晚上十点" in officer_page


def test_the_queue_filters_and_counts_per_state(borrower, loan, officer, second_officer):
    move_to_daytime(borrower)
    mine = _file(borrower)
    _file(borrower, category="privacy")
    services.assign(complaint=mine, officer=officer, actor=officer)
    client = _officer_client(officer, "en")

    everything = client.get("/staff/complaints/").content.decode()
    assert 'data-status="acknowledged">Acknowledged (2)' in everything
    my_cases = client.get("/staff/complaints/?assignee=me").content.decode()
    assert my_cases.count("/staff/complaints/") - everything.count("/staff/complaints/") == -1
    privacy = client.get("/staff/complaints/?category=privacy").content.decode()
    assert 'data-status="acknowledged">Acknowledged (1)' in privacy
    late = client.get("/staff/complaints/?risk=overdue").content.decode()
    assert "No complaints." in late
    # Values that are not among the choices are ignored, not an error.
    assert client.get("/staff/complaints/?status=bogus&assignee=1;drop").status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("run.exe", b"MZ", "请附上 PNG 或 JPEG 图片"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "文件超过 5 MB"),
        ("fake.png", b"MZ not a picture", "请附上 PNG 或 JPEG 图片"),
    ],
)
def test_a_disallowed_or_oversized_attachment_is_refused_in_words(db, name, content, words):
    page = Client().post(
        "/complaints/new/",
        {
            "category": "privacy",
            "description": "截图",
            "attachment": SimpleUploadedFile(name, content),
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert words in page.content.decode()
    assert not Complaint.objects.exists()


def test_collectors_and_supervisors_have_no_steps(borrower, loan, collector):
    complaint = _file(borrower)
    # Received, or acknowledged when it is daytime for the borrower: either way, untouched.
    before = Complaint.objects.get().status
    for user in (collector, make_staff("sun.supervisor", Role.SUPERVISOR)):
        client = Client()
        sign_in_staff(client, user)
        assert _act(client, complaint, "investigate").status_code == 403
    assert Complaint.objects.get().status == before
    assert before in (Status.RECEIVED, Status.ACKNOWLEDGED)


def test_every_refusal_an_officer_can_meet_has_words_in_every_language():
    import pathlib

    from django.utils import translation

    from tactful.staff.complaints.views import STEP_REFUSALS

    raised = {
        code
        for source in pathlib.Path("tactful/complaints/services").glob("*.py")
        for code in re.findall(
            r'(?:Conflict|NotFound)\(\s*"([a-z_]+)"', source.read_text(encoding="utf-8")
        )
    }
    # The complainant's own refusals (rating, answering) are worded on their page.
    complainants = {"already_rated", "not_resolved_yet", "no_question", "already_answered"}
    # What the ledger refuses when a correction reverses an entry.
    ledger = {"entry_not_found", "already_reversed", "cannot_reverse_reversal"}
    officer_codes = (raised - complainants) | ledger | {"second_officer_required"}
    assert "already_waiting" in officer_codes
    assert officer_codes <= set(STEP_REFUSALS)
    for code in officer_codes | {"invalid_input"}:
        with translation.override("en"):
            english = str(STEP_REFUSALS[code])
        for language in ("zh-hans", "zh-hant"):
            with translation.override(language):
                assert str(STEP_REFUSALS[code]) != english, (code, language)


def test_a_pdf_is_only_ever_downloaded(borrower, officer):
    complaint = _file(
        borrower, attachments=[SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n")]
    )
    attachment = complaint.attachments.get()
    client = _officer_client(officer)
    page = client.get(f"/staff/complaints/{complaint.reference}/").content.decode()
    link = f"/staff/complaints/{complaint.reference}/attachments/{attachment.pk}/"
    assert f'href="{link}?view=1"' not in page
    asked_to_view = client.get(f"{link}?view=1")
    assert asked_to_view["Content-Disposition"].startswith("attachment;")
    assert asked_to_view["Content-Type"] == "application/pdf"
