"""Payment histories of the demo portfolio, planned without touching the database.

Each behaviour turns a loan's due installments into the ledger entries a borrower who
pays that way would have made up to "today". Same random stream, same history.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

CENT = Decimal("0.01")
GRACE_DAYS = 3
LATE_FEE_RATE = Decimal("0.05")
MINIMUM_LATE_FEE = Decimal("20.00")
RETURNED_PAYMENT_FEE = Decimal("30.00")
# How long ago a stopped payer's first missed installment fell due, and how often.
STOPPED_SINCE_DAYS = ((1, 30), (31, 60), (61, 360))
STOPPED_SINCE_WEIGHTS = (4, 3, 3)


class Behaviour(StrEnum):
    """How a borrower has paid a loan so far."""

    PROMPT = "prompt"  # every installment on or a little before its due date
    LATE = "late"  # often days or weeks late, paying the late fee with the installment
    PARTIAL = "partial"  # part of every installment, so arrears build up
    STOPPED = "stopped"  # on time, then nothing from some installment on
    BOUNCED = "bounced"  # on time, but one payment bounced and was paid again later


BEHAVIOUR_WEIGHTS = {
    Behaviour.PROMPT: 50,
    Behaviour.LATE: 16,
    Behaviour.PARTIAL: 9,
    Behaviour.STOPPED: 20,
    Behaviour.BOUNCED: 5,
}


@dataclass(frozen=True)
class DueInstallment:
    n: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class Posting:
    """One ledger entry to write; `key` names it for a later reversal."""

    kind: str  # "payment", "fee" or "reversal"
    value_date: date
    key: str
    amount: Decimal = Decimal(0)
    installment_n: int | None = None
    reverses: str | None = None


def plan_history(
    *, dues: Sequence[DueInstallment], behaviour: Behaviour, rng: random.Random, today: date
) -> list[Posting]:
    """Return the ledger entries a borrower with `behaviour` made up to `today`, in date order."""
    due = [installment for installment in dues if installment.due_date <= today]
    postings = _PLANNERS[behaviour](due, rng, today)
    # sorted() is stable: entries of one day keep their planned order.
    return sorted((p for p in postings if p.value_date <= today), key=lambda p: p.value_date)


def _prompt(dues: Sequence[DueInstallment], rng: random.Random, today: date) -> list[Posting]:
    return [_payment(due, due.due_date - timedelta(days=rng.randint(0, 3))) for due in dues]


def _late(dues: Sequence[DueInstallment], rng: random.Random, today: date) -> list[Posting]:
    postings = []
    for due in dues:
        if rng.random() < 0.4:
            postings.append(_payment(due, due.due_date))
            continue
        fee = late_fee(due.amount)
        postings.append(_fee(due, due.due_date + timedelta(days=GRACE_DAYS), fee))
        paid_on = due.due_date + timedelta(days=rng.randint(GRACE_DAYS + 1, 45))
        postings.append(_payment(due, paid_on, due.amount + fee))
    return postings


def _partial(dues: Sequence[DueInstallment], rng: random.Random, today: date) -> list[Posting]:
    share = Decimal(rng.randint(40, 85)) / 100
    return [
        _payment(due, due.due_date + timedelta(days=rng.randint(0, 5)), _cents(due.amount * share))
        for due in dues
    ]


def _stopped(dues: Sequence[DueInstallment], rng: random.Random, today: date) -> list[Posting]:
    overdue_since = today - timedelta(days=_days_past_due_to_aim_for(rng))
    # Paid on time until the first installment that fell due after `overdue_since`.
    paid = next((i for i, due in enumerate(dues) if due.due_date > overdue_since), len(dues))
    postings = _prompt(dues[:paid], rng, today)
    if paid < len(dues):
        missed = dues[paid]
        fee_on = missed.due_date + timedelta(days=GRACE_DAYS)
        postings.append(_fee(missed, fee_on, late_fee(missed.amount)))
    return postings


def _days_past_due_to_aim_for(rng: random.Random) -> int:
    # Most stopped payers stopped recently: a portfolio has more M1 than M3+.
    low, high = rng.choices(STOPPED_SINCE_DAYS, STOPPED_SINCE_WEIGHTS)[0]
    return rng.randint(low, high)


def _bounced(dues: Sequence[DueInstallment], rng: random.Random, today: date) -> list[Posting]:
    postings = _prompt(dues, rng, today)
    if not dues:
        return postings
    which = rng.randrange(len(dues))
    due, bounced = dues[which], postings[which]
    returned_on = bounced.value_date + timedelta(days=2)
    repaid_on = returned_on + timedelta(days=rng.randint(5, 30))
    return [
        *postings,
        Posting("reversal", returned_on, key=f"bounce-{due.n}", reverses=bounced.key),
        _fee(due, returned_on, RETURNED_PAYMENT_FEE),
        _payment(due, repaid_on, due.amount + RETURNED_PAYMENT_FEE, key=f"repay-{due.n}"),
    ]


_Planner = Callable[[Sequence[DueInstallment], random.Random, date], list[Posting]]
_PLANNERS: dict[Behaviour, _Planner] = {
    Behaviour.PROMPT: _prompt,
    Behaviour.LATE: _late,
    Behaviour.PARTIAL: _partial,
    Behaviour.STOPPED: _stopped,
    Behaviour.BOUNCED: _bounced,
}


def late_fee(installment_amount: Decimal) -> Decimal:
    return max(MINIMUM_LATE_FEE, _cents(installment_amount * LATE_FEE_RATE))


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT)


def _payment(
    due: DueInstallment, value_date: date, amount: Decimal | None = None, key: str = ""
) -> Posting:
    return Posting("payment", value_date, key=key or f"pay-{due.n}", amount=amount or due.amount)


def _fee(due: DueInstallment, value_date: date, amount: Decimal) -> Posting:
    return Posting("fee", value_date, key=f"fee-{due.n}", amount=amount, installment_n=due.n)
