"""Translate stored rows into the pure money types and back."""

from __future__ import annotations

from datetime import date
from functools import cache

from django.conf import settings

from tactful import money
from tactful.loans.models import LedgerEntry, Loan


def dues_of(loan: Loan) -> list[money.Due]:
    return [
        money.Due(n=row.n, due_date=row.due_date, principal=row.principal, interest=row.interest)
        for row in loan.installments.order_by("n")
    ]


def entries_of(loan: Loan) -> list[money.Entry]:
    return [_as_entry(row) for row in LedgerEntry.objects.filter(loan=loan).order_by("id")]


def ledger_state(loan: Loan, *, as_of: date) -> money.LedgerState:
    return money.replay(dues_of(loan), entries_of(loan), as_of)


@cache
def bucket_scheme() -> money.BucketScheme:
    return money.BucketScheme.parse(settings.DELINQUENCY_BUCKETS)


def _as_entry(row: LedgerEntry) -> money.Entry:
    return money.Entry(
        entry_id=str(row.pk),
        kind=money.EntryKind(row.kind),
        value_date=row.value_date,
        amount=row.amount,
        reverses=str(row.reverses_id) if row.reverses_id else None,
        installment=row.installment_n,
    )
