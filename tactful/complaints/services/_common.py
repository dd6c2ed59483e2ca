"""Shared steps of the complaint services: the event trail, officers, notes, deadlines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.services import record_event
from tactful.complaints import deadlines
from tactful.complaints.models import Complaint, ComplaintEvent, EventKind, Remediation
from tactful.contacts.models import ContactAttempt
from tactful.contacts.packs import pack_time_zone
from tactful.errors import InvalidInput, ServiceError
from tactful.loans.models import LedgerEntry

MAX_DESCRIPTION = 5000
MAX_NOTE = 2000
OFFICER_ROLES = (Role.COMPLIANCE, Role.ADMIN)


class NotAnOfficer(ServiceError):
    status = 403

    def __init__(self) -> None:
        super().__init__("not_a_compliance_officer", "only compliance officers handle complaints")


def _due_on(pack: str, received_at: datetime, extensions: int) -> date:
    policy = deadlines.policy_for(pack)
    return deadlines.deadline(policy, _local_date(received_at, pack), extensions)


def _local_date(moment: datetime, pack: str) -> date:
    return moment.astimezone(pack_time_zone(pack)).date()


def _event(
    complaint: Complaint,
    kind: str,
    actor: str,
    moment: datetime,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    details: dict[str, Any] | None = None,
) -> ComplaintEvent:
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        details=details or {},
        actor=actor,
        at=moment,
    )
    if kind != EventKind.RECEIVED:
        record_event(
            actor=actor,
            action=f"complaint.{kind}",
            target=complaint,
            payload={"number": complaint.number, **(details or {})},
        )
    return event


def _ensure_officer(user: User) -> None:
    if not user.has_role(*OFFICER_ROLES):
        raise NotAnOfficer()


def _required_note(text: str, name: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_NOTE:
        raise InvalidInput({name: f"write 1 to {MAX_NOTE} characters"})
    return text


def _user(user: User) -> str:
    return user.audit_actor


def _remediation(
    complaint: Complaint,
    kind: str,
    actor: User | str,
    moment: datetime,
    *,
    note: str = "",
    details: dict[str, Any] | None = None,
    ledger_entry: LedgerEntry | None = None,
    attempt: ContactAttempt | None = None,
) -> Remediation:
    actor = actor if isinstance(actor, str) else _user(actor)
    remediation = Remediation.objects.create(
        complaint=complaint,
        kind=kind,
        note=note,
        details=details or {},
        ledger_entry=ledger_entry,
        attempt=attempt,
        recorded_by=actor,
        recorded_at=moment,
    )
    _event(complaint, EventKind.REMEDIATION, actor, moment, details={"kind": kind})
    return remediation
