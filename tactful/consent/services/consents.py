"""The borrower's own consents: grants and withdrawals, each an append-only event.

Every change is an event plus an audit event (ids and names of purposes only, no personal
data), and takes effect at the very next gate decision: nothing is cached.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.borrowers.models import Borrower, Language
from tactful.consent import selectors
from tactful.consent.models import (
    Action,
    ConsentChannel,
    ConsentEvent,
    ConsentPurpose,
    EmergencyContact,
    NoticeVersion,
    Subject,
)
from tactful.errors import Conflict, InvalidInput

LANGUAGES = frozenset(language.value for language in Language)
MAX_SCOPE_LENGTH = 120
# The borrower's purposes (the emergency contact's own answer has its own path).
BORROWER_PURPOSES = frozenset(ConsentPurpose) - {ConsentPurpose.EMERGENCY_CONTACT}


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
    notice_version: int | None = None,
    now: datetime | None = None,
) -> ConsentEvent:
    """Record that `borrower` consents to `purpose` after reading its current notice.

    With `notice_version` (the version the person was shown, as an integrator reports it),
    refuse unless it is the current one: a consent to words since replaced is no consent.
    """
    scope = _checked(purpose, language, channel, scope)
    moment = now or timezone.now()
    if expires_at is not None and expires_at <= moment:
        raise InvalidInput({"expires_at": "must be in the future"})
    notice = selectors.current_notice(purpose)
    if notice_version is not None and notice_version != notice.version:
        _shown_notice(purpose, notice_version)  # a version that never was: unknown, not stale
        raise Conflict(
            "stale_notice_version",
            f"version {notice_version} of this notice was replaced by version "
            f"{notice.version}: show the current notice and ask again",
            {"notice_version": f"the current version is {notice.version}"},
        )
    with transaction.atomic():
        return record_consent_event(
            subject=Subject.BORROWER,
            borrower=borrower,
            contact=None,
            purpose=purpose,
            scope=scope,
            action=Action.GRANT,
            language=language,
            channel=channel,
            evidence=evidence,
            expires_at=expires_at,
            actor=actor,
            now=moment,
            notice=notice,
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
    notice_version: int | None = None,
    now: datetime | None = None,
) -> ConsentEvent:
    """Record that `borrower` withdraws `purpose`: as easy as granting (PIPL art. 15).

    An old `notice_version` is no reason to refuse: a withdrawal stops processing whatever
    the words were. The event names the version the person was shown, when it is known.
    """
    scope = _checked(purpose, language, channel, scope)
    notice = (
        selectors.current_notice(purpose)
        if notice_version is None
        else _shown_notice(purpose, notice_version)
    )
    with transaction.atomic():
        return record_consent_event(
            subject=Subject.BORROWER,
            borrower=borrower,
            contact=None,
            purpose=purpose,
            scope=scope,
            action=Action.WITHDRAW,
            language=language,
            channel=channel,
            evidence=evidence,
            expires_at=None,
            actor=actor,
            now=now or timezone.now(),
            notice=notice,
        )


def _shown_notice(purpose: str, version: int) -> NoticeVersion:
    notice = NoticeVersion.objects.filter(purpose=purpose, version=version).first()
    if notice is None:
        raise InvalidInput(
            {"notice_version": "no notice for this purpose has this version"},
            code="unknown_notice_version",
        )
    return notice


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


def record_consent_event(
    *,
    subject: str,
    borrower: Borrower,
    contact: EmergencyContact | None,
    purpose: str,
    scope: str,
    action: str,
    language: str,
    channel: str,
    evidence: Mapping[str, Any],
    expires_at: datetime | None,
    actor: str,
    now: datetime,
    notice: NoticeVersion | None = None,
) -> ConsentEvent:
    """Append one consent event and its audit event; `notice` defaults to the current one."""
    notice = notice or selectors.current_notice(purpose)
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
        evidence=dict(evidence),
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
