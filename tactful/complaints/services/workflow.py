"""The complaint's workflow: acknowledge, assign, investigate, resolve, close, reopen.

Closing an upheld complaint takes two officers (four eyes); deadlines are extended by the
pack's rules; holds are lifted for a stated reason. Every step appends a `ComplaintEvent`
and an audit event in the same transaction as the change it records.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tactful.accounts.models import User
from tactful.audit.services import record_event
from tactful.complaints import deadlines, selectors
from tactful.complaints.models import Complaint, EventKind, Resolution, Status
from tactful.complaints.services import replies
from tactful.complaints.services._common import (
    MAX_DESCRIPTION,
    OFFICER_ROLES,
    _due_on,
    _ensure_officer,
    _event,
    _required_note,
    _user,
)
from tactful.contacts.models import Hold
from tactful.contacts.services import lift_hold
from tactful.contacts.services import send_sms_with_permit as send_with_permit
from tactful.errors import Conflict, InvalidInput


def acknowledge(*, complaint: Complaint, actor: str, now: datetime | None = None) -> bool:
    """Text the complainant that the complaint arrived, through a `service` permit.

    Return True once acknowledged. Without anyone to text, or at night, the complaint
    stays `received` and the scheduled task tries again.
    """
    moment = now or timezone.now()
    if complaint.status != Status.RECEIVED:
        return True
    recipient = complaint.reply_to
    if recipient is None:
        return False
    attempt = send_with_permit(
        loan=None,
        recipient=recipient,
        purpose="service",
        body=_acknowledgement_text(complaint),
        language=complaint.language,
        message_purpose="complaint_acknowledgement",
        actor=actor,
        now=moment,
    )
    if not attempt.allowed:
        _event(
            complaint,
            EventKind.ACKNOWLEDGEMENT_DEFERRED,
            actor,
            moment,
            details={"categories": attempt.categories},
        )
        return False
    _move(complaint, Status.ACKNOWLEDGED, EventKind.ACKNOWLEDGED, actor, moment)
    return True


def _acknowledgement_text(complaint: Complaint) -> str:
    with translation.override(complaint.language):
        return render_to_string(
            "complaints/letters/acknowledgement.txt",
            {"complaint": complaint, "site_url": settings.SITE_URL},
        ).strip()


def assign(
    *, complaint: Complaint, officer: User, actor: User, now: datetime | None = None
) -> Complaint:
    """Give the complaint to a compliance officer."""
    _ensure_officer(actor)
    if not officer.has_role(*OFFICER_ROLES):
        raise InvalidInput({"officer": "assign complaints to a compliance officer"})
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        complaint.assigned_to = officer
        complaint.save(update_fields=["assigned_to"])
        _event(complaint, EventKind.ASSIGNED, _user(actor), moment, details={"officer": officer.pk})
    return complaint


def start_investigation(
    *, complaint: Complaint, actor: User, now: datetime | None = None
) -> Complaint:
    _ensure_officer(actor)
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(complaint, Status.RECEIVED, Status.ACKNOWLEDGED)
        _move(complaint, Status.INVESTIGATING, EventKind.INVESTIGATING, _user(actor), now)
    return complaint


def resolve(
    *, complaint: Complaint, resolution: str, summary: str, actor: User, now: datetime | None = None
) -> Complaint:
    """Record the finding of the investigation: upheld, partly upheld or not upheld."""
    _ensure_officer(actor)
    problems: dict[str, str] = {}
    if resolution not in Resolution.values:
        problems["resolution"] = f"must be one of {', '.join(Resolution.values)}"
    summary = summary.strip()
    if not summary or len(summary) > MAX_DESCRIPTION:
        problems["summary"] = f"explain the outcome in 1 to {MAX_DESCRIPTION} characters"
    if problems:
        raise InvalidInput(problems)
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(complaint, Status.INVESTIGATING)
        complaint.resolution = resolution
        complaint.resolution_summary = summary
        complaint.resolved_at = moment
        complaint.save(update_fields=["resolution", "resolution_summary", "resolved_at"])
        _move(
            complaint,
            Status.RESOLVED,
            EventKind.RESOLVED,
            _user(actor),
            moment,
            details={"resolution": resolution},
        )
        replies.tell_of_answer(complaint=complaint, actor=actor, now=moment)
    return complaint


def close(*, complaint: Complaint, actor: User, now: datetime | None = None) -> Complaint:
    """Close a resolved complaint. An upheld one needs a second officer: four eyes.

    The first officer's close is a request; another officer's close approves it.
    """
    _ensure_officer(actor)
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(complaint, Status.RESOLVED)
        if complaint.resolution != Resolution.NOT_UPHELD:
            requested = selectors.closure_request(complaint)
            if requested is None:
                _event(complaint, EventKind.CLOSURE_REQUESTED, _user(actor), moment)
                record_event(
                    actor=_user(actor), action="complaint.closure_requested", target=complaint
                )
                return complaint
            if requested.actor == _user(actor):
                raise Conflict(
                    "second_officer_required", "another compliance officer must approve closing"
                )
        complaint.closed_at = moment
        complaint.save(update_fields=["closed_at"])
        _move(complaint, Status.CLOSED, EventKind.CLOSED, _user(actor), moment)
    return complaint


def reopen(
    *, complaint: Complaint, reason: str, actor: User, now: datetime | None = None
) -> Complaint:
    _ensure_officer(actor)
    reason = _required_note(reason, "reason")
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(complaint, Status.RESOLVED, Status.CLOSED)
        complaint.resolution = ""
        complaint.resolved_at = None
        complaint.closed_at = None
        complaint.save(update_fields=["resolution", "resolved_at", "closed_at"])
        _move(
            complaint, Status.INVESTIGATING, EventKind.REOPENED, _user(actor), moment, note=reason
        )
    return complaint


def extend_deadline(
    *,
    complaint: Complaint,
    reason: str,
    actor: User,
    approved_by: User | None = None,
    now: datetime | None = None,
) -> Complaint:
    """Grant the pack's next extension: with a recorded reason, and an approval where needed."""
    _ensure_officer(actor)
    reason = _required_note(reason, "reason")
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        policy = deadlines.policy_for(complaint.pack)
        try:
            extension = deadlines.next_extension(policy, complaint.extensions)
        except deadlines.SlaError as error:
            raise Conflict("no_extension_left", str(error)) from None
        if extension.needs_approval:
            _ensure_approver(actor, approved_by)
        complaint.extensions += 1
        complaint.due_on = _due_on(complaint.pack, complaint.received_at, complaint.extensions)
        complaint.save(update_fields=["extensions", "due_on"])
        details: dict[str, Any] = {
            "due_on": complaint.due_on.isoformat(),
            "level": complaint.extensions,
        }
        if approved_by is not None:
            details["approved_by"] = approved_by.pk
        _event(complaint, EventKind.EXTENDED, _user(actor), moment, note=reason, details=details)
    return complaint


def lift_holds(
    *, complaint: Complaint, reason: str, actor: User, now: datetime | None = None
) -> int:
    """Lift every hold the complaint placed that is still in force, for a stated reason."""
    _ensure_officer(actor)
    reason = _required_note(reason, "reason")
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        holds = [
            link.hold for link in complaint.holds.select_related("hold") if not _lifted(link.hold)
        ]
        for hold in holds:
            lift_hold(hold=hold, reason=reason, actor=_user(actor), now=moment)
        _event(
            complaint,
            EventKind.HOLD_LIFTED,
            _user(actor),
            moment,
            note=reason,
            details={"holds": len(holds)},
        )
    return len(holds)


def escalate_due(
    *, today: date, actor: str = "complaints", now: datetime | None = None
) -> list[Complaint]:
    """Escalate open complaints due within two days or late; once per deadline and standing."""
    moment = now or timezone.now()
    escalated = []
    for complaint in Complaint.objects.exclude(status__in=[Status.RESOLVED, Status.CLOSED]):
        standing = deadlines.standing(complaint.due_on, today)
        if standing is deadlines.Standing.ON_TIME or _already_escalated(complaint, standing):
            continue
        with transaction.atomic():
            _event(
                complaint,
                EventKind.ESCALATED,
                actor,
                moment,
                details={"standing": standing.value, "due_on": complaint.due_on.isoformat()},
            )
        escalated.append(complaint)
    return escalated


def retry_acknowledgements(*, actor: str = "complaints", now: datetime | None = None) -> int:
    """Try again to acknowledge complaints that could not be acknowledged at once."""
    done = 0
    for complaint in Complaint.objects.filter(status=Status.RECEIVED, reply_to__isnull=False):
        with transaction.atomic():
            done += acknowledge(complaint=complaint, actor=actor, now=now)
    return done


def _move(
    complaint: Complaint,
    status: str,
    kind: str,
    actor: str,
    now: datetime | None,
    *,
    note: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    before = complaint.status
    complaint.status = status
    complaint.save(update_fields=["status"])
    _event(
        complaint,
        kind,
        actor,
        now or timezone.now(),
        from_status=before,
        to_status=status,
        note=note,
        details=details,
    )


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _require(complaint: Complaint, *statuses: str) -> None:
    if complaint.status not in statuses:
        raise Conflict(
            "wrong_status",
            f"the complaint is {complaint.status}; this step needs {' or '.join(statuses)}",
        )


def _already_escalated(complaint: Complaint, standing: deadlines.Standing) -> bool:
    return any(
        event.details.get("standing") == standing.value
        and event.details.get("due_on") == complaint.due_on.isoformat()
        for event in complaint.events.filter(kind=EventKind.ESCALATED)
    )


def _lifted(hold: Hold) -> bool:
    return hasattr(hold, "lift")


def _ensure_approver(actor: User, approver: User | None) -> None:
    if approver is None:
        raise InvalidInput({"approved_by": "this extension needs another officer's approval"})
    if approver.pk == actor.pk or not approver.has_role(*OFFICER_ROLES):
        raise InvalidInput({"approved_by": "another compliance officer must approve"})
