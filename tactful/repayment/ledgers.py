"""Read many loans' ledgers at once and replay each: two queries for a whole batch.

The daily auto-debit run needs every due loan's installments as of one day. Reading
them loan by loan (`loans.ledger_view.ledger_state`) costs two queries a loan; this
reads the same rows for a batch (`loans.ledger_view.read_ledgers`) and replays them
with the same pure `money` waterfall.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from tactful.loans.ledger_view import LedgerRead, read_ledgers
from tactful.money.ledger import InstallmentState


def installment_states(
    loan_ids: Iterable[int], as_of: date, *, ledgers: Mapping[int, LedgerRead] | None = None
) -> dict[int, tuple[InstallmentState, ...]]:
    """Return each loan's installments as of ``as_of``, keyed by loan id.

    ``ledgers`` are the loans' ledgers if the caller read them already.
    """
    ids = list(loan_ids)
    reads = read_ledgers(ids) if ledgers is None else ledgers
    return {loan_id: reads[loan_id].replay.state(as_of).installments for loan_id in ids}
