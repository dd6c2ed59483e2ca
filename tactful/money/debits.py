"""Auto-debit arithmetic: what a mandate collects on a day, and when a failure is retried.

A mandate names a day of the month (1 to 28, so it exists in every month). On that day
it collects every installment that falls due *before the next debit day*, oldest first,
so an installment is never late because the chosen day comes before its due date. The
total collected from one mandate on one day never exceeds the mandate's maximum: the
installment that does not fit is collected in part.

Each installment and each attempt at it has its own idempotency key, so a payment
processor that sees the same key twice charges once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tactful.money.calendar import add_months
from tactful.money.ledger import InstallmentState

LAST_DEBIT_DAY = 28


@dataclass(frozen=True)
class DebitLine:
    """An amount to collect for installment ``n``."""

    n: int
    amount: Decimal


@dataclass(frozen=True)
class RetryPolicy:
    """Days after a failed attempt on which it is tried again; one delay per retry."""

    delays_days: tuple[int, ...]

    @property
    def max_attempts(self) -> int:
        """Return how many attempts one installment gets in one debit cycle."""
        return 1 + len(self.delays_days)

    def retry_on(self, attempt: int, failed_on: date, *, permanent: bool) -> date | None:
        """Return when attempt ``attempt`` (1-based), failed on ``failed_on``, is retried.

        None when it is not: a permanent failure (a closed account, a revoked
        authorisation) or the last attempt of the cycle.
        """
        if permanent or attempt >= self.max_attempts:
            return None
        return failed_on + timedelta(days=self.delays_days[attempt - 1])


def is_debit_day(debit_day: int, on: date) -> bool:
    """Tell whether a mandate for ``debit_day`` collects on ``on``."""
    return on.day == debit_day


def next_debit_day(debit_day: int, after: date) -> date:
    """Return the first day after ``after`` on which a mandate for ``debit_day`` collects."""
    candidate = after.replace(day=debit_day)
    return candidate if candidate > after else add_months(candidate, 1)


def debit_lines(
    installments: Sequence[InstallmentState], *, until: date, maximum: Decimal
) -> list[DebitLine]:
    """Return what to collect: installments due before ``until`` still owing, oldest first.

    The lines add up to at most ``maximum``; the first that does not fit is cut to the
    rest, and none follows it.
    """
    room = maximum
    lines = []
    for installment in sorted(installments, key=lambda i: (i.due_date, i.n)):
        if installment.due_date >= until or installment.outstanding <= 0:
            continue
        amount = min(installment.outstanding, room)
        if amount <= 0:
            break
        lines.append(DebitLine(installment.n, amount))
        room -= amount
    return lines


def idempotency_key(mandate: str, installment: int, attempt: int) -> str:
    """Return the key of attempt ``attempt`` at installment ``installment`` of ``mandate``."""
    return f"ad-{mandate}-{installment}-{attempt}"


@dataclass(frozen=True)
class PreviousAttempt:
    """The latest attempt at one installment: its number, day and how it ended."""

    attempt_no: int
    scheduled_on: date
    finished: bool
    succeeded: bool
    retry_on: date | None


@dataclass(frozen=True)
class PlannedAttempt:
    n: int
    attempt_no: int
    amount: Decimal


def plan_attempts(
    installments: Sequence[InstallmentState],
    *,
    debit_day: int,
    maximum: Decimal,
    on: date,
    previous: Mapping[int, PreviousAttempt],
) -> list[PlannedAttempt]:
    """Return the attempts a mandate makes on ``on``, oldest installment first.

    1. On the debit day, every installment due before the next debit day and still
       owing is a candidate, unless a retry of it is still to come; on any day, so is
       an installment whose failed attempt is to be retried that day (or was to be
       retried on a day without a run).
    2. An installment with an attempt still in flight, or one already tried today,
       is left alone: at most one attempt per installment per day.
    3. Amounts are what each installment still owes, together at most ``maximum``.
    """
    wanted = _candidates(installments, debit_day=debit_day, on=on, previous=previous)
    room = maximum
    planned = []
    for installment in wanted:
        amount = min(installment.outstanding, room)
        if amount <= 0:
            break
        last = previous.get(installment.n)
        planned.append(PlannedAttempt(installment.n, (last.attempt_no if last else 0) + 1, amount))
        room -= amount
    return planned


def _candidates(
    installments: Sequence[InstallmentState],
    *,
    debit_day: int,
    on: date,
    previous: Mapping[int, PreviousAttempt],
) -> list[InstallmentState]:
    until = next_debit_day(debit_day, on) if is_debit_day(debit_day, on) else None
    chosen = []
    for installment in sorted(installments, key=lambda i: (i.due_date, i.n)):
        if installment.outstanding <= 0:
            continue
        last = previous.get(installment.n)
        if last is not None and (not last.finished or last.scheduled_on >= on):
            continue
        retry_on = last.retry_on if last is not None and not last.succeeded else None
        # A retry day missed (no run that day) is made up on the next run.
        retry_due = retry_on is not None and retry_on <= on
        waiting = retry_on is not None and retry_on > on
        in_cycle = until is not None and installment.due_date < until and not waiting
        if retry_due or in_cycle:
            chosen.append(installment)
    return chosen
