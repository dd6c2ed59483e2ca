from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tactful.contacts.models import Hold
from tactful.errors import Conflict, InvalidInput
from tactful.loans.services import post_payment
from tactful.repayment import selectors, services
from tactful.repayment.models import PromiseOutcome, PromiseToPay

D = Decimal


def promise(loan, today, amount="500.00", in_days=5, **kwargs):
    return services.record_promise(
        loan=loan,
        amount=D(amount),
        due_on=today + timedelta(days=in_days),
        channel=kwargs.pop("channel", "portal"),
        actor="borrower:1",
        today=today,
    )


def test_a_promise_holds_contact_until_its_day(loan, today) -> None:
    row = promise(loan, today)
    hold = Hold.objects.get(loan=loan, kind="promise_to_pay")
    assert hold.ends_at is not None
    assert hold.ends_at.date() in (row.due_on - timedelta(days=1), row.due_on)
    assert selectors.contact_suppressed_until(loan, today=today) == row.due_on


def test_a_promise_kept_by_payments_in_its_window(loan, today) -> None:
    row = promise(loan, today)
    post_payment(loan=loan, amount=D("300.00"), value_date=today, actor="test")
    post_payment(loan=loan, amount=D("200.00"), value_date=today, actor="test")
    assert selectors.promises_of(loan, as_of=today)[0].state == "kept"
    assert services.settle_promises(as_of=row.due_on + timedelta(days=1)) == 1
    outcome = PromiseOutcome.objects.get(promise=row)
    assert (outcome.state, outcome.paid) == ("kept", D("500.00"))


@pytest.mark.parametrize(
    "reference", ["compensation:C-2026-000001", "points:ab12", "restructure:cd"]
)
def test_credits_that_are_not_the_borrowers_money_never_keep_a_promise(
    loan, today, reference
) -> None:
    """Complaint compensation, points and a plan's closing lower the debt but are not paid."""
    promise(loan, today)
    post_payment(
        loan=loan, amount=D("500.00"), value_date=today, actor="test", external_reference=reference
    )
    [view] = selectors.promises_of(loan, as_of=today)
    assert (view.state, view.paid) == ("pending", D("0"))


def test_a_broken_promise_is_detected_the_day_after(loan, today) -> None:
    row = promise(loan, today)
    post_payment(loan=loan, amount=D("100.00"), value_date=today, actor="test")
    assert services.settle_promises(as_of=row.due_on) == 0
    assert services.settle_promises(as_of=row.due_on + timedelta(days=1)) == 1
    outcome = PromiseOutcome.objects.get(promise=row)
    assert (outcome.state, outcome.decided_on) == ("broken", row.due_on + timedelta(days=1))
    # Running again records nothing more.
    assert services.settle_promises(as_of=row.due_on + timedelta(days=2)) == 0
    assert selectors.contact_suppressed_until(loan, today=row.due_on + timedelta(1)) is None


def test_the_settlement_task_runs_the_service(loan, today) -> None:
    from tactful.repayment.tasks import settle_due_promises

    row = promise(loan, today, in_days=0)
    settle_due_promises.enqueue((today + timedelta(days=1)).isoformat())
    assert PromiseOutcome.objects.get(promise=row).state == "broken"


@pytest.mark.parametrize(
    ("amount", "in_days", "code"),
    [
        ("0", 3, "invalid_amount"),
        ("-5", 3, "invalid_amount"),
        ("12.345", 3, "invalid_amount"),
        ("99999999.00", 3, "promise_above_outstanding"),
        ("100.00", -1, "promise_in_past"),
        ("100.00", 15, "promise_too_far"),
    ],
)
def test_bad_promises_are_refused_and_nothing_stored(loan, today, amount, in_days, code) -> None:
    with pytest.raises(InvalidInput) as refused:
        promise(loan, today, amount=amount, in_days=in_days)
    assert refused.value.code == code
    assert not PromiseToPay.objects.exists()
    assert not Hold.objects.exists()


def test_one_open_promise_at_a_time(loan, today) -> None:
    promise(loan, today)
    with pytest.raises(Conflict) as refused:
        promise(loan, today, amount="50.00")
    assert refused.value.code == "promise_pending"
    assert PromiseToPay.objects.count() == 1


def test_an_unknown_channel_is_refused(loan, today) -> None:
    with pytest.raises(InvalidInput):
        promise(loan, today, channel="carrier_pigeon")
    assert not PromiseToPay.objects.exists()
