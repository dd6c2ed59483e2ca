"""Data-subject rights of a borrower (PIPL arts. 44-47): see, export, correct, erase.

Requests are append-only (`RightsRequest`), their status derived from append-only
`RightsRequestEvent` rows; every step is an audit event without personal values.

Erasure happens in two steps. At once: what no law asks us to keep, i.e. the names and
numbers of the borrower's emergency contacts (their designations end) and the borrower's
optional data (the stated time zone). Later, by `purge_expired_records`: what a regulator
may ask about (loans and their ledger, contact attempts, consents, rights requests) once
the pack's retention period has run from the end of the relationship. Rows that are
append-only are anonymised (their personal columns blanked), never deleted; audit events
are never touched, so the chain stays intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.borrowers.models import Borrower, Language
from tactful.consent import evidence, selectors
from tactful.consent.models import (
    EmergencyContact,
    RightsKind,
    RightsRequest,
    RightsRequestEvent,
    RightsStatus,
)
from tactful.consent.policy import privacy_terms
from tactful.contacts.models import ContactAttempt
from tactful.errors import Conflict, InvalidInput
from tactful.loans.models import LedgerEntry, Loan
from tactful.loans.selectors import loan_status
from tactful.privacy.crypto import decrypt, encrypt

CORRECTABLE_FIELDS = ("name", "national_id", "phone", "address", "language", "time_zone")
MAX_VALUE_LENGTH = 200
MAX_NOTE_LENGTH = 1000
ERASED = "erased"


# --- what we hold -------------------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    """How long the borrower's regulated records are kept, and on what basis.

    `until` is None while a loan is still outstanding: the period has not started yet.
    """

    years: int
    basis: str
    until: date | None


def masked_national_id(national_id: str) -> str:
    """Hide all but the last four characters of an ID number."""
    if len(national_id) <= 4:
        return "*" * len(national_id)
    return "*" * (len(national_id) - 4) + national_id[-4:]


def holdings_of(borrower: Borrower, *, now: datetime) -> dict[str, Any]:
    """Return what Tactful holds about `borrower`, as the rights page shows it."""
    return {
        "name": borrower.name,
        "national_id": masked_national_id(borrower.national_id),
        "numbers": [number.e164 for number in borrower.phone_numbers.order_by("pk")],
        "address": borrower.address,
        "language": Language(borrower.preferred_language).label,
        "time_zone": borrower.time_zone or "",
        "loans": list(borrower.loans.order_by("disbursed_on", "pk")),
        "consents": [s for s in selectors.borrower_consents(borrower, now=now) if s.in_force],
        "contacts": list(selectors.active_emergency_contacts(borrower)),
        "attempts": ContactAttempt.objects.filter(recipient__borrower=borrower).count(),
    }


def export_of(borrower: Borrower, *, now: datetime) -> dict[str, Any]:
    """Return everything held about `borrower`, decrypted, as one JSON object."""
    return {
        "format": "tactful.data-export/1",
        "generated_at": now.isoformat(),
        "borrower": _person_json(borrower),
        "loans": [_loan_json(loan) for loan in borrower.loans.order_by("pk")],
        "consent_events": [_consent_json(e) for e in borrower.consent_events.order_by("pk")],
        "emergency_contacts": [
            _contact_json(c) for c in borrower.emergency_contacts.order_by("pk")
        ],
        "contact_ledger": evidence.ledger_json(borrower, now=now)["entries"],
        "rights_requests": [
            _request_json(r) for r in borrower.rights_requests.order_by("requested_at", "pk")
        ],
    }


def _person_json(borrower: Borrower) -> dict[str, Any]:
    return {
        "external_id": borrower.external_id,
        "name": borrower.name,
        "id_country": borrower.id_country,
        "national_id": borrower.national_id,
        "phone_numbers": [number.e164 for number in borrower.phone_numbers.order_by("pk")],
        "address": borrower.address,
        "preferred_language": borrower.preferred_language,
        "time_zone": borrower.time_zone,
        "created_at": borrower.created_at.isoformat(),
    }


def _loan_json(loan: Loan) -> dict[str, Any]:
    return {
        "external_id": loan.external_id,
        "product": loan.product,
        "principal": str(loan.principal),
        "currency": loan.currency,
        "annual_rate": str(loan.annual_rate),
        "term_months": loan.term_months,
        "disbursed_on": loan.disbursed_on.isoformat(),
        "entries": [
            {"kind": e.kind, "value_date": e.value_date.isoformat(), "amount": str(e.amount)}
            for e in loan.entries.order_by("pk")
        ],
    }


def _consent_json(event: Any) -> dict[str, Any]:
    return {
        "purpose": event.purpose,
        "scope": event.scope,
        "action": event.action,
        "subject": event.subject,
        "notice_version": event.notice.version,
        "language": event.language,
        "channel": event.channel,
        "recorded_at": event.recorded_at.isoformat(),
    }


def _contact_json(contact: EmergencyContact) -> dict[str, Any]:
    return {
        "relationship": contact.relationship,
        "name": _clear(contact.name_encrypted),
        "phone": _clear(contact.phone_encrypted),
        "designated_at": contact.designated_at.isoformat(),
        "removed_at": contact.removed_at.isoformat() if contact.removed_at else None,
    }


def _request_json(request: RightsRequest) -> dict[str, Any]:
    return {
        "kind": request.kind,
        "field": request.field,
        "value": _clear(request.value_encrypted),
        "note": _clear(request.note_encrypted),
        "requested_at": request.requested_at.isoformat(),
        "status": status_of(request),
    }


def _clear(stored: str) -> str:
    return decrypt(stored) if stored else ""


def status_of(request: RightsRequest) -> str:
    """Return the request's status: that of its latest event."""
    latest = request.events.order_by("-recorded_at", "-pk").first()
    return latest.status if latest else RightsStatus.RECEIVED


def requests_of(borrower: Borrower) -> list[tuple[RightsRequest, str]]:
    """Return the borrower's requests, newest first, each with its status label."""
    requests = borrower.rights_requests.order_by("-requested_at", "-pk")
    return [(request, str(RightsStatus(status_of(request)).label)) for request in requests]


def retention_of(borrower: Borrower, *, today: date) -> Retention:
    """Say until when the regulated records are kept: the pack's years after the last activity.

    The last activity is the latest of a loan's disbursement or ledger entry and a contact
    attempt (else the borrower's creation); while any loan is outstanding it has not started.
    """
    terms = privacy_terms()
    loans = list(borrower.loans.all())
    if any(loan_status(loan, as_of=today).outstanding > 0 for loan in loans):
        return Retention(terms.retention_years, terms.retention_basis, None)
    # Someone with no loan and no contact: the relationship ended when it began.
    last = _last_activity(borrower, loans) or borrower.created_at.date()
    return Retention(terms.retention_years, terms.retention_basis, _years_after(last, terms))


def _last_activity(borrower: Borrower, loans: list[Loan]) -> date | None:
    dates = [loan.disbursed_on for loan in loans]
    entry = LedgerEntry.objects.filter(loan__in=loans).aggregate(last=Max("value_date"))["last"]
    attempt = ContactAttempt.objects.filter(recipient__borrower=borrower).aggregate(
        last=Max("requested_at")
    )["last"]
    dates += [entry] if entry else []
    dates += [attempt.date()] if attempt else []
    return max(dates) if dates else None


def _years_after(day: date, terms: Any) -> date:
    years = int(terms.retention_years)
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


# --- requests -----------------------------------------------------------------------------


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
        _step(request, RightsStatus.COMPLETED, requester, moment)
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
        _step(request, RightsStatus.RECEIVED, requester, moment)
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
    if _pending_erasure(borrower) is not None:
        raise Conflict("erasure_pending", "an erasure request is already in progress")
    requester = actor or _actor(borrower)
    with transaction.atomic():
        request = _new_request(borrower, RightsKind.ERASURE, moment, requester, evidence=evidence)
        _step(request, RightsStatus.RECEIVED, requester, moment)
        _erase_unretained(borrower, moment)
        _step(request, RightsStatus.PARTLY_ERASED, requester, moment)
    return request


def _pending_erasure(borrower: Borrower) -> RightsRequest | None:
    for request in borrower.rights_requests.filter(kind=RightsKind.ERASURE):
        if status_of(request) == RightsStatus.PARTLY_ERASED:
            return request
    return None


def _erase_unretained(borrower: Borrower, moment: datetime) -> None:
    # Emergency contacts are other people: their names and numbers are not the lender's
    # records of the loan, so they go now. The blind index stays: it enforces refusals.
    EmergencyContact.objects.filter(borrower=borrower, removed_at__isnull=True).update(
        removed_at=moment
    )
    EmergencyContact.objects.filter(borrower=borrower).update(name_encrypted="", phone_encrypted="")
    if borrower.timezone_override:
        borrower.timezone_override = ""
        borrower.save(update_fields=["timezone_override", "updated_at"])


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


def _step(request: RightsRequest, status: str, actor: str, moment: datetime) -> None:
    RightsRequestEvent.objects.create(
        request=request, status=status, recorded_at=moment, recorded_by=actor
    )
    payload = {"kind": request.kind, "status": status, "field": request.field}
    record_event(
        actor=actor, action=f"rights.{status}", target=request, payload=payload, occurred_at=moment
    )


def _actor(borrower: Borrower) -> str:
    return f"borrower:{borrower.pk}"


# --- the purge ----------------------------------------------------------------------------


def purge_expired_records(*, now: datetime | None = None) -> int:
    """Anonymise the records of borrowers who asked for erasure once retention has ended.

    Return how many borrowers were purged. Audit events are never touched.
    """
    moment = now or timezone.now()
    purged = 0
    erasures = RightsRequest.objects.filter(kind=RightsKind.ERASURE, borrower__isnull=False)
    for request in erasures.select_related("borrower"):
        if request.borrower is None or status_of(request) != RightsStatus.PARTLY_ERASED:
            continue
        retention = retention_of(request.borrower, today=moment.date())
        if retention.until is None or retention.until > moment.date():
            continue
        with transaction.atomic():
            _anonymise(request.borrower)
            _step(request, RightsStatus.COMPLETED, "purge", moment)
        purged += 1
    return purged


def _anonymise(borrower: Borrower) -> None:
    # Append-only rows get their personal columns blanked by a queryset update, which
    # their save() guard does not cover on purpose: the rows and their ids stay.
    label = f"{ERASED}:{borrower.reference}"
    ContactAttempt.objects.filter(recipient__borrower=borrower).update(content=None)
    RightsRequest.objects.filter(borrower=borrower).update(value_encrypted="", note_encrypted="")
    EmergencyContact.objects.filter(borrower=borrower).update(phone_masked="")
    for loan in borrower.loans.all():
        Loan.objects.filter(pk=loan.pk).update(external_id=f"{ERASED}:{loan.reference}")
    borrower.phone_numbers.all().delete()
    borrower.external_id, borrower.name, borrower.national_id = label, "", ""
    borrower.timezone_override = borrower.address = ""
    borrower.save()
