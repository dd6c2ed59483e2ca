"""Read paths for loans: status, schedule and delinquency as of any date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Max, QuerySet

from tactful import money
from tactful.errors import NotFound
from tactful.loans.ledger_view import bucket_scheme, ledger_state
from tactful.loans.models import DelinquencySnapshot, LedgerEntry, Loan


@dataclass(frozen=True)
class LoanStatus:
    loan: Loan
    as_of: date
    state: money.LedgerState
    days_past_due: int
    bucket: str

    @property
    def outstanding(self) -> Decimal:
        return self.state.total_outstanding

    @property
    def due_now(self) -> Decimal:
        return self.state.total_due_as_of

    @property
    def is_settled(self) -> bool:
        return self.state.total_outstanding == 0


def loan_status(loan: Loan, *, as_of: date) -> LoanStatus:
    state = ledger_state(loan, as_of=as_of)
    days = money.days_past_due(state.installments, as_of)
    return LoanStatus(
        loan=loan,
        as_of=as_of,
        state=state,
        days_past_due=days,
        bucket=bucket_scheme().bucket_for(days).label,
    )


def loan_by_external_id(external_id: str, *, missing_code: str = "not_found") -> Loan:
    """Return the loan an integrator knows as `external_id`, or raise NotFound(`missing_code`)."""
    loan = Loan.objects.select_related("borrower").filter(external_id=external_id).first()
    if loan is None:
        raise NotFound(missing_code, "no loan has this external_id")
    return loan


def loans_of_borrower(borrower_id: int) -> QuerySet[Loan]:
    return Loan.objects.filter(borrower_id=borrower_id).order_by("-disbursed_on")


def ledger_entries(loan: Loan) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(loan=loan).select_related("reverses").order_by("id")


def delinquency_snapshots(loan: Loan) -> QuerySet[DelinquencySnapshot]:
    return DelinquencySnapshot.objects.filter(loan=loan).order_by("as_of")


def last_entry_date(loans: list[Loan]) -> date | None:
    """Return the latest value date of any ledger entry of `loans` (None without any)."""
    latest: date | None = LedgerEntry.objects.filter(loan__in=loans).aggregate(
        last=Max("value_date")
    )["last"]
    return latest
