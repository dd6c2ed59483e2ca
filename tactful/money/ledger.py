"""The loan ledger: append-only entries replayed into balances through a payment waterfall.

Waterfall: a payment goes to installments oldest first (by due date, then number).
Within an installment it pays fees, then interest, then principal, and it moves
to the next installment only when the current one is fully paid. The installments
already due on the payment's value date therefore come first; whatever is left
prepays future installments in due order; anything beyond the whole loan is kept
as ``unapplied`` credit and never applied automatically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)


class LedgerError(ValueError):
    """Ledger data that cannot be replayed: bad amounts, references or installments."""


@dataclass(frozen=True)
class Due:
    """What one installment asks for; ``fees`` are charges such as late fees."""

    n: int
    due_date: date
    principal: Decimal
    interest: Decimal
    fees: Decimal = ZERO


class EntryKind(StrEnum):
    """What an entry records."""

    PAYMENT = "payment"
    REVERSAL = "reversal"
    FEE = "fee"
    WAIVER = "waiver"


@dataclass(frozen=True)
class Entry:
    """One append-only fact about the loan.

    A FEE adds ``amount`` to the fees of installment ``installment``; a WAIVER
    forgives up to ``amount`` of that installment's unpaid fees; a REVERSAL cancels
    the entry ``reverses`` (a payment, fee or waiver) from its own value date on.
    """

    entry_id: str
    kind: EntryKind
    value_date: date
    amount: Decimal
    reverses: str | None = None
    installment: int | None = None


@dataclass(frozen=True)
class Allocation:
    """The part of payment ``entry_id`` that went to installment ``n``."""

    entry_id: str
    n: int
    fees: Decimal
    interest: Decimal
    principal: Decimal

    @property
    def total(self) -> Decimal:
        """Return the amount allocated to the installment."""
        return self.fees + self.interest + self.principal


@dataclass(frozen=True)
class InstallmentState:
    """One installment's charges and payments as of a date."""

    n: int
    due_date: date
    fees_due: Decimal
    interest_due: Decimal
    principal_due: Decimal
    fees_paid: Decimal
    interest_paid: Decimal
    principal_paid: Decimal
    paid_off_on: date | None

    @property
    def outstanding(self) -> Decimal:
        """Return what is still owed on this installment."""
        owed = self.fees_due + self.interest_due + self.principal_due
        return owed - self.fees_paid - self.interest_paid - self.principal_paid

    @property
    def is_paid(self) -> bool:
        """Tell whether nothing is owed on this installment."""
        return self.outstanding == 0


@dataclass(frozen=True)
class LedgerState:
    """The whole loan as of ``as_of``, installments in due order."""

    as_of: date
    installments: tuple[InstallmentState, ...]
    allocations: tuple[Allocation, ...]
    unapplied: Decimal

    @property
    def total_outstanding(self) -> Decimal:
        """Return everything still owed, due or not."""
        return sum((i.outstanding for i in self.installments), start=ZERO)

    @property
    def total_due_as_of(self) -> Decimal:
        """Return what is owed on installments due on or before ``as_of``."""
        due = (i.outstanding for i in self.installments if i.due_date <= self.as_of)
        return sum(due, start=ZERO)

    @property
    def principal_outstanding(self) -> Decimal:
        """Return the principal not yet repaid."""
        owed = (i.principal_due - i.principal_paid for i in self.installments)
        return sum(owed, start=ZERO)


def replay(dues: Sequence[Due], entries: Sequence[Entry], as_of: date) -> LedgerState:
    """Replay ``entries`` over ``dues`` and return the ledger as it stood on ``as_of``.

    Only entries valued on or before ``as_of`` count, and an entry is dropped
    entirely once its reversal is valued on or before ``as_of``. Entries apply in
    value-date order, ties in the order given, so the result is deterministic.
    """
    _validate_dues(dues)
    _validate_entries(entries, {due.n for due in dues})
    book = _Book(dues)
    for entry in _effective_entries(entries, as_of):
        book.apply(entry)
    return book.state(as_of)


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

    __slots__ = ("due", "fees_due", "fees_paid", "interest_paid", "principal_paid", "paid_off_on")

    def __init__(self, due: Due) -> None:
        self.due = due
        self.fees_due = due.fees
        self.fees_paid = ZERO
        self.interest_paid = ZERO
        self.principal_paid = ZERO
        # An installment that never asked for anything is settled the day it falls due.
        self.paid_off_on: date | None = due.due_date if self.outstanding == 0 else None

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
        """Record ``on`` as the payoff date if this entry left nothing owed."""
        if self.outstanding > 0:
            self.paid_off_on = None
        elif self.paid_off_on is None:
            self.paid_off_on = on

    def freeze(self, as_of: date) -> InstallmentState:
        # Only the due-date payoff of an empty installment can lie after as_of.
        paid_off_on = self.paid_off_on if self.paid_off_on and self.paid_off_on <= as_of else None
        return InstallmentState(
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


def _validate_dues(dues: Sequence[Due]) -> None:
    for n, count in Counter(due.n for due in dues).items():
        if count > 1:
            raise LedgerError(f"installment {n} appears {count} times in the dues")
    for due in dues:
        for name in ("principal", "interest", "fees"):
            _check_amount(f"installment {due.n} {name}", getattr(due, name))


def _validate_entries(entries: Sequence[Entry], installments: set[int]) -> None:
    by_id = _index_entries(entries)
    for entry in entries:
        _check_amount(f"entry {entry.entry_id!r} amount", entry.amount)
        _check_installment(entry, installments)
        _check_reference(entry, by_id)
    _check_single_reversal(entries)


def _index_entries(entries: Iterable[Entry]) -> dict[str, Entry]:
    by_id: dict[str, Entry] = {}
    for entry in entries:
        if entry.entry_id in by_id:
            raise LedgerError(f"entry id {entry.entry_id!r} is used twice")
        by_id[entry.entry_id] = entry
    return by_id


def _check_amount(what: str, amount: Decimal) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise LedgerError(f"{what} must be a finite Decimal, got {amount!r}")
    if amount < 0:
        raise LedgerError(f"{what} must not be negative, got {amount}")


def _check_installment(entry: Entry, installments: set[int]) -> None:
    names_one = entry.kind in (EntryKind.FEE, EntryKind.WAIVER)
    if not names_one and entry.installment is not None:
        raise LedgerError(
            f"{entry.kind} {entry.entry_id!r} must not name an installment; "
            "payments follow the waterfall"
        )
    if names_one and entry.installment not in installments:
        raise LedgerError(
            f"{entry.kind} {entry.entry_id!r} names installment {entry.installment}, "
            "which is not in the schedule"
        )


def _check_reference(entry: Entry, by_id: dict[str, Entry]) -> None:
    if entry.kind is not EntryKind.REVERSAL:
        if entry.reverses is not None:
            raise LedgerError(f"{entry.kind} {entry.entry_id!r} cannot reverse another entry")
        return
    target = by_id.get(entry.reverses) if entry.reverses is not None else None
    if target is None:
        raise LedgerError(
            f"reversal {entry.entry_id!r} reverses {entry.reverses!r}, which is not in the ledger"
        )
    if target.kind is EntryKind.REVERSAL:
        raise LedgerError(f"reversal {entry.entry_id!r} cannot reverse reversal {target.entry_id!r}")
    if entry.value_date < target.value_date:
        raise LedgerError(
            f"reversal {entry.entry_id!r} is dated {entry.value_date}, "
            f"before the entry it reverses ({target.value_date})"
        )


def _check_single_reversal(entries: Iterable[Entry]) -> None:
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.kind is not EntryKind.REVERSAL or entry.reverses is None:
            continue
        if entry.reverses in seen:
            raise LedgerError(
                f"reversal {entry.entry_id!r} reverses {entry.reverses!r}, "
                f"which {seen[entry.reverses]!r} already reversed"
            )
        seen[entry.reverses] = entry.entry_id
