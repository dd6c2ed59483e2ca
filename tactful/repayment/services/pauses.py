"""Hardship pauses: one action that stops the ageing of days past due, holds contact in the
gate, and invites a restructuring offer. It resumes explicitly or on its end date.

A pause is effective-dated: `starts_on` may lie in the past (people report hardship
late), within the pack's limit and never before the loan's last reset. Pauses are
append-only rows; an early resumption is a row of its own. Days past due are always
derived by replaying the ledger and leaving the paused days out, so a backdated pause
(or payment) changes every later day's figure and nothing stored needs correcting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.errors import Conflict, InvalidInput, ServiceError
from tactful.loans.models import Loan
from tactful.loans.selectors import loan_status, locked_loan
from tactful.money.pauses import Pause, PauseError, PauseLimits, check_new_pause, resumed
from tactful.repayment import contact_holds, selectors
from tactful.repayment.models import (
    HardshipPause,
    HardshipReason,
    PauseResumption,
    RequestChannel,
    RestructuringOffer,
)
from tactful.repayment.rules import configured_rules
from tactful.repayment.services.offers import OfferRequest, price_offers


@dataclass(frozen=True)
class PauseRecorded:
    """The pause, and the plans it invites the borrower to consider (maybe none)."""

    pause: HardshipPause
    offers: list[RestructuringOffer]


def request_pause(
    *,
    loan: Loan,
    starts_on: date,
    ends_on: date,
    reason: str,
    via: str,
    actor: str,
    today: date | None = None,
) -> PauseRecorded:
    """Pause ageing from ``starts_on`` until ``ends_on`` (ageing resumes that day).

    Raise InvalidInput with a stable code (``pause_overlaps``, ``backdate_too_far``,
    ``backdate_before_reset``, ``pause_too_long``, ``pause_in_future``...) or Conflict
    for a closed or settled loan; nothing is stored then.
    """
    day = today or timezone.now().date()
    _check_choices(reason, via)
    rules = configured_rules()
    now = timezone.now()
    with transaction.atomic():
        locked = locked_loan(loan.pk)
        _ensure_pausable(locked, day)
        new = _checked_pause(locked, starts_on, ends_on, day, rules.pause_limits)
        hold = contact_holds.place_hold_until(
            loan=locked,
            kind=contact_holds.HARDSHIP_HOLD,
            until=new.ends_on,
            reason=f"hardship pause ({reason})",
            actor=actor,
            now=now,
        )
        pause = HardshipPause.objects.create(
            loan=locked,
            starts_on=new.starts_on,
            ends_on=new.ends_on,
            reason=reason,
            requested_via=via,
            hold_reference=hold,
            recorded_at=now,
            recorded_by=actor,
        )
        record_event(
            actor=actor,
            action="repayment.pause_started",
            target=pause,
            payload=_pause_payload(pause),
        )
    return PauseRecorded(pause=pause, offers=_invitation(locked, actor, day))


def resume_pause(
    *, pause: HardshipPause, actor: str, resumes_on: date | None = None, today: date | None = None
) -> PauseResumption:
    """End ``pause`` early: ageing resumes on ``resumes_on`` (today by default).

    The gate's hardship hold is lifted at once. Raise Conflict for a pause already
    resumed or over, InvalidInput for a day outside the pause or after today.
    """
    day = today or timezone.now().date()
    resume_day = resumes_on or day
    if resume_day > day:
        raise InvalidInput({"resumes_on": "must not be after today"}, code="resume_in_future")
    with transaction.atomic():
        HardshipPause.objects.select_for_update().filter(pk=pause.pk).exists()
        if PauseResumption.objects.filter(pause=pause).exists():
            raise Conflict("pause_already_resumed", "this pause was already resumed")
        if resume_day >= pause.ends_on:
            raise Conflict("pause_over", "this pause ends by then anyway")
        try:
            resumed(Pause(pause.starts_on, pause.ends_on), resume_day)
        except PauseError as error:
            raise InvalidInput({error.field: error.reason}, code=error.code) from None
        return _record_resumption(pause, resume_day, actor)


def end_pause_for_plan(*, pause: HardshipPause, actor: str, today: date) -> PauseResumption:
    """Resume ``pause`` today because the loan moved into a plan that replaces it."""
    return _record_resumption(pause, max(today, pause.starts_on), actor)


def _record_resumption(pause: HardshipPause, resumes_on: date, actor: str) -> PauseResumption:
    now = timezone.now()
    resumption = PauseResumption.objects.create(
        pause=pause, resumes_on=resumes_on, recorded_at=now, recorded_by=actor
    )
    contact_holds.lift_hold(
        reference=pause.hold_reference, reason="hardship pause resumed", actor=actor, now=now
    )
    record_event(
        actor=actor,
        action="repayment.pause_resumed",
        target=pause,
        payload={"resumes_on": resumes_on.isoformat()},
    )
    return resumption


def _check_choices(reason: str, via: str) -> None:
    problems = {}
    if reason not in HardshipReason.values:
        problems["reason"] = f"must be one of {', '.join(HardshipReason.values)}"
    if via not in RequestChannel.values:
        problems["via"] = f"must be one of {', '.join(RequestChannel.values)}"
    if problems:
        raise InvalidInput(problems)


def _ensure_pausable(loan: Loan, day: date) -> None:
    if selectors.closing_acceptance(loan) is not None:
        raise Conflict("loan_restructured", "this loan was moved into a repayment plan")
    if loan_status(loan, as_of=day).is_settled:
        raise Conflict("nothing_owed", "nothing is owed on this loan")


def _checked_pause(
    loan: Loan, starts_on: date, ends_on: date, day: date, limits: PauseLimits
) -> Pause:
    try:
        new = Pause(starts_on, ends_on)
        check_new_pause(
            new,
            selectors.effective_pauses(loan),
            today=day,
            last_reset=selectors.last_reset(loan, as_of=day),
            limits=limits,
        )
    except PauseError as error:
        raise InvalidInput({error.field: error.reason}, code=error.code) from None
    return new


def _invitation(loan: Loan, actor: str, day: date) -> list[RestructuringOffer]:
    """Price the plans the borrower may switch to; none when the loan cannot have one."""
    try:
        return price_offers(loan=loan, request=OfferRequest(), actor=actor, today=day)
    except ServiceError:
        return []


def _pause_payload(pause: HardshipPause) -> dict[str, str]:
    return {
        "loan": str(pause.loan.reference),
        "starts_on": pause.starts_on.isoformat(),
        "ends_on": pause.ends_on.isoformat(),
        "reason": pause.reason,
        "via": pause.requested_via,
    }
