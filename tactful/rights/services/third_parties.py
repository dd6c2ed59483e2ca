"""Data-subject rights of third parties: anyone at a number Tactful holds (PIPL arts. 44-47).

An emergency contact, or anyone who got a message, proves they hold a number with a
one-time code texted to it (`tactful.one_time_codes`), then sees what Tactful holds about
that number (`rights.selectors.holdings_of_number`) and can stop all contact or erase
their details.

Nothing on the way tells a stranger whether a number is known: a code row is made for
every well-formed number, the limits count them alike, and the page says the same words
whatever happened. A text goes out only to a number Tactful may text now (through the
gate, purpose ``service``). Requests name the number by its blind index. A proven number
is known by every index it may be stored under (`phone_indexes`, the current key's
first), so rows kept under a previous index key are found as well; new rows take the
current one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from tactful.borrowers.models import phone_indexes
from tactful.borrowers.selectors import numbers_with_indexes
from tactful.consent import selectors as consent
from tactful.consent.services import erase_designations_of_number, refuse_number
from tactful.contacts import selectors as contacts
from tactful.contacts.models import Recipient
from tactful.contacts.services import recipients_for_numbers, record_opt_out
from tactful.errors import InvalidInput
from tactful.one_time_codes import services as codes
from tactful.one_time_codes.models import Purpose
from tactful.privacy.crypto import encrypt
from tactful.rights.models import RightsKind, RightsRequest, RightsStatus, RightsSubject
from tactful.rights.services.borrowers import MAX_NOTE_LENGTH, step

PROOF_MINUTES = 15
ACTOR = "third_party"


def request_code(
    *, phone: str, client: str, default_region: str | None = None, now: datetime | None = None
) -> str:
    """Issue a code for `phone` and text it if Tactful may text that number; return E.164.

    Raise InvalidInput (``invalid_phone``) for a malformed number and TooManyCodes past
    the hourly limits; in both cases nothing is stored and nothing is sent.
    """
    e164 = codes.normalised_phone(phone, default_region)
    indexes = phone_indexes(e164)
    with transaction.atomic():
        codes.send_code(
            purpose=Purpose.THIRD_PARTY_RIGHTS,
            e164=e164,
            recipients=[*contacts.emergency_contact_recipients_at(indexes), *_own(indexes)],
            client=client,
            now=now,
        )
    return e164


def code_hours() -> tuple[time, time] | None:
    """Return the local hours within which codes are sent (None: at any hour)."""
    return codes.code_hours("emergency_contact")


def verify_code(*, phone: str, code: str, now: datetime | None = None) -> list[str]:
    """Return the blind indexes of `phone` if `code` is its newest code, using the code up.

    Raise CodeRefused, or InvalidInput for a malformed number or code.
    """
    e164 = codes.normalised_phone(phone)
    codes.use_code(purpose=Purpose.THIRD_PARTY_RIGHTS, e164=e164, code=code, now=now)
    return phone_indexes(e164)


def stop_all_contact(*, indexes: Sequence[str], now: datetime | None = None) -> RightsRequest:
    """Stop every contact with this number, for every borrower, now and later."""
    moment = now or timezone.now()
    with transaction.atomic():
        request = _new_request(indexes[0], RightsKind.STOP_CONTACT, moment)
        _stop(indexes, moment)
        step(request, RightsStatus.COMPLETED, ACTOR, moment)
    return request


def erase_number(*, indexes: Sequence[str], now: datetime | None = None) -> RightsRequest:
    """Stop all contact and blank the names and numbers stored where this number was named.

    The blind index stays on purpose: it is what keeps the refusal working.
    """
    moment = now or timezone.now()
    with transaction.atomic():
        request = _new_request(indexes[0], RightsKind.ERASURE, moment)
        _stop(indexes, moment)
        erase_designations_of_number(indexes=indexes, now=moment)
        step(request, RightsStatus.COMPLETED, ACTOR, moment)
    return request


def record_number_export(*, indexes: Sequence[str], now: datetime | None = None) -> RightsRequest:
    """Record that the person at this number downloaded what is held about it."""
    moment = now or timezone.now()
    with transaction.atomic():
        request = _new_request(indexes[0], RightsKind.EXPORT, moment)
        step(request, RightsStatus.COMPLETED, ACTOR, moment)
    return request


def request_number_correction(
    *, indexes: Sequence[str], note: str, now: datetime | None = None
) -> RightsRequest:
    """Ask the rights desk to correct what is held about this number, in the person's words.

    Refuse (InvalidInput) a note that is empty, longer than MAX_NOTE_LENGTH characters or
    not printable text; nothing is stored then.
    """
    text = note.strip() if isinstance(note, str) else ""
    if (
        not text
        or len(text) > MAX_NOTE_LENGTH
        or not all(char.isprintable() or char in "\n\r" for char in text)
    ):
        raise InvalidInput({"note": f"say what is wrong, in at most {MAX_NOTE_LENGTH} characters"})
    moment = now or timezone.now()
    with transaction.atomic():
        request = RightsRequest.objects.create(
            subject=RightsSubject.THIRD_PARTY,
            phone_index=indexes[0],
            kind=RightsKind.CORRECTION,
            note_encrypted=encrypt(text),
            requested_at=moment,
            requested_by=ACTOR,
        )
        step(request, RightsStatus.RECEIVED, ACTOR, moment)
    return request


def _own(indexes: Sequence[str]) -> list[Recipient]:
    # A borrower's own number gets its recipient on first use, as the portal does.
    return recipients_for_numbers(numbers=numbers_with_indexes(indexes))


def _stop(indexes: Sequence[str], moment: datetime) -> None:
    for recipient in [*contacts.designated_recipients_at(indexes), *_own(indexes)]:
        record_opt_out(recipient=recipient, source="third_party_rights", actor=ACTOR, now=moment)
    if not consent.number_refused(*indexes):
        # Under the current key (the first index): the refusal outlives the old keys.
        refuse_number(phone_index=indexes[0], source="third_party_rights", now=moment)


def _new_request(index: str, kind: str, moment: datetime) -> RightsRequest:
    return RightsRequest.objects.create(
        subject=RightsSubject.THIRD_PARTY,
        phone_index=index,
        kind=kind,
        requested_at=moment,
        requested_by=ACTOR,
    )
