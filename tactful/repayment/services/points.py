"""Reward points: earned the day after an installment paid on time falls due, a bonus when
a restructured plan is repaid, spent only on fees and interest, expired after a time.

Each earning names its source (``installment:<loan>:<n>``, ``plan:<loan>``), and a
borrower has at most one entry per kind and source, so the daily task may run twice.
A redemption is a ledger payment (reference ``points:<id>``) no larger than the fees
and interest the next installment still owes: under the waterfall it cannot reach
principal, and that is checked again after posting.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.borrowers.models import Borrower
from tactful.borrowers.selectors import borrowers_with_ids, locked_borrower
from tactful.errors import Conflict, InvalidInput
from tactful.loans import services as loans
from tactful.loans.credits import COMPENSATION_PREFIX, POINTS_PREFIX
from tactful.loans.models import LedgerEntry, Loan
from tactful.loans.selectors import (
    installments_paid_on_time,
    loan_status,
    loan_with_id,
    loans_paid_off,
    loans_with_credits_from,
    locked_loan,
)
from tactful.money.points import PointsError, check_redemption, redeemable_value
from tactful.repayment import selectors
from tactful.repayment.models import Acceptance, PointsEntry, PointsKind
from tactful.repayment.rules import configured_rules

ACTOR = "portal:points"
# How far back the daily task looks for installments it has not yet rewarded.
LOOKBACK = timedelta(days=40)


def award_points(*, as_of: date) -> int:
    """Reward installments paid on time that fell due before ``as_of``, and finished plans.

    Return how many entries were written. An installment paid on time is one paid off
    on or before its due date; one settled by a restructuring's closing entry is not.
    """
    rules = configured_rules().points
    now = timezone.now()
    rows = [
        _entry(
            borrower_id, PointsKind.EARN, rules.per_on_time_installment, as_of, source, loan_id, now
        )
        for borrower_id, loan_id, source in _on_time_installments(as_of)
    ]
    rows += [
        _entry(
            borrower_id, PointsKind.BONUS, rules.plan_completion_bonus, as_of, source, loan_id, now
        )
        for borrower_id, loan_id, source in _finished_plans(as_of)
    ]
    rows = [row for row in rows if row.points > 0]
    with transaction.atomic():
        before = PointsEntry.objects.count()
        PointsEntry.objects.bulk_create(rows, ignore_conflicts=True)
        written = PointsEntry.objects.count() - before
    return written


def record_expiries(*, as_of: date) -> int:
    """Write an ``expire`` entry for every day's unspent points that expired by ``as_of``."""
    rules = configured_rules()
    now = timezone.now()
    rows = []
    holders = PointsEntry.objects.values_list("borrower_id", flat=True).distinct()
    for borrower in borrowers_with_ids(holders):
        state = selectors.points_balance(borrower, as_of=as_of, rules=rules)
        rows += [
            _entry(borrower.pk, PointsKind.EXPIRE, points, day, f"expire:{day}", None, now)
            for day, points in state.expirations
        ]
    with transaction.atomic():
        before = PointsEntry.objects.count()
        PointsEntry.objects.bulk_create(rows, ignore_conflicts=True)
        return PointsEntry.objects.count() - before


def redeem_points(
    *, borrower: Borrower, loan: Loan, points: int, actor: str, today: date | None = None
) -> PointsEntry:
    """Spend ``points`` on the fees and interest ``loan`` owes next.

    Raise InvalidInput (``not_enough_points``, ``below_minimum_redemption``,
    ``redemption_above_fees_and_interest``, ``invalid_points``) or Conflict; nothing is
    stored then.
    """
    if loan.borrower_id != borrower.pk:
        raise InvalidInput({"loan": "this loan is not the borrower's"})
    day = today or timezone.now().date()
    rules = configured_rules()
    with transaction.atomic():
        locked_borrower(borrower.pk)
        locked = locked_loan(loan.pk)
        if selectors.closing_acceptance(locked) is not None:
            raise Conflict("loan_restructured", "this loan was moved into a repayment plan")
        state = loan_status(locked, as_of=day).state
        available = selectors.points_balance(borrower, as_of=day, rules=rules)
        try:
            value = check_redemption(
                points, available, rules.points, redeemable_value(state.installments), loan.currency
            )
        except PointsError as error:
            raise InvalidInput({"points": error.reason}, code=error.code) from None
        return _redeem(borrower, locked, points, value, day, actor)


def _redeem(
    borrower: Borrower, loan: Loan, points: int, value: Decimal, day: date, actor: str
) -> PointsEntry:
    reference = uuid.uuid4()
    entry = loans.post_payment(
        loan=loan,
        amount=value,
        value_date=day,
        actor=actor,
        external_reference=f"{POINTS_PREFIX}{reference.hex}",
    )
    _ensure_no_principal(loan, entry, day)
    redemption = PointsEntry.objects.create(
        borrower=borrower,
        kind=PointsKind.REDEEM,
        points=points,
        on=day,
        source=f"redeem:{reference.hex}",
        loan=loan,
        ledger_entry=entry,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action="repayment.points_redeemed",
        target=redemption,
        payload={"points": points, "value": str(value), "loan": str(loan.reference)},
    )
    return redemption


def _ensure_no_principal(loan: Loan, entry: LedgerEntry, day: date) -> None:
    state = loan_status(loan, as_of=day).state
    principal = sum(
        (row.principal for row in state.allocations if row.entry_id == str(entry.pk)),
        start=Decimal(0),
    )
    if principal > 0:
        # Unreachable by construction; refuse rather than let points repay principal.
        raise Conflict("redemption_reached_principal", "points may pay only fees and interest")


def _on_time_installments(as_of: date) -> list[tuple[int, int, str]]:
    closed = dict(Acceptance.objects.values_list("old_loan_id", "accepted_on"))
    rows = installments_paid_on_time(due_from=as_of - LOOKBACK, due_before=as_of)
    # Points or compensation may have paid an installment off: only the borrower's own
    # money earns points (else redeemed points would earn points).
    credited = loans_with_credits_from(
        (POINTS_PREFIX, COMPENSATION_PREFIX), {row[1] for row in rows}
    )
    return [
        (borrower_id, loan_id, f"installment:{reference.hex}:{n}")
        for borrower_id, loan_id, reference, n, due_date in rows
        if (loan_id not in closed or due_date < closed[loan_id])
        and (loan_id not in credited or _paid_by_borrower(loan_id, n, due_date))
    ]


def _paid_by_borrower(loan_id: int, n: int, due_date: date) -> bool:
    """Tell whether the borrower's own payments by `due_date` cover installments 1..n."""
    loan = loan_with_id(loan_id)
    owed = sum(
        (
            row.fees_due + row.interest_due + row.principal_due
            for row in loan_status(loan, as_of=due_date).state.installments
            if row.n <= n
        ),
        start=Decimal(0),
    )
    paid = sum(
        (amount for _, amount in selectors.borrower_payments(loan, as_of=due_date)),
        start=Decimal(0),
    )
    return paid >= owed


def _finished_plans(as_of: date) -> list[tuple[int, int, str]]:
    plans = Acceptance.objects.values_list("plan_loan_id", flat=True)
    finished = loans_paid_off(plans, before=as_of)
    return [
        (borrower_id, loan_id, f"plan:{reference.hex}")
        for loan_id, borrower_id, reference in finished.values_list(
            "pk", "borrower_id", "reference"
        )
    ]


def _entry(
    borrower_id: int,
    kind: PointsKind,
    points: int,
    on: date,
    source: str,
    loan_id: int | None,
    now: datetime,
) -> PointsEntry:
    return PointsEntry(
        borrower_id=borrower_id,
        kind=kind,
        points=points,
        on=on,
        source=source,
        loan_id=loan_id,
        recorded_at=now,
        recorded_by=ACTOR,
    )
