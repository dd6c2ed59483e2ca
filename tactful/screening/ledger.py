"""From a Tactful loan's ledger to the model's input columns, so real accounts can be scored.

The model learnt from credit-card statements: per month a repayment status, the bill and
the amount paid. A loan is read the same way, one "statement" per calendar month ending
on the day of scoring (month 0 ends on `as_of`, month 1 a month earlier, ...):

=============  ==================================================================
status         the loan replayed as of the statement date: 1..8 when an
               installment is overdue (days past due / 30, rounded up, at most
               8); otherwise -1 when an installment fell due in the month (and
               was paid), -2 when nothing is owed or the loan did not exist
               yet, 0 when something is owed but nothing fell due
bill           what it would take to close the loan on the statement date:
               principal not yet repaid, plus interest and fees of the
               installments already due and unpaid
paid           payments valued within the month, less those reversed by `as_of`
limit          the principal lent
=============  ==================================================================

Amounts are multiplied by `amount_scale` to bring them near the New Taiwan dollars of
the data (ratios, which carry most of the signal, do not depend on it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from tactful.money import (
    Due,
    Entry,
    EntryKind,
    InstallmentState,
    LedgerState,
    add_months,
    days_past_due,
    replay_each,
)
from tactful.screening.columns import (
    BILL_COLUMNS,
    LIMIT_COLUMN,
    MONTHS,
    PAYMENT_COLUMNS,
    STATUS_COLUMNS,
)

DAYS_PER_MONTH_LATE = 30
MOST_MONTHS_LATE = 8  # the data's highest status
# Rough New Taiwan dollars per unit of each currency, for the amount features only.
NT_DOLLARS_PER_UNIT = {"TWD": 1.0, "CNY": 4.4, "HKD": 4.1, "USD": 32.0}


def amount_scale(currency: str) -> float:
    """Return the factor bringing amounts in `currency` near New Taiwan dollars (1: unknown)."""
    return NT_DOLLARS_PER_UNIT.get(currency.upper(), 1.0)


@dataclass(frozen=True)
class MonthlyCycle:
    """One statement month of a loan, as the model sees it."""

    statement_date: date
    status: int
    bill: Decimal
    paid: Decimal


def loan_cycles(
    dues: Sequence[Due], entries: Sequence[Entry], *, opened_on: date, as_of: date
) -> list[MonthlyCycle]:
    """Return the loan's last six statement months, the most recent first."""
    return ledger_reading(dues, entries, opened_on=opened_on, as_of=as_of)[1]


def ledger_reading(
    dues: Sequence[Due], entries: Sequence[Entry], *, opened_on: date, as_of: date
) -> tuple[LedgerState, list[MonthlyCycle]]:
    """Return the ledger as it stands on `as_of` and the last six statement months (the
    most recent first), from one replay: a plan reads both for every overdue loan."""
    reversed_ids = _reversed_by(entries, as_of)
    bounds = month_bounds(as_of)
    ends = list(bounds[:MONTHS])
    # Each open month's state, from one replay of the ledger where it can be; month 0 ends
    # on `as_of`, so its state is today's.
    open_ends = [end for end in ends if end >= opened_on]
    if as_of not in open_ends:
        open_ends.append(as_of)
    replayed = replay_each(dues, entries, open_ends)
    today = replayed[open_ends.index(as_of)]
    states = iter(replayed)
    cycles = []
    for month, end in enumerate(ends):
        start = bounds[month + 1]
        if end < opened_on:
            cycles.append(MonthlyCycle(end, -2, Decimal(0), Decimal(0)))
            continue
        state = next(states)
        paid = _paid_between(entries, reversed_ids, start, end)
        cycles.append(
            MonthlyCycle(
                end, _status(state.installments, start, end), _bill(state.installments, end), paid
            )
        )
    return today, cycles


@cache
def month_bounds(as_of: date) -> tuple[date, ...]:
    """The statement dates of the six months and the day before the first one opened
    (`as_of`, a month earlier, ...): the same for every loan of a plan."""
    return tuple(add_months(as_of, -month) for month in range(MONTHS + 1))


def _reversed_by(entries: Sequence[Entry], as_of: date) -> set[str]:
    return {
        entry.reverses
        for entry in entries
        if entry.kind is EntryKind.REVERSAL and entry.reverses and entry.value_date <= as_of
    }


def _paid_between(
    entries: Sequence[Entry], reversed_ids: set[str], start: date, end: date
) -> Decimal:
    return sum(
        (
            entry.amount
            for entry in entries
            if entry.kind is EntryKind.PAYMENT
            and start < entry.value_date <= end
            and entry.entry_id not in reversed_ids
        ),
        start=Decimal(0),
    )


def _status(installments: Sequence[InstallmentState], start: date, end: date) -> int:
    late_days = days_past_due(installments, end)
    if late_days > 0:
        return min(math.ceil(late_days / DAYS_PER_MONTH_LATE), MOST_MONTHS_LATE)
    if any(start < installment.due_date <= end for installment in installments):
        return -1
    return -2 if all(installment.outstanding == 0 for installment in installments) else 0


def _bill(installments: Sequence[InstallmentState], end: date) -> Decimal:
    principal = sum((i.principal_due - i.principal_paid for i in installments), start=Decimal(0))
    charges = sum(
        (
            (i.interest_due - i.interest_paid) + (i.fees_due - i.fees_paid)
            for i in installments
            if i.due_date <= end
        ),
        start=Decimal(0),
    )
    return principal + charges


def behaviour_row(
    cycles: Sequence[MonthlyCycle], *, limit: Decimal, scale: float = 1.0
) -> dict[str, float]:
    """Return the model's input columns for one loan from its cycles (most recent first)."""
    if len(cycles) != MONTHS:
        raise ValueError(f"the model reads {MONTHS} months, got {len(cycles)}")
    row = {LIMIT_COLUMN: float(limit) * scale}
    for month, cycle in enumerate(cycles):
        row[STATUS_COLUMNS[month]] = float(cycle.status)
        row[BILL_COLUMNS[month]] = float(cycle.bill) * scale
        row[PAYMENT_COLUMNS[month]] = float(cycle.paid) * scale
    return row


def behaviour_from_ledger(
    dues: Sequence[Due],
    entries: Sequence[Entry],
    *,
    opened_on: date,
    as_of: date,
    limit: Decimal,
    currency: str,
) -> dict[str, float]:
    """Return the model's input columns for a loan as of `as_of` (see the module's table)."""
    cycles = loan_cycles(dues, entries, opened_on=opened_on, as_of=as_of)
    return behaviour_row(cycles, limit=limit, scale=amount_scale(currency))
