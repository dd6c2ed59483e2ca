from __future__ import annotations

from datetime import date
from decimal import Decimal

from tactful.money.debits import (
    RetryPolicy,
    debit_lines,
    idempotency_key,
    is_debit_day,
    next_debit_day,
)
from tactful.money.ledger import InstallmentState

D = Decimal


def owing(n: int, due: date, outstanding: str) -> InstallmentState:
    return InstallmentState(n, due, D(0), D(0), D(outstanding), D(0), D(0), D(0), None)


ROWS = [
    owing(1, date(2026, 1, 15), "100.00"),
    owing(2, date(2026, 2, 15), "100.00"),
    owing(3, date(2026, 3, 15), "100.00"),
]


def test_the_debit_covers_what_falls_due_before_the_next_debit_day() -> None:
    lines = debit_lines(ROWS, until=date(2026, 3, 10), maximum=D("1000"))
    assert [(line.n, line.amount) for line in lines] == [(1, D("100.00")), (2, D("100.00"))]
    # A debit day before the due date collects that month's installment early.
    lines = debit_lines(ROWS, until=date(2026, 4, 10), maximum=D("1000"))
    assert [line.n for line in lines] == [1, 2, 3]


def test_the_total_never_exceeds_the_mandate_maximum() -> None:
    lines = debit_lines(ROWS, until=date(2026, 4, 10), maximum=D("150.00"))
    assert [(line.n, line.amount) for line in lines] == [(1, D("100.00")), (2, D("50.00"))]


def test_paid_installments_are_not_collected() -> None:
    paid = InstallmentState(
        1, date(2026, 1, 15), D(0), D(0), D(100), D(0), D(0), D(100), date(2026, 1, 15)
    )
    assert debit_lines([paid], until=date(2026, 2, 1), maximum=D("500")) == []


def test_next_debit_day_is_strictly_after() -> None:
    assert next_debit_day(10, date(2026, 1, 9)) == date(2026, 1, 10)
    assert next_debit_day(10, date(2026, 1, 10)) == date(2026, 2, 10)
    assert next_debit_day(28, date(2026, 12, 28)) == date(2027, 1, 28)
    assert is_debit_day(10, date(2026, 1, 10))
    assert not is_debit_day(10, date(2026, 1, 11))


def test_failures_are_retried_after_the_policy_delays_then_given_up() -> None:
    policy = RetryPolicy(delays_days=(1, 3))
    assert policy.max_attempts == 3
    assert policy.retry_on(1, date(2026, 1, 10), permanent=False) == date(2026, 1, 11)
    assert policy.retry_on(2, date(2026, 1, 11), permanent=False) == date(2026, 1, 14)
    assert policy.retry_on(3, date(2026, 1, 14), permanent=False) is None
    assert policy.retry_on(1, date(2026, 1, 10), permanent=True) is None


def test_each_installment_and_attempt_has_its_own_key() -> None:
    keys = {idempotency_key("m1", n, a) for n in (1, 2) for a in (1, 2)}
    assert len(keys) == 4


def previous(attempt_no: int, on: date, *, succeeded: bool = False, retry_on: date | None = None):
    from tactful.money.debits import PreviousAttempt

    return PreviousAttempt(attempt_no, on, finished=True, succeeded=succeeded, retry_on=retry_on)


def test_a_debit_day_plans_first_attempts_within_the_maximum() -> None:
    from tactful.money.debits import plan_attempts

    planned = plan_attempts(
        ROWS, debit_day=10, maximum=D("250.00"), on=date(2026, 2, 10), previous={}
    )
    assert [(p.n, p.attempt_no, p.amount) for p in planned] == [
        (1, 1, D("100.00")),
        (2, 1, D("100.00")),
    ]


def test_a_failed_attempt_is_retried_on_its_retry_day_only() -> None:
    from tactful.money.debits import plan_attempts

    history = {1: previous(1, date(2026, 2, 10), retry_on=date(2026, 2, 11))}
    on_retry = plan_attempts(
        ROWS[:1], debit_day=10, maximum=D("500"), on=date(2026, 2, 11), previous=history
    )
    assert [(p.n, p.attempt_no) for p in on_retry] == [(1, 2)]
    before = plan_attempts(
        ROWS[:1],
        debit_day=11,
        maximum=D("500"),
        on=date(2026, 2, 10),
        previous={1: previous(1, date(2026, 2, 9), retry_on=date(2026, 2, 12))},
    )
    assert before == []


def test_a_missed_retry_day_is_made_up() -> None:
    from tactful.money.debits import plan_attempts

    history = {1: previous(2, date(2026, 2, 11), retry_on=date(2026, 2, 14))}
    planned = plan_attempts(
        ROWS[:1], debit_day=10, maximum=D("500"), on=date(2026, 2, 16), previous=history
    )
    assert [(p.n, p.attempt_no) for p in planned] == [(1, 3)]


def test_one_attempt_per_installment_per_day_and_none_while_in_flight() -> None:
    from tactful.money.debits import PreviousAttempt, plan_attempts

    today = date(2026, 2, 10)
    tried_today = {1: previous(1, today, succeeded=True)}
    assert (
        plan_attempts(ROWS[:1], debit_day=10, maximum=D("500"), on=today, previous=tried_today)
        == []
    )
    in_flight = {
        1: PreviousAttempt(1, date(2026, 1, 10), finished=False, succeeded=False, retry_on=None)
    }
    assert (
        plan_attempts(ROWS[:1], debit_day=10, maximum=D("500"), on=today, previous=in_flight) == []
    )


def test_a_part_collected_installment_is_collected_again_next_debit_day() -> None:
    from tactful.money.debits import plan_attempts

    history = {1: previous(1, date(2026, 1, 10), succeeded=True)}
    planned = plan_attempts(
        ROWS[:1], debit_day=10, maximum=D("500"), on=date(2026, 2, 10), previous=history
    )
    assert [(p.n, p.attempt_no, p.amount) for p in planned] == [(1, 2, D("100.00"))]
