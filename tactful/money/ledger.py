"""The loan ledger: append-only entries replayed into balances through a payment waterfall.

Waterfall: a payment goes to installments oldest first (by due date, then number).
Within an installment it pays fees, then interest, then principal, and it moves
to the next installment only when the current one is fully paid. The installments
already due on the payment's value date therefore come first; whatever is left
prepays future installments in due order; anything beyond the whole loan is kept
as ``unapplied`` credit and never applied automatically.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from tactful.money.ledger_checks import validate_entries, validate_ledger
from tactful.money.records import (
    ZERO,
    Allocation,
    Due,
    Entry,
    EntryKind,
    InstallmentState,
    LedgerError,
    LedgerState,
)

__all__ = [
    "Allocation",
    "Due",
    "Entry",
    "EntryKind",
    "InstallmentState",
    "LedgerError",
    "LedgerState",
    "OpenReplay",
    "replay",
    "replay_each",
]


def replay(dues: Sequence[Due], entries: Sequence[Entry], as_of: date) -> LedgerState:
    """Replay ``entries`` over ``dues`` and return the ledger as it stood on ``as_of``.

    Only entries valued on or before ``as_of`` count, and an entry is dropped
    entirely once its reversal is valued on or before ``as_of``. Entries apply in
    value-date order, ties in the order given, so the result is deterministic.
    Raise ``LedgerError`` for data no replay could get right, whatever ``as_of``.
    """
    validate_ledger(dues, entries)
    return _replayed_on(dues, entries, as_of)


def replay_each(
    dues: Sequence[Due], entries: Sequence[Entry], days: Sequence[date]
) -> list[LedgerState]:
    """Return the ledger as it stood on each of ``days`` (in the order given): what
    ``replay`` answers for each day, in one pass where it can.

    Without a reversal valued by the last day, the entries in force on an earlier day are
    the first entries in force on a later one, so one book applies them in order and is read
    at each day. A reversal can take out an entry an earlier day counted: then each day is
    replayed afresh.
    """
    if not days:
        return []
    validate_ledger(dues, entries)
    last = max(days)
    if any(e.kind is EntryKind.REVERSAL and e.value_date <= last for e in entries):
        return [_replayed_on(dues, entries, day) for day in days]
    book = _Book(dues)
    pending = iter(_effective_entries(entries, last))
    entry = next(pending, None)
    states: dict[date, LedgerState] = {}
    for day in sorted(set(days)):
        while entry is not None and entry.value_date <= day:
            book.apply(entry)
            entry = next(pending, None)
        states[day] = book.state(day)
    return [states[day] for day in days]


def _replayed_on(dues: Sequence[Due], entries: Sequence[Entry], as_of: date) -> LedgerState:
    book = _Book(dues)
    for entry in _effective_entries(entries, as_of):
        book.apply(entry)
    return book.state(as_of)


class OpenReplay:
    """A replay of every entry so far, kept open so that later entries can be added to it.

    `replay` answers for one day and is done. A caller that reads a ledger, acts on it and
    then posts new entries (the auto-debit run: plan a collection, collect, post the
    payment) would replay the whole ledger twice; adding the new entries to a replay kept
    open costs only what they do. It always answers what a fresh `replay` of ``dues`` and
    every entry given so far would: an added entry that cannot simply come last (valued
    before an earlier entry, or a reversal) has the whole ledger replayed again.
    Raise ``LedgerError`` for data no replay could get right, as `replay` does.
    """

    def __init__(self, dues: Sequence[Due], entries: Sequence[Entry]) -> None:
        validate_ledger(dues, entries)
        self.dues = tuple(dues)
        self.entries = tuple(entries)
        self._book = self._replayed()

    def state(self, as_of: date) -> LedgerState:
        """Return the ledger as it stood on ``as_of``, as ``replay(dues, entries, as_of)``."""
        if self._latest() > as_of:
            # Entries after as_of must not count: that is a replay of its own.
            return replay(self.dues, self.entries, as_of)
        return self._book.state(as_of)

    def add(self, entries: Sequence[Entry]) -> None:
        """Take ``entries`` into the ledger, after every entry given so far."""
        validate_entries([*self.entries, *entries], {due.n for due in self.dues})
        latest = self._latest()
        last = all(
            entry.kind is not EntryKind.REVERSAL and entry.value_date >= latest for entry in entries
        )
        self.entries = (*self.entries, *entries)
        if not last:
            self._book = self._replayed()
            return
        # Valued on or after every earlier entry: a fresh replay would apply them last,
        # in this order (its sort is stable).
        for entry in sorted(entries, key=lambda entry: entry.value_date):
            self._book.apply(entry)

    @property
    def unapplied(self) -> Decimal:
        """Return what the payments so far left over once every installment was paid."""
        return self._book.unapplied

    def paid_off_dates(self) -> dict[int, date | None]:
        """Return when each installment was paid off, by number, every entry counted."""
        return {slot.due.n: slot.paid_off_on for slot in self._book.slots}

    def _latest(self) -> date:
        return max((entry.value_date for entry in self.entries), default=date.min)

    def _replayed(self) -> _Book:
        book = _Book(self.dues)
        for entry in _effective_entries(self.entries, date.max):
            book.apply(entry)
        return book


def _effective_entries(entries: Sequence[Entry], as_of: date) -> list[Entry]:
    known = [entry for entry in entries if entry.value_date <= as_of]
    reversed_ids = {entry.reverses for entry in known if entry.kind is EntryKind.REVERSAL}
    live = (
        entry
        for entry in known
        if entry.kind is not EntryKind.REVERSAL and entry.entry_id not in reversed_ids
    )
    # sorted() is stable, so entries with the same value date keep their given order.
    return sorted(live, key=lambda entry: entry.value_date)


class _Slot:
    """The mutable running balance of one installment during a replay."""

    __slots__ = (
        "due",
        "fees_due",
        "fees_paid",
        "frozen",
        "interest_paid",
        "principal_paid",
        "paid_off_on",
    )

    def __init__(self, due: Due) -> None:
        self.due = due
        self.fees_due = due.fees
        self.fees_paid = ZERO
        self.interest_paid = ZERO
        self.principal_paid = ZERO
        # An installment that never asked for anything is settled the day it falls due.
        asked = due.fees + due.interest + due.principal
        self.paid_off_on: date | None = due.due_date if asked == 0 else None
        # The last state frozen, kept while nothing changes: a replay read on many days
        # (`replay_each`) freezes each installment once per change, not once per day.
        self.frozen: InstallmentState | None = None

    @property
    def outstanding(self) -> Decimal:
        return self.unpaid_fees + self.unpaid_interest + self.unpaid_principal

    @property
    def unpaid_fees(self) -> Decimal:
        return self.fees_due - self.fees_paid

    @property
    def unpaid_interest(self) -> Decimal:
        return self.due.interest - self.interest_paid

    @property
    def unpaid_principal(self) -> Decimal:
        return self.due.principal - self.principal_paid

    def settle_if_cleared(self, on: date) -> None:
        """Record ``on`` as the payoff date if this entry left nothing owed.

        Every change to a slot ends here, so this is also where its frozen state goes stale.
        """
        self.frozen = None
        if self.outstanding > 0:
            self.paid_off_on = None
        elif self.paid_off_on is None:
            self.paid_off_on = on

    def freeze(self, as_of: date) -> InstallmentState:
        # Only the due-date payoff of an empty installment can lie after as_of.
        paid_off_on = self.paid_off_on if self.paid_off_on and self.paid_off_on <= as_of else None
        if self.frozen is not None and self.frozen.paid_off_on == paid_off_on:
            return self.frozen
        self.frozen = InstallmentState(
            n=self.due.n,
            due_date=self.due.due_date,
            fees_due=self.fees_due,
            interest_due=self.due.interest,
            principal_due=self.due.principal,
            fees_paid=self.fees_paid,
            interest_paid=self.interest_paid,
            principal_paid=self.principal_paid,
            paid_off_on=paid_off_on,
        )
        return self.frozen


class _Book:
    """The running balances of every installment during a replay."""

    def __init__(self, dues: Sequence[Due]) -> None:
        # Due order is the waterfall order: the due installments precede the
        # future ones, so one pass pays arrears first and then prepays.
        self.slots = [_Slot(due) for due in sorted(dues, key=lambda d: (d.due_date, d.n))]
        self.by_n = {slot.due.n: slot for slot in self.slots}
        self.allocations: list[Allocation] = []
        self.unapplied = ZERO

    def apply(self, entry: Entry) -> None:
        if entry.kind is EntryKind.PAYMENT:
            self.pay(entry)
        elif entry.kind is EntryKind.FEE:
            self.charge_fee(entry)
        elif entry.kind is EntryKind.WAIVER:
            self.waive_fee(entry)

    def pay(self, entry: Entry) -> None:
        remaining = entry.amount
        for slot in self.slots:
            if remaining == 0:
                break
            if slot.outstanding == 0:
                continue
            allocation = _allocate(entry.entry_id, slot, remaining)
            remaining -= allocation.total
            self.allocations.append(allocation)
            slot.settle_if_cleared(entry.value_date)
        self.unapplied += remaining

    def charge_fee(self, entry: Entry) -> None:
        slot = self.by_n[_installment_of(entry)]
        slot.fees_due += entry.amount
        slot.settle_if_cleared(entry.value_date)

    def waive_fee(self, entry: Entry) -> None:
        slot = self.by_n[_installment_of(entry)]
        # Fees already paid stay paid: a waiver forgives only what is still owed.
        slot.fees_due -= min(entry.amount, slot.unpaid_fees)
        slot.settle_if_cleared(entry.value_date)

    def state(self, as_of: date) -> LedgerState:
        return LedgerState(
            as_of=as_of,
            installments=tuple(slot.freeze(as_of) for slot in self.slots),
            allocations=tuple(self.allocations),
            unapplied=self.unapplied,
        )


def _allocate(entry_id: str, slot: _Slot, available: Decimal) -> Allocation:
    """Pay fees, then interest, then principal of ``slot`` out of ``available``."""
    fees = min(available, slot.unpaid_fees)
    interest = min(available - fees, slot.unpaid_interest)
    principal = min(available - fees - interest, slot.unpaid_principal)
    slot.fees_paid += fees
    slot.interest_paid += interest
    slot.principal_paid += principal
    return Allocation(entry_id, slot.due.n, fees=fees, interest=interest, principal=principal)


def _installment_of(entry: Entry) -> int:
    if entry.installment is None:  # _validate_entries guarantees this never happens
        raise LedgerError(f"entry {entry.entry_id!r} names no installment")
    return entry.installment
