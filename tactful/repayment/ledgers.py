"""Read many loans' ledgers at once and replay each: three queries for a whole batch.

The daily auto-debit run needs every due loan's installments as of one day. Reading
them loan by loan (`loans.ledger_view.ledger_state`) costs two queries a loan; this
reads the same rows for a batch and replays them with the same pure `money.replay`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from tactful.loans.models import Installment, LedgerEntry
from tactful.money.ledger import Due, Entry, EntryKind, InstallmentState, replay


def installment_states(
    loan_ids: Iterable[int], as_of: date
) -> dict[int, tuple[InstallmentState, ...]]:
    """Return each loan's installments as of ``as_of``, keyed by loan id."""
    ids = list(loan_ids)
    dues: dict[int, list[Due]] = defaultdict(list)
    rows = Installment.objects.filter(loan_id__in=ids).values_list(
        "loan_id", "n", "due_date", "principal", "interest"
    )
    for loan_id, n, due_date, principal, interest in rows:
        dues[loan_id].append(Due(n=n, due_date=due_date, principal=principal, interest=interest))
    entries: dict[int, list[Entry]] = defaultdict(list)
    for loan_id, entry in _entries(ids):
        entries[loan_id].append(entry)
    return {loan_id: replay(dues[loan_id], entries[loan_id], as_of).installments for loan_id in ids}


def _entries(loan_ids: list[int]) -> Iterable[tuple[int, Entry]]:
    fields = ("loan_id", "id", "kind", "value_date", "amount", "reverses_id", "installment_n")
    rows = LedgerEntry.objects.filter(loan_id__in=loan_ids).order_by("loan_id", "id")
    for loan_id, pk, kind, value_date, amount, reverses_id, installment_n in rows.values_list(
        *fields
    ):
        yield (
            loan_id,
            Entry(
                entry_id=str(pk),
                kind=EntryKind(kind),
                value_date=value_date,
                amount=amount,
                reverses=str(reverses_id) if reverses_id else None,
                installment=installment_n,
            ),
        )
