"""Read paths of consent: notices, the consent in force (derived), emergency contacts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal
from uuid import UUID

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from tactful.borrowers.models import Borrower, phone_indexes
from tactful.consent.models import (
    Action,
    ConsentEvent,
    ConsentPurpose,
    EmergencyContact,
    NoticeTranslation,
    NoticeVersion,
    NumberRefusal,
    Subject,
)
from tactful.privacy.crypto import decrypt

LANGUAGE_FALLBACK = "zh-hans"
ContactStatus = Literal["invited", "accepted", "refused", "removed"]


@dataclass(frozen=True)
class ConsentState:
    """The latest event for one purpose and scope, and whether consent is in force now."""

    purpose: str
    scope: str
    latest: ConsentEvent
    in_force: bool

    @property
    def withdrawn(self) -> bool:
        return self.latest.action == Action.WITHDRAW


def current_notice(purpose: str) -> NoticeVersion:
    """Return the newest version of the notice for `purpose`."""
    return NoticeVersion.objects.filter(purpose=purpose).latest("version")


def published_notice(purpose: str) -> list[NoticeVersion]:
    """Return the newest notice of `purpose` as a list of one, or empty if none was published."""
    notice = NoticeVersion.objects.filter(purpose=purpose).order_by("-version").first()
    return [notice] if notice is not None else []


def current_notices() -> list[NoticeVersion]:
    """Return the newest version of every purpose's notice, its translations prefetched."""
    notices = NoticeVersion.objects.prefetch_related("translations").order_by("purpose", "-version")
    newest: dict[str, NoticeVersion] = {}
    for notice in notices:
        newest.setdefault(notice.purpose, notice)
    return list(newest.values())


def notice_text(notice: NoticeVersion, language: str) -> NoticeTranslation:
    """Return the notice's words in `language`, else in simplified Chinese."""
    texts = {text.language: text for text in notice.translations.all()}
    return texts.get(language.lower()) or texts[LANGUAGE_FALLBACK]


def borrower_consents(borrower: Borrower, *, now: datetime) -> list[ConsentState]:
    """Return the borrower's own consent state per purpose and scope, latest event first."""
    events = ConsentEvent.objects.filter(
        borrower=borrower, subject=Subject.BORROWER, recorded_at__lte=now
    )
    return _states(events, now)


def contact_consent(contact: EmergencyContact, *, now: datetime) -> ConsentState | None:
    """Return the emergency contact's own answer (accepted or refused), if any."""
    events = ConsentEvent.objects.filter(
        emergency_contact=contact, purpose=ConsentPurpose.EMERGENCY_CONTACT, recorded_at__lte=now
    )
    states = _states(events, now)
    return states[0] if states else None


def in_force(borrower: Borrower, purpose: str, *, now: datetime, scope: str = "") -> bool:
    return any(
        state.in_force and state.purpose == purpose and state.scope == scope
        for state in borrower_consents(borrower, now=now)
    )


def withdrawn(borrower: Borrower, purpose: str, *, now: datetime) -> bool:
    """Return True when the latest word of the borrower on `purpose` was a withdrawal."""
    return any(
        state.withdrawn and state.purpose == purpose
        for state in borrower_consents(borrower, now=now)
    )


def active_emergency_contacts(borrower: Borrower) -> QuerySet[EmergencyContact]:
    return EmergencyContact.objects.filter(borrower=borrower, removed_at__isnull=True).order_by(
        "designated_at", "pk"
    )


def emergency_contacts_of(borrower: Borrower) -> QuerySet[EmergencyContact]:
    """Return every designation of `borrower`, removed ones too, oldest first."""
    return (
        EmergencyContact.objects.filter(borrower=borrower)
        .select_related("recipient")
        .order_by("designated_at", "pk")
    )


# How long after being named a person may still accept; refusing is possible at any time.
INVITATION_DAYS = 30


def can_still_accept(contact: EmergencyContact, *, now: datetime) -> bool:
    """Tell whether the person named by `contact` may still accept being an emergency contact."""
    return contact.removed_at is None and now <= contact.designated_at + timedelta(
        days=INVITATION_DAYS
    )


def designations_of_number(indexes: Sequence[str]) -> QuerySet[EmergencyContact]:
    """Return every time anyone named the number with these blind indexes, oldest first."""
    return EmergencyContact.objects.filter(phone_index__in=indexes).order_by("designated_at", "pk")


def emergency_contact_of(borrower: Borrower, reference: UUID) -> EmergencyContact | None:
    """Return the designation `reference` if it is one of `borrower`'s; None otherwise."""
    return emergency_contacts_of(borrower).filter(reference=reference).first()


def emergency_contact_status(contact: EmergencyContact, *, now: datetime) -> ContactStatus:
    """Return where a designation stands: removed, refused, accepted or invited."""
    if contact.removed_at is not None and contact.removed_at <= now:
        return "removed"
    answer = contact_consent(contact, now=now)
    refused = number_refused(*contact_phone_indexes(contact))
    if refused or (answer is not None and answer.withdrawn):
        return "refused"
    return "accepted" if answer is not None and answer.in_force else "invited"


def consent_history(borrower: Borrower) -> QuerySet[ConsentEvent]:
    """Return every consent event about `borrower` (theirs and their contacts'), oldest first."""
    return (
        ConsentEvent.objects.filter(borrower=borrower)
        .select_related("notice", "emergency_contact")
        .order_by("recorded_at", "pk")
    )


def consent_events_of(borrower: Borrower) -> QuerySet[ConsentEvent]:
    """Return every consent event recorded against `borrower`, in the order made."""
    return ConsentEvent.objects.filter(borrower=borrower).select_related("notice").order_by("pk")


def number_refused(*phone_indexes: str) -> bool:
    """Return True when the person at this number refused to be anyone's emergency contact.

    Pass every index the number may be stored under (`borrowers.models.phone_indexes`, or
    `contact_phone_indexes`): a refusal keeps the index key it was recorded under.
    """
    return NumberRefusal.objects.filter(phone_index__in=phone_indexes).exists()


def contact_phone_indexes(contact: EmergencyContact) -> list[str]:
    """Return every index the contact's number may be stored under, its own index included.

    An erased designation has no number left: its own index is all there is.
    """
    held = phone_indexes(decrypt(contact.phone_encrypted)) if contact.phone_encrypted else []
    return [*held, *([contact.phone_index] if contact.phone_index not in held else [])]


def _states(events: QuerySet[ConsentEvent], now: datetime) -> list[ConsentState]:
    latest: dict[tuple[str, str], ConsentEvent] = {}
    for event in events.select_related("notice").order_by("-recorded_at", "-pk"):
        latest.setdefault((event.purpose, event.scope), event)
    return [
        ConsentState(purpose, scope, event, _grants(event, now))
        for (purpose, scope), event in latest.items()
    ]


def _grants(event: ConsentEvent, now: datetime) -> bool:
    return event.action == Action.GRANT and (event.expires_at is None or event.expires_at > now)


def contact_number(contact: EmergencyContact) -> str:
    """Return the emergency contact's number in full (for the message Tactful sends them)."""
    return decrypt(contact.phone_encrypted)


# (local day, pack, the parts of the key, how many): what the oversight roll-ups store.
DayCounts = list[tuple[date, str, tuple[str, ...], int]]


def withdrawal_counts_per_day(*, start: datetime, end: datetime, zone: tzinfo) -> DayCounts:
    """Count the consents withdrawn in [start, end) per day in `zone`, purpose and subject
    (consent events carry no pack: the pack is empty)."""
    rows = (
        ConsentEvent.objects.filter(
            action=Action.WITHDRAW, recorded_at__gte=start, recorded_at__lt=end
        )
        .annotate(day=TruncDate("recorded_at", tzinfo=zone))
        .values_list("day", "purpose", "subject")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(day, "", (purpose, subject), n) for day, purpose, subject, n in rows]


def withdrawals_between(
    *, start: datetime, end: datetime, purpose: str = ""
) -> QuerySet[ConsentEvent]:
    """Return the consent withdrawals recorded in [start, end), newest first."""
    events = ConsentEvent.objects.filter(
        action=Action.WITHDRAW, recorded_at__gte=start, recorded_at__lt=end
    )
    if purpose:
        events = events.filter(purpose=purpose)
    return events.select_related("borrower").order_by("-recorded_at", "-pk")


def withdrawal_counts(*, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
    """Count the consents withdrawn in [start, end) per purpose and subject, grouped in the
    database (the regulator's monthly report)."""
    rows = (
        ConsentEvent.objects.filter(
            action=Action.WITHDRAW, recorded_at__gte=start, recorded_at__lt=end
        )
        .values_list("purpose", "subject")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(purpose, subject, n) for purpose, subject, n in rows]
