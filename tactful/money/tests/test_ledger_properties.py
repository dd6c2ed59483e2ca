from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tactful.money import Due, Entry, EntryKind, days_past_due, replay
from tactful.money.tests.strategies import dues_from, ledgers, schedules

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


def end_of(dues: list[Due]) -> date:
    return max(due.due_date for due in dues) + timedelta(days=400)


@PROPERTY_SETTINGS
@given(schedules(), st.integers(min_value=-30, max_value=30))
def test_paying_every_installment_leaves_nothing_owed(schedule, offset_days) -> None:
    dues = dues_from(schedule)
    entries = [
        Entry(
            f"p{due.n}",
            EntryKind.PAYMENT,
            due.due_date + timedelta(days=offset_days),
            due.principal + due.interest,
        )
        for due in dues
    ]
    ledger = replay(dues, entries, end_of(dues))
    assert ledger.total_outstanding == 0
    assert ledger.principal_outstanding == 0
    assert ledger.unapplied == 0
    assert all(i.is_paid and i.paid_off_on is not None for i in ledger.installments)
    assert days_past_due(ledger.installments, end_of(dues)) == 0


@PROPERTY_SETTINGS
@given(schedules(), st.data())
def test_unpaid_loan_falls_one_day_further_behind_each_day(schedule, data) -> None:
    dues = dues_from(schedule)
    # Rounding can leave tiny loans with early installments that ask for nothing.
    first_due = next(due.due_date for due in dues if due.principal + due.interest > 0)
    day = first_due + timedelta(days=data.draw(st.integers(min_value=-5, max_value=400)))
    today = days_past_due(replay(dues, [], day).installments, day)
    tomorrow_day = day + timedelta(days=1)
    tomorrow = days_past_due(replay(dues, [], tomorrow_day).installments, tomorrow_day)
    assert tomorrow >= today
    if tomorrow_day > first_due:
        assert tomorrow == today + 1 == (tomorrow_day - first_due).days
    else:
        assert today == tomorrow == 0


@PROPERTY_SETTINGS
@given(ledgers(), st.data())
def test_reversal_restores_the_state_without_the_entry(ledger, data) -> None:
    dues, entries = ledger
    reversed_ids = {e.reverses for e in entries if e.kind is EntryKind.REVERSAL}
    candidates = [
        e for e in entries if e.kind is not EntryKind.REVERSAL and e.entry_id not in reversed_ids
    ]
    if not candidates:
        return
    target = data.draw(st.sampled_from(candidates))
    reversal_day = target.value_date + timedelta(days=data.draw(st.integers(0, 90)))
    reversal = Entry(
        "reversal", EntryKind.REVERSAL, reversal_day, Decimal(0), reverses=target.entry_id
    )
    as_of = reversal_day + timedelta(days=data.draw(st.integers(0, 400)))
    without = [
        e for e in entries if e.entry_id != target.entry_id and e.reverses != target.entry_id
    ]
    assert replay(dues, [*entries, reversal], as_of) == replay(dues, without, as_of)


@PROPERTY_SETTINGS
@given(ledgers(), st.data())
def test_allocations_never_exceed_what_is_due(ledger, data) -> None:
    dues, entries = ledger
    as_of = dues[0].due_date + timedelta(days=data.draw(st.integers(-40, 1200)))
    state = replay(dues, entries, as_of)
    reversed_by_then = {
        e.reverses for e in entries if e.kind is EntryKind.REVERSAL and e.value_date <= as_of
    }
    paid_in = sum(
        (
            e.amount
            for e in entries
            if e.kind is EntryKind.PAYMENT
            and e.value_date <= as_of
            and e.entry_id not in reversed_by_then
        ),
        start=Decimal(0),
    )
    allocated = sum((a.total for a in state.allocations), start=Decimal(0))
    assert allocated + state.unapplied == paid_in
    assert state.unapplied >= 0
    for allocation in state.allocations:
        assert min(allocation.fees, allocation.interest, allocation.principal) >= 0
    for installment in state.installments:
        assert 0 <= installment.fees_paid <= installment.fees_due
        assert 0 <= installment.interest_paid <= installment.interest_due
        assert 0 <= installment.principal_paid <= installment.principal_due
        if installment.paid_off_on is not None:
            assert installment.is_paid
            assert installment.paid_off_on <= as_of
        elif installment.is_paid:
            # Only an installment that never asked for anything, and is not yet due.
            assert installment.due_date > as_of
    if state.unapplied > 0:
        # Credit exists only once the whole schedule was paid; later fees may still be owed.
        assert state.principal_outstanding == 0
        assert all(i.interest_paid == i.interest_due for i in state.installments)


@PROPERTY_SETTINGS
@given(ledgers(), st.data())
def test_replay_does_not_depend_on_the_order_of_different_days(ledger, data) -> None:
    dues, entries = ledger
    shuffled = data.draw(st.permutations(entries))
    # Same-day entries keep their relative order, which is what makes replay deterministic.
    stable = sorted(shuffled, key=lambda e: [x.entry_id for x in entries].index(e.entry_id))
    assert replay(dues, stable, end_of(dues)) == replay(dues, entries, end_of(dues))
