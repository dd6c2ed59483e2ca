"""The rights desk: staff answer data subjects' requests (PIPL arts. 44-47, 50).

Compliance officers and administrators see every request still waiting for an answer with
its age and deadline (RESPONSE_DAYS from receipt), erasures in progress with what is
scheduled, and recent answers. A correction is **completed** (its value is validated and
written to the borrower's record) or **rejected** with a reason the requester reads on the
rights page (art. 50: a refusal states its reason). Erasures follow the retention rules of
`rights`; nobody can hurry them from here.

Every step appends a `RightsRequestEvent` and an audit event that names the kind, status
and field, never a value or a reason. The requested value is personal data: pages show it
masked, and seeing it in full goes through `borrowers.services.record_reveal` like every
other reveal. The borrower is told an answer is ready by a text through a `service` permit
of the gate (as complaint acknowledgements are); a denied permit sends nothing and the
rights page still shows the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.services import record_event
from tactful.borrowers.models import Borrower
from tactful.borrowers.services import record_reveal
from tactful.complaints.deadlines import Standing, standing
from tactful.consent.corrections import current_value, normalised_value, write_correction
from tactful.consent.models import (
    RightsKind,
    RightsRequest,
    RightsRequestEvent,
    RightsStatus,
    RightsSubject,
)
from tactful.consent.rights import CORRECTABLE_FIELDS, MAX_NOTE_LENGTH, Retention, retention_of
from tactful.contacts.services import recipient_for_number, send_sms_with_permit
from tactful.errors import Conflict, InvalidInput, ServiceError
from tactful.privacy.crypto import decrypt
from tactful.privacy.masking import mask_address, mask_national_id, mask_phone

# PIPL art. 50 asks for a prompt answer without naming a period, and no rule pack sets one:
# Tactful answers within 15 days, the strictest period it keeps for complaints.
RESPONSE_DAYS = 15
RECENT_DAYS = 30
DESK_ROLES = (Role.COMPLIANCE, Role.ADMIN)
MIN_REASON_LENGTH = 10
# Downloads are answered the moment they happen: nothing for staff to do.
DESK_KINDS = (RightsKind.CORRECTION, RightsKind.ERASURE, RightsKind.STOP_CONTACT)
# Not personal on their own: shown in clear on staff pages.
NOT_PERSONAL_FIELDS = frozenset({"language", "time_zone"})
REVEALABLE_PARTS = ("requested_value", "note", "current_value")
_MASK = "****"
_STANDING_LABELS = {
    Standing.ON_TIME: gettext_lazy("In time"),
    Standing.DUE_SOON: gettext_lazy("Due soon"),
    Standing.OVERDUE: gettext_lazy("Late"),
}


class NotRightsStaff(ServiceError):
    status = 403

    def __init__(self) -> None:
        super().__init__("not_rights_staff", "only compliance officers answer rights requests")


# --- what the desk shows ------------------------------------------------------------------


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


@dataclass(frozen=True)
class Answer:
    """A request as its borrower reads it on the rights page."""

    request: RightsRequest
    status: str
    reason: str

    @property
    def status_label(self) -> str:
        return str(RightsStatus(self.status).label)


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
    current = current_value(borrower, request.field) if borrower and request.field else ""
    return RequestFile(
        row=_row(request, moment),
        events=list(request.events.order_by("recorded_at", "pk")),
        current_masked=masked_value(request.field, current),
        requested_masked=masked_value(request.field, requested),
        has_note=bool(request.note_encrypted),
    )


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


def _latest_events() -> QuerySet[RightsRequestEvent]:
    return RightsRequestEvent.objects.filter(request=OuterRef("pk")).order_by("-recorded_at", "-pk")


def _row(request: RightsRequest, moment: datetime) -> DeskRow:
    status = str(getattr(request, "current_status", "") or _status(request))
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


def _status(request: RightsRequest) -> str:
    latest = request.events.order_by("-recorded_at", "-pk").first()
    return latest.status if latest else RightsStatus.RECEIVED


# --- values, masked and in full -----------------------------------------------------------


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


def reveal(*, request: RightsRequest, part: str, reason: str, actor: User) -> str:
    """Return one part of a correction request in full, after auditing who asked and why.

    `part`: ``requested_value``, ``note`` or ``current_value`` (the borrower's record now).
    A missing reason or an unknown part raises InvalidInput and records nothing.
    """
    _ensure_desk_staff(actor)
    borrower = _correction_borrower(request)
    if part not in REVEALABLE_PARTS:
        raise InvalidInput({"part": f"must be one of {', '.join(REVEALABLE_PARTS)}"})
    if part == "current_value":
        record_reveal(
            target=borrower,
            field_name=request.field,
            known_fields=CORRECTABLE_FIELDS,
            reason=reason,
            actor=_actor(actor),
        )
        return current_value(borrower, request.field)
    record_reveal(
        target=request, field_name=part, known_fields=(part,), reason=reason, actor=_actor(actor)
    )
    stored = request.value_encrypted if part == "requested_value" else request.note_encrypted
    return decrypt(stored) if stored else ""


# --- answering ----------------------------------------------------------------------------


def complete_correction(
    *, request: RightsRequest, actor: User, now: datetime | None = None
) -> RightsRequest:
    """Write the corrected value to the borrower's record and close the request.

    The value is checked as the field requires (an ID number for the borrower's country,
    a phone number, a language, an IANA time zone); a bad one raises InvalidInput and
    nothing is written. A request already answered raises Conflict (``already_answered``).
    """
    _ensure_desk_staff(actor)
    moment = now or timezone.now()
    with transaction.atomic():
        locked = _locked_open(request)
        borrower = _correction_borrower(locked)
        if not locked.value_encrypted:
            raise Conflict("value_erased", "the corrected value was erased with the records")
        borrower = Borrower.objects.select_for_update().get(pk=borrower.pk)
        value = normalised_value(borrower, locked.field, decrypt(locked.value_encrypted))
        write_correction(borrower, locked.field, value)
        record_event(
            actor=_actor(actor),
            action="borrower.updated",
            target=borrower,
            payload={"changed": [locked.field], "rights_request": str(locked.reference)},
            occurred_at=moment,
        )
        _step(locked, RightsStatus.COMPLETED, actor, moment)
        _tell_borrower(borrower, actor, moment)
    return locked


def reject_request(
    *, request: RightsRequest, reason: str, actor: User, now: datetime | None = None
) -> RightsRequest:
    """Close a waiting request without acting on it, for `reason`, which the requester reads.

    The reason is required (MIN_REASON_LENGTH to MAX_NOTE_LENGTH characters); it is kept
    on the event only, never in the audit payload or a log.
    """
    _ensure_desk_staff(actor)
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise InvalidInput({"reason": f"say why (at least {MIN_REASON_LENGTH} characters)"})
    if len(reason) > MAX_NOTE_LENGTH:
        raise InvalidInput({"reason": f"at most {MAX_NOTE_LENGTH} characters"})
    moment = now or timezone.now()
    with transaction.atomic():
        locked = _locked_open(request)
        _step(locked, RightsStatus.REJECTED, actor, moment, reason=reason)
        if locked.borrower is not None:
            _tell_borrower(locked.borrower, actor, moment)
    return locked


def _ensure_desk_staff(user: User) -> None:
    if not user.has_role(*DESK_ROLES):
        raise NotRightsStaff()


def _locked_open(request: RightsRequest) -> RightsRequest:
    # The row lock makes a second, simultaneous answer wait and then see the first one.
    locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
    status = _status(locked)
    if status != RightsStatus.RECEIVED:
        raise Conflict("already_answered", f"the request is already {status.replace('_', ' ')}")
    return locked


def _correction_borrower(request: RightsRequest) -> Borrower:
    if request.kind != RightsKind.CORRECTION or request.subject != RightsSubject.BORROWER:
        raise Conflict("not_a_correction", "only a borrower's correction request has a value")
    assert request.borrower is not None  # the model's check constraint
    return request.borrower


def _step(
    request: RightsRequest, status: str, actor: User, moment: datetime, *, reason: str = ""
) -> None:
    RightsRequestEvent.objects.create(
        request=request,
        status=status,
        recorded_at=moment,
        recorded_by=_actor(actor),
        reason=reason,
    )
    payload = {"kind": request.kind, "status": status, "field": request.field}
    record_event(
        actor=_actor(actor),
        action=f"rights.{status}",
        target=request,
        payload=payload,
        occurred_at=moment,
    )


def _actor(user: User) -> str:
    return f"user:{user.pk}"


# --- telling the borrower -----------------------------------------------------------------


def _tell_borrower(borrower: Borrower, actor: User, moment: datetime) -> None:
    number = borrower.phone_numbers.filter(is_primary=True).first()
    if number is None:
        return
    send_sms_with_permit(
        loan=None,
        recipient=recipient_for_number(number=number),
        purpose="service",
        body=_answer_text(borrower.preferred_language),
        language=borrower.preferred_language,
        message_purpose="rights_request_answer",
        actor=_actor(actor),
        now=moment,
    )


def _answer_text(language: str) -> str:
    # Neither the value nor the outcome: whoever reads the phone learns only where to look.
    with translation.override(language):
        text = gettext("We have answered your request about your data. See the answer at %(url)s")
    return text % {"url": f"{settings.SITE_URL}/portal/privacy/rights/"}
