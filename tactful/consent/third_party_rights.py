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

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from tactful.audit.services import record_event
from tactful.borrowers.identity import IdentityError, normalise_phone
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
    ThirdPartyCode,
)
from tactful.consent.services import refuse_number
from tactful.contacts.codes import with_verification_code
from tactful.contacts.gate import opening_hours
from tactful.contacts.models import ContactAttempt, Outcome, Recipient
from tactful.contacts.selectors import latest_loan
from tactful.contacts.services import recipient_for_number, record_opt_out, request_permit
from tactful.errors import InvalidInput, ServiceError
from tactful.messaging.ports import SmsMessage
from tactful.messaging.services import send_sms_on_commit

CODE_DIGITS = 6
CODE_MINUTES = 10
CODE_ATTEMPTS = 5
CODES_PER_NUMBER_PER_HOUR = 3
CODES_PER_CLIENT_PER_HOUR = 10
PROOF_MINUTES = 15
ACTOR = "third_party"
_CODE_PATTERN = re.compile(rf"^\d{{{CODE_DIGITS}}}$")


class CodeRefused(ServiceError):
    """A code that proves nothing. `code`: ``no_active_code``, ``code_expired``,
    ``code_incorrect`` or ``code_attempts_exhausted``."""

    status = 400


class TooManyCodes(ServiceError):
    """More codes asked for one number, or from one client, within an hour than allowed."""

    status = 429


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
    e164 = _normalised(phone, default_region)
    moment = now or timezone.now()
    phone_digest, client_digest = _digest(f"tp-phone:{e164}"), _digest(f"tp-client:{client}")
    with transaction.atomic():
        _ensure_below_limits(phone_digest, client_digest, moment)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        ThirdPartyCode.objects.create(
            phone_digest=phone_digest,
            client_digest=client_digest,
            code_digest=_code_digest(phone_digest, code),
            created_at=moment,
            expires_at=moment + timedelta(minutes=CODE_MINUTES),
        )
        _text_code(e164, code, moment)
    return e164


def code_hours() -> tuple[time, time] | None:
    """Return the local hours within which codes are sent (None: at any hour)."""
    return opening_hours("sms", "emergency_contact", "service")


def _ensure_below_limits(phone_digest: str, client_digest: str, moment: datetime) -> None:
    recent = ThirdPartyCode.objects.filter(created_at__gt=moment - timedelta(hours=1))
    if recent.filter(phone_digest=phone_digest).count() >= CODES_PER_NUMBER_PER_HOUR:
        raise TooManyCodes("too_many_codes", "too many codes were asked for this number")
    if recent.filter(client_digest=client_digest).count() >= CODES_PER_CLIENT_PER_HOUR:
        raise TooManyCodes("too_many_codes", "too many codes were asked from this connection")


def _text_code(e164: str, code: str, moment: datetime) -> None:
    # Try each recipient at this number until the gate permits one: the person is the
    # same, only the borrower the record hangs on differs. None permitted: nothing sent.
    for recipient in _sendable_recipients(phone_indexes(e164)):
        language = _language_of(recipient)
        body = _code_text(code, language)
        attempt = request_permit(
            loan=latest_loan(recipient.borrower),
            recipient=recipient,
            channel="sms",
            purpose="service",
            automated=True,
            content=body,
            actor=ACTOR,
            now=moment,
        )
        if attempt.allowed:
            text = with_verification_code(body, attempt.verification_code, language)
            send_sms_on_commit(SmsMessage(to=e164, body=text, purpose="third_party_rights_code"))
            return


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


def _language_of(recipient: Recipient) -> str:
    contact = recipient.emergency_contact
    return contact.language if contact is not None else recipient.borrower.preferred_language


def _code_text(code: str, language: str) -> str:
    with translation.override(language):
        text = ngettext(
            "Your Tactful code to see your data is %(code)s. It is valid for %(minutes)d "
            "minute. Never share it with anyone.",
            "Your Tactful code to see your data is %(code)s. It is valid for %(minutes)d "
            "minutes. Never share it with anyone.",
            CODE_MINUTES,
        )
    return text % {"code": code, "minutes": CODE_MINUTES}


def verify_code(*, phone: str, code: str, now: datetime | None = None) -> list[str]:
    """Return the blind indexes of `phone` if `code` is its newest code, using the code up.

    Each wrong guess counts; after CODE_ATTEMPTS the code is dead. Raise CodeRefused,
    or InvalidInput for a malformed number or code.
    """
    e164 = _normalised(phone, None)
    guess = code.strip()
    if not _CODE_PATTERN.fullmatch(guess):
        raise InvalidInput({"code": f"must be {CODE_DIGITS} digits"}, code="invalid_code")
    moment = now or timezone.now()
    with transaction.atomic():
        # The wrong-guess counter must commit, so the refusal is raised after the block.
        refusal = _use_code(_digest(f"tp-phone:{e164}"), guess, moment)
    if refusal is not None:
        raise refusal
    return phone_indexes(e164)


def _use_code(phone_digest: str, guess: str, moment: datetime) -> CodeRefused | None:
    row = (
        ThirdPartyCode.objects.select_for_update()
        .filter(phone_digest=phone_digest)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None or row.used_at is not None:
        return CodeRefused("no_active_code", "no code is waiting for this number")
    if row.expires_at <= moment:
        return CodeRefused("code_expired", "the code has expired")
    if row.failed_attempts >= CODE_ATTEMPTS:
        return CodeRefused("code_attempts_exhausted", "too many wrong codes")
    if not hmac.compare_digest(row.code_digest, _code_digest(phone_digest, guess)):
        row.failed_attempts += 1
        row.save(update_fields=["failed_attempts"])
        if row.failed_attempts >= CODE_ATTEMPTS:
            return CodeRefused("code_attempts_exhausted", "too many wrong codes")
        return CodeRefused("code_incorrect", "the code is not right")
    row.used_at = moment
    row.save(update_fields=["used_at"])
    return None


def _normalised(phone: str, default_region: str | None) -> str:
    # The error never repeats the number: error messages may end up in logs.
    try:
        return normalise_phone(phone.strip(), default_region).e164
    except IdentityError:
        raise InvalidInput({"phone": "not a valid phone number"}, code="invalid_phone") from None


def _code_digest(phone_digest: str, code: str) -> str:
    # Bound to the number: one number's code digest never matches another's.
    return _digest(f"tp-code:{phone_digest}:{code}")


def _digest(text: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


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
