"""Read paths of consent: notices, the consent in force (derived), emergency contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from tactful.borrowers.models import Borrower
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

LANGUAGE_FALLBACK = "zh-hans"


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


def number_refused(phone_index: str) -> bool:
    """Return True when the person at this number refused to be anyone's emergency contact."""
    return NumberRefusal.objects.filter(phone_index=phone_index).exists()


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
