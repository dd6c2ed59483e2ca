"""Read paths of data-subject rights: what is held about a person, their requests, the desk.

* A borrower: what Tactful holds (`holdings_of`), everything in clear (`export_of`), their
  requests and answers, and how long regulated records are kept (`retention_of`).
* A third party: what Tactful holds about a number (`holdings_of_number`), never whose.
* The rights desk: the requests waiting for an answer with their age and deadline
  (`RESPONSE_DAYS` from receipt), erasures in progress, recent answers; values masked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDay
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tactful.audit.documents import signed
from tactful.borrowers.models import Borrower, Language
from tactful.borrowers.selectors import correctable_value, numbers_of
from tactful.complaints.deadlines import Standing, standing
from tactful.consent import selectors as consent
from tactful.consent.models import EmergencyContact, Relationship
from tactful.consent.policy import privacy_terms
from tactful.contacts import selectors as contacts
from tactful.contacts.evidence import contact_record_json
from tactful.contacts.models import ContactAttempt
from tactful.contacts.packs import pack_time_zone
from tactful.contacts.vocabulary import OUTCOME_LABELS
from tactful.loans.models import Loan
from tactful.loans.selectors import last_entry_date, ledger_entries, loan_status, loans_of_borrower
from tactful.privacy.crypto import decrypt
from tactful.privacy.masking import mask_address, mask_national_id, mask_phone
from tactful.rights.models import RightsKind, RightsRequest, RightsRequestEvent, RightsStatus
from tactful.rights.wording import retention_basis_words

# PIPL art. 50 asks for a prompt answer without naming a period, and no rule pack sets one:
# Tactful answers within 15 days, the strictest period it keeps for complaints.
RESPONSE_DAYS = 15
RECENT_DAYS = 30
DESK_KINDS = (RightsKind.CORRECTION, RightsKind.ERASURE, RightsKind.STOP_CONTACT)
NOT_PERSONAL_FIELDS = frozenset({"language", "time_zone"})
_MASK = "****"
_STANDING_LABELS = {
    Standing.ON_TIME: gettext_lazy("In time"),
    Standing.DUE_SOON: gettext_lazy("Due soon"),
    Standing.OVERDUE: gettext_lazy("Late"),
}


# --- what is held about a borrower ---------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    """How long the borrower's regulated records are kept, and on what basis.

    `until` is None while a loan is still outstanding: the period has not started yet.
    """

    years: int
    basis: str
    until: date | None

    @property
    def basis_in_words(self) -> str:
        """Return the law behind the period in the reader's language."""
        return retention_basis_words(settings.GATE_PACK, self.basis)


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
        "numbers": [number.e164 for number in numbers_of(borrower)],
        "address": borrower.address,
        "language": Language(borrower.preferred_language).label,
        "time_zone": borrower.time_zone or "",
        "loans": list(loans_of_borrower(borrower.pk).order_by("disbursed_on", "pk")),
        "consents": [s for s in consent.borrower_consents(borrower, now=now) if s.in_force],
        "contacts": list(consent.active_emergency_contacts(borrower)),
        "attempts": contacts.attempts_about(borrower).count(),
    }


def export_of(borrower: Borrower, *, now: datetime) -> dict[str, Any]:
    """Return everything held about `borrower`, decrypted, as one signed JSON object."""
    document = {
        "format": "tactful.data-export/1",
        "generated_at": now.isoformat(),
        "borrower": _person_json(borrower),
        "loans": [_loan_json(loan) for loan in loans_of_borrower(borrower.pk).order_by("pk")],
        "consent_events": [_consent_json(e) for e in consent.consent_events_of(borrower)],
        "emergency_contacts": [
            _contact_json(c) for c in consent.emergency_contacts_of(borrower).order_by("pk")
        ],
        "contact_ledger": contact_record_json(borrower, now=now)["entries"],
        "rights_requests": [
            _request_json(r) for r in borrower.rights_requests.order_by("requested_at", "pk")
        ],
    }
    return signed(document, settings.AUDIT_KEYS)


def _person_json(borrower: Borrower) -> dict[str, Any]:
    return {
        "external_id": borrower.external_id,
        "name": borrower.name,
        "id_country": borrower.id_country,
        "national_id": borrower.national_id,
        "phone_numbers": [number.e164 for number in numbers_of(borrower)],
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
            for e in ledger_entries(loan).order_by("pk")
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


def retention_of(borrower: Borrower, *, today: date) -> Retention:
    """Say until when the regulated records are kept: the pack's years after the last activity.

    The last activity is the latest of a loan's disbursement or ledger entry and a contact
    attempt (else the borrower's creation); while any loan is outstanding it has not started.
    """
    terms = privacy_terms()
    loans = list(loans_of_borrower(borrower.pk))
    if any(loan_status(loan, as_of=today).outstanding > 0 for loan in loans):
        return Retention(terms.retention_years, terms.retention_basis, None)
    # Someone with no loan and no contact: the relationship ended when it began.
    last = _last_activity(borrower, loans) or borrower.created_at.date()
    return Retention(terms.retention_years, terms.retention_basis, _years_after(last, terms))


def _last_activity(borrower: Borrower, loans: list[Loan]) -> date | None:
    dates = [loan.disbursed_on for loan in loans]
    entry = last_entry_date(loans)
    attempt = contacts.last_attempt_at(borrower)
    dates += [entry] if entry else []
    dates += [attempt.date()] if attempt else []
    return max(dates) if dates else None


def _years_after(day: date, terms: Any) -> date:
    years = int(terms.retention_years)
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


# --- requests and their answers ------------------------------------------------------------


def status_of(request: RightsRequest) -> str:
    """Return the request's status: that of its latest event."""
    latest = request.events.order_by("-recorded_at", "-pk").first()
    return latest.status if latest else RightsStatus.RECEIVED


def requests_of(borrower: Borrower) -> list[tuple[RightsRequest, str]]:
    """Return the borrower's requests, newest first, each with its status label."""
    requests = borrower.rights_requests.order_by("-requested_at", "-pk")
    return [(request, str(RightsStatus(status_of(request)).label)) for request in requests]


def pending_erasure(borrower: Borrower) -> RightsRequest | None:
    """Return the borrower's erasure that waits for retention to end, if there is one."""
    for request in borrower.rights_requests.filter(kind=RightsKind.ERASURE):
        if status_of(request) == RightsStatus.PARTLY_ERASED:
            return request
    return None


def erasures_waiting() -> QuerySet[RightsRequest]:
    """Return the borrowers' erasure requests, for the purge to look at."""
    return RightsRequest.objects.filter(
        kind=RightsKind.ERASURE, borrower__isnull=False
    ).select_related("borrower")


@dataclass(frozen=True)
class Answer:
    """A request as its borrower reads it on the rights page."""

    request: RightsRequest
    status: str
    reason: str

    @property
    def status_label(self) -> str:
        return str(RightsStatus(self.status).label)


def answers_of(borrower: Borrower) -> list[Answer]:
    """Return the borrower's requests, newest first, each with its status and any reason."""
    answers = []
    requests = borrower.rights_requests.prefetch_related("events")
    for request in requests.order_by("-requested_at", "-pk"):
        events = sorted(request.events.all(), key=lambda event: (event.recorded_at, event.pk))
        latest = events[-1] if events else None
        status = latest.status if latest else RightsStatus.RECEIVED
        answers.append(Answer(request, status, latest.reason if latest else ""))
    return answers


# --- what is held about a number -----------------------------------------------------------


@dataclass(frozen=True)
class Designation:
    """One time someone named this number as an emergency contact, without who or why."""

    reference: UUID
    relationship: str
    status: str
    designated_at: datetime
    awaiting_answer: bool
    can_accept: bool
    can_refuse: bool


@dataclass(frozen=True)
class Contact:
    """One message or call to this number: when, how, and how it ended."""

    when: datetime
    channel: str
    outcome: str


@dataclass(frozen=True)
class NumberHoldings:
    designations: list[Designation]
    contacts: list[Contact]
    refused: bool
    # The zone the person reads times in: the one their number was named with, else the
    # pack's own. Times are stored in UTC and always shown in this zone, named.
    time_zone: str


def holdings_of_number(*, indexes: Sequence[str], now: datetime | None = None) -> NumberHoldings:
    """Return what Tactful holds about the number with the blind indexes `indexes`.

    Never the borrower's identity, the loan, an amount or a message's words.
    """
    moment = now or timezone.now()
    named = list(consent.designations_of_number(indexes))
    return NumberHoldings(
        designations=[_designation(contact, moment) for contact in named],
        contacts=[_contact(attempt) for attempt in contacts.permitted_attempts_to_number(indexes)],
        refused=consent.number_refused(*indexes),
        time_zone=_reader_zone(named),
    )


def export_of_number(*, indexes: Sequence[str], now: datetime) -> dict[str, Any]:
    """Return what is held about the number, signed: the same as the page, and the name a
    borrower gave for them. Never who named them, a loan, an amount or a message's words."""
    named = list(consent.designations_of_number(indexes))
    document = {
        "format": "tactful.number-export/1",
        "generated_at": now.isoformat(),
        "named_as_emergency_contact": [
            {
                "designated_at": contact.designated_at.isoformat(),
                "relationship": contact.relationship,
                "name_given": _clear(contact.name_encrypted),
                "status": _designation_status(contact, now),
                "ended_at": contact.removed_at.isoformat() if contact.removed_at else None,
            }
            for contact in named
        ],
        "contacts": [
            {
                "at": attempt.requested_at.isoformat(),
                "channel": attempt.channel,
                "outcome": getattr(getattr(attempt, "outcome", None), "outcome", None),
            }
            for attempt in contacts.permitted_attempts_to_number(indexes)
        ],
        "refused_to_be_an_emergency_contact": consent.number_refused(*indexes),
        "rights_requests": [
            _request_json(request)
            for request in RightsRequest.objects.filter(phone_index__in=indexes).order_by(
                "requested_at", "pk"
            )
        ],
    }
    return signed(document, settings.AUDIT_KEYS)


def _reader_zone(named: list[EmergencyContact]) -> str:
    zones = [contact.time_zone for contact in reversed(named) if contact.time_zone]
    return zones[0] if zones else pack_time_zone(settings.GATE_PACK).key


def _designation(contact: EmergencyContact, moment: datetime) -> Designation:
    answer = consent.contact_consent(contact, now=moment)
    awaiting = contact.removed_at is None and answer is None
    accepted = contact.removed_at is None and answer is not None and answer.in_force
    return Designation(
        reference=contact.reference,
        relationship=str(Relationship(contact.relationship).label),
        status=_designation_status(contact, moment),
        designated_at=contact.designated_at,
        awaiting_answer=awaiting,
        can_accept=awaiting and consent.can_still_accept(contact, now=moment),
        can_refuse=awaiting or accepted,
    )


def _designation_status(contact: EmergencyContact, moment: datetime) -> str:
    if contact.removed_at is not None:
        return gettext("Ended")
    answer = consent.contact_consent(contact, now=moment)
    if answer is None:
        return gettext("Waiting for your answer")
    return gettext("Accepted by you") if answer.in_force else gettext("Refused by you")


def _contact(attempt: ContactAttempt) -> Contact:
    outcome = getattr(attempt, "outcome", None)
    label = str(OUTCOME_LABELS[outcome.outcome]) if outcome else gettext("Not reported")
    return Contact(attempt.requested_at, attempt.get_channel_display(), label)


# --- the rights desk ----------------------------------------------------------------------


@dataclass(frozen=True)
class DeskRow:
    """One request as the desk lists it. `standing` is None once it has been answered."""

    request: RightsRequest
    status: str
    received_on: date
    age_days: int
    due_on: date
    standing: Standing | None
    retention: Retention | None = None

    @property
    def status_label(self) -> str:
        return str(RightsStatus(self.status).label)

    @property
    def standing_label(self) -> str:
        return str(_STANDING_LABELS[self.standing]) if self.standing else ""

    @property
    def needs_attention(self) -> bool:
        return self.standing is not None and self.standing is not Standing.ON_TIME


@dataclass(frozen=True)
class Desk:
    waiting: list[DeskRow]
    erasing: list[DeskRow]
    answered: list[DeskRow]


@dataclass(frozen=True)
class RequestFile:
    """Everything the desk shows about one request; values masked."""

    row: DeskRow
    events: list[RightsRequestEvent]
    current_masked: str
    requested_masked: str
    has_note: bool

    @property
    def request(self) -> RightsRequest:
        return self.row.request

    @property
    def answerable(self) -> bool:
        return self.row.status == RightsStatus.RECEIVED

    @property
    def completable(self) -> bool:
        return self.answerable and self.request.kind == RightsKind.CORRECTION


def desk(*, now: datetime | None = None) -> Desk:
    """Return the requests waiting for an answer, the erasures in progress, recent answers."""
    moment = now or timezone.now()
    latest = _latest_events()
    requests = RightsRequest.objects.filter(kind__in=DESK_KINDS).annotate(
        current_status=Coalesce(
            Subquery(latest.values("status")[:1]), Value(str(RightsStatus.RECEIVED))
        ),
        answered_at=Subquery(latest.values("recorded_at")[:1]),
    )
    waiting = requests.filter(current_status=RightsStatus.RECEIVED).order_by("requested_at", "pk")
    erasing = requests.filter(current_status=RightsStatus.PARTLY_ERASED).order_by("requested_at")
    answered = requests.filter(
        current_status__in=[RightsStatus.COMPLETED, RightsStatus.REJECTED],
        answered_at__gte=moment - timedelta(days=RECENT_DAYS),
    ).order_by("-answered_at", "-pk")
    return Desk(
        waiting=[_row(request, moment) for request in waiting.select_related("borrower")[:200]],
        erasing=[_row(request, moment) for request in erasing.select_related("borrower")[:200]],
        answered=[_row(request, moment) for request in answered.select_related("borrower")[:100]],
    )


def request_by_reference(reference: UUID) -> RightsRequest | None:
    return RightsRequest.objects.filter(reference=reference).select_related("borrower").first()


def request_file(request: RightsRequest, *, now: datetime | None = None) -> RequestFile:
    """Return the desk's view of `request`: its steps, deadline and masked values."""
    moment = now or timezone.now()
    requested = decrypt(request.value_encrypted) if request.value_encrypted else ""
    borrower = request.borrower
    current = correctable_value(borrower, request.field) if borrower and request.field else ""
    return RequestFile(
        row=_row(request, moment),
        events=list(request.events.order_by("recorded_at", "pk")),
        current_masked=masked_value(request.field, current),
        requested_masked=masked_value(request.field, requested),
        has_note=bool(request.note_encrypted),
    )


def masked_value(field: str, value: str) -> str:
    """Return `value` of `field` as staff see it before a reveal."""
    if not value or field in NOT_PERSONAL_FIELDS:
        return value
    if field == "national_id":
        return mask_national_id(value)
    if field == "phone":
        return mask_phone(value) if value.startswith("+") else _MASK + value[-2:]
    if field == "address":
        return mask_address(value)
    return f"{value[:1]}**"


def _latest_events() -> QuerySet[RightsRequestEvent]:
    return RightsRequestEvent.objects.filter(request=OuterRef("pk")).order_by("-recorded_at", "-pk")


def _row(request: RightsRequest, moment: datetime) -> DeskRow:
    status = str(getattr(request, "current_status", "") or status_of(request))
    # Counted from the UTC date of receipt, never later than the requester's own date.
    received_on = request.requested_at.date()
    due_on = received_on + timedelta(days=RESPONSE_DAYS)
    today = moment.date()
    retention = None
    if status == RightsStatus.PARTLY_ERASED and request.borrower is not None:
        retention = retention_of(request.borrower, today=today)
    return DeskRow(
        request=request,
        status=status,
        received_on=received_on,
        age_days=(today - received_on).days,
        due_on=due_on,
        standing=standing(due_on, today) if status == RightsStatus.RECEIVED else None,
        retention=retention,
    )


# --- the regulator's monthly report (tactful.reports) ---------------------------------------

ANSWERS = (RightsStatus.COMPLETED, RightsStatus.REJECTED, RightsStatus.PARTLY_ERASED)


def request_counts(*, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
    """Count the rights requests received in [start, end) per kind and subject."""
    rows = (
        RightsRequest.objects.filter(requested_at__gte=start, requested_at__lt=end)
        .values_list("kind", "subject")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(kind, subject, n) for kind, subject, n in rows]


def answer_counts(*, start: datetime, end: datetime) -> list[tuple[str, bool, int]]:
    """Count the rights requests first answered in [start, end) per kind and whether the
    answer came by the due day (RESPONSE_DAYS after the UTC day of receipt, as the desk reads
    it), grouped in the database."""
    rows = (
        _with_first_answer()
        .filter(answered_at__gte=start, answered_at__lt=end)  # type: ignore[misc]
        .annotate(
            in_time=Case(
                When(answered_at__lt=F("due_by"), then=Value("yes")),
                default=Value("no"),
                output_field=CharField(),
            )
        )
        .values_list("kind", "in_time")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(kind, in_time == "yes", n) for kind, in_time, n in rows]


def late_unanswered_count(*, at: datetime) -> int:
    """Count the rights requests received before `at`, not answered by then, whose due day
    ended before `at`."""
    return (
        _with_first_answer()
        .filter(requested_at__lt=at, due_by__lte=at)  # type: ignore[misc]
        .filter(Q(answered_at__isnull=True) | Q(answered_at__gte=at))
        .count()
    )


def _with_first_answer() -> QuerySet[RightsRequest]:
    first = RightsRequestEvent.objects.filter(request=OuterRef("pk"), status__in=ANSWERS)
    return RightsRequest.objects.annotate(
        answered_at=Subquery(first.order_by("recorded_at", "pk").values("recorded_at")[:1]),
        # The instant the due day ends: the UTC day of receipt, RESPONSE_DAYS on, is over.
        due_by=TruncDay("requested_at", tzinfo=UTC) + timedelta(days=RESPONSE_DAYS + 1),
    )
