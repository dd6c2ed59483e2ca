from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tactful.money.promises import (
    Promise,
    PromiseError,
    PromiseState,
    check_new_promise,
    promise_state,
)

D = Decimal
PROMISE = Promise(amount=D("500.00"), made_on=date(2026, 3, 1), due_on=date(2026, 3, 10))


def test_a_promise_is_pending_until_its_day() -> None:
    assert promise_state(PROMISE, [], date(2026, 3, 10)) is PromiseState.PENDING


def test_a_promise_is_kept_once_enough_is_paid_in_its_window() -> None:
    payments = [(date(2026, 3, 2), D("200.00")), (date(2026, 3, 10), D("300.00"))]
    assert promise_state(PROMISE, payments, date(2026, 3, 10)) is PromiseState.KEPT


def test_a_promise_is_broken_the_day_after_its_day() -> None:
    payments = [(date(2026, 3, 2), D("200.00")), (date(2026, 3, 11), D("300.00"))]
    assert promise_state(PROMISE, payments, date(2026, 3, 11)) is PromiseState.BROKEN


def test_payments_before_the_promise_do_not_count() -> None:
    payments = [(date(2026, 2, 28), D("500.00"))]
    assert promise_state(PROMISE, payments, date(2026, 3, 11)) is PromiseState.BROKEN


@pytest.mark.parametrize(
    ("promise", "code"),
    [
        (Promise(D(0), date(2026, 3, 1), date(2026, 3, 5)), "invalid_amount"),
        (Promise(D("1000.01"), date(2026, 3, 1), date(2026, 3, 5)), "promise_above_outstanding"),
        (Promise(D("10"), date(2026, 3, 1), date(2026, 2, 28)), "promise_in_past"),
        (Promise(D("10"), date(2026, 3, 1), date(2026, 4, 1)), "promise_too_far"),
    ],
)
def test_promises_breaking_a_rule_are_refused(promise: Promise, code: str) -> None:
    with pytest.raises(PromiseError) as refused:
        check_new_promise(
            promise, outstanding=D("1000.00"), today=date(2026, 3, 1), max_days_ahead=30
        )
    assert refused.value.code == code
