"""Third parties' rights on /verify/rights/: a code to the number, then see, stop, erase."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tactful.audit.models import AuditEvent
from tactful.consent import selectors as consent_read
from tactful.consent import services
from tactful.consent.models import (
    EmergencyContact,
    NumberRefusal,
    Relationship,
)
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt, Recipient
from tactful.contacts.record import contact_record_of
from tactful.contacts.services import request_permit
from tactful.contacts.tests.conftest import NIGHT, NOW
from tactful.errors import InvalidInput
from tactful.one_time_codes import services as codes
from tactful.one_time_codes.models import OneTimeCode
from tactful.rights import selectors as rights_read
from tactful.rights import services as rights
from tactful.rights.models import RightsRequest
from tactful.testing.personas import FIRST_PHONE
from tactful.testing.zones import zone_where_it_is

pytestmark = pytest.mark.django_db
CONTACT = "+8613123456789"
UNKNOWN = "+8613123456780"
SAID = "If we hold anything about this number, we have sent a code to it."


def designate(borrower, phone=CONTACT):
    return services.designate_emergency_contact(
        borrower=borrower,
        phone=phone,
        relationship="sibling",
        language="en",
        actor="test",
        name="李娜",
        now=NOW,
    )


def code_in(sms_outbox) -> str:
    # Six digits standing alone: the gate's 8-character verification code is not one.
    found = re.search(r"(?<![0-9A-Z])(\d{6})(?![0-9A-Z])", sms_outbox.sent[-1].body)
    assert found is not None
    return found.group(1)


def proven(phone, sms_outbox, *, now=NOW) -> list[str]:
    rights.request_code(phone=phone, client="198.51.100.7", now=now)
    return rights.verify_code(phone=phone, code=code_in(sms_outbox), now=now)


class TestCode:
    def test_an_unknown_number_gets_a_row_but_no_text(self, borrower, sms_outbox):
        rights.request_code(phone=UNKNOWN, client="198.51.100.7", now=NOW)

        assert sms_outbox.sent == []
        assert OneTimeCode.objects.count() == 1
        assert UNKNOWN not in str(OneTimeCode.objects.values().get())

    def test_an_emergency_contact_gets_the_code_through_a_permit(self, borrower, loan, sms_outbox):
        designate(borrower)
        sms_outbox.sent.clear()

        rights.request_code(phone=CONTACT, client="198.51.100.7", now=NOW)

        [message] = sms_outbox.sent
        assert message.to == CONTACT
        attempt = ContactAttempt.objects.order_by("-pk").first()
        assert attempt is not None
        assert attempt.allowed
        assert attempt.purpose == "service"
        assert attempt.verification_code in message.body
        assert "李娜" not in message.body
        assert loan.external_id not in message.body

    def test_a_borrowers_own_number_gets_the_code_too(self, borrower, loan, sms_outbox):
        rights.request_code(phone=FIRST_PHONE, client="198.51.100.7", now=NOW)

        assert [m.to for m in sms_outbox.sent] == [FIRST_PHONE]

    def test_at_night_the_code_they_asked_for_is_sent(self, borrower, loan, sms_outbox):
        designate(borrower)
        sms_outbox.sent.clear()

        rights.request_code(phone=CONTACT, client="198.51.100.7", now=NIGHT)

        assert [message.to for message in sms_outbox.sent] == [CONTACT]

    def test_their_own_code_stays_out_of_the_borrowers_contact_record(
        self, borrower, loan, sms_outbox
    ):
        designate(borrower)
        before = [entry.channel for entry in contact_record_of(borrower)]

        rights.request_code(phone=CONTACT, client="198.51.100.7", now=NOW)

        assert [message.to for message in sms_outbox.sent][-1] == CONTACT
        assert [entry.channel for entry in contact_record_of(borrower)] == before
        code_attempt = ContactAttempt.objects.filter(requested_by_recipient=True).get()
        assert code_attempt.loan is None
        assert code_attempt.recipient.role == "emergency_contact"

    def test_a_number_known_only_by_its_refusal_gets_nothing(self, borrower, sms_outbox):
        contact = designate(borrower)
        rights.erase_number(indexes=[contact.phone_index], now=NOW)
        sms_outbox.sent.clear()

        rights.request_code(phone=CONTACT, client="198.51.100.7", now=NOW + timedelta(hours=1))

        assert sms_outbox.sent == []

    def test_the_right_code_proves_the_number_once(self, borrower, sms_outbox):
        contact = designate(borrower)

        rights.request_code(phone=CONTACT, client="198.51.100.7", now=NOW)
        code = code_in(sms_outbox)

        assert rights.verify_code(phone=CONTACT, code=code, now=NOW) == [contact.phone_index]
        with pytest.raises(codes.CodeRefused) as refused:
            rights.verify_code(phone=CONTACT, code=code, now=NOW)
        assert refused.value.code == "no_active_code"

    def test_a_wrong_code_counts_and_too_many_kill_it(self, borrower, sms_outbox):
        designate(borrower)
        rights.request_code(phone=CONTACT, client="198.51.100.7", now=NOW)
        right = code_in(sms_outbox)
        wrong = "000000" if right != "000000" else "111111"

        refusals = []
        for _ in range(settings.ONE_TIME_CODE_ATTEMPTS):
            with pytest.raises(codes.CodeRefused) as refused:
                rights.verify_code(phone=CONTACT, code=wrong, now=NOW)
            refusals.append(refused.value.code)
        with pytest.raises(codes.CodeRefused) as dead:
            rights.verify_code(phone=CONTACT, code=right, now=NOW)

        assert refusals[0] == "code_incorrect"
        assert refusals[-1] == "code_attempts_exhausted"
        assert dead.value.code == "code_attempts_exhausted"

    def test_an_expired_code_is_refused(self, borrower, sms_outbox):
        designate(borrower)
        rights.request_code(phone=CONTACT, client="198.51.100.7", now=NOW)
        later = NOW + timedelta(minutes=settings.ONE_TIME_CODE_MINUTES)

        with pytest.raises(codes.CodeRefused) as refused:
            rights.verify_code(phone=CONTACT, code=code_in(sms_outbox), now=later)
        assert refused.value.code == "code_expired"

    def test_a_malformed_number_stores_nothing(self, db, sms_outbox):
        with pytest.raises(InvalidInput):
            rights.request_code(phone="not a number", client="198.51.100.7", now=NOW)
        assert OneTimeCode.objects.count() == 0

    def test_codes_per_number_are_limited(self, db, sms_outbox):
        for _ in range(codes.CODES_PER_NUMBER_PER_HOUR):
            rights.request_code(phone=UNKNOWN, client="198.51.100.7", now=NOW)
        with pytest.raises(codes.TooManyCodes):
            rights.request_code(phone=UNKNOWN, client="203.0.113.9", now=NOW)
        assert OneTimeCode.objects.count() == codes.CODES_PER_NUMBER_PER_HOUR

    def test_codes_per_client_are_limited(self, db, sms_outbox):
        for n in range(codes.CODES_PER_CLIENT_PER_HOUR):
            rights.request_code(phone=f"+86131234567{n:02d}", client="198.51.100.7", now=NOW)
        with pytest.raises(codes.TooManyCodes):
            rights.request_code(phone=UNKNOWN, client="198.51.100.7", now=NOW)
        assert OneTimeCode.objects.count() == codes.CODES_PER_CLIENT_PER_HOUR


class TestActions:
    def test_holdings_show_the_designation_and_contacts_but_not_whose(self, borrower, sms_outbox):
        contact = designate(borrower)

        holdings = rights_read.holdings_of_number(indexes=[contact.phone_index], now=NOW)

        [designation] = holdings.designations
        assert designation.relationship == str(Relationship.SIBLING.label)
        assert len(holdings.contacts) == 1  # the invitation
        assert not holdings.refused

    def test_stop_all_contact_refuses_the_number_for_every_borrower(
        self, borrower, loan, sms_outbox
    ):
        contact = designate(borrower)

        request = rights.stop_all_contact(indexes=[contact.phone_index], now=NOW)

        assert request.subject == "third_party"
        assert request.borrower is None
        assert NumberRefusal.objects.filter(phone_index=contact.phone_index).exists()
        event = AuditEvent.objects.get(action="rights.completed")
        assert CONTACT not in str(event.payload)

    def test_erasure_blanks_the_details_keeps_the_index_and_the_gate_denies(
        self, borrower, loan, sms_outbox
    ):
        contact = designate(borrower)

        rights.erase_number(indexes=[contact.phone_index], now=NOW)

        stored = EmergencyContact.objects.get(pk=contact.pk)
        assert (stored.name_encrypted, stored.phone_encrypted) == ("", "")
        assert stored.phone_index == contact.phone_index
        assert stored.removed_at == NOW
        later = NOW + timedelta(hours=2)
        attempt = request_permit(
            request=PermitRequest(
                loan=loan,
                recipient=Recipient.objects.get(emergency_contact=contact),
                channel="sms",
                purpose="locate",
                automated=True,
                content="x",
            ),
            actor="t",
            now=later,
        )
        assert not attempt.allowed
        assert RightsRequest.objects.get().kind == "erasure"

    def test_stopping_an_own_number_opts_it_out(self, borrower, loan, recipient, sms_outbox):
        indexes = proven(FIRST_PHONE, sms_outbox)

        rights.stop_all_contact(indexes=indexes, now=NOW)

        attempt = request_permit(
            request=PermitRequest(
                loan=loan,
                recipient=recipient,
                channel="sms",
                purpose="reminder",
                automated=True,
                content="x",
            ),
            actor="t",
            now=NOW + timedelta(hours=2),
        )
        assert not attempt.allowed


class TestPages:
    def _daytime(self, contact):
        EmergencyContact.objects.filter(pk=contact.pk).update(time_zone=zone_where_it_is(12))

    def _ask(self, client, phone):
        client.post(
            "/verify/rights/", {"phone": phone, "phone_region": "CN"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        return client.get("/verify/rights/code/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    def test_verify_links_to_the_rights_page(self, client, db):
        page = client.get("/verify/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'href="/verify/rights/"' in page

    def test_known_and_unknown_numbers_read_the_same(self, client, borrower, sms_outbox):
        self._daytime(designate(borrower))
        sms_outbox.sent.clear()

        unknown = self._ask(client, UNKNOWN)
        assert sms_outbox.sent == []
        known = self._ask(client, CONTACT)

        assert [m.to for m in sms_outbox.sent] == [CONTACT]
        assert SAID in unknown
        assert SAID in known
        strip = re.compile(r"(csrfmiddlewaretoken\" value=\"|CSRFToken\": \")[\w-]+")
        assert strip.sub("", unknown) == strip.sub("", known)

    def test_the_data_page_needs_a_proof(self, client, db):
        response = client.get("/verify/rights/mine/")
        assert response.status_code == 302
        assert client.post("/verify/rights/erase/").status_code == 302
        assert RightsRequest.objects.count() == 0

    def test_after_the_code_the_page_shows_no_borrower_loan_or_amount(
        self, client, borrower, loan, sms_outbox
    ):
        self._daytime(designate(borrower))
        self._ask(client, CONTACT)
        client.post("/verify/rights/code/", {"code": code_in(sms_outbox)})

        page = client.get("/verify/rights/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

        assert "Brother or sister" in page
        assert "Erase my details" in page
        for secret in (borrower.name, loan.external_id, str(loan.principal), FIRST_PHONE, "李娜"):
            assert secret not in page

    def test_a_wrong_code_on_the_page_reveals_nothing(self, client, borrower, sms_outbox):
        self._daytime(designate(borrower))
        self._ask(client, CONTACT)

        response = client.post(
            "/verify/rights/code/", {"code": "12345x"}, HTTP_ACCEPT_LANGUAGE="en"
        )

        assert "not right" in response.content.decode() or "6 digits" in response.content.decode()
        assert client.get("/verify/rights/mine/").status_code == 302

    @pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
    def test_a_named_person_accepts_from_their_page_and_reads_times_in_their_zone(
        self, client, borrower, loan, sms_outbox, language
    ):
        contact = designate(borrower)
        EmergencyContact.objects.filter(pk=contact.pk).update(designated_at=timezone.now())
        self._ask(client, CONTACT)
        client.post("/verify/rights/code/", {"code": code_in(sms_outbox)})
        client.cookies["django_language"] = language
        page = client.get("/verify/rights/mine/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'action="/verify/rights/answer/{contact.reference}/"' in page
        assert 'value="accept"' in page
        assert 'value="refuse"' in page
        assert "UTC" not in page
        assert contact.time_zone in page  # the zone the times are shown in, named
        response = client.post(
            f"/verify/rights/answer/{contact.reference}/",
            {"answer": "accept"},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 302
        answer = consent_read.contact_consent(contact, now=timezone.now())
        assert answer is not None
        assert answer.in_force
        assert answer.latest.evidence == {"method": "rights_page_code"}
        after = client.get("/verify/rights/mine/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert 'value="accept"' not in after  # accepted: only refusing is left
        assert 'value="refuse"' in after

    def test_a_designation_of_another_number_reads_as_not_found(
        self, client, borrower, loan, sms_outbox
    ):
        other = designate(borrower, phone=UNKNOWN)
        designate(borrower)
        self._ask(client, CONTACT)
        client.post("/verify/rights/code/", {"code": code_in(sms_outbox)})
        response = client.post(f"/verify/rights/answer/{other.reference}/", {"answer": "accept"})
        assert response.status_code == 404
        assert consent_read.contact_consent(other, now=timezone.now()) is None

    def test_a_malformed_answer_is_refused_and_changes_nothing(
        self, client, borrower, loan, sms_outbox
    ):
        contact = designate(borrower)
        self._ask(client, CONTACT)
        client.post("/verify/rights/code/", {"code": code_in(sms_outbox)})
        for answer in ("", "yes", "ACCEPT"):
            response = client.post(
                f"/verify/rights/answer/{contact.reference}/", {"answer": answer}
            )
            assert response.status_code == 400
        assert consent_read.contact_consent(contact, now=timezone.now()) is None

    def test_erasing_from_the_page(self, client, borrower, sms_outbox):
        contact = designate(borrower)
        self._daytime(contact)
        self._ask(client, CONTACT)
        client.post("/verify/rights/code/", {"code": code_in(sms_outbox)})

        response = client.post("/verify/rights/erase/", HTTP_ACCEPT_LANGUAGE="en")

        assert "Your name and number are erased" in response.content.decode()
        assert EmergencyContact.objects.get(pk=contact.pk).phone_encrypted == ""
        assert client.get("/verify/rights/mine/").status_code == 302
