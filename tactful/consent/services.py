"""Write path of consent: grants and withdrawals, emergency contacts and their answers.

Every change is an append-only event plus an audit event (ids and names of purposes only,
no personal data), and takes effect at the very next gate decision: nothing is cached.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tactful.api.masking import mask_phone
from tactful.audit.services import record_event
from tactful.borrowers.identity import IdentityError, normalise_phone
from tactful.borrowers.models import Borrower, Language, PhoneNumber
from tactful.consent import selectors
from tactful.consent.models import (
    Action,
    ConsentChannel,
    ConsentEvent,
    ConsentPurpose,
    EmergencyContact,
    NumberRefusal,
    Relationship,
    Subject,
    VerificationLookup,
)
from tactful.consent.policy import privacy_terms
from tactful.contacts.codes import with_verification_code
from tactful.contacts.models import ContactAttempt, Recipient, RecipientRole
from tactful.contacts.selectors import latest_loan
from tactful.contacts.services import record_opt_out, request_permit
from tactful.errors import Conflict, InvalidInput, NotFound
from tactful.messaging.ports import SmsMessage
from tactful.messaging.services import send_sms_on_commit
from tactful.privacy.crypto import blind_index, decrypt, encrypt

LANGUAGES = frozenset(language.value for language in Language)
MAX_SCOPE_LENGTH = 120
MAX_NAME_LENGTH = 100
INVITATION_DAYS = 30
# The borrower's purposes (the emergency contact's own answer has its own path).
BORROWER_PURPOSES = frozenset(ConsentPurpose) - {ConsentPurpose.EMERGENCY_CONTACT}


# --- the borrower's consents -------------------------------------------------------------


def grant_consent(
    *,
    borrower: Borrower,
    purpose: str,
    language: str,
    channel: str,
    evidence: dict[str, Any],
    actor: str,
    scope: str = "",
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> ConsentEvent:
    """Record that `borrower` consents to `purpose` after reading its current notice."""
    return _borrower_event(
        borrower, purpose, Action.GRANT, language, channel, evidence, actor, scope, expires_at, now
    )


def withdraw_consent(
    *,
    borrower: Borrower,
    purpose: str,
    language: str,
    channel: str,
    evidence: dict[str, Any],
    actor: str,
    scope: str = "",
    now: datetime | None = None,
) -> ConsentEvent:
    """Record that `borrower` withdraws `purpose`: as easy as granting (PIPL art. 15)."""
    return _borrower_event(
        borrower, purpose, Action.WITHDRAW, language, channel, evidence, actor, scope, None, now
    )


def _borrower_event(
    borrower: Borrower,
    purpose: str,
    action: str,
    language: str,
    channel: str,
    evidence: dict[str, Any],
    actor: str,
    scope: str,
    expires_at: datetime | None,
    now: datetime | None,
) -> ConsentEvent:
    scope = _checked(purpose, language, channel, scope)
    moment = now or timezone.now()
    if expires_at is not None and expires_at <= moment:
        raise InvalidInput({"expires_at": "must be in the future"})
    with transaction.atomic():
        return _record(
            subject=Subject.BORROWER,
            borrower=borrower,
            contact=None,
            purpose=purpose,
            scope=scope,
            action=action,
            language=language,
            channel=channel,
            evidence=evidence,
            expires_at=expires_at,
            actor=actor,
            now=moment,
        )


def _checked(purpose: str, language: str, channel: str, scope: str) -> str:
    errors: dict[str, str] = {}
    if purpose not in BORROWER_PURPOSES:
        errors["purpose"] = "not a purpose a borrower consents to"
    if language not in LANGUAGES:
        errors["language"] = f"one of {', '.join(sorted(LANGUAGES))}"
    if channel not in ConsentChannel.values:
        errors["channel"] = f"one of {', '.join(ConsentChannel.values)}"
    scope = scope.strip()
    # PIPL art. 23: sharing needs a separate consent that names the recipient.
    if purpose == ConsentPurpose.AGENCY_SHARING and not scope:
        errors["scope"] = "name the collection agency"
    elif purpose != ConsentPurpose.AGENCY_SHARING and scope:
        errors["scope"] = "only agency sharing takes a scope"
    if len(scope) > MAX_SCOPE_LENGTH:
        errors["scope"] = f"at most {MAX_SCOPE_LENGTH} characters"
    if errors:
        raise InvalidInput(errors)
    return scope


def _record(
    *,
    subject: str,
    borrower: Borrower,
    contact: EmergencyContact | None,
    purpose: str,
    scope: str,
    action: str,
    language: str,
    channel: str,
    evidence: dict[str, Any],
    expires_at: datetime | None,
    actor: str,
    now: datetime,
) -> ConsentEvent:
    notice = selectors.current_notice(purpose)
    event = ConsentEvent.objects.create(
        subject=subject,
        borrower=borrower,
        emergency_contact=contact,
        purpose=purpose,
        scope=scope,
        action=action,
        notice=notice,
        language=language,
        channel=channel,
        evidence=evidence,
        recorded_at=now,
        expires_at=expires_at,
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action="consent.granted" if action == Action.GRANT else "consent.withdrawn",
        target=event,
        payload={
            "subject": subject,
            "purpose": purpose,
            "notice_version": notice.version,
            "language": language,
            "channel": channel,
        },
        occurred_at=now,
    )
    return event


# --- emergency contacts ------------------------------------------------------------------


def designate_emergency_contact(
    *,
    borrower: Borrower,
    phone: str,
    relationship: str,
    language: str,
    actor: str,
    default_region: str | None = None,
    name: str = "",
    now: datetime | None = None,
) -> EmergencyContact:
    """Name a person as the borrower's emergency contact and invite them to accept or refuse.

    Records the borrower's consents to name them and to be reached through them, then
    texts the person (a `service` permit) after commit. Refuse with a clear error, and
    store nothing, for a malformed number, the borrower's own number, a number already
    named, a number that refused, or one contact more than the pack allows.
    """
    moment = now or timezone.now()
    e164, zones = _contact_number(phone, default_region)
    _check_details(relationship, language, name)
    index = blind_index("phone", e164)
    with transaction.atomic():
        Borrower.objects.select_for_update().filter(pk=borrower.pk).first()
        _check_designation(borrower, e164, index)
        token = secrets.token_urlsafe(24)
        contact = EmergencyContact.objects.create(
            borrower=borrower,
            relationship=relationship,
            name_encrypted=encrypt(name.strip()) if name.strip() else "",
            phone_encrypted=encrypt(e164),
            phone_index=index,
            phone_masked=mask_phone(e164),
            time_zone=zones,
            language=language,
            designated_at=moment,
            invitation_digest=invitation_digest(token),
        )
        recipient = Recipient.objects.create(
            borrower=borrower, role=RecipientRole.EMERGENCY_CONTACT, emergency_contact=contact
        )
        _grant_designation_consents(borrower, language, actor, moment)
        record_event(
            actor=actor, action="consent.contact_designated", target=contact, occurred_at=moment
        )
        _invite(contact, recipient, token, e164, moment)
    return contact


def _contact_number(phone: str, default_region: str | None) -> tuple[str, str | None]:
    # The error never repeats the number: error messages may end up in logs.
    try:
        details = normalise_phone(phone.strip(), default_region)
    except IdentityError:
        raise InvalidInput({"phone": "not a valid phone number"}, code="invalid_phone") from None
    return details.e164, details.single_time_zone


def _check_details(relationship: str, language: str, name: str) -> None:
    errors: dict[str, str] = {}
    if relationship not in Relationship.values:
        errors["relationship"] = f"one of {', '.join(Relationship.values)}"
    if language not in LANGUAGES:
        errors["language"] = f"one of {', '.join(sorted(LANGUAGES))}"
    if len(name.strip()) > MAX_NAME_LENGTH:
        errors["name"] = f"at most {MAX_NAME_LENGTH} characters"
    if errors:
        raise InvalidInput(errors)


def _check_designation(borrower: Borrower, e164: str, index: str) -> None:
    active = selectors.active_emergency_contacts(borrower)
    limit = privacy_terms().max_emergency_contacts
    if active.count() >= limit:
        raise Conflict(
            "too_many_emergency_contacts", f"at most {limit} emergency contacts may be named"
        )
    if PhoneNumber.objects.filter(borrower=borrower, e164_index=index).exists():
        raise InvalidInput({"phone": "this is one of your own numbers"}, code="own_number")
    if active.filter(phone_index=index).exists():
        raise Conflict("already_designated", "this number is already an emergency contact")
    if selectors.number_refused(index):
        raise Conflict(
            "number_refused", "the person at this number asked never to be an emergency contact"
        )


def _grant_designation_consents(
    borrower: Borrower, language: str, actor: str, now: datetime
) -> None:
    for purpose in (
        ConsentPurpose.DESIGNATE_EMERGENCY_CONTACT,
        ConsentPurpose.LOCATE_VIA_EMERGENCY_CONTACT,
    ):
        if not selectors.in_force(borrower, purpose, now=now):
            _record(
                subject=Subject.BORROWER,
                borrower=borrower,
                contact=None,
                purpose=purpose,
                scope="",
                action=Action.GRANT,
                language=language,
                channel=ConsentChannel.PORTAL,
                evidence={"method": "portal_session", "step": "designation"},
                expires_at=None,
                actor=actor,
                now=now,
            )


def _invite(
    contact: EmergencyContact, recipient: Recipient, token: str, e164: str, now: datetime
) -> ContactAttempt:
    body = invitation_text(contact, token)
    attempt = request_permit(
        loan=latest_loan(contact.borrower),
        recipient=recipient,
        channel="sms",
        purpose="service",
        automated=True,
        content=body,
        actor="consent",
        now=now,
    )
    if attempt.allowed:
        text = with_verification_code(body, attempt.verification_code, contact.language)
        send_sms_on_commit(SmsMessage(to=e164, body=text, purpose="emergency_contact_invitation"))
    return attempt


def invitation_text(contact: EmergencyContact, token: str) -> str:
    """Return the invitation: why they were named, no debt disclosed, a link to answer."""
    link = settings.SITE_URL.rstrip("/") + reverse("consent:invitation", args=[token])
    with translation.override(contact.language):
        text = gettext(
            "Someone you know named you as their emergency contact with Tactful. We will "
            "never tell you about their finances or ask you to pay. Accept or refuse with "
            "one tap: %(link)s"
        )
    return text % {"link": link}


def invitation_digest(token: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, f"invitation:{token}".encode(), hashlib.sha256).hexdigest()


def contact_for_invitation(token: str) -> EmergencyContact:
    """Return the designation the invitation `token` belongs to; NotFound otherwise."""
    contact = EmergencyContact.objects.filter(invitation_digest=invitation_digest(token)).first()
    if contact is None:
        raise NotFound("invitation_not_found", "this link is not valid")
    return contact


def answer_invitation(
    *, token: str, accept: bool, language: str, now: datetime | None = None
) -> EmergencyContact:
    """Record the contact person's own answer; a refusal holds for every borrower, forever.

    Acceptance is possible for INVITATION_DAYS after the designation; refusal at any time.
    """
    moment = now or timezone.now()
    contact = contact_for_invitation(token)
    if accept and moment > contact.designated_at + timedelta(days=INVITATION_DAYS):
        raise Conflict("invitation_expired", "this invitation has expired")
    if accept and selectors.number_refused(contact.phone_index):
        raise Conflict("number_refused", "this number refused to be an emergency contact")
    with transaction.atomic():
        _record(
            subject=Subject.EMERGENCY_CONTACT,
            borrower=contact.borrower,
            contact=contact,
            purpose=ConsentPurpose.EMERGENCY_CONTACT,
            scope="",
            action=Action.GRANT if accept else Action.WITHDRAW,
            language=language if language in LANGUAGES else contact.language,
            channel=ConsentChannel.SMS_LINK,
            evidence={"method": "invitation_link"},
            expires_at=None,
            actor=f"emergency_contact:{contact.reference}",
            now=moment,
        )
        if not accept:
            refuse_number(phone_index=contact.phone_index, source="invitation", now=moment)
    return contact


def refuse_number(*, phone_index: str, source: str, now: datetime | None = None) -> NumberRefusal:
    """Record that the person at this number is never anyone's emergency contact."""
    moment = now or timezone.now()
    with transaction.atomic():
        refusal = NumberRefusal.objects.create(
            phone_index=phone_index, recorded_at=moment, source=source
        )
        record_event(
            actor="public", action="consent.number_refused", target=refusal, occurred_at=moment
        )
    return refusal


def remove_emergency_contact(
    *, contact: EmergencyContact, actor: str, now: datetime | None = None
) -> EmergencyContact:
    """End a designation; the gate stops contact with that person at the next decision."""
    if contact.removed_at is not None:
        raise Conflict("already_removed", "this emergency contact was removed already")
    contact.removed_at = now or timezone.now()
    with transaction.atomic():
        contact.save(update_fields=["removed_at"])
        record_event(actor=actor, action="consent.contact_removed", target=contact)
    return contact


def contact_phone(contact: EmergencyContact) -> str:
    """Return the contact's number in clear, for sending only: never log or show it."""
    return decrypt(contact.phone_encrypted)


# --- the public page: "Is this message really from us?" ----------------------------------

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
        attempt = (
            ContactAttempt.objects.select_related("recipient")
            .filter(verification_code=guess, decision="allow")
            .first()
        )
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
    except IdentityError as error:
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
    if len(guess) != CODE_LENGTH or not set(guess) <= CODE_ALPHABET:
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
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, f"verify-client:{client}".encode(), hashlib.sha256).hexdigest()
