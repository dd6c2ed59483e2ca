"""One-time codes: a code texted to a number proves that whoever types it back holds it.

Four flows use them (`Purpose`): a borrower signing in, a borrower accepting a repayment
plan, a third party using their rights over their number, a complainant identifying
themselves. One rule serves them all:

- a code has `CODE_DIGITS` digits and lives settings.ONE_TIME_CODE_MINUTES;
- the settings.ONE_TIME_CODE_ATTEMPTS-th wrong guess kills it, and says so;
- only the newest code of a purpose for a number counts: a new one retires the others;
- at most `CODES_PER_NUMBER_PER_HOUR` codes go to one number in an hour, whatever for,
  and `CODES_PER_CLIENT_PER_HOUR` from one client address where the page names one.

Nothing tells a stranger whether a number is known: a row is made for every well-formed
number, the limits count alike, and a text goes out only to a recipient the flow names,
through the gate like every message (purpose ``service``). Neither the number, the code
nor the client address is stored: only keyed digests.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.borrowers.identifiers import IdentifierError, normalise_phone
from tactful.borrowers.models import Borrower
from tactful.borrowers.selectors import borrower_by_phone, numbers_at
from tactful.contacts.models import Recipient
from tactful.contacts.packs import opening_hours
from tactful.contacts.selectors import latest_loan
from tactful.contacts.services import recipient_for_number, send_sms_with_permit
from tactful.errors import InvalidInput, ServiceError
from tactful.one_time_codes.models import OneTimeCode, Purpose
from tactful.one_time_codes.wording import MESSAGE_PURPOSES, code_text
from tactful.privacy.digests import digests_match, keyed_digest

CODE_DIGITS = 6
CODES_PER_NUMBER_PER_HOUR = 5
CODES_PER_CLIENT_PER_HOUR = 10
_CODE_PATTERN = re.compile(rf"^\d{{{CODE_DIGITS}}}$")
_HOUR = timedelta(hours=1)


class CodeRefused(ServiceError):
    """A code that proves nothing. `code` says why:

    - ``no_active_code``: no code was asked for this number, or it was used already;
    - ``code_expired``: the newest code is too old;
    - ``code_incorrect``: a wrong guess, with attempts left;
    - ``code_attempts_exhausted``: too many wrong guesses; the code is dead.
    """

    status = 400


class TooManyCodes(ServiceError):
    """More codes asked for one number, or from one client, within an hour than allowed."""

    status = 429


# --- any flow ------------------------------------------------------------------------------


def normalised_phone(phone: str, default_region: str | None = None) -> str:
    """Return `phone` as E.164; InvalidInput (``invalid_phone``) that never repeats it."""
    # The error never quotes the number: error messages may end up in logs.
    try:
        return normalise_phone(phone.strip(), default_region).e164
    except IdentifierError:
        raise InvalidInput({"phone": "not a valid phone number"}, code="invalid_phone") from None


def send_code(
    *,
    purpose: Purpose,
    e164: str,
    recipients: Sequence[Recipient],
    client: str | None = None,
    language: str | None = None,
    now: datetime | None = None,
) -> None:
    """Issue a code for `e164` and text it to the first of `recipients` the gate permits.

    `recipients` are the people this number reaches in Tactful's records; none (an
    unknown number) or none permitted now (night, an opt-out): the code is made, counts
    towards the limits, and nothing is sent. The text is in `language`, else in each
    recipient's own. Raise TooManyCodes past a limit: then nothing is stored or sent.
    """
    moment = now or timezone.now()
    phone_digest = keyed_digest("one-time-code:phone", e164)
    client_digest = keyed_digest("one-time-code:client", client) if client else ""
    with transaction.atomic():
        _ensure_below_limits(phone_digest, client_digest, moment)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        OneTimeCode.objects.create(
            purpose=purpose,
            phone_digest=phone_digest,
            client_digest=client_digest,
            code_digest=keyed_digest("one-time-code", _bound(purpose, phone_digest, code)),
            created_at=moment,
            expires_at=moment + timedelta(minutes=settings.ONE_TIME_CODE_MINUTES),
        )
        _text_code(purpose, code, e164, recipients, language, moment)


def use_code(*, purpose: Purpose, e164: str, code: str, now: datetime | None = None) -> None:
    """Return if `code` is the newest code of `purpose` for `e164`, using it up.

    Raise CodeRefused otherwise, with every wrong guess counted (and committed), or
    InvalidInput (``invalid_code``) for a code that is not six digits, counting nothing.
    """
    guess = code.strip()
    if not _CODE_PATTERN.fullmatch(guess):
        raise InvalidInput({"code": f"must be {CODE_DIGITS} digits"}, code="invalid_code")
    with transaction.atomic():
        # The wrong-guess counter must be committed: the refusal is raised after the block.
        refusal = _use(purpose, keyed_digest("one-time-code:phone", e164), guess, now)
    if refusal is not None:
        raise refusal


def code_hours(role: str = "debtor") -> tuple[time, time] | None:
    """Return the local hours within which codes are texted to a `role` (None: any hour)."""
    return opening_hours("sms", role, "service", requested_by_recipient=True)


def _ensure_below_limits(phone_digest: str, client_digest: str, moment: datetime) -> None:
    recent = OneTimeCode.objects.filter(created_at__gt=moment - _HOUR)
    if recent.filter(phone_digest=phone_digest).count() >= CODES_PER_NUMBER_PER_HOUR:
        raise TooManyCodes("too_many_codes", "too many codes were asked for this number")
    if client_digest and (
        recent.filter(client_digest=client_digest).count() >= CODES_PER_CLIENT_PER_HOUR
    ):
        raise TooManyCodes("too_many_codes", "too many codes were asked from this connection")


def _text_code(
    purpose: Purpose,
    code: str,
    e164: str,
    recipients: Sequence[Recipient],
    language: str | None,
    moment: datetime,
) -> None:
    # The person is the same whichever recipient carries the text; only the borrower
    # the record hangs on differs. Each is asked in turn until the gate permits one.
    # The person asked for this code that moment: it is requested, not a contact made on
    # anyone else's initiative (the pack decides whether night hours still hold it). A
    # third party's own code is about no debt: it names no loan and is kept out of the
    # borrower's contact record (`contacts.selectors.attempts_about`).
    for recipient in recipients:
        reader = language or recipient.language
        attempt = send_sms_with_permit(
            loan=latest_loan(recipient.borrower) if recipient.role == "debtor" else None,
            recipient=recipient,
            requested_by_recipient=True,
            purpose="service",
            body=code_text(purpose, code, reader),
            language=reader,
            message_purpose=MESSAGE_PURPOSES[purpose],
            actor=f"one_time_codes:{purpose}",
            to=e164,
            now=moment,
        )
        if attempt.allowed:
            return


def _use(
    purpose: Purpose, phone_digest: str, guess: str, now: datetime | None
) -> CodeRefused | None:
    moment = now or timezone.now()
    row = (
        OneTimeCode.objects.select_for_update()
        .filter(purpose=purpose, phone_digest=phone_digest)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None or row.used_at is not None:
        return CodeRefused("no_active_code", "no code is waiting for this number")
    if row.expires_at <= moment:
        return CodeRefused("code_expired", "the code has expired")
    if row.failed_attempts >= settings.ONE_TIME_CODE_ATTEMPTS:
        return CodeRefused("code_attempts_exhausted", "too many wrong codes")
    if not digests_match(row.code_digest, "one-time-code", _bound(purpose, phone_digest, guess)):
        row.failed_attempts += 1
        row.save(update_fields=["failed_attempts"])
        if row.failed_attempts >= settings.ONE_TIME_CODE_ATTEMPTS:
            return CodeRefused("code_attempts_exhausted", "too many wrong codes")
        return CodeRefused("code_incorrect", "the code is not right")
    row.used_at = moment
    row.save(update_fields=["used_at"])
    return None


def _bound(purpose: Purpose, phone_digest: str, code: str) -> str:
    # Bound to the purpose and the number: a code never opens another flow or number.
    return f"{purpose}:{phone_digest}:{code}"


# --- a borrower signs in -------------------------------------------------------------------


def request_sign_in_code(
    *, phone: str, default_region: str | None = None, now: datetime | None = None
) -> str:
    """Issue a sign-in code for `phone`, texted if it is a borrower's own; return E.164.

    Raise InvalidInput (``invalid_phone``) for a malformed number and TooManyCodes past
    the hourly limit; in both cases nothing is stored and nothing is sent.
    """
    e164 = normalised_phone(phone, default_region)
    numbers = numbers_at(e164)[:1]
    with transaction.atomic():
        recipients = [recipient_for_number(number=number) for number in numbers]
        send_code(purpose=Purpose.SIGN_IN, e164=e164, recipients=recipients, now=now)
    return e164


def verify_sign_in_code(*, phone: str, code: str, now: datetime | None = None) -> Borrower:
    """Return the borrower whose number `phone` received `code`, using the code up.

    Raise CodeRefused (an unknown number's code is never right), or InvalidInput for a
    malformed number or code.
    """
    e164 = normalised_phone(phone)
    use_code(purpose=Purpose.SIGN_IN, e164=e164, code=code, now=now)
    borrower = borrower_by_phone(e164)
    if borrower is None:
        # Only a guess can get here: no code was ever texted to a number no borrower has.
        raise CodeRefused("code_incorrect", "the code is not right")
    record_event(actor=f"borrower:{borrower.pk}", action="portal.signed_in", target=borrower)
    return borrower
