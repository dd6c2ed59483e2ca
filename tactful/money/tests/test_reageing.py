from __future__ import annotations

from datetime import date
from decimal import Decimal

from tactful.money.ledger import InstallmentState
from tactful.money.pauses import Pause
from tactful.money.reageing import ReageMode, WatchState, reaged_days_past_due, watch

D = Decimal
DUES = [date(2026, 2, 10), date(2026, 3, 10), date(2026, 4, 10), date(2026, 5, 10)]


def plan(*paid: date | None) -> list[InstallmentState]:
    rows = []
    for n, due in enumerate(DUES, start=1):
        paid_on = paid[n - 1] if n - 1 < len(paid) else None
        principal_paid = D(100) if paid_on else D(0)
        rows.append(
            InstallmentState(n, due, D(0), D(0), D(100), D(0), D(0), principal_paid, paid_on)
        )
    return rows


def test_the_watch_passes_when_the_watched_installments_are_paid_in_time() -> None:
    rows = plan(date(2026, 2, 9), date(2026, 3, 10), date(2026, 4, 1))
    state = watch(rows, 3, date(2026, 4, 2), [])
    assert state.state is WatchState.PASSED
    assert state.decided_on == date(2026, 4, 1)


def test_the_watch_goes_on_until_the_last_watched_installment() -> None:
    rows = plan(date(2026, 2, 9))
    assert watch(rows, 3, date(2026, 3, 5), []).state is WatchState.WATCHING


def test_a_late_watched_installment_fails_the_watch_the_day_after_its_due_date() -> None:
    rows = plan(date(2026, 2, 9))
    state = watch(rows, 3, date(2026, 3, 11), [])
    assert state.state is WatchState.FAILED
    assert state.decided_on == date(2026, 3, 11)
    # Paying later does not undo it.
    late = plan(date(2026, 2, 9), date(2026, 3, 12), date(2026, 4, 1))
    assert watch(late, 3, date(2026, 4, 2), []).state is WatchState.FAILED


def test_a_due_date_inside_a_pause_may_be_paid_until_the_pause_ends() -> None:
    rows = plan(date(2026, 2, 9), date(2026, 3, 20))
    pauses = [Pause(date(2026, 3, 1), date(2026, 3, 25))]
    assert watch(rows, 2, date(2026, 3, 21), pauses).state is WatchState.PASSED


def test_on_acceptance_shows_only_the_plans_own_days() -> None:
    state = watch(plan(), 3, date(2026, 2, 20), [])
    days = reaged_days_past_due(
        ReageMode.ON_ACCEPTANCE, plan_days_past_due=10, carried_days_past_due=95, state=state
    )
    assert days == 10


def test_after_watch_carries_the_days_until_the_watch_passes() -> None:
    watching = watch(plan(date(2026, 2, 9)), 3, date(2026, 3, 1), [])
    assert (
        reaged_days_past_due(
            ReageMode.AFTER_WATCH, plan_days_past_due=0, carried_days_past_due=95, state=watching
        )
        == 95
    )
    failed = watch(plan(), 3, date(2026, 2, 20), [])
    assert (
        reaged_days_past_due(
            ReageMode.AFTER_WATCH, plan_days_past_due=10, carried_days_past_due=95, state=failed
        )
        == 105
    )
    passed = watch(plan(*DUES[:3]), 3, date(2026, 4, 20), [])
    assert (
        reaged_days_past_due(
            ReageMode.AFTER_WATCH, plan_days_past_due=0, carried_days_past_due=95, state=passed
        )
        == 0
    )
