"""Filing a complaint: holds in the same transaction, linked contacts, bad input stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tactful.audit.models import AuditEvent
from tactful.complaints.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    ComplaintHold,
    LinkedAttempt,
    Status,
)
from tactful.complaints.services import Intake, TooManyComplaints, file_complaint
from tactful.complaints.tests.conftest import NOW
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import Hold, Recipient
from tactful.contacts.services import request_permit
from tactful.errors import InvalidInput

LATER = NOW + timedelta(minutes=5)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _intake(**overrides):
    fields = {
        "channel": "public",
        "category": "harassment",
        "description": "他们一天打了十次电话。",
    }
    fields.update(overrides)
    return Intake(**fields)


def _nothing_stored():
    assert not Complaint.objects.exists()
    assert not Hold.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_complaint_with_a_code_holds_the_debt_and_the_next_call_is_denied(
    call, loan, recipient, collector, sms_outbox
):
    filed = file_complaint(
        intake=_intake(verification_codes=[call.verification_code]), actor="t", now=NOW
    )

    complaint = filed.complaint
    assert filed.created
    assert [link.attempt for link in complaint.attempts.all()] == [call]
    [link] = ComplaintHold.objects.filter(complaint=complaint)
    assert link.hold.kind == "complaint"
    assert link.hold.loan == loan
    # The reason names the complaint, never the complainant.
    assert link.hold.reason == f"complaint {complaint.number}"
    after = request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="call",
            purpose="collection",
            collector=collector,
        ),
        actor="test",
        now=LATER,
    )
    assert after.decision == "deny"
    assert "hold" in after.categories
    assert AuditEvent.objects.filter(action="complaint.received").count() == 1


@pytest.mark.django_db
def test_a_third_party_contacted_is_held_as_a_person(borrower, loan, sms_outbox):
    contact = Recipient.objects.create(borrower=borrower, role="emergency_contact")
    permit = request_permit(
        request=PermitRequest(loan=loan, recipient=contact, channel="call", purpose="locate"),
        actor="t",
        now=NOW,
    )
    complaint = file_complaint(
        intake=_intake(
            category="contacted_others", verification_codes=[permit.verification_code.lower()]
        ),
        actor="t",
        now=NOW,
    ).complaint

    holds = {(hold.loan_id, hold.recipient_id) for hold in Hold.objects.filter(kind="complaint")}
    assert holds == {(loan.pk, None), (None, contact.pk)}
    assert complaint.complainant_kind == "anonymous"
    assert complaint.reply_to is None  # no one to acknowledge: the status stays received
    assert complaint.status == Status.RECEIVED


@pytest.mark.django_db
def test_an_identified_number_is_held_across_every_borrower_it_belongs_to(recipient, loan):
    complaint = file_complaint(
        intake=_intake(complainant_phone=recipient.phone_number.e164), actor="t", now=NOW
    ).complaint

    assert complaint.complainant_kind == "borrower"
    assert complaint.borrower == recipient.borrower
    assert Hold.objects.filter(recipient=recipient, kind="complaint").exists()
    assert Hold.objects.filter(loan=loan, kind="complaint").exists()
    assert complaint.complainant_digest
    assert recipient.phone_number.e164 not in str(
        Complaint.objects.filter(pk=complaint.pk).values().get()
    )


@pytest.mark.django_db
def test_the_complainant_is_acknowledged_at_once_through_a_service_permit(
    borrower, loan, recipient, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint(
            intake=_intake(channel="portal", borrower=borrower, complainant_kind="borrower"),
            actor="t",
            now=NOW,
        ).complaint

    assert complaint.status == Status.ACKNOWLEDGED
    [message] = sms_outbox.sent
    assert complaint.number in message.body
    assert "核验码" in message.body
    assert message.purpose == "complaint_acknowledgement"


@pytest.mark.django_db
def test_the_same_submission_twice_files_one_complaint(call):
    first = file_complaint(intake=_intake(submission_key="k-1"), actor="t", now=NOW)
    second = file_complaint(intake=_intake(submission_key="k-1"), actor="t", now=NOW)

    assert first.created
    assert not second.created
    assert second.complaint == first.complaint
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "长" * 5001}, "description"),
        ({"category": "nonsense"}, "category"),
        ({"verification_codes": ["ZZZZZZZZ"]}, "verification_codes"),
        ({"verification_codes": ["not-a-code"]}, "verification_codes"),
        ({"attachments": [SimpleUploadedFile("x.exe", b"MZ")]}, "attachments"),
        ({"attachments": [SimpleUploadedFile("x.png", b"GIF89a....")]}, "attachments"),
        ({"attachments": [SimpleUploadedFile("x.png", b"")]}, "attachments"),
        (
            {"attachments": [SimpleUploadedFile("x.png", PNG + b"0" * 5 * 1024 * 1024)]},
            "attachments",
        ),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_refused_and_nothing_is_stored(call, overrides, field, sms_outbox):
    with pytest.raises(InvalidInput) as refused:
        file_complaint(intake=_intake(**overrides), actor="t", now=NOW)

    assert field in refused.value.fields
    _nothing_stored()
    assert not LinkedAttempt.objects.exists()
    assert sms_outbox.sent == []


@pytest.mark.django_db
def test_a_picture_is_kept_under_a_random_name():
    upload = SimpleUploadedFile("张伟的截图.png", PNG)
    complaint = file_complaint(intake=_intake(attachments=[upload]), actor="t", now=NOW).complaint

    [attachment] = complaint.attachments.all()
    assert attachment.content_type == "image/png"
    assert "张伟" not in attachment.file.name


@pytest.mark.django_db
def test_the_public_page_is_rate_limited_per_source(db):
    for _ in range(5):
        file_complaint(intake=_intake(source="203.0.113.9"), actor="t", now=NOW)

    with pytest.raises(TooManyComplaints):
        file_complaint(intake=_intake(source="203.0.113.9"), actor="t", now=NOW)
    assert Complaint.objects.count() == 5
    file_complaint(intake=_intake(source="203.0.113.10"), actor="t", now=NOW)


@pytest.mark.django_db
def test_the_deadline_follows_the_pack(db, settings):
    complaint = file_complaint(intake=_intake(), actor="t", now=NOW).complaint
    assert complaint.pack == "cn"
    assert complaint.due_on.isoformat() == "2026-03-17"


CONTACT = "+8613123456789"


def _name_as_emergency_contact(borrower, phone=CONTACT):
    from tactful.consent.services import designate_emergency_contact

    return designate_emergency_contact(
        borrower=borrower,
        phone=phone,
        relationship="friend",
        language="zh-hans",
        actor="t",
        now=NOW,
    )


def _locate_call(loan, contact, *, now):
    return request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=Recipient.objects.get(emergency_contact=contact),
            channel="call",
            purpose="locate",
            automated=True,
        ),
        actor="t",
        now=now,
    )


@pytest.mark.django_db
def test_an_emergency_contact_complaining_by_number_is_held_for_every_borrower(
    borrower, loan, sms_outbox, django_capture_on_commit_callbacks
):
    """The person, not one record: a complaint with the number they proved holds every
    record that names them, acknowledges them, and keeps it out of any borrower's record."""
    from tactful.contacts.record import contact_record_of
    from tactful.testing.api import create_loan
    from tactful.testing.personas import SECOND_PHONE, make_borrower

    other = make_borrower(external_id="b-2", phone=SECOND_PHONE, name="王芳")
    other_loan = create_loan("l-2", other)
    named_by_first = _name_as_emergency_contact(borrower)
    named_by_other = _name_as_emergency_contact(other)
    before = len(contact_record_of(other))
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint(
            intake=_intake(
                channel="public", complainant_phone=CONTACT, category="contacted_others"
            ),
            actor="t",
            now=NOW,
        ).complaint

    assert complaint.complainant_kind == "third_party"
    assert complaint.borrower is None
    # Said on failure: why the gate held the acknowledgement back (it failed once in CI: a
    # complaint number that read as an amount; the test below).
    held = list(complaint.events.values_list("kind", "details"))
    assert complaint.status == Status.ACKNOWLEDGED, held
    assert sms_outbox.sent[-1].to == CONTACT
    for record, debt in ((named_by_first, loan), (named_by_other, other_loan)):
        denied = _locate_call(debt, record, now=LATER)
        assert denied.decision == "deny"
        assert "hold" in denied.categories
    assert len(contact_record_of(other)) == before + 1  # the denied call, not their own text


@pytest.mark.django_db
def test_a_complaint_number_that_reads_as_an_amount_is_never_given(
    borrower, loan, sms_outbox, monkeypatch, django_capture_on_commit_callbacks
):
    """The acknowledgement quotes the number to someone who may not be the debtor: one that
    reads as an amount ("5RMB", "CNY7") had the gate hold it back as a disclosure, about
    one complaint in a thousand (the intermittent failure of the test above)."""
    from tactful.complaints.services import intake

    draws = iter(["C9KAK5RMB", "CNY7JX9F9", "CBABPG5RS", "C7J768PHP", "CHT4WXM2E"])
    monkeypatch.setattr(intake, "_draw_number", lambda: next(draws))
    _name_as_emergency_contact(borrower)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint(
            intake=_intake(
                channel="public", complainant_phone=CONTACT, category="contacted_others"
            ),
            actor="t",
            now=NOW,
        ).complaint

    held = list(complaint.events.values_list("kind", "details"))
    assert complaint.status == Status.ACKNOWLEDGED, held
    assert complaint.number == "CHT4WXM2E"
    assert complaint.number in sms_outbox.sent[-1].body


@pytest.mark.django_db
def test_a_hold_through_one_borrowers_record_reaches_the_same_number_named_by_another(
    borrower, loan
):
    from tactful.contacts.services import place_hold
    from tactful.testing.api import create_loan
    from tactful.testing.personas import SECOND_PHONE, make_borrower

    other = make_borrower(external_id="b-2", phone=SECOND_PHONE, name="王芳")
    other_loan = create_loan("l-2", other)
    first = _name_as_emergency_contact(borrower)
    second = _name_as_emergency_contact(other)
    place_hold(
        kind="complaint",
        source="test",
        actor="t",
        recipient=Recipient.objects.get(emergency_contact=first),
        reason="asked to stop",
        now=NOW,
    )
    assert "hold" in _locate_call(other_loan, second, now=LATER).categories


@pytest.mark.django_db
def test_a_regulator_referral_carries_its_reference(borrower, loan):
    complaint = file_complaint(
        intake=_intake(channel="regulator", referral_reference="12378-2026-000451"),
        actor="t",
        now=NOW,
    ).complaint
    assert (complaint.channel, complaint.referral_reference) == ("regulator", "12378-2026-000451")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("channel", "reference"),
    [
        ("regulator", ""),
        ("regulator", "   "),
        ("public", "12378-1"),
        ("regulator", 12378),
        ("regulator", None),
        ("regulator", "x" * 65),
        ("regulator", "12378\n1"),
    ],
)
def test_a_referral_reference_out_of_place_or_malformed_is_refused(borrower, channel, reference):
    with pytest.raises(InvalidInput) as refused:
        file_complaint(
            intake=_intake(channel=channel, referral_reference=reference), actor="t", now=NOW
        )
    assert "referral_reference" in refused.value.fields
    assert not Complaint.objects.exists()
