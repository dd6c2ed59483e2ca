"""A chunk read in arrays gives each loan what replaying its ledger gives."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tactful.money import Due, Entry, EntryKind, LedgerError
from tactful.money.tests.strategies import ledgers
from tactful.screening.ledger_arrays import (
    MOST_CENTS,
    LoanBook,
    LoanLedger,
    Schedules,
    _Arrays,
    _cents,
    _replayed,
    read_books,
    read_chunk,
)


@st.composite
def books(draw: st.DrawFn) -> LoanBook:
    """A loan: often payments and their reversals only (the arrays' case), else anything."""
    dues, entries = draw(ledgers())
    if draw(st.booleans()):
        payments = {e.entry_id for e in entries if e.kind is EntryKind.PAYMENT}
        entries = [
            e
            for e in entries
            if e.kind is EntryKind.PAYMENT
            or (e.kind is EntryKind.REVERSAL and e.reverses in payments)
        ]
    opened_on = dues[0].due_date - timedelta(days=draw(st.integers(-200, 400)))
    limit = Decimal(draw(st.integers(1, 10**9))).scaleb(-2)
    return LoanBook(dues, entries, opened_on, limit, draw(st.sampled_from(["CNY", "USD", "XXX"])))


@settings(max_examples=300, deadline=None)
@given(st.lists(books(), min_size=1, max_size=6), st.integers(-60, 1500))
def test_a_chunk_in_arrays_reads_each_loan_as_its_replay_does(chunk, offset) -> None:
    as_of = chunk[0].dues[0].due_date + timedelta(days=offset)

    assert read_books(chunk, as_of=as_of) == [_replayed(book, as_of) for book in chunk]


def test_the_arrays_take_payments_and_their_reversals_and_nothing_else() -> None:
    dues = [Due(1, date(2026, 2, 1), principal=Decimal("100.00"), interest=Decimal("5.00"))]
    paid = Entry("p", EntryKind.PAYMENT, date(2026, 2, 1), Decimal("50.00"))
    reversed_ = Entry("r", EntryKind.REVERSAL, date(2026, 2, 3), Decimal("50.00"), reverses="p")
    fee = Entry("f", EntryKind.FEE, date(2026, 2, 5), Decimal("10.00"), installment=1)
    part_cent = Entry("q", EntryKind.PAYMENT, date(2026, 2, 1), Decimal("0.005"))
    taken = [
        _Arrays().add(0, LoanBook(dues, entries, date(2026, 1, 1), Decimal(100), "CNY"))
        for entries in ([paid, reversed_], [paid, fee], [part_cent], [])
    ]
    assert taken == [True, False, False, True]


def test_a_late_loan_reads_as_late_with_what_it_owes() -> None:
    dues = [
        Due(n, date(2026, n, 1), principal=Decimal("100.00"), interest=Decimal("5.00"))
        for n in (1, 2, 3)
    ]
    entries = [Entry("p", EntryKind.PAYMENT, date(2026, 1, 1), Decimal("105.00"))]
    book = LoanBook(dues, entries, date(2025, 12, 1), Decimal("300.00"), "CNY")

    (reading,) = read_books([book], as_of=date(2026, 3, 11))

    assert reading.days_past_due == 38  # February 1 unpaid
    assert reading.due_now == Decimal("210.00")
    assert reading.behaviour["PAY_0"] == 2.0
    assert reading.behaviour["PAY_AMT3"] == pytest.approx(105.00 * 4.4)


def test_a_ledger_no_replay_could_get_right_is_refused() -> None:
    dues = [Due(1, date(2026, 2, 1), principal=Decimal("100.00"), interest=Decimal(0))]
    twice = [
        Entry("p", EntryKind.PAYMENT, date(2026, 2, 1), Decimal("1.00")),
        Entry("p", EntryKind.PAYMENT, date(2026, 2, 2), Decimal("1.00")),
    ]
    with pytest.raises(LedgerError):
        read_books(
            [LoanBook(dues, twice, date(2026, 1, 1), Decimal(100), "CNY")], as_of=date(2026, 3, 1)
        )


def test_a_payment_reversed_after_its_month_is_not_counted_in_it() -> None:
    dues = [
        Due(n, date(2026, n, 1), principal=Decimal("100.00"), interest=Decimal("5.00"))
        for n in (1, 2, 3)
    ]
    entries = [
        Entry("p", EntryKind.PAYMENT, date(2026, 1, 20), Decimal("105.00")),
        # Reversed in March: January's statement, read in April, no longer shows it.
        Entry("r", EntryKind.REVERSAL, date(2026, 3, 20), Decimal("105.00"), reverses="p"),
    ]
    book = LoanBook(dues, entries, date(2025, 12, 1), Decimal("300.00"), "CNY")

    (reading,) = read_books([book], as_of=date(2026, 4, 1))

    assert reading == _replayed(book, date(2026, 4, 1))
    assert reading.behaviour["PAY_AMT3"] == 0.0


def in_columns(chunk: list[LoanBook], keys: list[int]) -> tuple[list[LoanLedger], Schedules] | None:
    """The chunk as a plan reads it from the database: ledgers, and schedules in cents
    (None when an installment is not in whole cents, which the database cannot hold)."""
    rows = []
    for key, book in zip(keys, chunk, strict=True):
        for due in book.dues:
            principal, interest = _cents(due.principal), _cents(due.interest)
            if principal is None or interest is None or due.fees != 0:
                return None
            rows.append((key, due.n, due.due_date, principal, interest))
    ledgers = [
        LoanLedger(key, book.entries, book.opened_on, book.limit, book.currency)
        for key, book in zip(keys, chunk, strict=True)
    ]
    return ledgers, Schedules.of_rows(rows[::-1])  # in no particular order


def outcome(read, *args, **kwargs):
    try:
        return read(*args, **kwargs)
    except LedgerError as error:
        return ("refused", type(error))


@settings(max_examples=300, deadline=None)
@given(st.lists(books(), min_size=1, max_size=6), st.integers(-60, 1500), st.randoms())
def test_a_chunk_in_columns_reads_each_loan_as_its_books_do(chunk, offset, random) -> None:
    as_of = chunk[0].dues[0].due_date + timedelta(days=offset)
    keys = random.sample(range(1, 1000), len(chunk))
    columns = in_columns(chunk, keys)
    assume(columns is not None)
    assert columns is not None
    ledgers, schedules = columns

    assert outcome(read_chunk, ledgers, schedules, as_of=as_of) == outcome(
        read_books, chunk, as_of=as_of
    )


@pytest.mark.parametrize(
    "dues",
    [
        # The same installment twice, a negative amount: refused, as the books refuse them.
        [
            Due(1, date(2026, 2, 1), principal=Decimal("100.00"), interest=Decimal(0)),
            Due(1, date(2026, 3, 1), principal=Decimal("100.00"), interest=Decimal(0)),
        ],
        [Due(1, date(2026, 2, 1), principal=Decimal("-1.00"), interest=Decimal(0))],
        # Too large for the arrays' sums: replayed instead.
        [Due(1, date(2026, 2, 1), principal=Decimal(MOST_CENTS), interest=Decimal(0))],
        # No installments at all.
        [],
    ],
)
def test_schedules_the_arrays_cannot_take_are_read_as_the_books_read_them(dues) -> None:
    book = LoanBook(
        dues,
        [Entry("p", EntryKind.PAYMENT, date(2026, 2, 1), Decimal("1.00"))],
        date(2026, 1, 1),
        Decimal(100),
        "CNY",
    )
    other = LoanBook(
        [Due(1, date(2026, 2, 1), principal=Decimal("50.00"), interest=Decimal("1.00"))],
        [],
        date(2026, 1, 1),
        Decimal(100),
        "CNY",
    )
    columns = in_columns([other, book], [7, 3])
    assert columns is not None
    ledgers, schedules = columns

    expected = outcome(read_books, [other, book], as_of=date(2026, 3, 1))
    assert outcome(read_chunk, ledgers, schedules, as_of=date(2026, 3, 1)) == expected


def test_two_loans_with_one_key_are_refused() -> None:
    with pytest.raises(ValueError, match="same key"):
        read_chunk(
            [LoanLedger(1, [], date(2026, 1, 1), Decimal(1), "CNY")] * 2,
            Schedules.of_rows([]),
            as_of=date(2026, 3, 1),
        )
