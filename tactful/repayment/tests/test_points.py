from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tactful.errors import InvalidInput
from tactful.loans.models import LedgerEntry
from tactful.loans.selectors import loan_status
from tactful.loans.services import charge_fee, post_payment
from tactful.repayment import selectors, services
from tactful.repayment.models import PointsEntry
from tactful.repayment.rules import configured_rules
from tactful.testing.personas import make_overdue_loan

D = Decimal


@pytest.fixture
def punctual_loan(borrower, today):
    """A loan whose first installment (due 10 days ago) was paid two days early."""
    loan = make_overdue_loan(borrower, external_id="l-punctual", days_ago=40)
    first = loan.installments.get(n=1)
    post_payment(
        loan=loan, amount=D("1100.16"), value_date=first.due_date - timedelta(2), actor="t"
    )
    return loan


def balance(borrower, today):
    return selectors.points_balance(borrower, as_of=today, rules=configured_rules())


def test_an_installment_paid_on_time_earns_points_once(borrower, punctual_loan, today) -> None:
    assert services.award_points(as_of=today) == 1
    assert services.award_points(as_of=today) == 0
    entry = PointsEntry.objects.get()
    assert (entry.kind, entry.points, entry.loan) == ("earn", 100, punctual_loan)
    assert balance(borrower, today).points == 100


def test_a_late_installment_earns_nothing(borrower, loan, today) -> None:
    post_payment(loan=loan, amount=D("1100.16"), value_date=today, actor="t")
    assert services.award_points(as_of=today) == 0


@pytest.mark.parametrize("reference", ["points:00ff", "compensation:C-2026-000001"])
def test_an_installment_paid_off_by_points_or_compensation_earns_nothing(
    borrower, today, reference
) -> None:
    """Else redeemed points would earn points, and compensation would read as punctuality."""
    loan = make_overdue_loan(borrower, external_id="l-credited", days_ago=40)
    first = loan.installments.get(n=1)
    early = first.due_date - timedelta(2)
    post_payment(loan=loan, amount=D("600.00"), value_date=early, actor="t")
    post_payment(
        loan=loan, amount=D("500.16"), value_date=early, actor="t", external_reference=reference
    )
    assert services.award_points(as_of=today) == 0


def test_the_borrowers_own_money_still_earns_beside_a_later_credit(
    borrower, punctual_loan, today
) -> None:
    post_payment(
        loan=punctual_loan,
        amount=D("50.00"),
        value_date=today,
        actor="t",
        external_reference="compensation:C-2026-000002",
    )
    assert services.award_points(as_of=today) == 1


def test_installments_settled_by_a_restructuring_earn_nothing(borrower, loan, today) -> None:
    [offer] = services.price_offers(
        loan=loan, request=services.OfferRequest(months=6), actor="t", today=today
    )
    services.accept_offer(offer=offer, actor="t", confirmed_via="integrator", today=today)
    assert services.award_points(as_of=today + timedelta(days=40)) == 0


def test_completing_a_plan_earns_the_bonus(borrower, loan, today) -> None:
    [offer] = services.price_offers(
        loan=loan, request=services.OfferRequest(months=3), actor="t", today=today
    )
    plan = services.accept_offer(
        offer=offer, actor="t", confirmed_via="integrator", today=today
    ).plan_loan
    post_payment(
        loan=plan, amount=loan_status(plan, as_of=today).outstanding, value_date=today, actor="t"
    )
    services.award_points(as_of=today + timedelta(days=1))
    bonus = PointsEntry.objects.get(kind="bonus")
    assert (bonus.points, bonus.loan) == (1000, plan)


def test_points_pay_fees_and_interest_never_principal(borrower, punctual_loan, today) -> None:
    services.award_points(as_of=today)
    PointsEntry.objects.create(
        borrower=borrower,
        kind="bonus",
        points=20000,
        on=today,
        source="test",
        recorded_at=timezone.now(),
        recorded_by="t",
    )
    charge_fee(loan=punctual_loan, installment_n=2, amount=D("5.00"), value_date=today, actor="t")
    second = loan_status(punctual_loan, as_of=today).state.installments[1]
    cap = second.fees_due + second.interest_due
    redemption = services.redeem_points(
        borrower=borrower, loan=punctual_loan, points=int(cap * 100), actor="b", today=today
    )
    entry = redemption.ledger_entry
    assert entry is not None
    assert entry.amount == cap
    assert entry.external_reference.startswith("points:")
    state = loan_status(punctual_loan, as_of=today).state
    allocated = [row for row in state.allocations if row.entry_id == str(entry.pk)]
    assert sum(row.principal for row in allocated) == 0
    assert balance(borrower, today).points == 20100 - int(cap * 100)


@pytest.mark.parametrize(
    ("points", "code"),
    [(50, "below_minimum_redemption"), (999999, "not_enough_points"), (0, "invalid_points")],
)
def test_bad_redemptions_are_refused_and_nothing_stored(
    borrower, punctual_loan, today, points, code
) -> None:
    services.award_points(as_of=today)
    entries = LedgerEntry.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.redeem_points(
            borrower=borrower, loan=punctual_loan, points=points, actor="b", today=today
        )
    assert refused.value.code == code
    assert LedgerEntry.objects.count() == entries
    assert not PointsEntry.objects.filter(kind="redeem").exists()


def test_a_redemption_larger_than_the_fees_and_interest_due_is_refused(
    borrower, punctual_loan, today
) -> None:
    PointsEntry.objects.create(
        borrower=borrower,
        kind="bonus",
        points=1_000_000,
        on=today,
        source="test",
        recorded_at=timezone.now(),
        recorded_by="t",
    )
    with pytest.raises(InvalidInput) as refused:
        services.redeem_points(
            borrower=borrower, loan=punctual_loan, points=500_000, actor="b", today=today
        )
    assert refused.value.code == "redemption_above_fees_and_interest"


def test_expired_points_are_written_down_once(borrower, punctual_loan, today) -> None:
    services.award_points(as_of=today)
    later = today + timedelta(days=400)
    assert services.record_expiries(as_of=later) == 1
    assert services.record_expiries(as_of=later) == 0
    assert PointsEntry.objects.get(kind="expire").points == 100
    assert balance(borrower, later).points == 0
