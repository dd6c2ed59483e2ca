"""The rights desk: staff answer data subjects' requests (PIPL arts. 44-47, 50).

A correction is **completed** (its value is validated and written to the borrower's
record) or **rejected** with a reason the requester reads on the rights page (art. 50: a
refusal states its reason). Erasures follow the retention rules (`borrowers.py`); nobody
can hurry them from here.

Every step appends a `RightsRequestEvent` and an audit event that names the kind, status
and field, never a value or a reason. The requested value is personal data: pages show it
masked, and seeing it in full goes through `borrowers.services.record_reveal` like every
other reveal. The borrower is told an answer is ready by a text through a `service` permit
of the gate (as complaint acknowledgements are); a denied permit sends nothing and the
rights page still shows the answer.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.services import record_event
from tactful.borrowers import selectors as borrowers
from tactful.borrowers.models import CORRECTABLE_FIELDS, Borrower
from tactful.borrowers.services import correct_borrower, normalised_correction, record_reveal
from tactful.contacts.services import recipient_for_number, send_sms_with_permit
from tactful.errors import Conflict, InvalidInput, ServiceError
from tactful.privacy.crypto import decrypt
from tactful.rights.models import RightsKind, RightsRequest, RightsStatus, RightsSubject
from tactful.rights.selectors import status_of
from tactful.rights.services.borrowers import MAX_NOTE_LENGTH, step

DESK_ROLES = (Role.COMPLIANCE, Role.ADMIN)
MIN_REASON_LENGTH = 10
REVEALABLE_PARTS = ("requested_value", "note", "current_value")


class NotRightsStaff(ServiceError):
    status = 403

    def __init__(self) -> None:
        super().__init__("not_rights_staff", "only compliance officers answer rights requests")


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
        return borrowers.correctable_value(borrower, request.field)
    record_reveal(
        target=request, field_name=part, known_fields=(part,), reason=reason, actor=_actor(actor)
    )
    stored = request.value_encrypted if part == "requested_value" else request.note_encrypted
    return decrypt(stored) if stored else ""


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
        borrower = borrowers.locked_borrower(borrower.pk)
        value = normalised_correction(borrower, locked.field, decrypt(locked.value_encrypted))
        correct_borrower(borrower=borrower, field=locked.field, value=value)
        record_event(
            actor=_actor(actor),
            action="borrower.updated",
            target=borrower,
            payload={"changed": [locked.field], "rights_request": str(locked.reference)},
            occurred_at=moment,
        )
        step(locked, RightsStatus.COMPLETED, _actor(actor), moment)
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
        step(locked, RightsStatus.REJECTED, _actor(actor), moment, reason=reason)
        if locked.borrower is not None:
            _tell_borrower(locked.borrower, actor, moment)
    return locked


def _ensure_desk_staff(user: User) -> None:
    if not user.has_role(*DESK_ROLES):
        raise NotRightsStaff()


def _locked_open(request: RightsRequest) -> RightsRequest:
    # The row lock makes a second, simultaneous answer wait and then see the first one.
    locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
    status = status_of(locked)
    if status != RightsStatus.RECEIVED:
        raise Conflict("already_answered", f"the request is already {status.replace('_', ' ')}")
    return locked


def _correction_borrower(request: RightsRequest) -> Borrower:
    if request.kind != RightsKind.CORRECTION or request.subject != RightsSubject.BORROWER:
        raise Conflict("not_a_correction", "only a borrower's correction request has a value")
    assert request.borrower is not None  # the model's check constraint
    return request.borrower


def _actor(user: User) -> str:
    return f"user:{user.pk}"


def _tell_borrower(borrower: Borrower, actor: User, moment: datetime) -> None:
    number = borrowers.primary_number(borrower)
    if number is None or not number.is_primary:
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
