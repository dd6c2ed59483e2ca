"""Translate stored rows into the pure money types and back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import Cast, Round

from tactful import money
from tactful.batches.lookups import among
from tactful.loans.models import Installment, LedgerEntry, Loan


@dataclass(frozen=True)
class Schedule:
    """A loan's installments as its contract fixed them, in number order, with their row ids.

    These columns never change once the loan is opened (only the derived paid-off date
    does), so a schedule read once serves every replay of a batch. ``due_before``: when
    set, only the installments falling due before that day were read. They come first in
    the waterfall, which pays in due order, so a replay of them alone gives them the states
    a replay of all gives (`read_ledgers` reads a loan in full when an entry names a later
    installment).
    """

    installment_ids: tuple[int, ...]
    dues: tuple[money.Due, ...]
    due_before: date | None = None

    @property
    def complete(self) -> bool:
        """Tell whether every installment of the loan was read."""
        return self.due_before is None


def dues_of(loan: Loan) -> list[money.Due]:
    return [
        money.Due(n=row.n, due_date=row.due_date, principal=row.principal, interest=row.interest)
        for row in loan.installments.order_by("n")
    ]


def entries_of(loan: Loan) -> list[money.Entry]:
    return [_as_entry(row) for row in LedgerEntry.objects.filter(loan=loan).order_by("id")]


def ledger_state(loan: Loan, *, as_of: date) -> money.LedgerState:
    return money.replay(dues_of(loan), entries_of(loan), as_of)


def schedules_of(loan_ids: Iterable[int], *, due_before: date | None = None) -> dict[int, Schedule]:
    """Return the schedules of many loans, read in one query, keyed by loan id.

    With ``due_before``, only the installments falling due before it (see `Schedule`);
    a loan with none maps to an empty schedule.
    """
    ids = list(loan_ids)
    rows = Installment.objects.filter(among("loan_id", ids))
    if due_before is not None:
        rows = rows.filter(due_date__lt=due_before)
    pks: dict[int, list[int]] = defaultdict(list)
    dues: dict[int, list[money.Due]] = defaultdict(list)
    fields = ("loan_id", "pk", "n", "due_date", "principal", "interest")
    for loan_id, pk, n, due_date, principal, interest in rows.order_by("loan_id", "n").values_list(
        *fields
    ):
        pks[loan_id].append(pk)
        dues[loan_id].append(
            money.Due(n=n, due_date=due_date, principal=principal, interest=interest)
        )
    return {
        loan_id: Schedule(tuple(pks[loan_id]), tuple(dues[loan_id]), due_before)
        for loan_id in ids
        if loan_id in pks or due_before is not None
    }


def schedule_rows_of(loan_ids: Iterable[int]) -> list[tuple[int, int, date, int, int]]:
    """Return the installments of many loans as (loan id, number, due date, principal in
    cents, interest in cents), in one query, in no particular order.

    For a plan, which takes them as columns (`screening.ledger_arrays.Schedules`): the
    amounts come as whole numbers, exact, since the columns hold two decimal places.
    """
    rows = Installment.objects.filter(among("loan_id", list(loan_ids)))
    return list(
        rows.values_list("loan_id", "n", "due_date", _cents("principal"), _cents("interest"))
    )


def _cents(column: str) -> Cast:
    return Cast(Round(F(column) * Value(Decimal(100))), BigIntegerField())


@dataclass(frozen=True)
class LedgerRead:
    """A loan's schedule and ledger as read at one moment, replayed and kept open.

    `loans.services.post_payments` takes these to save reading and replaying again what
    its caller read: it checks they are still the loan's, and adds the new payments.
    """

    schedule: Schedule
    replay: money.OpenReplay


def read_ledgers(
    loan_ids: Iterable[int], *, due_before: date | None = None
) -> dict[int, LedgerRead]:
    """Read and replay many loans' ledgers: two queries for the whole batch.

    With ``due_before``, only the installments falling due before it are read and
    replayed (see `Schedule`), except for a loan with an entry naming a later installment,
    which is read in full (one more query).
    """
    ids = list(loan_ids)
    schedules = schedules_of(ids, due_before=due_before)
    entries = entries_by_loan(ids)
    beyond = [loan_id for loan_id in ids if _names_unread(schedules.get(loan_id), entries[loan_id])]
    schedules.update(schedules_of(beyond))
    empty = Schedule((), ())
    reads = {}
    for loan_id in ids:
        schedule = schedules.get(loan_id, empty)
        reads[loan_id] = LedgerRead(schedule, money.OpenReplay(schedule.dues, entries[loan_id]))
    return reads


def _names_unread(schedule: Schedule | None, entries: list[money.Entry]) -> bool:
    """Tell whether an entry names an installment ``schedule`` left unread."""
    if schedule is None or schedule.complete:
        return False
    numbers = {due.n for due in schedule.dues}
    return any(
        entry.installment is not None and entry.installment not in numbers for entry in entries
    )


def entries_by_loan(loan_ids: Iterable[int]) -> dict[int, list[money.Entry]]:
    """Return the ledgers of many loans, read in one query, each in posting order.

    The same translation as `entries_of`, for a whole batch; a loan without entries
    maps to an empty list.
    """
    fields = ("loan_id", "id", "kind", "value_date", "amount", "reverses_id", "installment_n")
    rows = LedgerEntry.objects.filter(among("loan_id", list(loan_ids))).order_by("loan_id", "id")
    entries: dict[int, list[money.Entry]] = defaultdict(list)
    for loan_id, pk, kind, value_date, amount, reverses_id, installment_n in rows.values_list(
        *fields
    ):
        entries[loan_id].append(
            money.Entry(
                entry_id=str(pk),
                kind=money.EntryKind(kind),
                value_date=value_date,
                amount=amount,
                reverses=str(reverses_id) if reverses_id else None,
                installment=installment_n,
            )
        )
    return entries


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
