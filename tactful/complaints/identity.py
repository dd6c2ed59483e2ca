"""One-time codes that let someone on the public page prove a number is theirs.

A code row is made for every well-formed number, and a text goes out only to a number
Tactful has contacted before (a recipient), through the gate as purpose `service`: the
page answers alike for every number, so it never tells whether a number is known.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from tactful.borrowers.identity import IdentityError, normalise_phone
from tactful.borrowers.models import phone_indexes
from tactful.complaints.models import IdentityCode
from tactful.contacts.models import Recipient
from tactful.contacts.selectors import latest_loan
from tactful.contacts.services import send_sms_with_permit
from tactful.errors import InvalidInput, ServiceError

CODE_DIGITS = 6
CODE_MINUTES = 10
CODE_ATTEMPTS = 5
CODES_PER_NUMBER_PER_HOUR = 5
_CODE = re.compile(rf"^\d{{{CODE_DIGITS}}}$")


class IdentityRefused(ServiceError):
    """The code does not prove the number: ``no_active_code``, ``code_expired``,
    ``code_incorrect`` or ``code_attempts_exhausted``."""

    status = 400


class TooManyCodes(ServiceError):
    status = 429

    def __init__(self) -> None:
        super().__init__("too_many_codes", "too many codes were asked for this number")


def normalised_phone(phone: str, default_region: str | None = None) -> str:
    """Return `phone` as E.164; InvalidInput (never repeating the number) otherwise."""
    try:
        return normalise_phone(phone.strip(), default_region).e164
    except IdentityError:
        raise InvalidInput({"phone": "not a valid phone number"}, code="invalid_phone") from None


def keyed_digest(text: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def phone_digest(e164: str) -> str:
    return keyed_digest(f"complainant-phone:{e164}")


def recipients_with_number(e164: str) -> list[Recipient]:
    """Return every recipient reached at `e164`, whichever borrower it is about."""
    return list(
        Recipient.objects.filter(phone_number__e164_index__in=phone_indexes(e164))
        .select_related("borrower", "phone_number")
        .order_by("pk")
    )


def request_identity_code(
    *, phone: str, default_region: str | None = None, language: str, now: datetime | None = None
) -> str:
    """Issue a code for `phone`, text it if Tactful knows the number; return the E.164 form."""
    e164 = normalised_phone(phone, default_region)
    moment = now or timezone.now()
    digest = phone_digest(e164)
    with transaction.atomic():
        recent = IdentityCode.objects.filter(
            phone_digest=digest, created_at__gt=moment - timedelta(hours=1)
        ).count()
        if recent >= CODES_PER_NUMBER_PER_HOUR:
            raise TooManyCodes()
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        IdentityCode.objects.create(
            phone_digest=digest,
            code_digest=_code_digest(digest, code),
            created_at=moment,
            expires_at=moment + timedelta(minutes=CODE_MINUTES),
        )
        recipients = recipients_with_number(e164)
        if recipients:
            _text_code(recipients[0], code, language, moment)
    return e164


def verify_identity_code(*, phone: str, code: str, now: datetime | None = None) -> str:
    """Return the E.164 number `code` was sent to, using the code up; raise IdentityRefused."""
    e164 = normalised_phone(phone)
    guess = code.strip()
    if not _CODE.fullmatch(guess):
        raise InvalidInput({"code": f"must be {CODE_DIGITS} digits"}, code="invalid_code")
    with transaction.atomic():
        # Wrong guesses must be counted even though the caller gets an error.
        refusal = _use_code(phone_digest(e164), guess, now or timezone.now())
    if refusal is not None:
        raise refusal
    return e164


def _use_code(digest: str, guess: str, moment: datetime) -> IdentityRefused | None:
    row = (
        IdentityCode.objects.select_for_update()
        .filter(phone_digest=digest)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None or row.used_at is not None:
        return IdentityRefused("no_active_code", "no code is waiting for this number")
    if row.expires_at <= moment:
        return IdentityRefused("code_expired", "the code has expired")
    if row.failed_attempts >= CODE_ATTEMPTS:
        return IdentityRefused("code_attempts_exhausted", "too many wrong codes")
    if not hmac.compare_digest(row.code_digest, _code_digest(digest, guess)):
        row.failed_attempts += 1
        row.save(update_fields=["failed_attempts"])
        return IdentityRefused("code_incorrect", "the code is not right")
    row.used_at = moment
    row.save(update_fields=["used_at"])
    return None


def _text_code(recipient: Recipient, code: str, language: str, moment: datetime) -> None:
    with translation.override(language):
        body = gettext("Your code to identify yourself in a complaint is %(code)s.") % {
            "code": code
        }
    send_sms_with_permit(
        loan=latest_loan(recipient.borrower),
        recipient=recipient,
        purpose="service",
        body=body,
        language=language,
        message_purpose="complaint_identity_code",
        actor="complaints",
        now=moment,
    )


def _code_digest(digest: str, code: str) -> str:
    return keyed_digest(f"complainant-code:{digest}:{code}")
