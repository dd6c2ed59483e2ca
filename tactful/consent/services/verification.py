"""The public page, "Is this message really from us?": codes, caller numbers, stopping.

Look-ups are rate limited per client (a keyed digest of its address), so the page can be
used neither to guess codes nor as a free number checker.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tactful.borrowers.identifiers import IdentifierError, normalise_phone
from tactful.consent.models import VerificationLookup
from tactful.consent.services.emergency_contacts import refuse_number
from tactful.contacts.models import ContactAttempt
from tactful.contacts.selectors import attempt_with_code
from tactful.contacts.services import record_opt_out
from tactful.errors import Conflict, InvalidInput, NotFound
from tactful.privacy.digests import keyed_digest

CODE_ALPHABET = frozenset("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
CODE_LENGTH = 8
FAILED_LOOKUPS_BEFORE_LOCKOUT = 5
LOCKOUT = timedelta(hours=1)


class TooManyLookups(Conflict):
    """Too many look-ups (or wrong codes) from one client within the hour."""

    status = 429


def check_message(*, code: str, client: str, now: datetime | None = None) -> ContactAttempt | None:
    """Return the contact that carried verification `code`, or None if it is not ours.

    Only permitted contacts count (a denied permit sent nothing). Each client (a keyed
    digest of its address) gets VERIFY_PAGE_LOOKUPS_PER_HOUR look-ups an hour and is
    locked out for an hour after FAILED_LOOKUPS_BEFORE_LOCKOUT unknown codes.
    """
    moment = now or timezone.now()
    guess = _well_formed_code(code)
    digest = _client_digest(client)
    with transaction.atomic():
        _ensure_lookups_left(digest, moment)
        # Eight letters and digits, but with one we never use (0, 1, I, L, O): it is no
        # code of ours, which the page says plainly rather than call it malformed.
        ours = set(guess) <= CODE_ALPHABET
        attempt = attempt_with_code(guess, permitted_only=True) if ours else None
        VerificationLookup.objects.create(
            client_digest=digest, looked_up_at=moment, succeeded=attempt is not None
        )
    return attempt


def is_lender_number(
    *, number: str, client: str, region: str = "CN", now: datetime | None = None
) -> bool:
    """Tell whether `number` is one this lender calls or texts from (LENDER_CALLER_NUMBERS).

    It reveals nothing about borrowers; look-ups still count against the client's hourly
    allowance, like verification codes, so the page cannot be used as a free number checker.
    """
    try:
        e164 = normalise_phone(number, region).e164
    except IdentifierError as error:
        raise InvalidInput({"number": error.message}) from None
    moment = now or timezone.now()
    digest = _client_digest(client)
    ours = e164 in settings.LENDER_CALLER_NUMBERS
    with transaction.atomic():
        _ensure_lookups_left(digest, moment)
        # Recorded as a success whatever the answer: checking a caller guesses no secret,
        # so it must not move anyone towards the lockout meant for code guessing.
        VerificationLookup.objects.create(client_digest=digest, looked_up_at=moment, succeeded=True)
    return ours


def stop_messages(*, code: str, client: str, now: datetime | None = None) -> None:
    """Opt the person who got the message carrying `code` out of all further contact.

    An emergency contact's refusal holds for every borrower who names the number.
    """
    moment = now or timezone.now()
    attempt = check_message(code=code, client=client, now=moment)
    if attempt is None:
        raise NotFound("code_not_found", "no message from us carries this code")
    recipient = attempt.recipient
    with transaction.atomic():
        record_opt_out(recipient=recipient, source="verification_page", actor="public", now=moment)
        if recipient.emergency_contact is not None:
            refuse_number(
                phone_index=recipient.emergency_contact.phone_index,
                source="verification_page",
                now=moment,
            )


def _well_formed_code(code: str) -> str:
    guess = code.strip().upper().replace(" ", "").replace("-", "")
    if len(guess) != CODE_LENGTH or not (guess.isascii() and guess.isalnum()):
        raise InvalidInput(
            {"code": f"{CODE_LENGTH} letters and digits, as in the message"}, code="invalid_code"
        )
    return guess


def _ensure_lookups_left(digest: str, moment: datetime) -> None:
    recent = VerificationLookup.objects.filter(
        client_digest=digest, looked_up_at__gt=moment - LOCKOUT
    )
    if recent.count() >= settings.VERIFY_PAGE_LOOKUPS_PER_HOUR:
        raise TooManyLookups("too_many_lookups", "too many look-ups; try again in an hour")
    if recent.filter(succeeded=False).count() >= FAILED_LOOKUPS_BEFORE_LOCKOUT:
        raise TooManyLookups("locked_out", "too many unknown codes; try again in an hour")


def _client_digest(client: str) -> str:
    return keyed_digest("verify-client", client)
