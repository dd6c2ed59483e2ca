"""The ledger's value types: dues, entries, allocations and the states a replay yields."""

from __future__ import annotations

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
