"""Messages to the complainant: sent at once by day, held until morning at night, answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tactful.complaints import services
from tactful.complaints.models import EventKind, Remediation, RemediationKind, Reply
from tactful.complaints.services import Intake, file_complaint
from tactful.complaints.tests.conftest import NOW
from tactful.errors import Conflict, InvalidInput

# 23:30 in Shanghai: quiet hours (21:00 to 08:00 under the cn pack).
NIGHT = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
MORNING = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


@pytest.fixture
def upheld(borrower, officer):
    intake = Intake(
        channel="portal",
        category="harassment",
        description="一天打了十次。",
        borrower=borrower,
        complainant_kind="borrower",
    )
    complaint = file_complaint(intake=intake, actor="t", now=NOW).complaint
    services.start_investigation(complaint=complaint, actor=officer, now=NOW)
    return services.resolve(
        complaint=complaint, resolution="upheld", summary="属实。", actor=officer, now=NOW
    )


def _apologies(complaint):
    return Remediation.objects.filter(complaint=complaint, kind=RemediationKind.APOLOGY)


@pytest.mark.django_db
def test_an_apology_by_day_goes_at_once_and_is_a_remediation(
    upheld, officer, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.send_apology(complaint=upheld, actor=officer, now=NOW)

    assert reply.sent_at == NOW
    assert reply.send_at is None
    [remedy] = _apologies(upheld)
    assert remedy.attempt == reply.attempt
    assert remedy.details == {"template": "2026.1", "language": "zh-hans"}
    assert any("抱歉" in message.body for message in sms_outbox.sent)


@pytest.mark.django_db
def test_an_apology_at_night_waits_for_0800_then_the_scheduler_sends_it(
    upheld, officer, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.send_apology(complaint=upheld, actor=officer, now=NIGHT)

    assert reply.sent_at is None
    assert reply.send_at == MORNING
    assert reply.waiting
    assert not sms_outbox.sent
    assert not _apologies(upheld).exists()
    held = upheld.events.get(kind=EventKind.REPLY_DEFERRED)
    assert held.details["send_at"] == MORNING.isoformat()
    # A second click does not queue a second apology.
    with pytest.raises(Conflict) as twice:
        services.send_apology(complaint=upheld, actor=officer, now=NIGHT)
    assert twice.value.code == "already_waiting"

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_replies(now=MORNING - timedelta(minutes=1)) == 0
        assert services.send_due_replies(now=MORNING) == 1

    reply.refresh_from_db()
    assert reply.sent_at == MORNING
    assert reply.send_at is None
    assert _apologies(upheld).count() == 1
    assert any("抱歉" in message.body for message in sms_outbox.sent)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_replies(now=MORNING + timedelta(hours=1)) == 0
    assert _apologies(upheld).count() == 1


@pytest.mark.django_db
def test_a_question_is_texted_without_its_words_and_answered_on_the_page(
    upheld, officer, sms_outbox, django_capture_on_commit_callbacks
):
    upheld = services.reopen(complaint=upheld, reason="需要补充材料", actor=officer, now=NOW)
    question = "请问是哪一天、几点接到的电话？"
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.request_information(
            complaint=upheld, question=question, actor=officer, now=NOW
        )

    [message] = [m for m in sms_outbox.sent if upheld.number in m.body]
    assert question not in message.body
    answered = services.answer_information_request(reply=reply, answer="3月1日晚上十点。", now=NOW)
    assert answered.answer == "3月1日晚上十点。"
    assert upheld.events.filter(kind=EventKind.INFORMATION_GIVEN).exists()
    with pytest.raises(Conflict):
        services.answer_information_request(reply=reply, answer="again", now=NOW)


@pytest.mark.django_db
def test_questions_need_an_open_complaint_and_words(upheld, officer):
    with pytest.raises(Conflict) as closed:
        services.request_information(complaint=upheld, question="?", actor=officer, now=NOW)
    assert closed.value.code == "wrong_status"
    upheld = services.reopen(complaint=upheld, reason="再查", actor=officer, now=NOW)
    with pytest.raises(InvalidInput):
        services.request_information(complaint=upheld, question="  ", actor=officer, now=NOW)
    assert not Reply.objects.filter(kind="information_request").exists()


@pytest.mark.django_db
def test_a_question_held_for_the_morning_can_be_answered_and_is_then_not_texted(
    upheld, officer, sms_outbox, django_capture_on_commit_callbacks
):
    upheld = services.reopen(complaint=upheld, reason="再查", actor=officer, now=NOW)
    reply = services.request_information(
        complaint=upheld, question="几点？", actor=officer, now=NIGHT
    )
    assert reply.waiting
    services.answer_information_request(reply=reply, answer="十点", now=NIGHT)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_replies(now=MORNING) == 0
    assert not sms_outbox.sent
    with pytest.raises(Conflict) as twice:
        services.answer_information_request(reply=reply, answer="again", now=NIGHT)
    assert twice.value.code == "already_answered"


@pytest.mark.django_db
def test_the_complainant_is_told_the_answer_is_ready_by_day_or_in_the_morning(
    borrower, officer, sms_outbox, django_capture_on_commit_callbacks
):
    intake = Intake(
        channel="portal",
        category="harassment",
        description="太多电话。",
        borrower=borrower,
        complainant_kind="borrower",
    )
    complaint = file_complaint(intake=intake, actor="t", now=NOW).complaint
    services.start_investigation(complaint=complaint, actor=officer, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve(
            complaint=complaint, resolution="not_upheld", summary="无误。", actor=officer, now=NIGHT
        )
    notice = Reply.objects.get(kind="answer")
    assert notice.send_at == MORNING
    assert not any("查看" in m.body and complaint.number in m.body for m in sms_outbox.sent)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_replies(now=MORNING) == 1
    assert any(complaint.number in m.body for m in sms_outbox.sent)
    assert "无误。" not in sms_outbox.sent[-1].body
