"""What help-to-repay asks of contact: holds that pause it, and reminders through permits.

* A hardship pause places a ``hardship`` hold on the loan for as long as it lasts, and
  an explicit resumption lifts it.
* A promise to pay places a ``promise_to_pay`` hold on the loan until the promised day
  begins in the borrower's time zone: contact is suppressed while the promise stands,
  and on the day itself a reminder may go. (The gate blocks on any hold kind.)
* Auto-debit notices go out only through a permit with purpose ``reminder``; a denied
  permit sends nothing and the denial is recorded with the notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from uuid import UUID
from zoneinfo import ZoneInfo

from tactful.contacts import services as contacts
from tactful.contacts.selectors import unlifted_hold
from tactful.loans.models import Loan

HARDSHIP_HOLD = "hardship"
PROMISE_HOLD = "promise_to_pay"
HOLD_SOURCE = "repayment"


@dataclass(frozen=True)
class ReminderResult:
    """Whether a reminder was sent, under which permit, and why not if it was not."""

    sent: bool
    permit_id: UUID | None
    detail: str


def start_of_day(day: date, loan: Loan) -> datetime:
    """Return the instant ``day`` begins where the borrower lives (UTC when unknown)."""
    zone = loan.borrower.time_zone
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone) if zone else UTC)


def place_hold_until(
    *, loan: Loan, kind: str, until: date, reason: str, actor: str, now: datetime
) -> UUID | None:
    """Hold contact about ``loan`` from now until ``until`` begins; None if that is past."""
    ends_at = start_of_day(until, loan)
    if ends_at <= now:
        return None
    hold = contacts.place_hold(
        kind=kind,
        source=HOLD_SOURCE,
        actor=actor,
        loan=loan,
        reason=reason,
        starts_at=now,
        ends_at=ends_at,
        now=now,
    )
    return hold.reference


def lift_hold(*, reference: UUID | None, reason: str, actor: str, now: datetime) -> None:
    """Lift the hold ``reference`` if it is still in force at ``now``."""
    if reference is None:
        return
    hold = unlifted_hold(reference)
    if hold is None or (hold.ends_at is not None and hold.ends_at <= now):
        return
    contacts.lift_hold(hold=hold, reason=reason, actor=actor, now=now)


def send_reminder(
    *, loan: Loan, body: str, message_purpose: str, actor: str, now: datetime
) -> ReminderResult:
    """Ask the gate for a ``reminder`` permit to text the borrower; send ``body`` if granted."""
    recipients = contacts.recipients_for_borrower(borrower=loan.borrower)
    if not recipients:
        return ReminderResult(sent=False, permit_id=None, detail="no_number")
    attempt = contacts.send_sms_with_permit(
        loan=loan,
        recipient=recipients[0],
        purpose="reminder",
        body=body,
        language=loan.borrower.preferred_language,
        message_purpose=message_purpose,
        actor=actor,
        now=now,
    )
    detail = "" if attempt.allowed else ",".join(attempt.categories)
    return ReminderResult(sent=attempt.allowed, permit_id=attempt.permit_id, detail=detail[:80])
