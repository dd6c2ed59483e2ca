from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tactful.money import Due, Entry, EntryKind, replay
from tactful.money.tests.strategies import ledgers
from tactful.screening.columns import BEHAVIOUR_COLUMNS
from tactful.screening.ledger import behaviour_from_ledger, ledger_reading, loan_cycles

OPENED = date(2025, 1, 1)
AS_OF = date(2025, 7, 15)
DUES = [
    Due(n=n, due_date=date(2025, n + 1, 1), principal=Decimal(1000), interest=Decimal(50))
    for n in range(1, 7)
]


def payment(n, on, amount="1050.00"):
    return Entry(f"p{n}", EntryKind.PAYMENT, on, Decimal(amount))


def statuses(entries, as_of=AS_OF):
    return [cycle.status for cycle in loan_cycles(DUES, entries, opened_on=OPENED, as_of=as_of)]


def test_a_punctual_loan_reads_as_paid_as_agreed_every_month():
    entries = [payment(due.n, due.due_date) for due in DUES]

    assert statuses(entries) == [-1, -1, -1, -1, -1, -1]


def test_a_loan_that_stopped_paying_reads_as_months_late():
    entries = [payment(due.n, due.due_date) for due in DUES[:3]]  # paid Feb, Mar, Apr

    # May 1 unpaid: 75 days late on Jul 15, 45 on Jun 15, 14 on May 15.
    assert statuses(entries) == [3, 2, 1, -1, -1, -1]


def test_months_before_the_loan_existed_read_as_nothing_owed():
    entries = [payment(1, date(2025, 2, 1))]

    # Mar 1 is unpaid on Mar 15; nothing fell due by Jan 15; the loan began on Jan 1.
    assert statuses(entries, as_of=date(2025, 3, 15)) == [1, -1, 0, -2, -2, -2]


def test_payments_count_in_their_month_and_reversed_ones_do_not():
    entries = [
        payment(1, date(2025, 7, 1)),
        payment(2, date(2025, 6, 20), "300.00"),
        Entry("r2", EntryKind.REVERSAL, date(2025, 6, 25), Decimal("300.00"), reverses="p2"),
    ]

    cycles = loan_cycles(DUES, entries, opened_on=OPENED, as_of=AS_OF)

    # Both were valued within Jun 15..Jul 15; the reversed one does not count.
    assert cycles[0].paid == Decimal("1050.00")


def test_a_reversal_after_the_statement_still_removes_the_payment():
    entries = [
        payment(2, date(2025, 6, 20), "300.00"),
        Entry("r2", EntryKind.REVERSAL, date(2025, 7, 10), Decimal("300.00"), reverses="p2"),
    ]

    cycles = loan_cycles(DUES, entries, opened_on=OPENED, as_of=AS_OF)

    assert cycles[0].paid == Decimal(0)


def test_the_bill_is_what_closes_the_loan_on_the_statement_date():
    cycles = loan_cycles(DUES, [], opened_on=OPENED, as_of=date(2025, 2, 15))

    # All principal, plus the interest of the one installment already due.
    assert cycles[0].bill == Decimal("6050")


def test_the_row_has_every_model_column_with_amounts_scaled():
    row = behaviour_from_ledger(
        DUES, [], opened_on=OPENED, as_of=AS_OF, limit=Decimal(6000), currency="CNY"
    )

    assert set(row) == set(BEHAVIOUR_COLUMNS)
    assert row["LIMIT_BAL"] == pytest.approx(6000 * 4.4)
    assert row["PAY_0"] == 6  # Feb 1 unpaid: 164 days on Jul 15


@settings(max_examples=150, deadline=None)
@given(ledgers(), st.integers(-90, 900), st.integers(-400, 400))
def test_one_reading_gives_todays_ledger_and_the_months_two_replays_give(
    ledger, day, opened
) -> None:
    """A plan reads a loan once: today's state must be what replaying to today gives, and
    the months what `loan_cycles` gave before it shared that replay."""
    dues, entries = ledger
    as_of = dues[0].due_date + timedelta(days=day)
    opened_on = dues[0].due_date + timedelta(days=opened)
    today, cycles = ledger_reading(dues, entries, opened_on=opened_on, as_of=as_of)
    assert today == replay(dues, entries, as_of)
    assert cycles == _cycles_replayed_month_by_month(dues, entries, opened_on, as_of)


def _cycles_replayed_month_by_month(dues, entries, opened_on, as_of):
    """The months read the slow way: one whole replay per statement date."""
    from tactful.money import add_months, days_past_due
    from tactful.screening.ledger import MonthlyCycle, _bill, _paid_between, _reversed_by

    reversed_ids = _reversed_by(entries, as_of)
    cycles = []
    for month in range(6):
        end, start = add_months(as_of, -month), add_months(as_of, -month - 1)
        if end < opened_on:
            cycles.append(MonthlyCycle(end, -2, Decimal(0), Decimal(0)))
            continue
        installments = replay(dues, entries, end).installments
        late = days_past_due(installments, end)
        if late > 0:
            status = min(-(-late // 30), 8)
        elif any(start < i.due_date <= end for i in installments):
            status = -1
        else:
            status = -2 if all(i.outstanding == 0 for i in installments) else 0
        paid = _paid_between(entries, reversed_ids, start, end)
        cycles.append(MonthlyCycle(end, status, _bill(installments, end), paid))
    return cycles
