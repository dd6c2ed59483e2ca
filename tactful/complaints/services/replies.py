"""Messages an officer sends the complainant: the apology and requests for information.

Each goes out through a `service` permit. When the gate defers it (quiet hours in the
complainant's zone, a daily cap), it is kept with the time the gate next allows it, the
officer and the complainant both see that time, and the scheduler sends it then
(`send_due_replies`). A message the gate refuses outright is not stored when the officer
asked for it just now (the officer is told), and is marked not sent when the scheduler
met the refusal later.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tactful.accounts.models import User
from tactful.complaints import selectors
from tactful.complaints.models import (
    Complaint,
    EventKind,
    RemediationKind,
    Reply,
    ReplyKind,
    Resolution,
)
from tactful.complaints.services._common import (
    MAX_NOTE,
    _ensure_officer,
    _event,
    _remediation,
    _required_note,
    _user,
)
from tactful.contacts.models import ContactAttempt
from tactful.contacts.services import send_sms_with_permit as send_with_permit
from tactful.errors import Conflict, InvalidInput

APOLOGY_TEMPLATE_VERSION = "2026.1"
_MESSAGE_PURPOSES = {
    ReplyKind.APOLOGY: "complaint_apology",
    ReplyKind.INFORMATION_REQUEST: "complaint_information_request",
    ReplyKind.ANSWER: "complaint_answer",
}


def send_apology(*, complaint: Complaint, actor: User, now: datetime | None = None) -> Reply:
    """Text an apology from the versioned template, in the complainant's language.

    Sent now if the gate allows it, else kept until the time it next allows it. The
    apology is recorded as a remediation once it has gone out.
    """
    _ensure_officer(actor)
    if complaint.resolution not in (Resolution.UPHELD, Resolution.PARTLY_UPHELD):
        raise Conflict("not_upheld", "an apology follows an upheld complaint")
    if selectors.waiting_apology(complaint) is not None:
        raise Conflict("already_waiting", "an apology is already waiting to be sent")
    return _ask(complaint, ReplyKind.APOLOGY, "", actor, now or timezone.now())


def request_information(
    *, complaint: Complaint, question: str, actor: User, now: datetime | None = None
) -> Reply:
    """Ask the complainant a question; the text says where to read and answer it.

    The question itself is shown on the complainant's own page, never in the SMS: an
    officer's free text does not travel to a phone number that may not be theirs alone.
    """
    _ensure_officer(actor)
    question = _required_note(question, "question")
    if complaint.status not in selectors.OPEN_STATUSES:
        raise Conflict("wrong_status", "questions are asked while the complaint is open")
    return _ask(complaint, ReplyKind.INFORMATION_REQUEST, question, actor, now or timezone.now())


def tell_of_answer(*, complaint: Complaint, actor: User, now: datetime) -> Reply | None:
    """Text the complainant that their complaint is answered (the answer is on their page).

    Held until the gate allows, like every reply; never stops the outcome being recorded:
    a refusal is marked on the reply. Nobody to text (anonymous): nothing is sent.
    """
    if complaint.reply_to is None:
        return None
    reply = Reply.objects.create(
        complaint=complaint, kind=ReplyKind.ANSWER, requested_by=_user(actor), requested_at=now
    )
    _dispatch(reply, _user(actor), now, asked_now=False)
    return reply


def answer_information_request(*, reply: Reply, answer: str, now: datetime | None = None) -> Reply:
    """Record the complainant's answer to an officer's question (once).

    A question still held for the morning's text can be answered already: the
    complainant's page shows it at once.
    """
    answer = answer.strip()
    if not answer or len(answer) > MAX_NOTE:
        raise InvalidInput({"answer": f"write 1 to {MAX_NOTE} characters"})
    if reply.kind != ReplyKind.INFORMATION_REQUEST or reply.not_sent:
        raise Conflict("no_question", "there is no question to answer")
    moment = now or timezone.now()
    with transaction.atomic():
        reply = Reply.objects.select_for_update().get(pk=reply.pk)
        if reply.answered_at is not None:
            raise Conflict("already_answered", "this question was answered already")
        reply.answer = answer
        reply.answered_at = moment
        # Answered on the page before the morning's text went: the text is not needed.
        reply.send_at = None
        reply.save(update_fields=["answer", "answered_at", "send_at"])
        _event(
            reply.complaint,
            EventKind.INFORMATION_GIVEN,
            "complainant",
            moment,
            note=answer,
            details={"reply": reply.pk},
        )
    return reply


def send_due_replies(*, actor: str = "complaints", now: datetime | None = None) -> int:
    """Send every held message whose time has come; return how many went out."""
    moment = now or timezone.now()
    sent = 0
    due = Reply.objects.filter(sent_at__isnull=True, send_at__lte=moment).order_by("send_at")
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            reply = Reply.objects.select_for_update().select_related("complaint").get(pk=pk)
            if reply.waiting and reply.send_at is not None and reply.send_at <= moment:
                sent += _dispatch(reply, actor, moment, asked_now=False)
    return sent


def message_text(complaint: Complaint, kind: str) -> str:
    """The text the complainant receives, in their language."""
    template = {
        ReplyKind.APOLOGY: f"complaints/letters/apology_{APOLOGY_TEMPLATE_VERSION}.txt",
        ReplyKind.INFORMATION_REQUEST: "complaints/letters/information_request.txt",
        ReplyKind.ANSWER: "complaints/letters/answer.txt",
    }[ReplyKind(kind)]
    with translation.override(complaint.language):
        return render_to_string(
            template, {"complaint": complaint, "site_url": settings.SITE_URL}
        ).strip()


def _ask(complaint: Complaint, kind: str, question: str, actor: User, moment: datetime) -> Reply:
    if complaint.reply_to is None:
        raise Conflict("no_one_to_reply_to", "the complainant left no number to reply to")
    with transaction.atomic():
        reply = Reply.objects.create(
            complaint=complaint,
            kind=kind,
            question=question,
            requested_by=_user(actor),
            requested_at=moment,
        )
        _dispatch(reply, _user(actor), moment, asked_now=True)
    return reply


def _dispatch(reply: Reply, actor: str, moment: datetime, *, asked_now: bool) -> bool:
    """Try to send `reply` now; hold it, or give it up, as the gate decides. True if sent."""
    complaint = reply.complaint
    assert complaint.reply_to is not None
    attempt = send_with_permit(
        loan=None,
        recipient=complaint.reply_to,
        purpose="service",
        body=message_text(complaint, reply.kind),
        language=complaint.language,
        message_purpose=_MESSAGE_PURPOSES[ReplyKind(reply.kind)],
        actor=actor,
        now=moment,
    )
    if attempt.allowed:
        _mark_sent(reply, attempt, actor, moment)
        return True
    if attempt.next_allowed_at is not None:
        _hold(reply, attempt, actor, moment)
        return False
    if asked_now:
        raise Conflict("not_sent_now", "the gate does not permit the text now or later")
    reply.send_at = None
    reply.attempt = attempt
    reply.save(update_fields=["send_at", "attempt"])
    _event(
        complaint,
        EventKind.REPLY_NOT_SENT,
        actor,
        moment,
        details={"kind": reply.kind, "categories": attempt.categories},
    )
    return False


def _mark_sent(reply: Reply, attempt: ContactAttempt, actor: str, moment: datetime) -> None:
    reply.attempt = attempt
    reply.sent_at = moment
    reply.send_at = None
    reply.save(update_fields=["attempt", "sent_at", "send_at"])
    complaint = reply.complaint
    _event(complaint, EventKind.REPLY_SENT, actor, moment, details={"kind": reply.kind})
    if reply.kind == ReplyKind.APOLOGY:
        _remediation(
            complaint,
            RemediationKind.APOLOGY,
            reply.requested_by,
            moment,
            details={"template": APOLOGY_TEMPLATE_VERSION, "language": complaint.language},
            attempt=attempt,
        )


def _hold(reply: Reply, attempt: ContactAttempt, actor: str, moment: datetime) -> None:
    assert attempt.next_allowed_at is not None
    reply.send_at = attempt.next_allowed_at
    reply.save(update_fields=["send_at"])
    _event(
        reply.complaint,
        EventKind.REPLY_DEFERRED,
        actor,
        moment,
        details={
            "kind": reply.kind,
            "send_at": attempt.next_allowed_at.isoformat(),
            "categories": attempt.categories,
        },
    )
