"""`/api/v1` consent: integrators record what borrowers agree to, and their emergency contacts.

The lender's own app or call centre asks; Tactful keeps the record. Every event is recorded
with the channel `api` and the integrator's evidence of who the person was, and takes effect
at the very next gate decision, as a portal one does. A withdrawal takes the same fields as
a grant and is never refused for an old notice version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from tactful.api.auth import api_key_of, requires
from tactful.api.consent.schemas import (
    ConsentEventIn,
    ConsentEventOut,
    ConsentEventsOut,
    ConsentsOut,
    ConsentStateOut,
    EmergencyContactIn,
    EmergencyContactOut,
    EmergencyContactsOut,
    NoticeOut,
    NoticesOut,
    TranslationOut,
)
from tactful.api.idempotency import OPENAPI_EXTRA, Outcome, run_idempotently
from tactful.api.keys import actor_of
from tactful.api.schemas import ExternalIdInPath, error_responses
from tactful.borrowers.models import Borrower
from tactful.borrowers.selectors import borrower_by_external_id
from tactful.consent import selectors, services
from tactful.consent.models import (
    ConsentChannel,
    ConsentEvent,
    EmergencyContact,
    NoticeVersion,
)
from tactful.errors import InvalidInput, NotFound

router = Router()

_READ = error_responses()
_WRITE = error_responses(400, 409)


@router.get(
    "/consent/notices",
    auth=requires("consent:read"),
    response={200: NoticesOut, **_READ},
    operation_id="getConsentNotices",
    summary="The current notice of every purpose, in every language",
    description="Scope `consent:read`. Show these exact words before asking for consent.",
)
def get_notices(request: HttpRequest) -> NoticesOut:
    return NoticesOut(notices=[_notice_out(notice) for notice in selectors.current_notices()])


@router.get(
    "/borrowers/{external_id}/consents",
    auth=requires("consent:read"),
    response={200: ConsentsOut, **_READ},
    operation_id="getBorrowerConsents",
    summary="A borrower's consents: the latest word per purpose and scope",
    description="Scope `consent:read`. Derived from the events at the time of the request.",
)
def get_consents(request: HttpRequest, external_id: ExternalIdInPath) -> ConsentsOut:
    borrower = _borrower(external_id)
    states = selectors.borrower_consents(borrower, now=timezone.now())
    return ConsentsOut(
        borrower_external_id=borrower.external_id,
        consents=[_state_out(state) for state in states],
    )


@router.get(
    "/borrowers/{external_id}/consent-events",
    auth=requires("consent:read"),
    response={200: ConsentEventsOut, **_READ},
    operation_id="getBorrowerConsentEvents",
    summary="Every consent event about a borrower, oldest first",
    description=(
        "Scope `consent:read`. Append-only: the borrower's grants and withdrawals and their "
        "emergency contacts' answers, from every channel."
    ),
)
def get_consent_events(request: HttpRequest, external_id: ExternalIdInPath) -> ConsentEventsOut:
    borrower = _borrower(external_id)
    return ConsentEventsOut(
        borrower_external_id=borrower.external_id,
        events=[_event_out(event) for event in selectors.consent_history(borrower)],
    )


@router.post(
    "/borrowers/{external_id}/consent-events",
    auth=requires("consent:write"),
    response={201: ConsentEventOut, **_WRITE},
    operation_id="postBorrowerConsentEvent",
    summary="Record that a borrower gave or withdrew a consent",
    description=(
        "Scope `consent:write`; needs an `Idempotency-Key`. Recorded with channel `api`; "
        "takes effect at the very next permit decision. 409 `stale_notice_version`, 422 "
        "`unknown_notice_version`."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_consent_event(
    request: HttpRequest, external_id: ExternalIdInPath, body: ConsentEventIn
) -> HttpResponse:
    borrower = _borrower(external_id)
    _ensure_fits_action(body)
    api_key = api_key_of(request)

    def effect() -> Outcome:
        event = _record_consent(borrower, body, actor_of(api_key))
        return Outcome(201, _event_out(event).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.get(
    "/borrowers/{external_id}/emergency-contacts",
    auth=requires("consent:read"),
    response={200: EmergencyContactsOut, **_READ},
    operation_id="getEmergencyContacts",
    summary="A borrower's emergency contacts, numbers masked, and where each stands",
    description="Scope `consent:read`. Removed designations are listed too.",
)
def get_emergency_contacts(
    request: HttpRequest, external_id: ExternalIdInPath
) -> EmergencyContactsOut:
    borrower = _borrower(external_id)
    now = timezone.now()
    return EmergencyContactsOut(
        borrower_external_id=borrower.external_id,
        emergency_contacts=[
            _contact_out(contact, now) for contact in selectors.emergency_contacts_of(borrower)
        ],
    )


@router.post(
    "/borrowers/{external_id}/emergency-contacts",
    auth=requires("consent:write"),
    response={201: EmergencyContactOut, **_WRITE},
    operation_id="postEmergencyContact",
    summary="Name an emergency contact; the person is invited to accept or refuse",
    description=(
        "Scope `consent:write`; needs an `Idempotency-Key`. Nothing is stored on 422 "
        "`invalid_phone`, `own_number`, or 409 `already_designated`, `number_refused`, "
        "`too_many_emergency_contacts`."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_emergency_contact(
    request: HttpRequest, external_id: ExternalIdInPath, body: EmergencyContactIn
) -> HttpResponse:
    borrower = _borrower(external_id)
    api_key = api_key_of(request)

    def effect() -> Outcome:
        contact = services.designate_emergency_contact(
            borrower=borrower,
            phone=body.phone,
            default_region=body.phone_region,
            relationship=body.relationship,
            language=body.language,
            name=body.name or "",
            channel=ConsentChannel.API,
            evidence=body.evidence.model_dump(),
            actor=actor_of(api_key),
        )
        fresh = selectors.emergency_contacts_of(borrower).get(pk=contact.pk)
        return Outcome(201, _contact_out(fresh, timezone.now()).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.delete(
    "/borrowers/{external_id}/emergency-contacts/{reference}",
    auth=requires("consent:write"),
    response={200: EmergencyContactOut, **_WRITE},
    operation_id="deleteEmergencyContact",
    summary="Remove an emergency contact; contact with them stops at the next decision",
    description=(
        "Scope `consent:write`; needs an `Idempotency-Key`. The designation stays on record "
        "with status `removed`. 409 `already_removed`."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def delete_emergency_contact(
    request: HttpRequest, external_id: ExternalIdInPath, reference: UUID
) -> HttpResponse:
    borrower = _borrower(external_id)
    contact = selectors.emergency_contact_of(borrower, reference)
    if contact is None:
        raise NotFound("emergency_contact_not_found", "this borrower has no such emergency contact")
    api_key = api_key_of(request)

    def effect() -> Outcome:
        services.remove_emergency_contact(contact=contact, actor=actor_of(api_key))
        return Outcome(200, _contact_out(contact, timezone.now()).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


def _borrower(external_id: str) -> Borrower:
    borrower = borrower_by_external_id(external_id)
    if borrower is None:
        raise NotFound("borrower_not_found", "no borrower has this external_id")
    return borrower


def _ensure_fits_action(body: ConsentEventIn) -> None:
    if body.action == "grant" and body.notice_version is None:
        raise InvalidInput(
            {"notice_version": "required to grant: the version the person was shown"}
        )
    if body.action == "withdraw" and body.expires_at is not None:
        raise InvalidInput({"expires_at": "only a grant expires"})


def _record_consent(borrower: Borrower, body: ConsentEventIn, actor: str) -> ConsentEvent:
    evidence = body.evidence.model_dump()
    if body.action == "grant":
        return services.grant_consent(
            borrower=borrower,
            purpose=body.purpose,
            language=body.language,
            channel=ConsentChannel.API,
            evidence=evidence,
            actor=actor,
            scope=body.scope or "",
            expires_at=body.expires_at,
            notice_version=body.notice_version,
        )
    return services.withdraw_consent(
        borrower=borrower,
        purpose=body.purpose,
        language=body.language,
        channel=ConsentChannel.API,
        evidence=evidence,
        actor=actor,
        scope=body.scope or "",
        notice_version=body.notice_version,
    )


def _notice_out(notice: NoticeVersion) -> NoticeOut:
    return NoticeOut(
        purpose=notice.purpose,
        version=notice.version,
        published_at=notice.published_at,
        translations=[
            TranslationOut(language=text.language, title=text.title, text=text.text)
            for text in sorted(notice.translations.all(), key=lambda text: text.language)
        ],
    )


def _event_out(event: ConsentEvent) -> ConsentEventOut:
    contact = event.emergency_contact
    return ConsentEventOut(
        reference=event.reference,
        subject=event.subject,  # type: ignore[arg-type]
        emergency_contact=contact.reference if contact is not None else None,
        purpose=event.purpose,
        scope=event.scope,
        action=event.action,  # type: ignore[arg-type]
        notice_version=event.notice.version,
        language=event.language,
        channel=event.channel,
        evidence=dict(event.evidence),
        recorded_at=event.recorded_at,
        expires_at=event.expires_at,
    )


def _state_out(state: selectors.ConsentState) -> ConsentStateOut:
    event = state.latest
    status: Literal["given", "withdrawn", "expired"] = (
        "withdrawn" if state.withdrawn else "given" if state.in_force else "expired"
    )
    return ConsentStateOut(
        purpose=state.purpose,
        scope=state.scope,
        in_force=state.in_force,
        status=status,
        notice_version=event.notice.version,
        language=event.language,
        channel=event.channel,
        recorded_at=event.recorded_at,
        expires_at=event.expires_at,
        event=event.reference,
    )


def _contact_out(contact: EmergencyContact, now: datetime) -> EmergencyContactOut:
    recipient = getattr(contact, "recipient", None)
    return EmergencyContactOut(
        reference=contact.reference,
        recipient_id=recipient.public_id if recipient is not None else None,
        phone_masked=contact.phone_masked,
        relationship=contact.relationship,
        language=contact.language,
        status=selectors.emergency_contact_status(contact, now=now),
        designated_at=contact.designated_at,
        removed_at=contact.removed_at,
    )
