"""The model's columns of a whole chunk of loans at once, in arrays.

A nightly plan reads a million loans. Replaying each ledger in Python
(`ledger.ledger_reading`) cost more than every other part of planning a loan, and a leaner
loop did not help: the arithmetic itself is the cost (docs/capacity.md). This module does
the same arithmetic for all the loans of a chunk together, in whole numbers of cents.

It takes the ledgers that hold only payments and reversals of payments. For those, the
waterfall needs no replay: a payment goes to the installments in due order, each filled
before the next, whatever its value date. So on any day, an installment has received what
the effective payments (valued by then, not reversed by then) exceed the installments
before it by, up to what it asks for, fees first, then interest, then principal. Any
other ledger (fees, waivers, an amount that is not whole cents) is replayed as before.
The property test in `tests/test_ledger_arrays.py` holds the two paths to the same
columns, day and cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

import numpy as np

from tactful.money import Due, Entry, EntryKind, days_past_due, validate_entries, validate_ledger
from tactful.screening.columns import (
    BILL_COLUMNS,
    LIMIT_COLUMN,
    MONTHS,
    PAYMENT_COLUMNS,
    STATUS_COLUMNS,
)
from tactful.screening.ledger import (
    DAYS_PER_MONTH_LATE,
    MOST_MONTHS_LATE,
    amount_scale,
    behaviour_row,
    ledger_reading,
    month_bounds,
)

NEVER = np.iinfo(np.int64).max  # the day of a reversal that never came
# Sums are made in float64, exact in whole cents below 2**53: no amount may come near.
MOST_CENTS = 10**13


@dataclass(frozen=True)
class LoanBook:
    """What a plan knows of one loan's money: its schedule, its ledger, when it opened."""

    dues: Sequence[Due]
    entries: Sequence[Entry]
    opened_on: date
    limit: Decimal
    currency: str


class _Opened(Protocol):
    """What the readings need of a loan besides its money: when it opened, its limit."""

    @property
    def opened_on(self) -> date: ...
    @property
    def limit(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...


@dataclass(frozen=True)
class LoanReading:
    """A loan as the plan reads it on a day: how late, what is due, the model's columns."""

    days_past_due: int
    due_now: Decimal
    behaviour: dict[str, float]


@dataclass(frozen=True)
class LoanLedger:
    """A loan without its schedule, which `Schedules` holds for the chunk: `key` finds it."""

    key: int
    entries: Sequence[Entry]
    opened_on: date
    limit: Decimal
    currency: str


@dataclass(frozen=True)
class Schedules:
    """Many loans' installments in whole cents, in columns: one row per installment, each
    loan's rows together in due order (due date, then number), the loans in key order.

    A plan reads 24,000 installments a chunk; as columns they cost no object each
    (docs/capacity.md). The interest column is what the installment charges before its
    principal (its fees are none: a fee is a ledger entry).
    """

    loan: np.ndarray
    n: np.ndarray
    day: np.ndarray  # the due date's proleptic ordinal
    interest: np.ndarray
    principal: np.ndarray

    @classmethod
    def of_rows(cls, rows: Sequence[tuple[int, int, date, int, int]]) -> Schedules:
        """Columns from (loan key, number, due date, principal cents, interest cents) rows
        in any order."""
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, empty, empty, empty, empty)
        loan, n, due, principal, interest = zip(*rows, strict=True)
        day = [due_date.toordinal() for due_date in due]
        columns = [np.asarray(c, dtype=np.int64) for c in (loan, n, day, interest, principal)]
        order = np.lexsort((columns[1], columns[2], columns[0]))
        loan_, n_, day_, interest_, principal_ = (column[order] for column in columns)
        return cls(loan_, n_, day_, interest_, principal_)

    def rows_of(self, key: int) -> slice:
        """Where the loan `key`'s installments are (an empty slice for a loan with none)."""
        return slice(
            int(np.searchsorted(self.loan, key, side="left")),
            int(np.searchsorted(self.loan, key, side="right")),
        )

    def dues_of(self, rows: slice) -> list[Due]:
        """The installments of `rows` as the replay takes them."""
        return [
            Due(
                n=int(n),
                due_date=date.fromordinal(int(day)),
                principal=Decimal(int(principal)).scaleb(-2),
                interest=Decimal(int(interest)).scaleb(-2),
            )
            for n, day, principal, interest in zip(
                self.n[rows], self.day[rows], self.principal[rows], self.interest[rows], strict=True
            )
        ]

    def arrayable(self) -> set[int]:
        """The keys of the loans whose schedules the arrays take: numbers unique within the
        loan, amounts from zero to `MOST_CENTS`. The others are replayed (and a replay
        refuses what no ledger could hold, as it would for any loan)."""
        if self.loan.size == 0:
            return set()
        by_number = np.lexsort((self.n, self.loan))
        loan, n = self.loan[by_number], self.n[by_number]
        repeated = loan[1:][(loan[1:] == loan[:-1]) & (n[1:] == n[:-1])]
        amounts = np.concatenate([self.interest, self.principal])
        bad = (amounts < 0) | (amounts > MOST_CENTS)
        unsound = np.concatenate([repeated, np.concatenate([self.loan, self.loan])[bad]])
        return set(np.unique(self.loan).tolist()) - set(unsound.tolist())


def read_chunk(
    ledgers: Sequence[LoanLedger], schedules: Schedules, *, as_of: date
) -> list[LoanReading]:
    """Return each loan's reading on `as_of`, in the order given: what `read_books` gives
    for the same loans, with their schedules in `schedules`.

    Raise `money.LedgerError` for a ledger no replay could get right, as a replay does.
    """
    keys = [ledger.key for ledger in ledgers]
    if len(set(keys)) < len(keys):
        raise ValueError("two loans of a chunk have the same key")
    readings: list[LoanReading | None] = [None] * len(ledgers)
    arrayable = schedules.arrayable()
    taken: list[tuple[int, int, list[tuple[int, int, int]]]] = []  # (key, index, payments)
    for index, ledger in enumerate(ledgers):
        rows = schedules.rows_of(ledger.key)
        payments = None
        if ledger.key in arrayable or rows.start == rows.stop:
            validate_entries(ledger.entries, set(schedules.n[rows].tolist()))
            payments = _payments_in_cents(ledger.entries)
        if payments is None:
            book = LoanBook(
                schedules.dues_of(rows),
                ledger.entries,
                ledger.opened_on,
                ledger.limit,
                ledger.currency,
            )
            validate_ledger(book.dues, book.entries)
            readings[index] = _replayed(book, as_of)
        else:
            taken.append((ledger.key, index, payments))
    if taken:
        for index, reading in _arrays_of(taken, schedules).read(ledgers, as_of):
            readings[index] = reading
    return [reading for reading in readings if reading is not None]


def _arrays_of(
    taken: list[tuple[int, int, list[tuple[int, int, int]]]], schedules: Schedules
) -> _Arrays:
    """The arrays of the loans taken, (key, index, payments) each: the loans in key order,
    as the schedules' rows are, so that each loan's installments stay together."""
    taken = sorted(taken)
    arrays = _Arrays()
    for loan, (_, index, payments) in enumerate(taken):
        arrays.books.append(index)
        arrays.add_payments(loan, payments)
    keys = np.asarray([key for key, _, _ in taken], dtype=np.int64)
    mine = np.isin(schedules.loan, keys)
    arrays.due_loan = np.searchsorted(keys, schedules.loan[mine]).tolist()
    arrays.due_day = schedules.day[mine].tolist()
    arrays.charges = schedules.interest[mine].tolist()
    arrays.principal = schedules.principal[mine].tolist()
    return arrays


def read_books(books: Sequence[LoanBook], *, as_of: date) -> list[LoanReading]:
    """Return each loan's reading on `as_of`, in the order given.

    Raise `money.LedgerError` for a ledger no replay could get right, as a replay does.
    """
    readings: list[LoanReading | None] = [None] * len(books)
    arrays = _Arrays()
    for index, book in enumerate(books):
        validate_ledger(book.dues, book.entries)
        if not arrays.add(index, book):
            readings[index] = _replayed(book, as_of)
    for index, reading in arrays.read(books, as_of):
        readings[index] = reading
    return [reading for reading in readings if reading is not None]


def _replayed(book: LoanBook, as_of: date) -> LoanReading:
    today, cycles = ledger_reading(book.dues, book.entries, opened_on=book.opened_on, as_of=as_of)
    return LoanReading(
        days_past_due(today.installments, as_of),
        today.total_due_as_of,
        behaviour_row(cycles, limit=book.limit, scale=amount_scale(book.currency)),
    )


def _payments_in_cents(entries: Sequence[Entry]) -> list[tuple[int, int, int]] | None:
    """(value day, cents, day reversed or `NEVER`) of each payment, when the ledger holds
    only payments and reversals of payments, each in whole cents up to `MOST_CENTS`;
    else None. Only the totals by each day count, so the payments' order does not matter."""
    payments = {e.entry_id: e for e in entries if e.kind is EntryKind.PAYMENT}
    reversals: dict[str, int] = {}
    for entry in entries:
        if entry.kind is EntryKind.REVERSAL and entry.reverses in payments:
            reversals[entry.reverses] = entry.value_date.toordinal()
        elif entry.kind is not EntryKind.PAYMENT:
            return None
    found = []
    for payment in payments.values():
        cents = _cents(payment.amount)
        if cents is None or cents > MOST_CENTS:
            return None
        day = payment.value_date.toordinal()
        found.append((day, cents, reversals.get(payment.entry_id, NEVER)))
    return found


def _cents(amount: Decimal) -> int | None:
    """The amount in whole cents, or None when it is not a whole number of cents."""
    scaled = amount.scaleb(2)
    whole = int(scaled)
    return whole if whole == scaled else None


class _Arrays:
    """The installments and payments of the loans read in arrays, loan by loan."""

    def __init__(self) -> None:
        self.books: list[int] = []  # the book index of each loan taken
        self.due_loan: list[int] = []
        self.due_day: list[int] = []
        self.charges: list[int] = []  # fees and interest, paid before the principal
        self.principal: list[int] = []
        self.pay_loan: list[int] = []
        self.pay_day: list[int] = []
        self.pay_cents: list[int] = []
        self.reversed_on: list[int] = []

    def add(self, index: int, book: LoanBook) -> bool:
        """Take the loan if its ledger is payments and their reversals; tell whether taken."""
        payments = _payments_in_cents(book.entries)
        if payments is None:
            return False
        dues = sorted(book.dues, key=lambda due: (due.due_date, due.n))
        due_cents = [(_cents(due.fees + due.interest), _cents(due.principal)) for due in dues]
        amounts = [c for pair in due_cents for c in pair]
        if any(cents is None or cents > MOST_CENTS for cents in amounts):
            return False
        loan = len(self.books)
        self.books.append(index)
        for due, (charges, principal) in zip(dues, due_cents, strict=True):
            self.due_loan.append(loan)
            self.due_day.append(due.due_date.toordinal())
            self.charges.append(charges or 0)
            self.principal.append(principal or 0)
        self.add_payments(loan, payments)
        return True

    def add_payments(self, loan: int, payments: list[tuple[int, int, int]]) -> None:
        """Add (value day, cents, day reversed) of each of loan `loan`'s payments."""
        for day, cents, reversed_on in payments:
            self.pay_loan.append(loan)
            self.pay_day.append(day)
            self.pay_cents.append(cents)
            self.reversed_on.append(reversed_on)

    def read(self, books: Sequence[_Opened], as_of: date) -> list[tuple[int, LoanReading]]:
        if not self.books:
            return []
        chunk = _Chunk(self)
        bounds = month_bounds(as_of)
        today = as_of.toordinal()
        late_today, owed_today = chunk.late_and_owed(today)
        months = [chunk.month(bounds[m].toordinal(), bounds[m + 1].toordinal(), today)
                  for m in range(MONTHS)]  # fmt: skip
        readings = []
        for loan, index in enumerate(self.books):
            book = books[index]
            opened = book.opened_on.toordinal()
            scale = amount_scale(book.currency)
            row = {LIMIT_COLUMN: float(book.limit) * scale}
            for month, (end, status, bill, paid) in enumerate(months):
                if end < opened:
                    row[STATUS_COLUMNS[month]] = -2.0
                    row[BILL_COLUMNS[month]] = 0.0
                    row[PAYMENT_COLUMNS[month]] = 0.0
                    continue
                row[STATUS_COLUMNS[month]] = float(status[loan])
                row[BILL_COLUMNS[month]] = float(bill[loan]) / 100 * scale
                row[PAYMENT_COLUMNS[month]] = float(paid[loan]) / 100 * scale
            due_now = Decimal(int(owed_today[loan])).scaleb(-2)
            readings.append((index, LoanReading(int(late_today[loan]), due_now, row)))
        return readings


class _Chunk:
    """The arrays of a chunk, and the balances they give on any day."""

    def __init__(self, arrays: _Arrays) -> None:
        self.loans = len(arrays.books)
        self.due_loan = np.asarray(arrays.due_loan, dtype=np.int64)
        self.due_day = np.asarray(arrays.due_day, dtype=np.int64)
        self.charges = np.asarray(arrays.charges, dtype=np.int64)
        self.principal = np.asarray(arrays.principal, dtype=np.int64)
        self.asked = self.charges + self.principal
        # What the installments before each one ask for, within its loan: the running total
        # over the chunk less the running total where the loan's installments begin.
        before_all = np.cumsum(self.asked) - self.asked
        first = np.searchsorted(self.due_loan, np.arange(self.loans), side="left")
        base = np.append(before_all, 0)[first]
        self.before = before_all - base[self.due_loan]
        self.pay_loan = np.asarray(arrays.pay_loan, dtype=np.int64)
        self.pay_day = np.asarray(arrays.pay_day, dtype=np.int64)
        self.pay_cents = np.asarray(arrays.pay_cents, dtype=np.int64)
        self.reversed_on = np.asarray(arrays.reversed_on, dtype=np.int64)

    def received(self, day: int) -> np.ndarray:
        """What each installment has received by `day` (fees and interest first)."""
        live = (self.pay_day <= day) & (self.reversed_on > day)
        paid = np.bincount(self.pay_loan[live], weights=self.pay_cents[live], minlength=self.loans)
        total = np.rint(paid).astype(np.int64)  # whole cents: exact below 2**53
        received: np.ndarray = np.clip(total[self.due_loan] - self.before, 0, self.asked)
        return received

    def late_and_owed(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Each loan's days past due on `day`, and what it owes on installments due by then."""
        outstanding = self.asked - self.received(day)
        return self._late(outstanding, day), self._sum(outstanding, self.due_day <= day)

    def month(
        self, end: int, start: int, today: int
    ) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """(end, status, bill, paid) of each loan for the month (start, end]."""
        received = self.received(end)
        outstanding = self.asked - received
        late = self._late(outstanding, end)
        fell_due = self._sum(
            np.ones_like(outstanding), (self.due_day > start) & (self.due_day <= end)
        )
        owes = self._sum(outstanding, np.ones_like(outstanding, dtype=bool))
        status = np.where(
            late > 0,
            np.minimum(-(-late // DAYS_PER_MONTH_LATE), MOST_MONTHS_LATE),
            np.where(fell_due > 0, -1, np.where(owes == 0, -2, 0)),
        )
        principal_paid = np.clip(received - self.charges, 0, self.principal)
        unpaid_charges = self.charges - np.minimum(received, self.charges)
        bill = self._sum(self.principal - principal_paid, np.ones_like(outstanding, dtype=bool))
        bill = bill + self._sum(unpaid_charges, self.due_day <= end)
        kept = (self.reversed_on > today) & (self.pay_day > start) & (self.pay_day <= end)
        paid = np.bincount(self.pay_loan[kept], weights=self.pay_cents[kept], minlength=self.loans)
        return end, status, bill, np.rint(paid).astype(np.int64)

    def _late(self, outstanding: np.ndarray, day: int) -> np.ndarray:
        overdue = (self.due_day < day) & (outstanding > 0)
        oldest = np.full(self.loans, day, dtype=np.int64)
        np.minimum.at(oldest, self.due_loan[overdue], self.due_day[overdue])
        return day - oldest

    def _sum(self, values: np.ndarray, where: np.ndarray) -> np.ndarray:
        return (
            np.bincount(self.due_loan[where], weights=values[where], minlength=self.loans)
            .round()
            .astype(np.int64)
        )
