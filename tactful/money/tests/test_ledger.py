from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tactful.money import (
    Allocation,
    Due,
    Entry,
    EntryKind,
    LedgerError,
    LedgerState,
    replay,
)

D = Decimal
FEB, MAR, APR = date(2026, 2, 15), date(2026, 3, 15), date(2026, 4, 15)
DUES = [
    Due(1, FEB, principal=D("100.00"), interest=D("10.00")),
    Due(2, MAR, principal=D("100.00"), interest=D("8.00")),
    Due(3, APR, principal=D("100.00"), interest=D("5.00")),
]
LATER = date(2026, 12, 31)


def pay(entry_id: str, day: date, amount: str) -> Entry:
    return Entry(entry_id, EntryKind.PAYMENT, day, D(amount))


def fee(entry_id: str, day: date, amount: str, installment: int = 1) -> Entry:
    return Entry(entry_id, EntryKind.FEE, day, D(amount), installment=installment)


def waive(entry_id: str, day: date, amount: str, installment: int = 1) -> Entry:
    return Entry(entry_id, EntryKind.WAIVER, day, D(amount), installment=installment)


def reverse(entry_id: str, day: date, target: str) -> Entry:
    return Entry(entry_id, EntryKind.REVERSAL, day, D(0), reverses=target)


def state(*entries: Entry, as_of: date = LATER) -> LedgerState:
    return replay(DUES, entries, as_of)


def test_nothing_paid_owes_everything() -> None:
    ledger = state()
    assert ledger.total_outstanding == D("323.00")
    assert ledger.principal_outstanding == D("300.00")
    assert ledger.unapplied == 0
    assert ledger.allocations == ()
    assert [i.paid_off_on for i in ledger.installments] == [None, None, None]


def test_total_due_counts_only_installments_due_by_as_of() -> None:
    assert state(as_of=MAR).total_due_as_of == D("218.00")
    assert state(as_of=date(2026, 3, 14)).total_due_as_of == D("110.00")


def test_payment_pays_fees_then_interest_then_principal() -> None:
    ledger = state(fee("f", FEB, "3.00"), pay("p", date(2026, 2, 20), "20.00"))
    assert ledger.allocations == (Allocation("p", 1, D("3.00"), D("10.00"), D("7.00")),)
    first = ledger.installments[0]
    assert (first.fees_paid, first.interest_paid, first.principal_paid) == (
        D("3.00"),
        D("10.00"),
        D("7.00"),
    )
    assert first.outstanding == D("93.00")


def test_partial_payment_stops_inside_the_waterfall() -> None:
    ledger = state(fee("f", FEB, "3.00"), pay("p", date(2026, 2, 20), "5.00"))
    assert ledger.allocations == (Allocation("p", 1, D("3.00"), D("2.00"), D(0)),)


def test_oldest_installment_is_paid_first() -> None:
    ledger = state(pay("p", date(2026, 3, 20), "250.00"))
    assert [(a.n, a.fees, a.interest, a.principal) for a in ledger.allocations] == [
        (1, D(0), D("10.00"), D("100.00")),
        (2, D(0), D("8.00"), D("100.00")),
        (3, D(0), D("5.00"), D("27.00")),
    ]
    assert [i.paid_off_on for i in ledger.installments] == [date(2026, 3, 20)] * 2 + [None]


def test_arrears_fees_come_before_the_next_installment() -> None:
    ledger = state(fee("f", MAR, "4.00", installment=2), pay("p", date(2026, 3, 20), "112.00"))
    assert [(a.n, a.fees, a.interest, a.principal) for a in ledger.allocations] == [
        (1, D(0), D("10.00"), D("100.00")),
        (2, D("2.00"), D(0), D(0)),
    ]


def test_early_payment_prepays_future_installments_in_due_order() -> None:
    ledger = state(pay("p", date(2026, 1, 20), "150.00"))
    assert [(a.n, a.interest, a.principal) for a in ledger.allocations] == [
        (1, D("10.00"), D("100.00")),
        (2, D("8.00"), D("32.00")),
    ]
    assert ledger.installments[0].paid_off_on == date(2026, 1, 20)
    assert ledger.installments[1].paid_off_on is None


def test_dues_are_ordered_by_due_date_not_by_list_order() -> None:
    ledger = replay(list(reversed(DUES)), [pay("p", FEB, "110.00")], LATER)
    assert [i.n for i in ledger.installments] == [1, 2, 3]
    assert ledger.allocations[0].n == 1


def test_overpayment_is_kept_as_unapplied_credit() -> None:
    ledger = state(pay("p", FEB, "400.00"))
    assert ledger.total_outstanding == 0
    assert ledger.unapplied == D("77.00")
    assert all(i.is_paid for i in ledger.installments)


def test_payment_after_payoff_is_all_unapplied() -> None:
    ledger = state(pay("p1", FEB, "323.00"), pay("p2", MAR, "5.00"))
    assert ledger.unapplied == D("5.00")
    assert {a.entry_id for a in ledger.allocations} == {"p1"}


def test_same_day_entries_apply_in_given_order() -> None:
    # The payment comes first, so the fee charged later that day is still owed.
    ledger = state(pay("p", FEB, "110.00"), fee("f", FEB, "5.00"))
    assert ledger.installments[0].fees_paid == 0
    assert ledger.installments[0].outstanding == D("5.00")
    assert ledger.installments[0].paid_off_on is None


def test_entries_apply_in_value_date_order_whatever_the_list_order() -> None:
    in_order = state(fee("f", FEB, "5.00"), pay("p", MAR, "20.00"))
    shuffled = state(pay("p", MAR, "20.00"), fee("f", FEB, "5.00"))
    assert in_order == shuffled


def test_fee_on_a_paid_installment_reopens_it() -> None:
    ledger = state(pay("p", FEB, "110.00"), fee("f", MAR, "5.00"))
    assert ledger.installments[0].paid_off_on is None
    settled = state(pay("p", FEB, "110.00"), fee("f", MAR, "5.00"), pay("q", APR, "5.00"))
    assert settled.installments[0].paid_off_on == APR


def test_waiver_reduces_unpaid_fees() -> None:
    ledger = state(fee("f", FEB, "20.00"), waive("w", MAR, "15.00"))
    assert ledger.installments[0].fees_due == D("5.00")


def test_waiver_never_takes_fees_below_zero() -> None:
    ledger = state(fee("f", FEB, "20.00"), waive("w", MAR, "30.00"))
    assert ledger.installments[0].fees_due == 0


def test_waiver_does_not_refund_paid_fees() -> None:
    ledger = state(fee("f", FEB, "20.00"), pay("p", FEB, "12.00"), waive("w", MAR, "20.00"))
    first = ledger.installments[0]
    assert (first.fees_due, first.fees_paid) == (D("12.00"), D("12.00"))


def test_waiver_can_complete_an_installment() -> None:
    late_fee = fee("f", date(2026, 2, 20), "5.00")
    ledger = state(pay("p", FEB, "110.00"), late_fee, waive("w", MAR, "5.00"))
    assert ledger.installments[0].paid_off_on == MAR


def test_reversal_cancels_a_payment_from_its_value_date() -> None:
    entries = (pay("p", FEB, "110.00"), reverse("r", MAR, "p"))
    before = state(*entries, as_of=date(2026, 3, 14))
    assert before.installments[0].paid_off_on == FEB
    after = state(*entries, as_of=MAR)
    assert after == state(as_of=MAR)


def test_reversal_cancels_a_fee_and_a_waiver() -> None:
    ledger = state(fee("f", FEB, "9.00"), waive("w", FEB, "4.00"), reverse("r", MAR, "w"))
    assert ledger.installments[0].fees_due == D("9.00")
    ledger = state(fee("f", FEB, "9.00"), reverse("r", MAR, "f"))
    assert ledger.installments[0].fees_due == 0


def test_entries_after_as_of_are_ignored() -> None:
    assert state(pay("p", MAR, "50.00"), as_of=FEB) == state(as_of=FEB)


def test_empty_installment_is_settled_on_its_due_date() -> None:
    dues = [Due(1, FEB, D(0), D(0)), Due(2, MAR, D("10.00"), D(0))]
    assert replay(dues, [], FEB).installments[0].paid_off_on == FEB
    assert replay(dues, [], date(2026, 2, 1)).installments[0].paid_off_on is None


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([reverse("r", MAR, "missing")], "which is not in the ledger"),
        (
            [pay("p", FEB, "1"), reverse("r1", MAR, "p"), reverse("r2", APR, "p")],
            "which 'r1' already reversed",
        ),
        (
            [pay("p", FEB, "1"), reverse("r1", MAR, "p"), reverse("r2", APR, "r1")],
            "reverse reversal",
        ),
        ([pay("p", MAR, "1"), reverse("r", FEB, "p")], "before the entry it reverses"),
        ([pay("p", FEB, "-1")], "must not be negative"),
        ([fee("f", FEB, "-1")], "must not be negative"),
        ([pay("p", FEB, "NaN")], "finite"),
        ([fee("f", FEB, "1", installment=9)], "installment 9, which is not in the schedule"),
        ([waive("w", FEB, "1", installment=0)], "installment 0, which is not in the schedule"),
        ([Entry("f", EntryKind.FEE, FEB, D(1))], "installment None"),
        ([Entry("p", EntryKind.PAYMENT, FEB, D(1), installment=1)], "must not name an installment"),
        ([Entry("p", EntryKind.PAYMENT, FEB, D(1), reverses="x")], "cannot reverse"),
        ([pay("p", FEB, "1"), pay("p", MAR, "2")], "used twice"),
    ],
)
def test_bad_entries_are_refused(entries: list[Entry], message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        replay(DUES, entries, LATER)


def test_bad_entries_are_refused_even_after_as_of() -> None:
    with pytest.raises(LedgerError):
        replay(DUES, [reverse("r", LATER, "missing")], FEB)


@pytest.mark.parametrize(
    ("dues", "message"),
    [
        ([Due(1, FEB, D(1), D(0)), Due(1, MAR, D(1), D(0))], "appears 2 times"),
        ([Due(1, FEB, D(-1), D(0))], "installment 1 principal must not be negative"),
        ([Due(1, FEB, D(1), D(0), fees=D("-0.01"))], "installment 1 fees"),
    ],
)
def test_bad_dues_are_refused(dues: list[Due], message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        replay(dues, [], LATER)
