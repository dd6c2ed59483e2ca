"""Borrowers' names, national IDs and numbers are encrypted at rest and found by blind index."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test import override_settings
from django.utils import timezone

from tactful.borrowers.models import Borrower, PhoneNumber, national_id_index, phone_index
from tactful.borrowers.selectors import borrower_by_phone
from tactful.consent.models import EmergencyContact
from tactful.privacy.crypto import blind_index, encrypt, key_id_of
from tactful.privacy.keys import Keyring
from tactful.testing.api import CN_ID, create_borrower

pytestmark = pytest.mark.django_db
PHONE = "+12025550123"
CONTACT = "+12025550188"
OLD = Keyring(current="k1", keys={"k1": b"1" * 32}, index_key=b"i" * 32)
NEW = Keyring(current="k2", keys={"k2": b"2" * 32, "k1": b"1" * 32}, index_key=b"i" * 32)
NEW_ONLY = Keyring(current="k2", keys={"k2": b"2" * 32}, index_key=b"i" * 32)


def raw_column(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def raw_values() -> list[str]:
    return [
        *raw_column("borrowers_borrower", "name"),
        *raw_column("borrowers_borrower", "national_id"),
        *raw_column("borrowers_phonenumber", "e164"),
        *raw_column("consent_emergencycontact", "phone_encrypted"),
        *raw_column("consent_emergencycontact", "name_encrypted"),
    ]


def test_the_database_columns_hold_no_plaintext():
    create_borrower(phone=PHONE)

    stored = " ".join(
        raw_column("borrowers_borrower", "name")
        + raw_column("borrowers_borrower", "national_id")
        + raw_column("borrowers_phonenumber", "e164")
    )

    assert "王小明" not in stored
    assert CN_ID not in stored
    assert PHONE not in stored
    assert PHONE[-8:] not in stored
    assert stored.count("pii1:") == 3


def test_python_code_reads_the_plaintext_back():
    create_borrower(phone=PHONE)

    borrower = Borrower.objects.get()
    assert (borrower.name, borrower.national_id) == ("王小明", CN_ID)
    assert borrower.phone_numbers.get().e164 == PHONE


def test_exact_lookups_go_through_the_blind_indexes():
    created = create_borrower(phone=PHONE)

    assert borrower_by_phone(PHONE) == created
    assert borrower_by_phone("+12025550199") is None
    assert PhoneNumber.objects.get(e164_index=phone_index(PHONE)).borrower == created
    assert Borrower.objects.get(national_id_index=national_id_index(CN_ID)) == created


def test_filtering_on_an_encrypted_column_is_refused_rather_than_silently_empty():
    create_borrower(phone=PHONE)

    with pytest.raises(FieldError):
        list(PhoneNumber.objects.filter(e164=PHONE))
    with pytest.raises(FieldError):
        list(Borrower.objects.filter(name="王小明"))


def test_a_number_belongs_to_one_borrower_through_its_index():
    create_borrower("b-1", phone=PHONE)
    other = create_borrower("b-2", phone=CONTACT)
    with pytest.raises(IntegrityError):
        PhoneNumber.objects.create(borrower=other, e164=PHONE)


def _emergency_contact(borrower: Borrower) -> EmergencyContact:
    return EmergencyContact.objects.create(
        borrower=borrower,
        relationship="friend",
        name_encrypted=encrypt("李四", ring=OLD),
        phone_encrypted=encrypt(CONTACT, ring=OLD),
        phone_index=blind_index("phone", CONTACT, ring=OLD),
        phone_masked="202****0188",
        designated_at=timezone.now(),
        invitation_digest="d" * 64,
    )


def test_rotation_re_encrypts_every_value_under_the_new_key_and_drops_the_old_one():
    with override_settings(PII_KEYRING=OLD):
        borrower = create_borrower(phone=PHONE)
        _emergency_contact(borrower)
    assert {key_id_of(value) for value in raw_values()} == {"k1"}

    with override_settings(PII_KEYRING=NEW):
        output = StringIO()
        call_command("rotate_pii_keys", stdout=output)
        assert "borrowers: 1 re-encrypted" in output.getvalue()
        assert {key_id_of(value) for value in raw_values()} == {"k2"}

    with override_settings(PII_KEYRING=NEW_ONLY):
        stored = Borrower.objects.get()
        assert (stored.name, stored.national_id) == ("王小明", CN_ID)
        assert borrower_by_phone(PHONE) == stored
        output = StringIO()
        call_command("rotate_pii_keys", stdout=output)
        assert "borrowers: 0 re-encrypted" in output.getvalue()
