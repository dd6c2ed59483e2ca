from __future__ import annotations

import hashlib
import json

from tactful.borrowers.models import Borrower
from tactful.loans.models import LedgerEntry, Loan


def portfolio_digest() -> str:
    """Return a digest of every stored borrower, loan and ledger entry (not random UUIDs)."""
    rows: list[list[object]] = []
    for borrower in Borrower.objects.order_by("external_id"):
        phones = sorted(borrower.phone_numbers.values_list("e164", "is_primary", "time_zone"))
        rows.append(
            [
                borrower.external_id,
                borrower.name,
                borrower.national_id,
                borrower.preferred_language,
                borrower.timezone_override,
                phones,
            ]
        )
    for loan in Loan.objects.select_related("borrower").order_by("external_id"):
        rows.append(
            [
                loan.external_id,
                loan.borrower.external_id,
                loan.product,
                loan.principal,
                loan.annual_rate,
                loan.term_months,
                loan.method,
                loan.disbursed_on,
                loan.currency,
            ]
        )
    entries = LedgerEntry.objects.select_related("loan", "reverses")
    for entry in entries.order_by("loan__external_id", "id"):
        reversed_reference = entry.reverses.external_reference if entry.reverses else None
        rows.append(
            [
                entry.loan.external_id,
                entry.kind,
                entry.value_date,
                entry.amount,
                entry.installment_n,
                entry.external_reference,
                reversed_reference,
            ]
        )
    text = json.dumps(rows, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
