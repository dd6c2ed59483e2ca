"""A borrower's rights (PIPL arts. 44-47): download, correct, erase; and the purge.

Requests are append-only (`RightsRequest`), their status derived from append-only
`RightsRequestEvent` rows; every step is an audit event without personal values.

Erasure happens in two steps. At once: what no law asks us to keep, i.e. the names and
numbers of the borrower's emergency contacts (their designations end). The stated time
zone stays until the purge: it is what keeps every contact inside the borrower's daytime
hours, and dropping it once switched a borrower in Shanghai to the zone of a +1 number
(calls at night). Later, by `purge_expired_records`: what a regulator
may ask about (loans and their ledger, contact attempts, consents, rights requests) once
the pack's retention period has run from the end of the relationship. Rows that are
append-only are anonymised (their personal columns blanked), never deleted; audit events
are never touched, so the chain stays intact. Each app blanks its own rows.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.borrowers import services as borrowers
from tactful.borrowers.models import CORRECTABLE_FIELDS, Borrower
from tactful.consent import services as consent
from tactful.contacts import services as contacts
from tactful.errors import Conflict, InvalidInput
from tactful.loans import services as loans
from tactful.privacy.crypto import encrypt
from tactful.rights.models import RightsKind, RightsRequest, RightsRequestEvent, RightsStatus
from tactful.rights.selectors import erasures_waiting, pending_erasure, retention_of, status_of

MAX_VALUE_LENGTH = 200
MAX_NOTE_LENGTH = 1000
ERASED = "erased"


def record_export(
    *, borrower: Borrower, now: datetime | None = None, actor: str | None = None
) -> RightsRequest:
    """Record that the borrower's data was downloaded: a request completed at once.

    `actor` is who passed the request on (an API key, for the lender's own app); by
    default the borrower, in the portal.
    """
    moment = now or timezone.now()
    requester = actor or _actor(borrower)
    with transaction.atomic():
        request = _new_request(borrower, RightsKind.EXPORT, moment, requester)
        step(request, RightsStatus.COMPLETED, requester, moment)
    return request


def request_correction(
    *,
    borrower: Borrower,
    field: str,
    value: str,
    note: str = "",
    now: datetime | None = None,
    actor: str | None = None,
    evidence: dict[str, str] | None = None,
) -> RightsRequest:
    """Record a correction request for staff to act on; bad input stores nothing.

    `actor` and `evidence` are for a request passed on by the lender: who passed it on, and
    how the lender identified the borrower (a fixed shape, never personal data).
    """
    value, note = value.strip(), note.strip()
    _check_correction(field, value, note)
    moment = now or timezone.now()
    requester = actor or _actor(borrower)
    with transaction.atomic():
        request = _new_request(
            borrower,
            RightsKind.CORRECTION,
            moment,
            requester,
            evidence=evidence,
            field=field,
            value_encrypted=encrypt(value),
            note_encrypted=encrypt(note) if note else "",
        )
        step(request, RightsStatus.RECEIVED, requester, moment)
    return request


def _check_correction(field: str, value: str, note: str) -> None:
    errors: dict[str, str] = {}
    if field not in CORRECTABLE_FIELDS:
        errors["field"] = f"one of {', '.join(CORRECTABLE_FIELDS)}"
    if not value:
        errors["value"] = "give the corrected value"
    elif len(value) > MAX_VALUE_LENGTH:
        errors["value"] = f"at most {MAX_VALUE_LENGTH} characters"
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = f"at most {MAX_NOTE_LENGTH} characters"
    if errors:
        raise InvalidInput(errors)


def request_erasure(
    *,
    borrower: Borrower,
    now: datetime | None = None,
    actor: str | None = None,
    evidence: dict[str, str] | None = None,
) -> RightsRequest:
    """Erase at once what is not under retention and schedule the rest for the purge.

    `actor` and `evidence` as for `request_correction`.
    """
    moment = now or timezone.now()
    if pending_erasure(borrower) is not None:
        raise Conflict("erasure_pending", "an erasure request is already in progress")
    requester = actor or _actor(borrower)
    with transaction.atomic():
        request = _new_request(borrower, RightsKind.ERASURE, moment, requester, evidence=evidence)
        step(request, RightsStatus.RECEIVED, requester, moment)
        consent.erase_emergency_contacts(borrower=borrower, now=moment)
        step(request, RightsStatus.PARTLY_ERASED, requester, moment)
    return request


def purge_expired_records(*, now: datetime | None = None) -> int:
    """Anonymise the records of borrowers who asked for erasure once retention has ended.

    Return how many borrowers were purged. Audit events are never touched.
    """
    moment = now or timezone.now()
    purged = 0
    for request in erasures_waiting():
        if request.borrower is None or status_of(request) != RightsStatus.PARTLY_ERASED:
            continue
        retention = retention_of(request.borrower, today=moment.date())
        if retention.until is None or retention.until > moment.date():
            continue
        with transaction.atomic():
            _anonymise(request.borrower)
            step(request, RightsStatus.COMPLETED, "purge", moment)
        purged += 1
    return purged


def _anonymise(borrower: Borrower) -> None:
    # Append-only rows get their personal columns blanked by queryset updates, which
    # their save() guard does not cover on purpose: the rows and their ids stay.
    contacts.erase_message_texts(borrower=borrower)
    RightsRequest.objects.filter(borrower=borrower).update(value_encrypted="", note_encrypted="")
    consent.forget_masked_numbers(borrower=borrower)
    loans.anonymise_loans(borrower=borrower, erased=ERASED)
    borrowers.anonymise_borrower(borrower=borrower, label=f"{ERASED}:{borrower.reference}")


def _new_request(
    borrower: Borrower,
    kind: str,
    moment: datetime,
    requester: str,
    *,
    evidence: dict[str, str] | None = None,
    **details: str,
) -> RightsRequest:
    return RightsRequest.objects.create(
        borrower=borrower,
        kind=kind,
        requested_at=moment,
        requested_by=requester,
        evidence=evidence or {},
        **details,
    )


def step(
    request: RightsRequest, status: str, actor: str, moment: datetime, *, reason: str = ""
) -> RightsRequestEvent:
    """Append a step to `request`, and its audit event (kind, status and field: no values).

    A rejection's `reason` is staff's own words for the requester: kept on the event only,
    never in the audit payload or a log.
    """
    event = RightsRequestEvent.objects.create(
        request=request, status=status, recorded_at=moment, recorded_by=actor, reason=reason
    )
    payload = {"kind": request.kind, "status": status, "field": request.field}
    if request.subject != "borrower":
        payload = {"kind": request.kind, "status": status, "subject": request.subject}
    record_event(
        actor=actor, action=f"rights.{status}", target=request, payload=payload, occurred_at=moment
    )
    return event


def _actor(borrower: Borrower) -> str:
    return f"borrower:{borrower.pk}"
