"""Casework's write path: four-eyes templates, templated texts and calls through the gate."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tactful.audit.verification import verify_chain
from tactful.casework import selectors
from tactful.casework.models import CallLog, TemplatedMessage
from tactful.casework.services import (
    add_note,
    approve_template,
    assign,
    log_call,
    place_call,
    send_templated_sms,
    take_promise,
    write_template,
)
from tactful.contacts.models import ContactOutcome
from tactful.contacts.selectors import holds_of_borrower
from tactful.errors import Conflict, InvalidInput
from tactful.loans.selectors import borrower_today
from tactful.testing.zones import move_to_night

pytestmark = pytest.mark.django_db


def _today(loan):
    return borrower_today(loan.borrower, now=timezone.now())


# --- templates --------------------------------------------------------------------------------


def test_a_template_is_usable_only_after_another_officer_approves_it(author, approver):
    written = write_template(
        name="gentle",
        language="en",
        audience="debtor",
        purpose="collection",
        body="Hello, {amount_due} is due on account {loan}. Reply HELP for a plan.",
        author=author,
    )
    assert written.version == 1
    assert written.findings == []
    assert not selectors.is_usable(written)

    with pytest.raises(Conflict) as own:
        approve_template(template=written, approver=author)
    assert own.value.code == "four_eyes"
    approve_template(template=written, approver=approver)
    assert selectors.is_usable(written)

    second = write_template(
        name="gentle", language="en", audience="debtor", purpose="collection",
        body="Hello again: {amount_due} is due.", author=author,
    )  # fmt: skip
    assert second.version == 2
    # The approved first version stays in use until the second is approved.
    assert selectors.is_usable(written)
    assert not selectors.is_usable(second)
    approve_template(template=second, approver=approver)
    assert selectors.is_usable(second)
    assert not selectors.is_usable(written)


def test_a_template_the_checker_flags_can_never_be_approved(author, approver):
    threat = write_template(
        name="pressure",
        language="zh-hans",
        audience="debtor",
        purpose="collection",
        body="再不还钱，我们就把你欠钱的事告诉你全家和同事。",
        author=author,
    )
    assert threat.findings
    with pytest.raises(Conflict) as refused:
        approve_template(template=threat, approver=approver)
    assert refused.value.code == "template_has_findings"


def test_only_a_compliance_officer_approves(author, supervisor):
    written = write_template(
        name="short", language="en", audience="debtor", purpose="collection",
        body="Your payment is due.", author=author,
    )  # fmt: skip
    with pytest.raises(Conflict) as refused:
        approve_template(template=written, approver=supervisor)
    assert refused.value.code == "approver_not_compliance"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"body": ""}, "invalid_input"),
        ({"body": None}, "invalid_input"),
        ({"body": 42}, "invalid_input"),
        ({"body": "x" * 481}, "invalid_input"),
        ({"body": "Due: {amount_due"}, "template_malformed"),
        ({"body": "Due: {amount_due:>10}"}, "template_malformed"),
        ({"body": "Due: {balance}"}, "template_unknown_field"),
        ({"body": "Due: {loan.borrower}"}, "template_unknown_field"),
        ({"body": "Due: {0}"}, "template_unknown_field"),
        ({"body": "Due\x00 now"}, "invalid_input"),
        ({"audience": "emergency_contact", "body": "Please ask {loan} to call"},
         "template_reveals_account"),
        ({"language": "fr"}, "invalid_input"),
        ({"language": None}, "invalid_input"),
        ({"audience": "third_party"}, "invalid_input"),
        ({"purpose": "shaming"}, "invalid_input"),
        ({"name": "has space"}, "invalid_input"),
        ({"name": ""}, "invalid_input"),
    ],
)  # fmt: skip
def test_a_malformed_template_is_refused_and_nothing_is_stored(author, changes, code):
    fields = {
        "name": "t", "language": "en", "audience": "debtor", "purpose": "collection",
        "body": "Your payment is due.", **changes,
    }  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        write_template(author=author, **fields)
    assert refused.value.code == code
    assert selectors.all_templates(pack="cn").count() == 0


# --- texts and calls --------------------------------------------------------------------------


def test_a_templated_text_goes_through_a_permit_and_records_its_version(
    loan, recipient, template, collector, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attempt = send_templated_sms(
            loan=loan, recipient=recipient, template=template, collector=collector,
            today=_today(loan),
        )  # fmt: skip
    assert attempt.allowed, attempt.reasons
    assert attempt.collector == collector
    assert not attempt.automated
    assert TemplatedMessage.objects.get(attempt=attempt).template == template
    [sent] = sms_outbox.sent
    assert "l-1" in sent.body
    assert "CNY" in sent.body
    assert attempt.verification_code in sent.body
    assert "{" not in sent.body


def test_an_uncertified_collector_is_refused_by_the_gate_and_nothing_is_sent(
    loan, recipient, template, uncertified, sms_outbox
):
    attempt = send_templated_sms(
        loan=loan, recipient=recipient, template=template, collector=uncertified,
        today=_today(loan),
    )  # fmt: skip
    assert not attempt.allowed
    assert sms_outbox.sent == []


def test_at_night_the_text_is_denied_with_the_time_it_opens(
    loan, recipient, template, collector, sms_outbox
):
    move_to_night(loan.borrower)
    recipient.refresh_from_db()
    attempt = send_templated_sms(
        loan=loan, recipient=recipient, template=template, collector=collector,
        today=_today(loan),
    )  # fmt: skip
    assert not attempt.allowed
    assert attempt.next_allowed_at is not None
    assert attempt.next_allowed_at > timezone.now()
    assert sms_outbox.sent == []


def test_an_unapproved_template_cannot_be_sent(loan, recipient, author, collector):
    draft = write_template(
        name="draft", language="en", audience="debtor", purpose="collection",
        body="Your payment is due.", author=author,
    )  # fmt: skip
    with pytest.raises(Conflict) as refused:
        send_templated_sms(
            loan=loan, recipient=recipient, template=draft, collector=collector,
            today=_today(loan),
        )  # fmt: skip
    assert refused.value.code == "template_not_usable"


def test_a_call_is_placed_through_the_voice_port_and_logged_once(
    loan, recipient, collector, voice_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attempt = place_call(
            loan=loan, recipient=recipient, purpose="collection", collector=collector,
            language="zh-hans",
        )  # fmt: skip
    assert attempt.allowed
    [call] = voice_calls.placed
    assert call.verification_code == attempt.verification_code

    log = log_call(attempt=attempt, result="promise", collector=collector)
    assert log.result == "promise"
    assert ContactOutcome.objects.get(attempt=attempt).outcome == "connected"
    with pytest.raises(Conflict):
        log_call(attempt=attempt, result="no_answer", collector=collector)
    assert CallLog.objects.count() == 1


def test_hardship_heard_on_a_call_pauses_contact(loan, recipient, collector, voice_calls):
    attempt = place_call(
        loan=loan, recipient=recipient, purpose="collection", collector=collector,
        language="zh-hans",
    )  # fmt: skip
    log_call(attempt=attempt, result="hardship", collector=collector)
    kinds = [hold.kind for hold in holds_of_borrower(loan.borrower, now=timezone.now())]
    assert "hardship" in kinds


def test_only_the_caller_logs_a_call(loan, recipient, collector, voice_calls, supervisor):
    attempt = place_call(
        loan=loan, recipient=recipient, purpose="collection", collector=collector,
        language="zh-hans",
    )  # fmt: skip
    with pytest.raises(Conflict) as refused:
        log_call(attempt=attempt, result="connected", collector=supervisor)
    assert refused.value.code == "not_your_call"
    with pytest.raises(InvalidInput):
        log_call(attempt=attempt, result=["connected"], collector=collector)


# --- promises, notes, assignments --------------------------------------------------------------


def test_a_promise_holds_contact_until_its_day(loan, collector):
    today = _today(loan)
    promise = take_promise(
        loan=loan, amount=Decimal("500.00"), due_on=today + timedelta(days=3), channel="call",
        collector=collector, today=today,
    )  # fmt: skip
    assert promise.recorded_by == collector.audit_actor
    with pytest.raises(InvalidInput):
        take_promise(
            loan=loan, amount=Decimal("1"), due_on=today, channel="carrier pigeon",
            collector=collector, today=today,
        )  # fmt: skip


@pytest.mark.parametrize("text", ["", "   ", None, 7, "x" * 2001, "bell\x07"])
def test_a_bad_note_is_refused(loan, collector, text):
    with pytest.raises(InvalidInput):
        add_note(loan=loan, text=text, author=collector)
    assert selectors.notes_of(loan).count() == 0


def test_notes_are_appended_and_chained(loan, collector):
    add_note(loan=loan, text="Borrower asked to be called after 18:00.", author=collector)
    add_note(loan=loan, text="Correction: after 19:00.", author=collector)
    assert selectors.notes_of(loan).count() == 2
    assert verify_chain().problem is None


def test_a_collector_takes_from_the_pool_but_only_a_supervisor_moves_accounts(
    loan, collector, uncertified, supervisor
):
    assign(loan=loan, collector=collector, by=collector)
    assert selectors.assignee_of(loan) == collector
    with pytest.raises(Conflict) as refused:
        assign(loan=loan, collector=uncertified, by=uncertified)
    assert refused.value.code == "not_allowed_to_assign"
    assign(loan=loan, collector=uncertified, by=supervisor, reason="workload")
    assert selectors.assignee_of(loan) == uncertified
    assign(loan=loan, collector=None, by=supervisor)
    assert selectors.assignee_of(loan) is None
    with pytest.raises(InvalidInput):
        assign(loan=loan, collector=supervisor, by=supervisor, reason=["x"])
