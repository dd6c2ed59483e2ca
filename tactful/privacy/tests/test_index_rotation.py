"""Rotating the blind-index key: look-ups under every key, re-indexing, refusals carried over."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tactful.audit.models import AuditEvent
from tactful.borrowers.models import Borrower, PhoneNumber, phone_index, phone_indexes
from tactful.borrowers.selectors import borrower_by_phone, borrowers_with_national_id
from tactful.consent import services
from tactful.consent.models import EmergencyContact, NumberRefusal
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import Recipient
from tactful.contacts.services import request_permit
from tactful.contacts.tests.conftest import NOW
from tactful.errors import Conflict, InvalidInput
from tactful.privacy.crypto import blind_index, decrypt
from tactful.privacy.keys import IndexKey, Keyring
from tactful.privacy.services import rotate_pii_index_key
from tactful.rights import selectors as rights_read
from tactful.rights import services as rights
from tactful.rights.models import RightsRequest
from tactful.testing.personas import (
    FIRST_PHONE,
    SECOND_PHONE,
    VALID_CN_ID,
    make_borrower,
)

pytestmark = pytest.mark.django_db

CONTACT = "+8613123456789"  # b-1's emergency contact, who refuses
STRANGER = "+8613123456780"  # refused from /verify/; Tactful holds the number nowhere
THIRD = "+8613123456781"
ENCRYPTION = {"k1": b"1" * 32}
BEFORE = Keyring(current="k1", keys=ENCRYPTION, index_key=b"i" * 32)
ROTATING = Keyring(
    current="k1", keys=ENCRYPTION, index_key=b"i" * 32, index_keys=(IndexKey("i2", b"j" * 32),)
)
AFTER = Keyring(current="k1", keys=ENCRYPTION, index_keys=(IndexKey("i2", b"j" * 32),))


@pytest.fixture(autouse=True)
def _old_index_key(settings):
    settings.PII_KEYRING = BEFORE


def designate(borrower, phone):
    return services.designate_emergency_contact(
        borrower=borrower,
        phone=phone,
        relationship="sibling",
        language="zh-hans",
        actor="test",
        now=NOW,
    )


def refuse(contact: EmergencyContact) -> None:
    """Refuse the invitation as the person would, without depending on the text being sent."""
    token = f"token-{contact.pk}"
    EmergencyContact.objects.filter(pk=contact.pk).update(
        invitation_digest=services.invitation_digest(token)
    )
    services.answer_invitation(token=token, accept=False, language="zh-hans", now=NOW)


@pytest.fixture
def held(borrower):
    """Rows written under the old key: a refused contact, an erased one, a stranger's refusal.

    b-1 names CONTACT (who refuses) and b-2's own number (whose owner then erases it as a
    third party); STRANGER refuses on /verify/ and stops contact as a third party.
    """
    other = make_borrower(external_id="b-2", phone=SECOND_PHONE, name="赵敏")
    contact = designate(borrower, CONTACT)
    refuse(contact)
    designate(borrower, SECOND_PHONE)
    rights.erase_number(indexes=phone_indexes(SECOND_PHONE), now=NOW)
    services.refuse_number(phone_index=phone_index(STRANGER), source="verification_page", now=NOW)
    rights.stop_all_contact(indexes=phone_indexes(STRANGER), now=NOW)
    return {"borrower": borrower, "other": other, "contact": contact}


def run(settings, keys) -> str:
    settings.PII_KEYRING = keys
    output = StringIO()
    call_command("rotate_pii_index_key", stdout=output)
    return output.getvalue()


def gate_stops(contact) -> bool:
    attempt = request_permit(
        request=PermitRequest(
            loan=None,
            recipient=Recipient.objects.get(emergency_contact=contact),
            channel="call",
            purpose="locate",
            automated=True,
        ),
        actor="t",
        now=NOW,
    )
    return bool(attempt.facts["opted_out"]) and not attempt.allowed


def assert_refused(borrower, phone):
    with pytest.raises(Conflict) as error:
        designate(borrower, phone)
    assert error.value.code == "number_refused"


class TestBeforeTheCommand:
    """The new key computes, nothing is re-indexed yet: old rows are found under the old key."""

    def test_borrowers_are_found_by_number_and_national_id(self, settings, held):
        settings.PII_KEYRING = ROTATING

        assert borrower_by_phone(FIRST_PHONE) == held["borrower"]
        assert held["borrower"] in borrowers_with_national_id(VALID_CN_ID)

    def test_old_refusals_still_block_designations_and_the_gate(self, settings, held):
        settings.PII_KEYRING = ROTATING
        third = make_borrower(external_id="b-3", phone="+12025550167")

        assert_refused(third, CONTACT)
        assert_refused(third, STRANGER)
        assert gate_stops(held["contact"])

    def test_a_number_held_under_the_old_key_is_still_taken(self, settings, held):
        settings.PII_KEYRING = ROTATING
        third = make_borrower(external_id="b-3", phone="+12025550167")
        designate(third, THIRD)

        with pytest.raises(InvalidInput) as taken:
            make_borrower(external_id="b-4", phone=FIRST_PHONE)
        assert "phones[0]" in taken.value.fields
        with pytest.raises(Conflict) as twice:
            designate(third, THIRD)
        assert twice.value.code == "already_designated"

    def test_an_upsert_keeps_the_number_row_and_re_indexes_it(self, settings, held):
        number = PhoneNumber.objects.get(borrower=held["borrower"])
        settings.PII_KEYRING = ROTATING

        make_borrower(external_id="b-1", phone=FIRST_PHONE)

        assert PhoneNumber.objects.get(borrower=held["borrower"]).pk == number.pk
        assert PhoneNumber.objects.get(pk=number.pk).e164_index.startswith("i2:")

    def test_third_party_rights_find_old_rows(self, settings, held):
        settings.PII_KEYRING = ROTATING

        holdings = rights_read.holdings_of_number(indexes=phone_indexes(CONTACT), now=NOW)

        assert holdings.refused
        assert len(holdings.designations) == 1


class TestTheCommand:
    def test_every_held_value_is_indexed_under_the_new_key(self, settings, held):
        output = run(settings, ROTATING)

        for number in PhoneNumber.objects.all():
            assert number.e164_index == blind_index("phone", number.e164, ring=AFTER)
        for borrower in Borrower.objects.all():
            expected = blind_index("national_id", borrower.national_id, ring=AFTER)
            assert borrower.national_id_index == expected
        for contact in EmergencyContact.objects.exclude(phone_encrypted=""):
            expected = blind_index("phone", decrypt(contact.phone_encrypted), ring=AFTER)
            assert contact.phone_index == expected
        assert "phone_numbers: 2 re-indexed" in output
        assert "emergency_contacts: 1 re-indexed" in output
        assert "phone_numbers: 2/2 looked at" in output

    def test_refusals_of_held_numbers_are_carried_over_as_new_rows(self, settings, held):
        originals = set(NumberRefusal.objects.values_list("pk", "phone_index"))

        output = run(settings, ROTATING)

        assert originals <= set(NumberRefusal.objects.values_list("pk", "phone_index"))
        for number in (CONTACT, SECOND_PHONE):
            assert NumberRefusal.objects.filter(phone_index=phone_index(number)).exists()
        assert not NumberRefusal.objects.filter(phone_index=phone_index(STRANGER)).exists()
        assert "refusals: 2 carried over" in output
        assert "erased_designations: 1 carried over" in output

    def test_the_report_names_what_still_depends_on_the_old_key(self, settings, held):
        report = rotate_pii_index_key_under(settings, ROTATING)

        # The stranger's number is held nowhere: their refusal and request keep the old key.
        assert report.depending == {"untagged": {"refusals": 1, "third_party_requests": 2}}
        assert report.unconfigured == {}
        assert RightsRequest.objects.count() == 2

    def test_the_command_says_which_key_to_keep(self, settings, held):
        output = run(settings, ROTATING)

        assert "Previous key untagged: still depending on it: refusals 1" in output
        assert "keep it" in output

    def test_a_key_is_removable_once_every_refusal_was_carried_over(self, settings, borrower):
        refuse(designate(borrower, CONTACT))

        output = run(settings, ROTATING)

        assert "Previous key untagged: still depending on it: nothing" in output
        assert "it can be removed" in output

    def test_a_refusal_held_only_under_the_old_key_still_blocks(self, settings, held):
        run(settings, ROTATING)
        third = make_borrower(external_id="b-3", phone="+12025550167")

        assert_refused(third, STRANGER)
        assert_refused(third, CONTACT)

    def test_running_again_changes_nothing(self, settings, held):
        run(settings, ROTATING)
        refusals, events = NumberRefusal.objects.count(), AuditEvent.objects.count()

        output = run(settings, ROTATING)

        assert "re-indexed" in output
        assert not re.search(r": [1-9]\d* (re-indexed|carried over)", output)
        assert (NumberRefusal.objects.count(), AuditEvent.objects.count()) == (refusals, events)

    def test_the_run_is_audited_with_counts_only(self, settings, held):
        run(settings, ROTATING)

        event = AuditEvent.objects.get(action="pii.index_key_rotated")
        assert event.payload["reindexed"]["phone_numbers"] == 2
        assert CONTACT not in str(event.payload)
        assert CONTACT[1:] not in str(event.payload)

    def test_a_number_held_twice_is_reported_not_fatal(self, settings, held):
        settings.PII_KEYRING = ROTATING
        # Written around the services, which would have refused it.
        twin = PhoneNumber.objects.create(borrower=held["other"], e164=FIRST_PHONE, region="US")

        output = run(settings, ROTATING)

        original = PhoneNumber.objects.get(borrower=held["borrower"])
        assert f"rows {original.pk} hold a value another row already holds" in output
        assert PhoneNumber.objects.get(pk=twin.pk).e164_index == phone_index(FIRST_PHONE)


class TestAfterTheOldKeyIsRemoved:
    def test_look_ups_and_refusals_still_work(self, settings, held):
        run(settings, ROTATING)
        settings.PII_KEYRING = AFTER
        third = make_borrower(external_id="b-3", phone="+12025550167")

        assert borrower_by_phone(FIRST_PHONE) == held["borrower"]
        assert held["borrower"] in borrowers_with_national_id(VALID_CN_ID)
        assert_refused(third, CONTACT)
        assert_refused(third, SECOND_PHONE)
        assert gate_stops(held["contact"])

    def test_the_report_counts_rows_of_the_removed_key_apart(self, settings, held):
        run(settings, ROTATING)

        report = rotate_pii_index_key_under(settings, AFTER)

        assert report.depending == {}
        assert report.unconfigured == {"untagged": {"refusals": 3, "third_party_requests": 2}}

    def test_third_party_rights_find_the_carried_rows(self, settings, held):
        run(settings, ROTATING)
        settings.PII_KEYRING = AFTER

        refused = rights_read.holdings_of_number(indexes=phone_indexes(CONTACT), now=NOW)
        erased = rights_read.holdings_of_number(indexes=phone_indexes(SECOND_PHONE), now=NOW)

        assert refused.refused
        assert len(refused.designations) == 1
        assert erased.refused
        assert len(erased.designations) == 1


def rotate_pii_index_key_under(settings, keys):
    settings.PII_KEYRING = keys
    return rotate_pii_index_key()
