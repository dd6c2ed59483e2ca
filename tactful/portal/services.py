"""Write path of the borrower portal: one-time sign-in codes sent by SMS.

Neither the phone number nor the code is stored, only keyed digests of them. A code row
is created for every well-formed number, registered or not, and a text is sent only to a
borrower's number: rate limits, expiry and attempt counting then behave the same for any
number, so no response tells whether a number belongs to a borrower.

The text goes through the contact gate like every message Tactful sends (purpose
``service``): outside the local hours of the pack no code is sent, and the page says
for every number alike when codes are sent (`sign_in_code_hours`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import ngettext

from tactful.audit.services import record_event
from tactful.borrowers.identity import IdentityError, normalise_phone
from tactful.borrowers.models import Borrower, PhoneNumber, phone_indexes
from tactful.borrowers.selectors import borrower_by_phone
from tactful.contacts.gate import opening_hours
from tactful.contacts.selectors import latest_loan
from tactful.contacts.services import recipient_for_number, send_sms_with_permit
from tactful.errors import InvalidInput, ServiceError
from tactful.portal.models import SignInCode

CODE_DIGITS = 6
CODES_PER_NUMBER_PER_HOUR = 5
_CODE_PATTERN = re.compile(rf"^\d{{{CODE_DIGITS}}}$")


class SignInRefused(ServiceError):
    """A code that cannot sign anyone in. `code` says why:

    - ``no_active_code``: no code was asked for this number, or it was used already;
    - ``code_expired``: the newest code is too old;
    - ``code_incorrect``: a wrong guess, with attempts left;
    - ``code_attempts_exhausted``: too many wrong guesses; the code is dead.
    """

    status = 400


class TooManyCodes(ServiceError):
    """More codes asked for one number within an hour than the limit allows."""

    status = 429


def request_sign_in_code(
    *, phone: str, default_region: str | None = None, now: datetime | None = None
) -> str:
    """Issue a code for `phone` and text it if the number is a borrower's; return it as E.164.

    Raise InvalidInput (code ``invalid_phone``) for a malformed number and TooManyCodes
    past the hourly limit; in both cases nothing is stored and nothing is sent.
    """
    e164 = _normalised(phone, default_region)
    moment = now or timezone.now()
    phone_digest = _phone_digest(e164)
    with transaction.atomic():
        _ensure_below_hourly_limit(phone_digest, moment)
        code = _new_code()
        SignInCode.objects.create(
            phone_digest=phone_digest,
            code_digest=_code_digest(phone_digest, code),
            created_at=moment,
            expires_at=moment + timedelta(minutes=settings.BORROWER_CODE_MINUTES),
        )
        number = (
            PhoneNumber.objects.select_related("borrower")
            .filter(e164_index__in=phone_indexes(e164))
            .first()
        )
        if number is not None:
            _text_code(number, code, moment)
    return e164


def sign_in_code_hours() -> tuple[time, time] | None:
    """Return the local hours within which sign-in codes are sent (None: at any hour)."""
    return opening_hours("sms", "debtor", "service")


def _text_code(number: PhoneNumber, code: str, moment: datetime) -> None:
    """Text `code` to the borrower's `number` if the gate permits it now; else send nothing."""
    borrower = number.borrower
    send_sms_with_permit(
        loan=latest_loan(borrower),
        recipient=recipient_for_number(number=number),
        purpose="service",
        body=_sign_in_text(code, borrower.preferred_language),
        language=borrower.preferred_language,
        message_purpose="sign_in_code",
        actor="portal",
        now=moment,
    )


def verify_sign_in_code(*, phone: str, code: str, now: datetime | None = None) -> Borrower:
    """Return the borrower whose number `phone` received `code`, using the code up.

    Each wrong guess is counted; after settings.BORROWER_CODE_ATTEMPTS of them the code
    is dead. Raise SignInRefused, or InvalidInput for a malformed number or code.
    """
    e164 = _normalised(phone, None)
    guess = _well_formed_code(code)
    moment = now or timezone.now()
    with transaction.atomic():
        # The counter of wrong guesses must be committed, so a refusal is raised only
        # after the transaction is closed.
        outcome = _use_code(e164, guess, moment)
        if isinstance(outcome, Borrower):
            record_event(actor=f"borrower:{outcome.pk}", action="portal.signed_in", target=outcome)
    if isinstance(outcome, SignInRefused):
        raise outcome
    return outcome


def _use_code(e164: str, guess: str, moment: datetime) -> Borrower | SignInRefused:
    phone_digest = _phone_digest(e164)
    # Only the newest code counts: asking for a new code retires every earlier one.
    row = (
        SignInCode.objects.select_for_update()
        .filter(phone_digest=phone_digest)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None or row.used_at is not None:
        return SignInRefused("no_active_code", "no code is waiting for this number")
    if row.expires_at <= moment:
        return SignInRefused("code_expired", "the code has expired")
    if row.failed_attempts >= settings.BORROWER_CODE_ATTEMPTS:
        return SignInRefused("code_attempts_exhausted", "too many wrong codes")
    borrower = borrower_by_phone(e164)
    right = hmac.compare_digest(row.code_digest, _code_digest(phone_digest, guess))
    if not right or borrower is None:
        return _count_wrong_guess(row)
    row.used_at = moment
    row.save(update_fields=["used_at"])
    return borrower


def _count_wrong_guess(row: SignInCode) -> SignInRefused:
    row.failed_attempts += 1
    row.save(update_fields=["failed_attempts"])
    if row.failed_attempts >= settings.BORROWER_CODE_ATTEMPTS:
        return SignInRefused("code_attempts_exhausted", "too many wrong codes")
    return SignInRefused("code_incorrect", "the code is not right")


def _ensure_below_hourly_limit(phone_digest: str, moment: datetime) -> None:
    recent = SignInCode.objects.filter(
        phone_digest=phone_digest, created_at__gt=moment - timedelta(hours=1)
    ).count()
    if recent >= CODES_PER_NUMBER_PER_HOUR:
        raise TooManyCodes("too_many_codes", "too many codes were asked for this number")


def _normalised(phone: str, default_region: str | None) -> str:
    # The error never repeats the number: error messages may end up in logs.
    try:
        return normalise_phone(phone.strip(), default_region).e164
    except IdentityError:
        raise InvalidInput({"phone": "not a valid phone number"}, code="invalid_phone") from None


def _well_formed_code(code: str) -> str:
    guess = code.strip()
    if not _CODE_PATTERN.fullmatch(guess):
        raise InvalidInput({"code": f"must be {CODE_DIGITS} digits"}, code="invalid_code")
    return guess


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _phone_digest(e164: str) -> str:
    return _keyed_digest(f"sign-in-phone:{e164}")


def _code_digest(phone_digest: str, code: str) -> str:
    # Binding the code to the number means one digest never matches another number's code.
    return _keyed_digest(f"sign-in-code:{phone_digest}:{code}")


def _keyed_digest(text: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _sign_in_text(code: str, language: str) -> str:
    minutes = settings.BORROWER_CODE_MINUTES
    with translation.override(language):
        text = ngettext(
            "Your Tactful sign-in code is %(code)s. It is valid for %(minutes)d minute. "
            "Never share it with anyone.",
            "Your Tactful sign-in code is %(code)s. It is valid for %(minutes)d minutes. "
            "Never share it with anyone.",
            minutes,
        )
    return text % {"code": code, "minutes": minutes}
