"""Payment histories are planned without the database: plain tables in, postings out."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tactful.demo.histories import (
    GRACE_DAYS,
    RETURNED_PAYMENT_FEE,
    Behaviour,
    DueInstallment,
    Posting,
    late_fee,
    plan_history,
)
from tactful.money import add_months

TODAY = date(2025, 6, 30)
# Twelve monthly installments, the first due a year before TODAY.
DUES = [
    DueInstallment(n, add_months(date(2024, 6, 15), n), Decimal("1000.00")) for n in range(1, 13)
]
DUE_BY_TODAY = [due for due in DUES if due.due_date <= TODAY]


def plan(behaviour: Behaviour, seed: int = 1) -> list[Posting]:
    return plan_history(dues=DUES, behaviour=behaviour, rng=random.Random(seed), today=TODAY)


@pytest.mark.parametrize("behaviour", list(Behaviour))
@pytest.mark.parametrize("seed", range(10))
def test_no_posting_is_after_today_and_they_come_in_date_order(behaviour, seed):
    postings = plan(behaviour, seed)

    dates = [posting.value_date for posting in postings]
    assert dates == sorted(dates)
    assert all(value_date <= TODAY for value_date in dates)
    assert all(p.amount > 0 for p in postings if p.kind != "reversal")


def test_a_prompt_payer_pays_each_due_installment_by_its_due_date():
    postings = plan(Behaviour.PROMPT)

    assert [p.kind for p in postings] == ["payment"] * len(DUE_BY_TODAY)
    for posting, due in zip(postings, DUE_BY_TODAY, strict=True):
        assert due.due_date - timedelta(days=3) <= posting.value_date <= due.due_date
        assert posting.amount == due.amount


@pytest.mark.parametrize("seed", range(10))
def test_a_late_payer_pays_the_late_fee_with_the_installment(seed):
    postings = plan(Behaviour.LATE, seed)

    fees = {p.key: p for p in postings if p.kind == "fee"}
    for fee in fees.values():
        due = DUES[fee.installment_n - 1]
        assert fee.value_date == due.due_date + timedelta(days=GRACE_DAYS)
        assert fee.amount == late_fee(due.amount)
    late_payments = [p for p in postings if p.kind == "payment" and p.amount > Decimal("1000.00")]
    assert len(late_payments) <= len(fees)
    assert all(p.amount == Decimal("1000.00") + Decimal("50.00") for p in late_payments)


def test_a_partial_payer_pays_the_same_share_of_every_installment():
    postings = plan(Behaviour.PARTIAL)

    amounts = {p.amount for p in postings}
    assert len(amounts) == 1
    assert Decimal("400.00") <= amounts.pop() <= Decimal("850.00")
    assert len(postings) == len(DUE_BY_TODAY)


@pytest.mark.parametrize("seed", range(10))
def test_a_stopped_payer_pays_a_run_of_installments_then_is_charged_a_fee(seed):
    postings = plan(Behaviour.STOPPED, seed)

    payments = [p for p in postings if p.kind == "payment"]
    assert [p.key for p in payments] == [f"pay-{n}" for n in range(1, len(payments) + 1)]
    fees = [p for p in postings if p.kind == "fee"]
    assert [fee.installment_n for fee in fees] in ([], [len(payments) + 1])


@pytest.mark.parametrize("seed", range(10))
def test_a_bounced_payment_is_reversed_charged_for_and_paid_again(seed):
    postings = plan(Behaviour.BOUNCED, seed)

    (reversal,) = [p for p in postings if p.kind == "reversal"]
    bounced = next(p for p in postings if p.key == reversal.reverses)
    assert bounced.kind == "payment"
    assert reversal.value_date == bounced.value_date + timedelta(days=2)
    (fee,) = [p for p in postings if p.kind == "fee"]
    assert fee.amount == RETURNED_PAYMENT_FEE
    repayments = [p for p in postings if p.key.startswith("repay-")]
    assert all(p.amount == Decimal("1000.00") + RETURNED_PAYMENT_FEE for p in repayments)


def test_nothing_is_planned_before_the_first_installment_falls_due():
    for behaviour in Behaviour:
        postings = plan_history(
            dues=DUES, behaviour=behaviour, rng=random.Random(1), today=date(2024, 7, 1)
        )
        assert postings == []
