"""Currencies, their minor units, and the parsing of amounts written by people."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType

# Larger sums are data errors, and refusing them keeps every quantize within decimal precision.
MAX_AMOUNT = Decimal("1E18")

# ISO 4217 minor units: how many decimals an amount in the currency may carry.
MINOR_UNITS: Mapping[str, int] = MappingProxyType(
    {
        "CNY": 2,
        "USD": 2,
        "INR": 2,
        "PHP": 2,
        "IDR": 2,
        "KES": 2,
        "GBP": 2,
        "EUR": 2,
        "HKD": 2,
        "TWD": 2,
        "JPY": 0,
    }
)


class UnknownCurrency(ValueError):
    """A currency code this package has no minor unit for."""


class AmountError(ValueError):
    """An amount that is not a valid, non-negative sum in its currency."""


def minor_units(currency: str) -> int:
    """Return how many decimals an amount in ``currency`` carries."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        known = ", ".join(sorted(MINOR_UNITS))
        raise UnknownCurrency(f"unknown currency {currency!r}; known: {known}") from None


def quantum(currency: str) -> Decimal:
    """Return the smallest amount of ``currency``, e.g. ``Decimal("0.01")`` for CNY."""
    return Decimal(1).scaleb(-minor_units(currency))


def to_minor_precision(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` half-up to the minor unit of ``currency``."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def has_minor_precision(amount: Decimal, currency: str) -> bool:
    """Tell whether ``amount`` is a whole number of minor units of ``currency``."""
    return amount == to_minor_precision(amount, currency)


def parse_amount(value: str | Decimal, currency: str) -> Decimal:
    """Parse a non-negative amount and return it at exactly the currency's precision.

    Trailing zeros beyond the minor unit are accepted ("12.50" is fine for CNY,
    "12.0" for JPY); any non-zero digit beyond it is refused rather than rounded,
    because silently rounding money someone typed hides their mistake.
    """
    amount = _as_decimal(value)
    if not amount.is_finite():
        raise AmountError(f"amount must be a finite number, got {value!r}")
    if amount < 0:
        raise AmountError(f"amount must not be negative, got {value!r}")
    if amount >= MAX_AMOUNT:
        raise AmountError(f"amount must be below {MAX_AMOUNT:f}, got {value!r}")
    if not has_minor_precision(amount, currency):
        raise AmountError(
            f"amount {value!r} has more decimals than {currency} allows ({minor_units(currency)})"
        )
    # Adding zero turns a negative zero into a plain zero.
    return to_minor_precision(amount, currency) + 0


def _as_decimal(value: str | Decimal) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):
        # Floats cannot hold most decimal amounts exactly, so they are refused outright.
        raise AmountError(f"amount must be given as text or Decimal, got {type(value).__name__}")
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        raise AmountError(f"amount must be a number, got {value!r}") from None
