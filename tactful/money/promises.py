"""Promises to pay: kept once enough is paid by the promised day, broken the day after.

Payments count towards a promise when their value date lies between the day it was
made and the promised day, both included. Corrections count too: a payment reversed
later no longer keeps the promise, from the reversal's own value date on, exactly as
the ledger replays it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class PromiseState(StrEnum):
    """Where a promise stands on a day."""

    PENDING = "pending"
    KEPT = "kept"
    BROKEN = "broken"


class PromiseError(ValueError):
    """A promise that may not be recorded; ``code`` names the rule, ``field`` the input."""

    def __init__(self, code: str, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.code = code
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Promise:
    """``amount`` promised on ``made_on`` to be paid by ``due_on``."""

    amount: Decimal
    made_on: date
    due_on: date


def paid_towards(promise: Promise, payments: Iterable[tuple[date, Decimal]]) -> Decimal:
    """Return the sum of ``(value date, amount)`` payments that count towards ``promise``."""
    return sum(
        (amount for day, amount in payments if promise.made_on <= day <= promise.due_on),
        start=Decimal(0),
    )


def promise_state(
    promise: Promise, payments: Iterable[tuple[date, Decimal]], as_of: date
) -> PromiseState:
    """Return the state of ``promise`` on ``as_of`` given the live payments then."""
    if paid_towards(promise, payments) >= promise.amount:
        return PromiseState.KEPT
    return PromiseState.BROKEN if as_of > promise.due_on else PromiseState.PENDING


def check_new_promise(
    promise: Promise, *, outstanding: Decimal, today: date, max_days_ahead: int
) -> None:
    """Raise ``PromiseError`` unless ``promise`` may be recorded ``today``."""
    if promise.amount <= 0:
        raise PromiseError("invalid_amount", "amount", "must be greater than zero")
    if promise.amount > outstanding:
        raise PromiseError(
            "promise_above_outstanding", "amount", f"is more than the {outstanding} still owed"
        )
    if promise.due_on < today:
        raise PromiseError("promise_in_past", "due_on", "must be today or later")
    if (promise.due_on - today).days > max_days_ahead:
        raise PromiseError(
            "promise_too_far", "due_on", f"must be at most {max_days_ahead} days from today"
        )
