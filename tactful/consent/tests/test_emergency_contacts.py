"""Emergency contacts: designation, the invitation, one-tap answers, refusal for everyone."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tactful.audit.models import AuditEvent
from tactful.consent import services
from tactful.consent.models import EmergencyContact, NumberRefusal
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt, Recipient
from tactful.contacts.services import request_permit
from tactful.contacts.tests.conftest import NOW
from tactful.errors import Conflict, InvalidInput
from tactful.testing.personas import make_borrower

pytestmark = pytest.mark.django_db
CONTACT = "+8613123456789"
OTHER = "+8613123456780"
THIRD = "+8613123456781"


def designate(borrower, phone=CONTACT, **extra):
    return services.designate_emergency_contact(
        borrower=borrower,
        phone=phone,
        relationship="sibling",
        language="zh-hans",
        actor="test",
        now=NOW,
        **extra,
    )


def invitation_token(sms_outbox) -> str:
    found = re.search(r"/invitation/([\w-]+)/", sms_outbox.sent[-1].body)
    assert found is not None
    return found.group(1)


def contact_recipient(contact) -> Recipient:
    return Recipient.objects.get(emergency_contact=contact)


class TestDesignation:
    def test_the_number_is_stored_encrypted_and_masked(self, borrower, sms_outbox):
        contact = designate(borrower, name="李娜")

        stored = EmergencyContact.objects.values().get()
        assert CONTACT not in str(stored)
        assert "李娜" not in str(stored)
        assert contact.phone_masked == "131****6789"
        assert services.contact_phone(contact) == CONTACT
        assert contact_recipient(contact).role == "emergency_contact"

    def test_the_invitation_goes_through_a_service_permit_and_hides_the_debt(
        self, borrower, loan, sms_outbox
    ):
        designate(borrower)

        [message] = sms_outbox.sent
        permit = ContactAttempt.objects.get()
        assert (permit.purpose, permit.decision, message.to) == ("service", "allow", CONTACT)
        assert permit.verification_code in message.body
        assert "还款" not in message.body
        assert "欠" not in message.body

    def test_at_night_nothing_is_sent(self, borrower, sms_outbox):
        from tactful.contacts.tests.conftest import NIGHT

        services.designate_emergency_contact(
            borrower=borrower,
            phone=CONTACT,
            relationship="friend",
            language="en",
            actor="t",
            now=NIGHT,
        )
        assert sms_outbox.sent == []
        assert ContactAttempt.objects.get().decision == "deny"

    def test_an_invitation_held_back_at_night_goes_out_when_the_night_ends(
        self, borrower, sms_outbox
    ):
        from tactful.contacts.tests.conftest import NIGHT

        contact = services.designate_emergency_contact(
            borrower=borrower,
            phone=CONTACT,
            relationship="friend",
            language="en",
            actor="t",
            now=NIGHT,
        )
        morning = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)  # Tuesday 08:00 in Asia/Shanghai
        contact.refresh_from_db()
        assert (contact.invited_at, contact.invitation_due_at) == (None, morning)

        assert services.send_due_invitations(now=morning - timedelta(minutes=1)) == 0
        assert sms_outbox.sent == []
        assert services.send_due_invitations(now=morning + timedelta(minutes=15)) == 1
        [message] = sms_outbox.sent
        assert message.to == CONTACT
        contact.refresh_from_db()
        assert contact.invited_at == morning + timedelta(minutes=15)
        assert contact.invitation_due_at is None
        # The link in the late invitation is the one that works.
        answered = services.answer_invitation(
            token=invitation_token(sms_outbox), accept=True, language="en", now=morning
        )
        assert answered.pk == contact.pk
        assert services.send_due_invitations(now=morning + timedelta(hours=2)) == 0
        assert len(sms_outbox.sent) == 1

    def test_a_held_invitation_is_dropped_once_the_number_refused(self, borrower, sms_outbox):
        from tactful.contacts.tests.conftest import NIGHT

        contact = services.designate_emergency_contact(
            borrower=borrower,
            phone=CONTACT,
            relationship="friend",
            language="en",
            actor="t",
            now=NIGHT,
        )
        services.refuse_number(phone_index=contact.phone_index, source="test", now=NIGHT)
        assert services.send_due_invitations(now=NIGHT + timedelta(days=1)) == 0
        assert sms_outbox.sent == []
        contact.refresh_from_db()
        assert contact.invitation_due_at is None

    def test_a_third_contact_is_refused_and_nothing_stored(self, borrower, sms_outbox):
        designate(borrower)
        designate(borrower, phone=OTHER)
        sent = len(sms_outbox.sent)

        with pytest.raises(Conflict) as error:
            designate(borrower, phone=THIRD)

        assert error.value.code == "too_many_emergency_contacts"
        assert EmergencyContact.objects.count() == 2
        assert len(sms_outbox.sent) == sent

    @pytest.mark.parametrize(
        ("phone", "code"), [("12345", "invalid_phone"), ("+12025550123", "own_number")]
    )
    def test_bad_numbers_are_refused_and_nothing_stored(self, borrower, sms_outbox, phone, code):
        with pytest.raises(InvalidInput) as error:
            designate(borrower, phone=phone)
        assert error.value.code == code
        assert phone not in str(error.value)
        assert not EmergencyContact.objects.exists()
        assert sms_outbox.sent == []
        assert not AuditEvent.objects.filter(action__startswith="consent.").exists()


class TestAnswers:
    def test_acceptance_becomes_the_consent_the_gate_checks(self, borrower, loan, sms_outbox):
        contact = designate(borrower)
        recipient = contact_recipient(contact)
        token = invitation_token(sms_outbox)

        before = request_permit(
            request=PermitRequest(
                loan=loan, recipient=recipient, channel="call", purpose="locate", automated=True
            ),
            actor="t",
            now=NOW,
        )
        services.answer_invitation(token=token, accept=True, language="zh-hans", now=NOW)
        after = request_permit(
            request=PermitRequest(
                loan=loan, recipient=recipient, channel="call", purpose="locate", automated=True
            ),
            actor="t",
            now=NOW,
        )

        assert before.facts["consents"] == []
        assert "consent" in before.categories
        assert after.facts["consents"] == ["emergency_contact"]
        assert "consent" not in after.categories

    def test_refusal_is_a_permanent_opt_out_for_every_borrower(self, borrower, loan, sms_outbox):
        other = make_borrower(external_id="b-2", phone="+12025550145")
        contact = designate(borrower)
        token = invitation_token(sms_outbox)
        services.answer_invitation(token=token, accept=False, language="zh-hans", now=NOW)
        recipient = contact_recipient(contact)

        denied = request_permit(
            request=PermitRequest(
                loan=loan, recipient=recipient, channel="call", purpose="locate", automated=True
            ),
            actor="t",
            now=NOW,
        )
        assert denied.facts["opted_out"] is True
        with pytest.raises(Conflict) as error:
            designate(other)
        assert error.value.code == "number_refused"
        assert EmergencyContact.objects.filter(borrower=other).count() == 0
        assert NumberRefusal.objects.count() == 1

    def test_the_borrower_withdrawing_stops_contact_at_the_next_decision(
        self, borrower, loan, sms_outbox
    ):
        from datetime import timedelta

        contact = designate(borrower)
        services.answer_invitation(
            token=invitation_token(sms_outbox), accept=True, language="en", now=NOW
        )
        services.withdraw_consent(
            borrower=borrower,
            purpose="locate_via_emergency_contact",
            language="en",
            channel="portal",
            evidence={},
            actor="t",
            now=NOW + timedelta(seconds=1),
        )
        attempt = request_permit(
            request=PermitRequest(
                loan=loan,
                recipient=contact_recipient(contact),
                channel="call",
                purpose="locate",
                automated=True,
            ),
            actor="t",
            now=NOW + timedelta(seconds=2),
        )
        assert attempt.facts["consents"] == []
        assert attempt.facts["opted_out"] is True

    def test_an_unknown_invitation_is_not_found(self, db):
        from tactful.errors import NotFound

        with pytest.raises(NotFound):
            services.answer_invitation(token="nope", accept=True, language="en")

    def test_the_invitation_page_accepts_with_one_tap(self, client, borrower, sms_outbox):
        contact = designate(borrower)
        token = invitation_token(sms_outbox)
        page = client.get(f"/invitation/{token}/")
        assert page.status_code == 200
        assert "紧急联系人" in page.content.decode()
        assert client.get("/invitation/unknown/").status_code == 404

        client.post(f"/invitation/{token}/", {"answer": "refuse"})

        assert NumberRefusal.objects.filter(phone_index=contact.phone_index).exists()


def test_no_invitation_link_reads_as_a_debt_to_the_person_invited():
    """A random link once read as "rp1" (an amount of rupiah) in 1 of ~400 invitations."""
    from tactful.policy.content import DEFAULT_CHECKER

    class Named:
        language = "zh-hans"

    for _ in range(2000):
        token = services.new_invitation_token()
        for language in ("zh-hans", "zh-hant", "en"):
            Named.language = language
            text = services.invitation_text(Named(), token)
            assert DEFAULT_CHECKER.check(text, "emergency_contact") == (), token
