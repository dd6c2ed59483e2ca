"""Installment restructuring (分期): price a new plan for what is owed, within the caps.

A plan re-lends the carried balance (principal still owed, interest already due and
unpaid, unpaid fees) over ``months`` equal installments at ``annual_rate``. A
restructuring fee, if any, is charged on the first installment. The plan's full cost is
shown as an annualised rate of its cash flows (``tactful.money.irr``): the borrower
receives the carried balance at the start and pays each installment (the first one with
the fee) a month apart.

Caps come from the rule pack. Terms beyond a hard cap (months, rate, fee) are refused
with ``RestructuringError``. A plan whose annualised cost, shown to 0.01 percentage
point, is above ``max_apr`` is priced but flagged ``exceeds_cap``; the caller must not
offer it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from tactful.money.currency import AmountError, UnknownCurrency, parse_amount, quantum
from tactful.money.irr import annualised, effective_annual, periodic_irr
from tactful.money.records import InstallmentState
from tactful.money.schedule import (
    MAX_ANNUAL_RATE,
    Method,
    ScheduledInstallment,
    ScheduleError,
    build_schedule,
)

ZERO = Decimal(0)


class RestructuringError(ValueError):
    """Terms no plan may have; ``field`` names the term, ``code`` says which rule it broke."""

    def __init__(self, field: str, reason: str, code: str = "invalid_terms") -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class Caps:
    """What a jurisdiction (and Tactful's own policy) allows a restructured plan."""

    max_months: int
    max_annual_rate: Decimal
    max_fee_rate: Decimal
    max_apr: Decimal | None


@dataclass(frozen=True)
class CarriedBalance:
    """What moves into the plan: principal owed, interest due and unpaid, unpaid fees."""

    principal: Decimal
    interest: Decimal
    fees: Decimal

    @property
    def total(self) -> Decimal:
        """Return the amount the plan re-lends."""
        return self.principal + self.interest + self.fees


@dataclass(frozen=True)
class PlanTerms:
    """The terms asked for: months, nominal annual rate, fee and the day the plan starts."""

    months: int
    annual_rate: Decimal
    fee: Decimal
    start: date


@dataclass(frozen=True)
class Offer:
    """A priced plan: its schedule, what it costs in all, and its annualised cost."""

    currency: str
    balance: Decimal
    terms: PlanTerms
    schedule: tuple[ScheduledInstallment, ...]
    total_interest: Decimal
    total_repaid: Decimal
    apr: Decimal
    effective_annual_rate: Decimal
    max_apr: Decimal | None

    @property
    def fee(self) -> Decimal:
        """Return the restructuring fee, charged with the first installment."""
        return self.terms.fee

    @property
    def total_cost(self) -> Decimal:
        """Return what the plan costs beyond the carried balance: interest and fee."""
        return self.total_interest + self.terms.fee

    @property
    def first_payment(self) -> Decimal:
        """Return the first installment, fee included."""
        return self.schedule[0].payment + self.terms.fee

    @property
    def regular_payment(self) -> Decimal:
        """Return the level installment (the largest one, fee aside)."""
        return max(row.payment for row in self.schedule)

    @property
    def exceeds_cap(self) -> bool:
        """Tell whether the annualised cost is above the pack's cap."""
        return self.max_apr is not None and self.apr > self.max_apr


def price_offer(*, balance: CarriedBalance, terms: PlanTerms, currency: str, caps: Caps) -> Offer:
    """Price the plan ``terms`` for ``balance``; raise ``RestructuringError`` beyond a hard cap."""
    carried = _checked_balance(balance, currency)
    _check_terms(terms, carried, currency, caps)
    schedule = _schedule(carried, terms, currency)
    flows = [carried, *(row.payment for row in schedule)]
    flows[1] += terms.fee
    monthly = periodic_irr([flows[0], *(-flow for flow in flows[1:])])
    return Offer(
        currency=currency,
        balance=carried,
        terms=terms,
        schedule=tuple(schedule),
        total_interest=sum((row.interest for row in schedule), start=ZERO),
        total_repaid=sum(flows[1:], start=ZERO),
        apr=annualised(monthly),
        effective_annual_rate=effective_annual(monthly),
        max_apr=caps.max_apr,
    )


def price_menu(
    *,
    balance: CarriedBalance,
    months_options: Iterable[int],
    annual_rate: Decimal,
    fee_rate: Decimal,
    start: date,
    currency: str,
    caps: Caps,
) -> list[Offer]:
    """Price one plan per length in ``months_options`` that the caps allow, shortest first.

    The fee of each is ``fee_rate`` of the carried balance, rounded down to the minor
    unit. Lengths beyond ``caps.max_months`` and plans over the cost cap are left out.
    """
    total = _checked_balance(balance, currency)
    fee = _fee_for(total, fee_rate, currency)
    offers = []
    for months in sorted(set(months_options)):
        if not 1 <= months <= caps.max_months:
            continue
        terms = PlanTerms(months=months, annual_rate=annual_rate, fee=fee, start=start)
        offer = price_offer(balance=balance, terms=terms, currency=currency, caps=caps)
        if not offer.exceeds_cap:
            offers.append(offer)
    return offers


def affordable(offers: Sequence[Offer], installment: Decimal) -> list[Offer]:
    """Return the offers whose every payment, fee included, fits ``installment``."""
    return [
        offer
        for offer in offers
        if offer.first_payment <= installment and offer.regular_payment <= installment
    ]


def current_payment(installments: Sequence[InstallmentState], as_of: date) -> Decimal:
    """Return what the current schedule asks of the borrower each month, as of ``as_of``.

    That is the scheduled payment (principal and interest) of the next unpaid installment
    to fall due from ``as_of`` on. When every unpaid installment is already due, the whole
    of what is owed is due now, and that is the payment to compare with.
    """
    unpaid = [row for row in installments if not row.is_paid]
    upcoming = sorted((row for row in unpaid if row.due_date >= as_of), key=lambda row: row.n)
    if upcoming:
        return upcoming[0].principal_due + upcoming[0].interest_due
    return sum((row.outstanding for row in unpaid), start=ZERO)


def lowers_payments(*, first_payment: Decimal, regular_payment: Decimal, current: Decimal) -> bool:
    """Tell whether a plan asks less than ``current`` every month, its first payment included."""
    return first_payment < current and regular_payment < current


def _fee_for(total: Decimal, fee_rate: Decimal, currency: str) -> Decimal:
    return (total * fee_rate).quantize(quantum(currency), rounding=ROUND_DOWN) + 0


def _checked_balance(balance: CarriedBalance, currency: str) -> Decimal:
    for name in ("principal", "interest", "fees"):
        _amount(f"balance.{name}", getattr(balance, name), currency)
    if balance.total <= 0:
        raise RestructuringError("balance", "nothing is owed, so there is nothing to restructure")
    return balance.total


def _check_terms(terms: PlanTerms, carried: Decimal, currency: str, caps: Caps) -> None:
    months = terms.months
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise RestructuringError("months", f"must be a whole number of at least 1, got {months!r}")
    if months > caps.max_months:
        raise RestructuringError(
            "months", f"at most {caps.max_months} months are allowed", code="months_above_cap"
        )
    _check_rate(terms.annual_rate, caps)
    fee = _amount("fee", terms.fee, currency)
    if fee > carried * caps.max_fee_rate:
        raise RestructuringError(
            "fee",
            f"may be at most {caps.max_fee_rate:%} of the carried balance",
            code="fee_above_cap",
        )


def _check_rate(rate: Decimal, caps: Caps) -> None:
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate < 0:
        raise RestructuringError("annual_rate", f"must be a rate of 0 or more, got {rate!r}")
    if rate > min(caps.max_annual_rate, MAX_ANNUAL_RATE):
        raise RestructuringError(
            "annual_rate",
            f"may be at most {caps.max_annual_rate} (a fraction: 0.18 is 18%)",
            code="rate_above_cap",
        )


def _schedule(carried: Decimal, terms: PlanTerms, currency: str) -> list[ScheduledInstallment]:
    try:
        return build_schedule(
            principal=carried,
            annual_rate=terms.annual_rate,
            months=terms.months,
            method=Method.EQUAL_INSTALLMENT,
            start=terms.start,
            currency=currency,
        )
    except ScheduleError as error:
        field = {"principal": "balance"}.get(error.field, error.field)
        raise RestructuringError(field, error.reason) from None


def _amount(name: str, amount: Decimal, currency: str) -> Decimal:
    try:
        return parse_amount(amount, currency)
    except UnknownCurrency as error:
        raise RestructuringError("currency", str(error)) from None
    except AmountError as error:
        raise RestructuringError(name, str(error)) from None
