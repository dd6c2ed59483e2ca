"""Emergency contacts: designation and invitation, the contact's own answer, removal.

A refusal holds for the number, for every borrower, forever. Every change takes effect
at the very next gate decision: nothing is cached.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tactful.audit.services import record_event
from tactful.borrowers.identifiers import IdentifierError, normalise_phone
from tactful.borrowers.models import Borrower, phone_indexes
from tactful.borrowers.selectors import locked_borrower, numbers_of
from tactful.borrowers.services import record_reveal
from tactful.consent import selectors
from tactful.consent.models import (
    Action,
    ConsentChannel,
    ConsentPurpose,
    EmergencyContact,
    NumberRefusal,
    Relationship,
    Subject,
)
from tactful.consent.policy import privacy_terms
from tactful.consent.services.consents import LANGUAGES, record_consent_event
from tactful.contacts.codes import with_verification_code
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt, Recipient
from tactful.contacts.selectors import latest_loan
from tactful.contacts.services import recipient_for_emergency_contact, request_permit
from tactful.errors import Conflict, InvalidInput, NotFound
from tactful.messaging.ports import SmsMessage
from tactful.messaging.services import send_sms_on_commit
from tactful.privacy.crypto import blind_index, decrypt, encrypt
from tactful.privacy.digests import keyed_digest
from tactful.privacy.masking import mask_phone

MAX_NAME_LENGTH = 100
INVITATION_DAYS = selectors.INVITATION_DAYS
PORTAL_EVIDENCE: Mapping[str, str] = {"method": "portal_session"}


def designate_emergency_contact(
    *,
    borrower: Borrower,
    phone: str,
    relationship: str,
    language: str,
    actor: str,
    default_region: str | None = None,
    name: str = "",
    channel: str = ConsentChannel.PORTAL,
    evidence: Mapping[str, Any] = PORTAL_EVIDENCE,
    now: datetime | None = None,
) -> EmergencyContact:
    """Name a person as the borrower's emergency contact and invite them to accept or refuse.

    Records the borrower's consents to name them and to be reached through them (on
    `channel`, with `evidence` of who the borrower was), then texts the person (a `service`
    permit) after commit. Refuse with a clear error, and store nothing, for a malformed
    number, the borrower's own number, a number already named, a number that refused, or
    one contact more than the pack allows.
    """
    moment = now or timezone.now()
    e164, zones = _contact_number(phone, default_region)
    _check_details(relationship, language, name)
    index = blind_index("phone", e164)
    with transaction.atomic():
        locked_borrower(borrower.pk)
        _check_designation(borrower, e164)
        token = new_invitation_token()
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
        recipient = recipient_for_emergency_contact(borrower=borrower, designation_id=contact.pk)
        _grant_designation_consents(
            borrower, language, actor, moment, channel, {**evidence, "step": "designation"}
        )
        record_event(
            actor=actor, action="consent.contact_designated", target=contact, occurred_at=moment
        )
        _invite(contact, recipient, token, e164, moment)
    return contact


def send_due_invitations(*, now: datetime | None = None) -> int:
    """Send the invitations the gate held back (quiet hours) whose time has come.

    Each gets a fresh link (only a digest of the first was kept); one the gate holds back
    again waits for its next allowed time. Invitations older than INVITATION_DAYS, of
    removed designations or of numbers that refused are dropped. Return how many went out.
    """
    moment = now or timezone.now()
    sent = 0
    due = EmergencyContact.objects.filter(
        invited_at__isnull=True, invitation_due_at__lte=moment, removed_at__isnull=True
    ).select_related("borrower")
    for contact in due:
        with transaction.atomic():
            sent += _invite_again(contact, moment)
    return sent


def _invite_again(contact: EmergencyContact, moment: datetime) -> int:
    refused = selectors.number_refused(*selectors.contact_phone_indexes(contact))
    if refused or not selectors.can_still_accept(contact, now=moment):
        contact.invitation_due_at = None
        contact.save(update_fields=["invitation_due_at"])
        return 0
    token = new_invitation_token()
    contact.invitation_digest = invitation_digest(token)
    contact.save(update_fields=["invitation_digest"])
    recipient = recipient_for_emergency_contact(
        borrower=contact.borrower, designation_id=contact.pk
    )
    attempt = _invite(contact, recipient, token, decrypt(contact.phone_encrypted), moment)
    return 1 if attempt.allowed else 0


def _contact_number(phone: str, default_region: str | None) -> tuple[str, str | None]:
    # The error never repeats the number: error messages may end up in logs.
    try:
        details = normalise_phone(phone.strip(), default_region)
    except IdentifierError:
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


def _check_designation(borrower: Borrower, e164: str) -> None:
    # Only this borrower's numbers and designations, and refusals (which hold for every
    # borrower) are consulted: the answer never tells whose number it is otherwise. Each
    # under every index key: rows and refusals may keep a previous key's index.
    indexes = phone_indexes(e164)
    active = selectors.active_emergency_contacts(borrower)
    limit = privacy_terms().max_emergency_contacts
    if active.count() >= limit:
        raise Conflict(
            "too_many_emergency_contacts", f"at most {limit} emergency contacts may be named"
        )
    if numbers_of(borrower).filter(e164_index__in=indexes).exists():
        raise InvalidInput({"phone": "this is one of your own numbers"}, code="own_number")
    if active.filter(phone_index__in=indexes).exists():
        raise Conflict("already_designated", "this number is already an emergency contact")
    if selectors.number_refused(*indexes):
        raise Conflict(
            "number_refused", "the person at this number asked never to be an emergency contact"
        )


def _grant_designation_consents(
    borrower: Borrower,
    language: str,
    actor: str,
    now: datetime,
    channel: str,
    evidence: Mapping[str, Any],
) -> None:
    for purpose in (
        ConsentPurpose.DESIGNATE_EMERGENCY_CONTACT,
        ConsentPurpose.LOCATE_VIA_EMERGENCY_CONTACT,
    ):
        if not selectors.in_force(borrower, purpose, now=now):
            record_consent_event(
                subject=Subject.BORROWER,
                borrower=borrower,
                contact=None,
                purpose=purpose,
                scope="",
                action=Action.GRANT,
                language=language,
                channel=channel,
                evidence=evidence,
                expires_at=None,
                actor=actor,
                now=now,
            )


def _invite(
    contact: EmergencyContact, recipient: Recipient, token: str, e164: str, now: datetime
) -> ContactAttempt:
    body = invitation_text(contact, token)
    attempt = request_permit(
        request=PermitRequest(
            loan=latest_loan(contact.borrower),
            recipient=recipient,
            channel="sms",
            purpose="service",
            automated=True,
            content=body,
        ),
        actor="consent",
        now=now,
    )
    if attempt.allowed:
        text = with_verification_code(body, attempt.verification_code, contact.language)
        send_sms_on_commit(SmsMessage(to=e164, body=text, purpose="emergency_contact_invitation"))
        contact.invited_at, contact.invitation_due_at = now, None
    else:
        # Held back only for the hour (quiet hours): try again when it opens. Any other
        # denial (an opt-out, a hold) is not retried.
        contact.invitation_due_at = attempt.next_allowed_at
    contact.save(update_fields=["invited_at", "invitation_due_at"])
    return attempt


def invitation_text(contact: EmergencyContact, token: str) -> str:
    """Return the invitation: why they were named, no debt disclosed, a link to answer."""
    link = settings.SITE_URL.rstrip("/") + reverse("public:invitation", args=[token])
    with translation.override(contact.language):
        text = gettext(
            "Someone you know named you as their emergency contact with Tactful. We will "
            "never tell you about their finances or ask you to pay. Accept or refuse with "
            "one tap: %(link)s"
        )
    return text % {"link": link}


def new_invitation_token() -> str:
    """Return the secret of an invitation link: 128 random bits in lower-case hex.

    The invitation's text, link included, passes the content check before it may go to a
    third party. Letters and digits mixed at random (URL-safe base64) made "rp1" or "2rs"
    about once in 400 links, which reads as an amount of rupiah or rupees: a debt disclosed,
    so the invitation was denied. Hex has no currency word and no word boundary inside.
    """
    return secrets.token_hex(16)


def invitation_digest(token: str) -> str:
    return keyed_digest("invitation", token)


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
    contact = contact_for_invitation(token)
    return _record_answer(contact, accept, language, "invitation_link", now or timezone.now())


def answer_for_number(
    *,
    reference: UUID,
    indexes: Sequence[str],
    accept: bool,
    language: str,
    now: datetime | None = None,
) -> EmergencyContact:
    """Record the answer of the person who proved the number `indexes` to designation `reference`.

    The same answer as through the invitation link, given from their rights page (after a
    code proved the number). A designation of another number reads as not found.
    """
    contact = selectors.designations_of_number(indexes).filter(reference=reference).first()
    if contact is None or contact.removed_at is not None:
        raise NotFound("designation_not_found", "no such designation of this number")
    return _record_answer(contact, accept, language, "rights_page_code", now or timezone.now())


def _record_answer(
    contact: EmergencyContact, accept: bool, language: str, method: str, moment: datetime
) -> EmergencyContact:
    if accept and moment > contact.designated_at + timedelta(days=INVITATION_DAYS):
        raise Conflict("invitation_expired", "this invitation has expired")
    if accept and selectors.number_refused(*selectors.contact_phone_indexes(contact)):
        raise Conflict("number_refused", "this number refused to be an emergency contact")
    with transaction.atomic():
        record_consent_event(
            subject=Subject.EMERGENCY_CONTACT,
            borrower=contact.borrower,
            contact=contact,
            purpose=ConsentPurpose.EMERGENCY_CONTACT,
            scope="",
            action=Action.GRANT if accept else Action.WITHDRAW,
            language=language if language in LANGUAGES else contact.language,
            channel=ConsentChannel.SMS_LINK,
            evidence={"method": method},
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


def erase_emergency_contacts(*, borrower: Borrower, now: datetime) -> None:
    """End every designation `borrower` made and blank their names and numbers.

    Emergency contacts are other people, not the lender's records of a loan: on the
    borrower's erasure they go at once. The blind index stays: it enforces refusals.
    """
    erase_designations(EmergencyContact.objects.filter(borrower=borrower), now=now)


def erase_designations_of_number(*, indexes: Sequence[str], now: datetime) -> None:
    """End every designation of the number with these blind indexes and blank them."""
    erase_designations(EmergencyContact.objects.filter(phone_index__in=indexes), now=now)


def erase_designations(designations: QuerySet[EmergencyContact], *, now: datetime) -> None:
    designations.filter(removed_at__isnull=True).update(removed_at=now)
    designations.update(name_encrypted="", phone_encrypted="")


def forget_masked_numbers(*, borrower: Borrower) -> None:
    """Blank even the masked numbers of `borrower`'s designations (erasure after retention)."""
    EmergencyContact.objects.filter(borrower=borrower).update(phone_masked="")


def contact_phone(contact: EmergencyContact) -> str:
    """Return the contact's number in clear, for sending only: never log or show it."""
    return decrypt(contact.phone_encrypted)


REVEALABLE_CONTACT_FIELD = "phone"


def reveal_contact_number(
    *, contact: EmergencyContact, reason: str, actor: str, now: datetime
) -> str:
    """Return an emergency contact's number in full, after auditing who asked and why.

    Only a person still named and not refused can be revealed: a refusal or a removal
    means nobody may reach them, so nobody needs their number. The audit event holds the
    field and the reason, never the number.
    """
    if selectors.emergency_contact_status(contact, now=now) in ("removed", "refused"):
        raise Conflict("contact_not_reachable", "this person refused or was removed")
    record_reveal(
        target=contact,
        field_name=REVEALABLE_CONTACT_FIELD,
        known_fields=(REVEALABLE_CONTACT_FIELD,),
        reason=reason,
        actor=actor,
    )
    return decrypt(contact.phone_encrypted)


# --- the blind-index key rotation (`tactful.privacy.services.index_rotation`) ---------------


def carry_refusals(found: Mapping[str, str]) -> int:
    """Append, for each refusal under a previous key, its equivalent under the current key.

    The original stays (refusals are append-only); the copy keeps its time and source,
    so the refusal reads the same once the old key is gone.
    """
    carried = 0
    for old, new in found.items():
        original = NumberRefusal.objects.filter(phone_index=old).order_by("recorded_at", "pk")
        first = original.first()
        if first is None or NumberRefusal.objects.filter(phone_index=new).exists():
            continue
        NumberRefusal.objects.create(
            phone_index=new, recorded_at=first.recorded_at, source=first.source
        )
        carried += 1
    return carried


def carry_erased_designations(found: Mapping[str, str]) -> int:
    # An erased designation is an ordinary row (not append-only): it takes the new index.
    carried = 0
    for old, new in found.items():
        erased = EmergencyContact.objects.filter(phone_encrypted="", phone_index=old)
        carried += erased.update(phone_index=new)
    return carried
