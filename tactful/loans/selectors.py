"""Read paths for loans: status, schedule and delinquency as of any date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import polars as pl
from django.db.models import Exists, F, Max, Q, QuerySet

from tactful import money
from tactful.batches.lookups import among
from tactful.borrowers.models import Borrower
from tactful.borrowers.selectors import primary_zone_column
from tactful.errors import NotFound
from tactful.loans.ledger_view import bucket_scheme, ledger_state
from tactful.loans.models import DelinquencySnapshot, EntryKind, Installment, LedgerEntry, Loan


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
    return _status(loan, state, as_of)


def _status(loan: Loan, state: money.LedgerState, as_of: date) -> LoanStatus:
    days = money.days_past_due(state.installments, as_of)
    return LoanStatus(
        loan=loan,
        as_of=as_of,
        state=state,
        days_past_due=days,
        bucket=bucket_scheme().bucket_for(days).label,
    )


@dataclass(frozen=True, slots=True)
class PlanLoan:
    """What a plan reads of a loan and its borrower: no personal data, nothing decrypted."""

    pk: int
    borrower_id: int
    borrower_reference: UUID
    disbursed_on: date
    principal: Decimal
    currency: str
    # The borrower's own override, else the zone of their primary number; "" when unknown.
    zone: str


def loans_for_planning(loan_ids: Iterable[int]) -> list[PlanLoan]:
    """These loans, in id order, as a plan reads them (one query)."""
    rows = (
        Loan.objects.filter(among("pk", list(loan_ids)))
        .annotate(primary_zone=primary_zone_column("borrower"))
        .order_by("pk")
        .values_list(
            "pk",
            "borrower_id",
            "borrower__reference",
            "disbursed_on",
            "principal",
            "currency",
            "borrower__timezone_override",
            "primary_zone",
        )
    )
    return [
        PlanLoan(pk, borrower, reference, disbursed_on, principal, currency, override or zone or "")
        for pk, borrower, reference, disbursed_on, principal, currency, override, zone in rows
    ]


def loan_by_external_id(external_id: str, *, missing_code: str = "not_found") -> Loan:
    """Return the loan an integrator knows as `external_id`, or raise NotFound(`missing_code`)."""
    loan = Loan.objects.select_related("borrower").filter(external_id=external_id).first()
    if loan is None:
        raise NotFound(missing_code, "no loan has this external_id")
    return loan


def loan_with_external_id(external_id: str, *, borrower: Borrower | None = None) -> Loan | None:
    """Return the loan an integrator knows as `external_id` (of `borrower`, if given), or None."""
    loans = Loan.objects.select_related("borrower").filter(external_id=external_id)
    if borrower is not None:
        loans = loans.filter(borrower=borrower)
    return loans.first()


def loan_of_borrower(borrower: Borrower, reference: UUID) -> Loan | None:
    """Return the loan only if it is this borrower's: anyone else's reads as not found."""
    return Loan.objects.filter(borrower=borrower, reference=reference).first()


def newest_entry_id(loan: Loan) -> int:
    """Return the id of the loan's newest ledger entry (0 for none): a ledger's version."""
    newest = LedgerEntry.objects.filter(loan=loan).order_by("-id").values_list("id", flat=True)
    return newest.first() or 0


def entry_with_reference(loan: Loan, external_reference: str) -> LedgerEntry | None:
    """Return the entry of `loan` posted with `external_reference`, if there is one."""
    return LedgerEntry.objects.filter(loan=loan, external_reference=external_reference).first()


def live_payments(loan: Loan, *, as_of: date) -> QuerySet[LedgerEntry]:
    """Return the payments valued on or before `as_of` whose reversal is not valued by then."""
    rows = LedgerEntry.objects.filter(loan=loan, value_date__lte=as_of)
    reversed_ids = set(rows.filter(kind=EntryKind.REVERSAL).values_list("reverses_id", flat=True))
    return rows.filter(kind=EntryKind.PAYMENT).exclude(pk__in=reversed_ids)


def payment_valued_on(*, loan: Any, day: Any) -> Exists:
    """An expression for other apps' queries: True where `loan` has a payment valued on
    `day` (both expressions, such as ``OuterRef("loan")``). A later reversal does not undo
    it: the borrower paid that day, whatever became of the money."""
    return Exists(LedgerEntry.objects.filter(loan=loan, value_date=day, kind=EntryKind.PAYMENT))


def borrower_today(borrower: Borrower, *, now: datetime) -> date:
    """Return the date it is for the borrower: their zone, else UTC when it is not known."""
    zone = borrower.time_zone
    return now.astimezone(ZoneInfo(zone)).date() if zone else now.date()


def ledger_day(borrower: Borrower, *, now: datetime) -> date:
    """Return the day money the borrower moves now is valued on: their day, but never ahead
    of the ledger's own (UTC) today, which refuses value dates in the future."""
    return min(borrower_today(borrower, now=now), now.date())


def loan_with_id(pk: int) -> Loan:
    """Return the loan `pk` (it must exist: callers hold its id from a query)."""
    return Loan.objects.get(pk=pk)


def locked_loan(pk: int) -> Loan:
    """Return the loan `pk` with its borrower, its row locked until the transaction ends."""
    return Loan.objects.select_for_update().select_related("borrower").get(pk=pk)


def overdue_loans(*, as_of: date) -> QuerySet[Loan]:
    """Return the loans with an installment due before `as_of` and unpaid on it."""
    unpaid = Q(paid_off_on__isnull=True) | Q(paid_off_on__gt=as_of)
    late = Installment.objects.filter(unpaid, due_date__lt=as_of).values("loan_id")
    return Loan.objects.filter(pk__in=late).select_related("borrower").order_by("pk")


def installments_paid_on_time(*, due_from: date, due_before: date) -> list[tuple[Any, ...]]:
    """Return (borrower id, loan id, loan reference, n, due date) of the installments due in
    [due_from, due_before) and paid off by their due date."""
    rows = Installment.objects.filter(
        due_date__gte=due_from, due_date__lt=due_before, paid_off_on__lte=F("due_date")
    ).values_list("loan__borrower_id", "loan_id", "loan__reference", "n", "due_date")
    return list(rows)


def loans_with_credits_from(prefixes: tuple[str, ...], loan_ids: Iterable[int]) -> set[int]:
    """Return those of `loan_ids` with a payment entry whose external reference starts with
    one of `prefixes` (credits that are not the borrower's money: `tactful.loans.credits`)."""
    starts = Q()
    for prefix in prefixes:
        starts |= Q(external_reference__startswith=prefix)
    rows = LedgerEntry.objects.filter(starts, loan_id__in=list(loan_ids), kind=EntryKind.PAYMENT)
    return set(rows.values_list("loan_id", flat=True))


def loans_paid_off(loan_ids: Iterable[int], *, before: date) -> QuerySet[Loan]:
    """Return those of `loan_ids` whose every installment was paid off before `before`."""
    ids = list(loan_ids)
    open_loans = (
        Installment.objects.filter(loan_id__in=ids)
        .exclude(paid_off_on__lt=before)
        .values_list("loan_id", flat=True)
    )
    return Loan.objects.filter(pk__in=ids).exclude(pk__in=open_loans)


def loans_of_borrowers_with_prefix(prefix: str) -> QuerySet[Loan]:
    """Return the loans of the borrowers whose external id starts with `prefix`."""
    return Loan.objects.filter(borrower__external_id__startswith=prefix)


def entry_count(loans: QuerySet[Loan]) -> int:
    return LedgerEntry.objects.filter(loan__in=loans).count()


def loan_count() -> int:
    """Return how many loans Tactful holds (the base of rates per accounts)."""
    return Loan.objects.count()


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


def installments_frame() -> pl.DataFrame:
    """Return every installment's loan, due date and payoff date, for the batch path."""
    rows = Installment.objects.values_list("loan_id", "due_date", "paid_off_on")
    return pl.DataFrame(
        list(rows),
        schema={"loan_id": pl.Int64, "due_date": pl.Date, "paid_off_on": pl.Date},
        orient="row",
    )
