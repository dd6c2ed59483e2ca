"""Repayment schedules: equal installments (annuity) and equal principal.

Rounding: every amount is rounded half-up to the currency's minor unit (the fen
for CNY). The annuity payment and each month's interest are computed exactly with
rational arithmetic and rounded once, so they agree with the textbook formulas to
the minor unit. The rounding difference that accumulates over the months is
absorbed by the last installment, whose principal is whatever balance remains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from tactful.money.calendar import add_months
from tactful.money.currency import has_minor_precision, minor_units, to_minor_precision

MAX_ANNUAL_RATE = Decimal(10)
MAX_MONTHS = 600
# Rates are quoted to a few decimals; a cap keeps the exact arithmetic small on hostile input.
MAX_RATE_DECIMALS = 12


class Method(StrEnum):
    """How the principal is spread over the installments."""

    EQUAL_INSTALLMENT = "equal_installment"
    EQUAL_PRINCIPAL = "equal_principal"


class ScheduleError(ValueError):
    """Loan terms that cannot produce a schedule; ``field`` names the bad term, ``reason`` why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ScheduledInstallment:
    """One installment of a schedule; ``balance`` is the principal still owed after it."""

    n: int
    due_date: date
    principal: Decimal
    interest: Decimal
    payment: Decimal
    balance: Decimal


def build_schedule(
    *,
    principal: Decimal,
    annual_rate: Decimal,
    months: int,
    method: Method,
    start: date,
    currency: str = "CNY",
) -> list[ScheduledInstallment]:
    """Build the repayment schedule; installment n falls due ``add_months(start, n)``.

    The monthly rate is ``annual_rate / 12``, kept exact. Each month's interest is
    the outstanding balance times the monthly rate. Equal installment pays
    ``P·r·(1+r)^n / ((1+r)^n − 1)`` a month (``P/n`` when the rate is zero); equal
    principal repays ``P/n`` a month. Amounts are rounded half-up to the currency's
    minor unit and the last installment repays whatever balance remains. If rounding
    up would repay the loan early (only possible for tiny principals), the
    installment that reaches zero repays just the balance and later ones are zero.

    Raise ``ScheduleError`` naming the bad term unless principal > 0 with the
    currency's precision, 0 <= annual_rate <= 10 with at most 12 decimals,
    1 <= months <= 600 and the last installment falls due in the calendar (by
    9999-12-31); raise ``UnknownCurrency`` for an unknown currency.
    """
    checked_method = _validate(principal, annual_rate, months, method, currency)
    _validate_last_due_date(start, months)
    monthly_rate = Fraction(annual_rate) / 12
    level_principal = _round(Fraction(principal) / months, currency)
    level_payment = _level_payment(Fraction(principal), monthly_rate, months, currency)
    balance = to_minor_precision(principal, currency)
    installments = []
    for n in range(1, months + 1):
        interest = _round(Fraction(balance) * monthly_rate, currency)
        if n == months:
            part = balance
        elif checked_method is Method.EQUAL_INSTALLMENT:
            part = min(level_payment - interest, balance)
        else:
            part = min(level_principal, balance)
        balance -= part
        installments.append(
            ScheduledInstallment(
                n=n,
                due_date=add_months(start, n),
                principal=part,
                interest=interest,
                payment=part + interest,
                balance=balance,
            )
        )
    return installments


def _level_payment(
    principal: Fraction, monthly_rate: Fraction, months: int, currency: str
) -> Decimal:
    if monthly_rate == 0:
        return _round(principal / months, currency)
    growth = (1 + monthly_rate) ** months
    return _round(principal * monthly_rate * growth / (growth - 1), currency)


def _round(value: Fraction, currency: str) -> Decimal:
    """Round a non-negative exact value half-up to the currency's minor unit."""
    units = minor_units(currency)
    whole, remainder = divmod(value * 10**units, 1)
    minor = int(whole) + (1 if remainder * 2 >= 1 else 0)
    return Decimal(minor).scaleb(-units)


def _validate_last_due_date(start: date, months: int) -> None:
    # Validated after `months`, so the arithmetic below is on a checked whole number.
    if (start.year * 12 + start.month - 1) + months > date.max.year * 12 + 11:
        raise ScheduleError(
            "start", f"the last of {months} installments would fall due after {date.max}"
        )


def _validate(
    principal: Decimal, annual_rate: Decimal, months: int, method: Method, currency: str
) -> Method:
    """Check the loan terms and return the method as a ``Method``."""
    minor_units(currency)  # raises UnknownCurrency early, before any arithmetic
    _validate_principal(principal, currency)
    _validate_rate(annual_rate)
    if isinstance(months, bool) or not isinstance(months, int):
        raise ScheduleError("months", f"must be a whole number, got {months!r}")
    if not 1 <= months <= MAX_MONTHS:
        raise ScheduleError("months", f"must be between 1 and {MAX_MONTHS}, got {months}")
    try:
        return Method(method)
    except ValueError:
        choices = ", ".join(m.value for m in Method)
        raise ScheduleError("method", f"must be one of {choices}, got {method!r}") from None


def _validate_principal(principal: Decimal, currency: str) -> None:
    if not isinstance(principal, Decimal) or not principal.is_finite():
        raise ScheduleError("principal", f"must be a finite Decimal, got {principal!r}")
    if principal <= 0:
        raise ScheduleError("principal", f"must be greater than zero, got {principal}")
    if principal >= Decimal("1E18"):
        raise ScheduleError("principal", f"must be below 1E18, got {principal}")
    if not has_minor_precision(principal, currency):
        places = minor_units(currency)
        raise ScheduleError(
            "principal", f"{principal} has more decimals than {currency} allows ({places})"
        )


def _validate_rate(annual_rate: Decimal) -> None:
    if not isinstance(annual_rate, Decimal) or not annual_rate.is_finite():
        raise ScheduleError("annual_rate", f"must be a finite Decimal, got {annual_rate!r}")
    if not 0 <= annual_rate <= MAX_ANNUAL_RATE:
        raise ScheduleError(
            "annual_rate",
            f"must be between 0 and {MAX_ANNUAL_RATE} (a fraction: 0.18 is 18%), got {annual_rate}",
        )
    if annual_rate != annual_rate.quantize(Decimal(1).scaleb(-MAX_RATE_DECIMALS)):
        raise ScheduleError(
            "annual_rate", f"must have at most {MAX_RATE_DECIMALS} decimals, got {annual_rate}"
        )
