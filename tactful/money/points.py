"""Reward points: earned for paying on time, spent only on fees and interest, and expiring.

The points ledger is append-only. Each earning is a *lot* that expires
``expiry_months`` after the day it was earned. Spending (a redemption) and expiry take
points from the oldest lots first, so the points about to expire are always used first.
A lot's points still unspent on its expiry day are gone from that day on; the
bookkeeping row for that (an ``expire`` entry) is written by a daily task, but the
balance here never depends on it having run.

A redemption turns points into money at ``value_per_point`` and may pay only fees and
interest: ``redeemable_value`` caps it at what the next installment still owes in fees
and interest, so under the payment waterfall (fees, then interest, then principal of
the oldest open installment) it can never reach principal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from tactful.money.calendar import add_months
from tactful.money.currency import quantum
from tactful.money.ledger import InstallmentState


class PointsKind(StrEnum):
    """What a points entry records."""

    EARN = "earn"
    BONUS = "bonus"
    REDEEM = "redeem"
    EXPIRE = "expire"


EARNING_KINDS = frozenset({PointsKind.EARN, PointsKind.BONUS})


class PointsError(ValueError):
    """A redemption or entry the points rules forbid; ``code`` names the rule."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class PointsRules:
    """How points are earned, what they are worth and when they expire (from the pack)."""

    per_on_time_installment: int
    plan_completion_bonus: int
    expiry_months: int
    value_per_point: Decimal
    minimum_redemption: int


@dataclass(frozen=True)
class PointsEntry:
    """One row of the points ledger; ``points`` is positive for every kind."""

    kind: PointsKind
    points: int
    on: date


@dataclass(frozen=True)
class Lot:
    """Points earned on one day, what is left of them, and when they expire."""

    earned_on: date
    expires_on: date
    remaining: int


@dataclass(frozen=True)
class PointsBalance:
    """The balance on ``as_of``: live lots (oldest first) and what expired, by day."""

    as_of: date
    lots: tuple[Lot, ...]
    expirations: tuple[tuple[date, int], ...]

    @property
    def expired(self) -> int:
        """Return the points that expired unspent on or before ``as_of``."""
        return sum(points for _, points in self.expirations)

    @property
    def points(self) -> int:
        """Return the points that can be spent on ``as_of``."""
        return sum(lot.remaining for lot in self.lots)

    def expiring_by(self, day: date) -> int:
        """Return the points of the balance that expire on or before ``day``."""
        return sum(lot.remaining for lot in self.lots if lot.expires_on <= day)


def balance(entries: Sequence[PointsEntry], rules: PointsRules, as_of: date) -> PointsBalance:
    """Return the points balance on ``as_of`` from the entries dated on or before it.

    Entries apply in date order (earnings before spending on the same day); stored
    ``expire`` entries are ignored, because expiry is derived from the lots.
    """
    lots: list[_OpenLot] = []
    expired: list[tuple[date, int]] = []
    ordered = sorted(
        (entry for entry in entries if entry.on <= as_of),
        key=lambda e: (e.on, e.kind not in EARNING_KINDS),
    )
    for entry in ordered:
        expired.extend(_expire(lots, entry.on))
        if entry.kind in EARNING_KINDS:
            lots.append(_OpenLot(entry.on, add_months(entry.on, rules.expiry_months), entry.points))
        elif entry.kind is PointsKind.REDEEM:
            _spend(lots, entry.points)
    expired.extend(_expire(lots, as_of))
    return PointsBalance(
        as_of=as_of,
        lots=tuple(Lot(lot.earned_on, lot.expires_on, lot.remaining) for lot in lots),
        expirations=_by_day(expired),
    )


class _OpenLot:
    """A lot being drawn down during a replay of the points ledger."""

    __slots__ = ("earned_on", "expires_on", "remaining")

    def __init__(self, earned_on: date, expires_on: date, remaining: int) -> None:
        self.earned_on = earned_on
        self.expires_on = expires_on
        self.remaining = remaining


def earned_on_time(installment: InstallmentState) -> bool:
    """Tell whether ``installment`` was paid in full on or before its due date."""
    paid_on = installment.paid_off_on
    owed = installment.principal_due + installment.interest_due + installment.fees_due
    return owed > 0 and paid_on is not None and paid_on <= installment.due_date


def redemption_value(points: int, rules: PointsRules, currency: str) -> Decimal:
    """Return what ``points`` are worth, rounded down to the minor unit."""
    value = Decimal(points) * rules.value_per_point
    return value.quantize(quantum(currency), rounding=ROUND_DOWN) + 0


def redeemable_value(installments: Sequence[InstallmentState]) -> Decimal:
    """Return the fees and interest the oldest open installment still owes.

    That installment is the one the waterfall pays first; a payment no larger than
    its unpaid fees and interest never reaches principal.
    """
    open_ones = sorted((i for i in installments if i.outstanding > 0), key=lambda i: i.due_date)
    if not open_ones:
        return Decimal(0)
    first = open_ones[0]
    return (first.fees_due - first.fees_paid) + (first.interest_due - first.interest_paid)


def check_redemption(
    points: int, available: PointsBalance, rules: PointsRules, value_cap: Decimal, currency: str
) -> Decimal:
    """Return the money value of redeeming ``points``; raise ``PointsError`` if not allowed."""
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise PointsError("invalid_points", "redeem a whole number of points above zero")
    if points < rules.minimum_redemption:
        raise PointsError(
            "below_minimum_redemption", f"redeem at least {rules.minimum_redemption} points"
        )
    if points > available.points:
        raise PointsError("not_enough_points", f"only {available.points} points are available")
    value = redemption_value(points, rules, currency)
    if value > value_cap:
        raise PointsError(
            "redemption_above_fees_and_interest",
            f"points pay only fees and interest; at most {value_cap} can be paid now",
        )
    if value <= 0:
        raise PointsError("redemption_worthless", "these points are worth less than the minor unit")
    return value


def _expire(lots: list[_OpenLot], day: date) -> list[tuple[date, int]]:
    """Drop the lots expired by ``day``; return each one's expiry day and unspent points.

    Lots are earned in date order and all live equally long, so they expire in order.
    """
    gone = []
    while lots and lots[0].expires_on <= day:
        lot = lots.pop(0)
        if lot.remaining > 0:
            gone.append((lot.expires_on, lot.remaining))
    return gone


def _by_day(expired: list[tuple[date, int]]) -> tuple[tuple[date, int], ...]:
    totals: dict[date, int] = {}
    for day, points in expired:
        totals[day] = totals.get(day, 0) + points
    return tuple(sorted(totals.items()))


def _spend(lots: list[_OpenLot], points: int) -> None:
    left = points
    for lot in lots:
        take = min(left, lot.remaining)
        lot.remaining -= take
        left -= take
    if left > 0:
        raise PointsError("not_enough_points", f"{left} points more than the balance were spent")
    lots[:] = [lot for lot in lots if lot.remaining > 0]
