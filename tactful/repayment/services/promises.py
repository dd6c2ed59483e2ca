"""Promises to pay: record one, hold contact until its day, settle it the day after.

While a promise stands, a ``promise_to_pay`` hold keeps the gate from contacting the
borrower about the loan until the promised day begins; strategies read the same fact
from `selectors.contact_suppressed_until`. The day after the promised day the daily
task records whether it was kept (enough paid in its window) or broken.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.errors import Conflict, InvalidInput
from tactful.loans.models import Loan
from tactful.loans.selectors import loan_status, locked_loan
from tactful.money.currency import AmountError, UnknownCurrency, parse_amount
from tactful.money.promises import Promise, PromiseError, check_new_promise
from tactful.repayment import contact_holds, selectors
from tactful.repayment.models import PromiseChannel, PromiseOutcome, PromiseToPay
from tactful.repayment.rules import configured_rules


def record_promise(
    *,
    loan: Loan,
    amount: Decimal,
    due_on: date,
    channel: str,
    actor: str,
    today: date | None = None,
    now: datetime | None = None,
) -> PromiseToPay:
    """Record that ``amount`` will be paid by ``due_on``; hold contact until that day.

    Raise InvalidInput (``invalid_amount``, ``promise_above_outstanding``,
    ``promise_in_past``, ``promise_too_far``) or Conflict (``promise_pending``,
    ``loan_restructured``, ``nothing_owed``); nothing is stored then.
    """
    day = today or timezone.now().date()
    if channel not in PromiseChannel.values:
        raise InvalidInput({"channel": f"must be one of {', '.join(PromiseChannel.values)}"})
    value = _amount(amount, loan.currency)
    moment = now or timezone.now()
    with transaction.atomic():
        locked = locked_loan(loan.pk)
        _check(locked, Promise(amount=value, made_on=day, due_on=due_on), day)
        promise = PromiseToPay.objects.create(
            loan=locked,
            amount=value,
            made_on=day,
            due_on=due_on,
            channel=channel,
            recorded_at=moment,
            recorded_by=actor,
        )
        contact_holds.place_hold_until(
            loan=locked,
            kind=contact_holds.PROMISE_HOLD,
            until=due_on,
            reason="promise to pay",
            actor=actor,
            now=moment,
        )
        record_event(
            actor=actor,
            action="repayment.promise_recorded",
            target=promise,
            payload={"amount": str(value), "due_on": due_on.isoformat(), "channel": channel},
        )
    return promise


def settle_promises(*, as_of: date) -> int:
    """Record kept or broken for every promise whose day is over by ``as_of``; return how many."""
    due = PromiseToPay.objects.filter(due_on__lt=as_of, outcome__isnull=True).select_related("loan")
    settled = 0
    for promise in due:
        settled += _settle(promise, as_of)
    return settled


def _settle(promise: PromiseToPay, as_of: date) -> int:
    decided_on = promise.due_on + timedelta(days=1)
    view = next(
        v for v in selectors.promises_of(promise.loan, as_of=decided_on) if v.row.pk == promise.pk
    )
    with transaction.atomic():
        if PromiseOutcome.objects.filter(promise=promise).exists():
            return 0
        PromiseOutcome.objects.create(
            promise=promise,
            state=view.state,
            paid=view.paid,
            decided_on=decided_on,
            recorded_at=timezone.now(),
        )
        record_event(
            actor="repayment:promises",
            action=f"repayment.promise_{view.state}",
            target=promise,
            payload={"paid": str(view.paid), "decided_on": decided_on.isoformat()},
        )
    return 1


def _check(loan: Loan, promise: Promise, day: date) -> None:
    if selectors.closing_acceptance(loan) is not None:
        raise Conflict("loan_restructured", "this loan was moved into a repayment plan")
    status = loan_status(loan, as_of=day)
    if status.is_settled:
        raise Conflict("nothing_owed", "nothing is owed on this loan")
    if selectors.pending_promise(loan, today=day) is not None:
        raise Conflict("promise_pending", "a promise for this loan is still open")
    try:
        check_new_promise(
            promise,
            outstanding=status.outstanding,
            today=day,
            max_days_ahead=configured_rules().promise_max_days_ahead,
        )
    except PromiseError as error:
        raise InvalidInput({error.field: error.reason}, code=error.code) from None


def _amount(amount: Decimal, currency: str) -> Decimal:
    try:
        value = parse_amount(amount, currency)
    except (AmountError, UnknownCurrency) as error:
        raise InvalidInput({"amount": str(error)}, code="invalid_amount") from None
    if value <= 0:
        raise InvalidInput({"amount": "must be greater than zero"}, code="invalid_amount")
    return value
