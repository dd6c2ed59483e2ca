"""Data-subject rights of third parties: anyone at a number Tactful holds (PIPL arts. 44-47).

An emergency contact, or anyone who got a message, proves they hold a number with a
one-time code texted to it, then sees what Tactful holds about that number and can stop
all contact or erase their details.

Nothing on the way tells a stranger whether a number is known: a code row is made for
every well-formed number, the limits count them alike, and the page says the same words
whatever happened. A text goes out only to a number Tactful may text now (through the
gate, purpose ``service``). Numbers, codes and client addresses are kept as keyed
digests only; requests name the number by its blind index. A proven number is known by
every index it may be stored under (`phone_indexes`, the current key's first), so rows
kept under a previous index key are found as well; new rows take the current one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from tactful.audit.services import record_event
from tactful.borrowers.models import PhoneNumber, phone_indexes
from tactful.consent import selectors
from tactful.consent.models import (
    EmergencyContact,
    Relationship,
    RightsKind,
    RightsRequest,
    RightsRequestEvent,
    RightsStatus,
    RightsSubject,
)
from tactful.consent.services import refuse_number
from tactful.contacts.models import ContactAttempt, Outcome, Recipient
from tactful.contacts.services import recipient_for_number, record_opt_out
from tactful.one_time_codes import services as codes
from tactful.one_time_codes.models import Purpose

PROOF_MINUTES = 15
ACTOR = "third_party"


@dataclass(frozen=True)
class Designation:
    """One time someone named this number as an emergency contact, without who or why."""

    relationship: str
    status: str
    designated_at: datetime


@dataclass(frozen=True)
class Contact:
    """One message or call to this number: when, how, and how it ended."""

    when: datetime
    channel: str
    outcome: str


@dataclass(frozen=True)
class NumberHoldings:
    designations: list[Designation]
    contacts: list[Contact]
    refused: bool


# --- the one-time code ---------------------------------------------------------------------


def request_code(
    *, phone: str, client: str, default_region: str | None = None, now: datetime | None = None
) -> str:
    """Issue a code for `phone` and text it if Tactful may text that number; return E.164.

    Raise InvalidInput (``invalid_phone``) for a malformed number and TooManyCodes past
    the hourly limits; in both cases nothing is stored and nothing is sent.
    """
    e164 = codes.normalised_phone(phone, default_region)
    with transaction.atomic():
        codes.send_code(
            purpose=Purpose.THIRD_PARTY_RIGHTS,
            e164=e164,
            recipients=_sendable_recipients(phone_indexes(e164)),
            client=client,
            now=now,
        )
    return e164


def code_hours() -> tuple[time, time] | None:
    """Return the local hours within which codes are sent (None: at any hour)."""
    return codes.code_hours("emergency_contact")


def _sendable_recipients(indexes: Sequence[str]) -> list[Recipient]:
    # A removed or erased designation, or a refusal alone, is no one Tactful may text.
    active_contact = Q(
        emergency_contact__phone_index__in=indexes, emergency_contact__removed_at__isnull=True
    ) & ~Q(emergency_contact__phone_encrypted="")
    contacts = Recipient.objects.filter(active_contact).select_related("borrower")
    return [*contacts, *_own_number_recipients(indexes)]


def _own_number_recipients(indexes: Sequence[str]) -> list[Recipient]:
    # A borrower's own number gets its recipient on first use, as the portal does.
    numbers = PhoneNumber.objects.filter(e164_index__in=indexes).select_related("borrower")
    return [recipient_for_number(number=number) for number in numbers]


def verify_code(*, phone: str, code: str, now: datetime | None = None) -> list[str]:
    """Return the blind indexes of `phone` if `code` is its newest code, using the code up.

    Raise CodeRefused, or InvalidInput for a malformed number or code.
    """
    e164 = codes.normalised_phone(phone)
    codes.use_code(purpose=Purpose.THIRD_PARTY_RIGHTS, e164=e164, code=code, now=now)
    return phone_indexes(e164)


# --- what we hold about a number -----------------------------------------------------------


def holdings_of_number(*, indexes: Sequence[str], now: datetime | None = None) -> NumberHoldings:
    """Return what Tactful holds about the number with the blind indexes `indexes`.

    Never the borrower's identity, the loan, an amount or a message's words.
    """
    moment = now or timezone.now()
    contacts = EmergencyContact.objects.filter(phone_index__in=indexes)
    return NumberHoldings(
        designations=[
            _designation(contact, moment) for contact in contacts.order_by("designated_at", "pk")
        ],
        contacts=[_contact(attempt) for attempt in _attempts_to(indexes)],
        refused=selectors.number_refused(*indexes),
    )


def _designation(contact: EmergencyContact, moment: datetime) -> Designation:
    return Designation(
        relationship=str(Relationship(contact.relationship).label),
        status=_designation_status(contact, moment),
        designated_at=contact.designated_at,
    )


def _designation_status(contact: EmergencyContact, moment: datetime) -> str:
    if contact.removed_at is not None:
        return gettext("Ended")
    answer = selectors.contact_consent(contact, now=moment)
    if answer is None:
        return gettext("Waiting for your answer")
    return gettext("Accepted by you") if answer.in_force else gettext("Refused by you")


def _attempts_to(indexes: Sequence[str]) -> list[ContactAttempt]:
    # Only permitted attempts reached anyone: a denied permit sent nothing.
    to_number = Q(recipient__emergency_contact__phone_index__in=indexes) | Q(
        recipient__phone_number__e164_index__in=indexes
    )
    attempts = ContactAttempt.objects.filter(to_number, decision="allow")
    return list(attempts.select_related("outcome").order_by("-requested_at", "-pk"))


def _contact(attempt: ContactAttempt) -> Contact:
    outcome = getattr(attempt, "outcome", None)
    label = str(Outcome(outcome.outcome).label) if outcome else gettext("Not reported")
    return Contact(attempt.requested_at, attempt.get_channel_display(), label)


# --- the two actions -----------------------------------------------------------------------


def stop_all_contact(*, indexes: Sequence[str], now: datetime | None = None) -> RightsRequest:
    """Stop every contact with this number, for every borrower, now and later."""
    moment = now or timezone.now()
    with transaction.atomic():
        request = _new_request(indexes[0], RightsKind.STOP_CONTACT, moment)
        _stop(indexes, moment)
        _step(request, RightsStatus.COMPLETED, moment)
    return request


def erase_number(*, indexes: Sequence[str], now: datetime | None = None) -> RightsRequest:
    """Stop all contact and blank the names and numbers stored where this number was named.

    The blind index stays on purpose: it is what keeps the refusal working.
    """
    moment = now or timezone.now()
    with transaction.atomic():
        request = _new_request(indexes[0], RightsKind.ERASURE, moment)
        _stop(indexes, moment)
        contacts = EmergencyContact.objects.filter(phone_index__in=indexes)
        contacts.filter(removed_at__isnull=True).update(removed_at=moment)
        contacts.update(name_encrypted="", phone_encrypted="")
        _step(request, RightsStatus.COMPLETED, moment)
    return request


def _stop(indexes: Sequence[str], moment: datetime) -> None:
    contacts = Recipient.objects.filter(emergency_contact__phone_index__in=indexes)
    for recipient in [*contacts, *_own_number_recipients(indexes)]:
        record_opt_out(recipient=recipient, source="third_party_rights", actor=ACTOR, now=moment)
    if not selectors.number_refused(*indexes):
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


def _step(request: RightsRequest, status: str, moment: datetime) -> None:
    RightsRequestEvent.objects.create(
        request=request, status=status, recorded_at=moment, recorded_by=ACTOR
    )
    payload = {"kind": request.kind, "status": status, "subject": request.subject}
    record_event(
        actor=ACTOR, action=f"rights.{status}", target=request, payload=payload, occurred_at=moment
    )
