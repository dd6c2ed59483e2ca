"""Daily delinquency history, computed for all loans at once through the batch path."""

from __future__ import annotations

from datetime import date

import polars as pl
from django.db import transaction

from tactful import money
from tactful.loans.ledger_view import bucket_scheme
from tactful.loans.models import DelinquencySnapshot, Installment

BATCH_SIZE = 5000


def installments_frame() -> pl.DataFrame:
    rows = Installment.objects.values_list("loan_id", "due_date", "paid_off_on")
    return pl.DataFrame(
        list(rows),
        schema={"loan_id": pl.Int64, "due_date": pl.Date, "paid_off_on": pl.Date},
        orient="row",
    )


def record_delinquency_snapshots(*, as_of: date) -> int:
    """Append one snapshot per loan for `as_of`; a day already recorded is left alone."""
    frame = money.days_past_due_frame(installments_frame(), as_of, bucket_scheme())
    done = set(DelinquencySnapshot.objects.filter(as_of=as_of).values_list("loan_id", flat=True))
    snapshots = [
        DelinquencySnapshot(
            loan_id=row["loan_id"],
            as_of=as_of,
            days_past_due=row["days_past_due"],
            bucket=row["bucket"],
        )
        for row in frame.iter_rows(named=True)
        if row["loan_id"] not in done
    ]
    with transaction.atomic():
        DelinquencySnapshot.objects.bulk_create(snapshots, batch_size=BATCH_SIZE)
    return len(snapshots)
