"""The contact record: every contact attempt about a borrower's debts, with its audit link.

Each permit the gate decided is one entry; the audit event recorded for it
(``contact.permit_issued`` or ``contact.permit_denied``) ties the entry to the hash
chain, so an exported record can be checked against the chain later (`evidence`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from tactful.accounts.models import User
from tactful.audit.models import AuditEvent
from tactful.audit.selectors import events_about
from tactful.borrowers.models import Borrower
from tactful.contacts.models import ContactAttempt, Recipient
from tactful.contacts.packs import message_for_reader
from tactful.contacts.selectors import attempts_about
from tactful.contacts.vocabulary import OUTCOME_LABELS
from tactful.contacts.wording import category_labels, local_text
from tactful.privacy.masking import mask_phone

ATTEMPT_TYPE = ContactAttempt._meta.label_lower
PERMIT_ACTIONS = ("contact.permit_issued", "contact.permit_denied")


@dataclass(frozen=True)
class ChainLink:
    """Where an entry sits in the audit chain."""

    sequence: int
    hash: str
    previous_hash: str
    payload_digest: str


@dataclass(frozen=True)
class RecordEntry:
    """One contact attempt as the borrower reads it."""

    verification_code: str
    permit_id: str
    requested_at: datetime
    local_time: str
    who: str
    channel: str
    recipient: str
    allowed: bool
    categories: list[str]
    reasons: list[str]
    outcome: str
    link: ChainLink | None


def contact_record_of(borrower: Borrower) -> list[RecordEntry]:
    """Return every contact attempt about `borrower`'s debts, newest first, in reader's words."""
    attempts = list(
        attempts_about(borrower)
        .select_related("recipient__phone_number", "recipient__emergency_contact", "collector")
        .select_related("outcome")
        .order_by("-requested_at", "-pk")
    )
    links = permit_links(attempts)
    zone = borrower.time_zone
    return [_entry(attempt, links.get(attempt.pk), zone) for attempt in attempts]


def permit_links(attempts: list[ContactAttempt]) -> dict[int, ChainLink]:
    """Return the chain link of each attempt's permit event, keyed by attempt id."""
    ids = [str(attempt.pk) for attempt in attempts]
    events = events_about(ATTEMPT_TYPE, ids, actions=PERMIT_ACTIONS)
    return {int(event.object_id): link_of(event) for event in events}


def link_of(event: AuditEvent) -> ChainLink:
    return ChainLink(event.sequence, event.hash, event.previous_hash, event.payload_digest)


def _entry(attempt: ContactAttempt, link: ChainLink | None, zone: str | None) -> RecordEntry:
    return RecordEntry(
        verification_code=attempt.verification_code,
        permit_id=str(attempt.permit_id),
        requested_at=attempt.requested_at,
        local_time=local_text(attempt.requested_at, zone),
        who=who_contacted(attempt),
        channel=str(attempt.get_channel_display()),
        recipient=to_whom(attempt.recipient),
        allowed=attempt.allowed,
        categories=category_labels(attempt.categories),
        reasons=[message_for_reader(reason) for reason in attempt.reasons],
        outcome=_outcome(attempt),
        link=link,
    )


def who_contacted(attempt: ContactAttempt) -> str:
    """Name the collector masked ("王**", "W***"), or the system for automated contacts."""
    if attempt.collector is None:
        return _("System (automated)")
    return masked_name(attempt.collector)


def masked_name(user: User) -> str:
    """Keep only the first character: the surname of a Chinese name, else an initial."""
    surname = user.last_name.strip()
    if surname and _is_cjk(surname[0]):
        return f"{surname[0]}**"
    name = user.get_full_name().strip() or user.get_username()
    if _is_cjk(name[0]):
        return f"{name[0]}**"
    return f"{name[0].upper()}***"


def _is_cjk(character: str) -> bool:
    return unicodedata.name(character, "").startswith("CJK")


def to_whom(recipient: Recipient) -> str:
    """Say who was reached: the borrower, or an emergency contact by masked number."""
    contact = recipient.emergency_contact
    if contact is not None:
        return _("Your emergency contact %(number)s") % {"number": contact.phone_masked}
    number = recipient.phone_number
    if recipient.role == "debtor" and number is not None:
        return _("You, at %(number)s") % {"number": mask_phone(number.e164)}
    if recipient.role == "debtor":
        return _("You")
    return str(recipient.get_role_display())


def _outcome(attempt: ContactAttempt) -> str:
    if not attempt.allowed:
        return _("No contact was made")
    reported = getattr(attempt, "outcome", None)
    if reported is None:
        return _("Not reported yet")
    return str(OUTCOME_LABELS[reported.outcome])
