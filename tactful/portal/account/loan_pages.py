"""What the borrower's loan pages show: their own loans, each with status, schedule and payments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from tactful.borrowers.models import Borrower
from tactful.loans import selectors as loans
from tactful.loans.credits import CreditSource, credit_source
from tactful.loans.models import EntryKind, LedgerEntry, Loan
from tactful.loans.selectors import (
    LoanStatus,
    ledger_entries,
    loan_status,
    loans_of_borrower,
)
from tactful.money import InstallmentState
from tactful.repayment import selectors as repayment
from tactful.repayment.models import Acceptance, DebitMandate, HardshipPause
from tactful.repayment.selectors import PromiseView


@dataclass(frozen=True)
class ScheduleRow:
    n: int
    due_date: date
    principal: Decimal
    interest: Decimal
    fees: Decimal
    paid: Decimal
    outstanding: Decimal
    paid_off_on: date | None
    is_due: bool


@dataclass(frozen=True)
class LedgerRow:
    value_date: date
    kind: str
    source: CreditSource
    amount: Decimal
    is_reversed: bool
    reverses_date: date | None


@dataclass(frozen=True)
class Restructuring:
    """How a loan stands to a repayment plan: moved into one, or one itself."""

    moved_into: Acceptance | None
    opened_by: Acceptance | None


@dataclass(frozen=True)
class Arrangements:
    """What is in place on a loan now: a hardship pause, a promise, auto-debit."""

    pause: HardshipPause | None
    promise: PromiseView | None
    mandate: DebitMandate | None


def arrangements_of(loan: Loan, *, today: date) -> Arrangements:
    return Arrangements(
        pause=repayment.active_pause(loan, on=today),
        promise=repayment.pending_promise(loan, today=today),
        mandate=repayment.active_mandate(loan),
    )


@dataclass(frozen=True)
class LoanPage:
    status: LoanStatus
    restructuring: Restructuring
    schedule: list[ScheduleRow]
    ledger: list[LedgerRow]


def loan_statuses(
    borrower: Borrower, *, as_of: date
) -> list[tuple[LoanStatus, Restructuring, Arrangements]]:
    return [
        (loan_status(loan, as_of=as_of), restructuring_of(loan), arrangements_of(loan, today=as_of))
        for loan in loans_of_borrower(borrower.pk)
    ]


def restructuring_of(loan: Loan) -> Restructuring:
    """Return the acceptances that closed ``loan`` into a plan, or opened it as one."""
    return Restructuring(
        moved_into=repayment.closing_acceptance(loan), opened_by=repayment.plan_acceptance(loan)
    )


def loan_of_borrower(borrower: Borrower, reference: UUID) -> Loan | None:
    """Return the loan only if it is this borrower's: anyone else's reads as not found."""
    return loans.loan_of_borrower(borrower, reference)


def loan_page(loan: Loan, *, as_of: date) -> LoanPage:
    status = loan_status(loan, as_of=as_of)
    schedule = [_schedule_row(row, as_of) for row in status.state.installments]
    return LoanPage(
        status=status,
        restructuring=restructuring_of(loan),
        schedule=schedule,
        ledger=_ledger_rows(loan),
    )


def _schedule_row(row: InstallmentState, as_of: date) -> ScheduleRow:
    return ScheduleRow(
        n=row.n,
        due_date=row.due_date,
        principal=row.principal_due,
        interest=row.interest_due,
        fees=row.fees_due,
        paid=row.fees_paid + row.interest_paid + row.principal_paid,
        outstanding=row.outstanding,
        paid_off_on=row.paid_off_on,
        is_due=row.due_date <= as_of,
    )


def _ledger_rows(loan: Loan) -> list[LedgerRow]:
    entries = list(ledger_entries(loan))
    reversed_ids = {entry.reverses_id for entry in entries if entry.reverses_id is not None}
    return [_ledger_row(entry, entry.pk in reversed_ids) for entry in entries]


def _ledger_row(entry: LedgerEntry, is_reversed: bool) -> LedgerRow:
    original = entry.reverses if entry.kind == EntryKind.REVERSAL else None
    return LedgerRow(
        value_date=entry.value_date,
        kind=entry.kind,
        source=credit_source(entry.external_reference),
        amount=entry.amount,
        is_reversed=is_reversed,
        reverses_date=original.value_date if original is not None else None,
    )
