"""Background work of the ledger."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from tactful.loans.services import record_delinquency_snapshots


@task()
def snapshot_delinquency(as_of: str) -> int:
    """Record every loan's days past due and bucket at the close of `as_of` (ISO date)."""
    return record_delinquency_snapshots(as_of=date.fromisoformat(as_of))
