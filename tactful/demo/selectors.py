"""Read paths for the demo portfolio: what a seed produced, and whom a visitor can sign in as."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tactful.borrowers.selectors import any_borrower, primary_numbers_with_prefix
from tactful.loans.ledger_view import bucket_scheme
from tactful.loans.models import Loan
from tactful.loans.selectors import (
    entry_count,
    loan_status,
    loans_of_borrower,
    loans_of_borrowers_with_prefix,
)

DEMO_BORROWER_PREFIX = "demo-b-"


def borrower_external_id(seed: int, index: int) -> str:
    return f"{DEMO_BORROWER_PREFIX}{seed}-{index}"


@dataclass(frozen=True)
class PortfolioCounts:
    borrowers: int
    loans: int
    entries: int
    # Bucket label -> number of loans, in the order of the bucket scheme.
    loans_per_bucket: dict[str, int]


def count_portfolio(*, seed: int, today: date) -> PortfolioCounts:
    """Count the borrowers, loans and ledger entries of demo seed `seed` as of `today`."""
    loans = loans_of_borrowers_with_prefix(f"{DEMO_BORROWER_PREFIX}{seed}-")
    return PortfolioCounts(
        borrowers=loans.values("borrower").distinct().count(),
        loans=loans.count(),
        entries=entry_count(loans),
        loans_per_bucket=_loans_per_bucket(list(loans.order_by("id")), today),
    )


def _loans_per_bucket(loans: list[Loan], today: date) -> dict[str, int]:
    counts = {bucket.label: 0 for bucket in bucket_scheme().buckets}
    for loan in loans:
        counts[loan_status(loan, as_of=today).bucket] += 1
    return counts


def has_borrowers() -> bool:
    """Tell whether any borrower is stored, demo or not."""
    return any_borrower()


def phone_per_bucket(*, today: date, scan_limit: int = 200) -> dict[str, str]:
    """Return, per bucket, the primary number of one demo borrower whose first loan is in it.

    Looks at the first `scan_limit` demo borrowers only: the demo start-up banner
    needs a few examples, not a census.
    """
    found: dict[str, str] = {}
    phones = primary_numbers_with_prefix(DEMO_BORROWER_PREFIX)[:scan_limit]
    for phone in phones:
        loan = loans_of_borrower(phone.borrower_id).order_by("id").first()
        if loan is not None:
            found.setdefault(loan_status(loan, as_of=today).bucket, phone.e164)
    order = [bucket.label for bucket in bucket_scheme().buckets]
    return {label: found[label] for label in order if label in found}
